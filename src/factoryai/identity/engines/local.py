"""The offline face engine: dlib's HOG detector, 5-point landmarks and 128-d ResNet descriptor.

Only the 5-point landmark model is ever loaded: the 68-point one is not licensed for commercial use.

Where it runs: dlib holds Python's GIL for a whole recognition (measured here: 0.2 s per identify, and another
thread of the process stalled for up to 0.25 s meanwhile), so in the server's own process every face would freeze
the other requests and the live streams for that long. The work therefore runs in ``processes`` child processes
(identity.local_processes, spawned on first use, the models loaded once in each), and only the numpy search of the
gallery stays here; 0 keeps it in-process (scripts, benchmarks).

Detection scale: HOG's smallest face is about 80 px at upsample 0. Instead of dlib's 2x upsample (4x the pixels),
each frame is resized by ``80 / min_face_px`` (a downscale when min_face_px > 80, which saves time) and the boxes
are mapped back. HOG's time grows with the pixels it scans (about 70 ms per megapixel on one core here), so the
scaled image is further bounded to ``max_detect_megapixels``: a 40 MP photo is detected in a 4 MP copy (0.3 s, not
3-4 s), where its faces are still far above 80 px; camera frames up to that size are not touched. Descriptors are
computed on the original image, so a downscaled detection loses no detail.
"""

from __future__ import annotations

import math
import multiprocessing
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from factoryai.identity.engines.base import Box, Enrollment, FaceEngineError, FaceImageError, FaceResult, Gallery
from factoryai.identity.matching import FaceIndex
from factoryai.vision.images import ImageError, decode_image

if TYPE_CHECKING:
    from factoryai.core.config import IdentitySettings

HOG_MIN_FACE_PX = 80
INDEX_CACHE_SIZE = 4  # galleries kept indexed (a few engines' callers may alternate between them)
CHILD_TIMEOUT_SECONDS = 60.0  # a recognition takes well under a second; longer means a stuck child


@dataclass(frozen=True, slots=True)
class _Models:
    detector: Any
    shape_predictor: Any
    recognizer: Any


_models: _Models | None = None
_models_lock = threading.Lock()
# dlib's detector and network keep scratch state per call: concurrent use of one instance is not safe.
_detect_lock = threading.Lock()
_describe_lock = threading.Lock()


def _load_models() -> _Models:
    """Loads the models once per process (about 0.5 s), on first use rather than at import."""
    global _models
    if _models is None:
        with _models_lock:
            if _models is None:
                import dlib
                import face_recognition_models

                _models = _Models(
                    detector=dlib.get_frontal_face_detector(),
                    shape_predictor=dlib.shape_predictor(
                        face_recognition_models.pose_predictor_five_point_model_location()
                    ),
                    recognizer=dlib.face_recognition_model_v1(
                        face_recognition_models.face_recognition_model_location()
                    ),
                )
    return _models


_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
_child_engines: dict[tuple[tuple[str, float], ...], LocalFaceEngine] = {}  # in a child: one engine per parameters


