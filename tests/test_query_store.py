"""``kg store``: the persistent Oxigraph store follows the build triple by triple.

The sample corpus is built without one article, stored, rebuilt with it, and
rebuilt without it again: each refresh must apply exactly the difference, leave
the store equal to the build's graph, answer every saved query like rdflib,
and touch nothing when nothing changed.
"""
from __future__ import annotations

import gc
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode

from kg.cli import main
from kg.query.engine import RdflibBackend, _comparable, ontology_files, read_graph, to_rdflib_term
from kg.query.refresh import LOADED, MANIFEST, read_lines, refresh_store, store_source_files
from kg.query.saved import bind_params, list_saved_queries
from kg.query.store import OxigraphBackend, fill_store

REPO = Path(__file__).resolve().parents[1]
ARTICLE = "09-apple-pay-samsung-pay-hant.md"  # Apple Pay / Samsung Pay, Traditional characters
ARTICLE_IRI = "https://w3id.org/fintech-kg/article/09-apple-pay-samsung-pay-hant"
EXAMPLES = {"org": "支付宝", "scenario": "财富管理", "platform": "Apple Pay", "name": "招商银行", "a": "支付宝",
            "b": "财付通", "since": "2016-01-01", "head": "支付宝", "tail": "天弘基金", "group_members.org": "腾讯"}


def _invoke(*args: str) -> str:
    out = CliRunner().invoke(main, list(args))
    assert out.exit_code == 0, out.output
    return out.output


def _build(corpus: Path, out: Path) -> list[Path]:
    _invoke("build", str(corpus), "--out", str(out))
    _invoke("analyze", str(out))
    return store_source_files(out) + ontology_files()


def _wanted_lines(files) -> set[str]:
    lines = set()
    for f in files:
        lines |= read_lines(f, hashlib.sha256(f.read_bytes()).hexdigest())
    return lines


def _store_matches_graph(store: ox.Store, files) -> None:
    """Same triples as rdflib reads from the files (numbers by value; blank nodes counted)."""
    def key(triple):
        return tuple(_comparable(t) for t in triple)

    g = read_graph(files[:-len(ontology_files())])
    expected = {key(t) for t in g if not any(isinstance(x, BNode) for x in t)}
    got = {key(tuple(to_rdflib_term(x) for x in (q.subject, q.predicate, q.object))) for q in store
           if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    assert got == expected
    assert sum(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in store) == \
        sum(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in g)


def _has_article(store: ox.Store) -> bool:
    return bool(store.query(f"ASK {{ <{ARTICLE_IRI}> ?p ?o }}"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The sample corpus without ARTICLE (tests copy it in and out)."""
    src = tmp_path_factory.mktemp("corpus")
    for f in (REPO / "corpus").iterdir():
        if f.is_file() and f.name not in (ARTICLE, "README.md"):
            shutil.copy(f, src / f.name)
    return src


def _differential(store: ox.Store, files) -> None:
    rd, ox_backend = RdflibBackend.from_files(files[:-len(ontology_files())]), OxigraphBackend(store)
    for q in list_saved_queries():
        bindings = bind_params(q, {p.name: EXAMPLES.get(f"{q.name}.{p.name}", EXAMPLES[p.name])
                                  for p in q.params if p.default is None})
        assert rd.query(q.text, bindings).as_strings() == ox_backend.query(q.text, bindings).as_strings(), q.name


def test_query_store_follows_the_build_incrementally(corpus, tmp_path):
    out, store_dir = tmp_path / "build", tmp_path / "build" / "store"
    before = _build(corpus, out)
    old = _wanted_lines(before)  # the files are rebuilt in place: read them now
    store, done = fill_store(store_dir, before[:-2])
    assert done.mode == "full" and done.added == len(old) and not _has_article(store)
    del store

    # add an article: exactly its new triples (and the changed scores) go in, nothing else
    shutil.copy(REPO / "corpus" / ARTICLE, corpus / ARTICLE)
    after = _build(corpus, out)
    new = _wanted_lines(after)
    store, done = fill_store(store_dir, after[:-2])
    assert (done.mode, done.added, done.removed) == ("incremental", len(new - old), len(old - new))
    assert any(ARTICLE_IRI in line for line in new - old) and _has_article(store)
    assert (store_dir / LOADED).read_text(encoding="utf-8").splitlines() == sorted(new)
    _store_matches_graph(store, after)
    _differential(store, after)
    del store
    gc.collect()  # release the store's lock before the CLI opens it

    # unchanged build: nothing is touched, not even the record files
    stamps = {name: (store_dir / name).stat().st_mtime_ns for name in (LOADED, MANIFEST)}
    line = _invoke("store", str(out))
    assert "unchanged" in line
    assert {name: (store_dir / name).stat().st_mtime_ns for name in (LOADED, MANIFEST)} == stamps

    # remove it again: its triples disappear
    (corpus / ARTICLE).unlink()
    again = _build(corpus, out)
    store, done = fill_store(store_dir, again[:-2])
    assert done.mode == "incremental" and done.removed == len(new - _wanted_lines(again))
    assert not _has_article(store)
    _store_matches_graph(store, again)
    _differential(store, again)


@pytest.mark.parametrize("damage", ["delete manifest", "garble record", "tamper store"])
def test_query_store_damaged_record_means_full_reload(tmp_path, damage):
    graph = tmp_path / "g.ttl"
    graph.write_text((REPO / "tests" / "fixtures" / "query_graph.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    store, _ = fill_store(tmp_path / "s", [graph])
    n = len(store)
    if damage == "delete manifest":
        (tmp_path / "s" / MANIFEST).unlink()
    elif damage == "garble record":
        (tmp_path / "s" / LOADED).write_text("<x:a> <x:b> <x:c> .\n", encoding="utf-8")
    else:
        store.add(ox.Quad(ox.NamedNode("x:stray"), ox.NamedNode("x:p"), ox.NamedNode("x:o")))
    del store
    with graph.open("a", encoding="utf-8") as f:  # a change, so the record is consulted
        f.write("\nkge:新 a kg:Company .\n")
    store, done = fill_store(tmp_path / "s", [graph])
    assert done.mode == "full" and done.reason
    assert len(store) == n + 1 and not list(store.quads_for_pattern(ox.NamedNode("x:stray"), None, None))


def test_query_store_failed_refresh_is_repaired_next_time(tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_text((REPO / "tests" / "fixtures" / "query_graph.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    store, _ = fill_store(tmp_path / "s", [graph])

    class Dying:  # the store fails half-way through applying a change
        def __len__(self):
            return len(store)

        def remove(self, quad):
            store.remove(quad)
            raise OSError("disk full")

    text = graph.read_text(encoding="utf-8")
    assert "kge:微信支付 kg:competesWith kge:支付宝 ." in text
    graph.write_text(text.replace("kge:微信支付 kg:competesWith kge:支付宝 .", ""), encoding="utf-8")
    files = [graph, *ontology_files()]
    with pytest.raises(Exception, match="disk full"):
        refresh_store(Dying(), tmp_path / "s", files)
    assert not (tmp_path / "s" / MANIFEST).exists()  # no record that could claim the half-done state
    done = refresh_store(store, tmp_path / "s", files)
    assert done.mode == "full"
    _store_matches_graph(store, files)


def test_query_store_refuses_a_folder_that_is_not_a_store(tmp_path):
    from kg.errors import QueryError

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(QueryError, match="holds no Oxigraph store"):
        fill_store(tmp_path, [REPO / "tests" / "fixtures" / "query_graph.ttl"])
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
