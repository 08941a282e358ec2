#!/usr/bin/env bash
# End-to-end tests only: the built dist/ run as the runner runs it, against the local cloud.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Two workers: the fuzz suite (no local cloud) runs beside the others, which take turns on the machine's one
# local cloud (harness/lock.js).
NODE_OPTIONS=--experimental-vm-modules NODE_NO_WARNINGS=1 npx jest --maxWorkers=2 "$@" --selectProjects e2e
