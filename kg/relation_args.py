"""Arguments of a relation trigger, found around it in the token sequence.

The blank pipeline has no parser, so the arguments of a trigger are found by position:
the subject is the nearest actor to the left in the same clause (with the actors
coordinated to it, or the possessor of a noun trigger), the object the nearest entity to
the right. Passive triggers ("was detained by X", "resolutions sponsored by X") take their
agent from the by-phrase. Roles are in kg/relation_roles.py. Word lists that are syntax,
not vocabulary of a relation, live here; relation vocabulary lives in
ontology/patterns/relations.jsonl.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from . import quantities
from .doctext import words as doc_words
from .records import Article

#: Words that end the clause an argument may be taken from.
BOUNDARY = frozenset({";", "which", "who", "whom", "whose", "while", "whereas", "but", "although", "though",
                      "because", "unlike", "despite", "that", "hence", "thus", "therefore", "since", "if",
                      "unless", "when", "whenever", "after", "before"})
_COORD = frozenset({"and", ",", "both", "as", "well", "or", "the", "presidents", "leaders", "&"})
#: A mention right after one of these is an oblique argument, never the subject.
PREPOSITIONS = frozenset({"to", "for", "with", "from", "against", "of", "in", "at", "on", "into", "toward",
                          "towards", "by", "between", "among", "about", "over", "like", "near", "through",
                          "via", "within", "across", "along", "upon", "without", "than", "under", "outside",
                          "inside", "beyond", "behind", "around", "during", "amid", "alongside", "throughout",
                          "onto", "off", "beside", "besides", "except", "unlike", "per"})
_PARTICLES = frozenset({"over", "back", "up", "out", "down", "off", "away"})
DETERMINERS = frozenset({"the", "a", "an", "both", "its", "their", "his", "her", "those", "these", "this",
                          "that", "all", "some"})
_PREFIXES = frozenset({"anti", "pro", "non", "post", "pre", "neo", "ex"})
POSSESSIVE = frozenset({"'s", "'", "’s", "’"})
_AUX = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "got", "gets", "getting"})
_ADVERB_GAP = frozenset({"once", "reportedly", "allegedly", "also", "not", "never", "later", "recently", "already",
                         "then", "just", "again", "officially", "formally", "illegally", "briefly", "now",
                         "reported", "subsequently", "eventually", "finally", "first", "all", "both"})
#: Words between a relative clause's closing comma and the trigger ("..., which borders X, has applied to").
_RELATIVE_GAP = _ADVERB_GAP | {"to", "applied", "has", "have", "had", "then"}
_IRREGULAR_PARTICIPLES = frozenset({"held", "led", "met", "sent", "lent", "given", "made", "built", "taken",
                                    "brought", "kept", "seen", "told", "struck", "shot", "beaten", "driven",
                                    "run", "fought", "sought", "caught", "bought", "won", "hit", "set", "put",
                                    "known", "shown", "withdrawn", "overthrown", "thrown", "chosen", "spoken"})
#: Speech verbs: an actor before one is the speaker, not the subject of what follows.
_SPEECH = frozenset({"said", "says", "say", "told", "tells", "announced", "announces", "reported", "reports",
                     "claimed", "claims", "stated", "states", "added", "noted", "believes", "believed", "thinks",
                     "argued", "argues", "insisted", "insists", "wrote", "writes", "declared", "declares"})
_OPEN_QUOTES = frozenset({'"', "“", "'", "‘", "«"})
_CLOSE_QUOTES = frozenset({'"', "”", "'", "’", "»"})
_QUOTES = _OPEN_QUOTES | _CLOSE_QUOTES
#: Words after a dash or colon that introduce examples of the noun before it ("projects – notably the CSTO").
_EXAMPLES = frozenset({"notably", "including", "namely", "especially", "particularly", "such", "like", "mainly",
                       "primarily", "chiefly", "most"})
#: Quantities written in words; "dozen" multiplies, approximators mark the number as approximate.
WINDOW = 15
#: Nouns that turn a leader into his state: "his government", "Lukashenko's country".
POLITY_NOUNS = frozenset({"government", "country", "state", "nation", "homeland", "regime", "administration",
                          "borders", "border", "territory", "cabinet", "authorities"})


@dataclass(frozen=True, slots=True)
class Arg:
    """A mention that can fill an argument slot: doc token range, entity id and mention kind."""

    start: int
    end: int
    entity: str
    kind: str


def outer_args(doc: Doc, token_spans: Sequence[tuple[int, int, str, str]]) -> list[Arg]:
    """Mentions that can be arguments.

    Not inside a longer mention (a group's name holds "Wagner"), and not the stem of
    "anti-Russian" or "pro-Western", which are about, not by, the country.
    """
    spans = [Arg(s, e, eid, kind) for s, e, eid, kind in token_spans]

    def prefixed(a: Arg) -> bool:
        return a.start >= 2 and doc[a.start - 1].text == "-" and doc[a.start - 2].lower_ in _PREFIXES

    inner = _contained({(a.start, a.end) for a in spans})
    return [a for a in spans if not prefixed(a) and (a.start, a.end) not in inner]


def _contained(ranges: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The ranges that lie inside another, longer one.

    >>> sorted(_contained({(0, 3), (1, 2), (2, 3), (4, 5)}))
    [(1, 2), (2, 3)]
    """
    out, reach = set(), -1  # the furthest end of the ranges before (starting earlier, or as early and longer)
    for start, end in sorted(ranges, key=lambda r: (r[0], -r[1])):
        if reach >= end:
            out.add((start, end))
        reach = max(reach, end)
    return out


def skip_tokens(doc: Doc, article: Article) -> list[tuple[int, int]]:
    """Token ranges of the article's skipped text (header lines, boilerplate)."""
    out = []
    for b, e in article.skip:
        span = doc.char_span(b, e, alignment_mode="expand")
        if span is not None:
            out.append((span.start, span.end))
    return out


def crosses_boundary(doc: Doc, start: int, end: int) -> bool:
    """Does a clause boundary word lie in ``doc[start:end]``? ("no choice but to" is no boundary)."""
    lower = doc_words(doc).lower
    for i in range(*slice(start, end).indices(len(lower))):
        if lower[i] in BOUNDARY and not (lower[i] == "but" and i + 1 < len(lower) and lower[i + 1] == "to"):
            return True
    return False


def preposition_before(doc: Doc, a: Arg, floor: int = 0, args: Sequence[Arg] = ()) -> str | None:
    """The preposition governing ``a`` ("to the CSTO" -> "to"), skipping determiners; none before ``floor``
    (the trigger's own particle: "handed over X"). With ``args``, a conjunct takes the preposition of the
    argument it is coordinated to ("between Russia and Ukraine")."""
    text, lower, _ = doc_words(doc)
    i = a.start - 1
    while i >= floor and (lower[i] in DETERMINERS or _title_word(doc[i]) or any(
            b.kind == "Adjectival" and b.start <= i < b.end for b in args)):
        i -= 1  # "with Russian President Vladimir Putin"
    if i < floor:  # the trigger's own last word: "member of" governs, "handed over" is a particle
        last = lower[floor - 1] if floor else ""
        return last if i == floor - 1 and last in PREPOSITIONS and last not in _PARTICLES else None
    if lower[i] in PREPOSITIONS:
        return lower[i]
    listing = a.end < len(lower) and lower[a.end] in {",", "and", "or"}
    if lower[i] in {"and", "or"} or text[i] == "," and listing:  # "with Poland, Lithuania and Latvia"
        head = next((b for b in args if b.end <= i and i - b.end <= 1), None)
        return preposition_before(doc, head, floor, args) if head is not None else None
    return None


def _title_word(tok: Token) -> bool:
    """A word of a person's title ("President", "Foreign Minister"), as the lexicon marks it, if loaded."""
    return Token.has_extension("kg_title") and bool(tok._.kg_title) and not tok.is_lower


def word_before(doc: Doc, a: Arg) -> str | None:
    """The word before ``a`` and its determiners ("near the border" -> "near")."""
    i = a.start - 1
    while i >= 0 and doc[i].lower_ in DETERMINERS:
        i -= 1
    return doc[i].lower_ if i >= 0 else None


def modifier(doc: Doc, a: Arg) -> bool:
    """A name inside a compound modifier ("US-backed", "Ukrainian-sponsored")."""
    return a.end + 1 < len(doc) and doc_words(doc).text[a.end] == "-" and doc[a.end + 1].is_lower


def _counted(doc: Doc, a: Arg) -> bool:
    """A demonym used as a counted noun ("32 Russians", "those nearly three dozen Ukrainians")."""
    return a.kind == "Adjectival" and quantities.before(doc, a.start) is not None


def left(doc: Doc, args: list[Arg], trig_start: int, ok: Callable[[Arg], bool]) -> list[Arg]:
    """The subject left of the trigger with actors coordinated to it; a possessor right before it wins.

    Obliques ("flew to Sochi for talks", "relations with both Kiev and Moscow") are passed over; the
    search stops at a clause boundary or a speech verb ("the Kremlin said the presidents discussed").
    A demonym is a subject only as a modifier right before a noun trigger ("a Russian military
    intervention"), never as a counted noun ("32 Russians") or after a preposition.
    """
    inner = _relative_clause(doc, trig_start)
    before = [a for a in args if a.end <= trig_start and ok(a) and not _counted(doc, a)
              and not (inner[0] <= a.start < inner[1])]
    if not before:
        return []
    first = before[-1]
    gap = doc[first.end:trig_start]
    possessive = bool(len(gap)) and gap[0].text in POSSESSIVE and len(gap) <= 4
    owner = _possessor_of_modifier(doc, before, first, trig_start)
    if owner is not None:  # his country's "Union State" relations: the possessor, not the name
        first, possessive = owner, True
    if first.kind == "Adjectival" and not possessive and (
            trig_start - first.end > 2 or any(not t.is_lower for t in gap)):
        return []
    k = before.index(first)
    skipped = False
    while not possessive and (preposition_before(doc, first, 0, args) or modifier(doc, first)):
        if k == 0 or before[k - 1].kind == "Adjectival":
            return []
        k, skipped = k - 1, True
        first = before[k]
    if skipped and not _opens_clause(doc, args, first):
        return []  # "X praised Y as a friend of China during a visit": Y is an object, not the visitor
    if first.end < trig_start - WINDOW or _subject_barrier(doc, first.end, trig_start):
        return []
    chosen = [first]
    text, lower, _ = doc_words(doc)
    for a in reversed(before[:k]):
        between_words = text[a.end:chosen[-1].start]
        words = {w for w, t in zip(lower[a.end:chosen[-1].start], between_words, strict=True) if not t.isspace()}
        if words == {"-"} and a.kind == chosen[-1].kind == "Adjectival":  # "Russian-Belarusian talks"
            chosen.append(a)
            continue
        listed = bool(words & {"and", "both", "or", "&"}) or ("," in words and len(chosen) > 1)  # "A, B and C"
        if len(between_words) > 4 or not words <= _COORD or not listed:
            break
        chosen.append(a)
    if len(chosen) > 1 and not possessive and preposition_before(doc, chosen[-1]):
        if any(t.text == "," for t in doc[chosen[1].end:first.start]):
            return [first]  # "... in the Donbas, and Ukraine asked": a new clause
        return []  # "relations with both Kiev and Moscow": the pair is an object
    return list(reversed(chosen))


def _relative_clause(doc: Doc, trig_start: int) -> tuple[int, int]:
    """The closed relative clause ", which borders X and Y," just before the trigger, if any (else (0, 0))."""
    text, lower, _ = doc_words(doc)
    i = trig_start - 1
    while i > 0 and lower[i] in _RELATIVE_GAP:
        i -= 1
    if text[i] != ",":
        return (0, 0)
    for k in range(i - 1, max(0, i - WINDOW), -1):
        if text[k] in {",", ";", "."} or doc[k].is_sent_start:
            if text[k] == "," and lower[k + 1] in {"which", "who", "whose", "where"}:
                return (k, i + 1)
            return (0, 0)
    return (0, 0)


def _opens_clause(doc: Doc, args: list[Arg], a: Arg) -> bool:
    """Is ``a`` (with the actors coordinated before it) the first actor of its clause?"""
    i = a.start - 1
    while i >= 0 and not (doc[i].lower_ in BOUNDARY or doc[i].text in {".", ";", ":"} or doc[i].is_sent_start):
        if any(b.start <= i < b.end for b in args) and not any(b.start <= i < b.end for b in args if b.end == a.start):
            between = {t.lower_ for t in doc[i + 1:a.start] if not any(b.start <= t.i < b.end for b in args)}
            if not between <= _COORD:
                return False
        i -= 1
    return True


def _subject_barrier(doc: Doc, start: int, end: int) -> bool:
    """A clause boundary or speech verb between a subject candidate and the trigger; "X, which borders"
    and "X, who met" keep X as the subject of the relative clause."""
    words = [w for w in doc_words(doc).lower[start:end] if w not in _ADVERB_GAP]
    if words[:2] in ([",", "which"], [",", "who"]) and not crosses_boundary(doc, start + 2, end):
        return any(w in _SPEECH for w in words)
    return crosses_boundary(doc, start, end) or any(w in _SPEECH for w in words)


def _possessor_of_modifier(doc: Doc, before: list[Arg], first: Arg, trig_start: int) -> Arg | None:
    """In "X's "Y" relations" a name modifying the trigger noun is owned by X: return X."""
    text = doc_words(doc).text
    if any(w not in _QUOTES for w in text[first.end:trig_start]):
        return None
    j = first.start - 1
    while j >= 0 and text[j] in _OPEN_QUOTES:
        j -= 1
    if j < 1 or text[j] not in POSSESSIVE:
        return None
    return next((a for a in before if a.end == j), None)


def right(doc: Doc, args: list[Arg], trig_end: int, ok: Callable[[Arg], bool],
          skip: Callable[[Arg], bool] | None = None) -> list[Arg]:
    """Acceptable arguments right of the trigger, nearest first, within the clause.

    ``skip`` drops arguments that are adjuncts for this trigger (a place after "in" when
    an organisation is wanted). A dash or colon followed by "notably", "including" ... does
    not end the clause: the examples are the arguments ("projects – most notably the CSTO").
    """
    out = []
    for a in args:
        if a.start < trig_end or not ok(a) or modifier(doc, a):
            continue
        if a.start - trig_end > WINDOW and not (a.start - trig_end <= 2 * WINDOW
                                                  and _examples_between(doc, trig_end, a.start)):
            continue
        if crosses_boundary(doc, trig_end, a.start) or _dash_break(doc, trig_end, a.start) or _new_clause(
                doc, trig_end, a.start, args):
            break
        if skip is not None and skip(a):
            continue
        out.append(a)
    return out


def _new_clause(doc: Doc, start: int, end: int, args: list[Arg]) -> bool:
    """", and" after a word that ends no argument starts a new clause ("in May 2015, and Chinese firms ...")."""
    text, lower, _ = doc_words(doc)
    commas = [i for i in range(*slice(start, end).indices(len(text))) if text[i] == ","
              and i + 1 < end and lower[i + 1] in {"and", "but", "while"}]
    return bool(commas) and not {a.end for a in args}.issuperset(commas)


def _dash_break(doc: Doc, start: int, end: int) -> bool:
    """A dash or colon that does not introduce examples, or an "(or X)" aside, ends the object clause."""
    text, lower, _ = doc_words(doc)
    for i in range(*slice(start, end).indices(len(text))):
        nxt = lower[i + 1] if i + 1 < len(text) else ""
        if text[i] in {"—", "–", ":"} and nxt not in _EXAMPLES or text[i] == "(" and nxt == "or":
            return True
    return False


def _examples_between(doc: Doc, start: int, end: int) -> bool:
    return any(t.lower_ in _EXAMPLES for t in doc[start:end])


def coordinated(doc: Doc, args: list[Arg]) -> list[Arg]:
    """The first argument and those coordinated to it ("the CSTO and the EEU"); "(or X)" is no conjunct."""
    if not args:
        return []
    chosen = [args[0]]
    text, lower, _ = doc_words(doc)
    for a in args[1:]:
        gap = [w for w, t in zip(lower[chosen[-1].end:a.start], text[chosen[-1].end:a.start], strict=True)
               if not t.isspace()]
        words = set(gap)
        if "(" in words and "or" in words:
            break
        joined = len(gap) <= 5 and words <= _COORD | {"(", ")", "relatively", "new"} and words & {"and", "or", ",", "&"}
        if not joined and not (a.entity == chosen[-1].entity and words <= {"(", ")"}):
            break
        chosen.append(a)
    return chosen


def adjacent(doc: Doc, start: int, end: int, args: list[Arg]) -> bool:
    """Does ``doc[start:end]`` hold nothing but determiners, quotes and other compound modifiers
    ("Polish-led and US-backed "Three Seas Initiative"")?"""
    i = start
    while i < end:
        tok = doc[i]
        arg = next((a for a in args if a.start == i and modifier(doc, a)), None)
        if arg is not None:
            i = arg.end + 2  # "US", "-", "backed"
        elif tok.lower_ in {"the", "a", "an", "and", "or", ","} or tok.text in _OPEN_QUOTES | _CLOSE_QUOTES:
            i += 1
        else:
            return False
    return True


def governed(doc: Doc, args: list[Arg], preps: Sequence[str]) -> Arg | None:
    """The first argument governed by one of ``preps`` ("to Russia")."""
    for a in args:
        if preposition_before(doc, a) in preps:
            return a
    return None


def between(doc: Doc, trig_end: int) -> bool:
    """Does "between" follow the trigger closely ("a phone call between X and Y")?"""
    return any(t.lower_ == "between" for t in doc[trig_end:trig_end + 3])


def passive(doc: Doc, trig: tuple[int, int]) -> bool:
    """Is the trigger a passive participle: "was detained", "resolutions sponsored by"?"""
    start, end = trig
    last = doc[end - 1]
    participle = last.lower_.endswith(("ed", "en")) or last.lower_ in _IRREGULAR_PARTICIPLES
    if not participle or last.lower_ == last.lemma_.lower():
        return False
    i = start - 1
    while i >= 0 and doc[i].lower_ in _ADVERB_GAP:
        i -= 1
    if i >= 0 and doc[i].lower_ in _AUX:
        return True
    return by_after(doc, end) is not None


def by_after(doc: Doc, end: int) -> int | None:
    """Index of the "by" right after a participle, past a quoted label ('dubbed "X" by Y')."""
    if end < len(doc) and doc[end].text in _OPEN_QUOTES:
        close = next((k for k in range(end + 1, min(len(doc), end + 12)) if doc[k].text in _CLOSE_QUOTES), None)
        end = close + 1 if close is not None else end
    return end if end < len(doc) and doc[end].lower_ == "by" else None


def agent(doc: Doc, args: list[Arg], trig_end: int, ok: Callable[[Arg], bool]) -> list[Arg]:
    """The by-phrase agent(s) of a passive trigger ("by X", "on the X side"), with coordinated agents."""
    found = [a for a in right(doc, args, trig_end, ok) if preposition_before(doc, a) == "by" or (
        word_before(doc, a) == "on" and "side" in {doc[a.end - 1].lower_, doc[min(a.end, len(doc) - 1)].lower_})]
    if not found:
        return []
    rest = [a for a in right(doc, args, found[0].start, ok)]
    return coordinated(doc, rest)


def patient(doc: Doc, args: list[Arg], trig_start: int, ok: Callable[[Arg], bool]) -> list[Arg]:
    """The subject of a passive clause: the nearest argument left, across "which"/"that" right before it."""
    i = trig_start - 1
    while i >= 0 and (doc[i].lower_ in _ADVERB_GAP or doc[i].lower_ in _AUX):
        i -= 1
    if i >= 0 and doc[i].lower_ in {"which", "that", "who"}:
        i -= 1
        if i >= 0 and doc[i].text == ",":
            i -= 1
    return left(doc, args, i + 1, ok)


def trimmed(sent: SpacySpan) -> tuple[int, int]:
    """Character range of the sentence without surrounding whitespace tokens."""
    tokens = [t for t in sent if not t.is_space]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
