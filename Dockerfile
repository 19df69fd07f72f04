# Parley's container image: a build stage with the compilers and every dependency, and a small runtime
# stage with the built server, the built web client and production dependencies only.
# No Docker engine runs in our CI: server/test/ops/ lints this file and starts the runtime stage's
# layout (the COPY --from=build lines below) as a non-root user. Keep the two in step.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 and bcrypt compile from source when no prebuilt binary matches.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Build with the dev dependencies (tsc, vite), then drop them: the runtime stage copies what is left.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
# Owned by root and read-only to the server: it writes only under /data.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/server/assets ./server/assets
COPY --from=build /app/scripts/healthcheck.mjs ./scripts/healthcheck.mjs
# The node image's unprivileged user (uid 1000) owns the data volume and nothing else.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
CMD ["node", "dist/server/src/main.js"]
