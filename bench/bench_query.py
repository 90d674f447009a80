"""Benchmark: load time and median saved-query latency, rdflib in memory vs the pyoxigraph store.

Generates synthetic graphs that follow docs/graph-model.md (entities, relations
with evidence nodes, articles, observations, scores) at 10k and 100k triples
(1M with --large), into bench/out/ (never committed), then prints seconds and
ratios. Run: .venv/bin/python -m bench.bench_query [--large] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.query.engine import RdflibBackend
from kg.query.saved import bind_params, list_saved_queries
from kg.query.store import OxigraphBackend

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


def time_queries(backend, repeat: int) -> dict[str, float]:
    out = {}
    for q in list_saved_queries():
        bindings = bind_params(q, {p.name: EXAMPLES[p.name] for p in q.params if p.default is None})
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            backend.query(q.text, bindings)
            samples.append(time.perf_counter() - t)
        out[q.name] = statistics.median(samples)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", action="store_true", help="also run 1M triples (rdflib needs minutes)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [10_000, 100_000] + ([1_000_000] if args.large else [])
    for size in sizes:
        path = OUT / f"graph-{size}.ttl"
        n = write_graph(path, size)
        t = time.perf_counter()
        rd = RdflibBackend.from_files([path])
        load_rd = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as store_dir:
            t = time.perf_counter()
            ox = OxigraphBackend.from_files([path], store_dir)
            load_ox = time.perf_counter() - t
            q_rd = time_queries(rd, args.repeat)
            q_ox = time_queries(ox, args.repeat)
            del ox
        print(f"\n== {n} triples (+ ontology) — load: rdflib {load_rd:.2f} s, oxigraph store {load_ox:.2f} s, "
              f"ratio {load_rd / load_ox:.1f}x")
        print(f"{'query':18} {'rdflib s':>9} {'oxigraph s':>10} {'ratio':>7}")
        for name in q_rd:
            print(f"{name:18} {q_rd[name]:9.3f} {q_ox[name]:10.3f} {q_rd[name] / q_ox[name]:6.1f}x")
        med_rd, med_ox = statistics.median(q_rd.values()), statistics.median(q_ox.values())
        print(f"{'median':18} {med_rd:9.3f} {med_ox:10.3f} {med_rd / med_ox:6.1f}x")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
