"""Build at scale: extraction throughput and memory, incremental rebuild, end-to-end `make graph` stages.

Run: .venv/bin/python bench/bench_build.py [--articles N | --large] [--keep DIR]   (also part of `make bench`)

A corpus of N articles (1,000 by default, 10,000 with --large) is generated into a temporary folder by
mixing the sentences of the sample corpus (corpus/) and putting generated company names in place of
known ones, so that no two articles are the same. Then, each in its own process:

a. extraction only (read + extract, no cache): chars/s, the ratio to bare jieba segmentation of the same
   texts in the same process, and the peak memory of the process (also at N/10 articles, so growth shows);
b. a full `kg build` with an empty cache, then one article added and `kg build` again, three times: the
   median rebuild's wall time as a ratio of the full build (target <= 0.05);
c. `kg build` + `kg analyze` + `kg views` (what `make graph` runs) with the share of each stage, from
   report.json's timings and the wall time of each command;
d. with --compare-shacl (up to 2,000 articles): SHACL on the built graph with kg's RDFS entailment and
   with pyshacl's own OWL-RL RDFS inference (what kg used before), one after the other in one process.

Machines are noisy: compare ratios, not seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# generated company names: two syllables from here + one suffix (42 * 41 * 6 = 10k names)
NAME_CHARS = "华信融汇达恒瑞丰泰和鑫宏嘉盛通联安康富兴银源博远成凯新启明智云星海天润中立德诚科宇"
NAME_SUFFIXES = ("科技有限公司", "金融信息服务有限公司", "支付有限公司", "数科集团", "网络科技股份有限公司", "控股集团")
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")


def read_pool(corpus: Path = REPO / "corpus") -> tuple[list[str], list[str]]:
    """Sentences of the sample corpus, and the known organisation names that occur in them, longest first."""
    from kg.config import DEFAULT
    from kg.corpus import read_corpus
    from kg.lexicon import read_lexicon
    from kg.ontology import read_ontology

    arts, _ = read_corpus(corpus)
    sentences = [s.strip() for a in arts for s in _SENTENCE.findall(a.text) if len(s.strip()) >= 8]
    onto = read_ontology(DEFAULT.path(DEFAULT.ontology_file))
    # only organisations are replaced by generated company names (a company put where a product was named
    # would be a launchesProduct object, which SHACL rightly rejects)
    names = sorted({e.name for e in read_lexicon().entities.values() if len(e.name) >= 2
                    and onto.is_a(e.cls, "Actor") and any(e.name in s for s in sentences)}, key=lambda n: (-len(n), n))
    return sentences, names


def to_company_name(i: int) -> str:
    k = len(NAME_CHARS)
    a, b, c = i % k, (i // k) % (k - 1), (i // (k * (k - 1))) % len(NAME_SUFFIXES)
    b = b + 1 if b >= a else b
    return NAME_CHARS[a] + NAME_CHARS[b] + NAME_SUFFIXES[c]


def to_article(i: int, sentences: list[str], names: list[str], seed: int = 0) -> str:
    """Article i: 10-25 sentences of the pool; in about a third of them one known name becomes a generated one."""
    rng = random.Random(seed * 1_000_003 + i)
    own = [to_company_name(rng.randrange(10_000)) for _ in range(3)]
    body = []
    for s in rng.sample(sentences, min(len(sentences), rng.randint(10, 25))):
        if rng.random() < 0.35:
            hit = next((n for n in names if n in s), None)
            if hit:
                s = s.replace(hit, rng.choice(own))
        body.append(s)
    paras = ["".join(body[j:j + 4]) for j in range(0, len(body), 4)]
    month, day = 1 + i % 12, 1 + i % 28
    head = (f"---\ntitle: {own[0]}与{own[1]}的金融科技动态（第{i}期）\ndate: 2020-{month:02d}-{day:02d}\n"
            f"source: bench\nurl: https://example.org/bench/{i}\n---\n")
    return head + "\n\n".join(paras) + "\n"


def write_corpus(dest: Path, n: int, seed: int = 0, start: int = 0) -> int:
    """Write articles start..start+n-1 as DEST/aNNNNN.md; returns the number of characters written."""
    sentences, names = read_pool()
    dest.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(start, start + n):
        text = to_article(i, sentences, names, seed)
        (dest / f"a{i:05d}.md").write_text(text, encoding="utf-8")
        total += len(text)
    return total


# ----------------------------------------------------------------------------- measurements (child side)

def stage_extract(corpus: Path) -> dict:
    """Read + extract every article (no cache), streaming as `kg build` does; then bare jieba on the same texts."""
    import resource

    import jieba

    from kg.build import iter_extractions
    from kg.corpus import read_corpus
    from kg.extract import build_nlp

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    build_nlp()  # loads the lexicon into jieba's user dictionary, so the baseline segments the same way
    # steady state: the clock starts when the first article is out (the pipeline has been built)
    chars = n = 0
    t0 = None
    for x in iter_extractions(corpus, use_cache=False):
        if not hasattr(x, "article"):
            continue
        if t0 is None:
            first, t0 = x.article.id, time.perf_counter()
            continue
        chars += len(x.article.text)
        n += 1
    full = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    arts, _ = read_corpus(corpus)
    read = time.perf_counter() - t0
    texts = [a.text for a in arts if a.id != first]
    t0 = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    bare = time.perf_counter() - t0
    assert sum(map(len, texts)) == chars
    return {"articles": n, "chars": chars, "extract_s": full, "read_s": read, "jieba_s": bare,
            "pipeline_chars_per_s": chars / full, "jieba_chars_per_s": chars / bare, "ratio_to_jieba": bare / full,
            "peak_rss_mb": peak / 1024, "rss_after_setup_mb": rss0 / 1024}


def run_child(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Run a command; returns (wall seconds, peak RSS MB of that process, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    rss = _child_peak(p.pid)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({p.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return wall, rss, out.decode()


_PEAKS: dict[int, float] = {}


def _child_peak(pid: int) -> float:
    return _PEAKS.get(pid, 0.0)


def _install_wait4() -> None:
    """Popen reaps children with waitpid; use wait4 to keep each child's own peak RSS."""
    orig = subprocess.Popen._try_wait

    def _try_wait(self, wait_flags):
        try:
            pid, sts, ru = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return orig(self, wait_flags)
        if pid:
            _PEAKS[pid] = ru.ru_maxrss / 1024
        return pid, sts

    subprocess.Popen._try_wait = _try_wait


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg.cli", *map(str, args)]


