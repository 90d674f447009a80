"""kg.query: saved queries, parameters, safety checks, formats and the rdflib ↔ Oxigraph differential."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.errors import KGError, QueryError
from kg.query.engine import RdflibBackend, check_query
from kg.query.formats import render
from kg.query.saved import bind_params, list_saved_queries, resolve_query
from kg.query.store import OxigraphBackend

FIXTURE = Path(__file__).parent / "fixtures" / "query_graph.ttl"

# one example value per parameter name, for running every saved query
EXAMPLES = {"org": "支付宝", "scenario": "线下支付", "platform": "Apple Pay", "name": "招商银行",
            "a": "支付宝", "b": "大润发", "since": "2016-01-01", "head": "支付宝", "tail": "大润发",
            "group_members.org": "腾讯"}


@pytest.fixture(scope="module")
def rdflib_backend():
    return RdflibBackend.from_files([FIXTURE])


@pytest.fixture(scope="module")
def ox_backend():
    return OxigraphBackend.from_files([FIXTURE])


def _run(backend, query_name, **params):
    q = resolve_query(query_name)
    return backend.query(q.text, bind_params(q, {k: str(v) for k, v in params.items()}))


def _column(result, var):
    i = result.vars.index(var)
    return [None if r[i] is None else str(r[i]) for r in result.rows]


def test_query_saved_queries_have_headers():
    saved = list_saved_queries()
    assert len(saved) >= 10
    for q in saved:
        assert q.question, f"{q.name}.rq has no '# Question:' line"
        for p in q.params:
            assert p.doc, f"{q.name}.rq: parameter {p.name} has no description"
            # a parameter must stay out of the SELECT clause (VALUES binding and substitution rely on it)
            select = q.text.split("WHERE")[0]
            assert f"?{p.name} " not in select + " ", f"{q.name}.rq projects its parameter ?{p.name}"


@pytest.mark.parametrize("q", list_saved_queries(), ids=lambda q: q.name)
def test_query_saved_differential_rdflib_vs_oxigraph(q, rdflib_backend, ox_backend):
    bindings = bind_params(q, {p.name: EXAMPLES.get(f"{q.name}.{p.name}", EXAMPLES[p.name])
                              for p in q.params if p.default is None})
    a = rdflib_backend.query(q.text, bindings)
    b = ox_backend.query(q.text, bindings)
    assert a.vars == b.vars
    assert a.as_strings() == b.as_strings()
    assert a.rows, f"{q.name} returns nothing on the fixture; the fixture should exercise it"


@pytest.mark.parametrize(
    "name, params, var, expected",
    [
        ("partners", {"org": "支付宝"}, "partnerName", ["大润发", "大润发", "招商银行"]),
        ("partners", {"org": "招商银行"}, "partnerName", ["Apple Pay", "云闪付", "支付宝"]),  # both directions
        ("products", {"org": "招商银行"}, "productName", ["一闪通"]),
        ("scenario_players", {"scenario": "线下支付"}, "actorName", ["云闪付", "微信支付", "微信支付", "支付宝"]),
        ("scenario_players", {"scenario": "地铁"}, "actorName", ["微信支付"]),
        ("platform_banks", {"platform": "Apple Pay"}, "bankName", ["招商银行"]),
        ("platform_banks", {"platform": "云闪付"}, "bankName", ["招商银行"]),
        ("market_share", {}, "name", ["支付宝", "财付通", "中国银联"]),
        ("market_share", {"period": "2015Q2"}, "name", ["支付宝"]),
        ("co_mentions", {"a": "支付宝", "b": "招商银行"}, "article", ["https://w3id.org/fintech-kg/article/bank-001"]),
        ("competitors", {"org": "支付宝"}, "rivalName", ["微信支付"]),
        ("group_members", {"org": "腾讯"}, "memberName", ["微信支付", "财付通"]),
        ("edge_evidence", {"head": "大润发", "tail": "支付宝"}, "rule", ["signs_agreement", "cooperates_with"]),
        ("edge_evidence", {"head": "支付宝", "tail": "余额宝", "relation": "kg:launchesProduct"}, "rule", ["launches"]),
    ],
)
def test_query_saved_expected_rows(rdflib_backend, ox_backend, name, params, var, expected):
    for backend in (rdflib_backend, ox_backend):
        assert _column(_run(backend, name, **params), var) == expected


def test_query_listed_companies_gives_codes_articles_and_relations(rdflib_backend, ox_backend):
    for backend in (rdflib_backend, ox_backend):
        r = _run(backend, "listed_companies")
        assert [tuple(str(v) for v in row) for row in r.rows] == [("600036", "招商银行", "2", "3")]


def test_query_market_share_is_ranked(rdflib_backend):
    shares = [float(v) for v in _column(_run(rdflib_backend, "market_share"), "share")]
    assert shares == [71.51, 15.99, 9.5]


def test_query_top_pagerank_per_class(rdflib_backend):
    r = _run(rdflib_backend, "top_pagerank", top=2)
    rows = {(str(row[0]).split("#")[1], int(row[1]), str(row[3])) for row in r.rows}
    assert ("PaymentPlatform", 1, "支付宝") in rows and ("PaymentPlatform", 2, "微信支付") in rows
    assert not any(cls == "PaymentPlatform" and rank == 3 for cls, rank, _ in rows)


def test_query_new_edges_since_counts_first_report(rdflib_backend):
    r = _run(rdflib_backend, "new_edges", since="2016-03-01")
    found = {(str(a), str(p), str(b)) for a, p, b, _ in r.rows}
    assert ("招商银行", "partnersWith", "支付宝") in found
    # 支付宝–大润发 was mentioned again in 2016 but first reported in 2015: not new
    assert ("支付宝", "partnersWith", "大润发") not in found


def test_query_entity_card(rdflib_backend):
    r = _run(rdflib_backend, "entity_card", name="支付宝")
    fields = {(str(f), str(v)) for f, v, _ in r.rows}
    assert {("alias", "支付宝钱包"), ("parent", "蚂蚁集团"), ("marketShare", "71.51"), ("pageRank", "0.18"),
            ("competesWith", "微信支付"), ("launchesProduct", "余额宝")} <= fields


@pytest.mark.parametrize("payload", [
    '支付宝"@zh . ?e ?p ?o . #',
    '支付宝"@zh } UNION { ?e ?p ?org } #',
    "支付宝' } ?s ?p ?o {",
    "x\\\" ) } SELECT * WHERE { ?s ?p ?o",
])
def test_query_param_injection_returns_nothing_extra(rdflib_backend, ox_backend, payload):
    for backend in (rdflib_backend, ox_backend):
        assert _run(backend, "partners", org=payload).rows == ()
        assert _run(backend, "partners", org="支付宝").rows  # still works


@pytest.mark.parametrize("text, message", [
    ("INSERT DATA { kge:a kg:partnersWith kge:b }", "updates"),
    ("DELETE WHERE { ?s ?p ?o }", "updates"),
    ("LOAD <http://example.org/x.ttl>", "updates"),
    ("CLEAR ALL", "updates"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("SELECT * WHERE {\n  ?s kg:partnerWith ?o }", "did you mean kg:partnersWith"),
    ("SELECT * WHERE { ?s nope:x ?o }", "nope"),
    ("SELECT * WHERE {\n  ?s ?p }", "line 2, column"),
    ("SELECT * WHERE { " + "{ " * 400 + "?s ?p ?o" + " }" * 400 + " }", "nested too deeply"),
    ("SELECT * WHERE { ?s ?p \"" + "x" * 30_000 + "\" }", "limit"),
])
def test_query_refused(rdflib_backend, ox_backend, text, message):
    for backend in (rdflib_backend, ox_backend):
        with pytest.raises(QueryError, match=message.replace("(", r"\(")):
            backend.query(text)
    assert issubclass(QueryError, KGError)


def test_query_many_triple_patterns_is_a_clean_error_or_answer(rdflib_backend):
    text = "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(200)) + " } LIMIT 1"
    try:
        check_query(text)
    except QueryError as exc:
        assert "nested too deeply" in str(exc)


def test_query_unknown_param_and_missing_param():
    q = resolve_query("partners")
    with pytest.raises(QueryError, match="unknown parameter"):
        bind_params(q, {"orgg": "支付宝"})
    with pytest.raises(QueryError, match="needs"):
        bind_params(q, {})
    with pytest.raises(QueryError, match="not a valid date"):
        bind_params(resolve_query("new_edges"), {"since": "2016/13/01"})


def test_query_formats(rdflib_backend):
    r = _run(rdflib_backend, "market_share")
    doc = json.loads(render(r, "json"))
    assert doc["head"]["vars"] == ["entity", "name", "share", "unit", "article"]
    first = doc["results"]["bindings"][0]
    assert first["name"] == {"type": "literal", "value": "支付宝", "xml:lang": "zh"}
    assert first["share"]["datatype"].endswith("#decimal")
    csv_lines = render(r, "csv").splitlines()
    assert csv_lines[0] == "entity,name,share,unit,article" and "71.51" in csv_lines[1]
    tsv_lines = render(r, "tsv").splitlines()
    assert tsv_lines[0].startswith("?entity\t?name") and '"支付宝"@zh' in tsv_lines[1]
    table = render(r, "table")
    assert "kge:支付宝" in table and "(3 rows)" in table
    ask = rdflib_backend.query("ASK { kge:支付宝 kg:partnersWith kge:大润发 }")
    assert json.loads(render(ask, "json"))["boolean"] is True


def test_query_cli(tmp_path):
    from kg.cli import main

    runner = CliRunner()
    ok = runner.invoke(main, ["query", "partners", "--graph", str(FIXTURE), "--param", "org=支付宝"])
    assert ok.exit_code == 0, ok.output
    assert "大润发" in ok.output and "招行宣布与支付宝达成合作。" in ok.output
    rq = tmp_path / "mine.rq"
    rq.write_text("# Question: test\n# Param: org — a name\nSELECT ?p WHERE { ?e rdfs:label ?org ; kg:launchesProduct ?p }\n",
                  encoding="utf-8")
    out = runner.invoke(main, ["query", str(rq), "--graph", str(FIXTURE), "--param", "org=支付宝", "--format", "csv"])
    assert out.exit_code == 0 and "余额宝" in out.output
    store = runner.invoke(main, ["query", "competitors", "--graph", str(FIXTURE), "--param", "org=支付宝",
                                 "--store", str(tmp_path / "store")])
    assert store.exit_code == 0 and "微信支付" in store.output
    bad = runner.invoke(main, ["query", "SELECT * WHERE { ?s ?p }", "--graph", str(FIXTURE)])
    assert bad.exit_code == 1 and bad.output.startswith("Error: SPARQL syntax error at line 1")
    for cmd in ("query", "serve", "push"):
        assert "Example:" in main.commands[cmd].help


def test_query_store_reloads_only_when_files_change(tmp_path):
    from kg.query.store import open_store

    graph = tmp_path / "g.ttl"
    graph.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    store = open_store(tmp_path / "s", [graph])
    n = len(store)
    del store
    store = open_store(tmp_path / "s", [graph])
    assert len(store) == n
    del store
    graph.write_text(graph.read_text(encoding="utf-8") + "\nkge:新 a kg:Company .\n", encoding="utf-8")
    store = open_store(tmp_path / "s", [graph])
    assert len(store) == n + 1


# the definition top_pagerank.rq must agree with: every member compared with every other member
PAIRWISE_TOP = """SELECT ?class ?rank ?entity ?name ?pageRank WHERE {
  { SELECT ?entity ?class ?pageRank (COUNT(?other) + 1 AS ?rank) WHERE {
      ?entity a ?class ; kg:pageRank ?pageRank . FILTER(STRSTARTS(STR(?class), STR(kg:)))
      OPTIONAL { ?other a ?class ; kg:pageRank ?otherRank . FILTER(?otherRank > ?pageRank) }
    } GROUP BY ?entity ?class ?pageRank }
  FILTER(?rank <= ?top)
  ?entity rdfs:label ?name . FILTER(lang(?name) = "zh")
}"""


def _ranking_graph(path: Path) -> Path:
    """More than 100 scored entities: a big class that fills the upper set, a low-scored class that
    has no member in it, a small high-scored class, and ties everywhere."""
    lines = ["@prefix kg: <https://w3id.org/fintech-kg/ontology#> .", "@prefix kge: <https://w3id.org/fintech-kg/entity/> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    members = ([("Company", f"公司{i}", 0.5 + (i // 2) / 1000) for i in range(130)]
               + [("JointStockBank", f"银行{i}", 0.01 + (i // 3) / 10000) for i in range(30)]
               + [("Person", f"人物{i}", 0.9 - (i // 2) / 100) for i in range(5)])
    for cls, name, score in members:
        lines.append(f'kge:{name} a kg:{cls} ; rdfs:label "{name}"@zh ; kg:pageRank {score:.6f} .')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("top", [1, 2, 3, 10])
def test_query_top_pagerank_matches_pairwise_ranking(tmp_path, top):
    from rdflib import Literal
    from rdflib.namespace import XSD

    graph = _ranking_graph(tmp_path / "ranks.ttl")
    fast = resolve_query("top_pagerank").text
    bindings = {"top": Literal(top, datatype=XSD.integer)}
    for backend in (RdflibBackend.from_files([graph]), OxigraphBackend.from_files([graph])):
        expected = backend.query(PAIRWISE_TOP, bindings).as_strings()
        got = backend.query(fast, bindings)
        assert got.as_strings() == expected
        classes = {str(row[0]).rsplit("#", 1)[1] for row in got.rows}
        assert classes == {"Company", "JointStockBank", "Person"}
        assert {str(r[3]) for r in got.rows if str(r[0]).endswith('Company') and int(r[1]) == 1} == {"公司128", "公司129"}
