"""Factuality of relation mentions: polarity, modality and attribution, on sentences written for the tests.

Each case names a trigger (the relation's verb or noun phrase, found by its words in the
Doc) and optionally its arguments, and asserts (polarity, modality, attributed_to).
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest
import yaml
from spacy.matcher import Matcher

from kg.errors import PatternError
from kg.factuality import CUE_CLASSES, LEXICAL_CLASSES, SCOPES, SEGMENT_KINDS, Factuality, FactualityAnalyzer
from kg.nlp import build_nlp
from kg.resources import load_resources

from .conftest import ONTOLOGY, ROOT, need_gold, need_seeds

LUKASHENKO = "person/alexander-lukashenko"
RUSSIA, BELARUS = "place/russia", "place/belarus"
BASE, GK = "https://geokg.example/", "https://geokg.example/ont#"
POS, NEG = "Positive", "Negative"
ASS, REP, SPEC, HYP = "Asserted", "Reported", "Speculative", "Hypothetical"


@pytest.fixture(scope="module")
def setup():
    res = load_resources(ONTOLOGY)
    nlp = build_nlp(res)
    return res, nlp, FactualityAnalyzer(res, nlp.vocab)


def _find(doc, words: str, nth: int = 0) -> tuple[int, int]:
    """Token range of the ``nth`` whole-word occurrence of ``words`` in the Doc."""
    hits = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", doc.text)]
    assert len(hits) > nth, f"{words!r} not found in {doc.text!r}"
    span = doc.char_span(*hits[nth], alignment_mode="expand")
    return span.start, span.end


@pytest.fixture(scope="module")
def fact(setup):
    _, nlp, analyzer = setup

    def run(text: str, trigger: str, args: tuple[str, ...] = (), nth: int = 0) -> Factuality:
        doc = nlp(text)
        start, end = _find(doc, trigger, nth)
        return analyzer.analyze(doc[start].sent, (start, end), [_find(doc, a) for a in args])

    return run


CASES = [
    # ---- plain facts
    ("The two leaders spoke by phone on Saturday.", "spoke", (), (POS, ASS, None)),
    ("Belarus joined the Collective Security Treaty Organization in 1994.", "joined", (), (POS, ASS, None)),
    ("Belarus has not only joined the CSTO but also signed a customs treaty.", "joined", (), (POS, ASS, None)),
    ("Belarus has not only joined the CSTO but also signed a customs treaty.", "signed", (), (POS, ASS, None)),
    ("No doubt Minsk values its ties with Beijing.", "values", (), (POS, ASS, None)),
    ("Minsk hosted no fewer than 200 Russian instructors last year.", "hosted", (), (POS, ASS, None)),
    # ---- negation
    ("Minsk did not recognize the independence of the two regions.", "recognize", (), (NEG, ASS, None)),
    ("Minsk didn't recognize the independence of the two regions.", "recognize", (), (NEG, ASS, None)),
    ("Belarus never formally recognized the annexation.", "recognized", (), (NEG, ASS, None)),
    ("He no longer trusts the West.", "trusts", (), (NEG, ASS, None)),
    ("Minsk does not want to become a buffer zone.", "want", (), (NEG, ASS, None)),
    ("Minsk does not want to become a buffer zone.", "become", (), (NEG, ASS, None)),
    ("Neither Russia nor Kazakhstan signed the declaration.", "signed", (), (NEG, ASS, None)),
    ("Russia sent no troops to the border region.", "sent", (), (NEG, ASS, None)),
    ("Nobody in Minsk welcomed the proposal.", "welcomed", (), (NEG, ASS, None)),
    ("Belarus joined the customs pact without consulting Kyiv.", "consulting", (), (NEG, ASS, None)),
    ("Belarus joined the customs pact without consulting Kyiv.", "joined", (), (POS, ASS, None)),
    ("Belarus is far from joining the alliance.", "joining", (), (NEG, ASS, None)),
    ("Minsk's security services have little trust in Warsaw.", "trust", (), (NEG, ASS, None)),
    ("Belarus is not a member of the European Union.", "is", (), (NEG, ASS, None)),
    ("Belarus did not recognize Abkhazia and joined the new customs union.", "joined", (), (POS, ASS, None)),
    ("Russia and Belarus signed the accord, which Ukraine did not recognize.", "signed", (), (POS, ASS, None)),
    ("Russia and Belarus signed the accord, which Ukraine did not recognize.", "recognize", (), (NEG, ASS, None)),
    ("Minsk wants cheaper gas from Moscow, but not a common currency.", "wants",
     ("Minsk", "a common currency"), (NEG, ASS, None)),
    ("Minsk wants cheaper gas from Moscow, but not a common currency.", "wants",
     ("Minsk", "cheaper gas from Moscow"), (POS, ASS, None)),
    ("A country with no army joined the alliance.", "joined", ("A country with no army", "the alliance"),
     (POS, ASS, None)),
    ("Russia has yet to recognize the vote.", "recognize", (), (NEG, ASS, None)),
    ("Russia, not Belarus, controls the air base.", "controls", ("Russia", "the air base"), (POS, ASS, None)),
    ("Russia, not Belarus, controls the air base.", "controls", ("Belarus", "the air base"), (NEG, ASS, None)),
    ("Belarus is a member of the CSTO, not NATO.", "member", ("Belarus", "NATO"), (NEG, ASS, None)),
    ("Belarus is a member of the CSTO, not NATO.", "member", ("Belarus", "the CSTO"), (POS, ASS, None)),
    # ---- refusal
    ("Belarus refused to recognize the independence of the two regions.", "recognize", (), (NEG, ASS, None)),
    ("Belarus refused to recognize the independence of the two regions.", "refused to recognize", (), (NEG, ASS, None)),
    ("Belarus refused to recognize the independence of the two regions.", "refused", (), (POS, ASS, None)),
    ("Minsk balked at Moscow's request to recognize the breakaway republics.", "recognize", (), (NEG, ASS, None)),
    ("Minsk stopped short of recognizing the referendum.", "recognizing", (), (NEG, ASS, None)),
    ("Moscow failed to persuade Minsk.", "persuade", (), (NEG, ASS, None)),
    ("The Kremlin ruled out a merger of the two states.", "merger", (), (NEG, ASS, None)),
    ("Lukashenko's refusal to recognize Crimea annoyed Moscow.", "recognize", (), (NEG, ASS, None)),
    ("The proposal to recognize Crimea was rejected.", "recognize", (), (NEG, ASS, None)),
    ("The opposition candidate was denied registration.", "registration", (), (NEG, ASS, None)),
    ("Minsk did not refuse to recognize the election result.", "recognize", (), (POS, ASS, None)),
    # ---- speculative
    ("Russia might send troops to the border.", "send", (), (POS, SPEC, None)),
    ("Russia might not send troops to the border.", "send", (), (NEG, SPEC, None)),
    ("Russia will probably send military advisers.", "send", (), (POS, SPEC, None)),
    ("It seems that Moscow has lost patience with Minsk.", "lost", (), (POS, SPEC, None)),
    ("It looks like Kazakhstan is drifting towards Beijing.", "drifting", (), (POS, SPEC, None)),
    ("Apparently, the negotiations in Minsk collapsed.", "collapsed", (), (POS, SPEC, None)),
    ("In hindsight, the border closure can be read as a warning to Vilnius.", "read", (), (POS, SPEC, None)),
    ("Russia's alleged interference in the election angered Minsk.", "interference", (), (POS, SPEC, None)),
    ("Russia's alleged interference in the election angered Minsk.", "angered",
     ("Russia's alleged interference in the election", "Minsk"), (POS, ASS, None)),
    ("Belarus detained 25 suspected saboteurs.", "detained", (), (POS, ASS, None)),
    ("Russia reportedly moved troops to the border.", "moved", (), (POS, SPEC, None)),
    ("I think NATO is preparing an attack on Belarus.", "preparing", (), (POS, SPEC, None)),
    ("Moscow would most probably extend another loan.", "extend", (), (POS, SPEC, None)),
    ("Minsk has little choice but to sign the gas contract.", "sign", (), (POS, SPEC, None)),
    ("Russia does not seem to care about the protests.", "care", (), (NEG, SPEC, None)),
    ("There is no evidence that Russia sent troops.", "sent", (), (POS, SPEC, None)),
    ("Putin and Lukashenko are expected to meet next week.", "meet", (), (POS, SPEC, None)),
    # ---- unlikely, impossible
    ("It is unlikely that Russia will send troops.", "send", (), (NEG, SPEC, None)),
    ("Russia is unlikely to send troops.", "send", (), (NEG, SPEC, None)),
    ("An armed clash between Minsk and Warsaw is unlikely.", "clash", (), (NEG, SPEC, None)),
    ("It is not unlikely that Russia will send troops.", "send", (), (POS, SPEC, None)),
    ("Minsk and Beijing formed an unlikely partnership.", "formed", (), (POS, ASS, None)),
    ("It is impossible to deepen the union any further.", "deepen", (), (NEG, ASS, None)),
    ("It is not impossible that Minsk will accept the offer.", "accept", (), (POS, SPEC, None)),
    # ---- hypothetical
    ("If NATO attacked Belarus, Russia would respond.", "attacked", (), (POS, HYP, None)),
    ("If NATO attacked Belarus, Russia would respond.", "respond", (), (POS, HYP, None)),
    ("Russia will respond if NATO attacks Belarus.", "respond", (), (POS, HYP, None)),
    ("Unless Moscow pays, Minsk will halt the oil transit.", "halt", (), (POS, HYP, None)),
    ("It is unclear whether Russia will send troops.", "send", (), (POS, HYP, None)),
    ("Should NATO strike Belarus, Russia would intervene.", "strike", (), (POS, HYP, None)),
    ("Were Russia to annex Belarus, the West would impose sanctions.", "annex", (), (POS, HYP, None)),
    ("In the worst-case scenario, Russia annexes Belarus.", "annexes", (), (POS, HYP, None)),
    ("In a perfect world, Belarus stays neutral.", "stays", (), (POS, HYP, None)),
    ("A Russian base in Belarus would have provoked a crisis with Poland.", "provoked", (), (POS, HYP, None)),
    ("If the talks fail, Russia would not supply the loan.", "supply", (), (NEG, HYP, None)),
    ("If Minsk asks, which it rarely does, Moscow will send help.", "send", (), (POS, HYP, None)),
    ("The EU urged Belarus to release the prisoners.", "release", (), (POS, HYP, None)),
    ("Russia should withdraw its troops from the border.", "withdraw", (), (POS, HYP, None)),
    ("As long as Lukashenko stays in power, Belarus will stay close to Moscow.", "stay", (), (POS, HYP, None)),
    ("The EU urged Belarus to release the prisoners.", "urged", (), (POS, ASS, None)),
    # ---- future and intent (asserted; the cue is recorded)
    ("Belarus will host the summit in June.", "host", (), (POS, ASS, None)),
    ("Belarus wants to join the Eurasian Economic Union.", "join", (), (POS, ASS, None)),
    # ---- reported
    ("Lukashenko said that Russia had agreed to help.", "agreed", (), (POS, REP, LUKASHENKO)),
    ("Lukashenko, however, said Russia had agreed to help.", "agreed", (), (POS, REP, LUKASHENKO)),
    ("Russia has agreed to help, Lukashenko said on Sunday.", "agreed", (), (POS, REP, LUKASHENKO)),
    ("Lukashenko said that Russia would help.", "help", (), (POS, REP, LUKASHENKO)),
    ("Lukashenko said Russia would help if NATO attacked.", "help", (), (POS, HYP, LUKASHENKO)),
    ("According to the Kremlin, the leaders discussed security.", "discussed", (), (POS, REP, "place/russia")),
    ("The summit, according to Minsk, produced an agreement.", "produced", (), (POS, REP, "place/belarus")),
    ("Kyiv accused Moscow of annexing Crimea.", "accused", (), (POS, ASS, None)),
    ("Kyiv accused Moscow of annexing Crimea.", "annexing", (), (POS, REP, "place/ukraine")),
    ('The minister warned: "We will respond."', "respond", (), (POS, REP, None)),
    ('"We will respond," the minister said.', "respond", (), (POS, REP, None)),
    ('Lukashenko was blunt: "Belarus will join no union with Russia."', "join", (), (NEG, REP, LUKASHENKO)),
    ("Moscow denied that its troops had crossed the border.", "crossed", (), (NEG, REP, "place/russia")),
    ("Lukashenko met reporters on Monday. He said that Moscow had promised new loans.", "promised", (),
     (POS, REP, LUKASHENKO)),
    ("Minsk fears that Warsaw will try to stir up unrest.", "stir", (), (POS, REP, "place/belarus")),
    ("Lukashenko complained about Moscow raising the price of gas.", "raising", (), (POS, REP, LUKASHENKO)),
    ('Lukashenko told reporters that full unification with Russia was "impossible".', "unification", (),
     (NEG, REP, LUKASHENKO)),
    ("Diplomats stated that the border treaty was signed in 2010, but ratified only in 2015.", "ratified", (),
     (POS, REP, None)),
    ('"I think the West wants to topple me," Lukashenko said.', "wants", (), (POS, REP, LUKASHENKO)),
    ("It is said that Russia paid for the pipeline.", "paid", (), (POS, SPEC, None)),
    ("Russia is said to have paid for the pipeline.", "paid", (), (POS, SPEC, None)),
    ("Moscow rejected claims that it had funded the protests.", "funded", (), (NEG, REP, "place/russia")),
    ("Minsk officially denied any involvement in the plot.", "involvement", (), (NEG, REP, "place/belarus")),
    ("Opposition leaders claim the vote was rigged.", "rigged", (), (POS, REP, None)),
    ("Lukashenko hinted that Minsk might recognize Crimea.", "recognize", (), (POS, REP, LUKASHENKO)),
    ("To quote Lukashenko, the union is a partnership of equals.", "is", (), (POS, REP, LUKASHENKO)),
    # ---- one case at least for every cue row of factuality.jsonl (test_every_cue_row_is_exercised)
    ("Minsk can't any longer rely on Moscow.", "rely", (), (NEG, ASS, None)),
    ("No one in Vilnius expected the border closure.", "expected", (), (NEG, ASS, None)),
    ("Minsk bought Chinese rockets instead of buying Russian ones.", "buying", (), (NEG, ASS, None)),
    ("Belarus was unable to repay the Russian loan.", "repay", (), (NEG, ASS, None)),
    ("Minsk declined to join the Three Seas Initiative.", "join", (), (NEG, ASS, None)),
    ("Minsk rejected sending troops.", "sending", (), (NEG, ASS, None)),
    ("Minsk rejected sending troops.", "rejected", (), (POS, ASS, None)),
    ("The summit fell short of producing a joint statement.", "producing", (), (NEG, ASS, None)),
    ("Minsk refrained from recognizing the referendum.", "recognizing", (), (NEG, ASS, None)),
    ("Belarus avoided recognizing Crimea.", "recognizing", (), (NEG, ASS, None)),
    ("Minsk balked at Moscow's request to host an air base.", "request", (), (POS, ASS, None)),
    ("A merger of Belarus and Russia is out of the question.", "merger", (), (NEG, ASS, None)),
    ("An alliance with NATO is not possible for Minsk.", "alliance", (), (NEG, ASS, None)),
    ("Russia could send troops to Belarus.", "send", (), (POS, SPEC, None)),
    ("Minsk may join the union.", "join", (), (POS, SPEC, None)),
    ("Moscow must have approved the deal.", "approved", (), (POS, SPEC, None)),
    ("Minsk appears to have cancelled the contract.", "cancelled", (), (POS, SPEC, None)),
    ("It is more than likely that Minsk signed the deal.", "signed", (), (POS, SPEC, None)),
    ("A new gas deal is quite likely.", "deal", (), (POS, SPEC, None)),
    ("Belarus will likely join the union.", "join", (), (POS, SPEC, None)),
    ("Essentially, Belarus rules out a Russian base.", "base", (), (NEG, SPEC, None)),
    ("Poland allegedly funds the Belarusian opposition.", "funds", (), (POS, SPEC, None)),
    ("Border guards held 30 suspected smugglers.", "smugglers", (), (POS, SPEC, None)),
    ("Brussels discussed potential sanctions against Minsk.", "sanctions", (), (POS, SPEC, None)),
    ("In all likelihood, Kyiv will expel the envoy.", "expel", (), (POS, SPEC, None)),
    ("Probably, Russia will send troops.", "send", (), (POS, SPEC, None)),
    ("In my view, Minsk betrayed its partners.", "betrayed", (), (POS, SPEC, None)),
    ("There is a chance that Poland closes the border.", "closes", (), (POS, SPEC, None)),
    ("Chances are Lithuania expels the diplomats.", "expels", (), (POS, SPEC, None)),
    ("It looks as if Minsk is moving closer to Moscow.", "moving", (), (POS, SPEC, None)),
    ("Is Minsk drifting towards Beijing?", "drifting", (), (POS, SPEC, None)),
    ("The return of the men (perhaps a trade?) pleased Moscow.", "pleased", (), (POS, ASS, None)),
    ("Whether or not Russia pays, Minsk will sign.", "pays", (), (POS, HYP, None)),
    ("In case Moscow cuts the gas, Minsk will turn to Warsaw.", "cuts", (), (POS, HYP, None)),
    ("Provided that Moscow pays, Minsk will sign.", "pays", (), (POS, HYP, None)),
    ("Minsk will sign on condition that Moscow cuts the price.", "cuts", (), (POS, HYP, None)),
    ("In the event that NATO attacks, Russia will defend Belarus.", "attacks", (), (POS, HYP, None)),
    ("Were Belarus a member of NATO, Moscow would protest.", "member", (), (POS, HYP, None)),
    ("Had Moscow paid, Minsk would have joined.", "joined", (), (POS, HYP, None)),
    ("Imagine Belarus joining NATO.", "joining", (), (POS, HYP, None)),
    ("In theory, Belarus can leave the union.", "leave", (), (POS, HYP, None)),
    ("Moscow must pay; otherwise Minsk will seek other partners.", "seek", (), (POS, HYP, None)),
    ("The EU called on Minsk to free the prisoners.", "free", (), (POS, HYP, None)),
    ("The opposition called for new elections.", "elections", (), (POS, HYP, None)),
    ("Russia is going to build a new air base.", "build", (), (POS, ASS, None)),
    ("Minsk is ready to host the talks.", "host", (), (POS, ASS, None)),
    ("Lukashenko described the protests as a foreign plot.", "plot", (), (POS, REP, LUKASHENKO)),
    ("Russia will help, Lukashenko added.", "help", (), (POS, REP, LUKASHENKO)),
    ("Analysts doubt that Russia will send troops.", "send", (), (NEG, REP, None)),
    ("The Kremlin issued a denial that troops had crossed the border.", "crossed", (), (NEG, REP, RUSSIA)),
    ("Lukashenko denied meeting the envoy.", "meeting", (), (NEG, REP, LUKASHENKO)),
    ("Lukashenko went on to state that Russia was a partner.", "partner", (), (POS, REP, LUKASHENKO)),
    ("In the words of Lukashenko, Russia is an elder brother.", "is", (), (POS, REP, LUKASHENKO)),
    ("As reported by Belarusian state media, Putin called Lukashenko.", "called", (), (POS, REP, BELARUS)),
    # ---- the report verbs of ONTOLOGY.md §4.3, and speakers that are no entity
    ("Lukashenko revealed that Moscow had offered a loan.", "offered", (), (POS, REP, LUKASHENKO)),
    ("Lithuania announced that it would expel two Russian diplomats.", "expel", (), (POS, REP, "place/lithuania")),
    ("Lukashenko told reporters that Russia would help.", "help", (), (POS, REP, LUKASHENKO)),
    ("Lukashenko claimed that NATO was massing troops.", "massing", (), (POS, REP, LUKASHENKO)),
    ("Warsaw warned that Russian troops were gathering near Grodno.", "gathering", (), (POS, REP, "place/poland")),
    ("The Kremlin's statement mentioned that the presidents had discussed security.", "discussed", (),
     (POS, REP, RUSSIA)),
    ("According to the Kremlin's statement, Putin promised support to Minsk.", "promised", (), (POS, REP, RUSSIA)),
    ("The Kremlin said in a statement that Putin had called Lukashenko.", "called", (), (POS, REP, RUSSIA)),
    ("Officials said the talks went well.", "talks", (), (POS, REP, None)),
    ("Russia is believed to have moved troops.", "moved", (), (POS, SPEC, None)),
]


@pytest.mark.parametrize(("text", "trigger", "args", "expected"), CASES,
                         ids=[f"{i:02d}-{c[1].replace(' ', '_')}" for i, c in enumerate(CASES)])
def test_factuality(fact, text, trigger, args, expected):
    got = fact(text, trigger, args)
    assert (got.polarity, got.modality, got.attributed_to) == expected, got.cues


def test_every_cue_row_is_exercised(setup, fact):
    """Each cue row of factuality.jsonl (BLOCK rows aside) fires in at least one case above."""
    res, _, _ = setup
    fired = {cue for text, trigger, args, _ in CASES for cue in fact(text, trigger, args).cues}
    rows = {row["id"] for row in res.pattern_rows("factuality") if row["label"] in CUE_CLASSES
            and row["label"] != "BLOCK"}
    assert rows - fired == set()


BASES = [  # (subject, past tense, bare infinitive): clauses of a relation, to be wrapped
    ("Minsk", "recognized the referendum", "recognize the referendum"),
    ("Russia", "sent troops to the border", "send troops to the border"),
    ("Lithuania", "expelled two Belarusian diplomats", "expel two Belarusian diplomats"),
    ("Poland", "closed the border crossing", "close the border crossing"),
    ("Kyiv", "recalled its ambassador from Minsk", "recall its ambassador from Minsk"),
]
WRAPPERS = [  # (template, which verb form, expected modality)
    ("If {s} {past}, the crisis would deepen.", "past", HYP),
    ("{s} would {base} if Moscow asked.", "base", HYP),
    ("Unless Moscow pays, {s} will {base}.", "base", HYP),
    ("In a different world, {s} {past}.", "past", HYP),
    ("{s} might {base}.", "base", SPEC),
    ("{s} could {base}.", "base", SPEC),
    ("{s} may {base}.", "base", SPEC),
    ("{s} probably {past}.", "past", SPEC),
    ("{s} reportedly {past}.", "past", SPEC),
    ("{s} allegedly {past}.", "past", SPEC),
    ("It looks like {s} {past}.", "past", SPEC),
    ("It seems that {s} {past}.", "past", SPEC),
    ("Essentially, {s} {past}.", "past", SPEC),
    ("{s} is likely to {base}.", "base", SPEC),
    ("Lukashenko said that {s} {past}.", "past", REP),
    ("{s} {past}, the Kremlin said.", "past", REP),
    ("According to Warsaw, {s} {past}.", "past", REP),
    ("Officials told reporters that {s} {past}.", "past", REP),
    ("Lukashenko claimed that {s} {past}.", "past", REP),
    ("Lukashenko revealed that {s} {past}.", "past", REP),
    ("Warsaw warned that {s} {past}.", "past", REP),
    ("Vilnius announced that {s} {past}.", "past", REP),
    ("The Kremlin's statement said that {s} {past}.", "past", REP),
]


@pytest.mark.parametrize(("template", "form", "modality"), WRAPPERS, ids=[w[0] for w in WRAPPERS])
def test_conditional_hedged_or_reported_claims_are_never_asserted(fact, template, form, modality):
    for subject, past, base in BASES:
        verb = past if form == "past" else base
        text = template.format(s=subject, past=past, base=base)
        text = text[0].upper() + text[1:]
        got = fact(text, verb.split()[0], (subject,))
        assert got.modality == modality, (text, got)


def test_enough_cases_cover_every_cue_class():
    assert len(CASES) >= 40
    assert {e[1] for *_, e in CASES} == {ASS, REP, SPEC, HYP}


def test_speaker_text_of_a_website_is_the_whole_phrase(fact):
    f = fact("On Sunday the official Kremlin website reported that the two sides had agreed on a gas price.",
             "agreed")
    assert (f.modality, f.attributed_to, f.attributed_text) == (REP, "place/russia", "the official Kremlin website")


def test_speaker_without_entity_is_kept_as_text(fact):
    f = fact('The minister warned: "We will respond."', "respond")
    assert f.attributed_text == "The minister" and f.attributed_to is None


def test_author_belief_has_no_attribution(fact):
    f = fact("We believe that the sanctions failed.", "failed")
    assert (f.modality, f.attributed_to, f.attributed_text) == (SPEC, None, None)
    assert "author" in f.cues


def test_quotation_carried_over_from_the_previous_sentence(fact):
    text = 'Lukashenko said on Friday that "the union is a partnership of equals. Belarus will not give up its army."'
    f = fact(text, "give")
    assert (f.polarity, f.modality, f.attributed_to) == (NEG, REP, LUKASHENKO)


def test_cues_explain_the_decision(fact):
    assert "intent/want-to" in fact("Belarus wants to join the Eurasian Economic Union.", "join").cues
    assert "future/will" in fact("Belarus will host the summit in June.", "host").cues
    not_unlikely = fact("It is not unlikely that Russia will send troops.", "send").cues
    assert "negation/particle" in not_unlikely and "unlikely/adjective" in not_unlikely


def test_same_doc_is_indexed_once(setup):
    _, nlp, analyzer = setup
    doc = nlp("Russia might send troops. Minsk did not recognize the two regions.")
    first = analyzer.analyze(doc[0].sent, _find(doc, "send"))
    index = analyzer._cache
    second = analyzer.analyze(doc[6].sent, _find(doc, "recognize"))
    assert analyzer._cache is index
    assert (first.modality, second.polarity) == (SPEC, NEG)


# ---- the data file --------------------------------------------------------------------------


def test_every_row_is_a_valid_matcher_pattern(setup):
    res, nlp, _ = setup
    rows = res.pattern_rows("factuality")
    assert len(rows) > 50
    for i, row in enumerate(rows):
        Matcher(nlp.vocab, validate=True).add(f"row-{i}", [row["pattern"]])
        assert row["label"] in CUE_CLASSES or row["label"] in LEXICAL_CLASSES, row
        assert set(row.get("blocks", [])) <= set(SEGMENT_KINDS), row
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "row ids must be unique"


@pytest.mark.parametrize(("bad", "message"), [
    ({"label": "NEGATION", "id": "bad", "pattern": [{"LOWERR": "not"}]}, "invalid Matcher pattern"),
    ({"label": "NEGATOIN", "id": "bad", "pattern": [{"LOWER": "not"}]}, "unknown label"),
    ({"label": "HEDGE", "id": "bad", "pattern": [{"LOWER": "maybe"}], "scope": "everywhere"}, "unknown scope"),
    ({"label": "HEDGE", "id": "bad", "pattern": [{"LOWER": "maybe"}], "window": -1}, "'window'"),
    ({"label": "BOUNDARY", "id": "bad", "pattern": [{"ORTH": ";"}], "blocks": ["everything"]}, "'blocks'"),
    ({"label": "HEDGE", "id": "bad"}, "invalid Matcher pattern"),
    ({"label": "HEDGE", "id": "bad", "pattern": [{"ORTH": "?"}], "final": "yes"}, "'final'"),
])
def test_bad_row_names_file_and_row(setup, bad, message):
    res, nlp, _ = setup
    rows = res.pattern_rows("factuality")
    broken = dataclasses.replace(res, patterns={**res.patterns, "factuality": [*rows, bad]})
    with pytest.raises(PatternError) as err:
        FactualityAnalyzer(broken, nlp.vocab)
    text = str(err.value)
    assert "factuality.jsonl" in text and f"row {len(rows) + 1}" in text and message in text


def test_no_cue_words_in_python():
    """Cue words live in the data file only: no string constant of the module is one of them."""
    res = load_resources(ONTOLOGY)
    words: set[str] = set()
    for row in res.pattern_rows("factuality"):
        if row["label"] in LEXICAL_CLASSES:
            continue
        for tok in row["pattern"]:
            for key in ("LOWER", "ORTH", "LEMMA"):
                value = tok.get(key)
                values = value.get("IN", []) if isinstance(value, dict) else [value]
                words.update(v for v in values if isinstance(v, str) and v.isalpha())
    words -= {*SCOPES, *SEGMENT_KINDS, "label", "id", "pattern", "window", "blocks", "modal"}  # schema, not cues
    for name in ("factuality.py", "factuality_scope.py"):
        tree = ast.parse((ROOT / "kg" / name).read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        constants = {n.value for n in ast.walk(tree)
                     if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings}
        assert not constants & words, name


# ---- the seed articles (read at run time, never copied) ---------------------------------------


def test_seed_relations_agree_with_the_gold(setup):
    """Locate each gold relation's trigger by the first content word of its predicate and compare.

    The floor guards against regressions; the mismatches left are mostly discourse-level hedges
    (a whole section hedged by the author) and triggers this crude locator picks wrongly.
    """
    from kg.ingest import load_file

    seeds, gold = need_seeds(), yaml.safe_load(need_gold().read_text(encoding="utf-8"))
    _, nlp, analyzer = setup
    agree, total, wrong = 0, 0, []
    for doc_gold in gold["documents"]:
        text = load_file(seeds / Path(doc_gold["source_file"]).name)[0].text
        doc = nlp(text)
        for rel in doc_gold["relations"]:
            evidence = " ".join((rel.get("evidence_clean") or rel["evidence"]).split())
            begin = text.find(evidence[:40])
            words = [w for w in re.findall(r"[A-Za-z]+", rel["predicate"]) if len(w) > 3]
            if begin < 0 or not words:
                continue
            stem = words[0].lower()[:5]
            toks = [t for t in doc if begin <= t.idx < begin + len(evidence) and t.lower_.startswith(stem)]
            if not toks:
                continue
            f = analyzer.analyze(toks[0].sent, (toks[0].i, toks[0].i + 1))
            expected = (rel["polarity"].capitalize(), rel["modality"].capitalize())
            ok = (f.polarity, f.modality) == expected and (
                expected[1] != REP or rel.get("attributed_to") in (None, f.attributed_to))
            total += 1
            agree += ok
            wrong += [] if ok else [(rel["id"], expected, (f.polarity, f.modality), f.cues)]
    assert total >= 60
    assert agree / total >= 0.8, wrong


# ---- the whole pipeline: no direct (truthy) triple from a negated, hedged, conditional or reported claim ----

NOT_TRUTHY = [  # (text, polarity, modality) of the claims the sentence gives
    ("If Ukraine joined NATO, Russia would respond.", POS, HYP),
    ("Were Belarus a member of NATO, Moscow would protest.", POS, HYP),
    ("Belarus would recognize Abkhazia if Moscow paid.", POS, HYP),
    ("Ukraine might join NATO next year.", POS, SPEC),
    ("Belarus is probably a member of the CSTO.", POS, SPEC),
    ("Belarus essentially recognized Crimea as part of Russia.", POS, SPEC),
    ("Lukashenko said that Belarus had joined the Eurasian Economic Union.", POS, REP),
    ("Lukashenko claimed that Poland supports the Three Seas Initiative.", POS, REP),
    ("Belarus is unlikely to join NATO.", NEG, SPEC),
    ("Minsk declined to recognize Abkhazia.", NEG, ASS),
    ("Minsk has never recognized Crimea as part of Russia.", NEG, ASS),
    ("Belarus is no longer a member of the CIS.", NEG, ASS),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from kg.config import Settings
    from kg.pipeline import build_graph

    folder = tmp_path_factory.mktemp("fact")
    rows = [{"id": f"f{i:02d}", "text": text, "published": "2020-08-17"} for i, (text, *_) in enumerate(NOT_TRUTHY)]
    rows.append({"id": "control", "text": "Kazakhstan is a member of the CSTO.", "published": "2020-08-17"})
    (folder / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return build_graph([str(folder / "articles.jsonl")], Settings())


def test_pipeline_writes_no_truthy_triple_for_unasserted_claims(built):
    from kg.rdf import is_truthy

    truthy = built.resources.truthy
    by_doc = {r.article.doc_id: r for r in built.results}
    claims = [(c, expected) for i, (_, *expected) in enumerate(NOT_TRUTHY) for c in by_doc[f"f{i:02d}"].claims]
    assert len({c.evidence.text for c, _ in claims}) >= 8, "too few sentences gave a claim to test anything"
    for c, expected in claims:
        assert not is_truthy(c, truthy), c
        assert [c.polarity, c.modality] == expected, c
    direct = {(str(s), str(p), str(o)) for _, s, p, o in built.graph.quads if str(p).startswith(GK)}
    for c, _ in claims:
        assert (f"{BASE}id/{c.subject}", f"{GK}{c.predicate}", f"{BASE}id/{c.object}") not in direct, c
    [control] = by_doc["control"].claims
    assert is_truthy(control, truthy)
    assert (f"{BASE}id/{control.subject}", f"{GK}{control.predicate}", f"{BASE}id/{control.object}") in direct


def test_pipeline_attributes_reported_claims(built):
    [claim] = [c for r in built.results if "had joined" in r.article.text for c in r.claims]
    assert (claim.modality, claim.attributed_to, claim.attributed_text) == (REP, LUKASHENKO, "Lukashenko")
    node_props = {(str(p), str(o)) for _, s, p, o in built.graph.quads if str(p) == f"{GK}attributedTo"}
    assert (f"{GK}attributedTo", f"{BASE}id/{LUKASHENKO}") in node_props


def test_quote_spans_read_from_the_token_strings_as_from_the_tokens(setup) -> None:
    """``quote_spans`` reads the shared token strings; it must find what a walk over the Tokens finds (a
    whitespace token with a blank line closes a quotation, as ``Token.is_space`` tells)."""
    from kg.factuality_scope import CLOSE_QUOTES, OPEN_QUOTES, quote_spans

    def by_tokens(doc):
        spans, opened = [], None
        for tok in doc:
            paragraph = tok.is_space and tok.text.count("\n") >= 2
            if opened is not None and (paragraph or tok.text in CLOSE_QUOTES or tok.text == '"'):
                spans.append((opened, tok.i))
                opened = None
            elif tok.text in OPEN_QUOTES or tok.text == '"':
                opened = tok.i
        return spans + ([(opened, len(doc))] if opened is not None else [])

    nlp = setup[1]
    texts = ['He said "we will act" and left.', "«Non» and „ja“ — “yes”.\n\n“Open one\n\nstill\n \n\t\nmore",
             'A "b\n\nc" d "e', "x\u00a0\n\n\u00a0y “z", ""]
    found = 0
    for text in texts:
        doc = nlp(text)
        assert quote_spans(doc) == by_tokens(doc), text
        found += len(by_tokens(doc))
    assert found >= 5  # the texts do hold quotations
