"""`kg build` end to end on a tiny corpus we write in the test."""
import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg.build import run_build

ARTICLE = """---
title: 银联与苹果达成合作
date: 2016-02-18
source: fintech-kg 编辑部
url: https://example.org/fintech-kg/t1
---
2016年2月18日，中国银联与苹果达成合作，Apple Pay在中国上线。此前，支付宝已与大润发签订了合同。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("build")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    out = root / "out"
    res = run_build(corpus, out, use_cache=False)
    return res, out


def test_build_writes_graph_and_report(built):
    res, out = built
    for name in ("graph.ttl", "graph.nt", "report.json", "report.md"):
        assert (out / name).stat().st_size > 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["articles"]["read"] == 1
    assert {s["path"] for s in report["skipped"]} == {"broken.txt", "empty.txt"}
    assert report["articles"]["read"] + report["articles"]["skipped"] == report["articles"]["files_seen"] == 3
    assert report["shacl"]["conforms"] is True


def test_build_graph_answers_partners_of_alipay_with_evidence(built):
    _, out = built
    g = Graph().parse(out / "graph.ttl")
    rows = list(g.query("""
        PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?partner ?evidence ?title WHERE {
          ?a rdfs:label "支付宝"@zh .
          { ?a kg:partnersWith ?p } UNION { ?p kg:partnersWith ?a }
          ?p rdfs:label ?partner . FILTER(lang(?partner) = "zh")
          ?m rdf:predicate kg:partnersWith ; kg:evidence ?evidence ; prov:wasDerivedFrom ?art .
          { ?m rdf:subject ?a ; rdf:object ?p } UNION { ?m rdf:subject ?p ; rdf:object ?a }
          ?art dcterms:title ?title .
        }"""))
    assert [(str(r.partner), str(r.title)) for r in rows] == [("大润发", "银联与苹果达成合作")]
    assert "大润发签订了合同" in str(rows[0].evidence)


def test_build_article_metadata_is_in_the_graph(built):
    _, out = built
    nt = (out / "graph.nt").read_text(encoding="utf-8")
    assert '"2016-02-18"^^<http://www.w3.org/2001/XMLSchema#date>' in nt
    assert "https://example.org/fintech-kg/t1" in nt
    assert "contentHash" in nt


def test_build_sorted_ntriples_are_byte_identical_across_runs(built, tmp_path):
    res, out = built
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    run_build(corpus, tmp_path / "o", use_cache=False, validate=False)
    assert (tmp_path / "o" / "graph.nt").read_bytes() == (out / "graph.nt").read_bytes()


def test_build_failure_leaves_the_previous_graph_intact(built, tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "o"
    run_build(corpus, out, use_cache=False, validate=False)
    before = (out / "graph.ttl").read_bytes()

    import kg.graph.serialize as ser

    def broken(g):
        return ser.to_turtle.__wrapped__(g)[:100] if hasattr(ser.to_turtle, "__wrapped__") else "@prefix broken"

    monkeypatch.setattr(ser, "to_turtle", broken)
    with pytest.raises(Exception):
        run_build(corpus, out, use_cache=False, validate=False)
    assert (out / "graph.ttl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_build_cache_reuses_unchanged_articles(tmp_path):
    from kg.config import Settings

    settings = Settings(cache_dir=tmp_path / "cache")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    first = run_build(corpus, tmp_path / "o", settings=settings, validate=False)
    second = run_build(corpus, tmp_path / "o", settings=settings, validate=False)
    assert first.report["articles"]["from_cache"] == 0
    assert second.report["articles"]["from_cache"] == 1
    assert (tmp_path / "o" / "graph.nt").read_text(encoding="utf-8")  # same content written again
    assert first.extractions[0].relations == second.extractions[0].relations


def test_build_missing_corpus_is_a_clear_error(tmp_path):
    from kg.errors import KGError

    with pytest.raises(KGError, match="does not exist"):
        run_build(tmp_path / "nope", tmp_path / "o")


def test_build_is_byte_identical_whatever_the_hash_seed(tmp_path):
    import os
    import subprocess
    import sys

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"o{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "--no-cache",
                        "--no-validate"], check=True, env=env, capture_output=True)
        outs.append(out)
    for name in ("graph.nt", "graph.ttl"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()


def test_build_parallel_jobs_give_the_same_graph(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"a{i}.md").write_text(ARTICLE.replace("t1", f"t{i}"), encoding="utf-8")
    run_build(corpus, tmp_path / "one", use_cache=False, validate=False, jobs=1)
    run_build(corpus, tmp_path / "two", use_cache=False, validate=False, jobs=2)
    assert (tmp_path / "one" / "graph.nt").read_bytes() == (tmp_path / "two" / "graph.nt").read_bytes()


def test_build_a_second_build_on_the_same_output_exits_with_a_clear_message(tmp_path):
    from kg.errors import KGError
    from kg.io import build_lock

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    with build_lock(tmp_path / "o"):
        with pytest.raises(KGError, match="another build"):
            run_build(corpus, tmp_path / "o", use_cache=False, validate=False)


def test_build_rerun_without_changes_rewrites_nothing(tmp_path):
    from kg.config import Settings

    settings = Settings(cache_dir=tmp_path / "cache")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    run_build(corpus, tmp_path / "o", settings=settings, validate=False)
    before = (tmp_path / "o" / "graph.nt").stat().st_mtime_ns
    run_build(corpus, tmp_path / "o", settings=settings, validate=False)
    assert (tmp_path / "o" / "graph.nt").stat().st_mtime_ns == before


def test_build_deleted_article_leaves_no_stale_facts(tmp_path):
    from kg.config import Settings

    settings = Settings(cache_dir=tmp_path / "cache")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    (corpus / "a2.txt").write_text("中国平安推出了平安好医生。", encoding="utf-8")
    run_build(corpus, tmp_path / "o", settings=settings, validate=False)
    assert "平安好医生" in (tmp_path / "o" / "graph.nt").read_text(encoding="utf-8")
    (corpus / "a2.txt").unlink()
    run_build(corpus, tmp_path / "o", settings=settings, validate=False)
    assert "平安好医生" not in (tmp_path / "o" / "graph.nt").read_text(encoding="utf-8")
