#!/usr/bin/env bash
# The README's test command: set-up, strict type check, unit tests, then the end-to-end tests
# (npm run test:e2e: the built dist/ against the local cloud with the real clients).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s lint
npm run -s test:unit -- "$@"
npm run -s test:e2e -- "$@"
