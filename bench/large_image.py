"""Costly images under the caps: a one-colour 6300x6300 PNG (a few KB, 39.7 MP, under the old 40 MP cap) through
the local engine, ours against the code as it was, each case in a fresh process for its peak memory.

    .venv/bin/python bench/large_image.py               # ~1 minute on 2 cores
    .venv/bin/python bench/large_image.py --runs 5

A security probe sent such a PNG (38 KB): 3.9 s and 1.6 GB per identify, and four in parallel waited up to 12.8 s.

- **baseline**: identify() as it was: the 40 MP header cap only, a full decode plus an RGB copy, HOG on every pixel
  (scale 80 / min_face_px), descriptors, search.
- **ours, identify**: identification's own cap (identity.max_identify_megapixels, default 12 MP) refuses the image
  from its header, before any decoding.
- **ours, enrolment path**: what an image allowed in (enrolment takes up to 40 MP) costs now: decoded in place and
  detected in a copy of at most identity.max_detect_megapixels (default 4 MP).
- the same with a real face (LFW, enlarged to 2000 px) in the 6300x6300 image: found and matched by both?
- a 1280x720 camera frame: untouched by the change (the control).
- four at once, as the probe did: the slowest answer (ours: two run in the recognition slots, two get 503).

Time: median of ``--runs`` after a warm-up. Memory: the peak resident set of the process during the case, above
what it held after loading the models and warming up (ru_maxrss, Linux).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from factoryai.core.config import IdentitySettings
from factoryai.core.errors import ServiceUnavailableError
from factoryai.identity.engines.base import FaceImageError, Gallery
from factoryai.identity.engines.local import LocalFaceEngine
from factoryai.identity.runtime import RecognitionSlots
from factoryai.identity.service import check_size
from factoryai.vision.images import check_dimensions

BENCH_DIR = Path(__file__).resolve().parent
SHARED_DIR = Path(os.environ.get("FACTORYAI_SHARED_DIR", BENCH_DIR.parents[1] / "shared"))
FACES = SHARED_DIR / "data" / "faces"
SIDE = 6300
PERSON = FACES / "lfw100" / "Kofi_Annan"


def probe_png() -> bytes:
    """One colour, 6300x6300, palette PNG: a few KB that decode to 119 MB of RGB."""
    out = io.BytesIO()
    Image.new("P", (SIDE, SIDE), 3).save(out, "PNG", optimize=True)
    return out.getvalue()


def face_png() -> bytes:
    canvas = np.full((SIDE, SIDE, 3), 180, dtype=np.uint8)
    face = cv2.resize(cv2.imread(str(PERSON / "4.jpg")), (2000, 2000), interpolation=cv2.INTER_CUBIC)
    canvas[2000:4000, 2000:4000] = face
    return cv2.imencode(".png", canvas)[1].tobytes()


def camera_frame() -> bytes:
    sys.path.insert(0, str(BENCH_DIR))
    from face_speed import make_frame  # the 1280x720 frame of the speed benchmark

    return make_frame()


IMAGES: dict[str, Callable[[], bytes]] = {"probe": probe_png, "face": face_png, "frame": camera_frame}


def gallery(engine: LocalFaceEngine) -> Gallery:
    """Kofi Annan (photos 1-3) as employee 1."""
    rows = [engine.enroll(1, (PERSON / f"{n}.jpg").read_bytes()).descriptor for n in (1, 2, 3)]
    return Gallery(employee_ids=np.ones(3, dtype=np.int64), descriptors=np.asarray(rows))


# --- the two pipelines ------------------------------------------------------------------------------------------


def naive(image: bytes, faces: Gallery) -> list[Any]:
    """identify() before the change: 40 MP cap, full decode + RGB copy, HOG on every pixel."""
    check_dimensions(image)
    bgr = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
    rgb = np.ascontiguousarray(bgr[:, :, ::-1])
    del bgr
    engine = NAIVE_ENGINE  # no detection bound: a 39.7 MP image is scanned whole, as before
    found = engine.find_faces(rgb, engine.min_face_px)
    return [m for m, _ in engine.index(faces).verdicts(engine.descriptors(rgb, found))] if found else []


def ours_identify(image: bytes, faces: Gallery) -> list[Any]:
    """identify() now: identification's pixel cap from the header, then the engine."""
    check_size(image, IdentitySettings().max_identify_megapixels, "identification", "max_identify_megapixels")
    return [r.match for r in OURS_ENGINE.identify(image, faces)]


def ours_engine(image: bytes, faces: Gallery) -> list[Any]:
    """The engine now on an image a caller allowed in (enrolment: up to 40 MP)."""
    return [r.match for r in OURS_ENGINE.identify(image, faces)]


