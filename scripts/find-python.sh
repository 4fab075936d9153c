#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains what is missing.
# Rasa 3.6.21 supports Python 3.8-3.10 only; we standardise on 3.10.
# Order: $PYTHON, python3.10 on PATH, pyenv's 3.10.x, the usual system locations.
set -u
is_310() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
    candidates+=("$(pyenv root)/versions/$v/bin/python3.10")
  done
fi
for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10 /opt/python3.10/bin/python3.10; do
  [ -e "$d" ] && candidates+=("$d")
done

for c in "${candidates[@]}"; do
  if is_310 "$c"; then echo "$c"; exit 0; fi
done
cat >&2 <<MSG
error: no Python 3.10 interpreter with the venv module was found.
Taai runs on Rasa Open Source 3.6.21, which supports Python 3.8-3.10 only.
Install one, for example:
  pyenv install 3.10        (then run make again), or
  apt-get install python3.10 python3.10-venv
or point to one explicitly:  make PYTHON=/path/to/python3.10 ...
MSG
exit 1
