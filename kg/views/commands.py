"""``kg views``: write the offline HTML views into BUILD_DIR/views/."""
from __future__ import annotations

import time
from pathlib import Path

import click

from kg.analysis.commands import graph_path
from kg.analysis.export import read_centrality_csv, write_text_atomic
from kg.analysis.project import PARTNERSHIP, SCENARIO, read_articles, read_graph, to_networkx
from kg.errors import InputError
from kg.ontology import read_ontology
from kg.views import ViewData, render_all


def read_view_data(build_dir: Path) -> ViewData:
    """Everything the views need: projections of graph.ttl and the scores of centrality.csv."""
    build_dir = Path(build_dir)
    g = read_graph(graph_path(build_dir))
    csv_path = build_dir / "centrality.csv"
    if not csv_path.is_file():
        raise InputError(f"{csv_path} not found. Run `kg analyze {build_dir}` first.")
    onto = read_ontology()
    G = to_networkx(g, ontology=onto)
    scores = read_centrality_csv(csv_path)
    missing = sorted(str(v) for v in G if v not in scores["pagerank"])
    if missing:
        raise InputError(f"{csv_path} is older than graph.ttl ({len(missing)} entities have no scores). "
                         f"Run `kg analyze {build_dir}` again.")
    zh = {name: labels.get("zh", name) for name, labels in onto.labels.items()}
    groups = sorted({d.get("group", "") for _, d in G.nodes(data=True)})  # distinct colours for what is present
    return ViewData(G=G, partnerships=to_networkx(g, ontology=onto, **PARTNERSHIP),
                    scenarios=to_networkx(g, ontology=onto, **SCENARIO), scores=scores,
                    articles=read_articles(g), class_labels=zh,
                    relation_labels={**{p: zh.get(p, p) for p in onto.object_properties}, "broader": "上位场景"},
                    group_order=groups)


def write_views(build_dir: Path, *, top: int = 150, ego: int = 10) -> list[Path]:
    files = render_all(read_view_data(build_dir), top=top, ego=ego)
    out_dir = Path(build_dir) / "views"
    return [write_text_atomic(out_dir / name, text) for name, text in sorted(files.items())]


@click.command("views")
@click.argument("build_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--top", default=150, show_default=True, type=click.IntRange(1),
              help="Entities (by PageRank) drawn in the overview, partnership, scenario and community views.")
@click.option("--ego", default=10, show_default=True, type=click.IntRange(0),
              help="Number of top entities that get their own ego-network page.")
def views(build_dir: Path, top: int, ego: int) -> None:
    """Offline HTML views of BUILD_DIR/graph.ttl into BUILD_DIR/views/ (needs `kg analyze` first).

    Open BUILD_DIR/views/index.html in a browser; no network access is needed.

    Example: kg views build --top 150
    """
    t0 = time.perf_counter()
    paths = write_views(build_dir, top=top, ego=ego)
    click.echo(f"wrote {len(paths)} pages to {Path(build_dir) / 'views'} in {time.perf_counter() - t0:.2f} s")
    click.echo(f"open {Path(build_dir) / 'views' / 'index.html'}")


commands = [views]
