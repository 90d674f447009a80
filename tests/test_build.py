"""`kg build` end to end on a tiny corpus we write in the test."""
import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal

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


# ----------------------------------------------------------------------------- streaming and incremental SHACL

def test_build_extraction_streams_articles_chunk_by_chunk():
    from kg.build import CHUNK, iter_extractions
    from kg.records import Article

    pulled = []

    def articles():
        for i in range(CHUNK * 3):
            pulled.append(i)
            yield Article(id=f"a{i}", text="支付宝与大润发签订了合同。", content_hash=f"{i:064x}")

    stream = iter_extractions(articles(), use_cache=False)
    first = next(stream)
    assert first.article.id == "a0"
    assert len(pulled) == CHUNK  # the rest of the corpus has not been read yet
    assert [x.article.id for x in stream] == [f"a{i}" for i in range(1, CHUNK * 3)]


def _broken_cases():
    from tests.test_ontology_files import BROKEN

    return BROKEN


@pytest.mark.parametrize("case,edit,expected", _broken_cases(), ids=[b[0] for b in _broken_cases()])
def test_validate_entailment_finds_what_pyshacl_rdfs_finds(case, edit, expected, monkeypatch):
    from tests.test_ontology_files import _conforming_graph

    import kg.graph.validate
    from kg.graph.validate import validate_graph

    g = _conforming_graph()
    edit(g)
    size = len(g)
    ours = validate_graph(g)
    theirs = validate_graph(g, inference="rdfs")
    monkeypatch.setattr(kg.graph.validate, "PARALLEL_MIN_TRIPLES", 0)
    parallel = validate_graph(g, jobs=2)  # one shape per task on two forked workers
    assert not ours.conforms and not theirs.conforms and not parallel.conforms
    assert ours.violations == theirs.violations == parallel.violations
    component = expected.get("rdfs", expected.get("*"))[0]
    assert component in ours.text and component in parallel.text
    assert len(g) == size  # the entailed triples were taken out again


def test_validate_focus_includes_the_nodes_pointing_at_a_node_whose_class_changed():
    from rdflib import Namespace
    from tests.test_ontology_files import _conforming_graph

    from kg.config import ENTITY_NS, KG_NS
    from kg.graph.validate import to_focus_nodes

    KG, KGE = Namespace(KG_NS), Namespace(ENTITY_NS)
    g = _conforming_graph()
    changed = (KGE["支付宝"], RDF.type, KG.FinancialProduct)
    g.add(changed)
    pointing = set(g.subjects(None, KGE["支付宝"]))
    assert pointing  # mentions and observations about 支付宝
    focus = to_focus_nodes(g, [changed], [])
    assert KGE["支付宝"] in focus and pointing <= focus
    label_only = (KGE["支付宝"], RDFS.label, Literal("支付宝钱包", lang="en"))
    g.add(label_only)
    assert not pointing <= to_focus_nodes(g, [label_only], [])  # classes unchanged: only the node itself


def _incremental(tmp_path, n=2):
    from kg.config import Settings

    settings = Settings(cache_dir=tmp_path / "cache")
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(n):
        (corpus / f"a{i}.md").write_text(ARTICLE.replace("t1", f"t{i}"), encoding="utf-8")
    first = run_build(corpus, tmp_path / "o", settings=settings)
    return settings, corpus, first


def test_build_rebuild_validates_only_what_changed(tmp_path):
    settings, corpus, first = _incremental(tmp_path)
    assert first.report["shacl"]["checked"] == "all"
    (corpus / "new.txt").write_text("中国平安推出了平安好医生。", encoding="utf-8")
    second = run_build(corpus, tmp_path / "o", settings=settings)
    assert second.report["shacl"]["conforms"] is True
    assert second.report["shacl"]["checked"].endswith("changed nodes")
    third = run_build(corpus, tmp_path / "o", settings=settings)
    assert third.report["shacl"]["checked"] == "0 changed nodes"


