#!/usr/bin/env bash
# Builds the mediasoup worker from registry inputs only, once per version and recipe:
#   - the worker's C++ sources from the npm tarball of mediasoup (pinned below),
#   - Debian bookworm's -dev libraries in place of mediasoup's downloaded subprojects (shims/),
#   - meson and ninja from PyPI (the versions mediasoup's worker/tasks.py pins),
#   - flatc and the flatbuffers headers 23.5.26 from Debian trixie's *source* package
#     (bookworm ships 2.0.8, which cannot compile the worker's generated code).
# The binary lands in a cache keyed by version and a hash of this folder
# ($WB_CACHE_DIR, default ~/.cache/witness-bridge), so every clone of the same recipe reuses it,
# and is copied to tools/mediasoup-worker/bin/ (ignored by git).
#
# Usage: build.sh [--print-path]   (--print-path: print where the binary will be, build nothing)
# Needs root for apt-get (as scripts/setup.sh does); prints the commands otherwise.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

MEDIASOUP_VERSION=3.19.3
FLATBUFFERS_DEB_VERSION=23.5.26+dfsg-4
FLATBUFFERS_VERSION=23.5.26
MESON_VERSION=1.5.0
NINJA_VERSION=1.10.2.4
BUILD_PACKAGES=(build-essential pkg-config cmake patch xz-utils python3-venv libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev)

recipe_hash=$(cd "$HERE" && find build.sh srtp3-on-srtp2.hpp shims patches -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12)
CACHE_ROOT=${WB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/witness-bridge}
CACHE=$CACHE_ROOT/mediasoup-worker/$MEDIASOUP_VERSION-$recipe_hash
OUT=$HERE/bin/mediasoup-worker

if [ "${1:-}" = --print-path ]; then echo "$OUT"; exit 0; fi
log() { echo "[mediasoup-worker] $*" >&2; }

install_from_cache() {
  mkdir -p "$HERE/bin"
  cp -f "$CACHE/mediasoup-worker" "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT"
  echo "$MEDIASOUP_VERSION-$recipe_hash" > "$HERE/bin/.recipe"
}

# Already installed from this recipe: nothing to do.
if [ -x "$OUT" ] && [ "$(cat "$HERE/bin/.recipe" 2>/dev/null || true)" = "$MEDIASOUP_VERSION-$recipe_hash" ]; then
  exit 0
fi

mkdir -p "$CACHE"
# One build per cache entry, even when several clones run their set-up at once.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  log "waiting for another build of this worker (another clone's set-up) to finish"
  flock 9
fi
if [ -x "$CACHE/mediasoup-worker" ]; then
  log "reusing the worker $MEDIASOUP_VERSION built earlier ($CACHE)"
  install_from_cache
  exit 0
fi

WORK=$CACHE/work
LOG=$CACHE/build.log
# Build tools are keyed by their own versions only, so a change of the recipe reuses them.
TOOLS=$CACHE_ROOT/build-tools
VENV=$TOOLS/meson-$MESON_VERSION-ninja-$NINJA_VERSION
FB=$TOOLS/flatbuffers-$FLATBUFFERS_VERSION
mkdir -p "$WORK" "$TOOLS"
: > "$LOG"
started=$(date +%s)
log "building the media worker $MEDIASOUP_VERSION from source: about 9 minutes on 2 cores, once (log: $LOG)"
fail() { log "failed: $1 (last lines of $LOG below)"; tail -25 "$LOG" >&2; rm -rf "$WORK/src"; exit 1; }
step() { log "  $1"; echo "=== $1" >> "$LOG"; }

