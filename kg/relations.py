"""Doc + mentions -> Claims: trigger patterns, argument frames, roles and quantities.

Triggers are spaCy Matcher rows in ontology/patterns/relations.jsonl (verb and noun
classes by lemma); the file's header documents the row fields (kg/relation_rows.py checks
them). Arguments are found around each trigger without a parser (kg/relation_args.py): the
subject is the nearest actor to the left in the same clause (with actors coordinated to it,
the possessor of a noun trigger, or the by-phrase of a passive), the object the nearest
entity of the allowed family to the right. ``TITLE`` rows read offices
(kg/relation_offices.py); roles such as quantity, location, via, co-agent, condition and
topic come from kg/relation_roles.py. Every claim then passes through the factuality
analyser, so negated, hedged, conditional and reported statements never come out as plain
facts; a wished act ("wants closer ties") becomes an expressed intent (CAMEO 03x) where the
row says so, else a hypothetical act. gk:relatedTo is a fallback only: it is dropped where a
specific property relates the same pair in the sentence, and it is never truthy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from spacy.attrs import LEMMA
from spacy.tokens import Doc

from . import quantities
from . import relation_args as ra
from . import relation_roles as roles_of
from .doctext import sentence_at, sentence_bounds, words
from .errors import PatternError
from .factuality import Factuality, FactualityAnalyzer
from .matching import GatedMatcher
from .records import Article, Claim, Span, TimeValue
from .relation_args import Arg
from .relation_offices import Offices
from .relation_rows import FAMILIES, FRAMES, PLACE_CLASSES, Context, Pair, check_row
from .resources import Resources

__all__ = ["FAMILIES", "FRAMES", "RelationExtractor", "TimeFinder", "check_row"]

logger = logging.getLogger(__name__)

#: Factuality cue families meaning the act is wished, planned or requested, not done.
_UNREALISED = frozenset({"intent", "future", "directive"})
_INTENT_PREDICATE = "expressesIntentToCooperateWith"
#: Triggers that are themselves the wish or request a factuality cue would mark as unrealised.
_SPEECH_ACTS = frozenset({"threaten", "urge", "ask", "request", "demand", "call", "appeal", "offer", "promise",
                          "pledge", "vow", "want", "seek", "warn", "invite", "press"})
#: Verbs after which an infinitive act did happen ("managed to join").
_DONE = frozenset({"managed", "continued", "began", "started", "proceeded", "used", "went", "came", "got",
                   "helped", "moved", "rushed", "hastened", "succeeded"})
#: doc.user_data key of the lemma column (see _lemmas)
_LEMMAS = "kg_lemma_hashes"
#: lemma hash -> the lemma lower-cased (a hash names one string whatever the vocabulary), for _lemmas
_LOWER_LEMMAS: dict[int, str] = {}
_MAX_LOWER_LEMMAS = 200_000
#: (sentence text, article, trigger offset in the sentence) -> the time of the claim
TimeFinder = Callable[[str, Article, int], TimeValue | None]


class RelationExtractor:
    """Finds claims in one article's Doc; built once per pipeline.

    Args:
        resources: Loaded ontology folder (``relations`` pattern rows, registry offices).
        vocab: The pipeline's vocabulary.
        factuality: Analyser giving polarity, modality and attribution of each claim.
        times: Optional function returning the time of a sentence's event.

    Raises:
        PatternError: a row is malformed (the message names the file and row).
    """

    def __init__(self, resources: Resources, vocab: Any, factuality: FactualityAnalyzer,
                 times: TimeFinder | None = None) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.matcher = GatedMatcher(vocab)
        self.offices = Offices(resources.registry)
        for i, row in enumerate(resources.pattern_rows("relations"), 1):
            where = f"{resources.root}/patterns/relations.jsonl row {i} (id {row.get('id', '?')!r})"
            check_row(where, row)
            if row["id"] in self.rows:
                raise PatternError(f"{where}: duplicate id")
            try:
                self.matcher.add(row["id"], [row["pattern"]], greedy="LONGEST")
            except (KeyError, ValueError) as exc:
                raise PatternError(f"{where}: invalid Matcher pattern ({exc})") from exc
            self.rows[row["id"]] = row
        #: the matcher's keys, as the vocabulary's hashes
        self._keys = frozenset(vocab.strings.add(key) for key in self.matcher.added_keys())
        self.factuality = factuality
        self.times = times

    def __call__(self, doc: Doc, article: Article, token_spans: Sequence[tuple[int, int, str, str]],
                 classes: dict[str, str], matches: list[tuple[int, int, int]] | None = None) -> list[Claim]:
        """Claims of one article.

        Args:
            doc: The parsed cleaned text.
            article: The article (for offsets and the publication date).
            token_spans: ``(start, end, entity_id, kind)`` of each mention.
            classes: Entity id -> gk: class, for type constraints.
            matches: The trigger matches of ``doc`` (:meth:`triggers`), found here when None.
        """
        if matches is None:
            matches = self.triggers(doc)
        if not matches:
            return []
        args = [self.offices.polity_of(doc, a, article, classes) for a in ra.outer_args(doc, token_spans)]
        nested = [Arg(*s) for s in token_spans]
        skipped = ra.skip_tokens(doc, article)
        claims: dict[tuple[Any, ...], Claim] = {}
        memory: dict[tuple[int, str], _Last] = {}  # (sentence start, predicate) -> its last match there
        starts = sorted({s for _, s, _ in matches})
        bounds = sentence_bounds(doc)
        for match_id, start, end in matches:
            row = self.rows[doc.vocab.strings[match_id]]
            inside = [a for a in args if a.start < end and start < a.end]
            if inside and not (row["frame"] == "TITLE" and all(classes.get(a.entity) == "Person" for a in inside)
                               or row.get("in_name") and len(inside) == 1 and inside[0].start < start):
                continue  # the trigger word is part of a name ("Partnership and Cooperation Agreement")
            if any(s <= start and end <= e for s, e in skipped) or not self._context_ok(doc, row, start, end):
                continue
            ctx = Context(doc, sentence_at(doc, bounds, start), (start, end), row, args, nested, article, classes)
            ctx.later = [k for k in starts if start < k < ctx.sent.end]  # "condemned X and threatened Y"
            pairs = self.offices.pairs(ctx) if row["frame"] == "TITLE" else self._relation(ctx, memory)
            found = self._emit(ctx, pairs)
            for claim in found:
                claims.setdefault((claim.subject, claim.predicate, claim.object, claim.evidence.begin,
                                   claim.polarity, claim.modality), claim)
        # gk:relatedTo is the fallback: not where a specific property relates the pair in the sentence
        specific = {(c.evidence.begin, frozenset((c.subject, c.object))) for c in claims.values()
                    if c.predicate != "relatedTo"}
        return sorted(c for c in claims.values() if c.predicate != "relatedTo" or (
            c.evidence.begin, frozenset((c.subject, c.object))) not in specific or "relatedEntity" in dict(c.roles))

    def triggers(self, doc: Doc, found: Sequence[Any] | None = None) -> list[tuple[int, int, int]]:
        """Trigger matches in text order; one inside a longer match of the same group ("closer relations with" in
        "wants closer relations with") or of another title ("Minister" in "Prime Minister") is dropped.

        ``found``: the matches in ``doc`` of a matcher that holds the keys of :attr:`matcher` (and maybe others,
        which are ignored); when None, :attr:`matcher` is run here.
        """
        mine = self.matcher(doc) if found is None else [m[:3] for m in found if m[0] in self._keys]
        matches = sorted(mine, key=lambda m: (m[1], m[2]))
        kinds = {}
        by_start: dict[int, list[tuple[str, int]]] = {}
        for m, s, e in matches:
            row = self.rows[doc.vocab.strings[m]]
            kinds[m] = "TITLE" if row["frame"] == "TITLE" else str(row["group"])
            by_start.setdefault(s, []).append((kinds[m], e))
        longest = max((e - s for _, s, e in matches), default=0)

        def contained(m: int, s: int, e: int) -> bool:
            return any(k == kinds[m] and e <= ke and (ks, ke) != (s, e)
                       for ks in range(max(0, s - longest), s + 1) for k, ke in by_start.get(ks, ()))

        return [(m, s, e) for m, s, e in matches if not contained(m, s, e)]

    @staticmethod
    def _context_ok(doc: Doc, row: dict[str, Any], start: int, end: int) -> bool:
        lower = words(doc).lower
        if end < len(lower) and lower[end] in row.get("not_before", ()):
            return False
        if start > 0 and lower[start - 1] in row.get("not_after", ()):
            return False
        need = row.get("requires")
        return not need or any(w in need for w in lower[end:end + 7]) or any(
            w in need for w in _lemmas(doc, end, end + 7))

    # ---- SVO / SYM / INV ---------------------------------------------------------------------

    def _relation(self, ctx: Context, memory: dict[tuple[int, str], _Last]) -> list[Pair]:
        """(subject, object, roles) pairs of an SVO, SYM or INV row."""
        doc, row, trig, classes = ctx.doc, ctx.row, ctx.trig, ctx.classes
        in_sent = ctx.in_sent
        stative = row.get("cameo") is None
        # gk:Agent is the domain of the typed properties; gk:relatedTo also takes "the West" as an actor
        subject_family = FAMILIES[row.get("subject_types", "ACTOR" if row["predicate"] == "relatedTo" else "AGENT")]
        wanted = FAMILIES[row["object_types"]]

        def subject_ok(a: Arg) -> bool:
            return classes.get(a.entity) in subject_family and not (stative and a.kind == "Adjectival")

        def object_ok(a: Arg) -> bool:
            cls = classes.get(a.entity)
            counted = a.kind == "Adjectival" and quantities.before(doc, a.start) is not None
            return cls in wanted | FAMILIES["ACTOR"] and (a.kind != "Adjectival" or counted)

        def adjunct(a: Arg) -> bool:  # "participant in projects in the post-Soviet space – notably the CSTO"
            return classes.get(a.entity) in PLACE_CLASSES and not wanted & PLACE_CLASSES and ra.preposition_before(
                doc, a) in {"in", "at", "across", "throughout", "within"}

        pairs: list[Pair] = []
        passive = row["frame"] != "SYM" and doc[trig[0]].text != "-" and ra.passive(doc, trig)
        name = next((a for a in ctx.in_sent if a.start < trig[0] < a.end), None)
        if name is not None:  # "a Chinese-Belarusian industrial park": the partners modify the name
            subjects = [a for a in ctx.nested if name.start <= a.start and a.end <= trig[0]
                        and classes.get(a.entity) in subject_family and a.entity != name.entity]
        elif doc[trig[0]].text == "-":  # "Polish-led", "US-backed": the modifier is the agent
            subjects = [a for a in in_sent if a.end == trig[0] and classes.get(a.entity) in subject_family]
        elif passive:
            subjects = ra.agent(doc, in_sent, trig[1], subject_ok)
        else:
            subjects = ra.left(doc, in_sent, trig[0], subject_ok)
        key = (ctx.sent.start, row["predicate"])
        last = memory.get(key)
        if not subjects and not passive and last is not None and _elided(doc, last, trig[0], in_sent):
            subjects = last.subjects  # "X is legally part of A, but in effect part of B"
        mine = {a.entity for a in subjects}
        stop = next((k for k in ctx.later if k > trig[1] and doc[k - 1].lower_ in {"and", "or", "but"}), None)
        right = ra.right(doc, [a for a in in_sent if stop is None or a.start < stop],
                         trig[1], lambda a: object_ok(a) and a.entity not in mine, skip=adjunct)
        if passive:
            objects = [a for a in ra.patient(doc, in_sent, trig[0], lambda a: classes.get(a.entity) in wanted)]
            right = [a for a in right if a not in subjects]
        else:
            objects = self._objects(ctx, right, wanted)
        agents = [a for a in right if classes.get(a.entity) in FAMILIES["AGENT"]]  # gk:recipient is an agent
        recipient = ra.governed(doc, agents, [row["recipient"]]) if row.get("recipient") else None
        if recipient is not None:
            objects = [a for a in objects if a.entity != recipient.entity or a.kind == "Adjectival"]
        both = [a for a in ra.coordinated(doc, right) if classes.get(a.entity) in wanted]
        inner = ra.preposition_before(doc, both[0], trig[1]) if both else None
        if row["frame"] == "SYM" and len(both) > 1 and (inner == "between" or not subjects and inner == "of" and (
                "of" in row.get("object_prep", ()))):
            pairs += [(both[0], other, []) for other in both[1:]]  # "talks between X and Y", "nations of X and Y"
            subjects = []  # an actor left of "talks between X and Y" hosts or reports them
        elif row["frame"] == "SYM" and len(subjects) >= 2 and not (objects and ra.preposition_before(doc, objects[0])):
            pairs += [(subjects[0], other, []) for other in subjects[1:]]
            subjects = []
        if subjects:
            memory[key] = _Last(subjects, trig[1], tuple(objects))
        if row.get("theme_required") and not objects:
            subjects = []
        for subj in subjects:
            co = [("coAgent", o.entity) for o in subjects if o.entity != subj.entity and row["frame"] != "SYM"]
            if recipient is not None:
                theme = objects[0] if objects else None
                roles = co + [("recipient", recipient.entity)]
                if theme is not None and theme.entity != recipient.entity:
                    roles.append(("relatedEntity", theme.entity))
                pairs.append((subj, recipient, roles + roles_of.count(doc, theme, classes)))
            else:
                pairs += [(subj, obj, co + roles_of.count(doc, obj, classes)) for obj in objects]
        return pairs

    def _objects(self, ctx: Context, right: list[Arg], wanted: frozenset[str]) -> list[Arg]:
        doc, row, classes = ctx.doc, ctx.row, ctx.classes
        if row.get("sponsor"):
            return self._sponsors(ctx, right)
        preps = row.get("object_prep")
        if preps is not None:  # the first argument the row's prepositions govern, with those coordinated to it
            first = next((i for i, a in enumerate(right)
                          if (ra.preposition_before(doc, a, ctx.trig[1], ctx.in_sent) or "") in preps), None)
            right = right[first:] if first is not None else []
        if row.get("adjacent_object") and right:
            after = doc[right[0].end].lower_ if right[0].end < len(doc) else "."
            if not ra.adjacent(doc, ctx.trig[1], right[0].start, ctx.in_sent) or after not in row.get(
                    "after_object", [after]):
                return []
        if len(right) > 1 and right[0].end < len(doc) and doc[right[0].end].text in ra.POSSESSIVE \
                and right[1].start == right[0].end + 1 and classes.get(right[1].entity) in wanted:
            right = right[1:]  # "backs China's Belt and Road Initiative": the thing possessed
        return [a for a in ra.coordinated(doc, right) if classes.get(a.entity) in wanted]

    def _sponsors(self, ctx: Context, right: list[Arg]) -> list[Arg]:
        """Who put up what was voted on: "Ukrainian-sponsored resolutions", "a draft tabled by X", "X's motion"."""
        doc, trig, words = ctx.doc, ctx.trig, ctx.row["sponsor"]
        limit = min(ctx.sent.end, trig[1] + 8)
        for a in ctx.in_sent:
            if not trig[1] <= a.start < limit or ra.crosses_boundary(doc, trig[1], a.start):
                continue
            if ra.modifier(doc, a) and doc[a.end + 1].lower_ in words:
                return [a]
            if a.end < len(doc) and doc[a.end].text in ra.POSSESSIVE:
                return [a]
            if a.start >= 2 and doc[a.start - 1].lower_ == "by" and doc[a.start - 2].lower_ in words:
                return [a]
        direct = [a for a in right if a.start == trig[1]]
        return direct[:1]

    # ---- offices -----------------------------------------------------------------------------

    # ---- claims ------------------------------------------------------------------------------

    def _emit(self, ctx: Context, pairs: list[Pair]) -> list[Claim]:
        """Claims of a match's pairs: factuality, time, CAMEO code, roles, evidence."""
        doc, sent, trig, row, article = ctx.doc, ctx.sent, ctx.trig, ctx.row, ctx.article
        if not pairs:
            return []
        evidence_b, evidence_e = ra.trimmed(sent)
        raw_b, raw_e = article.offsets.to_raw(evidence_b, evidence_e)
        evidence = Span(raw_b, raw_e, article.raw[raw_b:raw_e])
        cameo = roles_of.cameo(ctx)
        # stative relations (membership, borders, offices) carry no event time
        stamp = self.times is not None and cameo is not None
        time = self.times(sent.text, article, doc[trig[0]].idx - sent.start_char) if self.times and stamp else None
        text = doc[trig[0]:trig[1]].text
        if all(t.is_punct or t.text in ra.POSSESSIVE for t in doc[trig[0]:trig[1]]):
            text = str(row.get("relation", text))  # "China's Belt and Road Initiative": no verb to quote
        out = []
        for subj, obj, extra in pairs:
            if subj.entity == obj.entity:
                continue
            known = dict(extra)
            predicate = known.pop("predicate", row["predicate"])
            qty = known.pop("quantityText", None)
            roles = {(r, v) for r, v in extra if r not in {"predicate", "quantityText"}}
            roles |= set(roles_of.roles(ctx, subj, obj, known).items())
            if row["frame"] == "TITLE":  # a title is presupposed, whatever the clause around it says
                fact = Factuality("Negative" if _denied_title(doc, trig[0]) else "Positive")
            else:
                fact = self.factuality.analyze(sent, trig, [(subj.start, subj.end), (obj.start, obj.end)])
            polarity, modality = fact.polarity, fact.modality
            if row.get("polarity") == "Negative":  # "non-recognition": the trigger itself negates
                polarity = "Positive" if polarity == "Negative" else "Negative"
            claim_cameo = cameo
            negated = any(c.split("/", 1)[0] in {"refusal", "negation", "denial"} for c in fact.cues)
            speech = doc[trig[0]].lemma_.lower() in _SPEECH_ACTS  # "threatened to", "urged X to": the act is done
            wished = not speech and (any(c.split("/", 1)[0] in _UNREALISED for c in fact.cues) or (
                not negated and _infinitive(doc, trig[0])))  # "applied to join", "plans to sign"
            threat = any(t.lemma_.lower() == "threaten" for t in doc[max(sent.start, trig[0] - 4):trig[0]])
            intent = any(c.startswith("intent/") for c in fact.cues) or _infinitive(doc, trig[0])
            if wished and row.get("intent") and not threat and not negated and intent:
                predicate, claim_cameo = _INTENT_PREDICATE, row["intent"]  # "wants closer ties": CAMEO 03
            elif wished and modality == "Asserted" and predicate != _INTENT_PREDICATE:
                modality = "Hypothetical"  # "wants to join", "will sign", "urged to release": not done yet
            if row["frame"] == "INV":
                subj, obj = obj, subj
            distance = max(0, obj.start - trig[1], subj.start - trig[1]) + max(0, trig[0] - min(subj.end, obj.end))
            out.append(Claim(
                subject=subj.entity, predicate=predicate, object=obj.entity,
                polarity=polarity, modality=modality,
                relation_text=f"{text} ({qty})" if qty and not qty.isdigit() else text,
                evidence=evidence, confidence=round(max(0.3, 0.85 - 0.03 * distance), 2),
                # gk:attributedTo ranges over agents: a region or a city named as the speaker stays text only
                attributed_to=fact.attributed_to if ctx.classes.get(fact.attributed_to or "") in FAMILIES["AGENT"]
                else None,
                attributed_text=fact.attributed_text,
                cameo=claim_cameo, time=time, roles=tuple(sorted(roles)),
            ))
        return out


