#!/usr/bin/env bash
# Idempotent set-up behind `npm start` and `npm test`: system packages (ffmpeg and Python for the
# masking processes; Chromium and espeak-ng for browser tests), the mediasoup worker (built from
# source once per version, tools/mediasoup-worker/build.sh), the masker's Python environment
# (tools/masker/build.sh), npm dependencies, the FerretDB binary and the compiled TypeScript. Each
# step is skipped when its inputs have not changed, so a warm run takes about a second. The
# worker build runs beside the other steps.
#   --with-browser   also what the browser tests need (Chromium, the fake camera and microphone,
#                    pdftotext for reading the minutes back)
#   --with-bench     also what bench:media needs (Janus, the WebRTC load client tools/loadclient);
#                    npm test runs its smoke mode
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_BROWSER=0
WITH_BENCH=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) WITH_BROWSER=1 ;;
    --with-bench) WITH_BENCH=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

log() { echo "[setup] $*" >&2; }

# ---------------------------------------------------------------- system packages
missing=()
need() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed' || missing+=("$1"); }
need ffmpeg
need python3-venv
# The minutes PDF embeds DejaVu Sans: court and place names in Cyrillic or Romanian letters.
need fonts-dejavu-core
if [ "$WITH_BROWSER" = 1 ]; then need chromium; need espeak-ng; need poppler-utils; fi
if [ "$WITH_BENCH" = 1 ]; then need janus; fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "Missing system packages: ${missing[*]}; as an administrator run: apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt() { apt-get -o DPkg::Lock::Timeout=300 "$@"; }
  if ! apt install -y --no-install-recommends "${missing[@]}" >/tmp/witness-bridge-apt.log 2>&1; then
    apt update >>/tmp/witness-bridge-apt.log 2>&1
    apt install -y --no-install-recommends "${missing[@]}" >>/tmp/witness-bridge-apt.log 2>&1 || {
      tail -20 /tmp/witness-bridge-apt.log >&2
      exit 1
    }
  fi
fi

# ---------------------------------------------------------------- mediasoup worker (background)
# mediasoup's own install script would download a prebuilt worker (unreachable here): with
# MEDIASOUP_WORKER_BIN set it skips that. A worker of your own in MEDIASOUP_WORKER_BIN is used as is.
worker_build=
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ]; then
  export MEDIASOUP_WORKER_BIN="$(bash tools/mediasoup-worker/build.sh --print-path)"
  # In a process group of its own, so that stopping the set-up stops the compilers too.
  setsid bash tools/mediasoup-worker/build.sh &
  worker_build=$!
  trap '[ -n "$worker_build" ] && kill -- "-$worker_build" 2>/dev/null || true' EXIT
fi

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

# ---------------------------------------------------------------- Go tools
# build_go_tool DIR BINARY WHAT: builds tools/DIR into tools/DIR/bin/BINARY unless its sources
# are unchanged since the last build.
build_go_tool() {
  local dir=tools/$1 bin=tools/$1/bin/$2 hash
  hash=$(hash_of "$dir")
  if [ "$(cat "$dir/bin/.hash" 2>/dev/null || true)" != "$hash" ] || [ ! -x "$bin" ]; then
    command -v go >/dev/null 2>&1 || { log "Go 1.24 or newer is needed to build $3 (https://go.dev/dl)"; exit 1; }
    log "building $3"
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "bin/$2" .)
    echo "$hash" > "$dir/bin/.hash"
  fi
}
build_go_tool ferretdb ferretdb "FerretDB v1.24.2 (about a minute the first time)"
# The hostile-participant packet generator of the worker fuzz test.
if [ "$WITH_BROWSER" = 1 ]; then build_go_tool wirefuzz wirefuzz "the worker fuzz client (tools/wirefuzz)"; fi
# bench:media's WebRTC load client (Pion).
if [ "$WITH_BENCH" = 1 ]; then build_go_tool loadclient loadclient "the WebRTC load client (tools/loadclient; under a minute the first time)"; fi

# ---------------------------------------------------------------- TypeScript
src_hash=$(hash_of config common server media scripts test client tools/ferretdb/go.mod package-lock.json tsconfig.json tsconfig.base.json)
if [ "$(cat dist/.wb-src-hash 2>/dev/null || true)" != "$src_hash" ]; then
  bash scripts/build.sh
  echo "$src_hash" > dist/.wb-src-hash
fi

# ---------------------------------------------------------------- masking
bash tools/masker/build.sh
if [ "$WITH_BROWSER" = 1 ]; then bash test/e2e/media/fixtures/make.sh; fi

# ---------------------------------------------------------------- mediasoup worker (wait)
if [ -n "$worker_build" ]; then
  wait "$worker_build" || { worker_build=; log "the mediasoup worker build failed (see the lines above)"; exit 1; }
  worker_build=
fi
[ -x "$MEDIASOUP_WORKER_BIN" ] || { log "mediasoup worker not found at $MEDIASOUP_WORKER_BIN"; exit 1; }
