"""graph.ttl and graph.nq: deterministic, streaming writers.

Triples are sorted (subject, then ``rdf:type`` first, then predicate and object)
and written with a fixed, sorted prefix table, so the same inputs always give
byte-identical files. Span IRIs (``…#char=b,e``) are written in full rather
than as escaped prefixed names. Literal escaping follows the Turtle and
N-Triples grammars (ECHAR and UCHAR), so strict parsers accept any text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..namespaces import Namespaces
from ..rdf import Quad
from .atomic import atomic_path

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TYPE = URIRef(_RDF_TYPE)
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# an unpaired surrogate cannot be written in UTF-8 nor escaped (\\uD800 is no character): U+FFFD stands for it
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f\ud800-\udfff]')
# anything that may need work in an IRI: the fast path skips the character loop for minted IRIs
_IRI_SUSPECT = re.compile(r'[^\x21-\x7e]|[<>"{}|^`\\\[\]%]|#[^#]*#')
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    if "\ud800" <= ch <= "\udfff":
        return "\\uFFFD"
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def literal_text(value: str) -> str:
    """A quoted Turtle/N-Triples string; an unpaired surrogate becomes U+FFFD.

    >>> print(literal_text('say "hi"\\n\\x01'))
    "say \\"hi\\"\\n\\u0001"
    """
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, value) + '"'


def _iri_char_ok(ch: str) -> bool:
    """True if RFC 3987 allows ``ch`` in an IRI as it is (ASCII graphic, or ``ucschar``)."""
    o = ord(ch)
    if o < 0xA0:
        return 0x20 < o < 0x7F and ch not in '<>"{}|^`\\'
    if o < 0x10000:
        return o <= 0xD7FF or 0xF900 <= o <= 0xFDCF or 0xFDF0 <= o <= 0xFFEF
    return (o & 0xFFFF) <= 0xFFFD and o < 0xF0000 and not 0xE0000 <= o < 0xE1000


def _percent(ch: str) -> str:
    if "\ud800" <= ch <= "\udfff":
        ch = "\ufffd"
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))


def iri_text(iri: str) -> str:
    """An IRI in angle brackets that strict parsers accept; what an IRI may not hold is percent-encoded.

    Characters outside RFC 3987 (spaces, controls, ``<>"{}|^`\\``, private use, non-characters,
    unpaired surrogates), a ``%`` not starting an escape, a second ``#`` and brackets outside the
    host are written as ``%XX`` of their UTF-8 bytes.

    >>> iri_text("https://geokg.example/doc/ab12#char=0,5")
    '<https://geokg.example/doc/ab12#char=0,5>'
    >>> iri_text("https://e.org/a b%zz#x#y")
    '<https://e.org/a%20b%25zz#x%23y>'
    """
    if not _IRI_SUSPECT.search(iri):
        return f"<{iri}>"
    m = _AUTHORITY.match(iri)
    host_end = m.end() if m else 0
    out = []
    fragment = False
    for i, ch in enumerate(iri):
        if ch == "%" and _HEX2.match(iri, i + 1):
            out.append(ch)
        elif ch == "#" and not fragment:
            fragment = True
            out.append(ch)
        elif ch in "%#" or (ch in "[]" and i >= host_end) or not _iri_char_ok(ch):
            out.append(_percent(ch))
        else:
            out.append(ch)
    return "<" + "".join(out) + ">"


def prefixes(ns: Namespaces) -> dict[str, str]:
    """Prefixes written in graph.ttl (CONTRACT.md "IRIs and namespaces")."""
    out = {
        "gk": f"{ns.base}ont#", "doc": str(ns.doc), "assertion": str(ns.assertion), "cameo": str(ns.cameo),
        "schema": "http://schema.org/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#", "skos": "http://www.w3.org/2004/02/skos/core#",
        "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
        "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
        "itsrdf": "http://www.w3.org/2005/11/its/rdf#", "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
        "wd": "http://www.wikidata.org/entity/",
    }
    out.update({kind: str(space) for kind, space in ns.ids.items()})
    return dict(sorted(out.items()))


class _TermWriter:
    """Formats terms, abbreviating IRIs with the prefix table where the local part needs no escape."""

    def __init__(self, table: dict[str, str] | None) -> None:
        # longest namespace first, so "…/id/place/" wins over a shorter match
        self.table = sorted(((ns, p) for p, ns in (table or {}).items()), key=lambda x: -len(x[0]))
        self.xsd = str(XSD)
        self._text: dict[Node, str] = {}  # the same IRIs recur in thousands of triples
        # When every namespace ends in "/" or "#", the only one that can abbreviate an IRI (its local part has
        # neither) is the IRI up to its last "/" or "#": one look-up instead of a scan of the table.
        self._by_namespace: dict[str, str] | None = None
        if all(ns.endswith(("/", "#")) for ns, _ in self.table):
            self._by_namespace = {}
            for namespace, prefix in self.table:
                self._by_namespace.setdefault(namespace, prefix)

    def iri(self, iri: str) -> str:
        if self._by_namespace is not None:
            cut = max(iri.rfind("/"), iri.rfind("#")) + 1
            prefix = self._by_namespace.get(iri[:cut])
            if prefix is not None and _LOCAL.match(iri[cut:]):
                return f"{prefix}:{iri[cut:]}"
            return iri_text(iri)
        for namespace, prefix in self.table:
            if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace):]):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri_text(iri)

    def term(self, term: Node) -> str:
        text = self._text.get(term)
        if text is None:
            text = self._text[term] = self._format(term)
        return text

    def _format(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, Literal):
            text = literal_text(str(term))
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype and str(term.datatype) != self.xsd + "string":
                return f"{text}^^{self.iri(str(term.datatype))}"
            return text
        if isinstance(term, BNode):
            return f"_:{term}"
        raise TypeError(f"cannot write {term!r} as an RDF term")


def _iri_key(term: Node) -> str:
    return str(term)


def _predicate_key(term: Node) -> tuple[bool, str]:
    return (term != _TYPE, str(term))


def _object_key(term: Node) -> str:
    return term.n3()


def _distinct(terms: list[Node], key: Callable[[Node], Any]) -> tuple[dict[int, int], list[Node]]:
    """The distinct terms (rdflib equality, as in a set of quads) in the order of ``key``, and the position
    there of each term object, by ``id``.

    Each key is computed once per distinct term; and as rdflib hashes terms in Python, each term object is
    hashed once (the same object recurs in many quads): then it is found by ``id``.
    """
    objects = dict(zip(map(id, terms), terms, strict=True))
    first: dict[Node, int] = {}
    value = [first.setdefault(t, len(first)) for t in objects.values()]  # index in ``first`` of each object
    values = list(first)
    ordered = sorted(range(len(values)), key=lambda i: key(values[i]))
    position = [0] * len(values)
    for i, v in enumerate(ordered):
        position[v] = i
    return dict(zip(objects, map(position.__getitem__, value), strict=True)), [values[i] for i in ordered]


@dataclass(frozen=True)
class QuadOrder:
    """The distinct quads in canonical order: graph, subject, ``rdf:type`` first, predicate, object in N3.

    The sort keys (``str`` of graph, subject and predicate, ``n3()`` of the object) are computed once per
    distinct term, which then stands for its position in ``graphs``, ``subjects``, ``predicates`` or
    ``objects``; ``keys`` are the quads as ``((g * S + s) * P + p) * O + o`` of these positions (S, P, O the
    list lengths), sorted, so their order is the quads' order, and ``key % (S * P * O)`` orders the triples.
    ``write_turtle`` and ``write_nquads`` of the same quads can share one.
    """

    graphs: list[Node]
    subjects: list[Node]
    predicates: list[Node]
    objects: list[Node]
    keys: list[int]

    @classmethod
    def of(cls, quads: Iterable[Quad]) -> QuadOrder:
        """The order of ``quads`` (repeated quads count once)."""
        quads = quads if isinstance(quads, Collection) else list(quads)
        columns = [list(map(itemgetter(i), quads)) for i in range(4)]
        keys = (_iri_key, _iri_key, _predicate_key, _object_key)
        distinct = [_distinct(c, k) for c, k in zip(columns, keys, strict=True)]
        (_, graphs), (_, subjects), (_, predicates), (_, objects) = distinct
        n_p, n_o = len(predicates), len(objects)
        scale = (len(subjects) * n_p * n_o, n_p * n_o, n_o, 1)
        # each quad's key is the sum of its terms' positions, scaled per column once per term object
        for i, ((position, _), factor) in enumerate(zip(distinct, scale, strict=True)):
            scaled = {oid: pos * factor for oid, pos in position.items()}
            columns[i] = list(map(scaled.__getitem__, map(id, columns[i])))
        return cls(graphs, subjects, predicates, objects, sorted(map(sum, zip(*columns, strict=True))))

    def quads(self) -> Iterator[tuple[int, int, int, int]]:
        """``(graph, subject, predicate, object)`` positions of the distinct quads, in order."""
        n_s, n_p, n_o = len(self.subjects), len(self.predicates), len(self.objects)
        last = -1
        for key in self.keys:
            if key != last:
                last = key
                k, o = divmod(key, n_o)
                k, p = divmod(k, n_p)
                g, s = divmod(k, n_s)
                yield g, s, p, o

    def triples(self) -> Iterator[tuple[int, int, int]]:
        """``(subject, predicate, object)`` positions of the distinct triples (union of the graphs), in order."""
        n_p, n_o = len(self.predicates), len(self.objects)
        spo = len(self.subjects) * n_p * n_o
        last = -1
        # the keys are sorted runs, one per graph: sorting merges them
        for key in sorted([k % spo for k in self.keys]):
            if key != last:
                last = key
                k, o = divmod(key, n_o)
                s, p = divmod(k, n_p)
                yield s, p, o


def turtle_lines(quads: Iterable[Quad], ns: Namespaces, order: QuadOrder | None = None) -> Iterator[str]:
    """Lines of the Turtle document for the union of the quads' triples (``order``: ``QuadOrder.of(quads)``)."""
    table = prefixes(ns)
    w = _TermWriter(table)
    for prefix, namespace in table.items():
        yield f"@prefix {prefix}: {iri_text(namespace)} .\n"
    if order is None:
        order = QuadOrder.of(quads)
    subject_text = [w.term(s) for s in order.subjects]
    predicate_text = ["a" if p == _TYPE else w.term(p) for p in order.predicates]
    object_text = [w.term(o) for o in order.objects]
    subject = predicate = -1
    for s, p, o in order.triples():
        obj = object_text[o]
        if s != subject:
            if subject >= 0:
                yield " .\n"
            yield f"\n{subject_text[s]}\n    {predicate_text[p]} {obj}"
            subject, predicate = s, p
        elif p != predicate:
            yield f" ;\n    {predicate_text[p]} {obj}"
            predicate = p
        else:
            yield f" ,\n        {obj}"
    if subject >= 0:
        yield " .\n"


