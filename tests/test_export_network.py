"""GraphML and GEXF exports of the entity graph: round trips through networkx, determinism, CLI (issue 9)."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.analytics import analyse, analyse_build, stats_of_file
from kg.cli import app
from kg.entity_graph import from_rdflib
from kg.errors import InputError
from kg.export import parse_formats, write_outputs
from kg.export.network import export_network, network_bytes, write_network
from tests.test_analytics import cluster_graph, small_graph

SMALL = Path(__file__).parent / "data" / "html" / "small.ttl"
ARTICLE = """Neighbours Talk

By Ann Example

Belarus and Russia held talks in Minsk on Monday. Lithuania criticized Russia.
"""


def analysed(g: Graph):
    eg = from_rdflib(g)
    analyse(eg)
    return eg


def read_back(path: Path) -> nx.DiGraph:
    return nx.read_graphml(path) if path.suffix == ".graphml" else nx.read_gexf(path)


def assert_round_trip(eg, path: Path) -> None:
    """Node and edge counts, ids and every attribute survive (GEXF adds an edge ``id``, weight as float)."""
    back = read_back(path)
    g = eg.graph
    assert isinstance(back, nx.DiGraph) and not back.is_multigraph()
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    for a, b, data in g.edges(data=True):
        got = {k: v for k, v in back[a][b].items() if k != "id"}
        assert got == data, (a, b)
        assert all(type(got[k]) is type(v) for k, v in data.items() if k != "weight")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_round_trip_through_networkx_keeps_counts_and_attributes(tmp_path: Path, fmt: str) -> None:
    for name, g in (("small", small_graph()), ("clusters", cluster_graph())):
        eg = analysed(g)
        path = tmp_path / f"{name}.{fmt}"
        write_network(eg, path)
        assert_round_trip(eg, path)
        node = next(iter(eg.graph.nodes.values()))
        assert {"label", "class", "qid", "pagerank", "betweenness", "degree", "community"} <= set(node)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_same_graph_gives_the_same_bytes(fmt: str) -> None:
    triples = list(cluster_graph())
    expected = network_bytes(analysed(triples).graph, fmt)
    random.Random(7).shuffle(triples)
    assert network_bytes(analysed(triples).graph, fmt) == expected
    assert b"lastmodifieddate" not in expected


def test_files_are_the_formats_gephi_reads() -> None:
    eg = analysed(small_graph())
    graphml = ET.fromstring(network_bytes(eg.graph, "graphml"))
    assert graphml.tag == "{http://graphml.graphdrawing.org/xmlns}graphml"
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in graphml.iter(graphml.tag[:-7] + "key")}
    assert keys[("node", "label")] == "string" and keys[("edge", "weight")] == "long"
    assert keys[("node", "pagerank")] == "double" and keys[("edge", "truthy")] == "boolean"
    gexf = ET.fromstring(network_bytes(eg.graph, "gexf"))
    ns = "{http://www.gexf.net/1.2draft}"
    assert gexf.tag == f"{ns}gexf" and gexf.find(f"{ns}graph").get("defaultedgetype") == "directed"
    edge = gexf.find(f".//{ns}edge")
    assert edge is not None and float(edge.get("weight")) >= 1 and edge.get("label")
    labels = {n.get("label") for n in gexf.iter(f"{ns}node")}
    assert labels == {"Belarus", "Russia", "Collective Security Treaty Organization"}


def test_hostile_strings_stay_text(tmp_path: Path) -> None:
    from tests.test_html import make_hostile

    eg = analysed(make_hostile(small_graph()))
    for fmt in ("graphml", "gexf"):
        path = tmp_path / f"hostile.{fmt}"
        write_network(eg, path)
        assert_round_trip(eg, path)


def test_format_names_are_checked() -> None:
    assert parse_formats("graphml, GEXF,graphml") == ("graphml", "gexf")
    assert parse_formats(None) == () and parse_formats(["gexf", "graphml"]) == ("gexf", "graphml")
    with pytest.raises(InputError, match="unknown format bogus"):
        parse_formats("graphml,bogus")
    with pytest.raises(InputError, match="unknown network format"):
        network_bytes(nx.DiGraph(), "csv")
    with pytest.raises(InputError, match="suffix"):
        write_network(analysed(small_graph()), Path("graph.xml"))


def test_export_command_writes_files_and_folders(tmp_path: Path) -> None:
    runner = CliRunner()
    one = tmp_path / "one.gexf"
    result = runner.invoke(app, ["export", str(SMALL), "-o", str(one)])
    assert result.exit_code == 0, result.output
    assert nx.read_gexf(one).number_of_nodes() == 3
    result = runner.invoke(app, ["export", str(SMALL), "-o", str(tmp_path / "both")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "both").iterdir()) == ["graph.gexf", "graph.graphml"]
    written = export_network(SMALL, tmp_path / "g", "graphml")
    assert written == [tmp_path / "g" / "graph.graphml"]
    assert runner.invoke(app, ["export", str(SMALL), "-o", str(one), "--format", "graphml"]).exit_code == 2
    assert runner.invoke(app, ["export", str(SMALL), "-o", str(tmp_path / "x"), "--format", "png"]).exit_code == 2
    bad = runner.invoke(app, ["export", str(tmp_path / "missing.ttl"), "-o", str(one)])
    assert bad.exit_code == 2 and "missing.ttl" in bad.output


def test_build_with_a_bad_format_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(SMALL), "-o", str(tmp_path / "out"), "--format", "bogus"])
    assert result.exit_code == 2 and "bogus" in result.output
    assert not (tmp_path / "out").exists()


def test_build_format_option_adds_both_exports(tmp_path: Path) -> None:
    article = tmp_path / "talks.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(article), "-o", str(out), "--format", "graphml,gexf", "-q"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["graph.gexf", "graph.graphml", "graph.html", "graph.nq", "graph.ttl", "report.json"]
    eg, _ = stats_of_file(out / "graph.ttl")
    assert_round_trip(eg, out / "graph.graphml")
    assert_round_trip(eg, out / "graph.gexf")


@pytest.mark.slow
def test_seed_exports_round_trip_and_match_the_graph_file(seed_build, tmp_path: Path) -> None:
    build, out = seed_build
    written = write_outputs(build, tmp_path, "graphml,gexf")
    assert [p.name for p in written[-2:]] == ["graph.graphml", "graph.gexf"]
    eg, _ = analyse_build(build)
    from_file, _ = stats_of_file(out / "graph.nq")
    for fmt in ("graphml", "gexf"):
        assert_round_trip(eg, tmp_path / f"graph.{fmt}")
        assert_round_trip(from_file, tmp_path / f"graph.{fmt}")
    # a second export of the same build is byte-identical
    again = tmp_path / "again"
    write_outputs(build, again, ["graphml", "gexf"])
    for name in ("graph.graphml", "graph.gexf"):
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes()
