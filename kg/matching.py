"""A spaCy Matcher that only runs a pattern where its trigger word occurs.

spaCy's Matcher steps every pattern through every token, so its cost grows with the
number of token patterns times the length of the text (PERFORMANCE.md §1b). Most of our
patterns cannot match without one particular word: a relation trigger's lemma, a cue
word, a title. :class:`GatedMatcher` finds, for each pattern, a token that must be
matched exactly once or more and whose value is a fixed word or word list (``LEMMA``,
``LOWER``, ``ORTH``/``TEXT``, ``NORM`` or ``ENT_TYPE``, as a string or ``{"IN": [...]}``):
its *anchor*. Per Doc it looks the anchors up in the token arrays and runs each pattern
only on a window around the places its anchor occurs; a pattern without an anchor runs
on the whole Doc as before. A pattern with several such tokens uses, in each Doc, the one
that occurs least there, and is not run at all when one of them does not occur.

A window reaches as far from the anchor as a match can, so every match of the whole Doc
is still found. On a side where the pattern has a fixed maximum length the window is that
long. On a side with ``+`` or ``*`` (no fixed length) the window runs, inside the
anchor's sentence, over the tokens that satisfy one of the pattern's elements on that
side, evaluated on the token arrays: a match can only consume such tokens. Overlapping
windows are merged, so a greedy filter still sees overlapping matches together.

A key of one pattern whose elements each take exactly one token or none (``?``) and test
only what the token arrays hold (words, word lists, ``NOT_IN``, lexeme flags, IOB tags,
sentence starts) needs no Matcher at all: around each anchor its variants are tested on the
arrays, and spaCy's greedy filter is applied as the Matcher applies it (alignments of ``?``
patterns are left to it). For the other keys of one pattern, an anchor is only used where
the pattern's mandatory elements at a bounded distance can lie next to it (their tests that
the arrays can decide hold on one of the tokens there): a key left without such a place is
not run. Several matchers can be joined into one (:meth:`GatedMatcher.joined`), so a Doc's
columns are read and scanned once for all of them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from spacy.attrs import ENT_IOB, ENT_TYPE, IDS, LEMMA, LOWER, NORM, ORTH, SENT_START
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from .doctext import sentence_bounds

__all__ = ["GatedMatcher", "anchor_of"]

#: Pattern keys whose value can anchor a pattern, with the Doc array attribute holding it.
_ANCHOR_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, "NORM": NORM, "ENT_TYPE": ENT_TYPE}
#: Pattern keys whose string values can be tested on the Doc's token arrays (as the Matcher tests them).
_STRING_ATTRS = {**_ANCHOR_ATTRS, "SHAPE": IDS["SHAPE"], "PREFIX": IDS["PREFIX"], "SUFFIX": IDS["SUFFIX"],
                 "ENT_IOB": ENT_IOB}
#: IOB tags by the integer a Doc stores for them.
_IOB = tuple(Token.iob_strings())
#: Pattern keys for "the token starts a sentence".
_SENT_START_KEYS = frozenset({"IS_SENT_START", "SENT_START"})
#: Boolean lexeme flags, also in the token arrays.
_FLAG_ATTRS = {name: IDS[name] for name in ("IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE",
                                            "IS_TITLE", "IS_UPPER", "LIKE_URL", "LIKE_NUM", "LIKE_EMAIL", "IS_STOP",
                                            "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT",
                                            "IS_CURRENCY")}  # fmt: skip
_ONCE = frozenset({None, "1", "+"})
_UNBOUNDED = frozenset({"+", "*"})
#: Distinct token values whose answer one side remembers at most (then it starts again).
_MAX_REMEMBERED = 200_000
#: One test of a token: (array attribute, accepted values, negated).
_Test = tuple[int, frozenset[int], bool]
#: The tests of one pattern element (all must hold).
_Element = tuple[_Test, ...]


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


def _anchors(pattern: Sequence[dict[str, Any]]) -> list[tuple[int, str, tuple[str, ...]]]:
    """Every element of a pattern that can anchor it, as ``(index, key, values)``, most selective first:
    a mandatory token with a fixed word or word list (not stop words or punctuation, then the fewest
    values). An element gives its most selective key only."""
    ranked: dict[int, tuple[tuple[bool, int], str, tuple[str, ...]]] = {}
    for i, tok in enumerate(pattern):
        if tok.get("OP") not in _ONCE:
            continue
        for key, spec in tok.items():
            values = _values(spec) if key in _ANCHOR_ATTRS else None
            if values is None:
                continue
            rank = (all(v.lower() in STOP_WORDS or not any(c.isalnum() for c in v) for v in values), len(values))
            if i not in ranked or rank < ranked[i][0]:
                ranked[i] = (rank, key, values)
    return [(i, key, values) for i, (_, key, values) in sorted(ranked.items(), key=lambda x: (x[1][0], x[0]))]


def _anchor(pattern: Sequence[dict[str, Any]]) -> tuple[int, str, tuple[str, ...]] | None:
    """The most selective anchor element of a pattern (see :func:`_anchors`), or None."""
    found = _anchors(pattern)
    return found[0] if found else None


def _reach(pattern: Sequence[dict[str, Any]], i: int) -> tuple[int, int]:
    """How many tokens a match can have before and after the anchor element ``i`` (``-1``: no bound)."""
    if pattern[i].get("OP") == "+":  # any token of the run can be the one found: no bound either side
        return -1, -1
    widths = [_max_width(tok.get("OP")) for tok in pattern]
    before, after = widths[:i], widths[i + 1:]
    return (-1 if None in before else sum(w or 0 for w in before),
            -1 if None in after else sum(w or 0 for w in after))


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
    found = _anchor(pattern)
    if found is None:
        return None
    i, key, values = found
    return (key, values, *_reach(pattern, i))


def _value_id(attr: int, value: str, strings: Any) -> int:
    """The integer the Matcher compares a token's ``attr`` with for the pattern string ``value`` (an IOB tag
    names its index, as in spaCy's ``_get_attr_values``)."""
    if attr == ENT_IOB and value in _IOB:
        return _IOB.index(value)
    return int(strings.add(value))


