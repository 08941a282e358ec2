#!/usr/bin/env bash
# The README's test command: set-up, type check, unit tests, the built dist/ checked against
# src/, then the end-to-end tests against the local cloud with the real clients.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NODE_OPTIONS=--experimental-vm-modules NODE_NO_WARNINGS=1
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p tsconfig.test.json
npx jest "$@" --selectProjects unit e2e
