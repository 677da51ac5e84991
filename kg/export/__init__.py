"""Exporters behind a small name -> function registry; heavy libraries load lazily."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..heap import frozen_heap

if TYPE_CHECKING:
    from ..pipeline import Build
    from ..rdf import Quad


def _ttl(build: Build, path: Path) -> None:
    from .serialize import write_turtle

    write_turtle(build.graph.quads, build.graph.ns, path)


def _nq(build: Build, path: Path) -> None:
    from .serialize import write_nquads

    write_nquads(build.graph.quads, path)


def _view_quads(build: Build) -> Iterator[Quad]:
    """The quads the HTML view reads: entities, claims with their evidence, and which documents mention
    what; not offsets, mention kinds and texts, span classes or full texts (a quarter of a big graph)."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from ..namespaces import ITSRDF, NIF

    skip = {URIRef(NIF + name) for name in ("beginIndex", "endIndex", "isString")} | {build.graph.ns.gk.mentionKind}
    span_class = URIRef(NIF + "RFC5147String")
    anchor = URIRef(NIF + "anchorOf")
    mentions = {q[1] for q in build.graph.quads if q[2] == ITSRDF.taIdentRef}
    for q in build.graph.quads:
        p = q[2]
        if p in skip or (p == RDF.type and q[3] == span_class) or (p == anchor and q[1] in mentions):
            continue
        yield q


def _html(build: Build, path: Path) -> None:
    from ..analytics import analyse_build
    from ..rdf import to_graph
    from .html import write_html

    graph = to_graph(_view_quads(build), build.graph.ns)
    write_html(graph, path, title="kg graph", max_nodes=build.settings.max_nodes,
               gk_ns=f"{build.graph.ns.base}ont#", stats=analyse_build(build)[1])


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

    names = [*OUTPUT_FILES, *(FORMATS[f] for f in parse_formats(formats))]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with frozen_heap():  # the build's records and quads are not garbage: keep the collector off them
        for name in names:
            EXPORTERS[name](build, out_dir / name)
            written.append(out_dir / name)
    return written
