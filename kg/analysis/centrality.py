"""Centrality measures: graph in, ``{node: value}`` out, input never mutated.

Small graphs (``n <= exact_limit``) always use NetworkX's exact algorithms, so
their numbers do not depend on optional packages. Larger graphs use igraph when
it is installed (``backend="auto"``) and sampled betweenness/closeness with a
fixed ``seed``.

>>> import networkx as nx
>>> degree(nx.path_graph(3))
{0: 1, 1: 2, 2: 1}
>>> {n: round(v, 3) for n, v in betweenness(nx.path_graph(3)).items()}
{0: 0.0, 1: 1.0, 2: 0.0}
"""
from __future__ import annotations

import logging
import random

import networkx as nx

from kg.analysis import _igraph

__all__ = ["degree", "weighted_degree", "pagerank", "betweenness", "eigenvector",
           "closeness", "core_number", "EXACT_LIMIT", "SAMPLES"]

log = logging.getLogger(__name__)
EXACT_LIMIT = 2000  # above this many nodes: sampled betweenness/closeness, igraph if available
SAMPLES = 200       # sampled sources for betweenness/closeness on large graphs



def _sample_size(n: int, k: int | None, exact_limit: int) -> int | None:
    """Number of sampled sources, or None for the exact computation."""
    if k is None and n > exact_limit:
        k = SAMPLES
    return None if k is not None and k >= n else k

def _use_igraph(G: nx.Graph, backend: str, exact_limit: int) -> bool:
    if backend == "networkx":
        return False
    if backend == "igraph":
        if not _igraph.available():
            raise ImportError("backend='igraph' needs igraph: pip install igraph")
        return True
    if backend != "auto":
        raise ValueError(f"unknown backend {backend!r}; use 'auto', 'networkx' or 'igraph'")
    return _igraph.available() and G.number_of_nodes() > exact_limit


def _sample(G: nx.Graph, k: int, seed: int) -> list:
    nodes = sorted(G, key=str)
    return random.Random(seed).sample(nodes, min(k, len(nodes)))


def degree(G: nx.Graph) -> dict:
    """Number of neighbours."""
    return {n: int(d) for n, d in G.degree()}


def weighted_degree(G: nx.Graph, weight: str = "weight") -> dict:
    """Sum of edge weights (supporting articles) at each node."""
    return {n: float(d) for n, d in G.degree(weight=weight)}


def pagerank(G: nx.Graph, *, weight: str = "weight", alpha: float = 0.85,
             backend: str = "auto", exact_limit: int = EXACT_LIMIT) -> dict:
    """PageRank on the weighted graph (sums to 1).

    >>> import networkx as nx
    >>> pr = pagerank(nx.star_graph(2))
    >>> round(pr[0], 4), round(pr[1], 4)
    (0.4865, 0.2568)
    """
    if G.number_of_nodes() == 0:
        return {}
    if _use_igraph(G, backend, exact_limit):
        H, nodes = _igraph.to_igraph(G, weight)
        return dict(zip(nodes, H.pagerank(damping=alpha, weights="weight", directed=False)))
    return nx.pagerank(G, alpha=alpha, weight=weight)


def betweenness(G: nx.Graph, *, k: int | None = None, seed: int = 0,
                backend: str = "auto", exact_limit: int = EXACT_LIMIT) -> dict:
    """Normalised shortest-path betweenness (unweighted).

    Exact when ``n <= exact_limit`` and ``k`` is None; otherwise estimated from
    ``k`` (default SAMPLES) source nodes drawn with ``seed``.
    """
    n = G.number_of_nodes()
    if n == 0:
        return {}
    k = _sample_size(n, k, exact_limit)
    if _use_igraph(G, backend, exact_limit):
        H, nodes = _igraph.to_igraph(G)
        if k is None:
            raw = H.betweenness(directed=False)
        else:
            index = {v: i for i, v in enumerate(nodes)}
            src = [index[v] for v in _sample(G, k, seed)]
            # paths from k sampled sources, scaled up to all n sources (as NetworkX does)
            raw = [b * n / k for b in H.betweenness(directed=False, sources=src, targets=None)]
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
        return {v: b * scale for v, b in zip(nodes, raw)}
    if k is None:
        return nx.betweenness_centrality(G, normalized=True)
    return nx.betweenness_centrality(G, k=k, normalized=True, seed=random.Random(seed))


