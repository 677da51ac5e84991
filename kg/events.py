"""Claims -> Events: interactions dated to the day become shared ``gk:Event`` nodes.

An event's IRI is minted from its date, CAMEO code and sorted participants
(ONTOLOGY.md §4.2), so two articles reporting the same phone call meet on one
node. Only positive claims report events; a denied meeting is no event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .iris import event_slug
from .records import Claim, Event


def _label(claim: Claim, date: str, names: dict[str, str]) -> str:
    who = " – ".join(sorted(names.get(p, p.rsplit("/", 1)[-1]) for p in (claim.subject, claim.object)))
    return f"{claim.relation_text} ({who}, {date})"


def attach_events(claims: Iterable[Claim], names: dict[str, str]) -> tuple[list[Claim], list[Event]]:
    """Events reported by day-dated positive interaction claims, and the claims linked to them.

    Args:
        claims: Claims of one document.
        names: Entity id -> canonical name, for event labels.

    Returns:
        The claims (with a ``reportsEvent`` role where an event applies) and the events.
    """
    events: dict[str, Event] = {}
    out = []
    for claim in claims:
        tv = claim.time
        if claim.cameo and claim.polarity == "Positive" and tv and tv.precision == "day" and tv.value:
            participants = tuple(sorted({claim.subject, claim.object}))
            eid = "event/" + event_slug(tv.value, claim.cameo, list(participants))
            events.setdefault(eid, Event(eid, _label(claim, tv.value, names), claim.cameo, participants, tv))
            claim = replace(claim, roles=tuple(sorted({*claim.roles, ("reportsEvent", eid)})))
        out.append(claim)
    return out, sorted(events.values())
