# syntax=docker/dockerfile:1
# Jackpot server image: Bun runs the TypeScript sources directly (no build step).
#
#   docker build -t jackpot-server .
#   docker run -p 3000:3000 jackpot-server          # embedded PGlite, no Redis
#
# Stages: manifests (package.json files only, so the dependency layer is reused
# until a manifest or the lockfile changes) → deps (production install) → runtime.
ARG BUN_IMAGE=oven/bun:1.4

FROM ${BUN_IMAGE} AS manifests
WORKDIR /src
COPY . .
# Keep the lockfile, bunfig and every workspace package.json, in their folders.
RUN find . -name node_modules -prune -o -type f \
      ! -name package.json ! -name bun.lock ! -name bunfig.toml -print0 | xargs -0 rm -f \
 && find . -depth -type d -empty -delete

FROM ${BUN_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /src/ ./
# --frozen-lockfile: the image gets exactly the versions CI tested.
RUN bun install --frozen-lockfile --production --ignore-scripts

FROM ${BUN_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PGLITE_DATA_DIR=/app/data
# pg_dump/pg_restore for `bun run cli backup|restore` (the compose `backup` service, the k8s
# CronJob); Debian bookworm's client is 15, the same major as the database.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=deps --chown=bun:bun /app/ ./
COPY --chown=bun:bun . .
# The embedded database (when DATABASE_URL is unset) writes here.
# /backups: where the backup service writes (a volume mounted there keeps this owner).
RUN mkdir -p /app/data /backups && chown bun:bun /app/data /backups
USER bun
EXPOSE 3000
# curl is not in the image; Bun's fetch is. PORT may be overridden at run time.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["bun", "run", "apps/server/src/main.ts"]
