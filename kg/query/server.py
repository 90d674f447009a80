"""A read-only SPARQL 1.1 Protocol endpoint on localhost (``kg serve``).

Each query is checked (no updates, SERVICE, FROM/FROM NAMED; size cap) and
then evaluated in a forked worker process that is killed when the timeout
passes, so a runaway query (a cartesian product, a catastrophic regex) really
stops and the server keeps answering. The worker blocks network access with
an audit hook. Results are capped at ``max_rows``; a cut result carries the
header ``X-KG-Truncated: true`` and, in JSON, ``"truncated": true``.
"""
from __future__ import annotations

import json
import multiprocessing
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kg.errors import KGError, QueryError
from kg.query.engine import MAX_QUERY_CHARS
from kg.query.formats import MEDIA_TYPES, to_csv, to_json, to_ntriples, to_tsv

__all__ = ["build_server", "ServerSettings"]

_ACCEPT = [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("text/plain", "tsv"),
]
_RENDER = {"json": to_json, "csv": to_csv, "tsv": to_tsv}


class ServerSettings:
    def __init__(self, timeout: float = 10.0, max_rows: int = 10_000, max_query_chars: int = MAX_QUERY_CHARS,
                 max_workers: int = 2):
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_query_chars = max_query_chars
        self.max_workers = max_workers


def _no_network(event: str, args) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request", "subprocess.Popen", "os.system"):
        raise PermissionError(f"{event} is not allowed while answering a query")


def _evaluate(backend, text: str, fmt: str, settings: ServerSettings, conn) -> None:
    """Runs in the forked worker: evaluate, render, send (status, media type, body, truncated)."""
    sys.addaudithook(_no_network)
    try:
        result = backend.query(text, max_rows=settings.max_rows)
        if result.kind == "CONSTRUCT":
            body, media = to_ntriples(result), MEDIA_TYPES["nt"]
        else:
            body, media = _RENDER[fmt](result), MEDIA_TYPES[fmt]
        conn.send((200, media, body.encode("utf-8"), result.truncated))
    except QueryError as exc:
        conn.send((400, "text/plain", f"Error: {exc}\n".encode("utf-8"), False))
    except RecursionError:
        conn.send((400, "text/plain", b"Error: query is nested too deeply\n", False))
    except KGError as exc:
        conn.send((500, "text/plain", f"Error: {exc}\n".encode("utf-8"), False))
    except Exception as exc:  # report, never hang the parent
        conn.send((500, "text/plain", f"Error: {type(exc).__name__}: {exc}\n".encode("utf-8"), False))
    finally:
        conn.close()


class _Handler(BaseHTTPRequestHandler):
    server_version = "fintech-kg-sparql/0.1"
    protocol_version = "HTTP/1.1"

    # ------------------------------------------------------------ plumbing
    def log_message(self, fmt, *args):  # one short line per request on stderr
        if not self.server.quiet:
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def _send(self, status: int, media: str, body: bytes, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media + ("; charset=utf-8" if media.startswith("text/") or "json" in media else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-KG-Truncated, X-KG-Max-Rows")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, "text/plain", f"Error: {message}\n".encode("utf-8"))

    # ------------------------------------------------------------ protocol
    def do_OPTIONS(self):
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ("/sparql", "/"):
            return self._error(404, f"no such path {url.path}; the endpoint is /sparql")
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if "query" not in params and url.path == "/":
            info = (f"fintech-kg read-only SPARQL endpoint: GET or POST /sparql with query=…\n"
                    f"limits: timeout {self.server.settings.timeout} s, {self.server.settings.max_rows} rows, "
                    f"{self.server.settings.max_query_chars} characters per query\n")
            return self._send(200, "text/plain", info.encode("utf-8"))
        self._answer(params)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ("/sparql", "/"):
            return self._error(404, f"no such path {url.path}; the endpoint is /sparql")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._error(400, "bad Content-Length")
        limit = self.server.settings.max_query_chars * 4 + 1024
        if length > limit:
            self.close_connection = True
            return self._error(413, f"request body is {length} bytes; the limit is {limit}")
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/x-www-form-urlencoded":
            for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            params.setdefault("query", []).append(body)
        elif ctype == "application/sparql-update":
            return self._error(403, "updates are not allowed: this endpoint is read-only")
        else:
            return self._error(415, "POST a query as application/x-www-form-urlencoded (query=…) or application/sparql-query")
        self._answer(params)

    def _answer(self, params: dict) -> None:
        settings = self.server.settings
        if "update" in params:
            return self._error(403, "updates are not allowed: this endpoint is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return self._error(400, "default-graph-uri / named-graph-uri are not allowed: the endpoint serves one graph")
        queries = params.get("query", [])
        if len(queries) != 1:
            return self._error(400, "give exactly one query= parameter")
        text = queries[0]
        if len(text) > settings.max_query_chars:
            return self._error(400, f"query is {len(text)} characters long; the limit is {settings.max_query_chars}")
        fmt = self._format(params)
        if fmt is None:
            return self._error(406, "ask for application/sparql-results+json, text/csv or text/tab-separated-values")
        if not self.server.slots.acquire(timeout=settings.timeout):
            return self._error(503, "the server is busy; try again")
        try:
            status, media, body, truncated = self._run(text, fmt)
        finally:
            self.server.slots.release()
        extra = {"X-KG-Max-Rows": str(settings.max_rows)}
        if truncated:
            extra["X-KG-Truncated"] = "true"
        self._send(status, media, body, extra)

    def _format(self, params: dict) -> str | None:
        if "format" in params:
            fmt = params["format"][0].lower()
            return fmt if fmt in _RENDER else None
        accept = (self.headers.get("Accept") or "*/*").lower()
        for media, fmt in _ACCEPT:
            if media in accept:
                return fmt
        if "*/*" in accept or "application/*" in accept or "text/*" in accept:
            return "json"
        return None

    def _run(self, text: str, fmt: str):
        settings = self.server.settings
        ctx = multiprocessing.get_context("fork")
        receiver, sender = ctx.Pipe(duplex=False)
        worker = ctx.Process(target=_evaluate, args=(self.server.backend, text, fmt, settings, sender), daemon=True)
        worker.start()
        sender.close()
        try:
            if receiver.poll(settings.timeout):
                try:
                    return receiver.recv()
                except EOFError:
                    return 500, "text/plain", b"Error: the query worker died\n", False
            return 503, "text/plain", f"Error: query timed out after {settings.timeout:g} s and was stopped\n".encode(), False
        finally:
            if worker.is_alive():
                worker.kill()
            worker.join(5)
            receiver.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def build_server(backend, host: str = "127.0.0.1", port: int = 8000, settings: ServerSettings | None = None,
                 *, quiet: bool = False) -> ThreadingHTTPServer:
    """An HTTP server answering SPARQL queries on ``backend``; call ``serve_forever()`` on it (port 0 = any free port)."""
    if sys.platform == "win32":
        raise QueryError("kg serve needs a fork-capable system (Linux, macOS) to stop runaway queries")
    try:
        server = _Server((host, port), _Handler)
    except OSError as exc:
        raise QueryError(f"cannot listen on {host}:{port}: {exc.strerror}; pick another --port") from None
    server.backend = backend
    server.settings = settings or ServerSettings()
    server.slots = threading.BoundedSemaphore(server.settings.max_workers)
    server.quiet = quiet
    return server


def describe(server) -> str:
    host, port = server.server_address[:2]
    s = server.settings
    return json.dumps({"endpoint": f"http://{host}:{port}/sparql", "timeout_s": s.timeout, "max_rows": s.max_rows,
                       "max_query_chars": s.max_query_chars})
