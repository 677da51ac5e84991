"""SPARQL over a graph file kg wrote (pyoxigraph by default, rdflib as the alternative), over an on-disk
Oxigraph store (``kg build --store``, opened read-only) or over an endpoint.

A graph file is parsed strictly by Oxigraph. Over N-Quads the query sees the union of the named graphs
(one per document plus the entity registry), so a triple held by two documents can come back twice:
the shipped queries use ``SELECT DISTINCT`` or ``COUNT(DISTINCT ...)`` for that reason.

Named queries (``ontology/queries/*.rq``) take parameters through placeholders: a line
``VALUES ?name { UNDEF }`` in the WHERE clause joins every solution with "no constraint", so the file
runs unmodified on any SPARQL 1.1 engine; ``--param name=value`` fills the placeholder in with one value
(:func:`bind_parameters`), which turns the join into a filter on that variable.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import QueryError

if TYPE_CHECKING:
    from .load import Credentials

#: Query engines of ``kg query --engine``; the first is the default.
ENGINES = ("oxigraph", "rdflib")
#: Output formats of ``kg query --format``.
RESULT_FORMATS = ("table", "csv", "json")
#: Widest cell of the table format.
TABLE_CELL_WIDTH = 60
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# the RocksDB column families of an Oxigraph store (as pyoxigraph 0.5 writes it): string table, quad indexes
_OXIGRAPH_INDEXES = ("id2str", "spog", "posg", "ospg", "gspo", "gpos", "gosp", "dspo", "dpos", "dosp", "graphs")
_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD,
}
_PLACEHOLDER = re.compile(r"\bVALUES\s+\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\{\s*UNDEF\s*\}", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+(?P<p>[A-Za-z][\w.-]*)?:\s*<(?P<ns>[^>\s]*)>", re.IGNORECASE | re.MULTILINE)
_PNAME = re.compile(r"^(?P<p>[A-Za-z][\w.-]*)?:(?P<local>[^\s<>\"{}|^`\\]*)$")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True, slots=True)
class Term:
    """One RDF term of a result, engine-independent.

    Attributes:
        kind: ``iri``, ``bnode``, ``literal`` or ``triple`` (an RDF 1.2 triple term).
        value: The IRI, blank node label, lexical form, or N-Triples text of a triple term.
        datatype: The literal's datatype IRI (``xsd:string`` for simple literals; None with a language).
        language: The literal's language tag, if any.
    """

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        """An IRI term."""
        return cls("iri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, language: str | None = None) -> Term:
        """A literal; without datatype or language it is an ``xsd:string``."""
        return cls("literal", value, None if language else (datatype or _XSD_STRING), language)


@dataclass(frozen=True, slots=True)
class Result:
    """A query result: variables and rows of terms (SELECT), a boolean (ASK), or triples as
    ``subject predicate object`` rows (CONSTRUCT, DESCRIBE)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]
    boolean: bool | None = None

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (IRIs, lexical forms), None for unbound variables."""
        return [tuple(None if t is None else t.value for t in row) for row in self.rows]


# ---------------------------------------------------------------- reading graph files


def _format_of(path: Path) -> ox.RdfFormat:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"{path}: unknown graph format; expected one of {', '.join(sorted(_FORMATS))}")
    return fmt


def read_quads(path: Path) -> list[ox.Quad]:
    """Parse a graph file strictly, keeping every literal exactly as written.

    Triples of a Turtle or N-Triples file are in the default graph.

    Raises:
        QueryError: the file is missing, of an unknown type, or not valid RDF.
    """
    fmt = _format_of(path)
    try:
        return list(ox.parse(path=str(path), format=fmt))
    except FileNotFoundError:
        raise QueryError(f"{path}: no such file") from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"{path}: not a readable graph ({exc})") from None


def load_store(path: Path) -> ox.Store:
    """An in-memory Oxigraph store holding the graph file.

    The store normalises literals by value (``"012"^^xsd:nonNegativeInteger`` becomes ``"12"^^xsd:integer``,
    INTEROP.md §4); use :func:`read_quads` when the exact datatypes matter.

    Raises:
        QueryError: the file is missing, of an unknown type, or not valid RDF.
    """
    fmt = _format_of(path)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except FileNotFoundError:
        raise QueryError(f"{path}: no such file") from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"{path}: not a readable graph ({exc})") from None
    return store


def is_oxigraph_store(path: Path) -> bool:
    """Whether the folder holds an on-disk Oxigraph store: RocksDB's ``CURRENT`` file and Oxigraph's indexes.

    Cheap (two small files are read), so a wrong folder gets a clear message rather than a RocksDB error.
    """
    path = Path(path)
    try:
        if not (path / "CURRENT").is_file():
            return False
        options = sorted(path.glob("OPTIONS-*"))
        text = options[-1].read_text(encoding="utf-8", errors="replace") if options else ""
    except OSError:
        return False
    return all(f'[CFOptions "{cf}"]' in text for cf in _OXIGRAPH_INDEXES)


def open_store(path: Path) -> ox.Store:
    """Open an on-disk Oxigraph store (``kg build --store``) read-only.

    Raises:
        QueryError: the folder is not an Oxigraph store, or the store cannot be opened.
    """
    if not path.is_dir():
        raise QueryError(f"{path}: not a folder, so not an Oxigraph store")
    if not is_oxigraph_store(path):
        try:
            empty = not any(path.iterdir())
        except OSError as exc:
            raise QueryError(f"{path}: cannot read the folder ({exc.strerror})") from None
        reason = ("an empty folder" if empty
                  else "a folder that is not an Oxigraph store (no RocksDB CURRENT file or no Oxigraph indexes)")
        raise QueryError(f"{path}: {reason}; give a graph file, a store folder written by"
                         " `kg build --store`, or an endpoint URL")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise QueryError(f"{path}: cannot open the Oxigraph store ({exc})") from None


def _rdflib_term(t: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == _XSD_STRING:
            return Literal(t.value)  # rdflib's own parsers give simple literals no datatype
        return Literal(t.value, datatype=URIRef(t.datatype.value))
    raise QueryError(f"rdflib cannot hold the RDF 1.2 term {t}")


def to_rdflib(quads: Iterable[ox.Quad]) -> Any:
    """An rdflib Graph of the union of the quads' triples, datatypes and lexical forms as parsed.

    >>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
    ...             ox.Literal("012", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")))
    >>> [str(o.datatype).split("#")[1] for o in to_rdflib([q]).objects()]
    ['nonNegativeInteger']
    """
    from rdflib import Graph

    graph = Graph()
    for q in quads:
        graph.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
    return graph


def to_rdflib_dataset(quads: Iterable[ox.Quad]) -> Any:
    """An rdflib Dataset keeping the named graphs; its default graph is their union (``default_union``)."""
    from rdflib import Dataset, URIRef

    dataset = Dataset(default_union=True)
    graphs: dict[str, Any] = {}
    batch = []
    for q in quads:
        name = q.graph_name
        key = name.value if isinstance(name, ox.NamedNode) else "" if isinstance(name, ox.DefaultGraph) else str(name)
        if key not in graphs:
            graphs[key] = dataset.graph(URIRef(key)) if isinstance(name, ox.NamedNode) else dataset.default_graph
        batch.append((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object), graphs[key]))
    dataset.addN(batch)
    return dataset


# ---------------------------------------------------------------- terms and results


def _term(t: Any) -> Term | None:
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return Term.iri(t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        return Term.literal(t.value, t.datatype.value, t.language)
    return Term("triple", str(t))


def _rdflib_result_term(t: Any) -> Term | None:
    from rdflib import BNode, Literal, URIRef

    if t is None:
        return None
    if isinstance(t, URIRef):
        return Term.iri(str(t))
    if isinstance(t, BNode):
        return Term("bnode", str(t))
    if isinstance(t, Literal):
        return Term.literal(str(t), str(t.datatype) if t.datatype else None, t.language)
    return Term("triple", str(t))


def _oxigraph_result(answer: Any) -> Result:
    if isinstance(answer, ox.QueryBoolean):
        return Result((), (), bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(v.value for v in answer.variables)
        return Result(variables, tuple(tuple(_term(sol[v]) for v in variables) for sol in answer))
    return Result(("subject", "predicate", "object"),
                  tuple((_term(t.subject), _term(t.predicate), _term(t.object)) for t in answer))


def _rdflib_engine(path: Path, query: str) -> Result:
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(query)
    except Exception as exc:  # pyparsing and rdflib raise several exception types for bad SPARQL
        raise QueryError(f"bad SPARQL query: {exc}") from None
    dataset = to_rdflib_dataset(read_quads(path))
    with warnings.catch_warnings():
        # rdflib 7's own Dataset.triples() calls its deprecated default_context: not ours to fix
        warnings.filterwarnings("ignore", message=r"Dataset\.\w+ is deprecated", category=DeprecationWarning)
        answer = dataset.query(prepared)
        if answer.type == "ASK":
            return Result((), (), bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = tuple(str(v) for v in answer.vars or ())
            return Result(variables, tuple(tuple(_rdflib_result_term(row[v]) for v in variables) for row in answer))
        return Result(("subject", "predicate", "object"),
                      tuple(tuple(_rdflib_result_term(x) for x in triple) for triple in answer))


def is_endpoint(source: Path | str) -> bool:
    """Whether ``kg query``'s GRAPH argument names an HTTP SPARQL endpoint rather than a file.

    >>> is_endpoint("http://127.0.0.1:7878/query"), is_endpoint("output/graph.nq")
    (True, False)
    """
    return str(source).startswith(("http://", "https://"))


def _rebase_to(store: ox.Store, query: str) -> str:
    from .validate import detect_base, rebase

    return rebase(query, detect_base(store))


def run_query(source: Path | str, query: str, *, engine: str = ENGINES[0], rebase: bool = False) -> Result:
    """Run SPARQL over a graph file or an on-disk Oxigraph store (named graphs as their union) or an endpoint.

    Args:
        source: A graph file kg wrote, a store folder (``kg build --store``, opened read-only), or the URL of
            a SPARQL query endpoint.
        query: The SPARQL text.
        engine: ``oxigraph`` (default) or ``rdflib``; ``rdflib`` reads graph files only.
        rebase: The query is written against the default base IRI (the named queries are): rewrite it to the
            base the graph was built with (``--base-iri``), detected from its ``gk:`` classes.

    Raises:
        QueryError: the query does not parse, the graph cannot be read, a folder is not an Oxigraph store,
            or the engine is unknown or cannot read the source.
        EndpointError: the endpoint cannot be reached or answers with an HTTP error.
    """
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if is_endpoint(source):
        if engine != ENGINES[0]:
            raise QueryError(f"--engine {engine} runs over graph files; an endpoint runs its own engine")
        return query_endpoint(str(source), query)
    path = Path(source)
    if path.is_dir():
        if engine != ENGINES[0]:
            raise QueryError(f"{path}: --engine {engine} reads graph files; an Oxigraph store folder is queried"
                             f" with --engine {ENGINES[0]}")
        store = open_store(path)
    elif engine == "rdflib":
        if rebase:
            probe = ox.Store()
            probe.extend(read_quads(path))
            query = _rebase_to(probe, query)
        return _rdflib_engine(path, query)
    else:
        store = load_store(path)
    if rebase:
        query = _rebase_to(store, query)
    try:
        answer = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"bad SPARQL query: {exc}") from None
    return _oxigraph_result(answer)


# ---------------------------------------------------------------- HTTP endpoints


def _json_term(binding: Mapping[str, str]) -> Term:
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return Term.iri(value)
    if kind == "bnode":
        return Term("bnode", value)
    if kind in ("literal", "typed-literal"):  # "typed-literal" is SPARQL-JSON's draft form (Virtuoso)
        return Term.literal(value, binding.get("datatype"), binding.get("xml:lang"))
    return Term("triple", json.dumps(value))


def parse_sparql_json(data: bytes) -> Result:
    """A result from SPARQL 1.1 Query Results JSON.

    >>> r = parse_sparql_json(b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "typed-literal",'
    ...                       b' "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "3"}}]}}')
    >>> r.variables, r.values()
    (('n',), [('3',)])

    Raises:
        QueryError: the document is not SPARQL-JSON.
    """
    try:
        doc = json.loads(data)
        if "boolean" in doc:
            return Result((), (), bool(doc["boolean"]))
        variables = tuple(doc["head"]["vars"])
        rows = tuple(tuple(_json_term(b[v]) if v in b else None for v in variables)
                     for b in doc["results"]["bindings"])
    except (ValueError, KeyError, TypeError) as exc:
        raise QueryError(f"the endpoint's answer is not SPARQL-JSON ({exc})") from None
    return Result(variables, rows)


def query_endpoint(
    url: str,
    query: str,
    *,
    default_graphs: Sequence[str] = (),
    credentials: Credentials | None = None,
    timeout: float | None = None,
) -> Result:
    """Run a query at a SPARQL 1.1 Protocol endpoint (POST, form-encoded).

    Args:
        url: The query endpoint (Oxigraph ``…/query``, Virtuoso ``…/sparql``).
        query: The SPARQL text, sent unmodified.
        default_graphs: ``default-graph-uri`` values: the query's default graph is their merge.
        credentials: HTTP basic or digest credentials, if the endpoint needs them.
        timeout: Seconds to wait for the answer (the module default if None).

    Raises:
        EndpointError: the endpoint cannot be reached or answers with an HTTP error.
        QueryError: the answer is in a format kg does not read.
    """
    from urllib.parse import urlencode

    from .load import DEFAULT_TIMEOUT, request

    form = [("query", query)] + [("default-graph-uri", g) for g in default_graphs]
    reply = request(
        "POST", url, body=urlencode(form).encode("utf-8"), credentials=credentials,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"},
    )
    kind = reply.content_type
    if "json" in kind:
        return parse_sparql_json(reply.body)
    fmt = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
           "application/n-quads": ox.RdfFormat.N_QUADS, "text/turtle": ox.RdfFormat.TURTLE}.get(kind)
    if fmt is None:
        raise QueryError(f"{reply.url}: unexpected answer of type {kind or 'unknown'!r}")
    try:
        quads = list(ox.parse(reply.body, format=fmt))
    except SyntaxError as exc:
        raise QueryError(f"{reply.url}: unreadable {kind} answer ({exc})") from None
    return Result(("subject", "predicate", "object"),
                  tuple((_term(q.subject), _term(q.predicate), _term(q.object)) for q in quads))


# ---------------------------------------------------------------- parameters


def query_prefixes(text: str) -> dict[str, str]:
    """The ``PREFIX`` declarations of a query, prefix -> namespace.

    >>> query_prefixes("PREFIX gk: <https://geokg.example/ont#>\\nprefix : <http://e/>\\nSELECT * {}")
    {'gk': 'https://geokg.example/ont#', '': 'http://e/'}
    """
    return {m.group("p") or "": m.group("ns") for m in _PREFIX_DECL.finditer(text)}


def _code_lines(text: str) -> Iterable[tuple[int, str]]:
    for n, line in enumerate(text.splitlines(keepends=True)):
        if not line.lstrip().startswith("#"):
            yield n, line


def query_parameters(text: str) -> tuple[str, ...]:
    """Names of a query's parameters: its ``VALUES ?name { UNDEF }`` placeholders, in order.

    >>> query_parameters("SELECT * WHERE { ?a ?p ?b VALUES ?a { UNDEF }\\n VALUES ?b {UNDEF} }")
    ('a', 'b')
    """
    names: list[str] = []
    for _, line in _code_lines(text):
        names += [m.group("name") for m in _PLACEHOLDER.finditer(line) if m.group("name") not in names]
    return tuple(names)


def _sparql_string(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def parameter_term(value: str, prefixes: Mapping[str, str]) -> str:
    """The SPARQL term text of a ``--param`` value.

    ``<iri>`` and ``http(s)://…`` / ``urn:…`` are IRIs; ``prefix:local`` is an IRI when the query declares
    the prefix; a value in double quotes, or anything else, is a string literal.

    >>> p = {"place": "https://geokg.example/id/place/"}
    >>> parameter_term("place:belarus", p), parameter_term("2020-08", p), parameter_term('"a:b"', p)
    ('<https://geokg.example/id/place/belarus>', '"2020-08"', '"a:b"')

    Raises:
        QueryError: the value looks like a prefixed name whose prefix the query does not declare,
            or is an IRI with characters IRIs may not hold.
    """
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _sparql_string(value[1:-1])
    iri: str | None = None
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
    elif value.startswith(("http://", "https://", "urn:")):
        iri = value
    else:
        match = _PNAME.match(value)
        if match:
            prefix = match.group("p") or ""
            if prefix not in prefixes:
                known = ", ".join(f"{p}:" for p in sorted(prefixes)) or "none"
                raise QueryError(f"--param value {value!r}: the query declares no prefix {prefix}: (it declares "
                                 f"{known}); give a full <IRI>, or quote the value to mean a string")
            iri = prefixes[prefix] + match.group("local")
    if iri is None:
        return _sparql_string(value)
    if not iri or _IRI_BAD.search(iri):
        raise QueryError(f"--param value {value!r} is not a valid IRI")
    return f"<{iri}>"


def parse_param_options(items: Sequence[str]) -> dict[str, str]:
    """``--param name=value`` options as a dict.

    >>> parse_param_options(["month=2020-08", "actor = place:belarus"])
    {'month': '2020-08', 'actor': 'place:belarus'}

    Raises:
        QueryError: an option lacks ``=`` or names a parameter twice.
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?")
        if not sep or not name:
            raise QueryError(f"--param {item!r}: expected name=value")
        if name in out:
            raise QueryError(f"--param {name} is given twice")
        out[name] = value.strip()
    return out


def bind_parameters(text: str, params: Mapping[str, str]) -> str:
    """The query with each named placeholder ``VALUES ?name { UNDEF }`` replaced by the given value.

    The result is plain SPARQL 1.1 that runs unmodified on any engine; unbound parameters stay UNDEF.

    >>> q = "PREFIX place: <https://geokg.example/id/place/>\\nSELECT ?x WHERE { ?x ?p ?y VALUES ?y { UNDEF } }"
    >>> bind_parameters(q, {"y": "place:russia"}).splitlines()[1]
    'SELECT ?x WHERE { ?x ?p ?y VALUES ?y { <https://geokg.example/id/place/russia> } }'

    Raises:
        QueryError: a parameter is not a placeholder of the query, or its value is malformed.
    """
    if not params:
        return text
    known = query_parameters(text)
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise QueryError(f"the query has no parameter {', '.join(unknown)}; its parameters: "
                         f"{', '.join(known) or 'none'}")
    prefixes = query_prefixes(text)
    terms = {name: parameter_term(value, prefixes) for name, value in params.items()}
    lines = text.splitlines(keepends=True)
    for n, line in _code_lines(text):
        lines[n] = _PLACEHOLDER.sub(
            lambda m: f"VALUES ?{m.group('name')} {{ {terms[m.group('name')]} }}" if m.group("name") in terms
            else m.group(0), line)
    return "".join(lines)


# ---------------------------------------------------------------- output


def _compact(term: Term | None, table: Sequence[tuple[str, str]]) -> str:
    if term is None:
        return ""
    if term.kind == "iri":
        for namespace, prefix in table:
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
    return term.value


def format_result(result: Result, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """Render a result as ``table``, ``csv`` or ``json``.

    Args:
        result: The query result.
        fmt: One of :data:`RESULT_FORMATS`.
        prefixes: Prefix -> namespace used to shorten IRIs in the table (csv and json keep full IRIs).

    Raises:
        QueryError: the format is unknown.
    """
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown output format {fmt!r}; expected {', '.join(RESULT_FORMATS)}")
    if result.boolean is not None:
        return json.dumps({"boolean": result.boolean}) if fmt == "json" else str(result.boolean).lower()
    values = result.values()
    if fmt == "json":
        rows = [{v: val for v, val in zip(result.variables, row, strict=True) if val is not None} for row in values]
        return json.dumps({"variables": list(result.variables), "rows": rows}, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([["" if v is None else v for v in row] for row in values])
        return buf.getvalue()
    # longest namespace first, so "…/id/place/" wins over a shorter match
    table = sorted(((ns, p) for p, ns in (prefixes or {}).items() if ns), key=lambda x: -len(x[0]))
    cells = [list(result.variables)] + [[" ".join(_compact(t, table).split()) for t in row] for row in result.rows]
    widths = [min(TABLE_CELL_WIDTH, max(len(r[i]) for r in cells)) for i in range(len(result.variables))]
    lines = []
    for n, row in enumerate(cells):
        line = "  ".join((c if len(c) <= w else c[: w - 1] + "\u2026").ljust(w)
                         for c, w in zip(row, widths, strict=True))
        lines.append(line.rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"({len(result.rows)} rows)")
    return "\n".join(lines)
