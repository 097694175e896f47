"""1:N face search for the local engine: pure numpy, no dlib.

Each employee is one template, the mean of the descriptors of their enrolled photos. Measured on LFW
(bench/face_accuracy.py, 100 people, 3 photos each): at the calibrated threshold/margin the mean template accepts
90 % of the right people where the nearest single photo accepts 82 %, with under 1 % of strangers matched by either
(about equal only when strangers are held near 0.5 %), and the search costs one row per employee, not per photo.

A query matches its nearest employee only when both hold:
- the Euclidean distance to that template is at most ``threshold``;
- the second-nearest employee is at least ``margin`` further away (skipped when only one employee is enrolled):
  a face about as close to two people is not evidence for either.

Similarity (0-100, for people and logs) is ``100 * (1 - distance)`` clipped to 0..100: monotonic, 100 for an
identical descriptor, 0 at distance 1 or more (dlib's descriptors of different people are mostly 0.6-1.0 apart).

A face that matches nobody still has a nearest employee: `verdicts` reports it as a NearMiss (its similarity, and
whether it was too far or too close to a second employee) for HR to weigh when assigning the face. It is computed
from the same ranking after the rule has decided, so it never turns an unknown face into a match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from factoryai.identity.engines.base import Gallery, Match, NearMiss

DESCRIPTOR_SIZE = 128


def similarity(distance: float | np.ndarray) -> float | np.ndarray:
    """Distance -> 0..100 score, see the module docstring."""
    return np.clip(100.0 * (1.0 - np.asarray(distance, dtype=np.float64)), 0.0, 100.0)


@dataclass(frozen=True, slots=True)
class Ranking:
    """The two nearest employees of each query. ``second_distance`` is +inf where fewer than two are enrolled."""

    employee_ids: np.ndarray  # int64 (m,), the nearest employee; -1 where the gallery is empty
    distances: np.ndarray  # float64 (m,), +inf where the gallery is empty
    second_distances: np.ndarray  # float64 (m,)

    def accepted(self, threshold: float, margin: float) -> np.ndarray:
        """Boolean (m,): which queries match their nearest employee under the rule above."""
        with np.errstate(invalid="ignore"):  # inf - inf for an empty gallery: NaN, which compares False
            return (self.distances <= threshold) & (self.second_distances - self.distances >= margin)


def _templates(gallery: Gallery) -> tuple[np.ndarray, np.ndarray]:
    ids = np.asarray(gallery.employee_ids, dtype=np.int64).reshape(-1)
    descriptors = np.asarray(gallery.descriptors, dtype=np.float64).reshape(-1, DESCRIPTOR_SIZE)
    if ids.shape[0] != descriptors.shape[0]:
        raise ValueError(f"gallery has {ids.shape[0]} employee ids but {descriptors.shape[0]} descriptors")
    if ids.shape[0] == 0:
        return ids, descriptors
    order = np.argsort(ids, kind="stable")
    ids, descriptors = ids[order], descriptors[order]
    employees, starts, counts = np.unique(ids, return_index=True, return_counts=True)
    return employees, np.add.reduceat(descriptors, starts, axis=0) / counts[:, None]


class FaceIndex:
    """Per-employee templates built once from a Gallery; search it many times (it is read-only, thread-safe)."""

    def __init__(self, gallery: Gallery, *, threshold: float, margin: float) -> None:
        self.threshold = threshold
        self.margin = margin
        self.employee_ids, self.templates = _templates(gallery)
        # float32 copy for the BLAS product that ranks candidates; the chosen two are re-measured in float64.
        self._templates32 = self.templates.astype(np.float32)
        self._sq_norms32 = np.einsum("ij,ij->i", self._templates32, self._templates32)

    def __len__(self) -> int:
        return int(self.employee_ids.shape[0])

    def rank(self, queries: np.ndarray) -> Ranking:
        """The nearest and second-nearest employee of each query row (queries: (m, 128) or (128,))."""
        q = np.asarray(queries, dtype=np.float64).reshape(-1, DESCRIPTOR_SIZE)
        m, n = q.shape[0], len(self)
        if n == 0:
            inf = np.full(m, np.inf)
            return Ranking(np.full(m, -1, dtype=np.int64), inf, inf.copy())
        # |t - q|^2 = |t|^2 - 2 t.q + |q|^2; |q|^2 is the same for every row, so it is left out of the ranking.
        partial = self._sq_norms32[None, :] - 2.0 * (q.astype(np.float32) @ self._templates32.T)
        top = np.zeros((m, 1), dtype=np.int64) if n == 1 else np.argpartition(partial, 1, axis=1)[:, :2]
        exact = np.linalg.norm(self.templates[top] - q[:, None, :], axis=2)  # (m, 1 or 2), float64
        order = np.argsort(exact, axis=1)
        top = np.take_along_axis(top, order, axis=1)
        exact = np.take_along_axis(exact, order, axis=1)
        second = exact[:, 1] if n > 1 else np.full(m, np.inf)
        return Ranking(self.employee_ids[top[:, 0]], exact[:, 0], second)

    def verdicts(self, queries: np.ndarray) -> list[tuple[Match | None, NearMiss | None]]:
        """Per query row: its Match, or None and the NearMiss of an unknown face (None too if nobody is enrolled)."""
        ranking = self.rank(queries)
        accepted = ranking.accepted(self.threshold, self.margin)
        close_enough = ranking.distances <= self.threshold
        scores = similarity(ranking.distances)
        out: list[tuple[Match | None, NearMiss | None]] = []
        for i, ok in enumerate(accepted):
            employee_id, score = int(ranking.employee_ids[i]), round(float(scores[i]), 2)
            if ok:
                out.append((Match(employee_id=employee_id, similarity=score), None))
            elif employee_id < 0:  # empty gallery
                out.append((None, None))
            else:
                reason = "ambiguous" if close_enough[i] else "below_threshold"
                out.append((None, NearMiss(employee_id=employee_id, similarity=score, reason=reason)))
        return out

    def search_many(self, queries: np.ndarray) -> list[Match | None]:
        return [match for match, _ in self.verdicts(queries)]

    def search(self, query: np.ndarray) -> Match | None:
        """The matched employee of one (128,) descriptor, or None for an unknown face."""
        return self.search_many(query)[0]
