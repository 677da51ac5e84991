"""The spaCy pipeline: sentence boundaries on messy formatting, lemmas, an installed model's wiring."""

from __future__ import annotations

import pytest
import spacy

from kg.errors import InputError
from kg.nlp import GAZETTEER_KEY, build_nlp, parse
from kg.resources import load_resources

from .conftest import EXAMPLES, ONTOLOGY


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(load_resources(ONTOLOGY))


def sents(nlp, text):
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def test_headings_and_paragraphs_are_sentences(nlp):
    text = "A Heading Without Punctuation\n\nThe first sentence. The second one!\n\nAnother Heading\n\nText."
    assert sents(nlp, text) == ["A Heading Without Punctuation", "The first sentence.", "The second one!",
                                "Another Heading", "Text."]


def test_hard_wrapped_lines_stay_one_sentence(nlp):
    text = "Belarus and Russia agreed on a new\nroad map for the Union State, officials said.\n"
    assert sents(nlp, text) == ["Belarus and Russia agreed on a new\nroad map for the Union State, officials said."]


def test_closing_quote_stays_with_its_sentence(nlp):
    text = 'He said "we will never accept it." Then he left.'
    assert sents(nlp, text) == ['He said "we will never accept it."', "Then he left."]


def test_sentence_marks_are_punctuation_tokens():
    """kg_sentences only looks at whitespace and punctuation tokens: every mark it reacts to must be one."""
    from spacy.lang.lex_attrs import is_punct

    from kg.nlp import _CLOSING, _TERMINAL

    assert all(is_punct(mark) for mark in _TERMINAL | _CLOSING)


def test_abbreviations_do_not_split(nlp):
    assert len(sents(nlp, "The U.S. envoy met Mr. Makei in Minsk.")) == 1


def test_lookup_lemmas(nlp):
    doc = nlp("Belarus returned the detained mercenaries.")
    assert [t.lemma_ for t in doc][1:5] == ["return", "the", "detain", "mercenary"]


