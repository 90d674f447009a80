"""View HTML without a browser: offline resources, escaping, registry, determinism."""
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.views import VIEWS
from kg.views.html import esc

FIXTURES = Path(__file__).parent / "fixtures"


def build_views(fixture: str, dest: Path, *extra: str) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / fixture, dest / "graph.ttl")
    for args in (["analyze", str(dest)], ["views", str(dest), *extra]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 0, res.output
    return dest / "views"


@pytest.fixture(scope="module")
def mini_views(tmp_path_factory):
    return build_views("mini_graph.ttl", tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="module")
def xss_views(tmp_path_factory):
    return build_views("xss_graph.ttl", tmp_path_factory.mktemp("xss"))


def test_views_every_registered_view_is_written_and_linked(mini_views):
    index = (mini_views / "index.html").read_text(encoding="utf-8")
    names = sorted(p.name for p in mini_views.glob("*.html"))
    assert {"index.html", "overview.html", "partnerships.html", "scenarios.html", "communities.html",
            "ego-001.html"} <= set(names)
    for name in names:
        if name != "index.html":
            assert f'href="{name}"' in index, name
    for view in VIEWS:
        assert esc(view.title) in index


@pytest.mark.parametrize("text,expected", [
    ("<script>", "&lt;script&gt;"),
    ('"x" & \'y\'', "&quot;x&quot; &amp; &#x27;y&#x27;"),
    ("a href=b", "a hre\u200bf=b"),
    ("HREF", "HRE\u200bF"),
    ("支付宝", "支付宝"),
])
def test_views_esc(text, expected):
    assert esc(text) == expected


def test_views_pages_need_no_network(mini_views):
    for page in mini_views.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        refs = re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)\s*=\s*"([^"]*)"', text)
        assert all(not re.match(r"(https?:)?//", r) for r in refs), (page.name, refs)
        assert "cdn.jsdelivr" not in text and "cdnjs.cloudflare" not in text, page.name


def test_views_payloads_are_escaped(xss_views):
    for page in xss_views.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for raw in ("<script>window.__xss", "<img src=x onerror", "<svg onload", "<b onmouseover",
                    '<a href="javascript:', "href=javascript"):
            assert raw not in text, (page.name, raw)
        assert "popup.innerHTML" not in text, page.name  # pyvis's href popup mode stayed off


def vis_data(page: Path, kind: str) -> list:
    """The nodes or edges array pyvis embedded in a page."""
    text = page.read_text(encoding="utf-8")
    return json.loads(re.search(kind + r" = new vis\.DataSet\((\[.*?\])\);\n", text).group(1))


def test_views_tooltips_carry_evidence(mini_views):
    titles = [e["title"] for e in vis_data(mini_views / "ego-001.html", "edges")]
    tip = next(t for t in titles if "大润发" in t)
    assert "支付宝已与大润发签订合作协议，覆盖全国门店。" in tip
    assert "支付宝进军商超场景 · 2015-11-02 · 测试日报" in tip
    node = next(n for n in vis_data(mini_views / "ego-001.html", "nodes") if n["label"] == "支付宝")
    assert "支付平台 (PaymentPlatform)" in node["title"] and "支付宝钱包" in node["title"]
    assert "pagerank: 0.1802" in node["title"]


def test_views_are_deterministic(tmp_path):
    a = build_views("mini_graph.ttl", tmp_path / "a")
    b = build_views("mini_graph.ttl", tmp_path / "b")
    for page in sorted(a.glob("*.html")):
        assert page.read_bytes() == (b / page.name).read_bytes(), page.name


def test_views_top_limits_overview(tmp_path):
    views = build_views("mini_graph.ttl", tmp_path, "--top", "3", "--ego", "1")
    nodes = vis_data(views / "overview.html", "nodes")
    assert [n["label"] for n in nodes] and len(nodes) == 3
    assert {n["label"] for n in nodes} == {"支付宝", "蚂蚁集团", "中国银联"}  # top 3 by PageRank
    assert sorted(p.name for p in views.glob("ego-*.html")) == ["ego-001.html"]


def test_views_need_analysis_first(tmp_path):
    shutil.copy(FIXTURES / "mini_graph.ttl", tmp_path / "graph.ttl")
    res = CliRunner().invoke(main, ["views", str(tmp_path)])
    assert res.exit_code == 1 and "kg analyze" in res.output
