#!/usr/bin/env bash
# Builds the video masker's Python environment in tools/masker/venv from PyPI (requirements.txt,
# plus mediapipe 0.10.14, the last release whose wheel carries its face detection models), and
# checks that the full-range face detector loads. Skipped when requirements and script are
# unchanged. Nothing is downloaded at run time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MEDIAPIPE_VERSION=0.10.14
VENV=$HERE/venv
stamp=$(cat "$HERE/requirements.txt" "$HERE/build.sh" | sha1sum | cut -c1-40)
log() { echo "[masker] $*" >&2; }

if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.wb-stamp" 2>/dev/null || true)" = "$stamp" ]; then
  exit 0
fi
log "building the masker's Python environment (mediapipe $MEDIAPIPE_VERSION, OpenCV; about a minute, once)"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
rm -rf "$VENV"
"$PY" -m venv "$VENV"
pip() { "$VENV/bin/pip" --disable-pip-version-check --quiet "$@"; }
pip install -r "$HERE/requirements.txt"
pip install --no-deps "mediapipe==$MEDIAPIPE_VERSION"
# The model must come from the wheel: load it once now, so a broken environment fails here.
"$VENV/bin/python" - <<'PY'
import numpy as np
from mediapipe.python.solutions import face_detection
face_detection.FaceDetection(model_selection=1).process(np.zeros((360, 640, 3), np.uint8))
PY
echo "$stamp" > "$VENV/.wb-stamp"
log "ready: $VENV"
