"""The views in a real headless browser (Debian chromium via Playwright, system binary).

Network is blocked: any request that is not file:// is aborted and recorded.
Skips loudly when Playwright or chromium is missing (`.ci/run` installs them:
apt-get install chromium fonts-wqy-microhei; pip install -e .[test]).
"""
import os
import shutil
import time
from pathlib import Path

import pytest

from test_views_render import build_views

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
        "--disable-extensions", "--no-first-run", "--disable-component-update"]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("BROWSER TESTS SKIPPED: playwright is not installed (pip install -e '.[test]')")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"BROWSER TESTS SKIPPED: no chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """One page load with network blocked and every console error / dialog recorded."""

    def __init__(self, browser, path: Path):
        self.requests, self.errors, self.dialogs = [], [], []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.is_network = self.page.evaluate("typeof vis !== 'undefined'")
        if self.is_network:
            self.page.wait_for_function("typeof network !== 'undefined' && network.body.nodeIndices.length > 0",
                                        timeout=15000)

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            return route.continue_()
        self.requests.append(url)
        return route.abort()

    def hover_points(self):
        return self.page.evaluate("""() => {
            const r = document.getElementById('mynetwork').getBoundingClientRect();
            const dom = p => { const d = network.canvasToDOM(p); return {x: r.left + d.x, y: r.top + d.y}; };
            const pos = network.getPositions();
            const out = network.body.data.nodes.get().map(n => ({kind: 'node', id: n.id, ...dom(pos[n.id])}));
            for (const e of network.body.data.edges.get()) {
              const a = pos[e.from], b = pos[e.to];
              out.push({kind: 'edge', id: e.id, ...dom({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2})});
            }
            return out; }""")

    def hover(self, x, y) -> str:
        self.page.mouse.move(x - 3, y - 3)
        self.page.mouse.move(x, y)
        time.sleep(0.35)
        return self.page.evaluate("(() => { const t = document.querySelector('div.vis-tooltip');"
                                  " return t && t.style.visibility !== 'hidden' ? t.innerText : ''; })()")

    def close(self):
        self.page.close()


@pytest.fixture(scope="module")
def mini_views(tmp_path_factory):
    return build_views("mini_graph.ttl", tmp_path_factory.mktemp("mini_browser"))


@pytest.fixture(scope="module")
def xss_views(tmp_path_factory):
    return build_views("xss_graph.ttl", tmp_path_factory.mktemp("xss_browser"))


def _drawn_pixels(visit: Visit) -> int:
    return visit.page.evaluate("""() => { const c = document.querySelector('#mynetwork canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")


def test_views_browser_every_page_loads_offline_and_draws(browser, mini_views):
    pages = sorted(mini_views.glob("*.html"))
    assert len(pages) >= 6
    for path in pages:
        v = Visit(browser, path)
        try:
            assert v.requests == [], (path.name, v.requests)
            assert v.errors == [], (path.name, v.errors)
            if path.name == "index.html":
                assert not v.is_network and "支付宝" in v.page.inner_text("body")
                continue
            assert v.is_network, path.name
            assert v.page.evaluate("network.body.data.nodes.length") > 0
            assert _drawn_pixels(v) > 500, path.name  # the canvas really painted something
        finally:
            v.close()


def test_views_browser_tooltips_show_evidence(browser, mini_views):
    v = Visit(browser, mini_views / "ego-001.html")  # 支付宝, top by PageRank
    try:
        pts = {p["id"] if p["kind"] == "node" else p["kind"] + p["id"]: p for p in v.hover_points()}
        edge_tips = [v.hover(p["x"], p["y"]) for k, p in pts.items() if k.startswith("edge")]
        tip = next(t for t in edge_tips if "大润发" in t)
        assert "支付宝已与大润发签订合作协议，覆盖全国门店。" in tip
        assert "支付宝进军商超场景 · 2015-11-02 · 测试日报" in tip
        node = pts["https://w3id.org/fintech-kg/entity/支付宝"]
        tip = v.hover(node["x"], node["y"])
        assert "支付平台 (PaymentPlatform)" in tip and "pagerank" in tip
        assert v.errors == []
    finally:
        v.close()


def test_views_browser_xss_payloads_never_run(browser, xss_views):
    seen_evidence = False
    for path in sorted(xss_views.glob("*.html")):
        v = Visit(browser, path)
        try:
            if v.is_network:
                for p in v.hover_points():
                    tip = v.hover(p["x"], p["y"])
                    seen_evidence |= "XSSEVIDENCE" in tip
            else:
                body = v.page.inner_text("body")
                assert "<script>window.__xss=4</script>银行" in body  # shown as text, not run
                v.page.mouse.move(10, 10)
            assert v.page.evaluate("typeof window.__xss") == "undefined", path.name
            assert v.dialogs == [], (path.name, v.dialogs)
            assert v.requests == [], (path.name, v.requests)
            assert v.page.evaluate("document.querySelectorAll('body script[src], img, svg, iframe').length") == 0
        finally:
            v.close()
    assert seen_evidence, "no tooltip showed the (escaped) evidence sentence"


def _screenshots(browser, views: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    for page, name in (("index.html", "dashboard.png"), ("overview.html", "overview.png")):
        v = Visit(browser, views / page)
        try:
            v.page.screenshot(path=str(out / name), full_page=(page == "index.html"))
            shots.append(out / name)
        finally:
            v.close()
    return shots


def test_views_browser_screenshots(browser, mini_views, tmp_path):
    out = Path(os.environ.get("KG_SCREENSHOT_DIR") or tmp_path)
    for shot in _screenshots(browser, mini_views, out):
        assert shot.stat().st_size > 5000


def test_views_browser_real_build_screenshots(browser):
    """When `make graph` has built the real corpus, screenshot it into build/screenshots/."""
    views = REPO / "build" / "views"
    if not (views / "index.html").is_file() or not (views / "overview.html").is_file():
        pytest.skip("no build/views yet (run `make graph` first); real-corpus screenshots not taken")
    v = Visit(browser, views / "overview.html")
    try:
        assert v.requests == [] and v.errors == []
    finally:
        v.close()
    for shot in _screenshots(browser, views, REPO / "build" / "screenshots"):
        assert shot.stat().st_size > 5000
