"""Coreference inside one document: descriptions, surnames and acronyms to the entity they denote.

* Role descriptions ("the Belarusian leader", "the Russian foreign minister") denote the
  holder of that office of that country at publication time, as the gazetteer's
  ``offices`` record it; a holder the document names wins over one it does not.
* "the Russian side/government/authorities" denotes the state, "the Russian capital"
  its capital city, "the Lukashenko government" the state its head leads.
* A bare definite event noun ("the election", "the peace talks") denotes the one known
  event with that noun whose participants the document mentions and which was under
  way, or ended within a year, at publication.
* A discovered person's surname alone, later on, is that person; an acronym defined
  in brackets after a name ("... People's Republic (DPR)") is that name wherever it recurs.

Word lists come from ontology/patterns/lexicon.jsonl (roles, polity nouns).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from .doctext import words
from .lexicon import Lexicon
from .matching import GatedMatcher
from .resources import Registry, RegistryEntry

_DETERMINERS = ("the",)
_STOP_INITIALS = frozenset({"of", "and", "the", "for", "on", "in", "'s", "’s", "-", "&", "to", "de"})
_ACTIVE_AFTER_END_DAYS = 366


@dataclass(frozen=True, slots=True)
class Link:
    """Tokens ``[start, end)`` of the Doc that refer to ``entity_id`` as a ``kind`` mention."""

    start: int
    end: int
    entity_id: str
    kind: str


class Coreferencer:
    """Finds descriptions that refer to known entities; built once per pipeline.

    Args:
        registry: The gazetteer.
        vocab: The pipeline's vocabulary.
        lexicon: Word classes (roles and polity nouns).
    """

    def __init__(self, registry: Registry, vocab: Any, lexicon: Lexicon) -> None:
        self.registry = registry
        self.lexicon = lexicon
        self.matcher = GatedMatcher(vocab)
        demonym = {"ENT_TYPE": {"IN": ["Country", "Territory"]}, "OP": "+"}
        the = {"LOWER": {"IN": list(_DETERMINERS)}}
        for phrase in sorted(lexicon.roles):
            words = [{"LOWER": w} for w in phrase.split()]
            self.matcher.add(f"role|{phrase}", [[the, demonym, *words]])
        self.matcher.add("polity", [[the, demonym, {"LOWER": {"IN": sorted(lexicon.polity_nouns)}}]])
        self.matcher.add("capital", [[the, demonym, {"LOWER": "capital"}]])
        self.matcher.add("leader-government", [[the, {"ENT_TYPE": "Person", "OP": "+"},
                                                {"LOWER": {"IN": ["government", "regime", "administration"]}}]])
        self.event_nouns: dict[tuple[str, ...], list[RegistryEntry]] = {}
        for entry in registry.entries.values():
            for noun in entry.nouns:
                self.event_nouns.setdefault(tuple(noun.split()), []).append(entry)
        self._longest_event = max((len(k) for k in self.event_nouns), default=0)
        #: the words an event noun starts with: a determiner before any other word starts no event description
        self._event_first = frozenset(k[0] for k in self.event_nouns if k)
        self.holders: dict[tuple[str, str], list[RegistryEntry]] = {}
        for entry in registry.entries.values():
            for office in entry.offices:
                self.holders.setdefault((office.title, office.of), []).append(entry)

    def __call__(self, doc: Doc, tokens: Mapping[int, str], present: Mapping[str, int],
                 published: dt.date | None, matches: Sequence[tuple[int, int, int]] | None = None) -> list[Link]:
        """Links of one document.

        Args:
            doc: The parsed document (gazetteer entities set).
            tokens: Token index -> entity id of every mention found so far.
            present: Ids of the entities the document mentions, with their number of mentions.
            published: Publication date, for offices and events.
            matches: What :attr:`matcher` finds in ``doc`` (found here when None).
        """
        links = []
        for match_id, start, end in self.matcher(doc) if matches is None else matches:
            label = doc.vocab.strings[match_id]
            if any(t in tokens for t in range(start, end) if doc[t].ent_type_ == ""):
                continue
            link = self._resolve(doc, label, start, end, tokens, present, published)
            if link is not None:
                links.append(link)
        links.extend(self._events(doc, tokens, present, published))
        return _longest(links)

    def _resolve(self, doc: Doc, label: str, start: int, end: int, tokens: Mapping[int, str],
                 present: Mapping[str, int], published: dt.date | None) -> Link | None:
        ids = [tokens[t] for t in range(start, end) if t in tokens]
        if not ids:
            return None
        if end < len(doc) and (doc[end].ent_type_ == "Person" or doc[end]._.kg_name or doc[end]._.kg_head):
            # "the Belarusian president Lukashenko", "the Belarusian state airline": a modifier, not a description
            return None
        anchor = ids[0]
        if label == "polity":
            return Link(start, end, anchor, "Description") if self._is_state(anchor) else None
        if label == "capital":
            entry = self.registry.get(anchor)
            capital = entry.capital if entry else None
            return Link(start, end, capital, "Description") if capital else None
        if label == "leader-government":
            entry = self.registry.get(anchor)
            heads = {"President", "Prime Minister"}
            states = sorted({o.of for o in entry.offices if o.title in heads}) if entry else []
            return Link(start, end, states[0], "Metonym") if len(states) == 1 else None
        if label.startswith("role|") and self._is_state(anchor):
            person = self.holder(self.lexicon.roles[label[5:]], anchor, present, published)
            return Link(start, end, person, "Description") if person else None
        return None

    def _is_state(self, entity_id: str) -> bool:
        entry = self.registry.get(entity_id)
        return entry is not None and entry.type in {"Country", "Territory"}

    def holder(self, titles: Iterable[str], state: str, present: Mapping[str, int],
               published: dt.date | None) -> str | None:
        """The one person holding one of ``titles`` of ``state`` at ``published`` (mentioned ones first)."""
        year = published.year if published else None
        found = set()
        for title in titles:
            for entry in self.holders.get((title, state), []):
                for office in entry.offices:
                    if office.title != title or office.of != state:
                        continue
                    if year is None or ((office.start or 0) <= year <= (office.end or 9999)):
                        found.add(entry.id)
        named = {eid for eid in found if eid in present}
        pick = named or (found if year is not None else set())
        return next(iter(pick)) if len(pick) == 1 else None

    def event(self, nouns: tuple[str, ...], actors: set[str], present: Mapping[str, int],
              published: dt.date | None, year: int | None = None) -> str | None:
        """The known event with head ``nouns`` involving ``actors`` (or, if none, the document's actors).

        The event must be under way at ``published`` (or have ended within a year), or, if
        ``year`` is given, have started in that year. Among several candidates the one whose
        participants the document mentions most wins, then the most recent one; a tie on both
        resolves to nothing.
        """
        if published is None and year is None:
            return None
        scored = []
        for entry in self.event_nouns.get(nouns, []):
            parts = set(entry.participants)
            if actors and not actors <= parts:
                continue
            start = entry.start or ""
            if year is not None:
                # an explicit year names the event, however long ago it was
                if not start.startswith(str(year)) or (published and _date(start, last=False) > published):
                    continue
            elif published is None or not _active(entry, published):
                continue
            weight = max((present.get(p, 0) for p in parts), default=0)
            if weight or actors:
                scored.append(((weight, start), entry.id))
        scored.sort(reverse=True)
        if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
            return None
        return scored[0][1]

    def _events(self, doc: Doc, tokens: Mapping[int, str], present: Mapping[str, int],
                published: dt.date | None) -> Iterable[Link]:
        text, lower, _ = words(doc)
        size = len(lower)
        first = self._event_first
        for i in sorted(i for word in _DETERMINERS for i in _positions(lower, word)):
            if i + 1 >= size or lower[i + 1] not in first:
                continue
            # the lower-case words after the determiner that are not part of a mention, at most the longest noun
            run = 0
            while run < self._longest_event and i + 1 + run < size and i + 1 + run not in tokens \
                    and text[i + 1 + run].islower():
                run += 1
            for n in range(run, 0, -1):
                end = i + 1 + n
                if end < size and lower[end] in {"of", "between", "in", "with", "over", "on"}:
                    continue  # "the war in Syria": the complement names another event
                nouns = tuple(lower[i + 1:end])
                eid = self.event(nouns, set(), present, published) if nouns in self.event_nouns else None
                if eid:
                    yield Link(i, end, eid, "Description")
                    break


def _positions(items: list[str], value: str) -> list[int]:
    """Where ``value`` occurs in ``items`` (``list.index`` scans without a Python loop per item).

    >>> _positions(["the", "war", "the", "talks"], "the")
    [0, 2]
    """
    out: list[int] = []
    at = -1
    while True:
        try:
            at = items.index(value, at + 1)
        except ValueError:
            return out
        out.append(at)


def _active(entry: RegistryEntry, published: dt.date) -> bool:
    start, end = entry.start, entry.end
    if not start:
        return False
    if _date(start, last=False) > published:
        return False
    return end is None or (published - _date(end, last=True)).days <= _ACTIVE_AFTER_END_DAYS


def _date(text: str, *, last: bool) -> dt.date:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        y, m = parts
        if not last:
            return dt.date(y, m, 1)
        return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31) if last else dt.date(parts[0], 1, 1)


def _longest(links: list[Link]) -> list[Link]:
    taken: set[int] = set()
    out = []
    for link in sorted(links, key=lambda x: (-(x.end - x.start), x.start, x.entity_id)):
        if taken.isdisjoint(range(link.start, link.end)):
            out.append(link)
            taken.update(range(link.start, link.end))
    return sorted(out, key=lambda x: (x.start, x.end))


def acronym_links(doc: Doc, tokens: Mapping[int, str]) -> tuple[list[Link], list[tuple[int, int, str]]]:
    """Acronyms defined in brackets after a name, and their later uses.

    Returns:
        The links for entities already found (the definition and every later use), and
        ``(start, end, acronym)`` long forms that are not yet an entity but whose initials
        spell the acronym (the caller discovers them and calls again).
    """
    links: list[Link] = []
    undefined: list[tuple[int, int, str]] = []
    defined: dict[str, str] = {}
    text = words(doc).text
    for i in [at + 1 for at in _positions(text, "(")]:  # after an opening bracket
        if i + 1 >= len(text) or text[i + 1] != ")" or not _acronym(text[i]):
            continue
        before = i - 2
        if before < 0 or text[i] in defined:
            continue
        eid = tokens.get(before)
        if eid is not None:
            if tokens.get(i) not in (None, eid):
                continue  # the gazetteer already knows this acronym as something else
            start = before
            while start > 0 and tokens.get(start - 1) == eid:
                start -= 1
            if _spells(doc[start: before + 1].text, text[i]):
                defined[text[i]] = eid
            continue
        first = _initials_start(doc, before, text[i])
        if first is not None:
            undefined.append((first, before + 1, text[i]))
    if defined:
        for i, word in enumerate(text):
            eid = defined.get(word)
            if eid is not None and i not in tokens:
                links.append(Link(i, i + 1, eid, "Abbreviation"))
    return links, undefined


def _acronym(text: str) -> bool:
    return 2 <= len(text) <= 8 and text.isalpha() and text.isupper()


def _spells(long_form: str, acronym: str) -> bool:
    """The acronym starts with the long form's initial and its letters are capitals of it, in order.

    >>> _spells("North Atlantic Treaty Organization", "NATO"), _spells("Grodno Azot plant", "BNK")
    (True, False)
    """
    capitals = [c for c in long_form if c.isupper()]
    if not capitals or capitals[0] != acronym[0]:
        return False
    rest = iter(capitals[1:])
    return all(any(c == x for x in rest) for c in acronym[1:])


def _initials_start(doc: Doc, last: int, acronym: str) -> int | None:
    """Start of the shortest capitalised run ending at ``last`` whose initials spell ``acronym``."""
    letters = ""
    for i in range(last, max(last - 10, -1), -1):
        tok = doc[i]
        if tok.lower_ in _STOP_INITIALS:
            continue
        if not tok._.kg_cap or not tok.is_alpha:
            return None
        letters = tok.text[0].upper() + letters
        if letters == acronym:
            return i
        if not acronym.endswith(letters):
            return None
    return None


_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
#: How many sentences back a personal pronoun may look for the person it stands for.
_PRONOUN_REACH = 2


def pronoun_links(doc: Doc, persons: Iterable[tuple[int, int, str]]) -> list[Link]:
    """Personal pronouns to the person they most likely stand for, at most two sentences back.

    Without gender or syntax this is a subject-first recency baseline: the first person
    named earlier in the pronoun's own sentence (usually its subject: "X told Y that he
    ..."), else the last person named in the sentences before. The mentions keep the
    kind Anaphor, so a consumer can leave them out.

    Args:
        doc: The parsed document (sentence starts set).
        persons: ``(start, end, entity_id)`` token spans of the person mentions.
    """
    ordered = sorted(persons)
    starts = [sent.start for sent in doc.sents] if ordered else []
    first_in: dict[int, tuple[int, int, str]] = {}
    for person in ordered:
        first_in.setdefault(_sentence_index(starts, person[0]), person)
    links = []
    j = -1  # the last person mention that ends before the current token
    for i, low in enumerate(words(doc).lower if ordered else ()):
        if low not in _PRONOUNS:
            continue
        while j + 1 < len(ordered) and ordered[j + 1][1] <= i:
            j += 1
        if j < 0:
            continue
        here = _sentence_index(starts, i)
        first = first_in.get(here)
        if first is not None and first[1] <= i:
            links.append(Link(i, i + 1, first[2], "Anaphor"))
        elif here - _sentence_index(starts, ordered[j][0]) <= _PRONOUN_REACH:
            links.append(Link(i, i + 1, ordered[j][2], "Anaphor"))
    return links


def _sentence_index(starts: list[int], token: int) -> int:
    return bisect.bisect_right(starts, token) - 1
