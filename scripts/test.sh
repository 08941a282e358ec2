#!/usr/bin/env bash
# The README's test command: set-up, strict type check, unit tests, then the end-to-end tests
# (npm run test:e2e: the built dist/ against the local cloud with the real clients).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p .harness
npm run -s lint
# The coverage floor (jest.config.js) holds for the whole unit suite, not for a subset picked by arguments.
coverage=(); [ $# -eq 0 ] && coverage=(--coverage)
# The unit tests run beside the end-to-end tests: those spend most of their time waiting on clients, registries and
# deadlines (and take turns on the one local cloud), so the unit run fits in beside them on a 2-core machine.
npm run -s test:unit -- "${coverage[@]}" --json --outputFile=.harness/unit-results.json "$@" >.harness/unit.log 2>&1 &
unit=$!
e2e_status=0
npm run -s test:e2e -- --json --outputFile=.harness/e2e-results.json "$@" || e2e_status=$?
unit_status=0
wait "$unit" || unit_status=$?
cat .harness/unit.log
if [ "$unit_status" -ne 0 ] || [ "$e2e_status" -ne 0 ]; then
  echo "unit tests: exit $unit_status, end-to-end tests: exit $e2e_status" >&2
  exit 1
fi
# One closing line for both runs, in the plain form CI reads.
node -e '
  let passed = 0, failed = 0, skipped = 0
  for (const file of process.argv.slice(1)) {
    const r = JSON.parse(require("fs").readFileSync(file, "utf8"))
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
' .harness/unit-results.json .harness/e2e-results.json
