"""Tests of kg.ingest and kg.textclean: formats, decoding, header metadata, boilerplate, exact offsets.

The seed articles are third-party text: they are read from ../shared/seeds at run time and
never quoted here beyond a few words.
"""

from __future__ import annotations

import html
import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg import ingest, textclean
from kg.config import SUPPORTED_SUFFIXES
from kg.errors import InputError
from kg.ingest import SUFFIX_FORMATS, expand_inputs, load_file, parse_article, parse_date, read_articles
from kg.records import Article
from kg.textclean import html_to_text

DATA = Path(__file__).parent / "data" / "ingest"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_000 = "000_58982020c0ac5eee"
SEED_002 = "002_a92d6cc280191822"

_WORD = re.compile(r"\w+(?:[-'\u2019]\w+)*")
_RAW_TAGS = re.compile(r"<[^<>]*>|\]\([^()]*\)")
_RAW_MARKERS = re.compile(r"[*_\[\]#]")


def _squash(raw: str) -> str:
    """Raw text with markup stripped, entities decoded and all whitespace removed."""
    return "".join(_RAW_MARKERS.sub("", html.unescape(_RAW_TAGS.sub("", raw))).split())


def _in_skip(article: Article, begin: int, end: int) -> bool:
    return any(s <= begin and end <= e for s, e in article.skip)


def _overlaps_skip(article: Article, begin: int, end: int) -> bool:
    return any(s < end and begin < e for s, e in article.skip)


def _raw_of(article: Article, begin: int, end: int) -> str:
    rb, re_ = article.offsets.to_raw(begin, end)
    return article.raw[rb:re_]


def _assert_words_map_back(article: Article) -> int:
    checked = 0
    for m in _WORD.finditer(article.text):
        if _overlaps_skip(article, *m.span()):
            continue
        assert _squash(_raw_of(article, *m.span())) == m.group(), m.group()
        checked += 1
    return checked


def _assert_map_well_formed(article: Article) -> None:
    segs = article.offsets.segments
    assert segs[0][0] == 0 and segs[-1][1] == len(article.text)
    prev_raw = 0
    for i, (cs, ce, rs, re_) in enumerate(segs):
        assert cs < ce and 0 <= rs < re_ <= len(article.raw)
        assert i == 0 or cs == segs[i - 1][1]
        assert rs >= prev_raw
        prev_raw = rs
        if ce - cs > 1:
            assert article.text[cs:ce] == article.raw[rs:re_]
    for s, e in article.skip:
        assert 0 <= s < e <= len(article.text)


def _seed(name: str) -> Article:
    path = SEEDS / f"{name}.txt"
    if not path.is_file():
        pytest.skip(f"seed article {path} not found (the seeds live outside the repository)")
    (article,) = load_file(path)
    return article


@pytest.fixture(scope="module")
def seed_000() -> Article:
    return _seed(SEED_000)


@pytest.fixture(scope="module")
def seed_002() -> Article:
    return _seed(SEED_002)


# --- the seed articles ---------------------------------------------------------------------------


def test_seed_000_metadata(seed_000: Article) -> None:
    a = seed_000
    first_line = next(line.strip() for line in a.raw.splitlines() if line.strip())
    assert a.title == first_line
    assert a.title.startswith("Russian-Belarusian Relations:")
    assert a.title.endswith("Crimea 2.0 Is Unlikely")
    assert a.authors == ("Andrew Korybko",)
    assert a.publisher == "Global Research"
    assert a.published == "2020-08-17"
    assert a.key == "58982020c0ac5eee"
    assert a.doc_id == SEED_000
    assert a.original_publisher == "OneWorld"


def test_seed_002_metadata(seed_002: Article) -> None:
    a = seed_002
    assert a.title == "Belarus Finds its Foreign Policy Stride"
    assert a.authors == ("Yauheni Preiherman",)
    assert a.publisher == "Global Brief"
    assert a.original_publisher == "Global Brief"
    assert a.published == "2019-02-08"
    assert a.key == "a92d6cc280191822"
    assert a.doc_id == SEED_002


