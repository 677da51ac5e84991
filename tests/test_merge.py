"""One node per entity across documents; a slug clash in the registry fails the build."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.config import Settings
from kg.pipeline import build_graph

from .conftest import ONTOLOGY

BASE = "https://geokg.example/"


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_same_unknown_person_in_two_articles_is_one_node(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.txt", "Talks Resume\n\nDeputy Foreign Minister Ivan Petrashko arrived in Vilnius.\n")
    _write(tmp_path / "in", "b.txt",
           "Visit Ends\n\nThe envoy Ivan Petrashko left Riga on Monday. Petrashko said little.\n")
    build = build_graph([tmp_path / "in"], Settings())
    assert [e.id for e in build.entities.values() if e.name == "Ivan Petrashko"] == ["person/ivan-petrashko"]
    per_doc = {r.article.doc_id: [m.text for m in r.mentions if m.entity_id == "person/ivan-petrashko"]
               for r in build.results}
    assert per_doc == {"a": ["Ivan Petrashko"], "b": ["Ivan Petrashko", "Petrashko"]}
    graph = build.graph
    node = URIRef(BASE + "id/person/ivan-petrashko")
    graphs_citing = {g for g, s, p, o in graph.quads if o == node or s == node}
    # mentioned from both document graphs, described once in the entities graph
    assert {str(g) for g in graphs_citing} >= {BASE + "graph/entities"}
    assert len([g for g in graphs_citing if str(g).startswith(BASE + "doc/")]) == 2


def test_known_entity_under_two_spellings_in_two_articles_is_one_node(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.txt", "Note\n\nLukashenka met officials in Kiev.\n")
    _write(tmp_path / "in", "b.txt", "Note\n\nLukashenko met officials in Kyiv.\n")
    build = build_graph([tmp_path / "in"], Settings())
    ids = {m.entity_id for r in build.results for m in r.mentions if m.text.startswith(("Lukashen", "Ki", "Ky"))}
    assert ids == {"person/alexander-lukashenko", "place/kyiv"}


def test_registry_slug_clash_fails_the_build(tmp_path: Path) -> None:
    onto = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, onto)
    # a second "Minsk" (a different entity whose name slugifies to the same id) without a slug override
    with (onto / "gazetteer" / "misc.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "place/minsk", "name": "Minsk", "type": "Facility", "note": "clash for the test"}\n')
    _write(tmp_path / "in", "a.txt", "Note\n\nMinsk said nothing.\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(tmp_path / "in"), "-o", str(out), "--ontology", str(onto)])
    assert result.exit_code == 2
    assert "place/minsk" in result.output and "misc.jsonl" in result.output
    assert not (out / "graph.ttl").exists()
