"""The views. Each ``render_*`` takes a ViewData and returns ``{file name: html}``."""
from __future__ import annotations

import math
from urllib.parse import quote

import networkx as nx

from kg.analysis.export import fmt, ranked
from kg.views import ViewData, register
from kg.views.html import color_of, edge_title, esc, layout, legend_html, node_title, page, to_pyvis_html

RANK_BY = ("pagerank", "betweenness", "eigenvector", "closeness", "weighted_degree")
TOOLTIP_SCORES = ("pagerank", "betweenness", "eigenvector", "closeness", "degree", "weighted_degree",
                  "core_number", "community")


def _tip_scores(data: ViewData) -> dict:
    return {s: data.scores[s] for s in TOOLTIP_SCORES if s in data.scores}


def _ego_files(data: ViewData, ego: int) -> dict:
    """The top ``ego`` entities by PageRank -> their ego page (ego-001.html is the top one)."""
    return {v: f"ego-{i:03d}.html" for i, v in enumerate(ranked(data.G, data.scores)[:ego], 1)}


def _network(data: ViewData, H: nx.Graph, *, color_by: str = "group", edge_labels: bool = True) -> tuple:
    """Escaped pyvis nodes/edges for subgraph ``H`` (sizes by PageRank, colours by class group)."""
    pr = data.scores.get("pagerank", {})
    top = max((pr.get(v, 0.0) for v in H), default=0.0) or 1.0
    pos = layout(H)
    tips = _tip_scores(data)
    rel_order = sorted(data.relation_labels)
    nodes, used = [], {}
    for v in sorted(H, key=str):
        d = data.G.nodes[v] if v in data.G else H.nodes[v]
        if color_by == "community":
            key = f"社区 community {data.scores['community'].get(v, -1)}"
            color = color_of(key)
        else:
            key = data.class_labels.get(d.get("group", ""), d.get("group", ""))
            color = color_of(d.get("group", ""), data.group_order)
        used[key] = color
        x, y = pos[v]
        nodes.append({"id": v, "label": esc(d.get("label", v)), "title": node_title(data.G if v in data.G else H, v, tips),
                      "color": color, "size": round(10 + 30 * math.sqrt(pr.get(v, 0.0) / top), 2),
                      "x": x, "y": y, "shape": "dot"})
    edges = []
    for u, v in sorted((tuple(sorted(e, key=str)) for e in H.edges()), key=lambda e: (str(e[0]), str(e[1]))):
        d = H.edges[u, v]
        rels = d.get("relations", ())
        e = {"from": u, "to": v, "title": edge_title(H, u, v, data.relation_labels),
             "width": round(1 + 1.5 * math.log2(float(d.get("weight", 1.0))), 2),
             "color": color_of(rels[0], rel_order) if rels else "#999999"}
        if edge_labels:
            e["label"] = esc("/".join(data.relation_labels.get(r, r) for r in rels))
        edges.append(e)
    legend = sorted(used.items())
    return nodes, edges, legend


def _top_nodes(data: ViewData, H: nx.Graph, n: int) -> list:
    order = [v for v in ranked(data.G, data.scores) if v in H]
    return order[:n]


@register("overview", "全景图 Overview",
          "The top N entities by PageRank; colour = class, size = PageRank, edge colour = relation.")
def render_overview(data: ViewData, *, top: int = 150, **_) -> dict[str, str]:
    keep = _top_nodes(data, data.G, top)
    H = data.G.subgraph(keep)
    nodes, edges, legend = _network(data, H, edge_labels=len(keep) <= 40)
    sub = f"前 {len(keep)} / {data.G.number_of_nodes()} 个实体（按 PageRank）；节点大小 = PageRank；悬停查看证据。"
    return {"overview.html": to_pyvis_html(nodes, edges, heading="全景图 Overview", subtitle=sub,
                                           legend=legend_html(legend, "类别 class"))}


@register("ego", "个体网络 Ego networks",
          "One page per top entity: its neighbours up to two hops (the 30 strongest second-hop neighbours).")
def render_ego(data: ViewData, *, ego: int = 10, top: int = 150, **_) -> dict[str, str]:
    out = {}
    pr = data.scores.get("pagerank", {})
    strongest = lambda nodes: sorted(nodes, key=lambda w: (-pr.get(w, 0.0), str(w)))  # noqa: E731
    for v, filename in _ego_files(data, ego).items():
        first = set(strongest(data.G[v])[:top])  # hubs of big graphs: keep the page drawable
        second = {w for u in first for w in data.G[u]} - first - {v}
        second = strongest(second)[:30]
        H = data.G.subgraph({v} | first | set(second))
        nodes, edges, legend = _network(data, H)
        label = data.G.nodes[v].get("label", v)
        out[filename] = to_pyvis_html(
            nodes, edges, heading=f"{label} 的关系网络 (ego network)",
            subtitle=f"{len(first)} 个直接关联，{len(second)} 个二度关联", legend=legend_html(legend, "类别 class"))
    return out



def _linked_top(data: ViewData, H, top: int):
    """H without isolated nodes, cut to the ``top`` entities by PageRank when larger."""
    H = H.subgraph([v for v in H if H.degree(v) > 0])
    return H.subgraph(_top_nodes(data, H, max(top, 1))) if H.number_of_nodes() > top else H

@register("partnerships", "合作网络 Partnerships",
          "partnersWith among organisations and platforms; edge width = supporting articles.")
