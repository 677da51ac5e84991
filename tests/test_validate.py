"""kg validate: a real build conforms; deliberately broken copies fail the intended check with exit code 1.

The builds come from tests/data/validate/alliance.txt (written for these tests) and, marked slow, the seed
articles. Mutations are made with rdflib on the Turtle output (and on the N-Quads text for graph-scoped checks).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, SKOS, XSD
from typer.testing import CliRunner

from kg.cli import app
from kg.config import Settings
from kg.validate import ValidationReport, rebase, validate

DATA = Path(__file__).parent / "data" / "validate"
BASE = "https://geokg.example/"
GK = Namespace(BASE + "ont#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")


def _build(out: Path, base: str = BASE) -> Path:
    from kg.export import write_outputs
    from kg.pipeline import build_graph

    build = build_graph([str(DATA / "alliance.txt")], Settings(base_iri=base))
    write_outputs(build, out)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output folder of `kg build tests/data/validate/alliance.txt`."""
    return _build(tmp_path_factory.mktemp("validate-build"))


@pytest.fixture(scope="module")
def graph(built: Path) -> Graph:
    return Graph().parse(built / "graph.ttl")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _truthy_claim(g: Graph, gk: Namespace = GK) -> tuple[URIRef, URIRef, URIRef, URIRef]:
    """A claim (and its s p o) that the build projected to a direct triple, a gk:memberOf one if any."""
    found = []
    for claim in g.subjects(RDF.type, gk.Assertion):
        s, p, o = g.value(claim, RDF.subject), g.value(claim, RDF.predicate), g.value(claim, RDF.object)
        if (s, p, o) in g:
            found.append((p != gk.memberOf, claim, s, p, o))
    assert found, "the test article gave no truthy claim; tests/data/validate/alliance.txt needs one"
    return min(found)[1:]


def _mutated(g: Graph, tmp_path: Path, change: Callable[[Graph], object]) -> Path:
    copy = Graph()
    for t in g:
        copy.add(t)
    change(copy)
    path = tmp_path / "mutated.ttl"
    copy.serialize(path, format="turtle")
    return path


def _rows(report: ValidationReport, check: str) -> list[dict[str, str]]:
    found = report.violation(check)
    assert found is not None, f"{check} did not fire; failed: {[v.check for v in report.violations]}"
    return found.as_dict()["rows"]


# ---------------------------------------------------------------- a real build conforms


@pytest.mark.parametrize("name", ["graph.ttl", "graph.nq"])
def test_a_real_build_conforms(runner, built, name):
    result = runner.invoke(app, ["validate", str(built / name)])
    assert result.exit_code == 0, result.output
    assert "SHACL: conforms" in result.output
    assert "0 failed" in result.output


