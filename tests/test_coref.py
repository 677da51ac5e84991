"""Coreference inside a document, on sentences written for the tests."""

from __future__ import annotations

import pytest


def links(result, text):
    """{(entity id, kind)} of the mentions whose text is exactly ``text``."""
    return {(m.entity_id, m.kind) for m in result.mentions if m.text == text}


@pytest.mark.parametrize(("published", "holder"), [
    ("2018-05-02", "person/petro-poroshenko"),
    ("2021-05-02", "person/volodymyr-zelenskyy"),
])
def test_role_description_is_the_office_holder_at_publication(find_mentions, published, holder) -> None:
    r = find_mentions("Talks stalled. The Ukrainian president then flew home.", published)
    assert links(r, "The Ukrainian president") == {(holder, "Description")}
    # the demonym inside the description still denotes the country
    assert links(r, "Ukrainian") == {("place/ukraine", "Adjectival")}


def test_named_office_holder_wins_and_unknown_date_needs_a_name(find_mentions) -> None:
    text = "Poroshenko spoke first. Later the Ukrainian president left."
    # 2019: two presidents held office; the one the article names is meant
    assert links(find_mentions(text, "2019-06-01"), "the Ukrainian president") == {
        ("person/petro-poroshenko", "Description")}
    # no date and no name: nothing is guessed
    r = find_mentions("Later the Ukrainian president left.")
    assert links(r, "the Ukrainian president") == set()


def test_leader_role_words_map_to_offices(find_mentions) -> None:
    r = find_mentions("The Belarusian leader met the Russian foreign minister.", "2020-09-14")
    assert links(r, "The Belarusian leader") == {("person/alexander-lukashenko", "Description")}
    assert links(r, "the Russian foreign minister") == {("person/sergey-lavrov", "Description")}


def test_title_before_a_name_is_not_a_separate_description(find_mentions) -> None:
    r = find_mentions("The Belarusian president Lukashenko spoke.", "2020-09-14")
    assert links(r, "The Belarusian president") == set()
    assert links(r, "Lukashenko") == {("person/alexander-lukashenko", "Name")}


def test_state_capital_and_government_descriptions(find_mentions) -> None:
    r = find_mentions("The Lithuanian side objected. She fled to the Russian capital. "
                      "The Lukashenko government protested.", "2021-01-10")
    assert links(r, "The Lithuanian side") == {("place/lithuania", "Description")}
    assert links(r, "the Russian capital") == {("place/moscow", "Description")}
    assert links(r, "The Lukashenko government") == {("place/belarus", "Metonym")}


def test_capital_as_speaker_and_as_place(find_mentions) -> None:
    r = find_mentions("Minsk said the plan was final. Protesters gathered in Minsk.")
    assert {(m.entity_id, m.kind) for m in r.mentions if m.text == "Minsk"} == {
        ("place/belarus", "Metonym"), ("place/minsk", "Name")}


def test_surname_of_a_discovered_person_is_that_person(find_mentions) -> None:
    r = find_mentions("Prosecutor General Andrei Shved opened a case. Shved later dropped it.")
    assert {m.entity_id for m in r.mentions if m.text in {"Andrei Shved", "Shved"}} == {"person/andrei-shved"}
    assert len([m for m in r.mentions if m.entity_id == "person/andrei-shved"]) == 2


def test_acronym_defined_once_resolves_later(find_mentions) -> None:
    r = find_mentions("The Belarusian Independent Trade Union (BITU) called a strike. "
                      "Weeks later, BITU leaders were detained.")
    ids = {m.entity_id for m in r.mentions if m.text in {"Belarusian Independent Trade Union", "BITU"}}
    assert ids == {"organization/belarusian-independent-trade-union"}
    assert [m.kind for m in r.mentions if m.text == "BITU"] == ["Abbreviation", "Abbreviation"]


def test_acronym_whose_long_form_has_no_cue_is_found_by_its_initials(find_mentions) -> None:
    r = find_mentions("Volunteers of the Zubr Sviatlo Vozera (ZSV) returned. Later ZSV dissolved.")
    ids = {m.entity_id for m in r.mentions if m.text in {"Zubr Sviatlo Vozera", "ZSV"}}
    assert len(ids) == 1
    assert len([m for m in r.mentions if m.text == "ZSV"]) == 2


def test_acronym_not_spelled_by_the_preceding_words_is_not_linked(find_mentions) -> None:
    r = find_mentions("Officials of the Grodno Azot plant (BNK) spoke. BNK declined to comment.")
    assert not [m for m in r.mentions if m.text == "BNK"]


def test_bare_event_noun_resolves_to_the_recent_known_event(find_mentions) -> None:
    text = "Belarus is tense. After the election, Belarus saw mass arrests."
    assert links(find_mentions(text, "2020-08-20"), "the election") == {
        ("event/2020-belarusian-presidential-election", "Description")}
    # five years later the same words denote no known event; without a date nothing is guessed
    assert links(find_mentions(text, "2027-08-20"), "the election") == set()
    assert links(find_mentions(text), "the election") == set()


def test_event_named_by_country_and_noun_resolves_to_the_known_event(find_mentions) -> None:
    r = find_mentions("The Belarusian crisis deepened after the vote.", "2020-10-01")
    hits = links(r, "Belarusian crisis")
    assert len(hits) == 1
    (eid, _kind), = hits
    assert eid.startswith("event/2020")
    assert "belarus" in eid


def test_pronoun_prefers_the_person_named_first_in_its_sentence(find_mentions) -> None:
    r = find_mentions("Lukashenko met Putin in Sochi, where he praised the Union State. Sandu said she would "
                      "not attend. The summit ended. Later her aides flew home.", "2021-02-22")
    anaphors = [(m.text, m.entity_id) for m in r.mentions if m.kind == "Anaphor"]
    assert anaphors == [("he", "person/alexander-lukashenko"), ("she", "person/maia-sandu"),
                        ("her", "person/maia-sandu")]


def test_pronoun_with_no_person_nearby_is_left_alone(find_mentions) -> None:
    r = find_mentions("Putin spoke. The weather changed. Rain fell for days. Nobody knew why he left.")
    assert not [m for m in r.mentions if m.kind == "Anaphor"]
