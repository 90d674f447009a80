"""A fresh build of the golden article must give exactly the reviewed graph (make golden to update)."""
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from golden import HERE, build_golden_graph


def test_graph_golden_article_matches_the_reviewed_graph():
    expected = Graph().parse(HERE / "expected.ttl", format="turtle")
    got = build_golden_graph()
    if to_isomorphic(expected) != to_isomorphic(got):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        msg = ["graph differs from tests/golden_data/expected.ttl (run `make golden` and review):"]
        msg += [f"- {t}" for t in sorted(missing.serialize(format="nt").splitlines())]
        msg += [f"+ {t}" for t in sorted(extra.serialize(format="nt").splitlines())]
        raise AssertionError("\n".join(msg))


def test_graph_golden_has_the_expected_facts():
    g = build_golden_graph()
    q = """SELECT ?s ?p ?o WHERE { ?m a kg:RelationMention ; rdf:subject/rdfs:label ?s ;
           rdf:predicate ?p ; rdf:object/rdfs:label ?o . FILTER(lang(?s) = "zh" && lang(?o) = "zh") }"""
    facts = {(str(s), str(p).split("#")[1], str(o)) for s, p, o in g.query(q, initNs={"kg": "https://w3id.org/fintech-kg/ontology#"})}
    assert ("中国银联", "partnersWith", "苹果") in facts
    assert ("招商银行", "launchesProduct", "一闪通") in facts
    assert ("金林", "executiveOf", "京东金融") in facts
