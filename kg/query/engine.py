"""Run SPARQL queries on the graph: predeclared prefixes, safety checks, one result type.

Every backend (rdflib in memory, the pyoxigraph store, a remote endpoint)
answers with the same :class:`QueryResult`, whose terms are rdflib terms, so
formats and tests never care which engine ran the query.

Safety (see FINDINGS.md): queries are parsed with rdflib first and refused
when they are updates (INSERT, DELETE, LOAD, CLEAR …), use SERVICE, or carry a
dataset clause (FROM / FROM NAMED), which rdflib would resolve by reading
files or URLs. Query text is capped in size, and a parser RecursionError
becomes a clean :class:`~kg.errors.QueryError`.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import rdflib
import rdflib.plugins.sparql as rdflib_sparql
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import QueryError

# never let a query make rdflib fetch a URL or read a file
rdflib_sparql.SPARQL_LOAD_GRAPHS = False

__all__ = [
    "PREFIXES",
    "MAX_QUERY_CHARS",
    "QueryResult",
    "RdflibBackend",
    "check_query",
    "default_graph_files",
    "ontology_files",
    "read_graph",
    "to_rdflib_term",
]

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
KG = "https://w3id.org/fintech-kg/ontology#"

PREFIXES: dict[str, str] = {
    "kg": KG,
    "kge": "https://w3id.org/fintech-kg/entity/",
    "kga": "https://w3id.org/fintech-kg/article/",
    "kgm": "https://w3id.org/fintech-kg/mention/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

MAX_QUERY_CHARS = 20_000

# parse-tree nodes that would read data from outside the graph
_FORBIDDEN = {
    "ServiceGraphPattern": "SERVICE is not allowed: queries run on the local graph only",
    "DatasetClause": "FROM / FROM NAMED is not allowed: queries run on the loaded graph only; "
    "use --graph FILE to choose the data",
}


@dataclass(frozen=True)
class QueryResult:
    """Rows of a SELECT (``vars`` + ``rows``), the answer of an ASK, or the triples of a CONSTRUCT/DESCRIBE.

    ``rows`` hold rdflib terms (``None`` for an unbound variable); CONSTRUCT
    results use the variables ``subject``, ``predicate``, ``object``.
    ``truncated`` says a row cap cut the result.
    """

    kind: str  # "SELECT" | "ASK" | "CONSTRUCT"
    vars: tuple[str, ...] = ()
    rows: tuple[tuple[object, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False

    def as_strings(self) -> list[tuple[str, ...]]:
        """Rows as tuples of strings (N-Triples form, '' when unbound), sorted: for comparing engines.

        Numbers are written in one canonical form, because Oxigraph stores a
        number's value and rdflib its text: ``"0.003070"^^xsd:decimal`` from
        rdflib and ``"0.00307"^^xsd:decimal`` from Oxigraph compare equal.
        """
        return sorted(tuple(_comparable(t) for t in row) for row in self.rows)


_NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "decimal", "integer", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong")}


def _comparable(term) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in _NUMERIC:
        try:
            value = Decimal(str(term).strip()).normalize()
        except InvalidOperation:
            return term.n3()
        return f'"{value:f}"^^<{term.datatype}>'
    return term.n3()


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    kind: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    variables: frozenset[str] = field(default_factory=frozenset)


# ---------------------------------------------------------------- safety checks


def _walk(node, names: set[str], iris: set[URIRef], variables: set[str]) -> None:
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            names.add(x.name)
            stack.extend(x.values())
        elif isinstance(x, URIRef):
            iris.add(x)
        elif isinstance(x, rdflib.Variable):
            variables.add(str(x))
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)) or type(x).__name__ == "ParseResults":
            stack.extend(x)


def _syntax_error(text: str, exc) -> QueryError:
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    src = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    pointer = f"\n  {src}\n  {' ' * max(col - 1, 0)}^" if src else ""
    return QueryError(f"SPARQL syntax error at line {line}, column {col}: {msg}{pointer}")


@lru_cache(maxsize=1)
def _ontology_terms() -> frozenset[str]:
    """Local names the ontology defines under kg:, for 'did you mean' on typos."""
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    return frozenset(str(s)[len(KG):] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(KG))


def check_query(text: str, *, max_chars: int = MAX_QUERY_CHARS, check_terms: bool = True) -> CheckedQuery:
    """Parse ``text`` and refuse what a read-only query service must not run.

    Raises QueryError for syntax errors (with line and column), updates,
    SERVICE, FROM/FROM NAMED, over-long or too deeply nested queries, and kg:
    terms the ontology does not define (with a "did you mean").
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if len(text) > max_chars:
        raise QueryError(f"query is {len(text)} characters long; the limit is {max_chars}")
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except (ParseException, RecursionError):
            raise _syntax_error(text, exc) from None
        raise QueryError(
            "updates (INSERT, DELETE, LOAD, CLEAR, DROP …) are not allowed: the graph is read-only; "
            "rebuild it with `kg build` instead"
        ) from None
    except RecursionError:
        raise QueryError("query is nested too deeply to parse; simplify it") from None
    names: set[str] = set()
    iris: set[URIRef] = set()
    variables: set[str] = set()
    _walk(tree, names, iris, variables)
    for name, why in _FORBIDDEN.items():
        if name in names:
            raise QueryError(why)
    kind = next((k for k in ("SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery") if k in names), "")
    _check_names(tree, iris, check_terms)
    return CheckedQuery(text, kind.replace("Query", "").upper(), frozenset(variables))


