"""Clean article text for analysis while keeping an exact map back to the raw input.

The analysis view of an article (``Article.text``) is assembled run by run with
:class:`TextBuilder`: each run is either copied verbatim from the raw text or is a
single character standing for a raw range (a decoded ``&amp;``, a blank line folded
to a space, a block tag turned into a line break). Everything else in the raw text
(markup, dropped elements) lies between runs, so :class:`kg.records.OffsetMap` maps
any clean span back to raw offsets exactly.

Three producers live here: :func:`clean_markup` (inline HTML tags, entities and
Markdown in ``.txt``/``.md``), :func:`rejoin_paragraphs` (page-break artefacts) and
:func:`html_to_text` (main text of an HTML page). :func:`boilerplate_spans` finds
site boilerplate in a clean text.
"""

from __future__ import annotations

import html
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser

from kg.records import OffsetMap

#: Boilerplate cues, matched case-insensitively at the start of a line: a line cue marks
#: that line; a block-start cue marks the line and everything after it (only in the second
#: half of the text, so a stray cue near the top cannot swallow an article).
BLOCK_START_CUES = (
    "disclaimer:", "related articles", "you may also like",
)  # fmt: skip
LINE_CUES = (
    "about the author", "note to readers", "share this", "share on ", "subscribe to", "sign up for",
    "follow us on", "click here",
    "forward this article", "featured image", "photo credit", "image credit", "comment on ",
    "become a member", "articles by:", "copyright", "\u00a9", "all rights reserved", "for media inquiries",
    "this article was originally published", "this article was first published", "originally published in",
    "the views expressed in this article", "read more:", "tags:", "filed under",
)  # fmt: skip
#: Phrases of legal notices, matched anywhere in a line of the second half of the text.
NOTICE_PHRASES = ("all rights reserved", "copyrighted material", "fair use")

_HTML_TAGS = frozenset((
    "a", "abbr", "address", "article", "aside", "b", "big", "blockquote", "body", "br", "center", "cite",
    "code", "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i", "img", "ins", "kbd", "li", "main", "mark",
    "nav", "ol", "p", "pre", "q", "s", "section", "small", "span", "strike", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "time", "tr", "tt", "u", "ul",
))  # fmt: skip
_BLOCK_TAGS = frozenset((
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "table", "td", "th", "tr",
    "ul",
))  # fmt: skip
#: Elements whose content is not article text.
_DROP_TAGS = frozenset((
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "iframe",
    "button", "select", "title",
))  # fmt: skip
_VOID_TAGS = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")
)

_MARKUP = re.compile(
    # every kind starts with one of these characters (a heading with up to three blanks before its
    # "#"): the lookahead lets the engine skip other positions without trying each alternative
    r"""(?=[<&!\[*_\\`\#]|^[ \t]{1,3}\#)
    (?: (?P<comment><!--.*?-->)
    | (?P<tag></?(?P<tagname>[A-Za-z][A-Za-z0-9]*)(?:\s(?:[^<>"']|"[^"<>]*"|'[^'<>]*')*)?/?>)
    | (?P<entity>&(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)
    | (?P<image>!\[[^\[\]\n]*\]\([^()\s]*(?:\s+"[^"\n]*")?\))
    | (?P<link>\[(?P<ltext>[^\[\]\n]+)\]\([^()\s]*(?:\s+"[^"\n]*")?\))
    | (?P<strong>(?<![\w*\\])\*\*(?=[^\s*])(?P<stext>[^\n]+?)(?<=[^\s*])\*\*(?![\w*]))
    | (?P<ustrong>(?<![\w\\])__(?=[^\s_])(?P<utext>[^\n]+?)(?<=[^\s_])__(?!\w))
    | (?P<em>(?<![\w*\\])\*(?=[^\s*])(?P<etext>[^\n]+?)(?<=[^\s*])\*(?![\w*]))
    | (?P<uem>(?<![\w\\])_(?=[^\s_])(?P<ftext>[^\n]+?)(?<=[^\s_])_(?!\w))
    | (?P<heading>^[ \t]{0,3}\#{1,6}[ \t]+)
    | (?P<escape>\\(?P<esc>[\\`*_{}\[\]()#+\-.!>]))
    | (?P<code>`(?P<ctext>[^`\n]+)`) )""",
    re.X | re.S | re.M,
)
#: The characters a :data:`_MARKUP` match starts with (a heading may have up to three blanks before its "#").
_MARKUP_START = re.compile(r"[<&!\[*_\\`#]")
_INNER = {"link": "ltext", "strong": "stext", "ustrong": "utext", "em": "etext", "uem": "ftext"}
_GAP = re.compile(r"[ \t\r]*\n(?:[ \t\r]*\n)+[ \t\r]*")
_BLANKS = " \t\r"
_LINE = re.compile(r"[^\n]+")
_SINGLE_NL = re.compile(r"[ \t\r]*(\n)(?![ \t\r]*\n)")
_TERMINAL = frozenset(".!?:;\"'\u201d\u2019\u00bb)]\u2026")
_ENDTAG = re.compile(r"</[^>]*>")
_URL_ONLY = re.compile(r"^\W*(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+)\W*$", re.I)
_SEPARATOR = re.compile(r"^[\W_]+$")
_MARKUP_LEAD = " *_#>-\u2022\t"


