"""Per-article extraction cache keyed by content hash, pipeline version and the hash of the rule data.

A corrupt or old cache entry is treated as missing, never as an error.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from pathlib import Path

from kg.config import PIPELINE_VERSION, Settings
from kg.io import write_atomic
from kg.records import Article, Extraction, Mention, Observation, Relation


def rules_fingerprint(settings: Settings) -> str:
    """What extraction output depends on: the rule and ontology files and the extraction code (a change
    to either makes every cached extraction stale)."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for p in sorted(settings.ontology_dir.rglob("*")):
        if p.is_file() and p.suffix in (".tsv", ".txt", ".ttl") and "queries" not in p.parts:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    for p in sorted((Path(__file__).parent / "extract").glob("*.py")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_FIELDS = {cls: {f.name for f in fields(cls)} for cls in (Mention, Relation, Observation)}


def _records(cls, rows: list) -> tuple:
    """Frozen records from cached dicts that have exactly the record's fields (else TypeError: the entry
    is from another version and counts as missing). The fields are set directly, as the dataclass's own
    __init__ does one attribute at a time (half the time of a cached build's extraction stage)."""
    names, out, new = _FIELDS[cls], [], object.__new__
    for row in rows:
        if row.keys() != names:
            raise TypeError(f"cached {cls.__name__} has fields {sorted(row)}")
        obj = new(cls)
        obj.__dict__.update(row)
        out.append(obj)
    return tuple(out)


class ExtractionCache:
    def __init__(self, directory: Path, fingerprint: str):
        self.dir = Path(directory) / fingerprint
        self.fingerprint = fingerprint

    def _path(self, article: Article) -> Path:
        return self.dir / f"{article.content_hash}.json"

    def get(self, article: Article) -> Extraction | None:
        p = self._path(article)
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
            return Extraction(article, _records(Mention, d["mentions"]), _records(Relation, d["relations"]),
                              _records(Observation, d["observations"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, x: Extraction) -> None:
        d = {"mentions": [asdict(m) for m in x.mentions], "relations": [asdict(r) for r in x.relations],
             "observations": [asdict(o) for o in x.observations]}
        _write_replace(self._path(x.article), json.dumps(d, ensure_ascii=False, sort_keys=True))


def _write_replace(path: Path, text: str) -> None:
    """A cache entry: written atomically (kg.io.write_atomic) without fsync, 50 s saved at 10,000 articles.
    A reader sees the old entry or the new one; an entry torn by a power cut counts as missing. A cache
    that cannot be written (read-only folder) only costs speed."""
    try:
        write_atomic(path, text, durable=False)
    except OSError:
        pass


# Code whose output the lines cache stores: a change to it must not reuse old entries.
_GRAPH_CODE = ("graph/build.py", "graph/iri.py", "graph/lines.py")


def graph_fingerprint(settings: Settings) -> str:
    import rdflib

    h = hashlib.sha256(rules_fingerprint(settings).encode())
    h.update(rdflib.__version__.encode())
    for name in _GRAPH_CODE:
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:16]


class LinesCache:
    """Per-article N-Triples lines and named entities (kg.graph.lines.Fragment), keyed by the whole
    article record (its id and path are in its triples) and the fingerprint of the rules and graph code.
    A corrupt entry is treated as missing."""

    def __init__(self, directory: Path, fingerprint: str):
        self.dir = Path(directory) / fingerprint

    def _path(self, article: Article) -> Path:
        # the record without its text (asdict would copy the text too: 0.5 s for 10,000 articles)
        key = json.dumps({f: None if f == "text" else getattr(article, f) for f in _ARTICLE_FIELDS},
                         ensure_ascii=False, sort_keys=True)
        return self.dir / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()}.json"

    def get(self, article: Article):
        try:
            d = json.loads(self._path(article).read_text(encoding="utf-8"))
            lines, calls = d["lines"], [(str(a), str(b)) for a, b in d["calls"]]
            if not all(isinstance(l, str) for l in lines):
                return None
            return lines, calls
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, article: Article, fragment) -> None:
        lines, calls = fragment
        _write_replace(self._path(article), json.dumps({"lines": lines, "calls": calls}, ensure_ascii=False))


def read_checked_texts(cache_dir: Path):
    """The files the previous build found decodable and plausible (kg.corpus.decode.CheckedTexts); an
    unreadable or old-version record trusts nothing."""
    from kg.corpus.decode import CheckedTexts

    try:
        known = json.loads((Path(cache_dir) / f"checked-texts-{CheckedTexts.VERSION}.json").read_text(encoding="utf-8"))
        return CheckedTexts(d for d in known if isinstance(d, str))
    except (OSError, ValueError, TypeError):
        return CheckedTexts()


def write_checked_texts(cache_dir: Path, checked) -> None:
    """Remember the files this read found good (only those: deleted files drop out)."""
    if checked.passed != checked.known:
        _write_replace(Path(cache_dir) / f"checked-texts-{checked.VERSION}.json", json.dumps(sorted(checked.passed)))
