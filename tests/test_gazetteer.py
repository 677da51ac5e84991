"""Consistency checks for the gazetteer data in ontology/gazetteer/*.jsonl.

The files are read directly with json (not through kg.resources) so that these
tests pin down the data itself: ids, QIDs, cross references, and that no
surface form is given to two different entities.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kg.iris import CLASS_KIND, kind_of, slugify

REPO = Path(__file__).resolve().parents[1]
GAZ = REPO / "ontology" / "gazetteer"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

EXPECTED_FILES = (
    "agreements.jsonl",
    "cities.jsonl",
    "countries.jsonl",
    "events.jsonl",
    "initiatives.jsonl",
    "misc.jsonl",
    "organizations.jsonl",
    "people.jsonl",
    "regions.jsonl",
)
FIELDS = {
    "id",
    "name",
    "type",
    "slug",
    "qid",
    "official_name",
    "aliases",
    "abbreviations",
    "short_names",
    "demonyms",
    "capital",
    "capital_of",
    "metonym_for",
    "seats",
    "offices",
    "participants",
    "start",
    "end",
    "nouns",
    "note",
}
LIST_FIELDS = ("aliases", "abbreviations", "short_names", "demonyms", "seats")
FORM_FIELDS = ("official_name",) + LIST_FIELDS
IGO_FAMILY = {"IntergovernmentalOrganization", "MilitaryAlliance", "EconomicUnion"}
OFFICE_TITLES = {
    "President",
    "Prime Minister",
    "Foreign Minister",
    "Defence Minister",
    "Chancellor",
    "Secretary of State",
    "Secretary General",
    "High Representative",  # of the EU for Foreign Affairs and Security Policy
    "Spokesperson",  # of a government or ministry (the Kremlin, the Russian foreign ministry)
    "Opposition leader",
}
EVENT_FIELDS = ("participants", "start", "end", "nouns")
ISO_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: Types an event participant may have: polities and organisations, never people or other events.
PARTICIPANT_TYPES = {"Country", "Territory", "City"} | {t for t, k in CLASS_KIND.items() if k == "organization"}
QID_RE = re.compile(r"^Q[1-9][0-9]*$")

#: QIDs that are not in ../shared/data but were verified for the design notes.
QID_OUTSIDE_CSV = {
    "place/soviet-union": "Q15180",
    "place/socialist-federal-republic-of-yugoslavia": "Q83286",
}
#: Surface forms deliberately shared by several entities: {form: {ids}}.  Documented
#: exceptions only (for instance a capital's name reused as the seat of some body).
#: The current data needs none; add an entry here together with its reason.
ALLOWED_SHARED_FORMS: dict[str, set[str]] = {}
#: Lower-case surface forms that are not ordinary English words and are kept on purpose.
ALLOWED_LOWERCASE_FORMS = {
    "union-state",  # how some writers spell the Union State of Russia and Belarus
}


def _load() -> dict[str, list[tuple[int, dict]]]:
    out: dict[str, list[tuple[int, dict]]] = {}
    for path in sorted(GAZ.glob("*.jsonl")):
        rows = []
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                text = line.strip()
                if not text or text.startswith("//"):
                    continue
                rows.append((lineno, json.loads(text)))
        out[path.name] = rows
    return out


FILES = _load()
ROWS = [row for rows in FILES.values() for _, row in rows]
BY_ID = {row["id"]: row for row in ROWS if "id" in row}


def _where(fname: str, lineno: int) -> str:
    return f"{fname}:{lineno}"


def _forms(row: dict) -> list[str]:
    forms = [row["name"]]
    if row.get("official_name"):
        forms.append(row["official_name"])
    for key in LIST_FIELDS:
        forms.extend(row.get(key, []))
    return forms


def _read_csv(name: str) -> list[dict]:
    with (SHARED_DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _strip_paren(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


# --------------------------------------------------------------------------- shape


def test_expected_files_present():
    missing = [f for f in EXPECTED_FILES if f not in FILES]
    assert not missing, f"missing gazetteer files: {missing}"
    empty = [f for f in EXPECTED_FILES if f in FILES and not FILES[f]]
    assert not empty, f"empty gazetteer files: {empty}"


def test_rows_have_id_name_type_and_known_type():
    bad = []
    for fname, rows in FILES.items():
        for lineno, row in rows:
            for key in ("id", "name", "type"):
                if not isinstance(row.get(key), str) or not row.get(key):
                    bad.append(f"{_where(fname, lineno)}: missing {key}")
            if row.get("type") not in CLASS_KIND:
                bad.append(f"{_where(fname, lineno)}: unknown type {row.get('type')!r}")
    assert not bad, "\n".join(bad)


def test_only_known_fields_and_well_typed_lists():
    bad = []
    for fname, rows in FILES.items():
        for lineno, row in rows:
            unknown = set(row) - FIELDS
            if unknown:
                bad.append(f"{_where(fname, lineno)}: unknown fields {sorted(unknown)}")
            for key in LIST_FIELDS:
                if key in row:
                    val = row[key]
                    if (
                        not isinstance(val, list)
                        or not val
                        or not all(isinstance(s, str) and s.strip() == s and s for s in val)
                    ):
                        bad.append(
                            f"{_where(fname, lineno)}: {key} must be a non-empty list of trimmed strings"
                        )
                    elif len(set(val)) != len(val):
                        bad.append(f"{_where(fname, lineno)}: duplicate entries in {key}")
    assert not bad, "\n".join(bad)


def test_id_is_kind_slash_slug_of_name():
    bad = []
    for fname, rows in FILES.items():
        for lineno, row in rows:
            if row.get("type") not in CLASS_KIND:
                continue
            expected = f"{kind_of(row['type'])}/{row.get('slug') or slugify(row['name'])}"
            if row.get("id") != expected:
                bad.append(f"{_where(fname, lineno)}: id {row.get('id')!r} != {expected!r}")
    assert not bad, "\n".join(bad)


def test_ids_unique_across_files():
    seen: dict[str, str] = {}
    dupes = []
    for fname, rows in FILES.items():
        for lineno, row in rows:
            where = _where(fname, lineno)
            if row["id"] in seen:
                dupes.append(f"{row['id']}: {seen[row['id']]} and {where}")
            seen[row["id"]] = where
    assert not dupes, "\n".join(dupes)


def test_rows_sorted_by_id_within_each_file():
    unsorted = [
        f for f, rows in FILES.items() if [r["id"] for _, r in rows] != sorted(r["id"] for _, r in rows)
    ]
    assert not unsorted, f"not sorted by id: {unsorted}"


# --------------------------------------------------------------------------- QIDs


def test_qid_format():
    bad = [
        f"{r['id']}: {r['qid']!r}"
        for r in ROWS
        if "qid" in r and not (isinstance(r["qid"], str) and QID_RE.match(r["qid"]))
    ]
    assert not bad, "\n".join(bad)


def test_no_qid_used_twice():
    counts = Counter(r["qid"] for r in ROWS if "qid" in r)
    dupes = {q: sorted(r["id"] for r in ROWS if r.get("qid") == q) for q, n in counts.items() if n > 1}
    assert not dupes, dupes


@pytest.fixture(scope="module")
def shared_csv():
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference tables not available at {SHARED_DATA}; cannot cross-check QIDs")
    return {
        "countries": _read_csv("wikidata-countries.csv"),
        "organizations": _read_csv("wikidata-organizations.csv"),
        "people": _read_csv("wikidata-people.csv"),
    }


def _index(pairs) -> dict[str, set[str]]:
    idx: dict[str, set[str]] = defaultdict(set)
    for key, qid in pairs:
        if key and qid:
            idx[key].add(qid)
    return idx


def _lookup(idx: dict[str, set[str]], keys: list[str]) -> tuple[str, set[str]] | None:
    """The first key (in priority order) that the index knows, with its QIDs."""
    for key in keys:
        if key and key in idx:
            return key, idx[key]
    return None


def test_qids_match_shared_reference_tables(shared_csv):
    countries = shared_csv["countries"]
    country_idx = _index(
        [(c["name"], c["qid"]) for c in countries]
        + [(_strip_paren(c["name"]), c["qid"]) for c in countries]
        + [(c["official_name"], c["qid"]) for c in countries]
    )
    # country QID -> its CSV row, to find the capital QID of a City's capital_of country
    country_rows_by_qid = {c["qid"]: c for c in countries}
    capital_idx = _index([(c["capital"], c["capital_qid"]) for c in countries])
    org_idx = _index(
        [(o["name"], o["qid"]) for o in shared_csv["organizations"]]
        + [(_strip_paren(o["name"]), o["qid"]) for o in shared_csv["organizations"]]
        + [(o["acronym"], o["qid"]) for o in shared_csv["organizations"]]
    )
    people_idx = _index([(p["name"], p["qid"]) for p in shared_csv["people"]])

    problems = []
    for row in ROWS:
        qid = row.get("qid")
        if not qid:
            continue
        if row["id"] in QID_OUTSIDE_CSV:
            if QID_OUTSIDE_CSV[row["id"]] != qid:
                problems.append(f"{row['id']}: {qid} != documented {QID_OUTSIDE_CSV[row['id']]}")
            continue
        primary = [row["name"], row.get("official_name")]
        secondary = row.get("aliases", []) + row.get("abbreviations", [])
        rtype = row["type"]
        if rtype == "City":
            expected: set[str] | None = None
            country = BY_ID.get(row.get("capital_of", ""))
            if country and country.get("qid") in country_rows_by_qid:
                cap_qid = country_rows_by_qid[country["qid"]]["capital_qid"]
                expected = {cap_qid} if cap_qid else set()
            else:
                hit = _lookup(capital_idx, primary + secondary)
                expected = hit[1] if hit else None
        else:
            idx = {"Country": country_idx, "Territory": country_idx, "Person": people_idx}.get(rtype, org_idx)
            hit = _lookup(idx, primary + secondary)
            expected = hit[1] if hit else None
        if expected is None:
            problems.append(f"{row['id']}: {qid} has no source in {SHARED_DATA}")
        elif qid not in expected:
            problems.append(
                f"{row['id']}: {qid} but the reference table gives {sorted(expected) or 'no QID'}"
            )
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- countries and capitals


def test_countries_have_capital_and_demonym():
    good = []
    for row in ROWS:
        if row["type"] != "Country":
            continue
        city = BY_ID.get(row.get("capital", ""))
        if city and city["type"] == "City" and city.get("capital_of") == row["id"] and row.get("demonyms"):
            good.append(row["id"])
    assert len(good) >= 190, f"only {len(good)} countries with a back-linked capital and a demonym"


def test_capital_and_capital_of_agree():
    bad = []
    for row in ROWS:
        if "capital" in row:
            city = BY_ID.get(row["capital"])
            if city is None or city["type"] != "City" or city.get("capital_of") != row["id"]:
                bad.append(f"{row['id']}: capital {row['capital']} does not point back")
        if "capital_of" in row:
            polity = BY_ID.get(row["capital_of"])
            if polity is None or polity.get("capital") != row["id"]:
                bad.append(f"{row['id']}: capital_of {row['capital_of']} does not list it as capital")
    assert not bad, "\n".join(bad)


def test_key_countries_spot_check():
    belarus = BY_ID["place/belarus"]
    assert belarus["capital"] == "place/minsk"
    assert {"Belarusian", "Belarussian"} <= set(belarus["demonyms"])
    assert "Kremlin" in BY_ID["place/russia"]["seats"]
    us = BY_ID["place/united-states"]
    assert {"US", "U.S."} <= set(us["abbreviations"]) and us["capital"] == "place/washington-d-c"
    assert BY_ID["place/brussels"]["metonym_for"] == "organization/european-union"


# --------------------------------------------------------------------------- organisations


def test_igo_family_rows_have_abbreviations_or_aliases():
    rows = [r for r in ROWS if r["type"] in IGO_FAMILY and (r.get("abbreviations") or r.get("aliases"))]
    assert len(rows) >= 40, f"only {len(rows)} IGO/alliance/union rows with abbreviations or aliases"


# --------------------------------------------------------------------------- surface forms


def test_no_surface_form_denotes_two_entities():
    owners: dict[str, set[str]] = defaultdict(set)
    for row in ROWS:
        for form in _forms(row):
            owners[form].add(row["id"])
            if form[:1].islower():  # the sentence-initial variant added by the loader
                owners[form[0].upper() + form[1:]].add(row["id"])
    clashes = {
        form: sorted(ids)
        for form, ids in owners.items()
        if len(ids) > 1 and ids != ALLOWED_SHARED_FORMS.get(form)
    }
    assert not clashes, clashes


def test_no_bare_lowercase_word_forms():
    """Forms with no capital letter or digit would match ordinary English words."""
    bad = [
        f"{row['id']}: {form!r}"
        for row in ROWS
        for form in _forms(row)
        if not any(ch.isupper() or ch.isdigit() for ch in form) and form not in ALLOWED_LOWERCASE_FORMS
    ]
    assert not bad, "\n".join(bad)


# --------------------------------------------------------------------------- references


def test_references_resolve():
    bad = []
    for row in ROWS:
        refs = [
            ("capital", row.get("capital")),
            ("capital_of", row.get("capital_of")),
            ("metonym_for", row.get("metonym_for")),
        ]
        refs += [("offices[].of", office.get("of")) for office in row.get("offices", [])]
        for field, ref in refs:
            if ref is not None and ref not in BY_ID:
                bad.append(f"{row['id']}: {field} -> {ref!r} does not exist")
        if row.get("capital") in BY_ID and BY_ID[row["capital"]]["type"] != "City":
            bad.append(f"{row['id']}: capital is not a City")
        if row.get("capital_of") in BY_ID and BY_ID[row["capital_of"]]["type"] not in {
            "Country",
            "Territory",
        }:
            bad.append(f"{row['id']}: capital_of is not a Country or Territory")
    assert not bad, "\n".join(bad)


def test_offices_well_formed():
    bad = []
    for row in ROWS:
        for office in row.get("offices", []):
            if row["type"] != "Person":
                bad.append(f"{row['id']}: offices on a non-Person")
            if set(office) != {"title", "of", "from", "to"}:
                bad.append(f"{row['id']}: office keys {sorted(office)}")
                continue
            if office["title"] not in OFFICE_TITLES:
                bad.append(f"{row['id']}: unknown title {office['title']!r}")
            start, end = office["from"], office["to"]
            if not isinstance(start, int) or not 1900 <= start <= 2100:
                bad.append(f"{row['id']}: bad from {start!r}")
            elif end is not None and (not isinstance(end, int) or end < start):
                bad.append(f"{row['id']}: bad to {end!r}")
    assert not bad, "\n".join(bad)


# --------------------------------------------------------------------------- provenance


def test_notes_do_not_copy_seed_text():
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not available at {SEEDS}")
    words = lambda s: re.findall(r"[a-z0-9]+", s.lower())  # noqa: E731
    seed_grams = set()
    for path in SEEDS.glob("*.txt"):
        w = words(path.read_text(encoding="utf-8", errors="replace"))
        seed_grams.update(tuple(w[i : i + 8]) for i in range(len(w) - 7))
    bad = []
    for row in ROWS:
        w = words(row.get("note", ""))
        if any(tuple(w[i : i + 8]) in seed_grams for i in range(len(w) - 7)):
            bad.append(row["id"])
    assert not bad, f"notes share an 8-word run with a seed article: {bad}"


# --------------------------------------------------------------------------- events (coreference fields)

EVENTS = [row for row in ROWS if row["type"] == "Event"]


def _date_key(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.split("-"))


def test_event_fields_only_on_events():
    bad = [
        f"{r['id']}: {sorted(set(EVENT_FIELDS) & set(r))}"
        for r in ROWS
        if r["type"] != "Event" and set(EVENT_FIELDS) & set(r)
    ]
    assert not bad, "\n".join(bad)


def test_event_participants_resolve():
    bad = []
    for row in EVENTS:
        parts = row.get("participants")
        if parts is None:
            continue
        if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts):
            bad.append(f"{row['id']}: participants must be a non-empty list of ids")
            continue
        if len(set(parts)) != len(parts):
            bad.append(f"{row['id']}: duplicate participants")
        for ref in parts:
            target = BY_ID.get(ref)
            if target is None:
                bad.append(f"{row['id']}: participant {ref!r} does not exist")
            elif target["type"] not in PARTICIPANT_TYPES:
                bad.append(f"{row['id']}: participant {ref!r} is a {target['type']}, not a polity or organisation")
    assert not bad, "\n".join(bad)


def test_event_dates_are_iso_and_end_not_before_start():
    bad = []
    for row in EVENTS:
        for key in ("start", "end"):
            if key not in row:
                continue
            value = row[key]
            if key == "end" and value is None:  # ongoing
                continue
            if not isinstance(value, str) or not ISO_DATE_RE.match(value):
                bad.append(f"{row['id']}: {key} {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
                continue
            parts = _date_key(value)
            if len(parts) > 1 and not 1 <= parts[1] <= 12 or len(parts) > 2 and not 1 <= parts[2] <= 31:
                bad.append(f"{row['id']}: {key} {value!r} is not a calendar date")
        if "end" in row and "start" not in row:
            bad.append(f"{row['id']}: end without start")
        start, end = row.get("start"), row.get("end")
        if isinstance(start, str) and isinstance(end, str) and ISO_DATE_RE.match(start) and ISO_DATE_RE.match(end):
            n = min(len(_date_key(start)), len(_date_key(end)))
            if _date_key(end)[:n] < _date_key(start)[:n]:
                bad.append(f"{row['id']}: end {end} is before start {start}")
    assert not bad, "\n".join(bad)


def test_event_nouns_lowercase_and_grounded():
    bad = []
    for row in EVENTS:
        if "nouns" not in row:
            continue
        nouns = row["nouns"]
        if not isinstance(nouns, list) or not nouns or len(set(nouns)) != len(nouns):
            bad.append(f"{row['id']}: nouns must be a non-empty list without duplicates")
            continue
        for noun in nouns:
            if not isinstance(noun, str) or not noun or noun != noun.strip() or noun != noun.lower():
                bad.append(f"{row['id']}: noun {noun!r} must be a trimmed lowercase string")
        if not row.get("participants") or not row.get("start"):
            bad.append(f"{row['id']}: an event with nouns needs participants and start")
    assert not bad, "\n".join(bad)


def test_key_events_spot_check():
    talks = BY_ID["event/minsk-peace-talks"]
    assert talks["name"] == "Minsk peace talks" and "Minsk talks" in talks["aliases"]
    assert {"place/ukraine", "place/russia"} <= set(talks["participants"]) and "talks" in talks["nouns"]
    war = BY_ID["event/russo-ukrainian-war"]
    assert war["end"] is None and war["start"].startswith("2014") and "war" in war["nouns"]
    assert BY_ID["event/2020-belarusian-presidential-election"]["start"] == "2020-08-09"
    assert sum(1 for r in EVENTS if r.get("nouns")) >= 50


def test_event_nouns_are_not_ruler_patterns():
    """Nouns are for coreference only: the loader must not turn them into phrase patterns."""
    from kg.resources import load_registry

    registry = load_registry(GAZ)
    patterns = {(p["id"], p["pattern"]) for p in registry.ruler_patterns()}
    leaked = []
    for row in EVENTS:
        entry = registry.get(row["id"])
        assert entry is not None and entry.nouns == tuple(row.get("nouns", ()))
        assert entry.participants == tuple(row.get("participants", ()))
        assert (entry.start, entry.end) == (row.get("start"), row.get("end"))
        forms = set(_forms(row))
        for noun in row.get("nouns", ()):
            for variant in (noun, noun[:1].upper() + noun[1:]):
                if (row["id"], variant) in patterns and variant not in forms:
                    leaked.append(f"{row['id']}: {variant!r}")
    assert not leaked, "\n".join(leaked)
