"""Multi-frame vote: per-character, weighted by confidence, over the reads of the winning length."""

from __future__ import annotations

import pytest

from factoryai.vehicles.gate import decide
from factoryai.vehicles.voting import vote


def test_single_frame_slips_are_outvoted() -> None:
    reads = [("KA01AB1234", 0.91), ("KA01A81234", 0.88), ("KA0IAB1234", 0.90), ("KA01AB1Z34", 0.86)]
    voted = vote(reads)
    assert voted is not None
    assert voted.text == "KA01AB1234"
    assert voted.frames == 4


def test_a_confident_read_beats_two_weak_ones_at_one_position() -> None:
    voted = vote([("KA01AB1234", 0.99), ("KA01AB1284", 0.30), ("KA01AB1284", 0.30)])
    assert voted is not None
    assert voted.text == "KA01AB1234"


def test_reads_of_another_length_sit_out() -> None:
    voted = vote([("KA01AB1234", 0.9), ("KA01AB123", 0.95), ("KA01AB1234", 0.9)])
    assert voted is not None
    assert (voted.text, voted.frames) == ("KA01AB1234", 2)


def test_agreement_raises_confidence_and_disagreement_lowers_it() -> None:
    agreed = vote([("KA01AB1234", 0.9)] * 3)
    split = vote([("KA01AB1234", 0.9), ("KA01AB1235", 0.9), ("KA01AB1236", 0.9)])
    assert agreed is not None
    assert split is not None
    assert agreed.confidence == pytest.approx(0.9)
    assert split.confidence < agreed.confidence


def test_nothing_to_vote_on() -> None:
    assert vote([]) is None
    assert vote([("---", 0.9), ("KA01AB1234", 0.0)]) is None


def test_the_voted_read_goes_through_the_gate() -> None:
    voted = vote([("KA 01 AB 1234", 0.95), ("KA01AB1234", 0.96), ("KAO1AB1234", 0.9)])
    assert voted is not None
    assert voted.text == "KA01AB1234"
    assert decide(voted.text, voted.confidence).status == "UNKNOWN"


def test_doubt_among_frames_is_kept_and_can_send_the_read_to_review() -> None:
    # Agreement never makes a read more certain than its frames were; disagreement makes it less certain,
    # so a plate the frames could not agree on fails layer 1 instead of passing on a majority.
    voted = vote([("KA01AB1234", 0.9), ("KA01AB1234", 0.92), ("KAO1AB1234", 0.8)])
    assert voted is not None
    assert voted.text == "KA01AB1234"
    assert voted.confidence < 0.85
    assert decide(voted.text, voted.confidence).rejection_reason == "LOW_CONFIDENCE"
