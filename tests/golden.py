"""The golden graph: the graph built from tests/golden_data/article.md.

`make golden` (python -m tests.golden) rewrites tests/golden_data/expected.ttl for review;
tests/test_graph_golden.py compares a fresh build with it.
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent / "golden_data"


def build_golden_graph():
    from kg.corpus import read_file
    from kg.extract import build_nlp, extract_article
    from kg.graph.build import to_graph
    from kg.lexicon import read_lexicon
    from kg.ontology import read_ontology

    articles, _ = read_file(HERE / "article.md", HERE)
    nlp = build_nlp()
    return to_graph([extract_article(a, nlp) for a in articles], read_lexicon(), read_ontology())


if __name__ == "__main__":
    from kg.graph.serialize import to_turtle

    (HERE / "expected.ttl").write_text(to_turtle(build_golden_graph()), encoding="utf-8")
    print(f"wrote {HERE / 'expected.ttl'}; review the diff with git diff")
