"""graph.jsonld: readable context, lossless round trip through pyoxigraph and rdflib, determinism."""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.config import DEFAULT_BASE_IRI
from kg.export.jsonld import jsonld_bytes, jsonld_document
from kg.namespaces import make_namespaces
from kg.query import read_quads, run_query

MINI = Path(__file__).parent / "data" / "query" / "mini.nq"
NS = make_namespaces(DEFAULT_BASE_IRI)
GK = DEFAULT_BASE_IRI + "ont#"


def _rdflib_quads(path: Path) -> list:
    def term(t):
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        return Literal(t.value, lang=t.language) if t.language else Literal(t.value, datatype=URIRef(t.datatype.value))

    return [(term(q.graph_name), term(q.subject), term(q.predicate), term(q.object)) for q in read_quads(path)]


def _ox_set(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    return {str(q) for q in ox.parse(data, format=fmt)}


def _rdflib_set(data: bytes, fmt: str) -> set[tuple[str, str, str, str]]:
    with warnings.catch_warnings():
        # rdflib 7's Dataset.parse() calls its own deprecated default_context
        warnings.filterwarnings("ignore", message=r"Dataset\.\w+ is deprecated", category=DeprecationWarning)
        ds = Dataset()
        ds.parse(data=data, format=fmt)
        return {(s.n3(), p.n3(), o.n3(), str(g)) for s, p, o, g in ds.quads()}


def test_context_keeps_gk_terms_readable():
    doc = jsonld_document(_rdflib_quads(MINI), NS)
    ctx = doc["@context"]
    assert ctx["gk"] == GK and ctx["place"] == DEFAULT_BASE_IRI + "id/place/"
    assert ctx["gk:memberOf"] == {"@type": "@id"}
    assert ctx["nif:beginIndex"] == {"@type": "xsd:nonNegativeInteger"}
    assert ctx["skos:prefLabel"] == {"@language": "en"}
    graphs = {g["@id"]: g["@graph"] for g in doc["@graph"]}
    assert set(graphs) == {"doc:d1", "doc:d2", DEFAULT_BASE_IRI + "graph/entities"}
    claim = next(n for n in graphs["doc:d1"] if n["@id"] == "assertion:d1-000000000001")
    assert claim["@type"] == ["gk:Assertion", "rdf:Statement"]
    assert claim["gk:modality"] == "gk:Asserted" and claim["rdf:predicate"] == "gk:memberOf"
    assert claim["gk:pointInTime"] == {"@value": "2021-03-02", "@type": "xsd:date"}  # mixed with gYearMonth


def test_round_trip_is_exact_in_pyoxigraph_and_rdflib():
    data = jsonld_bytes(_rdflib_quads(MINI), NS)
    expected = MINI.read_bytes()
    assert _ox_set(data, ox.RdfFormat.JSON_LD) == _ox_set(expected, ox.RdfFormat.N_QUADS)
    assert _rdflib_set(data, "json-ld") == _rdflib_set(expected, "nquads")


def test_mixed_literals_blank_nodes_and_unprefixed_iris_survive():
    g = URIRef(DEFAULT_BASE_IRI + "doc/x")
    s, text = URIRef(DEFAULT_BASE_IRI + "id/place/x"), URIRef(GK + "timeText")
    quads = [
        (g, s, URIRef(GK + "quantity"), Literal("007", datatype=XSD.integer, normalize=False)),
        (g, s, URIRef(GK + "quantity"), Literal("1.50", datatype=XSD.decimal, normalize=False)),
        (g, s, text, Literal('say "hi"\n\tnow')), (g, s, text, Literal("x", lang="fr")),
        (g, s, URIRef(GK + "relatedEntity"), BNode("b1")), (g, BNode("b1"), RDF.type, URIRef("urn:x:Thing")),
        (g, s, URIRef("http://example.org/p"), URIRef("http://example.org//o")),
        (g, s, URIRef(GK + "via"), URIRef(DEFAULT_BASE_IRI + "id/place//odd")),
    ]
    got = ox.Dataset(ox.parse(jsonld_bytes(quads, NS), format=ox.RdfFormat.JSON_LD))
    assert len(got) == len(quads)
    literals = {(q.object.value, q.object.language or q.object.datatype.value.rsplit("#", 1)[1])
                for q in got if isinstance(q.object, ox.Literal)}
    # lexical forms as written: never JSON numbers
    assert literals == {("007", "integer"), ("1.50", "decimal"), ('say "hi"\n\tnow', "string"), ("x", "fr")}
    iris = {q.object.value for q in got if isinstance(q.object, ox.NamedNode)}
    assert iris == {"urn:x:Thing", "http://example.org//o", DEFAULT_BASE_IRI + "id/place//odd"}
    assert sum(isinstance(q.object, ox.BlankNode) for q in got) == 1


def test_output_is_deterministic():
    quads = _rdflib_quads(MINI)
    shuffled = list(quads)
    random.Random(7).shuffle(shuffled)
    assert jsonld_bytes(quads, NS) == jsonld_bytes(shuffled, NS)
    json.loads(jsonld_bytes(quads, NS))


def test_kg_query_reads_jsonld_as_the_union_of_its_graphs(tmp_path):
    path = tmp_path / "graph.jsonld"
    path.write_bytes(jsonld_bytes(_rdflib_quads(MINI), NS))
    q = f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{GK}Assertion> }}"
    assert run_query(path, q).values() == [("5",)]


@pytest.mark.slow
def test_seed_build_writes_graph_jsonld_equal_to_graph_nq(seed_build, tmp_path):
    from kg.export import write_outputs

    build, out = seed_build
    written = write_outputs(build, tmp_path, ["jsonld"])
    path = tmp_path / "graph.jsonld"
    assert path in written
    data = path.read_bytes()
    nq = (out / "graph.nq").read_bytes()
    assert _ox_set(data, ox.RdfFormat.JSON_LD) == _ox_set(nq, ox.RdfFormat.N_QUADS)
    assert _rdflib_set(data, "json-ld") == _rdflib_set(nq, "nquads")
