#!/usr/bin/env bash
# Benchmarks (loopback only): start-up of the built CLI, full scans of a real stack, static parsing
# at scale, fleets. Each figure is printed with its goal, most as a ratio to a baseline measured beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/ensure-node-deps.sh
npm run build --silent
for bench in bench/*.bench.ts; do
  node --import tsx "$bench"
done
