#!/usr/bin/env bash
# Benchmarks (loopback only): full scans of a real stack, and static parsing at scale.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/ensure-node-deps.sh
for bench in bench/*.bench.ts; do
  node --import tsx "$bench"
done
