"""Evidence paths between two named entities of the entity graph (``kg stats GRAPH --path A B``).

The path is a shortest path of the undirected entity graph; among paths of the same length the one
with the most supporting claims wins (then the lexicographically first), so the answer is stable.
Each hop lists the claims between its two entities, in either direction, best evidence first
(``kg.entity_graph.claim_rank``), each with its sentence and document.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any

from .entity_graph import ClaimRef, EntityGraph, claim_rank, readable, undirected
from .errors import InputError

logger = logging.getLogger(__name__)

#: Shortest paths compared per search (their number can grow exponentially with the length).
PATH_CANDIDATES = 1000
#: Claims printed per hop by ``format_path`` (the JSON lists all).
DEFAULT_CLAIMS_PER_HOP = 1


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: ``source`` → ``target`` in path order, the claims between them, best first.

    ``facts`` are the truthy predicates between the two (either direction); ``weight`` their supporting claims.
    """

    source: str
    target: str
    weight: int
    facts: tuple[str, ...]
    claims: tuple[ClaimRef, ...]


@dataclass(frozen=True, slots=True)
class EvidencePath:
    """A path from ``source`` to ``target`` (through ``via`` when asked), as hops."""

    source: str
    target: str
    hops: tuple[Hop, ...]
    via: str | None = None

    @property
    def nodes(self) -> tuple[str, ...]:
        """The entities along the path, ``source`` first."""
        return (self.source, *(h.target for h in self.hops))


def resolve(eg: EntityGraph, name: str) -> str:
    """The IRI of an entity given by IRI, label, alias or id (``place/belarus``), case-insensitively.

    Args:
        eg: The entity graph.
        name: What the user typed.

    Raises:
        InputError: nothing matches, or several entities of the graph do and none is preferable.
    """
    text = " ".join(name.split())
    if text in eg.names or text in eg.graph:
        return text
    key = text.casefold()
    tiers = (
        lambda iri, names: names[0].casefold() == key,
        lambda iri, names: any(n.casefold() == key for n in names),
        lambda iri, names: iri.casefold().endswith("/" + key.lstrip("/")),
    )
    for test in tiers:
        found = [iri for iri, names in eg.names.items() if test(iri, names)]
        # an entity of the graph wins over a registry entry that has no claims
        in_graph = [iri for iri in found if iri in eg.graph]
        pool = in_graph or found
        if len(pool) == 1:
            return pool[0]
        if len(pool) > 1:
            listed = ", ".join(f"{eg.names[i][0]} <{i}>" for i in pool[:5])
            raise InputError(name, f"matches several entities ({listed}); give an IRI instead")
    raise InputError(name, "no entity of the graph has this name, alias or IRI")


def _best_shortest(u: Any, a: str, b: str) -> list[str] | None:
    import networkx as nx

    def score(path: list[str]) -> tuple[int, list[str]]:
        return (-sum(u[x][y]["weight"] for x, y in itertools.pairwise(path)), path)

    try:
        return min(itertools.islice(nx.all_shortest_paths(u, a, b), PATH_CANDIDATES), key=score)
    except nx.NetworkXNoPath:
        return None


def find_path(eg: EntityGraph, source: str, target: str, *, via: str | None = None) -> EvidencePath | None:
    """The shortest evidence path between two entities, optionally through a third.

    Args:
        eg: The entity graph.
        source: Name, alias or IRI of the first entity (see ``resolve``).
        target: Name, alias or IRI of the last entity.
        via: Name, alias or IRI of an entity the path must pass through (the two legs are each shortest,
            so an entity may appear twice).

    Returns:
        The path, or None when the entities are not connected.

    Raises:
        InputError: a name does not resolve, or its entity has no claims (so no edges).
    """
    names = [source, *([via] if via else []), target]
    stops = [resolve(eg, n) for n in names]
    for n, iri in zip(names, stops, strict=True):
        if iri not in eg.graph:
            raise InputError(n, f"{eg.names[iri][0]} <{iri}> has no claims, so it is not in the entity graph")
    u = undirected(eg.graph)
    nodes = [stops[0]]
    for a, b in itertools.pairwise(stops):
        leg = _best_shortest(u, a, b)
        if leg is None:
            return None
        nodes += leg[1:]
    hops = []
    for a, b in itertools.pairwise(nodes):
        claims = sorted((*eg.claims.get((a, b), ()), *eg.claims.get((b, a), ())), key=claim_rank)
        facts = {f for x, y in ((a, b), (b, a)) if eg.graph.has_edge(x, y) for f in
                 str(eg.graph[x][y]["facts"]).split("|") if f}  # fmt: skip
        hops.append(Hop(a, b, u[a][b]["weight"], tuple(sorted(facts)), tuple(claims)))
    return EvidencePath(stops[0], stops[-1], tuple(hops), stops[1] if via else None)


