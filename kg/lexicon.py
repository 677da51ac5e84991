"""Word classes from ontology/patterns/lexicon.jsonl, set on tokens for the Matcher patterns.

The discovery and coreference patterns refer to these classes through custom token
attributes, so the word lists live once, as data:

* ``token._.kg_title``: ``"noun"`` for a title that ends a person's title ("President",
  "ambassador"), ``"mod"`` for a word that may precede one ("former", "Foreign"), else "".
* ``token._.kg_head``: the gk: class a name ending in this noun gets ("Ministry" ->
  GovernmentBody), else "".
* ``token._.kg_cap``: the token can be part of a proper name: a capitalised word that
  is not a stop word or a calendar word, an acronym, or a hyphen or possessive joining
  two such words without spaces ("Track-II", "People's").
* ``token._.kg_name``: a ``kg_cap`` word that is neither a title, a head noun nor part
  of an entity the gazetteer already knows: a word of a person's name.
"""

from __future__ import annotations

import functools
import itertools
import operator
from dataclasses import dataclass, field
from typing import Any, cast

import numpy
from spacy.attrs import ENT_TYPE, LEMMA, NORM
from spacy.lexeme import Lexeme
from spacy.lookups import load_lookups
from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokens import Doc, Token

from .doctext import words
from .errors import PatternError
from .resources import Resources

_ATTRS = {"kg_title": "", "kg_head": "", "kg_cap": False, "kg_name": False}
for _name, _default in _ATTRS.items():
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=_default)

#: The ``kg_*`` attributes mirrored into ``token.norm`` as one code per token (see :meth:`Lexicon.native`).
NATIVE_ATTRS = ("kg_title", "kg_head", "kg_cap", "kg_name")
_JOINERS = frozenset({"-", "'s", "’s", "&"})
#: Words whose classes a Lexicon remembers at most (then it starts again).
_MAX_REMEMBERED = 500_000
#: Where :meth:`Lexicon.annotate` leaves the head nouns of a Doc by token index (see :func:`heads_of`).
_HEADS = "kg_heads"
#: A word's classes: (kg_title, kg_head, capitalised, a name word unless in a known entity, native code, native code
#: inside a known entity, whether it has a class at all (title, head or capitalised), whether it is a joiner)
_Word = tuple[str, str, bool, bool, int, int, bool, bool]
_IN_ENTITY = operator.itemgetter(5)
_MARKED = operator.itemgetter(6)
_ROMAN = frozenset({"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"})


def _code(title: str, head: str, cap: bool, name: bool) -> str:
    return f"kg:{title}:{head}:{int(cap)}{int(name)}"


@functools.lru_cache(maxsize=1024)
def _hash(title: str, head: str, cap: bool, name: bool) -> int:
    """The string-store key of the native code of ``(kg_title, kg_head, kg_cap, kg_name)`` (the same in every
    vocabulary)."""
    return int(hash_string(_code(title, head, cap, name)))


def _simple(cond: object) -> bool:
    return isinstance(cond, str | bool) or (isinstance(cond, dict) and len(cond) == 1
                                            and next(iter(cond)) in {"IN", "NOT_IN"})


def _holds(cond: object, value: str | bool) -> bool:
    if isinstance(cond, dict):
        ((op, values),) = cond.items()
        return (value in values) == (op == "IN")
    return value == cond


