"""Witness Bridge video masker: disguises the witness's face in a stream of raw frames.

Reads raw RGB frames (WIDTH x HEIGHT x 3 bytes each) on standard input, writes the same number of
disguised frames on standard output, and one JSON status line a second on standard error.

Fail-closed by construction: every frame written has been masked. In `face` mode two detectors
run side by side, both from models inside the mediapipe wheel:
- the full-range face detector: the enlarged head box of every face found is filled solid (a fill
  cannot be reversed, unlike a blur or a fine pixelation);
- person segmentation: the upper band of every person in the picture (where an upright head is)
  is filled too, and so is all of a person's outline that no face found explains: a person in
  whom the face detector found no face (turned away, tilted, lying, half hidden) goes whole, and
  beside someone whose face was found (two people touching segment as one outline) all but a
  shoulder-wide strip below that face goes whole. A face it misses while it finds another stays
  covered, unless it lies inside that strip, below the other's head (the witness bending forward
  or turned away below the head of someone standing behind and touching them): whole-frame mode
  is for such a scene.
Until either detector has found something, and whenever neither has for HOLD_S, the whole frame
is masked instead. `frame` masks the whole frame always (coarse blocks: posture and gestures stay
visible, no face can be rebuilt from them), `blur` blurs everything heavily.

Frames arriving faster than --max-fps are dropped (read, not written), which bounds the cost of
detection and encoding whatever the camera sends.

Usage: masker.py --width 640 --height 360 --mode face|frame|blur [--max-fps 15]
"""

import argparse
import collections
import json
import os
import sys
import time

import cv2
import numpy as np

# Masking holds the last face boxes this long when a detection misses, then masks the whole frame.
HOLD_S = 0.4
# How far the filled box extends around the detected face: sideways, above (hair) and below (chin, neck).
GROW_SIDE, GROW_UP, GROW_DOWN = 0.45, 0.7, 0.6
# Person segmentation (on every frame: an outline from an earlier frame misses a person who moved,
# and it costs half of what face detection does): the top share of each person's outline that is
# filled (head and neck), how far it is widened, and the smallest person counted (share of the frame).
HEAD_BAND, BAND_WIDEN, MIN_PERSON = 0.45, 0.12, 0.015
# Half the width of the body a found face explains, in widths of its filled box (about one and a
# half faces: shoulders).
BODY_HALF_WIDTH = 0.8
# Whole-frame mode: blocks across the frame width. At 640x360 a block is 64 px: even a close-up
# face 300 px wide spans under 5 blocks, too few to rebuild it (about 8 can be partly undone).
FRAME_BLOCKS = 10
FILL = (72, 72, 72)