def nquads_lines(quads: Iterable[Quad], order: QuadOrder | None = None) -> Iterator[str]:
    """N-Quads lines, each document's triples in its named graph, in canonical order (``order``:
    ``QuadOrder.of(quads)``)."""
    w = _TermWriter(None)
    if order is None:
        order = QuadOrder.of(quads)
    graph_text = [w.term(g) for g in order.graphs]
    subject_text = [w.term(s) for s in order.subjects]
    predicate_text = [w.term(p) for p in order.predicates]
    object_text = [w.term(o) for o in order.objects]
    for g, s, p, o in order.quads():
        yield f"{subject_text[s]} {predicate_text[p]} {object_text[o]} {graph_text[g]} .\n"


def _write_lines(lines: Iterable[str], path: Path) -> None:
    it = iter(lines)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
        while chunk := list(islice(it, 4096)):  # one write per few thousand lines, not per line
            fh.write("".join(chunk))


def turtle_bytes(quads: Iterable[Quad], ns: Namespaces) -> bytes:
    """The Turtle document as bytes (for tests and small graphs)."""
    return "".join(turtle_lines(quads, ns)).encode("utf-8")


def nquads_bytes(quads: Iterable[Quad]) -> bytes:
    """The N-Quads document as bytes."""
    return "".join(nquads_lines(quads)).encode("utf-8")


def write_turtle(quads: Iterable[Quad], ns: Namespaces, path: Path, order: QuadOrder | None = None) -> None:
    """Write graph.ttl atomically (``order``: ``QuadOrder.of(quads)``, if already known)."""
    _write_lines(turtle_lines(quads, ns, order), path)


def write_nquads(quads: Iterable[Quad], path: Path, order: QuadOrder | None = None) -> None:
    """Write graph.nq atomically (``order``: ``QuadOrder.of(quads)``, if already known)."""
    _write_lines(nquads_lines(quads, order), path)
