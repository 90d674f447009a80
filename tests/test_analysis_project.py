"""RDF -> NetworkX projection of the hand-made fixture graph."""
from pathlib import Path

import pytest
from rdflib.compare import to_isomorphic

from kg.analysis.project import PARTNERSHIP, SCENARIO, read_articles, read_graph, to_networkx
from kg.errors import InputError

FIXTURE = Path(__file__).parent / "fixtures" / "mini_graph.ttl"
E = "https://w3id.org/fintech-kg/entity/"


@pytest.fixture(scope="module")
def g():
    return read_graph(FIXTURE)


def test_analysis_project_nodes_and_classes(g):
    G = to_networkx(g)
    assert G.number_of_nodes() == 12 and G.number_of_edges() == 11
    alipay = G.nodes[E + "支付宝"]
    assert (alipay["label"], alipay["label_en"], alipay["cls"]) == ("支付宝", "Alipay", "PaymentPlatform")
    assert alipay["aliases"] == ("Alipay", "支付宝钱包")
    # most specific class wins over skos:Concept / superclasses; group comes from the ontology tree
    assert G.nodes[E + "超市"]["cls"] == "Scenario"
    assert G.nodes[E + "招商银行"]["group"] == "Bank"
    assert G.nodes[E + "中国工商银行"]["group"] == "Bank"
    assert G.nodes[E + "招商银行"]["class_label"] == "股份制商业银行"


@pytest.mark.parametrize("u,v,weight,relations,n_evidence", [
    ("支付宝", "大润发", 2.0, ("partnersWith",), 2),   # two mentions in two articles, one reversed
    ("支付宝", "微信支付", 1.0, ("competesWith",), 1),
    ("支付宝", "蚂蚁集团", 1.0, ("parentOrganization",), 0),  # curated, no evidence
    ("井贤栋", "蚂蚁集团", 1.0, ("executiveOf",), 1),
])
def test_analysis_project_edges(g, u, v, weight, relations, n_evidence):
    d = to_networkx(g).edges[E + u, E + v]
    assert d["weight"] == weight and d["relations"] == relations and len(d["evidence"]) == n_evidence


def test_analysis_project_evidence_records(g):
    ev = to_networkx(g).edges[E + "支付宝", E + "大润发"]["evidence"]
    assert [r["date"] for r in ev] == ["2015-11-02", "2018-03-05"]
    assert ev[0]["sentence"] == "支付宝已与大润发签订合作协议，覆盖全国门店。"
    assert ev[0]["title"] == "支付宝进军商超场景" and ev[0]["source"] == "测试日报"


def test_analysis_project_filters(g):
    P = to_networkx(g, **PARTNERSHIP)
    linked = {P.nodes[x]["label"] for e in P.edges() for x in e}
    assert linked == {"支付宝", "大润发", "中国银联", "招商银行", "中国工商银行", "云闪付"} and P.number_of_edges() == 4
    assert all(rel == ("partnersWith",) for _, _, rel in P.edges(data="relations"))
    assert E + "井贤栋" not in P and E + "超市" not in P  # Person and Scenario are not Actors
    S = to_networkx(g, **SCENARIO)
    assert S.has_edge(E + "超市", E + "线下支付")  # skos:broader
    assert S.has_edge(E + "云闪付", E + "线下支付")
    assert to_networkx(g, relations=["partnersWith"], include_isolated=False).number_of_nodes() == 6


def test_analysis_project_does_not_mutate_rdf(g):
    before = to_isomorphic(g)
    to_networkx(g)
    read_articles(g)
    assert to_isomorphic(g) == before


def test_analysis_project_articles_with_facts(g):
    arts = read_articles(g)
    assert [a["identifier"] for a in arts] == ["a3", "a2", "a1"]  # newest first
    assert len(arts[1]["facts"]) == 4


def test_analysis_project_errors(g, tmp_path):
    with pytest.raises(InputError, match="unknown relation"):
        to_networkx(g, relations=["partnerWith"])
    with pytest.raises(InputError, match="kg build"):
        read_graph(tmp_path / "graph.ttl")
