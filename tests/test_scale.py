"""Corpus scale: gated matching finds what spaCy's Matcher finds, lazy reading, workers, the cache.

The texts are written for these tests (and the own-written articles of tests/data/unseen);
the seed articles are used where ../shared is present.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.matcher import Matcher
from spacy.tokens import Span
from typer.testing import CliRunner

from kg.analysis import Analyser
from kg.cli import app
from kg.config import Settings
from kg.export import write_outputs
from kg.lexicon import heads_of, load_lexicon
from kg.matching import GatedMatcher, _Columns, anchor_of
from kg.pipeline import analyse_articles, build_graph
from kg.records import Article
from kg.resources import load_resources

from .conftest import EXAMPLES, ONTOLOGY, SEEDS

UNSEEN = Path(__file__).parent / "data" / "unseen"

ARTICLES = [
    ("a1", "2021-03-02", "Talks in Minsk\n\nPresident Alexander Lukashenko met Vladimir Putin in Sochi on Monday. "
     "The two leaders agreed to deepen integration within the Union State, the Kremlin said. "
     "Belarus did not recognise Crimea as part of Russia."),
    ("a2", "2021-03-03", "Warsaw responds\n\nPoland condemned the detention of Andrzej Poczobut, a journalist of "
     "the Gazeta Wyborcza newspaper, and said it may expel a Belarusian diplomat. "
     "The European Union imposed new sanctions on Minsk."),
    ("a3", "2021-03-04", "Kyiv and Moscow\n\nUkraine asked Belarus to extradite 28 of the 33 Wagner contractors "
     "detained near Minsk. Russia reportedly provided a loan of $1.5 billion to Belarus."),
    ("a4", "2021-03-05", "Energy\n\nGazprom raised the price of gas for Belarus. The Astravets nuclear power plant, "
     "built by Rosatom, started operating; Lithuania protested and urged the EU to ban its electricity."),
]


def _write_jsonl(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "published": d, "text": t}) + "\n" for i, d, t in rows),
                    encoding="utf-8")
    return path


# ---- gated matching -----------------------------------------------------------------------------


def test_anchor_is_a_mandatory_selective_token_with_the_reach_of_the_pattern() -> None:
    pattern = [{"LOWER": "the", "OP": "?"}, {"LOWER": {"IN": ["new", "old"]}, "OP": "{0,2}"},
               {"LEMMA": {"IN": ["sign", "ink"]}}, {"ORTH": ","}, {"IS_TITLE": True, "OP": "!"}]
    assert anchor_of(pattern) == ("LEMMA", ("sign", "ink"), 3, 2)
    # punctuation and stop words anchor only when nothing better exists
    assert anchor_of([{"ORTH": ","}, {"LOWER": "of"}])[1] in {(",",), ("of",)}
    assert anchor_of([{"ORTH": ","}, {"ENT_TYPE": "City", "OP": "+"}]) == ("ENT_TYPE", ("City",), -1, -1)
    assert anchor_of([{"LOWER": "visit", "OP": "?"}, {"IS_TITLE": True}]) is None  # optional: not an anchor
    assert anchor_of([{"_": {"kg_head": "Event"}}]) is None  # custom attributes: no token array to look up


def _texts() -> list[str]:
    texts = [t for _, _, t in ARTICLES]
    texts += [p.read_text(encoding="utf-8") for p in sorted(UNSEEN.glob("*.txt"))]
    if SEEDS.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return texts


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser(load_resources(ONTOLOGY))


def _pairs(analyser: Analyser) -> Iterator[tuple[str, GatedMatcher, str]]:
    finder = analyser.finder
    yield "relations", analyser.relations.matcher, "relations"
    yield "factuality", analyser.relations.factuality.matcher, "factuality"
    yield "discovery", finder.discoverer.matcher, "discovery"
    yield "locative", finder.locative, "locative"


@pytest.mark.parametrize("name", ["relations", "factuality", "discovery", "locative"])
def test_gated_matcher_finds_exactly_what_spacy_finds(analyser: Analyser, name: str) -> None:
    """Every pattern file of ontology/patterns, run gated and plain on whole articles: the same matches."""
    gated = next(m for n, m, _ in _pairs(analyser) if n == name)
    plain = Matcher(analyser.nlp.vocab)
    greedy = "LONGEST" if name in {"relations", "locative"} else None
    for i, row in enumerate(load_resources(ONTOLOGY).pattern_rows(name)):
        key = {"relations": str(row.get("id")), "locative": f"locative-{i}",
               "factuality": f"factuality-{i}", "discovery": str(row.get("id") or f"discovery-{i}")}[name]
        plain.add(key, [row["pattern"]], greedy=greedy)
    lexicon = load_lexicon(load_resources(ONTOLOGY))
    checked = 0
    for text in _texts():
        doc = lexicon.annotate(analyser.nlp(text))
        want = sorted((doc.vocab.strings[k], s, e) for k, s, e in plain(doc))
        got = sorted((doc.vocab.strings[k], s, e) for k, s, e in gated(doc))
        assert got == want, f"{name}: {set(want) ^ set(got)}"
        aligned = sorted((doc.vocab.strings[k], s, e, a) for k, s, e, a in gated(doc, with_alignments=True))
        assert aligned == sorted((doc.vocab.strings[k], s, e, a) for k, s, e, a in plain(doc, with_alignments=True))
        checked += len(want)
    assert checked >= 5  # the texts exercise the patterns


_WORDS = ["the", "a", "Minsk", "talks", ",", ".", "said", "will", "not", "Belarus", "signs", "signed", "of", "and",
          "12", "EU", "The", "Union", "State", "may", "deal", "deals"]


def _random_element(rng: random.Random, mandatory: bool) -> dict[str, Any]:
    """A pattern element on words, lemmas or flags; ``mandatory`` elements test a word (so they can anchor)."""
    words = rng.sample(_WORDS, rng.choice([1, 1, 2, 4]))
    key = rng.choice(["LOWER", "ORTH", "LEMMA", "NORM"])
    element: dict[str, Any] = {key: words[0] if len(words) == 1 else {"IN": words}}
    if not mandatory:
        element = rng.choice([element, {"IS_TITLE": rng.random() < 0.5}, {"IS_PUNCT": False},
                              {"LOWER": {"NOT_IN": words}}, {}, {"IS_ALPHA": True, key: {"IN": words}},
                              {"IS_SENT_START": rng.random() < 0.5}, {"ENT_IOB": rng.choice(["B", "I", "O"])},
                              {"LOWER": {"REGEX": "^[a-m]"}}])
    if rng.random() < 0.2:
        element["IS_PUNCT"] = rng.random() < 0.3
    if rng.random() < 0.15:  # tests the token arrays hold (sentence starts, IOB tags) and one they do not
        element.update(rng.choice([{"IS_SENT_START": rng.random() < 0.5}, {"ENT_IOB": rng.choice(["B", "I", "O"])},
                                   {"TEXT": {"REGEX": "^[A-Za-m]"}}]))
    return element


def _random_pattern(rng: random.Random) -> list[dict[str, Any]]:
    pattern = []
    anchor = rng.randrange(rng.randint(1, 4))
    for i in range(max(anchor + 1, rng.randint(1, 4))):
        element = _random_element(rng, i == anchor)
        if i != anchor:
            op = rng.choice([None, None, None, "?", "?", "+", "*", "{0,2}", "{1,2}", "{2}", "!"])
            if op is not None:
                element["OP"] = op
        pattern.append(element)
    return pattern


def test_gated_matcher_equals_spacy_on_random_patterns() -> None:
    """Random patterns (fixed words, ``?``, repeats, negations, flags, greedy filters) on random texts: the gated
    matcher, including the patterns it decides on the token arrays without spaCy, finds exactly the Matcher's
    matches and alignments."""
    rng = random.Random(20261122)
    nlp = spacy.blank("en")
    docs = []
    for _ in range(150):
        doc = nlp(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 25))))
        for token in doc:
            token.lemma_ = token.lower_.removesuffix("s") if token.lower_ != "talks" else "talk"
            if token.lower_ == "deal":
                token.norm_ = "agreement"
            token.is_sent_start = token.i == 0  # one sentence: a "+"/"*" side never leaves its sentence
        starts = sorted(rng.sample(range(len(doc)), min(len(doc), rng.randint(0, 4))))
        ends = [*starts[1:], len(doc)] if starts else []
        doc.set_ents([Span(doc, a, min(b, a + rng.randint(1, 3)), label="X")
                      for a, b in zip(starts, ends, strict=True)])
        docs.append(doc)
    for greedy in (None, "LONGEST", "FIRST"):
        gated, plain = GatedMatcher(nlp.vocab), Matcher(nlp.vocab)
        for k in range(60):
            pattern = _random_pattern(rng)
            gated.add(f"k{k}", [pattern], greedy=greedy)
            plain.add(f"k{k}", [pattern], greedy=greedy)
        assert any(g.direct is not None for gates in gated._gates.values() for g in gates)
        assert any(g.direct is None for gates in gated._gates.values() for g in gates)
        assert any(g.checks and g.direct is None for gates in gated._gates.values() for g in gates)
        for doc in docs:
            for alignments in (False, True):
                want = sorted(map(repr, plain(doc, with_alignments=alignments)))
                assert sorted(map(repr, gated(doc, with_alignments=alignments))) == want, (doc.text, greedy)
    # the two greedy filters keep different matches here: "b c" twice, or "b" and "c b c"
    doc = nlp("b c b c")
    pattern = [{"LOWER": {"IN": ["b", "c"]}}, {"LOWER": {"IN": ["c", "b"]}, "OP": "?"}, {"LOWER": "c", "OP": "?"}]
    kept = {}
    for greedy in ("FIRST", "LONGEST"):
        gated, plain = GatedMatcher(nlp.vocab), Matcher(nlp.vocab)
        gated.add("k", [pattern], greedy=greedy)
        plain.add("k", [pattern], greedy=greedy)
        kept[greedy] = sorted(gated(doc))
        assert kept[greedy] == sorted(plain(doc))
    assert kept["FIRST"] != kept["LONGEST"]


def test_joined_matchers_find_what_each_finds() -> None:
    """``GatedMatcher.joined`` reads a Doc once for several matchers: its matches of each matcher's keys are that
    matcher's matches, in the same order, with each key's greedy filter; a key in two matchers is refused."""
    rng = random.Random(7)
    nlp = spacy.blank("en")
    parts = [GatedMatcher(nlp.vocab) for _ in range(3)]
    for i, part in enumerate(parts):
        for k in range(15):
            part.add(f"m{i}k{k}", [_random_pattern(rng)], greedy=rng.choice([None, "LONGEST", "FIRST"]))
    joined = GatedMatcher.joined(nlp.vocab, parts)
    assert joined.added_keys() == [key for part in parts for key in part.added_keys()]
    for _ in range(60):
        doc = nlp(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 25))))
        for token in doc:
            token.lemma_ = token.lower_.removesuffix("s")
        found = joined(doc)
        for part in parts:
            keys = {nlp.vocab.strings[key] for key in part.added_keys()}
            assert [m for m in found if m[0] in keys] == part(doc)
    with pytest.raises(ValueError, match="m0k0"):
        GatedMatcher.joined(nlp.vocab, [parts[0], parts[0]])


def test_gated_matcher_on_a_toy_vocabulary() -> None:
    nlp = spacy.blank("en")
    gm = GatedMatcher(nlp.vocab)
    gm.add("sign", [[{"LOWER": "signed"}, {"IS_TITLE": True, "OP": "+"}]])
    gm.add("pair", [[{"LOWER": "red"}, {"LOWER": "car"}]])
    gm.add("free", [[{"IS_DIGIT": True}, {"IS_DIGIT": True}]])  # no anchor: runs everywhere
    doc = nlp("They signed Big Deal . A red car , 12 34 and red . car")
    found = [(nlp.vocab.strings[k], doc[s:e].text) for k, s, e in gm(doc)]
    assert found == [("sign", "signed Big"), ("sign", "signed Big Deal"), ("pair", "red car"), ("free", "12 34")]
    assert gm(nlp("")) == []


def test_unbounded_sides_reach_over_the_tokens_the_pattern_can_take() -> None:
    """A ``+``/``*`` side runs from the anchor over the tokens one of its elements accepts, not the whole
    sentence; an element the token arrays cannot decide (a regular expression) leaves the sentence."""
    from kg.matching import _Windows

    nlp = spacy.blank("en")
    org = [{"IS_TITLE": True, "OP": "+"}, {"LOWER": "ministry"}, {"LOWER": "of", "OP": "?"},
           {"IS_TITLE": True, "OP": "*"}]
    loose = [{"LOWER": {"REGEX": "^t"}, "OP": "*"}, {"LOWER": "ministry"}]
    gm = GatedMatcher(nlp.vocab)
    gm.add("org", [org], greedy="LONGEST")
    gm.add("loose", [loose])
    doc = nlp("yesterday the Belarusian Foreign Ministry of Defence said so")
    where = _Windows(doc, gm._sides, _Columns(doc))
    assert where(gm._gates["org"][0], [4]) == [(2, 7)]  # "Belarusian Foreign Ministry of Defence"
    assert where(gm._gates["loose"][0], [4]) == [(0, 5)]
    plain = Matcher(nlp.vocab)
    plain.add("org", [org], greedy="LONGEST")
    plain.add("loose", [loose])
    assert sorted(gm(doc)) == sorted(plain(doc))
    assert (nlp.vocab.strings["org"], 2, 7) in gm(doc)


def test_anchors_whose_neighbours_cannot_match_are_skipped() -> None:
    """An anchor is only run where the pattern's other fixed elements can lie next to it: "minister" followed
    by "of" and a capitalised word, not "minister said"; a key left with no such anchor is not run at all."""
    nlp = spacy.blank("en")
    gm = GatedMatcher(nlp.vocab)
    pattern = [{"LOWER": "minister"}, {"LOWER": "of"}, {"IS_TITLE": True, "OP": "+"}]
    gm.add("office", [pattern])
    doc = nlp("the minister said the Minister of Finance and the minister of state left")
    gates = gm._gates["office"]
    assert [(lo, hi) for lo, hi, _ in gates[0].checks] == [(1, 1), (2, 2)]  # anchored on "minister"
    assert [(lo, hi) for lo, hi, _ in gates[1].checks] == [(-1, -1), (1, 1)]  # on "of"
    columns = _Columns(doc)
    # "of" occurs less often; of its two places only the one after "minister" and before "Finance" is kept
    assert gm._fewest(gates, gm._hits(columns)["office"], columns, len(doc), False) == (1, [5])
    assert [doc[s:e].text for _, s, e in gm(doc)] == ["Minister of Finance"]
    assert gm(nlp("the minister said so")) == []


def test_lexicon_classes_are_the_same_when_remembered() -> None:
    """The lexicon remembers each word's classes: annotating again (and another Doc) gives the same codes."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lexicon = load_lexicon(load_resources(ONTOLOGY))
    text = "Deputy Foreign Minister Oleg Kravchenko met the Belarusian Foreign Ministry's envoys in Track-II talks."
    first = [t.norm_ for t in lexicon.annotate(nlp(text))]
    again = lexicon.annotate(nlp(text))
    assert [t.norm_ for t in again] == first
    words = {t.text: (t._.kg_title, t._.kg_head, t._.kg_cap, t._.kg_name) for t in again}
    assert words["Minister"][0] == "noun" and words["Kravchenko"] == ("", "", True, True)
    assert words["Ministry"][1] == "GovernmentBody" and words["met"] == ("", "", False, False)
    assert heads_of(again) == {t.i: t._.kg_head for t in again if t._.kg_head} != {}


