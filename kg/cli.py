"""The command line: thin typer wrappers; the only module that prints or exits.

Exit codes: 0 ok, 1 validation failed, 2 bad input or options (CONTRACT.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .analytics import DEFAULT_SEED, DEFAULT_TOP
from .config import (
    DEFAULT_MAX_NODES,
    DEFAULT_ONTOLOGY_DIR,
    DEFAULT_WORKERS,
    default_base_iri,
    default_cache_dir,
)
from .errors import KGError

app = typer.Typer(
    name="kg",
    help="Knowledge graphs from geopolitical news and analysis articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(exc: KGError) -> typer.Exit:
    typer.echo(f"kg: error: {exc}", err=True)
    return typer.Exit(code=exc.exit_code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn articles into an RDF knowledge graph; query, view and validate it."""


@app.command("build")
def build_cli(
    inputs: Annotated[list[str], typer.Argument(help="Article files, folders or globs (.txt .md .html .jsonl).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path("output"),
    base_iri: Annotated[str | None, typer.Option(help="Base IRI of minted IRIs (or KG_BASE_IRI).")] = None,
    spacy_model: Annotated[
        str | None, typer.Option(help="An installed spaCy pipeline to add to the rules (optional).")
    ] = None,
    skip_bad: Annotated[bool, typer.Option(help="Skip unreadable inputs; list them in report.json.")] = False,
    max_nodes: Annotated[int, typer.Option(help="Node limit of graph.html.")] = DEFAULT_MAX_NODES,
    ontology: Annotated[Path, typer.Option(help="Ontology folder (gazetteer, patterns).")] = DEFAULT_ONTOLOGY_DIR,
    formats: Annotated[
        str | None,
        typer.Option("--format", help="Extra outputs, comma-separated: jsonld (the dataset), graphml, gexf "
                                      "(the entity graph)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success (no progress line).")
                     ] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", min=1, help="Worker processes analysing articles "
                                         "(the output does not depend on it).")] = DEFAULT_WORKERS,
    cache: Annotated[Path | None, typer.Option(help="Analysis cache folder (default: KG_CACHE_DIR or ~/.cache/kg); "
                                              "unchanged articles are not analysed again.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Analyse every article; read and write no cache.")
                        ] = False,
    store: Annotated[Path | None, typer.Option(help="Also load the dataset into an on-disk Oxigraph store in this "
                                              "folder (query it with `kg query DIR`).")] = None,
) -> None:
    """Build graph.ttl, graph.nq, graph.html and report.json from articles.

    An article file (or JSONL line) above KG_MAX_BYTES bytes (default 2000000; 0 = no limit) is refused.
    On a terminal a progress line shows articles done, words/s and the time left.
    """
    from .config import Settings
    from .export import parse_formats, write_outputs
    from .export.atomic import atomic_group
    from .iris import check_base_iri
    from .pipeline import build_graph
    from .progress import Progress

    base = base_iri or default_base_iri()
    if not base.endswith(("/", "#")):
        base += "/"
    cache_dir = None if no_cache else (cache or default_cache_dir())
    settings = Settings(base_iri=base, ontology_dir=ontology, spacy_model=spacy_model, skip_bad=skip_bad,
                        max_nodes=max_nodes, workers=workers, cache_dir=cache_dir)
    stored = 0
    try:
        check_base_iri(base)
        extra = parse_formats(formats)  # a bad --format fails before any work
        if store is not None:
            from .export.store import check_store_dir

            check_store_dir(store)  # a bad --store fails before the build, not after it
        with Progress(_input_bytes(inputs), enabled=False if quiet else None) as progress:
            build = build_graph(inputs, settings, progress=lambda a: progress.advance(
                words=len(a.text.split()), nbytes=len(a.raw.encode("utf-8"))))
        if not build.results:
            why = "".join(f"; {source}: {reason}" for source, reason in build.problems[:3])
            raise KGError(f"no article could be read from the inputs{why}")
        with atomic_group():  # all outputs replaced together, or none (a killed build leaves the old ones)
            written = write_outputs(build, output, extra)
            if store is not None:
                from .export.store import write_store

                stored = write_store(build.graph.quads, build.graph.ns, store)
                written.append(store)
    except KGError as exc:
        raise _fail(exc) from None
    if not quiet:
        typer.echo(f"{len(build.results)} documents, {len(build.entities)} entities, "
                   f"{sum(len(r.claims) for r in build.results)} assertions")
        for path in written:
            typer.echo(f"wrote {path}" + (f" (Oxigraph store, {stored} quads)" if path == store else ""))
        for source, reason in build.problems:
            typer.echo(f"warning: {source}: {reason}", err=True)


def _input_bytes(inputs: list[str]) -> int | None:
    """Total size of the input files (for the progress line's time left); None if unknown."""
    from .ingest import expand_inputs

    try:
        return sum(path.stat().st_size for path in expand_inputs(inputs))
    except (KGError, OSError):
        return None  # the build reports bad inputs itself


