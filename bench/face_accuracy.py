"""Local face engine accuracy on real photos: who is recognised, who is taken for someone else, which strangers match.

    .venv/bin/python bench/face_accuracy.py                 # ~4 minutes on 2 cores the first time, then seconds
    .venv/bin/python bench/face_accuracy.py --threshold 0.45 --margin 0.05

Data (../shared/data/faces, see its README): ``lfw100`` (100 people, 5-10 photos each) and ``lfw_visitors``
(1,000 other people, one photo each).

1. Enrols the first 3 photos of each person (natural order of the names: 1, 2, 3.jpg) through
   ``LocalFaceEngine.enroll`` itself, so its rule applies: exactly one face at least ``enroll_min_face_px`` wide.
   Rejected photos are counted and listed; their person is enrolled from the photos that passed.
2. Queries every other photo of those people and every visitor photo: the widest face found by the identify
   path (``min_face_px`` scale), as identify() would report it for a one-person frame.
3. Scores the queries at the given threshold/margin and over a sweep, for two templates:
   ``mean`` (what matching.FaceIndex does: the mean descriptor of an employee's photos) and ``nearest``
   (distance to the closest single enrolled photo), the naive baseline of the same data.
4. Scores the same queries with only the first 1 or 2 of each person's enrolled photos: the figures behind the
   enrolment answer's advice to enrol 3-5 photos.

Descriptors are cached in ``--cache`` (keyed by the engine's detection settings), so a sweep costs seconds.
Rates: correct/wrong/unknown over all lfw100 query photos (no-face counts as unknown and is shown apart);
visitors matched over visitor photos with a face.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from factoryai.identity.engines.base import FaceImageError, Gallery
from factoryai.identity.engines.local import LocalFaceEngine
from factoryai.identity.matching import FaceIndex, Ranking

BENCH_DIR = Path(__file__).resolve().parent
SHARED_DIR = Path(os.environ.get("FACTORYAI_SHARED_DIR", BENCH_DIR.parents[1] / "shared"))
DEFAULT_FACES = SHARED_DIR / "data" / "faces"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "factoryai-bench" / "face_descriptors.npz"
ENROLL_PHOTOS = 3
THRESHOLDS = (0.40, 0.42, 0.44, 0.45, 0.46, 0.47, 0.48, 0.50, 0.55, 0.60)
MARGINS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12)
GOAL_CORRECT, GOAL_WRONG, GOAL_VISITORS = 85.0, 0.0, 1.0


def _photos(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.jpg"), key=lambda p: (len(p.stem), p.stem))


@dataclass
class Descriptors:
    enrol_ids: np.ndarray  # int64, person index per enrolled photo
    enrol: np.ndarray  # float32 (n, 128)
    rejected: list[str]  # "person/photo: reason"
    query_ids: np.ndarray  # int64 per lfw100 query photo
    query: np.ndarray  # float32 (q, 128); NaN rows where no face was found
    visitors: np.ndarray  # float32 (v, 128); NaN rows where no face was found
    query_names: list[str]


def _largest(engine: LocalFaceEngine, path: Path) -> np.ndarray:
    _, descriptors = engine.describe(path.read_bytes(), largest_only=True)
    return descriptors[0] if len(descriptors) else np.full(128, np.nan, dtype=np.float32)


def compute(faces: Path, engine: LocalFaceEngine) -> Descriptors:
    people = sorted(p for p in (faces / "lfw100").iterdir() if p.is_dir())
    enrol_ids, enrol, rejected, query_ids, query, names = [], [], [], [], [], []
    started = time.perf_counter()
    for person_id, person in enumerate(people):
        photos = _photos(person)
        for photo in photos[:ENROLL_PHOTOS]:
            try:
                enrol.append(engine.enroll(person_id, photo.read_bytes()).descriptor)
                enrol_ids.append(person_id)
            except FaceImageError as exc:
                rejected.append(f"{person.name}/{photo.name}: {exc}")
        for photo in photos[ENROLL_PHOTOS:]:
            query.append(_largest(engine, photo))
            query_ids.append(person_id)
            names.append(f"{person.name}/{photo.name}")
        if person_id % 20 == 19:
            print(f"  lfw100: {person_id + 1} people, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    visitors = []
    for i, person in enumerate(sorted(p for p in (faces / "lfw_visitors").iterdir() if p.is_dir())):
        visitors.extend(_largest(engine, photo) for photo in _photos(person))
        if i % 250 == 249:
            print(f"  visitors: {i + 1}, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return Descriptors(
        enrol_ids=np.asarray(enrol_ids, dtype=np.int64),
        enrol=np.asarray(enrol, dtype=np.float32),
        rejected=rejected,
        query_ids=np.asarray(query_ids, dtype=np.int64),
        query=np.asarray(query, dtype=np.float32),
        visitors=np.asarray(visitors, dtype=np.float32),
        query_names=names,
    )


def load_or_compute(faces: Path, cache: Path, engine: LocalFaceEngine, recompute: bool) -> Descriptors:
    key = json.dumps({"faces": str(faces), "min": engine.min_face_px, "enrol_min": engine.enroll_min_face_px})
    if cache.exists() and not recompute:
        data = np.load(cache, allow_pickle=False)
        if str(data["key"]) == key:
            meta = json.loads(str(data["meta"]))
            fields = ("enrol_ids", "enrol", "query_ids", "query", "visitors")
            return Descriptors(**{f: data[f] for f in fields}, rejected=meta["rejected"], query_names=meta["names"])
    print(f"computing descriptors (cache {cache})", file=sys.stderr)
    d = compute(faces, engine)
    cache.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({"rejected": d.rejected, "names": d.query_names})
    arrays = {"enrol_ids": d.enrol_ids, "enrol": d.enrol, "query_ids": d.query_ids, "query": d.query}
    np.savez(cache, key=key, meta=meta, visitors=d.visitors, **arrays)
    return d


def nearest_photo_ranking(gallery: Gallery, queries: np.ndarray) -> Ranking:
    """Baseline template: an employee's distance is that of their closest enrolled photo."""
    ids = gallery.employee_ids
    order = np.argsort(ids, kind="stable")
    ids, photos = ids[order], gallery.descriptors[order].astype(np.float64)
    employees, starts = np.unique(ids, return_index=True)
    dist = np.linalg.norm(queries[:, None, :].astype(np.float64) - photos[None, :, :], axis=2)
    per_employee = np.minimum.reduceat(dist, starts, axis=1)
    top = np.argsort(per_employee, axis=1)[:, :2]
    best = np.take_along_axis(per_employee, top, axis=1)
    return Ranking(employees[top[:, 0]], best[:, 0], best[:, 1])


