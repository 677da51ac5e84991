"""Where a factuality cue reaches: cue classes, the Doc index, clause boundaries, windows and quotations.

The rules are stated in the docstring of :mod:`kg.factuality`; this module holds the
helpers that apply them, so the analyser stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from .doctext import words

SEGMENT_KINDS = ("negation", "hedge", "hypothetical", "condition", "reporting")
SCOPES = frozenset({"before", "after", "both", "forward", "clause", "sentence", "condition", "complement", "none"})
#: label -> (flips polarity, modality it implies, default scope, default window, clause kind)
CUE_CLASSES: dict[str, tuple[bool, str | None, str, int | None, str]] = {
    "NEGATION": (True, None, "before", 4, "negation"),
    "REFUSAL": (True, None, "before", 3, "negation"),
    "INTENT": (False, None, "before", 3, "negation"),
    "UNLIKELY": (True, "Speculative", "clause", None, "hedge"),
    "IMPOSSIBLE": (True, None, "clause", None, "hedge"),
    "HEDGE": (False, "Speculative", "forward", None, "hedge"),
    "FUTURE": (False, None, "forward", None, "hedge"),
    "CONDITION": (False, "Hypothetical", "condition", None, "hypothetical"),
    "HYPOTHETICAL": (False, "Hypothetical", "forward", None, "hypothetical"),
    "DIRECTIVE": (False, "Hypothetical", "forward", None, "hypothetical"),
    "REPORTING": (False, "Reported", "complement", None, "reporting"),
    "DENIAL": (True, "Reported", "complement", None, "reporting"),
    "ACCORDING_TO": (False, "Reported", "sentence", None, "reporting"),
    "BLOCK": (False, None, "none", None, "negation"),
}
LEXICAL_CLASSES = frozenset({"SKIP", "DETERMINER", "BOUNDARY", "AUTHOR", "PREPOSITION", "PERSON_PRONOUN", "EXPLETIVE"})
SELF_LABELS = frozenset({"REPORTING", "DENIAL", "INTENT", "DIRECTIVE"})  # verbs that may be the trigger itself
OPEN_QUOTES, CLOSE_QUOTES, QUOTES = frozenset("“«„"), frozenset("”»"), frozenset('"“”«»„')
MAX_SPEAKER = 8


@dataclass(frozen=True, slots=True)
class Cue:
    label: str
    id: str
    start: int
    end: int
    scope: str
    window: tuple[int, int]
    modal: bool = False


@dataclass
class DocIndex:
    doc: Doc
    cues: list[Cue] = field(default_factory=list)
    lex: dict[str, set[int]] = field(default_factory=dict)
    bounds: dict[int, frozenset[str]] = field(default_factory=dict)  # clause start -> kinds it ends
    words: set[int] = field(default_factory=set)  # one-word boundary words ("which", "that", ":")
    cued: set[int] = field(default_factory=set)  # tokens inside a cue
    quotes: list[tuple[int, int]] = field(default_factory=list)  # (open, close) token indices


def keep(ix: DocIndex, cue: Cue, args: Sequence[tuple[int, int]]) -> bool:
    """False for a cue inside an argument, unless it is a negation opening the argument."""
    for a, b in args:
        if a <= cue.start and cue.end <= b:
            return cue.label == "NEGATION" and gap(ix, a, cue.start) == 0
    return True


def opens_arg(ix: DocIndex, c: Cue, te: int, args: Sequence[tuple[int, int]]) -> bool:
    """Does negation ``c`` stand right before an argument ("..., but not X"; "Russia, not X, ...")?"""
    return any(c.end <= a and not gap(ix, c.end, a) and (te <= a or c.scope == "none") for a, _ in args)


def bears_on(ix: DocIndex, c: Cue, ts: int, te: int) -> bool | str:
    """Whether cue ``c`` bears on the trigger [ts, te); "self" when the cue is the trigger."""
    if c.start < te and ts < c.end:
        # the cue's own verb is the trigger ("refused", "accused"), and words in its gap are not in its scope
        # ("balked at the request to"); the act closing the cue is ("rejected sending", "avoided recognizing")
        governed = ts > c.start and te == c.end
        if not governed and (c.label in SELF_LABELS or (c.label == "REFUSAL" and c.end >= te)):
            return "self"
        return True
    if c.scope in ("sentence", "condition"):
        return True
    lo = min(c.start, ts)
    if c.scope == "clause" and c.end <= ts and fronted(ix, c):
        # a sentence adverbial and its comma ("In all likelihood, Kyiv will ...") open the clause, not end it
        lo = next((k for k in range(c.end, ts) if not (ix.doc[k].is_punct or ix.doc[k].is_space)), ts)
    if not same(ix, CUE_CLASSES[c.label][4], lo, max(c.start, ts)):
        return False
    before = c.end <= ts and gap(ix, c.end, ts) <= c.window[0]
    after = c.start >= te and gap(ix, te, c.start) <= c.window[1]
    if c.label == "NEGATION" and c.start == te and te - 1 in ix.lex["SKIP"]:
        return True  # an auxiliary or copula trigger: "is not", "was never"
    return {"before": before, "after": after, "both": before or after, "forward": before,
            "clause": True}.get(c.scope, False)


def fronted(ix: DocIndex, c: Cue) -> bool:
    """Does cue ``c`` open its sentence (only punctuation and SKIP words before it)?"""
    doc = ix.doc
    return all(doc[k].is_punct or doc[k].is_space or k in ix.lex["SKIP"]
               for k in range(doc[c.start].sent.start, c.start))


def in_condition(ix: DocIndex, cues: list[Cue], c: Cue, ts: int, te: int) -> bool:
    """Is the trigger inside condition ``c``, or in the main clause it conditions?"""
    doc = ix.doc
    seg = max([k for k in ix.bounds if k <= c.start and "hypothetical" in ix.bounds[k]] + [doc[c.start].sent.start])
    if all(k in ix.lex["SKIP"] or k in ix.bounds or doc[k].is_punct for k in range(seg, c.start)):  # fronted
        return ts >= c.start and same(ix, "condition", c.start, ts)
    if ts >= c.start:
        return not any(doc[k].text in ",:;" for k in range(c.end, te)) and same(ix, "condition", c.start, ts)
    return same(ix, "hypothetical", ts, c.start) and any(
        m.label in ("FUTURE", "HYPOTHETICAL") and seg <= m.start < c.start for m in cues)


def same(ix: DocIndex, kind: str, lo: int, hi: int) -> bool:
    """No boundary of ``kind`` in (lo, hi]."""
    return not any(lo < k <= hi and kind in kinds for k, kinds in ix.bounds.items())


def gap(ix: DocIndex, start: int, end: int) -> int:
    """Words in [start, end) that count towards a window (not SKIP, not punctuation)."""
    doc = ix.doc
    return sum(1 for k in range(start, end) if k not in ix.lex["SKIP"] and not (doc[k].is_punct or doc[k].is_space))


def noun_phrase(ix: DocIndex, sent: Span, verb: int) -> tuple[int, int]:
    """Token range of the subject phrase before ``verb`` (adverbs, auxiliaries and commas skipped)."""
    doc, k = ix.doc, verb - 1
    while k >= sent.start and (k in ix.lex["SKIP"] or k in ix.cued or doc[k].text == "," or doc[k].is_space):
        k -= 1
    end = k + 1
    while k >= sent.start and end - k <= MAX_SPEAKER and not (
            doc[k].is_punct and doc[k].text != "-" or k in ix.words or k in ix.cued):
        if k in ix.lex["DETERMINER"]:
            return k, end
        k -= 1
    if k + 1 == end and k in ix.words and k in ix.lex["EXPLETIVE"] and k > sent.start:
        return noun_phrase(ix, sent, k)  # "resolutions that accuse ...": the relative's antecedent
    return k + 1, end


def ends_sentence(doc: Doc, end: int) -> bool:
    """Only spaces and closing quotes follow token ``end - 1`` in its sentence: the "?" of a question,
    not of a parenthesis ("(subsequent?)", even where the sentence splitter cut after it)."""
    if end < len(doc) and doc[end].text in ")]":
        return False
    return all(t.is_space or t.text in QUOTES for t in doc[end:doc[end - 1].sent.end])


def quote_spans(doc: Doc) -> list[tuple[int, int]]:
    """(open, close) token indices of double-quoted passages; a paragraph break closes them."""
    spans, opened = [], None
    for i, text in enumerate(words(doc).text):
        paragraph = text.isspace() and text.count("\n") >= 2  # isspace: what Token.is_space is
        if opened is not None and (paragraph or text in CLOSE_QUOTES or text == '"'):
            spans.append((opened, i))
            opened = None
        elif text in OPEN_QUOTES or text == '"':
            opened = i
    return spans + ([(opened, len(doc))] if opened is not None else [])
