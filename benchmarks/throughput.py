"""Benchmark ``kg build`` throughput on Reuters-21578, against spaCy's bare tokenizer measured in the same run.

The corpus (``../shared/corpus/scale/reuters21578/reut2-*.json`` beside the repository, or ``--corpus DIR``)
is converted to kg's JSONL input format in a temporary folder (never in the repository), removed at the
end unless ``--keep``. Articles with an empty body are dropped; text = title + blank line + body, whitespace
collapsed and the end-of-text marker (``\\x03``, written ``&#3;`` in this JSON) removed. Words are the
whitespace-separated words of title + body as the corpus README counts them (19,043 articles, 2,716,499 words).

What it measures:

1. Baseline (the ceiling): ``spacy.blank("en").tokenizer.pipe(texts, batch_size=256)`` words/s, best of 3,
   in this process.
2. Whole build (``build_graph`` + ``write_outputs``; cold, no cache, workers=1) on the first 1,000 and
   5,000 articles and on all of them: wall seconds, words/s, ratio to the tokenizer's words/s, seconds and
   words/s per stage (``build.timings`` plus each exporter, timed by wrapping ``kg.export.EXPORTERS`` during
   the one ``write_outputs`` call), triples/s of graph.ttl, graph.nq and, when ``kg.export.store.write_store``
   exists, of the Oxigraph store (written after the outputs, not part of the build's wall time).
3. Peak RSS (``ru_maxrss`` of the process and of its worker processes, read before the store write): every
   build runs in a fresh subprocess of this script (``--child-run``), so each configuration's peak is its own.
4. Cache: all articles cold with a fresh cache folder, then warm with the same folder.
5. Workers: all articles with workers=1 and workers=2 (no cache), back to back; the workers=1 run is the
   size run of all articles when ``--sizes`` includes all of them (the same configuration).

A run whose subprocess fails (e.g. kg/ mid-edit) is reported on stderr and left out of the tables; the
others go on and the exit status is 1.

Targets (the last lines print each with its measured value and PASS/MISS):

* scaling: (wall_all / wall_smallest) / (words_all / words_smallest) <= 1.2 (whole build, largest vs smallest size)
* cache: warm / cold build_graph seconds <= 0.1 (the end-to-end ratio, exports included, is printed too)
* workers: workers=1 / workers=2 build_graph seconds >= 1.6 where two cores are free (os.cpu_count() and
  the 1-minute load average are printed before each run; end-to-end speed-up printed too)

Usage (from the repository root)::

    .venv/bin/python benchmarks/throughput.py                     # full run: many minutes
    .venv/bin/python benchmarks/throughput.py --limit 300 --sizes 100,300   # smoke run, well under a minute
    .venv/bin/python benchmarks/throughput.py [--corpus DIR] [--limit N] [--sizes 1000,5000,all]
        [--skip-workers] [--skip-cache] [--json FILE] [--keep]

Absolute figures depend on the machine and its load (PERFORMANCE.md §0: read them as +-30 % on a shared
box); the ratios against the tokenizer, measured in the same run, are the figures to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "scale" / "reuters21578"
DEFAULT_SIZES = "1000,5000,all"
#: Prefix of the one JSON line a ``--child-run`` prints on stdout.
CHILD_MARK = "KG_THROUGHPUT_CHILD "
#: End-of-text markers of the Reuters bodies (the JSON conversion writes the control character as ``&#3;``).
END_MARKS = ("\x03", "&#3;")
STAGES = ("read", "setup", "cache", "nlp", "mentions", "relations", "merge", "rdf")
SCALING_TARGET = 1.2
CACHE_TARGET = 0.1
WORKERS_TARGET = 1.6
TOKENIZER_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class Record:
    """One Reuters article in kg's JSONL shape, with its README-style word count."""

    id: str
    title: str
    text: str
    published: str | None
    words: int

    def jsonl(self) -> str:
        rec: dict[str, str] = {"id": self.id, "text": self.text, "title": self.title}
        if self.published:
            rec["published"] = self.published
        return json.dumps(rec, ensure_ascii=False)


def _clean(text: str) -> str:
    for mark in END_MARKS:
        text = text.replace(mark, " ")
    return " ".join(text.split())


