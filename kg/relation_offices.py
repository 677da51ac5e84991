"""Offices read from titles: "Belarusian President X", "X, the president of Y", "Presidents X and Y".

The holder is the person next to the title; the polity is a modifier ("Belarusian", "Russia's"),
an of-phrase ("President of Belarus"), or else the office the gazetteer gives the person at the
article's publication date. A former or deputy title gives no head of state.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from . import relation_args as ra
from .records import Article
from .relation_args import Arg
from .relation_rows import FAMILIES, POLITY_CLASSES, Context, Pair
from .resources import Registry

#: Gazetteer offices whose holder's "government" or "country" is the polity itself.
_HEAD_OFFICES = ("President", "Prime Minister", "Premier", "Chancellor", "Leader", "Supreme Leader", "King", "Queen")
#: A title after one of these is no longer held.
_FORMER = frozenset({"former", "ex", "late", "then", "erstwhile", "onetime", "one-time", "previous", "past"})
_APPOINTED = frozenset({"serves", "served", "serving", "elected", "appointed", "named", "sworn", "re-elected"})
_APPOSITION = frozenset({",", "the", "a", "an", "who", "is", "was", "has", "been", "became", "remains", "serves",
                         "served", "as", "elected", "appointed", "named", "also", "now", "still", "current",
                         "currently", "sitting", "incumbent", "long-time", "longtime", "de", "facto", "sworn", "in",
                         "re-elected", "serving", "no", "not", "longer"})


class Offices:
    """Office holders from titles and the gazetteer.

    Args:
        registry: The gazetteer, for each person's offices.
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def polity_of(self, doc: Doc, a: Arg, article: Article, classes: dict[str, str]) -> Arg:
        """ "his government", "Lukashenko's country": the state the person leads (gazetteer offices), else ``a``."""
        i = a.end + (a.end < len(doc) and doc[a.end].text in ra.POSSESSIVE)
        if classes.get(a.entity) != "Person" or i >= len(doc) or doc[i].lower_ not in ra.POLITY_NOUNS:
            return a
        led = self.office(a, _HEAD_OFFICES, article)
        return Arg(a.start, i + 1, led.entity, "Description") if led is not None else a

    def pairs(self, ctx: Context) -> list[Pair]:
        """(polity, holder) or (holder, polity) pairs of an office title, with the predicate as an extra role."""
        doc, (ts, te), row, classes = ctx.doc, ctx.trig, ctx.row, ctx.classes
        prev = doc[ts - 1].lower_ if ts else ""
        if prev in _FORMER or prev == "-" and ts > 1 and doc[ts - 2].lower_ in _FORMER or (
                te + 1 < len(doc) and doc[te].text == "-" and doc[te + 1].lower_ == "elect"):
            return []
        persons = [a for a in ctx.in_sent if classes.get(a.entity) == "Person"]
        holders = [a for a in persons if a.start <= ts < a.end]
        if not holders:
            after = [a for a in ctx.in_sent if a.start >= te]
            if after and after[0].start - te <= 1 and classes.get(after[0].entity) == "Person":
                holders = [a for a in ra.coordinated(doc, after) if classes.get(a.entity) == "Person"]
        polity = self._polity(ctx)
        if not holders:
            stop = polity.start if polity is not None and polity.end <= ts else ts
            for a in reversed([p for p in persons if p.end <= stop]):
                gap = {t.lower_ for t in doc[a.end:stop]}
                appointed = "as" not in gap or bool(gap & _APPOINTED)  # "served as president", not "deal with X as"
                if gap and gap <= _APPOSITION | ra.POSSESSIVE and len(doc[a.end:stop]) <= 5 and appointed:
                    holders = [a]
                break
        wanted = FAMILIES[row["object_types"]]
        pairs: list[Pair] = []
        for person in holders:
            where = polity or self.office(person, [*row.get("office", ()), doc[ts:te].text], ctx.article)
            if where is None or where.entity == person.entity:
                continue
            predicate = row["predicate"] if classes.get(where.entity) in wanted else row.get("otherwise")
            if predicate:
                pair = (where, person) if row.get("inverse") and predicate == row["predicate"] else (person, where)
                pairs.append((*pair, [("predicate", predicate)]))
        return pairs

    def _polity(self, ctx: Context) -> Arg | None:
        """The country or body of a title: "Belarusian President", "Russia's president", "President of Belarus"."""
        doc, (ts, te), classes = ctx.doc, ctx.trig, ctx.classes
        for a in ctx.nested:
            if classes.get(a.entity) not in POLITY_CLASSES:
                continue
            gap = [t.lower_ for t in doc[a.end:ts]]
            if a.end <= ts and (not gap or gap in (["'s"], ["’s"], ["'"], ["’"])) and a.start >= ctx.sent.start:
                return a
            after = [t.lower_ for t in doc[te:a.start]]
            if a.start >= te and after in (["of"], ["of", "the"], ["to"], ["to", "the"]) and a.kind != "Adjectival":
                return a
        return None

    def office(self, person: Arg, offices: Sequence[str], article: Article) -> Arg | None:
        """The polity where the gazetteer says ``person`` held one of ``offices`` at the publication date."""
        entry = self.registry.get(person.entity)
        titles = {t.lower().rstrip("s") for t in offices}
        if entry is None or not titles:
            return None
        year = int(article.published[:4]) if article.published else None
        held = {o.of for o in entry.offices if o.title.lower().rstrip("s") in titles and (year is None or (
            (o.start is None or o.start <= year) and (o.end is None or year <= o.end)))}
        return Arg(person.start, person.end, held.pop(), "Name") if len(held) == 1 else None