def _label(eg: EntityGraph, iri: str) -> str:
    return eg.names[iri][0] if iri in eg.names else str(eg.graph.nodes[iri].get("label", iri))


def claim_sentence(eg: EntityGraph, c: ClaimRef) -> str:
    """``Belarus —member of→ CSTO`` with ``NOT`` for a negative claim and the modality unless asserted."""
    pred = ("NOT " if c.polarity == "Negative" else "") + readable(c.predicate)
    qualifiers = [c.modality.lower()] if c.modality != "Asserted" else []
    qualifiers += ["truthy"] if c.truthy else []
    tail = f" [{', '.join(qualifiers)}]" if qualifiers else ""
    return f"{_label(eg, c.subject)} —{pred}→ {_label(eg, c.object)}{tail}"


def path_dict(eg: EntityGraph, path: EvidencePath) -> dict[str, Any]:
    """A JSON-ready path: endpoints and hops, each hop with all its claims."""

    def entity(iri: str) -> dict[str, str]:
        return {"iri": iri, "label": _label(eg, iri)}

    return {
        "from": entity(path.source), "to": entity(path.target),
        "via": entity(path.via) if path.via else None,
        "length": len(path.hops),
        "hops": [
            {"from": entity(h.source), "to": entity(h.target), "weight": h.weight, "facts": list(h.facts),
             "claims": [{"iri": c.iri, "subject": c.subject, "predicate": c.predicate, "object": c.object,
                         "polarity": c.polarity, "modality": c.modality, "truthy": c.truthy,
                         "confidence": c.confidence, "evidence": c.text, "document": c.doc, "title": c.title,
                         "date": c.date} for c in h.claims]}
            for h in path.hops
        ],
    }  # fmt: skip


def format_path(eg: EntityGraph, path: EvidencePath, *, claims_per_hop: int = DEFAULT_CLAIMS_PER_HOP) -> str:
    """The path as text: one block per hop with its best claims, their sentences and documents."""
    n = len(path.hops)
    via = f" via {_label(eg, path.via)}" if path.via else ""
    out = [f"{_label(eg, path.source)} → {_label(eg, path.target)}{via}: {n} hop{'s' if n != 1 else ''}",
           "  " + " — ".join(_label(eg, x) for x in path.nodes)]  # fmt: skip
    for i, hop in enumerate(path.hops, 1):
        count = f"{len(hop.claims)} claim{'s' if len(hop.claims) != 1 else ''}"
        out.append(f"{i}. {_label(eg, hop.source)} – {_label(eg, hop.target)} ({count}"
                   + (f"; truthy: {', '.join(readable(f) for f in hop.facts)})" if hop.facts else ")"))
        for c in hop.claims[:claims_per_hop]:
            out.append(f"   {claim_sentence(eg, c)}")
            if c.text:
                out.append(f"     “{c.text}”")
            source = " ".join(x for x in (c.title, f"({c.date})" if c.date else "", f"<{c.doc}>" if c.doc else "")
                              if x)  # fmt: skip
            if source:
                out.append(f"     — {source}")
        if len(hop.claims) > claims_per_hop:
            more = len(hop.claims) - claims_per_hop
            out.append(f"   (+{more} more claim{'s' if more != 1 else ''})")
        if not hop.claims:
            out.append("   (a truthy triple with no claim in this graph)")
    return "\n".join(out)
