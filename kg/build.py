"""`kg build`: corpus → extraction (cached) → graph → SHACL → build/graph.ttl + report. I/O lives here."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kg.cache import ExtractionCache, rules_fingerprint
from kg.config import DEFAULT, Settings
from kg.corpus import read_corpus
from kg.errors import InputError
from kg.extract import build_nlp, extract_article
from kg.graph.build import to_graph
from kg.graph.serialize import write_graph
from kg.graph.validate import validate_graph
from kg.io import build_lock, write_atomic
from kg.lexicon import read_lexicon
from kg.ontology import read_ontology
from kg.records import Extraction, Skipped
from kg import report as reporting


@dataclass
class BuildResult:
    extractions: list[Extraction]
    skipped: list[Skipped]
    report: dict
    outputs: list[Path]


_WORKER_NLP = None


def _init_worker(settings: Settings) -> None:
    global _WORKER_NLP
    _WORKER_NLP = build_nlp(settings)


def _extract_safely(art, nlp=None):
    """Extraction or a Skipped record: one bad article must not stop the build."""
    try:
        return extract_article(art, nlp or _WORKER_NLP)
    except Exception as exc:
        return Skipped(art.path or art.id, "extraction-error", f"extraction failed: {exc!r}")


def extract_all(articles, settings: Settings = DEFAULT, use_cache: bool = True, jobs: int = 1):
    """Extract every article, reusing cached results. With jobs > 1, worker processes each build the
    pipeline once and send back plain records; the result is the same as with one job."""
    cache = ExtractionCache(settings.cache_dir / "extract", rules_fingerprint(settings)) if use_cache else None
    found = {i: cache.get(a) for i, a in enumerate(articles)} if cache else {}
    todo = [(i, a) for i, a in enumerate(articles) if found.get(i) is None]
    if jobs > 1 and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(settings,)) as pool:
            results = list(pool.map(_extract_safely, [a for _, a in todo], chunksize=8))
    else:
        nlp = build_nlp(settings) if todo else None
        results = [_extract_safely(a, nlp) for _, a in todo]
    fresh = dict(zip((i for i, _ in todo), results))
    out, skipped = [], []
    for i in range(len(articles)):
        x = found.get(i) or fresh[i]
        if isinstance(x, Skipped):
            skipped.append(x)
            continue
        if i in fresh and cache:
            cache.put(x)
        out.append(x)
    return out, skipped, len(articles) - len(todo)


def run_build(corpus: Path, out_dir: Path, settings: Settings = DEFAULT, validate: bool = True,
              use_cache: bool = True, jobs: int = 1, wait: bool = False) -> BuildResult:
    corpus, out_dir = Path(corpus), Path(out_dir)
    if not corpus.is_dir():
        raise InputError(f"corpus folder {corpus} does not exist. Pass a folder of .txt/.md/.html/.jsonl articles.")
    with build_lock(out_dir, wait=wait):
        return _build(corpus, out_dir, settings, validate, use_cache, jobs)


def _build(corpus: Path, out_dir: Path, settings: Settings, validate: bool, use_cache: bool, jobs: int) -> BuildResult:
    t = {}
    t0 = time.perf_counter()
    lexicon = read_lexicon(settings)  # validate data before reading any article
    onto = read_ontology(settings.path(settings.ontology_file))
    t["load_data"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    articles, skipped = read_corpus(corpus)
    t["read_corpus"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    extractions, failed, cached = extract_all(articles, settings, use_cache, jobs)
    skipped = skipped + failed
    t["extract"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    g = to_graph(extractions, lexicon, onto)
    t["graph"] = time.perf_counter() - t0

    shacl = None
    if validate:
        t0 = time.perf_counter()
        shacl = validate_graph(g, settings)
        t["shacl"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    outputs = write_graph(g, out_dir)
    t["write"] = time.perf_counter() - t0
    files_seen = len({x.article.path.split(":")[0] for x in extractions} | {s.path.split(":")[0] for s in skipped})
    rep = reporting.to_report(extractions, skipped, shacl, t, files_seen, cached, len(g))
    write_atomic(out_dir / "report.json", reporting.to_json(rep))
    write_atomic(out_dir / "report.md", reporting.to_markdown(rep))
    if shacl is not None and not shacl.conforms:
        write_atomic(out_dir / "shacl.txt", shacl.text)
    return BuildResult(extractions, skipped, rep, outputs + [out_dir / "report.json", out_dir / "report.md"])
