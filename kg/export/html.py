"""The interactive HTML view: one self-contained, offline page built on vis-network.

The vis-network script and style sheet are read from the installed pyvis package and inlined; the page
uses its own template (no bootstrap, no CDN) and a Content-Security-Policy that allows only its own
inline scripts (by hash) and ``data:`` images, so it cannot fetch anything. Graph data travels as JSON
in a ``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the page builds
labels, tooltips and panels with ``textContent`` only, so article text can never become markup.

Up to ``PHYSICS_MAX_NODES`` nodes the browser lays the graph out (barnesHut, capped stabilisation);
above that, positions are computed here and the page starts with physics off.

>>> _json_for_script({"a": "</script><!-- \\u2028"})
'{"a":"\\\\u003c/script\\\\u003e\\\\u003c!-- \\\\u2028"}'
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import logging
import math
import os
import re
from collections import Counter, deque
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.config import DEFAULT_MAX_NODES
from kg.errors import ExportError
from kg.export.atomic import write_atomic
from kg.export.projection import (
    Edge,
    Node,
    Projection,
    Triples,
    degrees,
    project,
    readable,
    truncate,
    with_communities,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rdflib.term import Node as RDFNode

    from kg.analytics import GraphStats

logger = logging.getLogger(__name__)

DEFAULT_TITLE = "kg graph"
#: Up to this many nodes the browser runs the physics layout; above it, Python computes x/y.
PHYSICS_MAX_NODES = 500
#: Stabilisation iterations before the first draw (PERFORMANCE.md §5c: 1,000 is ~40 s at 500 nodes).
STABILIZATION_ITERATIONS = 200
#: The force-directed layout covers this many top-degree nodes; the rest sit beside a neighbour.
LAYOUT_CORE_NODES = 2000
LAYOUT_ITERATIONS = 50
LAYOUT_SEED = 1
#: Pixel distance between neighbours in a precomputed layout.
LAYOUT_SPACING = 90.0
VIS_VERSION = "9.1.2"
TEMPLATE_NAME = "graph.html.j2"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_CSP_PLACEHOLDER = "__KG_SCRIPT_HASHES__"
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_SCRIPT_BODY = re.compile(r"<script>(.*?)</script>", re.S)

#: gk: class → (colour, vis shape). Unknown classes get a colour from ``_FALLBACK_COLOURS``.
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "Country": ("#4e79a7", "hexagon"),
    "City": ("#76b7b2", "square"),
    "Territory": ("#59a14f", "triangleDown"),
    "Facility": ("#8cd17d", "square"),
    "Person": ("#f28e2b", "dot"),
    "Organization": ("#b07aa1", "diamond"),
    "IntergovernmentalOrganization": ("#9c755f", "diamond"),
    "MilitaryAlliance": ("#e15759", "diamond"),
    "EconomicUnion": ("#edc948", "diamond"),
    "ArmedGroup": ("#7f3c8d", "diamond"),
    "MediaOutlet": ("#bab0ac", "diamond"),
    "PoliticalParty": ("#ff9da7", "diamond"),
    "GovernmentBody": ("#86bcb6", "diamond"),
    "Initiative": ("#499894", "star"),
    "Agreement": ("#a0cbe8", "triangle"),
    "WeaponSystem": ("#d4a6c8", "triangle"),
    "Event": ("#79706e", "dot"),
    "Entity": ("#c7c7c7", "dot"),
}
_FALLBACK_COLOURS = ("#17becf", "#bcbd22", "#8c564b", "#e377c2", "#7f7f7f", "#1f77b4")
#: Colours of communities 1, 2, ... in "colour by community" (largest first); later ones share ``OTHER_COMMUNITY``.
COMMUNITY_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
    "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1",
)  # fmt: skip
OTHER_COMMUNITY = "#7f7f7f"
NO_COMMUNITY = "#d9d9d9"


def render_html(
    graph: Triples,
    *,
    title: str = DEFAULT_TITLE,
    max_nodes: int = DEFAULT_MAX_NODES,
    include_events: bool = True,
    gk_ns: str | None = None,
    stats: GraphStats | None = None,
    mentions: Iterable[tuple[RDFNode, RDFNode | None]] | None = None,
) -> str:
    """Render the interactive view of an RDF graph.

    Args:
        graph: What the builder wrote (rdflib Graph or Dataset, or a ``TripleIndex``).
        title: Page title (escaped).
        max_nodes: Entity limit; above it the top entities by degree are kept and the page says so.
        include_events: Show ``gk:Event`` nodes linked to their participants.
        gk_ns: The gk: namespace; detected from the data when None.
        stats: The graph's ``kg.analytics`` statistics (for the communities); computed from ``graph`` when None.
        mentions: The graph's mentions, as ``project`` takes them, if known already.

    Returns:
        The HTML page as a string; identical for identical input.
    """
    from kg.analytics import analyse
    from kg.entity_graph import from_rdflib

    p = project(graph, gk_ns=gk_ns, include_events=include_events, mentions=mentions)
    if stats is None:
        stats = analyse(from_rdflib(graph, gk_ns=p.gk_ns))
    p = with_communities(p, stats.community_of(), [c.label for c in stats.communities])
    return render_projection(p, title=title, max_nodes=max_nodes)


def write_html(graph: Triples, path: str | os.PathLike[str], **kw: Any) -> None:
    """Render the view and write it atomically (temporary file in the same folder, then ``os.replace``).

    Args:
        graph: The RDF graph.
        path: Destination file; its folder is created if needed.
        **kw: Keyword options of ``render_html``.

    Raises:
        ExportError: The file could not be written.
    """
    data = render_html(graph, **kw).encode("utf-8")

    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    write_atomic(Path(path), write)
    logger.info("wrote %s (%d bytes)", path, len(data))


def render_projection(projection: Projection, *, title: str = DEFAULT_TITLE, max_nodes: int = DEFAULT_MAX_NODES) -> str:
    """Render an existing projection (see ``kg.export.projection.project``).

    Args:
        projection: Nodes and edges to show.
        title: Page title.
        max_nodes: Entity limit, as in ``render_html``.
    """
    import jinja2
    from markupsafe import Markup

    shown = truncate(projection, max_nodes)
    physics = len(shown.nodes) <= PHYSICS_MAX_NODES
    positions = None if physics else layout(shown)
    data = page_data(shown, title=title, physics=physics, positions=positions)
    notice = (
        f"showing {shown.entity_count} of {shown.total_entities} entities (the most connected)"
        if shown.truncated
        else ""
    )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    js, css = _vis_assets()
    html = env.get_template(TEMPLATE_NAME).render(
        title=title,
        notice=notice,
        data_json=Markup(_json_for_script(data)),
        vis_js=Markup(js),
        vis_css=Markup(css),
        csp_hashes=_CSP_PLACEHOLDER,
    )
    # Allow exactly the inline scripts of this page: anything injected would not run.
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _SCRIPT_BODY.findall(html)
    )
    return html.replace(_CSP_PLACEHOLDER, hashes, 1)


def page_data(
    p: Projection, *, title: str, physics: bool, positions: dict[str, tuple[float, float]] | None
) -> dict[str, Any]:
    """The JSON document the page reads: compact, index-based, sorted."""
    docs = {d.iri: i for i, d in enumerate(p.documents)}
    classes = sorted({n.cls for n in p.nodes})
    cls_index = {c: i for i, c in enumerate(classes)}
    preds = sorted({e.predicate for e in p.edges}, key=lambda x: (readable(x), x))
    pred_index = {x: i for i, x in enumerate(preds)}
    node_index = {n.iri: i for i, n in enumerate(p.nodes)}
    deg = degrees(p.edges)
    claim_keys = {e.group_key for e in p.edges if e.kind == "claim"}
    lanes = _lanes(p.edges, node_index, claim_keys)
    comm_size = Counter(n.community for n in p.nodes if n.community > 0)
    communities = sorted(comm_size)
    comm_index = {c: i for i, c in enumerate(communities)}

    def node(i: int, n: Node) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": i, "iri": n.iri, "label": n.label, "cls": cls_index[n.cls], "event": n.kind == "event",
            "aliases": list(n.aliases), "qid": n.qid or "", "mentions": n.mentions, "ndocs": n.documents,
            "docs": [docs[d] for d in n.doc_iris if d in docs], "degree": deg[n.iri], "date": n.date,
            "etype": n.event_type, "comm": comm_index.get(n.community, -1),
        }  # fmt: skip
        if positions is not None:
            out["x"], out["y"] = positions[n.iri]
        return out

    def edge(i: int, e: Edge) -> dict[str, Any]:
        return {
            "id": i, "from": node_index[e.source], "to": node_index[e.target], "pred": pred_index[e.predicate],
            "kind": e.kind, "pol": e.polarity, "mod": e.modality, "count": e.count,
            "conf": None if e.confidence is None else round(e.confidence, 4), "attrib": list(e.attribution),
            "texts": list(e.relation_texts), "docs": [docs[d] for d in e.doc_iris if d in docs],
            "dates": list(e.dates), "evidence": [{"text": v.text, "doc": docs.get(v.doc, -1)} for v in e.evidence],
            "dup": e.kind == "fact" and e.group_key in claim_keys, "lane": lanes[i],
        }  # fmt: skip

    n_events = sum(1 for n in p.nodes if n.kind == "event")
    return {
        "meta": {
            "title": title, "physics": physics, "edgeLabels": physics, "iterations": STABILIZATION_ITERATIONS,
            "shownEntities": p.entity_count, "totalEntities": p.total_entities, "shownEvents": n_events,
            "totalEvents": p.total_events, "truncated": p.truncated, "gkNs": p.gk_ns,
        },
        "classes": [
            {"name": c, "label": readable(c), "color": _style(c)[0], "shape": _style(c)[1],
             "count": sum(1 for n in p.nodes if n.cls == c)}
            for c in classes
        ],
        "predicates": [{"name": x, "label": readable(x)} for x in preds],
        "communities": [
            {"id": c, "label": p.community_labels[c - 1] if c <= len(p.community_labels) else f"community {c}",
             "color": community_colour(c), "count": comm_size[c]}
            for c in communities
        ],
        "noCommunityColor": NO_COMMUNITY,
        "documents": [{"iri": d.iri, "title": d.title, "date": d.date} for d in p.documents],
        "nodes": [node(i, n) for i, n in enumerate(p.nodes)],
        "edges": [edge(i, e) for i, e in enumerate(p.edges)],
    }  # fmt: skip


def _lanes(edges: tuple[Edge, ...], node_index: dict[str, int], claim_keys: set[Any]) -> list[int]:
    """Curve lane per edge so parallel edges between two nodes do not overlap (0 = straight).

    Lanes alternate sides (1, -1, 2, -2, ...) relative to the lower-to-higher node index direction;
    a fact drawn by its claim edge shares that edge's lane.
    """
    groups: dict[tuple[int, int], list[int]] = {}
    by_key: dict[Any, int] = {}
    for i, e in enumerate(edges):
        if e.kind == "fact" and e.group_key in claim_keys:
            continue
        a, b = node_index[e.source], node_index[e.target]
        groups.setdefault((min(a, b), max(a, b)), []).append(i)
    lanes = [0] * len(edges)
    for members in groups.values():
        if len(members) < 2 or edges[members[0]].source == edges[members[0]].target:
            continue
        first = len(members) % 2  # an odd group keeps one straight edge in the middle
        for j, i in enumerate(members[first:]):
            lanes[i] = (j // 2 + 1) * (1 if j % 2 == 0 else -1)
    for i, e in enumerate(edges):
        if e.kind == "claim":
            by_key[e.group_key] = lanes[i]
    for i, e in enumerate(edges):
        if e.kind == "fact" and e.group_key in by_key:
            lanes[i] = by_key[e.group_key]
    return lanes


def community_colour(community: int) -> str:
    """Colour of community ``community`` (from 1) in the view.

    >>> community_colour(1), community_colour(0), community_colour(len(COMMUNITY_COLOURS) + 1)
    ('#1f77b4', '#d9d9d9', '#7f7f7f')
    """
    if community < 1:
        return NO_COMMUNITY
    return COMMUNITY_COLOURS[community - 1] if community <= len(COMMUNITY_COLOURS) else OTHER_COMMUNITY


def _style(cls: str) -> tuple[str, str]:
    if cls in CLASS_STYLE:
        return CLASS_STYLE[cls]
    h = int(hashlib.sha256(cls.encode("utf-8")).hexdigest(), 16)
    return _FALLBACK_COLOURS[h % len(_FALLBACK_COLOURS)], "dot"


def _json_for_script(obj: Any) -> str:
    """JSON that is inert inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/9."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's minified script and style sheet from the installed pyvis (not imported)."""
    spec = importlib.util.find_spec("pyvis")
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        for sub in ("templates/lib", "lib"):
            folder = Path(root) / sub / f"vis-{VIS_VERSION}"
            js_path, css_path = folder / "vis-network.min.js", folder / "vis-network.css"
            if js_path.is_file() and css_path.is_file():
                js, css = js_path.read_text(encoding="utf-8"), css_path.read_text(encoding="utf-8")
                if re.search(r"</script|<!--", js, re.I) or re.search(r"</style", css, re.I):
                    raise ExportError(f"{folder}: vis-network files cannot be inlined safely")
                return js, css
    raise ExportError(f"vis-network {VIS_VERSION} not found in the pyvis package; reinstall pyvis==0.3.2")


