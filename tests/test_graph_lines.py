"""The graph assembled as N-Triples lines (what `kg build` writes) equals the rdflib graph of the same
extractions, byte for byte once serialised, including which article declares an entity's class."""
from kg.config import DEFAULT
from kg.graph.build import to_graph
from kg.graph.lines import GraphLines, to_fragment
from kg.graph.serialize import to_sorted_ntriples, to_turtle
from kg.lexicon import read_lexicon
from kg.ontology import read_ontology
from kg.records import Article, Extraction, Mention, Observation, Relation


def _extractions():
    def art(i, text):
        return Article(id=f"a{i}", text=text, title=f"标题{i}", date="2024-01-0" + str(i + 1), path=f"a{i}.md",
                       content_hash=f"{i:064x}")

    rel = Relation("新公司甲", "partnersWith", "支付宝", "Organization", "Organization", "新公司甲与支付宝合作", 0, 10,
                   "r1", 0.9)
    obs = Observation("新公司甲", "marketShare", 12.5, "%", "2023", "新公司甲份额12.5%", 0, 9, "f1", 0.8)
    return [
        Extraction(art(0, "x"), (Mention("新公司甲", 0, 4, "新公司甲", "Person"),), (rel,), (obs,)),
        # the same label with another class: the first article decides
        Extraction(art(1, "y"), (Mention("新公司甲", 0, 4, "新公司甲", "Organization"),
                                 Mention("花呗", 5, 7, "花呗", "Product")), (), ()),
        Extraction(art(2, "z"), (), (), (Observation("未提及公司", "activeUsers", 3.0, "亿", None, "三亿用户", 0, 4, "f2",
                                                     0.5),)),
    ]


def test_graph_lines_equal_the_rdflib_graph_of_the_same_extractions():
    lexicon, onto = read_lexicon(DEFAULT), read_ontology(DEFAULT.path(DEFAULT.ontology_file))
    xs = _extractions()
    lines = GraphLines(lexicon, onto)
    for x in xs:
        lines.add(to_fragment(x))
    expected = to_sorted_ntriples(to_graph(xs, lexicon, onto))
    assert lines.to_ntriples() == expected
    assert "新公司甲> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/fintech-kg/ontology#Person>" \
        in expected  # the first article's class
    assert to_turtle(lines.to_ntriples()) == to_turtle(to_graph(xs, lexicon, onto))
