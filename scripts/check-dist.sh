#!/usr/bin/env bash
# Fails when dist/ is not what a fresh build of src/ produces, or when it is over its size budget.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ is stale: 'npm run build' changed it. Rebuild and commit dist/ with the src/ change." >&2
  git status --porcelain -- dist >&2
  exit 1
fi
echo "dist/ matches a fresh build"
node scripts/dist-size.mjs
