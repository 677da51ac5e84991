"""Roles of a claim beyond its two arguments: quantity, location, via, co-agent, condition, topic.

Each role is read from cue words around the trigger ("near Minsk", "through the CSTO",
"together with China", "whenever we request it", "talks on gas prices").
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from . import quantities
from .relation_args import BOUNDARY, DETERMINERS, PREPOSITIONS, WINDOW, Arg, crosses_boundary, modifier, word_before
from .relation_rows import PLACE_CLASSES, Context

_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "on"})
_VIA = frozenset({"through", "via", "within", "under"})
_CO_AGENT = (("together", "with"), ("jointly", "with"), ("along", "with"), ("in", "cooperation", "with"),
             ("in", "partnership", "with"), ("alongside",))
_CONDITION_OPENERS = (("provided", "that"), ("on", "condition", "that"), ("as", "long", "as"), ("in", "case"),
                      ("if",), ("unless",), ("whenever",), ("provided",))
_CALENDAR = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                       "february", "march", "april", "may", "june", "july", "august", "september", "october",
                       "november", "december", "today", "yesterday", "tomorrow", "week", "month", "year",
                       "weekend", "morning", "evening", "night", "day"})
_CLAUSE_END = frozenset({",", ";", ".", ":", "—", "–", "then", "but", '"', "”", "“", "(", ")"})


def quantity(doc: Doc, a: Arg) -> tuple[str, str] | None:
    """The count of a counted group argument: a leading number inside it or right before it."""
    inside = quantities.at(doc, a.start) if a.kind != "Adjectival" else None
    if inside is not None:
        return inside
    found = quantities.before(doc, a.start)
    if found is not None and len(found[1]) == 4 and found[1].isdigit() and 1800 < int(found[1]) < 2100:
        return None  # "the 2014 Minsk Protocol": a year
    return found


def location(doc: Doc, args: list[Arg], trig_end: int, places: frozenset[str],
             classes: dict[str, str], taken: set[str]) -> Arg | None:
    """A place right of the trigger after "in"/"at"/"near" that is not an argument already."""
    for a in args:
        if a.start < trig_end or a.start - trig_end > WINDOW or crosses_boundary(doc, trig_end, a.start):
            continue
        if not any(b.end <= a.start and a.start - b.end <= 4 for b in args if b.entity in taken) \
                and a.start - trig_end > 6:
            continue  # far from the trigger and its arguments: "due to concerns about rights in Belarus"
        if classes.get(a.entity) in places and a.entity not in taken and word_before(doc, a) in _LOCATIVE \
                and a.kind != "Adjectival" and not modifier(doc, a):
            return a
    return None


def via(doc: Doc, args: list[Arg], trig_end: int, sent_end: int, taken: set[str]) -> Arg | None:
    """The framework an act goes through: "through the CSTO", "via the Union State", "within the EEU"."""
    for a in args:
        if trig_end <= a.start < min(sent_end, trig_end + WINDOW + 4) and a.entity not in taken \
                and not crosses_boundary(doc, trig_end, a.start) and word_before(doc, a) in _VIA:
            return a
    return None


def co_agent(doc: Doc, args: list[Arg], trig: tuple[int, int], taken: set[str]) -> Arg | None:
    """An actor joined to the agent by "together with", "jointly with", "alongside" ... in the trigger's clause."""
    for a in args:
        if a.entity in taken or modifier(doc, a) or a.kind == "Adjectival" or abs(a.start - trig[1]) > WINDOW:
            continue
        lo, hi = (trig[1], a.start) if a.start >= trig[1] else (a.end, trig[0])
        if crosses_boundary(doc, lo, hi):
            continue
        k = a.start
        while k > 0 and doc[k - 1].lower_ in DETERMINERS:
            k -= 1
        words = [t.lower_ for t in doc[max(0, k - 3):k]]
        if any(tuple(words[-len(cue):]) == cue for cue in _CO_AGENT if len(words) >= len(cue)):
            return a
    return None


def condition(sent: SpacySpan, trig: tuple[int, int]) -> str | None:
    """The text of a condition on the trigger: a fronted clause ("If X survives, ...") whose comma precedes the
    trigger, or one that follows the trigger's clause closely ("... whenever we request it")."""
    words = [t.lower_ for t in sent]
    ts, te = trig[0] - sent.start, trig[1] - sent.start
    for k in range(len(words)):
        for cue in _CONDITION_OPENERS:
            if tuple(words[k:k + len(cue)]) != cue or (cue == ("if",) and k > 0 and words[k - 1] in {"as", "even"}):
                continue
            end = k + len(cue)
            while end < len(words) and words[end] not in _CLAUSE_END:
                end += 1
            fronted = end <= ts and not any(w in {".", ";"} for w in words[end:ts]) and k <= 2
            after = te <= k <= te + 10 and not any(w in {";", ".", ":"} or w in BOUNDARY for w in words[te:k])
            if end - k > len(cue) and (fronted or after):
                return sent[k:end].text.strip(" \"“”")
    return None


