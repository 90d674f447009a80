"""Byte-stable serialisations of a graph, checked by re-parsing before they replace the old files.

graph.nt is the sorted N-Triples (kg.graph.lines); graph.ttl is written by pyoxigraph from it, triples
in the same order, so it is byte-stable too and costs no rdflib graph (rdflib's Turtle writer took
~15 s for 150,000 triples). Both are re-parsed by pyoxigraph before they replace the old files and, on
a full build, by rdflib too (the readers of graph.ttl use rdflib).
"""
from __future__ import annotations

from collections import deque
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from kg.io import write_atomic

RDF_PREFIXES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "xsd": "http://www.w3.org/2001/XMLSchema#"}


def to_turtle(g: Graph | str | bytes) -> str:
    """Turtle of a graph or of sorted N-Triples text (str or UTF-8 bytes): triples in N-Triples order,
    prefixes sorted."""
    from kg.graph.build import PREFIXES

    nt = g if isinstance(g, (str, bytes)) else to_sorted_ntriples(g)
    triples = pyoxigraph.parse(nt.encode("utf-8") if isinstance(nt, str) else nt, format=pyoxigraph.RdfFormat.N_TRIPLES)
    text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE,
                                prefixes=dict(sorted((PREFIXES | RDF_PREFIXES).items()))).decode("utf-8")
    end = 0  # the prefix lines open the text; pyoxigraph's order of them is not stable: sort them
    while text.startswith("@prefix ", end):
        end = text.index("\n", end) + 1
    return "".join(sorted(text[:end].splitlines(keepends=True))) + text[end:]


def to_sorted_ntriples(g: Graph) -> str:
    """Sorted N-Triples: the diffable artefact (no blank nodes are minted by the graph stage).

    Triples are split at newline characters only: ``str.splitlines`` would also cut at characters that
    N-Triples keeps unescaped inside literals (U+2028, U+0085, form feed, U+001C-U+001E) and so corrupt
    the file.
    """
    lines = g.serialize(format="nt").split("\n")
    return "\n".join(sorted(set(l for l in lines if l.strip()))) + "\n"


def _check_rdf(fmt: str, with_rdflib: bool):
    """A write_atomic check: the file parses as ``fmt`` ("turtle" or "nt") in pyoxigraph (and rdflib)."""
    def check(tmp: Path) -> None:
        if with_rdflib:
            Graph().parse(tmp, format=fmt)
        # pyoxigraph parses lazily: the error comes while iterating, so read every triple
        deque(pyoxigraph.parse(path=str(tmp), format=pyoxigraph.RdfFormat.TURTLE if fmt == "turtle"
                               else pyoxigraph.RdfFormat.N_TRIPLES), maxlen=0)
    return check


def parses_as(fmt: str):
    """A write_atomic check that re-parses the file as RDF ``fmt`` ("turtle" or "nt") with pyoxigraph."""
    return _check_rdf(fmt, with_rdflib=False)


def _check_same_text(data: bytes):
    """The file holds exactly ``data`` (which pyoxigraph has just parsed to write graph.ttl)."""

    def check(tmp: Path) -> None:
        if tmp.read_bytes() != data:
            raise ValueError(f"{tmp} does not hold the text that was written")
    return check


def write_graph(nt: str | bytes, out_dir: Path, stem: str = "graph", with_rdflib: bool = True) -> list[Path]:
    """Write sorted N-Triples ``nt`` and its Turtle, each re-parsed before it replaces the old file:
    graph.ttl by pyoxigraph; graph.nt was parsed by pyoxigraph to make graph.ttl, and the file written
    is checked to hold those bytes. ``with_rdflib``: also re-parse both files with rdflib and pyoxigraph."""
    ttl_path, nt_path = out_dir / f"{stem}.ttl", out_dir / f"{stem}.nt"
    data = nt.encode("utf-8") if isinstance(nt, str) else nt  # encoded once (150 MB at 10,000 articles)
    write_atomic(ttl_path, to_turtle(data), check=_check_rdf("turtle", with_rdflib))
    write_atomic(nt_path, data, check=_check_rdf("nt", True) if with_rdflib else _check_same_text(data))
    return [ttl_path, nt_path]
