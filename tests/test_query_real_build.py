"""Saved queries on the real sample build, checked by hand against the article text in corpus/.

The sample corpus is built once (``kg build corpus`` + ``kg analyze`` into a
temporary folder). Every expectation below was checked by reading the article
it names; the quoted sentence is the evidence. Each assertion runs on the
default rdflib graph and on the persistent Oxigraph store filled by
``kg store``, and every saved query must answer the same on both.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query.engine import RdflibBackend
from kg.query.saved import bind_params, list_saved_queries, resolve_query
from kg.query.store import OxigraphBackend

REPO = Path(__file__).resolve().parents[1]
KGA = "https://w3id.org/fintech-kg/article/"
KGE = "https://w3id.org/fintech-kg/entity/"

# parameters for running every saved query on the real build
REAL_EXAMPLES = {"org": "支付宝", "scenario": "财富管理", "platform": "Apple Pay", "name": "招商银行",
                 "a": "支付宝", "b": "财付通", "since": "2020-01-01", "head": "支付宝", "tail": "天弘基金",
                 "group_members.org": "腾讯"}


def _invoke(*args: str) -> str:
    out = CliRunner().invoke(main, list(args))
    assert out.exit_code == 0, out.output
    return out.output


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "build"
    _invoke("build", str(REPO / "corpus"), "--out", str(out))
    _invoke("analyze", str(out))
    _invoke("store", str(out))
    return out


@pytest.fixture(scope="module")
def engines(build):
    files = [build / "graph.ttl", build / "analysis.ttl"]
    store = OxigraphBackend.from_files([build / "graph.nt", build / "analysis.ttl"], build / "store")
    return RdflibBackend.from_files(files), store


def _both(engines, query: str, **params) -> list[dict]:
    """The rows of a saved query as dicts of strings; the store must give the same rows."""
    q = resolve_query(query)
    bindings = bind_params(q, params)
    result, on_store = (backend.query(q.text, bindings) for backend in engines)
    assert result.as_strings() == on_store.as_strings(), query  # numbers compared by value
    return [{v: (None if t is None else str(t)) for v, t in zip(result.vars, row)} for row in result.rows]


@pytest.mark.parametrize("q", list_saved_queries(), ids=lambda q: q.name)
def test_query_real_build_store_answers_like_rdflib(engines, q):
    bindings = bind_params(q, {p.name: REAL_EXAMPLES.get(f"{q.name}.{p.name}", REAL_EXAMPLES[p.name])
                              for p in q.params if p.default is None})
    a, b = (backend.query(q.text, bindings) for backend in engines)
    assert a.vars == b.vars
    assert a.as_strings() == b.as_strings()


def test_query_real_build_partners_of_alipay(engines):
    # 01-yuebao-launch: “这款产品是支付宝与天弘基金合作的成果。”
    rows = _both(engines, "partners", org="支付宝")
    assert {"partner": KGE + "天弘基金", "partnerName": "天弘基金", "evidence": "这款产品是支付宝与天弘基金合作的成果。",
            "article": KGA + "01-yuebao-launch", "date": "2014-01-22"} in rows
    # 13-analysys: the “支付宝 与 微信支付 合作 推出” decoy sits in a <script>, outside the article
    assert not any(r["partnerName"] == "微信支付" for r in rows)


@pytest.mark.parametrize("period, expected, article", [
    # 12-gbk-wechat-pay-redpacket: “2015年第三季度，支付宝以71.51%的市场份额位居移动支付市场第一；财付通以15.99%的市场份额排名第二”
    ("2015Q3", [("支付宝", Decimal("71.51")), ("财付通", Decimal("15.99"))], "12-gbk-wechat-pay-redpacket"),
    # 13-analysys: “支付宝以53.70%的市场份额位居第一，财付通以39.51%的市场份额排名第二”
    ("2017Q1", [("支付宝", Decimal("53.70")), ("财付通", Decimal("39.51"))], "13-analysys-mobile-payment-2017q1"),
])
def test_query_real_build_market_share_ranking(engines, period, expected, article):
    rows = _both(engines, "market_share", period=period)
    assert [(r["name"], Decimal(r["share"])) for r in rows] == expected
    assert {r["article"] for r in rows} == {KGA + article} and {r["unit"] for r in rows} == {"%"}


def test_query_real_build_products(engines):
    alipay = {r["productName"]: r for r in _both(engines, "products", org="支付宝")}
    # 01: “2013年6月13日，支付宝正式上线“余额宝”。” (article dated 2014-01-22)
    assert alipay["余额宝"]["firstReported"] == "2014-01-22"
    # 13: “支付宝成立了线下支付事业部，随后推出面向小商户的“收钱码”” (2017-05-17)
    assert alipay["收钱码"]["firstReported"] == "2017-05-17"
    # 12: “支付宝在除夕夜推出“咻一咻”抢红包” — the GBK text file has no date, the mention still counts
    assert alipay["咻一咻"]["mentions"] == "1"
    # 09 (Traditional characters): “招商銀行……該行此前已推出基於NFC的手機支付產品「一閃通」”
    assert [r["productName"] for r in _both(engines, "products", org="招商银行")] == ["一闪通"]


def test_query_real_build_entity_card_of_cmb(engines):
    card = {(r["field"], r["value"]) for r in _both(engines, "entity_card", name="招商银行")}
    # 03 writes the short form “招行”; 09 lists 招商銀行 among the “股份制銀行”
    assert {("alias", "招行"), ("class", "https://w3id.org/fintech-kg/ontology#JointStockBank"),
            ("label", "招商银行"), ("launchesProduct", "一闪通")} <= card
    # mentioned in exactly two articles: 03 (招行) and 09 (招商銀行)
    assert ("articles", "2") in card


def test_query_real_build_articles_mentioning_alipay_and_tenpay(engines):
    rows = _both(engines, "co_mentions", a="支付宝", b="财付通")
    # the articles whose text names both 支付宝 and 财付通 (read one by one)
    assert {r["article"][len(KGA):] for r in rows} == {
        "04-netsunion-cutover", "11-duxiaoman-spinoff", "12-gbk-wechat-pay-redpacket",
        "13-analysys-mobile-payment-2017q1", "14a-iresearch-mobile-payment-2016",
        "14b-foreign-visitors-mobile-payment-2023"}


def test_query_real_build_competitors_and_group(engines):
    # 01: “支付宝与腾讯的竞争已经从支付延伸到了理财”; 09: “Apple Pay和Samsung Pay能否與支付寶、微信支付抗衡”
    rivals = {r["rivalName"] for r in _both(engines, "competitors", org="支付宝")}
    assert {"腾讯", "Apple Pay", "Samsung Pay"} <= rivals
    # 12: “腾讯旗下的支付机构财付通”; 13: “财付通旗下的微信支付” — two levels, found through kg:parentOrganization+
    members = {r["memberName"] for r in _both(engines, "group_members", org="腾讯")}
    assert {"财付通", "微信支付"} <= members
