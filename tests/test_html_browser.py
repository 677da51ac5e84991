"""The HTML view in headless Chromium: it draws, counts match, hostile strings stay inert, nothing is fetched.

The page reports its state in ``data-kg-*`` attributes of ``<body>`` (node and edge counts of its vis
DataSets, JS errors, CSP violations, resource loads, ``window.__pwned``); ``--dump-dom`` returns them.
With ``#kg-selftest`` the page renders every node's and edge's tooltip and detail panel once, so the
DOM-building code paths run on the hostile strings too.
"""

from __future__ import annotations

import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kg.export.html import PHYSICS_MAX_NODES, write_html
from kg.export.projection import project, truncate
from tests.test_html import hub_graph, make_hostile, page_json, small_graph

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
    ),
]
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--window-size=1400,1000", "--virtual-time-budget=15000",
)  # fmt: skip


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


class _BodyAttrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str] = {}
        self.notice = ""
        self._in_notice = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.attrs = {k: v or "" for k, v in attrs}
        self._in_notice = dict(attrs).get("id") == "kg-notice"

    def handle_data(self, data: str) -> None:
        if self._in_notice:
            self.notice += data


def page_state(tmp_path: Path, page: Path, fragment: str = "") -> _BodyAttrs:
    run = chromium(tmp_path, "--dump-dom", page.as_uri() + fragment)
    parser = _BodyAttrs()
    parser.feed(run.stdout)
    assert parser.attrs.get("data-kg-ready") == "1", f"page did not finish: {run.stdout[:300]} {run.stderr[-2000:]}"
    return parser


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG with the standard library: (width, height, rows of raw pixels)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), f"unsupported PNG (depth {depth}, colour type {colour})"
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def test_small_page_runs_without_errors_and_matches_the_projection(tmp_path: Path) -> None:
    graph = make_hostile(small_graph())
    page = tmp_path / "graph.html"
    write_html(graph, page, title="</title><script>window.__pwned=1</script>")
    p = project(graph)
    state = page_state(tmp_path, page, "#kg-selftest").attrs
    assert state["data-kg-errors"] == "0", state.get("data-kg-error-messages")
    assert state["data-kg-pwned"] == "undefined"
    assert state["data-kg-csp"] == "0" and state["data-kg-resources"] == "0"
    assert (int(state["data-kg-nodes"]), int(state["data-kg-edges"])) == (len(p.nodes), len(p.edges))
    assert int(state["data-kg-selftest"]) == len(p.nodes) + len(p.edges)
    # drawing itself is checked on pixels by test_screenshot_is_not_blank: under --dump-dom the
    # first requestAnimationFrame may come after the DOM is taken, so it is not asserted here
    # Controls: default view = 3 claims + 2 participant links (the memberOf fact is drawn by its claim).
    assert state["data-kg-visible-nodes"] + "/" + state["data-kg-visible-edges"] == "5/5"
    assert state["data-kg-selftest-facts"] == "5/3"  # the truthy memberOf fact + 2 participant links
    assert state["data-kg-selftest-no-events"] == "4/3"
    assert state["data-kg-selftest-positive"] == "5/4"  # "NOT threatens" hidden
    assert state["data-kg-selftest-doc0"] == "4/3"  # document …01 only, negatives still hidden
    assert state["data-kg-selftest-reset"] == "5/5"
    # colour by community: one colour per community, plus grey for the event and Lukashenko (no claims)
    data = page_json(page.read_text(encoding="utf-8"))
    communities = {n["comm"] for n in data["nodes"]}
    assert state["data-kg-selftest-community-colours"] == str(len(communities))
    assert -1 in communities and len(communities) >= 2
    classes = {n["cls"] for n in data["nodes"]}
    assert state["data-kg-selftest-class-colours"] == str(len(classes))
    assert state["data-kg-colour"] == "class"


def test_screenshot_is_not_blank(tmp_path: Path) -> None:
    page, shot = tmp_path / "graph.html", tmp_path / "shot.png"
    write_html(small_graph(), page)
    run = chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), run.stderr[-2000:]
    width, height, rows = png_pixels(shot)
    assert (width, height) == (1400, 1000)
    colours = {row[i : i + 3] for row in rows[::4] for i in range(0, len(row), 12)}
    assert len(colours) > 20, f"screenshot looks blank ({len(colours)} colours)"
    # The graph canvas (centre of the page) must hold drawn pixels, not only background.
    middle = [row[600 * 3 : 900 * 3] for row in rows[300:700]]
    assert any(len(set(r)) > 3 for r in middle)


def test_large_page_with_precomputed_layout_and_truncation(tmp_path: Path) -> None:
    graph = hub_graph(PHYSICS_MAX_NODES + 100)
    page = tmp_path / "big.html"
    write_html(graph, page, max_nodes=PHYSICS_MAX_NODES + 50)
    shown = truncate(project(graph), PHYSICS_MAX_NODES + 50)
    parsed = page_state(tmp_path, page)
    state = parsed.attrs
    assert state["data-kg-errors"] == "0", state.get("data-kg-error-messages")
    assert (int(state["data-kg-nodes"]), int(state["data-kg-edges"])) == (len(shown.nodes), len(shown.edges))
    assert state["data-kg-first-draw"] == state["data-kg-stabilized"]  # physics off: drawn once, already laid out
    assert f"showing {PHYSICS_MAX_NODES + 50} of {PHYSICS_MAX_NODES + 100} entities" in parsed.notice
