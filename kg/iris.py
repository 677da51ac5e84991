"""Deterministic IRI minting (ONTOLOGY.md §4.2): pure functions, doctested.

Entity IRIs are ``{BASE}id/{kind}/{slug}`` with the slug computed from the
canonical name; documents are ``{BASE}doc/{key}``; text spans are
``{BASE}doc/{key}#char=b,e``; claims are ``{BASE}assertion/{key}-{h12}``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

#: gk: leaf class -> IRI kind.
CLASS_KIND: dict[str, str] = {
    "Country": "place",
    "City": "place",
    "Territory": "place",
    "Facility": "place",
    "Person": "person",
    "Organization": "organization",
    "IntergovernmentalOrganization": "organization",
    "MilitaryAlliance": "organization",
    "EconomicUnion": "organization",
    "ArmedGroup": "organization",
    "MediaOutlet": "organization",
    "PoliticalParty": "organization",
    "GovernmentBody": "organization",
    "Initiative": "initiative",
    "Agreement": "agreement",
    "Event": "event",
    "WeaponSystem": "item",
}
KINDS = ("place", "person", "organization", "initiative", "agreement", "event", "item")

_PAREN = re.compile(r"\s*\([^)]*\)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CORPUS_KEY = re.compile(r"^\d+_([0-9a-f]{16})$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# scheme://host[:port]/path: no spaces, quotes, brackets or other characters IRIs may not hold
_BASE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#<>\"{}|\\^`@:\[\]%]+(?::\d+)?(?:/[^\s<>\"{}|\\^`#%]*)?")


@functools.lru_cache(maxsize=1 << 16)
def slugify(name: str, maxlen: int = 60) -> str:
    """The slug of a canonical name, exactly as ONTOLOGY.md §4.2 specifies.

    >>> slugify("the West")
    'west'
    >>> slugify("Polonez (multiple rocket launcher)")
    'polonez'
    >>> slugify("EU\u2013Belarus Partnership and Cooperation Agreement")
    'eu-belarus-partnership-and-cooperation-agreement'
    >>> slugify("Лукашенко")
    'h-622f743edb'
    >>> slugify("Organization for Security and Co-operation in Europe")
    'organization-for-security-and-co-operation-in-europe'
    >>> slugify("Алексей") == slugify(unicodedata.normalize("NFD", "Алексей"))
    True
    """
    s = _PAREN.sub("", name)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("&", " and ").replace("\u2019", "").replace("'", "")
    s = s.lower().strip()
    s = re.sub(r"^the\s+", "", s)
    s = _NON_ALNUM.sub("-", s).strip("-")
    # canonically equivalent spellings (composed or decomposed accents) hash alike
    h = hashlib.sha256(unicodedata.normalize("NFC", name).encode("utf-8", "surrogatepass")).hexdigest()
    if not s:
        return "h-" + h[:10]
    if len(s) > maxlen:
        s = s[:maxlen].rsplit("-", 1)[0] + "-" + h[:6]
    return s


def check_base_iri(base: str) -> str:
    """``base`` if it can start every minted IRI: absolute, with a host, ending in ``/``, no ``#``.

    Raises:
        InputError: It cannot (the message says why).

    >>> check_base_iri("https://geokg.example/")
    'https://geokg.example/'
    >>> check_base_iri("geokg.example/")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: --base-iri: 'geokg.example/' is not an absolute IRI like https://example.org/kg/
    """
    from .errors import InputError

    if "#" in base:
        raise InputError("--base-iri", f"{base!r} holds '#'; minted IRIs add their own fragment (…/ont#, #char=)")
    if not _BASE_IRI.fullmatch(base):
        raise InputError("--base-iri", f"{base!r} is not an absolute IRI like https://example.org/kg/")
    if not base.endswith("/"):
        raise InputError("--base-iri", f"{base!r} must end with '/'")
    return base


def is_slug(text: str) -> bool:
    """True if ``text`` is a well-formed slug.

    >>> is_slug("belarus"), is_slug("Belarus"), is_slug("a--b")
    (True, False, False)
    """
    return bool(_SLUG.match(text))


def kind_of(cls: str) -> str:
    """The IRI kind of a gk: class local name.

    >>> kind_of("MilitaryAlliance")
    'organization'
    """
    try:
        return CLASS_KIND[cls]
    except KeyError:
        raise ValueError(f"unknown entity class {cls!r}; expected one of {sorted(CLASS_KIND)}") from None


def entity_id(cls: str, name: str) -> str:
    """``{kind}/{slug}`` of an entity.

    >>> entity_id("Person", "Alexander Lukashenko")
    'person/alexander-lukashenko'
    """
    return f"{kind_of(cls)}/{slugify(name)}"


def doc_key(doc_id: str, url: str | None, text: str) -> str:
    """Document key: the corpus id's hex part, else a hash of the URL, else of the text.

    >>> doc_key("000_58982020c0ac5eee", None, "x")
    '58982020c0ac5eee'
    >>> doc_key("my article", "https://e.org/a", "x") == doc_key("other", "https://e.org/a", "y")
    True
    >>> len(doc_key("notes", None, "some text"))
    16
    """
    m = _CORPUS_KEY.match(doc_id)
    if m:
        return m.group(1)
    basis = url if url else text
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def span_fragment(begin: int, end: int) -> str:
    """RFC 5147 fragment of a code-point span.

    >>> span_fragment(586, 591)
    '#char=586,591'
    """
    return f"#char={begin},{end}"


def claim_hash(parts: list[str]) -> str:
    """First 12 hex digits of the SHA-256 of ``"|".join(parts)``.

    >>> claim_hash(["a", "b"])
    '0eab8a0a3380'
    """
    return hashlib.sha256("|".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:12]


def event_slug(date: str, cameo: str, participants: list[str]) -> str:
    """Slug of a dated event: ``{date}-{cameo}-{sorted participant slugs}``.

    >>> event_slug("2020-08-15", "041", ["person/vladimir-putin", "person/alexander-lukashenko"])
    '2020-08-15-041-alexander-lukashenko-vladimir-putin'
    """
    slugs = sorted(p.rsplit("/", 1)[-1] for p in participants)
    return "-".join([date, cameo, *slugs])
