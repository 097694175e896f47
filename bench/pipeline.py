"""The camera pipeline on one box: cameras per 2-core box at 5 fps analysis, frame -> decision latency, identify
calls per person per minute, and what a worker sends per person / per vehicle, against the naive way, in one run.
No PostgreSQL needed (SQLite in a temp dir).

    .venv/bin/python bench/pipeline.py            # about 14 minutes on 2 cores
    .venv/bin/python bench/pipeline.py --quick    # about 4 minutes: 8 s windows, at most 4 cameras, a 20 s stand

Everything runs in this process, the way ``factoryai serve`` runs its cameras: ``video.service.start_runtime`` on a
throw-away SQLite database (migrated), the runtime's own detector (YOLOX-nano, score 0.1 for the trackers), the
analyzers of ``pipeline.analytics.analyzers`` and a ``pipeline.sinks.LocalSink`` into the services. No viewer: the
encoders stay idle, so the figures are capture + analytics. Employees (an all-day shift) and enrolments (photos 1-3
of three LFW people, ``../shared/data/faces``, research data read in place, never copied) go through the services.

1. **cameras per box**, per role, N cameras of one role at a time, each analysed at 5 fps, for ``--seconds`` after
   ``--warmup``: zone = ``synthetic://floor`` 1280x720 15 fps (its counting line); gate = ``synthetic://gate``
   1280x720 15 fps; entrance = a 1280x720 15 fps MPEG-4 clip (looped) of four people in turn, each 6 s in view and
   2 s of empty doorway between (photo 4 of the three enrolled people, one visitor who is nobody), rotated per
   camera (4 rotations: cameras 1 and 5 see the same person at the same moment, 1 to 4 do not). N = 1, 2, 4, 8, ...
   while every camera keeps up (>= 4.5 analysed fps over the window: frames its analyzer got / seconds), then the
   midpoint between the last N that kept up and the first that did not. CPU: utime + stime of the process from
   /proc over the window (cores), and by thread: capture (the synthetic scene's render or the clip's decode: a real
   camera's decode instead), analysis (detector + analytics + the database), and the detector apart.
   **Naive**, same runtime, same 5 fps, no tracks: zone = the same tracker and line, but one occupancy sample
   written per analysed frame (a unit of work each); entrance = identify the largest person on every analysed
   frame (``sink.face``, every unmatched face an unknown); gate = read the largest vehicle's plate on every
   analysed frame and validate every read at once (a snapshot each).
2. **latency**, from the same runs. Gate: from the capture of the first frame on which the vehicle's plate was read
   to the commit of its decision (``LocalSink.plate`` returned), and from the moment the vehicle stops at the barrier
   (``GateScene`` ground truth, scene time 0 = the source's start, estimated from the frames: capture time minus
   seq / fps) to that commit. Entrance: from the capture time of the first frame the person is in view (the clip's
   frame index, from the frame's seq) to the commit of the check-in (the first ``matched`` outcome of that person's
   appearance; the first appearance inserts the attendance row, later loops find it). Median and max over the
   passes / appearances seen.
3. **identify calls per person per minute in view**: one enrolled person held 60 s in front of an entrance camera
   (``--stand``). Ours: the EntranceAnalyzer on the clip at ``?speed=4`` with analysis at 20 fps (5 per second of
   scene time); naive: the per-frame analyzer above at speed 1, 5 fps (faster than real time it would only measure
   how many identifies the CPU allows). Identify calls and the CPU spent in them (thread time around
   ``sink.face``) while the clip plays once (the default 60 s: per minute).
4. **worker payloads**: the entrance clip and the gate scene fed frame by frame (5 fps) to the analyzers with an
   ``OutboxSink`` on a real on-disk outbox: the bytes of each face-track event (3 crops, base64 in JSON) and each
   gate-pass event (plate text + snapshot); against sending every analysed frame in view as a 720p JPEG (q80) in
   base64. And the CPU of one identify on the API side (each crop of those events, ``identity.identify``) against
   one plate read on the worker (``read_vehicle`` during the gate feed).

Each window also records the cores the machine's other processes used (/proc/stat minus this process: a window
where they took more than 0.2 core is flagged) and how late a thread sleeping 5 ms woke up (p99 / max): the time
another thread held the GIL (or, near saturation, no core was free), which an event loop in the same process would
wait as well. Every runtime is closed
and every temp dir removed, also on failure or SIGTERM. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from sqlalchemy import func, select, update

from factoryai.cameras.models import Camera
from factoryai.core import migrate
from factoryai.core.config import Settings, load_settings
from factoryai.core.db import create_db_engine, create_session_factory, unit_of_work
from factoryai.identity import service as identity
from factoryai.identity.models import AccessLog, UnknownAttendance
from factoryai.occupancy.counting import LineCounter
from factoryai.occupancy.models import OccupancyLog
from factoryai.organization import service as organization
from factoryai.organization.schemas import EmployeeCreate, ShiftCreate
from factoryai.pipeline.analytics import analyzers
from factoryai.pipeline.entrance import MIN_PERSON_PX, EntranceAnalyzer, head_and_shoulders
from factoryai.pipeline.gate import MIN_VEHICLE_PX, MIN_VEHICLE_SHARE, GateAnalyzer
from factoryai.pipeline.outbox import Outbox
from factoryai.pipeline.sinks import LocalSink, OutboxSink
from factoryai.pipeline.tracking import Tracker
from factoryai.resources import Resources
from factoryai.vehicles.models import VehicleLog
from factoryai.video.hub import Frame
from factoryai.video.runtime import CameraConfig
from factoryai.video.scene_gate import APPROACH, PERIOD, GateScene
from factoryai.video.service import TRACKING_SCORE, start_runtime
from factoryai.vision.detector import DEFAULT_MODEL, PERSON, VEHICLE_CLASSES, Detection, Detector

BENCH_DIR = Path(__file__).resolve().parent
SHARED_DIR = Path(os.environ.get("FACTORYAI_SHARED_DIR", BENCH_DIR.parents[1] / "shared"))
FACES = SHARED_DIR / "data" / "faces"
ENROLLED = ("Kofi_Annan", "Keanu_Reeves", "Dennis_Kucinich")  # photos 1-3 enrolled, photo 4 in front of the camera
VISITOR = "lfw_visitors/Abdullah/1.jpg"  # nobody: an unknown face
WIDTH, HEIGHT, FPS = 1280, 720, 15
ANALYSIS_FPS = 5.0
KEEP_UP_FPS = 4.5
STAND_FRAMES, GAP_FRAMES = 6 * FPS, 2 * FPS  # each person in view 6 s, then 2 s of empty doorway
SEGMENT = STAND_FRAMES + GAP_FRAMES
CLIP_ROTATIONS = 4
ZONE_LINE = [[0.5, 0.0], [0.5, 1.0]]
NAIVE_PERSON_SCORE = 0.5
NAIVE_VEHICLE_SCORE = 0.3
CLK_TCK = os.sysconf("SC_CLK_TCK")
BUSY_OTHERS = 0.2  # cores other processes may use in a window before the run is flagged
ROLES = ("zone", "gate", "entrance")
log = logging.getLogger("bench.pipeline")


# --- measuring --------------------------------------------------------------------------------------------------


def cpu_seconds(tid: int | None = None) -> float:
    """utime + stime of this process (or one of its threads) from /proc."""
    path = f"/proc/self/task/{tid}/stat" if tid else "/proc/self/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy() -> float:
    """CPU seconds every process on the machine has used (/proc/stat: all but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / CLK_TCK


def thread_cpu() -> dict[str, float]:
    out = {}
    for thread in threading.enumerate():
        with contextlib.suppress(OSError, TypeError):
            out[thread.name] = cpu_seconds(thread.native_id)
    return out


class WarningCounter(logging.Handler):
    """Counts the pipeline's warnings (a refused face attempt, a locked database) and keeps the first few."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.name}: {record.msg if isinstance(record.msg, str) else record.getMessage()}"[:90]
        self.counts[key] += 1
        self.examples.setdefault(key, record.getMessage()[:200])


class Stalls:
    """A thread that sleeps 5 ms in a loop, as an event loop waits for I/O: how late it wakes is how long another
    thread held the GIL (what the API's event loop beside the cameras would feel)."""

    INTERVAL = 0.005

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-stalls", daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(self.INTERVAL):
            now = time.perf_counter()
            self.gaps.append(now - last - self.INTERVAL)
            last = now

    def __enter__(self) -> Stalls:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> tuple[float, float]:
        """(p99, max) of the late wake-ups, seconds."""
        if not self.gaps:
            return 0.0, 0.0
        ordered = sorted(self.gaps)
        return ordered[int(0.99 * (len(ordered) - 1))], ordered[-1]


_current = threading.local()  # the frame the analysis thread is working on, for the probes below


class TimedDetector(Detector):
    """The runtime's detector (score 0.1, as ``analysis_detector``), with the CPU of its calls per thread."""

    def __init__(self, model: Path) -> None:
        super().__init__(model, score_threshold=TRACKING_SCORE)
        self.cpu: Counter[str] = Counter()
        self._cpu_lock = threading.Lock()

    def detect(self, frame_bgr: np.ndarray, classes: Any = None) -> list[Detection]:
        started = time.thread_time()
        result = super().detect(frame_bgr, classes)
        spent = time.thread_time() - started
        with self._cpu_lock:
            self.cpu[threading.current_thread().name] += spent
        return result


@dataclass
class Call:
    camera: str
    frame: Frame | None  # the frame being analysed when the call was made
    done: float  # monotonic, when the call returned (its unit of work committed)
    cpu: float  # thread CPU seconds of the call
    outcome: str = ""
    text: str = ""


@dataclass
class Recorder:
    faces: list[Call] = field(default_factory=list)
    plates: list[Call] = field(default_factory=list)
    reads: list[Call] = field(default_factory=list)  # plate reads; outcome "ok" when a plate was read
    occupancy: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: list[Call], camera: str, started: float, **extra: Any) -> None:
        call = Call(camera, getattr(_current, "frame", None), time.monotonic(), time.thread_time() - started, **extra)
        with self.lock:
            kind.append(call)


class ProbeSink:
    """LocalSink as serve uses it, recording each call's time, CPU and the frame it came from."""

    def __init__(self, inner: LocalSink, rec: Recorder) -> None:
        self.inner = inner
        self.rec = rec
        self.face_mode = inner.face_mode

    def face(self, camera_id: str, image: bytes, at: datetime, *, last_attempt: bool) -> str:
        started = time.thread_time()
        outcome = self.inner.face(camera_id, image, at, last_attempt=last_attempt)
        self.rec.add(self.rec.faces, camera_id, started, outcome=outcome)
        return outcome

    def face_track(self, camera_id: str, crops: list[bytes], at: datetime) -> None:
        self.inner.face_track(camera_id, crops, at)

    def plate(self, camera_id: str, text: str, confidence: float, snapshot: bytes | None, at: datetime) -> None:
        started = time.thread_time()
        self.inner.plate(camera_id, text, confidence, snapshot, at)
        self.rec.add(self.rec.plates, camera_id, started, text=text)

    def occupancy(self, samples: list[dict[str, Any]]) -> bool:
        started = time.thread_time()
        delivered = self.inner.occupancy(samples)
        self.rec.add(self.rec.occupancy, samples[0]["camera_id"], started, outcome=str(len(samples)))
        return delivered


class ReaderProbe:
    """A PlateRecognizer whose read_vehicle calls are timed and recorded."""

    def __init__(self, inner: Any, rec: Recorder | None, cpu: list[float] | None = None) -> None:
        self.inner = inner
        self.rec = rec
        self.cpu = cpu

    def read_vehicle(self, frame: np.ndarray, box: tuple[float, float, float, float]) -> Any:
        started = time.thread_time()
        read = self.inner.read_vehicle(frame, box)
        if self.cpu is not None:
            self.cpu.append(time.thread_time() - started)
        if self.rec is not None:
            camera = getattr(_current, "camera", "")
            self.rec.add(
                self.rec.reads, camera, started, outcome="ok" if read else "none", text=read.text if read else ""
            )
        return read


class PlatesProbe:
    """Stands in for PlateRecognition in ``analyzers()``: the same recognizer, its reads recorded."""

    def __init__(self, plates: Any, rec: Recorder | None, cpu: list[float] | None = None) -> None:
        self.plates = plates
        self.rec = rec
        self.cpu = cpu

    def recognizer(self) -> ReaderProbe:
        return ReaderProbe(self.plates.recognizer(), self.rec, self.cpu)


class Probe:
    """Wraps a camera's analyzer: counts the frames it gets, keeps the current one for the probes, and estimates when
    the source started (capture time - seq / fps; the smallest value is the least delayed frame)."""

    def __init__(self, camera_id: str, inner: Any, fps: float) -> None:
        self.camera_id = camera_id
        self.inner = inner
        self.fps = fps
        self.frames = 0
        self.seqs: list[tuple[int, float]] = []  # (seq, capture time) of every frame analysed
        self.last_seq = 0
        self.origin = float("inf")

    def on_frame(self, frame: Frame, detections: Sequence[Detection]) -> None:
        self.frames += 1
        self.seqs.append((frame.seq, frame.monotonic))
        self.last_seq = frame.seq
        self.origin = min(self.origin, frame.monotonic - frame.seq / self.fps)
        _current.frame, _current.camera = frame, self.camera_id
        self.inner.on_frame(frame, detections)

    def close(self) -> None:
        self.inner.close()


# --- the naive analyzers ----------------------------------------------------------------------------------------


class NaiveZone:
    """The same tracker and line, but a sample written on every analysed frame (one unit of work each)."""

    def __init__(self, config: CameraConfig, sink: Any, fps: float) -> None:
        self.camera_id = config.id
        self.sink = sink
        self.counter = LineCounter(config.counting_line, config.in_side)  # type: ignore[arg-type]
        self.tracker = Tracker(fps, frozenset({PERSON}))

    def on_frame(self, frame: Frame, detections: Sequence[Detection]) -> None:
        height, width = frame.image.shape[:2]
        result = self.counter.update(self.tracker.update(detections), (width, height), frame.monotonic)
        sample = {"camera_id": self.camera_id, "timestamp": frame.captured_at, "current_count": result.count,
                  "entries": result.entries, "exits": result.exits}  # fmt: skip
        self.sink.occupancy([sample])

    def close(self) -> None:
        pass


class NaiveEntrance:
    """Identify on every analysed frame: the largest person's head and shoulders, every unmatched face an unknown."""

    def __init__(self, config: CameraConfig, sink: Any) -> None:
        self.camera_id = config.id
        self.sink = sink
        self.attempts = 0

    def on_frame(self, frame: Frame, detections: Sequence[Detection]) -> None:
        people = [d for d in detections if d.class_id == PERSON and d.score >= NAIVE_PERSON_SCORE
                  and d.box[3] - d.box[1] >= MIN_PERSON_PX]  # fmt: skip
        if not people:
            return
        box = max(people, key=lambda d: (d.box[2] - d.box[0]) * (d.box[3] - d.box[1])).box
        ok, jpeg = cv2.imencode(".jpg", head_and_shoulders(frame.image, box), [cv2.IMWRITE_JPEG_QUALITY, 92])
        if ok:
            self.attempts += 1
            self.sink.face(self.camera_id, jpeg.tobytes(), frame.captured_at, last_attempt=True)

    def close(self) -> None:
        pass


class NaiveGate:
    """Read the largest vehicle's plate on every analysed frame and validate each read at once, with its snapshot."""

    def __init__(self, config: CameraConfig, sink: Any, recognizer: Callable[[], Any]) -> None:
        self.camera_id = config.id
        self.sink = sink
        self.recognizer = recognizer

    def on_frame(self, frame: Frame, detections: Sequence[Detection]) -> None:
        width = frame.image.shape[1]
        vehicles = [d for d in detections if d.class_id in VEHICLE_CLASSES and d.score >= NAIVE_VEHICLE_SCORE
                    and d.box[2] - d.box[0] >= max(MIN_VEHICLE_PX, MIN_VEHICLE_SHARE * width)]  # fmt: skip
        if not vehicles:
            return
        box = max(vehicles, key=lambda d: (d.box[2] - d.box[0]) * (d.box[3] - d.box[1])).box
        read = self.recognizer().read_vehicle(frame.image, box)
        if read is None:
            return
        ok, jpeg = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        self.sink.plate(self.camera_id, read.text, round(read.confidence, 4), jpeg.tobytes() if ok else None,
                        frame.captured_at)  # fmt: skip

    def close(self) -> None:
        pass


# --- the bench's world ------------------------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    photo: Path
    employee_id: int | None  # None: the visitor


class Bench:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.settings: Settings = load_settings(
            database={"url": f"sqlite:///{tmp / 'factoryai.sqlite'}"},
            site={"data_dir": str(tmp / "data")},
            identity={"snapshot_dir": str(tmp / "snapshots")},
            scheduler={"enabled": False},
            mqtt={"enabled": False},
            vehicles={"gate_relay": "none"},
        )
        self.engine = create_db_engine(self.settings.database)
        migrate.upgrade(self.engine)
        self.resources = Resources.create(self.settings, publish=False)
        # As serve's: events leave after each commit (to no broker here: publish=False).
        self.factory = create_session_factory(self.engine, self.resources.publishers)
        self.detector = TimedDetector(self.settings.video.detector_model_path or DEFAULT_MODEL)
        self.detector.warm_up()
        self.people: list[Person] = []
        self.clips: list[Path] = []
        self.runs = 0

    def close(self) -> None:
        self.resources.close()
        self.engine.dispose()

    def enrol(self) -> None:
        with unit_of_work(self.factory) as session:
            shift = organization.create_shift(session, ShiftCreate(shift_name="All day", start_time=dtime(0),
                                                                   end_time=dtime(23, 59)))  # fmt: skip
            for i, name in enumerate(ENROLLED):
                data = EmployeeCreate(name=name.replace("_", " "), email=f"p{i}@bench.example", shift_id=shift.id)
                employee = organization.create_employee(session, data, datetime.now(UTC).date() - timedelta(days=1))
                photos = [identity.UploadedImage(f"{n}.jpg", (FACES / "lfw100" / name / f"{n}.jpg").read_bytes())
                          for n in (1, 2, 3)]  # fmt: skip
                identity.enroll_faces(session, self.resources.faces, employee.id, photos, None, wait=True)
                self.people.append(Person(name, FACES / "lfw100" / name / "4.jpg", employee.id))
        self.people.append(Person("visitor", FACES / VISITOR, None))

    def frame_of(self, person: Person | None) -> np.ndarray:
        """A doorway: the photo enlarged to 540x540 in the middle of a grey 720p frame (a person close to the
        camera), or the empty doorway."""
        frame = np.full((HEIGHT, WIDTH, 3), 90, np.uint8)
        if person is not None:
            photo = cv2.imread(str(person.photo), cv2.IMREAD_COLOR)
            top, left = (HEIGHT - 540) // 2, (WIDTH - 540) // 2
            frame[top : top + 540, left : left + 540] = cv2.resize(photo, (540, 540))
        return frame

    def write_clip(self, path: Path, frames: list[tuple[np.ndarray, int]]) -> int:
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
        if not writer.isOpened():
            raise RuntimeError("this OpenCV cannot write MPEG-4 part 2 (mp4v)")
        total = 0
        for image, count in frames:
            for _ in range(count):
                writer.write(image)
            total += count
        writer.release()
        capture = cv2.VideoCapture(str(path))
        decoded = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        capture.release()
        if decoded != total:
            raise RuntimeError(f"{path.name}: wrote {total} frames, the file says {decoded}")
        return total

    def entrance_clips(self) -> None:
        empty = self.frame_of(None)
        faces = [self.frame_of(p) for p in self.people]
        for r in range(CLIP_ROTATIONS):
            order = [(faces[(r + j) % len(faces)], STAND_FRAMES) for j in range(len(faces))]
            parts = [part for face in order for part in (face, (empty, GAP_FRAMES))]
            path = self.tmp / f"entrance-{r}.mp4"
            self.write_clip(path, parts)
            self.clips.append(path)

    def clip_person(self, camera_index: int, seq: int) -> tuple[int, int, int] | None:
        """(loop, person index, frames since they came into view) of a camera's frame ``seq``; None: nobody."""
        loop, index = divmod(seq - 1, SEGMENT * len(self.people))
        segment, into = divmod(index, SEGMENT)
        if into >= STAND_FRAMES:
            return None
        return loop, (camera_index % CLIP_ROTATIONS + segment) % len(self.people), into

    def add_cameras(self, cameras: list[Camera]) -> None:
        with unit_of_work(self.factory) as session:
            session.add_all(cameras)

    def disable(self, ids: list[str]) -> None:
        with unit_of_work(self.factory) as session:
            session.execute(update(Camera).where(Camera.id.in_(ids)).values(enabled=False))

    def count(self, model: Any, ids: list[str], column: Any = None) -> int:
        column = column if column is not None else model.camera_id
        with self.factory() as session:
            return session.scalar(select(func.count()).select_from(model).where(column.in_(ids))) or 0


# --- 1 and 2: cameras per box, latency ------------------------------------------------------------------------


@dataclass
class CameraFigures:
    camera_id: str
    input_fps: float
    analysed_fps: float
    status_fps: float  # feed.status().analysis_fps at the end of the window (its last 5 s)
    capture_cores: float
    analysis_cores: float
    detect_cores: float


@dataclass
class RoleRun:
    role: str
    n: int
    naive: bool
    cameras: list[CameraFigures]
    process_cores: float
    seconds: float
    rec: Recorder
    others: float = 0.0  # cores other processes used during the window (a busy machine says little)
    extra: dict[str, Any] = field(default_factory=dict)
    latency: dict[str, list[float]] = field(default_factory=dict)

    @property
    def min_fps(self) -> float:
        return min(c.analysed_fps for c in self.cameras)

    @property
    def keeps_up(self) -> bool:
        return self.min_fps >= KEEP_UP_FPS

    def total(self, what: str) -> float:
        return sum(getattr(c, what) for c in self.cameras)


def camera_rows(bench: Bench, role: str, ids: list[str]) -> list[Camera]:
    rows = []
    for i, camera_id in enumerate(ids):
        if role == "zone":
            url = f"synthetic://floor?width={WIDTH}&height={HEIGHT}&fps={FPS}&seed={i}"
            settings: dict[str, Any] = {"counting_line": ZONE_LINE, "in_side": "left"}
        elif role == "gate":
            url, settings = f"synthetic://gate?width={WIDTH}&height={HEIGHT}&fps={FPS}&seed={i}", {}
        else:
            url, settings = bench.clips[i % len(bench.clips)].as_uri(), {}
        rows.append(Camera(id=camera_id, name=camera_id, source_url=url, role=role, settings=settings))
    return rows


def make_analyzers(bench: Bench, role: str, naive: bool, sink: ProbeSink, rec: Recorder) -> Callable[..., Any]:
    plates = PlatesProbe(bench.resources.plates, rec)
    ours = analyzers(bench.settings, sink, plates)  # type: ignore[arg-type]

    def make(config: CameraConfig) -> Any:
        if not naive:
            return ours(config)
        fps = config.analysis_fps or bench.settings.video.analysis_fps
        if role == "zone":
            return NaiveZone(config, sink, fps)
        if role == "gate":
            return NaiveGate(config, sink, plates.recognizer)
        return NaiveEntrance(config, sink)

    return make


def run_role(bench: Bench, role: str, n: int, naive: bool, warmup: float, seconds: float) -> RoleRun:
    bench.runs += 1
    ids = [f"{role[0].upper()}{'N' if naive else 'O'}{bench.runs}-{i + 1}" for i in range(n)]
    bench.add_cameras(camera_rows(bench, role, ids))
    rec = Recorder()
    sink = ProbeSink(LocalSink(bench.factory, bench.settings, bench.resources.faces), rec)
    make = make_analyzers(bench, role, naive, sink, rec)
    probes: dict[str, Probe] = {}

    def make_probe(config: CameraConfig) -> Probe | None:
        inner = make(config)
        if inner is None:
            return None
        probes[config.id] = Probe(config.id, inner, FPS)
        return probes[config.id]

    runtime = start_runtime(bench.settings, bench.factory, bench.detector, make_probe)
    try:
        deadline = time.monotonic() + 60
        while len(probes) < n or any(p.frames == 0 for p in probes.values()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{role} x{n}: not every camera was analysed within 60 s")
            time.sleep(0.05)
        time.sleep(warmup)
        feeds = {i: runtime.feed(i) for i in ids}
        frames0 = {i: f.capture.state.frames for i, f in feeds.items()}  # type: ignore[union-attr]
        analysed0 = {i: probes[i].frames for i in ids}
        det0, threads0 = dict(bench.detector.cpu), thread_cpu()
        with Stalls() as stalls:
            busy0, cpu0, t0 = machine_busy(), cpu_seconds(), time.monotonic()
            time.sleep(seconds)
            busy1, cpu1, t1 = machine_busy(), cpu_seconds(), time.monotonic()
        det1, threads1 = dict(bench.detector.cpu), thread_cpu()
        frames1 = {i: f.capture.state.frames for i, f in feeds.items()}  # type: ignore[union-attr]
        analysed1 = {i: probes[i].frames for i in ids}
        status = {i: f.status().analysis_fps for i, f in feeds.items()}  # type: ignore[union-attr]
    finally:
        runtime.close()
        bench.disable(ids)
    wall = t1 - t0

    def cores(before: dict[str, float], after: dict[str, float], name: str) -> float:
        return (after.get(name, 0.0) - before.get(name, 0.0)) / wall

    cameras = [
        CameraFigures(
            i,
            (frames1[i] - frames0[i]) / wall,
            (analysed1[i] - analysed0[i]) / wall,
            status[i],
            cores(threads0, threads1, f"capture-{i}"),
            cores(threads0, threads1, f"analysis-{i}"),
            cores(det0, det1, f"analysis-{i}"),  # type: ignore[arg-type]
        )
        for i in ids
    ]
    run = RoleRun(role, n, naive, cameras, (cpu1 - cpu0) / wall, wall, rec)
    run.extra["window"] = (t0, t1)
    run.extra["stalls"] = stalls.summary()
    run.others = max(0.0, (busy1 - busy0 - (cpu1 - cpu0)) / wall)
    if role == "gate":
        gate_figures(bench, run, probes, ids)
    elif role == "entrance":
        entrance_figures(bench, run, probes, ids)
    else:
        minutes = wall / 60
        writes = [c for c in rec.occupancy if t0 <= c.done <= t1]
        run.extra["writes_per_camera_minute"] = len(writes) / n / minutes
        run.extra["write_ms"] = statistics.median(c.cpu for c in writes) * 1000 if writes else 0.0
        run.extra["rows"] = bench.count(OccupancyLog, ids)
    return run


def gate_figures(bench: Bench, run: RoleRun, probes: dict[str, Probe], ids: list[str]) -> None:
    """Per vehicle pass (the scene's schedule, from the frame times): reads, the decision, its latency."""
    _, end = run.extra["window"]
    stops, from_read, correct, decided, reads_per_pass = [], [], 0, 0, []
    for index, camera_id in enumerate(ids):
        probe = probes[camera_id]
        truth = GateScene(64, 36, FPS, seed=index).ground_truth(3600)
        passes: dict[int, dict[str, Any]] = {}
        reads = sorted((c for c in run.rec.reads if c.camera == camera_id and c.frame), key=lambda c: c.done)
        for read in reads:
            p = passes.setdefault(int((read.frame.monotonic - probe.origin) // PERIOD), {"reads": 0})  # type: ignore[union-attr]
            p["reads"] += 1
            if read.outcome == "ok":
                p.setdefault("first_read", read.frame.monotonic)  # type: ignore[union-attr]
            p["last_read_done"] = read.done
        for decision in sorted((c for c in run.rec.plates if c.camera == camera_id), key=lambda c: c.done):
            if run.naive:  # a decision per read: it belongs to the pass of the frame it was read on
                key = int((decision.frame.monotonic - probe.origin) // PERIOD)  # type: ignore[union-attr]
            else:  # ours decides after the reads (or when the vehicle has gone): the pass of its last read
                earlier = [k for k, p in passes.items() if p.get("last_read_done", float("inf")) <= decision.done]
                if not earlier:
                    continue
                key = max(earlier)
            p = passes.get(key)
            if p is None or "decision" in p:
                if p is not None:
                    p["decisions"] = p.get("decisions", 1) + 1
                continue
            p["decision"], p["text"] = decision.done, decision.text
        for key, p in passes.items():
            if "decision" not in p or "first_read" not in p or p["decision"] > end:
                continue
            decided += 1
            reads_per_pass.append(p["reads"])
            from_read.append(p["decision"] - p["first_read"])
            stops.append(p["decision"] - (probe.origin + key * PERIOD + APPROACH))
            correct += int(key < len(truth) and p["text"] == truth[key].plate)
    run.latency = {"first read": from_read, "vehicle stopped": stops}
    run.extra.update(passes=decided, correct=correct, reads_per_pass=reads_per_pass,
                     log_rows=bench.count(VehicleLog, ids), decisions=len(run.rec.plates))  # fmt: skip


def entrance_figures(bench: Bench, run: RoleRun, probes: dict[str, Probe], ids: list[str]) -> None:
    """Per appearance of a person (the clip's schedule, from the frames' seq): identify calls, the check-in. An
    appearance counts when its first frame was captured at least 2 s before the window's end."""
    _, end = run.extra["window"]
    latencies: list[float] = []
    seen: dict[tuple[str, int, int], float] = {}  # appearance -> when its first frame was captured
    first_match: dict[tuple[str, int, int], float] = {}
    calls: Counter[tuple[str, int, int]] = Counter()
    for index, camera_id in enumerate(ids):
        for seq, monotonic in probes[camera_id].seqs:
            where = bench.clip_person(index, seq)
            if where is not None:
                seen.setdefault((camera_id, where[0], where[1]), monotonic - where[2] / FPS)
        for call in sorted((c for c in run.rec.faces if c.camera == camera_id and c.frame), key=lambda c: c.done):
            where = bench.clip_person(index, call.frame.seq)  # type: ignore[union-attr]
            if where is None:
                continue
            key = (camera_id, where[0], where[1])
            calls[key] += 1
            if call.outcome == "matched" and key not in first_match and call.done <= end:
                first_match[key] = call.done
                latencies.append(call.done - seen[key])
    counted = [k for k, came in seen.items() if came <= end - 2.0]
    enrolled = [k for k in counted if bench.people[k[2]].employee_id is not None]
    visitor = [k for k in counted if bench.people[k[2]].employee_id is None]
    run.latency = {"in view": latencies}
    faces = run.rec.faces
    run.extra.update(
        outcomes=dict(Counter(c.outcome for c in faces)),
        calls=len(faces),
        calls_enrolled=statistics.mean(calls[k] for k in enrolled) if enrolled else 0.0,
        calls_visitor=statistics.mean(calls[k] for k in visitor) if visitor else 0.0,
        identify_ms=statistics.median(c.cpu for c in faces) * 1000 if faces else 0.0,
        checkins=sum(1 for k in enrolled if k in first_match),
        enrolled=len(enrolled),
        visitors=len(visitor),
        unknown_rows=bench.count(UnknownAttendance, ids),
        access_rows=bench.count(AccessLog, ids),
    )


def sweep(bench: Bench, role: str, naive: bool, args: argparse.Namespace, limit: int | None) -> list[RoleRun]:
    """N = 1, 2, 4, ... while every camera keeps up, up to ``limit`` (then ``limit`` itself); after the first N that
    does not keep up, the midpoint between it and the last that did (``--no-refine``: not)."""
    runs: list[RoleRun] = []
    top = min(args.max_cameras, limit) if limit else args.max_cameras
    counts = [2**k for k in range(top.bit_length()) if 2**k <= top]
    counts += [top] if counts[-1] != top else []

    def measure(n: int) -> RoleRun:
        run = run_role(bench, role, n, naive, args.warmup, args.seconds)
        runs.append(run)
        print(f"  {role:8} {'naive' if naive else 'ours':5} x{n:<2}: analysed fps min {run.min_fps:4.1f}, "
              f"process {run.process_cores:.2f} cores, other processes {run.others:.2f}", flush=True)  # fmt: skip
        return run

    for n in counts:
        if not measure(n).keeps_up:
            break
    passed = [r.n for r in runs if r.keeps_up]
    failed = [r.n for r in runs if not r.keeps_up]
    if args.refine and passed and failed and failed[0] - passed[-1] > 1:
        measure((passed[-1] + failed[0]) // 2)
    return sorted(runs, key=lambda r: r.n)


def best(runs: list[RoleRun]) -> RoleRun | None:
    kept = [r for r in runs if r.keeps_up]
    return max(kept, key=lambda r: r.n) if kept else None


# --- 3: identify calls per person per minute ----------------------------------------------------------------


@dataclass
class StandRun:
    naive: bool
    speed: float
    scene_seconds: float
    calls: int
    identify_cpu: float
    process_cpu: float
    wall: float
    outcomes: dict[str, int]
    analysed: int
    access_rows: int


def stand(bench: Bench, clip: Path, frames: int, naive: bool, speed: float) -> StandRun:
    bench.runs += 1
    camera_id = f"S{'N' if naive else 'O'}{bench.runs}"
    url = clip.as_uri() + (f"?speed={speed:g}" if speed != 1 else "")
    settings = {"analysis_fps": ANALYSIS_FPS * speed}
    bench.add_cameras([Camera(id=camera_id, name=camera_id, source_url=url, role="entrance", settings=settings)])
    rec = Recorder()
    sink = ProbeSink(LocalSink(bench.factory, bench.settings, bench.resources.faces), rec)
    make = make_analyzers(bench, "entrance", naive, sink, rec)
    probes: dict[str, Probe] = {}

    def make_probe(config: CameraConfig) -> Probe:
        probes[config.id] = Probe(config.id, make(config), FPS * speed)
        return probes[config.id]

    cpu0, t0 = cpu_seconds(), time.monotonic()
    runtime = start_runtime(bench.settings, bench.factory, bench.detector, make_probe)
    try:
        deadline = t0 + frames / (FPS * speed) + 60
        while camera_id not in probes or probes[camera_id].last_seq < frames:
            if time.monotonic() > deadline:
                raise RuntimeError("the stand clip did not play once in time")
            time.sleep(0.02)
        cpu1, t1 = cpu_seconds(), time.monotonic()
        calls = [c for c in rec.faces if c.frame is not None and c.frame.seq <= frames]
        analysed = probes[camera_id].frames
    finally:
        runtime.close()
        bench.disable([camera_id])
    return StandRun(naive, speed, frames / FPS, len(calls), sum(c.cpu for c in calls), cpu1 - cpu0, t1 - t0,
                    dict(Counter(c.outcome for c in calls)), analysed, bench.count(AccessLog, [camera_id]))  # fmt: skip


# --- 4: worker payloads -------------------------------------------------------------------------------------


@dataclass
class Payloads:
    face_events: list[int]
    face_crops: list[int]
    naive_face: list[int]
    gate_events: list[int]
    naive_gate: list[int]
    identify_ms: list[float]
    ocr_ms: list[float]
    gate_correct: str


def naive_event(camera_id: str, image: np.ndarray) -> int:
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    event = {"event_id": "0" * 32, "camera_id": camera_id, "timestamp": datetime.now(UTC).isoformat(),
             "image": base64.b64encode(jpeg.tobytes()).decode()}  # fmt: skip
    return len(json.dumps(event))


def outbox_events(path: Path, kind: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT payload FROM outbox WHERE kind = ? ORDER BY id", (kind,))]


def payloads(bench: Bench, gate_passes: int) -> Payloads:
    config = CameraConfig("CAM-W", "worker", "entrance", ANALYSIS_FPS, True, None)
    path = bench.tmp / "outbox" / "outbox.sqlite"
    outbox = Outbox(path)
    sink = OutboxSink(outbox)
    step = round(FPS / ANALYSIS_FPS)
    try:
        # Entrance: the first clip, once, 5 fps, through the analyzer a worker runs.
        analyzer = EntranceAnalyzer(config, sink, ANALYSIS_FPS)
        capture = cv2.VideoCapture(str(bench.clips[0]))
        naive_face: Counter[int] = Counter()
        seq, start = 0, time.monotonic()
        while True:
            ok, image = capture.read()
            if not ok:
                break
            seq += 1
            if (seq - 1) % step:
                continue
            frame = Frame(seq, image, start + seq / FPS, datetime.now(UTC))
            detections = bench.detector.detect(image)
            analyzer.on_frame(frame, detections)
            where = bench.clip_person(0, seq)
            if where is not None and any(d.class_id == PERSON and d.score >= NAIVE_PERSON_SCORE for d in detections):
                naive_face[where[1]] += naive_event(config.id, image)
        capture.release()
        analyzer.close()
        # Gate: the scene's first passes at 5 fps, through the worker's gate analyzer.
        scene = GateScene(WIDTH, HEIGHT, FPS, seed=0)
        ocr_cpu: list[float] = []
        gate_config = CameraConfig("CAM-W", "worker", "gate", ANALYSIS_FPS, True, None)
        vehicles = bench.settings.vehicles
        timed = PlatesProbe(bench.resources.plates, None, ocr_cpu)
        gate = GateAnalyzer(gate_config, sink, ANALYSIS_FPS, timed.recognizer, vehicles.vote_frames,
                            vehicles.ocr_confidence_threshold)  # fmt: skip
        naive_gate: Counter[int] = Counter()
        for k in range(int(gate_passes * PERIOD * ANALYSIS_FPS)):
            elapsed = k / ANALYSIS_FPS
            image = scene.render(elapsed)
            frame = Frame(k + 1, image, start + elapsed, datetime.now(UTC))
            detections = bench.detector.detect(image)
            gate.on_frame(frame, detections)
            if any(d.class_id in VEHICLE_CLASSES and d.score >= NAIVE_VEHICLE_SCORE for d in detections):
                naive_gate[int(elapsed // PERIOD)] += naive_event(gate_config.id, image)
        gate.close()
        faces = [json.loads(p) for p in outbox_events(path, "face_track")]
        passes = [json.loads(p) for p in outbox_events(path, "plate_pass")]
        face_sizes = [len(p) for p in outbox_events(path, "face_track")]
        gate_sizes = [len(p) for p in outbox_events(path, "plate_pass")]
    finally:
        outbox.close()
    # The API side of a face track: identify each crop (what punch_face_track does, in order, until one matches).
    identify_cpu = []
    with bench.factory() as session:
        for event in faces:
            for crop in event["images"]:
                started = time.thread_time()
                identity.identify(session, bench.resources.faces, base64.b64decode(crop), wait=True)
                identify_cpu.append((time.thread_time() - started) * 1000)
    truth = [p.plate for p in scene.ground_truth(gate_passes * PERIOD)]
    read = [p["plate_text"] for p in passes]
    right = f"{sum(a == b for a, b in zip(read, truth, strict=False))} of {len(truth)} plates right"
    return Payloads(face_sizes, [len(e["images"]) for e in faces], list(naive_face.values()), gate_sizes,
                    list(naive_gate.values()), identify_cpu, [c * 1000 for c in ocr_cpu], right)  # fmt: skip


# --- tables -----------------------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> str:
    if a < 0 or b < 0:
        return "-"
    if not b:
        return "inf" if a else "-"
    x = a / b
    return f"{x:.2f}x" if x < 1 else f"{x:.1f}x" if x < 100 else f"{x:.0f}x"


def spread(values: Sequence[float], unit: str = "s") -> str:
    if not values:
        return "-"
    scale = 1000 if unit == "ms" else 1
    med, top = statistics.median(values) * scale, max(values) * scale
    fmt = "{:.0f}" if unit == "ms" else "{:.2f}"
    return f"{fmt.format(med)} / {fmt.format(top)} {unit} (n={len(values)})"


def print_capacity(results: dict[str, dict[bool, list[RoleRun]]]) -> None:
    print("\n## 1. Cameras per box at 5 fps analysis, 1280x720 15 fps, no viewers\n")
    print(
        "| role | cameras | analysed fps min (status min) | input fps min | process cores (other processes) | "
        "capture / analysis / of it detector | naive: analysed fps min | naive process cores (other processes) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for role, variants in results.items():
        ours = {r.n: r for r in variants.get(False, [])}
        naive = {r.n: r for r in variants.get(True, [])}
        for n in sorted(set(ours) | set(naive)):
            o, b = ours.get(n), naive.get(n)
            left = (f"{o.min_fps:.1f} ({min(c.status_fps for c in o.cameras):.1f}) | "
                    f"{min(c.input_fps for c in o.cameras):.1f} | {o.process_cores:.2f} ({o.others:.2f}) | "
                    f"{o.total('capture_cores'):.2f} / {o.total('analysis_cores'):.2f} / {o.total('detect_cores'):.2f}"
                    if o else "- | - | - | -")  # fmt: skip
            right = f"{b.min_fps:.1f} | {b.process_cores:.2f} ({b.others:.2f})" if b else "- | -"
            print(f"| {role} | {n} | {left} | {right} |")
    print(
        "\n| role | ours: most cameras at >= 4.5 fps | cores per camera (process / analysis thread) | naive: "
        "most cameras | naive cores per camera (process / analysis) | cameras ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for role, variants in results.items():
        o, b = best(variants.get(False, [])), best(variants.get(True, []))
        tested = max((r.n for r in variants.get(False, [])), default=0)
        o_n = o.n if o else 0
        b_n = b.n if b else 0
        o_txt = f"{o.process_cores / o.n:.3f} / {o.total('analysis_cores') / o.n:.3f}" if o else "-"
        b_txt = f"{b.process_cores / b.n:.3f} / {b.total('analysis_cores') / b.n:.3f}" if b else "-"
        more = " (the most tried)" if o and o.n == tested else ""
        b_more = " (as many as ours kept up with; not pushed further)" if b and o and b.n >= o.n else ""
        naive_runs = variants.get(True, [])
        if not b and naive_runs:
            b_txt = f"- (1 camera: {naive_runs[0].min_fps:.1f} fps, {naive_runs[0].process_cores:.2f} cores)"
        print(f"| {role} | {o_n}{more} | {o_txt} | {str(b_n) + b_more if naive_runs else '-'} | {b_txt} | "
              f"{ratio(o_n, b_n) if naive_runs else '-'} |")  # fmt: skip


def stall_text(r: RoleRun) -> str:
    p99, worst = r.extra["stalls"]
    return f"{p99 * 1000:.0f} / {worst * 1000:.0f} ms"


def print_role_details(results: dict[str, dict[bool, list[RoleRun]]]) -> None:
    """What each role did in the capacity windows, ours beside the naive way at the same camera count."""
    headers = {
        "zone": ("database writes per camera-minute (CPU ms each)",),
        "gate": ("passes decided (plate right)", "plate reads per pass", "vehicle_log rows per pass"),
        "entrance": ("identify calls per appearance: enrolled / visitor (CPU ms each)",
                     "enrolled appearances checked in", "unknown-face rows / access-log rows"),
    }  # fmt: skip

    def cells(r: RoleRun | None) -> list[str]:
        if r is None:
            return ["-"] * (len(headers[role]) + 1)
        e = r.extra
        if role == "zone":
            values = [f"{e['writes_per_camera_minute']:.0f} ({e['write_ms']:.1f})"]
        elif role == "gate":
            reads = statistics.mean(e["reads_per_pass"]) if e["reads_per_pass"] else 0.0
            values = [f"{e['passes']} ({e['correct']})", f"{reads:.1f}", f"{e['log_rows'] / max(e['passes'], 1):.1f}"]
        else:
            values = [f"{e['calls_enrolled']:.1f} / {e['calls_visitor']:.1f} ({e['identify_ms']:.0f})",
                      f"{e['checkins']} of {e['enrolled']}", f"{e['unknown_rows']} / {e['access_rows']}"]  # fmt: skip
        return [*values, stall_text(r)]

    print("\nWhat each role did in those windows (stall: how late a thread sleeping 5 ms woke up, p99 / max: the GIL")
    print("held by another thread, or near saturation no free core; an event loop in this process would wait as long):")
    for role, variants in results.items():
        naive = {r.n: r for r in variants.get(True, [])}
        names = [*headers[role], "stall p99 / max"]
        print(f"\n| {role} cameras | " + " | ".join(f"ours: {h}" for h in names) + " | "
              + " | ".join(f"naive: {h}" for h in names) + " |")  # fmt: skip
        print("|---:|" + "---:|" * (2 * len(names)))
        for o in variants.get(False, []):
            print(f"| {o.n} | " + " | ".join(cells(o)) + " | " + " | ".join(cells(naive.get(o.n))) + " |")


def print_latency(results: dict[str, dict[bool, list[RoleRun]]]) -> None:
    print("\n## 2. Latency (median / max, over the passes and appearances in each window)\n")
    print("| what | cameras | ours | naive | ratio of medians |")
    print("|---|---:|---:|---:|---:|")
    names = {
        ("gate", "first read"): "gate: capture of the first frame the plate was read on -> decision committed",
        ("gate", "vehicle stopped"): "gate: vehicle stopped at the barrier (ground truth) -> decision committed "
        "(< 0: decided before it stopped)",
        ("entrance", "in view"): "entrance: first frame the person is in view -> check-in committed",
    }
    for (role, key), label in names.items():
        variants = results.get(role)
        if not variants:
            continue
        naive = {r.n: r for r in variants.get(True, [])}
        for o in variants.get(False, []):
            b = naive.get(o.n)
            ov, bv = o.latency.get(key, []), b.latency.get(key, []) if b else []
            r = ratio(statistics.median(bv), statistics.median(ov)) if ov and bv else "-"
            print(f"| {label} | {o.n} | {spread(ov)} | {spread(bv) if b else '-'} | {r} |")


def print_stand(ours: StandRun, naive: StandRun | None) -> None:
    print(f"\n## 3. One enrolled person standing {ours.scene_seconds:.0f} s in front of an entrance camera\n")
    print("| | ours (EntranceAnalyzer) | naive (identify every analysed frame) | ratio |")
    print("|---|---:|---:|---:|")
    rows: list[tuple[str, Callable[[StandRun], str], Callable[[StandRun], float] | None]] = [
        ("clip played", lambda r: f"{r.scene_seconds:.0f} s at speed {r.speed:g} ({r.wall:.0f} s wall)", None),
        ("frames analysed", lambda r: f"{r.analysed}", None),
        ("identify calls", lambda r: f"{r.calls}", lambda r: r.calls),
        ("CPU in those calls (identify + punch)", lambda r: f"{r.identify_cpu:.1f} s", lambda r: r.identify_cpu),
        ("process CPU (decode, detector, everything)", lambda r: f"{r.process_cpu:.1f} s", lambda r: r.process_cpu),
        ("access-log rows written", lambda r: f"{r.access_rows}", lambda r: r.access_rows),
        ("outcomes", lambda r: ", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items())), None),
    ]  # fmt: skip
    for label, show, value in rows:
        cell = show(naive) if naive else "-"
        r = ratio(value(naive), value(ours)) if naive and value else ""
        print(f"| {label} | {show(ours)} | {cell} | {r} |")


def print_payloads(p: Payloads) -> None:
    print("\n## 4. What a worker sends (JSON as it waits in the outbox) and the CPU each side spends\n")
    print("| per | ours | naive: every analysed frame in view, 720p JPEG q80, base64 | ratio |")
    print("|---|---:|---:|---:|")

    def kb(values: Sequence[int]) -> str:
        if not values:
            return "-"
        return f"{statistics.median(values) / 1000:.0f} KB ({min(values) / 1000:.0f}-{max(values) / 1000:.0f})"

    crops = statistics.median(p.face_crops) if p.face_crops else 0
    print(
        f"| person at an entrance (face-track event, {crops:.0f} crops) | {kb(p.face_events)} | {kb(p.naive_face)} "
        f"| {ratio(statistics.median(p.naive_face), statistics.median(p.face_events)) if p.face_events else '-'} |"
    )
    print(
        f"| vehicle pass (plate text + snapshot; {p.gate_correct}) | {kb(p.gate_events)} | {kb(p.naive_gate)} | "
        f"{ratio(statistics.median(p.naive_gate), statistics.median(p.gate_events)) if p.gate_events else '-'} |"
    )
    print("\n| CPU of one | median ms (min-max, n) |")
    print("|---|---:|")
    for label, values in (("identify of a face-track crop, on the API", p.identify_ms),
                          ("plate read (read_vehicle) on the worker", p.ocr_ms)):  # fmt: skip
        if values:
            print(
                f"| {label} | {statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f}, n={len(values)}) |"
            )


# --- main -------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 s windows, at most 4 cameras, a 20 s stand")
    parser.add_argument("--seconds", type=float, default=20, help="measurement window per camera count (20)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds after every camera's first analysis (3)")
    parser.add_argument("--max-cameras", type=int, default=32, help="stop doubling here (32)")
    parser.add_argument("--roles", default=",".join(ROLES), help="roles to sweep (zone,gate,entrance)")
    parser.add_argument("--no-refine", dest="refine", action="store_false", help="no midpoint run after the sweep")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baselines")
    parser.add_argument("--stand", type=float, default=60, help="seconds of scene time the person stands (60)")
    parser.add_argument("--speed", type=float, default=4, help="ours' playback speed for the stand (4)")
    parser.add_argument("--gate-passes", type=int, default=3, help="gate passes fed for the payloads (3)")
    parser.add_argument("--skip", default="", help="parts to skip, comma-separated: capacity,stand,payloads")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.warmup, args.max_cameras, args.stand, args.refine = 8, 3, 4, 20, False
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still closes the runtimes, removes the temp dir
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    if not (FACES / "lfw100").is_dir():
        print(f"needs the LFW photos in {FACES} (../shared, or set FACTORYAI_SHARED_DIR)", file=sys.stderr)
        return 2
    warnings = WarningCounter()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("factoryai").addHandler(warnings)
    logging.getLogger("factoryai").setLevel(logging.WARNING)
    print(f"cores: {os.cpu_count()}, OpenCV {cv2.__version__}, numpy {np.__version__}, load average before: "
          f"{os.getloadavg()[0]:.2f}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)  # fmt: skip
    started = time.monotonic()
    results: dict[str, dict[bool, list[RoleRun]]] = {}
    stand_runs: tuple[StandRun, StandRun | None] | None = None
    payload: Payloads | None = None
    with tempfile.TemporaryDirectory(prefix="factoryai-bench-pipeline-") as tmp:
        bench = Bench(Path(tmp))
        try:
            print("enrolling 3 people, writing the entrance clips", flush=True)
            bench.enrol()
            bench.entrance_clips()
            if "capacity" not in skip:
                print(f"1-2. cameras per box: {args.seconds:g} s windows after {args.warmup:g} s", flush=True)
                for role in roles:
                    ours = sweep(bench, role, False, args, None)
                    results[role] = {False: ours}
                    if not args.no_naive:  # up to the most cameras ours kept up with
                        kept = best(ours)
                        results[role][True] = sweep(bench, role, True, args, kept.n if kept else 1)
            if "stand" not in skip:
                print(f"3. one person standing {args.stand:g} s", flush=True)
                frames = int(args.stand * FPS)
                clip = bench.tmp / "stand.mp4"
                bench.write_clip(clip, [(bench.frame_of(bench.people[0]), frames)])
                ours_stand = stand(bench, clip, frames, naive=False, speed=args.speed)
                naive_stand = None if args.no_naive else stand(bench, clip, frames, naive=True, speed=1)
                stand_runs = (ours_stand, naive_stand)
            if "payloads" not in skip:
                print("4. worker payloads", flush=True)
                payload = payloads(bench, args.gate_passes)
        finally:
            bench.close()
        leftover = [t.name for t in threading.enumerate() if t.name.startswith(("capture-", "analysis-", "encode"))]
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; {(time.monotonic() - started) / 60:.1f} minutes; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")  # fmt: skip
    busy = [r for v in results.values() for runs in v.values() for r in runs if r.others > BUSY_OTHERS]
    if busy:
        print(
            f"WARNING: other processes used more than {BUSY_OTHERS} cores in {len(busy)} windows (up to "
            f"{max(r.others for r in busy):.2f}): those figures say more about the machine than the code"
        )
    if results:
        print_capacity(results)
        print_role_details(results)
        print_latency(results)
    if stand_runs:
        print_stand(*stand_runs)
    if payload:
        print_payloads(payload)
    if warnings.counts:
        print("\nwarnings logged by the pipeline (count, first message):")
        for key, count in warnings.counts.most_common(10):
            print(f"  {count:5d}  {warnings.examples[key]}")
    if leftover:
        print(f"\nthreads still running after the runtimes closed: {', '.join(leftover)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