def test_lexicon_remembers_a_plural_by_its_lemma() -> None:
    """A plural's head class comes from its lemma, so the same text with another lemma (another pipeline's
    lemmatizer) is worked out again, not taken from what the lexicon remembers for the text."""
    nlp = spacy.blank("en")
    lexicon = load_lexicon(load_resources(ONTOLOGY))

    def heads(lemma: str) -> list[str]:
        doc = nlp("The ministries met the ministries.")
        for tok in doc:
            tok.lemma_ = lemma if tok.text == "ministries" else tok.text
        return [t._.kg_head for t in lexicon.annotate(doc) if t.text == "ministries"]

    for _ in range(2):
        assert heads("ministry") == ["GovernmentBody", "GovernmentBody"]
        assert heads("ministries") == ["", ""]


def test_records_pickle_as_constructor_calls() -> None:
    """The cache pickles records; each comes back equal, derived fields rebuilt (OffsetMap's index)."""
    import pickle

    from kg.records import Claim, Entity, Mention, OffsetMap, Span, TimeValue

    offsets = OffsetMap(((0, 4, 0, 4), (4, 5, 4, 7)))
    records = [offsets, Span(3, 9, "Minsk."), Mention(0, 5, "Minsk", "place/minsk", "Name", (0, 9)),
               Entity("place/minsk", "Minsk", "City", ("Mensk",), "Q2280"),
               TimeValue("2020-08-14", "day", "on Friday", "weekday before the dateline", None, None),
               Claim("place/belarus", "memberOf", "organization/csto", "Positive", "Asserted", "is a member of",
                     Span(0, 30, "Belarus is a member of the CSTO."))]
    for record in records:
        back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == record and type(back) is type(record)
        assert type(record).__reduce__(record)[0] is type(record)
    assert pickle.loads(pickle.dumps(offsets)).to_raw(4, 5) == (4, 7)


