"""Build the spaCy pipeline: blank English (or an installed model) plus our rulers.

The default pipeline needs no trained model: sentence boundaries from
punctuation and paragraph breaks, lookup lemmas (spacy-lookups-data) and a
SpanRuler fed from the gazetteer registry. A statistical pipeline named with
``--spacy-model`` keeps its own components; ours go before its ``ner``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

import numpy
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from .config import DEFAULT_LANGUAGE
from .doctext import store_sentence_edges, words
from .errors import InputError, PatternError
from .lemmas import FACTORY as LEMMATIZER
from .resources import Resources

logger = logging.getLogger(__name__)

GAZETTEER_KEY = "kg_gazetteer"
_TERMINAL = frozenset({".", "!", "?", "…", "?!", "!?", "..."})
_CLOSING = frozenset({'"', "'", "”", "’", ")", "]", "»"})


def _newline_breaks(text: list[str], i: int) -> bool:
    """Does the whitespace token ``i`` (of the token texts ``text``) end a sentence?"""
    here = text[i]
    if here.count("\n") >= 2:
        return True
    if "\n" not in here or i == 0 or i + 1 >= len(text):
        return False
    prev, nxt = text[i - 1], text[i + 1]
    # a hard-wrapped line continues when it ends in a lower-case word or a comma
    continues = prev[-1:].islower() or prev in {",", "-", "–", "—", "(", ";"}
    return not continues and (nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "\"“'‘*•-")




@Language.component("kg_sentences", assigns=["token.is_sent_start"])
def kg_sentences(doc: Doc) -> Doc:
    """Sentence boundaries from terminal punctuation and paragraph breaks.

    Whitespace tokens never start a sentence; closing quotes and brackets stay
    with the sentence they close. Only whitespace and punctuation tokens (every mark of
    ``_TERMINAL`` and ``_CLOSING`` is punctuation to spaCy; a test checks it) can change
    the state; the words between them are skipped, the first one starting a sentence
    when one is due. The boundaries are written in one array (setting
    ``token.is_sent_start`` token by token rescans the Doc each time).
    """
    n = len(doc)
    if not n:
        return doc
    text = words(doc).text
    array: Any = doc.to_array([IS_SPACE, IS_PUNCT])
    space, punct = array[:, 0].tolist(), array[:, 1].tolist()
    special = numpy.flatnonzero(array[:, 0] | array[:, 1])
    starts = numpy.full((n, 1), -1, dtype="int32")
    start_next = True
    word_at = 0  # the first token after the last special one
    for i in special.tolist():
        if start_next and word_at < i:  # a word starts the due sentence
            starts[word_at, 0] = 1
            start_next = False
        word_at = i + 1
        if space[i]:
            if _newline_breaks(text, i):
                start_next = True
            continue
        word = text[i]
        closes = word in _CLOSING and i > 0 and text[i - 1] in _TERMINAL
        if start_next and not closes:
            starts[i, 0] = 1
            start_next = False
        if closes or word in _TERMINAL or (punct[i] and len(word) > 1 and word[-1] in "!?"):
            start_next = True
    if start_next and word_at < n:
        starts[word_at, 0] = 1
    starts[0, 0] = 1
    values: Any = starts.astype("uint64")
    doc.from_array([SENT_START], values)  # -1 wraps, as spaCy's own arrays do
    store_sentence_edges(doc, values.tobytes(), numpy.flatnonzero(values == 1).tolist() + [n], space)
    return doc


class GazetteerRuler:
    """Phrase matches of every registry name: all of them in ``doc.spans``, the longest in ``doc.ents``.

    Unlike spaCy's SpanRuler, the pattern Docs are made with the tokenizer only, so
    building the ruler does not run the rest of the pipeline on 30k names.
    """

    def __init__(self, nlp: Language, patterns: list[dict[str, str]]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_key: dict[str, list[Doc]] = {}
        texts = [row["pattern"] for row in patterns]
        tokenizer: Any = nlp.tokenizer
        for row, doc in zip(patterns, tokenizer.pipe(texts), strict=True):
            by_key.setdefault(f"{row['label']}|{row['id']}", []).append(doc)
        for key in sorted(by_key):
            self.matcher.add(key, by_key[key])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match_id, start, end in self.matcher(doc):
            label, eid = doc.vocab.strings[match_id].split("|", 1)
            spans.append(SpacySpan(doc, start, end, label=label, span_id=eid))
        spans.sort(key=lambda s: (s.start, -len(s), s.label_, s.id_))
        doc.spans[GAZETTEER_KEY] = spans
        taken: set[int] = {t.i for ent in doc.ents for t in ent}
        chosen = []
        for span in sorted(spans, key=lambda s: (-len(s), s.start, s.label_, s.id_)):
            if taken.isdisjoint(range(span.start, span.end)):
                chosen.append(span)
                taken.update(range(span.start, span.end))
        doc.set_ents(sorted(chosen, key=lambda s: s.start), default="unmodified")
        return doc


def _add_gazetteer(nlp: Language, resources: Resources, before: str | None) -> None:
    try:
        ruler = GazetteerRuler(nlp, resources.registry.ruler_patterns())
    except ValueError as exc:
        raise PatternError(f"{resources.root / 'gazetteer'}: invalid ruler pattern ({exc})") from exc
    Language.component(f"{GAZETTEER_KEY}_{id(ruler)}", func=ruler)
    nlp.add_pipe(f"{GAZETTEER_KEY}_{id(ruler)}", name=GAZETTEER_KEY, before=before)


def build_nlp(resources: Resources, spacy_model: str | None = None) -> Language:
    """The pipeline used for every article of a build.

    Args:
        resources: Loaded ontology folder (gazetteer and patterns).
        spacy_model: Name or path of an installed spaCy pipeline; None for ``spacy.blank("en")``.

    Raises:
        InputError: the named model is not installed.
    """
    if spacy_model:
        try:
            nlp = spacy.load(spacy_model)
        except OSError as exc:
            raise InputError(
                "--spacy-model", f"spaCy pipeline {spacy_model!r} is not installed ({exc.__class__.__name__})"
            ) from None
        before = "ner" if "ner" in nlp.pipe_names else None
        if not nlp.has_pipe("parser") and not nlp.has_pipe("senter"):
            nlp.add_pipe("kg_sentences", first=True)
        _add_gazetteer(nlp, resources, before)
        return nlp
    nlp = spacy.blank(DEFAULT_LANGUAGE)
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe(LEMMATIZER, name="lemmatizer", config={"mode": "lookup"})
    with warnings.catch_warnings():
        # initialize() warns that the blank pipeline has no vectors; that is expected
        warnings.simplefilter("ignore")
        nlp.initialize()  # loads the lookup tables; rulers are added after it, which would clear them
    _add_gazetteer(nlp, resources, None)
    nlp.max_length = max(nlp.max_length, 60_000_000)
    logger.debug("pipeline: %s", nlp.pipe_names)
    return nlp


def parse(nlp: Language, texts: Sequence[str], batch_size: int) -> list[Doc]:
    """The Docs of ``texts``, as ``nlp.pipe`` makes them, one stage at a time: every text is tokenised, then
    each component runs over all the Docs (through its own ``pipe`` where it has one, in batches of
    ``batch_size``). ``nlp.pipe`` passes each Doc through all the stages before the next one; stage by stage
    keeps each stage's data in the processor's caches, which is measurably faster on a batch of articles.
    """
    docs = [nlp.make_doc(text) for text in texts]
    for _, proc in nlp.pipeline:
        batched = getattr(proc, "pipe", None)
        docs = list(batched(docs, batch_size=batch_size)) if batched is not None else [proc(doc) for doc in docs]
    return docs
