"""graph.jsonld: the dataset as JSON-LD 1.1, with a context that keeps ``gk:`` and the other prefixes readable.

The document is the same dataset as graph.nq: one named graph per document and the entity registry in
``{BASE}graph/entities``, each a ``{"@id": graph, "@graph": [...]}`` object. The context binds the
prefixes of graph.ttl, so keys and values read ``gk:memberOf``, ``place:belarus``, ``gk:Asserted``; a
property whose objects are all IRIs is coerced to ``"@type": "@id"``, one whose literals all share a
datatype or language gets that ``@type`` or ``@language``, so values are bare strings. Literals keep
their lexical form (never JSON numbers or booleans), which makes the export lossless and deterministic:
nodes, keys and values are sorted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..namespaces import Namespaces
from ..rdf import Quad
from .atomic import atomic_path
from .serialize import prefixes

_XSD_STRING = str(XSD.string)


class _Compactor:
    """Shortens IRIs with the prefix table (longest namespace first)."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = sorted(((ns, p) for p, ns in table.items()), key=lambda x: -len(x[0]))

    def iri(self, iri: str) -> str:
        for namespace, prefix in self.table:
            local = iri[len(namespace):]
            # a suffix starting with "//" would be read as an absolute IRI, not a compact one
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def node(self, term: Node) -> str:
        if isinstance(term, BNode):
            return f"_:{term}"
        return self.iri(str(term))


def _coercion(objects: list[Node]) -> dict[str, str] | None:
    """The term definition that lets every object of a property be written as a bare string, if any."""
    if all(isinstance(o, URIRef | BNode) for o in objects):
        return {"@type": "@id"}
    if not all(isinstance(o, Literal) for o in objects):
        return None
    languages = {o.language for o in objects if isinstance(o, Literal)}
    if len(languages) == 1 and None not in languages:
        return {"@language": str(next(iter(languages)))}
    types = {str(o.datatype or XSD.string) for o in objects if isinstance(o, Literal) and not o.language}
    if languages == {None} and len(types) == 1 and _XSD_STRING not in types:
        return {"@type": next(iter(types))}
    return None


def _value(term: Node, coerced: dict[str, str] | None, c: _Compactor) -> Any:
    if isinstance(term, URIRef | BNode):
        return c.node(term) if coerced else {"@id": c.node(term)}
    assert isinstance(term, Literal)
    if coerced:
        return str(term)
    if term.language:
        return {"@value": str(term), "@language": term.language}
    if term.datatype and str(term.datatype) != _XSD_STRING:
        return {"@value": str(term), "@type": c.iri(str(term.datatype))}
    return str(term)


def _sort_key(term: Node) -> tuple[int, str, str]:
    if isinstance(term, Literal):
        return (2, str(term), term.language or str(term.datatype or ""))
    return (0 if isinstance(term, URIRef) else 1, str(term), "")


def jsonld_document(quads: Iterable[Quad], ns: Namespaces) -> dict[str, Any]:
    """The JSON-LD document (a dict) of the quads: context, then one ``@graph`` object per named graph."""
    table = prefixes(ns)
    c = _Compactor(table)
    by_graph: dict[Node, dict[Node, dict[Node, list[Node]]]] = {}
    objects: dict[Node, list[Node]] = {}
    for g, s, p, o in set(quads):
        by_graph.setdefault(g, {}).setdefault(s, {}).setdefault(p, []).append(o)
        if p != RDF.type:
            objects.setdefault(p, []).append(o)
    context: dict[str, Any] = dict(table)
    coercions: dict[Node, dict[str, str] | None] = {}
    for prop in sorted(objects, key=str):
        rule = _coercion(objects[prop])
        coercions[prop] = rule
        if rule:
            # the datatype is written compact too: the context's own prefixes expand it
            context[c.iri(str(prop))] = {k: (c.iri(v) if k == "@type" and v != "@id" else v) for k, v in rule.items()}
    graphs = []
    for graph in sorted(by_graph, key=str):
        nodes = []
        for subject in sorted(by_graph[graph], key=_sort_key):
            node: dict[str, Any] = {"@id": c.node(subject)}
            props = by_graph[graph][subject]
            if RDF.type in props:
                types = sorted(c.iri(str(t)) for t in props[RDF.type])
                node["@type"] = types[0] if len(types) == 1 else types
            for prop in sorted((x for x in props if x != RDF.type), key=lambda x: c.iri(str(x))):
                values = [_value(o, coercions.get(prop), c) for o in sorted(props[prop], key=_sort_key)]
                node[c.iri(str(prop))] = values[0] if len(values) == 1 else values
            nodes.append(node)
        graphs.append({"@id": c.node(graph), "@graph": nodes})
    return {"@context": context, "@graph": graphs}


def jsonld_bytes(quads: Iterable[Quad], ns: Namespaces) -> bytes:
    """The JSON-LD document as UTF-8 bytes, byte-identical for the same quads."""
    return (json.dumps(jsonld_document(quads, ns), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_jsonld(quads: Iterable[Quad], ns: Namespaces, path: Path) -> None:
    """Write graph.jsonld atomically."""
    data = jsonld_bytes(quads, ns)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
