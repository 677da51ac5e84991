"""Ingest: article files, folders, globs and JSONL records become :class:`Article` records.

The raw text is the decoded file, never normalised: every offset the later stages
write indexes it. The cleaned analysis view, its :class:`OffsetMap` back to raw
(see :mod:`kg.textclean`), the ranges to skip (header lines, site boilerplate) and
the header metadata (title, authors, publisher, date) are computed here.

Date conventions: ``08.02.2019`` (dots) is read as DD.MM.YYYY, European style;
``08/02/2019`` (slashes) as MM/DD/YYYY, US style, unless the first number is above 12.
"""

from __future__ import annotations

import datetime as dt
import functools
import glob
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kg.config import MAX_BYTES_ENV, SUPPORTED_SUFFIXES, default_max_bytes
from kg.errors import InputError
from kg.iris import doc_key
from kg.records import Article
from kg.textclean import (
    boilerplate_spans,
    clean_markup,
    html_to_text,
    merge_spans,
    rejoin_paragraphs,
    text_lines,
)

logger = logging.getLogger(__name__)

#: Input suffix -> format of :func:`parse_article` (``jsonl`` holds several articles).
SUFFIX_FORMATS = {
    ".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".jsonl": "jsonl"
}  # fmt: skip
#: Header metadata is looked for in this many non-blank lines at the top of an article.
HEADER_LINES = 15
_JSONL_FIELDS = ("title", "author", "publisher", "published", "url")
_MAGIC = ((b"%PDF", "PDF"), (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"PK\x03\x04", "ZIP"),
          (b"\x1f\x8b", "GZIP"), (b"GIF8", "GIF"))

