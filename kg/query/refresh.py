"""Keep a persistent Oxigraph store in step with the build files, triple by triple.

Beside the store the folder holds two records of what it was last filled with:

- ``kg-loaded.nt`` — every triple the store holds, one canonical N-Triples line each, sorted
  (about the size of ``graph.nt``);
- ``kg-store.json`` — the SHA-256 of each source file, of ``kg-loaded.nt``, and the triple count.

:func:`refresh_store` compares the source files with the record: unchanged
files cost one hash each and touch nothing; changed files are parsed, their
lines diffed against ``kg-loaded.nt``, and only the removed and the added
triples are applied. A missing or damaged record, or a store whose size does
not match it, falls back to a full reload. The record is deleted before the
store is changed and written after, so a refresh killed half-way is followed
by a full reload, never by a store that silently disagrees with its record.

Blank nodes (the ontology's ``owl:AllDisjointClasses`` lists) get labels made
from their file's hash and their order in it: stable while the file is
unchanged, new (old ones removed) when it changes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph as ox

from kg.errors import QueryError
from kg.io import write_atomic

__all__ = ["FORMATS", "LOADED", "MANIFEST", "Refresh", "diff_lines", "read_lines", "refresh_store", "store_source_files"]

LOADED = "kg-loaded.nt"
MANIFEST = "kg-store.json"
_OLD_MANIFEST = "kg-sources.json"  # written by the first store version (reload-everything)
_VERSION = 1
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
            ".trig": ox.RdfFormat.TRIG}


@dataclass(frozen=True)
class Refresh:
    """What a refresh did: ``mode`` is "unchanged", "incremental" or "full"."""

    mode: str
    added: int = 0
    removed: int = 0
    triples: int = 0
    reason: str = ""

    def describe(self) -> str:
        if self.mode == "unchanged":
            return f"unchanged ({self.triples} triples)"
        why = f"; {self.reason}" if self.reason else ""
        return f"{self.mode}: +{self.added} -{self.removed} triples, {self.triples} in the store{why}"


def store_source_files(build_dir: str | Path = "build") -> list[Path]:
    """The files a store is filled from: ``graph.nt`` (sorted N-Triples) plus ``analysis.ttl`` when it exists."""
    build = Path(build_dir)
    graph = build / "graph.nt"
    if not graph.exists():
        raise QueryError(f"{graph} does not exist; run `make graph` (or `kg build CORPUS --out {build}`) first")
    return [graph] + ([build / "analysis.ttl"] if (build / "analysis.ttl").exists() else [])


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_OBJECT_BNODE = re.compile(r" _:(\S+) \.$")  # literals end in ", "@lang or >, so this is a blank-node object


def _relabel(lines: list[str], digest: str) -> list[str]:
    """Blank-node labels made from the file's digest and their order of appearance."""
    labels: dict[str, str] = {}

    def label(old: str) -> str:
        if old not in labels:
            labels[old] = f"f{digest[:16]}n{len(labels)}"
        return labels[old]

    out = []
    for line in lines:
        if line.startswith("_:"):
            head, rest = line.split(" ", 1)
            line = f"_:{label(head[2:])} {rest}"
        if m := _OBJECT_BNODE.search(line):
            line = f"{line[:m.start(1)]}{label(m.group(1))} ."
        out.append(line)
    return out


def read_lines(path: Path, digest: str) -> set[str]:
    """The triples of one RDF file as canonical N-Triples lines (blank nodes relabelled from ``digest``)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"{path}: unsupported graph format {path.suffix!r}; use one of {', '.join(FORMATS)}")
    try:
        quads = ox.parse(path=str(path), format=fmt, without_named_graphs=True)
        text = ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"cannot read graph file {path} for the store: {exc}") from None
    lines = text.splitlines()
    return set(_relabel(lines, digest) if "_:" in text else lines)


def diff_lines(loaded: set[str], wanted: set[str]) -> tuple[list[str], list[str]]:
    """``(removed, added)``: the sorted lines to take out of and to put into a store holding ``loaded``."""
    return sorted(loaded - wanted), sorted(wanted - loaded)


def _has_bnode(line: str) -> bool:
    return line.startswith("_:") or _OBJECT_BNODE.search(line) is not None


def _quads(lines: Iterable[str]) -> list[ox.Quad]:
    data = "\n".join(lines).encode("utf-8")
    return list(ox.parse(input=data, format=ox.RdfFormat.N_TRIPLES)) if data else []


def _read_manifest(directory: Path) -> dict | None:
    try:
        doc = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("version") != _VERSION:
        return None
    return doc


def _read_loaded(directory: Path, manifest: dict) -> set[str] | None:
    """The record of loaded lines, or None when it is missing or does not match the manifest."""
    try:
        raw = (directory / LOADED).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(raw).hexdigest() != manifest.get("loaded_sha256"):
        return None
    lines = set(raw.decode("utf-8").splitlines())
    lines.discard("")
    return lines if len(lines) == manifest.get("triples") else None


def _forget(directory: Path) -> None:
    for name in (MANIFEST, _OLD_MANIFEST):
        try:
            os.remove(directory / name)
        except FileNotFoundError:
            pass


def _remember(directory: Path, sources: dict[str, str], lines: set[str]) -> None:
    text = "".join(line + "\n" for line in sorted(lines))
    raw = text.encode("utf-8")
    write_atomic(directory / LOADED, raw)
    manifest = {"version": _VERSION, "sources": sources, "loaded_sha256": hashlib.sha256(raw).hexdigest(),
                "triples": len(lines)}
    write_atomic(directory / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


def refresh_store(store: ox.Store, directory: str | Path, files: Sequence[str | Path]) -> Refresh:
    """Bring the store in ``directory`` to exactly the triples of ``files``, changing only what differs."""
    directory = Path(directory)
    files = [Path(p) for p in files]
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise QueryError(f"graph file {', '.join(missing)} does not exist; run `make graph` first or pass --graph FILE")
    sources = {str(p.resolve()): _sha256_file(p) for p in files}
    manifest = _read_manifest(directory)
    if manifest is not None and manifest.get("sources") == sources:
        return Refresh("unchanged", triples=manifest.get("triples", 0))

    wanted: set[str] = set()
    for path in files:
        wanted |= read_lines(path, sources[str(path.resolve())])
    loaded = _read_loaded(directory, manifest) if manifest is not None else None
    reason = "" if loaded is not None else ("no record of what the store holds" if manifest is None
                                            else "the record of loaded triples is missing or damaged")
    if loaded is not None and len(store) != len(loaded):
        loaded, reason = None, f"the store holds {len(store)} triples, its record {manifest.get('triples')}"

    _forget(directory)
    try:
        if loaded is None:
            store.clear()
            blank = {line for line in wanted if "_:" in line and _has_bnode(line)}
            store.bulk_load(input="\n".join(wanted - blank).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
            # bulk_load would relabel blank nodes: those few lines go in with the labels the record uses
            store.bulk_extend(_quads(blank))
            result = Refresh("full", added=len(wanted), triples=len(wanted), reason=reason)
        else:
            removed, added = diff_lines(loaded, wanted)
            for quad in _quads(removed):
                store.remove(quad)
            store.extend(_quads(added))
            result = Refresh("incremental", added=len(added), removed=len(removed), triples=len(wanted))
        store.flush()
    except OSError as exc:
        raise QueryError(f"cannot update the store in {directory}: {exc}; delete the folder to rebuild it") from None
    _remember(directory, sources, wanted)
    return result
