"""Score a build against a gold file in the format of ../shared/gold/seeds.yaml.

Entities: a predicted entity (one with a mention in the document) matches a gold
entity when the ids are equal, when a name or alias of one equals a name-like
surface form of the other (case-insensitively), or when one of its mentions
covers at least half of a gold span of that entity. Each gold entity is matched
at most once. "Typed" scores also require the same class.

Relations (:mod:`kg.evaluate_relations`): a claim's subject and object are aligned
to gold entities with the same rules, except that span overlap only counts
mentions inside the claim's evidence sentence (so "Minsk" the city in one
sentence does not stand for Belarus in another).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import evaluate_relations as rel
from .entities import metadata_entities
from .errors import InputError
from .records import Claim, DocumentResult, Entity

if TYPE_CHECKING:
    from .pipeline import Build

_NAME_KINDS = {"name", "abbreviation"}


@dataclass(frozen=True, slots=True)
class Score:
    """Precision, recall and F1 from counts."""

    tp_pred: int
    n_pred: int
    tp_gold: int
    n_gold: int

    @property
    def precision(self) -> float:
        """Share of predictions that match gold."""
        return self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        """Share of gold items that were found."""
        return self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp_pred + other.tp_pred, self.n_pred + other.n_pred,
                     self.tp_gold + other.tp_gold, self.n_gold + other.n_gold)

    def as_dict(self) -> dict[str, float | int]:
        """JSON-ready figures."""
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "predicted": self.n_pred, "gold": self.n_gold, "matched_predicted": self.tp_pred,
                "matched_gold": self.tp_gold}


def load_gold(path: Path) -> dict[str, dict[str, Any]]:
    """Gold documents keyed by doc_id.

    Raises:
        InputError: the file is missing or not in the expected format.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read gold file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise InputError(path, "not a gold file: expected a top-level 'documents' list")
    return {str(d["doc_id"]): d for d in data["documents"]}


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split()).removeprefix("the ")


def _gold_names(ent: dict[str, Any]) -> set[str]:
    names = {_norm(ent["canonical_name"])}
    names |= {_norm(f["text"]) for f in ent.get("surface_forms", []) if f.get("kind") in _NAME_KINDS}
    return names


def _matches(pred: Entity, texts: set[str], spans: list[tuple[int, int]], ent: dict[str, Any]) -> bool:
    if pred.id == ent["id"]:
        return True
    if ({_norm(pred.name)} | {_norm(a) for a in pred.aliases} | texts) & _gold_names(ent):
        return True
    gold_spans = [tuple(s) for f in ent.get("surface_forms", []) for s in f.get("spans", [])]
    return any(min(e, ge) - max(b, gb) >= (ge - gb) / 2 for b, e in spans for gb, ge in gold_spans)


@dataclass
class DocEntities:
    """The predicted entities of one document: mention spans and name-like texts per entity id."""

    mentions: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    texts: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, result: DocumentResult) -> DocEntities:
        """Index a document's mentions, plus its authors and publishers (named only in the header)."""
        out = cls()
        for m in result.mentions:
            out.mentions.setdefault(m.entity_id, []).append((m.begin, m.end))
            if m.kind in {"Name", "Abbreviation"}:
                out.texts.setdefault(m.entity_id, set()).add(_norm(m.text))
        for name, entity in metadata_entities(result.article):
            out.mentions.setdefault(entity.id, [])
            out.texts.setdefault(entity.id, set()).add(_norm(name))
        return out


def score_entities(result: DocumentResult, table: dict[str, Entity], gold_doc: dict[str, Any],
                   typed: bool) -> Score:
    """Entity score of one document."""
    index = DocEntities.of(result)
    # dated event nodes (a phone call on a given day) are entities of the document too
    events = {ev.id: Entity(ev.id, ev.label, "Event") for ev in result.events}
    preds = [table.get(eid) or events[eid] for eid in sorted(index.mentions) if eid in table or eid in events]
    gold = list(gold_doc.get("entities", []))
    matched_gold: set[str] = set()
    tp_pred = 0
    for pred in preds:
        hits = [g for g in gold if _matches(pred, index.texts.get(pred.id, set()), index.mentions[pred.id], g)
                and (not typed or g["type"] == pred.cls)]
        if hits:
            tp_pred += 1
            matched_gold.update(g["id"] for g in hits)
    return Score(tp_pred, len(preds), len(matched_gold), len(gold))


def claim_aligner(result: DocumentResult, table: dict[str, Entity],
                  gold_doc: dict[str, Any]) -> Callable[[Claim, str], frozenset[str]]:
    """Gold entity ids matching a claim's ``subject`` or ``object``: id, name or a mention in its sentence."""
    index = DocEntities.of(result)
    gold = list(gold_doc.get("entities", []))

    def align(claim: Claim, role: str) -> frozenset[str]:
        eid = getattr(claim, role)
        pred = table.get(eid)
        if pred is None:
            return frozenset(g["id"] for g in gold if g["id"] == eid)
        ev = claim.evidence
        spans = [(b, e) for b, e in index.mentions.get(eid, []) if ev.begin <= b and e <= ev.end]
        return frozenset(g["id"] for g in gold if _matches(pred, index.texts.get(eid, set()), spans, g))

    return align


_ENTITY_MEASURES = ("entities", "entities_typed")