def _iso_date(raw: str) -> str | None:
    """``"26-FEB-1987 15:01:01.79"`` -> ``"1987-02-26"``; only the first field is read (some times are malformed)."""
    fields = raw.split()
    if not fields:
        return None
    try:
        return datetime.strptime(fields[0], "%d-%b-%Y").date().isoformat()
    except ValueError:
        return None


def load_corpus(corpus: Path = DEFAULT_CORPUS, limit: int | None = None) -> list[Record]:
    """The articles with a non-empty body, in file order (reut2-000 first), at most ``limit`` of them.

    Raises:
        FileNotFoundError: no ``reut2-*.json`` in ``corpus``.
    """
    files = sorted(Path(corpus).glob("reut2-*.json"))
    if not files:
        raise FileNotFoundError(f"no reut2-*.json files in {corpus}")
    records: list[Record] = []
    for path in files:
        for rec in json.loads(path.read_text(encoding="utf-8")):
            title, body = rec.get("title") or "", rec.get("body") or ""
            if not body.strip():
                continue
            clean_title, clean_body = _clean(title), _clean(body)
            text = f"{clean_title}\n\n{clean_body}" if clean_title else clean_body
            records.append(Record(id=str(rec["attrs"]["newid"]), title=clean_title, text=text,
                                  published=_iso_date(rec.get("date") or ""),
                                  words=len(title.split()) + len(body.split())))  # fmt: skip
            if limit is not None and len(records) >= limit:
                return records
    return records


def write_jsonl(records: Sequence[Record], path: Path) -> Path:
    path.write_text("".join(r.jsonl() + "\n" for r in records), encoding="utf-8")
    return path


def tokenizer_baseline(texts: Sequence[str], rounds: int = TOKENIZER_ROUNDS) -> dict[str, float]:
    """Best-of-``rounds`` seconds of spaCy's bare English tokenizer over ``texts``, every Doc consumed."""
    import spacy

    tokenizer: Any = spacy.blank("en").tokenizer
    best, tokens = float("inf"), 0
    for _ in range(rounds):
        started = time.perf_counter()
        tokens = sum(len(doc) for doc in tokenizer.pipe(texts, batch_size=256))
        best = min(best, time.perf_counter() - started)
    return {"seconds": best, "tokens": float(tokens)}


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KB on Linux


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def timed_exporters(seconds: dict[str, float]) -> Iterator[None]:
    """Record the seconds of each exporter ``write_outputs`` calls (wraps ``kg.export.EXPORTERS`` for a while)."""
    from kg.export import EXPORTERS

    saved = dict(EXPORTERS)

    def wrap(name: str, fn: Callable[[Any, Path], None]) -> Callable[[Any, Path], None]:
        def timed(build: Any, path: Path) -> None:
            started = time.perf_counter()
            fn(build, path)
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started

        return timed

    EXPORTERS.update({name: wrap(name, fn) for name, fn in saved.items()})
    try:
        yield
    finally:
        EXPORTERS.update(saved)


def time_store(build: Any, store_dir: Path) -> dict[str, Any]:
    """Seconds of ``kg.export.store.write_store`` for the build's quads; nothing if kg has no store writer."""
    try:
        from kg.export.store import write_store
    except Exception:  # not written yet (or mid-edit): skipped silently
        return {}
    started = time.perf_counter()
    try:
        stored = write_store(build.graph.quads, build.graph.ns, store_dir)
    except Exception as exc:  # another engineer's work in progress must not stop the benchmark
        return {"store_error": f"{type(exc).__name__}: {exc}"}
    return {"store_s": time.perf_counter() - started, "store_quads": stored}


