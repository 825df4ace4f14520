#!/usr/bin/env bash
# Builds the server and worker images without a daemon (buildah), the way CI does:
#   infra/docker/build.sh [TAG]   → localhost/tradehits-server:TAG and localhost/tradehits-worker:TAG
# Builds on NODE_IMAGE when one is given (e.g. node:20-bookworm-slim where a registry is reachable), else
# on the debootstrap base (node-base.sh), which needs only Debian's mirror. Passes this machine's CA bundle
# to the package fetches, for hosts behind a TLS-inspecting proxy.
set -euo pipefail
cd "$(dirname "$0")/../.."
tag=${1:-dev}
storage=(--storage-driver "${BUILDAH_STORAGE_DRIVER:-vfs}")
base=${NODE_IMAGE:-}
if [ -z "$base" ]; then
  bash infra/docker/node-base.sh
  base=localhost/tradehits-node:20
fi
secret=()
[ -s /etc/ssl/certs/ca-certificates.crt ] && secret=(--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt)
for target in server worker; do
  start=$(date +%s)
  # No layer cache: with the vfs driver every cached layer is a full copy of the root file system, which
  # made two builds slower (server 30 min with it, 11 min without, on two busy cores) than two clean ones.
  buildah "${storage[@]}" bud --isolation chroot --layers=false "${secret[@]}" --build-arg NODE_IMAGE="$base" \
    -f infra/docker/Dockerfile --target "$target" -t "localhost/tradehits-$target:$tag" . >/dev/null
  echo "built localhost/tradehits-$target:$tag in $(($(date +%s) - start)) s"
done
buildah "${storage[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep "tradehits-\(server\|worker\):$tag"
