#!/usr/bin/env bash
# Compiles the server, media layer, scripts and tests (tsc) and the web client (Vite).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[build] tsc" >&2
npx tsc -p tsconfig.json
if [ -f client/index.html ]; then
  npx tsc -p client/tsconfig.json
  echo "[build] client" >&2
  npx vite build --config client/vite.config.ts --logLevel warn
fi