@dataclass(frozen=True)
class Lexicon:
    """The word classes of one ontology folder."""

    titles: dict[str, str] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)
    #: multi-word role phrase ("head of state") -> gazetteer office titles it can denote
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    polity_nouns: frozenset[str] = frozenset()
    calendar: frozenset[str] = frozenset()
    #: lower-cased common English words (spaCy's English lemma table), never a name on their own
    common_words: frozenset[str] = frozenset()
    #: (text, lemma) -> the word's classes, worked out once (see :meth:`annotate`)
    _words: dict[tuple[str, int], _Word] = field(default_factory=dict, repr=False, compare=False)
    #: text -> the classes of a word whose lemma does not change them (most words)
    _by_text: dict[str, _Word] = field(default_factory=dict, repr=False, compare=False)
    #: the string stores that hold every native code's text
    _vocabs: list[Any] = field(default_factory=list, repr=False, compare=False)

    def annotate(self, doc: Doc) -> Doc:
        """Set the ``kg_*`` token attributes on ``doc`` (gazetteer entities must be set already).

        Only values other than the default are stored, straight into ``doc.user_data`` under the
        key spaCy's ``token._`` uses (creating a ``token._`` per token and attribute costs more
        than the rest of the annotation); the four values also go into ``token.norm`` as one
        code (see :meth:`native`). A word's classes depend on its text and lemma alone, so they are
        worked out once per word and remembered.
        """
        n = len(doc)
        if not n:
            return doc
        strings = doc.vocab.strings
        if not any(known is strings for known in self._vocabs):  # the codes' texts, once per vocabulary
            for combination in self.combinations:
                strings.add(_code(*combination))
            self._vocabs.append(strings)
        data: dict[Any, Any] = doc.user_data
        shared = words(doc)  # shared with the other stages: no ORTH or IDX column to read
        texts = shared.text
        array: Any = doc.to_array([LEMMA, ENT_TYPE])
        if len(self._words) > _MAX_REMEMBERED:
            self._words.clear()
            self._by_text.clear()
        found = list(map(self._by_text.get, texts))
        if None in found:  # new words, and words whose lemma counts
            lemmas = array[:, 0].tolist()
            by_pair = self._words
            for i in [i for i, word in enumerate(found) if word is None]:
                word = by_pair.get((texts[i], lemmas[i]))
                found[i] = word if word is not None else self._word(doc, texts[i], lemmas[i])
        classes = cast(list[_Word], found)
        ents, idxs = array[:, 1].tolist(), shared.idx
        norms = list(map(_IN_ENTITY, classes))  # a plain word (most are): only its code
        last, last_cap = -2, False  # the last word that is not plain, and its kg_cap
        heads: dict[int, str] = {}
        for i in list(itertools.compress(range(n), map(_MARKED, classes))):
            title, head, cap, name_word, free, in_entity, _, joiner = classes[i]
            idx = idxs[i]
            if title:
                data[("._.", "kg_title", idx, None)] = title
            if head:
                data[("._.", "kg_head", idx, None)] = heads[i] = head
            if joiner and 0 < i < n - 1:  # inside a name: "Track-II", "People's Republic"
                tight = not doc[i - 1].whitespace_ and (texts[i] != "-" or not doc[i].whitespace_)
                cap = tight and last == i - 1 and last_cap and classes[i + 1][2]
                free = in_entity = _hash(title, head, cap, False)
            last, last_cap = i, cap
            if name_word and not ents[i]:
                data[("._.", "kg_name", idx, None)] = True
                norms[i] = free
            else:
                norms[i] = in_entity
            if cap:
                data[("._.", "kg_cap", idx, None)] = True
        column: Any = numpy.array(norms, dtype="uint64").reshape(-1, 1)
        doc.from_array([NORM], column)
        data[_HEADS] = heads
        return doc

    def _word(self, doc: Doc, text: str, lemma: int) -> _Word:
        """The classes of the word ``text`` with lemma ``lemma`` (a hash; remembered, by the text alone
        if the lemma does not change them)."""
        word = self._words.get((text, lemma))
        if word is None:
            lex = doc.vocab[text]
            word = self._words[(text, lemma)] = self._classes(lex, doc.vocab.strings[lemma])
            if not self._lemma_counts(lex.lower_):
                self._by_text[text] = word
        return word

    def _lemma_counts(self, low: str) -> bool:
        """Whether the lemma of a word (lower-cased ``low``) can change its classes: plurals take their
        singular's head class ("ministries")."""
        return not self.heads.get(low) and low.endswith("s")

    def _classes(self, lex: Lexeme, lemma: str) -> _Word:
        """``(kg_title, kg_head, capitalised, a name word unless in a known entity, native code, native code
        inside a known entity, has a class, is a joiner)`` of one word."""
        text, low = lex.orth_, lex.lower_
        title = self.titles.get(low, "")
        # plurals take their singular's class ("ministries"); other inflections ("protested") do not
        head = self.heads.get(low, "")
        if self._lemma_counts(low):
            lemma = lemma.lower()
            head = self.heads.get(lemma, "") if lemma != low else ""
        cap = self._capitalised(lex, text, low)
        name = bool(cap and not title and not head and text not in _JOINERS and lex.is_alpha)
        codes = _hash(title, head, cap, name), _hash(title, head, cap, False)
        return title, head, cap, name, *codes, bool(title or head or cap), text in _JOINERS

    @functools.cached_property
    def combinations(self) -> tuple[tuple[str, str, bool, bool], ...]:
        """Every possible ``(kg_title, kg_head, kg_cap, kg_name)`` of a token (a name is capitalised and
        neither a title nor a head noun)."""
        heads = ("", *sorted(set(self.heads.values())))
        out = [(t, h, c, False) for t in ("", "mod", "noun") for h in heads for c in (False, True)]
        return (*out, ("", "", True, True))

    def native(self, pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``pattern`` with its conditions on the ``kg_*`` attributes turned into one on ``NORM``.

        :meth:`annotate` also writes each token's four values as one code into its ``norm``
        (a Doc never leaves the NLP stage, and nothing else reads the norm there), which spaCy's
        Matcher reads natively; a custom attribute costs it a Python call per token and attribute.
        The two forms match the same tokens (``tests/test_scale.py`` checks it on whole articles).
        Conditions other than a value, ``IN`` or ``NOT_IN`` are left as custom attributes.
        """
        out = []
        for tok in pattern:
            ext = dict(tok.get("_") or {})
            conds = {k: ext.pop(k) for k in NATIVE_ATTRS if k in ext and _simple(ext[k])}
            if not conds:
                out.append(tok)
                continue
            allowed = []
            for combo in self.combinations:
                values: dict[str, str | bool] = dict(zip(NATIVE_ATTRS, combo, strict=True))
                if all(_holds(cond, values[name]) for name, cond in conds.items()):
                    allowed.append(_code(*combo))
            new = {k: v for k, v in tok.items() if k != "_"}
            if ext:
                new["_"] = ext
            new["NORM"] = {"IN": allowed or ["kg:none"]}
            out.append(new)
        return out

    def _capitalised(self, lex: Lexeme, text: str, low: str) -> bool:
        """Whether the word ``lex`` (``text``, lower-cased ``low``) can be part of a proper name."""
        if text in _JOINERS:
            return True  # decided in a second pass, from its neighbours
        if low in self.calendar or (lex.is_stop and not lex.is_upper):
            return False
        if text in _ROMAN:
            return True
        if lex.is_upper and lex.is_alpha and len(text) >= 2:
            return True
        return text[:1].isupper() and any(c.islower() for c in text[1:]) and not lex.like_num


def heads_of(doc: Doc) -> dict[int, str]:
    """Token index -> ``kg_head`` of the head nouns of a Doc :meth:`Lexicon.annotate` has annotated (the same
    values as ``token._.kg_head``, without making a Token per token)."""
    heads: dict[int, str] = doc.user_data.get(_HEADS, {})
    return heads


def load_lexicon(resources: Resources) -> Lexicon:
    """Read the word classes of ``resources``.

    Raises:
        PatternError: a row has no known ``set`` or no ``words``.
    """
    titles: dict[str, str] = {}
    heads: dict[str, str] = {}
    roles: dict[str, tuple[str, ...]] = {}
    polity: set[str] = set()
    calendar: set[str] = set()
    for i, row in enumerate(resources.pattern_rows("lexicon"), 1):
        words = row.get("words")
        kind = row.get("set")
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise PatternError(f"{resources.root}/patterns/lexicon.jsonl row {i}: 'words' must be a list of strings")
        lows = [w.lower() for w in words]
        if kind == "title":
            for w in lows:
                # a word that can end a title is a noun even if also listed as a modifier
                if titles.get(w) != "noun":
                    titles[w] = "noun" if row.get("level") == "noun" else "mod"
        elif kind == "head":
            for w in lows:
                heads.setdefault(w, str(row["label"]))
        elif kind == "role":
            for w in lows:
                roles[w] = tuple(row.get("offices", ()))
        elif kind == "polity":
            polity.update(lows)
        elif kind == "calendar":
            calendar.update(lows)
        else:
            raise PatternError(f"{resources.root}/patterns/lexicon.jsonl row {i}: unknown set {kind!r}")
    return Lexicon(titles, heads, roles, frozenset(polity), frozenset(calendar), english_words())


@functools.cache
def english_words() -> frozenset[str]:
    """Common English words (lower case): the WordNet word index shipped with spaCy's English lookups.

    Inflected forms are not listed; callers also test a token's lemma. Empty if
    spacy-lookups-data is not installed (then no name is rejected as a common word).
    """
    try:
        index = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
    except (ValueError, ImportError, KeyError):
        return frozenset()
    words = {w for pos in ("noun", "verb", "adj", "adv") for w in index.get(pos, [])}
    return frozenset(w.lower() for w in words if w.isalpha())