@app.command("query")
def query_cli(
    graph: Annotated[
        str | None, typer.Argument(help="A graph file kg wrote (.ttl .nq .nt .trig .jsonld), a store folder written "
                                        "by `kg build --store`, or a SPARQL endpoint URL.")
    ] = None,
    query: Annotated[str | None, typer.Argument(help="A SPARQL query string.")] = None,
    file: Annotated[Path | None, typer.Option("-f", "--file", help="Read the query from a .rq file.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Run a named query of ontology/queries/.")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="NAME=VALUE: fill the query's VALUES ?NAME { UNDEF } in (repeatable)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    engine: Annotated[str, typer.Option(help="oxigraph or rdflib (graph files).")] = "oxigraph",
    list_names: Annotated[bool, typer.Option("--list", help="List the named queries and their parameters.")] = False,
    ontology: Annotated[Path, typer.Option(help="Ontology folder (for --name).")] = DEFAULT_ONTOLOGY_DIR,
) -> None:
    """Run SPARQL over a graph file or an Oxigraph store folder (named graphs queried as their union) or an
    endpoint."""
    from .errors import QueryError
    from .query import bind_parameters, format_result, parse_param_options, query_parameters, query_prefixes, run_query
    from .resources import load_query, named_queries

    try:
        if list_names:
            for qname, qtext in named_queries(ontology).items():
                header = next((ln.lstrip("#").strip() for ln in qtext.splitlines() if ln.startswith("#")), "")
                params = ", ".join(query_parameters(qtext)) or "none"
                typer.echo(f"{qname:22} {header.split(':')[0]} (parameters: {params})")
            return
        if graph is None:
            raise QueryError("give a GRAPH file (or an endpoint URL) to query")
        given = [q for q in (query, file, name) if q is not None]
        if len(given) != 1:
            raise QueryError("give exactly one of QUERY, --file or --name")
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise QueryError(f"{file}: cannot read ({exc.strerror})") from None
        elif name is not None:
            text = load_query(ontology, name)
        else:
            text = query or ""
        text = bind_parameters(text, parse_param_options(param or []))
        source: str | Path = graph if graph.startswith(("http://", "https://")) else Path(graph)
        # named queries are written against the default base IRI; a graph built with --base-iri gets them rebased
        result = run_query(source, text, engine=engine, rebase=name is not None)
        typer.echo(format_result(result, fmt, query_prefixes(text)))
    except KGError as exc:
        raise _fail(exc) from None


@app.command("serve")
def serve_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file kg wrote (graph.nq keeps one graph per document).")],
    port: Annotated[int, typer.Option(help="TCP port.")] = 7878,
    host: Annotated[str, typer.Option(help="Interface to bind; loopback unless you mean otherwise.")] = "127.0.0.1",
) -> None:
    """Serve a graph file as a read-only SPARQL endpoint (the Oxigraph server); Ctrl-C stops it."""
    from .serve import ReadOnlyServer

    server = ReadOnlyServer(graph, host=host, port=port)
    try:
        server.start()
    except KGError as exc:
        raise _fail(exc) from None
    typer.echo(f"serving {graph} ({server.quads} quads) read-only: SPARQL endpoint {server.query_url}", err=True)
    raise typer.Exit(code=server.wait())


@app.command("load")
def load_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file kg wrote (graph.nq: one graph per document).")],
    endpoint: Annotated[
        str, typer.Option(help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store.")
    ],
    user: Annotated[str | None, typer.Option(help="User for HTTP basic or digest authentication.")] = None,
    password: Annotated[
        str | None, typer.Option(envvar="KG_ENDPOINT_PASSWORD", show_envvar=True, help="Password (never printed).")
    ] = None,
    graph_iri: Annotated[
        str | None, typer.Option("--graph", help="Target graph for triples outside named graphs (a .ttl file).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each request.")] = 120.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Upload a graph file to a triple store, replacing each document's named graph in place."""
    from .errors import QueryError
    from .load import Credentials, load

    try:
        if (user is None) != (password is None):
            raise QueryError("give both --user and --password (or KG_ENDPOINT_PASSWORD), or neither")
        credentials = Credentials(user, password) if user is not None and password is not None else None
        report = load(graph, endpoint, credentials=credentials, default_graph=graph_iri, timeout=timeout)
    except KGError as exc:
        raise _fail(exc) from None
    if not quiet:
        for g in report.graphs:
            typer.echo(f"{'created' if g.created else 'replaced'} {g.graph} ({g.triples} triples)")
        typer.echo(f"loaded {len(report.graphs)} graphs, {report.triples} triples into {report.endpoint}")


@app.command("view")
def view_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file kg wrote.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    max_nodes: Annotated[int, typer.Option(help="Node limit.")] = DEFAULT_MAX_NODES,
) -> None:
    """Render the interactive HTML view of a graph file."""
    from .export.html import write_html
    from .query import read_quads, to_rdflib

    try:
        # strict parse by Oxigraph (a clear error for a bad file), literals kept as written; graphs merged
        write_html(to_rdflib(read_quads(graph)), output, title=graph.name, max_nodes=max_nodes)
    except KGError as exc:
        raise _fail(exc) from None
    typer.echo(f"wrote {output}")


