"""A persistent Oxigraph store (pyoxigraph) answering the same queries as the in-memory rdflib graph.

``kg query --store DIR`` and ``kg store BUILD_DIR`` open (or fill) ``DIR`` and
bring it up to date with the graph files through :mod:`kg.query.refresh`:
unchanged files touch nothing, changed files add and remove only the triples
that differ. Parameters are bound as a VALUES block of terms serialised by
pyoxigraph (see :func:`kg.query.engine.with_values`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError
from kg.query.engine import PREFIXES, QueryResult, check_query, ontology_files, to_rdflib_term, with_values
from kg.query.refresh import FORMATS as _FORMATS, Refresh, refresh_store

__all__ = ["OxigraphBackend", "fill_store", "open_store", "to_oxigraph_term"]


def _memory_store(files: Sequence[Path]) -> ox.Store:
    store = ox.Store()
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
    return store


def fill_store(directory: str | Path, files: Sequence[str | Path], *,
               with_ontology: bool = True) -> tuple[ox.Store, Refresh]:
    """Open the store in ``directory`` and bring it to exactly ``files`` (+ the ontology); say what changed."""
    files = [Path(p) for p in files] + (ontology_files() if with_ontology else [])
    directory = Path(directory)
    if directory.is_dir() and any(directory.iterdir()) and not (directory / "CURRENT").exists():
        raise QueryError(f"{directory} is not empty and holds no Oxigraph store; give a new or empty folder, "
                         "e.g. build/store")
    directory.mkdir(parents=True, exist_ok=True)
    try:
        store = ox.Store(str(directory))
    except OSError as exc:
        raise QueryError(f"cannot open the store in {directory}: {exc} (is another process, e.g. `kg serve`, "
                         "using it? stop it and retry)") from None
    return store, refresh_store(store, directory, files)


def open_store(directory: str | Path | None, files: Sequence[str | Path], *, with_ontology: bool = True) -> ox.Store:
    """Open the store in ``directory`` (in memory when None), refreshed to hold exactly ``files``."""
    if directory is None:
        return _memory_store([Path(p) for p in files] + (ontology_files() if with_ontology else []))
    return fill_store(directory, files, with_ontology=with_ontology)[0]


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
