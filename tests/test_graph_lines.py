"""The graph assembled as N-Triples lines (what `kg build` writes) equals the rdflib graph of the same
extractions, byte for byte once serialised, including which article declares an entity's class."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
        # the same label with another class: a tie, so the first article decides
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


@pytest.mark.parametrize("before, now", [
    (["a", "c", "e"], {"a", "b", "c", "d", "e", "f"}),  # lines added between, before and after
    (["a", "c", "e"], {"0", "c", "e"}),                 # one removed, one added in front
    (["a", "c", "e"], {"a", "c", "e"}),                 # nothing changed
    (["b", "d"], {"d"}),                                # only removed
    ([], {"x", "y"}),                                   # no previous lines
])
def test_graph_lines_joining_with_the_previous_graph_gives_the_sorted_text(before, now):
    from kg.graph.lines import join_changed_lines, join_lines

    assert join_changed_lines(now, before, set(before)) == join_lines(now)


@given(st.sets(st.text("abc<> .", max_size=6), max_size=30), st.sets(st.text("abc<> .", max_size=6), max_size=30))
def test_graph_lines_joining_with_any_previous_graph_gives_the_sorted_text(before, now):
    from kg.graph.lines import join_changed_lines, join_lines

    assert join_changed_lines(now, sorted(before), before) == join_lines(now)


def test_an_unseen_name_gets_the_class_most_articles_give_it():
    from kg.graph.build import entity_classes

    def art(i):
        return Article(id=f"v{i}", text="x", path=f"v{i}.md", content_hash=f"{i:064x}")
    ms = [("Person",), ("Company",), ("Company",)]  # one article guesses a person, two say a company
    xs = [Extraction(art(i), (Mention("唐小僧", 0, 3, "唐小僧", cls),), (), ()) for i, (cls,) in enumerate(ms)]
    lexicon, onto = read_lexicon(DEFAULT), read_ontology(DEFAULT.path(DEFAULT.ontology_file))
    graph = GraphLines(lexicon, onto)
    for x in xs:
        graph.add(to_fragment(x))
    text = graph.to_ntriples()
    assert "/entity/唐小僧> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/fintech-kg/ontology#Company>" \
        in text.replace("%E5%94%90%E5%B0%8F%E5%83%A7", "唐小僧")
    assert "ontology#Person>" not in text
    assert entity_classes([("甲", "Person"), ("甲", "Company")]) == {"甲": "Person"}  # a tie: the first
    assert to_sorted_ntriples(to_graph(xs, lexicon, onto)) == text  # the rdflib path agrees
