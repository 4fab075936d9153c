#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/browser/). Idempotent: does
# nothing when a Chromium is already there. Needs root (or sudo) the first time.
#
#   scripts/install-browser.sh          install when missing, print the path
#   TAAI_CHROMIUM=/path/to/chromium     use that binary instead (nothing is installed)
set -euo pipefail

if [ -n "${TAAI_CHROMIUM:-}" ]; then
  if [ -x "$TAAI_CHROMIUM" ]; then echo "$TAAI_CHROMIUM"; exit 0; fi
  echo "error: TAAI_CHROMIUM=$TAAI_CHROMIUM is not an executable" >&2; exit 1
fi

for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: no Chromium found and no apt-get to install it; install Chromium and set TAAI_CHROMIUM" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: installing Chromium needs root (apt-get install chromium)" >&2; exit 1
  fi
fi

echo "Installing Chromium (Debian package 'chromium') for the browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2

if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; exit 0; fi
echo "error: apt-get finished but /usr/bin/chromium is missing" >&2
exit 1