def child_run(jsonl: Path, workers: int, cache_dir: Path | None, out_dir: Path, store: bool) -> dict[str, Any]:
    """One build (build_graph + write_outputs) in this process; run it in a fresh process for an honest peak RSS."""
    from kg.config import Settings
    from kg.export import EXPORTERS, write_outputs
    from kg.pipeline import build_graph

    settings = Settings(workers=workers, cache_dir=cache_dir, batch_size=64)
    started = time.perf_counter()
    build = build_graph([jsonl], settings)
    built = time.perf_counter()
    exporters: dict[str, float] = {}
    with timed_exporters(exporters):
        write_outputs(build, out_dir)
    done = time.perf_counter()
    quads = len(build.graph.quads)
    for name in ("graph.ttl", "graph.nq"):  # write_outputs no longer goes through EXPORTERS: time them apart
        if name not in exporters:
            t0 = time.perf_counter()
            EXPORTERS[name](build, out_dir / f"extra-{name}")
            exporters[name] = time.perf_counter() - t0
    result: dict[str, Any] = {
        "workers": workers, "cache": cache_dir is not None, "docs": len(build.results), "quads": quads,
        "build_s": built - started, "export_s": done - built, "wall_s": done - started,
        "timings": dict(build.timings), "exporters": exporters,
    }  # fmt: skip
    # the build's own peak, before the (optional) store write adds Oxigraph's memory
    result.update(rss_mb=_rss_mb(resource.RUSAGE_SELF), rss_children_mb=_rss_mb(resource.RUSAGE_CHILDREN),
                  cpu_s=_cpu_s(resource.RUSAGE_SELF), cpu_children_s=_cpu_s(resource.RUSAGE_CHILDREN))  # fmt: skip
    if store:
        result.update(time_store(build, out_dir / "store"))
        result["rss_with_store_mb"] = _rss_mb(resource.RUSAGE_SELF)
    return result


class ChildFailed(RuntimeError):
    """A ``--child-run`` exited with an error (e.g. kg/ is mid-edit): the run is reported as failed, the rest go on."""


def load_note() -> str:
    return f"cpu_count={os.cpu_count()}, load average (1 min) {os.getloadavg()[0]:.2f}"


def spawn(label: str, jsonl: Path, workers: int, cache_dir: Path | None, out_dir: Path, store: bool,
          keep: bool) -> dict[str, Any]:  # fmt: skip
    """Run :func:`child_run` in a fresh process of this script and return its measurements."""
    load1 = os.getloadavg()[0]
    print(f"[{label}] starting: {load_note()}", file=sys.stderr, flush=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-run", str(jsonl), str(workers),
           str(cache_dir) if cache_dir else "-", str(out_dir)] + (["--child-store"] if store else [])  # fmt: skip
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    elapsed = time.perf_counter() - started
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(CHILD_MARK)]
    if proc.returncode or not lines:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise ChildFailed(f"[{label}] child run failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len(CHILD_MARK):])
    result.update(label=label, load1=load1, cpu_count=os.cpu_count(), process_s=elapsed)
    if not keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    print(f"[{label}] build {result['build_s']:.2f} s + export {result['export_s']:.2f} s, "
          f"{result['quads']:,} quads, peak RSS {result['rss_mb']:.0f} MB", file=sys.stderr, flush=True)
    return result


def parse_sizes(spec: str, available: int) -> list[int]:
    """``"1000,5000,all"`` -> sorted distinct sizes, each capped at ``available``.

    >>> parse_sizes("1000,5000,all", 3000)
    [1000, 3000]
    """
    sizes = set()
    for part in spec.split(","):
        part = part.strip().lower()
        if part:
            n = available if part == "all" else int(part.replace("_", ""))
            if n < 1:
                raise ValueError(f"sizes must be positive, not {part!r}")
            sizes.add(min(n, available))
    return sorted(sizes)


def _num(x: float | None, spec: str = ",.0f") -> str:
    return "-" if x is None else format(x, spec)


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip())
    print(" | ".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in
                         enumerate(zip(row, widths, strict=True))))  # fmt: skip


