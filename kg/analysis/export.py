"""Write analysis results: centrality CSV, scores as RDF, ranked Markdown, GraphML, GEXF.

Every writer is atomic (temp file in the same folder + ``os.replace``) and
byte-stable: rows sorted, floats printed with a fixed number of decimals.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.analysis import INTEGER_SCORES, SCORES
from kg.config import KG_NS
from kg.graph.serialize import parses_as
from kg.io import write_atomic

__all__ = ["write_text_atomic", "fmt", "ranked", "to_centrality_csv", "to_analysis_ttl",
           "to_analysis_md", "to_graphml", "to_gexf", "read_centrality_csv", "CSV_COLUMNS"]

DECIMALS = 6
CSV_COLUMNS = ["iri", "label", "class", "group", *SCORES]


def _parses_as_xml(tmp: Path) -> None:
    import xml.etree.ElementTree as ET

    ET.parse(tmp)


CHECKS = {".ttl": parses_as("turtle"), ".graphml": _parses_as_xml, ".gexf": _parses_as_xml}  # re-parsed before use


def write_text_atomic(path: Path | str, text: str) -> Path:
    """Write UTF-8 text so that ``path`` is always the old or the new complete file (``kg.io.write_atomic``:
    a pid-named temp file that the next build can recognise as stale, unchanged files left alone). Turtle,
    GraphML and GEXF files are re-parsed before they replace the old file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text, check=CHECKS.get(path.suffix))
    return path


def fmt(name: str, value) -> str:
    """Fixed formatting: integers as integers, other scores with DECIMALS places."""
    if name in INTEGER_SCORES:
        return str(int(value))
    out = f"{float(value):.{DECIMALS}f}"
    return "0." + "0" * DECIMALS if out.startswith("-") and float(out) == 0 else out


def ranked(G: nx.Graph, scores: dict[str, dict], by: str = "pagerank") -> list:
    """Nodes by descending score (rounded, so ties are stable), then label, then IRI."""
    vals = scores[by]
    return sorted(G, key=lambda v: (-float(fmt(by, vals.get(v, 0))), G.nodes[v].get("label", ""), str(v)))


def to_centrality_csv(G: nx.Graph, scores: dict[str, dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for v in ranked(G, scores):
        d = G.nodes[v]
        w.writerow([v, d.get("label", ""), d.get("cls", ""), d.get("group", "")]
                   + [fmt(s, scores[s].get(v, 0)) for s in SCORES])
    return buf.getvalue()


def read_centrality_csv(path: Path | str) -> dict[str, dict]:
    """Inverse of to_centrality_csv: ``{score name: {iri: value}}``."""
    scores: dict[str, dict] = {s: {} for s in SCORES}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for s in SCORES:
                scores[s][row["iri"]] = int(row[s]) if s in INTEGER_SCORES else float(row[s])
    return scores


def to_analysis_ttl(G: nx.Graph, scores: dict[str, dict]) -> str:
    """Scores as Turtle (docs/graph-model.md, 'Analysis scores'); validated by re-parsing."""
    lines = [f"@prefix kg: <{KG_NS}> .", ""]
    for v in sorted(G, key=str):
        props = " ;\n    ".join(f"kg:{prop} {fmt(name, scores[name].get(v, 0))}" for name, prop in SCORES.items())
        lines.append(f"<{v}> {props} .")
    text = "\n".join(lines) + "\n"
    Graph().parse(data=text, format="turtle")  # raises on an IRI Turtle cannot carry
    return text


def _md(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_analysis_md(G: nx.Graph, scores: dict[str, dict], top: int = 10) -> str:
    """A ranked section for the build report."""
    n_comm = len(set(scores["community"].values()))
    out = ["## Network analysis", "",
           f"{G.number_of_nodes()} entities, {G.number_of_edges()} linked pairs, {n_comm} communities.", ""]
    for name in ("pagerank", "betweenness", "eigenvector", "closeness", "weighted_degree", "degree"):
        out += [f"### Top {top} by {name}", "", "| # | entity | class | value |", "|---|---|---|---|"]
        for i, v in enumerate(ranked(G, scores, name)[:top], 1):
            d = G.nodes[v]
            out.append(f"| {i} | {_md(d.get('label', v))} | {_md(d.get('cls', ''))} | {fmt(name, scores[name][v])} |")
        out.append("")
    return "\n".join(out)


def _flat(G: nx.Graph, scores: dict[str, dict] | None) -> nx.Graph:
    """A copy with only scalar attributes (GraphML/GEXF cannot hold lists)."""
    H = nx.Graph()
    for v in sorted(G, key=str):
        d = G.nodes[v]
        attrs = {"label": d.get("label", ""), "label_en": d.get("label_en", ""), "class": d.get("cls", ""),
                 "group": d.get("group", ""), "aliases": "|".join(d.get("aliases", ()))}
        for s in scores or {}:
            attrs[s] = int(scores[s].get(v, 0)) if s in INTEGER_SCORES else float(fmt(s, scores[s].get(v, 0)))
        H.add_node(v, **attrs)
    for u, v in sorted((tuple(sorted((a, b), key=str)) for a, b in G.edges()), key=lambda e: (str(e[0]), str(e[1]))):
        d = G.edges[u, v]
        H.add_edge(u, v, weight=float(d.get("weight", 1.0)), relations="|".join(d.get("relations", ())),
                   mentions=int(d.get("mentions", 0)),
                   evidence=" / ".join(r["sentence"] for r in d.get("evidence", ())))
    return H


def to_graphml(G: nx.Graph, scores: dict[str, dict] | None = None) -> str:
    return "\n".join(nx.generate_graphml(_flat(G, scores))) + "\n"


def to_gexf(G: nx.Graph, scores: dict[str, dict] | None = None) -> str:
    text = "\n".join(nx.generate_gexf(_flat(G, scores))) + "\n"
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)  # keep the bytes stable
