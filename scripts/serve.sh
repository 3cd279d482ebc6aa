#!/usr/bin/env bash
# Install Kwika into .venv and start the API on the embedded default
# (mongomock storage, a private redis-server if installed else fakeredis, in-process worker).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/kwika serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