# ---- streaming, workers, cache ------------------------------------------------------------------


def test_articles_are_read_lazily_in_batches(tmp_path: Path) -> None:
    from kg.ingest import read_articles

    path = _write_jsonl(tmp_path / "c.jsonl", ARTICLES)
    pulled = []

    def source() -> Iterator[Article]:
        for article in read_articles([path]):
            pulled.append(article.doc_id)
            yield article

    results = analyse_articles(source(), load_resources(ONTOLOGY), Settings(batch_size=1))
    first = next(results)
    assert first.article.doc_id == "a1"
    assert len(pulled) <= 2  # one batch read ahead at most, not the whole corpus
    assert [r.article.doc_id for r in results] == ["a2", "a3", "a4"]


def _outputs(build, out: Path) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    write_outputs(build, out)
    return {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.nq", "report.json")}


def _same_graph(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert a["graph.ttl"] == b["graph.ttl"]
    assert a["graph.nq"] == b["graph.nq"]
    ra, rb = json.loads(a["report.json"]), json.loads(b["report.json"])
    ra["counts"].pop("documents_cached"), rb["counts"].pop("documents_cached")
    assert ra["counts"] == rb["counts"] and ra["documents"] == rb["documents"]


def test_two_workers_give_byte_identical_output(tmp_path: Path) -> None:
    inputs = [str(EXAMPLES), str(_write_jsonl(tmp_path / "c.jsonl", ARTICLES))]
    one = build_graph(inputs, Settings(workers=1, batch_size=2))
    two = build_graph(inputs, Settings(workers=2, batch_size=2))
    assert one.counts["articles"] == two.counts["articles"] >= 5
    assert two.timings["nlp"] > 0  # the workers' stage times come back
    _same_graph(_outputs(one, tmp_path / "one"), _outputs(two, tmp_path / "two"))


def test_cache_skips_unchanged_articles_and_changed_rules_invalidate_it(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "c.jsonl", ARTICLES)
    cache = tmp_path / "cache"
    cold = build_graph([path], Settings(cache_dir=cache))
    assert cold.counts == {"articles": 4, "cached": 0, "analysed": 4}
    import kg.ingest

    parsed = []
    parse = kg.ingest.parse_article
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kg.ingest, "parse_article", lambda *a, **k: parsed.append(k["source"]) or parse(*a, **k))
        warm = build_graph([path], Settings(cache_dir=cache))
    assert warm.counts == {"articles": 4, "cached": 4, "analysed": 0}
    assert parsed == []  # unchanged records are not even parsed again
    _same_graph(_outputs(cold, tmp_path / "cold"), _outputs(warm, tmp_path / "warm"))

    edited = [*ARTICLES[:2], (ARTICLES[2][0], ARTICLES[2][1], ARTICLES[2][2].replace("Ukraine", "Lithuania")),
              ARTICLES[3]]
    _write_jsonl(path, edited)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kg.ingest, "parse_article", lambda *a, **k: parsed.append(k["source"]) or parse(*a, **k))
        again = build_graph([path], Settings(cache_dir=cache))
    assert again.counts == {"articles": 4, "cached": 3, "analysed": 1}
    assert parsed == [f"{path}:3"]
    claims = {(c.subject, c.object) for r in again.results for c in r.claims}
    assert ("place/lithuania", "place/belarus") in claims  # the edit is in the graph, not the cached old text

    # a new alias in the gazetteer: every article is analysed again
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, ontology)
    people = ontology / "gazetteer" / "people.jsonl"
    row = {"id": "person/testa-personova", "name": "Testa Personova", "type": "Person"}
    people.write_text(people.read_text(encoding="utf-8") + json.dumps(row) + "\n", encoding="utf-8")
    changed = build_graph([path], Settings(cache_dir=cache, ontology_dir=ontology))
    assert changed.counts["analysed"] == 4


