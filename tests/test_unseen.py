"""Entities in two articles written for the tests in other styles (not the seeds): found, typed, no junk.

The articles in tests/data/unseen/ were written independently of the seed articles; they use names the
gazetteer does not know (ministers, advisers, analysts' institutes, a town, a region) so that discovery
and coreference are exercised, and Title Case headers that must not turn into names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import Settings
from kg.pipeline import build_graph

UNSEEN = Path(__file__).parent / "data" / "unseen"

#: (document, name, class) that must be found; "new" marks names only discovery can find.
EXPECTED = {
    "border-emergency": {
        ("Agne Bilotaite", "Person", "new"), ("Franak Viacorka", "Person", "new"),
        ("Belavia", "Organization", "new"), ("Belarusian Defence Ministry", "GovernmentBody", "new"),
        ("Centre for Eastern Studies", "Organization", "new"),
        ("Sviatlana Tsikhanouskaya", "Person", ""), ("Dmitry Peskov", "Person", ""),
        ("Mateusz Morawiecki", "Person", ""), ("European Commission", "IntergovernmentalOrganization", ""),
        ("2021 Belarus–European Union border crisis", "Event", ""), ("Riga", "City", ""),
    },
    "normandy-talks": {
        ("Yevhen Marchuk", "Person", "new"), ("Alexei Miller", "Person", "new"),
        ("Razumkov Centre", "Organization", "new"), ("Avdiivka", "City", "new"),
        ("Luhansk region", "Territory", "new"), ("OSCE Special Monitoring Mission", "Organization", "new"),
        ("Donetsk People's Republic", "Territory", ""), ("Minsk agreements", "Agreement", ""),
        ("Verkhovna Rada", "GovernmentBody", ""), ("Petro Poroshenko", "Person", ""),
    },
}


@pytest.fixture(scope="module")
def unseen():
    build = build_graph([UNSEEN], Settings())
    found = {}
    for r in build.results:
        found[r.article.doc_id] = {
            (e.name, e.cls, "new" if e.discovered else "")
            for m in r.mentions if (e := build.entities.get(m.entity_id)) is not None
        }
    return build, found


@pytest.mark.parametrize("doc", sorted(EXPECTED))
def test_expected_entities_are_found_and_typed(unseen, doc) -> None:
    _, found = unseen
    assert EXPECTED[doc] - found[doc] == set()


@pytest.mark.parametrize("doc", sorted(EXPECTED))
def test_every_discovered_name_is_a_real_name(unseen, doc) -> None:
    """No junk nodes: each discovered entity is one the article really names."""
    _, found = unseen
    discovered = {x for x in found[doc] if x[2] == "new"}
    assert discovered <= EXPECTED[doc]


def test_header_metadata_of_both_styles(unseen) -> None:
    build, _ = unseen
    meta = {r.article.doc_id: (r.article.authors, r.article.published) for r in build.results}
    assert meta == {"border-emergency": (("Marta Kowalczyk",), "2021-11-12"),
                    "normandy-talks": (("Thomas Reiner",), "2019-03-03")}


def test_descriptions_and_metonyms_in_the_unseen_articles(unseen) -> None:
    build, _ = unseen
    doc = next(r for r in build.results if r.article.doc_id == "border-emergency")
    kinds = {(m.text, m.entity_id, m.kind) for m in doc.mentions}
    assert ("The Belarusian leader", "person/alexander-lukashenko", "Description") in kinds
    assert ("the Lukashenko regime", "place/belarus", "Metonym") in kinds
    assert ("Warsaw", "place/poland", "Metonym") in kinds  # "Warsaw has refused ..."
    assert ("Vilnius", "place/vilnius", "Name") in kinds  # "lives in exile in Vilnius"
