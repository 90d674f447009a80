"""A persistent Oxigraph store (pyoxigraph) answering the same queries as the in-memory rdflib graph.

``kg query --store DIR`` opens (or fills) ``DIR``; the store remembers the
SHA-256 of each file it was loaded from, so reopening it with unchanged files
costs nothing and a changed file triggers a reload (of everything: a file's
triples are not tracked separately). Parameters are bound as a VALUES block
of terms serialised by pyoxigraph (see :func:`kg.query.engine.with_values`).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Mapping, Sequence

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError
from kg.query.engine import PREFIXES, QueryResult, check_query, ontology_files, to_rdflib_term, with_values

__all__ = ["OxigraphBackend", "open_store", "to_oxigraph_term"]

_MANIFEST = "kg-sources.json"
_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _load(store: ox.Store, files: Sequence[Path]) -> None:
    for path in files:
        if not path.exists():
            raise QueryError(f"graph file {path} does not exist")
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise QueryError(f"{path}: unsupported graph format {path.suffix!r}; use one of {', '.join(_FORMATS)}")
        try:
            store.bulk_load(path=str(path), format=fmt)
        except (SyntaxError, ValueError, OSError) as exc:
            raise QueryError(f"cannot load graph file {path} into the store: {exc}") from None


def open_store(directory: str | Path | None, files: Sequence[str | Path], *, with_ontology: bool = True) -> ox.Store:
    """Open the store in ``directory`` (in memory when None), (re)loading ``files`` if they changed."""
    files = [Path(p) for p in files] + (ontology_files() if with_ontology else [])
    if directory is None:
        store = ox.Store()
        _load(store, files)
        return store
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        store = ox.Store(str(directory))
    except OSError as exc:
        raise QueryError(f"cannot open the store in {directory}: {exc} (is another process using it?)") from None
    manifest = directory / _MANIFEST
    wanted = {str(p.resolve()): _sha256(p) for p in files if p.exists()}
    try:
        current = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = None
    if current != wanted or len(wanted) != len(files):
        store.clear()
        _load(store, files)
        store.flush()
        manifest.write_text(json.dumps(wanted, ensure_ascii=False, indent=1), encoding="utf-8")
    return store


def to_oxigraph_term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot bind {term!r}: not an RDF term")


class OxigraphBackend:
    """Queries a pyoxigraph Store; same checks and same result type as the rdflib backend."""

    name = "oxigraph"

    def __init__(self, store: ox.Store):
        self.store = store

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], directory: str | Path | None = None, *, with_ontology: bool = True):
        return cls(open_store(directory, paths, with_ontology=with_ontology))

    def query(self, text: str, bindings: Mapping[str, object] | None = None, *, max_rows: int | None = None) -> QueryResult:
        check_query(text)
        # pyoxigraph's `substitutions` only accepts variables of the SELECT clause, and saved
        # queries keep their parameters out of it: bind them as a VALUES block of N-Triples terms.
        text = with_values(text, bindings)
        check_query(text, check_terms=False)
        try:
            result = self.store.query(text, prefixes=PREFIXES)
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(result))
            if isinstance(result, ox.QueryTriples):
                vars_ = ("subject", "predicate", "object")
                source = ((t.subject, t.predicate, t.object) for t in result)
                kind = "CONSTRUCT"
            else:
                vars_ = tuple(v.value for v in result.variables)
                source = (tuple(sol[v] for v in vars_) for sol in result)
                kind = "SELECT"
            rows, truncated = [], False
            for row in source:
                if max_rows is not None and len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append(tuple(to_rdflib_term(t) for t in row))
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error (Oxigraph): {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None
        return QueryResult(kind, vars_, tuple(rows), truncated=truncated)