def read_exact(stream, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = stream.readinto(view[got:])
        if not k:
            return None
        got += k
    return buf


class FaceBoxes:
    """mediapipe's full-range face detector and person segmentation (models inside the wheel)."""

    def __init__(self):
        from mediapipe.python.solutions import face_detection, selfie_segmentation

        self.detector = face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.4)
        self.segmenter = selfie_segmentation.SelfieSegmentation(model_selection=1)

    def people(self, rgb, faces):
        """Boxes to fill for every person outline: its head band, and all of it that no face in
        `faces` explains."""
        h, w = rgb.shape[:2]
        mask = (self.segmenter.process(rgb).segmentation_mask > 0.5).astype(np.uint8)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
        centres = [((fx0 + fx1) / 2, (fy0 + fy1) / 2, fx1 - fx0) for fx0, fy0, fx1, fy1 in faces]
        boxes = []
        for label, (x, y, bw, bh, area) in enumerate(stats[1:count], start=1):
            if area < MIN_PERSON * w * h:
                continue
            left, right = max(0, x - BAND_WIDEN * bw), min(w, x + bw + BAND_WIDEN * bw)
            top, band, bottom = max(0, y - BAND_WIDEN * bh), y + HEAD_BAND * bh, min(h, y + bh + BAND_WIDEN * bh)
            # A face on this outline, where an upright head would be, explains the body below it,
            # as wide as shoulders. Everything else in the outline goes whole: a person with no
            # face found (turned away, tilted, lying, bent over), alone or touching someone whose
            # face was found (two people side by side segment as one outline).
            strips = sorted((cx - BODY_HALF_WIDTH * fw, cx + BODY_HALF_WIDTH * fw) for cx, cy, fw in centres
                            if cy <= band and labels[min(h - 1, max(0, int(cy))), min(w - 1, max(0, int(cx)))] == label)
            boxes.append((left, top, right, band))
            edge = left
            for s0, s1 in strips:
                if s0 > edge:
                    boxes.append((edge, band, min(s0, right), bottom))
                edge = max(edge, s1)
            if edge < right:
                boxes.append((edge, band, right, bottom))
        return [(int(x0), int(y0), int(x1), int(y1)) for x0, y0, x1, y1 in boxes]

    def find(self, rgb):
        h, w = rgb.shape[:2]
        result = self.detector.process(rgb)
        boxes = []
        for d in result.detections or []:
            b = d.location_data.relative_bounding_box
            x0, y0, bw, bh = b.xmin * w, b.ymin * h, b.width * w, b.height * h
            boxes.append((
                int(max(0, x0 - GROW_SIDE * bw)),
                int(max(0, y0 - GROW_UP * bh)),
                int(min(w, x0 + bw + GROW_SIDE * bw)),
                int(min(h, y0 + bh + GROW_DOWN * bh)),
            ))
        return boxes


def mask_whole(frame):
    h, w = frame.shape[:2]
    blocks_y = max(1, round(FRAME_BLOCKS * h / w))
    small = cv2.resize(frame, (FRAME_BLOCKS, blocks_y), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)


def blur_whole(frame):
    h, w = frame.shape[:2]
    small = cv2.resize(frame, (w // 8, h // 8), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 6)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--height", type=int, required=True)
    ap.add_argument("--mode", choices=("face", "frame", "blur"), default="face")
    ap.add_argument("--max-fps", type=float, default=15.0)
    args = ap.parse_args()
    w, h = args.width, args.height
    size = w * h * 3
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    faces = FaceBoxes() if args.mode == "face" else None
    # Boxes found in the last HOLD_S, all filled: a face that moved since, or a detection that
    # missed it in this frame, stays covered by where it was.
    recent = collections.deque()
    stats = {"frames": 0, "faceFrames": 0, "wholeFrames": 0, "detectMs": 0.0}
    last_report = time.monotonic()
    # A little under the period, so a steady camera at exactly max-fps is not thinned by jitter.
    min_gap, last_out = 0.85 / args.max_fps, None
    print(json.dumps({"ready": True, "mode": args.mode}), file=sys.stderr, flush=True)
    while True:
        buf = read_exact(stdin, size)
        if buf is None:
            return
        now = time.monotonic()
        if last_out is not None and now - last_out < min_gap:
            continue
        last_out = now
        frame = np.frombuffer(buf, np.uint8).reshape(h, w, 3).copy()
        if faces is not None:
            t0 = time.perf_counter()
            found = faces.find(frame)
            found = found + faces.people(frame, found)
            stats["detectMs"] += (time.perf_counter() - t0) * 1000
            if found:
                recent.append((now, found))
            while recent and now - recent[0][0] > HOLD_S:
                recent.popleft()
        if faces is not None and recent:
            for _, boxes in recent:
                for x0, y0, x1, y1 in boxes:
                    frame[y0:y1, x0:x1] = FILL
            stats["faceFrames"] += 1
        elif args.mode == "blur":
            frame = blur_whole(frame)
        else:
            frame = mask_whole(frame)
            stats["wholeFrames"] += 1
        stdout.write(frame.tobytes())
        stdout.flush()
        stats["frames"] += 1
        if now - last_report >= 1.0:
            print(json.dumps(stats), file=sys.stderr, flush=True)
            stats = {"frames": 0, "faceFrames": 0, "wholeFrames": 0, "detectMs": 0.0}
            last_report = now


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        os._exit(0)