def _test(key: str, spec: object, strings: Any) -> _Test | None:
    """The array test of one ``key: spec`` of a pattern element, or None when the arrays cannot decide it."""
    if key in _FLAG_ATTRS and isinstance(spec, bool):
        return _FLAG_ATTRS[key], frozenset({int(spec)}), False
    if key in _SENT_START_KEYS and isinstance(spec, bool):  # the Matcher reads a start as 1, anything else as 0
        return SENT_START, frozenset({1}), not spec
    if key not in _STRING_ATTRS:
        return None
    negated = isinstance(spec, dict) and set(spec) == {"NOT_IN"}
    values = _values({"IN": spec["NOT_IN"]} if negated else spec)  # type: ignore[index]
    if values is None:
        return None
    attr = _STRING_ATTRS[key]
    return attr, frozenset(_value_id(attr, v, strings) for v in values), negated


def _element(tok: dict[str, Any], strings: Any) -> _Element | None:
    """The array tests of one pattern element, or None when they cannot say which tokens it takes (a
    negated element, a custom attribute, a regular expression, ...): then any token may be taken."""
    if tok.get("OP") == "!":
        return None
    tests = [_test(key, spec, strings) for key, spec in tok.items() if key != "OP"]
    return None if None in tests else tuple(t for t in tests if t is not None)


def _some_tests(tok: dict[str, Any], strings: Any) -> _Element:
    """The tests of an element that the arrays can decide (every token it takes passes them)."""
    if tok.get("OP") == "!":
        return ()
    return tuple(t for key, spec in tok.items() if key != "OP" and (t := _test(key, spec, strings)) is not None)


def _min_width(op: object) -> int:
    """How many tokens one pattern element consumes at least."""
    if op in (None, "1", "+", "!"):
        return 1
    if isinstance(op, str) and op.startswith("{") and op.endswith("}"):
        low = op[1:-1].split(",")[0].strip()
        return int(low) if low else 0
    return 0


#: A necessary condition on the neighbourhood of an anchor: one of the tokens at offsets ``[lo, hi]`` from it
#: passes all of ``tests``.
_Check = tuple[int, int, _Element]
#: Widest offset range a check scans.
_MAX_CHECK_SPAN = 6