class TextBuilder:
    """Accumulates a clean text from runs of a raw text and records its :class:`OffsetMap`.

    >>> b = TextBuilder("a &amp; b")
    >>> b.copy(0, 2); b.replace("&", 2, 7); b.copy(7, 9)
    >>> b.build()
    ('a & b', OffsetMap(segments=((0, 2, 0, 2), (2, 3, 2, 7), (3, 5, 7, 9))))
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._parts: list[str] = []
        self._segs: list[list[int]] = []  # clean_start, clean_end, raw_start, raw_end, verbatim
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def copy(self, begin: int, end: int) -> None:
        """Append ``raw[begin:end]`` verbatim (adjacent verbatim runs are merged)."""
        if end <= begin:
            return
        last = self._segs[-1] if self._segs else None
        if last is not None and last[4] and last[3] == begin:
            last[1] += end - begin
            last[3] = end
        else:
            self._segs.append([self._len, self._len + end - begin, begin, end, 1])
        self._parts.append(self.raw[begin:end])
        self._len += end - begin

    def replace(self, char: str, begin: int, end: int) -> None:
        """Append one character that stands for the non-empty raw range ``[begin, end)``."""
        if len(char) != 1 or end <= begin:
            raise ValueError(f"a replacement is one character for a non-empty range, got {char!r}")
        self._segs.append([self._len, self._len + 1, begin, end, 0])
        self._parts.append(char)
        self._len += 1

    def paragraph_break(self, begin: int, end: int) -> None:
        """Append ``"\\n\\n"`` standing for the raw range (split in two when it is long enough)."""
        mid = end - 1 if end - begin >= 2 else end
        self.replace("\n", begin, mid)
        # a one-character range backs both newlines: the two runs overlap in raw
        self.replace("\n", mid - 1 if mid == end else mid, end)

    def build(self) -> tuple[str, OffsetMap]:
        """The clean text and its map to the raw text."""
        return "".join(self._parts), OffsetMap(tuple((s[0], s[1], s[2], s[3]) for s in self._segs))


def transfer(builder: TextBuilder, text: str, omap: OffsetMap, begin: int, end: int) -> None:
    """Append ``text[begin:end]`` of an earlier clean text, composing its map to raw.

    Args:
        builder: Builder over the same raw text as ``omap``.
        text: The earlier clean text.
        omap: Its map to raw.
        begin: Start of the range to copy.
        end: End of the range (exclusive).
    """
    segs = omap.segments
    i = max(bisect_right(segs, (begin, math.inf)) - 1, 0)
    raw = builder.raw
    while i < len(segs) and segs[i][0] < end:
        cs, ce, rs, re_ = segs[i]
        a, b = max(begin, cs), min(end, ce)
        if a < b:
            if ce - cs == re_ - rs and text[cs:ce] == raw[rs:re_]:
                builder.copy(rs + a - cs, rs + b - cs)
            else:
                builder.replace(text[cs], rs, re_)
        i += 1


def _next_markup(raw: str, pos: int, end: int) -> re.Match[str] | None:
    """``_MARKUP.search(raw, pos, end)``, trying only the positions where a match can start.

    A match starts at one of the :data:`_MARKUP_START` characters, or (a heading) up to three
    blanks before a "#"; the others are skipped by a search that runs without leaving C.
    """
    while (start := _MARKUP_START.search(raw, pos, end)) is not None:
        at = start.start()
        if raw[at] == "#":
            for p in range(max(pos, at - 3), at):
                if m := _MARKUP.match(raw, p, end):
                    return m
        if m := _MARKUP.match(raw, at, end):
            return m
        pos = at + 1
    return None


def _scan(raw: str, begin: int, end: int, b: TextBuilder, markdown: bool) -> None:
    pos = begin
    while pos < end:
        m = _next_markup(raw, pos, end)
        if m is None:
            break
        s, e = m.span()
        kind = m.lastgroup or ""
        if kind == "tag" and m["tagname"].lower() not in _HTML_TAGS or (
            kind in ("escape", "code") and not markdown
        ):
            b.copy(pos, s + 1)  # not markup after all: keep its first character, rescan after it
            pos = s + 1
            continue
        b.copy(pos, s)
        if kind == "tag" and m["tagname"].lower() in _BLOCK_TAGS:
            b.replace("\n", s, e)
        elif kind == "entity":
            char = html.unescape(m.group()).replace("\u00a0", " ")
            if len(char) == 1:
                b.replace(char, s, e)
            else:
                b.copy(s, e)
        elif kind in _INNER:
            _scan(raw, m.start(_INNER[kind]), m.end(_INNER[kind]), b, markdown)
        elif kind == "escape":
            b.replace(m["esc"], s, e)
        elif kind == "code":
            b.copy(m.start("ctext"), m.end("ctext"))
        pos = e
    b.copy(pos, end)


def clean_markup(raw: str, *, markdown: bool = False) -> tuple[str, OffsetMap]:
    """Remove inline HTML, entities and Markdown markup from a plain-text article.

    Tags are dropped (block tags become a newline), entities decoded, emphasis markers
    and link targets removed, Markdown heading markers dropped.

    Args:
        raw: The raw text.
        markdown: Also honour Markdown backslash escapes and inline code.

    Returns:
        The clean text and its map to ``raw``.

    >>> clean_markup("See <u>the *Kremlin*</u> [site](https://e.org) &amp; more")[0]
    'See the Kremlin site & more'
    """
    b = TextBuilder(raw)
    _scan(raw, 0, len(raw), b, markdown)
    return b.build()


def rejoin_paragraphs(
    text: str, omap: OffsetMap, raw: str, *, body_start: int = 0, title_end: int | None = None
) -> tuple[str, OffsetMap]:
    """Undo page-break artefacts of a clean text and give the title its own paragraph.

    A word hyphenated across a blank line is rejoined (the hyphen stays, the blank line
    goes); a sentence broken by a blank line (the paragraph before ends without closing
    punctuation, the next starts with a lower-case letter or digit) is rejoined with one
    space standing for the blank line. Only gaps after ``body_start`` are considered.

    Args:
        text: Clean text from :func:`clean_markup`.
        omap: Its map to ``raw``.
        raw: The raw text.
        body_start: Offset in ``text`` where the article body starts.
        title_end: End of the title line in ``text``; a single newline after it becomes a
            paragraph break.

    Returns:
        The new clean text and its map to ``raw``.

    >>> t, m = clean_markup("A visa-\\n\\nfree regime and a\\n\\nforthcoming plan.")
    >>> rejoin_paragraphs(t, m, "A visa-\\n\\nfree regime and a\\n\\nforthcoming plan.")[0]
    'A visa-free regime and a forthcoming plan.'
    """
    edits: list[tuple[int, int, str]] = []
    if title_end is not None:
        nl = _SINGLE_NL.match(text, title_end)
        if nl and nl.end() < len(text):
            edits.append((nl.start(1), nl.end(1), "break"))
    for s, e in _gaps(text):
        if s <= body_start or e >= len(text):
            continue
        prev, nxt = text[s - 1], text[e]
        words = (text[max(s - 80, 0) : s].split() or [""])[-1], text[e : e + 8]
        if "@" in words[0] or "/" in words[0] or words[1].startswith(("www.", "http")):
            continue  # an address ends or starts the paragraph: not a broken sentence
        if prev == "-" and text[s - 2 : s - 1].isalpha() and nxt.isalnum():
            edits.append((s, e, "drop"))
        elif prev not in _TERMINAL and (nxt.islower() or nxt.isdigit()):
            edits.append((s, e, "space"))
    b = TextBuilder(raw)
    pos = 0
    for s, e, action in sorted(edits):
        transfer(b, text, omap, pos, s)
        rs, re_ = omap.to_raw(s, e)
        if action == "space":
            b.replace(" ", rs, re_)
        elif action == "break":
            b.paragraph_break(rs, re_)
        pos = e
    transfer(b, text, omap, pos, len(text))
    return b.build()


def _gaps(text: str) -> Iterator[tuple[int, int]]:
    """The spans of ``_GAP.finditer(text)``, trying only the blanks before each newline.

    A gap starts at the run of blanks before a newline, and either every position of that run
    starts one (the same) or none does.
    """
    pos = 0
    while (nl := text.find("\n", pos)) >= 0:
        start = nl
        while start > pos and text[start - 1] in _BLANKS:
            start -= 1
        m = _GAP.match(text, start)
        if m is None:
            pos = nl + 1
            continue
        yield m.span()
        pos = m.end()


class _HTMLExtractor(HTMLParser):
    """Collects text runs (with raw offsets) and metadata of an HTML page."""

    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]
        self.units: list[tuple[str, int, int, str, bool]] = []  # kind, begin, end, char, in main
        self.meta: dict[str, str] = {}
        self._drop: list[str] = []
        self._main = 0
        self._caps: list[tuple[str, str, list[str]]] = []

    def _pos(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _unit(self, kind: str, begin: int, end: int, char: str = "") -> None:
        if not self._drop and end > begin:
            self.units.append((kind, begin, end, char, self._main > 0))

    def _meta_tag(self, a: dict[str, str]) -> None:
        key = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
        content = " ".join(a.get("content", "").split())
        field = {
            "author": "author", "dc.creator": "author", "byl": "author", "article:author": "author",
            "article:published_time": "date", "date": "date", "dc.date": "date", "pubdate": "date",
            "datepublished": "date", "og:site_name": "publisher", "og:title": "og_title", "og:url": "url",
        }.get(key)
        if field and content and not (field == "author" and content.startswith("http")):
            self.meta.setdefault(field, content)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        pos = self._pos()
        end = pos + len(self.get_starttag_text() or "")
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            self._meta_tag(a)
        elif tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.meta.setdefault("url", a["href"])
        if tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag in ("article", "main") and not closed:
            self._main += 1
        if not closed and tag not in _VOID_TAGS:
            if tag in ("title", "h1"):
                self._caps.append((tag, tag, []))
            elif "author" in (a.get("rel", "") + a.get("class", "") + a.get("itemprop", "")).lower():
                self._caps.append(("author_text", tag, []))
        if tag in _DROP_TAGS and not closed and not (tag == "header" and self._main):
            self._drop.append(tag)
        elif tag in _BLOCK_TAGS:
            self._unit("break", pos, end)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, tag in _VOID_TAGS)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        pos = self._pos()
        m = _ENDTAG.match(self.raw, pos)
        end = m.end() if m else pos + len(tag) + 3
        for i in range(len(self._caps) - 1, -1, -1):
            key, ctag, parts = self._caps[i]
            if ctag == tag:
                text = " ".join("".join(parts).split())
                if text:
                    self.meta.setdefault(key, text)
                del self._caps[i]
                break
        if tag in ("article", "main"):
            self._main = max(0, self._main - 1)
        if tag in self._drop:
            del self._drop[len(self._drop) - 1 - self._drop[::-1].index(tag) :]
        elif tag in _BLOCK_TAGS:
            self._unit("break", pos, end)

    def handle_data(self, data: str) -> None:
        for _, _, parts in self._caps:
            parts.append(data)
        pos = self._pos()
        self._unit("text", pos, pos + len(data))

    def _ref(self, prefix: str, name: str) -> None:
        pos = self._pos()
        end = pos + len(prefix) + len(name)
        if self.raw.startswith(";", end):
            end += 1
        source = self.raw[pos:end]
        char = html.unescape(source).replace("\u00a0", " ")
        for _, _, parts in self._caps:
            parts.append(char)
        if len(char) == 1 and char != source:
            self._unit("char", pos, end, char)
        else:
            self._unit("text", pos, end)

    def handle_entityref(self, name: str) -> None:
        self._ref("&", name)

    def handle_charref(self, name: str) -> None:
        self._ref("&#", name)


def html_to_text(raw: str) -> tuple[str, OffsetMap, dict[str, str]]:
    """Main text of an HTML page, its map to the HTML source, and the page's metadata.

    Scripts, styles, navigation, page headers and footers, asides, forms and comments
    are dropped; when the page has ``<article>`` or ``<main>`` only their content is
    kept. Block elements become paragraph breaks and whitespace runs one space.

    Args:
        raw: The HTML source.

    Returns:
        ``(text, offsets, meta)``; ``meta`` may hold ``title``, ``h1``, ``og_title``,
        ``author``, ``author_text``, ``date``, ``time``, ``publisher`` and ``url``.

    Raises:
        ValueError: The page cannot be parsed.

    >>> text, _, meta = html_to_text("<title>T</title><nav>Home</nav><p>A &amp; B</p><p>C</p>")
    >>> text, meta["title"]
    ('A & B\\n\\nC', 'T')
    """
    parser = _HTMLExtractor(raw)
    try:
        parser.feed(raw)
        parser.close()
    except AssertionError as exc:  # html.parser's reaction to a bogus <![...]> section
        raise ValueError(f"malformed HTML: {exc}") from None
    units = parser.units
    if any(u[4] and (u[0] == "char" or raw[u[1] : u[2]].strip()) for u in units):
        units = [u for u in units if u[4]]
    b = TextBuilder(raw)
    pending_break: tuple[int, int] | None = None
    pending_space: tuple[int, int] | None = None

    def flush() -> None:
        nonlocal pending_break, pending_space
        if len(b) and pending_break:
            b.paragraph_break(*pending_break)
        elif len(b) and pending_space:
            if raw[pending_space[0] : pending_space[1]] == " ":
                b.copy(*pending_space)
            else:
                b.replace(" ", *pending_space)
        pending_break = pending_space = None

    for kind, begin, end, char, _ in units:
        if kind == "break":
            pending_break = pending_break or (begin, end)
        elif kind == "char":
            flush()
            b.replace(char, begin, end)
        else:
            for m in re.finditer(r"\s+|\S+", raw[begin:end]):
                s, e = begin + m.start(), begin + m.end()
                if not m.group().isspace():
                    flush()
                    b.copy(s, e)
                elif pending_space is None:
                    pending_space = (s, e)
    text, omap = b.build()
    return text, omap, parser.meta


def text_lines(text: str, begin: int = 0) -> Iterator[tuple[int, int, str]]:
    """Non-blank lines of ``text`` from ``begin`` on, as ``(start, end, stripped line)``."""
    for m in _LINE.finditer(text, begin):
        line = m.group()
        stripped = line.strip()
        if stripped:
            start = m.start() + len(line) - len(line.lstrip())
            yield start, start + len(stripped), stripped


def merge_spans(text: str, spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort spans and merge those that overlap or are separated only by whitespace.

    >>> merge_spans("ab  cd ef", [(7, 9), (0, 2), (4, 5)])
    ((0, 5), (7, 9))
    """
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and (s <= out[-1][1] or not text[out[-1][1] : s].strip()):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def _cue(line: str) -> str | None:
    low = line.lstrip(_MARKUP_LEAD).lower()
    if low.startswith(BLOCK_START_CUES):
        return "block_start"
    return "line" if low.startswith(LINE_CUES) else None


