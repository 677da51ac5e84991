"""graph.ttl and graph.nq: deterministic, streaming writers.

Triples are sorted (subject, then ``rdf:type`` first, then predicate and object)
and written with a fixed, sorted prefix table, so the same inputs always give
byte-identical files. Span IRIs (``…#char=b,e``) are written in full rather
than as escaped prefixed names. Literal escaping follows the Turtle and
N-Triples grammars (ECHAR and UCHAR), so strict parsers accept any text.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..namespaces import Namespaces
from ..rdf import Quad
from .atomic import atomic_path

T = TypeVar("T")

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TYPE = URIRef(_RDF_TYPE)
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# an unpaired surrogate cannot be written in UTF-8 nor escaped (\\uD800 is no character): U+FFFD stands for it
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f\ud800-\udfff]')
# anything that may need work in an IRI, but a second "#": any character but the ASCII graphic ones less <>"{}|^`\[]%
# (one character class: the fast path skips the character loop for minted IRIs)
_IRI_SUSPECT = re.compile(r"[^\x21\x23\x24\x26-\x3b\x3d\x3f-\x5a\x5f\x61-\x7a\x7e]")
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
    if not _IRI_SUSPECT.search(iri) and iri.count("#") < 2:
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
        self.xsd_string = str(XSD) + "string"
        self._datatype: dict[Node, str] = {}  # a datatype's text, once per datatype
        self._retype: dict[Node, tuple[int, str]] = {}  # see _retyped
        # When every namespace ends in "/" or "#", the only one that can abbreviate an IRI (its local part has
        # neither) is the IRI up to its last "/" or "#": one look-up instead of a scan of the table.
        self._by_namespace: dict[str, str] | None = None
        if self.table and all(ns.endswith(("/", "#")) for ns, _ in self.table):
            self._by_namespace = {}
            for namespace, prefix in self.table:
                self._by_namespace.setdefault(namespace, prefix)

    def iri(self, iri: str) -> str:
        """An IRI as a prefixed name if the table has its namespace and the rest is a plain local name, else
        in angle brackets."""
        return self._short(iri) or iri_text(iri)

    def _short(self, iri: str) -> str | None:
        """An IRI as a prefixed name, if the table has its namespace and the rest is a plain local name."""
        if self._by_namespace is not None:
            cut = max(iri.rfind("/"), iri.rfind("#")) + 1
            prefix = self._by_namespace.get(iri[:cut])
            if prefix is not None and _LOCAL.match(iri[cut:]):
                return f"{prefix}:{iri[cut:]}"
            return None
        for namespace, prefix in self.table:
            if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace):]):
                return f"{prefix}:{iri[len(namespace):]}"
        return None

    def texts(self, terms: Sequence[Node], full: Sequence[str] | None = None) -> list[str]:
        """The text of each term; ``full``: their N-Triples texts (``_TermWriter(None).texts(terms)``), if known,
        which the texts of a writer with a table differ from in prefixed names only."""
        uri, literal = URIRef, Literal
        if full is not None and self.table:
            short, retyped = self._short, self._retyped
            return [short(t) or f if type(t) is uri else retyped(t, f) if type(t) is literal else f
                    for t, f in zip(terms, full, strict=True)]  # fmt: skip
        iri, literal_text = self.iri if self.table else iri_text, self._literal
        return [iri(t) if type(t) is uri else literal_text(t) if type(t) is literal else self.term(t) for t in terms]

    def term(self, term: Node) -> str:
        """The text of one term.

        Raises:
            TypeError: ``term`` is not an IRI, literal or blank node.
        """
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, Literal):
            return self._literal(term)
        if isinstance(term, BNode):
            return f"_:{term}"
        raise TypeError(f"cannot write {term!r} as an RDF term")

    def _literal(self, term: Literal) -> str:
        text = f'"{_NEEDS_ESCAPE.sub(_escape_char, term)}"' if _NEEDS_ESCAPE.search(term) else f'"{term}"'
        if term.language:
            return f"{text}@{term.language}"
        datatype = term.datatype
        if not datatype:
            return text
        suffix = self._datatype.get(datatype)
        if suffix is None:
            iri = str(datatype)
            suffix = self._datatype[datatype] = "" if iri == self.xsd_string else f"^^{self.iri(iri)}"
        return text + suffix

    def _retyped(self, term: Literal, full: str) -> str:
        """The text of a literal, given its N-Triples text ``full``: the same, but for a prefixed datatype."""
        datatype = term.datatype
        if term.language or not datatype:
            return full
        retype = self._retype.get(datatype)
        if retype is None:  # the length of the datatype's N-Triples text, and its text here
            iri = str(datatype)
            plain = iri == self.xsd_string
            retype = self._retype[datatype] = (0 if plain else len(f"^^{iri_text(iri)}"),
                                               "" if plain else f"^^{self.iri(iri)}")  # fmt: skip
        return full[:len(full) - retype[0]] + retype[1]


Positions = npt.NDArray[np.int64]


def _predicate_key(term: Node) -> tuple[bool, str]:
    return (term != _TYPE, str(term))


#: What rdflib's ``URIRef.n3`` refuses in an IRI (``rdflib.term._invalid_uri_chars``).
_N3_INVALID = re.compile('[<>" {}|\\\\^`]')


def _object_key(term: Node) -> str:
    """``term.n3()``; for an IRI that ``n3`` accepts, made here (``n3`` checks each refused character in turn)."""
    if type(term) is URIRef and not _N3_INVALID.search(term):
        return f"<{term}>"
    return term.n3()


def _hashed_column(terms: Sequence[Node], key: Callable[[Node], Any]) -> tuple[Positions, list[Node]]:
    """``_column`` of a column of IRIs (and blank nodes), which hash in C: its distinct terms found by a dict in
    one pass, and each term's position looked up in another, both in C."""
    distinct = list(dict.fromkeys(terms))
    position, ordered = _ranked(distinct, key)
    rank = dict(zip(distinct, position.tolist(), strict=True))
    return np.fromiter(map(rank.__getitem__, terms), np.int64, len(terms)), ordered