@pytest.mark.parametrize("name", [SEED_000, SEED_002])
def test_seed_offsets_map_back_exactly(name: str) -> None:
    a = _seed(name)
    _assert_map_well_formed(a)
    assert _assert_words_map_back(a) > 1000
    assert a.raw == (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [SEED_000, SEED_002])
def test_seed_title_is_its_own_paragraph_and_not_skipped(name: str) -> None:
    a = _seed(name)
    assert a.title
    i = a.text.index(a.title)
    assert a.text[i + len(a.title) :].startswith("\n\n")
    assert not _overlaps_skip(a, i, i + len(a.title))


@pytest.mark.parametrize("name", [SEED_000, SEED_002])
def test_seed_sentences_broken_by_blank_lines_are_rejoined(name: str) -> None:
    a = _seed(name)
    for m in re.finditer(r"(?<=\S)\n[ \t]*\n\s*([a-z0-9])", a.text):
        assert _in_skip(a, m.start(1), m.end(1)), a.text[m.start() - 40 : m.end() + 10]
    assert "<u>" not in a.text and "</u>" not in a.text
    assert "**" not in a.text and "](#)" not in a.text


def test_seed_000_hyphen_across_blank_line(seed_000: Article) -> None:
    a = seed_000
    assert "visa-free" in a.text
    i = a.text.index("visa-free")
    raw = _raw_of(a, i, i + len("visa-free"))
    assert "\n\n" in raw and raw.startswith("visa-") and raw.endswith("free")
    # the blank line inside a sentence ("a" + blank line + "forthcoming") became one space
    j = a.text.index("forthcoming")
    assert a.text[j - 3 : j] == " a "
    assert "\n" in _raw_of(a, j - 2, j)


def test_seed_000_header_and_footer_are_skipped(seed_000: Article) -> None:
    a = seed_000
    for cue in ("By Andrew Korybko", "Global Research, August", "Region:", "Theme:"):
        i = a.text.index(cue)
        assert _in_skip(a, i, i + len(cue)), cue
    note = a.text.index("Note to readers")
    for cue in ("Note to readers", "Featured image", "Become a Member", "About the author"):
        i = a.text.index(cue)
        assert _in_skip(a, i, a.text.index("\n", i)), cue
    # the author's bio is printed twice: the first copy is content, the second and the legal notice are not
    bio = a.text.index("Andrew Korybko is")
    assert not _overlaps_skip(a, bio, a.text.index("\n", bio))
    assert _in_skip(a, a.text.rindex("Andrew Korybko is"), len(a.text.rstrip()))
    body = a.text.index("Several recent developments")
    assert not _overlaps_skip(a, body, body + 200)
    last_heading = a.text.index("Concluding Thoughts")
    assert not _overlaps_skip(a, last_heading, note - 5)


def test_seed_002_header_is_skipped_and_signature_kept(seed_002: Article) -> None:
    a = seed_002
    for cue in ("Originally published in the Global Brief", "08.02.2019"):
        i = a.text.index(cue)
        assert _in_skip(a, i, i + len(cue)), cue
    byline = a.text.index("Yauheni Preiherman")
    assert _in_skip(a, byline, byline + len("Yauheni Preiherman"))
    # the closing signature says who the author is (name and affiliation): content, not boilerplate
    signature = a.text.rindex("Yauheni Preiherman")
    assert signature > byline
    body = a.text.index("Until a few years ago")
    assert not _overlaps_skip(a, body, len(a.text.rstrip()))


# --- small files written for these tests -------------------------------------------------------------