def test_cache_keys_tell_every_field_and_version_apart() -> None:
    """A string field is hashed as length-prefixed bytes: text moved between neighbouring fields, a string
    standing for a tuple, a lone surrogate or another version each give another key."""
    from dataclasses import replace

    from kg.cache import article_key
    from kg.records import Article, OffsetMap

    base = Article("d", "d", "s", "raw text", "raw text", OffsetMap.identity(8), title="ab", publisher="c")
    variants = [replace(base, title="a", publisher="bc"), replace(base, title=None, publisher="abc"),
                replace(base, authors=("ab",)), replace(base, title="('ab',)"), replace(base, raw="raw text\ud800"),
                replace(base, skip=((0, 1),)), replace(base, url="")]
    keys = {article_key(a, "v1") for a in [base, *variants]}
    assert len(keys) == len(variants) + 1
    assert article_key(base, "v2") not in keys
    assert article_key(replace(base), "v1") == article_key(base, "v1")


def test_offset_map_index_is_made_on_first_use() -> None:
    import pickle

    from kg.records import OffsetMap

    omap = OffsetMap(((0, 4, 0, 4), (4, 5, 4, 7), (5, 9, 9, 13)))
    back = pickle.loads(pickle.dumps(omap, protocol=pickle.HIGHEST_PROTOCOL))
    assert back._starts is None and back == omap and hash(back) == hash(omap)
    assert back.to_raw(2, 7) == (2, 11) and back._starts == (0, 4, 5)
    assert back == omap and repr(back) == repr(omap)