def test_array_lemmatizer_gives_spacys_lookup_lemmas(nlp):
    """Our lemmatizer remembers a lemma per word and writes arrays; spaCy's looks each token up. Same lemmas,
    on a first and on a repeated pass (the remembered ones), and a lemma already set is kept."""
    import warnings

    from kg.lemmas import ArrayLemmatizer

    ref = spacy.blank("en")
    ref.add_pipe("lemmatizer", config={"mode": "lookup"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.initialize()
    ours = nlp.get_pipe("lemmatizer")
    assert isinstance(ours, ArrayLemmatizer)
    text = ("The ministries were negotiating; talks broke down as troops massed and leaders met, "
            "while the Presidents' envoys said they'd been meeting in Minsk. 32 men were detained.")
    for _ in range(2):
        got = ours(nlp.make_doc(text))
        want = ref.get_pipe("lemmatizer")(ref.make_doc(text))
        assert [t.lemma_ for t in got] == [t.lemma_ for t in want]
    assert {t.text: t.lemma_ for t in got}["ministries"] == "ministry"
    doc = nlp.make_doc("troops massed")
    doc[0].lemma_ = "soldier"
    assert [t.lemma_ for t in ours(doc)] == ["soldier", "mass"]
    assert ours(nlp.make_doc("")).text == ""


def test_gazetteer_sets_entities_with_ids(nlp):
    doc = nlp("The Collective Security Treaty Organization and NATO held exercises near Poland.")
    assert [(e.text, e.label_, e.id_) for e in doc.ents] == [
        ("Collective Security Treaty Organization", "MilitaryAlliance",
         "organization/collective-security-treaty-organization"),
        ("NATO", "MilitaryAlliance", "organization/north-atlantic-treaty-organization"),
        ("Poland", "Country", "place/poland"),
    ]


def test_installed_pipeline_gets_our_ruler_before_its_ner(tmp_path):
    model = spacy.blank("en")
    model.add_pipe("ner")
    model.initialize()
    model.to_disk(tmp_path / "model")
    nlp = build_nlp(load_resources(ONTOLOGY), str(tmp_path / "model"))
    names = nlp.pipe_names
    assert names.index(GAZETTEER_KEY) < names.index("ner")
    doc = nlp("Belarus is a member of the CSTO.")
    assert {e.id_ for e in doc.ents if e.id_} >= {"place/belarus"}


def test_missing_model_is_a_clear_input_error():
    with pytest.raises(InputError, match="not installed"):
        build_nlp(load_resources(ONTOLOGY), "no_such_model_xyz")


def test_doc_words_are_the_token_texts_lower_case_forms_and_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    """``doctext.words`` reads strings through a memo shared by all Docs; it must give what the tokens say,
    also after the memo is cleared at its limit."""
    from kg import doctext

    monkeypatch.setattr(doctext, "_MAX_STRINGS", 5)
    nlp = spacy.blank("en")
    for text in ["Łukaszenka met ÖSTERREICH's envoy in Minsk.", "  Two\n\nlines, İstanbul and ǅemal. ", ""]:
        doc = nlp(text)
        got = doctext.words(doc)
        assert got.text == [t.text for t in doc]
        assert got.lower == [t.lower_ for t in doc]
        assert got.idx == [t.idx for t in doc]
        assert not doc or len(doctext._STRINGS) <= 5 + 2 * len(doc)


def test_cached_sentence_edges_equal_recomputed_ones(nlp) -> None:
    """``kg_sentences`` leaves each sentence's first and last non-whitespace token on the Doc; they must be what
    the Doc's sentences and whitespace give, and be worked out again once the sentence starts change."""
    import numpy
    from spacy.attrs import SENT_START

    from kg import doctext

    def expected(doc):
        out = []
        for sent in doc.sents:
            kept = [t.i for t in sent if not t.is_space]
            if kept:
                out.append((kept[0], kept[-1]))
        return out

    texts = ["Heading\n\n  The first one.  The second!\n\n\n", " \n ", "One", "A.\n\nB? \"C.\" D\n\n(E) f.\n"]
    for text in texts:
        doc = nlp(text)
        assert doctext.sentence_edges(doc) == expected(doc), text
        doc.user_data.pop("kg_sentence_edges")
        assert doctext.sentence_edges(doc) == expected(doc), text
        if len(doc) > 2:
            one_sentence = numpy.array([1] + [-1] * (len(doc) - 1), dtype="int32").astype("uint64")
            doc.from_array([SENT_START], one_sentence.reshape(-1, 1))
            assert len(list(doc.sents)) == 1
            assert doctext.sentence_edges(doc) == expected(doc), text


def test_sentence_at_gives_token_sent_from_the_kept_bounds(nlp) -> None:
    """``sentence_at`` finds a token's sentence by bisection in the bounds the segmenter left; it must be the
    span ``Token.sent`` walks to, for the segmenter's starts and for any others set afterwards (start flags 1,
    0 and -1, the first token flagged or not)."""
    import random

    import numpy
    from spacy.attrs import SENT_START

    from kg import doctext

    def check(doc):
        bounds = doctext.sentence_bounds(doc)
        for token in doc:
            got = doctext.sentence_at(doc, bounds, token.i)
            assert (got.start, got.end) == (token.sent.start, token.sent.end), (doc.text, token.i)

    rng = random.Random(7)
    texts = ["Heading\n\n  The first one.  The second!\n\n\n", "One", "A.\n\nB? \"C.\" D\n\n(E) f.\n"]
    for text in texts:
        doc = nlp(text)
        kept = doc.user_data["kg_sentence_bounds"][1]  # left by kg_sentences ...
        assert doctext.sentence_bounds(doc) is kept and kept[-1] == len(doc)  # ... and used as they are
        check(doc)
        for _ in range(20):
            flags = numpy.array([rng.choice((1, 0, -1)) for _ in doc], dtype="int32").astype("uint64")
            doc.from_array([SENT_START], flags.reshape(-1, 1))
            check(doc)  # worked out again: the column changed
    assert doctext.sentence_bounds(nlp("")) == [0]


def test_gazetteer_ruler_keeps_the_longest_match(nlp) -> None:
    """Nested gazetteer names are all kept in ``doc.spans``, the longest becomes the entity."""
    doc = nlp("The Republic of Belarus and Belarus met the OSCE Trilateral Contact Group.")
    spans = [(s.start, s.end, s.label_, s.id_) for s in doc.spans[GAZETTEER_KEY]]
    assert spans == sorted(spans, key=lambda s: (s[0], s[0] - s[1], s[2], s[3]))
    for ent in doc.ents:
        assert not any(s[0] <= ent.start and ent.end <= s[1] and s[1] - s[0] > len(ent) for s in spans)


def test_parse_stage_by_stage_makes_the_docs_nlp_pipe_makes(nlp) -> None:
    """``parse`` runs the pipeline one stage at a time over a batch: the Docs must be those ``nlp.pipe`` makes
    (tokens, lemmas, sentence starts, entities, the gazetteer's nested matches)."""
    from spacy.attrs import ENT_IOB, ENT_TYPE, LEMMA, NORM, ORTH, SENT_START

    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    texts += ["", "  ", "Lukashenko met Putin in Sochi. The Kremlin said so.\n\nNATO did not.", "Minsk"]
    attrs = [ORTH, LEMMA, SENT_START, ENT_TYPE, ENT_IOB, NORM]
    for batch_size in (1, 3, 64):
        for want, got in zip(nlp.pipe(texts, batch_size=batch_size), parse(nlp, texts, batch_size), strict=True):
            assert (want.to_array(attrs) == got.to_array(attrs)).all()
            assert [(e.start, e.end, e.label_, e.id_) for e in want.ents] == [
                (e.start, e.end, e.label_, e.id_) for e in got.ents]
            assert [(s.start, s.end, s.label_, s.id_) for s in want.spans[GAZETTEER_KEY]] == [
                (s.start, s.end, s.label_, s.id_) for s in got.spans[GAZETTEER_KEY]]
    assert len(parse(nlp, texts, 2)) == len(texts)
