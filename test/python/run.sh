#!/usr/bin/env bash
# Runs the probe middleware's Python tests on the system Python (Debian's, with Django 4.2).
# Exits non-zero when a test fails or none ran; PROXYTRUST_PYTHON picks another interpreter.
set -euo pipefail
cd "$(dirname "$0")"
python="${PROXYTRUST_PYTHON:-/usr/bin/python3}"

if ! "$python" -c 'import django' 2>/dev/null; then
  echo "probe tests: $python cannot import Django; run scripts/install-system-deps.sh first." >&2
  exit 1
fi

exec "$python" - <<'PY'
import sys
import unittest

suite = unittest.defaultTestLoader.discover(".", pattern="test_*.py")
result = unittest.TextTestRunner(verbosity=2).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
passed = result.testsRun - failed - skipped
print("probe: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
PY
