"""A spaCy Matcher that only runs a pattern where its trigger word occurs.

spaCy's Matcher steps every pattern through every token, so its cost grows with the
number of token patterns times the length of the text (PERFORMANCE.md §1b). Most of our
patterns cannot match without one particular word: a relation trigger's lemma, a cue
word, a title. :class:`GatedMatcher` finds, for each pattern, a token that must be
matched exactly once or more and whose value is a fixed word or word list (``LEMMA``,
``LOWER``, ``ORTH``/``TEXT``, ``NORM`` or ``ENT_TYPE``, as a string or ``{"IN": [...]}``):
its *anchor*. Per Doc it looks the anchors up in the token arrays and runs each pattern
only on a window around the places its anchor occurs; a pattern without an anchor runs
on the whole Doc as before.

A window is as wide as the pattern can be long on both sides of the anchor, so every
match of the whole Doc is still found: patterns with ``+`` or ``*`` (unbounded length)
run on the sentences holding their anchor. Overlapping windows are merged, so a greedy
filter still sees overlapping matches together.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Any

from spacy.attrs import ENT_TYPE, LEMMA, LOWER, NORM, ORTH, SENT_START
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.tokens import Doc

__all__ = ["GatedMatcher", "anchor_of"]

#: Pattern keys whose value can anchor a pattern, with the Doc array attribute holding it.
_ANCHOR_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, "NORM": NORM, "ENT_TYPE": ENT_TYPE}
_ONCE = frozenset({None, "1", "+"})
_UNBOUNDED = frozenset({"+", "*"})
Match = tuple[int, int, int] | tuple[int, int, int, list[int]]


def _values(spec: object) -> tuple[str, ...] | None:
    if isinstance(spec, str):
        return (spec,)
    if (isinstance(spec, dict) and set(spec) == {"IN"} and isinstance(spec["IN"], list) and spec["IN"]
            and all(isinstance(v, str) for v in spec["IN"])):
        return tuple(spec["IN"])
    return None


def _max_width(op: object) -> int | None:
    """How many tokens one pattern element can consume (None: no bound)."""
    if op in _UNBOUNDED:
        return None
    if op in (None, "1", "?", "!"):
        return 1
    if isinstance(op, str) and op.startswith("{") and op.endswith("}"):
        parts = op[1:-1].split(",")
        return int(parts[-1]) if parts[-1].strip() else None
    return 1


def anchor_of(pattern: Sequence[dict[str, Any]]) -> tuple[str, tuple[str, ...], int, int] | None:
    """The anchor of a token pattern: ``(attr, values, before, after)``, or None if it has none.

    ``before`` and ``after`` bound how many tokens a match can have before and after
    the anchor token (``-1``: unbounded). Of several candidates the most selective one is
    taken: not a stop word or punctuation, then the fewest values.

    >>> anchor_of([{"LOWER": "the", "OP": "?"}, {"LEMMA": {"IN": ["sign", "ink"]}}, {"IS_TITLE": True}])
    ('LEMMA', ('sign', 'ink'), 1, 1)
    >>> anchor_of([{"IS_TITLE": True, "OP": "+"}]) is None
    True
    """
    widths = [_max_width(tok.get("OP")) for tok in pattern]
    best: tuple[tuple[bool, int], int, str, tuple[str, ...]] | None = None
    for i, tok in enumerate(pattern):
        if tok.get("OP") not in _ONCE:
            continue
        for key, spec in tok.items():
            values = _values(spec) if key in _ANCHOR_ATTRS else None
            if values is None:
                continue
            rank = (all(v.lower() in STOP_WORDS or not any(c.isalnum() for c in v) for v in values), len(values))
            if best is None or rank < best[0]:
                best = (rank, i, key, values)
    if best is None:
        return None
    _, i, key, values = best
    if pattern[i].get("OP") == "+":  # any token of the run can be the one found: no bound either side
        return key, values, -1, -1
    before = widths[:i]
    after = widths[i + 1:]
    return (key, values, -1 if None in before else sum(w or 0 for w in before),
            -1 if None in after else sum(w or 0 for w in after))


class GatedMatcher:
    """A drop-in for ``Matcher.__call__`` over patterns added with :meth:`add`.

    A key whose patterns all have an anchor of bounded reach gets its own Matcher, run on
    the windows around its anchors. A key that can reach without bound on a side (``+``,
    ``*``) is run by a shared Matcher on the sentences holding its anchors: one name or cue
    never spans two sentences, and one shared run reads each token's attributes once.
    Keys without an anchor are run on the whole Doc.

    Args:
        vocab: The pipeline's vocabulary.
        validate: Validate patterns against spaCy's schema when added.
    """

    def __init__(self, vocab: Any, validate: bool = True) -> None:
        self.vocab = vocab
        self.validate = validate
        self.ungated = Matcher(vocab, validate=validate)
        self.sentence = Matcher(vocab, validate=validate)
        #: key -> its own Matcher and reach (tokens before, after the anchor)
        self._gates: dict[str, tuple[Matcher, int, int]] = {}
        #: Doc attribute id -> value hash -> keys anchored on that value
        self._index: dict[int, dict[int, list[str]]] = {}
        self._order: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._order)

    def add(self, key: str, patterns: list[list[dict[str, Any]]], greedy: str | None = None) -> None:
        """Add patterns under ``key`` (like ``Matcher.add``); a key with any unanchored pattern is never gated.

        Raises:
            ValueError, KeyError: from spaCy for an invalid pattern.
        """
        anchors = [anchor_of(p) for p in patterns]
        self._order[self.vocab.strings.add(key)] = len(self._order)
        if not all(anchors):
            self.ungated.add(key, patterns, greedy=greedy)
            return
        sides = [(a[2], a[3]) for a in anchors if a]
        before = -1 if any(b < 0 for b, _ in sides) else max(b for b, _ in sides)
        after = -1 if any(a < 0 for _, a in sides) else max(a for _, a in sides)
        if before < 0 or after < 0:
            self.sentence.add(key, patterns, greedy=greedy)
        else:
            matcher = Matcher(self.vocab, validate=self.validate)
            matcher.add(key, patterns, greedy=greedy)
            self._gates[key] = (matcher, before, after)
        for anchor in anchors:
            if anchor is None:
                continue
            attr, values, _, _ = anchor
            for value in values:
                keys = self._index.setdefault(_ANCHOR_ATTRS[attr], {}).setdefault(self.vocab.strings.add(value), [])
                if key not in keys:
                    keys.append(key)

    def _hits(self, doc: Doc) -> dict[str, list[int]]:
        """Key -> token positions where one of its anchors occurs."""
        hits: dict[str, list[int]] = {}
        attrs = sorted(self._index)
        if not attrs:
            return hits
        array = doc.to_array(list[int | str](attrs))
        columns = array.T.tolist() if array.ndim == 2 else [array.tolist()]
        for attr, column in zip(attrs, columns, strict=True):
            table = self._index[attr]
            for pos, value in enumerate(column):
                if value in table:
                    for key in table[value]:
                        hits.setdefault(key, []).append(pos)
        return hits

    @staticmethod
    def _merge(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(windows):
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        return merged

    @staticmethod
    def _run(matcher: Matcher, doc: Doc, windows: list[tuple[int, int]], alignments: bool, out: list[Any]) -> None:
        for lo, hi in windows:
            span = doc if (lo, hi) == (0, len(doc)) else doc[lo:hi]
            for m in matcher(span, with_alignments=alignments):
                out.append((m[0], m[1] + lo, m[2] + lo, *m[3:]))

    def __call__(self, doc: Doc, with_alignments: bool = False) -> list[Any]:
        """The matches of every pattern in ``doc`` as ``(key, start, end)`` (``+ alignments``), sorted
        by start, end and the order the keys were added."""
        found: list[Any] = []
        n = len(doc)
        if not n:
            return found
        if len(self.ungated):
            self._run(self.ungated, doc, [(0, n)], with_alignments, found)
        in_sentences: set[int] = set()
        for key, positions in self._hits(doc).items():
            gate = self._gates.get(key)
            if gate is None:
                in_sentences.update(positions)
                continue
            matcher, before, after = gate
            windows = self._merge((max(0, p - before), min(n, p + after + 1)) for p in set(positions))
            self._run(matcher, doc, windows, with_alignments, found)
        if in_sentences:
            starts = [i for i, v in enumerate(doc.to_array(SENT_START).tolist()) if v == 1 or i == 0] + [n]
            sentences = self._merge((starts[k - 1], starts[k]) for k in {bisect.bisect_right(starts, p)
                                                                        for p in in_sentences})
            self._run(self.sentence, doc, sentences, with_alignments, found)
        found.sort(key=lambda m: (m[1], m[2], self._order.get(m[0], 0)))
        return found
