# Production image of Witness Bridge. It expects an external MongoDB (MONGODB_URI) and explicit
# secrets (JWT_SECRET, IDENTITY_KEY); the embedded FerretDB is for development only.
#
#   docker build -t witness-bridge .
#   docker compose up        # with docker-compose.yml: the service and MongoDB 7
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- worker: the mediasoup worker built from registry sources (tools/mediasoup-worker/build.sh);
#      only the binary leaves this stage
FROM ${NODE_IMAGE} AS worker
WORKDIR /src
COPY tools/mediasoup-worker ./tools/mediasoup-worker
RUN apt-get update \
 && WB_CACHE_DIR=/tmp/wb-cache bash tools/mediasoup-worker/build.sh \
 && rm -rf /var/lib/apt/lists/*

# ---- masker: the video masker's Python environment (mediapipe, OpenCV) from PyPI
FROM ${NODE_IMAGE} AS masker
RUN apt-get update && apt-get install -y --no-install-recommends python3-venv && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY tools/masker ./tools/masker
RUN bash tools/masker/build.sh

# ---- build: compile the server (tsc) and the client (Vite)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# No install scripts: mediasoup's postinstall would fetch a prebuilt worker (the worker stage
# builds it instead), and argon2 and esbuild load their shipped prebuilt binaries.
ENV MEDIASOUP_WORKER_BIN=/app/tools/mediasoup-worker/bin/mediasoup-worker
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.base.json ./
COPY config ./config
COPY common ./common
COPY server ./server
COPY media ./media
COPY client ./client
COPY scripts ./scripts
COPY test ./test
RUN npx tsc -p tsconfig.json \
 && npx tsc -p client/tsconfig.json \
 && npx vite build --config client/vite.config.ts \
 && npm prune --omit=dev

# ---- runtime: Node, the worker and the libraries it links (Debian bookworm), ffmpeg and the
#      masker for the masking processes, the built app, a non-root user
FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 libuv1 libsrtp2-1 libusrsctp2 libabsl20220623 \
      ffmpeg python3 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
COPY --from=worker /src/tools/mediasoup-worker/bin/mediasoup-worker /app/tools/mediasoup-worker/bin/mediasoup-worker
COPY --from=masker /app/tools/masker /app/tools/masker
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    MEDIASOUP_WORKER_BIN=/app/tools/mediasoup-worker/bin/mediasoup-worker \
    MASKER_PYTHON=/app/tools/masker/venv/bin/python \
    CLIENT_DIR=/app/dist/client \
    DATA_DIR=/app/data
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data /var/lib/witness-bridge && chown node:node /app/data /var/lib/witness-bridge
USER node
EXPOSE 3000
# WebRTC media: publish RTC_PORT..RTC_PORT+MEDIA_WORKERS-1 (UDP and TCP; one port per worker) too,
# and set MEDIA_LISTEN_IP=0.0.0.0 with MEDIA_ANNOUNCED_IP=<public address>.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server/main.js"]