_MONTHS = {m: i for i, ms in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december"), 1) for m in ms.split()}
_WEEKDAY = re.compile(r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+",
                      re.I)
_DATE_FORMS = (
    re.compile(r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"),
    re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?"),
    re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"),
    re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"),
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BYLINE = re.compile(r"^(?:by|written by|authors?|articles by)\s*:?\s+(?P<names>[^|\u00b7\u2022\u2013\u2014]+?)"
                     r"(?:\s*[|\u00b7\u2022\u2013\u2014]\s*(?P<rest>.+))?$", re.I)
_DATED = re.compile(r"^(?:published|posted|date|updated|first published)(?:\s+on)?\s*:?\s+(?P<date>.+)$",
                    re.I)
_DATELINE = re.compile(r"^(?P<pub>[^\W\d].{1,79}?)\s*[,|\u2013\u2014-]\s*(?P<date>.+)$")
_TAGLINE = re.compile(r"^(?:region|theme|topics?|tags?|categor(?:y|ies)|section|filed under|keywords)\s*:",
                      re.I)
_ORIGIN = re.compile(r"^[ \t]*(?:this (?:article|piece|essay|story) (?:was|is) )?(?:originally|first) published "
                     r"(?:in|on|by|at)\s+(?:the\s+)?(?P<pub>[^\n.]+?)\s*(?:\.|$)", re.I | re.M)
_FOOTER_AUTHOR = re.compile(r"^[ \t]*(?:articles by|author)\s*:\s*(?P<names>[^\n]+?)\s*$", re.I | re.M)
_PARA_END = re.compile(r"[ \t\r]*(?:\n[ \t\r]*(?:\n|$)|$)")
_NAME_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b)\s*")
_PARTICLES = frozenset(("de", "da", "del", "der", "di", "du", "la", "le", "van", "von", "bin", "ibn", "al"))
#: Words that never occur in a person's name line (function words, publisher words).
_NOT_NAME = frozenset((
    "the", "of", "and", "for", "to", "in", "on", "at", "with", "is", "its", "new", "why", "how", "what",
    "global", "research", "news", "times", "post", "review", "journal", "institute", "centre", "center",
    "press", "media", "daily", "brief", "agency",
))  # fmt: skip


class ParseMemo(Protocol):
    """Articles already parsed, by source and record text (a file's decoded text or a JSONL line): an
    unchanged input is not parsed again (:class:`kg.cache.ResultCache` is one)."""

    def get_article(self, source: str, record: str) -> Article | None:
        """The article parsed earlier from this record, if known."""

    def put_article(self, source: str, record: str, article: Article) -> None:
        """Remember the article parsed from this record."""


def _blank(text: str) -> bool:
    """``not text.strip()``, without copying the text."""
    return not text or text.isspace()


def _fail(exc: InputError) -> None:
    raise exc


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> str | None:
    """ISO ``YYYY-MM-DD`` of a text that is a whole date expression, else None.

    >>> parse_date("August 17, 2020"), parse_date("Monday, 17 Aug. 2020"), parse_date("08.02.2019")
    ('2020-08-17', '2020-08-17', '2019-02-08')
    >>> parse_date("08/02/2019"), parse_date("25/12/2019"), parse_date("2020-08-20T09:30:00+03:00")
    ('2019-08-02', '2019-12-25', '2020-08-20')
    >>> parse_date("Crimea 2.0") is None, parse_date("31.02.2020") is None
    (True, True)
    """
    s = _WEEKDAY.sub("", text.strip().rstrip(",;"))
    for i, form in enumerate(_DATE_FORMS):
        m = form.fullmatch(s)
        if not m:
            continue
        g = m.groupdict()
        month = _MONTHS.get(g["mon"].lower()) if g.get("mon") else int(g["m"])
        day = int(g["d"])
        if i == 4 and (month or 0) > 12:  # slashes: DD/MM when the first number cannot be a month
            month, day = day, month or 0
        try:
            return dt.date(int(g["y"]), month or 0, day).isoformat()
        except ValueError:
            return None
    return None


def _is_name(text: str) -> bool:
    """True if ``text`` looks like a person's name: 2-4 capitalised words, nothing else."""
    toks = text.split()
    if not 2 <= len(toks) <= 4 or text.endswith((".", ":", "?", "!", ",")):
        return False
    for i, tok in enumerate(toks):
        low = tok.lower()
        if low in _PARTICLES and 0 < i < len(toks) - 1:
            continue
        if len(tok) == 2 and tok[0].isupper() and tok[1] == ".":
            continue  # an initial
        core = re.sub(r"[-'\u2019]", "", tok)
        if not (core.isalpha() and tok[0].isupper() and not tok.isupper()) or low in _NOT_NAME:
            return False
        if low in _MONTHS:
            return False
    return True


def _split_names(text: str) -> list[str]:
    text = " ".join(text.split()).strip(" .")
    parts = [p for p in _NAME_SPLIT.split(text) if p]
    if len(parts) > 1 and all(_is_name(p) for p in parts):
        return parts
    return [text] if text else []


@dataclass
class _Header:
    title: str | None = None
    title_end: int | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    published: str | None = None
    original_publisher: str | None = None
    skip: list[tuple[int, int]] = field(default_factory=list)
    body_start: int = 0


def _header_kind(line: str, h: _Header) -> bool:
    """Classify a header line, filling ``h``; True if it is a header line to skip."""
    if _TAGLINE.match(line) or (len(line) < 8 and not any(c.isalnum() for c in line)):
        return True
    if date := parse_date(line):
        h.published = h.published or date
        return True
    if (m := _DATED.match(line)) and (date := parse_date(m["date"])):
        h.published = h.published or date
        return True
    if m := _ORIGIN.match(line):
        h.original_publisher = h.original_publisher or m["pub"].strip()
        return True
    if (m := _BYLINE.match(line)) and len(line) < 120:
        names = [n for n in _split_names(m["names"]) if _is_name(n)]
        if names:
            h.authors = h.authors or names
            # "By X | Section | 3 March 2019": the date may be any of the separated parts
            parts = re.split(r"\s*[|\u00b7\u2022\u2013\u2014]\s*", m["rest"] or "")
            h.published = h.published or next((d for p in parts if (d := parse_date(p))), None)
            return True
    m = _DATELINE.match(line)
    if m and (date := parse_date(m["date"])) and not parse_date(m["pub"]) and len(m["pub"].split()) <= 6:
        h.publisher = h.publisher or m["pub"].strip()
        h.published = h.published or date
        return True
    return False


def _is_body(line: str) -> bool:
    if len(line) > 200:
        return True
    words = len(line.split())
    return words > 30 or (line.endswith((".", "\u201d", '"')) and words > 12)


def _search_lines(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern.search(text)`` for a pattern that can only match at the start of a line (``^`` in MULTILINE)."""
    pos = 0
    while (m := pattern.match(text, pos)) is None:
        pos = text.find("\n", pos) + 1
        if not pos:
            return None
    return m


def _analyse_header(text: str) -> _Header:
    """Header metadata and header-line ranges of a clean text, plus where the body starts."""
    h = _Header()
    lines = []
    for n, item in enumerate(text_lines(text)):
        if n >= HEADER_LINES:
            break
        lines.append(item)
    h.body_start = lines[-1][1] if lines else 0
    prev_title = False
    for i, (s, e, line) in enumerate(lines):
        if _is_body(line):
            h.body_start = s
            break
        if _header_kind(line, h):
            h.skip.append((s, e))
            prev_title = False
            continue
        nxt = next((t for _, _, t in lines[i + 1 :]), "")
        # a name counts as a byline only on a line of its own, not as the start of a wrapped paragraph
        alone = _is_name(line) and bool(_PARA_END.match(text, e) or _header_kind(nxt, _Header()))
        title_next = len(nxt.split()) >= 3 and not (nxt.endswith(".") or _is_name(nxt) or _is_body(nxt))
        if h.title is None and alone and title_next and not _header_kind(nxt, _Header()):
            h.authors = h.authors or [line]  # a name right before the title
            h.skip.append((s, e))
            continue
        if h.title is None:
            h.title, h.title_end, prev_title = line, e, True
        elif prev_title and not h.authors and alone:  # a name right after the title
            h.authors = [line]
            h.skip.append((s, e))
            prev_title = False
        else:
            h.body_start = s
            break
    if not h.authors and (m := _search_lines(_FOOTER_AUTHOR, text)):
        h.authors = [n for n in _split_names(m["names"]) if _is_name(n)]
    if h.original_publisher is None and (m := _search_lines(_ORIGIN, text)):
        h.original_publisher = m["pub"].strip()
    return h


def parse_article(
    raw: str, *, doc_id: str, source: str, fmt: str, meta: Mapping[str, str] | None = None
) -> Article:
    """Build an :class:`Article` from a decoded text.

    Args:
        raw: The decoded text (offsets of every later stage index it).
        doc_id: ``dcterms:identifier``: file name without extension, or JSONL ``id``.
        source: Where it came from, for messages (``path`` or ``path:line``).
        fmt: ``txt``, ``md`` or ``html``.
        meta: Fields of a JSONL record (``title``, ``author``, ``publisher``, ``published``,
            ``url``); they win over what the header says.

    Raises:
        InputError: The text is empty or has nothing left after removing markup.
    """
    if fmt not in ("txt", "md", "html"):
        raise ValueError(f"unknown article format {fmt!r}; expected 'txt', 'md' or 'html'")
    if _blank(raw):
        raise InputError(source, "empty article")
    meta = {k: v for k, v in (meta or {}).items() if v}
    page: dict[str, str] = {}
    if fmt == "html":
        try:
            text, offsets, page = html_to_text(raw)
        except ValueError as exc:
            raise InputError(source, f"{exc}; fix the page or save its text as .txt") from None
        head = _analyse_header(text)
    else:
        text1, map1 = clean_markup(raw, markdown=fmt == "md")
        head = _analyse_header(text1)
        text, offsets = rejoin_paragraphs(
            text1, map1, raw, body_start=head.body_start, title_end=head.title_end
        )
        if text != text1:  # the header of an unchanged text is the one just found
            head = _analyse_header(text)
    if _blank(text):
        raise InputError(source, "empty article (no text left after removing markup)")
    publisher = meta.get("publisher") or page.get("publisher") or head.publisher or head.original_publisher
    title = meta.get("title") or page.get("h1") or page.get("og_title") or page.get("title") or head.title
    if title and publisher and title == page.get("title"):
        title = re.sub(rf"\s+[|\u2013\u2014-]\s+{re.escape(publisher)}$", "", title)
    author_text = page.get("author_text", "")
    author_text = author_text[3:] if author_text.lower().startswith("by ") else author_text
    if meta.get("author") or page.get("author"):
        authors = _split_names(meta.get("author") or page["author"])
    elif _is_name(author_text):
        authors = [author_text]
    else:
        authors = head.authors
    published = meta.get("published") or head.published
    for raw_date in (page.get("date"), page.get("time")):
        if raw_date and not meta.get("published"):
            published = parse_date(raw_date) or published
            break
    url = meta.get("url") or page.get("url")
    skip = merge_spans(text, head.skip + boilerplate_spans(text, body_start=head.body_start))
    return Article(
        doc_id=doc_id,
        key=doc_key(doc_id, url, raw),
        source=source,
        raw=raw,
        text=text,
        offsets=offsets,
        skip=skip,
        title=title,
        authors=tuple(authors),
        publisher=publisher,
        published=published,
        url=url,
        original_publisher=head.original_publisher,
    )


def _unsupported(path: Path) -> InputError:
    suffix = f"'{path.suffix}'" if path.suffix else "(no suffix)"
    expected = ", ".join(SUPPORTED_SUFFIXES)
    return InputError(path, f"unsupported file type {suffix}; expected one of {expected}")


def _broken_link(path: Path) -> InputError:
    return InputError(path, "broken symbolic link (its target is missing or a loop)")


def _walk(root: Path, fail: Callable[[InputError], None]) -> list[Path]:
    """Supported files under ``root``, following symlinks but never into a folder twice."""
    found: list[Path] = []
    seen: set[Path] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        real = folder.resolve()
        if real in seen:
            logger.debug("%s: folder already visited (symlink loop?), not entered again", folder)
            continue
        seen.add(real)
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            fail(InputError(folder, f"cannot list folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders (.git, editor backups)
            supported = entry.suffix.lower() in SUPPORTED_SUFFIXES
            if entry.is_dir():
                stack.append(entry)
            elif entry.is_file() and supported:
                found.append(entry)
            elif supported and entry.is_symlink() and not entry.exists():
                fail(_broken_link(entry))
    return found


def _glob(pattern: str) -> list[Path]:
    """Matches of a glob pattern; ``**`` never follows a symlinked folder (so loops cannot explode)."""
    parts = Path(pattern).parts
    n = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    root = Path(*parts[:n]) if n else Path()
    rest = str(Path(*parts[n:])) if n < len(parts) else ""
    if not rest:
        return [root] if root.exists() or root.is_symlink() else []
    matches = (m for m in root.glob(rest) if not any(x.startswith(".") for x in m.relative_to(root).parts))
    return sorted(matches, key=str)


def _expand(inputs: Sequence[str | Path], fail: Callable[[InputError], None]) -> list[Path]:
    found: dict[Path, Path] = {}
    for item in inputs:
        path = Path(item)
        files: list[Path] = []
        if path.is_dir():
            files = _walk(path, fail)
        elif path.exists():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                fail(_unsupported(path))
                continue
            if not path.is_file():
                fail(InputError(path, "not a regular file (a pipe, socket or device)"))
                continue
            files = [path]
        elif path.is_symlink():
            fail(_broken_link(path))
        elif glob.has_magic(str(item)):
            matches = _glob(str(item))
            if not matches:
                fail(InputError(item, "no file matches this pattern"))
            for match in matches:
                if match.is_dir():
                    files.extend(_walk(match, fail))
                elif match.suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
                elif match.is_file():
                    files.append(match)
                elif match.is_symlink() and not match.exists():
                    fail(_broken_link(match))
        else:
            fail(InputError(path, "no such file or folder"))
        for f in files:
            # the same file met twice (named twice, or by a link) is read once, under its shortest name
            key = f.resolve()
            if key not in found or (len(f.parts), str(f)) < (len(found[key].parts), str(found[key])):
                found[key] = f
    return sorted(found.values(), key=str)


def expand_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """The article files named by files, folders (recursively) and glob patterns.

    Folders and globs contribute only files with a supported suffix (hidden entries and
    other files are ignored); a file named explicitly must have one. Folders are walked
    through symbolic links but never twice (a link loop ends); ``**`` in a pattern does not
    follow linked folders. A file reached twice (named twice, or through a link) is listed
    once, under its shortest path.

    Args:
        inputs: Paths and patterns, as given on the command line.

    Returns:
        The files, sorted by path string, each once.

    Raises:
        InputError: A path does not exist, a pattern matches nothing, a supported file is a
            broken symbolic link, a folder cannot be listed, or an explicitly named file has an
            unsupported suffix or is not a regular file.
    """
    return _expand(inputs, _fail)


_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
#: Non-ASCII characters a single-byte news text may hold besides letters (quotes, dashes, NBSP, ...).
_TYPOGRAPHY = frozenset(
    "\u00a0\u00ab\u00bb\u2018\u2019\u201a\u201c\u201d\u201e\u2039\u203a\u2013\u2014\u2026\u2022\u00b7"
    "\u00b0\u00b1\u00a7\u00a9\u00ae\u2122\u20ac\u00a3\u2116\u00a1\u00bf\u00ad"
)

#: Letters of the Russian, Belarusian and Ukrainian alphabets, and their vowels.
_EAST_SLAVIC = frozenset([chr(c) for c in range(0x410, 0x450)] + list("ЁёІіЎўЇїЄєҐґ"))
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ")
_CODEC_NAMES = {"cp1251": "cp1251 (Cyrillic)", "cp1252": "Latin-1 (Windows-1252)"}


def _plausible(text: str, codec: str) -> bool:
    """True if a single-byte decoding reads as real text rather than mojibake.

    Every non-ASCII character must be a letter of the codec's script or common typography. Cyrillic
    letters must form whole words (``prйsident`` is Latin-1 read as cp1251); Latin words may hold an
    accented letter or two in a row but never three (``Ïðåçèäåíò`` is cp1251 read as Latin-1).
    """
    for ch in text:
        if ord(ch) >= 0x80 and not ch.isalpha() and ch not in _TYPOGRAPHY:
            return False
    words = [w for w in _LETTER_RUN.findall(text) if not w.isascii()]
    if codec == "cp1251":
        cyrillic = [c for w in words for c in w if not c.isascii()]
        if any(c not in _EAST_SLAVIC for c in cyrillic):
            return False  # Serbian and Macedonian letters: more likely bytes of another encoding
        # a Slavic text is about 40% vowels; Greek or Hebrew bytes read as cp1251 are consonant soup
        vowels = sum(1 for c in cyrillic if c in _CYRILLIC_VOWELS)
        if len(cyrillic) >= 10 and vowels < 0.28 * len(cyrillic):
            return False
        return sum(1 for w in words if any(c.isascii() for c in w)) <= 0.05 * len(words)
    return not any(re.search(r"[^\x00-\x7f]{3}", w) for w in words)


def decode_bytes(data: bytes, path: str | Path) -> str:
    """Decode an article file: UTF-8 (BOM stripped), UTF-16/32 with a BOM, else cp1251 or Latin-1.

    A file that is not UTF-8 is decoded as cp1251 (Cyrillic: Russian, Belarusian, Ukrainian) or as
    Latin-1 (read as Windows-1252, its superset with curly quotes and dashes) only when exactly one
    of them reads as real text; anything else is refused rather than turned into mojibake.

    Args:
        data: The file's bytes.
        path: The file, for messages.

    Raises:
        InputError: The file is binary, damaged, or its encoding cannot be recognised.

    >>> decode_bytes("Мінск і Масква".encode("cp1251"), "a.txt")
    'Мінск і Масква'
    >>> decode_bytes("“Déjà vu” — à Paris".encode("cp1252"), "a.txt")
    '“Déjà vu” — à Paris'
    """
    text, note = _decode(data, path)
    if note:
        logger.warning("%s: %s", path, note)
    return text


def _decode(data: bytes, path: str | Path) -> tuple[str, str | None]:
    """The decoded text and, when the encoding was guessed, a note saying which."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(path, f"binary file ({kind}) is not an article; convert it to text first")
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), None
            except UnicodeDecodeError as exc:
                raise InputError(path, f"starts with a {codec.upper()} byte-order mark but is not valid "
                                       f"{codec.upper()} ({exc.reason} at offset {exc.start}); "
                                       "re-save it as UTF-8") from None
    if b"\x00" in data:
        raise InputError(path, "contains NUL bytes: a binary file, or UTF-16/32 text without a byte-order "
                               "mark; convert it to UTF-8 text first")
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError as exc:
        bad = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError(path, f"starts with a UTF-8 byte-order mark but is not valid UTF-8 ({bad}); "
                               "the file is damaged or mixes encodings: fix it or re-encode it as UTF-8")
    high = sum(1 for x in data if x >= 0x80)
    if sum(len(m) for m in _UTF8_SEQ.findall(data)) >= 0.5 * high:
        raise InputError(path, f"mostly UTF-8 but not valid UTF-8 ({bad}); the file is damaged or mixes "
                               "encodings: fix it or re-encode it as UTF-8")
    found: dict[str, str] = {}
    for codec in ("cp1251", "cp1252"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible(text, codec):
            found[codec] = text
    if len(set(found.values())) == 1:
        codec, text = next(iter(found.items()))
        return text, f"not UTF-8: decoded as {_CODEC_NAMES[codec]}"
    why = "could be cp1251 or Latin-1" if found else "not recognisably cp1251 (Cyrillic) or Latin-1"
    raise InputError(path, f"not valid UTF-8 ({bad}) and {why}; re-encode it as UTF-8 "
                           "(e.g. iconv -f <encoding> -t UTF-8)")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _jsonl_article(line: str, source: str) -> Article:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(rec, dict):
        raise InputError(source, 'expected a JSON object like {"id": ..., "text": ...}')
    if rec.get("id") in (None, "") or not isinstance(rec["id"], str | int):
        raise InputError(source, "missing required field 'id' (a string)")
    if not isinstance(rec.get("text"), str):
        raise InputError(source, "missing required field 'text' (a string)")
    for name, value in rec.items():
        # JSON can escape half of a UTF-16 pair ("\ud83d" of a cut emoji): not Unicode text
        if isinstance(value, str) and not value.isascii() and (m := _SURROGATE.search(value)):
            raise InputError(source, f"field '{name}' holds an unpaired surrogate \\u{ord(m.group()):04x} at "
                                     f"offset {m.start()} (half of an escaped character); fix the JSON escape")
    meta: dict[str, str] = {}
    for name in _JSONL_FIELDS:
        value = rec.get(name)
        if name == "author" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "; ".join(value)
        if value is not None and not isinstance(value, str):
            raise InputError(source, f"field '{name}' must be a string")
        if value:
            meta[name] = value
    published = meta.get("published")
    if published and not (_ISO_DATE.fullmatch(published) and parse_date(published)):
        raise InputError(source, f"field 'published' must be a date as YYYY-MM-DD, got {published!r}")
    text = rec["text"]
    fmt = "html" if text.lstrip()[:14].lower().startswith(("<!doctype html", "<html")) else "txt"
    return parse_article(text, doc_id=str(rec["id"]), source=source, fmt=fmt, meta=meta)


def _too_big(source: str | Path, size: int, limit: int, what: str) -> InputError:
    mb = f" ({size / 1e6:.1f} MB)" if size >= 1e6 else ""
    return InputError(source, f"{what} is {size:,} bytes{mb}, above the limit of {limit:,} bytes for one "
                              f"article; split it, or raise the limit with {MAX_BYTES_ENV}=<bytes> (0 = no limit)")


def _iter_file(
    path: Path, fail: Callable[[InputError], None], max_bytes: int, note: Callable[[str, str], None],
    memo: ParseMemo | None = None,
) -> Iterator[Article]:
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        fail(_unsupported(path))
        return
    try:
        # checked before reading: a 50 MB "article" is refused at once, not read and analysed for hours
        if max_bytes and fmt != "jsonl" and (size := path.stat().st_size) > max_bytes:
            raise _too_big(path, size, max_bytes, "the file")
        text, guessed = _decode(path.read_bytes(), path)
        if guessed:
            logger.warning("%s: %s", path, guessed)
            note(str(path), guessed)
        if fmt != "jsonl":
            article = memo.get_article(str(path), text) if memo else None
            if article is None:
                article = parse_article(text, doc_id=path.stem, source=str(path), fmt=fmt)
                if memo:
                    memo.put_article(str(path), text, article)
            yield article
            return
        if _blank(text):
            raise InputError(path, "empty article file (no JSONL records)")
    except OSError as exc:
        fail(InputError(path, f"cannot read file: {exc.strerror or exc}"))
        return
    except InputError as exc:
        fail(exc)
        return
    for lineno, line in enumerate(text.split("\n"), 1):
        if not _blank(line):
            source = f"{path}:{lineno}"
            try:
                if max_bytes and len(line) * 4 > max_bytes and (size := len(line.encode("utf-8"))) > max_bytes:
                    raise _too_big(source, size, max_bytes, "the record")
                article = memo.get_article(source, line) if memo else None
                if article is None:
                    article = _jsonl_article(line, source)
                    if memo:
                        memo.put_article(source, line, article)
                yield article
            except InputError as exc:
                fail(exc)


def _limit(max_bytes: int | None) -> int:
    return default_max_bytes() if max_bytes is None else max_bytes


def load_file(path: Path, *, max_bytes: int | None = None) -> list[Article]:
    """The articles of one file (a JSONL file holds several).

    Args:
        path: The file.
        max_bytes: Size limit of one article (see :func:`read_articles`).

    Raises:
        InputError: The file cannot be read or used, or a JSONL line is malformed.
    """
    return list(_iter_file(Path(path), _fail, _limit(max_bytes), lambda source, reason: None))


def read_articles(
    inputs: Sequence[str | Path],
    *,
    skip_bad: bool = False,
    problems: list[tuple[str, str]] | None = None,
    max_bytes: int | None = None,
    memo: ParseMemo | None = None,
) -> Iterator[Article]:
    """Lazily read the articles of files, folders and globs.

    The same article met twice (same document key) is yielded once; the duplicate is
    noted in ``problems`` even without ``skip_bad``, and so is an encoding that had to
    be guessed (a file that is not UTF-8).

    Args:
        inputs: Paths and patterns (see :func:`expand_inputs`).
        skip_bad: Record bad files and JSONL lines in ``problems`` and go on, instead of
            raising.
        problems: Receives ``(source, reason)`` pairs.
        max_bytes: Largest article accepted, in bytes of its file or JSONL line; 0 means no
            limit; None means ``KG_MAX_BYTES`` or :data:`kg.config.DEFAULT_MAX_BYTES`.
        memo: Articles parsed by an earlier build (the analysis cache), so an unchanged input is
            read but not parsed again.

    Yields:
        One :class:`Article` per article, in path order.

    Raises:
        InputError: Without ``skip_bad``, the first bad input.
    """

    def note(source: str, reason: str) -> None:
        if problems is not None and (source, reason) not in problems:
            problems.append((source, reason))

    def fail(exc: InputError) -> None:
        if not skip_bad:
            raise exc
        logger.warning("skipped %s", exc)
        note(exc.path, f"{exc.reason} (skipped)")

    limit = _limit(max_bytes)
    seen: dict[str, str] = {}
    for path in _expand(inputs, fail):
        for article in _iter_file(path, fail, limit, note, memo):
            first = seen.setdefault(article.key, article.source)
            if first != article.source:
                reason = f"duplicate of {first} (same article, key {article.key}); read once"
                logger.warning("%s: %s", article.source, reason)
                note(article.source, reason)
                continue
            yield article
