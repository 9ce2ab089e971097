#!/usr/bin/env bash
# Idempotent set-up behind `npm start` and `npm test`: system packages (Debian's mediasoup-worker
# 3.8.4 from experimental, Chromium for browser tests), npm dependencies, the FerretDB binary and
# the compiled TypeScript. Each step is skipped when its inputs have not changed, so a warm run
# takes about a second.
#   --with-browser   also install Chromium (tests, bench:media)
#   --with-ffmpeg    also install ffmpeg (bench:media load generator)
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_BROWSER=0
WITH_FFMPEG=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) WITH_BROWSER=1 ;;
    --with-ffmpeg) WITH_FFMPEG=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

MS_VERSION='3.8.4~dfsg1-1'
export MEDIASOUP_WORKER_BIN="${MEDIASOUP_WORKER_BIN:-/usr/lib/x86_64-linux-gnu/mediasoup/mediasoup-worker}"
log() { echo "[setup] $*" >&2; }

# ---------------------------------------------------------------- system packages
missing=()
[ "$(dpkg-query -W -f='${Version}' mediasoup-worker 2>/dev/null || true)" = "$MS_VERSION" ] || missing+=("mediasoup-worker=$MS_VERSION")
[ "$WITH_BROWSER" = 1 ] && ! command -v chromium >/dev/null 2>&1 && missing+=(chromium)
[ "$WITH_FFMPEG" = 1 ] && ! command -v ffmpeg >/dev/null 2>&1 && missing+=(ffmpeg)

manual_help() {
  cat >&2 <<HELP
[setup] Missing system packages: ${missing[*]}
[setup] This script installs them with apt-get as root. Without root, run as an administrator:
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: experimental\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > /etc/apt/sources.list.d/debian-experimental.sources
  printf 'Package: *\nPin: release a=experimental\nPin-Priority: 1\n\nPackage: mediasoup-worker\nPin: version 3.8.4*\nPin-Priority: 1001\n' > /etc/apt/preferences.d/witness-bridge
  apt-get update && apt-get install -y ${missing[*]}
HELP
}

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    manual_help
    exit 1
  fi
  src=/etc/apt/sources.list.d/debian-experimental.sources
  if ! grep -rqs '^Suites:.*experimental' /etc/apt/sources.list.d/ && ! grep -rqs ' experimental ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; then
    # Same mirror and key as the machine's own Debian source.
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    key=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    printf 'Types: deb\nURIs: %s\nSuites: experimental\nComponents: main\nSigned-By: %s\n' \
      "${uri:-http://deb.debian.org/debian}" "${key:-/usr/share/keyrings/debian-archive-keyring.gpg}" > "$src"
  fi
  # Experimental stays at priority 1 so nothing else is ever upgraded from it; only the worker,
  # at exactly 3.8.4 (the version npm mediasoup@3.8.4 speaks to), is taken from there.
  printf 'Package: *\nPin: release a=experimental\nPin-Priority: 1\n\nPackage: mediasoup-worker\nPin: version 3.8.4*\nPin-Priority: 1001\n' \
    > /etc/apt/preferences.d/witness-bridge
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/witness-bridge-apt.log 2>&1; then
    apt-get update >>/tmp/witness-bridge-apt.log 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/witness-bridge-apt.log 2>&1 || {
      tail -20 /tmp/witness-bridge-apt.log >&2
      manual_help
      exit 1
    }
  fi
fi
[ -x "$MEDIASOUP_WORKER_BIN" ] || { log "mediasoup worker not found at $MEDIASOUP_WORKER_BIN"; exit 1; }

hash_of() { find "$@" -type f ! -path '*/node_modules/*' ! -path '*/bin/*' -print0 2>/dev/null | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40; }

# ---------------------------------------------------------------- npm dependencies
# The lock file alone: it records every dependency of package.json, and editing a script line
# must not cost a reinstall.
lock_hash=$(sha1sum package-lock.json | cut -c1-40)
if [ "$(cat node_modules/.wb-lock-hash 2>/dev/null || true)" != "$lock_hash" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.wb-lock-hash
fi

# ---------------------------------------------------------------- FerretDB
fdb_hash=$(hash_of tools/ferretdb)
if [ "$(cat tools/ferretdb/bin/.hash 2>/dev/null || true)" != "$fdb_hash" ] || [ ! -x tools/ferretdb/bin/ferretdb ]; then
  command -v go >/dev/null 2>&1 || { log "Go 1.24 or newer is needed to build FerretDB (https://go.dev/dl)"; exit 1; }
  log "building FerretDB v1.24.2 (about a minute the first time)"
  (cd tools/ferretdb && CGO_ENABLED=0 go build -trimpath -o bin/ferretdb .)
  echo "$fdb_hash" > tools/ferretdb/bin/.hash
fi

# ---------------------------------------------------------------- TypeScript
src_hash=$(hash_of config server media scripts test client tools/ferretdb/go.mod package-lock.json tsconfig.json tsconfig.base.json)
if [ "$(cat dist/.wb-src-hash 2>/dev/null || true)" != "$src_hash" ]; then
  bash scripts/build.sh
  echo "$src_hash" > dist/.wb-src-hash
fi