def test_markdown_emphasis_and_links() -> None:
    (a,) = load_file(DATA / "emphasis.md")
    assert a.title == "Grain Corridor Plans Take Shape"
    assert a.authors == ("Tomas Reyl",)
    assert a.published == "2022-03-03"
    assert a.doc_id == "emphasis"
    for marker in ("#", "*", "_still_", "[", "](", "https://example.org"):
        assert marker not in a.text, marker
    assert "from three landlocked states agreed on Monday" in a.text
    assert "according to a joint statement." in a.text
    assert "the\nannex lists four candidate railheads & two" in a.text
    i = a.text.index("&")
    assert _raw_of(a, i, i + 1) == "&amp;"
    for cue in ("Share this article", "Disclaimer:"):
        i = a.text.index(cue)
        assert _in_skip(a, i, i + len(cue))
    _assert_map_well_formed(a)
    assert _assert_words_map_back(a) > 30


def test_html_main_text_and_metadata() -> None:
    (a,) = load_file(DATA / "page.html")
    assert a.title == "Rail Freight Talks Resume"
    assert a.authors == ("Mira Castellan",)
    assert a.publisher == "Harbour Ledger"
    assert a.published == "2021-03-04"
    assert a.url == "https://harbour-ledger.example/rail-freight-talks"
    for dropped in ("tracker", "font-family", "Front page", "Subscribe now", "rights reserved", "Related:",
                    "news from the coast", "<p>", "&amp;", "article starts"):
        assert dropped not in a.text, dropped
    assert a.text.startswith("Rail Freight Talks Resume\n\nBy Mira Castellan\n\n")
    assert "rail freight & customs checks." in a.text
    assert 'called the meeting "constructive" and said the route\u2019s capacity could double within' in a.text
    for char, entity in (("&", "&amp;"), ('"', "&quot;"), ("\u2019", "&#8217;")):
        i = a.text.index(char)
        assert _raw_of(a, i, i + 1) == entity
    i = a.text.index("By Mira")
    assert _in_skip(a, i, i + len("By Mira Castellan"))
    _assert_map_well_formed(a)
    assert _assert_words_map_back(a) > 30


def test_jsonl_records_and_a_malformed_line() -> None:
    path = DATA / "records.jsonl"
    problems: list[tuple[str, str]] = []
    articles = list(read_articles([path], skip_bad=True, problems=problems))
    assert [a.source for a in articles] == [f"{path}:1", f"{path}:3"]
    assert [a.doc_id for a in articles] == ["rec-1", "3"]
    first = articles[0]
    assert (first.title, first.authors, first.publisher, first.published, first.url) == (
        "Bridge Reopens", ("Ilse Varga",), "Valley Courier", "2021-05-02", "https://example.org/bridge")
    assert first.raw.startswith("Bridge Reopens\n\n")
    assert articles[1].title == "Ferry Timetable"
    assert len(problems) == 1 and problems[0][0] == f"{path}:2" and "JSON" in problems[0][1]
    with pytest.raises(InputError, match=r"records\.jsonl:2"):
        list(read_articles([path]))
    with pytest.raises(InputError) as err:
        load_file(path)
    assert err.value.path.endswith("records.jsonl:2")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"text": "no id here"}', "'id'"),
        ('{"id": "x"}', "'text'"),
        ('["id", "text"]', "JSON object"),
        ('{"id": "x", "text": "Fine text.", "published": "17/08/2020"}', "YYYY-MM-DD"),
        ('{"id": "x", "text": "Fine text.", "title": 7}', "'title'"),
        ('{"id": "x", "text": "   "}', "empty"),
    ],
)
def test_jsonl_line_errors(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "text": "A good record."}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(reason)) as err:
        load_file(path)
    assert err.value.path == f"{path}:2"


def test_jsonl_fields_win_over_the_header() -> None:
    raw = "Header Title Here\n\nBy Anna Berg\n\nMarch 1, 2020\n\nThe body of the article is here."
    a = parse_article(raw, doc_id="x", source="x", fmt="txt",
                      meta={"title": "Given Title", "author": "Karl Vogt", "published": "2021-01-02"})
    assert (a.title, a.authors, a.published) == ("Given Title", ("Karl Vogt",), "2021-01-02")


