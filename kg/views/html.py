"""Safe building blocks for the views: escaping, colours, tooltips, pyvis pages.

Every string that comes from the graph (labels, sentences, article titles) goes
through :func:`esc` before it reaches HTML, a canvas label or a tooltip.
pyvis 0.3.2 pitfalls handled here (FINDINGS.md): only ``cdn_resources="in_line"``
works offline, bootstrap still comes from a CDN (stripped), a node title
containing ``href`` switches pyvis to an ``innerHTML`` popup (defanged).
"""
from __future__ import annotations

import hashlib
import html
import math
import re

import networkx as nx
from pyvis.network import Network

__all__ = ["esc", "color_of", "node_title", "edge_title", "layout", "to_pyvis_html", "legend_html",
           "page", "PALETTE"]

PALETTE = [  # Kelly's colours of maximum contrast, then a few extra
    "#1f77b4", "#f3c300", "#875692", "#f38400", "#a1caf1", "#be0032", "#c2b280", "#848482",
    "#008856", "#e68fac", "#ff00ff", "#f99379", "#604e97", "#f6a600", "#b3446c", "#dcd300",
    "#882d17", "#8db600", "#654522", "#e25822", "#2b3d26", "#17becf", "#7f7f7f", "#000000"]
_HREF = re.compile("href", re.IGNORECASE)
_NODE_MODULES = re.compile(r"<!-- <link[^>]*node_modules.*?-->", re.S)
_CDN = re.compile(r"<link\b[^>]*https?://[^>]*>|<script\b[^>]*\bsrc=\"https?://[^>]*>\s*</script>", re.S)
MAX_EVIDENCE = 6
FONT = "'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei','PingFang SC',sans-serif"


def esc(text) -> str:
    """HTML-escape, and break the substring ``href`` so pyvis never switches to innerHTML popups."""
    out = html.escape(str(text), quote=True)
    return _HREF.sub(lambda m: m.group(0)[:3] + "\u200b" + m.group(0)[3:], out)


def color_of(name: str, order: list[str] | None = None) -> str:
    """A stable colour: position in ``order`` if given, else a hash of the name."""
    if order and name in order:
        return PALETTE[order.index(name) % len(PALETTE)]
    return PALETTE[int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) % len(PALETTE)]


def _score_line(name: str, value) -> str:
    return f"{name}: {value}" if isinstance(value, int) else f"{name}: {float(value):.4f}"


def node_title(G: nx.Graph, v, scores: dict[str, dict]) -> str:
    """Plain-text node tooltip: label, class, aliases, scores (escaped)."""
    d = G.nodes[v]
    lines = [d.get("label", str(v)) + (f" ({d['label_en']})" if d.get("label_en") else ""),
             f"类别 class: {d.get('class_label', '')} ({d.get('cls', '')})"]
    if d.get("aliases"):
        lines.append("别名 aliases: " + "、".join(d["aliases"]))
    lines += [_score_line(s, vals[v]) for s, vals in scores.items() if v in vals]
    return esc("\n".join(lines))


def edge_title(G: nx.Graph, u, v, rel_labels: dict[str, str]) -> str:
    """Plain-text edge tooltip: relations, evidence sentences with article title/date/source."""
    d = G.edges[u, v]
    label = lambda n: G.nodes[n].get("label", str(n))  # noqa: E731
    lines = [f"{label(u)} — {label(v)}"]
    for s, rel, o in d.get("facts", ()):
        lines.append(f"{label(s)} {rel_labels.get(rel, rel)} ({rel}) {label(o)}")
    lines.append(f"支持文章 articles: {int(d.get('weight', 1))}")
    ev = d.get("evidence", ())
    for rec in ev[:MAX_EVIDENCE]:
        lines.append(f"「{rec['sentence']}」")
        lines.append(f"   — {rec['title'] or rec['identifier']} · {rec['date']} · {rec['source']}")
    if len(ev) > MAX_EVIDENCE:
        lines.append(f"… {len(ev) - MAX_EVIDENCE} more")
    if not ev:
        lines.append("(curated fact, no evidence sentence)")
    return esc("\n".join(lines))