@dataclass
class Score:
    correct: float
    wrong: float
    unknown: float
    visitors: float

    def meets_goal(self) -> bool:
        return self.correct >= GOAL_CORRECT and self.wrong <= GOAL_WRONG and self.visitors <= GOAL_VISITORS


class Evaluation:
    """Rankings computed once per template; each (threshold, margin) is then a few vector comparisons."""

    def __init__(self, d: Descriptors, template: str) -> None:
        gallery = Gallery(employee_ids=d.enrol_ids, descriptors=d.enrol)
        self.found = ~np.isnan(d.query).any(axis=1)
        self.visitor_found = ~np.isnan(d.visitors).any(axis=1)
        queries, visitors = d.query[self.found], d.visitors[self.visitor_found]
        if template == "mean":
            index = FaceIndex(gallery, threshold=0, margin=0)
            self.q, self.v = index.rank(queries), index.rank(visitors)
        else:
            self.q, self.v = nearest_photo_ranking(gallery, queries), nearest_photo_ranking(gallery, visitors)
        self.truth = d.query_ids[self.found]
        self.n_queries = len(d.query)

    def score(self, threshold: float, margin: float) -> Score:
        accepted = self.q.accepted(threshold, margin)
        right = accepted & (self.q.employee_ids == self.truth)
        n = self.n_queries
        return Score(
            correct=100 * right.sum() / n,
            wrong=100 * (accepted & ~right).sum() / n,
            unknown=100 * (n - accepted.sum()) / n,
            visitors=100 * self.v.accepted(threshold, margin).mean(),
        )


