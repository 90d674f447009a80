"""Offline HTML views of the knowledge graph (pyvis / vis-network, no CDN).

Views never compute metrics: they take the projected graphs and the analysis
scores in a :class:`ViewData`. Each view is one ``render_*`` function that
returns ``{file name: html}``; the index page lists the views in ``VIEWS``.
Adding a view = one function decorated with :func:`register`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import networkx as nx

__all__ = ["ViewData", "View", "VIEWS", "register", "render_all"]


@dataclass(frozen=True)
class ViewData:
    G: nx.Graph                      # full entity projection
    partnerships: nx.Graph           # partnersWith among actors
    scenarios: nx.Graph              # actors <-> scenarios (+ skos:broader)
    scores: dict                     # {score name: {node: value}} from kg analyze
    articles: list                   # kg.analysis.project.read_articles
    class_labels: dict = field(default_factory=dict)     # class/group local name -> zh label
    relation_labels: dict = field(default_factory=dict)  # relation local name -> zh label
    group_order: list = field(default_factory=list)      # stable colour order of class groups


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str
    render: Callable[..., dict]


VIEWS: list[View] = []


def register(name: str, title: str, description: str):
    def deco(fn):
        VIEWS.append(View(name, title, description, fn))
        return fn
    return deco


def render_all(data: ViewData, *, top: int = 150, ego: int = 10) -> dict[str, str]:
    """Every registered view plus index.html: ``{file name: html}``."""
    from kg.views import render  # noqa: F401  (registers the views)

    files: dict[str, str] = {}
    listing = []
    for view in VIEWS:
        out = view.render(data, top=top, ego=ego)
        files.update(out)
        listing.append((view, sorted(out)))
    files["index.html"] = render.render_index(data, listing, top=top, ego=ego)
    return files
