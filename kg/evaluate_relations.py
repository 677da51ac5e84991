"""Relation scores: a document's predicted claims against its gold relations.

A claim matches a gold relation when its subject and object entities match the relation's subject and
object (entity alignment is the caller's: :mod:`kg.evaluate` uses the entity scorer's id / name / span
rules). Accepted objects are the gold ``object``, the ``kg.object`` of the suggested mapping and the
``recipient`` role. Either direction is accepted for symmetric predicates (the gold ``kg.predicate`` or
the claim's) and when the gold says ``kg.inverse: true``; a claim that matches only the other way round
is a false positive listed as *wrong direction*. Gold relations without any entity object cannot be
scored by pair and are listed as unscored.

Per tier set (tier 1, tiers 1-2, all): recall is the share of gold relations matched by at least one
claim; precision is the share of claims that match a gold relation of the set, where a claim matching
only relations of a higher tier counts neither way. The *same sentence* variants also require the
claim's evidence to overlap the relation's evidence span (or one of its ``also_evidence`` spans).

Negative gold relations are *handled* when no positive, asserted claim for the pair comes from their
sentence, unless a positive gold relation of that sentence explains the claim. A *truthy leak* is a claim
the builder makes truthy (:func:`kg.rdf.is_truthy`) whose sentence only supports gold relations that are
negative, not asserted or contested. Both are judged in the evidence sentence, since a pair like
Belarus-Russia carries positive and negative relations at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import Claim

#: Tier sets scored, by name.
TIER_SETS: dict[str, frozenset[int]] = {"tier1": frozenset({1}), "tier1-2": frozenset({1, 2}),
                                        "all": frozenset({1, 2, 3})}
#: Tier sets also scored with the same-sentence requirement.
SENTENCE_TIER_SETS = ("tier1", "all")
#: Gold roles accepted in place of the object.
OBJECT_ROLES = ("recipient",)

#: ``(tp_pred, n_pred, tp_gold, n_gold)``, the arguments of :class:`kg.evaluate.Score`.
Counts = tuple[int, int, int, int]
#: Gold entity ids a claim argument matches: ``align(claim, "subject" | "object")``.
Aligner = Callable[[Claim, str], frozenset[str]]


def _local(pred: str | None) -> str:
    return (pred or "").rsplit(":", 1)[-1].rsplit("#", 1)[-1]


@dataclass(frozen=True, slots=True)
class GoldRelation:
    """A gold relation reduced to what scoring needs."""

    id: str
    tier: int
    subject: str
    objects: frozenset[str]
    either_way: bool
    polarity: str
    modality: str
    contested: bool
    spans: tuple[tuple[int, int], ...]
    text: str
    object: str | None = None

    @property
    def truthy(self) -> bool:
        """What the gold says the truthy layer should hold: positive, asserted, uncontested."""
        return self.polarity == "positive" and self.modality == "asserted" and not self.contested

    @classmethod
    def from_gold(cls, row: dict[str, Any], symmetric: frozenset[str]) -> GoldRelation:
        """From a ``relations`` row of the gold file.

        >>> r = GoldRelation.from_gold({"id": "x-r1", "tier": 1, "subject": "place/a", "predicate": "borders",
        ...     "object": "place/b", "polarity": "positive", "modality": "asserted", "evidence_span": [0, 9],
        ...     "kg": {"predicate": "gk:sharesBorderWith", "object": "place/b", "inverse": False}},
        ...     frozenset({"sharesBorderWith"}))
        >>> sorted(r.objects), r.either_way, r.truthy
        (['place/b'], True, True)
        """
        kg = row.get("kg") or {}
        roles = row.get("roles") or {}
        objects = {row.get("object"), kg.get("object"), *(roles.get(r) for r in OBJECT_ROLES)}
        spans = [row.get("evidence_span")] + [e.get("span") for e in row.get("also_evidence") or []]
        return cls(
            id=str(row["id"]), tier=int(row.get("tier", 3)), subject=str(row["subject"]),
            objects=frozenset(o for o in objects if isinstance(o, str)),
            either_way=bool(kg.get("inverse")) or _local(kg.get("predicate")) in symmetric,
            polarity=str(row.get("polarity", "positive")).lower(),
            modality=str(row.get("modality", "asserted")).lower(),
            contested=bool(row.get("contested")), spans=tuple((int(s[0]), int(s[1])) for s in spans if s),
            text=str(row.get("predicate", "")), object=row.get("object"),
        )

    def overlaps(self, claim: Claim) -> bool:
        """The claim's evidence overlaps one of this relation's evidence spans."""
        return any(min(e, claim.evidence.end) > max(b, claim.evidence.begin) for b, e in self.spans)


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    """The gold relations one claim matches."""

    claim: Claim
    pair: tuple[GoldRelation, ...]
    wrong_direction: tuple[GoldRelation, ...]

    @property
    def same_sentence(self) -> tuple[GoldRelation, ...]:
        """The matched relations whose evidence overlaps the claim's."""
        return tuple(r for r in self.pair if r.overlaps(self.claim))


