# syntax=docker/dockerfile:1
# apps/server: tRPC over HTTP and SSE, serving the built SPA. Build from the repository root:
#   docker build -f infra/docker/server.Dockerfile -t server .

# ---- dependencies: the whole workspace, exactly as locked ----------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    TURBO_TELEMETRY_DISABLED=1
# Workspaces need every package.json in place before `npm ci`; .dockerignore keeps node_modules,
# .data, dist, .turbo and .git out of the context.
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci

# ---- build: the SPA into apps/web/dist --------------------------------------------------------------
FROM deps AS build
RUN npx turbo run build --filter=@tradehits/web \
 && rm -rf .turbo apps/*/.turbo packages/*/.turbo node_modules/.cache

# ---- runtime ------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
# tini as PID 1 forwards SIGTERM (Cloud Run's shutdown signal) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
# The sources run through tsx (a dev dependency today), so node_modules is copied whole. Files stay
# owned by root: the process can read its code but not rewrite it.
COPY --from=build /app /app
USER node
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "apps/server/src/main.ts"]
