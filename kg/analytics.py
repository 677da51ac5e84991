"""Graph analytics on the entity graph: degree, PageRank, betweenness and Louvain communities (networkx).

The entity graph (``kg.entity_graph``) holds the entities, with one weighted edge per ordered pair
aggregating the claims and truthy facts between them. Centrality and communities are computed on its
undirected view (a claim's direction is grammar, not influence; the weights of both directions add
up). Nodes are inserted in sorted order, Louvain and sampled betweenness take a fixed seed, and every
float is rounded, so the same graph gives the same numbers, byte for byte, in every run.
"""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .entity_graph import EntityGraph, from_build, from_file, undirected

if TYPE_CHECKING:
    import networkx as nx

    from .pipeline import Build

logger = logging.getLogger(__name__)

#: Seed of Louvain (and of sampled betweenness on large graphs): fixed, so communities are reproducible.
DEFAULT_SEED = 42
#: Entities listed by ``kg stats`` and report.json.
DEFAULT_TOP = 10
#: Members listed per community in report.json and the table (the JSON of ``kg stats`` lists all).
DEFAULT_COMMUNITY_MEMBERS = 10
#: Exact betweenness costs one breadth-first search per node (O(V·E), about 2 µs per edge visit); above this
#: many edge visits it is estimated from seeded source nodes, as many as the budget allows (at least 32).
BETWEENNESS_BUDGET = 2_500_000
MIN_BETWEENNESS_SAMPLES = 32
#: Decimal places of centralities and modularity.
PRECISION = 6
_MEMBERS_WIDTH = 90


@dataclass(frozen=True, slots=True)
class EntityScore:
    """Centralities of one entity: ``degree`` distinct neighbours, ``claims`` claims on its edges."""

    iri: str
    label: str
    cls: str
    degree: int
    claims: int
    pagerank: float
    betweenness: float
    community: int


@dataclass(frozen=True, slots=True)
class Community:
    """A Louvain community: ``id`` from 1 (largest first), members by PageRank, named after the first."""

    id: int
    label: str
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.members)


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Centralities (``scores``, highest PageRank first), communities and the graph's size."""

    documents: int
    nodes: int
    edges: int
    claims: int
    facts: int
    scores: tuple[EntityScore, ...]
    communities: tuple[Community, ...]
    modularity: float
    seed: int
    betweenness_samples: int | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def community_of(self) -> dict[str, int]:
        """Entity IRI → community id."""
        return {s.iri: s.community for s in self.scores}