def _is_notice(line: str) -> bool:
    low = line.lower()
    return any(p in low for p in NOTICE_PHRASES)


def _repeats(lines: list[tuple[int, int, str]]) -> list[bool] | None:
    """For each line, whether it repeats an earlier paragraph of at least 40 characters (a pull quote, a
    bio printed twice: its first copy is the content); None when no two such paragraphs exist."""
    if sum(1 for _, _, line in lines if len(line) >= 40) < 2:
        return None
    norms = [" ".join(line.split()) for _, _, line in lines]
    counts = Counter(norm for (_, _, line), norm in zip(lines, norms, strict=True) if len(line) >= 40)
    first_seen: dict[str, int] = {}
    return [counts[norm] > 1 and s > first_seen.setdefault(norm, s)
            for (s, _, _), norm in zip(lines, norms, strict=True)]


def boilerplate_spans(
    text: str, *, body_start: int = 0
) -> list[tuple[int, int]]:
    """Ranges of ``text`` holding site boilerplate rather than article content.

    Marks lines that start with a :data:`LINE_CUES` cue (a :data:`BLOCK_START_CUES` cue
    in the second half of the text marks everything after it), separator lines,
    e-mail/URL-only lines, legal notices and repeated paragraphs. An author's bio
    ("<author> is ...") and a trailing signature (the author's name and role) are
    content: they say who the source is, so their first copy is kept.

    Args:
        text: The clean text.
        body_start: Where the body starts; earlier text is left to the header analysis.

    Returns:
        Unmerged ``(begin, end)`` ranges.
    """
    lines = list(text_lines(text, body_start))
    half = len(text) // 2
    repeats = _repeats(lines)
    out: list[tuple[int, int]] = []
    for (s, e, line), repeated in zip(lines, repeats or [False] * len(lines), strict=True):
        kind = _cue(line)
        if kind == "block_start" and s >= half:
            out.append((s, len(text.rstrip())))
            return out
        if (
            kind
            or _SEPARATOR.match(line)
            or _URL_ONLY.match(line)
            or repeated
            or (s >= half and _is_notice(line))
        ):
            out.append((s, e))
    return out
