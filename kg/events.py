"""Claims -> Events: interactions dated to the day become shared ``gk:Event`` nodes.

An event's IRI is minted from its date, CAMEO code and sorted participants
(ONTOLOGY.md §4.2), so two articles reporting the same phone call meet on one
node. Only positive claims report events, and no hypothetical one: a denied meeting, or
one that would happen if something else did, is no event.

Claims are grouped by date, CAMEO root (the first two digits: ``04`` consult) and
participant set. Within a group the narrowest code names the event: "Putin and
Lukashenko spoke again on Sunday" (``040``, consult) is the same event as a "phone call"
(``041``) between them on that day. A generic code (``040``, ``04``) is also narrowed by
the one narrow code the same document gives the same root and participants elsewhere,
undated ("the two phone calls between the presidents") or on another day ("they spoke
again"), as an annotator reads the whole article; a document naming two kinds of act
between them (a call and a visit) leaves it generic. When a group holds two different
narrow codes, they stay two events. :func:`attach_events`
applies this within a document, :func:`merge_events` across the documents of a build.

Each event is anchored in the text by a ``Description`` mention at the trigger words of
every claim reporting it (:func:`event_mentions`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from .iris import event_slug
from .records import Article, Claim, DocumentResult, Event, Mention

EVENT_ROLE = "reportsEvent"
EVENT_MENTION_KIND = "Description"
_GAP = r"(?:\s|<[^>]*>|[*_])+"  # what may separate the words of a trigger in the raw text


def cameo_root(code: str) -> str:
    """The CAMEO root (top-level category) of a code.

    >>> cameo_root("0841"), cameo_root("041"), cameo_root("04")
    ('08', '04', '04')
    """
    return code[:2]


def is_generic(code: str) -> bool:
    """True for a root code or its "not specified below" variant.

    >>> is_generic("04"), is_generic("040"), is_generic("041"), is_generic("100")
    (True, True, False, True)
    """
    return len(code.rstrip("0")) <= 2


def narrowest(codes: Iterable[str]) -> dict[str, str]:
    """Code -> the code its event takes: the one narrow code of the group, if there is one.

    Codes broader than that code (its prefixes, or generic) take it; with two unrelated
    narrow codes (a call and a visit) every code keeps its own.

    >>> narrowest(["040", "041"])
    {'040': '041', '041': '041'}
    >>> narrowest(["084", "0841", "080"])
    {'080': '0841', '084': '0841', '0841': '0841'}
    >>> narrowest(["041", "042", "040"])
    {'040': '040', '041': '041', '042': '042'}
    """
    codes = sorted(set(codes))
    narrow = {c for c in codes if not is_generic(c)}
    narrow = {c for c in narrow if not any(o != c and o.startswith(c) for o in narrow)}
    if len(narrow) != 1:
        return {c: c for c in codes}
    (only,) = narrow
    return {c: only if is_generic(c) or only.startswith(c) else c for c in codes}


def _eventful(claim: Claim) -> bool:
    # a denied or merely conditional act is no event; reported and hedged ones are
    return bool(claim.cameo) and claim.polarity == "Positive" and claim.modality != "Hypothetical"


def _dated(claim: Claim) -> str | None:
    tv = claim.time
    return tv.value if _eventful(claim) and tv and tv.precision == "day" and tv.value else None


def _label(relation: str, participants: Sequence[str], date: str, names: dict[str, str]) -> str:
    who = " – ".join(sorted(names.get(p, p.rsplit("/", 1)[-1]) for p in participants))
    return f"{relation} ({who}, {date})"


def attach_events(claims: Iterable[Claim], names: dict[str, str]) -> tuple[list[Claim], list[Event]]:
    """Events reported by day-dated positive interaction claims, and the claims linked to them.

    Args:
        claims: Claims of one document.
        names: Entity id -> canonical name, for event labels.

    Returns:
        The claims (with a ``reportsEvent`` role where an event applies) and the events, sorted.
    """
    claims = list(claims)
    groups: dict[tuple[str, str, tuple[str, ...]], list[Claim]] = defaultdict(list)
    in_document: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    for claim in claims:
        participants = tuple(sorted({claim.subject, claim.object}))
        if _eventful(claim) and claim.cameo:
            in_document[(cameo_root(claim.cameo), participants)].add(claim.cameo)
            day = _dated(claim)
            if day is not None:
                groups[(day, cameo_root(claim.cameo), participants)].append(claim)
    assigned: dict[int, str] = {}
    events: dict[str, Event] = {}
    for (day, root, participants), members in sorted(groups.items()):
        dated = {c.cameo for c in members if c.cameo}
        code_of = narrowest(dated)
        if all(is_generic(c) for c in dated):
            # a generic act is the one kind of act the document reports between the same parties, if it
            # names only one: "the two phone calls" (undated), "they spoke again" after a call
            document = narrowest(in_document[(root, participants)])
            code_of = {c: document[c] for c in dated}
        for code in sorted(set(code_of[c] for c in dated)):
            reporting = [c for c in members if code_of[c.cameo or ""] == code]
            eid = "event/" + event_slug(day, code, list(participants))
            # the wording of the narrowest claim names the event; ties go to the first in text order
            best = min(reporting, key=lambda c: (c.cameo != code, c.evidence.begin, c.relation_text))
            events[eid] = Event(eid, _label(best.relation_text, participants, day, names), code, participants,
                                best.time)
            assigned.update({id(c): eid for c in reporting})
    out = [replace(c, roles=tuple(sorted({*c.roles, (EVENT_ROLE, assigned[id(c)])}))) if id(c) in assigned else c
           for c in claims]
    return out, sorted(events.values())


def event_mentions(article: Article, claims: Iterable[Claim]) -> list[Mention]:
    """``Description`` mentions of events at the trigger words of the claims that report them.

    The trigger is the claim's relation text, looked up in its evidence sentence (markup and
    line breaks between its words allowed); a trigger that cannot be found gets no mention.
    """
    out: set[Mention] = set()
    for claim in claims:
        events = [v for r, v in claim.roles if r == EVENT_ROLE]
        words = claim.relation_text.split()
        if not events or not words:
            continue
        ev = claim.evidence
        m = re.search(_GAP.join(map(re.escape, words)), article.raw[ev.begin:ev.end])
        if m is None:
            continue
        begin, end = ev.begin + m.start(), ev.begin + m.end()
        out.update(Mention(begin, end, article.raw[begin:end], eid, EVENT_MENTION_KIND, (ev.begin, ev.end))
                   for eid in events)
    return sorted(out)


def merge_events(results: Sequence[DocumentResult]) -> list[DocumentResult]:
    """One event node per date, CAMEO root and participant set across the documents of a build.

    Documents that name the same day's interaction with codes of one root meet on the
    narrowest code (:func:`narrowest`); every copy of an event gets the same label, so the
    union of the document graphs describes each event once.

    Args:
        results: Per-document results, each with its own events.

    Returns:
        The results with event ids, labels, claim roles and event mentions rewritten.
    """
    groups: dict[tuple[str, str, tuple[str, ...]], list[Event]] = defaultdict(list)
    for result in results:
        for event in result.events:
            if event.time is not None and event.time.value:
                groups[(event.time.value, cameo_root(event.cameo), event.participants)].append(event)
    rename: dict[str, tuple[str, str]] = {}  # old id -> (new id, code)
    for (day, _, participants), events in groups.items():
        code_of = narrowest(e.cameo for e in events)
        for e in events:
            code = code_of[e.cameo]
            rename[e.id] = ("event/" + event_slug(day, code, list(participants)), code)
    labels: dict[str, str] = {}
    for result in results:
        for e in result.events:
            new, code = rename.get(e.id, (e.id, e.cameo))
            if e.cameo == code:
                labels[new] = min(labels.get(new, e.label), e.label)
    for result in results:
        for e in result.events:
            new, _ = rename.get(e.id, (e.id, e.cameo))
            labels.setdefault(new, e.label)
    out = []
    for result in results:
        merged: dict[str, Event] = {}
        for e in result.events:
            new, code = rename.get(e.id, (e.id, e.cameo))
            merged.setdefault(new, replace(e, id=new, cameo=code, label=labels[new]))
        claims = tuple(replace(c, roles=tuple(sorted({(r, rename[v][0] if r == EVENT_ROLE and v in rename else v)
                                                     for r, v in c.roles})))
                       for c in result.claims)
        mentions = tuple(sorted({replace(m, entity_id=rename[m.entity_id][0]) if m.entity_id in rename else m
                                 for m in result.mentions}))
        out.append(replace(result, events=tuple(sorted(merged.values())), claims=claims, mentions=mentions))
    return out
