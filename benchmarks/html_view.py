"""Benchmark the HTML view: render time in Python and time to a stabilised first draw in headless Chromium.

Builds synthetic RDF graphs shaped like the builder's output (entities, mentions, claims with evidence,
truthy triples, events) with N entities and about 2N claims, renders them with ``render_html``, writes the
pages and opens each in headless Chromium. The page logs ``KG_FIRST_DRAW`` to the console at its first
draw (after stabilisation when the browser lays the graph out); the script notes the wall time at which
that line reaches Chromium's stderr. Ratios are against baselines measured in the same run: ``json.dumps``
of the page data (Python side) and a blank page's time to ``load`` (browser side).

Usage: python benchmarks/html_view.py [--sizes 1500 5000] [--rounds 3] [--out DIR] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SKOS

from kg.export.html import PHYSICS_MAX_NODES, layout, page_data, render_html, render_projection
from kg.export.projection import project, truncate

GK = Namespace("https://geokg.example/ont#")
BASE = "https://geokg.example/"
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
SCHEMA = Namespace("http://schema.org/")
CLASSES = ("Country", "Person", "Organization", "City", "MilitaryAlliance", "Territory", "Agreement", "ArmedGroup")
PREDICATES = ("memberOf", "consults", "supports", "threatens", "expressesIntentToCooperateWith", "allyOf", "leads")
MODALITIES = ("Asserted",) * 14 + ("Reported",) * 3 + ("Speculative",) * 2 + ("Hypothetical",)
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--window-size=1400,1000", "--enable-logging=stderr", "--v=0",
)  # fmt: skip


def synthetic_graph(n: int, seed: int = 1) -> Graph:
    """An RDF graph with ``n`` entities and ``2n`` claims (Zipf-skewed objects), like the builder writes."""
    rnd = random.Random(seed)
    g = Graph()
    weights = [1 / (i + 1) ** 0.8 for i in range(n)]
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    ents = [URIRef(f"{BASE}id/{'place' if i % 2 else 'person'}/e{i}") for i in range(n)]
    docs = [URIRef(f"{BASE}doc/{i:016x}") for i in range(max(1, n // 25))]
    for i, d in enumerate(docs):
        g.add((d, RDF.type, SCHEMA.NewsArticle))
        g.add((d, SCHEMA.headline, Literal(f"Synthetic article {i} about the region", lang="en")))
        g.add((d, SCHEMA.datePublished, Literal(f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}", datatype=XSD.date)))
    for i, e in enumerate(ents):
        g.add((e, RDF.type, GK[CLASSES[i % len(CLASSES)]]))
        g.add((e, SKOS.prefLabel, Literal(f"Entity {i}", lang="en")))
        g.add((e, RDFS.label, Literal(f"Entity {i}", lang="en")))
        if i % 3 == 0:
            g.add((e, SKOS.altLabel, Literal(f"E{i}", lang="en")))
            g.add((e, GK.wikidataId, Literal(f"Q{1000 + i}")))
        for k in range(1 + i % 3):
            d = docs[(i + k) % len(docs)]
            m = URIRef(f"{d}#char={i * 10 + k},{i * 10 + k + 5}")
            g.add((m, RDF.type, GK.Mention))
            g.add((m, ITSRDF.taIdentRef, e))
            g.add((m, NIF.referenceContext, URIRef(f"{d}#char=0,100000")))
    edges: set[tuple[int, int]] = set()
    while len(edges) < 2 * n:
        s, t = rnd.randrange(n), bisect.bisect_left(cum, rnd.random() * acc)
        if s != t:
            edges.add((s, t))
    for j, (s, t) in enumerate(sorted(edges)):
        a = URIRef(f"{BASE}assertion/x-{j:012x}")
        pred, mod = GK[PREDICATES[j % len(PREDICATES)]], rnd.choice(MODALITIES)
        neg = rnd.random() < 0.1
        d = docs[j % len(docs)]
        sent = URIRef(f"{d}#char={j * 100},{j * 100 + 80}")
        g.add((sent, RDF.type, NIF.Sentence))
        g.add((sent, NIF.anchorOf, Literal(f"Entity {s} and Entity {t} did something notable in sentence {j}.")))
        for p, o in ((RDF.type, GK.Assertion), (RDF.subject, ents[s]), (RDF.predicate, pred), (RDF.object, ents[t]),
                     (GK.polarity, GK.Negative if neg else GK.Positive), (GK.modality, GK[mod]),
                     (GK.confidence, Literal(round(0.5 + rnd.random() / 2, 2))), (GK.evidence, sent),
                     (PROV.wasDerivedFrom, d), (GK.relationText, Literal("did something with"))):  # fmt: skip
            g.add((a, p, o))
        if mod == "Reported":
            g.add((a, GK.attributedTo, ents[rnd.randrange(n)]))
        if mod == "Asserted" and not neg:
            g.add((ents[s], pred, ents[t]))
    for k in range(n // 50):
        ev = URIRef(f"{BASE}id/event/ev{k}")
        g.add((ev, RDF.type, GK.Event))
        g.add((ev, RDFS.label, Literal(f"Event {k}", lang="en")))
        for who in (k, (k * 7 + 3) % n):
            g.add((ev, GK.participant, ents[who]))
    return g


def chromium_first_draw(chromium: str, url: str, timeout: float = 600.0) -> tuple[float | None, float]:
    """Wall seconds from launch to the page's ``KG_FIRST_DRAW`` console line (None if never), and to exit."""
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=20000",
            "--dump-dom",
            url,
        ]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
        seen: list[float] = []

        def watch() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                if "KG_FIRST_DRAW" in line or "KG_BLANK_LOAD" in line:
                    seen.append(time.perf_counter() - t0)

        reader = threading.Thread(target=watch, daemon=True)
        reader.start()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        return (seen[0] if seen else None), time.perf_counter() - t0


