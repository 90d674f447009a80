"""Benchmark: analysis and view generation on scale-free graphs, NetworkX vs the fast path.

Graphs: nx.barabasi_albert_graph(n, 3, seed=1) (average degree ~6) with 1k and
10k nodes (100k with --large). For each measure it times NetworkX's plain
implementation (the baseline; exact where feasible, else the same sampled
estimate with k=SAMPLES) and kg.analysis with backend="igraph" (when igraph is
installed), and prints seconds and baseline/fast ratios. It also times the
views (overview limited to the top N, ego pages) built from the scores.

Run: .venv/bin/python bench/bench_analysis.py [--large] [--sizes 1000 10000] [--top 150]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.analysis import _igraph, centrality, communities, compute_scores  # noqa: E402
from kg.analysis.centrality import EXACT_LIMIT, SAMPLES  # noqa: E402

CLASSES = [("PaymentPlatform", "PaymentPlatform"), ("JointStockBank", "Bank"), ("TechCompany", "TechCompany"),
           ("Scenario", "Scenario"), ("FinancialProduct", "FinancialProduct")]
# Baselines that take minutes at 100k nodes (FINDINGS.md) run only up to this size unless --full-baseline.
SLOW_BASELINE_LIMIT = 20000


def make_graph(n: int, seed: int = 1) -> nx.Graph:
    G0 = nx.barabasi_albert_graph(n, 3, seed=seed)
    G = nx.Graph()
    for v in sorted(G0):
        cls, group = CLASSES[v % len(CLASSES)]
        G.add_node(f"https://w3id.org/fintech-kg/entity/e{v}", label=f"实体{v}", label_en="", cls=cls,
                   class_label=cls, group=group, aliases=(), articles=1, root="Actor")
    for u, v in G0.edges():
        ev = ({"mention": f"m{u}-{v}", "relation": "partnersWith", "subject": "", "object": "",
               "sentence": f"实体{u}与实体{v}达成合作。", "start": 0, "rule": "r", "confidence": 0.9,
               "article": "a", "title": "标题", "date": "2020-01-01", "source": "来源", "url": "", "identifier": "a"},)
        G.add_edge(f"https://w3id.org/fintech-kg/entity/e{u}", f"https://w3id.org/fintech-kg/entity/e{v}",
                   weight=1.0, relations=("partnersWith",), facts=(), evidence=ev, mentions=1)
    return G


def timed(fn, *args, **kw):
    """Best of 3 runs for calls under a second (the machines are noisy), else one run."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        fn(*args, **kw)
        best = min(best, time.perf_counter() - t0)
        if best > 1.0:
            break
    return best


def bench_measures(G: nx.Graph, full_baseline: bool) -> list[tuple[str, float | None, float | None]]:
    n = G.number_of_nodes()
    big = n > EXACT_LIMIT
    k = SAMPLES if big else None
    slow_ok = full_baseline or n <= SLOW_BASELINE_LIMIT
    fast = _igraph.available()
    rows = []

    def base_closeness():
        if not big:
            return nx.closeness_centrality(G)
        return centrality.closeness(G, k=SAMPLES, seed=0, backend="networkx")

    base = {
        "pagerank": lambda: nx.pagerank(G, weight="weight"),
        "betweenness" + (f" (k={k})" if k else ""): (
            (lambda: nx.betweenness_centrality(G, k=k, seed=0)) if slow_ok else None),
        "closeness" + (f" (k={k})" if k else ""): base_closeness if slow_ok else None,
        "louvain": (lambda: nx.community.louvain_communities(G, weight="weight", seed=0)) if slow_ok else None,
    }
    fastp = {
        "pagerank": lambda: centrality.pagerank(G, backend="igraph"),
        "betweenness" + (f" (k={k})" if k else ""): lambda: centrality.betweenness(G, k=k, backend="igraph"),
        "closeness" + (f" (k={k})" if k else ""): lambda: centrality.closeness(G, k=k, backend="igraph"),
        "louvain": lambda: communities.louvain(G, seed=0, backend="igraph"),
    }
    if fast:
        _igraph.to_igraph(G)  # conversion timed separately below
    for name in base:
        b = timed(base[name]) if base[name] else None
        f = timed(fastp[name]) if fast else None
        rows.append((name, b, f))
    def convert():
        _igraph._CACHE.clear()
        _igraph.to_igraph(G)
    rows.append(("igraph conversion", None, timed(convert) if fast else None))
    rows.append(("eigenvector (numpy)" if big else "eigenvector", timed(centrality.eigenvector, G), None))
    rows.append(("core number", timed(centrality.core_number, G), None))
    return rows


def bench_views(G: nx.Graph, scores: dict, top: int) -> float:
    from kg.views import ViewData, render_all

    data = ViewData(G=G, partnerships=G, scenarios=G, scores=scores, articles=[],
                    class_labels={}, relation_labels={"partnersWith": "合作"}, group_order=[])
    return timed(render_all, data, top=top, ego=5)


def fmt(x: float | None) -> str:
    return "      -" if x is None else f"{x:7.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--large", action="store_true", help="also run 100k nodes")
    ap.add_argument("--full-baseline", action="store_true",
                    help="run the slow NetworkX baselines (betweenness, closeness, Louvain) at 100k too (minutes)")
    ap.add_argument("--top", type=int, default=150, help="entities drawn in the overview")
    args = ap.parse_args(argv)
    sizes = args.sizes + ([100000] if args.large else [])
    print(f"igraph fast path: {'yes' if _igraph.available() else 'NOT INSTALLED (pip install igraph)'}; "
          f"exact up to {EXACT_LIMIT} nodes, then k={SAMPLES} samples")
    for n in sizes:
        t0 = time.perf_counter()
        G = make_graph(n)
        print(f"\n== {n} nodes, {G.number_of_edges()} edges (generated in {time.perf_counter() - t0:.1f} s)")
        print(f"{'measure':<26}{'networkx s':>11}{'fast s':>9}{'ratio':>8}")
        for name, b, f in bench_measures(G, args.full_baseline):
            ratio = f"{b / f:7.1f}x" if b and f else "      -"
            print(f"{name:<26}{fmt(b):>11}{fmt(f):>9}{ratio:>8}")
        t0 = time.perf_counter()
        scores = compute_scores(G, seed=0, backend="auto")
        total = time.perf_counter() - t0
        print(f"{'kg analysis total (auto)':<26}{'':>11}{total:9.3f}")
        print(f"{'views (top %d, 5 ego)' % args.top:<26}{'':>11}{bench_views(G, scores, args.top):9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
