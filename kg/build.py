"""`kg build`: corpus → extraction (cached) → graph → SHACL → build/graph.ttl + report. I/O lives here."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.cache import (ExtractionCache, LinesCache, graph_fingerprint, read_checked_texts, rules_fingerprint,
                      write_checked_texts)
from kg.config import DEFAULT, Settings
from kg.corpus import read_corpus
from kg.errors import InputError
from kg.graph import neighbourhood
from kg.graph.lines import GraphLines, to_fragment
from kg.graph.serialize import write_graph
from kg.graph.validate import ShaclResult, read_schema, read_shapes, validate_graph
from kg.io import build_lock, write_atomic
from kg.lexicon import read_lexicon
from kg.ontology import read_ontology
from kg.records import Article, Extraction, Skipped
from kg import report as reporting


@dataclass
class BuildResult:
    extractions: list[Extraction]
    skipped: list[Skipped]
    report: dict
    outputs: list[Path]


_WORKER_NLP = None
CHUNK = 64  # articles looked up in the cache (and sent to the workers) at a time


def _init_worker(settings: Settings) -> None:
    from kg.extract import build_nlp  # spaCy (~0.6 s to import) only where articles are extracted

    global _WORKER_NLP
    _WORKER_NLP = build_nlp(settings)


def _extract_safely(art, nlp=None):
    """Extraction or a Skipped record: one bad article must not stop the build."""
    from kg.extract import extract_article

    try:
        return extract_article(art, nlp or _WORKER_NLP)
    except Exception as exc:
        return Skipped(art.path or art.id, "extraction-error", f"extraction failed: {exc!r}")


def _chunks(items: Iterable, n: int) -> Iterator[list]:
    chunk = []
    for x in items:
        chunk.append(x)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def iter_extractions(articles: Iterable[Article] | Path, settings: Settings = DEFAULT, use_cache: bool = True,
                     jobs: int = 1, stats: dict | None = None, ready=None) -> Iterator[Extraction | Skipped]:
    """Extract articles one chunk at a time, in order, reusing cached results: memory does not grow with
    the corpus. ``articles`` may be a corpus folder. With jobs > 1, worker processes each build the
    pipeline once and send back plain records; the result is the same as with one job. ``ready``: a
    process pool started earlier (start_extractor) that extracts every article not in the cache.
    ``stats["from_cache"]`` counts the articles that were not re-extracted."""
    if isinstance(articles, (str, Path)):
        articles, skipped = read_corpus(Path(articles))
        yield from skipped
    cache = ExtractionCache(settings.cache_dir / "extract", rules_fingerprint(settings)) if use_cache else None
    stats = {} if stats is None else stats
    stats.setdefault("from_cache", 0)
    nlp, pool = None, None
    try:
        for chunk in _chunks(articles, CHUNK * max(1, jobs)):
            found = [cache.get(a) if cache else None for a in chunk]
            todo = [a for a, x in zip(chunk, found) if x is None]
            stats["from_cache"] += len(chunk) - len(todo)
            if ready is not None and todo:
                fresh = iter(list(ready.map(_extract_safely, todo, chunksize=8)))
            elif jobs > 1 and len(todo) > 1:
                if pool is None:
                    from concurrent.futures import ProcessPoolExecutor

                    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(settings,))
                fresh = iter(list(pool.map(_extract_safely, todo, chunksize=8)))
            else:
                if todo and nlp is None:
                    from kg.extract import build_nlp

                    nlp = build_nlp(settings)
                fresh = (_extract_safely(a, nlp) for a in todo)
            for x in found:
                if x is None:
                    x = next(fresh)
                    if cache and not isinstance(x, Skipped):
                        cache.put(x)
                yield x
    finally:
        if pool is not None:
            pool.shutdown()


def start_extractor(settings: Settings, jobs: int = 1):
    """A process pool whose workers start building the pipeline now (~1 s), while this process reads
    the corpus and the caches: on a rebuild, the few new articles are then extracted without waiting."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=max(1, jobs), initializer=_init_worker, initargs=(settings,))
    pool.submit(int)
    return pool


def extract_all(articles, settings: Settings = DEFAULT, use_cache: bool = True, jobs: int = 1):
    """All extractions of ``articles`` as (extractions, skipped, number taken from the cache)."""
    stats: dict = {}
    out, skipped = [], []
    for x in iter_extractions(articles, settings, use_cache, jobs, stats):
        (skipped if isinstance(x, Skipped) else out).append(x)
    return out, skipped, stats["from_cache"]


def run_build(corpus: Path, out_dir: Path, settings: Settings = DEFAULT, validate: bool = True,
              use_cache: bool = True, jobs: int = 1, wait: bool = False) -> BuildResult:
    corpus, out_dir = Path(corpus), Path(out_dir)
    if not corpus.is_dir():
        raise InputError(f"corpus folder {corpus} does not exist. Pass a folder of .txt/.md/.html/.jsonl articles.")
    with build_lock(out_dir, wait=wait):
        # a rebuild (a previous build's state in OUT) mostly reads caches: start the extraction workers now
        ready = start_extractor(settings, jobs) if use_cache and (out_dir / STATE_FILE).exists() else None
        try:
            return _build(corpus, out_dir, settings, validate, use_cache, jobs, ready)
        finally:
            if ready is not None:
                ready.shutdown()