#: Sort keys of the graph, subject, predicate and object columns.
_KEYS: tuple[Callable[[Node], Any], ...] = (str, str, _predicate_key, _object_key)


def _ranked(distinct: list[Node], key: Callable[[Node], Any]) -> tuple[Positions, list[Node]]:
    """The position of each term in the order of ``key`` (ties in their order), and the terms in that order."""
    keys = list(map(key, distinct))
    ordered = sorted(range(len(distinct)), key=keys.__getitem__)
    position = np.empty(len(distinct), np.int64)
    position[ordered] = np.arange(len(distinct))
    return position, [distinct[j] for j in ordered]


def _column(terms: Sequence[Node], key: Callable[[Node], Any]) -> tuple[Positions, list[Node]]:
    """A column of the quads as positions in the list of its distinct terms (rdflib equality, as in a set of quads;
    the first object met stands for its equals), and that list in the order of ``key``.

    The same term object recurs in many quads, and equal terms are seldom other objects: the column is first
    reduced to its distinct objects by ``id``, with numpy, so that each object is hashed once (literals hash in
    Python).
    """
    ids = np.fromiter(map(id, terms), np.int64, len(terms))
    by_id = np.argsort(ids)
    ids = ids[by_id]
    new = np.ones(len(ids), bool)
    np.not_equal(ids[1:], ids[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    first = np.minimum.reduceat(by_id, starts)  # where each object occurs first, the objects by id
    met = np.argsort(first)  # the objects in the order they are met
    objects = _pick(terms, first[met]) if len(terms) else []
    equals: dict[Node, int] = {}
    index = [equals.setdefault(t, len(equals)) for t in objects]
    position, ordered = _ranked(list(equals), key)
    object_rank = np.empty(len(met), np.int64)
    object_rank[met] = position[index]
    ranks = np.empty(len(terms), np.int64)
    ranks[by_id] = object_rank[np.cumsum(new) - 1]
    return ranks, ordered


def _distinct_rows(columns: Sequence[Positions], sizes: Sequence[int]) -> list[Positions]:
    """The distinct rows of the columns (positions below ``sizes``), sorted on the first column, then the next..."""
    if math.prod(sizes) < 2**63:  # one integer per row: sorted and made distinct in one call
        key = np.zeros(len(columns[0]), np.int64)
        for column, size in zip(columns, sizes, strict=True):
            key *= size
            key += column
        key.sort()
        new = np.ones(len(key), bool)
        np.not_equal(key[1:], key[:-1], out=new[1:])
        key = key[new]
        out = []
        for size in reversed(sizes):
            key, position = np.divmod(key, size)
            out.append(position)
        return out[::-1]
    order = np.lexsort(columns[::-1])
    rows = [column[order] for column in columns]
    new = np.zeros(len(order), bool)
    new[:1] = True
    for row in rows:
        new[1:] |= row[1:] != row[:-1]
    return [row[new] for row in rows]


@dataclass(frozen=True)
class QuadOrder:
    """The distinct quads in canonical order: graph, subject, ``rdf:type`` first, predicate, object in N3.

    The sort keys (``str`` of graph, subject and predicate, ``n3()`` of the object) are computed once per
    distinct term, which then stands for its position in ``graphs``, ``subjects``, ``predicates`` or
    ``objects``; ``columns`` are these positions for the distinct quads (graph, subject, predicate and object
    columns), in order. ``write_turtle`` and ``write_nquads`` of the same quads can share one, and with it the
    N-Triples texts of the terms (``nt_texts``); ``by_predicate`` groups the quads from the predicate column.
    """

    graphs: list[Node]
    subjects: list[Node]
    predicates: list[Node]
    objects: list[Node]
    columns: tuple[Positions, Positions, Positions, Positions]
    _texts: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)
    #: The predicate column (positions in ``predicates``) of the quads as they were given, repeats included.
    met_predicates: Positions | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, quads: Iterable[Quad]) -> QuadOrder:
        """The order of ``quads`` (repeated quads count once)."""
        quads = quads if isinstance(quads, Collection) else list(quads)
        # the four columns, in one pass over the quads (in C: no array of objects to list again for the ids)
        columns: list[tuple[Node, ...]] = list(zip(*quads, strict=True)) if quads else [()] * 4
        # graphs, subjects and predicates are IRIs (or blank nodes): hashed per quad; objects are often literals,
        # which hash in Python: hashed per distinct object
        (g, graphs), (s, subjects), (p, predicates) = (
            _hashed_column(column, key) for column, key in zip(columns[:3], _KEYS[:3], strict=True))
        o, objects = _column(columns[3], _KEYS[3])
        sizes = (len(graphs), len(subjects), len(predicates), len(objects))
        rows = _distinct_rows((g, s, p, o), sizes) if quads else [np.zeros(0, np.int64)] * 4
        return cls(graphs, subjects, predicates, objects, (rows[0], rows[1], rows[2], rows[3]), met_predicates=p)

    def by_predicate(self, quads: Collection[Quad]) -> dict[Node, list[Quad]]:
        """The quads grouped by predicate as ``kg.entity_graph.quads_by_predicate`` groups them (the groups, and
        the quads in each, in the order met; a group's key the first of equal terms met), from the predicate
        column sorted already: ``quads`` must be those this order was made of, unchanged (iterated again in
        the same order).

        Raises:
            ValueError: ``quads`` is not the size of the quads this order was made of.
        """
        ranks = self.met_predicates
        if ranks is None or len(ranks) != len(quads):
            raise ValueError("these are not the quads of this order")
        listed = quads if isinstance(quads, list) else list(quads)
        by_rank = np.argsort(ranks, kind="stable")
        bounds = np.searchsorted(ranks[by_rank], np.arange(len(self.predicates) + 1)).tolist()
        first = by_rank[bounds[:-1]] if len(ranks) else by_rank  # every predicate occurs
        groups: dict[Node, list[Quad]] = defaultdict(list)
        for r in np.argsort(first).tolist():
            groups[self.predicates[r]] = _pick(listed, by_rank[bounds[r]:bounds[r + 1]])
        return groups

    def nt_texts(self, column: str) -> list[str]:
        """The N-Triples text of each term of ``column`` (``"subjects"``, ``"objects"``...), made once for the
        writers of the same quads (graph.nq writes them, graph.ttl those it does not abbreviate)."""
        texts = self._texts.get(column)
        if texts is None:
            texts = self._texts[column] = _TermWriter(None).texts(getattr(self, column))
        return texts

    def triple_columns(self) -> tuple[Positions, Positions, Positions]:
        """Subject, predicate and object positions of the distinct triples (union of the graphs), in order."""
        _, s, p, o = self.columns
        if not len(s):
            return s, p, o
        rows = _distinct_rows((s, p, o), (len(self.subjects), len(self.predicates), len(self.objects)))
        return rows[0], rows[1], rows[2]

    def quads(self) -> Iterator[tuple[int, int, int, int]]:
        """``(graph, subject, predicate, object)`` positions of the distinct quads, in order."""
        return zip(*(c.tolist() for c in self.columns), strict=True)

    def triples(self) -> Iterator[tuple[int, int, int]]:
        """``(subject, predicate, object)`` positions of the distinct triples (union of the graphs), in order."""
        return zip(*(c.tolist() for c in self.triple_columns()), strict=True)


