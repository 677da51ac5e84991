"""Token strings of a Doc, computed once per Doc from its arrays.

Iterating a Doc creates a Python ``Token`` per token, and several stages scan every token
of every article; reading the strings from ``Doc.to_array`` through the vocabulary is
several times cheaper, and the lists are kept in ``doc.user_data`` for the next stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from spacy.attrs import LOWER, ORTH
from spacy.tokens import Doc

__all__ = ["Words", "sentence_starts", "words"]

_KEY = "kg_words"


class Words(NamedTuple):
    """Per token: its text and its lower-case form."""

    text: list[str]
    lower: list[str]


def words(doc: Doc) -> Words:
    """The token strings of ``doc`` (cached on the Doc; the Doc's tokens must not change afterwards)."""
    cached: Words | None = doc.user_data.get(_KEY)
    if cached is not None and len(cached.text) == len(doc):
        return cached
    strings = doc.vocab.strings
    if len(doc):
        array = doc.to_array([ORTH, LOWER]).tolist()
        out = Words([strings[o] for o, _ in array], [strings[lw] for _, lw in array])
    else:
        out = Words([], [])
    doc.user_data[_KEY] = out
    return out


def sentence_starts(flags: Sequence[int]) -> list[int]:
    """Positions where sentences start, from a Doc's ``SENT_START`` column, followed by the Doc's length
    (the first token always starts one).

    >>> sentence_starts([1, -1, -1, 1, -1])
    [0, 3, 5]
    """
    return [i for i, v in enumerate(flags) if v == 1 or i == 0] + [len(flags)]