def eigenvector(G: nx.Graph, *, weight: str = "weight", max_iter: int = 1000, tol: float = 1e-9) -> dict:
    """Eigenvector centrality (Euclidean norm 1); falls back to the sparse eigen-solver
    when power iteration does not converge, and to normalised degree if that fails too.
    """
    if G.number_of_nodes() == 0:
        return {}
    if G.number_of_edges() == 0:
        return {v: 0.0 for v in G}
    try:
        if G.number_of_nodes() <= EXACT_LIMIT:
            return nx.eigenvector_centrality(G, max_iter=max_iter, tol=tol, weight=weight)
    except nx.PowerIterationFailedConvergence:
        log.warning("eigenvector: power iteration did not converge; using the sparse eigen-solver")
    try:
        return {v: abs(x) for v, x in nx.eigenvector_centrality_numpy(G, weight=weight, max_iter=max_iter * 50).items()}
    except Exception as exc:  # ArpackNoConvergence and friends
        log.warning("eigenvector: eigen-solver failed (%s); using normalised degree", exc)
        total = sum(d * d for _, d in G.degree(weight=weight)) ** 0.5 or 1.0
        return {v: d / total for v, d in G.degree(weight=weight)}


def closeness(G: nx.Graph, *, k: int | None = None, seed: int = 0,
              backend: str = "auto", exact_limit: int = EXACT_LIMIT) -> dict:
    """Closeness (unweighted, Wasserman-Faust scaled for disconnected graphs, as NetworkX).

    Exact when ``n <= exact_limit`` and ``k`` is None; otherwise the mean distance
    of each node is estimated from ``k`` sampled sources (``seed``).
    """
    n = G.number_of_nodes()
    if n == 0:
        return {}
    k = _sample_size(n, k, exact_limit)
    if k is None and not _use_igraph(G, backend, exact_limit):
        return nx.closeness_centrality(G)
    comp_size = {}
    for comp in nx.connected_components(G):
        for v in comp:
            comp_size[v] = len(comp)
    sources = list(G) if k is None else _sample(G, k, seed)
    total = dict.fromkeys(G, 0.0)
    count = dict.fromkeys(G, 0)
    if _use_igraph(G, backend, exact_limit):
        import numpy as np

        H, nodes = _igraph.to_igraph(G)
        index = {v: i for i, v in enumerate(nodes)}
        src = [index[v] for v in sources]
        tot, cnt = np.zeros(len(nodes)), np.zeros(len(nodes), dtype=np.int64)
        for start in range(0, len(src), 32):
            dist = np.asarray(H.distances(source=src[start:start + 32]), dtype=float)
            ok = np.isfinite(dist) & (dist > 0)
            tot += np.where(ok, dist, 0.0).sum(axis=0)
            cnt += ok.sum(axis=0)
        total = dict(zip(nodes, tot.tolist()))
        count = dict(zip(nodes, cnt.tolist()))
    else:
        for s in sources:
            for v, d in nx.single_source_shortest_path_length(G, s).items():
                if d > 0:
                    total[v] += d
                    count[v] += 1
    out = {}
    for v in G:
        r = comp_size[v]
        out[v] = 0.0 if total[v] == 0 or n < 2 else (count[v] / total[v]) * (r - 1) / (n - 1)
    return out


def core_number(G: nx.Graph) -> dict:
    """k-core number (largest k such that the node is in the k-core)."""
    H = G
    if nx.number_of_selfloops(G):
        H = G.copy()
        H.remove_edges_from(list(nx.selfloop_edges(H)))
    return {v: int(c) for v, c in nx.core_number(H).items()}
