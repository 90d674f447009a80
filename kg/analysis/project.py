"""Project the RDF graph (docs/graph-model.md) onto a NetworkX graph of entities.

Nodes are entity IRIs (strings); edges are undirected and aggregate every fact
between two entities. Classes and their labels come from ``ontology/fintech.ttl``.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterable

import networkx as nx
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.config import ENTITY_NS, KG_NS
from kg.errors import InputError
from kg.ontology import Ontology, read_ontology

__all__ = [
    "read_graph", "to_networkx", "read_articles", "entity_classes", "class_group",
    "NON_ENTITY_CLASSES", "EXCLUDED_RELATIONS", "BROADER",
    "PARTNERSHIP", "SCENARIO",
]

KG = Namespace(KG_NS)
SCHEMA = Namespace("https://schema.org/")
NON_ENTITY_CLASSES = frozenset({"Article", "RelationMention", "Observation"})
# Properties that link entities to articles/observations, not to each other.
EXCLUDED_RELATIONS = frozenset({"mentionedIn", "aboutEntity"})
BROADER = "broader"  # pseudo relation name for skos:broader (scenario hierarchy)
# Ready-made projections (keyword arguments for to_networkx).
PARTNERSHIP = {"relations": ("partnersWith",), "classes": ("Actor",)}
SCENARIO = {"relations": ("operatesIn", BROADER), "classes": ("Actor", "Scenario")}
GROUP_DEPTH = 4  # colour group = ancestor at this depth from the root (Actor>Organization>FinancialInstitution>Bank)


def read_graph(path: Path | str) -> Graph:
    """Parse a Turtle graph, with a message that says how to fix a missing file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such graph file. Run `kg build CORPUS --out {path.parent}` first.")
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds
        raise InputError(f"{path}: cannot parse Turtle ({exc}). Rebuild it with `kg build`.") from exc
    return g


def _local(iri) -> str | None:
    s = str(iri)
    return s[len(KG_NS):] if s.startswith(KG_NS) else None


def _zh_label(g: Graph, node, fallback: str) -> str:
    labels = sorted(g.objects(node, RDFS.label), key=lambda l: (getattr(l, "language", None) != "zh", str(l)))
    return str(labels[0]) if labels else fallback


def _depth(onto: Ontology, cls: str) -> int:
    return len(_chain(onto, cls))


def _chain(onto: Ontology, cls: str) -> list[str]:
    """Root-first chain of first parents: JointStockBank -> [Actor, Organization, ..., JointStockBank]."""
    chain, seen = [cls], {cls}
    while onto.parents.get(chain[-1]):
        parent = onto.parents[chain[-1]][0]
        if parent in seen:
            break
        chain.append(parent)
        seen.add(parent)
    return chain[::-1]


def entity_classes(g: Graph, onto: Ontology) -> dict[str, str]:
    """Entity IRI -> its most specific kg: class (deepest in the ontology, then by name)."""
    found: dict[str, list[str]] = defaultdict(list)
    for s, o in g.subject_objects(RDF.type):
        cls = _local(o)
        if cls is None or cls in NON_ENTITY_CLASSES or not isinstance(s, URIRef):
            continue
        found[str(s)].append(cls)
    return {s: sorted(set(cs), key=lambda c: (-_depth(onto, c), c))[0] for s, cs in found.items()}


def class_group(onto: Ontology, cls: str) -> str:
    """The colour group of a class: its ancestor GROUP_DEPTH levels from the root (or itself)."""
    chain = _chain(onto, cls) if cls in onto.classes else [cls]
    return chain[min(GROUP_DEPTH, len(chain)) - 1]


def _class_info(onto: Ontology, cls: str) -> dict[str, str]:
    chain = _chain(onto, cls) if cls in onto.classes else [cls]
    group = class_group(onto, cls)
    label = lambda c: onto.labels.get(c, {}).get("zh") or c  # noqa: E731
    return {"cls": cls, "class_label": label(cls), "group": group, "group_label": label(group),
            "root": chain[0]}


def _article_info(g: Graph, art) -> dict[str, str]:
    def first(p):
        vals = sorted(str(v) for v in g.objects(art, p))
        return vals[0] if vals else ""
    return {"article": str(art), "title": first(DCTERMS.title), "date": first(DCTERMS.date),
            "source": first(DCTERMS.source), "url": first(SCHEMA.url),
            "identifier": first(DCTERMS.identifier) or str(art).rsplit("/", 1)[-1]}


