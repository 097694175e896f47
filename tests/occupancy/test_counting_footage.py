"""The counter on real footage: vtest.avi (../shared) through the bundled YOLOX-nano and trackers' ByteTrack.

16 s of the clip (frames 40-200, analysed at 5 fps) with a vertical counting line down the middle. Counted by hand
from the frames: one person walks in (left to right), three walk out, and a man in a red jacket stands on the line
for 11 s, his feet a few pixels either side of it, then walks off to the right (he had walked in before the clip
starts). One of the three outs passes behind the sign post beside the line and comes out under a new track id, so
no line counter can see it.
"""

from __future__ import annotations

from collections import defaultdict

import cv2
import numpy as np
import pytest
import supervision as sv
from trackers import ByteTrackTracker

from factoryai.occupancy.counting import LineCounter
from factoryai.vision.detector import DEFAULT_MODEL, PERSON, Detector
from tests.conftest import shared_file

FIRST, LAST, STEP = 40, 200, 2  # the clip is 10 fps: every second frame is the pipeline's default 5 fps
LINE = ((0.5, 0.0), (0.5, 1.0))


@pytest.fixture(scope="module")
def tracked() -> tuple[list[list[tuple[int, list[float]]]], tuple[int, int]]:
    """Each analysed frame's confirmed tracks (id, box), and the frame size."""
    capture = cv2.VideoCapture(str(shared_file("data/video/vtest.avi")))
    # Low-score boxes too: ByteTrack uses them to keep tracks through partial occlusion.
    detector = Detector(DEFAULT_MODEL, score_threshold=0.1)
    tracker = ByteTrackTracker(frame_rate=5.0, lost_track_buffer=60)
    frames: list[list[tuple[int, list[float]]]] = []
    size = (0, 0)
    try:
        for index in range(LAST):
            ok, frame = capture.read()
            assert ok, f"vtest.avi ended at frame {index}"
            if index < FIRST or (index - FIRST) % STEP:
                continue
            size = (frame.shape[1], frame.shape[0])
            people = detector.detect(frame, classes=frozenset({PERSON}))
            detections = sv.Detections(
                xyxy=np.array([p.box for p in people], dtype=np.float32).reshape(-1, 4),
                confidence=np.array([p.score for p in people], dtype=np.float32),
                class_id=np.zeros(len(people), dtype=int),
            )
            result = tracker.update(detections)
            ids, boxes = result.tracker_id.tolist(), result.xyxy.tolist()
            frames.append([(i, b) for i, b in zip(ids, boxes, strict=True) if i >= 0])
    finally:
        capture.release()
    return frames, size


def count(frames: list[list[tuple[int, list[float]]]], size: tuple[int, int], **kwargs: float) -> list[tuple[int, str]]:
    counter = LineCounter(LINE, "left", **kwargs)
    crossings: list[tuple[int, str]] = []
    for n, tracks in enumerate(frames):
        crossings += [(c.track_id, c.direction) for c in counter.update(tracks, size, n * STEP / 10).crossings]
    return crossings


def test_counts_the_walkers_and_not_the_man_standing_on_the_line(
    tracked: tuple[list[list[tuple[int, list[float]]]], tuple[int, int]],
) -> None:
    frames, size = tracked
    line_x = LINE[0][0] * size[0]
    feet: dict[int, list[float]] = defaultdict(list)
    for tracks in frames:
        for track_id, (x1, _, x2, _) in tracks:
            feet[track_id].append((x1 + x2) / 2 - line_x)
    # The man on the line: 8 s or more within 30 px (a third of his height) of it.
    standing = {t for t, xs in feet.items() if sum(abs(x) < 30 for x in xs) >= 40}
    assert len(standing) == 1

    ours = count(frames, size)
    entries = sum(1 for _, d in ours if d == "in")
    exits = len(ours) - entries
    assert entries == 1
    assert 2 <= exits <= 3
    assert not standing & {t for t, _ in ours}
    # Every crossing is a person who really went from one side to the other.
    for track_id, _ in ours:
        assert min(feet[track_id]) < -30
        assert max(feet[track_id]) > 30

    # The same tracks through a counter without the band count his wobble: the clip does test the hysteresis.
    naive = count(frames, size, band=0.0, min_band_px=0.0)
    assert sum(1 for t, _ in naive if t in standing) >= 2
