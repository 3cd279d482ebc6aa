#!/usr/bin/env bash
# Install Kwika into .venv and start the API on the embedded default
# (mongomock storage, a private redis-server if installed else fakeredis, in-process worker).
# Arguments go to `kwika serve` (e.g. --demo). pip runs only when pyproject.toml changed
# since the last install (or the install is missing), so a restart takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
STAMP=.venv/.kwika-install-stamp
wanted="$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(open("pyproject.toml","rb").read()).hexdigest())') $(pwd)"
if [ ! -x .venv/bin/kwika ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
  printf '%s' "$wanted" > "$STAMP"
fi
exec .venv/bin/kwika serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" "$@"
