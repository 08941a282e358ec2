#!/usr/bin/env bash
# Prints the CHANGELOG.md entry of one version (the lines under "## [X.Y.Z]" up to the next
# "## "), for the release notes; fails when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: changelog-entry.sh X.Y.Z}
entry=$(awk -v v="$version" '
  /^## / { if (found) exit; if (index($0, "## [" v "]") == 1) { found = 1; next } }
  found { print }
' CHANGELOG.md)
if [ -z "${entry//[[:space:]]/}" ]; then
  echo "CHANGELOG.md has no entry '## [$version]'" >&2
  exit 1
fi
printf '%s\n' "$entry"
