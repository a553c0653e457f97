#!/usr/bin/env bash
# The whole product in a minute: real Django behind real nginx, one stack healthy and one
# misconfigured, each scanned from outside and audited from its files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/ensure-node-deps.sh
exec node --import tsx scripts/demo.ts "$@"