def _mentions(g: Graph) -> dict[tuple, list[dict]]:
    """(frozenset{s, o}, relation) -> evidence records, for every RelationMention."""
    out: dict[tuple, list[dict]] = defaultdict(list)
    for m in g.subjects(RDF.type, KG.RelationMention):
        s, p, o = (g.value(m, RDF.subject), g.value(m, RDF.predicate), g.value(m, RDF.object))
        rel = _local(p) if p is not None else None
        if s is None or o is None or rel is None:
            continue
        art = g.value(m, PROV.wasDerivedFrom)
        rec = {"mention": str(m), "relation": rel, "subject": str(s), "object": str(o),
               "sentence": str(g.value(m, KG.evidence) or ""),
               "start": int(g.value(m, KG.startOffset) or 0),
               "rule": str(g.value(m, KG.rule) or ""),
               "confidence": float(g.value(m, KG.confidence) or 0.0)}
        rec.update(_article_info(g, art) if art is not None else
                   {"article": "", "title": "", "date": "", "source": "", "url": "", "identifier": ""})
        out[(frozenset((str(s), str(o))), rel)].append(rec)
    return out


def _evidence_key(rec: dict) -> tuple:
    return (rec["date"], rec["article"], rec["start"], rec["mention"])


def to_networkx(g: Graph, *, relations: Iterable[str] | None = None,
                classes: Iterable[str] | None = None, include_isolated: bool = True,
                ontology: Ontology | None = None) -> nx.Graph:
    """Project ``g`` onto an undirected, weighted NetworkX graph of entities.

    relations: relation local names to keep (default: every kg: object property
        between entities; add ``"broader"`` for the skos:broader scenario links).
    classes: keep only entities whose class is one of these or a subclass.
    Edge ``weight`` is the number of distinct articles supporting the pair
    (at least 1 for curated facts without evidence); the edge keeps ``relations``,
    ``facts`` ((subject, relation, object) triples) and ``evidence`` records.
    The input graph is not modified.
    """
    onto = ontology or read_ontology()
    if relations is None:
        wanted = set(onto.object_properties) - EXCLUDED_RELATIONS
    else:
        wanted = set(relations)
        unknown = wanted - set(onto.object_properties) - {BROADER}
        if unknown:
            raise InputError(f"unknown relation(s) {sorted(unknown)}; use object properties from ontology/fintech.ttl.")
    ent_cls = entity_classes(g, onto)
    if classes is not None:
        keep = tuple(classes)
        ent_cls = {e: c for e, c in ent_cls.items() if any(onto.is_a(c, k) for k in keep) or c in keep}

    G = nx.Graph()
    for e in sorted(ent_cls):
        node = URIRef(e)
        info = _class_info(onto, ent_cls[e])
        en = sorted(str(l) for l in g.objects(node, RDFS.label) if getattr(l, "language", None) == "en")
        G.add_node(e, label=_zh_label(g, node, e[len(ENTITY_NS):] if e.startswith(ENTITY_NS) else e),
                   label_en=en[0] if en else "",
                   aliases=tuple(sorted({str(a) for a in g.objects(node, SKOS.altLabel)})),
                   articles=len(set(g.objects(node, KG.mentionedIn))), **info)

    facts: dict[tuple[str, str], set] = defaultdict(set)
    for s, p, o in g:
        if p == SKOS.broader and BROADER in wanted:
            rel = BROADER
        else:
            rel = _local(p)
            if rel is None or rel not in wanted:
                continue
        s, o = str(s), str(o)
        if s == o or s not in ent_cls or o not in ent_cls:
            continue
        facts[tuple(sorted((s, o)))].add((s, rel, o))

    mentions = _mentions(g)
    for (u, v) in sorted(facts):
        fs = sorted(facts[(u, v)])
        rels = sorted({r for _, r, _ in fs})
        ev = [rec for r in rels for rec in mentions.get((frozenset((u, v)), r), [])]
        ev.sort(key=_evidence_key)
        arts = {rec["article"] for rec in ev if rec["article"]}
        G.add_edge(u, v, weight=float(max(1, len(arts))), relations=tuple(rels), facts=tuple(fs),
                   evidence=tuple(ev), mentions=len(ev))
    if not include_isolated:
        G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0])
    return G


def read_articles(g: Graph) -> list[dict]:
    """Articles (newest first, then id) with their extracted facts (evidence records)."""
    by_article: dict[str, list[dict]] = defaultdict(list)
    for recs in _mentions(g).values():
        for rec in recs:
            by_article[rec["article"]].append(rec)
    out = []
    for art in g.subjects(RDF.type, KG.Article):
        info = _article_info(g, art)
        info["facts"] = sorted(by_article.get(str(art), []), key=_evidence_key)
        out.append(info)
    out.sort(key=lambda a: (a["date"], a["article"]), reverse=True)
    return out
