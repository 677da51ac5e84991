"""Doc + mentions -> Claims: trigger patterns, argument frames, roles and quantities.

Triggers are spaCy Matcher rows in ontology/patterns/relations.jsonl (verb and noun
classes by lemma). Arguments are found around each trigger without a parser:
the subject is the nearest actor to the left in the same clause (with actors
coordinated to it), the object the nearest entity of the allowed family to the
right. Every claim then passes through the factuality analyser, so negated,
hedged, conditional and reported statements never come out as plain facts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from .errors import PatternError
from .factuality import FactualityAnalyzer
from .records import Article, Claim, Span, TimeValue
from .resources import Resources

logger = logging.getLogger(__name__)

_ORG = frozenset({"Organization", "IntergovernmentalOrganization", "MilitaryAlliance", "EconomicUnion",
                  "ArmedGroup", "MediaOutlet", "PoliticalParty", "GovernmentBody"})
_PLACE = frozenset({"Country", "City", "Territory", "Facility"})
#: Class families a row's "object_types" may name.
FAMILIES: dict[str, frozenset[str]] = {
    "ORG": _ORG,
    "PLACE": _PLACE,
    "ACTOR": _ORG | {"Country", "City", "Territory", "Person"},
    "AGREEMENT": frozenset({"Agreement"}),
    "INITIATIVE": frozenset({"Initiative"}),
    "GROUPING": _ORG | {"Initiative"},
    "WEAPON": frozenset({"WeaponSystem"}),
    "ANY": _ORG | _PLACE | {"Person", "Initiative", "Agreement", "Event", "WeaponSystem"},
}
_FRAMES = ("SVO", "SYM", "INV")
_BOUNDARY = frozenset({";", "which", "who", "whom", "whose", "while", "whereas", "but", "although", "though",
                       "because", "unlike", "despite", "that", "hence", "thus", "therefore"})
_COORD = frozenset({"and", ",", "both", "as", "well", "or", "the", "presidents", "leaders"})
#: A mention right after one of these is an oblique argument, never the subject.
_PREPOSITIONS = frozenset({"to", "for", "with", "from", "against", "of", "in", "at", "on", "into", "toward",
                           "towards", "by", "between", "among", "about", "over", "like"})
#: Factuality cue families meaning the act is wished, planned or requested, not done.
_UNREALISED = frozenset({"intent", "future", "directive"})
_PREFIXES = frozenset({"anti", "pro", "non", "post", "pre", "neo", "ex"})
_POSSESSIVE = frozenset({"'s", "'", "’s", "’"})
_WINDOW = 15

#: (sentence text, article, trigger offset in the sentence) -> the time of the claim
TimeFinder = Callable[[str, Article, int], TimeValue | None]


@dataclass(frozen=True, slots=True)
class _Arg:
    start: int
    end: int
    entity: str
    kind: str


class RelationExtractor:
    """Finds claims in one article's Doc; built once per pipeline.

    Args:
        resources: Loaded ontology folder (``relations`` pattern rows).
        vocab: The pipeline's vocabulary.
        factuality: Analyser giving polarity, modality and attribution of each claim.
        times: Optional function returning the time of a sentence's event.
    """

    def __init__(self, resources: Resources, vocab: Any, factuality: FactualityAnalyzer,
                 times: TimeFinder | None = None) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.matcher = Matcher(vocab, validate=True)
        for i, row in enumerate(resources.pattern_rows("relations"), 1):
            where = f"{resources.root}/patterns/relations.jsonl row {i}"
            if row.get("frame") not in _FRAMES or row.get("object_types") not in FAMILIES:
                raise PatternError(f"{where}: 'frame' must be one of {_FRAMES} and 'object_types' one of "
                                   f"{sorted(FAMILIES)}")
            try:
                self.matcher.add(row["id"], [row["pattern"]], greedy="LONGEST")
            except (KeyError, ValueError) as exc:
                raise PatternError(f"{where}: {exc}") from exc
            self.rows[row["id"]] = row
        self.factuality = factuality
        self.times = times

    def __call__(self, doc: Doc, article: Article, token_spans: Sequence[tuple[int, int, str, str]],
                 classes: dict[str, str]) -> list[Claim]:
        """Claims of one article.

        Args:
            doc: The parsed cleaned text.
            article: The article (for offsets and the publication date).
            token_spans: ``(start, end, entity_id, kind)`` of each mention.
            classes: Entity id -> gk: class, for type constraints.
        """
        args = _outer_args(doc, token_spans)
        claims: dict[tuple[Any, ...], Claim] = {}
        matches = sorted(self.matcher(doc), key=lambda m: (m[1], m[2]))
        for match_id, start, end in matches:
            row = self.rows[doc.vocab.strings[match_id]]
            if any(a.start < end and start < a.end for a in args):
                continue  # the trigger word is part of a name ("Partnership and Cooperation Agreement")
            if any(s <= start and end <= e for s, e in _skip_tokens(doc, article)):
                continue
            sent = doc[start].sent
            for claim in self._claims(doc, sent, (start, end), row, args, article, classes):
                claims.setdefault((claim.subject, claim.predicate, claim.object, claim.evidence.begin), claim)
        return sorted(claims.values())

    def _claims(self, doc: Doc, sent: SpacySpan, trig: tuple[int, int], row: dict[str, Any],
                args: list[_Arg], article: Article, classes: dict[str, str]) -> list[Claim]:
        in_sent = [a for a in args if sent.start <= a.start and a.end <= sent.end]
        actor = FAMILIES["ACTOR"]
        wanted = FAMILIES[row["object_types"]]
        stative = row.get("cameo") is None

        def subject_ok(a: _Arg) -> bool:
            return classes.get(a.entity) in actor and not (stative and a.kind == "Adjectival")

        if doc[trig[0]].text == "-":  # "Polish-led", "US-backed": the modifier is the agent
            subjects = [a for a in in_sent if a.end == trig[0] and classes.get(a.entity) in actor]
        else:
            subjects = _left(doc, in_sent, trig[0], subject_ok)
        # nominal objects only: "anti-Russian provocation" has no object
        right = _right(doc, in_sent, trig[1], lambda a: classes.get(a.entity) in wanted | actor
                       and a.kind != "Adjectival")
        pairs: list[tuple[_Arg, _Arg, tuple[tuple[str, str], ...]]] = []
        recipient = _recipient(doc, right, row.get("recipient"))
        objects = [a for a in _coordinated(doc, right) if classes.get(a.entity) in wanted]
        if row["frame"] == "SYM" and _between(doc, trig[1]):
            subjects, objects = [], []
            pairs += [(right[0], other, ()) for other in _coordinated(doc, right)[1:]]
        elif row["frame"] == "SYM" and len(subjects) >= 2 and not (objects and _after_preposition(doc, objects[0])):
            pairs += [(subjects[0], other, ()) for other in subjects[1:]]
            subjects = []
        for subj in subjects:
            if recipient is not None:
                theme = [("relatedEntity", objects[0].entity)] if objects and objects[0] != recipient else []
                qty = _quantity(doc, objects[0]) if objects else None
                roles = tuple(theme + [("recipient", recipient.entity)] + ([("quantity", qty)] if qty else []))
                pairs.append((subj, recipient, roles))
            else:
                for obj in objects:
                    qty = _quantity(doc, obj)
                    pairs.append((subj, obj, (("quantity", qty),) if qty else ()))
        out = []
        evidence_b, evidence_e = _trimmed(sent)
        raw_b, raw_e = article.offsets.to_raw(evidence_b, evidence_e)
        evidence = Span(raw_b, raw_e, article.raw[raw_b:raw_e])
        # stative relations (membership, borders) carry no event time
        stamp = self.times and row.get("cameo") is not None
        time = self.times(sent.text, article, doc[trig[0]].idx - sent.start_char) if stamp else None
        for subj, obj, roles in pairs:
            if subj.entity == obj.entity:
                continue
            fact = self.factuality.analyze(sent, trig, [(subj.start, subj.end), (obj.start, obj.end)])
            modality = fact.modality
            wished = any(c.split("/", 1)[0] in _UNREALISED for c in fact.cues)
            if wished and modality == "Asserted" and row["predicate"] != "expressesIntentToCooperateWith":
                # "wants to join", "will sign", "urged to release": the act itself has not happened
                modality = "Hypothetical"
            s, o = (obj, subj) if row["frame"] == "INV" else (subj, obj)
            distance = max(0, obj.start - trig[1]) + max(0, trig[0] - subj.end)
            out.append(Claim(
                subject=s.entity, predicate=row["predicate"], object=o.entity,
                polarity=fact.polarity, modality=modality, relation_text=doc[trig[0]:trig[1]].text,
                evidence=evidence, confidence=round(max(0.3, 0.85 - 0.03 * distance), 2),
                attributed_to=fact.attributed_to, attributed_text=fact.attributed_text,
                cameo=row.get("cameo"), time=time, roles=tuple(sorted(roles)),
            ))
        return out


def _outer_args(doc: Doc, token_spans: Sequence[tuple[int, int, str, str]]) -> list[_Arg]:
    """Mentions that can be arguments: not inside a longer mention (a group's name holds "Wagner"),
    and not the stem of "anti-Russian" or "pro-Western", which are about, not by, the country."""
    spans = [_Arg(s, e, eid, kind) for s, e, eid, kind in token_spans]

    def prefixed(a: _Arg) -> bool:
        return a.start >= 2 and doc[a.start - 1].text == "-" and doc[a.start - 2].lower_ in _PREFIXES

    return [a for a in spans if not prefixed(a) and not any(
        b.start <= a.start and a.end <= b.end and (b.start, b.end) != (a.start, a.end) for b in spans)]


def _skip_tokens(doc: Doc, article: Article) -> list[tuple[int, int]]:
    out = []
    for b, e in article.skip:
        span = doc.char_span(b, e, alignment_mode="expand")
        if span is not None:
            out.append((span.start, span.end))
    return out


def _crosses_boundary(doc: Doc, start: int, end: int) -> bool:
    return any(t.lower_ in _BOUNDARY for t in doc[start:end])


def _after_preposition(doc: Doc, a: _Arg) -> bool:
    i = a.start - 1
    while i >= 0 and doc[i].lower_ in {"the", "a", "an", "both", "its", "their", "his", "her"}:
        i -= 1
    return i >= 0 and doc[i].lower_ in _PREPOSITIONS


def _modifier(doc: Doc, a: _Arg) -> bool:
    """A name inside a compound modifier ("US-backed", "Ukrainian-sponsored") is not an argument."""
    return a.end + 1 < len(doc) and doc[a.end].text == "-" and doc[a.end + 1].is_lower


def _left(doc: Doc, args: list[_Arg], trig_start: int, ok: Callable[[_Arg], bool]) -> list[_Arg]:
    """The subject left of the trigger (a possessor right before it wins), with actors coordinated to it."""
    before = [a for a in args if a.end <= trig_start and ok(a)]
    if not before:
        return []
    first = before[-1]
    gap = doc[first.end:trig_start]
    possessive = bool(len(gap)) and gap[0].text in _POSSESSIVE and len(gap) <= 3
    if not possessive and (_after_preposition(doc, first) or (_modifier(doc, first) and trig_start > first.end + 2)):
        return []
    if first.end < trig_start - _WINDOW or _crosses_boundary(doc, first.end, trig_start):
        return []
    chosen = [first]
    for a in reversed(before[:-1]):
        between = doc[a.end:chosen[-1].start]
        words = {t.lower_ for t in between if not t.is_space}
        if len(between) > 4 or not words <= _COORD or not words & {"and", "both", "or"} and "," in words:
            break
        chosen.append(a)
    return list(reversed(chosen))


def _right(doc: Doc, args: list[_Arg], trig_end: int, ok: Callable[[_Arg], bool]) -> list[_Arg]:
    """Acceptable arguments right of the trigger, nearest first, within the clause."""
    out = []
    for a in args:
        if a.start >= trig_end and ok(a) and not _modifier(doc, a) and a.start - trig_end <= _WINDOW:
            if _crosses_boundary(doc, trig_end, a.start):
                break
            out.append(a)
    return out


def _coordinated(doc: Doc, right: list[_Arg]) -> list[_Arg]:
    """The first right argument and those coordinated to it ("the CSTO and the EEU")."""
    if not right:
        return []
    chosen = [right[0]]
    for a in right[1:]:
        words = {t.lower_ for t in doc[chosen[-1].end:a.start] if not t.is_space}
        if len(words) > 4 or not words <= _COORD | {"(", ")"} or not words & {"and", "or", ","}:
            break
        chosen.append(a)
    return chosen


def _recipient(doc: Doc, right: list[_Arg], prep: str | None) -> _Arg | None:
    """The first argument right of the trigger governed by the row's recipient preposition ("to Russia")."""
    if not prep:
        return None
    for a in right:
        if a.start > 0 and doc[a.start - 1].lower_ == prep or (
            a.start > 1 and doc[a.start - 1].lower_ in {"the"} and doc[a.start - 2].lower_ == prep
        ):
            return a
    return None


def _between(doc: Doc, trig_end: int) -> bool:
    return any(t.lower_ == "between" for t in doc[trig_end:trig_end + 3])


def _quantity(doc: Doc, arg: _Arg) -> str | None:
    """A leading number of a counted group ("32 suspected mercenaries")."""
    token = doc[arg.start]
    if token.like_num and token.text.replace(",", "").isdigit():
        return token.text.replace(",", "")
    return None


def _trimmed(sent: SpacySpan) -> tuple[int, int]:
    tokens = [t for t in sent if not t.is_space]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
