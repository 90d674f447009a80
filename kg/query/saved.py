"""Saved queries: ``ontology/queries/NAME.rq`` with a header saying the question and the parameters.

Header format (comment lines at the top of the file)::

    # Question: Who are the partners of an organisation, with evidence?
    # Param: org — an organisation's zh name
    # Param: since (date, default 2015-01-01) — earliest article date

A parameter's type is one of ``label`` (the default: a zh name, bound as
``"…"@zh`` so it matches ``rdfs:label``), ``string``, ``date``, ``integer``,
``decimal`` or ``iri`` (``kg:Bank`` or a full IRI). Values are always bound as
RDF terms (rdflib initBindings / pyoxigraph substitutions), never pasted into
the query text, so a value cannot change what the query does. A parameter
variable must not appear in the SELECT clause.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import QueryError
from kg.query.engine import ONTOLOGY_DIR, PREFIXES

__all__ = ["Param", "SavedQuery", "QUERY_DIR", "read_saved_query", "list_saved_queries", "resolve_query", "bind_params"]

QUERY_DIR = ONTOLOGY_DIR / "queries"
PARAM_TYPES = ("label", "string", "date", "integer", "decimal", "iri")

_PARAM_RE = re.compile(r"^#\s*Param:\s*(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<opts>[^)]*)\))?\s*(?:—|--|-|:)?\s*(?P<doc>.*)$")
_QUESTION_RE = re.compile(r"^#\s*Question:\s*(?P<q>.+)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "label"
    default: str | None = None
    doc: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    text: str
    question: str = ""
    params: tuple[Param, ...] = ()
    path: Path | None = None


def _parse_header(text: str, where: str) -> tuple[str, tuple[Param, ...]]:
    question, params = "", []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if m := _QUESTION_RE.match(stripped):
            question = m["q"].strip()
        elif m := _PARAM_RE.match(stripped):
            ptype, default = "label", None
            for opt in filter(None, (o.strip() for o in (m["opts"] or "").split(","))):
                if opt.startswith("default"):
                    default = opt[len("default"):].strip().lstrip("=").strip()
                elif opt in PARAM_TYPES:
                    ptype = opt
                else:
                    raise QueryError(f"{where}: unknown parameter option {opt!r}; use a type ({', '.join(PARAM_TYPES)}) or 'default VALUE'")
            params.append(Param(m["name"], ptype, default, m["doc"].strip()))
    return question, tuple(params)


def read_saved_query(path: str | Path) -> SavedQuery:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read query file {path}: {exc.strerror}") from None
    question, params = _parse_header(text, str(path))
    return SavedQuery(path.stem, text, question, params, path)


def list_saved_queries(query_dir: str | Path = QUERY_DIR) -> list[SavedQuery]:
    return [read_saved_query(p) for p in sorted(Path(query_dir).glob("*.rq"))]


def resolve_query(arg: str, query_dir: str | Path = QUERY_DIR) -> SavedQuery:
    """``arg`` is a saved query name, a path to a ``.rq`` file, or the query text itself."""
    candidate = Path(arg)
    if arg.endswith(".rq") or (len(arg) < 4096 and "\n" not in arg and candidate.suffix == ".rq"):
        if candidate.exists():
            return read_saved_query(candidate)
        raise QueryError(f"query file {arg} does not exist")
    if re.fullmatch(r"[A-Za-z_][\w-]*", arg):
        path = Path(query_dir) / f"{arg}.rq"
        if path.exists():
            return read_saved_query(path)
        names = [p.stem for p in sorted(Path(query_dir).glob("*.rq"))]
        close = difflib.get_close_matches(arg, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise QueryError(f"no saved query named {arg!r}.{hint} Saved queries: {', '.join(names)}")
    question, params = _parse_header(arg, "query")
    return SavedQuery("query", arg, question, params)


def _to_term(param: Param, value: str):
    try:
        if param.type == "label":
            return Literal(value, lang="zh")
        if param.type == "string":
            return Literal(value)
        if param.type == "date":
            return Literal(dt.date.fromisoformat(value).isoformat(), datatype=XSD.date)
        if param.type == "integer":
            return Literal(str(int(value)), datatype=XSD.integer)
        if param.type == "decimal":
            return Literal(str(Decimal(value)), datatype=XSD.decimal)
        if param.type == "iri":
            prefix, sep, local = value.partition(":")
            if sep and prefix in PREFIXES and not local.startswith("//"):
                value = PREFIXES[prefix] + local
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", value):
                raise ValueError("not an IRI")
            return URIRef(value)
    except (ValueError, InvalidOperation):
        pass
    examples = {"date": "2015-09-30", "integer": "10", "decimal": "0.5", "iri": "kg:Bank"}
    raise QueryError(f"parameter {param.name}={value!r} is not a valid {param.type}; example: {param.name}={examples.get(param.type, '支付宝')}")


def bind_params(query: SavedQuery, values: Mapping[str, str]) -> dict[str, object]:
    """Check the given ``name=value`` parameters against the header and turn them into RDF terms."""
    declared = {p.name: p for p in query.params}
    unknown = [k for k in values if k not in declared]
    if unknown:
        names = ", ".join(declared) or "none"
        raise QueryError(f"unknown parameter {', '.join(unknown)} for query {query.name!r}; its parameters: {names}")
    bindings, missing = {}, []
    for p in query.params:
        value = values.get(p.name, p.default)
        if value is None:
            missing.append(f"--param {p.name}=…  ({p.doc or p.type})")
            continue
        bindings[p.name] = _to_term(p, value)
    if missing:
        raise QueryError(f"query {query.name!r} needs: " + "; ".join(missing))
    return bindings


def parse_param_args(items) -> dict[str, str]:
    """``["org=支付宝", ...]`` → ``{"org": "支付宝"}``."""
    out = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {item!r} must look like name=value, e.g. --param org=支付宝")
        out[name.strip()] = value
    return out
