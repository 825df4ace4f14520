# syntax=docker/dockerfile:1
# apps/worker: the BullMQ consumer and its schedules. It serves no HTTP, so the SPA is not built here.
# Build from the repository root:
#   docker build -f infra/docker/worker.Dockerfile -t worker .
# (`--build-arg NODE_IMAGE=localhost/tradehits-node:20` where no registry is reachable, as for the server.)
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dependencies exactly as locked, and the worker bundle -----------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    TURBO_TELEMETRY_DISABLED=1
# The lockfile is npm 11's; node:20 ships npm 10, whose `npm ci` rejects it.
# A build host behind a TLS-inspecting proxy passes its CA bundle as the secret `ca`; it is mounted for
# the commands that fetch packages only and never lands in a layer.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca npm_config_cafile=/run/secrets/ca; fi \
 && { [ "$(npm -v)" = "11.19.1" ] || npm install -g npm@11.19.1; }
COPY . .
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca npm_config_cafile=/run/secrets/ca; fi \
 && npm ci \
 && npx turbo run build --filter=@tradehits/worker \
 && npm prune --omit=dev \
 && infra/docker/runtime-tree.sh worker /out

# ---- runtime -------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM so the worker can finish its active jobs before Cloud Run stops it.
RUN command -v tini >/dev/null || { apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*; }
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/tmp/tradehits
COPY --from=build /out/app /app
USER node
ENTRYPOINT ["tini", "--"]
CMD ["node", "apps/worker/dist/main.js"]
