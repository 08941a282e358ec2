#!/usr/bin/env bash
# End-to-end tests only: the built dist/ run as the runner runs it, against the local cloud.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
NODE_OPTIONS=--experimental-vm-modules NODE_NO_WARNINGS=1 npx jest "$@" --selectProjects e2e
