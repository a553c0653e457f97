#!/usr/bin/env bash
# The whole test suite: static checks, unit tests, the probe middleware's Django tests and
# end-to-end tests against real Django behind real nginx, Caddy, HAProxy and Apache.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh --with-browser
bash scripts/ensure-node-deps.sh

echo "== typecheck and lint"
npx tsc -p tsconfig.json --noEmit
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

echo "== probe middleware (Django test client)"
bash test/python/run.sh

echo "== unit and end-to-end tests"
mapfile -t files < <(find test -name '*.test.ts' | sort)
node --import tsx --test --test-reporter=spec "${files[@]}"
