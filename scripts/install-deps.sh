#!/bin/bash
# Installs the Debian packages mailwarden's demo and tests need, only when missing.
# Usage: scripts/install-deps.sh [extra-debian-package...]
set -euo pipefail

need=()
[ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || need+=(dovecot-core)
[ -x /usr/bin/doveadm ] || command -v doveadm >/dev/null 2>&1 || need+=(dovecot-core)
[ -x /usr/lib/dovecot/imap ] || need+=(dovecot-imapd)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -e /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
for p in "$@"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root (or sudo) to apt-get install: ${need[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "install-deps: apt-get install ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Debian's dovecot-core would start a system-wide Dovecot; the tests start their own, so keep the
# system one from starting (policy-rc.d) when we are the ones installing it.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >&2
