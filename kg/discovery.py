"""Names the gazetteer does not know: spaCy Matcher rows from ontology/patterns/discovery.jsonl.

Each row finds a name by its cue (a title before a person's name, a head noun at the
end of an organisation's name, "the city of" before a town, ...) and types it by that
cue. The rows' conventions are documented at the top of the pattern file. Matches that
overlap are resolved longest first, then by row order, so a token belongs to at most
one discovered name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from .doctext import words
from .errors import PatternError
from .lexicon import Lexicon, heads_of
from .matching import GatedMatcher
from .resources import Resources

_LEADING = re.compile(r"^(?:the|those|these|some|about|nearly|almost|around|a|an)\s+", re.I)
_MAX_TOKENS = 8
_CONNECTIVES = frozenset({"and", "of", "for", "&", "the", "on"})
_ARTICLES = frozenset({"the", "a", "an"})


@dataclass(frozen=True, slots=True)
class Discovered:
    """A name found by a discovery row: tokens ``[start, end)`` of the Doc."""

    start: int
    end: int
    name: str
    cls: str
    kind: str
    row: str
    #: same count and head noun in one article: the same group ("32 ... mercenaries")
    group_key: tuple[str, ...] | None = None


class Discoverer:
    """Runs the discovery rows on a Doc whose tokens carry the lexicon attributes.

    Args:
        resources: Loaded ontology folder (``discovery`` pattern rows).
        vocab: The pipeline's vocabulary.
        lexicon: Word classes (for the ``@head`` label).
    """

    def __init__(self, resources: Resources, vocab: Any, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.matcher = GatedMatcher(vocab)
        self.rows: dict[str, dict[str, Any]] = {}
        self.order: dict[str, int] = {}
        #: rows whose name is part of the match: their matches need alignments (the other rows' are found faster)
        self.partial: frozenset[str] = frozenset()
        for i, row in enumerate(resources.pattern_rows("discovery")):
            key = str(row.get("id") or f"discovery-{i}")
            if key in self.rows:
                raise PatternError(f"{resources.root}/patterns/discovery.jsonl row {i + 1}: duplicate id {key!r}")
            try:
                self.matcher.add(key, [lexicon.native(row["pattern"])])
                if list(row.get("name", [0, len(row["pattern"])])) != [0, len(row["pattern"])]:
                    self.partial |= {key}
            except (KeyError, ValueError) as exc:
                raise PatternError(f"{resources.root}/patterns/discovery.jsonl row {i + 1}: {exc}") from exc
            self.rows[key] = row
            self.order[key] = i

    def __call__(self, doc: Doc, known: Sequence[tuple[int, int]], matches: Sequence[Any] | None = None
                 ) -> list[Discovered]:
        """Discovered names of ``doc``; ``known`` are the token spans of gazetteer entities; ``matches``: what
        :attr:`matcher` finds in ``doc`` with alignments for :attr:`partial` (found here when None)."""
        covered: dict[int, tuple[int, int]] = {t: (s, e) for s, e in known for t in range(s, e)}
        known_set = set(known)
        bounds = []
        lower = words(doc).lower
        if matches is None:
            matches = self.matcher(doc, with_alignments=self.partial)
        for match_id, start, end, *align in matches:
            key = doc.vocab.strings[match_id]
            row = self.rows[key]
            if not align:
                s, e = start, end
            else:
                lo, hi = row.get("name", [0, len(row["pattern"])])
                toks = [start + j for j, el in enumerate(align[0]) if lo <= el < hi]
                if not toks:
                    continue
                s, e = toks[0], toks[-1] + 1
            while s < e and lower[s] in _ARTICLES:
                s += 1
            while e > s and lower[e - 1] in _CONNECTIVES:
                e -= 1
            bounds.append((s, e, key, start, end))
        # longest first, then the earlier row, then the earlier position; a name overlapping one already
        # taken is dropped whether or not it passes its row's checks, so those are only run on the others
        bounds.sort(key=lambda b: (-(b[1] - b[0]), self.order[b[2]], b[0]))
        taken: set[int] = set()
        out = []
        for s, e, key, start, end in bounds:
            if not taken.isdisjoint(range(s, e)):
                continue
            found = self._accept(doc, self.rows[key], key, (s, e), doc[start:end], covered, known_set)
            if found is not None:
                out.append(found)
                taken.update(range(s, e))
        return sorted(out, key=lambda d: (d.start, d.end))

    def _accept(self, doc: Doc, row: dict[str, Any], key: str, bounds: tuple[int, int], match: Any,
                covered: dict[int, tuple[int, int]], known: set[tuple[int, int]]) -> Discovered | None:
        """The discovered name of one match, or None if the match fails the row's checks."""
        s, e = bounds
        if e - s > _MAX_TOKENS or (s, e) in known:
            return None
        # a name may contain known entities but not cut through one, nor end with one
        # ("Russian Security Council" stays the known council: the prefix may be a mere adjective)
        if e - 1 in covered:
            return None
        for t in (s, e - 1):
            if t in covered and not (s <= covered[t][0] and covered[t][1] <= e):
                return None
        if _glued(doc, s - 1, s) or _glued(doc, e - 1, e):
            return None  # "anti-[Russian provocation]": a name starts and ends at a word boundary
        span = doc[s:e]
        cls = str(row["label"])
        if cls == "@head":
            # the head may lie outside the name ("Belavia, the state airline")
            allowed = row.get("heads", ())
            heads = [head for i in range(match.start, match.end) if (head := heads_of(doc).get(i, "")) in allowed]
            if not heads:
                return None
            cls = heads[0] if row.get("head") == "first" else heads[-1]
        anchors = row.get("anchor")
        if anchors and not self._anchored(span, anchors, bool(row.get("headed"))):
            return None
        if cls == "Person" and e < len(doc) and heads_of(doc).get(e):
            return None  # "President Ivan Petrov Street" is not a person
        if cls == "Facility" and span[-1].lower_ != span[-1].lemma_.lower():
            return None  # "Belarusian refineries": a class of sites, not one site
        name = _LEADING.sub("", span.text).strip()
        group = None
        if row.get("group_key"):
            group = (cls, *[t.text for t in span if t.like_num][:1], span[-1].lemma_.lower())
        return Discovered(s, e, name, cls, str(row.get("kind", "Name")), key, group)

    def _anchored(self, span: Any, anchors: Sequence[str], headed: bool) -> bool:
        body = list(span)[:-1] if headed else list(span)
        if "known" in anchors and any(t.ent_type_ for t in body):
            return True
        if "year" in anchors and any(t.shape_ == "dddd" for t in body):
            return True
        common = self.lexicon.common_words
        return "proper" in anchors and any(
            t.is_alpha and t.lower_ not in common and t.lemma_.lower() not in common for t in body
        )


def _glued(doc: Doc, left: int, right: int) -> bool:
    """Tokens ``left`` and ``right`` are joined by a hyphen without spaces (or one of them is that hyphen)."""
    if left < 0 or right >= len(doc):
        return False
    a, b = doc[left], doc[right]
    return not a.whitespace_ and (a.text in {"-", "–"} or b.text in {"-", "–"})