def _check_names(tree, iris: set[URIRef], check_terms: bool) -> None:
    # prefixed names are parsed as pname CompValues; resolve kg:* ones by hand
    pnames: set[str] = set()
    used, declared = set(), set()
    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            # CompValue.get returns the key itself when it is missing: use dict access
            if x.name == "pname":
                used.add(str(dict.get(x, "prefix") or ""))
                if dict.get(x, "prefix") == "kg":
                    pnames.add(str(dict.get(x, "localname") or ""))
            elif x.name == "PrefixDecl":
                declared.add(str(dict.get(x, "prefix") or ""))
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)) or type(x).__name__ == "ParseResults":
            stack.extend(x)
    undeclared = sorted(used - declared - set(PREFIXES))
    if undeclared:
        raise QueryError(
            f"unknown prefix {', '.join(p + ':' for p in undeclared)}; predeclared: "
            f"{', '.join(p + ':' for p in PREFIXES)}; declare others with PREFIX name: <IRI>"
        )
    if not check_terms:
        return
    known = _ontology_terms()
    pnames |= {str(i)[len(KG):] for i in iris if str(i).startswith(KG)}
    unknown = sorted(n for n in pnames if n and n not in known)
    if unknown:
        hints = []
        for n in unknown:
            close = difflib.get_close_matches(n, known, n=1)
            hints.append(f"kg:{n}" + (f" (did you mean kg:{close[0]}?)" if close else ""))
        raise QueryError(f"unknown ontology term {', '.join(hints)}; the terms are in ontology/fintech.ttl")


# ---------------------------------------------------------------- graphs


def ontology_files() -> list[Path]:
    return [ONTOLOGY_DIR / "fintech.ttl", ONTOLOGY_DIR / "scenarios.ttl"]


def default_graph_files(build_dir: str | Path = "build") -> list[Path]:
    """``build/graph.ttl`` plus ``build/analysis.ttl`` when it exists."""
    build = Path(build_dir)
    graph = build / "graph.ttl"
    if not graph.exists():
        raise QueryError(f"{graph} does not exist; run `make graph` first or pass --graph FILE")
    files = [graph]
    if (build / "analysis.ttl").exists():
        files.append(build / "analysis.ttl")
    return files


