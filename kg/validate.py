"""``kg validate``: SHACL shapes and SPARQL integrity checks over a graph file kg wrote.

Two layers run on the same file (CONTRACT.md, ONTOLOGY.md §7):

* pySHACL with ``ontology/shapes.ttl``, ``ontology/gk.ttl`` as the ontology graph and RDFS inference. By
  default the shapes' SHACL-SPARQL constraints are left out of pySHACL: it evaluates them once per focus
  node, which takes seconds per document, and each of them is also an integrity check below.
* The integrity checks ``ontology/queries/integrity/*.rq``: one SELECT per file returning the offending
  rows, run by Oxigraph over the raw data (no inference, so a wrong class cannot be inferred into a right
  one) plus gk.ttl in the graph ``{BASE}graph/ontology``. The files are written against the default base
  IRI; a graph built with another ``--base-iri`` is checked with the queries and shapes rebased to it.

A Turtle file is loaded into one named graph, an N-Quads file keeps its graphs, so "in the same graph"
means "in the same document" for N-Quads and "in the file" for Turtle.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .config import DEFAULT_BASE_IRI, DEFAULT_ONTOLOGY_DIR
from .errors import InputError, QueryError
from .namespaces import GK_TERMS
from .resources import integrity_queries, read_ontology_text

logger = logging.getLogger(__name__)

#: Graph that receives the triples of a file without named graphs (Turtle, N-Triples).
FILE_GRAPH = "urn:x-kg:file"
#: Rows of each failed check shown by :func:`format_report` (JSON always carries all of them).
DEFAULT_MAX_ROWS = 10
_SH = "http://www.w3.org/ns/shacl#"
_ESCAPED_DEFAULT = re.compile(r"https://geokg(\\+)\.example/")
_GK_CLASS = re.compile(r"^(.+)ont#(" + "|".join(t for t in GK_TERMS if t[:1].isupper()) + r")$")


@dataclass(frozen=True, slots=True)
class IntegrityCheck:
    """One integrity check: a SELECT whose rows are violations.

    Attributes:
        name: File name without ``.rq``.
        summary: First line of the comment header.
        query: The SPARQL text (for the default base IRI).
    """

    name: str
    summary: str
    query: str

    @classmethod
    def from_text(cls, name: str, text: str) -> IntegrityCheck:
        """A check from its file text; the summary is the first ``#`` line.

        >>> IntegrityCheck.from_text("x", "# Spans quote the text.\\n# More.\\nSELECT ?s WHERE {}").summary
        'Spans quote the text.'
        """
        header = [ln.lstrip("#").strip() for ln in text.splitlines() if ln.startswith("#")]
        return cls(name, header[0] if header else name, text)


@dataclass(frozen=True, slots=True)
class Violation:
    """The rows one failed integrity check returned."""

    check: str
    summary: str
    variables: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form; each row maps variable to value (unbound variables left out)."""
        return {"check": self.check, "summary": self.summary, "count": len(self.rows),
                "rows": [{v: x for v, x in zip(self.variables, row, strict=True) if x is not None}
                         for row in self.rows]}


@dataclass(frozen=True, slots=True)
class ShaclResult:
    """One sh:ValidationResult of pySHACL."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form (empty fields left out)."""
        return {k: v for k, v in (("severity", self.severity), ("focus", self.focus), ("path", self.path),
                                  ("value", self.value), ("message", self.message), ("shape", self.shape)) if v}


