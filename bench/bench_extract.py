"""Extraction throughput: the full pipeline vs bare jieba segmentation of the same text, in one run.

Run: .venv/bin/python bench/bench_extract.py [--chars N] [--rounds R]   (also part of `make bench`)
Prints chars/s for both and their ratio, then the time of each stage of the pipeline; machines are
noisy, so compare the ratios. The steps are timed
article by article in turn (jieba, pipeline, normalisation, jieba, ...), so a burst of load from other
processes hits them alike; each step's time is the best of R rounds.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def make_articles(total_chars: int) -> list[str]:
    """Articles of ~2,000 chars made by cycling the sample corpus text."""
    from kg.corpus import read_corpus

    arts, _ = read_corpus(REPO / "corpus")
    pool = "\n".join(a.text for a in arts)
    out, i = [], 0
    while sum(map(len, out)) < total_chars:
        out.append(pool[i: i + 2000] or pool[:2000])
        i = (i + 2000) % max(1, len(pool) - 2000)
    return out


def time_interleaved(texts: list[str], steps: dict[str, Callable[[str], object]], rounds: int) -> dict[str, float]:
    """Seconds each step takes over all texts, the steps run in turn on each text; best of ``rounds``."""
    best = {name: float("inf") for name in steps}
    for _ in range(rounds):
        total = dict.fromkeys(steps, 0.0)
        for text in texts:
            for name, step in steps.items():
                t0 = time.perf_counter()
                step(text)
                total[name] += time.perf_counter() - t0
        best = {name: min(best[name], total[name]) for name in steps}
    return best


def time_stages(texts: list[str], nlp, rounds: int) -> dict[str, float]:
    """Seconds of each stage of ``extract_article`` over all texts (normalisation, jieba + Doc, each
    pipeline component), timed one by one; best of ``rounds``."""
    from kg.normalize import to_match_text

    best: dict[str, float] = {}
    for _ in range(rounds):
        total: dict[str, float] = {}
        for text in texts:
            t0 = time.perf_counter()
            norm, back = to_match_text(text)
            t1 = time.perf_counter()
            doc = nlp.make_doc(norm)
            doc.user_data["kg_original"] = (text, back)
            t2 = time.perf_counter()
            total["normalise"] = total.get("normalise", 0.0) + t1 - t0
            total["jieba + Doc"] = total.get("jieba + Doc", 0.0) + t2 - t1
            for name, component in nlp.pipeline:
                t0 = time.perf_counter()
                doc = component(doc)
                total[name] = total.get(name, 0.0) + time.perf_counter() - t0
        best = {name: min(best.get(name, float("inf")), secs) for name, secs in total.items()}
    return best


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chars", type=int, default=400_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    import jieba

    from kg.extract import build_nlp, extract_article
    from kg.normalize import to_match_text
    from kg.records import Article

    texts = make_articles(args.chars)
    n = sum(map(len, texts))
    nlp = build_nlp()  # also loads the user dictionary into jieba, so the baseline segments the same way
    jieba.lcut(texts[0])
    secs = time_interleaved(texts, {
        "bare": jieba.lcut,
        "full": lambda t: extract_article(Article(id="bench", text=t), nlp),
        "norm": to_match_text,
    }, args.rounds)
    bare, full, norm = secs["bare"], secs["full"], secs["norm"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = {"chars": n, "bare_jieba_chars_per_s": n / bare, "pipeline_chars_per_s": n / full,
           "ratio_pipeline_to_bare": bare / full, "normalise_share_of_pipeline": norm / full, "peak_rss_mb": peak}
    print(f"extraction: {n} chars in {len(texts)} articles, best of {args.rounds} rounds")
    print(f"  bare jieba segmentation : {n / bare:,.0f} chars/s")
    print(f"  full pipeline           : {n / full:,.0f} chars/s")
    print(f"  ratio pipeline / bare   : {bare / full:.2f}x")
    print(f"  normalisation share     : {norm / full:.0%} of pipeline time")
    print(f"  peak RSS                : {peak:.0f} MB")
    stages = time_stages(texts, nlp, args.rounds)
    res["stage_s"] = stages
    print("  time by stage (s, relative to bare jieba):")
    for name, secs in stages.items():
        print(f"    {name:22s}: {secs:6.2f}  {secs / bare:.2f}x")
    return res


if __name__ == "__main__":
    main()