def layout(p: Projection) -> dict[str, tuple[float, float]]:
    """Deterministic pixel positions: force-directed for the top nodes, the rest beside a neighbour.

    networkx's ``spring_layout`` needs scipy above 500 nodes (not a dependency) and is O(N²) per
    iteration anyway, so this runs a vectorised Fruchterman-Reingold (numpy, fixed seed) on the
    ``LAYOUT_CORE_NODES`` nodes of highest degree. Every other node is placed by breadth-first search
    on a small golden-angle spiral around the neighbour that reached it first; nodes with no path to
    the core seed new clusters on a spiral outside everything else.
    """
    deg = degrees(p.edges)
    order = sorted((n.iri for n in p.nodes), key=lambda iri: (-deg[iri], iri))
    neighbours: dict[str, list[str]] = {iri: [] for iri in order}
    for e in p.edges:
        if e.source != e.target:
            neighbours[e.source].append(e.target)
            neighbours[e.target].append(e.source)
    core = [iri for iri in order if deg[iri] > 0][:LAYOUT_CORE_NODES]
    index = {iri: i for i, iri in enumerate(core)}
    pairs = sorted({(index[a], index[b]) for a in core for b in neighbours[a] if index.get(b, -1) > index[a]})
    placed = dict(zip(core, _force_layout(len(core), pairs), strict=True))
    k = 1.0 / math.sqrt(max(len(core), 1))
    children: dict[str, int] = {}

    def spread(queue: deque[str]) -> None:
        while queue:
            parent = queue.popleft()
            px, py = placed[parent]
            for child in sorted(set(neighbours[parent]), key=lambda c: (-deg[c], c)):
                if child not in placed:
                    j = children[parent] = children.get(parent, 0) + 1
                    r, theta = 0.45 * k * (1 + 0.2 * math.sqrt(j)), j * _GOLDEN_ANGLE
                    placed[child] = (px + r * math.cos(theta), py + r * math.sin(theta))
                    queue.append(child)

    spread(deque(core))
    # Isolated nodes and components with no path to the core: a sunflower disc beside the core.
    rest = [iri for iri in order if iri not in placed]
    disc = 0.8 * k * math.sqrt(len(rest))
    cx = max((x for x, _ in placed.values()), default=0.0) + disc + 2 * k
    for slot, seed in enumerate(iri for iri in rest if iri not in placed):
        r, theta = 0.8 * k * math.sqrt(slot + 0.5), slot * _GOLDEN_ANGLE
        placed[seed] = (cx + r * math.cos(theta), 0.5 + r * math.sin(theta))
        spread(deque([seed]))
    xs, ys = [x for x, _ in placed.values()], [y for _, y in placed.values()]
    mx, my = (min(xs) + max(xs)) / 2 if xs else 0.0, (min(ys) + max(ys)) / 2 if ys else 0.0
    scale = LAYOUT_SPACING / k
    return {iri: (round((x - mx) * scale, 1), round((y - my) * scale, 1)) for iri, (x, y) in placed.items()}


