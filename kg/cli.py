"""The command line: thin typer wrappers; the only module that prints or exits.

Exit codes: 0 ok, 1 validation failed, 2 bad input or options (CONTRACT.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .config import DEFAULT_MAX_NODES, DEFAULT_ONTOLOGY_DIR, default_base_iri
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Build graph.ttl, graph.nq, graph.html and report.json from articles."""
    from .config import Settings
    from .export import write_outputs
    from .pipeline import build_graph

    base = base_iri or default_base_iri()
    if not base.endswith(("/", "#")):
        base += "/"
    settings = Settings(base_iri=base, ontology_dir=ontology, spacy_model=spacy_model, skip_bad=skip_bad,
                        max_nodes=max_nodes)
    try:
        build = build_graph(inputs, settings)
        if not build.results:
            raise KGError("no article could be read from the inputs")
        written = write_outputs(build, output)
    except KGError as exc:
        raise _fail(exc) from None
    if not quiet:
        typer.echo(f"{len(build.results)} documents, {len(build.entities)} entities, "
                   f"{sum(len(r.claims) for r in build.results)} assertions")
        for path in written:
            typer.echo(f"wrote {path}")
        for source, reason in build.problems:
            typer.echo(f"skipped {source}: {reason}", err=True)


@app.command("query")
def query_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file kg wrote (.ttl, .nq, .nt, .trig).")],
    query: Annotated[str | None, typer.Argument(help="A SPARQL query string.")] = None,
    file: Annotated[Path | None, typer.Option("-f", "--file", help="Read the query from a .rq file.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Run a shipped query from ontology/queries/.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    ontology: Annotated[Path, typer.Option(help="Ontology folder (for --name).")] = DEFAULT_ONTOLOGY_DIR,
) -> None:
    """Run SPARQL over a graph file (named graphs are queried as their union)."""
    from .errors import QueryError
    from .query import format_result, run_query
    from .resources import load_query

    try:
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
        typer.echo(format_result(run_query(graph, text), fmt))
    except KGError as exc:
        raise _fail(exc) from None


@app.command("view")
def view_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file kg wrote.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    max_nodes: Annotated[int, typer.Option(help="Node limit.")] = DEFAULT_MAX_NODES,
) -> None:
    """Render the interactive HTML view of a graph file."""
    from .export.html import write_html
    from .query import load_store, to_rdflib

    try:
        # strict parse by Oxigraph (a clear error for a bad file); named graphs are merged
        write_html(to_rdflib(load_store(graph)), output, title=graph.name, max_nodes=max_nodes)
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

