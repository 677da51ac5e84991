"""The HTML view of real builds in headless Chromium: the seeds' page, and a hostile article end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.config import Settings
from kg.export import write_outputs
from kg.export.projection import project
from kg.pipeline import build_graph
from tests.test_html_browser import CHROMIUM, page_state

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"headless Chromium not found at {CHROMIUM}"),
]

HOSTILE = """Hostile Markup Test

By Ann Example

Belarus and Russia held talks in Minsk on Monday. <script>window.__pwned=1</script> The talks went on.
Lithuania criticized Russia. <img src=x onerror="window.__pwned=1"> Poland joined the criticism.
"""


def _state_and_projection(tmp_path: Path, out: Path):
    p = project(Graph().parse(out / "graph.ttl", format="turtle"))
    return page_state(tmp_path, out / "graph.html", "#kg-selftest").attrs, p


def test_seed_view_matches_its_projection(seed_build, tmp_path):
    _, out = seed_build
    state, p = _state_and_projection(tmp_path, out)
    assert state["data-kg-errors"] == "0", state.get("data-kg-error-messages")
    assert state["data-kg-csp"] == "0" and state["data-kg-resources"] == "0"
    assert (int(state["data-kg-nodes"]), int(state["data-kg-edges"])) == (len(p.nodes), len(p.edges))
    assert len(p.edges) > 10
    assert int(state["data-kg-selftest-community-colours"]) >= 3  # two communities at least, and grey


def test_hostile_article_never_runs_in_the_view(tmp_path):
    art = tmp_path / "hostile.txt"
    art.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    build = build_graph([str(art)], Settings())
    assert build.results[0].claims, "the test article should yield claims whose evidence holds the markup"
    write_outputs(build, out)
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "onerror=\"window" not in html
    state, p = _state_and_projection(tmp_path, out)
    assert state["data-kg-pwned"] == "undefined"
    assert state["data-kg-errors"] == "0"
    assert (int(state["data-kg-nodes"]), int(state["data-kg-edges"])) == (len(p.nodes), len(p.edges))