@app.command("validate")
def validate_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file kg wrote (.ttl or .nq).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
    shacl: Annotated[
        bool, typer.Option("--shacl/--no-shacl", help="Run pySHACL (the integrity checks always run).")
    ] = True,
    shacl_sparql: Annotated[
        bool, typer.Option(help="Also let pySHACL run the shapes' SPARQL constraints (slow; the checks cover them).")
    ] = False,
    check: Annotated[
        list[str] | None, typer.Option("--check", help="Run only this integrity check (repeatable).")
    ] = None,
    max_rows: Annotated[int, typer.Option(help="Rows shown per failed check.")] = 10,
    ontology: Annotated[Path, typer.Option(help="Ontology folder (shapes, gk.ttl, integrity checks).")] = (
        DEFAULT_ONTOLOGY_DIR
    ),
) -> None:
    """Check a graph with the SHACL shapes and the SPARQL integrity checks (exit 1 if it does not conform)."""
    import json

    from .validate import format_report, validate

    try:
        report = validate(graph, ontology_dir=ontology, shacl=shacl, shacl_sparql=shacl_sparql, only=check)
    except KGError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) if as_json
               else format_report(report, max_rows=max_rows))
    if not report.conforms:
        raise typer.Exit(code=1)


@app.command("eval")
def eval_cli(
    inputs: Annotated[list[str], typer.Argument(help="Article files or folders to build and score.")],
    gold: Annotated[Path, typer.Option("--gold", help="Gold YAML (the format of shared/gold/seeds.yaml).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    details: Annotated[
        bool, typer.Option("--details", help="List missed tier-1 relations, false positives and failures.")
    ] = False,
    ontology: Annotated[Path, typer.Option(help="Ontology folder.")] = DEFAULT_ONTOLOGY_DIR,
) -> None:
    """Build the inputs, then print entity and relation precision, recall and F1 against a gold file."""
    import json

    from .config import Settings
    from .evaluate import evaluate_build, format_table, load_gold
    from .pipeline import build_graph

    try:
        gold_docs = load_gold(gold)
        build = build_graph(inputs, Settings(ontology_dir=ontology))
        scores = evaluate_build(build, gold_docs)
    except KGError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps(scores, indent=2, ensure_ascii=False) if as_json else format_table(scores, details=details))



@app.command("stats")
def stats_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file kg wrote (.ttl, .nq, .nt, .trig).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (with every community's members) instead of tables.")
    ] = False,
    top: Annotated[int, typer.Option(help="Entities listed, by PageRank (0: all).")] = DEFAULT_TOP,
    path: Annotated[
        tuple[str, str] | None,
        typer.Option("--path", help="Two entities (names, aliases or IRIs): print the shortest evidence path instead."),
    ] = None,
    via: Annotated[str | None, typer.Option(help="With --path: an entity the path must pass through.")] = None,
    claims_per_hop: Annotated[int, typer.Option(help="With --path: claims printed per hop (JSON has all).")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the Louvain communities.")] = DEFAULT_SEED,
) -> None:
    """Centrality and communities of the entity graph (claims and truthy facts), or an evidence path (exit 1: none)."""
    import json

    from .analytics import format_stats, stats_dict, stats_of_file
    from .analytics_path import find_path, format_path, path_dict

    try:
        eg, stats = stats_of_file(graph, seed=seed)
        if path is None:
            if via is not None:
                raise KGError("--via needs --path")
            typer.echo(json.dumps(stats_dict(stats, top=top), indent=2, ensure_ascii=False) if as_json
                       else format_stats(stats, top=top))
            return
        found = find_path(eg, path[0], path[1], via=via)
    except KGError as exc:
        raise _fail(exc) from None
    if found is None:
        typer.echo(f"no path between {path[0]} and {path[1]}" + (f" through {via}" if via else ""), err=True)
        raise typer.Exit(code=1)
    typer.echo(json.dumps(path_dict(eg, found), indent=2, ensure_ascii=False) if as_json
               else format_path(eg, found, claims_per_hop=claims_per_hop))


@app.command("export")
def export_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file kg wrote (.ttl, .nq, .nt, .trig).")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="A .graphml or .gexf file, or a folder for graph.graphml/graph.gexf.")
    ],
    formats: Annotated[
        str | None, typer.Option("--format", help="graphml, gexf or both (comma-separated); default: from -o.")
    ] = None,
) -> None:
    """Export the entity graph with centralities and communities as GraphML or GEXF (Gephi, networkx)."""
    from .export.network import export_network

    try:
        written = export_network(graph, output, formats)
    except KGError as exc:
        raise _fail(exc) from None
    for p in written:
        typer.echo(f"wrote {p}")
