"""Benchmark: load time and median saved-query latency, rdflib in memory vs the persistent Oxigraph store.

Generates synthetic graphs that follow docs/graph-model.md (entities, relations
with evidence nodes, articles, observations, scores) at 10k and 100k triples
(1M with --large), into bench/out/ (never committed), then prints seconds and
rdflib/Oxigraph ratios for:

- load: rdflib parsing the Turtle file vs ``fill_store`` filling an empty
  persistent store (what the first ``kg store`` does, record files included);
- refresh: ``fill_store`` after 1% of the statements changed (incremental),
  and again with nothing changed;
- every saved query (or the ``--query`` files), median of ``--repeat`` runs.

rdflib runs each query in a forked child that is stopped after ``--cap``
seconds (Oxigraph too with ``--cap-both``): such a query is reported as
"> CAP", counts as CAP in the median, and a ratio built on it is a bound
(">=" / "<="). A run slower than ``--once`` seconds is not repeated.

Run: .venv/bin/python -m bench.bench_query [--large] [--sizes 10000 100000] [--repeat 3] [--cap 120]
     [--cap-both] [--query FILE.rq ...]
"""
from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.query.engine import RdflibBackend, ontology_files
from kg.query.refresh import refresh_store
from kg.query.saved import bind_params, list_saved_queries, read_saved_query
from kg.query.store import OxigraphBackend, fill_store

OUT = Path(__file__).parent / "out"
CLASSES = ["PaymentPlatform", "JointStockBank", "TechCompany", "Retailer", "PaymentInstitution", "ClearingOrganization"]
PROPS = ["partnersWith", "competesWith", "launchesProduct", "operatesIn"]
SCENARIOS = ["便利店", "地铁", "超市", "线上支付", "线下支付", "商场"]


