# syntax=docker/dockerfile:1
# apps/server: tRPC over HTTP and SSE, serving the built SPA, and the migrate CLI for the Cloud Run job.
# Build from the repository root:
#   docker build -f infra/docker/server.Dockerfile -t server .
# Where no container registry is reachable, build the base with infra/docker/node-base.sh and add
#   --build-arg NODE_IMAGE=localhost/tradehits-node:20
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dependencies exactly as locked, the SPA and the server bundle ---------------------------
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
# Workspaces need every package.json in place before `npm ci`; .dockerignore keeps node_modules,
# .data, dist, .turbo and .git out of the context.
COPY . .
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca npm_config_cafile=/run/secrets/ca; fi \
 && npm ci \
 && npx turbo run build --filter=@tradehits/web --filter=@tradehits/server \
 && npm prune --omit=dev \
 && infra/docker/runtime-tree.sh server /out

# ---- runtime: plain JavaScript on Node, no compiler, no dev dependencies ----------------------------
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM (Cloud Run's shutdown signal) and reaps zombies.
RUN command -v tini >/dev/null || { apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*; }
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/tmp/tradehits
# Files stay owned by root: the process reads its code but cannot rewrite it.
COPY --from=build /out/app /app
USER node
EXPOSE 8080
ENTRYPOINT ["tini", "--"]
CMD ["node", "apps/server/dist/main.js"]