def print_report(d: Descriptors, threshold: float, margin: float) -> None:
    mean, nearest = Evaluation(d, "mean"), Evaluation(d, "nearest")
    people = len(np.unique(d.enrol_ids))
    print(f"enrolled: {len(d.enrol)} photos of {people} people; rejected by the one-face rule: {len(d.rejected)}")
    for line in d.rejected:
        print(f"  rejected {line}")
    no_face = [name for name, ok in zip(d.query_names, mean.found, strict=True) if not ok]
    print(f"queries: {len(d.query)} lfw100 photos (no face: {len(no_face)} {no_face}),")
    print(f"         {len(d.visitors)} visitor photos (no face: {int((~mean.visitor_found).sum())})")
    print()
    print(f"at threshold {threshold:.2f}, margin {margin:.2f}:")
    header = f"{'template':<26} | {'correct':>8} | {'wrong person':>12} | {'unknown':>8} | {'visitors matched':>16}"
    print(header)
    print("-" * len(header))
    for name, ev in (("ours (mean of 3 photos)", mean), ("baseline (nearest photo)", nearest)):
        s = ev.score(threshold, margin)
        print(f"{name:<26} | {s.correct:7.1f}% | {s.wrong:11.2f}% | {s.unknown:7.1f}% | {s.visitors:15.2f}%")
    s, n, v = mean.score(threshold, margin), len(d.query), int(mean.visitor_found.sum())
    print(
        f"ours in photos: {round(s.correct * n / 100)} correct, {round(s.wrong * n / 100)} wrong person of {n}; "
        f"{round(s.visitors * v / 100)} of {v} visitors matched"
    )
    ours, base = mean.score(threshold, margin), nearest.score(threshold, margin)
    ratio = f"{ours.correct / base.correct:.2f}x" if base.correct else "n/a"
    print(f"ratio (ours/baseline correct accepts): {ratio}")
    print(f"goal: correct >= {GOAL_CORRECT:.0f} %, wrong {GOAL_WRONG:.0f} %, visitors <= {GOAL_VISITORS:.0f} %")
    print()
    print_photo_counts(d, threshold, margin)
    print("sweep (correct / wrong / visitors %; * meets the goal):")
    print(f"{'thr':>5} {'margin':>6} | {'ours: mean template':<24} | {'baseline: nearest photo':<24}")
    for t in THRESHOLDS:
        for m in MARGINS:
            cells = []
            for ev in (mean, nearest):
                s = ev.score(t, m)
                mark = "*" if s.meets_goal() else " "
                cells.append(f"{s.correct:5.1f} / {s.wrong:4.2f} / {s.visitors:4.1f} {mark}")
            print(f"{t:5.2f} {m:6.2f} | {cells[0]:<24} | {cells[1]:<24}")


def first_photos(d: Descriptors, count: int) -> Descriptors:
    """The same data with only each person's first ``count`` enrolled photos."""
    rank = np.zeros(len(d.enrol_ids), dtype=np.int64)
    for i in range(1, len(rank)):  # enrolment rows are grouped by person, in photo order
        rank[i] = rank[i - 1] + 1 if d.enrol_ids[i] == d.enrol_ids[i - 1] else 0
    keep = rank < count
    return replace(d, enrol_ids=d.enrol_ids[keep], enrol=d.enrol[keep])


def print_photo_counts(d: Descriptors, threshold: float, margin: float) -> None:
    print(f"photos enrolled per person (ours, threshold {threshold:.2f}, margin {margin:.2f}; same queries):")
    print(f"{'photos':>6} | {'correct':>8} | {'wrong person':>12} | {'visitors matched':>16} | people all unknown")
    for count in range(1, ENROLL_PHOTOS + 1):
        ev = Evaluation(first_photos(d, count), "mean")
        s = ev.score(threshold, margin)
        accepted = ev.q.accepted(threshold, margin) & (ev.q.employee_ids == ev.truth)
        people = np.unique(ev.truth)
        none = sum(1 for p in people if not accepted[ev.truth == p].any())
        print(f"{count:>6} | {s.correct:7.1f}% | {s.wrong:11.2f}% | {s.visitors:15.2f}% | {none} of {len(people)}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--recompute", action="store_true", help="ignore the cache")
    parser.add_argument("--threshold", type=float, default=None, help="default: IdentitySettings' default")
    parser.add_argument("--margin", type=float, default=None, help="default: IdentitySettings' default")
    parser.add_argument("--min-face-px", type=int, default=None)
    args = parser.parse_args()

    from factoryai.core.config import IdentitySettings

    defaults = IdentitySettings()
    engine = LocalFaceEngine(
        min_face_px=args.min_face_px or defaults.min_face_px, enroll_min_face_px=defaults.enroll_min_face_px
    )
    threshold = defaults.match_threshold if args.threshold is None else args.threshold
    margin = defaults.match_margin if args.margin is None else args.margin
    d = load_or_compute(args.faces, args.cache, engine, args.recompute)
    print_report(d, threshold, margin)


if __name__ == "__main__":
    main()
