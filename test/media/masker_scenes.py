"""Scenes for the masker's tests: composes frames from the fixture portrait, runs masker.py on
them (face mode) and reports, per scene and for the worst frame, how much detail of the witness's
face region came through: the region's mean gradient in the output over the same in the input
(0: filled or flattened into coarse blocks; 1: shown as it was). Usage: masker_scenes.py MASKER_PY FACE_PNG (run with the masker's Python)"""
import json
import subprocess
import sys
import threading
import time

import cv2
import numpy as np

W, H, FRAMES = 640, 360, 30
masker, face_png = sys.argv[1], sys.argv[2]
face = cv2.cvtColor(cv2.imread(face_png), cv2.COLOR_BGR2RGB)


def place(frame, size, angle, x, y):
    img = cv2.resize(face, (size, size))
    rot = cv2.getRotationMatrix2D((size / 2, size / 2), angle, 1.0)
    img = cv2.warpAffine(img, rot, (size, size), borderValue=(96, 96, 96))
    frame[y:y + size, x:x + size] = img
    # The portrait's face is centred at (0.46, 0.27) of it; the region that must never show is
    # the face's middle, wherever the rotation took it.
    cx, cy = rot @ np.array([0.46 * size, 0.27 * size, 1.0])
    r = 0.11 * size
    return (int(x + cx - r), int(y + cy - r), int(x + cx + r), int(y + cy + r))


def scene(witness_angle, other, x=20):
    """The witness's portrait at `x`, turned; with `other`, an upright portrait at 380 (touching
    the witness's when x is 130: the two segment as one outline)."""
    frame = np.full((H, W, 3), 96, np.uint8)
    region = place(frame, 250, witness_angle, x, 60)
    if other:
        place(frame, 250, 0, 380, 40)
    return frame, region


def detail(region):
    gray = cv2.cvtColor(region, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return float(np.mean(np.abs(np.diff(gray, axis=0))) + np.mean(np.abs(np.diff(gray, axis=1)))) + 1e-6


def run(frames, gap_after=None, fps=None):
    """The masker's output for `frames`; with `gap_after`, the input pauses 1 s after that many
    frames (as when the tap stands by or a hold pauses the stream) before the rest; with `fps`,
    frames arrive at that pace once the masker is ready (otherwise as fast as it reads them)."""
    proc = subprocess.Popen([sys.executable, masker, '--width', str(W), '--height', str(H), '--mode', 'face', '--max-fps', '1000'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stderr.readline()
    threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()
    chunks = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: proc.stdout.read(1 << 16), b'')))
    reader.start()
    for i, f in enumerate(frames):
        if i == gap_after:
            proc.stdin.flush()
            time.sleep(1.0)
        proc.stdin.write(f.tobytes())
        if fps:
            proc.stdin.flush()
            time.sleep(1 / fps)
    proc.stdin.close()
    reader.join()
    if proc.wait() != 0:
        raise SystemExit('the masker failed')
    out = b''.join(chunks)
    return [np.frombuffer(out[i * W * H * 3:(i + 1) * W * H * 3], np.uint8).reshape(H, W, 3) for i in range(len(out) // (W * H * 3))]


def worst(frames, regions, outs):
    shown = [detail(o[y0:y1, x0:x1]) / detail(f[y0:y1, x0:x1]) for f, (x0, y0, x1, y1), o in zip(frames, regions, outs)]
    return {'frames': len(outs), 'worstDetail': round(max(shown), 3) if shown else 1.0}


report = {}
SCENES = [('upright witness alone', 0, False, 20, None)] + [(f'witness turned {a}° beside an upright face', a, True, 20, None) for a in (30, 60, 90, 120, 150, 180)]
# After a pause in the input, the first frame too (a masker that segmented only every few frames
# once left it to the face detector alone).
SCENES += [('witness turned 90° beside an upright face, after a 1 s pause', 90, True, 20, 4)]
# Touching the other person: one outline, in which only the other's face was found.
SCENES += [(f'witness turned {a}° touching an upright face', a, True, 130, None) for a in (90, 180)]
for name, angle, other, x, gap_after in SCENES:
    frame, region = scene(angle, other, x)
    report[name] = worst([frame] * FRAMES, [region] * FRAMES, run([frame] * FRAMES, gap_after))
# Moving 40 px a frame at 7 frames a second, back and forth beside the other person: no frame may
# be covered by an outline of an earlier one.
moving = [scene(90, True, (0, 40, 80, 40)[i % 4]) for i in range(FRAMES)]
report['witness turned 90° moving fast beside an upright face'] = worst([f for f, _ in moving], [r for _, r in moving], run([f for f, _ in moving], fps=7))
print(json.dumps(report))