@dataclass
class RelationScores:
    """Relation figures of one document (or, summed, of several)."""

    counts: dict[str, Counts] = field(default_factory=dict)
    missed_tier1: list[GoldRelation] = field(default_factory=list)
    false_positives: list[ClaimMatch] = field(default_factory=list)
    negatives: int = 0
    negatives_negative: int = 0
    negatives_absent: int = 0
    negative_failures: list[tuple[GoldRelation, Claim]] = field(default_factory=list)
    negative_pair_failures: list[str] = field(default_factory=list)
    truthy_claims: int = 0
    truthy_leaks: list[tuple[Claim, tuple[GoldRelation, ...]]] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)

    @property
    def negatives_handled(self) -> int:
        """Negative gold relations with no positive asserted claim in their sentence."""
        return self.negatives - len({r.id for r, _ in self.negative_failures})


def match_claim(claim: Claim, align: Aligner, gold: Sequence[GoldRelation], symmetric: frozenset[str]) -> ClaimMatch:
    """The gold relations whose subject and object the claim's arguments match."""
    subj, obj = align(claim, "subject"), align(claim, "object")
    pair, wrong = [], []
    for rel in gold:
        forward = rel.subject in subj and bool(rel.objects & obj)
        backward = rel.subject in obj and bool(rel.objects & subj)
        if forward or (backward and (rel.either_way or claim.predicate in symmetric)):
            pair.append(rel)
        elif backward:
            wrong.append(rel)
    return ClaimMatch(claim, tuple(pair), tuple(wrong))


def _counts(matches: Sequence[ClaimMatch], gold: Sequence[GoldRelation], tiers: frozenset[int],
            same_sentence: bool) -> Counts:
    def hits(m: ClaimMatch) -> tuple[GoldRelation, ...]:
        return m.same_sentence if same_sentence else m.pair

    tp_pred = n_pred = 0
    found: set[str] = set()
    for m in matches:
        matched = hits(m)
        inside = [r for r in matched if r.tier in tiers]
        found.update(r.id for r in inside)
        if inside:
            tp_pred += 1
            n_pred += 1
        elif not matched:
            n_pred += 1  # claims that match only relations of a higher tier are left out
    scored = [r for r in gold if r.tier in tiers]
    return tp_pred, n_pred, sum(r.id in found for r in scored), len(scored)


def score_relations(
    claims: Iterable[Claim],
    align: Aligner,
    gold_rows: Iterable[dict[str, Any]],
    *,
    symmetric: frozenset[str] = frozenset(),
    is_truthy: Callable[[Claim], bool] | None = None,
) -> RelationScores:
    """Relation scores of one document.

    Args:
        claims: The document's predicted claims.
        align: Gold entity ids that a claim's subject or object matches.
        gold_rows: The document's ``relations`` rows from the gold file.
        symmetric: Local names of symmetric gk: properties.
        is_truthy: Whether the builder writes a claim's direct triple (truthy leaks are skipped without it).
    """
    relations = [GoldRelation.from_gold(row, symmetric) for row in gold_rows]
    gold = [r for r in relations if r.objects]
    out = RelationScores(unscored=[r.id for r in relations if not r.objects])
    matches = [match_claim(c, align, gold, symmetric) for c in sorted(claims)]
    for name, tiers in TIER_SETS.items():
        out.counts[name] = _counts(matches, gold, tiers, same_sentence=False)
    for name in SENTENCE_TIER_SETS:
        out.counts[f"{name}+sentence"] = _counts(matches, gold, TIER_SETS[name], same_sentence=True)
    found = {r.id for m in matches for r in m.pair}
    out.missed_tier1 = [r for r in gold if r.tier == 1 and r.id not in found]
    out.false_positives = [m for m in matches if not m.pair]
    for rel in (r for r in gold if r.polarity == "negative"):
        out.negatives += 1
        in_sentence = [m for m in matches if rel in m.same_sentence]
        # a positive claim explained by a positive gold relation of the same sentence is not a failure
        # ("X wants closer ties with Y, but not a merger": one positive and one negative relation)
        failures = [m.claim for m in in_sentence if m.claim.polarity == "Positive" and m.claim.modality == "Asserted"
                    and not any(r.polarity == "positive" for r in m.same_sentence)]
        out.negative_failures += [(rel, c) for c in failures]
        if not failures:
            out.negatives_negative += any(m.claim.polarity == "Negative" for m in in_sentence)
            out.negatives_absent += not in_sentence
        if any(rel in m.pair and m.claim.polarity == "Positive" and m.claim.modality == "Asserted" for m in matches):
            out.negative_pair_failures.append(rel.id)
    if is_truthy is not None:
        for m in matches:
            if is_truthy(m.claim):
                out.truthy_claims += 1
                supported = m.same_sentence
                if supported and not any(r.truthy for r in supported):
                    out.truthy_leaks.append((m.claim, supported))
    return out