#: Lines (triples, quads) made into one string and written at a time.
_CHUNK = 1 << 15


def _encoded(texts: Iterable[str]) -> list[bytes]:
    return [t.encode("utf-8") for t in texts]


def _pick(texts: Sequence[T], positions: Positions) -> list[T]:
    """``[texts[i] for i in positions]``, in C."""
    return [texts[int(positions[0])]] if len(positions) == 1 else list(itemgetter(*positions.tolist())(texts))


def _joined(tables: Sequence[list[bytes]], columns: Sequence[Positions]) -> Iterator[bytes]:
    """Runs of ``_CHUNK`` lines: line ``i`` is ``tables[0][columns[0][i]]``, then ``tables[1][columns[1][i]]``...,
    joined.

    The tables are one array of objects, and a run's pieces are picked from it at once (numpy indexing, in C).
    """
    table = np.fromiter(chain.from_iterable(tables), object, sum(map(len, tables)))
    offsets = np.cumsum([0, *map(len, tables[:-1])]).tolist()
    width = len(columns)
    for start in range(0, len(columns[0]), _CHUNK):
        end = min(start + _CHUNK, len(columns[0]))
        at = np.empty(width * (end - start), np.int64)
        for k, (column, offset) in enumerate(zip(columns, offsets, strict=True)):
            np.add(column[start:end], offset, out=at[k::width])
        yield b"".join(table[at].tolist())


