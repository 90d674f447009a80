"""Centrality and communities on tiny hand-checked graphs."""
import math

import networkx as nx
import pytest

from kg.analysis import centrality as c
from kg.analysis import communities, compute_scores

P4 = nx.path_graph(4)                     # 0-1-2-3
STAR = nx.star_graph(3)                   # centre 0, leaves 1..3
TRI = nx.complete_graph(3)

# (graph, function, expected {node: value}) -- values worked out by hand
CASES = [
    (P4, c.degree, {0: 1, 1: 2, 2: 2, 3: 1}),
    (STAR, c.degree, {0: 3, 1: 1, 2: 1, 3: 1}),
    # betweenness normalised by the (n-1)(n-2)/2 pairs: node 1 of P4 lies on 0-2 and 0-3
    (P4, c.betweenness, {0: 0.0, 1: 2 / 3, 2: 2 / 3, 3: 0.0}),
    (STAR, c.betweenness, {0: 1.0, 1: 0.0, 2: 0.0, 3: 0.0}),
    (TRI, c.betweenness, {0: 0.0, 1: 0.0, 2: 0.0}),
    # closeness = (n-1) / sum of distances: P4 end 3/6, P4 middle 3/4; star leaf 3/5
    (P4, c.closeness, {0: 0.5, 1: 0.75, 2: 0.75, 3: 0.5}),
    (STAR, c.closeness, {0: 1.0, 1: 0.6, 2: 0.6, 3: 0.6}),
    (TRI, c.closeness, {0: 1.0, 1: 1.0, 2: 1.0}),
    # PageRank star: c = 0.15/4 + 0.85*3l, c + 3l = 1  ->  c = 0.8875/1.85
    (STAR, c.pagerank, {0: 0.8875 / 1.85, 1: (1 - 0.8875 / 1.85) / 3, 2: (1 - 0.8875 / 1.85) / 3,
                        3: (1 - 0.8875 / 1.85) / 3}),
    (TRI, c.pagerank, {0: 1 / 3, 1: 1 / 3, 2: 1 / 3}),
    # eigenvector of the star: lambda = sqrt(3), centre 1/sqrt(2), leaves 1/sqrt(6)
    (STAR, c.eigenvector, {0: 1 / math.sqrt(2), 1: 1 / math.sqrt(6), 2: 1 / math.sqrt(6), 3: 1 / math.sqrt(6)}),
    (TRI, c.eigenvector, {0: 1 / math.sqrt(3), 1: 1 / math.sqrt(3), 2: 1 / math.sqrt(3)}),
    (P4, c.core_number, {0: 1, 1: 1, 2: 1, 3: 1}),
    (TRI, c.core_number, {0: 2, 1: 2, 2: 2}),
]


@pytest.mark.parametrize("G,fn,expected", CASES, ids=lambda x: getattr(x, "__name__", None) or "")
def test_analysis_centrality_hand_checked(G, fn, expected):
    got = fn(G)
    assert got.keys() == expected.keys()
    for v, val in expected.items():
        assert got[v] == pytest.approx(val, abs=1e-4), (v, got)


def test_analysis_weighted_degree_sums_weights():
    G = nx.Graph()
    G.add_edge("a", "b", weight=2.0)
    G.add_edge("a", "c", weight=3.0)
    assert c.weighted_degree(G) == {"a": 5.0, "b": 2.0, "c": 3.0}


def test_analysis_eigenvector_falls_back_when_power_iteration_fails():
    got = c.eigenvector(STAR, max_iter=1)  # power iteration cannot converge in one step
    assert got[0] == pytest.approx(1 / math.sqrt(2), abs=1e-4)
    assert got[1] == pytest.approx(1 / math.sqrt(6), abs=1e-4)


def test_analysis_empty_and_edgeless_graphs():
    assert compute_scores(nx.Graph())["pagerank"] == {}
    G = nx.empty_graph(3)
    s = compute_scores(G)
    assert s["eigenvector"] == {0: 0.0, 1: 0.0, 2: 0.0}
    assert sorted(s["community"].values()) == [0, 1, 2]


def test_analysis_louvain_two_triangles_and_seeded():
    G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    m = communities.louvain(G, seed=7)
    assert m[0] == m[1] == m[2] != m[3] == m[4] == m[5]
    big = nx.barabasi_albert_graph(300, 2, seed=3)
    assert communities.louvain(big, seed=1) == communities.louvain(big, seed=1)


def test_analysis_functions_do_not_mutate_input():
    G = nx.barabasi_albert_graph(60, 2, seed=1)
    nx.set_edge_attributes(G, 1.0, "weight")
    G.add_edge(5, 5, weight=1.0)  # a self-loop, which core_number must not choke on
    before = (sorted(G.nodes(data=True)), sorted(G.edges(data=True)))
    compute_scores(G, seed=0)
    assert (sorted(G.nodes(data=True)), sorted(G.edges(data=True))) == before


def test_analysis_sampled_betweenness_is_seeded_and_close_to_exact():
    G = nx.barabasi_albert_graph(400, 3, seed=2)
    exact = c.betweenness(G)
    a = c.betweenness(G, k=100, seed=5)
    assert a == c.betweenness(G, k=100, seed=5)
    top_exact = sorted(G, key=exact.get, reverse=True)[:5]
    top_sampled = sorted(G, key=a.get, reverse=True)[:10]
    assert len(set(top_exact) & set(top_sampled)) >= 4


def test_analysis_large_graph_uses_sampling(monkeypatch):
    G = nx.barabasi_albert_graph(300, 2, seed=4)
    monkeypatch.setattr(c, "SAMPLES", 30)
    s1 = c.betweenness(G, exact_limit=100, backend="networkx", seed=1)
    s2 = c.betweenness(G, exact_limit=100, backend="networkx", seed=2)
    assert s1 != s2  # different seeds, different samples: the sampled path really ran
    clo = c.closeness(G, exact_limit=100, backend="networkx", seed=1)
    exact = nx.closeness_centrality(G)
    errors = [abs(clo[v] - exact[v]) for v in G]
    assert sum(errors) / len(errors) < 0.02 and max(errors) < 0.1  # 30 of 300 sources




@pytest.mark.parametrize("name", ["pagerank", "betweenness", "closeness"])
def test_analysis_igraph_backend_matches_networkx(name):
    pytest.importorskip("igraph", reason="igraph is optional (pip install igraph)")
    G = nx.barabasi_albert_graph(200, 3, seed=9)
    G.add_node(999)  # an isolated node
    nx.set_edge_attributes(G, 1.0, "weight")
    a = getattr(c, name)(G, backend="networkx")
    b = getattr(c, name)(G, backend="igraph")
    assert max(abs(a[v] - b[v]) for v in G) < 1e-4
