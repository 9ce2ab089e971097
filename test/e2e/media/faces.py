"""Independent face detector of the masking tests: OpenCV's Haar cascade (a different algorithm
and model from the masker's mediapipe detector). Prints, as JSON, the faces found in each image
named on the command line: for each face its box [x, y, width, height] and the region itself,
32x32 grey, as a base64 PNG (for a failure's message: was it a face?).

A face counts when at least STRONG overlapping windows agree on it (OpenCV's "neighbours"):
measured on the witness fixture (2026-12-02), each raw frame's face had 24 or more (JPEG quality
20 and 40, 600 frames), while the detections in masked frames, on the suit, the patch or the
sleeve, had at most 5 in those 600 frames, and 10 in one CI run (a 52 px box on the sleeve and
hand, the head filled), which failed the masker-kill test with the threshold at 10; the raw clip
itself has such boxes with up to 10 (40 frames sampled: the face 57-61 px with 27-44, others
74-78 px with 5-10). Hence 20: between 10 and 24.
What this misses: a face partly covered (its top third filled: 5 to 12 windows) is seldom found
here. These end-to-end tests look for whole frames that escaped the masker (at a start, a kill,
an order); how much of a face the masker's boxes leave visible is measured by masker_scenes.py
(test/media), pixel by pixel, against where the face is."""
import base64
import json
import sys

import cv2

cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
STRONG = 20
found = []
for path in sys.argv[1:]:
    gray = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2GRAY)
    faces = []
    boxes, neighbours = cascade.detectMultiScale2(gray, scaleFactor=1.1, minNeighbors=4, minSize=(40, 40))
    for (x, y, w, h), n in zip(boxes, neighbours):
        if n < STRONG:
            continue
        crop = cv2.resize(gray[y:y + h, x:x + w], (32, 32), interpolation=cv2.INTER_AREA)
        faces.append({"box": [int(x), int(y), int(w), int(h)], "neighbours": int(n), "png": base64.b64encode(cv2.imencode(".png", crop)[1].tobytes()).decode()})
    found.append(faces)
print(json.dumps(found))