def add_scores(total: RelationScores, doc: RelationScores) -> None:
    """Add one document's figures to a running total (lists are concatenated)."""
    for name, c in doc.counts.items():
        t = total.counts.get(name, (0, 0, 0, 0))
        total.counts[name] = (t[0] + c[0], t[1] + c[1], t[2] + c[2], t[3] + c[3])
    for name in ("missed_tier1", "false_positives", "negative_failures", "negative_pair_failures",
                 "truthy_leaks", "unscored"):
        getattr(total, name).extend(getattr(doc, name))
    for name in ("negatives", "negatives_negative", "negatives_absent", "truthy_claims"):
        setattr(total, name, getattr(total, name) + getattr(doc, name))


def claim_dict(claim: Claim) -> dict[str, Any]:
    """JSON-ready summary of a claim."""
    out: dict[str, Any] = {"subject": claim.subject, "predicate": claim.predicate, "object": claim.object,
                           "polarity": claim.polarity, "modality": claim.modality,
                           "relation_text": claim.relation_text,
                           "evidence": [claim.evidence.begin, claim.evidence.end], "text": claim.evidence.text}
    if claim.contested:
        out["contested"] = True
    return out


def gold_dict(rel: GoldRelation) -> dict[str, Any]:
    """JSON-ready summary of a gold relation."""
    return {"id": rel.id, "tier": rel.tier, "subject": rel.subject, "predicate": rel.text, "object": rel.object,
            "accepted_objects": sorted(rel.objects), "polarity": rel.polarity, "modality": rel.modality,
            "evidence": list(rel.spans[0]) if rel.spans else None}


def details(scores: RelationScores) -> dict[str, Any]:
    """The lists a developer reads: missed tier-1 relations, false positives, negation failures, leaks."""
    return {
        "missed_tier1": [gold_dict(r) for r in scores.missed_tier1],
        "false_positives": [
            {**claim_dict(m.claim), "wrong_direction_of": [r.id for r in m.wrong_direction]}
            for m in scores.false_positives
        ],
        "negative_failures": [{"gold": r.id, "claim": claim_dict(c)} for r, c in scores.negative_failures],
        "truthy_leaks": [{"claim": claim_dict(c), "gold": [r.id for r in rels]} for c, rels in scores.truthy_leaks],
        "unscored": list(scores.unscored),
    }


def summary(scores: RelationScores) -> dict[str, Any]:
    """Negation and truthy figures (the P/R/F1 counts are turned into scores by the caller)."""
    n = scores.negatives
    return {
        "negatives": {"gold": n, "handled": scores.negatives_handled,
                      "share_handled": round(scores.negatives_handled / n, 4) if n else None,
                      "extracted_negative": scores.negatives_negative, "not_extracted": scores.negatives_absent,
                      "failures": sorted({r.id for r, _ in scores.negative_failures}),
                      "pair_level_failures": sorted(set(scores.negative_pair_failures))},
        "truthy": {"truthy_claims": scores.truthy_claims, "leaks": len(scores.truthy_leaks)},
        "wrong_direction": sum(bool(m.wrong_direction) for m in scores.false_positives),
        "unscored_gold": len(scores.unscored),
    }
