"""Optional igraph accelerator behind a small adapter (FINDINGS.md: 4-50x NetworkX)."""
from __future__ import annotations

import weakref

import networkx as nx

try:  # optional dependency: pip install igraph
    import igraph as ig
except ImportError:  # pragma: no cover - depends on the environment
    ig = None

_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def available() -> bool:
    return ig is not None


def to_igraph(G: nx.Graph, weight: str = "weight"):
    """(igraph.Graph, node list) for an undirected NetworkX graph; cached per graph object."""
    if ig is None:
        raise ImportError("igraph is not installed: pip install igraph (or use backend='networkx').")
    key = (G.number_of_nodes(), G.number_of_edges())
    hit = _CACHE.get(G)
    if hit is not None and hit[0] == key:
        return hit[1], hit[2]
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    H = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges()], directed=False)
    H.es["weight"] = [float(d.get(weight, 1.0)) for _, _, d in G.edges(data=True)]
    _CACHE[G] = (key, H, nodes)
    return H, nodes
