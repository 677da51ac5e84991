"""Property-based tests (issue 7, items 3-5): hostile Unicode in, strictly parseable RDF out.

Arbitrary names and texts (quotes, backslashes, newlines, control characters, unpaired surrogates,
right-to-left marks, emoji) go through the real IRI minting (kg.iris) and the real writers
(kg.export.serialize); pyoxigraph (strict mode) and serdi (strict, without ``-l``) must parse every
output, and the values read back must be the values written. At pipeline level every
``nif:anchorOf`` must equal the raw text between its offsets. Builds are deterministic: the same
inputs in another order, or under another hash seed, give byte-identical files. ``kg serve``
binds the loopback interface only unless told otherwise.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.config import DEFAULT_BASE_IRI, Settings
from kg.errors import InputError
from kg.export.serialize import iri_text, literal_text, nquads_bytes, turtle_bytes
from kg.ingest import parse_article
from kg.iris import CLASS_KIND, claim_hash, doc_key, entity_id, is_slug, slugify, span_fragment
from kg.namespaces import make_namespaces

from .conftest import reused_analysers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
SERDI = shutil.which("serdi")
NS = make_namespaces(DEFAULT_BASE_IRI)
G = URIRef(DEFAULT_BASE_IRI + "graph/test")
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
_SURROGATE = re.compile("[\ud800-\udfff]")

#: Characters that break naive writers and parsers.
HOSTILE = [
    '"', "'", "\\", "\\u0041", "\\n", "\n", "\r", "\r\n", "\t", "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b",
    "\x7f", "\x85", "\u00a0", "\u00ad", "\u200b", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2028",
    "\u2029", "\u2066", "\ufeff", "\ufffd", "\ufffe", "\uffff", "\ud800", "\udfff", "\U0001f600",
    "\U0001f1e7\U0001f1fe", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "e\u0301",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u05e2\u05d1\u05e8\u05d9\u05ea", "\u041c\u0456\u043d\u0441\u043a", "\U0010ffff", "\U000e0041", "<", ">", "{", "}",
    "|", "^", "`", "%", "%zz", "#", "##", "[", "]", "@en", "^^", "_:b", " .", '"""', "'''", ";", ",", "&amp;",
]  # fmt: skip
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.characters(exclude_categories=()), st.text(max_size=4)), max_size=25
).map("".join)


def serdi_parse(data: bytes, syntax: str) -> bytes:
    """serdi's strict N-Triples/N-Quads rendering of ``data``; fails the test on any error."""
    if SERDI is None:
        pytest.skip("serdi is not installed (apt-get install serdi); strict-parser checks need it")
    out = "nquads" if syntax in ("nquads", "trig") else "ntriples"
    proc = subprocess.run([SERDI, "-i", syntax, "-o", out, "-"], input=data, capture_output=True, timeout=60)
    assert proc.returncode == 0 and b"error" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc.stdout


def ox_parse(data: bytes, fmt: ox.RdfFormat) -> list[ox.Quad]:
    """Quads read by Oxigraph in its default, strict mode."""
    return list(ox.parse(data, format=fmt))


# --- literals ------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(hostile_text)
@example('quote " backslash \\ newline \n CR \r NUL \x00 ESC \x1b DEL \x7f RLM \u200f emoji \U0001f600 lone \ud800')
def test_any_text_gives_literals_both_parsers_read_back(text: str) -> None:
    s = URIRef(DEFAULT_BASE_IRI + "doc/x")
    props = [URIRef(f"{DEFAULT_BASE_IRI}ont#p{i}") for i in range(3)]
    quads = {(G, s, props[0], Literal(text)), (G, s, props[1], Literal(text, lang="en")),
             (G, s, props[2], Literal(text, datatype=XSD.anyURI))}
    expected = _SURROGATE.sub("\ufffd", text)  # an unpaired surrogate cannot be written; U+FFFD stands for it
    ttl, nq = turtle_bytes(quads, NS), nquads_bytes(quads)
    for data, fmt in ((ttl, ox.RdfFormat.TURTLE), (nq, ox.RdfFormat.N_QUADS)):
        values = sorted((q.predicate.value, q.object.value, q.object.language) for q in ox_parse(data, fmt))
        assert values == [(str(props[0]), expected, None), (str(props[1]), expected, "en"),
                          (str(props[2]), expected, None)]
    for data, syntax in ((ttl, "turtle"), (nq, "nquads")):
        back = ox_parse(serdi_parse(data, syntax), ox.RdfFormat.N_QUADS)
        assert {q.object.value for q in back} == {expected}


