"""kg query: named queries and their parameters, both engines, endpoints, output; kg view keeps datatypes.

tests/data/query/mini.nq is a small hand-made dataset (fictional countries, two documents and the entity
graph) on which every named query has a known answer.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import OntologyError, QueryError
from kg.query import (
    Result,
    Term,
    bind_parameters,
    format_result,
    parameter_term,
    query_parameters,
    read_quads,
    run_query,
    to_rdflib,
)
from kg.resources import integrity_queries, load_query, named_queries

from .conftest import ONTOLOGY

MINI = Path(__file__).parent / "data" / "query" / "mini.nq"
GK = "https://geokg.example/ont#"
ID = "https://geokg.example/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
NAMES = ("attributions", "interactions", "members", "most-mentioned", "names", "negated",
         "supporting-documents", "timeline")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _rows(name: str, engine: str = "oxigraph", **params: str) -> list[dict[str, str]]:
    result = run_query(MINI, bind_parameters(load_query(ONTOLOGY, name), params), engine=engine)
    return [{v: x for v, x in zip(result.variables, row, strict=True) if x is not None} for row in result.values()]


def test_named_queries_are_the_analyst_queries_not_the_integrity_checks():
    assert tuple(named_queries(ONTOLOGY)) == NAMES
    assert not set(named_queries(ONTOLOGY)) & set(integrity_queries(ONTOLOGY))
    for bad in ("integrity/truthy-leakage", "../queries/members", "Members", "truthy-leakage"):
        with pytest.raises(OntologyError, match="known: attributions, interactions"):
            load_query(ONTOLOGY, bad)


@pytest.mark.parametrize("name", NAMES)
def test_named_query_is_distinct_over_the_union_and_documented(name):
    text = load_query(ONTOLOGY, name)
    assert "SELECT DISTINCT" in text or "GROUP BY" in text, "the union of named graphs can repeat rows"
    header = "\n".join(ln for ln in text.splitlines() if ln.startswith("#"))
    assert text.startswith("# ") and "Parameters:" in header
    for param in query_parameters(text):
        assert param in header.split("Parameters:", 1)[1], f"parameter {param} is not documented"


@pytest.mark.parametrize("name", NAMES)
def test_both_engines_give_the_same_rows(name):
    text = load_query(ONTOLOGY, name)
    a = run_query(MINI, text)
    b = run_query(MINI, text, engine="rdflib")
    assert a.variables == b.variables
    assert a.rows, f"{name} returns nothing on {MINI.name}"
    assert Counter(a.values()) == Counter(b.values())


def test_members_counts_documents_once_each():
    assert _rows("members") == [{
        "organization": ID + "organization/northern-pact", "organizationName": "Northern Pact",
        "member": ID + "place/syldavia", "memberName": "Syldavia", "polarity": GK + "Positive",
        "modality": GK + "Asserted", "documents": "2"}]
    assert _rows("members", organization="organization:nobody") == []


def test_interactions_between_two_actors_with_modality_and_dates():
    rows = _rows("interactions", actor="place:borduria", target="place:syldavia")
    assert {(r["relation"], r["modality"][len(GK):], r.get("when")) for r in rows} == {
        ("threatened", "Reported", "2021-03"), ("would yield to", "Reported", None)}


def test_attributions_name_the_source_entity_or_its_words():
    rows = _rows("attributions")
    assert {r["source"] for r in rows} == {ID + "person/anna-varga", "Officials"}
    only = _rows("attributions", source="person:anna-varga")
    assert [r["evidence"] for r in only] == ["Anna Varga said Borduria threatened the Syldavian border."]


def test_timeline_of_a_month_matches_day_and_month_precision():
    rows = _rows("timeline", month="2021-03")
    assert [r["when"] for r in rows] == ["2021-03", "2021-03-02"]
    assert _rows("timeline", month="2021-04") == []


def test_negated_claims():
    rows = _rows("negated", subject="place:syldavia")
    assert [(r["predicate"], r["object"]) for r in rows] == [(GK + "recognizes", ID + "place/borduria")]


def test_most_mentioned_by_class():
    rows = _rows("most-mentioned")
    assert [(r["name"], r["mentions"], r["documents"]) for r in rows[:2]] == [("Syldavia", "5", "2"),
                                                                              ("Borduria", "3", "2")]
    assert [r["name"] for r in _rows("most-mentioned", **{"class": "gk:Person"})] == ["Anna Varga"]


def test_supporting_documents_of_a_claim():
    rows = _rows("supporting-documents", subject="place:syldavia", predicate="gk:memberOf",
                 object="organization:northern-pact")
    assert [(r["document"].rsplit("/", 1)[1], r["published"]) for r in rows] == [("d1", "2021-03-10"),
                                                                                  ("d2", "2021-04-01")]


def test_names_of_an_entity_from_labels_and_mentions():
    rows = _rows("names", entity="place:syldavia")
    kinds = {(r["name"], r["kind"].rsplit("#", 1)[1].rsplit("/", 1)[-1]): int(r["mentions"]) for r in rows}
    assert kinds == {("Syldavia", "Name"): 3, ("Syldavian", "Adjectival"): 1, ("Syldavians", "Adjectival"): 1,
                     ("Kingdom of Syldavia", "altLabel"): 0, ("Syldavia", "prefLabel"): 0}


def test_union_of_named_graphs_repeats_rows_without_distinct():
    # the truthy triple is in both document graphs: why the named queries use DISTINCT
    q = f"SELECT ?x WHERE {{ ?x <{GK}memberOf> ?o }}"
    assert len(run_query(MINI, q).rows) == 2
    assert len(run_query(MINI, q.replace("SELECT", "SELECT DISTINCT")).rows) == 1


def test_parameters_are_values_placeholders():
    text = "PREFIX place: <https://geokg.example/id/place/>\nSELECT ?a WHERE {\n  ?a ?p ?b\n  VALUES ?b { UNDEF }\n}"
    assert query_parameters(text) == ("b",)
    assert "VALUES ?b { <https://geokg.example/id/place/aland> }" in bind_parameters(text, {"b": "place:aland"})
    assert 'VALUES ?b { "say \\"hi\\"" }' in bind_parameters(text, {"b": 'say "hi"'})
    assert bind_parameters(text, {}) == text
    assert query_parameters("# VALUES ?x { UNDEF } in a comment\nSELECT * {}") == ()
    with pytest.raises(QueryError, match="no parameter c; its parameters: b"):
        bind_parameters(text, {"c": "x"})
    with pytest.raises(QueryError, match="no prefix plaec:"):
        bind_parameters(text, {"b": "plaec:aland"})
    with pytest.raises(QueryError, match="not a valid IRI"):
        parameter_term("<http://e/a b>", {})


def test_cli_named_query_with_params_and_engine(runner):
    args = ["query", str(MINI), "--name", "interactions", "-p", "actor=place:syldavia", "--param",
            "target=<https://geokg.example/id/place/borduria>", "--format", "json"]
    for engine in ("oxigraph", "rdflib"):
        result = runner.invoke(app, [*args, "--engine", engine])
        assert result.exit_code == 0, result.output
        assert [r["relation"] for r in json.loads(result.output)["rows"]] == ["recognize"]


def test_cli_table_shortens_iris_with_the_query_prefixes(runner):
    result = runner.invoke(app, ["query", str(MINI), "--name", "members"])
    assert result.exit_code == 0, result.output
    assert "organization:northern-pact" in result.output and "gk:Asserted" in result.output
    assert "(1 rows)" in result.output


def test_cli_lists_named_queries_with_their_parameters(runner):
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0, result.output
    assert [ln.split()[0] for ln in result.output.splitlines()] == list(NAMES)
    assert "(parameters: subject, predicate, object)" in result.output
    assert "truthy-leakage" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "nope"], "no query named 'nope'; known: attributions"),
    (["--name", "members", "--param", "month=2021-03"], "no parameter month"),
    (["--name", "members", "--param", "organization"], "expected name=value"),
    (["SELECT * WHERE {"], "bad SPARQL"),
    (["SELECT * WHERE { ?s ?p ?o }", "--engine", "jena"], "unknown engine 'jena'"),
    (["SELECT * WHERE {", "--engine", "rdflib"], "bad SPARQL"),
    (["SELECT * WHERE { ?s ?p ?o }", "--format", "xml"], "unknown output format"),
])
def test_cli_bad_query_exits_2_with_a_clear_message(runner, args, message):
    result = runner.invoke(app, ["query", str(MINI), *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_cli_unreadable_graph_exits_2_naming_it(runner, tmp_path, engine):
    bad = tmp_path / "broken.nq"
    bad.write_text("<http://e/a b> <http://e/p> <http://e/o> .\n", encoding="utf-8")
    for graph in (bad, tmp_path / "missing.nq", tmp_path / "graph.pdf"):
        result = runner.invoke(app, ["query", str(graph), "ASK {}", "--engine", engine])
        assert result.exit_code == 2
        assert graph.name in result.output


def test_cli_unreachable_endpoint_exits_2(runner):
    result = runner.invoke(app, ["query", "http://127.0.0.1:9/query", "ASK {}"])
    assert result.exit_code == 2
    assert "cannot connect" in result.output


def test_view_keeps_non_negative_integer_datatype(runner, tmp_path):
    # regression: the view used to go through an Oxigraph Store, which re-types
    # "3"^^xsd:nonNegativeInteger to xsd:integer
    graph = to_rdflib(read_quads(MINI))
    types = {str(o.datatype) for o in graph.objects(None, None) if getattr(o, "datatype", None)}
    assert XSD + "nonNegativeInteger" in types
    assert XSD + "integer" not in types
    store_types = {q.object.datatype.value for q in ox.Dataset(read_quads(MINI))
                   if isinstance(q.object, ox.Literal)}
    assert XSD + "nonNegativeInteger" in store_types
    result = runner.invoke(app, ["view", str(MINI), "-o", str(tmp_path / "v.html")])
    assert result.exit_code == 0, result.output


def test_format_result_table_csv_json():
    result = Result(("x", "n"), ((Term.iri("https://geokg.example/id/place/aland"), Term.literal("1", XSD + "integer")),
                                 (Term.literal("a\nb"), None)))
    table = format_result(result, "table", {"place": "https://geokg.example/id/place/"})
    assert table.splitlines()[2].split() == ["place:aland", "1"]
    assert "a b" in table and table.endswith("(2 rows)")
    assert format_result(result, "csv").splitlines()[0] == "x,n"
    assert json.loads(format_result(result, "json"))["rows"][1] == {"x": "a\nb"}
    assert format_result(Result((), (), True), "table") == "true"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_named_queries_follow_a_graph_built_with_another_base_iri(runner, tmp_path, engine):
    other = tmp_path / "other.nq"
    other.write_text(MINI.read_text(encoding="utf-8").replace("https://geokg.example/", "http://kg.test/base/"),
                     encoding="utf-8")
    result = runner.invoke(app, ["query", str(other), "--name", "members", "-p",
                                 "organization=organization:northern-pact", "--format", "json", "--engine", engine])
    assert result.exit_code == 0, result.output
    assert [r["member"] for r in json.loads(result.output)["rows"]] == ["http://kg.test/base/id/place/syldavia"]