def betweenness_samples(nodes: int, edges: int) -> int | None:
    """Source nodes sampled for betweenness; None for the exact value (small graphs).

    >>> betweenness_samples(300, 2_000), betweenness_samples(5_000, 50_000), betweenness_samples(10**6, 4 * 10**6)
    (None, 50, 32)
    """
    if nodes * max(edges, 1) <= BETWEENNESS_BUDGET:
        return None
    return min(nodes, max(MIN_BETWEENNESS_SAMPLES, BETWEENNESS_BUDGET // max(edges, 1)))


def analyse(eg: EntityGraph, *, seed: int = DEFAULT_SEED) -> GraphStats:
    """Degree, PageRank, betweenness and Louvain communities; also stored as node attributes of ``eg.graph``.

    Args:
        eg: The entity graph.
        seed: Seed of Louvain (and of sampled betweenness, see ``betweenness_samples``).

    Returns:
        The statistics, entities ordered by PageRank (then degree, then IRI).
    """
    import networkx as nx

    timings: dict[str, float] = {}
    started = time.perf_counter()
    g = eg.graph
    u = undirected(g)
    n = u.number_of_nodes()
    pagerank = nx.pagerank(u, weight="weight") if n else {}
    timings["pagerank_s"] = time.perf_counter() - started
    t0 = time.perf_counter()
    samples = betweenness_samples(n, u.number_of_edges())
    if samples is None:
        betweenness = exact_betweenness(u)
    else:
        betweenness = nx.betweenness_centrality(u, k=samples, normalized=True, seed=seed)
    timings["betweenness_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = nx.community.louvain_communities(u, weight="weight", seed=seed) if n else []
    modularity = nx.community.modularity(u, found, weight="weight") if u.number_of_edges() else 0.0
    timings["communities_s"] = time.perf_counter() - t0

    def rank(iri: str) -> tuple[float, int, str]:
        return (-round(pagerank.get(iri, 0.0), PRECISION), -u.degree(iri), iri)

    parts = sorted((sorted(c, key=rank) for c in found), key=lambda m: (-len(m), rank(m[0])))
    communities = tuple(Community(i, g.nodes[m[0]]["label"], tuple(m)) for i, m in enumerate(parts, 1))
    community = {iri: c.id for c in communities for iri in c.members}
    scores = []
    for iri in sorted(g.nodes, key=rank):
        s = EntityScore(iri, g.nodes[iri]["label"], g.nodes[iri]["class"], u.degree(iri),
                        int(u.degree(iri, weight="claims")), round(pagerank.get(iri, 0.0), PRECISION),
                        round(betweenness.get(iri, 0.0), PRECISION), community[iri])  # fmt: skip
        scores.append(s)
        g.nodes[iri].update(degree=s.degree, claims=s.claims, pagerank=s.pagerank, betweenness=s.betweenness,
                            community=s.community)  # fmt: skip
    timings["analytics_s"] = time.perf_counter() - started
    return GraphStats(eg.documents, n, g.number_of_edges(), eg.claim_count, eg.fact_count, tuple(scores),
                      communities, round(modularity, PRECISION), seed, samples, timings)  # fmt: skip


def exact_betweenness(g: nx.Graph) -> dict[Any, float]:
    """``nx.betweenness_centrality(g, normalized=True)`` of an undirected, unweighted graph, float for float.

    Brandes' algorithm as networkx runs it (breadth-first search from each node in turn, dependencies accumulated
    from the farthest nodes back), with the same additions in the same order, so the same rounding: on lists
    indexed by node rather than dicts keyed by node, and a node's predecessors found again among its
    neighbours instead of listed during the search (a dependency gets its additions in the same order either
    way); three times faster.
    """
    nodes = list(g)
    index = {v: i for i, v in enumerate(nodes)}
    neighbours = [[index[w] for w in g[v]] for v in nodes]
    n = len(nodes)
    total = [0.0] * n
    for s in range(n):
        _accumulate(s, neighbours, total)
    if n <= 2:  # networkx leaves these unscaled
        return dict(zip(nodes, total, strict=True))
    scale = 1 / ((n - 1) * (n - 2))
    return {v: b * scale for v, b in zip(nodes, total, strict=True)}


def _accumulate(s: int, neighbours: list[list[int]], total: list[float]) -> None:
    """Add the dependencies of the other nodes on source ``s`` to ``total`` (one step of ``exact_betweenness``)."""
    n = len(neighbours)
    sigma = [0.0] * n  # shortest paths from s
    depth = [-1] * n
    sigma[s] = 1.0
    depth[s] = 0
    queue = [s]  # visited in order; grows as it is read
    append = queue.append
    for v in queue:
        next_depth, paths = depth[v] + 1, sigma[v]
        for w in neighbours[v]:
            d = depth[w]
            if d < 0:
                append(w)
                depth[w] = next_depth
                sigma[w] += paths
            elif d == next_depth:
                sigma[w] += paths
    delta = [0.0] * n  # dependency of s on each node
    for w in reversed(queue):
        coeff = (1 + delta[w]) / sigma[w]
        previous = depth[w] - 1
        for v in neighbours[w]:
            if depth[v] == previous:
                delta[v] += sigma[v] * coeff
        if w != s:
            total[w] += delta[w]


#: The last build analysed: (weak reference to its quad set, quad count, seed, result).
_last_build: list[tuple[weakref.ref[Any], int, int, tuple[EntityGraph, GraphStats]]] = []


def analyse_build(build: Build, *, seed: int = DEFAULT_SEED) -> tuple[EntityGraph, GraphStats]:
    """``analyse(from_build(build))``, computed once per build for the exporters that all need it.

    Returns:
        The entity graph (nodes annotated) and its statistics; treat both as read-only.
    """
    quads = build.graph.quads
    if _last_build:
        ref, size, last_seed, result = _last_build[0]
        if ref() is quads and size == len(quads) and last_seed == seed:
            return result
    t0 = time.perf_counter()
    eg = from_build(build)
    read = time.perf_counter() - t0
    stats = analyse(eg, seed=seed)
    stats.timings["read_s"] = read
    _last_build[:] = [(weakref.ref(quads), len(quads), seed, (eg, stats))]
    return eg, stats


# ---- output ----


def stats_dict(stats: GraphStats, *, top: int = DEFAULT_TOP, members: int | None = None) -> dict[str, Any]:
    """A JSON-ready summary: sizes, the ``top`` entities and the communities (no timings: reproducible).

    Args:
        stats: What ``analyse`` returned.
        top: Entities listed (all when 0 or negative).
        members: Members listed per community (all when None).
    """
    label = {s.iri: s.label for s in stats.scores}
    return {
        "graph": {"documents": stats.documents, "entities": stats.nodes, "edges": stats.edges,
                  "claims": stats.claims, "facts": stats.facts},
        "method": {"centrality": "undirected view, edge weight = supporting claims",
                   "pagerank": "networkx pagerank, weighted", "betweenness": "networkx, normalised, unweighted",
                   "betweenness_samples": stats.betweenness_samples,
                   "communities": "networkx louvain_communities, weighted", "seed": stats.seed},
        "top_entities": [
            {"rank": i, "iri": s.iri, "label": s.label, "class": s.cls, "degree": s.degree, "claims": s.claims,
             "pagerank": s.pagerank, "betweenness": s.betweenness, "community": s.community}
            for i, s in enumerate(stats.scores[:top] if top > 0 else stats.scores, 1)
        ],
        "modularity": stats.modularity,
        "communities": [
            {"id": c.id, "label": c.label, "size": c.size,
             "members": [{"iri": m, "label": label[m]} for m in c.members[:members]]}
            for c in stats.communities
        ],
    }  # fmt: skip


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                                 strict=True)))

    return [line(header).rstrip(), "  ".join("-" * w for w in widths)] + [line(r).rstrip() for r in rows]