def test_literal_escapes_are_the_grammar_echars() -> None:
    assert literal_text('a"b\\c\nd\re\tf\x00g\x7fh\ud800') == '"a\\"b\\\\c\\nd\\re\\tf\\u0000g\\u007Fh\\uFFFD"'
    assert literal_text("\u200f\U0001f600") == '"\u200f\U0001f600"'  # printable characters stay as they are


# --- IRIs and slugs ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(hostile_text, st.sampled_from(sorted(CLASS_KIND)))
@example("Алексей Ёлкин", "Person")  # no ASCII letter: the slug is a hash, of the composed form
@example("Zoë " * 30, "Person")  # too long: truncated with a hash
@example("\ud83d cut emoji", "Organization")
def test_slugs_are_well_formed_bounded_and_stable(name: str, cls: str) -> None:
    slug = slugify(name)
    assert is_slug(slug) and len(slug) <= 67
    assert slugify(name) == slug  # no state, no hash seed
    if not _SURROGATE.search(name):
        for form in ("NFC", "NFD"):
            assert slugify(unicodedata.normalize(form, name)) == slug  # canonically equal names, one entity
    if len(slug) <= 60:
        assert slugify(slug) == slug  # a slug is its own slug
    assert entity_id(cls, name) == f"{CLASS_KIND[cls]}/{slug}"


def test_slugs_do_not_depend_on_the_process(tmp_path: Path) -> None:
    names = [h + " name" for h in HOSTILE if not _SURROGATE.search(h)] + ["Лукашенко", "the West", "x" * 200]
    script = "import json,sys; from kg.iris import slugify as f; print(json.dumps([*map(f, json.load(sys.stdin))]))"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    proc = subprocess.run([sys.executable, "-c", script], input=json.dumps(names), capture_output=True, text=True,
                          env=env, check=True, timeout=60)
    assert json.loads(proc.stdout) == [slugify(n) for n in names]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(hostile_text, st.sampled_from(sorted(CLASS_KIND))), min_size=1, max_size=4),
       hostile_text, st.one_of(st.none(), hostile_text), st.integers(0, 10**6), st.integers(1, 1000))
def test_minted_iris_parse_strictly_and_unchanged(
    names: list[tuple[str, str]], doc_id: str, url: str | None, begin: int, length: int
) -> None:
    assume(not _SURROGATE.search(doc_id + (url or "")))  # ingest refuses those before any IRI is minted
    key = doc_key(doc_id, url, doc_id)
    doc = URIRef(NS.doc[key])
    span = URIRef(f"{doc}{span_fragment(begin, begin + length)}")
    claim = URIRef(NS.assertion[f"{key}-{claim_hash([doc_id, str(url)])}"])
    ents = [URIRef(NS.entity(entity_id(cls, name))) for name, cls in names]
    quads = {(doc, e, NS.gk.mentionKind, span) for e in ents} | {(doc, claim, NS.gk.participant, e) for e in ents}
    minted = {str(doc), str(span), str(claim), *map(str, ents), str(NS.gk.mentionKind), str(NS.gk.participant)}
    ttl, nq = turtle_bytes(quads, NS), nquads_bytes(quads)
    for data, fmt in ((ttl, ox.RdfFormat.TURTLE), (nq, ox.RdfFormat.N_QUADS)):
        seen = {t.value for q in ox_parse(data, fmt) for t in (q.subject, q.predicate, q.object)}
        assert seen == minted - {str(doc)}
    serdi_parse(ttl, "turtle")
    serdi_parse(nq, "nquads")


@settings(max_examples=200, deadline=None)
@given(hostile_text)
@example('a b<c>"d{e}|f^g`h\\i%zz#j#k[l]\x00\ud800\ue000\ufffe\U000e0041')
def test_iri_writer_makes_any_string_a_valid_iri(suffix: str) -> None:
    iri = DEFAULT_BASE_IRI + "x/" + suffix
    line = f"{iri_text(iri)} <http://example.org/p> \"o\" .\n".encode()
    (quad,) = ox_parse(line, ox.RdfFormat.N_TRIPLES)
    serdi_parse(line, "ntriples")
    if re.fullmatch(r"[A-Za-z0-9._~/-]*", suffix):
        assert quad.subject.value == iri  # an IRI that needs nothing is written as it is