# 1. Build tools and the Debian libraries that replace the worker's subprojects.
missing=()
for p in "${BUILD_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing packages: ${missing[*]}; as an administrator run: apt-get install -y ${missing[*]}"
    exit 1
  fi
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${missing[@]}" >> "$LOG" 2>&1 ||
    { apt-get update >> "$LOG" 2>&1 && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${missing[@]}" >> "$LOG" 2>&1; } ||
    fail "apt-get install"
fi

# The build tools are shared by every recipe: one writer at a time.
exec 8>"$TOOLS/.lock"
flock 8

# 2. meson and ninja from PyPI, in a virtual environment of their own.
if [ ! -x "$VENV/bin/meson" ] || [ ! -x "$VENV/bin/ninja" ]; then
  step "meson $MESON_VERSION and ninja $NINJA_VERSION from PyPI"
  rm -rf "$VENV"
  /usr/bin/python3 -m venv "$VENV" >> "$LOG" 2>&1 || python3 -m venv "$VENV" >> "$LOG" 2>&1 || fail "python3 -m venv"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "meson==$MESON_VERSION" "ninja==$NINJA_VERSION" >> "$LOG" 2>&1 || fail "pip install meson ninja"
fi
export PATH=$VENV/bin:$PATH

# 3. flatc and headers from Debian trixie's source package, through an apt configuration of our
#    own (the machine's sources are left as they are).
if [ ! -x "$FB/bin/flatc" ]; then
  step "flatbuffers $FLATBUFFERS_VERSION from Debian's source package"
  apt_dir=$WORK/apt
  mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$WORK/fbsrc"
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  key=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' \
    "${uri:-http://deb.debian.org/debian}" "${key:-/usr/share/keyrings/debian-archive-keyring.gpg}" > "$apt_dir/sources.list.d/trixie-src.sources"
  printf 'Dir::Etc::SourceList "/dev/null";\nDir::Etc::SourceParts "%s";\nDir::State::Lists "%s";\nDir::Cache "%s";\n' \
    "$apt_dir/sources.list.d" "$apt_dir/lists" "$apt_dir/cache" > "$apt_dir/apt.conf"
  export APT_CONFIG=$apt_dir/apt.conf
  apt-get update >> "$LOG" 2>&1 || fail "apt-get update (trixie sources)"
  (cd "$WORK/fbsrc" && apt-get source --download-only "flatbuffers=$FLATBUFFERS_DEB_VERSION") >> "$LOG" 2>&1 || fail "apt-get source flatbuffers"
  unset APT_CONFIG
  rm -rf "$WORK/fbsrc/src" && mkdir -p "$WORK/fbsrc/src"
  tar xJf "$WORK"/fbsrc/flatbuffers_"${FLATBUFFERS_DEB_VERSION%-*}".orig.tar.xz -C "$WORK/fbsrc/src" --strip-components=1 || fail "unpack flatbuffers"
  cmake -S "$WORK/fbsrc/src" -B "$WORK/fbsrc/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$FB" \
    -DFLATBUFFERS_BUILD_TESTS=OFF -DFLATBUFFERS_BUILD_FLATLIB=OFF -DFLATBUFFERS_BUILD_FLATHASH=OFF >> "$LOG" 2>&1 || fail "cmake flatbuffers"
  ninja -C "$WORK/fbsrc/build" flatc >> "$LOG" 2>&1 && ninja -C "$WORK/fbsrc/build" install >> "$LOG" 2>&1 || fail "build flatc"
  rm -rf "$WORK/fbsrc"
fi
"$FB/bin/flatc" --version | grep -q "$FLATBUFFERS_VERSION" || fail "flatc is not $FLATBUFFERS_VERSION"
mkdir -p "$FB/lib/pkgconfig"
printf 'prefix=%s\nincludedir=${prefix}/include\n\nName: flatbuffers\nDescription: flatbuffers headers\nVersion: %s\nCflags: -I${includedir}\n' \
  "$FB" "$FLATBUFFERS_VERSION" > "$FB/lib/pkgconfig/flatbuffers.pc"
export PKG_CONFIG_PATH=$FB/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
# The worker's fbs/meson.build runs find_program('flatc'): this one, not any other on PATH.
export PATH=$FB/bin:$PATH

flock -u 8

# 4. The worker's sources from the npm tarball, subprojects replaced by the shims.
step "mediasoup $MEDIASOUP_VERSION sources from npm"
rm -rf "$WORK/src" && mkdir -p "$WORK/src"
(cd "$WORK/src" && npm pack --silent "mediasoup@$MEDIASOUP_VERSION" >> "$LOG" 2>&1 && tar xzf "mediasoup-$MEDIASOUP_VERSION.tgz") || fail "npm pack mediasoup@$MEDIASOUP_VERSION"
WK=$WORK/src/package/worker
rm -f "$WK"/subprojects/*.wrap
for shim in "$HERE"/shims/*/; do
  name=$(basename "$shim")
  mkdir -p "$WK/subprojects/$name"
  cp "$shim"* "$WK/subprojects/$name/"
  echo 'typedef int wb_shim_placeholder; /* the library comes from Debian; see meson.build */' > "$WK/subprojects/$name/empty.c"
done
cp "$HERE/srtp3-on-srtp2.hpp" "$WK/include/srtp3-on-srtp2.hpp"
for f in include/DepLibSRTP.hpp include/RTC/SrtpSession.hpp; do
  grep -q '#include <srtp.h>' "$WK/$f" || fail "$f no longer includes <srtp.h>: check the adapter against this version"
  sed -i 's|#include <srtp.h>|#include "srtp3-on-srtp2.hpp"|' "$WK/$f"
done
# Fixes the worker needs with Debian's libraries (each patch says why).
for p in "$HERE"/patches/*.patch; do
  patch -p1 -d "$WK" --forward --quiet < "$p" >> "$LOG" 2>&1 || fail "patch $(basename "$p")"
done

# 5. Configure and build as tasks.py's release build does; io_uring off (needs liburing >= 2.4,
#    bookworm has 2.3), nothing downloaded.
step "meson setup"
(cd "$WK" && meson setup --wrap-mode=nodownload --buildtype=release -Db_ndebug=true -Dms_disable_liburing=true out/Release) >> "$LOG" 2>&1 || fail "meson setup"
step "compile (the long part)"
(cd "$WK" && meson compile -C out/Release flatbuffers-generator && ninja -C out/Release -j"$(nproc)" mediasoup-worker) >> "$LOG" 2>&1 || fail "compile"
strip -o "$CACHE/mediasoup-worker.tmp" "$WK/out/Release/mediasoup-worker" && mv -f "$CACHE/mediasoup-worker.tmp" "$CACHE/mediasoup-worker"
rm -rf "$WORK/src"
install_from_cache
log "built in $(( $(date +%s) - started )) s: $CACHE/mediasoup-worker"
