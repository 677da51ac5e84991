"""Mentions on short texts written for the tests: gazetteer names, metonymy, adjectivals, groups."""

from __future__ import annotations

import pytest

from kg.mentions import MentionFinder
from kg.nlp import build_nlp
from kg.records import Article, OffsetMap
from kg.resources import load_resources

from .conftest import ONTOLOGY


@pytest.fixture(scope="module")
def find():
    res = load_resources(ONTOLOGY)
    nlp = build_nlp(res)
    finder = MentionFinder(res, nlp.vocab)

    def run(text: str):
        art = Article("t", "t", "t", text, text, OffsetMap.identity(len(text)))
        return finder(nlp(text), art)

    return run


def kinds(result, text):
    return {(m.text, m.entity_id, m.kind) for m in result.mentions if m.text == text}


def test_capital_as_speaker_is_the_country(find):
    r = find("Minsk said on Monday that the talks would go ahead. Moscow disagreed.")
    assert kinds(r, "Minsk") == {("Minsk", "place/belarus", "Metonym")}
    assert kinds(r, "Moscow") == {("Moscow", "place/russia", "Metonym")}


@pytest.mark.parametrize("text", [
    "The delegation met in Minsk on Monday.",
    "A factory was opened on the outskirts of Minsk.",
    "The opposition leader fled to Minsk last month.",
    "A Minsk-based analyst disagreed.",
])
def test_capital_as_place_is_the_city(find, text):
    assert kinds(find(text), "Minsk") == {("Minsk", "place/minsk", "Name")}


def test_seat_of_power_is_always_the_government(find):
    r = find("The Kremlin denied the report.")
    assert {m.entity_id for m in r.mentions if "Kremlin" in m.text} == {"place/russia"}


def test_adjectival_compound_links_both_countries(find):
    r = find("Russian-Belarusian relations have improved.")
    assert kinds(r, "Russian") == {("Russian", "place/russia", "Adjectival")}
    assert kinds(r, "Belarusian") == {("Belarusian", "place/belarus", "Adjectival")}


def test_spelling_variants_are_one_entity(find):
    r = find("Lukashenka spoke to Lukashenko's aides in Kiev and then in Kyiv.")
    assert {m.entity_id for m in r.mentions if m.text.startswith("Lukashen")} == {"person/alexander-lukashenko"}
    assert {m.entity_id for m in r.mentions if m.text in {"Kiev", "Kyiv"}} == {"place/kyiv"}


def test_acronym_inside_a_longer_name_is_kept(find):
    r = find("The OSCE Trilateral Contact Group met again.")
    ids = {m.entity_id for m in r.mentions}
    assert "organization/trilateral-contact-group-on-ukraine" in ids
    assert "organization/organization-for-security-and-co-operation-in-europe" in ids


def test_counted_armed_men_are_one_group_per_document(find):
    r = find("Police detained 33 alleged Wagner fighters near the capital. The 33 alleged Wagner fighters were freed.")
    groups = {m.entity_id for m in r.mentions if m.kind == "Description"}
    assert len(groups) == 1
    assert {e.cls for e in r.entities if e.id in groups} == {"ArmedGroup"}
    assert "organization/wagner-group" in {m.entity_id for m in r.mentions}


def test_offsets_index_the_raw_text(find):
    text = "Belarus and Russia signed it. Then the EU objected in Brussels."
    r = find(text)
    assert r.mentions
    for m in r.mentions:
        assert text[m.begin:m.end] == m.text
        assert m.sentence[0] <= m.begin < m.end <= m.sentence[1]
    assert [s.text for s in r.sentences] == ["Belarus and Russia signed it.", "Then the EU objected in Brussels."]


def test_lowercase_common_words_are_not_names(find):
    r = find("Send us the turkey and the china plates.")
    assert r.mentions == ()


def test_cities_coordinated_with_a_locative_city_are_places(find_mentions):
    r = find_mentions("The minister travelled to Vilnius and Riga. Riga objected.")
    assert [(m.text, m.entity_id, m.kind) for m in r.mentions] == [
        ("Vilnius", "place/vilnius", "Name"), ("Riga", "place/riga", "Name"), ("Riga", "place/latvia", "Metonym")]


def test_sentence_finder_gives_the_first_sentence_holding_a_span() -> None:
    """The bisecting sentence look-up gives what a scan of all sentences gives, in order or not."""
    import random

    from kg.mentions import _SentenceFinder
    from kg.records import Span

    rng = random.Random(7)
    for _ in range(300):
        cuts = sorted(rng.sample(range(60), rng.randrange(0, 12)))
        bounds = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
        if rng.random() < 0.3:  # overlapping or out-of-order sentences take the scan
            bounds += [(rng.randrange(40), rng.randrange(40, 60)) for _ in range(2)]
            rng.shuffle(bounds)
        finder = _SentenceFinder(tuple(Span(a, b, "x" * (b - a)) for a, b in bounds))
        for begin in range(0, 60, 3):
            for end in range(begin, 61, 4):
                scan = next(((a, b) for a, b in bounds if a <= begin and end <= b), (0, 0))
                assert finder(begin, end) == scan, (bounds, begin, end)
