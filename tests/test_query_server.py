"""kg serve over real HTTP on 127.0.0.1, and kg push / --endpoint against a real Oxigraph server."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.query.engine import RdflibBackend
from kg.query.saved import Param, SavedQuery, bind_params, list_saved_queries
from kg.query.server import ServerSettings, build_server
from kg.query.store import OxigraphBackend

FIXTURE = Path(__file__).parent / "fixtures" / "query_graph.ttl"
EXAMPLES = {"org": "支付宝", "scenario": "线下支付", "platform": "Apple Pay", "name": "招商银行",
            "a": "支付宝", "b": "大润发", "since": "2016-01-01", "head": "支付宝", "tail": "大润发"}


def _request(url, *, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def endpoint(request):
    backend = (OxigraphBackend if request.param == "oxigraph" else RdflibBackend).from_files([FIXTURE])
    server = build_server(backend, "127.0.0.1", 0, ServerSettings(timeout=2.0, max_rows=5), quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def _get(endpoint, query, **extra):
    return _request(endpoint + "?" + urllib.parse.urlencode({"query": query, **extra}),
                    headers={"Accept": "application/sparql-results+json"})


def test_query_server_get_post_and_formats(endpoint):
    q = "SELECT ?name WHERE { kge:支付宝 rdfs:label ?name FILTER(lang(?name) = 'zh') }"
    status, headers, body = _get(endpoint, q)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"] == [{"name": {"type": "literal", "value": "支付宝", "xml:lang": "zh"}}]
    status, headers, body = _request(endpoint, data=urllib.parse.urlencode({"query": q}).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body == "name\r\n支付宝\r\n"
    status, headers, body = _request(endpoint, data=q.encode(), headers={"Content-Type": "application/sparql-query",
                                                                         "Accept": "text/tab-separated-values"})
    assert status == 200 and body == '?name\n"支付宝"@zh\n'
    status, _, body = _get(endpoint, "ASK { kge:支付宝 kg:partnersWith kge:大润发 }", format="json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_query_server_row_cap_is_marked(endpoint):
    status, headers, body = _get(endpoint, "SELECT ?s WHERE { ?s a kg:RelationMention }")
    doc = json.loads(body)
    assert status == 200 and len(doc["results"]["bindings"]) == 5
    assert doc["truncated"] is True and headers["X-KG-Truncated"] == "true"
    status, headers, body = _get(endpoint, "SELECT ?s WHERE { ?s a kg:Article }")
    assert "X-KG-Truncated" not in headers and "truncated" not in json.loads(body)


@pytest.mark.parametrize("query, status", [
    ("INSERT DATA { kge:x kg:partnersWith kge:y }", 400),
    ("DROP ALL", 400),
    ("LOAD <http://127.0.0.1:9/x.ttl>", 400),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 400),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 400),
    ("SELECT * WHERE { ?s ?p }", 400),
    ("SELECT * WHERE { " + "{ " * 500 + "?s ?p ?o" + " }" * 500 + " }", 400),
    ("SELECT * WHERE { ?s ?p '" + "x" * 25_000 + "' }", 400),
])
def test_query_server_refuses_attacks_and_stays_up(endpoint, query, status):
    got, _, body = _request(endpoint, data=urllib.parse.urlencode({"query": query}).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert got == status and body.startswith("Error:")
    assert _get(endpoint, "ASK { ?s ?p ?o }")[0] == 200


def test_query_server_refuses_update_requests(endpoint):
    assert _request(endpoint, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})[0] == 403
    assert _request(endpoint, data=b"update=DROP+ALL", headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert _get(endpoint, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": "file:///etc/passwd"})[0] == 400
    status, _, body = _get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 400  # nothing dropped


@pytest.mark.parametrize("runaway", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",  # cartesian product, ~1e13 rows
    'SELECT ?s WHERE { ?s ?p ?o . ?x ?y ?z FILTER(regex(CONCAT(STR(?o), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"), "^(a+)+$")) }',
], ids=["cartesian", "regex"])
def test_query_server_timeout_stops_runaway_query(endpoint, runaway):
    start = time.monotonic()
    status, _, body = _get(endpoint, runaway)
    elapsed = time.monotonic() - start
    # Oxigraph's regex engine does not backtrack, so that query may simply finish; otherwise it must be stopped
    assert (status == 503 and "timed out" in body) or (status == 200 and "regex" in runaway)
    assert elapsed < 6
    status, _, body = _get(endpoint, "SELECT ?o WHERE { kge:支付宝 kg:competesWith|^kg:competesWith ?o }")
    assert status == 200 and "微信支付" in body


def test_query_server_404_and_info(endpoint):
    assert _request(endpoint.replace("/sparql", "/nope"))[0] == 404
    status, _, body = _request(endpoint.replace("/sparql", "/"))
    assert status == 200 and "read-only" in body


# ---------------------------------------------------------------- external Oxigraph server


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    import sys

    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph, in the test extras)")
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxi")), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("oxigraph server did not start")
    yield base
    proc.terminate()
    proc.wait(10)


def test_query_push_and_endpoint_match_local(oxigraph_server, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main
    from kg.query.engine import ontology_files
    from kg.query.remote import RemoteBackend

    runner = CliRunner()
    args = ["push", "--endpoint", oxigraph_server + "/store", "--graph", str(FIXTURE)]
    for f in ontology_files():
        args += ["--graph", str(f)]
    out = runner.invoke(main, args)
    assert out.exit_code == 0, out.output
    remote = RemoteBackend(oxigraph_server + "/query")
    local = RdflibBackend.from_files([FIXTURE])
    for q in list_saved_queries():
        values = {p.name: EXAMPLES[p.name] for p in q.params if p.default is None}
        if q.name == "group_members":
            values = {"org": "腾讯"}
        bindings = bind_params(q, values)
        assert remote.query(q.text, bindings).as_strings() == local.query(q.text, bindings).as_strings(), q.name
    # injection through a parameter returns nothing on the server either
    q = next(q for q in list_saved_queries() if q.name == "partners")
    assert remote.query(q.text, bind_params(q, {"org": '支付宝"@zh } UNION { ?e ?p ?org } #'})).rows == ()
    cli = runner.invoke(main, ["query", "partners", "--param", "org=支付宝", "--endpoint", oxigraph_server + "/query"])
    assert cli.exit_code == 0 and "招行宣布与支付宝达成合作。" in cli.output
    # pushing again replaces rather than duplicates
    assert runner.invoke(main, args).exit_code == 0
    n = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    assert int(n) == len(local.graph)


def test_query_endpoint_unreachable_is_clean_error():
    from kg.errors import QueryError
    from kg.query.remote import RemoteBackend

    with pytest.raises(QueryError, match="cannot reach"):
        RemoteBackend(f"http://127.0.0.1:{_free_port()}/query").query("ASK {}")


def _push_fixture(base):
    from kg.query.engine import ontology_files
    from kg.query.remote import push_files

    push_files(base + "/store", [FIXTURE, *ontology_files()])


def test_query_endpoint_construct_describe_ask(oxigraph_server):
    from click.testing import CliRunner
    from rdflib import Literal, URIRef

    from kg.cli import main
    from kg.query.remote import RemoteBackend

    _push_fixture(oxigraph_server)
    remote = RemoteBackend(oxigraph_server + "/query")
    construct = "CONSTRUCT { ?b kg:partnersWith ?a } WHERE { ?a kg:partnersWith ?b }"
    got = remote.query(construct)
    assert got.kind == "CONSTRUCT" and got.vars == ("subject", "predicate", "object")
    assert got.rows and got.as_strings() == RdflibBackend.from_files([FIXTURE]).query(construct).as_strings()
    # DESCRIBE differs between engines (Oxigraph: the resource's outgoing triples); compare with embedded Oxigraph
    describe = "DESCRIBE kge:支付宝"
    card = remote.query(describe)
    assert card.as_strings() == OxigraphBackend.from_files([FIXTURE]).query(describe).as_strings()
    zfb = URIRef("https://w3id.org/fintech-kg/entity/支付宝")
    assert (zfb, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("支付宝", lang="zh")) in card.rows
    assert {row[0] for row in card.rows} == {zfb}
    assert remote.query("ASK { kge:支付宝 kg:partnersWith kge:大润发 }").boolean is True
    assert remote.query("ASK { kge:支付宝 kg:partnersWith kge:微信支付 }").boolean is False
    # parameters are bound in CONSTRUCT queries too
    q = SavedQuery("c", "CONSTRUCT { ?e kg:competesWith ?r } WHERE { ?e rdfs:label ?org ; kg:competesWith|^kg:competesWith ?r }",
                   params=(Param("org"),))
    assert [str(r[2]).rsplit("/", 1)[1] for r in remote.query(q.text, bind_params(q, {"org": "支付宝"})).rows] == ["微信支付"]
    cli = CliRunner().invoke(main, ["query", construct, "--endpoint", oxigraph_server + "/query", "--format", "tsv"])
    assert cli.exit_code == 0, cli.output
    assert "kge:" in cli.output or "https://w3id.org/fintech-kg/entity/" in cli.output