def _turtle_chunks(order: QuadOrder, ns: Namespaces) -> Iterator[bytes]:
    """The Turtle document, UTF-8, in pieces: the prefix lines, then runs of ``_CHUNK`` triples.

    Each term is encoded once, and the pieces joined as bytes: no text as large as a chunk is made and encoded.
    """
    table = prefixes(ns)
    w = _TermWriter(table)
    yield "".join(f"@prefix {prefix}: {iri_text(namespace)} .\n" for prefix, namespace in table.items()).encode()
    s, p, o = order.triple_columns()
    if not len(s):
        return
    # Before each object: the subject and predicate if the subject is new, the predicate if only it is new, else
    # a comma. These run-ins are looked up in one list: the comma first, then one per predicate, then one per
    # subject.
    subject_text = w.texts(order.subjects, order.nt_texts("subjects"))
    predicate_text = ["a" if t == _TYPE else w.term(t) for t in order.predicates]
    new_subject = np.ones(len(s), bool)
    np.not_equal(s[1:], s[:-1], out=new_subject[1:])
    new_predicate = new_subject.copy()
    new_predicate[1:] |= p[1:] != p[:-1]
    starts = np.flatnonzero(new_subject)
    heads = [f" .\n\n{subject_text[a]}\n    {predicate_text[b]} "
             for a, b in zip(s[starts].tolist(), p[starts].tolist(), strict=True)]  # fmt: skip
    heads[0] = heads[0][3:]
    run_ins = _encoded([" ,\n        ", *(f" ;\n    {t} " for t in predicate_text), *heads])
    run_in = np.where(new_predicate, p + 1, 0)
    run_in[starts] = np.arange(len(heads)) + (1 + len(predicate_text))
    object_text = _encoded(w.texts(order.objects, order.nt_texts("objects")))
    yield from _joined((run_ins, object_text), (run_in, o))
    yield b" .\n"