OURS_ENGINE = LocalFaceEngine.from_settings(IdentitySettings())
NAIVE_ENGINE = LocalFaceEngine.from_settings(IdentitySettings(max_detect_megapixels=40))
PIPELINES: dict[str, Callable[[bytes, Gallery], list[Any]]] = {
    "naive": naive,
    "ours_identify": ours_identify,
    "ours_engine": ours_engine,
}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def outcome(pipeline: Callable[[bytes, Gallery], list[Any]], image: bytes, faces: Gallery) -> str:
    try:
        matches = pipeline(image, faces)
    except FaceImageError:
        return "refused (422)"
    except ServiceUnavailableError:
        return "busy (503)"
    return ", ".join("employee 1" if m is not None and m.employee_id == 1 else "unknown" for m in matches) or "none"


def child(pipeline_name: str, image_name: str, runs: int, parallel: int) -> dict[str, Any]:
    """One case in this (fresh) process: times, peak memory above the warmed-up process, what it answered."""
    pipeline, image = PIPELINES[pipeline_name], IMAGES[image_name]()
    faces = gallery(OURS_ENGINE)
    outcome(pipeline, camera_frame(), faces)  # warm-up: models loaded, index built
    before = peak_mb()
    if parallel > 1:
        return {**_parallel(pipeline, image, faces, parallel, pipeline_name != "naive"), "peak_mb": peak_mb() - before}
    times, answer = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        answer = outcome(pipeline, image, faces)
        times.append((time.perf_counter() - start) * 1000)
    return {"ms": statistics.median(times), "peak_mb": peak_mb() - before, "answer": answer}


def _parallel(pipeline: Callable, image: bytes, faces: Gallery, n: int, bounded: bool) -> dict[str, Any]:
    """n callers at once; ours through the recognition slots (default 2), as the routes run it."""
    slots = RecognitionSlots(IdentitySettings().max_concurrent_recognitions)
    start, barrier = time.perf_counter(), threading.Barrier(n)
    done: list[tuple[float, str]] = []

    def call() -> None:
        barrier.wait()
        if bounded:
            try:
                with slots.hold():
                    answer = outcome(pipeline, image, faces)
            except ServiceUnavailableError:
                answer = "busy (503)"
        else:
            answer = outcome(pipeline, image, faces)
        done.append(((time.perf_counter() - start) * 1000, answer))

    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answers = sorted({a for _, a in done})
    return {"ms": max(ms for ms, _ in done), "answer": " / ".join(answers)}


def run_child(pipeline: str, image: str, runs: int, parallel: int = 1) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", pipeline, image, str(runs), str(parallel)]
    result = subprocess.run(args, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        pipeline, image, runs, parallel = args.child
        print(json.dumps(child(pipeline, image, int(runs), int(parallel))))
        return

    print(f"probe PNG: {SIDE}x{SIDE}, {len(probe_png()):,} bytes; load average {os.getloadavg()[0]:.1f}")
    cases = [
        ("probe, identify", "ours_identify", "probe", 1),
        ("probe, enrolment path", "ours_engine", "probe", 1),
        ("face in 6300x6300, enrolment path", "ours_engine", "face", 1),
        ("1280x720 frame, identify", "ours_identify", "frame", 1),
        ("probe, identify, 4 at once (slowest)", "ours_identify", "probe", 4),
        ("probe, enrolment path, 4 at once (slowest)", "ours_engine", "probe", 4),
    ]
    header = (
        f"{'case':<43} | {'ours ms':>8} | {'ours MB':>7} | {'base ms':>8} | {'base MB':>7} | {'x time':>7} | "
        f"{'x mem':>6} | answers (ours ; baseline)"
    )
    print(header)
    print("-" * len(header))
    baselines: dict[tuple[str, int], dict[str, Any]] = {}
    for label, pipeline, image, parallel in cases:
        runs = 1 if parallel > 1 else args.runs
        ours = run_child(pipeline, image, runs, parallel)
        base = baselines.get((image, parallel)) or run_child("naive", image, runs, parallel)
        baselines[(image, parallel)] = base
        mem = f"{base['peak_mb'] / ours['peak_mb']:.1f}x" if ours["peak_mb"] >= 1 else "-"
        speed = base["ms"] / ours["ms"]
        speed_text = f"{speed:.1f}x" if speed < 1000 else ">1000x"
        print(
            f"{label:<43} | {ours['ms']:8.1f} | {ours['peak_mb']:7.0f} | {base['ms']:8.1f} | {base['peak_mb']:7.0f} | "
            f"{speed_text:>7} | {mem:>6} | {ours['answer']} ; {base['answer']}"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("x time, x mem: baseline / ours (above 1: ours is cheaper); '-': ours held under 1 MB more than at rest")


if __name__ == "__main__":
    main()
