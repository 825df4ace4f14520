#!/usr/bin/env bash
# Builds `localhost/tradehits-node:20`, a stand-in for node:20-bookworm-slim on machines that reach
# Debian's mirror and the npm registry but no container registry: a minimal Debian 12 root file system
# (debootstrap) with this machine's Node 20 and npm copied in, and a `node` user with uid 1000 as in the
# official image. The Dockerfiles take it as `--build-arg NODE_IMAGE=localhost/tradehits-node:20`.
set -euo pipefail
storage=(--storage-driver "${BUILDAH_STORAGE_DRIVER:-vfs}")
image=localhost/tradehits-node:20
if buildah "${storage[@]}" inspect --type image "$image" >/dev/null 2>&1; then
  echo "$image is present"
  exit 0
fi
node_bin=$(readlink -f "$(command -v node)")
case "$(node -v)" in v20.*) ;; *) echo "node-base: needs Node 20 on this machine, found $(node -v)" >&2; exit 1 ;; esac
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
# The machine's own Debian mirror (DEBIAN_MIRROR overrides): the image gets what apt here would install.
mirror=${DEBIAN_MIRROR:-$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)}
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "node-base: no Debian mirror configured for apt; set DEBIAN_MIRROR" >&2; exit 1; }
debootstrap --variant=minbase --include=ca-certificates,tini bookworm "$rootfs" "$mirror" >/dev/null
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
ctr=$(buildah "${storage[@]}" from scratch)
buildah "${storage[@]}" copy "$ctr" "$rootfs" / >/dev/null
buildah "${storage[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$ctr"
buildah "${storage[@]}" commit --rm "$ctr" "$image" >/dev/null
echo "$image built"