def format_stats(stats: GraphStats, *, top: int = DEFAULT_TOP, members: int = DEFAULT_COMMUNITY_MEMBERS) -> str:
    """The top entities and the communities as plain-text tables."""
    docs = f"{stats.documents} document{'s' if stats.documents != 1 else ''}"
    out = [f"{docs}, {stats.nodes} entities, {stats.edges} edges ({stats.claims} claims, {stats.facts} truthy facts)",
           "",
           f"Top {min(top, stats.nodes) if top > 0 else stats.nodes} entities by PageRank"]  # fmt: skip
    shown = stats.scores[:top] if top > 0 else stats.scores
    rows = [[str(i), s.label, s.cls, str(s.degree), str(s.claims), f"{s.pagerank:.4f}", f"{s.betweenness:.4f}",
             str(s.community)] for i, s in enumerate(shown, 1)]  # fmt: skip
    out += _table(["#", "entity", "class", "degree", "claims", "pagerank", "betweenness", "community"], rows,
                  {0, 3, 4, 5, 6, 7})
    label = {s.iri: s.label for s in stats.scores}
    out += ["", f"{len(stats.communities)} communities (Louvain, seed {stats.seed}, modularity {stats.modularity:.4f})"]
    rows = []
    for c in stats.communities:
        shown_members: list[str] = []
        for m in c.members[:members]:
            if shown_members and sum(len(x) + 2 for x in shown_members) + len(label[m]) > _MEMBERS_WIDTH:
                break
            shown_members.append(label[m])
        more = f" (+{c.size - len(shown_members)} more)" if c.size > len(shown_members) else ""
        rows.append([str(c.id), str(c.size), ", ".join(shown_members) + more])
    out += _table(["id", "size", "members (by PageRank)"], rows, {0, 1})
    return "\n".join(out)


def stats_of_file(path: Path, *, seed: int = DEFAULT_SEED) -> tuple[EntityGraph, GraphStats]:
    """Read a graph file and analyse it; ``stats.timings`` gains ``read_s``.

    Raises:
        InputError: the file cannot be read.
    """
    t0 = time.perf_counter()
    eg = from_file(path)
    read = time.perf_counter() - t0
    stats = analyse(eg, seed=seed)
    stats.timings["read_s"] = read
    return eg, stats