def stage_build(corpus: Path, out: Path, cache: Path, jobs: int) -> dict:
    """`kg build CORPUS --out OUT --jobs J` with its own extraction cache folder (not the repo's .cache)."""
    from kg.build import run_build
    from kg.config import Settings

    res = run_build(corpus, out, settings=Settings(cache_dir=cache), jobs=jobs)
    return {"read": res.report["articles"]["read"], "conforms": res.report["shacl"]["conforms"]}


def stage_shacl(out: Path, compare: bool = True) -> dict:
    """SHACL on the built graph: ours (RDFS entailment added by kg) and, with ``compare``, pyshacl's own
    OWL-RL RDFS inference (what kg used before), one after the other in the same process."""
    from rdflib import Graph

    from kg.graph.validate import validate_graph

    g = Graph().parse(out / "graph.nt", format="nt")
    res = {"triples": len(g)}
    for mode in ("entail", "rdfs") if compare else ("entail",):
        t0 = time.perf_counter()
        r = validate_graph(g, inference=mode)
        res[mode] = {"seconds": time.perf_counter() - t0, "conforms": r.conforms, "violations": r.violations}
    return res


def build_cmd(corpus: Path, out: Path, cache: Path, jobs: int) -> list[str]:
    return [sys.executable, __file__, "--stage-build", str(corpus), str(out), str(cache), "--jobs", str(jobs)]


REBUILDS = 3  # +1-article rebuilds measured after the full build (machines are noisy: the median counts)


