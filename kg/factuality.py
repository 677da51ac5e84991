"""Polarity, modality and attribution of one relation mention, from rule cues.

Cue words are spaCy Matcher rows in ``ontology/patterns/factuality.jsonl``; this module only
knows what each cue class (row label) does, and :mod:`kg.factuality_scope` how far a cue
reaches. Of overlapping matches the longest wins, so ``BLOCK`` rows ("not only", "no doubt",
"as if") switch off the cue words inside them. A ``final`` row counts only at the end of its
sentence: the "?" of a question (Speculative), not of "(subsequent?)".

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
unlikely"; a fronted one, "In all likelihood, Kyiv ...", also reaches past its comma);
``sentence`` ("according to"); ``condition`` (if, unless, whether, "should X
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
"wants") leaves it positive and asserted, as do words inside a cue's gap ("balked at the
request to"); the act closing a cue is in its scope ("rejected sending", "denied meeting").

Modality, by precedence Hypothetical > Reported > Speculative > Asserted. Reported needs a
speaker: the phrase before the speech verb (its last entity is ``attributed_to``; a capital
stands for its country; "he"/"she" for the last person named up to two sentences back), the
phrase after "according to", or for a quotation of 3+ words the speaker introducing it, also
from the previous sentence. Of nested frames the innermost with a speaker wins ("said in a
statement that": a prepositional phrase is no speaker). The author's "I think" and speakerless reports ("it is said",
"reportedly") are Speculative. Attribution is kept when a higher modality wins. A ``modal``
row ("would") is a backshifted future inside reported speech and a prediction (Speculative)
when a hedge follows ("would most probably"). Plain "will" and intent ("wants to") stay
Asserted, the cue recorded; a request's complement ("urged X to release") is Hypothetical.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from .errors import PatternError
from .factuality_scope import (
    CUE_CLASSES,
    LEXICAL_CLASSES,
    MAX_SPEAKER,
    QUOTES,
    SCOPES,
    SEGMENT_KINDS,
    Cue,
    DocIndex,
    bears_on,
    ends_sentence,
    gap,
    in_condition,
    keep,
    noun_phrase,
    opens_arg,
    quote_spans,
    same,
)
from .matching import GatedMatcher
from .resources import Resources

logger = logging.getLogger(__name__)

PATTERN_NAME = "factuality"
MODALITY_ORDER = ("Hypothetical", "Reported", "Speculative")
_FRAME_LABELS = frozenset({"REPORTING", "DENIAL", "ACCORDING_TO"})
_NEGATABLE = frozenset({"REFUSAL", "UNLIKELY", "IMPOSSIBLE", "HEDGE", "INTENT", "REPORTING", "DENIAL"})
ATTACH_WINDOW = 2  # words between a negation and the cue it negates
TRAILING_MAX = 4  # words after a speech verb that still make it a trailing "..., X said."
MIN_QUOTE_WORDS = 3
ANAPHOR_SENTENCES = 2


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
class _Frame:
    start: int  # the tokens the speech covers
    end: int
    cue: Cue | None  # None for a quotation without a speech verb
    speaker: str | None
    text: str | None
    author: bool = False


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
    if not isinstance(row.get("final", False), bool):
        raise PatternError(f"{where}: 'final' must be true or false")


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
        self.matcher = GatedMatcher(vocab)
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
        self._cache: DocIndex | None = None

    def analyze(self, sent: Span, trigger: tuple[int, int], args: Sequence[tuple[int, int]] = ()) -> Factuality:
        """Factuality of the relation whose verb or noun phrase spans ``trigger``.

        Args:
            sent: The sentence holding the relation.
            trigger: Doc token range (start, end exclusive) of the relation's verb or noun phrase.
            args: Doc token ranges of its arguments (subject, object), so cues inside them are told apart.
        """
        ix = self._index(sent.doc)
        ts, te = trigger
        cues = [c for c in ix.cues if sent.start <= c.start and c.end <= sent.end and keep(ix, c, args)]
        target = self._attach(ix, cues)
        frame = self._frame(ix, sent, cues, ts, te)
        speech = frame.start if frame is not None and frame.cue is not None else None
        fired: list[Cue] = []
        modalities: set[str] = set()
        flips, direct = 0, False
        for c in cues:
            where = bears_on(ix, c, ts, te)
            if c.label == "NEGATION":
                if c in target:  # it negates another cue; that cue may be the trigger itself
                    aim = bears_on(ix, target[c], ts, te)
                    hit, direct = bool(aim), direct or aim == "self"
                else:
                    hit = where is True or opens_arg(ix, c, te, args)
                    direct = direct or hit
                fired += [c] if hit else []
                continue
            if where is not True or c.label in _FRAME_LABELS:
                continue
            if c.label == "CONDITION" and not in_condition(ix, cues, c, ts, te):
                continue
            negated = c in target.values()
            flips += CUE_CLASSES[c.label][0] ^ negated
            fired.append(c)
            mod = CUE_CLASSES[c.label][1]
            if c.modal and speech is not None and speech <= c.start and same(ix, "hypothetical", speech, c.start):
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

    def _index(self, doc: Doc) -> DocIndex:
        """Cue matches, word classes, clause boundaries and quotations of a Doc (cached for the last Doc)."""
        if self._cache is not None and self._cache.doc is doc:
            return self._cache
        ix = DocIndex(doc, lex={name: set() for name in LEXICAL_CLASSES})
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
            if not taken.isdisjoint(range(start, end)) or (row.get("final") and not ends_sentence(doc, end)):
                continue
            taken.update(range(start, end))
            inner.update(range(start, end) if end - start > 1 else ())
            _, _, scope, default, _ = CUE_CLASSES[row["label"]]
            w = row.get("window", 10**6 if default is None else default)
            window = (w[0], w[1]) if isinstance(w, list) else (w, w)
            if row["label"] != "BLOCK":
                ix.cues.append(Cue(row["label"], row["id"], start, end, row.get("scope", scope), window,
                                    bool(row.get("modal"))))
        for start, end, kinds in bounds:
            ix.words.update([start] if end - start == 1 else [])
            if end - 1 not in inner:
                ix.bounds[end - 1] = ix.bounds.get(end - 1, frozenset()) | kinds
        ix.cues.sort(key=lambda c: c.start)
        ix.cued = {k for c in ix.cues for k in range(c.start, c.end)}
        ix.quotes = quote_spans(doc)
        self._cache = ix
        return ix

    @staticmethod
    def _attach(ix: DocIndex, cues: list[Cue]) -> dict[Cue, Cue]:
        """Negations that negate the next cue rather than the trigger ("not unlikely")."""
        out: dict[Cue, Cue] = {}
        for n in (c for c in cues if c.label == "NEGATION"):
            nxt = next((c for c in cues if c.start >= n.end), None)
            if (nxt and nxt.label in _NEGATABLE and gap(ix, n.end, nxt.start) <= ATTACH_WINDOW
                    and same(ix, "negation", n.start, nxt.start)):
                out[n] = nxt
        return out

    def _frame(self, ix: DocIndex, sent: Span, cues: list[Cue], ts: int, te: int) -> _Frame | None:
        """The innermost speech frame covering the trigger, else the quotation holding it."""
        frames = [f for f in self._frames(ix, sent, cues) if f.start <= ts and te <= f.end]
        if frames:  # the innermost frame with a speaker ("said in a statement that": the one of "said")
            return min(frames, key=lambda f: (not (f.speaker or f.text), f.end - f.start))
        quote = next(((o, c) for o, c in ix.quotes if o < ts and te <= c), None)
        if quote is None or sum(t.is_alpha for t in ix.doc[quote[0]:quote[1]]) < MIN_QUOTE_WORDS:
            return None
        return _Frame(quote[0], quote[1], None, *self._quote_speaker(ix, quote[0]))

    def _frames(self, ix: DocIndex, sent: Span, cues: list[Cue]) -> list[_Frame]:
        """Speech frames of a sentence: what each speech verb or "according to" covers, and who speaks."""
        doc, out = ix.doc, []
        for c in (c for c in cues if c.label in _FRAME_LABELS):
            if c.label == "ACCORDING_TO":
                end = next((k for k in range(c.end, sent.end) if doc[k].is_punct), sent.end)
                out.append(_Frame(sent.start, sent.end, c, *self._speaker(ix, c.end, min(end, c.end + MAX_SPEAKER))))
                continue
            opened = any(k in ix.words or doc[k].text in QUOTES for k in range(c.end - 1, min(c.end + 1, sent.end)))
            kind = "reporting" if opened else "condition"
            seg_end = next((k for k in range(c.end, sent.end) if kind in ix.bounds.get(k, ())), sent.end)
            words = [k for k in range(c.end, seg_end) if not doc[k].is_punct]
            marked = any(k in ix.bounds or doc[k].text in QUOTES for k in range(c.end, seg_end))
            lead = next((k for k in range(c.start - 1, max(sent.start, c.start - 8) - 1, -1)
                         if doc[k].text == "," or doc[k].text in QUOTES), None)
            if lead is not None and not marked and len(words) <= TRAILING_MAX:  # "..., the minister said."
                seg_start = max([k for k in ix.bounds if sent.start <= k <= lead and "reporting" in ix.bounds[k]]
                                + [sent.start])
                who = (lead + 1, c.start) if gap(ix, lead + 1, c.start) else (c.end, c.end + len(words) + 1)
                if gap(ix, seg_start, lead) >= 2:
                    out.append(_Frame(seg_start, lead, c, *self._speaker(ix, *who)))
            if c.scope != "after" and words:
                start, end = noun_phrase(ix, sent, c.start)
                author = start < end and all(k in ix.lex["AUTHOR"] for k in range(start, end))
                if author and any(o < c.start < q for o, q in ix.quotes):
                    continue  # "I think" inside a quotation is the quoted speaker's, not the author's
                out.append(_Frame(c.end, seg_end, c, *self._speaker(ix, start, end), author=author))
        return out

    def _speaker(self, ix: DocIndex, start: int, end: int) -> tuple[str | None, str | None]:
        """Entity id and text of the speaker phrase ``doc[start:end]`` (None, None for "it", "this")."""
        doc = ix.doc
        while start < end and (doc[start].is_punct or doc[start].is_space):
            start += 1
        empty = ix.lex["DETERMINER"] | ix.lex["EXPLETIVE"] | ix.lex["PREPOSITION"]  # "in a statement that": no speaker
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

    def _quote_speaker(self, ix: DocIndex, open_at: int) -> tuple[str | None, str | None]:
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