def layout(G: nx.Graph, *, seed: int = 0, scale: float = 900.0) -> dict:
    """Deterministic positions (spring layout with a fixed seed), rounded."""
    if G.number_of_nodes() == 0:
        return {}
    H = nx.Graph()
    H.add_nodes_from(sorted(G, key=str))
    H.add_edges_from(sorted((tuple(sorted((a, b), key=str)) for a, b in G.edges()), key=str))
    k = 2.0 / math.sqrt(max(H.number_of_nodes(), 1))
    pos = nx.spring_layout(H, seed=seed, k=k, iterations=100, scale=scale)
    return {v: (round(float(x), 1), round(float(y), 1)) for v, (x, y) in pos.items()}


def legend_html(items: list[tuple[str, str]], title: str) -> str:
    rows = "".join(f'<li><span class="sw" style="background:{c}"></span>{esc(name)}</li>' for name, c in items)
    return f'<div id="kg-legend"><strong>{esc(title)}</strong><ul>{rows}</ul></div>'


_PAGE_CSS = f"""
<style>
body{{font-family:{FONT};margin:0}}
#kg-header{{padding:6px 12px;border-bottom:1px solid #ddd}}
#kg-header h1{{font-size:20px;margin:4px 0}}
#kg-header p{{margin:2px 0;color:#555;font-size:13px}}
#kg-legend{{position:absolute;right:12px;top:90px;z-index:5;background:#fffe;border:1px solid #ccc;
 padding:6px 10px;font-size:12px;max-height:70vh;overflow:auto}}
#kg-legend ul{{list-style:none;margin:4px 0;padding:0}}
#kg-legend .sw{{display:inline-block;width:12px;height:12px;margin-right:6px;border-radius:6px;vertical-align:middle}}
div.vis-tooltip{{white-space:pre-wrap;max-width:520px;font-family:{FONT}}}
</style>"""


def to_pyvis_html(nodes: list[dict], edges: list[dict], *, heading: str, subtitle: str = "",
                  legend: str = "", height: str = "85vh") -> str:
    """One offline vis-network page. ``nodes``/``edges`` must already be escaped."""
    net = Network(height=height, width="100%", cdn_resources="in_line", heading="")
    net.nodes = nodes
    net.edges = edges
    net.options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 80, "hideEdgesOnDrag": len(edges) > 2000},
        "nodes": {"shape": "dot", "font": {"face": FONT, "size": 14}},
        "edges": {"smooth": False, "font": {"face": FONT, "size": 11, "align": "middle"}},
    }
    doc = net.generate_html()
    if "innerHTML = nodeData" in doc and "popup.innerHTML" in doc:
        raise RuntimeError("pyvis switched to its innerHTML popup: a title contains 'href'")
    doc = _NODE_MODULES.sub("", _CDN.sub("", doc))
    doc = doc.replace("<center>\n<h1></h1>\n</center>", "").replace("<center>\n          <h1></h1>\n        </center>", "")
    header = (f'<div id="kg-header"><a href="index.html">← 总览 index</a><h1>{esc(heading)}</h1>'
              + (f"<p>{esc(subtitle)}</p>" if subtitle else "") + "</div>" + legend)
    doc = doc.replace("</head>", _PAGE_CSS + "\n</head>", 1)
    return doc.replace("<body>", "<body>\n" + header, 1)


def page(title: str, body: str) -> str:
    """A static (no JavaScript) page; ``body`` must already be escaped HTML."""
    return ("<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(title)}</title>\n<style>body{{font-family:{FONT};margin:16px 24px;color:#222}}"
            "table{border-collapse:collapse;margin:6px 0 18px}td,th{border:1px solid #ccc;padding:3px 8px;"
            "font-size:13px;text-align:left}th{background:#f3f3f3}h2{margin-top:28px}.num{text-align:right}"
            ".grid{display:flex;flex-wrap:wrap;gap:24px}.fact{color:#555;font-size:13px}</style>\n"
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")