# --- offsets through the real pipeline -------------------------------------------------------------

NAMES = ["Belarus", "Russia", "Vladimir Putin", "Alexander Lukashenko", "NATO", "Minsk", "Moscow", "China",
         "the European Union", "Lukashenko", "Belarusian", "Kremlin"]
MARKUP = ["<b>", "</b>", "<p>", "**", "*", "_", "[link](https://e.org)", "&amp;", "&#8217;", "\n\n", "\n", "-"]
WORDS = ["met", "signed", "said", "talks", "with", "in", "and", "on Monday", "the", "agreement", "visited",
         "supports", "did not", "may", "reportedly", "."]
_PIECES = st.one_of(st.sampled_from(NAMES), st.sampled_from(WORDS), st.sampled_from(MARKUP),
                    st.sampled_from([h for h in HOSTILE if not _SURROGATE.search(h)]),
                    st.text(st.characters(exclude_categories=("Cs",)), max_size=3))
_ARTICLE = st.lists(st.lists(_PIECES, min_size=2, max_size=30).map(" ".join), min_size=1, max_size=4).map(
    lambda ps: "Talks In Minsk\n\n" + "\n\n".join(ps))


@pytest.fixture(scope="module")
def fast_builds() -> Iterator[None]:
    """Reuse one spaCy pipeline across the many small builds of a property test (0.1 s each, not 1 s)."""
    with reused_analysers():
        yield


def _check_anchors(quads: list[ox.Quad], raws: set[str]) -> int:
    by_node: dict[str, dict[str, object]] = {}
    for q in quads:
        by_node.setdefault(q.subject.value, {})[q.predicate.value] = q.object.value
    contexts = {node: p[NIF + "isString"] for node, p in by_node.items() if NIF + "isString" in p}
    assert set(contexts.values()) == raws  # the context is the raw input, byte for byte
    checked = 0
    for node, p in by_node.items():
        if NIF + "anchorOf" in p:
            raw = contexts[str(p[NIF + "referenceContext"])]
            begin, end = int(p[NIF + "beginIndex"]), int(p[NIF + "endIndex"])  # type: ignore[call-overload]
            assert 0 <= begin < end <= len(raw) and p[NIF + "anchorOf"] == raw[begin:end], (node, p)  # type: ignore[index]
            assert node.endswith(span_fragment(begin, end))
            checked += 1
    return checked


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(_ARTICLE, _ARTICLE)
def test_pipeline_anchors_match_offsets_and_outputs_parse(
    fast_builds: None, tmp_path_factory: pytest.TempPathFactory, jsonl_text: str, md_text: str
) -> None:
    from kg.pipeline import build_graph

    folder = tmp_path_factory.mktemp("prop")
    (folder / "corpus.jsonl").write_text(json.dumps({"id": "p1", "text": jsonl_text}) + "\n", encoding="utf-8")
    md_text = md_text.replace("\x00", "")  # a NUL byte makes a file binary; JSON can hold it as \u0000
    (folder / "piece.md").write_bytes(md_text.encode("utf-8"))
    try:
        build = build_graph([folder], Settings())
    except InputError as exc:  # e.g. a random text that cleans to nothing
        assert "empty" in exc.reason
        assume(False)
        return
    ttl, nq = turtle_bytes(build.graph.quads, build.graph.ns), nquads_bytes(build.graph.quads)
    raws = {r.article.raw for r in build.results}
    assert raws <= {jsonl_text, md_text}
    assert _check_anchors(ox_parse(nq, ox.RdfFormat.N_QUADS), raws) >= len(raws)
    assert len(ox_parse(ttl, ox.RdfFormat.TURTLE)) > 0
    serdi_parse(ttl, "turtle")
    serdi_parse(nq, "nquads")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.sampled_from(["\r\n\r\n", "\x0b", "\x0c", "\x1c", "\u2028\u2029"])),
                min_size=1, max_size=40).map("".join), st.sampled_from(["txt", "md", "html"]))
