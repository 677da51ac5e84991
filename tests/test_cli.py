"""The command line: exit codes, messages naming the file, query output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import __version__
from kg.cli import app

DATA = Path(__file__).parent / "data" / "cli"
Q = ("SELECT ?name WHERE { ?c a <https://geokg.example/ont#Country> ; "
     "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name } ORDER BY ?name")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"kg {__version__}"


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_formats(runner, fmt):
    result = runner.invoke(app, ["query", str(DATA / "small.ttl"), Q, "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        rows = json.loads(result.output)["rows"]
        assert [r["name"] for r in rows] == ["Belarus", "Russia"]
    elif fmt == "csv":
        assert result.output.strip().splitlines() == ["name", "Belarus", "Russia"]
    else:
        assert "Belarus" in result.output and "(2 rows)" in result.output


def test_query_from_file_and_ask(runner, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { ?x <https://geokg.example/ont#memberOf> ?y }", encoding="utf-8")
    result = runner.invoke(app, ["query", str(DATA / "small.ttl"), "-f", str(rq)])
    assert result.exit_code == 0
    assert result.output.strip() == "true"


def test_bad_sparql_exits_2(runner):
    result = runner.invoke(app, ["query", str(DATA / "small.ttl"), "SELECT WHERE {"])
    assert result.exit_code == 2
    assert "bad SPARQL" in result.output


def test_bad_graph_file_exits_2_naming_it(runner, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    result = runner.invoke(app, ["query", str(bad), Q])
    assert result.exit_code == 2
    assert "broken.ttl" in result.output


def test_build_of_missing_input_exits_2_naming_it(runner, tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope.txt" in result.output
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_build_of_unsupported_file_exits_2(runner, tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    result = runner.invoke(app, ["build", str(pdf), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "paper.pdf" in result.output


def test_failed_build_keeps_previous_output(runner, tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("Belarus and Russia held talks in Minsk on Monday.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(art), "-o", str(out), "-q"]).exit_code == 0
    before = (out / "graph.ttl").read_bytes()
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(art), str(empty), "-o", str(out), "-q"])
    assert result.exit_code == 2
    assert "empty.txt" in result.output
    assert (out / "graph.ttl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_skip_bad_builds_the_rest_and_reports(runner, tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("Belarus and Russia held talks in Minsk on Monday.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(art), str(empty), "-o", str(out), "--skip-bad", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["documents"] == 1
    assert any("empty.txt" in w["source"] for w in report["warnings"])


def test_view_renders_a_graph_file(runner, tmp_path):
    out = tmp_path / "v.html"
    result = runner.invoke(app, ["view", str(DATA / "small.ttl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Belarus" in out.read_text(encoding="utf-8")


def test_view_reads_nquads(runner, tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("Belarus and Russia held talks in Minsk on Monday.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(art), "-o", str(out), "-q"]).exit_code == 0
    result = runner.invoke(app, ["view", str(out / "graph.nq"), "-o", str(tmp_path / "v.html")])
    assert result.exit_code == 0, result.output
    assert "Belarus" in (tmp_path / "v.html").read_text(encoding="utf-8")