def test_cp1251_russian_text_is_decoded() -> None:
    path = DATA / "russian_cp1251.txt"
    (a,) = load_file(path)
    assert a.raw == path.read_bytes().decode("cp1251")
    assert "Минск и Москва" in a.text and "Союзном государстве" in a.text
    assert a.title == "Союзное государство"


def test_bytes_that_are_neither_utf8_nor_recognisable_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbled.txt"
    path.write_bytes(b"Plain start \x81\x8d\x9d\x90 then more \x80\x85 bytes")
    with pytest.raises(InputError, match="re-encode it as UTF-8") as err:
        load_file(path)
    assert str(path) in str(err.value)


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Le président a visité Minsk en été.\n".encode("latin-1"))
    (a,) = load_file(path)
    assert "président" in a.raw


def test_utf8_bom_is_stripped() -> None:
    path = DATA / "bom.txt"
    (a,) = load_file(path)
    assert not a.raw.startswith("\ufeff")
    assert a.raw == path.read_text(encoding="utf-8-sig")
    assert a.title == "Harbour Notes"


@pytest.mark.parametrize("name", ["empty.txt", "blank.txt"])
def test_empty_articles_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="empty") as err:
        load_file(DATA / name)
    assert err.value.path == str(DATA / name)


def test_html_with_nothing_but_navigation_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "nav.html"
    path.write_text("<html><body><nav>Home | World</nav><script>x()</script></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load_file(path)


def test_binary_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"binary file \(PDF\) is not an article; convert it to text first"):
        load_file(DATA / "disguised.txt")
    with pytest.raises(InputError, match=r"unsupported file type '\.pdf'; expected one of \.txt, \.md"):
        expand_inputs([DATA / "report.pdf"])
    with pytest.raises(InputError, match="unsupported file type"):
        load_file(DATA / "report.pdf")
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"text\x00with a NUL byte")
    with pytest.raises(InputError, match="binary"):
        load_file(nul)


def test_missing_paths_and_empty_globs_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([tmp_path / "missing.txt"])
    with pytest.raises(InputError, match="no file matches"):
        expand_inputs([str(tmp_path / "*.md")])


def test_expand_inputs_folders_globs_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    for rel in ("b.txt", "a.MD", "sub/c.html", "sub/deeper/d.jsonl", "notes.pdf", "sub/image.png", ".hidden.txt"):
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = expand_inputs([tmp_path, tmp_path / "b.txt", str(tmp_path / "*.txt")])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.MD", "b.txt", "sub/c.html", "sub/deeper/d.jsonl"]
    assert [p.name for p in expand_inputs([str(tmp_path / "**" / "*.html")])] == ["c.html"]
    assert found == sorted(found, key=str)


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "inner").mkdir(parents=True)
    (root / "one.txt").write_text("First Piece\n\nSome text about trains.", encoding="utf-8")
    (root / "inner" / "two.txt").write_text("Second Piece\n\nOther text about ports.", encoding="utf-8")
    try:
        (root / "inner" / "loop").symlink_to(root, target_is_directory=True)
    except OSError:
        pytest.skip("cannot create symlinks here")
    assert [p.name for p in expand_inputs([root])] == ["two.txt", "one.txt"]
    assert len(list(read_articles([root]))) == 2


def test_same_article_twice_is_read_once(tmp_path: Path) -> None:
    shutil.copy(DATA / "emphasis.md", tmp_path / "copy1.md")
    shutil.copy(DATA / "emphasis.md", tmp_path / "copy2.md")
    problems: list[tuple[str, str]] = []
    articles = list(read_articles([tmp_path], problems=problems))
    assert [a.doc_id for a in articles] == ["copy1"]
    assert len(problems) == 1 and problems[0][0].endswith("copy2.md") and "duplicate" in problems[0][1]


