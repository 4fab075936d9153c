#!/usr/bin/env bash
# Install the production profile's backing services for `make cluster` and the
# scale-out tests: Debian's PostgreSQL, Redis and nginx. Idempotent: installs only
# what is missing. Needs root (or sudo) the first time. Nothing is started here and
# the packages' own system services are not used: ops/services.py starts private
# instances on loopback with their own data directories.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: ${missing[*]} missing and no apt-get to install them" >&2; exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: installing ${missing[*]} needs root (apt-get install ${missing[*]})" >&2; exit 1
  fi
fi
echo "Installing ${missing[*]} (Debian packages) for the production profile..." >&2
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101: do not start the packages' system services during installation.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
