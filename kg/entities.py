"""Mentions -> the build's entity table: one node per id across all documents.

Registry entities keep their registry description. Discovered entities with the
same id in several documents are one node; its name and class are chosen by a
fixed rule (not by input order), so the output does not depend on file order.
Document authors and publishers become Person and MediaOutlet entities.
"""

from __future__ import annotations

from collections.abc import Iterable

from .iris import entity_id
from .records import Article, DocumentResult, Entity
from .resources import Registry


def metadata_entities(article: Article, registry: Registry | None = None) -> list[tuple[str, Entity]]:
    """``(name as written, entity)`` for an article's authors, publisher and original venue.

    With a registry, a known author or outlet is its registry entry; the id is the same either way.
    """
    wanted = [("Person", name) for name in article.authors]
    wanted += [("MediaOutlet", name) for name in (article.publisher, article.original_publisher) if name]
    out = []
    for cls, name in wanted:
        eid = entity_id(cls, name)
        entry = registry.get(eid) if registry else None
        if entry is not None:
            out.append((name, Entity(entry.id, entry.name, entry.type, entry.labels, entry.qid)))
        else:
            out.append((name, Entity(eid, name, cls, discovered=True)))
    return out


def collect_entities(results: Iterable[DocumentResult], registry: Registry) -> dict[str, Entity]:
    """The entity table of a build, keyed by id and sorted.

    Args:
        results: Per-document extraction results.
        registry: The gazetteer; its entries win over discovered names.
    """
    candidates: dict[str, list[Entity]] = {}
    for result in results:
        for entity in (*result.entities, *(e for _, e in metadata_entities(result.article, registry))):
            candidates.setdefault(entity.id, []).append(entity)
    table: dict[str, Entity] = {}
    for eid in sorted(candidates):
        entry = registry.get(eid) if registry else None
        if entry is not None:
            table[eid] = Entity(entry.id, entry.name, entry.type, entry.labels, entry.qid)
        else:
            # deterministic choice among documents: the shortest, then alphabetically first name
            table[eid] = min(candidates[eid], key=lambda e: (len(e.name), e.name, e.cls))
    return table