class _Last(NamedTuple):
    """A row's last match in a sentence with a subject, for a second conjunct that elides it."""

    subjects: list[Arg]
    end: int
    objects: tuple[Arg, ...]


def _elided(doc: Doc, last: _Last, trig_start: int, args: list[Arg]) -> bool:
    """Does the trigger head a second conjunct of the same relation without its own subject
    ("Transnistria is legally part of Moldova, but in practice part of ...")?"""
    between_args = [a for a in args if last.end <= a.start and a.end <= trig_start]
    words = {t.lower_ for t in doc[last.end:trig_start]}
    return (all(a in last.objects for a in between_args) and bool(words & {"but", "and", ",", "or"})
            and not words & {".", ";", ":"} and trig_start - last.end <= ra.WINDOW)


def _lemmas(doc: Doc, start: int, end: int) -> list[str]:
    """The lower-cased lemmas of the tokens ``start`` to ``end`` (the Doc's lemma column is read once and kept
    on it; its lemmas must not change afterwards)."""
    hashes: list[int] | None = doc.user_data.get(_LEMMAS)
    if hashes is None or len(hashes) != len(doc):
        hashes = doc.user_data[_LEMMAS] = doc.to_array(LEMMA).tolist()
    if len(_LOWER_LEMMAS) > _MAX_LOWER_LEMMAS:
        _LOWER_LEMMAS.clear()
    get, out = _LOWER_LEMMAS.get, []
    for h in hashes[start:end]:
        lemma = get(h)
        if lemma is None:
            lemma = _LOWER_LEMMAS[h] = doc.vocab.strings[h].lower()
        out.append(lemma)
    return out


def _denied_title(doc: Doc, title_start: int) -> bool:
    """ "is not the president", "no longer president": the office itself is negated."""
    words = {t.lower_ for t in doc[max(0, title_start - 3):title_start]}
    return bool(words & {"not", "no", "never", "n't", "longer"})


def _infinitive(doc: Doc, trig_start: int) -> bool:
    """Is the trigger an infinitive after a verb of aiming ("applied to join", "seeks to deepen"), an act not
    yet done? "managed to", "began to" are done; "according to", "return to" are no infinitives."""
    i = trig_start - 1
    while i > 0 and doc[i].lower_ in {"also", "eventually", "further", "formally", "officially", "quickly"}:
        i -= 1
    if i < 1 or doc[i].lower_ != "to":
        return False
    verb = doc[i - 1]
    return verb.lower_ not in _DONE and verb.is_lower and verb.is_alpha and verb.lower_ not in ra.PREPOSITIONS \
        and verb.lower_ not in {"according", "due", "close", "next", "prior", "thanks", "as", "up", "way", "door"}
