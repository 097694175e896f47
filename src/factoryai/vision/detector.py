"""YOLOX object detector on onnxruntime (COCO classes; the people and vehicles the cameras care about).

Pre/post-processing of Megvii's official ONNX export (../shared/models/README.md): letterbox to the top-left of a
416x416 canvas filled with 114, BGR 0..255 unnormalised; the output rows are undecoded grid offsets and log sizes
per stride (8, 16, 32), objectness and class scores already sigmoided; score = obj * cls, class-aware NMS.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

COCO_LABELS = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant",
    "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard",
    "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
    "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli",
    "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet",
    "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
    "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
)  # fmt: skip
# Shipped in the package (Apache-2.0, models/README.md): a detector works out of the box, with no download.
DEFAULT_MODEL = Path(__file__).parent / "models" / "yolox_nano.onnx"
PERSON = 0
VEHICLE_CLASSES = frozenset({2, 3, 5, 7})  # car, motorcycle, bus, truck
STRIDES = (8, 16, 32)
PAD_VALUE = 114


@dataclass(frozen=True)
class Detection:
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in frame pixels, clipped to the frame
    class_id: int
    label: str
    score: float


class Detector:
    """One YOLOX ONNX model; thread-safe (onnxruntime sessions may be run concurrently), loaded on first use."""

    def __init__(
        self,
        model_path: str | Path,
        *,
        input_size: int = 416,
        score_threshold: float = 0.3,
        nms_threshold: float = 0.45,
        threads: int = 1,
    ) -> None:
        self.model_path = Path(model_path)
        self.input_size = input_size
        self.score_threshold = score_threshold
        self.nms_threshold = nms_threshold
        self.threads = threads  # one intra-op thread measured faster than two on a 2-core box
        self._session: Any = None
        self._lock = threading.Lock()
        self._grid, self._stride = _grids(input_size)

    def _load(self) -> Any:
        with self._lock:
            if self._session is None:
                if not self.model_path.is_file():
                    raise FileNotFoundError(f"detector model not found: {self.model_path} (video.detector_model_path)")
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                self._session = ort.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])
            return self._session

    def warm_up(self) -> None:
        """Load the model now (it otherwise loads on the first frame)."""
        self._load()

    def detect(self, frame_bgr: np.ndarray, classes: frozenset[int] | None = None) -> list[Detection]:
        """Objects in a BGR frame, best first; ``classes`` keeps only those COCO ids."""
        session = self._load()
        h, w = frame_bgr.shape[:2]
        if h == 0 or w == 0:
            return []
        tensor, ratio = _letterbox(frame_bgr, self.input_size)
        out = session.run(None, {session.get_inputs()[0].name: tensor})[0][0]
        xy = (out[:, :2] + self._grid) * self._stride
        wh = np.exp(out[:, 2:4]) * self._stride
        scores_all = out[:, 4:5] * out[:, 5:]
        class_ids = scores_all.argmax(1)
        scores = scores_all[np.arange(len(class_ids)), class_ids]
        keep = scores >= self.score_threshold
        if classes is not None:
            keep &= np.isin(class_ids, list(classes))
        if not keep.any():
            return []
        xy, wh, scores, class_ids = xy[keep] / ratio, wh[keep] / ratio, scores[keep], class_ids[keep]
        boxes = np.concatenate([xy - wh / 2, xy + wh / 2], axis=1)
        boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, w)
        boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, h)
        xywh = np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], axis=1)
        kept = cv2.dnn.NMSBoxesBatched(
            xywh.tolist(), scores.tolist(), class_ids.tolist(), self.score_threshold, self.nms_threshold
        )
        order = sorted(np.asarray(kept, dtype=int).reshape(-1), key=lambda i: -scores[i])
        return [
            Detection(
                box=tuple(float(v) for v in boxes[i]),
                class_id=int(class_ids[i]),
                label=COCO_LABELS[class_ids[i]],
                score=float(scores[i]),
            )
            for i in order
        ]

    def vehicles(self, frame_bgr: np.ndarray) -> list[Detection]:
        """Cars, motorcycles, buses and trucks."""
        return self.detect(frame_bgr, VEHICLE_CLASSES)

    def people(self, frame_bgr: np.ndarray) -> list[Detection]:
        return self.detect(frame_bgr, frozenset({PERSON}))


def _letterbox(frame: np.ndarray, size: int) -> tuple[np.ndarray, float]:
    """Resize into the top-left corner of a size x size canvas of 114, as YOLOX was trained; NCHW float32."""
    h, w = frame.shape[:2]
    ratio = min(size / h, size / w)
    # max(1, ...): a very thin frame must not scale to zero pixels (cv2 would raise)
    resized = cv2.resize(frame, (max(1, int(w * ratio)), max(1, int(h * ratio))), interpolation=cv2.INTER_LINEAR)
    canvas = np.full((size, size, 3), PAD_VALUE, dtype=np.uint8)
    canvas[: resized.shape[0], : resized.shape[1]] = resized
    return np.ascontiguousarray(canvas.transpose(2, 0, 1)[None], dtype=np.float32), ratio


def _grids(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell offsets and strides of every output row, in the export's order (stride 8 first, row-major)."""
    grids, strides = [], []
    for stride in STRIDES:
        n = size // stride
        ys, xs = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        grids.append(np.stack([xs, ys], axis=-1).reshape(-1, 2))
        strides.append(np.full((n * n, 1), stride))
    return np.concatenate(grids).astype(np.float32), np.concatenate(strides).astype(np.float32)
