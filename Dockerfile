# Production image of Witness Bridge. It expects an external MongoDB (MONGODB_URI) and explicit
# secrets (JWT_SECRET, IDENTITY_KEY); the embedded FerretDB is for development only.
#
#   docker build -t witness-bridge .
#   docker compose up        # with docker-compose.yml: the service and MongoDB 7
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile the server (tsc) and the client (Vite)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV MEDIASOUP_WORKER_BIN=/usr/lib/x86_64-linux-gnu/mediasoup/mediasoup-worker
COPY package.json package-lock.json ./
# No install scripts: mediasoup's postinstall would build its C++ worker (the worker comes from
# Debian's package instead), and argon2 and esbuild load their shipped prebuilt binaries.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.base.json ./
COPY config ./config
COPY server ./server
COPY media ./media
COPY client ./client
COPY scripts ./scripts
COPY test ./test
RUN npx tsc -p tsconfig.json \
 && npx tsc -p client/tsconfig.json \
 && npx vite build --config client/vite.config.ts \
 && npm prune --omit=dev

# ---- runtime: Node, Debian's mediasoup-worker 3.8.4, the built app, a non-root user
FROM ${NODE_IMAGE}
RUN printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: experimental\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > /etc/apt/sources.list.d/debian-experimental.sources \
 && printf 'Package: *\nPin: release a=experimental\nPin-Priority: 1\n\nPackage: mediasoup-worker\nPin: version 3.8.4*\nPin-Priority: 1001\n' \
      > /etc/apt/preferences.d/witness-bridge \
 && apt-get update \
 && apt-get install -y --no-install-recommends 'mediasoup-worker=3.8.4~dfsg1-1' \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    MEDIASOUP_WORKER_BIN=/usr/lib/x86_64-linux-gnu/mediasoup/mediasoup-worker \
    CLIENT_DIR=/app/dist/client \
    DATA_DIR=/app/data
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# WebRTC media: publish RTC_MIN_PORT-RTC_MAX_PORT (UDP and TCP) too, and set MEDIA_LISTEN_IP=0.0.0.0
# with MEDIA_ANNOUNCED_IP=<public address>.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server/main.js"]
