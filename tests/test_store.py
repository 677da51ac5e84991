"""The on-disk Oxigraph store: write_store holds what graph.nq holds, replaces only stores kg wrote, is atomic;
kg query reads a store folder like a graph file.

The graph comes from a short article written for these tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ExportError, InputError, QueryError
from kg.export.serialize import nquads_lines, write_nquads
from kg.export.store import STORE_MARKER, check_store_dir, write_store
from kg.namespaces import make_namespaces
from kg.query import is_oxigraph_store, load_store, open_store, run_query
from kg.rdf import Quad

ARTICLE = """Harbour Talks in Minsk

Belarus and China signed a loan agreement in Minsk on Tuesday, officials said.
Russia did not join the talks. Belarus is a member of the CSTO.
"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
QUERIES = (
    COUNT,
    "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?t } }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT DISTINCT ?label WHERE { ?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } ORDER BY ?label",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """A build of ARTICLE and its graph.nq: (Build, graph.nq path)."""
    from kg.config import Settings
    from kg.pipeline import build_graph

    folder = tmp_path_factory.mktemp("store-article")
    article = folder / "harbour.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    build = build_graph([str(article)], Settings())
    nq = folder / "graph.nq"
    write_nquads(build.graph.quads, nq)
    return build, nq


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _count(source: Path) -> int:
    (row,) = run_query(source, COUNT).values()
    return int(row[0] or -1)


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


def test_store_holds_one_quad_per_line_of_graph_nq(built, tmp_path):
    build, nq = built
    store = tmp_path / "store"
    n = write_store(build.graph.quads, build.graph.ns, store)
    assert n == len(list(nquads_lines(build.graph.quads))) == len(nq.read_text(encoding="utf-8").splitlines())
    assert n > 100
    assert is_oxigraph_store(store)
    marker = json.loads((store / STORE_MARKER).read_text(encoding="utf-8"))
    assert marker["writer"] == "kg" and marker["quads"] == n and marker["base_iri"] == build.graph.ns.base
    assert _temps(tmp_path) == []


def test_store_and_graph_nq_hold_the_same_quads(built, tmp_path):
    build, nq = built
    store = tmp_path / "store"
    write_store(build.graph.quads, build.graph.ns, store, chunk=7)  # many chunks, one store
    assert set(open_store(store)) == set(load_store(nq))


@pytest.mark.parametrize("query", QUERIES)
def test_sparql_over_the_store_equals_sparql_over_graph_nq(built, tmp_path, query):
    build, nq = built
    store = tmp_path / "store"
    write_store(build.graph.quads, build.graph.ns, store)
    over_store, over_file = run_query(store, query), run_query(nq, query)
    assert over_store.variables == over_file.variables
    assert over_store.rows == over_file.rows
    assert over_store.rows


def test_terms_graph_nq_has_to_escape_are_stored_as_it_writes_them(tmp_path):
    g, s, p = URIRef("http://e.org/g"), URIRef("http://e.org/s"), URIRef("http://e.org/p")
    quads: set[Quad] = {
        (g, URIRef("http://e.org/a b{c}%zz"), p, URIRef("http://e.org/x#y#z")),
        (g, s, p, Literal("lone \ud800 surrogate, tab\t, quote \" and newline\n")),
        (g, s, p, Literal("012", datatype=XSD.nonNegativeInteger)),
        (g, s, p, Literal("plain", datatype=XSD.string)),
        (g, s, p, Literal("Minsk", lang="en-GB")),
        (g, s, p, BNode("b0")),
    }
    nq = tmp_path / "graph.nq"
    write_nquads(quads, nq)
    assert write_store(quads, make_namespaces("http://e.org/"), tmp_path / "store") == len(quads)
    stored, parsed = ox.Dataset(open_store(tmp_path / "store")), ox.Dataset(load_store(nq))
    for dataset in (stored, parsed):  # a parser names blank nodes afresh
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert stored == parsed


def test_rewriting_a_store_replaces_it(built, tmp_path):
    build, _ = built
    store = tmp_path / "store"
    write_store(build.graph.quads, build.graph.ns, store)
    entities = URIRef(build.graph.ns.graph["entities"])
    fewer = {q for q in build.graph.quads if q[0] == entities}
    assert 0 < len(fewer) < len(build.graph.quads)
    assert write_store(fewer, build.graph.ns, store) == len(fewer)
    assert _count(store) == len(fewer)
    graphs = run_query(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").values()
    assert graphs == [(str(entities),)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no old store or temporary folder left


def test_an_empty_folder_is_filled_and_a_dead_writers_temporary_folder_removed(built, tmp_path):
    build, _ = built
    store = tmp_path / "store"
    store.mkdir()
    stale = tmp_path / ".store.999999999.k3j_x9q1.tmp"  # no such pid: a killed build's leftover
    stale.mkdir()
    (stale / "CURRENT").write_text("MANIFEST-000001\n", encoding="utf-8")
    assert write_store(build.graph.quads, build.graph.ns, store) == len(build.graph.quads)
    assert not stale.exists()
    assert _temps(tmp_path) == []


def test_a_failed_write_keeps_the_previous_store(built, tmp_path):
    build, _ = built
    store = tmp_path / "store"
    n = write_store(build.graph.quads, build.graph.ns, store)
    bad = {(URIRef("http://e.org/g"), URIRef("http://e.org/s"), URIRef("http://e.org/p"), BNode("not a label"))}
    with pytest.raises(ExportError, match=str(store)):
        write_store(set(build.graph.quads) | bad, build.graph.ns, store)
    assert _count(store) == n
    assert _temps(tmp_path) == []


def test_a_folder_that_is_not_a_store_and_a_file_are_refused(built, tmp_path):
    build, _ = built
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not an Oxigraph store") as err:
        write_store(build.graph.quads, build.graph.ns, folder)
    assert err.value.path == str(folder) and str(folder) in str(err.value)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    plain = tmp_path / "graph.store"
    plain.write_text("a file", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder") as err:
        write_store(build.graph.quads, build.graph.ns, plain)
    assert str(plain) in str(err.value)
    assert plain.read_text(encoding="utf-8") == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.store", "notes"]


def test_an_oxigraph_store_kg_did_not_write_is_refused(tmp_path):
    other = tmp_path / "theirs"
    theirs = ox.Store(str(other))
    theirs.add(ox.Quad(ox.NamedNode("http://e.org/s"), ox.NamedNode("http://e.org/p"), ox.Literal("kept")))
    theirs.flush()
    del theirs
    with pytest.raises(InputError, match=f"{other}: is an Oxigraph store kg did not write"):
        check_store_dir(other)
    assert _count(other) == 1  # kg query reads any Oxigraph store


def test_query_refuses_a_folder_that_is_not_a_store(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    with pytest.raises(QueryError, match=f"{folder}: an empty folder"):
        run_query(folder, COUNT)
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(QueryError, match=f"{folder}: a folder that is not an Oxigraph store"):
        run_query(folder, COUNT)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_rdflib_engine_is_refused_on_a_store(built, tmp_path):
    build, _ = built
    store = tmp_path / "store"
    write_store(build.graph.quads, build.graph.ns, store)
    with pytest.raises(QueryError, match=f"{store}: --engine rdflib reads graph files"):
        run_query(store, COUNT, engine="rdflib")


def test_cli_queries_a_store_folder(built, tmp_path, runner):
    build, nq = built
    store = tmp_path / "store"
    write_store(build.graph.quads, build.graph.ns, store)
    query = "SELECT DISTINCT ?name WHERE { ?c a <https://geokg.example/ont#Country> ; " \
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name } ORDER BY ?name"
    result = runner.invoke(app, ["query", str(store), query, "--format", "json"])
    assert result.exit_code == 0, result.output
    names = [r["name"] for r in json.loads(result.output)["rows"]]
    assert names == ["Belarus", "China", "Russia"]
    assert runner.invoke(app, ["query", str(nq), query, "--format", "json"]).output == result.output
    result = runner.invoke(app, ["query", str(store), COUNT, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["n", str(len(build.graph.quads))]


def test_cli_named_query_on_a_store_built_with_another_base_iri(built, tmp_path, runner):
    build, _ = built
    default, other = build.graph.ns.base, "http://kg.test/base/"

    def move(term):
        return URIRef(other + term[len(default):]) if isinstance(term, URIRef) and term.startswith(default) else term

    quads = {tuple(move(t) for t in q) for q in build.graph.quads}
    store = tmp_path / "store"
    write_store(quads, make_namespaces(other), store)
    result = runner.invoke(app, ["query", str(store), "--name", "members", "-p",
                                 "organization=organization:collective-security-treaty-organization",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["member"] for r in json.loads(result.output)["rows"]] == [other + "id/place/belarus"]


def test_cli_query_on_a_folder_that_is_not_a_store_exits_2_naming_it(tmp_path, runner):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    for engine in ("oxigraph", "rdflib"):
        result = runner.invoke(app, ["query", str(folder), COUNT, "--engine", engine])
        assert result.exit_code == 2, result.output
        assert "notes" in result.output
    assert os.listdir(folder) == ["keep.txt"]