def test_clean_text_of_any_unicode_maps_into_raw(raw: str, fmt: str) -> None:
    try:
        a = parse_article(raw, doc_id="h", source="h", fmt=fmt)
    except InputError as exc:
        assert "empty" in exc.reason
        return
    segs = a.offsets.segments
    assert segs and segs[0][0] == 0 and segs[-1][1] == len(a.text)
    for cs, ce, rs, re_ in segs:
        assert 0 <= rs < re_ <= len(a.raw)
        if ce - cs > 1:
            assert a.text[cs:ce] == a.raw[rs:re_]  # verbatim runs are verbatim
    for m in re.finditer(r"\w+", a.text):
        rb, re_ = a.offsets.to_raw(*m.span())
        it = iter(a.raw[rb:re_])
        assert all(ch in it for ch in m.group()), (m.group(), a.raw[rb:re_])


# --- determinism (item 4) -------------------------------------------------------------------------


def _corpus(folder: Path) -> list[Path]:
    """The example articles plus a JSONL corpus and a cp1251 file, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in EXAMPLES.iterdir():
        shutil.copy(path, folder / path.name)
    records = [{"id": f"r{i}", "title": f"Note {i}", "published": "2021-03-0" + str(i + 1),
                "text": f"Note {i}\n\nBelarus and Russia signed agreement number {i} in Minsk. "
                        "NATO criticised the talks, Vladimir Putin said."} for i in range(3)]
    (folder / "notes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "cyrillic.txt").write_bytes("Минск и Москва\n\nАлександр Лукашенко встретился с Владимиром Путиным "
                                          "в Минске. Belarus and Russia met.\n".encode("cp1251"))
    return sorted(folder.iterdir())


def test_same_inputs_in_another_order_give_the_same_files(tmp_path: Path) -> None:
    from kg.export import write_outputs
    from kg.pipeline import build_graph

    files = _corpus(tmp_path / "in")
    shuffled = files[:]
    random.Random(7).shuffle(shuffled)
    outs = []
    for i, inputs in enumerate(([tmp_path / "in"], list(reversed(files)), shuffled)):
        out = tmp_path / f"out{i}"
        write_outputs(build_graph([str(p) for p in inputs], Settings()), out)
        outs.append(out)
    assert shuffled != files
    first = (outs[0] / "graph.ttl").read_bytes()
    assert len(ox_parse(first, ox.RdfFormat.TURTLE)) > 500
    for out in outs[1:]:
        assert (out / "graph.ttl").read_bytes() == first
        assert (out / "graph.nq").read_bytes() == (outs[0] / "graph.nq").read_bytes()


@pytest.mark.slow
def test_another_process_and_hash_seed_give_the_same_files(tmp_path: Path) -> None:
    from kg.export import write_outputs
    from kg.pipeline import build_graph

    files = _corpus(tmp_path / "in")
    write_outputs(build_graph(files, Settings()), tmp_path / "here")
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-m", "kg", "build", *map(str, reversed(files)), "-o", str(tmp_path / "there"),
                    "-q"], env=env, check=True, timeout=300)
    for name in ("graph.ttl", "graph.nq"):
        assert (tmp_path / "there" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name


# --- kg serve is loopback-only by default (item 5) ------------------------------------------------
# That it is read-only (updates and Graph Store writes get HTTP 403) is tested in test_interop.py;
# that graph.html fetches nothing from the network, in test_html.py, test_build_seeds.py and
# test_html_browser.py.


def _listening(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (Linux /proc/net)."""
    found = set()
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                # /proc writes each 32-bit word in host (little-endian) order
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(str(ipaddress.ip_address(words)))
    return found


@pytest.mark.server
def test_kg_serve_binds_only_the_loopback_interface_by_default(tmp_path: Path) -> None:
    import socket
    import urllib.request

    from kg.serve import ServeError, oxigraph_executable

    try:
        oxigraph_executable()
    except ServeError:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph; ./install.sh does)")
    if not Path("/proc/net/tcp").exists():
        pytest.skip("listening sockets are read from /proc/net (Linux)")
    graph = tmp_path / "graph.nq"
    graph.write_text('<https://e.org/s> <https://e.org/p> "o" <https://e.org/g> .\n', encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(graph), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(600):
            assert proc.poll() is None, "kg serve exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        assert _listening(port) == {"127.0.0.1"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
