#!/usr/bin/env bash
# Install what tests/deploy/ needs, when it is missing. Idempotent and quiet; the test
# session calls it, so `make test` needs no extra step.
#
#   .venv-tools/   kubernetes-validate and check-jsonschema (requirements/deploy-tools.txt),
#                  apart from .venv because Rasa pins an older jsonschema. Rebuilt when
#                  that file changes.
#   nginx          Debian's package, for `nginx -t` and a sticky-session check on
#                  loopback. Needs root (or sudo) the first time.
#
# Prints the nginx binary's path on success.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=.venv-tools
REQUIREMENTS=requirements/deploy-tools.txt
STAMP="$TOOLS/.installed"

# One install at a time (two test runs starting together): lock the requirements file.
exec 9<"$REQUIREMENTS"
flock 9

wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ ! -x "$TOOLS/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$wanted" ]; then
  PY="$(scripts/find-python.sh)"
  echo "Installing the deployment test tools into $TOOLS/ ..." >&2
  rm -rf "$TOOLS"
  "$PY" -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
  "$TOOLS/bin/python" -m pip check >&2
  echo "$wanted" >"$STAMP"
fi

find_nginx() {
  for candidate in "$(command -v nginx 2>/dev/null || true)" /usr/sbin/nginx; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if ! find_nginx >/dev/null; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: nginx is missing and there is no apt-get to install it; install nginx" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "error: installing nginx needs root (apt-get install nginx)" >&2; exit 1
    fi
  fi
  echo "Installing nginx (Debian package) for the deployment tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  # The tests run their own nginx on a free loopback port: keep the package from
  # starting its system service (policy-rc.d exit 101), as scripts/install-services.sh.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends nginx >&2
fi

find_nginx || { echo "error: apt-get finished but nginx is missing" >&2; exit 1; }