@dataclass(frozen=True)
class ValidationReport:
    """What ``kg validate`` found in one graph file.

    Attributes:
        path: The graph file.
        base: The base IRI the file was built with (detected from its gk: classes).
        triples: Number of quads read.
        shacl_ran: Whether pySHACL ran at all.
        shacl_conforms: pySHACL's verdict (True when it did not run).
        shacl_text: pySHACL's text report ("" when it did not run).
        shacl_results: pySHACL's results, sorted.
        checks: Names of the integrity checks that ran.
        violations: The checks that returned rows.
        timings: Seconds spent loading, in SHACL and in the checks.
    """

    path: Path
    base: str
    triples: int
    shacl_ran: bool
    shacl_conforms: bool
    shacl_text: str
    shacl_results: tuple[ShaclResult, ...]
    checks: tuple[str, ...]
    violations: tuple[Violation, ...]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """True when SHACL conforms and no integrity check returned a row."""
        return self.shacl_conforms and not self.violations

    def violation(self, check: str) -> Violation | None:
        """The violation of a check by name, or None if it passed."""
        return next((v for v in self.violations if v.check == check), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form of the whole report."""
        return {
            "graph": str(self.path), "base": self.base, "triples": self.triples, "conforms": self.conforms,
            "shacl": {"ran": self.shacl_ran, "conforms": self.shacl_conforms,
                      "results": [r.as_dict() for r in self.shacl_results], "text": self.shacl_text},
            "integrity": {"checks": list(self.checks), "passed": [c for c in self.checks if not self.violation(c)],
                          "violations": [v.as_dict() for v in self.violations]},
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def rebase(text: str, base: str) -> str:
    """Rewrite IRIs of the default base in ontology or query text to ``base``, also inside regexes.

    >>> rebase('<https://geokg.example/ont#Country> "^https://geokg\\\\.example/id/"', "http://kg.test/")
    '<http://kg.test/ont#Country> "^http://kg\\\\.test/id/"'
    """
    if base == DEFAULT_BASE_IRI:
        return text

    def escaped(match: re.Match[str]) -> str:
        # a regex escape inside a string literal: keep the file's level of backslash-doubling
        return "".join(match.group(1) + ch if ch in ".^$*+?()[]{}|\\" else ch for ch in base)

    return _ESCAPED_DEFAULT.sub(escaped, text).replace(DEFAULT_BASE_IRI, base)


def load_checks(ontology_dir: Path = DEFAULT_ONTOLOGY_DIR) -> list[IntegrityCheck]:
    """The integrity checks of an ontology folder, sorted by name."""
    return [IntegrityCheck.from_text(name, text) for name, text in integrity_queries(ontology_dir).items()]


@dataclass(frozen=True)
class LoadedGraph:
    """A graph file as an Oxigraph store (for the checks) and an rdflib Graph (for pySHACL)."""

    store: ox.Store
    quads: int
    rdflib_graph: Any


def _rdflib_term(t: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    return Literal(t.value, datatype=URIRef(t.datatype.value))


def load_graph(path: Path) -> LoadedGraph:
    """Parse a graph file; triples outside named graphs go to the graph :data:`FILE_GRAPH`.

    The file is parsed once, without the store's literal normalisation (an Oxigraph store keeps
    ``"3"^^xsd:nonNegativeInteger`` as ``xsd:integer``), so SHACL sees the datatypes as written.

    Raises:
        InputError: the file is missing, of an unknown type, not valid RDF, or empty.
    """
    from rdflib import Graph

    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise InputError(path, "unknown graph format; expected a file kg wrote (.ttl or .nq)")
    try:
        parsed = list(ox.parse(path=str(path), format=fmt))
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(path, f"not a readable graph ({exc})") from None
    if not parsed:
        raise InputError(path, "holds no triples; expected a graph written by kg build")
    file_graph = ox.NamedNode(FILE_GRAPH)
    store = ox.Store()
    store.extend(q if not isinstance(q.graph_name, ox.DefaultGraph)
                 else ox.Quad(q.subject, q.predicate, q.object, file_graph) for q in parsed)
    graph = Graph()
    for q in parsed:
        graph.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
    return LoadedGraph(store, len(parsed), graph)


def detect_base(store: ox.Store) -> str:
    """The base IRI of the build, from the ``{BASE}ont#`` classes the data uses (the default if none)."""
    counts: dict[str, int] = {}
    answer = store.query("SELECT ?t (COUNT(*) AS ?n) WHERE { ?x a ?t } GROUP BY ?t",
                         use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    for row in answer:
        t, n = row["t"], row["n"]
        match = _GK_CLASS.match(t.value) if isinstance(t, ox.NamedNode) else None
        if match and isinstance(n, ox.Literal):
            counts[match.group(1)] = counts.get(match.group(1), 0) + int(n.value)
    if len(counts) > 1:
        logger.warning("graph uses several gk: namespaces %s; validating the most used one", sorted(counts))
    return max(sorted(counts), key=lambda b: counts[b]) if counts else DEFAULT_BASE_IRI


def _value(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def run_checks(store: ox.Store, checks: Sequence[IntegrityCheck], base: str) -> list[Violation]:
    """Run each check over the store's union graph; the checks that returned rows.

    Raises:
        QueryError: a check is not valid SPARQL (the message names it).
    """
    violations = []
    for check in checks:
        try:
            answer = store.query(rebase(check.query, base), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"integrity check {check.name!r} is not valid SPARQL: {exc}") from None
        if not isinstance(answer, ox.QuerySolutions):
            raise QueryError(f"integrity check {check.name!r} must be a SELECT query")
        variables = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(_value(sol[v]) for v in variables) for sol in answer)
        logger.debug("integrity check %s: %d rows", check.name, len(rows))
        if rows:
            violations.append(Violation(check.name, check.summary, variables, rows))
    return violations


def run_shacl(data: Any, ontology_dir: Path, base: str, sparql: bool = False) -> tuple[bool, str, list[ShaclResult]]:
    """pySHACL with shapes.ttl, gk.ttl as the ontology graph and RDFS inference.

    Args:
        data: An rdflib Graph of the data.
        ontology_dir: Folder holding shapes.ttl and gk.ttl.
        base: Base IRI of the data; the shapes and the ontology are rebased to it.
        sparql: Also run the shapes' SHACL-SPARQL constraints (slow; the integrity checks cover them).

    Returns:
        ``(conforms, text report, results)``.
    """
    import pyshacl
    from rdflib import Graph, URIRef

    shapes = Graph().parse(data=rebase(read_ontology_text(ontology_dir, "shapes.ttl"), base), format="turtle")
    ont = Graph().parse(data=rebase(read_ontology_text(ontology_dir, "gk.ttl"), base), format="turtle")
    if not sparql:
        for triple in list(shapes.triples((None, URIRef(_SH + "sparql"), None))):
            shapes.remove(triple)
    conforms, results_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="rdfs", advanced=True, allow_warnings=True,
    )
    sh = {n: URIRef(_SH + n) for n in ("focusNode", "resultPath", "value", "resultMessage", "resultSeverity",
                                       "sourceShape", "ValidationResult")}
    results = []
    for node in results_graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                       sh["ValidationResult"]):
        def get(name: str, node: Any = node) -> str | None:
            term = results_graph.value(node, sh[name])
            return None if term is None else str(term)

        results.append(ShaclResult(
            severity=(get("resultSeverity") or "").removeprefix(_SH), focus=get("focusNode") or "",
            path=get("resultPath"), value=get("value"), message=get("resultMessage") or "",
            shape=get("sourceShape"),
        ))
    return bool(conforms), str(text), sorted(results, key=lambda r: (r.focus, r.path or "", r.message))


