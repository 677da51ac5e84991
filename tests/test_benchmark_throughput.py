"""benchmarks/throughput.py on 40 Reuters articles: loader, printed tables and JSON (no timing thresholds)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT, SHARED

CORPUS = SHARED / "corpus" / "scale" / "reuters21578"
SCRIPT = ROOT / "benchmarks" / "throughput.py"

pytestmark = pytest.mark.slow


def need_corpus() -> Path:
    if not any(CORPUS.glob("reut2-*.json")):
        pytest.skip(f"Reuters corpus not found at {CORPUS} (../shared/corpus/scale is not beside the repository)")
    return CORPUS


@pytest.fixture(scope="module")
def throughput() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_throughput", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_loader(throughput: ModuleType) -> None:
    records = throughput.load_corpus(need_corpus(), limit=40)
    assert len(records) == 40
    first = records[0]
    assert first.id == "1" and first.published == "1987-02-26" and first.words > 0
    assert first.text.startswith(first.title + "\n\n")
    for r in records:
        assert r.text.strip() and "\x03" not in r.text and "&#3;" not in r.text and "  " not in r.text
        rec = json.loads(r.jsonl())
        assert set(rec) <= {"id", "text", "title", "published"} and rec["id"] == r.id


def test_main_small_run(throughput: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = need_corpus()
    out = tmp_path / "figures.json"
    code = throughput.main(["--corpus", str(corpus), "--limit", "40", "--sizes", "20,40", "--skip-workers",
                            "--json", str(out)])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    for heading in ("== 1. baseline", "== 2. whole build", "== 3. peak RSS", "== 4. cache", "== targets =="):
        assert heading in printed
    assert "== 5. workers" not in printed
    rows = {line.split("|")[0].strip() for line in printed.splitlines() if "|" in line}
    assert {"20", "40", "nlp", "mentions", "relations", "build_graph total", "export", "graph.ttl", "graph.nq",
            "size 20", "size 40", "cache cold", "cache warm"} <= rows  # fmt: skip
    assert "scaling (wall/words, largest vs smallest size):" in printed
    assert "cache warm/cold (build_graph):" in printed

    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["articles"] == 40 and figures["words"] > 0
    assert figures["tokenizer"]["words_per_s"] > 0
    assert [s["articles"] for s in figures["sizes"]] == [20, 40]
    for size in figures["sizes"]:
        assert size["words_per_s"] > 0 and size["quads"] > 0
        assert size["ttl_triples_per_s"] > 0 and size["nq_triples_per_s"] > 0
        assert size["stage_words_per_s"]["total"] > 0
    assert figures["scaling"] > 0 and figures["cache_warm_over_cold"] > 0
    assert figures["workers_speedup"] is None
    assert set(figures["runs"]) == {"size-20", "size-40", "cache-cold", "cache-warm"}
    assert all(r["rss_mb"] > 0 for r in figures["runs"].values())