def _rdf_format(path: Path) -> str:
    suffix = path.suffix.lower()
    formats = {".ttl": "turtle", ".nt": "nt", ".n3": "n3", ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads"}
    if suffix not in formats:
        raise QueryError(f"{path}: unsupported graph format {suffix!r}; use one of {', '.join(formats)}")
    return formats[suffix]


def read_graph(paths: Iterable[str | Path], *, with_ontology: bool = True) -> Graph:
    """One rdflib graph from the given files plus the ontology (class hierarchy, scenario taxonomy)."""
    g = Graph()
    files = [Path(p) for p in paths] + (ontology_files() if with_ontology else [])
    for path in files:
        if not path.exists():
            raise QueryError(f"graph file {path} does not exist")
        try:
            g.parse(path, format=_rdf_format(path))
        except QueryError:
            raise
        except Exception as exc:  # rdflib raises many parser exception types
            raise QueryError(f"cannot read graph file {path}: {exc}") from None
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def to_rdflib_term(term) -> object:
    """A pyoxigraph term (or None) as the equivalent rdflib term."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if kind == "Literal":
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise QueryError(f"unsupported RDF term in result: {term!r}")


# ---------------------------------------------------------------- rdflib backend


class RdflibBackend:
    """The default engine: an rdflib graph in memory. Parameters go through prepareQuery + initBindings."""

    name = "rdflib"

    def __init__(self, graph: Graph):
        self.graph = graph

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], *, with_ontology: bool = True) -> "RdflibBackend":
        return cls(read_graph(paths, with_ontology=with_ontology))

    def query(self, text: str, bindings: Mapping[str, object] | None = None, *, max_rows: int | None = None) -> QueryResult:
        from rdflib.plugins.sparql import prepareQuery

        check_query(text)
        try:
            prepared = prepareQuery(text, initNs=PREFIXES)
            result = self.graph.query(prepared, initBindings=dict(bindings or {}))
        except RecursionError:
            raise QueryError("query is nested too deeply to evaluate; simplify it") from None
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(f"query failed: {exc}") from None
        return _from_rdflib_result(result, max_rows)


def _from_rdflib_result(result, max_rows: int | None) -> QueryResult:
    if result.type == "ASK":
        return QueryResult("ASK", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        rows = [tuple(t) for t in result.graph]
        vars_ = ("subject", "predicate", "object")
        kind = "CONSTRUCT"
    else:
        vars_ = tuple(str(v) for v in result.vars)
        rows = [tuple(row) for row in result]
        kind = "SELECT"
    truncated = max_rows is not None and len(rows) > max_rows
    if truncated:
        rows = rows[:max_rows]
    return QueryResult(kind, vars_, tuple(rows), truncated=truncated)


# ---------------------------------------------------------------- parameters for engines without initBindings


def _term_ntriples(term) -> str:
    """N-Triples form of an rdflib term, written by pyoxigraph (which validates IRIs and escapes literals)."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING))))
    raise QueryError(f"cannot bind {term!r}: only IRIs and literals can be parameters")


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _first_group_brace(text: str) -> int:
    """Index of the ``{`` opening the query's WHERE group, skipping comments, strings and IRIs."""
    i, n = 0, len(text)
    upper = text.upper()
    construct = re.match(r"\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*|#[^\n]*\n\s*)*CONSTRUCT\s*\{", upper) is not None
    seen_where = not construct
    while i < n:
        ch = text[i]
        if ch == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif ch in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        elif ch == "<" and (m := _IRI_RE.match(text, i)):
            i = m.end()
            continue
        elif upper.startswith("WHERE", i):
            seen_where = True
        elif ch == "{" and seen_where:
            return i
        i += 1
    raise QueryError("cannot bind parameters: the query has no WHERE group")


_IRI_RE = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")


def with_values(text: str, bindings: Mapping[str, object] | None) -> str:
    """The query with ``VALUES ?name { term }`` opening its WHERE group, one per parameter.

    For engines without rdflib's initBindings (Oxigraph, remote endpoints).
    Each term is serialised by pyoxigraph as one N-Triples term, so a value
    can never become query syntax; the result is checked again by the caller.
    """
    if not bindings:
        return text
    values = " ".join(f"VALUES ?{name} {{ {_term_ntriples(term)} }}" for name, term in bindings.items()
                      if re.fullmatch(r"[A-Za-z_]\w*", name))
    if len(values.split("VALUES")) - 1 != len(bindings):
        raise QueryError("parameter names must be plain SPARQL variable names")
    at = _first_group_brace(text) + 1
    return f"{text[:at]} {values}\n{text[at:]}"