def test_read_articles_is_lazy_and_skip_bad_collects(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text("Good One\n\nA fine article about river barges.", encoding="utf-8")
    bad = tmp_path / "b.txt"
    bad.write_text("", encoding="utf-8")
    it = read_articles([tmp_path])
    assert next(it).doc_id == "a"
    with pytest.raises(InputError, match="empty"):
        next(it)
    problems: list[tuple[str, str]] = []
    pdf = DATA / "report.pdf"
    assert [a.doc_id for a in read_articles([tmp_path, pdf], skip_bad=True, problems=problems)] == ["a"]
    assert sorted(p for p, _ in problems) == sorted([str(bad), str(pdf)])


def test_title_followed_by_a_single_newline_gets_a_paragraph_break() -> None:
    raw = "Ports Reopen After Storm\nBy Nils Aaberg\n\nDockers returned to work on Friday after the storm had passed."
    a = parse_article(raw, doc_id="x", source="x", fmt="md")
    assert a.text.startswith("Ports Reopen After Storm\n\nBy Nils Aaberg")
    assert a.authors == ("Nils Aaberg",)
    _assert_map_well_formed(a)
    assert a.offsets.to_raw(24, 26) == (24, 25)


def test_crlf_line_endings() -> None:
    raw = "Wind Farms Grow\r\n\r\nBy Ada Lind\r\n\r\nThe new turbines were built by a\r\n\r\nlocal firm in 2020."
    a = parse_article(raw, doc_id="x", source="x", fmt="txt")
    assert a.title == "Wind Farms Grow" and a.authors == ("Ada Lind",)
    assert "built by a local firm" in a.text
    _assert_words_map_back(a)


def test_bio_signature_and_pull_quote() -> None:
    quote = "Rail is the quiet winner of the new border regime, one official said."
    filler = "Freight volumes rose again in the spring. " * 12
    raw = (f"Border Rail Boom\n\nBy Ann Lee\n\n{quote}\n\n{filler}\n\n{quote}\n\n{filler}\n\n"
           "Ann Lee is a writer who covers transport in the Baltic region.\n\n"
           "Ann Lee\n\nTransport Editor, Coastal Weekly")
    a = parse_article(raw, doc_id="x", source="x", fmt="txt")
    first, second = a.text.index(quote), a.text.rindex(quote)
    assert not _overlaps_skip(a, first, first + len(quote))
    assert _in_skip(a, second, second + len(quote))
    # the bio and the signature say who the source is: kept as content
    bio = a.text.index("Ann Lee is a writer")
    assert not _overlaps_skip(a, bio, len(a.text))


def test_repeated_bio_keeps_its_first_copy() -> None:
    bio = "Ann Lee is a writer who covers transport in the Baltic region and the Nordic states."
    filler = "Freight volumes rose again in the spring. " * 12
    raw = f"Border Rail Boom\n\nBy Ann Lee\n\n{filler}\n\n{bio}\n\nAbout the author:\n\n{bio}\n"
    a = parse_article(raw, doc_id="x", source="x", fmt="txt")
    first, second = a.text.index(bio), a.text.rindex(bio)
    assert first < second
    assert not _overlaps_skip(a, first, first + len(bio))
    assert _in_skip(a, second, second + len(bio))
    cue = a.text.index("About the author")
    assert _in_skip(a, cue, cue + len("About the author:"))


def test_suffix_formats_cover_the_supported_suffixes() -> None:
    assert set(SUFFIX_FORMATS) == set(SUPPORTED_SUFFIXES)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("August 17, 2020", "2020-08-17"),
        ("17 August 2020", "2020-08-17"),
        ("Aug. 17, 2020", "2020-08-17"),
        ("2020-08-17", "2020-08-17"),
        ("08.02.2019", "2019-02-08"),
        ("08/02/2019", "2019-08-02"),
        ("25/12/2019", "2019-12-25"),
        ("Monday, August 17, 2020", "2020-08-17"),
        ("Sept 3, 2021", "2021-09-03"),
        ("Crimea 2.0", None),
        ("February 30, 2020", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_examples_parse_with_metadata() -> None:
    examples = Path(__file__).resolve().parents[1] / "examples" / "articles"
    articles = {a.doc_id: a for a in read_articles([examples])}
    assert len(articles) == 4
    for a in articles.values():
        assert a.title and a.authors and a.published
        _assert_map_well_formed(a)
        _assert_words_map_back(a)
    wagner = articles["wagner-detainees-2020"]
    assert wagner.published == "2020-08-20" and "Front page" not in wagner.text
    assert "32 of them had been handed over to Russia" in wagner.text


# --- properties -----------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(["<b>", "</b>", "*", "**", "[x](y)", "&amp;", "\n\n", "\n", " ", " ", "-", ".", "_"])
_WORDS = st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True)


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def _check_article(a: Article) -> None:
    _assert_map_well_formed(a)
    for m in re.finditer(r"[A-Za-z0-9]+", a.text):
        rb, re_ = a.offsets.to_raw(*m.span())
        assert 0 <= rb < re_ <= len(a.raw)
        assert _is_subsequence(m.group(), a.raw[rb:re_])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, _WORDS), min_size=1, max_size=40), st.sampled_from(["txt", "md"]))
