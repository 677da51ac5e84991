"""Exporters behind a small name -> function registry; heavy libraries load lazily."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..heap import frozen_heap

if TYPE_CHECKING:
    from rdflib.term import Node

    from ..pipeline import Build
    from ..rdf import Quad
    from .serialize import QuadOrder

#: The canonical order of the quads last written (graph.ttl and graph.nq both need it): a weak reference to the
#: quad set, its size and the order; ``write_outputs`` drops it when done.
_last_order: list[tuple[weakref.ref[Any], int, QuadOrder]] = []


def _quad_order(build: Build) -> QuadOrder:
    """``QuadOrder.of(build.graph.quads)``, computed once for the exporters that need it."""
    from .serialize import QuadOrder

    quads = build.graph.quads
    if _last_order:
        ref, size, order = _last_order[0]
        if ref() is quads and size == len(quads):
            return order
    order = QuadOrder.of(quads)
    _last_order[:] = [(weakref.ref(quads), len(quads), order)]
    return order


def _group_by_predicate(build: Build) -> None:
    """Have ``quads_by_predicate`` answer for the build's quads from their canonical order, if made already
    (grouping the quads from its sorted predicate column costs a fraction of a pass over the quads)."""
    from ..entity_graph import remember_groups

    quads = build.graph.quads
    if _last_order and isinstance(quads, set | frozenset):
        ref, size, order = _last_order[0]
        if ref() is quads and size == len(quads):
            remember_groups(quads, order.by_predicate(quads))


def _ttl(build: Build, path: Path) -> None:
    from .serialize import write_turtle

    write_turtle(build.graph.quads, build.graph.ns, path, _quad_order(build))


def _nq(build: Build, path: Path) -> None:
    from .serialize import write_nquads

    write_nquads(build.graph.quads, path, _quad_order(build))


#: ``(subject, object)`` of a quad.
_PAIR = itemgetter(1, 3)


def _view(build: Build) -> tuple[list[tuple[Node, Iterable[tuple[Node, Node]]]], list[tuple[Node, Node | None]]]:
    """What the HTML view reads: the triples, as ``(predicate, (subject, object) pairs)``, and the mentions, as
    ``project`` takes them (``(target, context)``).

    The triples are the entities, claims with their evidence, and documents; not offsets, mention kinds and texts,
    span classes or full texts, nor the mentions' triples, which ``project`` need not read given the mentions
    (most of a big graph)."""
    from rdflib import URIRef
    from rdflib.namespace import RDF, RDFS

    from ..entity_graph import quads_by_predicate
    from ..namespaces import ITSRDF, NIF

    # Grouped by predicate (a hash look-up per quad, shared with the entity graph), the quads are sorted out a
    # group at a time, not by comparing each quad's predicate with rdflib's `==` (a Python method).
    by_predicate = quads_by_predicate(build.graph.quads)
    skip = {URIRef(NIF + name) for name in ("beginIndex", "endIndex", "isString")} | {build.graph.ns.gk.mentionKind}
    drop_class = {URIRef(NIF + "RFC5147String")}
    if RDFS.subClassOf not in by_predicate:  # else gk:Mention might be an entity class: its instances stay
        drop_class.add(build.graph.ns.gk.Mention)
    anchor, ident, context = URIRef(NIF + "anchorOf"), ITSRDF.taIdentRef, URIRef(NIF + "referenceContext")
    links, mentions = _mentions(by_predicate, build.graph.ns.gk.Mention, ident, context)
    mentioned = {q[1] for q in by_predicate.get(ident, ())}
    groups: list[tuple[Node, Iterable[tuple[Node, Node]]]] = []
    for p, group in by_predicate.items():
        if p in skip or p == ident:
            continue
        if p == RDF.type:
            groups.append((p, [(q[1], q[3]) for q in group if q[3] not in drop_class]))
        elif p == anchor:
            groups.append((p, [(q[1], q[3]) for q in group if q[1] not in mentioned]))
        elif p == context:
            groups.append((p, [(q[1], q[3]) for q in group if q[1] not in mentions]))
        else:
            groups.append((p, map(_PAIR, group)))
    return groups, links


def _mentions(by_predicate: dict[Node, list[Quad]], mention: Node, ident: Node,
              context: Node) -> tuple[list[tuple[Node, Node | None]], set[Node]]:
    """``(target, context)`` of each ``gk:Mention``, as ``project`` reads them from the graph (the first context
    of a mention in the order of the quads, a link in several graphs once), and the mentions."""
    from rdflib.namespace import RDF

    is_mention = {mention}  # a set look-up hashes in C; `==` is a Python method
    mentions: set[Node] = {q[1] for q in by_predicate.get(RDF.type, ()) if q[3] in is_mention}
    contexts = by_predicate.get(context, [])
    # the first context of each subject: the last one set, going backwards
    first = dict(zip(map(itemgetter(1), reversed(contexts)), map(itemgetter(3), reversed(contexts)), strict=True))
    links = dict.fromkeys(map(_PAIR, by_predicate.get(ident, ())))
    return [(target, first.get(m)) for m, target in links if m in mentions], mentions


def _html(build: Build, path: Path) -> None:
    from ..analytics import analyse_build
    from .html import write_html
    from .projection import TripleIndex

    _group_by_predicate(build)
    groups, mentions = _view(build)
    write_html(TripleIndex.of_groups(groups), path, title="kg graph", max_nodes=build.settings.max_nodes,
               gk_ns=f"{build.graph.ns.base}ont#", stats=analyse_build(build)[1], mentions=mentions)


def _report(build: Build, path: Path) -> None:
    from .report import write_report

    write_report(build, path)


def _jsonld(build: Build, path: Path) -> None:
    from .jsonld import write_jsonld

    write_jsonld(build.graph.quads, build.graph.ns, path)


def _network(fmt: str) -> Callable[[Build, Path], None]:
    def write(build: Build, path: Path) -> None:
        from ..analytics import analyse_build
        from .network import write_network

        write_network(analyse_build(build)[0], path, fmt)

    return write


#: Output file name -> writer. `kg build` writes the four files of CONTRACT.md (``OUTPUT_FILES``) always,
#: the others when ``--format`` names them.
EXPORTERS: dict[str, Callable[[Build, Path], None]] = {
    "graph.ttl": _ttl,
    "graph.nq": _nq,
    "graph.html": _html,
    "report.json": _report,
    "graph.graphml": _network("graphml"),
    "graph.gexf": _network("gexf"),
    "graph.jsonld": _jsonld,
}
#: ``--format`` name -> the extra output file it adds.
FORMATS: dict[str, str] = {"graphml": "graph.graphml", "gexf": "graph.gexf", "jsonld": "graph.jsonld"}


def parse_formats(formats: str | Iterable[str] | None) -> tuple[str, ...]:
    """Format names from ``"graphml,gexf"`` (or a list of such strings), checked, deduplicated, in order.

    >>> parse_formats("gexf, graphml,gexf")
    ('gexf', 'graphml')

    Raises:
        InputError: a name is not in ``FORMATS``.
    """
    from ..errors import InputError

    items = [formats] if isinstance(formats, str) else list(formats or ())
    names = [n.strip().lower() for item in items for n in item.split(",") if n.strip()]
    unknown = sorted(set(names) - set(FORMATS))
    if unknown:
        raise InputError("--format", f"unknown format {', '.join(unknown)}; expected {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(names))


def write_outputs(build: Build, out_dir: Path, formats: str | Iterable[str] | None = None) -> list[Path]:
    """Write every output file of CONTRACT.md into ``out_dir``, plus those of ``formats``; each write is atomic.

    Raises:
        InputError: a format is unknown (checked before anything is written).
    """
    from ..config import OUTPUT_FILES
    from ..entity_graph import forget_groups

    names = [*OUTPUT_FILES, *(FORMATS[f] for f in parse_formats(formats))]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    # The build's records and quads are not garbage: keep the collector off them. build_graph made them in a
    # frozen heap, collecting its garbage as it went: a full collection here would walk every live object (about
    # a second for 5,000 articles) and find next to nothing; and as it made the quads with the collector paused,
    # they are all still young: even a young collection walks them (a second for 1.2 million quads). So none.
    # The exporters' own objects (the HTML view's index, the entity graph) live to the end of their exporter
    # and make hardly any cyclic garbage: no collection in between either (a fifth of the HTML export's time
    # for 5,000 articles).
    with frozen_heap(collect=None, pause=True):
        try:
            for name in names:
                EXPORTERS[name](build, out_dir / name)
                written.append(out_dir / name)
        finally:
            _last_order.clear()
            forget_groups()
    return written
