#!/usr/bin/env bash
# Install Kwika with its test tools into .venv and run the linter and the whole test suite.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/modules/identity -x).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# Redis-dependent tests run against a real redis-server; install it when we can.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) \
      >/dev/null 2>&1 || echo "warning: could not install redis-server; using fakeredis" >&2
  fi
fi
if [ -n "${CI:-}" ]; then
  export KWIKA_TEST_REQUIRE_REDIS=1
fi

.venv/bin/ruff check src tests scripts $( [ -d benchmarks ] && echo benchmarks )
.venv/bin/lint-imports
.venv/bin/mypy src
.venv/bin/python scripts/deadcode.py
.venv/bin/python -m pytest --durations=25 "$@"
