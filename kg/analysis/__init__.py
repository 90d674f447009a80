"""NetworkX analysis of the knowledge graph: projection, centrality, communities, export.

Analysis functions take a graph and return ``{node: value}``; they never mutate
their input, never draw, and every randomised call takes ``seed=``.
"""
from __future__ import annotations

import networkx as nx

from kg.analysis import centrality, communities
from kg.analysis.centrality import EXACT_LIMIT

__all__ = ["SCORES", "compute_scores"]

# Column name -> kg: datatype property written to analysis.ttl (docs/graph-model.md).
SCORES = {
    "degree": "degree",
    "weighted_degree": "weightedDegree",
    "pagerank": "pageRank",
    "betweenness": "betweenness",
    "eigenvector": "eigenvector",
    "closeness": "closeness",
    "core_number": "coreNumber",
    "community": "community",
}
INTEGER_SCORES = frozenset({"degree", "core_number", "community"})


def compute_scores(G: nx.Graph, *, seed: int = 0, backend: str = "auto",
                   exact_limit: int = EXACT_LIMIT) -> dict[str, dict]:
    """Every score in SCORES: ``{score name: {node: value}}``."""
    kw = {"backend": backend, "exact_limit": exact_limit}
    return {
        "degree": centrality.degree(G),
        "weighted_degree": centrality.weighted_degree(G),
        "pagerank": centrality.pagerank(G, **kw),
        "betweenness": centrality.betweenness(G, seed=seed, **kw),
        "eigenvector": centrality.eigenvector(G),
        "closeness": centrality.closeness(G, seed=seed, **kw),
        "core_number": centrality.core_number(G),
        "community": communities.louvain(G, seed=seed, **kw),
    }
