"""Token strings of a Doc, computed once per Doc from its arrays.

Iterating a Doc creates a Python ``Token`` per token, and several stages scan every token
of every article; reading the strings from ``Doc.to_array`` through the vocabulary is
several times cheaper, and the lists are kept in ``doc.user_data`` for the next stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from spacy.attrs import LOWER, ORTH
from spacy.strings import StringStore
from spacy.tokens import Doc

__all__ = ["Words", "sentence_starts", "words"]

_KEY = "kg_words"
#: hash -> string, for the strings of tokens seen (bounded: cleared when it grows past the limit)
_STRINGS: dict[int, str] = {}
_MAX_STRINGS = 500_000


class Words(NamedTuple):
    """Per token: its text and its lower-case form."""

    text: list[str]
    lower: list[str]


def words(doc: Doc) -> Words:
    """The token strings of ``doc`` (cached on the Doc; the Doc's tokens must not change afterwards)."""
    cached: Words | None = doc.user_data.get(_KEY)
    if cached is not None and len(cached.text) == len(doc):
        return cached
    if len(doc):
        orth, lower = doc.to_array([ORTH, LOWER]).T.tolist()
        out = Words(_texts(orth, doc.vocab.strings), _texts(lower, doc.vocab.strings))
    else:
        out = Words([], [])
    doc.user_data[_KEY] = out
    return out


def _texts(hashes: list[int], strings: StringStore) -> list[str]:
    """The strings of ``hashes`` (a hash names one string whatever the store, so they are remembered across
    Docs: a dict look-up costs less than the store's)."""
    if len(_STRINGS) > _MAX_STRINGS:
        _STRINGS.clear()
    get = _STRINGS.get
    out = []
    for h in hashes:
        text = get(h)
        if text is None:
            text = _STRINGS[h] = strings[h]
        out.append(text)
    return out


def sentence_starts(flags: Sequence[int]) -> list[int]:
    """Positions where sentences start, from a Doc's ``SENT_START`` column, followed by the Doc's length
    (the first token always starts one).

    >>> sentence_starts([1, -1, -1, 1, -1])
    [0, 3, 5]
    """
    return [i for i, v in enumerate(flags) if v == 1 or i == 0] + [len(flags)]
