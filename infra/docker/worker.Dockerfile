# syntax=docker/dockerfile:1
# apps/worker: the BullMQ consumer and its schedules. It serves no HTTP, so the SPA is not built here.
# Build from the repository root:
#   docker build -f infra/docker/worker.Dockerfile -t worker .

# ---- dependencies: the whole workspace, exactly as locked ----------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    TURBO_TELEMETRY_DISABLED=1
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci

# ---- runtime ------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
# tini as PID 1 forwards SIGTERM so the worker can finish its active jobs before Cloud Run stops it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app /app
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "apps/worker/src/main.ts"]
