"""Communities: graph in, ``{node: community id}`` out; ids 0, 1, ... by size (largest first).

>>> import networkx as nx
>>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
>>> louvain(G, seed=1)
{0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
"""
from __future__ import annotations

import random

import networkx as nx

from kg.analysis import _igraph
from kg.analysis.centrality import EXACT_LIMIT, _use_igraph

__all__ = ["louvain", "to_membership"]


def to_membership(parts) -> dict:
    """Number communities by size (largest first), ties by their smallest member."""
    ordered = sorted((sorted(p, key=str) for p in parts), key=lambda p: (-len(p), str(p[0])))
    return {v: i for i, part in enumerate(ordered) for v in part}


def louvain(G: nx.Graph, *, seed: int = 0, weight: str = "weight", resolution: float = 1.0,
            backend: str = "auto", exact_limit: int = EXACT_LIMIT) -> dict:
    """Louvain communities with a fixed seed (isolated nodes get their own community)."""
    if G.number_of_nodes() == 0:
        return {}
    if _use_igraph(G, backend, exact_limit):
        import igraph as ig

        H, nodes = _igraph.to_igraph(G, weight)
        ig.set_random_number_generator(random.Random(seed))
        try:
            clusters = H.community_multilevel(weights="weight", resolution=resolution)
        finally:
            ig.set_random_number_generator(random)
        parts = [[nodes[i] for i in c] for c in clusters]
    else:
        parts = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    return dict(sorted(to_membership(parts).items(), key=lambda kv: str(kv[0])))
