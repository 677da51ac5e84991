"""Token strings of a Doc, computed once per Doc from its arrays.

Iterating a Doc creates a Python ``Token`` per token, and several stages scan every token
of every article; reading the strings from ``Doc.to_array`` through the vocabulary is
several times cheaper, and the lists are kept in ``doc.user_data`` for the next stage.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy
from spacy.attrs import IDX, IS_SPACE, LOWER, ORTH, SENT_START
from spacy.strings import StringStore
from spacy.tokens import Doc, Span

__all__ = ["Words", "sentence_at", "sentence_bounds", "sentence_edges", "store_sentence_edges", "words"]

_KEY = "kg_words"
_EDGES_KEY = "kg_sentence_edges"
_BOUNDS_KEY = "kg_sentence_bounds"
#: hash -> string, for the strings of tokens seen (bounded: cleared when it grows past the limit)
_STRINGS: dict[int, str] = {}
_MAX_STRINGS = 500_000


class Words(NamedTuple):
    """Per token: its text, its lower-case form and its character offset in the Doc's text."""

    text: list[str]
    lower: list[str]
    idx: list[int]


def words(doc: Doc) -> Words:
    """The token strings of ``doc`` (cached on the Doc; the Doc's tokens must not change afterwards)."""
    cached: Words | None = doc.user_data.get(_KEY)
    if cached is not None and len(cached.text) == len(doc):
        return cached
    if len(doc):
        orth, lower, idx = doc.to_array([ORTH, LOWER, IDX]).T.tolist()
        out = Words(_texts(orth, doc.vocab.strings), _texts(lower, doc.vocab.strings), idx)
    else:
        out = Words([], [], [])
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


def sentence_bounds(doc: Doc) -> list[int]:
    """Where the sentences of ``doc`` start, followed by its length (the first token always starts one).

    Kept on the Doc while its ``SENT_START`` column is the one they were worked out from (the segmenter leaves
    them, see :func:`store_sentence_edges`).

    >>> import spacy
    >>> doc = spacy.blank("en")("One two. Three four.")
    >>> doc[3].is_sent_start = True
    >>> sentence_bounds(doc)
    [0, 3, 6]
    """
    flags: Any = doc.to_array(SENT_START)  # uint64, as kg_sentences keeps its bytes
    raw = flags.tobytes()
    cached: tuple[bytes, list[int]] | None = doc.user_data.get(_BOUNDS_KEY)
    if cached is not None and cached[0] == raw:
        return cached[1]
    starts: list[int] = numpy.flatnonzero(flags == 1).tolist()
    if len(doc) and (not starts or starts[0]):
        starts.insert(0, 0)
    starts.append(len(doc))
    doc.user_data[_BOUNDS_KEY] = (raw, starts)
    return starts


def sentence_at(doc: Doc, bounds: Sequence[int], i: int) -> Span:
    """The sentence of token ``i``, the span ``doc[i].sent`` gives, from ``bounds`` (:func:`sentence_bounds`)
    without walking the tokens."""
    j = bisect_right(bounds, i)
    return Span(doc, bounds[j - 1], bounds[j])  # doc[a:b] without its slice checks


def sentence_edges(doc: Doc) -> list[tuple[int, int]]:
    """For each sentence of ``doc`` with a token other than whitespace, the first and the last such token.

    The sentence segmenter leaves them on the Doc (see :func:`store_sentence_edges`); they are used while the
    Doc's ``SENT_START`` column is the one they were worked out from, and worked out again otherwise.
    """
    raw = doc.to_array(SENT_START).tobytes()  # uint64, as kg_sentences keeps its bytes
    cached: tuple[bytes, list[tuple[int, int]]] | None = doc.user_data.get(_EDGES_KEY)
    if cached is not None and cached[0] == raw:
        return cached[1]
    return store_sentence_edges(doc, raw, sentence_bounds(doc), doc.to_array(IS_SPACE).tolist())


def store_sentence_edges(doc: Doc, flags: bytes, starts: list[int], space: Sequence[int]) -> list[tuple[int, int]]:
    """Work out :func:`sentence_edges` and keep them on ``doc``.

    Args:
        doc: The Doc.
        flags: Its ``SENT_START`` column (``to_array``'s bytes), to tell whether they still hold.
        starts: Its sentence starts, as :func:`sentence_bounds` gives them.
        space: Per token, whether it is whitespace (``IS_SPACE``).
    """
    edges = []
    for first, end in zip(starts, starts[1:], strict=False):
        while first < end and space[first]:
            first += 1
        if first == end:
            continue
        last = end - 1
        while space[last]:
            last -= 1
        edges.append((first, last))
    doc.user_data[_EDGES_KEY] = (flags, edges)
    doc.user_data[_BOUNDS_KEY] = (flags, starts)
    return edges
