"""Counts written in digits or words ("32", "nearly three dozen", "more than thirty-two"), with their text."""

from __future__ import annotations

from spacy.tokens import Doc, Token

#: Quantities written in words; "dozen" multiplies; approximators ("nearly") are kept in the text.
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
          "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_APPROX_1 = frozenset({"nearly", "almost", "about", "around", "roughly", "approximately", "some", "over", "just",
                       "under", "estimated"})
_APPROX_2 = frozenset({("more", "than"), ("fewer", "than"), ("less", "than"), ("at", "least"), ("up", "to")})


def before(doc: Doc, i: int) -> tuple[str, str] | None:
    """The number ending right before token ``i`` ("nearly three dozen", "32"): (value, text)."""
    j = i
    while j > 0 and doc[j - 1].lower_ in {"suspected", "detained", "alleged", "other", "of", "more"} and j > i - 3:
        j -= 1  # "32 suspected mercenaries"
    start = j
    while start > 0 and (_number_word(doc[start - 1]) or doc[start - 1].text == "-" and start > 1
                         and _number_word(doc[start - 2]) or doc[start - 1].lower_ in {"a", "an"} and start < j
                         and doc[start].lower_ in _MULTIPLIERS):
        start -= 1
    if start == j:
        return None
    while True:
        if start > 0 and doc[start - 1].lower_ in _APPROX_1:
            start -= 1
        elif start > 1 and (doc[start - 2].lower_, doc[start - 1].lower_) in _APPROX_2:
            start -= 2
        else:
            break
    return at(doc, start)


def at(doc: Doc, i: int) -> tuple[str, str] | None:
    """A number written in digits or words starting at token ``i``: (value, text as written).

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> at(nlp("nearly three dozen Russians"), 0)
    ('36', 'nearly three dozen')
    >>> at(nlp("those 1,200 troops"), 1)
    ('1200', '1,200')
    >>> at(nlp("more than thirty-two Russians"), 0)
    ('32', 'more than thirty-two')
    """
    j = i
    while j < len(doc) and not _number_word(doc[j]):
        if doc[j].lower_ in _APPROX_1:
            j += 1
        elif j + 1 < len(doc) and (doc[j].lower_, doc[j + 1].lower_) in _APPROX_2:
            j += 2
        elif doc[j].lower_ in {"a", "an"} and j + 1 < len(doc) and doc[j + 1].lower_ in _MULTIPLIERS:
            break
        else:
            return None
    total, current, end = 0, 0, j
    while end < len(doc):
        low = doc[end].lower_.replace(",", "")
        if low.isdigit():
            current += int(low)
        elif low in _UNITS:
            current += _UNITS[low]
        elif low in {"a", "an"} and end == j:
            current = 1
        elif low in _MULTIPLIERS and end > j:
            current = max(current, 1) * _MULTIPLIERS[low]
            if _MULTIPLIERS[low] >= 1000:
                total, current = total + current, 0
        elif not (low == "-" and end > j and end + 1 < len(doc) and doc[end + 1].lower_ in _UNITS):
            break
        end += 1
    value = total + current
    if end == j or not value:
        return None
    return str(value), doc[i:end].text


def _number_word(tok: Token) -> bool:
    low = tok.lower_.replace(",", "")
    return low.isdigit() or low in _UNITS or low in _MULTIPLIERS