def test_a_broken_cache_file_is_rebuilt_not_fatal(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "c.jsonl", ARTICLES[:2])
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "analysis.sqlite").write_bytes(b"this is not a database" * 100)
    build = build_graph([path], Settings(cache_dir=cache))
    assert build.counts == {"articles": 2, "cached": 0, "analysed": 2}
    assert build_graph([path], Settings(cache_dir=cache)).counts["cached"] == 2


def test_cli_is_quiet_off_a_terminal_and_uses_the_cache(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "c.jsonl", ARTICLES)
    runner = CliRunner()
    args = ["build", str(path), "-o", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "\r" not in first.output and "words/s" not in first.output  # not a tty: no progress line
    quiet = runner.invoke(app, [*args, "--quiet", "--workers", "2"])
    assert quiet.exit_code == 0 and quiet.output == ""
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["documents_cached"] == 4
    assert (tmp_path / "cache").is_dir()
    none = runner.invoke(app, ["build", str(path), "-o", str(tmp_path / "o2"), "--no-cache", "-q"])
    assert none.exit_code == 0
    assert json.loads((tmp_path / "o2" / "report.json").read_text(encoding="utf-8"))["counts"]["documents_cached"] == 0
    bad = runner.invoke(app, [*args, "--workers", "0"])
    assert bad.exit_code == 2


def test_build_store_option_loads_the_dataset_into_an_oxigraph_folder(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "c.jsonl", ARTICLES[:2])
    out, store = tmp_path / "out", tmp_path / "store"
    runner = CliRunner()
    built = runner.invoke(app, ["build", str(path), "-o", str(out), "--store", str(store), "--no-cache"])
    assert built.exit_code == 0, built.output
    assert f"wrote {store}" in built.output
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    in_store = runner.invoke(app, ["query", str(store), count, "--format", "csv"])
    in_file = runner.invoke(app, ["query", str(out / "graph.nq"), count, "--format", "csv"])
    assert in_store.exit_code == 0 and in_file.exit_code == 0, in_store.output + in_file.output
    assert in_store.output == in_file.output
    assert int(in_store.output.split()[-1]) == len((out / "graph.nq").read_text(encoding="utf-8").splitlines())
