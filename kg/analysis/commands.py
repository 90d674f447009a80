"""``kg analyze``: centrality and communities of the built graph."""
from __future__ import annotations

import time
from pathlib import Path

import click

from kg.analysis import compute_scores
from kg.analysis import export
from kg.analysis.project import read_graph, to_networkx
from kg.errors import InputError


def graph_path(build_dir: Path) -> Path:
    path = Path(build_dir) / "graph.ttl"
    if not path.is_file():
        raise InputError(f"{path} not found. Run `kg build CORPUS --out {build_dir}` first.")
    return path


def run_analysis(build_dir: Path, *, seed: int = 0, backend: str = "auto", relations=None,
                 classes=None) -> dict[str, Path]:
    """Read BUILD_DIR/graph.ttl, write every analysis artefact; return their paths.

    ``relations``/``classes`` restrict the projection (e.g. only partnersWith among Actor).
    The ranked tables are also added to BUILD_DIR/report.md when a build report is there.
    """
    build_dir = Path(build_dir)
    G = to_networkx(read_graph(graph_path(build_dir)), relations=relations or None, classes=classes or None)
    scores = compute_scores(G, seed=seed, backend=backend)
    out = {
        "centrality.csv": export.to_centrality_csv(G, scores),
        "analysis.ttl": export.to_analysis_ttl(G, scores),
        "analysis.md": export.to_analysis_md(G, scores),
        "graph.graphml": export.to_graphml(G, scores),
        "graph.gexf": export.to_gexf(G, scores),
    }
    paths = {name: export.write_text_atomic(build_dir / name, text) for name, text in out.items()}
    report = build_dir / "report.md"
    if report.is_file():
        marker = "\n<!-- analysis -->\n"
        head = report.read_text(encoding="utf-8").split(marker)[0]
        paths["report.md"] = export.write_text_atomic(report, head + marker + out["analysis.md"])
    return paths


@click.command("analyze")
@click.argument("build_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=0, show_default=True, help="Seed for sampling and Louvain.")
@click.option("--backend", type=click.Choice(["auto", "networkx", "igraph"]), default="auto",
              show_default=True, help="auto: NetworkX for small graphs, igraph (if installed) for large ones.")
@click.option("--relation", "relations", multiple=True, help="Project only these relations (repeatable), e.g. partnersWith.")
@click.option("--class", "classes", multiple=True, help="Project only entities of these classes (repeatable), e.g. Actor.")
def analyze(build_dir: Path, seed: int, backend: str, relations, classes) -> None:
    """Centrality, k-core and Louvain communities of BUILD_DIR/graph.ttl.

    Writes centrality.csv, analysis.ttl (scores as RDF), analysis.md (ranked
    tables), graph.graphml and graph.gexf into BUILD_DIR.

    Example: kg analyze build
    """
    t0 = time.perf_counter()
    paths = run_analysis(build_dir, seed=seed, backend=backend, relations=relations, classes=classes)
    for p in paths.values():
        click.echo(f"wrote {p}")
    click.echo(f"analysis took {time.perf_counter() - t0:.2f} s")


commands = [analyze]
