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
from kg.io import write_atomic
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


def extract_all(articles, settings: Settings = DEFAULT, use_cache: bool = True, progress=None):
    """Extract every article, reusing cached results; a failure in one article skips only that article."""
    cache = ExtractionCache(settings.cache_dir / "extract", rules_fingerprint(settings)) if use_cache else None
    nlp = None
    out, skipped, cached = [], [], 0
    for art in articles:
        x = cache.get(art) if cache else None
        if x is not None:
            cached += 1
        else:
            if nlp is None:
                nlp = build_nlp(settings)
            try:
                x = extract_article(art, nlp)
            except Exception as exc:  # one bad article must not stop the build
                skipped.append(Skipped(art.path or art.id, "extraction-error", f"extraction failed: {exc!r}"))
                continue
            if cache:
                cache.put(x)
        out.append(x)
        if progress:
            progress(art)
    return out, skipped, cached


def run_build(corpus: Path, out_dir: Path, settings: Settings = DEFAULT, validate: bool = True,
              use_cache: bool = True) -> BuildResult:
    corpus, out_dir = Path(corpus), Path(out_dir)
    if not corpus.is_dir():
        raise InputError(f"corpus folder {corpus} does not exist. Pass a folder of .txt/.md/.html/.jsonl articles.")
    t = {}
    t0 = time.perf_counter()
    lexicon = read_lexicon(settings)  # validate data before reading any article
    onto = read_ontology(settings.path(settings.ontology_file))
    t["load_data"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    articles, skipped = read_corpus(corpus)
    t["read_corpus"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    extractions, failed, cached = extract_all(articles, settings, use_cache)
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
