"""The pure 1:N search (identity/matching.py) on synthetic descriptors."""

from __future__ import annotations

import numpy as np
import pytest

from factoryai.identity.engines.base import Gallery, Match
from factoryai.identity.matching import FaceIndex, similarity


def _axis(i: int, length: float = 1.0) -> np.ndarray:
    v = np.zeros(128, dtype=np.float32)
    v[i] = length
    return v


def _gallery(rows: list[tuple[int, np.ndarray]]) -> Gallery:
    return Gallery(
        employee_ids=np.array([r[0] for r in rows], dtype=np.int64),
        descriptors=np.stack([r[1] for r in rows]).astype(np.float32),
    )


def _along(base: np.ndarray, axis: int, distance: float) -> np.ndarray:
    """A query exactly `distance` from `base`, moved along an axis orthogonal to it."""
    return base + _axis(axis, distance)


def test_exact_match_is_similarity_100() -> None:
    index = FaceIndex(_gallery([(7, _axis(0)), (8, _axis(1))]), threshold=0.5, margin=0.05)
    assert index.search(_axis(0)) == Match(employee_id=7, similarity=100.0)


@pytest.mark.parametrize(("distance", "matched"), [(0.5, True), (0.5001, False), (0.25, True)])
def test_threshold_is_inclusive(distance: float, matched: bool) -> None:
    # One employee: the margin rule does not apply, only the threshold.
    index = FaceIndex(_gallery([(1, np.zeros(128, dtype=np.float32))]), threshold=0.5, margin=0.05)
    match = index.search(_axis(3, distance))
    assert (match is not None) is matched
    if match:
        assert match.employee_id == 1
        assert match.similarity == pytest.approx(100 * (1 - distance), abs=0.01)


def test_one_employee_needs_no_margin() -> None:
    index = FaceIndex(_gallery([(5, _axis(0)), (5, _axis(0))]), threshold=0.5, margin=0.9)
    assert index.search(_along(_axis(0), 2, 0.3)) == Match(employee_id=5, similarity=70.0)


def test_margin_rule_rejects_a_face_close_to_two_people() -> None:
    # A at the origin, B 0.8 away; the query half-way: within the threshold of both, closer to neither.
    a, b = np.zeros(128, dtype=np.float32), _axis(0, 0.8)
    query = _axis(0, 0.4)
    gallery = _gallery([(1, a), (2, b)])
    d_a, d_b = float(np.linalg.norm(query - a)), float(np.linalg.norm(query - b))
    assert d_a == pytest.approx(0.4)
    assert d_b == pytest.approx(0.4)
    assert FaceIndex(gallery, threshold=0.5, margin=0.0).search(query) is not None  # a tie passes with no margin
    assert FaceIndex(gallery, threshold=0.5, margin=0.01).search(query) is None

    nearer_a = _axis(0, 0.35)  # 0.35 from A, 0.45 from B: 0.10 apart
    assert FaceIndex(gallery, threshold=0.5, margin=0.1).search(nearer_a) == Match(employee_id=1, similarity=65.0)
    assert FaceIndex(gallery, threshold=0.5, margin=0.1001).search(nearer_a) is None


def test_margin_compares_employees_not_photos() -> None:
    # Two photos of the same employee close together must not block each other through the margin rule.
    gallery = _gallery([(1, _axis(0)), (1, _along(_axis(0), 1, 0.01)), (2, _axis(2))])
    match = FaceIndex(gallery, threshold=0.5, margin=0.2).search(_along(_axis(0), 3, 0.1))
    assert match is not None
    assert match.employee_id == 1


def test_template_is_the_mean_of_an_employees_photos() -> None:
    # Photos at +0.4 and -0.4 along one axis: each is 0.4 from the query, their mean is the query itself.
    photos = [(4, _along(_axis(0), 1, 0.4)), (4, _along(_axis(0), 1, -0.4)), (9, _axis(5))]
    index = FaceIndex(_gallery(photos), threshold=0.3, margin=0.05)
    assert index.employee_ids.tolist() == [4, 9]
    np.testing.assert_allclose(index.templates[0], _axis(0), atol=1e-7)
    assert index.search(_axis(0)) == Match(employee_id=4, similarity=100.0)


def test_empty_gallery_matches_nobody() -> None:
    index = FaceIndex(Gallery(), threshold=0.5, margin=0.05)
    assert len(index) == 0
    assert index.search(_axis(0)) is None
    assert index.search_many(np.stack([_axis(0), _axis(1)])) == [None, None]


def test_search_many_equals_search_one_by_one() -> None:
    rng = np.random.default_rng(1)
    templates = rng.normal(size=(300, 128)).astype(np.float32) / np.sqrt(128)
    ids = np.arange(1000, 1300, dtype=np.int64)
    index = FaceIndex(Gallery(employee_ids=ids, descriptors=templates), threshold=0.5, margin=0.05)
    queries = np.concatenate([templates[:20] + rng.normal(scale=0.02, size=(20, 128)), rng.normal(size=(5, 128))])
    batch = index.search_many(queries.astype(np.float32))
    assert batch == [index.search(q) for q in queries]
    assert [m.employee_id if m else None for m in batch] == [*ids[:20].tolist(), *[None] * 5]


def test_gallery_rows_must_agree() -> None:
    bad = Gallery(employee_ids=np.array([1, 2], dtype=np.int64), descriptors=np.zeros((3, 128), dtype=np.float32))
    with pytest.raises(ValueError, match="2 employee ids but 3 descriptors"):
        FaceIndex(bad, threshold=0.5, margin=0.05)


def test_similarity_is_monotonic_and_bounded() -> None:
    distances = np.linspace(0, 3, 301)
    scores = np.asarray(similarity(distances))
    assert scores[0] == 100.0
    assert scores[-1] == 0.0
    assert ((scores >= 0) & (scores <= 100)).all()
    assert (np.diff(scores) <= 0).all()
    assert (np.diff(scores[distances <= 1]) < 0).all()  # strictly decreasing where it is informative
    assert float(similarity(0.45)) == pytest.approx(55.0)
