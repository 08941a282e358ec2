#!/usr/bin/env bash
# The README's "run it" command: set-up, build, then the demo on the local cloud.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s build
node scripts/demo.mjs "$@"