def _checks(pattern: Sequence[dict[str, Any]], anchor: int, test: _Test, strings: Any) -> tuple[_Check, ...]:
    """What every match must hold near its anchor element ``anchor`` (whose test ``test`` the anchor look-up
    has passed): the anchor's other tests, and for each mandatory element at a bounded distance, its tests
    on the first token it can take (seen from the anchor). An anchor that repeats (``+``) gives none."""
    if pattern[anchor].get("OP") == "+":
        return ()
    checks: list[_Check] = []
    own = tuple(t for t in _some_tests(pattern[anchor], strings) if t != test)
    if own:
        checks.append((0, 0, own))
    for j, tok in enumerate(pattern):
        if j == anchor or tok.get("OP") not in _ONCE:
            continue
        between = pattern[j + 1:anchor] if j < anchor else pattern[anchor + 1:j]
        widths = [_max_width(t.get("OP")) for t in between]
        if None in widths:
            continue
        near = 1 + sum(_min_width(t.get("OP")) for t in between)
        far = 1 + sum(w or 0 for w in widths)
        tests = _some_tests(tok, strings)
        if tests and far - near < _MAX_CHECK_SPAN:
            checks.append((-far, -near, tests) if j < anchor else (near, far, tests))
    return tuple(checks)


def _passes(p: int, checks: tuple[_Check, ...], values: dict[int, list[int]], n: int) -> bool:
    """Do the tokens around position ``p`` meet every check (``values``: the Doc's columns)?"""
    for lo, hi, tests in checks:
        for q in range(max(0, p + lo), min(n, p + hi + 1)):
            for attr, accepted, negated in tests:
                if (values[attr][q] in accepted) == negated:
                    break
            else:
                break  # token q passes every test
        else:
            return False
    return True


#: One way a pattern of fixed-width elements can lie: the anchor's offset from the match start, the match
#: length, and the tests as (offset from the start, array attribute, accepted values, negated).
_Variant = tuple[int, int, tuple[tuple[int, int, frozenset[int], bool], ...]]
#: Optional (``?``) elements a directly tested pattern may have: each doubles its variants.
_MAX_OPTIONAL = 4


class _Columns(dict[int, list[int]]):
    """Columns of a Doc's token arrays by attribute id: ``attrs`` read at once, any other when first asked for."""

    def __init__(self, doc: Doc, attrs: Sequence[int] = ()) -> None:
        super().__init__()
        self.doc = doc
        if attrs:
            array = doc.to_array(list[int | str](attrs))
            self.update(zip(attrs, array.T.tolist() if array.ndim == 2 else [array.tolist()], strict=True))

    def __missing__(self, attr: int) -> list[int]:
        column: list[int] = self.doc.to_array(attr).tolist()
        self[attr] = column
        return column


def _variants(pattern: Sequence[dict[str, Any]], anchor: int, test: _Test,
              strings: Any) -> tuple[_Variant, ...] | None:
    """The ways a pattern whose every element takes one token, or none (``?``), can lie around its anchor
    element ``anchor`` (whose test ``test`` the anchor look-up has passed), or None when an element is
    repeated or cannot be decided on the token arrays."""
    elements = []
    for tok in pattern:
        element = _element(tok, strings) if tok.get("OP") in (None, "1", "?") else None
        if element is None:
            return None
        elements.append(element)
    optional = [i for i, tok in enumerate(pattern) if tok.get("OP") == "?"]
    if len(optional) > _MAX_OPTIONAL:
        return None
    variants = []
    for mask in range(1 << len(optional)):
        dropped = {i for bit, i in enumerate(optional) if not mask >> bit & 1}
        kept = [i for i in range(len(pattern)) if i not in dropped]
        tests = tuple((at, attr, accepted, negated) for at, i in enumerate(kept)
                      for attr, accepted, negated in elements[i] if (i, (attr, accepted, negated)) != (anchor, test))
        variants.append((kept.index(anchor), len(kept), tests))
    return tuple(variants)


def _greedy(pairs: Iterable[tuple[int, int]], how: str, n: int) -> list[tuple[int, int]]:
    """spaCy's ``greedy`` filter of one key's matches: the first or longest ones that do not overlap a kept one."""
    if how == "FIRST":
        ordered = sorted(pairs, key=lambda x: (x[0], -x[1]))
    else:
        ordered = sorted(pairs, key=lambda x: (x[1] - x[0], -x[0]), reverse=True)
    taken = bytearray(n)
    kept = []
    for start, end in ordered:
        if not any(taken[start:end]):
            kept.append((start, end))
            taken[start:end] = b"\x01" * (end - start)
    return kept