def test_clean_spans_map_into_raw(parts: list[str], fmt: str) -> None:
    raw = "".join(parts)
    try:
        a = parse_article(raw, doc_id="h", source="h", fmt=fmt)
    except InputError as exc:
        assert "empty" in exc.reason
        assume(False)
        return
    _check_article(a)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["<p>", "</p>", "<br>", "<b>", "</b>", "<script>x</script>",
                                           "&amp;", "&#8217;", "\n", " "]), _WORDS), min_size=1, max_size=30))
def test_html_spans_map_into_raw(parts: list[str]) -> None:
    raw = "".join(parts)
    text, _, _ = html_to_text(raw)
    assume(text.strip())
    _check_article(parse_article(raw, doc_id="h", source="h", fmt="html"))


def test_byline_with_section_and_date_parts() -> None:
    raw = ("Grain Corridor Reopens\n\n*By Tom Reiner | Eurasia Desk | 3 March 2019*\n\n"
           "Ships left Odesa again on Friday.\n")
    a = parse_article(raw, doc_id="x", source="x", fmt="md")
    assert a.authors == ("Tom Reiner",)
    assert a.published == "2019-03-03"


# --- the scanners that skip to where a match can start find what a plain search finds ---------------------

_FRAGMENTS = ["<b>", "</i>", "<p class='x'>", "<br/>", "<foo>", "<!-- c -->", "&amp;", "&#3;", "&lt;", "&bogus;", "&",
              "!", "[", "]", "(", ")", "[a](http://x.y)", "![i](a.png)", "*", "**", "_", "__", "#", "##", " #", "  # ",
              "   #", "    #", "\\", "\\*", "`", "`c`", "\n", "\n\n", " \n \n ", "\t", "\r\n", "\r", " ", "-", "word",
              "Author: Jane Doe", "articles by: Ann Lee", "originally published in The Times.", "First published by X"]


def _markup_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_FRAGMENTS) + rng.choice(["", " ", "\n"]) for _ in range(rng.randint(0, 30)))
            for _ in range(count)]


def test_markup_scan_skips_only_positions_where_no_markup_starts() -> None:
    rng = random.Random(5)
    for text in _markup_texts(1, 4000):
        pos = rng.randint(0, len(text))
        end = rng.randint(pos, len(text))
        want = textclean._MARKUP.search(text, pos, end)
        got = textclean._next_markup(text, pos, end)
        assert (got and (got.span(), got.lastgroup)) == (want and (want.span(), want.lastgroup)), (text, pos, end)


def test_paragraph_gaps_and_line_start_searches_match_the_plain_searches() -> None:
    for text in _markup_texts(2, 4000):
        assert list(textclean._gaps(text)) == [m.span() for m in textclean._GAP.finditer(text)], text
        for pattern in (ingest._FOOTER_AUTHOR, ingest._ORIGIN):
            want, got = pattern.search(text), ingest._search_lines(pattern, text)
            assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups())), text