def median_time(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1500, 5000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "kg-html-bench")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    have_browser = Path(args.chromium).exists()
    blank = args.out / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body><script>addEventListener('load', function () "
                     "{ console.log('KG_BLANK_LOAD'); });</script></body></html>\n", encoding="utf-8")  # fmt: skip
    blank_s = blank_exit_s = None
    if have_browser:
        runs = [chromium_first_draw(args.chromium, blank.as_uri()) for _ in range(args.rounds)]
        blank_s = statistics.median(d or 0.0 for d, _ in runs)
        blank_exit_s = statistics.median(e for _, e in runs)
    rows = []
    for n in args.sizes:
        t = time.perf_counter()
        g = synthetic_graph(n)
        build_s = time.perf_counter() - t
        for max_nodes in sorted({min(1500, n), n}):
            proj = project(g)
            shown = truncate(proj, max_nodes)
            physics = len(shown.nodes) <= PHYSICS_MAX_NODES
            data = page_data(shown, title="bench", physics=physics, positions=None if physics else layout(shown))
            dumps_s = median_time(lambda data=data: json.dumps(data, sort_keys=True), args.rounds)
            project_s = median_time(lambda g=g: project(g), args.rounds)
            layout_s = 0.0 if physics else median_time(lambda shown=shown: layout(shown), args.rounds)
            render_s = median_time(lambda g=g, mn=max_nodes: render_html(g, title="bench", max_nodes=mn), args.rounds)
            html = render_projection(proj, title=f"bench {n}", max_nodes=max_nodes)
            page = args.out / f"view_{n}_{max_nodes}.html"
            page.write_text(html, encoding="utf-8")
            draw_s = exit_s = None
            if have_browser:
                draws = [chromium_first_draw(args.chromium, page.as_uri() + "#kg-bench") for _ in range(args.rounds)]
                firsts = [d for d, _ in draws if d is not None]
                draw_s = statistics.median(firsts) if firsts else None
                exit_s = statistics.median(e for _, e in draws)
            rows.append(dict(entities=n, shown=shown.entity_count, nodes=len(shown.nodes), edges=len(shown.edges),
                             triples=len(g), build_s=build_s, project_s=project_s, layout_s=layout_s,
                             render_s=render_s, dumps_s=dumps_s, size_mb=len(html.encode()) / 2**20,
                             draw_s=draw_s, exit_s=exit_s))  # fmt: skip
            print(json.dumps(rows[-1], default=str), file=sys.stderr, flush=True)

    def fmt(x: float | None, spec: str = ".2f") -> str:
        return "-" if x is None else format(x, spec)

    def ratio(a: float | None, b: float | None) -> str:
        return f"{a / b:.1f}x" if a and b else "-"

    print(f"\nbaselines measured in this run (median of {args.rounds}): blank page in Chromium: load event "
          f"{fmt(blank_s)} s, --dump-dom exit {fmt(blank_exit_s)} s; json.dumps of each page's data: "
          "column 'dumps s'\n")  # fmt: skip
    head = ("entities", "shown nodes", "edges", "triples", "project s", "layout s", "render_html s", "dumps s",
            "render/dumps", "MB", "first draw s", "draw/blank load", "dump-dom s", "dump/blank dump")  # fmt: skip
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for r in rows:
        print(" | ".join([str(r["entities"]), str(r["nodes"]), str(r["edges"]), str(r["triples"]),
                          fmt(r["project_s"]), fmt(r["layout_s"]), fmt(r["render_s"]), fmt(r["dumps_s"], ".3f"),
                          ratio(r["render_s"], r["dumps_s"]), fmt(r["size_mb"]), fmt(r["draw_s"]),
                          ratio(r["draw_s"], blank_s), fmt(r["exit_s"]),
                          ratio(r["exit_s"], blank_exit_s)]))  # fmt: skip
    if not have_browser:
        print(f"\n(no browser at {args.chromium}: Chromium columns skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