@pytest.mark.parametrize("breakage", ["new article", "old entity", "old entity, new value"])
def test_build_rebuild_still_fails_on_a_broken_change(tmp_path, monkeypatch, breakage):
    from rdflib import Namespace

    import kg.build
    from kg.config import ENTITY_NS, KG_NS

    KG, KGE = Namespace(KG_NS), Namespace(ENTITY_NS)
    settings, corpus, _ = _incremental(tmp_path)
    (corpus / "new.txt").write_text("中国平安推出了平安好医生。", encoding="utf-8")
    real = kg.build.article_lines

    def broken_lines(x):
        lines, calls = real(x)
        if x.article.id == "new":
            if breakage == "new article":
                lines = [l for l in lines if KG.contentHash.n3() not in l]  # only "new" is re-checked
            elif breakage == "old entity":
                lines = lines + [f"{KGE['支付宝'].n3()} {RDF.type.n3()} {KG.FinancialProduct.n3()} ."]  # actor + product
            else:  # 支付宝's classes stay the same: only its new value is re-checked, and it is wrong
                lines = lines + [f"{KGE['支付宝'].n3()} {KG.partnersWith.n3()} {KGE['平安好医生'].n3()} ."]
        return lines, calls

    monkeypatch.setattr(kg.build, "article_lines", broken_lines)
    res = run_build(corpus, tmp_path / "o", settings=settings)
    assert res.report["shacl"]["conforms"] is False
    assert res.report["shacl"]["checked"] != "all"
    assert (tmp_path / "o" / "shacl.txt").exists()
    monkeypatch.undo()
    import shutil

    shutil.rmtree(tmp_path / "cache" / "graph")  # the broken lines were cached (a real code change changes the key)
    after = run_build(corpus, tmp_path / "o", settings=settings)  # a failed graph is re-checked in full
    assert after.report["shacl"] == {"conforms": True, "violations": 0, "checked": "all"}


def test_build_rebuild_validates_everything_if_the_graph_file_was_changed(tmp_path):
    settings, corpus, _ = _incremental(tmp_path)
    nt = tmp_path / "o" / "graph.nt"
    nt.write_text(nt.read_text(encoding="utf-8") + "<urn:x> <urn:y> <urn:z> .\n", encoding="utf-8")
    res = run_build(corpus, tmp_path / "o", settings=settings)
    assert res.report["shacl"]["checked"] == "all"


@pytest.mark.parametrize("case,edit,expected", _broken_cases(), ids=[b[0] for b in _broken_cases()])
def test_validate_focused_on_the_change_finds_what_a_full_validation_finds(case, edit, expected):
    from tests.test_ontology_files import _conforming_graph

    from kg.graph.validate import to_focus_nodes, validate_graph

    before, g = _conforming_graph(), _conforming_graph()
    edit(g)
    focus = to_focus_nodes(g, set(g) - set(before), set(before) - set(g))
    assert validate_graph(before, focus=focus).conforms  # the same nodes pass in the unbroken graph
    full, focused = validate_graph(g), validate_graph(g, focus=focus)
    assert not focused.conforms
    assert focused.violations == full.violations
    component = expected.get("rdfs", expected.get("*"))[0]
    assert component in focused.text and component in full.text


def test_build_cache_entry_torn_by_a_crash_counts_as_missing(tmp_path):
    settings, corpus, first = _incremental(tmp_path, n=1)
    entries = list((tmp_path / "cache" / "extract").rglob("*.json"))
    assert len(entries) == 1 and not list((tmp_path / "cache").rglob("*.tmp"))
    entries[0].write_bytes(entries[0].read_bytes()[:40])  # cache entries are not fsynced: a power cut can tear one
    second = run_build(corpus, tmp_path / "o2", settings=settings)
    assert second.report["articles"]["from_cache"] == 0
    assert (tmp_path / "o2" / "graph.nt").read_bytes() == (tmp_path / "o" / "graph.nt").read_bytes()


# ----------------------------------------------------------------------------- incremental = clean, byte for byte

def _comparable_report(out: Path) -> dict:
    """report.json without what differs by design between a rebuild and a clean build."""
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    del rep["timings_s"], rep["articles"]["from_cache"], rep["shacl"]["checked"]
    return rep


def _assert_same_as_clean_build(corpus: Path, out: Path, tmp_path: Path, name: str) -> None:
    from kg.config import Settings

    clean = tmp_path / f"clean-{name}"
    run_build(corpus, clean, settings=Settings(cache_dir=tmp_path / f"cache-{name}"))
    for f in ("graph.nt", "graph.ttl"):
        assert (out / f).read_bytes() == (clean / f).read_bytes(), f
    assert _comparable_report(out) == _comparable_report(clean)


def test_build_incremental_rebuild_writes_the_bytes_of_a_clean_build(tmp_path):
    from kg.config import Settings

    settings = Settings(cache_dir=tmp_path / "cache")
    corpus, out = tmp_path / "c", tmp_path / "o"
    corpus.mkdir()
    (corpus / "a1.md").write_text(ARTICLE, encoding="utf-8")
    (corpus / "c.txt").write_text("中国平安推出了平安好医生。蚂蚁集团与中国平安达成合作。", encoding="utf-8")
    run_build(corpus, out, settings=settings)
    # a new article sorted between the two: it names entities first, so their declarations move to it
    (corpus / "b.txt").write_text("蚂蚁集团推出了花呗。支付宝与苹果达成合作，中国平安参与。", encoding="utf-8")
    added = run_build(corpus, out, settings=settings)
    assert added.report["articles"]["from_cache"] == 2 and added.report["shacl"]["checked"] != "all"
    _assert_same_as_clean_build(corpus, out, tmp_path, "added")
    (corpus / "a1.md").write_text(ARTICLE.replace("苹果", "华为"), encoding="utf-8")  # changed
    (corpus / "c.txt").unlink()  # deleted
    changed = run_build(corpus, out, settings=settings)
    assert "平安好医生" not in (out / "graph.nt").read_text(encoding="utf-8")
    assert changed.report["shacl"]["conforms"] is True
    _assert_same_as_clean_build(corpus, out, tmp_path, "changed")