def _build(corpus: Path, out_dir: Path, settings: Settings, validate: bool, use_cache: bool, jobs: int,
           ready=None) -> BuildResult:
    t = {}
    t0 = time.perf_counter()
    lexicon = read_lexicon(settings)  # validate data before reading any article
    onto = read_ontology(settings.path(settings.ontology_file))
    t["load_data"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    checked = read_checked_texts(settings.cache_dir) if use_cache else None
    articles, skipped = read_corpus(corpus, checked)
    if checked is not None:
        write_checked_texts(settings.cache_dir, checked)
    t["read_corpus"] = time.perf_counter() - t0

    # extraction and graph construction stream: each article's lines go into the graph as it is extracted
    t0 = time.perf_counter()
    graph, extractions, stats, t_graph = GraphLines(lexicon, onto), [], {}, 0.0
    lines_cache = LinesCache(settings.cache_dir / "graph", graph_fingerprint(settings)) if use_cache else None
    for x in iter_extractions(articles, settings, use_cache, jobs, stats, ready):
        if isinstance(x, Skipped):
            skipped.append(x)
            continue
        t1 = time.perf_counter()
        fragment = lines_cache.get(x.article) if lines_cache else None
        if fragment is None:
            fragment = article_lines(x)
            if lines_cache:
                lines_cache.put(x.article, fragment)
        graph.add(fragment)
        t_graph += time.perf_counter() - t1
        extractions.append(x)
    t1 = time.perf_counter()
    previous = read_previous_graph(out_dir, settings) if use_cache else None
    nt = graph.to_ntriples(previous)
    t["extract"] = t1 - t0 - t_graph
    t["graph"] = t_graph + time.perf_counter() - t1

    shacl, full = None, True
    if validate:
        t0 = time.perf_counter()
        shacl = validate_changes(graph.lines, previous[1], settings, jobs) if previous else None
        full = shacl is None
        if shacl is None:
            shacl = validate_graph(Graph().parse(data=nt, format="nt"), settings, jobs=jobs)
        t["shacl"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    data = nt.encode("utf-8")
    outputs = write_graph(data, out_dir, with_rdflib=full)
    if shacl is not None:
        write_state(out_dir, settings, shacl, data)
    t["write"] = time.perf_counter() - t0
    files_seen = len({x.article.path.split(":")[0] for x in extractions} | {s.path.split(":")[0] for s in skipped})
    rep = reporting.to_report(extractions, skipped, shacl, t, files_seen, stats["from_cache"], len(graph))
    write_atomic(out_dir / "report.json", reporting.to_json(rep))
    write_atomic(out_dir / "report.md", reporting.to_markdown(rep))
    if shacl is not None and not shacl.conforms:
        write_atomic(out_dir / "shacl.txt", shacl.text)
    return BuildResult(extractions, skipped, rep, outputs + [out_dir / "report.json", out_dir / "report.md"])


# ----------------------------------------------------------------------------- incremental SHACL validation
# OUT/.shacl-state.json remembers that OUT/graph.nt (by hash) was validated, with which shapes and ontology.
# The next build validates only the nodes whose result can differ (kg.graph.validate.to_focus_nodes);
# anything else (no state, another fingerprint, a failed or changed previous graph, big changes) validates
# the whole graph.
STATE_FILE = ".shacl-state.json"
VALIDATOR_VERSION = "1"
MAX_CHANGED_SHARE = 0.25  # above this share of changed triples, validating everything is as fast


def _state_key(settings: Settings) -> str:
    return f"{VALIDATOR_VERSION}:{rules_fingerprint(settings)}"


def article_lines(x: Extraction):
    """One article's own N-Triples lines and the entities it names (kg.graph.lines.Fragment)."""
    return to_fragment(x)


def write_state(out_dir: Path, settings: Settings, shacl, nt: bytes) -> None:
    state = {"key": _state_key(settings), "graph_nt_sha256": hashlib.sha256(nt).hexdigest(),
             "conforms": shacl.conforms}
    write_atomic(out_dir / STATE_FILE, json.dumps(state, sort_keys=True) + "\n")


def read_previous_graph(out_dir: Path, settings: Settings) -> tuple[list[str], set[str]] | None:
    """The lines of the previous graph.nt (sorted, as a list and as a set) if it was validated, conformed,
    and nothing has changed since."""
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        raw = (out_dir / "graph.nt").read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("key") != _state_key(settings) or state.get("conforms") is not True \
            or state.get("graph_nt_sha256") != hashlib.sha256(raw).hexdigest():
        return None
    lines = raw.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, set(lines)


def validate_changes(lines: set[str], before: set[str], settings: Settings = DEFAULT, jobs: int = 1) -> ShaclResult | None:
    """SHACL-validate only what changed since ``before`` (the lines of the validated, conforming graph.nt
    of the previous build), on the part of the graph those nodes' constraints read; None if the whole
    graph must be validated."""
    added, removed = lines - before, before - lines
    if len(added) + len(removed) > MAX_CHANGED_SHARE * max(1, len(lines)):
        return None
    shapes, ont = read_shapes(settings)
    classes = neighbourhood.Classes(read_schema(ont))
    if not classes.usable:
        return None
    index = neighbourhood.LineIndex(lines, neighbourhood.touched_nodes(added | removed))  # more nodes on demand
    targets = {o.n3() for o in shapes.objects(None, SH.targetNode) if isinstance(o, URIRef)}
    focus = neighbourhood.focus_nodes(index, added, removed, classes, targets)
    counted = neighbourhood.counted_paths(shapes)
    value_checked = set() if counted is None else \
        neighbourhood.value_checked_nodes(index, focus, added, removed, classes, targets)
    sub = neighbourhood.subgraph(index, focus, classes, removed, value_checked, added, counted or frozenset())
    return validate_graph(sub, settings, focus={URIRef(n[1:-1]) for n in focus})