@dataclass(frozen=True, slots=True)
class _Direct:
    """A key of one pattern of single-token elements (``?`` allowed) decided on the token arrays: its matches
    are found by testing the arrays around the anchor, as spaCy's Matcher finds them."""

    key: int
    variants: tuple[_Variant, ...]
    greedy: str | None
    #: a variable-width pattern: alignments are left to the Matcher
    optional: bool

    def __call__(self, positions: Iterable[int], values: dict[int, list[int]], n: int, alignments: bool,
                 out: list[Any]) -> None:
        """Add the matches holding the anchor at one of ``positions`` to ``out`` (``values``: the Doc's columns)."""
        pairs = []
        for p in sorted(set(positions)):
            for offset, length, tests in self.variants:
                start = p - offset
                end = start + length
                if start < 0 or end > n:
                    continue
                for at, attr, accepted, negated in tests:
                    if (values[attr][start + at] in accepted) == negated:
                        break
                else:
                    pairs.append((start, end))
        if self.optional:
            pairs = list(dict.fromkeys(pairs))
        if self.greedy is not None:
            pairs = _greedy(pairs, self.greedy, n)
        if alignments:
            out.extend((self.key, start, end, list(range(end - start))) for start, end in pairs)
        else:
            out.extend((self.key, start, end) for start, end in pairs)


@dataclass(frozen=True, slots=True)
class _Gate:
    """A key's own Matcher and how far its windows reach on each side of an anchor.

    A side is a token count, or ``-1`` when it has no bound; then the side's elements (a match
    consumes only tokens that satisfy one of them) limit it, or nothing (``None``) but the sentence.
    """

    matcher: Matcher
    before: int
    after: int
    #: number of the side in :class:`_Sides` (None: any token)
    left: int | None = None
    right: int | None = None
    #: the key's matches worked out from the token arrays, without the Matcher (None: run the Matcher)
    direct: _Direct | None = None
    #: what the tokens around an anchor must hold for a match to hold it (positions failing one are skipped)
    checks: tuple[_Check, ...] = ()

    @property
    def bounded(self) -> bool:
        return self.before >= 0 and self.after >= 0


def _side(elements: Iterable[dict[str, Any]], strings: Any) -> tuple[_Element, ...] | None:
    compiled = [_element(tok, strings) for tok in elements]
    return None if any(e is None for e in compiled) else tuple(e for e in compiled if e is not None)


class _Sides:
    """The unbounded sides of a matcher's gates: which tokens each side's elements can take.

    Whether a token satisfies a side depends only on the values of the few attributes that
    side tests, so each side remembers its answer per combination of those values.
    """

    def __init__(self) -> None:
        self.sides: list[tuple[_Element, ...]] = []
        #: per side: the attributes it tests, in the order of the value tuples :meth:`takes` is given
        self.attrs: list[tuple[int, ...]] = []
        self._known: list[dict[tuple[int, ...], bool]] = []

    def add(self, side: tuple[_Element, ...]) -> int:
        """Register a side; returns its number."""
        if side in self.sides:
            return self.sides.index(side)
        self.sides.append(side)
        self.attrs.append(tuple(sorted({attr for element in side for attr, _, _ in element})))
        self._known.append({})
        return len(self.sides) - 1

    def takes(self, side: int, values: tuple[int, ...]) -> bool:
        """Does a token whose values of the side's :attr:`attrs` are ``values`` satisfy one of its elements?"""
        known = self._known[side]
        found = known.get(values)
        if found is None:
            if len(known) > _MAX_REMEMBERED:
                known.clear()
            value = dict(zip(self.attrs[side], values, strict=True))
            found = known[values] = any(all((value[attr] in accepted) != negated
                                            for attr, accepted, negated in element) for element in self.sides[side])
        return found


