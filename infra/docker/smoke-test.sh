#!/usr/bin/env bash
# Runs the built server image against a PostgreSQL on this machine and checks what a deploy checks:
# readiness (/readyz, or the health procedure where the server has no /readyz), the SPA at /, and
# /metrics. The image runs as built (its user, its command); the network is the host's.
# Usage: smoke-test.sh IMAGE POSTGRES_ADMIN_URL
set -euo pipefail
image=$1
admin_url=$2
storage=(--storage-driver "${BUILDAH_STORAGE_DRIVER:-vfs}")
port=${SMOKE_PORT:-18080}
db="th_smoke_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
psql "$admin_url" -qc "create database $db"
database_url="${admin_url%/*}/$db"
ctr=$(buildah "${storage[@]}" from "$image")
log=$(mktemp)
cleanup() {
  # buildah run gives the container process a session of its own: end whatever listens on the port,
  # then buildah's process group.
  for p in $(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do kill "$p" || true; done
  [ -n "${pid:-}" ] && kill -- "-$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  buildah "${storage[@]}" rm "$ctr" >/dev/null 2>&1 || true
  psql "$admin_url" -qc "drop database if exists $db with (force)" || true
  rm -f "$log"
}
trap cleanup EXIT

started=$(date +%s)
setsid buildah "${storage[@]}" run --isolation chroot \
  --env DATABASE_URL="$database_url" --env HOST=127.0.0.1 --env PORT="$port" --env JOBS_ENABLED=false \
  --env ADMIN_USERNAME=smoke --env ADMIN_PASSWORD=smoke-test-password \
  "$ctr" -- tini -- node apps/server/dist/main.js >"$log" 2>&1 &
pid=$!

url="http://127.0.0.1:$port"
ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then echo "the server image exited:"; cat "$log"; exit 1; fi
  type=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/readyz" || true)
  if [[ "$type" == "200 application/json"* ]]; then ready=/readyz; break; fi
  # A server without /readyz answers it with the SPA (text/html): ask the health procedure instead.
  if curl -sf "$url/trpc/health.check" | grep -q '"ok":true'; then ready=/trpc/health.check; break; fi
  sleep 1
done
[ -n "$ready" ] || { echo "not ready after 120 s:"; cat "$log"; exit 1; }
echo "ready ($ready) after $(($(date +%s) - started)) s"

curl -sf "$url/" | grep -q '<div id="root">' || { echo "the SPA is not served at /"; exit 1; }
curl -sf "$url/admin" | grep -q '<div id="root">' || { echo "client routes do not fall back to the SPA"; exit 1; }
curl -sf "$url/metrics" | grep -q '^tradehits_http_request_duration_seconds' || { echo "/metrics is missing"; exit 1; }
user=$(buildah "${storage[@]}" inspect --format '{{.OCIv1.Config.User}}' "$image")
[ "$user" = node ] || { echo "the image runs as '$user', not node"; exit 1; }
echo "server image smoke test passed: ready, SPA, metrics, user $user"
