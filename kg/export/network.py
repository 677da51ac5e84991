"""GraphML and GEXF exports of the entity graph, for Gephi, Cytoscape, networkx and other graph tools.

The exported graph is the entity graph of ``kg.entity_graph`` with its centralities and community as node
attributes. Every attribute is a scalar (sets are joined with ``|``), nodes and edges come in sorted
order, and GEXF's ``lastmodifieddate`` is left out, so the same graph always gives the same bytes.
networkx writes both formats (GraphML with the standard-library XML writer, never lxml, whose output
differs); ``networkx.read_graphml`` and ``networkx.read_gexf`` read them back unchanged (a GEXF
reader adds an ``id`` to each edge and returns ``weight`` as a float).
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..errors import InputError
from .atomic import write_atomic

if TYPE_CHECKING:
    import networkx as nx

    from ..entity_graph import EntityGraph

logger = logging.getLogger(__name__)

#: Format name (``--format``) → file suffix.
NETWORK_FORMATS = {"graphml": ".graphml", "gexf": ".gexf"}
_GEXF_DATE = re.compile(rb'\s+lastmodifieddate="[^"]*"')


def network_bytes(graph: nx.DiGraph, fmt: str) -> bytes:
    """The graph serialised as ``graphml`` or ``gexf`` (UTF-8 XML).

    Raises:
        InputError: ``fmt`` is not a known format.
    """
    import networkx as nx

    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml_xml(graph, buf, encoding="utf-8", prettyprint=True)
        return buf.getvalue()
    if fmt == "gexf":
        nx.write_gexf(graph, buf, encoding="utf-8", prettyprint=True)
        # the date of the run would make two exports of the same graph differ
        return _GEXF_DATE.sub(b"", buf.getvalue(), count=1)
    raise InputError("--format", f"unknown network format {fmt!r}; expected one of {', '.join(NETWORK_FORMATS)}")


def export_graph(eg: EntityGraph) -> nx.DiGraph:
    """A copy of the entity graph ready to write: graph attributes that name the source, all values scalar."""
    from .. import __version__

    graph = eg.graph.copy()
    graph.graph.clear()
    graph.graph.update(name="kg entity graph", generator=f"kg {__version__}", documents=eg.documents)
    return graph


def write_network(eg: EntityGraph, path: Path, fmt: str | None = None) -> None:
    """Write the entity graph (analysed: see ``kg.analytics.analyse``) atomically as GraphML or GEXF.

    Args:
        eg: The entity graph; nodes should carry the centrality attributes already.
        path: Destination file.
        fmt: ``graphml`` or ``gexf``; from the file suffix when None.

    Raises:
        InputError: the format is unknown.
        ExportError: the file cannot be written.
    """
    path = Path(path)
    if fmt is None:
        fmt = next((f for f, suffix in NETWORK_FORMATS.items() if path.suffix.lower() == suffix), None)
        if fmt is None:
            suffixes = " or ".join(NETWORK_FORMATS.values())
            raise InputError(path, f"cannot tell the format from the suffix; use {suffixes}")
    data = network_bytes(export_graph(eg), fmt)

    def dump(fh: IO[bytes]) -> None:
        fh.write(data)

    write_atomic(path, dump)
    logger.info("wrote %s (%d nodes, %d edges)", path, eg.graph.number_of_nodes(), eg.graph.number_of_edges())


def export_network(graph_file: Path, output: Path, formats: str | None = None) -> list[Path]:
    """``kg export``: read a graph file kg wrote, analyse it, write GraphML and/or GEXF.

    Args:
        graph_file: A .ttl, .nq, .nt, .trig or .jsonld file.
        output: A ``.graphml`` or ``.gexf`` file, or a folder that receives ``graph.graphml`` / ``graph.gexf``.
        formats: Comma-separated format names; when None, the suffix of ``output`` decides, and a folder
            gets both.

    Returns:
        The files written.

    Raises:
        InputError: the graph cannot be read, or the formats and ``output`` disagree.
    """
    from ..analytics import stats_of_file
    from . import FORMATS, parse_formats

    wanted = parse_formats(formats)
    other = [f for f in wanted if f not in NETWORK_FORMATS]
    if other:
        raise InputError("--format", f"kg export writes {' and '.join(NETWORK_FORMATS)}, not {', '.join(other)}")
    output = Path(output)
    named = next((f for f, suffix in NETWORK_FORMATS.items() if output.suffix.lower() == suffix), None)
    if named is not None:
        if wanted and wanted != (named,):
            raise InputError(output, f"is a .{named} file; --format {','.join(wanted)} needs a folder")
        targets = [(output, named)]
    else:
        targets = [(output / FORMATS[f], f) for f in (wanted or tuple(NETWORK_FORMATS))]
    eg, _ = stats_of_file(Path(graph_file))
    for path, fmt in targets:
        write_network(eg, path, fmt)
    return [path for path, _ in targets]