class _Windows:
    """Where the gates' matches can lie in one Doc: sentences and the tokens each side can take.

    Each token is tested once per side, and a walk that reaches the anchor of an earlier walk on the
    same side goes on where that one ended.
    """

    def __init__(self, doc: Doc, sides: _Sides, columns: dict[int, list[int]]) -> None:
        self.doc = doc
        self.n = len(doc)
        self._sides = sides
        self._columns = columns
        #: side -> per token: 1 taken, 0 not, -1 not yet known
        self._taken: dict[int, list[int]] = {}
        #: side -> anchor -> where its walk to the left (to the right) ended
        self._lefts: dict[int, dict[int, int]] = {}
        self._rights: dict[int, dict[int, int]] = {}
        self._sentences: list[int] | None = None

    def sentences(self) -> list[int]:
        """Where the Doc's sentences start, followed by its length (:func:`kg.doctext.sentence_bounds`)."""
        if self._sentences is None:
            self._sentences = sentence_bounds(self.doc)
        return self._sentences

    def _takes(self, side: int, i: int) -> int:
        """Does token ``i`` satisfy one of the side's elements (1) or not (0)?"""
        taken = self._taken.get(side)
        if taken is None:
            taken = self._taken[side] = [-1] * self.n
        found = taken[i]
        if found < 0:
            columns = self._columns
            found = taken[i] = int(self._sides.takes(side, tuple(columns[a][i] for a in self._sides.attrs[side])))
        return found

    def _left(self, side: int, p: int, lo: int) -> int:
        """Where a walk left from the anchor ``p`` over the tokens the side takes ends (not before ``lo``)."""
        ends = self._lefts.setdefault(side, {})
        start = p
        while start > lo:
            known = ends.get(start)
            if known is not None:
                start = known
                break
            if not self._takes(side, start - 1):
                break
            start -= 1
        ends[p] = start
        return start

    def _right(self, side: int, p: int, hi: int) -> int:
        """Where a walk right from the anchor ``p`` over the tokens the side takes ends (not after ``hi``)."""
        ends = self._rights.setdefault(side, {})
        end = p + 1
        while end < hi:
            known = ends.get(end - 1)
            if known is not None:
                end = known
                break
            if not self._takes(side, end):
                break
            end += 1
        ends[p] = end
        return end

    def __call__(self, gate: _Gate, positions: Iterable[int]) -> list[tuple[int, int]]:
        """The tokens a match of ``gate`` holding an anchor at one of ``positions`` can take, inside the
        anchor's sentence."""
        starts = self.sentences()
        out = []
        for p in positions:
            i = bisect_right(starts, p)
            lo, hi = starts[i - 1], starts[i]
            if gate.before >= 0:
                start = max(lo, p - gate.before)
            elif gate.left is None:
                start = lo
            else:
                start = self._left(gate.left, p, lo)
            if gate.after >= 0:
                end = min(hi, p + gate.after + 1)
            elif gate.right is None:
                end = hi
            else:
                end = self._right(gate.right, p, hi)
            out.append((start, end))
        return out


