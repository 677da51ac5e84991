"""Exporters behind a small name -> function registry; heavy libraries load lazily."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pipeline import Build


def _ttl(build: Build, path: Path) -> None:
    from .serialize import write_turtle

    write_turtle(build.graph.quads, build.graph.ns, path)


def _nq(build: Build, path: Path) -> None:
    from .serialize import write_nquads

    write_nquads(build.graph.quads, path)


def _html(build: Build, path: Path) -> None:
    from ..rdf import to_graph
    from .html import write_html

    graph = to_graph(build.graph.quads, build.graph.ns)
    write_html(graph, path, title="kg graph", max_nodes=build.settings.max_nodes,
               gk_ns=f"{build.graph.ns.base}ont#")


def _report(build: Build, path: Path) -> None:
    from .report import write_report

    write_report(build, path)


#: Output file name -> writer; `kg build` writes all of them (CONTRACT.md).
EXPORTERS: dict[str, Callable[[Build, Path], None]] = {
    "graph.ttl": _ttl,
    "graph.nq": _nq,
    "graph.html": _html,
    "report.json": _report,
}


def write_outputs(build: Build, out_dir: Path) -> list[Path]:
    """Write every output file of CONTRACT.md into ``out_dir``; each write is atomic."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, writer in EXPORTERS.items():
        writer(build, out_dir / name)
        written.append(out_dir / name)
    return written
