#!/usr/bin/env bash
# bench/daemon.sh [daemonbench flags] — the daemon's targets (issue 6):
# `mailwarden run` on three IMAP accounts of a local Dovecot, watched with
# IDLE, a token store trained on trec07p-1-20000 (minus the held-out spam):
# resident memory, CPU while idle over 5 minutes, delivery → moved to Junk
# latency; and Thunderbird (Debian package, under Xvfb) with the same
# accounts, measured the same way. One table on stdout, also in
# bench/out/daemon-DATE.md. About 15 minutes.
#
# Flags go to bench/daemonbench (-h lists them), e.g. `-idle 30s` for a
# smoke run (the default is the full 5 minutes), `-thunderbird=false`,
# `-keep` to keep the scratch directory (logs, profile, protocol logs).
#
# mailwarden is built from the committed HEAD (a `git archive` snapshot), so
# that unfinished edits in the shared work tree are not measured; set
# DAEMON_BENCH_WORKTREE=1 to measure the work tree instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

need_pkgs dovecot:dovecot-imapd doveadm:dovecot-imapd xz:xz-utils \
	thunderbird:thunderbird Xvfb:xvfb xdotool:xdotool localedef:locales
root=$PWD
w=$(mktemp -d /tmp/mw-daemon-sh-XXXXXX)
trap 'rm -rf "$w"' EXIT

# Thunderbird runs with LANG=en_US.UTF-8: compile that locale into a private
# directory when the system has not got it (nothing under /usr is changed).
if ! locale -a 2>/dev/null | grep -qix 'en_US\.utf-\?8'; then
	mkdir -p "$w/locale"
	localedef -i en_US -f UTF-8 "$w/locale/en_US.UTF-8" 2>/dev/null || true
	[ -d "$w/locale/en_US.UTF-8" ] && export LOCPATH="$w/locale"
fi

src=$root
rev=$(git describe --always --dirty 2>/dev/null || echo '?')
if [ "${DAEMON_BENCH_WORKTREE:-}" != 1 ] && git rev-parse --verify -q HEAD >/dev/null; then
	src=$w/src
	mkdir -p "$src"
	git archive HEAD | tar -x -C "$src"
	rm -rf "$src/bench/daemonbench"
	cp -r bench/daemonbench "$src/bench/"  # the benchmark itself as in the work tree
	rev="$(git rev-parse --short HEAD) (committed HEAD)"
fi
echo "building mailwarden $rev" >&2
(cd "$src" && CGO_ENABLED=0 ${GO:-go} build -o "$w/bin/mailwarden" ./cmd/mailwarden &&
	CGO_ENABLED=0 ${GO:-go} build -o "$w/bin/daemonbench" ./bench/daemonbench)

"$w/bin/daemonbench" -mailwarden "$w/bin/mailwarden" -out "$root/bench/out" \
	-note "mailwarden $rev, built with $(${GO:-go} version | cut -d' ' -f3); command: bench/daemon.sh $*" "$@"
