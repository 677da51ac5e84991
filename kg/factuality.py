"""Polarity, modality and attribution of one relation mention, from rule cues.

Cue words are spaCy Matcher rows in ``ontology/patterns/factuality.jsonl``; this module only
knows what each cue class (row label) does. Of overlapping matches the longest wins, so
``BLOCK`` rows ("not only", "no doubt", "as if") switch off the cue words inside them.

Clauses: a ``BOUNDARY`` row starts a clause for the scope kinds it ``blocks``: ";" ends all;
"but", "while", "though" all but a speech complement opened by "that", ":" or a quote;
"which", "who", "when", "after" end negation, hedge and hypothetical scopes; "that", "if",
"whether", "and" end a negation; a comma before a new subject (an entity, a pronoun) ends
negation and hedge scopes. Boundaries inside a multi-word cue do not count.

Scopes (row ``scope``; ``window`` counts the words between cue and trigger, SKIP words, i.e.
auxiliaries, adverbs, determiners, and punctuation not counted): ``before`` the trigger in
its clause within the window (NEGATION, 4: "did not formally recognize", and right after an
auxiliary trigger: "is not"; REFUSAL: "refused to recognize", "balked at the request to
recognize"; INTENT); ``after`` and ``both`` likewise ("sent no troops"); ``forward``: after
the cue in the clause within the window ("might", "would"); ``clause`` ("probably", "is
unlikely"); ``sentence`` ("according to"); ``condition`` (if, unless, whether, "should X
happen"): a fronted condition covers the rest of the sentence up to ";" or "but", a later one
runs to the next comma and also covers the clause before it when that has "will" or "would";
``complement`` (REPORTING, DENIAL): what follows the speech verb ("said that", "warned:",
"accused X of"), or what precedes a verb closing its clause ("..., the minister said.").

Polarity: a negation right before another cue negates that cue ("not unlikely" is positive
speculative; "did not refuse"; "does not seem"). Direct negations count once ("neither ...
nor"); each refusal, unlikely, impossible, denial or negated cue flips. A negation right
before an argument that follows the trigger negates the relation with that argument ("wants
ties, but not incorporation"). Cues inside an argument are ignored, save a negation opening
it ("sent no troops"). A refusal or speech verb that *is* the trigger ("refused", "accused",
"wants") leaves it positive and asserted.

Modality, by precedence Hypothetical > Reported > Speculative > Asserted. Reported needs a
speaker: the phrase before the speech verb (its last entity is ``attributed_to``; a capital
stands for its country; "he"/"she" for the last person named up to two sentences back), the
phrase after "according to", or for a quotation of 3+ words the speaker introducing it, also
from the previous sentence. The author's "I think" and speakerless reports ("it is said",
"reportedly") are Speculative. Attribution is kept when a higher modality wins. A ``modal``
row ("would") is a backshifted future inside reported speech and a prediction (Speculative)
when a hedge follows ("would most probably"). Plain "will" and intent ("wants to") stay
Asserted, the cue recorded; a request's complement ("urged X to release") is Hypothetical.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from .errors import PatternError
from .resources import Resources

logger = logging.getLogger(__name__)

PATTERN_NAME = "factuality"
MODALITY_ORDER = ("Hypothetical", "Reported", "Speculative")
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
LEXICAL_CLASSES = frozenset({"SKIP", "DETERMINER", "BOUNDARY", "AUTHOR", "PERSON_PRONOUN", "EXPLETIVE"})
_SELF_LABELS = frozenset({"REPORTING", "DENIAL", "INTENT", "DIRECTIVE"})  # verbs that may be the trigger itself
_FRAME_LABELS = frozenset({"REPORTING", "DENIAL", "ACCORDING_TO"})
_NEGATABLE = frozenset({"REFUSAL", "UNLIKELY", "IMPOSSIBLE", "HEDGE", "INTENT", "REPORTING", "DENIAL"})
ATTACH_WINDOW = 2  # words between a negation and the cue it negates
TRAILING_MAX = 4  # words after a speech verb that still make it a trailing "..., X said."
MAX_SPEAKER = 8
MIN_QUOTE_WORDS = 3
ANAPHOR_SENTENCES = 2
_OPEN_QUOTES, _CLOSE_QUOTES, _QUOTES = frozenset("“«„"), frozenset("”»"), frozenset('"“”«»„')


@dataclass(frozen=True, slots=True)
class Factuality:
    """Epistemic status of one relation mention.

    Attributes:
        polarity: ``Positive`` or ``Negative``.
        modality: ``Asserted``, ``Reported``, ``Speculative`` or ``Hypothetical``.
        attributed_to: Entity id of the speaker of reported content, if known.
        attributed_text: Surface text of the speaker ("the official Kremlin website").
        cues: Ids of the cue rows that fired, in text order, for explanations.
    """

    polarity: str = "Positive"
    modality: str = "Asserted"
    attributed_to: str | None = None
    attributed_text: str | None = None
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Cue:
    label: str
    id: str
    start: int
    end: int
    scope: str
    window: tuple[int, int]
    modal: bool = False


@dataclass(frozen=True, slots=True)
class _Frame:
    start: int  # the tokens the speech covers
    end: int
    cue: _Cue | None  # None for a quotation without a speech verb
    speaker: str | None
    text: str | None
    author: bool = False


@dataclass
class _DocIndex:
    doc: Doc
    cues: list[_Cue] = field(default_factory=list)
    lex: dict[str, set[int]] = field(default_factory=dict)
    bounds: dict[int, frozenset[str]] = field(default_factory=dict)  # clause start -> kinds it ends
    words: set[int] = field(default_factory=set)  # one-word boundary words ("which", "that", ":")
    cued: set[int] = field(default_factory=set)  # tokens inside a cue
    quotes: list[tuple[int, int]] = field(default_factory=list)  # (open, close) token indices


def _check_row(where: str, row: dict[str, Any]) -> None:
    label = row.get("label")
    if label not in CUE_CLASSES and label not in LEXICAL_CLASSES:
        raise PatternError(f"{where}: unknown label {label!r}; use one of {sorted({*CUE_CLASSES, *LEXICAL_CLASSES})}")
    if row.get("scope", "before") not in SCOPES:
        raise PatternError(f"{where}: unknown scope {row['scope']!r}; use one of {sorted(SCOPES)}")
    window = row.get("window", 0)
    flat = window if isinstance(window, list) else [window]
    if len(flat) not in (1, 2) or not all(isinstance(w, int) and w >= 0 for w in flat):
        raise PatternError(f"{where}: 'window' must be a word count or [before, after]")
    if not set(row.get("blocks", [])) <= set(SEGMENT_KINDS):
        raise PatternError(f"{where}: 'blocks' must list scope kinds among {SEGMENT_KINDS}")


class FactualityAnalyzer:
    """Decides polarity, modality and attribution of relation mentions.

    Args:
        resources: Loaded ontology folder (the ``factuality`` pattern rows and the registry).
        vocab: The pipeline's vocabulary.

    Raises:
        PatternError: a row has an unknown label, scope or window, or an invalid pattern.
    """

    def __init__(self, resources: Resources, vocab: Any) -> None:
        self.registry = resources.registry
        self.matcher = Matcher(vocab, validate=True)
        self.rows: dict[str, dict[str, Any]] = {}
        path = resources.root / "patterns" / f"{PATTERN_NAME}.jsonl"
        for i, row in enumerate(resources.pattern_rows(PATTERN_NAME)):
            where = f"{path} row {i + 1} (id {row.get('id', '?')!r})"
            _check_row(where, row)
            key = f"{PATTERN_NAME}-{i}"
            try:
                self.matcher.add(key, [row["pattern"]])
            except (KeyError, ValueError) as exc:
                raise PatternError(f"{where}: invalid Matcher pattern ({exc})") from exc
            self.rows[key] = {**row, "id": row.get("id") or f"{row['label'].lower()}-{i + 1}"}
        logger.debug("%d factuality rows from %s", len(self.rows), path)
        self._cache: _DocIndex | None = None

    def analyze(self, sent: Span, trigger: tuple[int, int], args: Sequence[tuple[int, int]] = ()) -> Factuality:
        """Factuality of the relation whose verb or noun phrase spans ``trigger``.

        Args:
            sent: The sentence holding the relation.
            trigger: Doc token range (start, end exclusive) of the relation's verb or noun phrase.
            args: Doc token ranges of its arguments (subject, object), so cues inside them are told apart.
        """
        ix = self._index(sent.doc)
        ts, te = trigger
        cues = [c for c in ix.cues if sent.start <= c.start and c.end <= sent.end and _keep(ix, c, args)]
        target = self._attach(ix, cues)
        frame = self._frame(ix, sent, cues, ts, te)
        speech = frame.start if frame is not None and frame.cue is not None else None
        fired: list[_Cue] = []
        modalities: set[str] = set()
        flips, direct = 0, False
        for c in cues:
            where = _where(ix, c, ts, te)
            if c.label == "NEGATION":
                if c in target:  # it negates another cue; that cue may be the trigger itself
                    aim = _where(ix, target[c], ts, te)
                    hit, direct = bool(aim), direct or aim == "self"
                else:
                    hit = where is True or _opens_arg(ix, c, te, args)
                    direct = direct or hit
                fired += [c] if hit else []
                continue
            if where is not True or c.label in _FRAME_LABELS:
                continue
            if c.label == "CONDITION" and not _in_condition(ix, cues, c, ts, te):
                continue
            negated = c in target.values()
            flips += CUE_CLASSES[c.label][0] ^ negated
            fired.append(c)
            mod = CUE_CLASSES[c.label][1]
            if c.modal and speech is not None and speech <= c.start and _same(ix, "hypothetical", speech, c.start):
                continue  # "said Russia would help": a backshifted future, not a condition
            if c.modal and any(h.label == "HEDGE" and c.end <= h.start and h.end <= ts for h in cues):
                mod = "Speculative"  # "would most probably be": a prediction
            if c.label == "IMPOSSIBLE" and negated:
                mod = "Speculative"  # "not impossible"
            if mod:
                modalities.add(mod)
        speaker = text = None
        if frame is not None:
            if frame.cue is not None:
                flips += CUE_CLASSES[frame.cue.label][0] ^ (frame.cue in target.values())
                fired += [frame.cue, *(n for n, t in target.items() if t is frame.cue)]
            named = (frame.speaker or frame.text) and not frame.author
            modalities.add("Reported" if named else "Speculative")
            speaker, text = (frame.speaker, frame.text) if not frame.author else (None, None)
        ids = tuple(dict.fromkeys(c.id for c in sorted(fired, key=lambda c: c.start)))
        ids += ("quotation",) if frame is not None and frame.cue is None else ()
        ids += ("author",) if frame is not None and frame.author else ()
        polarity = "Negative" if (flips + direct) % 2 else "Positive"
        modality = next((m for m in MODALITY_ORDER if m in modalities), "Asserted")
        return Factuality(polarity, modality, speaker, text, ids)

    def _index(self, doc: Doc) -> _DocIndex:
        """Cue matches, word classes, clause boundaries and quotations of a Doc (cached for the last Doc)."""
        if self._cache is not None and self._cache.doc is doc:
            return self._cache
        ix = _DocIndex(doc, lex={name: set() for name in LEXICAL_CLASSES})
        found, bounds = [], []
        for key, start, end in self.matcher(doc):
            row = self.rows[doc.vocab.strings[key]]
            if row["label"] == "BOUNDARY":
                bounds.append((start, end, frozenset(row.get("blocks", SEGMENT_KINDS))))
            elif row["label"] in LEXICAL_CLASSES:
                ix.lex[row["label"]].update(range(start, end))
            else:
                found.append((start, end, row))
        taken: set[int] = set()
        inner: set[int] = set()  # tokens of multi-word cues and idioms: never a boundary
        for start, end, row in sorted(found, key=lambda m: (m[0] - m[1], m[0], m[2]["id"])):
            if not taken.isdisjoint(range(start, end)):
                continue
            taken.update(range(start, end))
            inner.update(range(start, end) if end - start > 1 else ())
            _, _, scope, default, _ = CUE_CLASSES[row["label"]]
            w = row.get("window", 10**6 if default is None else default)
            window = (w[0], w[1]) if isinstance(w, list) else (w, w)
            if row["label"] != "BLOCK":
                ix.cues.append(_Cue(row["label"], row["id"], start, end, row.get("scope", scope), window,
                                    bool(row.get("modal"))))
        for start, end, kinds in bounds:
            ix.words.update([start] if end - start == 1 else [])
            if end - 1 not in inner:
                ix.bounds[end - 1] = ix.bounds.get(end - 1, frozenset()) | kinds
        ix.cues.sort(key=lambda c: c.start)
        ix.cued = {k for c in ix.cues for k in range(c.start, c.end)}
        ix.quotes = _quote_spans(doc)
        self._cache = ix
        return ix

    @staticmethod
    def _attach(ix: _DocIndex, cues: list[_Cue]) -> dict[_Cue, _Cue]:
        """Negations that negate the next cue rather than the trigger ("not unlikely")."""
        out: dict[_Cue, _Cue] = {}
        for n in (c for c in cues if c.label == "NEGATION"):
            nxt = next((c for c in cues if c.start >= n.end), None)
            if (nxt and nxt.label in _NEGATABLE and _gap(ix, n.end, nxt.start) <= ATTACH_WINDOW
                    and _same(ix, "negation", n.start, nxt.start)):
                out[n] = nxt
        return out

    def _frame(self, ix: _DocIndex, sent: Span, cues: list[_Cue], ts: int, te: int) -> _Frame | None:
        """The innermost speech frame covering the trigger, else the quotation holding it."""
        frames = [f for f in self._frames(ix, sent, cues) if f.start <= ts and te <= f.end]
        if frames:
            return min(frames, key=lambda f: f.end - f.start)
        quote = next(((o, c) for o, c in ix.quotes if o < ts and te <= c), None)
        if quote is None or sum(t.is_alpha for t in ix.doc[quote[0]:quote[1]]) < MIN_QUOTE_WORDS:
            return None
        return _Frame(quote[0], quote[1], None, *self._quote_speaker(ix, quote[0]))

    def _frames(self, ix: _DocIndex, sent: Span, cues: list[_Cue]) -> list[_Frame]:
        """Speech frames of a sentence: what each speech verb or "according to" covers, and who speaks."""
        doc, out = ix.doc, []
        for c in (c for c in cues if c.label in _FRAME_LABELS):
            if c.label == "ACCORDING_TO":
                end = next((k for k in range(c.end, sent.end) if doc[k].is_punct), sent.end)
                out.append(_Frame(sent.start, sent.end, c, *self._speaker(ix, c.end, min(end, c.end + MAX_SPEAKER))))
                continue
            opened = any(k in ix.words or doc[k].text in _QUOTES for k in range(c.end - 1, min(c.end + 1, sent.end)))
            kind = "reporting" if opened else "condition"
            seg_end = next((k for k in range(c.end, sent.end) if kind in ix.bounds.get(k, ())), sent.end)
            words = [k for k in range(c.end, seg_end) if not doc[k].is_punct]
            marked = any(k in ix.bounds or doc[k].text in _QUOTES for k in range(c.end, seg_end))
            lead = next((k for k in range(c.start - 1, max(sent.start, c.start - 8) - 1, -1)
                         if doc[k].text == "," or doc[k].text in _QUOTES), None)
            if lead is not None and not marked and len(words) <= TRAILING_MAX:  # "..., the minister said."
                seg_start = max([k for k in ix.bounds if sent.start <= k <= lead and "reporting" in ix.bounds[k]]
                                + [sent.start])
                who = (lead + 1, c.start) if _gap(ix, lead + 1, c.start) else (c.end, c.end + len(words) + 1)
                if _gap(ix, seg_start, lead) >= 2:
                    out.append(_Frame(seg_start, lead, c, *self._speaker(ix, *who)))
            if c.scope != "after" and words:
                start, end = _noun_phrase(ix, sent, c.start)
                author = start < end and all(k in ix.lex["AUTHOR"] for k in range(start, end))
                if author and any(o < c.start < q for o, q in ix.quotes):
                    continue  # "I think" inside a quotation is the quoted speaker's, not the author's
                out.append(_Frame(c.end, seg_end, c, *self._speaker(ix, start, end), author=author))
        return out

    def _speaker(self, ix: _DocIndex, start: int, end: int) -> tuple[str | None, str | None]:
        """Entity id and text of the speaker phrase ``doc[start:end]`` (None, None for "it", "this")."""
        doc = ix.doc
        while start < end and (doc[start].is_punct or doc[start].is_space):
            start += 1
        empty = ix.lex["DETERMINER"] | ix.lex["EXPLETIVE"]
        content = [k for k in range(start, end) if k not in empty and not doc[k].is_punct]
        if not content:
            return None, None
        text = doc[start:end].text
        if all(k in ix.lex["PERSON_PRONOUN"] for k in content):  # "he said": the last person named
            first = doc[start].sent.start
            for _ in range(ANAPHOR_SENTENCES):
                first = doc[first - 1].sent.start if first > 0 else first
            people = [e.id_ for e in doc.ents if first <= e.start and e.end <= start and e.label_ == "Person"]
            return (people[-1] if people else None), text
        ents = [e for e in doc.ents if start <= e.start and e.end <= end and e.id_]
        if not ents:
            return None, text
        entry = self.registry.get(ents[-1].id_)
        polity = entry.polity if entry is not None and entry.type == "City" else None
        return polity or ents[-1].id_, text

    def _quote_speaker(self, ix: _DocIndex, open_at: int) -> tuple[str | None, str | None]:
        """Speaker of the quotation opening at ``open_at``: the speech verb framing it, the entity
        before an introducing colon or comma, or the last speaker of the previous sentence."""
        doc, sent = ix.doc, ix.doc[open_at].sent
        for f in self._frames(ix, sent, [c for c in ix.cues if sent.start <= c.start < sent.end]):
            if f.start <= open_at + 1 <= f.end and (f.speaker or f.text) and not f.author:
                return f.speaker, f.text
        before = [k for k in range(sent.start, open_at) if not doc[k].is_space]
        if before and doc[before[-1]].text in (":", ","):
            ents = [e for e in doc.ents if sent.start <= e.start and e.end <= before[-1] and e.id_]
            if ents:
                return self._speaker(ix, ents[-1].start, ents[-1].end)
        if not before and sent.start > 0:
            prev = doc[sent.start - 1].sent
            frames = self._frames(ix, prev, [c for c in ix.cues if prev.start <= c.start < prev.end])
            named = [f for f in frames if (f.speaker or f.text) and not f.author]
            if named:
                return named[-1].speaker, named[-1].text
        return None, None


def _keep(ix: _DocIndex, cue: _Cue, args: Sequence[tuple[int, int]]) -> bool:
    """False for a cue inside an argument, unless it is a negation opening the argument."""
    for a, b in args:
        if a <= cue.start and cue.end <= b:
            return cue.label == "NEGATION" and _gap(ix, a, cue.start) == 0
    return True


def _opens_arg(ix: _DocIndex, c: _Cue, te: int, args: Sequence[tuple[int, int]]) -> bool:
    """Does negation ``c`` stand right before an argument ("..., but not X"; "Russia, not X, ...")?"""
    return any(c.end <= a and not _gap(ix, c.end, a) and (te <= a or c.scope == "none") for a, _ in args)


def _where(ix: _DocIndex, c: _Cue, ts: int, te: int) -> bool | str:
    """Whether cue ``c`` bears on the trigger [ts, te); "self" when the cue is the trigger."""
    if c.start < te and ts < c.end:
        if c.label in _SELF_LABELS or (c.label == "REFUSAL" and c.end >= te):
            return "self"
        return True
    if c.scope in ("sentence", "condition"):
        return True
    if not _same(ix, CUE_CLASSES[c.label][4], min(c.start, ts), max(c.start, ts)):
        return False
    before = c.end <= ts and _gap(ix, c.end, ts) <= c.window[0]
    after = c.start >= te and _gap(ix, te, c.start) <= c.window[1]
    if c.label == "NEGATION" and c.start == te and te - 1 in ix.lex["SKIP"]:
        return True  # an auxiliary or copula trigger: "is not", "was never"
    return {"before": before, "after": after, "both": before or after, "forward": before,
            "clause": True}.get(c.scope, False)


def _in_condition(ix: _DocIndex, cues: list[_Cue], c: _Cue, ts: int, te: int) -> bool:
    """Is the trigger inside condition ``c``, or in the main clause it conditions?"""
    doc = ix.doc
    seg = max([k for k in ix.bounds if k <= c.start and "hypothetical" in ix.bounds[k]] + [doc[c.start].sent.start])
    if all(k in ix.lex["SKIP"] or k in ix.bounds or doc[k].is_punct for k in range(seg, c.start)):  # fronted
        return ts >= c.start and _same(ix, "condition", c.start, ts)
    if ts >= c.start:
        return not any(doc[k].text in ",:;" for k in range(c.end, te)) and _same(ix, "condition", c.start, ts)
    return _same(ix, "hypothetical", ts, c.start) and any(
        m.label in ("FUTURE", "HYPOTHETICAL") and seg <= m.start < c.start for m in cues)


def _same(ix: _DocIndex, kind: str, lo: int, hi: int) -> bool:
    """No boundary of ``kind`` in (lo, hi]."""
    return not any(lo < k <= hi and kind in kinds for k, kinds in ix.bounds.items())


def _gap(ix: _DocIndex, start: int, end: int) -> int:
    """Words in [start, end) that count towards a window (not SKIP, not punctuation)."""
    doc = ix.doc
    return sum(1 for k in range(start, end) if k not in ix.lex["SKIP"] and not (doc[k].is_punct or doc[k].is_space))


def _noun_phrase(ix: _DocIndex, sent: Span, verb: int) -> tuple[int, int]:
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
        return _noun_phrase(ix, sent, k)  # "resolutions that accuse ...": the relative's antecedent
    return k + 1, end


def _quote_spans(doc: Doc) -> list[tuple[int, int]]:
    """(open, close) token indices of double-quoted passages; a paragraph break closes them."""
    spans, opened = [], None
    for tok in doc:
        paragraph = tok.is_space and tok.text.count("\n") >= 2
        if opened is not None and (paragraph or tok.text in _CLOSE_QUOTES or tok.text == '"'):
            spans.append((opened, tok.i))
            opened = None
        elif tok.text in _OPEN_QUOTES or tok.text == '"':
            opened = tok.i
    return spans + ([(opened, len(doc))] if opened is not None else [])