def render_partnerships(data: ViewData, *, top: int = 150, **_) -> dict[str, str]:
    H = _linked_top(data, data.partnerships, top)
    nodes, edges, legend = _network(data, H, edge_labels=False)
    return {"partnerships.html": to_pyvis_html(
        nodes, edges, heading="合作网络 Partnership network",
        subtitle=f"{H.number_of_nodes()} 个机构/平台，{H.number_of_edges()} 对合作关系",
        legend=legend_html(legend, "类别 class"))}


@register("scenarios", "场景布局 Scenarios",
          "Organisations and platforms linked to the scenarios they operate in (with the scenario hierarchy).")
def render_scenarios(data: ViewData, *, top: int = 150, **_) -> dict[str, str]:
    H = _linked_top(data, data.scenarios, top)
    nodes, edges, legend = _network(data, H, edge_labels=H.number_of_edges() <= 60)
    return {"scenarios.html": to_pyvis_html(
        nodes, edges, heading="场景布局 Actors and scenarios",
        subtitle=f"{H.number_of_nodes()} 个节点，{H.number_of_edges()} 条边（operatesIn, broader）",
        legend=legend_html(legend, "类别 class"))}


@register("communities", "社区 Communities",
          "Louvain communities (fixed seed) of the top N entities; colour = community.")
def render_communities(data: ViewData, *, top: int = 150, **_) -> dict[str, str]:
    H = data.G.subgraph(_top_nodes(data, data.G, top))
    H = H.subgraph([v for v in H if H.degree(v) > 0] or list(H))
    nodes, edges, legend = _network(data, H, color_by="community", edge_labels=False)
    legend.sort(key=lambda kv: int(kv[0].rsplit(" ", 1)[-1]))
    return {"communities.html": to_pyvis_html(
        nodes, edges, heading="社区 Communities (Louvain)",
        subtitle=f"{len(set(data.scores['community'].values()))} 个社区", legend=legend_html(legend, "社区 community"))}


def _link(href: str, text: str) -> str:
    return f'<a href="{esc(quote(href))}">{esc(text)}</a>'


def render_index(data: ViewData, listing: list, *, top: int = 150, ego: int = 10) -> str:
    """The dashboard: counts, links to the views, ranked tables, articles with their facts."""
    G, scores = data.G, data.scores
    label = lambda v: G.nodes[v].get("label", str(v)) if v in G else str(v)  # noqa: E731
    egos = _ego_files(data, ego)
    name_cell = lambda v: _link(egos[v], label(v)) if v in egos else esc(label(v))  # noqa: E731
    body = ["<h1>金融科技知识图谱 · Fintech knowledge graph</h1>"]
    n_mentions = sum(len(a["facts"]) for a in data.articles)
    counts = [("实体 entities", G.number_of_nodes()), ("关联 linked pairs", G.number_of_edges()),
              ("合作 partnerships", data.partnerships.number_of_edges()), ("文章 articles", len(data.articles)),
              ("证据 evidence sentences", n_mentions),
              ("社区 communities", len(set(scores.get("community", {}).values())))]
    body.append("<table><tr>" + "".join(f"<th>{esc(k)}</th>" for k, _ in counts) + "</tr><tr>"
                + "".join(f'<td class="num">{n}</td>' for _, n in counts) + "</tr></table>")
    body.append("<h2>视图 Views</h2><ul>")
    for view, files in listing:
        if view.name == "ego":
            links = " ".join(_link(f, label(v)) for v, f in egos.items())
            body.append(f"<li><strong>{esc(view.title)}</strong> — {esc(view.description)}<br>{links}</li>")
        else:
            body.append(f"<li>{_link(files[0], view.title)} — {esc(view.description)}</li>" if files else "")
    body.append("</ul>")
    body.append('<h2>中心性排名 Top entities by centrality</h2><div class="grid">')
    for s in RANK_BY:
        rows = "".join(f"<tr><td>{i}</td><td>{name_cell(v)}</td><td>{esc(G.nodes[v].get('class_label', ''))}</td>"
                       f'<td class="num">{fmt(s, scores[s][v])}</td></tr>'
                       for i, v in enumerate(ranked(G, scores, s)[:10], 1))
        body.append(f"<table><tr><th colspan=4>{esc(s)}</th></tr>{rows}</table>")
    body.append('</div><h2>各类别前列 Top entities per class (PageRank)</h2><div class="grid">')
    by_group: dict[str, list] = {}
    for v in ranked(G, scores):
        by_group.setdefault(G.nodes[v].get("group", ""), []).append(v)
    for grp in sorted(by_group, key=lambda g: (-len(by_group[g]), g)):
        rows = "".join(f"<tr><td>{name_cell(v)}</td><td class=\"num\">{fmt('pagerank', scores['pagerank'][v])}</td></tr>"
                       for v in by_group[grp][:5])
        body.append(f"<table><tr><th colspan=2>{esc(data.class_labels.get(grp, grp))} ({len(by_group[grp])})</th></tr>"
                    f"{rows}</table>")
    body.append("</div><h2>文章与事实 Articles and their facts</h2>")
    for art in data.articles:
        head = " · ".join(x for x in (art["date"], art["source"]) if x)
        body.append(f"<h3>{esc(art['title'] or art['identifier'])}</h3><p class=\"fact\">{esc(head)} · {esc(art['identifier'])}</p>")
        if art["facts"]:
            body.append("<ul>" + "".join(
                f"<li>{esc(label(r['subject']))} <strong>{esc(data.relation_labels.get(r['relation'], r['relation']))}</strong> "
                f"{esc(label(r['object']))} <span class=\"fact\">「{esc(r['sentence'])}」</span></li>"
                for r in art["facts"]) + "</ul>")
        else:
            body.append("<p class=\"fact\">(no relations extracted)</p>")
    return page("金融科技知识图谱 Fintech KG", "\n".join(body))