def validate(
    path: Path,
    *,
    ontology_dir: Path = DEFAULT_ONTOLOGY_DIR,
    shacl: bool = True,
    shacl_sparql: bool = False,
    only: Sequence[str] | None = None,
) -> ValidationReport:
    """Validate a graph file kg wrote (.ttl, .nq, ...): SHACL, then the integrity checks.

    Args:
        path: The graph file.
        ontology_dir: Folder holding shapes.ttl, gk.ttl and queries/integrity/.
        shacl: Run pySHACL (the integrity checks always run).
        shacl_sparql: Let pySHACL run the shapes' SHACL-SPARQL constraints as well.
        only: Names of the integrity checks to run (all by default).

    Raises:
        InputError: the graph file cannot be read.
        OntologyError: the ontology folder lacks shapes, gk.ttl or checks.
        QueryError: an integrity check is not a valid SELECT query, or ``only`` names an unknown check.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    checks = load_checks(ontology_dir)
    if only is not None:
        unknown = sorted(set(only) - {c.name for c in checks})
        if unknown:
            raise QueryError(f"no integrity check named {', '.join(unknown)}; known: "
                             f"{', '.join(c.name for c in checks)}")
        checks = [c for c in checks if c.name in set(only)]
    loaded = load_graph(Path(path))
    store = loaded.store
    base = detect_base(store)
    timings["load_s"] = time.perf_counter() - t0
    conforms, text = True, ""
    results: list[ShaclResult] = []
    if shacl:
        t0 = time.perf_counter()
        conforms, text, results = run_shacl(loaded.rdflib_graph, ontology_dir, base, sparql=shacl_sparql)
        timings["shacl_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    store.load(input=rebase(read_ontology_text(ontology_dir, "gk.ttl"), base), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(f"{base}graph/ontology"))
    violations = run_checks(store, checks, base)
    timings["checks_s"] = time.perf_counter() - t0
    return ValidationReport(Path(path), base, loaded.quads, shacl, conforms, text, tuple(results),
                            tuple(c.name for c in checks), tuple(violations), timings)


def _short(value: str | None, base: str, width: int = 60) -> str:
    if value is None:
        return ""
    for long, short in ((f"{base}ont#", "gk:"), (f"{base}id/", ""), (f"{base}doc/", "doc:"),
                        (f"{base}assertion/", "assertion:"), (_SH, "sh:")):
        if value.startswith(long):
            value = short + value[len(long):]
            break
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "\u2026"


def format_report(report: ValidationReport, max_rows: int = DEFAULT_MAX_ROWS) -> str:
    """A readable text report: SHACL results, then each check with its first rows."""
    b = report.base
    lines = [f"{report.path}: {report.triples} triples, base {b}"]
    if not report.shacl_ran:
        lines.append("SHACL: skipped")
    elif report.shacl_conforms and not report.shacl_results:
        lines.append("SHACL: conforms")
    else:
        verdict = "conforms, with warnings" if report.shacl_conforms else "does not conform"
        lines.append(f"SHACL: {verdict}: {len(report.shacl_results)} result(s)")
        for r in report.shacl_results[:max_rows]:
            where = " ".join(x for x in (_short(r.focus, b), _short(r.path, b)) if x)
            value = f" (value {_short(r.value, b)})" if r.value else ""
            lines.append(f"  {r.severity}: {where}: {r.message}{value}")
        if len(report.shacl_results) > max_rows:
            lines.append(f"  ... {len(report.shacl_results) - max_rows} more (see --json)")
    lines.append(f"integrity checks: {len(report.checks)} run, {len(report.violations)} failed")
    for name in report.checks:
        found = report.violation(name)
        if found is None:
            lines.append(f"  ok    {name}")
            continue
        lines.append(f"  FAIL  {name}: {len(found.rows)} row(s): {found.summary}")
        for row in found.rows[:max_rows]:
            cells = [f"{v}={_short(x, b)}" for v, x in zip(found.variables, row, strict=True) if x is not None]
            lines.append("          " + "  ".join(cells))
        if len(found.rows) > max_rows:
            lines.append(f"          ... {len(found.rows) - max_rows} more (see --json)")
    lines.append("conforms" if report.conforms else "does NOT conform")
    return "\n".join(lines)
