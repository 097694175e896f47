"""Occupancy counting on real footage: LineCounter against supervision's LineZone on the same tracks.

    .venv/bin/python bench/counting_footage.py            # ~1 minute (the detector on 398 frames)

vtest.avi (../shared/data/video, 795 frames at 10 fps) analysed at 5 fps: the bundled YOLOX-nano (score >= 0.1,
people), trackers' ByteTrack (2 s lost-track buffer); every counter gets the same tracks. Lines: a vertical one down
the middle and a diagonal one. Then the same tracks with every crossing hidden: each track that crosses is removed
from the frames around its crossing (``--gap`` analysed frames, 0.8 s by default), as a pillar or a passer-by
would hide it, and keeps its id afterwards, as ByteTrack keeps it through such a gap.

There is no ground truth file: the script prints each counter's crossings as ``track:direction@frame`` so the
ones on which they disagree can be looked at in the clip (docs/benchmarks.md says what they are).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import supervision as sv
from trackers import ByteTrackTracker

from factoryai.occupancy.counting import LineCounter
from factoryai.vision.detector import DEFAULT_MODEL, PERSON, Detector

BENCH_DIR = Path(__file__).resolve().parent
SHARED_DIR = Path(os.environ.get("FACTORYAI_SHARED_DIR", BENCH_DIR.parents[1] / "shared"))
VIDEO = SHARED_DIR / "data" / "video" / "vtest.avi"
LINES = {"vertical": ((0.5, 0.0), (0.5, 1.0)), "diagonal": ((0.3, 0.2), (0.7, 1.0))}
CORNERS = [sv.Position.TOP_LEFT, sv.Position.TOP_RIGHT, sv.Position.BOTTOM_LEFT, sv.Position.BOTTOM_RIGHT]
FOOT = [sv.Position.BOTTOM_CENTER]
Frames = list[tuple[int, list[tuple[int, list[float]]]]]  # (frame index, [(track id, box)])
Event = tuple[int, int, str]  # frame index, track id, "in" / "out"


def track_clip(step: int) -> tuple[Frames, tuple[int, int]]:
    capture = cv2.VideoCapture(str(VIDEO))
    detector = Detector(DEFAULT_MODEL, score_threshold=0.1)
    tracker = ByteTrackTracker(frame_rate=10.0 / step, lost_track_buffer=60)
    frames: Frames = []
    size, index = (0, 0), 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index % step == 0:
            size = (frame.shape[1], frame.shape[0])
            people = detector.detect(frame, classes=frozenset({PERSON}))
            result = tracker.update(
                sv.Detections(
                    xyxy=np.array([p.box for p in people], dtype=np.float32).reshape(-1, 4),
                    confidence=np.array([p.score for p in people], dtype=np.float32),
                    class_id=np.zeros(len(people), dtype=int),
                )
            )
            ids, boxes = result.tracker_id.tolist(), result.xyxy.tolist()
            frames.append((index, [(i, b) for i, b in zip(ids, boxes, strict=True) if i >= 0]))
        index += 1
    capture.release()
    return frames, size


def ours(frames: Frames, size: tuple[int, int], line: tuple, **kwargs: float) -> list[Event]:
    counter = LineCounter(line, "left", **kwargs)
    return [
        (index, c.track_id, c.direction)
        for index, tracks in frames
        for c in counter.update(tracks, size, index / 10).crossings
    ]


def linezone(frames: Frames, size: tuple[int, int], line: tuple, anchors: list, threshold: int) -> list[Event]:
    (ax, ay), (bx, by) = line
    w, h = size
    zone = sv.LineZone(
        sv.Point(ax * w, ay * h), sv.Point(bx * w, by * h), anchors, minimum_crossing_threshold=threshold
    )
    events: list[Event] = []
    for index, tracks in frames:
        detections = sv.Detections(
            xyxy=np.array([b for _, b in tracks], dtype=np.float32).reshape(-1, 4),
            tracker_id=np.array([t for t, _ in tracks], dtype=int),
        )
        crossed_in, crossed_out = zone.trigger(detections)
        for k, (track_id, _) in enumerate(tracks):
            if crossed_in[k] or crossed_out[k]:
                events.append((index, track_id, "in" if crossed_in[k] else "out"))
    return events


COUNTERS: dict[str, Callable[[Frames, tuple[int, int], tuple], list[Event]]] = {
    "LineZone, 4 corners, threshold 1 (its defaults)": lambda f, s, ln: linezone(f, s, ln, CORNERS, 1),
    "LineZone, foot, threshold 1": lambda f, s, ln: linezone(f, s, ln, FOOT, 1),
    "LineZone, foot, threshold 2": lambda f, s, ln: linezone(f, s, ln, FOOT, 2),
    "LineZone, foot, threshold 3": lambda f, s, ln: linezone(f, s, ln, FOOT, 3),
    "ours, band 0 (no hysteresis)": lambda f, s, ln: ours(f, s, ln, band=0.0, min_band_px=0.0),
    "ours, band 0.05": lambda f, s, ln: ours(f, s, ln, band=0.05),
    "ours, band 0.1 (default)": lambda f, s, ln: ours(f, s, ln),
    "ours, band 0.2": lambda f, s, ln: ours(f, s, ln, band=0.2),
}


def hide_crossings(frames: Frames, crossings: list[Event], gap: int) -> Frames:
    # ``gap`` analysed frames around each crossing: half before it, half after (frame indices step by 2 at 5 fps).
    step = frames[1][0] - frames[0][0]
    hidden = {(t, index + k * step) for index, t, _ in crossings for k in range(-(gap // 2), gap - gap // 2)}
    return [(index, [(t, b) for t, b in tracks if (t, index) not in hidden]) for index, tracks in frames]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", type=int, default=2, help="analyse every n-th frame (2: 5 fps)")
    parser.add_argument("--gap", type=int, default=4, help="analysed frames each crossing is hidden for")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every crossing")
    args = parser.parse_args()
    start = time.perf_counter()
    frames, size = track_clip(args.step)
    print(f"{len(frames)} frames detected and tracked in {time.perf_counter() - start:.0f} s, {size[0]}x{size[1]}")
    for name, line in LINES.items():
        print(f"\n{name} line {line}, in_side left")
        reference = ours(frames, size, line)
        occluded = hide_crossings(frames, reference, args.gap)
        print(f"{'counter':<50} | {'in':>3} | {'out':>3} | crossings counted when hidden {args.gap} frames")
        for label, counter in COUNTERS.items():
            events = counter(frames, size, line)
            entries = sum(1 for e in events if e[2] == "in")
            hidden = len(counter(occluded, size, line))
            print(f"{label:<50} | {entries:>3} | {len(events) - entries:>3} | {hidden} of {len(reference)}")
            if args.verbose:
                print("    " + " ".join(f"{t}:{d}@{i}" for i, t, d in events))


if __name__ == "__main__":
    main()
