"""spaCy's lookup lemmatizer, run on the token arrays of a Doc.

spaCy's ``lemmatizer`` in ``lookup`` mode looks every token's text up in the
``lemma_lookup`` table of spacy-lookups-data, one ``Token`` object at a time; on short
news articles that costs about as much as tokenising them. A lookup lemma depends on the
token's text alone, so :class:`ArrayLemmatizer` looks each distinct word up once,
remembers its lemma, and writes a Doc's lemmas in one array. It is spaCy's English
lemmatizer otherwise (same tables, same modes, same results; other modes run unchanged).
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import LEMMA
from spacy.errors import Errors
from spacy.lang.en import English
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.tokens import Doc

from .doctext import words

__all__ = ["ArrayLemmatizer", "FACTORY"]

#: Name of the pipeline factory (the component is still called "lemmatizer" in the pipeline).
FACTORY = "kg_lookup_lemmatizer"
#: Words whose lemma one lemmatizer remembers at most (then it starts again).
_MAX_REMEMBERED = 500_000


class ArrayLemmatizer(EnglishLemmatizer):
    """spaCy's English lemmatizer whose ``lookup`` mode reads and writes token arrays."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lemmas: dict[str, int] = {}  # text -> lemma, as a hash in the vocab's strings

    def __call__(self, doc: Doc) -> Doc:
        """Set the lookup lemma of every token that has none (or of all, with ``overwrite``)."""
        if self.mode != "lookup" or not len(doc):
            return super().__call__(doc)
        if not self._validated:
            self._validate_tables(Errors.E1004)
        table = self.lookups.get_table("lemma_lookup", {})
        strings = doc.vocab.strings
        known = self._lemmas
        if len(known) > _MAX_REMEMBERED:
            known.clear()
        lemmas: Any = doc.to_array(LEMMA)
        texts = words(doc).text  # shared with the other stages, so no ORTH column to read here
        todo: Any = slice(None)  # the tokens to lemmatise: all, or those that have no lemma yet
        if not self.overwrite and lemmas.any():
            todo = numpy.flatnonzero(lemmas == 0)
            texts = [texts[i] for i in todo.tolist()]
        found = list(map(known.get, texts))
        if None in found:  # words not seen before
            for i, text in enumerate(texts):
                if found[i] is None:
                    found[i] = known[text] = strings.add(table.get(text, text))
        lemmas[todo] = numpy.array(found, dtype="uint64")
        column: Any = numpy.ascontiguousarray(lemmas).reshape(-1, 1)
        doc.from_array([LEMMA], column)
        return doc


@English.factory(
    FACTORY,
    assigns=["token.lemma"],
    default_config={"model": None, "mode": "lookup", "overwrite": False,
                    "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}},
    default_score_weights={"lemma_acc": 1.0},
)
def make_lemmatizer(nlp: English, model: Any, name: str, mode: str, overwrite: bool, scorer: Any) -> ArrayLemmatizer:
    """The ``kg_lookup_lemmatizer`` factory (spaCy's ``lemmatizer`` config)."""
    return ArrayLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)
