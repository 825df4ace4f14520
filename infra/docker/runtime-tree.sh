#!/bin/sh
# Assembles what an app's image runs, after `npm prune --omit=dev`: the app's bundle (and for the server
# the built SPA and the migrations), and every node_modules folder the bundle imports from. Sources,
# tests and dev tools stay behind. Usage: runtime-tree.sh server|worker OUT
set -eu
app=$1
out=$2/app
mkdir -p "$out/apps/$app"
cp -a package.json node_modules "$out/"
cp -a "apps/$app/package.json" "apps/$app/dist" "$out/apps/$app/"
[ ! -d "apps/$app/node_modules" ] || cp -a "apps/$app/node_modules" "$out/apps/$app/"
# A dependency installed under one package's own node_modules is imported from there by path.
for pkg in packages/*; do
  mkdir -p "$out/$pkg"
  cp -a "$pkg/package.json" "$out/$pkg/"
  [ ! -d "$pkg/node_modules" ] || cp -a "$pkg/node_modules" "$out/$pkg/"
done
if [ "$app" = server ]; then
  mkdir -p "$out/apps/web"
  cp -a apps/web/package.json apps/web/dist "$out/apps/web/"
  cp -a drizzle "$out/"
fi
# Source maps stay in the build stage: the stack traces name bundle lines, which is enough to find them.
find "$out/apps" -name '*.js.map' -delete
