"""Plate-grammar CTC decoding (pure): the best plate string a recogniser's per-frame probabilities allow.

Greedy CTC decoding reads each frame on its own, so a ``0`` where the template needs a letter stays a ``0`` and a
character dropped between two frames is lost. Here the decoder searches only paths that spell a plate of the
enabled templates (state code, RTO digits, series letters, number), with a Viterbi pass over one prefix tree of
all templates, so it picks e.g. ``Q`` over ``0`` in a series slot from the frames' own second choice instead of a
fixed look-alike table. The score gap to the unconstrained best path says how much the grammar had to force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from factoryai.vehicles.plates import FORMATS, STATE_CODES

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # class i + 1; class 0 is the CTC blank
BLANK = 0
_INDEX = {c: i + 1 for i, c in enumerate(ALPHABET)}
_CODES = sorted(STATE_CODES)
_NEG = -1e9
_SERIES = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # series letters skip I and O (plates.SERIES_NEVER)

# Formats the strict rules reject but real plates carry: numbers printed without leading zeros (KL35H477) and old
# plates without a series (KA036285). The reader may return them, at a penalty, so they go to review as they are
# instead of being padded into a wrong valid plate.
LENIENT_TEMPLATES = tuple(
    sorted(
        {f"SS{'D' * r}{'L' * s}{'D' * n}" for r in (1, 2) for s in (0, 1, 2, 3) for n in (1, 2, 3, 4) if r + s + n >= 5}
        - {t for ts in FORMATS.values() for t in ts}
    )
)


@dataclass(frozen=True)
class Decoded:
    text: str
    score: float  # log-probability of the best path
    template: str
    prior: float  # the template's log prior, added to ``score`` when ranking
    char_probs: tuple[float, ...]  # per character: its highest probability over the frames it occupies


def _slot_options(template: str, i: int) -> list[int]:
    slot = template[i]
    if slot == "S":  # the two letters of a state code: options indexed by code, kept in step by _Grammar
        return [_INDEX[code[0 if i == 0 or template[i - 1] != "S" else 1]] for code in _CODES]
    if slot == "D":
        return [_INDEX[c] for c in "0123456789"]
    if slot == "L":
        return [_INDEX[c] for c in _SERIES]
    return [_INDEX[slot]]  # the literal B and H of Bharat plates


class Grammar:
    """A prefix tree over templates; nodes are template slots, each with its allowed characters."""

    def __init__(self, templates: Iterable[str], log_prior: Mapping[str, float] | None = None) -> None:
        self.templates = tuple(dict.fromkeys(templates))
        self.log_prior = {t: (log_prior or {}).get(t, 0.0) for t in self.templates}
        width = len(_CODES)
        parents: list[int] = []
        chars: list[list[int]] = []
        coupled: list[bool] = []
        children: dict[tuple[int, str], int] = {}
        self.finals: dict[int, str] = {}
        for template in self.templates:
            node = -1
            for i in range(len(template)):
                key = (node, template[: i + 1])
                if key not in children:
                    children[key] = len(parents)
                    parents.append(node)
                    chars.append(_slot_options(template, i))
                    coupled.append(i > 0 and template[i] == "S" and template[i - 1] == "S")
                node = children[key]
            self.finals[node] = template
        self.parent = np.array(parents)
        self.chars = np.full((len(parents), width), len(ALPHABET) + 1)  # padding points at a -inf column
        for n, options in enumerate(chars):
            self.chars[n, : len(options)] = options
        self.coupled = np.array(coupled)[:, None]
        self.rooted = self.parent < 0
        self.parent_or_self = np.where(self.rooted, np.arange(len(parents)), self.parent)

    def decode(self, log_probs: np.ndarray, top: int = 3) -> list[Decoded]:
        """The best path of each template, best first by score plus prior (at most ``top``); ``log_probs`` is
        (frames, 37)."""
        frames = log_probs.shape[0]
        if frames == 0:
            return []
        lp = np.concatenate([log_probs, np.full((frames, 1), _NEG)], axis=1)
        n, width = self.chars.shape
        cols = np.arange(width)
        emit_nb = np.full((n, width), _NEG)  # last frame emitted this node's option
        after_b = np.full((n, width), _NEG)  # a blank since this node's option
        start = 0.0
        pc = self.chars[self.parent_or_self]
        differs = pc != self.chars
        trace_src, trace_opt, trace_b = [], [], []
        for t in range(frames):
            par_nb, par_b = emit_nb[self.parent_or_self], after_b[self.parent_or_self]
            # From the parent's blank state: any option, or the same code for the second state-code letter.
            b_arg = par_b.argmax(1)
            from_b = np.where(self.coupled, par_b, par_b[np.arange(n), b_arg][:, None])
            b_opt = np.where(self.coupled, cols, b_arg[:, None])
            # Straight from the parent's character: only to a different character (CTC would merge the same).
            order = np.argsort(-par_nb, axis=1)[:, :2]
            v1, v2 = np.take_along_axis(par_nb, order, 1).T
            same = np.take_along_axis(pc, order[:, :1], 1) == self.chars
            from_nb = np.where(same, v2[:, None], v1[:, None])
            nb_opt = np.where(same, order[:, 1:2], order[:, :1])
            from_nb = np.where(self.coupled, np.where(differs, par_nb, _NEG), from_nb)
            nb_opt = np.where(self.coupled, cols, nb_opt)
            rooted = self.rooted[:, None]
            from_b = np.where(rooted, start, from_b)
            from_nb = np.where(rooted, _NEG, from_nb)
            cand = np.stack([emit_nb, from_nb, from_b])
            src = cand.argmax(0)
            best = np.take_along_axis(cand, src[None], 0)[0]
            trace_src.append(src)
            trace_opt.append(np.where(src == 1, nb_opt, b_opt))
            trace_b.append(emit_nb > after_b)
            after_b = lp[t, BLANK] + np.maximum(after_b, emit_nb)
            emit_nb = lp[t][self.chars] + best
            start += lp[t, BLANK]
        ends = []
        for node, template in self.finals.items():
            final = np.maximum(emit_nb[node], after_b[node])
            opt = int(final.argmax())
            if final[opt] > _NEG / 2:
                ends.append((float(final[opt]) + self.log_prior[template], node, opt, template))
        ends.sort(reverse=True)
        return [self._trace(log_probs, e, trace_src, trace_opt, trace_b, emit_nb, after_b) for e in ends[:top]]

    def _trace(self, log_probs, end, trace_src, trace_opt, trace_b, emit_nb, after_b) -> Decoded:
        rank, node, opt, template = end
        in_blank = after_b[node, opt] > emit_nb[node, opt]
        chars: list[str] = []
        probs: list[float] = []
        best = _NEG
        for t in range(len(trace_src) - 1, -1, -1):
            if in_blank:
                in_blank = not trace_b[t][node, opt]
                continue
            best = max(best, log_probs[t, self.chars[node, opt]])
            src = trace_src[t][node, opt]
            if src == 0:
                continue
            chars.append(ALPHABET[self.chars[node, opt] - 1])
            probs.append(float(np.exp(best)))
            best = _NEG
            if self.rooted[node]:
                break
            node, opt, in_blank = int(self.parent[node]), int(trace_opt[t][node, opt]), src == 2
        prior = self.log_prior[template]
        return Decoded("".join(reversed(chars)), rank - prior, template, prior, tuple(reversed(probs)))


def free_decode(probs: np.ndarray) -> tuple[str, float]:
    """Greedy CTC: the text of the most likely frame-by-frame path and that path's log-probability."""
    best = probs.argmax(1)
    keep = (best != BLANK) & np.concatenate([[True], best[1:] != best[:-1]])
    text = "".join(ALPHABET[i - 1] for i in best[keep])
    return text, float(np.log(np.maximum(probs.max(1), 1e-12)).sum())


def join_lines(lines: Sequence[np.ndarray]) -> np.ndarray:
    """Frames of several text lines read as one; a blank frame between keeps a line's last character apart."""
    sep = np.zeros((1, len(ALPHABET) + 1), dtype=np.float32)
    sep[0, BLANK] = 1.0
    parts: list[np.ndarray] = []
    for line in lines:
        if parts:
            parts.append(sep)
        parts.append(line)
    return np.concatenate(parts) if parts else np.zeros((0, len(ALPHABET) + 1), dtype=np.float32)