def evaluate(results: Iterable[DocumentResult], table: dict[str, Entity], gold: dict[str, dict[str, Any]],
             *, symmetric: frozenset[str] = frozenset(),
             truthy: Callable[[Claim], bool] | None = None) -> dict[str, Any]:
    """Entity and relation scores per document and overall (documents absent from the gold are ignored).

    Args:
        results: The build's documents.
        table: The build's entity table.
        gold: Gold documents by doc_id (:func:`load_gold`).
        symmetric: Local names of symmetric gk: properties (either claim direction matches).
        truthy: The builder's truthy rule for a claim, to count truthy leaks.
    """
    per_doc: dict[str, dict[str, Any]] = {}
    total = {k: Score(0, 0, 0, 0) for k in _ENTITY_MEASURES}
    rel_total = rel.RelationScores()
    for result in sorted(results, key=lambda r: r.article.doc_id):
        gold_doc = gold.get(result.article.doc_id)
        if gold_doc is None:
            continue
        scores = {"entities": score_entities(result, table, gold_doc, typed=False),
                  "entities_typed": score_entities(result, table, gold_doc, typed=True)}
        relations = rel.score_relations(result.claims, claim_aligner(result, table, gold_doc),
                                        gold_doc.get("relations", []), symmetric=symmetric, is_truthy=truthy)
        per_doc[result.article.doc_id] = {**{k: v.as_dict() for k, v in scores.items()},
                                          **_relation_dict(relations)}
        total = {k: total[k] + scores[k] for k in total}
        rel.add_scores(rel_total, relations)
    overall = {**{k: v.as_dict() for k, v in total.items()}, **_relation_dict(rel_total)}
    return {"documents": per_doc, "overall": overall}


def _relation_dict(scores: rel.RelationScores) -> dict[str, Any]:
    return {"relations": {name: Score(*c).as_dict() for name, c in scores.counts.items()},
            **rel.summary(scores), "details": rel.details(scores)}


def evaluate_build(build: Build, gold: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """:func:`evaluate` with the build's symmetric properties and truthy rule."""
    from .rdf import is_truthy
    from .resources import symmetric_properties

    eligible = build.resources.truthy
    return evaluate(build.results, build.entities, gold,
                    symmetric=symmetric_properties(build.resources.root / "gk.ttl"),
                    truthy=lambda claim: is_truthy(claim, eligible))


def _row(doc_id: str, name: str, s: dict[str, Any]) -> str:
    return (f"{doc_id:<24} {name:<26} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
            f" {s['matched_predicted']:>4}/{s['predicted']:<4} {s['matched_gold']:>4}/{s['gold']:<4}")


def _short_claim(c: dict[str, Any]) -> str:
    flags = "" if (c["polarity"], c["modality"]) == ("Positive", "Asserted") else f" [{c['polarity']} {c['modality']}]"
    return f"{c['subject']} {c['predicate']} {c['object']}{flags} @{c['evidence'][0]}"


def _detail_lines(doc_id: str, d: dict[str, Any]) -> list[str]:
    lines = [f"{doc_id}: missed tier-1 relations ({len(d['missed_tier1'])})"]
    lines += [f"  {r['id']}  {r['subject']} | {r['predicate']} | {r['object']}" for r in d["missed_tier1"]]
    lines.append(f"{doc_id}: false positives ({len(d['false_positives'])})")
    for c in d["false_positives"]:
        wrong = f"  (wrong direction of {', '.join(c['wrong_direction_of'])})" if c["wrong_direction_of"] else ""
        lines.append(f"  {_short_claim(c)}{wrong}")
    for f in d["negative_failures"]:
        lines.append(f"{doc_id}: negation failure {f['gold']}: {_short_claim(f['claim'])}")
    for leak in d["truthy_leaks"]:
        lines.append(f"{doc_id}: truthy leak {', '.join(leak['gold'])}: {_short_claim(leak['claim'])}")
    return lines


def format_table(scores: dict[str, Any], details: bool = False) -> str:
    """A plain-text table of the scores; ``details`` adds missed tier-1 relations and false positives.

    Columns: precision, recall, F1, matched/predicted and matched/gold.
    """
    lines = [f"{'document':<24} {'measure':<26} {'P':>6} {'R':>6} {'F1':>6} {'pred':>9} {'gold':>9}"]
    rows = [*scores["documents"].items(), ("overall", scores["overall"])]
    for doc_id, measures in rows:
        for name in _ENTITY_MEASURES:
            lines.append(_row(doc_id, name, measures[name]))
        for name, s in measures["relations"].items():
            lines.append(_row(doc_id, f"relations {name}", s))
        neg, truthy = measures["negatives"], measures["truthy"]
        share = "n/a" if neg["share_handled"] is None else f"{neg['share_handled']:.3f}"
        lines.append(f"{doc_id:<24} negatives handled {neg['handled']}/{neg['gold']} ({share}); "
                     f"failures: {', '.join(neg['failures']) or 'none'}")
        lines.append(f"{doc_id:<24} truthy leaks {truthy['leaks']} of {truthy['truthy_claims']} truthy claims; "
                     f"wrong direction {measures['wrong_direction']}; unscored gold {measures['unscored_gold']}")
    if details:
        for doc_id, measures in scores["documents"].items():
            lines += ["", *_detail_lines(doc_id, measures["details"])]
    return "\n".join(lines)
