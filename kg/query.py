"""SPARQL over a graph file kg wrote (pyoxigraph by default, rdflib as the alternative)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import QueryError

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True, slots=True)
class Result:
    """A query result: variables and rows of strings (SELECT), a boolean (ASK) or N-Triples lines."""

    variables: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    boolean: bool | None = None


def load_store(path: Path) -> ox.Store:
    """An in-memory Oxigraph store holding the graph file.

    Raises:
        QueryError: the file is missing, of an unknown type, or not valid RDF.
    """
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"{path}: unknown graph format; expected one of {', '.join(sorted(_FORMATS))}")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except FileNotFoundError:
        raise QueryError(f"{path}: no such file") from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"{path}: not a readable graph ({exc})") from None
    return store


def _value(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def run_query(path: Path, query: str) -> Result:
    """Run SPARQL over a graph file; N-Quads named graphs are queried as their union.

    Raises:
        QueryError: the query does not parse or the graph cannot be read.
    """
    store = load_store(path)
    try:
        answer = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"bad SPARQL query: {exc}") from None
    if isinstance(answer, ox.QueryBoolean):
        return Result((), (), bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(_value(sol[v]) for v in variables) for sol in answer)
        return Result(variables, rows)
    triples = tuple((str(t),) for t in answer)
    return Result(("triple",), triples)


def format_result(result: Result, fmt: str) -> str:
    """Render a result as ``table``, ``csv`` or ``json``."""
    if result.boolean is not None:
        return json.dumps({"boolean": result.boolean}) if fmt == "json" else str(result.boolean).lower()
    if fmt == "json":
        rows = [{v: val for v, val in zip(result.variables, row, strict=True) if val is not None}
                for row in result.rows]
        return json.dumps({"variables": list(result.variables), "rows": rows}, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([["" if v is None else v for v in row] for row in result.rows])
        return buf.getvalue()
    if fmt != "table":
        raise QueryError(f"unknown output format {fmt!r}; expected table, csv or json")
    cells = [list(result.variables)] + [["" if v is None else v for v in row] for row in result.rows]
    widths = [min(60, max(len(r[i]) for r in cells)) for i in range(len(result.variables))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c[:60].replace("\n", " ").ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"({len(result.rows)} rows)")
    return "\n".join(lines)


def to_rdflib(store: ox.Store) -> Any:
    """An rdflib Graph holding the union of the store's triples (for the HTML view and SHACL)."""
    from rdflib import BNode, Graph, Literal, URIRef

    def term(t: Any) -> Any:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    graph = Graph()
    for q in store.quads_for_pattern(None, None, None, None):
        graph.add((term(q.subject), term(q.predicate), term(q.object)))
    return graph
