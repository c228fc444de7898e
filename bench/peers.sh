#!/usr/bin/env bash
# bench/peers.sh [CORPUS...] — mailwarden against bogofilter, spamprobe and
# SpamAssassin's Bayes, all through the same TREC full-feedback protocol on the
# same corpora (X-Spam*/X-Bogosity stripped for everyone), in one run, printing
# one table (also written to bench/out/peers-DATE.md, with every tool's score
# file beside it). Installs the peers from Debian when they are missing.
#
# CORPUS: a name in ../shared/corpus (or $MAILWARDEN_CORPUS), NAME.tar.xz or
# an unpacked directory. Default: spamassassin trec07p-1-20000 (about 30
# minutes on 2 cores: the peers start processes per message).
# PEERS_FLAGS passes flags to `benchtool peers`, for example
# PEERS_FLAGS="--sa-limit 5000" (SpamAssassin on a prefix of each corpus; the
# other tools' metrics on the same prefix are added to the table) or
# PEERS_FLAGS="--limit 1000" for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

if [ $# -eq 0 ]; then
	set -- spamassassin trec07p-1-20000
fi
need_pkgs bogofilter:bogofilter spamprobe:spamprobe sa-learn:spamassassin spamd:spamd spamc:spamc xz:xz-utils
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
build_tools "$bin"
# shellcheck disable=SC2086
"$bin/benchtool" peers --mailwarden "$bin/mailwarden" --out bench/out ${PEERS_FLAGS:-} "$@"
