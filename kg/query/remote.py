"""An external SPARQL server: push the graph with the Graph Store Protocol, query it with the SPARQL Protocol.

SELECT and ASK answers are read as SPARQL JSON results, CONSTRUCT and DESCRIBE
answers as N-Triples (or Turtle). Tested against Oxigraph server (``oxigraph
serve``: query URL ``…/query``, store URL ``…/store``); Jena Fuseki uses
``/DATASET/query`` and ``/DATASET/data``.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Mapping, Sequence

from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError
from kg.query.engine import PREFIXES, QueryResult, check_query, to_rdflib_term, with_values

__all__ = ["RemoteBackend", "push_files"]

_TURTLE_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples"}
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_GRAPH_FORMATS = {"application/n-triples": "N_TRIPLES", "text/plain": "N_TRIPLES", "text/turtle": "TURTLE",
                  "application/x-turtle": "TURTLE"}


def _http(req: urllib.request.Request, timeout: float) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace")[:500]
        raise QueryError(f"{req.get_method()} {req.full_url} failed: HTTP {exc.code}: {body.strip()}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise QueryError(f"cannot reach {req.full_url}: {reason}; is the SPARQL server running?") from None


def _check_url(url: str) -> str:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise QueryError(f"endpoint {url!r} must be an http:// or https:// URL")
    return url


def _term(b: dict):
    kind = b.get("type")
    if kind == "uri":
        return URIRef(b["value"])
    if kind == "bnode":
        return BNode(b["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in b:
            return Literal(b["value"], lang=b["xml:lang"])
        dt = b.get("datatype")
        if dt and dt != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(b["value"], datatype=URIRef(dt))
        return Literal(b["value"])
    raise QueryError(f"endpoint returned an unknown term type {kind!r}")


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


class RemoteBackend:
    """Runs the same checked queries on a SPARQL 1.1 Protocol endpoint (POST, form-encoded ``query=``)."""

    name = "remote"

    def __init__(self, endpoint: str, *, timeout: float = 60.0):
        self.endpoint = _check_url(endpoint)
        self.timeout = timeout

    def query(self, text: str, bindings: Mapping[str, object] | None = None, *, max_rows: int | None = None) -> QueryResult:
        checked = check_query(text)
        full = _prologue() + with_values(text, bindings)
        check_query(full, check_terms=False)
        graph_result = checked.kind in ("CONSTRUCT", "DESCRIBE")
        data = urllib.parse.urlencode({"query": full}).encode("utf-8")
        req = urllib.request.Request(
            self.endpoint, data=data, method="POST",
            headers={"Accept": _GRAPH_ACCEPT if graph_result else "application/sparql-results+json",
                     "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        _, media, body = _http(req, self.timeout)
        if graph_result:
            rows = _triples(body, media, self.endpoint)
            vars_, kind, truncated = ("subject", "predicate", "object"), "CONSTRUCT", False
        else:
            try:
                doc = json.loads(body)
            except ValueError:
                raise QueryError(f"{self.endpoint} did not answer with SPARQL JSON results") from None
            if "boolean" in doc:
                return QueryResult("ASK", boolean=bool(doc["boolean"]))
            vars_ = tuple(doc["head"]["vars"])
            rows = [tuple(_term(b[v]) if v in b else None for v in vars_) for b in doc["results"]["bindings"]]
            kind, truncated = "SELECT", bool(doc.get("truncated"))
        truncated = truncated or (max_rows is not None and len(rows) > max_rows)
        if max_rows is not None:
            rows = rows[:max_rows]
        return QueryResult(kind, vars_, tuple(rows), truncated=truncated)


def _triples(body: bytes, media: str, endpoint: str) -> list[tuple]:
    """The triples of a CONSTRUCT/DESCRIBE answer (N-Triples or Turtle) as rows of rdflib terms."""
    import pyoxigraph as ox

    name = _GRAPH_FORMATS.get(media.split(";")[0].strip().lower())
    if name is None:
        raise QueryError(f"{endpoint} answered a CONSTRUCT/DESCRIBE with {media or 'no content type'}; "
                         "expected N-Triples or Turtle")
    try:
        return [(to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object))
                for t in ox.parse(input=body, format=getattr(ox.RdfFormat, name))]
    except (SyntaxError, ValueError) as exc:
        raise QueryError(f"{endpoint} sent a graph that cannot be parsed: {exc}") from None


def push_files(store_url: str, files: Sequence[str | Path], *, graph: str | None = None,
               replace: bool = True, timeout: float = 300.0) -> int:
    """Upload RDF files with the SPARQL 1.1 Graph Store Protocol; returns the number of bytes sent.

    With ``replace`` the first file is PUT (replacing the target graph) and the
    rest are POSTed (appended); otherwise every file is POSTed. ``graph`` names
    the target graph; by default the server's default graph.
    """
    _check_url(store_url)
    target = {"graph": graph} if graph else {"default": ""}
    sep = "&" if "?" in store_url else "?"
    url = store_url + sep + urllib.parse.urlencode(target).replace("default=", "default")
    sent = 0
    for i, path in enumerate(Path(p) for p in files):
        ctype = _TURTLE_TYPES.get(path.suffix.lower())
        if ctype is None:
            raise QueryError(f"{path}: only .ttl and .nt files can be pushed")
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise QueryError(f"cannot read {path}: {exc.strerror}") from None
        method = "PUT" if replace and i == 0 else "POST"
        req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": ctype})
        _http(req, timeout)
        sent += len(body)
    return sent