def topic(doc: Doc, trig_end: int, sent_end: int, preps: Sequence[str], taken: list[Arg]) -> str | None:
    """What a consultation was about: the phrase after "on"/"about"/... (or right after the trigger when
    ``""`` is among ``preps``) up to the end of the clause or the next argument; never a date."""
    stops = {a.start for a in taken}
    i = trig_end
    while i < min(sent_end, trig_end + 4) and i not in stops and doc[i].lower_ in {"with", "again", "by", "phone",
                                                                                  "telephone", "the", "a"}:
        i += 1  # "spoke by phone about", "discussed with"
    low = doc[i].lower_ if i < sent_end else ""
    if i in stops or not (low in preps or ("" in preps and i == trig_end and low not in PREPOSITIONS
                                           and not doc[i].is_punct)):
        return None
    start = i + (low in preps)
    end = start
    while end < sent_end and end - start < 10 and end not in stops and doc[end].lower_ not in _CLAUSE_END \
            and doc[end].lower_ not in BOUNDARY and doc[end].lower_ not in _VIA \
            and doc[end].lower_ not in {"with", "by", "on", "in", "and", "at", "between"}:
        end += 1
    words = doc[start:end]
    if not any(t.lower_ not in DETERMINERS for t in words) or any(t.like_num or t.lower_ in _CALENDAR for t in words):
        return None
    return words.text.strip()


def cameo(ctx: Context) -> str | None:
    """The row's CAMEO code, or a finer one when a refining word is near ("spoke by phone" -> 041)."""
    doc, (ts, te), row = ctx.doc, ctx.trig, ctx.row
    near = {t.lemma_.lower() for t in doc[max(ctx.sent.start, ts - 3):min(ctx.sent.end, te + 8)]}
    near |= {t.lower_ for t in doc[max(ctx.sent.start, ts - 3):min(ctx.sent.end, te + 8)]}
    for rule in row.get("refine", ()):
        if near & set(rule["lemmas"]):
            return str(rule["cameo"])
    return row.get("cameo")


def roles(ctx: Context, subj: Arg, obj: Arg, known: dict[str, str]) -> dict[str, str]:
    """Roles of one claim read around its trigger (``known``: roles its frame already set)."""
    doc, sent, trig, row, classes = ctx.doc, ctx.sent, ctx.trig, ctx.row, ctx.classes
    out: dict[str, str] = {}
    if row["frame"] == "TITLE":
        return out
    taken = {subj.entity, obj.entity, *known.values()}
    where = location(doc, ctx.in_sent, trig[1], PLACE_CLASSES, classes, taken) if row.get("cameo") else None
    if where is not None:
        out["location"] = where.entity
        taken.add(where.entity)
    through = via(doc, ctx.in_sent, trig[1], sent.end, taken)
    if through is not None:
        out["via"] = through.entity
        taken.add(through.entity)
    if "coAgent" not in known:
        partner = co_agent(doc, ctx.in_sent, trig, taken)
        if partner is not None:
            out["coAgent"] = partner.entity
    whole = [a for a in ctx.in_sent if a.start > trig[1] and a.entity not in taken and a.start >= 2
             and [t.lower_ for t in doc[a.start - 3:a.start]][-2:] == ["part", "of"]
             and doc[a.start - 3].lower_ == "as"]
    if whole and row["predicate"] == "recognizes":
        out["whole"] = whole[0].entity
    cond = condition(sent, trig)
    if cond:
        out["condition"] = cond
    if row.get("topic"):
        about = topic(doc, trig[1], sent.end, row["topic"], [a for a in ctx.in_sent if a.start >= trig[1]])
        if about:
            out["topicText"] = about
    return out


#: Classes whose mentions may carry a head count ("32 suspected mercenaries").
_COUNTABLE = frozenset({"Person", "Organization", "ArmedGroup"})


def count(doc: Doc, arg: Arg | None, classes: dict[str, str]) -> list[tuple[str, str]]:
    """Quantity roles of a counted group argument ("32 suspected mercenaries", "nearly three dozen Russians")."""
    if arg is None or not (classes.get(arg.entity) in _COUNTABLE or arg.kind == "Adjectival"):
        return []
    found = quantity(doc, arg)
    if found is None:
        return []
    value, text = found
    return [("quantity", value), ("quantityText", text)]
