"""Byte-stable serialisations of a graph, checked by re-parsing before they replace the old files."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph
from rdflib import Graph

from kg.io import write_atomic


def to_turtle(g: Graph) -> str:
    return g.serialize(format="turtle")


def to_sorted_ntriples(g: Graph) -> str:
    """Sorted N-Triples: the diffable artefact (no blank nodes are minted by the graph stage).

    Triples are split at newline characters only: ``str.splitlines`` would also cut at characters that
    N-Triples keeps unescaped inside literals (U+2028, U+0085, form feed, U+001C-U+001E) and so corrupt
    the file.
    """
    lines = g.serialize(format="nt").split("\n")
    return "\n".join(sorted(set(l for l in lines if l.strip()))) + "\n"


def _check_rdf(fmt: str):
    def check(tmp: Path) -> None:
        Graph().parse(tmp, format=fmt)
        pyoxigraph.parse(path=str(tmp), format=pyoxigraph.RdfFormat.TURTLE if fmt == "turtle" else pyoxigraph.RdfFormat.N_TRIPLES)
    return check


def write_graph(g: Graph, out_dir: Path, stem: str = "graph") -> list[Path]:
    ttl, nt = out_dir / f"{stem}.ttl", out_dir / f"{stem}.nt"
    write_atomic(ttl, to_turtle(g), check=_check_rdf("turtle"))
    write_atomic(nt, to_sorted_ntriples(g), check=_check_rdf("nt"))
    return [ttl, nt]
