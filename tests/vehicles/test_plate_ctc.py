"""Plate-grammar CTC decoding on hand-made frame probabilities (pure)."""

from __future__ import annotations

import numpy as np

from factoryai.vehicles.plate_ctc import ALPHABET, BLANK, LENIENT_TEMPLATES, Grammar, free_decode, join_lines
from factoryai.vehicles.plates import FORMATS, check_plate

STRICT = [t for templates in FORMATS.values() for t in templates]


def frames(spec: list[str | dict[str, float]], noise: float = 0.02) -> np.ndarray:
    """One frame per item: a character (or "-" for the blank) at 1 - noise, or {char: probability}."""
    probs = np.full((len(spec), len(ALPHABET) + 1), noise / len(ALPHABET), dtype=np.float64)
    for t, item in enumerate(spec):
        choices = item if isinstance(item, dict) else {item: 1.0 - noise}
        for char, p in choices.items():
            probs[t, BLANK if char == "-" else ALPHABET.index(char) + 1] = p
    return probs / probs.sum(1, keepdims=True)


def spelled(text: str) -> list[str | dict[str, float]]:
    """Each character on two frames, then a blank frame: how a recogniser shows clear text."""
    return [f for char in text for f in (char, char, "-")]


def decode(probs: np.ndarray, templates: list[str] = STRICT) -> list:
    return Grammar(templates).decode(np.log(probs))


def test_clear_frames_decode_to_the_plate_with_high_character_probabilities() -> None:
    best = decode(frames(spelled("KL07BB1234")))[0]
    assert (best.text, best.template) == ("KL07BB1234", "SSDDLLDDDD")
    assert min(best.char_probs) > 0.9
    assert len(best.char_probs) == 10


def test_a_slot_takes_the_best_character_of_its_class() -> None:
    """A series slot whose frames say 0 (60 %) or Q (30 %) reads Q; the number's slot keeps the 0."""
    spec = [*spelled("KL07B"), {"0": 0.6, "Q": 0.3}, {"0": 0.6, "Q": 0.3}, "-", *spelled("0123")]
    best = decode(frames(spec))[0]
    assert best.text == "KL07BQ0123"
    assert check_plate(best.text).valid
    assert 0.25 < best.char_probs[5] < 0.35  # the Q's own probability: the plate stays doubtful
    assert free_decode(frames(spec))[0] == "KL07B00123"


def test_the_state_code_is_read_as_a_real_one() -> None:
    """K then X (X 70 %, L 25 %): KX is no state, KL is."""
    spec = [*spelled("K"), {"X": 0.7, "L": 0.25}, {"X": 0.7, "L": 0.25}, "-", *spelled("07BB1234")]
    assert decode(frames(spec))[0].text == "KL07BB1234"


def test_a_repeated_character_needs_a_blank_between_its_frames() -> None:
    """Four B frames without a blank are one B in CTC: the plate is KL07B1234, not KL07BB1234."""
    spec = [*spelled("KL07"), "B", "B", "B", "B", "-", *spelled("1234")]
    best = decode(frames(spec))[0]
    assert best.text == "KL07B1234"
    assert free_decode(frames(spec))[0] == "KL07B1234"


def test_a_character_the_grammar_invents_has_almost_no_probability() -> None:
    """Frames show KL07B123 (a 3-digit number): a 4-digit template has to invent a digit."""
    best = decode(frames(spelled("KL07BA123")))[0]
    assert len(best.text) == 10
    assert min(best.char_probs) < 0.05
    lenient = decode(frames(spelled("KL07BA123")), STRICT + list(LENIENT_TEMPLATES))[0]
    assert (lenient.text, lenient.template) == ("KL07BA123", "SSDDLLDDD")
    assert min(lenient.char_probs) > 0.9


def test_bharat_series_literals() -> None:
    assert decode(frames(spelled("22BH1234AA")))[0].text == "22BH1234AA"


def test_priors_rank_templates() -> None:
    """An ambiguous 9-character read: the prior decides which template wins."""
    probs = np.log(frames(spelled("KL07A1234")))
    plain = Grammar(["SSDDLDDDD", "SSDLLDDDD"]).decode(probs)
    assert plain[0].text == "KL07A1234"
    favoured = Grammar(["SSDDLDDDD", "SSDLLDDDD"], {"SSDDLDDDD": -50.0}).decode(probs)
    assert favoured[0].template == "SSDLLDDDD"
    assert favoured[1].prior == -50.0


def test_no_frames_decode_to_nothing() -> None:
    assert decode(np.zeros((0, len(ALPHABET) + 1))) == []


def test_blank_frames_decode_only_to_invented_characters() -> None:
    decoded = decode(frames(["-"] * 30))
    assert decoded
    assert all(max(d.char_probs) < 0.05 for d in decoded)


def test_join_lines_keeps_the_rows_apart() -> None:
    """The last 7 of KL07 and the first 7 of 7BZ1234 stay two characters."""
    top, bottom = frames(spelled("KL07")[:-1]), frames(["7", "7", *spelled("BZ1234")])
    joined = join_lines([top, bottom])
    assert len(joined) == len(top) + len(bottom) + 1
    assert free_decode(joined)[0] == "KL077BZ1234"
    assert free_decode(np.concatenate([top, bottom]))[0] == "KL07BZ1234"  # glued, the 7s would merge


def test_lenient_templates_are_not_valid_formats() -> None:
    assert not set(LENIENT_TEMPLATES) & set(STRICT)
    assert {"SSDDLLDDD", "SSDDDDDD"} <= set(LENIENT_TEMPLATES)  # 3-digit numbers, old plates without a series