def test_the_report_lists_every_check_and_json_carries_it(runner, built):
    result = runner.invoke(app, ["validate", str(built / "graph.ttl"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["conforms"] is True and data["shacl"]["conforms"] is True
    assert {"anchor-offsets", "truthy-leakage", "property-domain", "property-range",
            "claim-provenance"} <= set(data["integrity"]["checks"])
    assert data["integrity"]["passed"] == data["integrity"]["checks"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["graph.ttl", "graph.nq"])
def test_the_seed_build_conforms(seed_build, name):
    _, out = seed_build
    report = validate(out / name)
    assert report.shacl_conforms, report.shacl_text[:2000]
    assert not report.violations, [v.as_dict() for v in report.violations]


# ---------------------------------------------------------------- each check fires on a deliberate break


def test_a_shifted_begin_index_breaks_the_anchor(runner, graph, tmp_path):
    mention = sorted(graph.subjects(RDF.type, GK.Mention))[0]
    begin = int(graph.value(mention, NIF.beginIndex))

    def change(g: Graph) -> None:
        g.set((mention, NIF.beginIndex, Literal(begin + 1, datatype=XSD.nonNegativeInteger)))

    path = _mutated(graph, tmp_path, change)
    rows = _rows(validate(path, shacl=False), "anchor-offsets")
    problems = {r["problem"] for r in rows if r["span"] == str(mention)}
    assert any("anchorOf differs" in p for p in problems)
    assert any("#char=" in p for p in problems)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "FAIL  anchor-offsets" in result.output


def test_an_edited_context_text_breaks_every_later_anchor(graph, tmp_path):
    context = next(graph.subjects(RDF.type, NIF.Context))
    text = str(graph.value(context, NIF.isString))

    def change(g: Graph) -> None:  # one character more at the start: same length check fails, anchors shift
        g.set((context, NIF.isString, Literal("X" + text)))

    rows = _rows(validate(_mutated(graph, tmp_path, change), shacl=False), "anchor-offsets")
    assert any("endIndex is not the length" in r["problem"] for r in rows)
    assert sum("anchorOf differs" in r["problem"] for r in rows) >= 5


@pytest.mark.parametrize(("prop", "value", "status"), [
    (GK.polarity, GK.Negative, "polarity"),
    (GK.modality, GK.Hypothetical, "modality"),
    (GK.modality, GK.Reported, "modality"),
    (GK.contested, Literal(True), "contested"),
])
def test_a_direct_triple_of_a_non_truthy_claim_leaks(runner, graph, tmp_path, prop, value, status):
    claim, s, p, o = _truthy_claim(graph)

    def change(g: Graph) -> None:
        g.set((claim, prop, value))
        g.add((claim, GK.attributedToText, Literal("someone")))  # keep reported claims attributed

    path = _mutated(graph, tmp_path, change)
    report = validate(path, shacl=False)
    rows = _rows(report, "truthy-leakage")
    assert [(r["s"], r["p"], r["o"]) for r in rows] == [(str(s), str(p), str(o))]
    assert rows[0]["claim"] == str(claim)
    assert rows[0][status] == str(value)
    assert [v.check for v in report.violations] == ["truthy-leakage"]
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "FAIL  truthy-leakage" in result.output


def test_a_direct_triple_for_a_negative_claim_leaks(graph, tmp_path):
    negatives = [c for c in graph.subjects(GK.polarity, GK.Negative)
                 if (graph.value(c, RDF.subject), graph.value(c, RDF.predicate), graph.value(c, RDF.object))
                 not in graph]
    if not negatives:
        pytest.skip("the extractor found no negative claim in alliance.txt (covered by the parametrized test)")
    claim = sorted(negatives)[0]
    s, p, o = graph.value(claim, RDF.subject), graph.value(claim, RDF.predicate), graph.value(claim, RDF.object)
    rows = _rows(validate(_mutated(graph, tmp_path, lambda g: g.add((s, p, o))), shacl=False), "truthy-leakage")
    assert rows[0]["polarity"] == str(GK.Negative)
    assert rows[0]["problem"] == "no positive, asserted, uncontested claim supports the direct triple"


def test_a_direct_triple_without_any_claim_leaks(graph, tmp_path):
    _, s, _, o = _truthy_claim(graph)
    path = _mutated(graph, tmp_path, lambda g: g.add((o, GK.allyOf, s)))
    rows = _rows(validate(path, shacl=False, only=["truthy-leakage"]), "truthy-leakage")
    assert rows == [{"graph": "urn:x-kg:file", "s": str(o), "p": str(GK.allyOf), "o": str(s),
                     "problem": "no claim in this graph supports the direct triple"}]


def test_nquads_a_direct_triple_in_another_graph_than_its_claim_leaks(built, graph, tmp_path):
    _, s, p, o = _truthy_claim(graph)
    nq = tmp_path / "moved.nq"
    text = (built / "graph.nq").read_text(encoding="utf-8")
    nq.write_text(text + f"<{s}> <{p}> <{o}> <{BASE}graph/entities> .\n", encoding="utf-8")
    rows = _rows(validate(nq, shacl=False), "truthy-leakage")
    assert [(r["graph"], r["problem"]) for r in rows] == [
        (f"{BASE}graph/entities", "no claim in this graph supports the direct triple")]


def test_a_subject_of_the_wrong_class_breaks_the_domain(runner, graph, tmp_path):
    claim, s, p, o = _truthy_claim(graph)
    initiative = URIRef(BASE + "id/initiative/test-initiative")

    def change(g: Graph) -> None:  # an Initiative is in no domain but gk:Entity
        g.add((initiative, RDF.type, GK.Initiative))
        g.add((initiative, SKOS.prefLabel, Literal("Test initiative", lang="en")))
        g.remove((s, p, o))
        g.add((initiative, p, o))
        g.set((claim, RDF.subject, initiative))

    path = _mutated(graph, tmp_path, change)
    report = validate(path, shacl=False)
    rows = _rows(report, "property-domain")
    bad = str(initiative)
    assert {(r["node"], r["value"]) for r in rows} == {(str(claim), bad), (bad, bad)}
    assert str(GK.Entity) not in {r["expected"] for r in rows}
    assert [v.check for v in report.violations] == ["property-domain"]
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "FAIL  property-domain" in result.output


def test_an_object_of_the_wrong_class_breaks_the_range(graph, tmp_path):
    claim, s, p, o = _truthy_claim(graph)
    weapon = URIRef(BASE + "id/item/test-launcher")

    def change(g: Graph) -> None:
        g.add((weapon, RDF.type, GK.WeaponSystem))
        g.add((weapon, SKOS.prefLabel, Literal("Test launcher", lang="en")))
        g.remove((s, p, o))
        g.add((s, p, weapon))
        g.set((claim, RDF.object, weapon))

    rows = _rows(validate(_mutated(graph, tmp_path, change), shacl=False), "property-range")
    assert {(r["node"], r["value"]) for r in rows} == {(str(claim), str(weapon)), (str(s), str(weapon))}


def test_a_claim_without_provenance_fails_the_check_and_shacl(runner, graph, tmp_path):
    claim = sorted(graph.subjects(RDF.type, GK.Assertion))[0]
    path = _mutated(graph, tmp_path, lambda g: g.remove((claim, PROV.wasDerivedFrom, None)))
    report = validate(path)
    assert _rows(report, "claim-provenance") == [{"claim": str(claim), "problem": "no prov:wasDerivedFrom"}]
    assert not report.shacl_conforms
    assert any(r.focus == str(claim) and r.path == str(PROV.wasDerivedFrom) for r in report.shacl_results)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "FAIL  claim-provenance" in result.output and "SHACL: does not conform: 1 result(s)" in result.output


def test_a_claim_whose_evidence_is_another_documents_text_fails_provenance(graph, tmp_path):
    claim = sorted(graph.subjects(RDF.type, GK.Assertion))[0]
    path = _mutated(graph, tmp_path, lambda g: g.set((claim, PROV.wasDerivedFrom, URIRef(BASE + "doc/other"))))
    problems = {r["problem"] for r in _rows(validate(path, shacl=False), "claim-provenance")}
    assert problems == {"prov:wasDerivedFrom is not a schema:NewsArticle",
                        "the evidence is not from the document the claim is derived from"}


def test_a_reported_claim_without_attribution_fails(graph, tmp_path):
    claim = sorted(graph.subjects(RDF.type, GK.Assertion))[0]

    def change(g: Graph) -> None:
        g.set((claim, GK.modality, GK.Reported))
        g.remove((claim, GK.attributedTo, None))
        g.remove((claim, GK.attributedToText, None))

    report = validate(_mutated(graph, tmp_path, change), shacl=False, only=["reported-attribution"])
    assert _rows(report, "reported-attribution") == [{"claim": str(claim)}]


def test_bad_entity_iris_and_second_classes_fail(graph, tmp_path):
    bad = URIRef(BASE + "id/Place/Bad_Name")
    _, s, _, _ = _truthy_claim(graph)

    def change(g: Graph) -> None:
        g.add((bad, RDF.type, GK.Country))
        g.add((bad, SKOS.prefLabel, Literal("Bad", lang="en")))
        g.add((s, RDF.type, GK.Organization))

    report = validate(_mutated(graph, tmp_path, change), shacl=False)
    assert _rows(report, "entity-iri") == [{"entity": str(bad), "class": str(GK.Country)}]
    assert [r["entity"] for r in _rows(report, "entity-class")] == [str(s)]


# ---------------------------------------------------------------- another base IRI


def test_a_build_with_another_base_iri_is_checked_against_it(tmp_path):
    base = "http://kg.test/x/"
    out = _build(tmp_path / "out", base)
    assert validate(out / "graph.ttl").conforms
    gk = Namespace(base + "ont#")
    g = Graph().parse(out / "graph.ttl")
    claim, *_ = _truthy_claim(g, gk)
    report = validate(_mutated(g, tmp_path, lambda m: m.set((claim, gk.polarity, gk.Negative))), shacl=False)
    assert report.base == base
    assert [v.check for v in report.violations] == ["truthy-leakage"]


def test_rebase_escapes_regex_characters():
    text = '"^https://geokg\\\\.example/id/" <https://geokg.example/ont#X>'
    assert rebase(text, "https://a.b-c/") == '"^https://a\\\\.b-c/id/" <https://a.b-c/ont#X>'


# ---------------------------------------------------------------- unreadable input: exit 2 naming the file


@pytest.mark.parametrize(("name", "content"), [
    ("garbage.ttl", b"\x00\xffthis is not turtle <"),
    ("empty.ttl", b""),
    ("broken.nq", b"<a> <b> <c> .\n"),
    ("graph.pdf", b"%PDF-1.4\n"),
])
def test_an_unreadable_graph_exits_2_naming_the_file(runner, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert name in result.output


def test_a_missing_graph_exits_2_naming_it(runner, tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.ttl")])
    assert result.exit_code == 2
    assert "nope.ttl" in result.output and "no such file" in result.output


def test_an_unknown_check_name_exits_2(runner, built):
    result = runner.invoke(app, ["validate", str(built / "graph.ttl"), "--check", "no-such-check"])
    assert result.exit_code == 2
    assert "no-such-check" in result.output


def test_missing_publisher_is_a_warning_not_a_violation(tmp_path):
    """An article that names no publisher still gives a conforming graph; the gap is reported as a warning."""
    from typer.testing import CliRunner

    from kg.cli import app

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "Grain Talks Resume\n\nBy Ann Lee\n\nMarch 3, 2021\n\nBelarus and Ukraine resumed talks on grain transit.\n",
        encoding="utf-8")
    runner = CliRunner()
    built = runner.invoke(app, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    result = runner.invoke(app, ["validate", str(tmp_path / "out" / "graph.ttl")])
    assert result.exit_code == 0, result.output
    assert "conforms, with warnings" in result.output
    assert "Warning" in result.output and "publisher" in result.output