@pytest.mark.parametrize("case,edit,expected", _broken_cases(), ids=[b[0] for b in _broken_cases()])
def test_validate_on_lines_finds_what_a_full_validation_finds(case, edit, expected):
    from rdflib import URIRef
    from rdflib.namespace import SH
    from tests.test_ontology_files import _conforming_graph

    from kg.graph import neighbourhood
    from kg.graph.serialize import to_sorted_ntriples
    from kg.graph.validate import read_schema, read_shapes, validate_graph

    before, g = _conforming_graph(), _conforming_graph()
    edit(g)
    old = set(to_sorted_ntriples(before).split("\n")) - {""}
    new = set(to_sorted_ntriples(g).split("\n")) - {""}
    shapes, ont = read_shapes()
    classes = neighbourhood.Classes(read_schema(ont))
    assert classes.usable
    index = neighbourhood.LineIndex(new, neighbourhood.touched_nodes((new - old) | (old - new)))  # as a rebuild does
    targets = {o.n3() for o in shapes.objects(None, SH.targetNode) if isinstance(o, URIRef)}
    focus = neighbourhood.focus_nodes(index, new - old, old - new, classes, targets)
    counted = neighbourhood.counted_paths(shapes)
    value_checked = neighbourhood.value_checked_nodes(index, focus, new - old, old - new, classes, targets)
    sub = neighbourhood.subgraph(index, focus, classes, old - new, value_checked, new - old, counted)
    assert len(sub) < len(g) + 20  # a part of the graph (plus entailed classes), not a copy
    focused = validate_graph(sub, focus={URIRef(n[1:-1]) for n in focus})
    full = validate_graph(g)
    assert not focused.conforms
    assert focused.violations == full.violations
    component = expected.get("rdfs", expected.get("*"))[0]
    assert component in focused.text


def test_build_rebuild_rechecks_only_the_new_values_of_an_old_hub(tmp_path, monkeypatch):
    """Adding an article that names 支付宝 re-checks 支付宝's new kg:mentionedIn line and its counted paths
    (its labels), not every article that ever mentioned it."""
    from kg.graph import neighbourhood

    settings, corpus, _ = _incremental(tmp_path)
    sizes = []
    real = neighbourhood.subgraph

    def measured(index, focus, *args):
        g = real(index, focus, *args)
        hub = "<https://w3id.org/fintech-kg/entity/支付宝>"
        sizes.append((len(index.outgoing.get(hub, ())), len(g), hub in args[2]))  # (classes, removed, value_checked …)
        return g

    monkeypatch.setattr(neighbourhood, "subgraph", measured)
    (corpus / "new.txt").write_text("支付宝与大润发签订了合同。", encoding="utf-8")
    res = run_build(corpus, tmp_path / "o", settings=settings)
    assert res.report["shacl"]["conforms"] is True
    (_, sub_size, value_checked), = sizes
    assert value_checked  # 支付宝 existed and keeps its classes
    assert sub_size < len((tmp_path / "o" / "graph.nt").read_text(encoding="utf-8").splitlines()) / 2


def test_validate_a_partial_line_index_holds_the_same_tables_as_a_full_one():
    from tests.test_ontology_files import _conforming_graph

    from kg.graph import neighbourhood
    from kg.graph.serialize import to_sorted_ntriples

    lines = set(to_sorted_ntriples(_conforming_graph()).split("\n")) - {""}
    full = neighbourhood.LineIndex(lines)
    nodes = sorted(neighbourhood.touched_nodes(lines))
    partial = neighbourhood.LineIndex(lines, nodes[:3])
    partial.ensure(nodes[3:8])
    partial.ensure(nodes[:10])  # already indexed nodes are not added twice
    for n in nodes[:10]:
        assert sorted(partial.lines_of(n)) == sorted(full.lines_of(n)), n
        assert partial.types.get(n) == full.types.get(n)
        assert partial.out_preds.get(n) == full.out_preds.get(n) and partial.in_preds.get(n) == full.in_preds.get(n)
    assert len(nodes) == 12 and nodes[-1] not in partial.outgoing and nodes[-1] not in partial.incoming