def _force_layout(n: int, pairs: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Fruchterman-Reingold in the unit square with a fixed seed and ``LAYOUT_ITERATIONS`` steps."""
    if n == 0:
        return []
    try:
        import numpy as np
    except ImportError:  # numpy comes with spaCy; without it, a golden-angle spiral by degree
        return [(0.5 + 0.5 * math.sqrt(i / n) * math.cos(i * _GOLDEN_ANGLE),
                 0.5 + 0.5 * math.sqrt(i / n) * math.sin(i * _GOLDEN_ANGLE)) for i in range(n)]  # fmt: skip
    f32 = np.float32
    xy = np.random.default_rng(LAYOUT_SEED).random((2, n)).astype(f32)
    k2 = f32(1.0 / n)
    src = np.array([a for a, _ in pairs], dtype=np.intp)
    dst = np.array([b for _, b in pairs], dtype=np.intp)
    temp, cool = 0.1, 0.1 / (LAYOUT_ITERATIONS + 1)
    gravity = f32(0.5)  # keeps disconnected parts of the core from drifting apart
    # n x n work arrays, made once: a new array each time costs as much as the arithmetic (fresh pages)
    dx, dy, w, dy2 = (np.empty((n, n), f32) for _ in range(4))
    for _ in range(LAYOUT_ITERATIONS):
        x, y = xy
        np.subtract(x[:, None], x[None, :], out=dx)
        np.subtract(y[:, None], y[None, :], out=dy)
        np.multiply(dx, dx, out=w)
        w += np.multiply(dy, dy, out=dy2)
        np.maximum(w, f32(1e-4), out=w)
        np.divide(k2, w, out=w)  # repulsion k²/d along the unit vector = delta * k²/d²
        disp = np.stack([np.einsum("ij,ij->i", dx, w), np.einsum("ij,ij->i", dy, w)])
        if len(src):
            vec = xy[:, src] - xy[:, dst]
            pull = vec * (np.sqrt((vec * vec).sum(axis=0)) / np.sqrt(k2))  # attraction d²/k
            for axis in (0, 1):
                disp[axis] -= np.bincount(src, pull[axis], minlength=n).astype(f32)
                disp[axis] += np.bincount(dst, pull[axis], minlength=n).astype(f32)
        disp -= (xy - f32(0.5)) * gravity
        length = np.maximum(np.sqrt((disp * disp).sum(axis=0)), f32(1e-6))
        xy += disp * (np.minimum(length, f32(temp)) / length)
        temp -= cool
    # Small components get pushed far out and would dominate zoom-to-fit: pull the outliers in.
    centre = np.median(xy, axis=1, keepdims=True)
    radius = np.sqrt(((xy - centre) ** 2).sum(axis=0))
    limit = f32(1.15) * np.quantile(radius, 0.98)
    xy = centre + (xy - centre) * (np.minimum(radius, limit) / np.maximum(radius, f32(1e-9)))
    return [(float(a), float(b)) for a, b in xy.T]
