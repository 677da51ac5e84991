"""graph.ttl and graph.nq: deterministic, streaming writers.

Triples are sorted (subject, then ``rdf:type`` first, then predicate and object)
and written with a fixed, sorted prefix table, so the same inputs always give
byte-identical files. Span IRIs (``…#char=b,e``) are written in full rather
than as escaped prefixed names. Literal escaping follows the Turtle and
N-Triples grammars (ECHAR and UCHAR), so strict parsers accept any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

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

    def iri(self, iri: str) -> str:
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


class _SortKey:
    """The canonical order of triples: subject, ``rdf:type`` first, predicate, object in N3 (memoised)."""

    def __init__(self) -> None:
        self._n3: dict[Node, str] = {}

    def __call__(self, q: Quad) -> tuple[str, int, str, str]:
        _, s, p, o = q
        n3 = self._n3.get(o)
        if n3 is None:
            n3 = self._n3[o] = o.n3()
        return (str(s), 0 if p == _TYPE else 1, str(p), n3)



def turtle_lines(quads: Iterable[Quad], ns: Namespaces) -> Iterator[str]:
    """Lines of the Turtle document for the union of the quads' triples."""
    table = prefixes(ns)
    w = _TermWriter(table)
    for prefix, namespace in table.items():
        yield f"@prefix {prefix}: {iri_text(namespace)} .\n"
    key = _SortKey()
    triples = sorted({(s, p, o) for _, s, p, o in quads}, key=lambda t: key((None, *t)))  # type: ignore[arg-type]
    subject = predicate = None
    for s, p, o in triples:
        obj = w.term(o)
        if s != subject:
            if subject is not None:
                yield " .\n"
            pred = "a" if p == _TYPE else w.term(p)
            yield f"\n{w.term(s)}\n    {pred} {obj}"
            subject, predicate = s, p
        elif p != predicate:
            pred = "a" if p == _TYPE else w.term(p)
            yield f" ;\n    {pred} {obj}"
            predicate = p
        else:
            yield f" ,\n        {obj}"
    if subject is not None:
        yield " .\n"


def nquads_lines(quads: Iterable[Quad]) -> Iterator[str]:
    """N-Quads lines, each document's triples in its named graph, in canonical order."""
    w = _TermWriter(None)
    key = _SortKey()
    for g, s, p, o in sorted(set(quads), key=lambda q: (str(q[0]), *key(q))):
        yield f"{w.term(s)} {w.term(p)} {w.term(o)} {w.term(g)} .\n"


def _write_lines(lines: Iterable[str], path: Path) -> None:
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines)


def turtle_bytes(quads: Iterable[Quad], ns: Namespaces) -> bytes:
    """The Turtle document as bytes (for tests and small graphs)."""
    return "".join(turtle_lines(quads, ns)).encode("utf-8")


def nquads_bytes(quads: Iterable[Quad]) -> bytes:
    """The N-Quads document as bytes."""
    return "".join(nquads_lines(quads)).encode("utf-8")


def write_turtle(quads: Iterable[Quad], ns: Namespaces, path: Path) -> None:
    """Write graph.ttl atomically."""
    _write_lines(turtle_lines(quads, ns), path)


def write_nquads(quads: Iterable[Quad], path: Path) -> None:
    """Write graph.nq atomically."""
    _write_lines(nquads_lines(quads), path)
