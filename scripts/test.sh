#!/usr/bin/env bash
# Runs the linter (type-aware) and the test suite, compiled by scripts/setup.sh through `pretest`.
set -euo pipefail
cd "$(dirname "$0")/.."
export MEDIASOUP_WORKER_BIN="${MEDIASOUP_WORKER_BIN:-/usr/lib/x86_64-linux-gnu/mediasoup/mediasoup-worker}"
npx eslint .
exec npx mocha "$@"