def write_graph(path: Path, n_triples: int, seed: int = 7) -> int:
    """Write a graph of about ``n_triples`` triples; returns the number of statements written."""
    rng = random.Random(seed)
    n_entities = max(50, n_triples // 40)
    n_articles = max(10, n_entities // 5)
    lines = ["@prefix kg: <https://w3id.org/fintech-kg/ontology#> .", "@prefix kge: <https://w3id.org/fintech-kg/entity/> .",
             "@prefix kga: <https://w3id.org/fintech-kg/article/> .", "@prefix kgm: <https://w3id.org/fintech-kg/mention/> .",
             "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix prov: <http://www.w3.org/ns/prov#> .", "@prefix dcterms: <http://purl.org/dc/terms/> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    count = 0
    for a in range(n_articles):
        lines.append(f'kga:a{a} a kg:Article ; dcterms:title "文章{a}"@zh ; dcterms:date "{2014 + a % 8}-{1 + a % 12:02d}-{1 + a % 28:02d}"^^xsd:date .')
        count += 3
    names = ["支付宝", "招商银行"] + [f"机构{i}" for i in range(n_entities - 2)]
    for i, name in enumerate(names):
        lines.append(f'kge:{name} a kg:{CLASSES[i % len(CLASSES)]} ; rdfs:label "{name}"@zh ; kg:pageRank {rng.random():.6f} ; '
                     f'kg:mentionedIn kga:a{rng.randrange(n_articles)}, kga:a{rng.randrange(n_articles)} .')
        count += 5
    m = 0
    while count < n_triples:
        h, t = rng.choice(names), rng.choice(names)
        p = rng.choice(PROPS)
        tail = f"kge:{rng.choice(SCENARIOS)}" if p == "operatesIn" else f"kge:{t}"
        art = rng.randrange(n_articles)
        lines.append(f"kge:{h} kg:{p} {tail} .")
        lines.append(f'kgm:m{m} a rdf:Statement, kg:RelationMention ; rdf:subject kge:{h} ; rdf:predicate kg:{p} ; rdf:object {tail} ; '
                     f'kg:evidence "{h}与{t}合作。"@zh ; kg:rule "r" ; kg:confidence 0.9 ; prov:wasDerivedFrom kga:a{art} .')
        count += 10
        if m % 10 == 0:
            lines.append(f'kgm:o{m} a kg:Observation ; kg:aboutEntity kge:{h} ; kg:measure "marketShare" ; '
                         f'kg:value {rng.random() * 100:.2f} ; kg:unit "%" ; kg:period "2015Q3" ; prov:wasDerivedFrom kga:a{art} .')
            count += 7
        m += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count


EXAMPLES = {"org": "支付宝", "scenario": "线下支付", "platform": "支付宝", "name": "招商银行", "a": "支付宝",
            "b": "招商银行", "since": "2020-01-01", "head": "支付宝", "tail": "招商银行"}


def change_one_percent(src: Path, dst: Path, seed: int = 11) -> int:
    """Write a copy of ``src`` with 1% of its statement lines dropped and as many new ones added."""
    lines = src.read_text(encoding="utf-8").splitlines()
    rng = random.Random(seed)
    body = [i for i, line in enumerate(lines) if line and not line.startswith("@prefix")]
    drop = set(rng.sample(body, max(1, len(body) // 100)))
    added = [f'kge:新机构{i} a kg:Retailer ; rdfs:label "新机构{i}"@zh ; kg:partnersWith kge:支付宝 .' for i in range(len(drop))]
    dst.write_text("\n".join([line for i, line in enumerate(lines) if i not in drop] + added) + "\n", encoding="utf-8")
    return len(drop)


def _bindings(q):
    return bind_params(q, {p.name: EXAMPLES[p.name] for p in q.params if p.default is None})


def _run_in_child(backend, q, conn) -> None:
    t = time.perf_counter()
    backend.query(q.text, _bindings(q))
    conn.send(time.perf_counter() - t)


def _time_capped(backend, q, cap: float) -> float | None:
    """Seconds for one run in a forked child, or None when it passed ``cap`` and was stopped."""
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run_in_child, args=(backend, q, sender))
    proc.start()
    sender.close()
    try:
        return receiver.recv() if receiver.poll(cap) else None
    except EOFError:
        raise RuntimeError(f"{q.name}: the query process died (out of memory?)") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def time_queries(backend, queries, repeat: int, *, cap: float | None = None, once: float = 10.0) -> dict:
    """``{name: median seconds}``; with ``cap`` every run is in a child process, and None means "> cap"."""
    out = {}
    for q in queries:
        samples: list[float] | None = []
        for _ in range(repeat):
            if cap is None:
                t = time.perf_counter()
                backend.query(q.text, _bindings(q))
                seconds = time.perf_counter() - t
            else:
                seconds = _time_capped(backend, q, cap)
                if seconds is None:
                    samples = None
                    break
            samples.append(seconds)
            if seconds > once:
                break
        out[q.name] = None if samples is None else statistics.median(samples)
        print(f"    {backend.name:8} {q.name:18} {_fmt(out[q.name], cap)} s", file=sys.stderr, flush=True)
    return out


def _fmt(seconds, cap) -> str:
    return f"> {cap:g}" if seconds is None else f"{seconds:.3f}"


def _ratio(slow, fast, cap) -> str:
    if fast is None:
        return "?" if slow is None else f"<= {slow / cap:.2f}x"
    return f">= {cap / fast:.0f}x" if slow is None else f"{slow / fast:.1f}x"


def run_size(size: int, queries, repeat: int, cap: float, once: float, cap_both: bool = False) -> None:
    path = OUT / f"graph-{size}.ttl"
    n = write_graph(path, size)
    print(f"\n== {n} triples (+ ontology)", flush=True)
    t = time.perf_counter()
    rd = RdflibBackend.from_files([path])
    load_rd = time.perf_counter() - t
    store_dir = Path(tempfile.mkdtemp(prefix="kg-bench-store-"))
    try:
        t = time.perf_counter()
        store, _ = fill_store(store_dir, [path])
        load_ox = time.perf_counter() - t
        q_ox = time_queries(OxigraphBackend(store), queries, repeat, cap=cap if cap_both else None, once=once)
        changed = OUT / f"graph-{size}-changed.ttl"
        shutil.copy(path, changed)
        refresh_store(store, store_dir, [changed, *ontology_files()])  # same triples, new file name: nothing to apply
        n_changed = change_one_percent(path, changed)
        t = time.perf_counter()
        done = refresh_store(store, store_dir, [changed, *ontology_files()])
        refresh = time.perf_counter() - t
        t = time.perf_counter()
        same = refresh_store(store, store_dir, [changed, *ontology_files()])
        unchanged = time.perf_counter() - t
        del store
    finally:
        shutil.rmtree(store_dir, ignore_errors=True)
    print(f"load: rdflib {load_rd:.2f} s, Oxigraph store (first fill) {load_ox:.2f} s, ratio {load_rd / load_ox:.1f}x")
    print(f"store refresh after {n_changed} of the statements changed: {refresh:.2f} s ({done.describe()}); "
          f"with no change: {unchanged:.3f} s ({same.mode})")
    q_rd = time_queries(rd, queries, repeat, cap=cap, once=once)
    print(f"{'query':18} {'rdflib s':>9} {'Oxigraph s':>10} {'ratio':>8}")
    for name in q_ox:
        print(f"{name:18} {_fmt(q_rd[name], cap):>9} {_fmt(q_ox[name], cap):>10} {_ratio(q_rd[name], q_ox[name], cap):>8}")
    med_rd = statistics.median(cap if v is None else v for v in q_rd.values())
    med_ox = statistics.median(cap if v is None else v for v in q_ox.values())
    bound = ">= " if any(v is None for v in q_rd.values()) else ""
    if any(v is None for v in q_ox.values()):
        bound = "~ "  # both sides hold capped values: no bound either way
    print(f"{'median':18} {bound + f'{med_rd:.3f}':>9} {med_ox:10.3f} {bound + f'{med_rd / med_ox:.1f}x':>8}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", action="store_true", help="also run 1M triples (rdflib needs minutes)")
    ap.add_argument("--sizes", type=int, nargs="+", help="triple counts to run instead of 10k 100k [1M]")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cap", type=float, default=120.0, help="seconds before an rdflib query is stopped")
    ap.add_argument("--cap-both", action="store_true", help="stop slow Oxigraph queries at --cap too")
    ap.add_argument("--once", type=float, default=10.0, help="a run slower than this is not repeated")
    ap.add_argument("--query", action="append", default=[], metavar="FILE.rq",
                    help="time these query files instead of the saved queries (repeatable)")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = args.sizes or [10_000, 100_000] + ([1_000_000] if args.large else [])
    queries = [read_saved_query(f) for f in args.query] if args.query else list_saved_queries()
    for size in sizes:
        run_size(size, queries, args.repeat, args.cap, args.once, args.cap_both)
    return 0


if __name__ == "__main__":
    sys.exit(main())
