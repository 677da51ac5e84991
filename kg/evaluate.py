"""Score a build against a gold file in the format of ../shared/gold/seeds.yaml.

Entities: a predicted entity (one with a mention in the document) matches a gold
entity when the ids are equal, when a name or alias of one equals a name-like
surface form of the other (case-insensitively), or when one of its mentions
covers at least half of a gold span of that entity. Each gold entity is matched
at most once. "Typed" scores also require the same class.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .iris import entity_id
from .records import DocumentResult, Entity

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


def score_entities(result: DocumentResult, table: dict[str, Entity], gold_doc: dict[str, Any],
                   typed: bool) -> Score:
    """Entity score of one document."""
    mentions: dict[str, list[tuple[int, int]]] = {}
    texts: dict[str, set[str]] = {}
    for m in result.mentions:
        mentions.setdefault(m.entity_id, []).append((m.begin, m.end))
        if m.kind in {"Name", "Abbreviation"}:
            texts.setdefault(m.entity_id, set()).add(_norm(m.text))
    # the document's authors and publishers are entities of it even when only the header names them
    art = result.article
    for cls, name in [("Person", a) for a in art.authors] + [
        ("MediaOutlet", p) for p in (art.publisher, art.original_publisher) if p
    ]:
        eid = entity_id(cls, name)
        mentions.setdefault(eid, [])
        texts.setdefault(eid, set()).add(_norm(name))
    preds = [table[eid] for eid in sorted(mentions) if eid in table]
    gold = list(gold_doc.get("entities", []))
    matched_gold: set[str] = set()
    tp_pred = 0
    for pred in preds:
        hits = [g for g in gold if _matches(pred, texts.get(pred.id, set()), mentions[pred.id], g)
                and (not typed or g["type"] == pred.cls)]
        if hits:
            tp_pred += 1
            matched_gold.update(g["id"] for g in hits)
    return Score(tp_pred, len(preds), len(matched_gold), len(gold))


def evaluate(results: Iterable[DocumentResult], table: dict[str, Entity],
             gold: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Entity scores per document and overall (documents absent from the gold are ignored)."""
    per_doc: dict[str, dict[str, Any]] = {}
    total = {"entities": Score(0, 0, 0, 0), "entities_typed": Score(0, 0, 0, 0)}
    for result in sorted(results, key=lambda r: r.article.doc_id):
        gold_doc = gold.get(result.article.doc_id)
        if gold_doc is None:
            continue
        scores = {"entities": score_entities(result, table, gold_doc, typed=False),
                  "entities_typed": score_entities(result, table, gold_doc, typed=True)}
        per_doc[result.article.doc_id] = {k: v.as_dict() for k, v in scores.items()}
        total = {k: total[k] + scores[k] for k in total}
    return {"documents": per_doc, "overall": {k: v.as_dict() for k, v in total.items()}}


def format_table(scores: dict[str, Any]) -> str:
    """A plain-text table of the scores."""
    lines = [f"{'document':<24} {'measure':<16} {'P':>6} {'R':>6} {'F1':>6}"]
    rows = [*scores["documents"].items(), ("overall", scores["overall"])]
    for doc_id, measures in rows:
        for name, s in measures.items():
            lines.append(f"{doc_id:<24} {name:<16} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}")
    return "\n".join(lines)