def measure(n: int, work: Path, jobs: int = 1, compare_shacl: bool = False) -> dict:
    corpus, out, cache = work / f"corpus{n}", work / f"out{n}", work / f"cache{n}"
    write_corpus(corpus, n)
    env = dict(os.environ)
    res: dict = {"articles": n}
    # a. extraction only
    _, rss, stdout = run_child([sys.executable, __file__, "--stage-extract", str(corpus)], env)
    res["extract"] = json.loads(stdout.strip().splitlines()[-1]) | {"process_peak_rss_mb": rss}
    # c. end to end, empty cache (this is also the full build of b.)
    stages = {}
    for name, cmd in (("build", build_cmd(corpus, out, cache, jobs)), ("analyze", kg("analyze", out)),
                      ("views", kg("views", out))):
        wall, rss, _ = run_child(cmd, env)
        stages[name] = {"wall_s": wall, "peak_rss_mb": rss}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    if compare_shacl:
        _, _, stdout = run_child([sys.executable, __file__, "--stage-shacl", str(out), "--compare"], env)
        res["shacl"] = json.loads(stdout.strip().splitlines()[-1])
    res["end_to_end"] = {"commands": stages, "build_timings_s": report["timings_s"], "triples": report["triples"],
                         "total_s": sum(s["wall_s"] for s in stages.values())}
    # b. add one article, build again; REBUILDS times (one more article each), the median is the figure
    walls = []
    for k in range(REBUILDS):
        write_corpus(corpus, 1, start=n + k)
        wall, rss, _ = run_child(build_cmd(corpus, out, cache, jobs), env)
        walls.append(wall)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    median = statistics.median(walls)
    res["incremental"] = {"full_s": stages["build"]["wall_s"], "rebuild_s": median, "rebuilds_s": walls,
                          "ratio": median / stages["build"]["wall_s"], "rebuild_timings_s": report["timings_s"],
                          "from_cache": report["articles"]["from_cache"], "read": report["articles"]["read"]}
    return res


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--large", action="store_true", help="10,000 articles (and 1,000 for comparison)")
    ap.add_argument("--jobs", type=int, default=1, help="kg build --jobs")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--compare-shacl", action="store_true",
                    help="also time pyshacl's own RDFS inference on the same graph (1,000 articles only; slow)")
    ap.add_argument("--stage-extract", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--stage-build", type=Path, nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--stage-shacl", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--compare", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.stage_shacl:
        print(json.dumps(stage_shacl(args.stage_shacl, args.compare)))
        return {}
    if args.stage_build:
        print(json.dumps(stage_build(*args.stage_build, jobs=args.jobs)))
        return {}
    if args.stage_extract:
        print(json.dumps(stage_extract(args.stage_extract)))
        return {}
    _install_wait4()
    sizes = [1000, 10_000] if args.large else [args.articles]
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    results = []
    try:
        for n in sizes:  # print (and save) each size as soon as it is measured
            results.append(measure(n, work, args.jobs, args.compare_shacl and n <= 2000))
            print_result(results[-1])
            sys.stdout.flush()
            if args.json:
                args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return {"results": results}


def print_result(r: dict) -> None:
    x, e, inc = r["extract"], r["end_to_end"], r["incremental"]
    print(f"\n{r['articles']} articles ({x['chars']:,} chars)")
    print(f"  extraction      : {x['pipeline_chars_per_s']:,.0f} chars/s; bare jieba {x['jieba_chars_per_s']:,.0f} chars/s; "
          f"ratio {x['ratio_to_jieba']:.2f}x; peak RSS {x['process_peak_rss_mb']:.0f} MB")
    each = ", ".join(f"{w:.1f}" for w in inc.get("rebuilds_s", [inc["rebuild_s"]]))
    print(f"  full build      : {inc['full_s']:.1f} s; +1 article rebuild {inc['rebuild_s']:.1f} s (median of {each}); "
          f"ratio {inc['ratio']:.3f}")
    total = e["total_s"]
    print(f"  make graph      : {total:.1f} s, {e['triples']:,} triples")
    for name, s in e["commands"].items():
        print(f"    {name:<8} {s['wall_s']:7.1f} s  {s['wall_s'] / total:5.1%}  peak RSS {s['peak_rss_mb']:.0f} MB")
    for name, v in e["build_timings_s"].items():
        print(f"      build.{name:<12} {v:7.2f} s  {v / total:5.1%}")
    print(f"    rebuild stages: {inc['rebuild_timings_s']}")
    sh = r.get("shacl", {})
    if "rdfs" in sh:
        print(f"  SHACL, same graph: kg entailment {sh['entail']['seconds']:.1f} s vs pyshacl rdfs "
              f"{sh['rdfs']['seconds']:.1f} s (ratio {sh['entail']['seconds'] / sh['rdfs']['seconds']:.2f}); "
              f"conforms {sh['entail']['conforms']}/{sh['rdfs']['conforms']}")


if __name__ == "__main__":
    main()
