#!/usr/bin/env bash
# Fails when dist/ is not what a fresh build of src/ produces (the release workflow relies on it),
# or when it is over its size budget.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
# An assignment keeps git's exit status: a git that cannot read the repository fails the check
# instead of printing nothing, which would look like a clean dist/.
status=$(git status --porcelain --untracked-files=all -- dist)
if [ -n "$status" ]; then
  echo "dist/ is stale: 'npm run build' changed it. Rebuild and commit dist/ with the src/ change." >&2
  echo "$status" >&2
  exit 1
fi
echo "dist/ matches a fresh build"
node scripts/dist-size.mjs
