#!/usr/bin/env bash
# Runs the linter (type-aware) and the test suite, compiled by scripts/setup.sh through `pretest`.
set -euo pipefail
cd "$(dirname "$0")/.."
npx eslint .
exec npx mocha "$@"
