"""``kg query``, ``kg serve``, ``kg store`` and ``kg push``."""
from __future__ import annotations

from pathlib import Path

import click

from kg.errors import QueryError
from kg.query.engine import RdflibBackend, default_graph_files
from kg.query.formats import FORMATS, render
from kg.query.saved import bind_params, parse_param_args, resolve_query

__all__ = ["commands", "query", "serve", "store", "push"]


def _graph_files(graphs: tuple[str, ...], store: str | None = None) -> list[Path]:
    if graphs:
        return [Path(g) for g in graphs]
    if store:  # the same files `kg store build` fills it from, so the two never undo each other
        from kg.query.refresh import store_source_files

        return store_source_files()
    return default_graph_files()


def make_backend(graphs: tuple[str, ...] = (), store: str | None = None, endpoint: str | None = None,
                 engine: str = "rdflib"):
    """The engine `kg query`/`kg serve` use: a remote endpoint, a persistent store, or an in-memory graph."""
    if endpoint:
        from kg.query.remote import RemoteBackend

        return RemoteBackend(endpoint)
    if store or engine == "oxigraph":
        from kg.query.store import OxigraphBackend

        return OxigraphBackend.from_files(_graph_files(graphs, store), store)
    return RdflibBackend.from_files(_graph_files(graphs))


@click.command()
@click.argument("query_arg", metavar="QUERY|FILE.rq|SAVED_NAME", required=False)
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="Graph file to query (repeatable). Default: build/graph.ttl plus build/analysis.ttl.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Value of a saved query's parameter (repeatable), bound as an RDF term.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--store", type=click.Path(file_okay=False),
              help="Use a persistent Oxigraph store in this folder (e.g. build/store), first refreshed "
                   "from the graph files: only changed triples are applied.")
@click.option("--endpoint", metavar="URL", help="Query an external SPARQL endpoint instead of a local graph.")
@click.option("--list", "list_only", is_flag=True, help="List the saved queries and their parameters.")
def query(query_arg, graphs, params, fmt, store, endpoint, list_only):
    """Ask the graph a SPARQL question: inline text, a .rq file, or a saved query name.

    The prefixes kg: kge: kga: kgm: skos: prov: dcterms: schema: rdfs: rdf:
    owl: xsd: are predeclared. Saved queries live in ontology/queries/; run
    `kg query --list` to see them and their parameters.

    Example: kg query partners --param org=支付宝
    """
    if list_only:
        from kg.query.saved import list_saved_queries

        for q in list_saved_queries():
            args = " ".join(f"--param {p.name}=…" + (f" (default {p.default})" if p.default else "") for p in q.params)
            click.echo(f"{q.name:18} {q.question}\n{'':18} kg query {q.name} {args}".rstrip())
        return
    if not query_arg:
        raise QueryError("give a query: inline SPARQL, a .rq file or a saved query name (see kg query --list)")
    if endpoint and (store or graphs):
        raise QueryError("--endpoint queries the external server; drop --store/--graph")
    saved = resolve_query(query_arg)
    bindings = bind_params(saved, parse_param_args(params))
    backend = make_backend(graphs, store, endpoint)
    result = backend.query(saved.text, bindings)
    click.echo(render(result, fmt), nl=fmt == "table" or fmt == "json")


@click.command()
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="Graph file to serve (repeatable). Default: build/graph.ttl plus build/analysis.ttl.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds before a query is stopped.")
@click.option("--max-rows", default=10_000, show_default=True, type=int, help="Rows per answer; more are cut and marked.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Query engine behind the endpoint.")
@click.option("--store", type=click.Path(file_okay=False), help="Serve a persistent Oxigraph store in this folder.")
def serve(graphs, host, port, timeout, max_rows, engine, store):
    """Serve the graph as a read-only SPARQL 1.1 endpoint (GET/POST query=, JSON/CSV/TSV).

    Updates, SERVICE and FROM are refused; each query runs in a worker process
    that is stopped after --timeout seconds.

    Example: kg serve --port 8000   (then open http://127.0.0.1:8000/sparql?query=…)
    """
    from kg.query.server import ServerSettings, build_server

    backend = make_backend(graphs, store, None, engine)
    server = build_server(backend, host, port, ServerSettings(timeout=timeout, max_rows=max_rows))
    h, p = server.server_address[:2]
    click.echo(f"SPARQL endpoint: http://{h}:{p}/sparql  (read-only; timeout {timeout:g} s, {max_rows} rows; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command("store")
@click.argument("build_dir", default="build", type=click.Path(file_okay=False, exists=True))
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Store folder. Default: BUILD_DIR/store.")
def store(build_dir, store_dir):
    """Fill the persistent Oxigraph store from a build, applying only the triples that changed.

    Reads BUILD_DIR/graph.nt, BUILD_DIR/analysis.ttl and the ontology; compares
    them with the record kept beside the store (kg-loaded.nt, kg-store.json)
    and removes/inserts only the difference. Unchanged files touch nothing; a
    missing or damaged record means a full reload. `make graph` runs this.

    Example: kg store build   (then: kg query partners --param org=支付宝 --store build/store)
    """
    from kg.query.refresh import store_source_files
    from kg.query.store import fill_store

    target = Path(store_dir) if store_dir else Path(build_dir) / "store"
    _, done = fill_store(target, store_source_files(build_dir))
    click.echo(f"store {target}: {done.describe()}")


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol URL of the server, e.g. http://localhost:7878/store (Oxigraph).")
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="File to upload (repeatable). Default: build/graph.ttl, build/analysis.ttl and the ontology.")
@click.option("--graph-iri", default=None, help="Named graph to fill. Default: the server's default graph.")
@click.option("--append", is_flag=True, help="Add to the graph instead of replacing it.")
def push(endpoint, graphs, graph_iri, append):
    """Upload the built graph to an external SPARQL server (Graph Store Protocol PUT/POST of Turtle).

    Example: kg push --endpoint http://localhost:7878/store
    """
    from kg.query.engine import ontology_files
    from kg.query.remote import push_files

    files = [Path(g) for g in graphs] if graphs else default_graph_files() + ontology_files()
    sent = push_files(endpoint, files, graph=graph_iri, replace=not append)
    click.echo(f"pushed {len(files)} file(s), {sent} bytes, to {endpoint}")


commands = [query, serve, store, push]
