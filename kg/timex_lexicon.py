"""Word classes of ontology/patterns/timex.jsonl (month and weekday names, numbers, cue words).

The rules that use them are in :mod:`kg.timex_rules`; each row's label and keys are
documented at the top of the data file. Rows are validated here and errors name the
file, the row and its id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import PatternError

UNITS = ("day", "week", "month", "year", "decade")
#: label -> keys a row of that label must have
LABELS: dict[str, tuple[str, ...]] = {
    "MONTH": ("value", "names"), "WEEKDAY": ("value", "names"), "NUMBER": ("value", "words"),
    "VAGUE_COUNT": ("words", "min", "max"), "PREPOSITION": ("words",), "YEAR_PREPOSITION": ("words",),
    "YEAR_FOLLOWER": ("words",), "DAY_PART": ("words",), "DEICTIC": ("offset", "words"),
    "RELATIVE": ("offset", "words"), "WEEKDAY_RELATIVE": ("sign", "words"), "SPAN": ("sign", "words"),
    "SPAN_ADVERB": ("sign", "words"), "AGO": ("words",), "ANCHOR_ADJECTIVE": ("sign", "words"),
    "ANCHOR_ADVERB": ("sign", "words"), "PART": ("key", "words"), "DATELINE_PART": ("sign", "words"),
    "FUTURE": ("words",), "PAST": ("words",),
    "CLAUSE_BOUNDARY": ("words",),
}
_THIRDS = ("month", "year", "week", "decade")


def alt(words: Iterable[str]) -> str:
    """Regex alternation of words and phrases, longest first, spaces matching any whitespace."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def norm(text: str) -> str:
    """Lower case with single spaces: the form words are looked up in."""
    return " ".join(text.lower().split())


class Lexicon:
    """Word classes of a timex pattern file, the regex pieces made of them and the tense cues.

    Args:
        rows: Rows of ``ontology/patterns/timex.jsonl``.
        where: The file name, for error messages.

    Raises:
        PatternError: a row has an unknown label, lacks a key, or repeats an id.
    """

    def __init__(self, rows: Iterable[dict[str, Any]], where: str = "timex.jsonl") -> None:
        by: dict[str, list[dict[str, Any]]] = {label: [] for label in LABELS}
        ids: set[str] = set()
        for i, row in enumerate(rows, 1):
            at = f"{where} row {i} (id {row.get('id', '?')!r})"
            if row.get("label") not in LABELS:
                raise PatternError(f"{at}: unknown label {row.get('label')!r}; use one of {sorted(LABELS)}")
            missing = [k for k in ("id", *LABELS[row["label"]]) if k not in row]
            if missing or row["id"] in ids or not isinstance(row.get("words", row.get("names")), list):
                raise PatternError(f"{at}: " + (f"missing {missing}" if missing else "duplicate id" if row["id"] in ids
                                                else "'words' (or 'names') must be a list"))
            if row["label"] == "PART" and not all(
                    isinstance(row.get(u), list) and len(row[u]) == 2 for u in _THIRDS):
                raise PatternError(f"{at}: a part needs [first, last] ranges for {list(_THIRDS)}")
            ids.add(row["id"])
            by[row["label"]].append(row)

        empty = sorted(label for label, found in by.items() if not found)
        if empty:
            raise PatternError(f"{where}: no rows for {empty}; every word class needs at least one row")

        def words(label: str) -> dict[str, Any]:
            return {norm(w): r for r in by[label] for w in r["words"]}

        self.months = {w.lower().rstrip("."): r["value"] for r in by["MONTH"]
                       for w in (*r["names"], *r.get("abbreviations", []))}
        self.month_names = [w for r in by["MONTH"] for w in r["names"]]
        self.month_abbreviations = [w for r in by["MONTH"] for w in r.get("abbreviations", [])]
        self.weekdays = {w.lower(): r["value"] for r in by["WEEKDAY"] for w in r["names"]}
        self.weekday_names = [w for r in sorted(by["WEEKDAY"], key=lambda r: r["value"]) for w in r["names"]]
        self.numbers = {w: r["value"] for w, r in words("NUMBER").items()}
        self.vague = {w: (r["min"], r["max"]) for w, r in words("VAGUE_COUNT").items()}
        self.deictic = {w: r["offset"] for w, r in words("DEICTIC").items()}
        self.relative = {w: r["offset"] for w, r in words("RELATIVE").items()}
        self.weekday_relative = {w: r["sign"] for w, r in words("WEEKDAY_RELATIVE").items()}
        self.span = {w: (r["sign"], bool(r.get("bare"))) for w, r in words("SPAN").items()}
        self.span_adverbs = {w: r["sign"] for w, r in words("SPAN_ADVERB").items()}
        self.anchor_adjectives = {w: (r["sign"], tuple(r.get("units", UNITS))) for w, r in
                                  words("ANCHOR_ADJECTIVE").items()}
        self.anchor_adverbs = {w: r["sign"] for w, r in words("ANCHOR_ADVERB").items()}
        self.parts = {w: r["key"] for w, r in words("PART").items()}
        self.dateline_parts = {w: r["sign"] for w, r in words("DATELINE_PART").items()}
        self.ranges = {u: {r["key"]: tuple(r[u]) for r in by["PART"]} for u in _THIRDS}
        self.sets = {label: frozenset(words(label)) for label in
                     ("PREPOSITION", "YEAR_PREPOSITION", "YEAR_FOLLOWER", "DAY_PART", "AGO", "FUTURE", "PAST",
                      "CLAUSE_BOUNDARY")}
        self.past_suffixes = tuple(s for r in by["PAST"] for s in r.get("suffixes", []))
        self.few = {unit: max(mx.get(unit, 1) for _, mx in self.vague.values()) for unit in UNITS}
        #: the compiled rules, set by kg.timex_rules.compiled()
        self.compiled: list[Any] | None = None
        suffixes = "|".join(map(re.escape, self.past_suffixes)) or r"(?!)"
        #: tense cues and the words that end a clause, for kg.timex.clause_tense
        self.future = re.compile(rf"(?<![\w'’])(?:{alt(self.sets['FUTURE'])})(?![\w'’])")
        self.past = re.compile(rf"\b(?:(?i:{alt(self.sets['PAST'])})|[a-z]{{3,}}(?:{suffixes}))\b")
        self.boundary = re.compile(rf"\b(?:{alt(self.sets['CLAUSE_BOUNDARY'])})\b", re.IGNORECASE)

    # -- regex pieces
    def prep(self) -> str:
        return rf"(?:\b(?P<prep>{alt(self.sets['PREPOSITION'])})\s+)?"

    def part(self, *, relative: bool = False) -> str:
        return rf"(?P<part>{alt([*self.parts, *(self.dateline_parts if relative else ())])})(?:-|\s+)"

    def month(self) -> str:
        return (rf"(?-i:(?P<mon>(?:{alt(self.month_names)})\b|(?:{alt(self.month_abbreviations)})(?:\.|\b)))")

    def weekday(self, name: str) -> str:
        return rf"(?-i:(?P<{name}>{alt(self.weekday_names)}))\b"

    def num(self, name: str) -> str:
        return rf"\b(?P<{name}>\d{{1,3}}|{alt([*self.vague, *self.numbers])})\b"

    def count(self, word: str, unit: str) -> tuple[int, int]:
        """Least and most units a count word stands for ("three" 3-3, "a few" days 2-7)."""
        w = norm(word)
        if w.isdigit():
            return int(w), int(w)
        if w in self.vague:
            low, most = self.vague[w]
            return low, most.get(unit, low)
        return self.numbers[w], self.numbers[w]
