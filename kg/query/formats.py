"""Query results as text: an aligned table for people, CSV/TSV/JSON (SPARQL 1.1 result formats) for tools."""
from __future__ import annotations

import csv
import io
import json
import unicodedata

from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError
from kg.query.engine import PREFIXES, QueryResult

__all__ = ["FORMATS", "MEDIA_TYPES", "render", "to_table", "to_csv", "to_tsv", "to_json", "to_ntriples"]

FORMATS = ("table", "csv", "tsv", "json")
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "nt": "application/n-triples",
}


def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def _display(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return _compact(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


def to_table(result: QueryResult) -> str:
    """Aligned columns (CJK characters count double), IRIs shortened with the known prefixes."""
    if result.kind == "ASK":
        return "yes" if result.boolean else "no"
    header = list(result.vars)
    body = [[_display(t).replace("\n", " ") for t in row] for row in result.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in body]
    n = len(body)
    footer = f"({n} row{'s' if n != 1 else ''}{', truncated' if result.truncated else ''})"
    return "\n".join(lines + [footer])


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results: plain values, no datatypes or languages."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ASK":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.vars)
    for row in result.rows:
        writer.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return out.getvalue()


def _tsv_term(term) -> str:
    if term is None:
        return ""
    return term.n3()  # N-Triples/Turtle form, escapes tabs and newlines in literals


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV results: terms in Turtle syntax."""
    if result.kind == "ASK":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    raise QueryError(f"cannot write {term!r} as a SPARQL JSON term")


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON; a top-level ``"truncated": true`` marks a cut result."""
    if result.kind == "ASK":
        doc = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.vars, row) if t is not None} for row in result.rows
        ]
        doc = {"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}
    if result.truncated:
        doc["truncated"] = True
    return json.dumps(doc, ensure_ascii=False, indent=1)


def to_ntriples(result: QueryResult) -> str:
    return "".join(" ".join(t.n3() for t in row) + " .\n" for row in result.rows)


def render(result: QueryResult, fmt: str) -> str:
    if fmt == "table":
        return to_table(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "json":
        return to_json(result)
    raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