class GatedMatcher:
    """A drop-in for ``Matcher.__call__`` over patterns added with :meth:`add`.

    Every key whose patterns all have an anchor gets its own Matcher, run on the windows
    around the anchor that occurs least in the Doc; a key that can reach without bound on a side (``+``, ``*``) runs
    inside the anchor's sentence, on the tokens its elements on that side can take (one
    name or cue never spans two sentences). Keys without an anchor are run on the whole Doc.

    Args:
        vocab: The pipeline's vocabulary.
        validate: Validate patterns against spaCy's schema when added.
    """

    def __init__(self, vocab: Any, validate: bool = True) -> None:
        self.vocab = vocab
        self.validate = validate
        self.ungated = Matcher(vocab, validate=validate)
        #: key -> a gate per anchor candidate
        self._gates: dict[str, list[_Gate]] = {}
        self._patterns: dict[str, list[list[dict[str, Any]]]] = {}
        self._greedy: dict[str, str | None] = {}
        self._sides = _Sides()
        #: Doc attribute id -> value hash -> (key, anchor candidate) pairs anchored on that value
        self._index: dict[int, dict[int, list[tuple[str, int]]]] = {}
        #: the Doc columns the anchors are looked up in (those only tests read are read when one runs)
        self._attrs: list[int] = []
        self._order: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._order)

    def added_keys(self) -> list[str]:
        """The keys, in the order they were added."""
        return list(self._patterns)

    @classmethod
    def joined(cls, vocab: Any, matchers: Iterable[GatedMatcher]) -> GatedMatcher:
        """One matcher with the keys of ``matchers`` (each with its patterns and greedy filter), in their order:
        it reads a Doc's anchor columns once for all of them. Its matches of one matcher's keys are that
        matcher's matches, in the same order.

        Raises:
            ValueError: a key is in two of the matchers.
        """
        out = cls(vocab)
        for matcher in matchers:
            for key, patterns in matcher._patterns.items():
                if key in out._patterns:
                    raise ValueError(f"key {key!r} is in two of the matchers joined")
                out.add(key, patterns, greedy=matcher._greedy[key])
        return out

    def add(self, key: str, patterns: list[list[dict[str, Any]]], greedy: str | None = None) -> None:
        """Add patterns under ``key`` (like ``Matcher.add``); a key with any unanchored pattern is never gated.

        A key with one pattern gets a gate for every element that can anchor it; per Doc the
        one whose words occur least is used, and none if one of them does not occur at all
        (each is mandatory). A key with several patterns is gated on each pattern's best anchor.

        Raises:
            ValueError, KeyError: from spaCy for an invalid pattern.
        """
        if key in self._patterns:  # spaCy's Matcher adds to the key: do the same, from scratch
            patterns = [*self._patterns.pop(key), *patterns]
            self._gates.pop(key, None)
            for table in self._index.values():
                for entries in table.values():
                    entries[:] = [e for e in entries if e[0] != key]
        self._patterns[key] = list(patterns)
        self._greedy[key] = greedy
        found = [_anchors(p) for p in patterns]
        self._order.setdefault(self.vocab.strings.add(key), len(self._order))
        if not all(found):
            self.ungated.add(key, patterns, greedy=greedy)
            return
        matcher = Matcher(self.vocab, validate=self.validate)
        matcher.add(key, patterns, greedy=greedy)
        # one candidate: for each pattern, (pattern, element index, anchor key, values)
        if len(patterns) == 1:
            candidates = [[(patterns[0], i, attr, values)] for i, attr, values in found[0]]
        else:
            candidates = [[(p, *f[0]) for p, f in zip(patterns, found, strict=True)]]
        gates = []
        for number, candidate in enumerate(candidates):
            gate = self._gate(matcher, [(p, i) for p, i, _, _ in candidate])
            if len(candidate) == 1:
                gate = self._direct(key, gate, candidate[0], greedy)
            gates.append(gate)
            for _, _, attr, values in candidate:
                for value in values:
                    self._attrs = sorted(set(self._attrs) | {_ANCHOR_ATTRS[attr]})
                    entries = self._index.setdefault(_ANCHOR_ATTRS[attr], {}).setdefault(
                        self.vocab.strings.add(value), [])
                    if (key, number) not in entries:
                        entries.append((key, number))
        self._gates[key] = gates

    def _gate(self, matcher: Matcher, anchored: list[tuple[list[dict[str, Any]], int]]) -> _Gate:
        """The gate of patterns anchored on their elements ``anchored`` [(pattern, element index)]."""
        sides = [_reach(p, i) for p, i in anchored]
        before = -1 if any(b < 0 for b, _ in sides) else max(b for b, _ in sides)
        after = -1 if any(a < 0 for _, a in sides) else max(a for _, a in sides)
        left = right = None
        runs = [(p, i, p[i].get("OP") == "+") for p, i in anchored]
        if before < 0:  # what any of the patterns can take before its anchor (and a repeated anchor itself)
            left = self._side((t for p, i, rep in runs for t in p[:i + rep]))
        if after < 0:
            right = self._side((t for p, i, rep in runs for t in p[i + 1 - rep:]))
        return _Gate(matcher, before, after, left, right)

    def _direct(self, key: str, gate: _Gate, candidate: tuple[list[dict[str, Any]], int, str, tuple[str, ...]],
                greedy: str | None) -> _Gate:
        """``gate`` with the checks of its anchor's neighbourhood, and the direct test of its one pattern when
        the token arrays can decide it."""
        pattern, i, attr, values = candidate
        test = (_ANCHOR_ATTRS[attr], frozenset(self.vocab.strings.add(v) for v in values), False)
        gate = replace(gate, checks=_checks(pattern, i, test, self.vocab.strings))
        variants = _variants(pattern, i, test, self.vocab.strings)
        if variants is None:
            return gate
        direct = _Direct(self.vocab.strings.add(key), variants, greedy, len(variants) > 1)
        return replace(gate, direct=direct)

    def _side(self, elements: Iterable[dict[str, Any]]) -> int | None:
        side = _side(elements, self.vocab.strings)
        return None if side is None else self._sides.add(side)

    def _hits(self, columns: dict[int, list[int]]) -> dict[str, dict[int, list[int]]]:
        """Key -> its anchor candidates found in the Doc (its ``columns``) -> the token positions where they occur."""
        found: dict[tuple[str, int], list[int]] = {}
        for attr, table in self._index.items():
            at: dict[int, list[int]] = {}  # value -> its positions, once however many keys it anchors
            for pos, value in enumerate(columns[attr]):
                if value in table:
                    where = at.get(value)
                    if where is None:
                        at[value] = [pos]
                    else:
                        where.append(pos)
            for value, where in at.items():
                for entry in table[value]:
                    have = found.get(entry)
                    found[entry] = where if have is None else have + where  # never extended in place: shared
        hits: dict[str, dict[int, list[int]]] = {}
        for (key, number), positions in found.items():
            hits.setdefault(key, {})[number] = positions
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
    def _fewest(gates: list[_Gate], candidates: dict[int, list[int]], columns: dict[int, list[int]],
                n: int, alignments: bool) -> tuple[int, list[int]]:
        """The anchor candidate of a key with the fewest positions whose neighbours pass its checks, and those
        positions (none: the key cannot match, for every candidate is mandatory). A gate decided on the token
        arrays tests the neighbours itself: its checks only serve when the Matcher runs instead."""
        best: tuple[int, list[int]] | None = None
        for number in sorted(candidates, key=lambda c: (len(candidates[c]), c)):
            positions = candidates[number]
            if best is not None and len(positions) >= len(best[1]):
                break
            gate = gates[number]
            checks = gate.checks if gate.direct is None or (alignments and gate.direct.optional) else ()
            if checks:
                positions = [p for p in positions if _passes(p, checks, columns, n)]
            if best is None or len(positions) < len(best[1]):
                best = (number, positions)
            if not positions:
                break
        assert best is not None
        return best

    @staticmethod
    def _run(matcher: Matcher, doc: Doc, windows: list[tuple[int, int]], alignments: bool, out: list[Any]) -> None:
        for lo, hi in windows:
            span = doc if (lo, hi) == (0, len(doc)) else Span(doc, lo, hi)
            for m in matcher(span, with_alignments=alignments):
                out.append((m[0], m[1] + lo, m[2] + lo, *m[3:]))

    def __call__(self, doc: Doc, with_alignments: bool | Collection[str] = False) -> list[Any]:
        """The matches of every pattern in ``doc`` as ``(key, start, end)`` (``+ alignments``), sorted
        by start, end and the order the keys were added.

        ``with_alignments`` may name the keys whose matches need alignments: the matches of the others
        are then triples (except those of keys without an anchor, which run together with alignments).
        """
        found: list[Any] = []
        n = len(doc)
        if not n:
            return found
        if len(self.ungated):
            self._run(self.ungated, doc, [(0, n)], bool(with_alignments), found)
        if not self._attrs:
            return self._sorted(found)
        columns = _Columns(doc, self._attrs)
        where: _Windows | None = None
        for key, candidates in self._hits(columns).items():
            gates = self._gates[key]
            if len(candidates) < len(gates):
                continue  # a mandatory word of the pattern is not in the Doc
            aligned = with_alignments if isinstance(with_alignments, bool) else key in with_alignments
            number, positions = self._fewest(gates, candidates, columns, n, aligned)
            if not positions:
                continue  # no place where the pattern's neighbours are right
            gate = gates[number]
            if gate.direct is not None and not (aligned and gate.direct.optional):
                gate.direct(positions, columns, n, aligned, found)
                continue
            if gate.bounded:
                windows = self._merge((max(0, p - gate.before), min(n, p + gate.after + 1)) for p in set(positions))
            else:
                where = where or _Windows(doc, self._sides, columns)
                windows = self._merge(where(gate, set(positions)))
            self._run(gate.matcher, doc, windows, aligned, found)
        return self._sorted(found)

    def _sorted(self, found: list[Any]) -> list[Any]:
        found.sort(key=lambda m: (m[1], m[2], self._order.get(m[0], 0)))
        return found