def _processes(size: int) -> ProcessPoolExecutor:
    """The process-wide pool of dlib processes (every engine of the process shares it, as they share the models)."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < size:
            if _pool is not None:
                _pool.shutdown(wait=False)
            # spawn, not fork: the parent runs threads (a forked child could inherit a held lock)
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(size, mp_context=context, initializer=_load_models)
            _pool_size = size
        return _pool


def _forget_pool(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def _in_child(params: dict[str, float], method: str, image: bytes) -> object:
    key = tuple(sorted(params.items()))
    engine = _child_engines.get(key)
    if engine is None:
        engine = _child_engines[key] = LocalFaceEngine(**params, processes=0)  # type: ignore[arg-type]
    return getattr(engine, method)(image)


def _decode(image: bytes) -> np.ndarray:
    """RGB pixels (dlib's order); an unusable image is a FaceImageError, like every other refusal of an engine."""
    try:
        return decode_image(image, rgb=True)
    except ImageError as exc:
        raise FaceImageError(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class DetectedFace:
    box: Box  # clipped to the image
    rect: tuple[int, int, int, int]  # left, top, right, bottom in original pixels, unclipped (for the landmarks)
    confidence: float

    @property
    def width(self) -> int:
        return self.rect[2] - self.rect[0]


def _clip_box(rect: tuple[int, int, int, int], width: int, height: int) -> Box:
    left, top = max(rect[0], 0), max(rect[1], 0)
    right, bottom = min(rect[2], width), min(rect[3], height)
    return Box(left=left, top=top, width=max(right - left, 0), height=max(bottom - top, 0))


class LocalFaceEngine:
    name = "local"

    def __init__(
        self,
        *,
        min_face_px: int = 80,
        enroll_min_face_px: int = 80,
        match_threshold: float = 0.47,  # calibrated on LFW by bench/face_accuracy.py
        match_margin: float = 0.08,
        max_detect_megapixels: float = 4.0,
        processes: int = 0,
    ) -> None:
        self.processes = processes  # 0: dlib runs in this process
        self._params = {
            "min_face_px": min_face_px,
            "enroll_min_face_px": enroll_min_face_px,
            "max_detect_megapixels": max_detect_megapixels,
        }
        self.min_face_px = min_face_px
        self.max_detect_pixels = max_detect_megapixels * 1_000_000
        self.enroll_min_face_px = enroll_min_face_px
        self.match_threshold = match_threshold
        self.match_margin = match_margin
        # identify() is called per frame with the same Gallery until enrolments change: build its index once.
        # Gallery is an unhashable dataclass, so entries are keyed by id() and hold the gallery (the id stays unique).
        self._indexes: OrderedDict[int, tuple[Gallery, np.ndarray, np.ndarray, FaceIndex]] = OrderedDict()
        self._indexes_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: IdentitySettings) -> LocalFaceEngine:
        return cls(
            min_face_px=settings.min_face_px,
            enroll_min_face_px=settings.enroll_min_face_px,
            match_threshold=settings.match_threshold,
            match_margin=settings.match_margin,
            max_detect_megapixels=settings.max_detect_megapixels,
            processes=settings.local_processes,
        )

    def _run(self, method: str, image: bytes) -> Any:
        """``method`` on the image, in a dlib process (or here, with processes=0); its FaceImageError comes back as
        such, a dead or stuck process is a FaceEngineError (the pending-recognition retry takes it from there)."""
        if self.processes <= 0:
            return getattr(self, method)(image)
        pool = _processes(self.processes)
        try:
            return pool.submit(_in_child, self._params, method, image).result(timeout=CHILD_TIMEOUT_SECONDS)
        except BrokenProcessPool as exc:
            _forget_pool(pool)  # the next call starts fresh processes
            raise FaceEngineError("the face recognition process died; it is restarted for the next face") from exc
        except FutureTimeout as exc:
            _forget_pool(pool)
            raise FaceEngineError(f"face recognition took over {CHILD_TIMEOUT_SECONDS:.0f} s") from exc

    # --- building blocks (public for the benchmarks) ------------------------------------------------------------

    def detection_scale(self, width: int, height: int, min_face_px: int) -> float:
        """The factor an image is resized by for detection: ``min_face_px`` becomes HOG's 80 px, unless that makes
        more than ``max_detect_megapixels``; then the image is reduced to that size (faces must be larger)."""
        return min(HOG_MIN_FACE_PX / min_face_px, math.sqrt(self.max_detect_pixels / (width * height)))

    def find_faces(self, rgb: np.ndarray, min_face_px: int) -> list[DetectedFace]:
        """Faces of an RGB image, detected at `detection_scale`; boxes in the image's own pixels."""
        models = _load_models()
        height, width = rgb.shape[:2]
        scale = self.detection_scale(width, height, min_face_px)
        scaled = rgb
        if scale != 1.0:
            size = (max(round(width * scale), 1), max(round(height * scale), 1))
            interpolation = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR
            scaled = cv2.resize(rgb, size, interpolation=interpolation)
        with _detect_lock:
            rects, scores, _ = models.detector.run(scaled, 0, 0.0)
        faces = []
        for r, score in zip(rects, scores, strict=True):
            rect = (
                round(r.left() / scale),
                round(r.top() / scale),
                round((r.right() + 1) / scale),
                round((r.bottom() + 1) / scale),
            )
            faces.append(DetectedFace(box=_clip_box(rect, width, height), rect=rect, confidence=float(score)))
        return faces

    def descriptors(self, rgb: np.ndarray, faces: list[DetectedFace]) -> np.ndarray:
        """float32 (len(faces), 128): one descriptor per face, from the original-resolution image."""
        if not faces:
            return np.empty((0, 128), dtype=np.float32)
        import dlib

        models = _load_models()
        shapes = dlib.full_object_detections()
        for face in faces:
            # dlib's rectangle is inclusive of right/bottom.
            rect = dlib.rectangle(face.rect[0], face.rect[1], face.rect[2] - 1, face.rect[3] - 1)
            shapes.append(models.shape_predictor(rgb, rect))
        with _describe_lock:
            vectors = models.recognizer.compute_face_descriptor(rgb, shapes)
        return np.asarray([np.asarray(v) for v in vectors], dtype=np.float32)

    def describe(self, image: bytes, *, largest_only: bool = False) -> tuple[list[DetectedFace], np.ndarray]:
        """Faces found at the ``min_face_px`` scale and their descriptors (only the widest face, if asked)."""
        faces, descriptors = self._run("_describe_here", image)
        if largest_only and faces:
            widest = max(range(len(faces)), key=lambda i: faces[i].width)
            return [faces[widest]], descriptors[widest : widest + 1]
        return faces, descriptors

    def _describe_here(self, image: bytes) -> tuple[list[DetectedFace], np.ndarray]:
        rgb = _decode(image)
        faces = self.find_faces(rgb, self.min_face_px)
        return faces, self.descriptors(rgb, faces)

    def index(self, gallery: Gallery) -> FaceIndex:
        """The search index of a gallery, built once per Gallery object (and its arrays: replacing one rebuilds it).

        Arrays changed in place are not noticed: the service hands over a new Gallery when enrolments change.
        """
        key = id(gallery)
        with self._indexes_lock:
            entry = self._indexes.get(key)
            if entry and entry[1] is gallery.employee_ids and entry[2] is gallery.descriptors:
                self._indexes.move_to_end(key)
                return entry[3]
            index = FaceIndex(gallery, threshold=self.match_threshold, margin=self.match_margin)
            self._indexes[key] = (gallery, gallery.employee_ids, gallery.descriptors, index)
            while len(self._indexes) > INDEX_CACHE_SIZE:
                self._indexes.popitem(last=False)
            return index

    # --- FaceEngine ------------------------------------------------------------------------------------------------

    def detect(self, image: bytes) -> list[Box]:
        return self._run("_detect_here", image)

    def _detect_here(self, image: bytes) -> list[Box]:
        return [face.box for face in self.find_faces(_decode(image), self.min_face_px)]

    def enroll(self, employee_id: int, image: bytes) -> Enrollment:
        """Enrols the one face at least ``enroll_min_face_px`` wide; smaller faces in the background are ignored."""
        return self._run("_enroll_here", image)

    def _enroll_here(self, image: bytes) -> Enrollment:
        rgb = _decode(image)
        found = self.find_faces(rgb, self.enroll_min_face_px)
        faces = [f for f in found if f.width >= self.enroll_min_face_px]
        need = f"an enrolment photo must hold exactly one face at least {self.enroll_min_face_px} px wide"
        if not found:
            raise FaceImageError(f"no face found: {need}")
        if not faces:
            widest = max(f.width for f in found)
            raise FaceImageError(f"the face is too small ({widest} px wide): {need}")
        if len(faces) > 1:
            raise FaceImageError(f"{len(faces)} faces found: {need}")
        descriptor = self.descriptors(rgb, faces)[0]
        return Enrollment(box=faces[0].box, descriptor=descriptor)

    def identify(self, image: bytes, gallery: Gallery) -> list[FaceResult]:
        faces, descriptors = self.describe(image)
        if not faces:
            return []
        verdicts = self.index(gallery).verdicts(descriptors)
        return [
            FaceResult(box=face.box, match=match, detection_confidence=face.confidence, nearest=nearest)
            for face, (match, nearest) in zip(faces, verdicts, strict=True)
        ]

    def remove(self, employee_id: int, external_face_ids: list[str]) -> None:
        """Nothing to do: the local engine keeps no faces outside the database."""

    def close(self) -> None:
        """Nothing to release: the dlib models are read-only and shared by the process (see _load_models)."""