def _nquads_chunks(order: QuadOrder) -> Iterator[bytes]:
    """N-Quads lines, UTF-8, ``_CHUNK`` at a time."""
    g, s, p, o = order.columns
    subject_text = _encoded(order.nt_texts("subjects"))
    predicate_text = _encoded(f" {t} " for t in order.nt_texts("predicates"))
    object_text = _encoded(order.nt_texts("objects"))
    graph_text = _encoded(f" {t} .\n" for t in order.nt_texts("graphs"))
    return _joined((subject_text, predicate_text, object_text, graph_text), (s, p, o, g))


def turtle_lines(quads: Iterable[Quad], ns: Namespaces, order: QuadOrder | None = None) -> Iterator[str]:
    """The Turtle document for the union of the quads' triples, in pieces (``order``: ``QuadOrder.of(quads)``)."""
    return (chunk.decode("utf-8") for chunk in _turtle_chunks(order or QuadOrder.of(quads), ns))


def nquads_lines(quads: Iterable[Quad], order: QuadOrder | None = None) -> Iterator[str]:
    """N-Quads lines, each document's triples in its named graph, in canonical order (``order``:
    ``QuadOrder.of(quads)``)."""
    for chunk in _nquads_chunks(order or QuadOrder.of(quads)):
        # a line ends in the only b"\n" byte of its text (no character's UTF-8 holds one; literals escape it)
        yield from (line.decode("utf-8") + "\n" for line in chunk.split(b"\n")[:-1])


def _write(chunks: Iterable[bytes], path: Path) -> None:
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        for chunk in chunks:
            fh.write(chunk)


def turtle_bytes(quads: Iterable[Quad], ns: Namespaces) -> bytes:
    """The Turtle document as bytes (for tests and small graphs)."""
    return b"".join(_turtle_chunks(QuadOrder.of(quads), ns))


def nquads_bytes(quads: Iterable[Quad]) -> bytes:
    """The N-Quads document as bytes."""
    return b"".join(_nquads_chunks(QuadOrder.of(quads)))


def write_turtle(quads: Iterable[Quad], ns: Namespaces, path: Path, order: QuadOrder | None = None) -> None:
    """Write graph.ttl atomically (``order``: ``QuadOrder.of(quads)``, if already known)."""
    _write(_turtle_chunks(order or QuadOrder.of(quads), ns), path)


def write_nquads(quads: Iterable[Quad], path: Path, order: QuadOrder | None = None) -> None:
    """Write graph.nq atomically (``order``: ``QuadOrder.of(quads)``, if already known)."""
    _write(_nquads_chunks(order or QuadOrder.of(quads)), path)