def _verdict(value: float | None, target: float, higher: bool) -> str:
    if value is None:
        return "n/a"
    return "PASS" if (value >= target if higher else value <= target) else "MISS"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of reut2-*.json")
    ap.add_argument("--limit", type=int, default=None, help="use at most N articles (quick runs)")
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="articles per whole-build run (default %(default)s)")
    ap.add_argument("--skip-workers", action="store_true", help="skip the workers=1 vs workers=2 runs")
    ap.add_argument("--skip-cache", action="store_true", help="skip the cold/warm cache runs")
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write every figure as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (JSONL inputs and outputs)")
    ap.add_argument("--child-run", nargs=4, metavar=("JSONL", "WORKERS", "CACHE", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--child-store", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child_run:
        jsonl, workers, cache, out = args.child_run
        result = child_run(Path(jsonl), int(workers), None if cache == "-" else Path(cache), Path(out),
                           args.child_store)  # fmt: skip
        print(CHILD_MARK + json.dumps(result), flush=True)
        return 0

    records = load_corpus(args.corpus, args.limit)
    total_words = sum(r.words for r in records)
    clean_words = sum(len(r.text.split()) for r in records)
    sizes = parse_sizes(args.sizes, len(records))
    tmp = Path(tempfile.mkdtemp(prefix="kg-throughput-"))
    runs: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}

    def run(key: str, label: str, jsonl: Path, workers: int, cache_dir: Path | None, store: bool) -> None:
        try:
            runs[key] = spawn(label, jsonl, workers, cache_dir, tmp / f"out-{key}", store, args.keep)
        except ChildFailed as exc:
            failed[key] = str(exc)
            print(exc, file=sys.stderr, flush=True)

    try:
        inputs = {n: write_jsonl(records[:n], tmp / f"reuters-{n}.jsonl") for n in sizes}
        words = {n: sum(r.words for r in records[:n]) for n in sizes}
        n_all = len(records)
        all_jsonl = inputs.get(n_all) or write_jsonl(records, tmp / f"reuters-{n_all}.jsonl")
        print(f"corpus: {args.corpus}: {len(records):,} articles, {total_words:,} words (title + body, README "
              f"count; {clean_words:,} after removing the end marks); JSONL in {tmp}", flush=True)  # fmt: skip
        print(f"machine: {load_note()}", flush=True)

        tok = tokenizer_baseline([r.text for r in records])
        tok_wps = total_words / tok["seconds"]
        print(f"[tokenizer] best of {TOKENIZER_ROUNDS}: {tok['seconds']:.2f} s, {tok_wps:,.0f} words/s",
              file=sys.stderr, flush=True)

        for n in sizes:
            run(f"size-{n}", f"size {n}", inputs[n], 1, None, True)
        if not args.skip_workers:
            # the size run of all articles is the workers=1 run (same configuration): workers=2 runs right after it
            if f"size-{n_all}" not in runs:
                run("workers-1", "workers 1", all_jsonl, 1, None, False)
            run("workers-2", "workers 2", all_jsonl, 2, None, False)
        if not args.skip_cache:
            run("cache-cold", "cache cold", all_jsonl, 1, tmp / "cache", False)
            run("cache-warm", "cache warm", all_jsonl, 1, tmp / "cache", False)
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    report = summarise(args, records, total_words, clean_words, sizes, words, tok, tok_wps, runs)
    report["failed"] = failed
    if failed:
        print(f"\nFAILED runs (left out of the tables above): {', '.join(failed)}; their errors are on stderr")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    return 1 if failed else 0


def summarise(args: argparse.Namespace, records: Sequence[Record], total_words: int, clean_words: int,
              sizes: Sequence[int], words: dict[int, int], tok: dict[str, float], tok_wps: float,
              runs: dict[str, dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    """Print the tables and the targets; return every figure for ``--json``."""
    print(f"\n== 1. baseline: spaCy blank('en') tokenizer, batch_size=256, best of {TOKENIZER_ROUNDS} ==")
    print(f"{tok['seconds']:.2f} s for {total_words:,} words ({tok['tokens']:,.0f} tokens): {tok_wps:,.0f} words/s "
          f"(the ceiling)")  # fmt: skip

    print("\n== 2. whole build: build_graph + write_outputs, cold, no cache, workers=1 (one fresh process each) ==")
    size_runs = [(n, runs[f"size-{n}"]) for n in sizes if f"size-{n}" in runs]
    rows = []
    for n, r in size_runs:
        wps = words[n] / r["wall_s"]
        rows.append([f"{n:,}", f"{words[n]:,}", f"{r['docs']:,}", f"{r['quads']:,}", f"{r['build_s']:.2f}",
                     f"{r['export_s']:.2f}", f"{r['wall_s']:.2f}", f"{wps:,.0f}", f"{wps / tok_wps:.4f}",
                     f"{tok_wps / wps:.1f}x"])  # fmt: skip
    _table(["articles", "words", "docs", "quads", "build_graph s", "export s", "wall s", "words/s",
            "÷ tokenizer w/s", "tokenizer time x"], rows)  # fmt: skip

    print("\nper stage (seconds | words/s; with workers > 1, nlp/mentions/relations would be summed worker CPU-s)")
    stage_rows = []
    export_names = sorted({name for _, r in size_runs for name in r["exporters"]})
    for stage in [*STAGES, "total", "export", *export_names]:
        row = [stage if stage != "total" else "build_graph total"]
        for n, r in size_runs:
            s = (r["export_s"] if stage == "export" else r["exporters"].get(stage) if stage in export_names
                 else r["timings"].get(stage))  # fmt: skip
            row += [_num(s, ".2f"), _num(_div(words[n], s) if s and s > 1e-3 else None)]
        stage_rows.append(row)
    _table(["stage", *(h for n, _ in size_runs for h in (f"{n:,} s", f"{n:,} w/s"))], stage_rows)

    print("\nexporters: triples/s = len(build.graph.quads) / seconds (the store is timed after, outside wall s)")
    ex_rows = []
    for n, r in size_runs:
        ttl, nq, store = r["exporters"].get("graph.ttl"), r["exporters"].get("graph.nq"), r.get("store_s")
        store_note = r.get("store_error", "not available") if store is None else f"{_div(r['quads'], store):,.0f}"
        ex_rows.append([f"{n:,}", f"{r['quads']:,}", _num(ttl, ".2f"), _num(_div(r["quads"], ttl)), _num(nq, ".2f"),
                        _num(_div(r["quads"], nq)), _num(store, ".2f"), store_note,
                        _num(r.get("rss_with_store_mb") if store is not None else None)])  # fmt: skip
    _table(["articles", "quads", "graph.ttl s", "ttl triples/s", "graph.nq s", "nq triples/s", "store s",
            "store quads/s", "peak RSS MB with store"], ex_rows)  # fmt: skip

    scaling = None
    if len(sizes) >= 2 and f"size-{sizes[0]}" in runs and f"size-{sizes[-1]}" in runs:
        (n0, r0), (n1, r1) = size_runs[0], size_runs[-1]
        scaling = (r1["wall_s"] / r0["wall_s"]) / (words[n1] / words[n0])
        print(f"\nscaling: (wall {n1:,} / wall {n0:,}) / (words {n1:,} / words {n0:,}) = ({r1['wall_s']:.2f} / "
              f"{r0['wall_s']:.2f}) / ({words[n1]:,} / {words[n0]:,}) = {scaling:.2f}")  # fmt: skip

    print("\n== 3. peak RSS (ru_maxrss, MB, after build + exports; each configuration in its own process) ==")
    parent_rss = _rss_mb(resource.RUSAGE_SELF)
    rss_rows = [["this process (corpus + tokenizer baseline)", f"{parent_rss:,.0f}", "-", "-", "-"]]
    for r in runs.values():
        rss_rows.append([r["label"], f"{r['rss_mb']:,.0f}", f"{r['rss_children_mb']:,.0f}" if r["workers"] > 1
                         else "-", f"{r['cpu_s']:.1f}", f"{r['cpu_children_s']:.1f}"])  # fmt: skip
    _table(["run", "peak RSS MB", "largest worker MB", "CPU s", "workers' CPU s"], rss_rows)

    cache_ratio: float | None = None
    cache_e2e: float | None = None
    if "cache-cold" in runs and "cache-warm" in runs:
        cold, warm = runs["cache-cold"], runs["cache-warm"]
        cache_ratio = warm["build_s"] / cold["build_s"]
        cache_e2e = warm["wall_s"] / cold["wall_s"]
        print(f"\n== 4. cache: all {len(records):,} articles, workers=1, fresh cache folder then the same again ==")
        _table(["run", "load 1m", "build_graph s", "timings cache s", "export s", "wall s"],
               [[r["label"], f"{r['load1']:.2f}", f"{r['build_s']:.2f}", f"{r['timings'].get('cache', 0):.2f}",
                 f"{r['export_s']:.2f}", f"{r['wall_s']:.2f}"] for r in (cold, warm)])  # fmt: skip
        print(f"warm/cold: build_graph {cache_ratio:.3f}, end to end (exports included) {cache_e2e:.3f}")

    speedup: float | None = None
    speedup_e2e: float | None = None
    workers_note = ""
    w1, w2 = runs.get("workers-1") or runs.get(f"size-{len(records)}"), runs.get("workers-2")
    if w1 and w2:
        speedup = w1["build_s"] / w2["build_s"]
        speedup_e2e = w1["wall_s"] / w2["wall_s"]
        workers_note = (f"end to end {speedup_e2e:.2f}x; cpu_count={os.cpu_count()}, load {w1['load1']:.2f} / "
                        f"{w2['load1']:.2f} before the runs")  # fmt: skip
        print(f"\n== 5. workers: all {len(records):,} articles, no cache (os.cpu_count() = {os.cpu_count()}) ==")
        if "workers-1" not in runs:
            print(f"(workers=1 is the run '{w1['label']}': the same configuration; workers=2 ran right after it)")
        _table(["run", "workers", "load 1m", "build_graph s", "export s", "wall s", "words/s (wall)"],
               [[r["label"], str(r["workers"]), f"{r['load1']:.2f}", f"{r['build_s']:.2f}", f"{r['export_s']:.2f}",
                 f"{r['wall_s']:.2f}", f"{total_words / r['wall_s']:,.0f}"] for r in (w1, w2)])  # fmt: skip
        print(f"speed-up workers=2: build_graph {speedup:.2f}x, end to end {speedup_e2e:.2f}x")

    targets = [
        ("scaling (wall/words, largest vs smallest size)", scaling, SCALING_TARGET, False, ""),
        ("cache warm/cold (build_graph)", cache_ratio, CACHE_TARGET, False,
         "" if cache_e2e is None else f"end to end {cache_e2e:.3f}"),
        ("workers=2 speed-up (build_graph)", speedup, WORKERS_TARGET, True, workers_note),
    ]  # fmt: skip
    print("\n== targets ==")
    verdicts = {}
    for name, value, target, higher, note in targets:
        verdict = _verdict(value, target, higher)
        if verdict == "MISS" and higher and (os.cpu_count() or 1) < 2:
            verdict = "n/a (one CPU)"
        verdicts[name] = {"value": value, "target": target, "higher_is_better": higher, "verdict": verdict}
        shown = "-" if value is None else f"{value:.3f}"
        print(f"{name}: {shown} ({'>=' if higher else '<='} {target}) {verdict}" + (f"  [{note}]" if note else ""))

    return {
        "corpus": str(args.corpus), "articles": len(records), "words": total_words, "words_clean": clean_words,
        "cpu_count": os.cpu_count(), "parent_rss_mb": parent_rss,
        "tokenizer": {"seconds": tok["seconds"], "tokens": tok["tokens"], "words_per_s": tok_wps},
        "sizes": [{"articles": n, "words": words[n], "words_per_s": words[n] / r["wall_s"],
                   "ratio_to_tokenizer": words[n] / r["wall_s"] / tok_wps,
                   "stage_words_per_s": {k: words[n] / v for k, v in r["timings"].items() if v > 1e-3},
                   "ttl_triples_per_s": _div(r["quads"], r["exporters"].get("graph.ttl")),
                   "nq_triples_per_s": _div(r["quads"], r["exporters"].get("graph.nq")),
                   "store_quads_per_s": _div(r["quads"], r.get("store_s")), **r} for n, r in size_runs],
        "scaling": scaling, "cache_warm_over_cold": cache_ratio, "cache_warm_over_cold_end_to_end": cache_e2e,
        "workers_speedup": speedup, "workers_speedup_end_to_end": speedup_e2e,
        "runs": runs, "targets": verdicts,
    }  # fmt: skip


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip freeing millions of quads at exit: the figures are printed
