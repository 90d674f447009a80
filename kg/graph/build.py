"""Build the RDF graph from extractions (docs/graph-model.md is the contract)."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from kg.config import ARTICLE_NS, ENTITY_NS, KG_NS, MENTION_NS
from kg.graph.iri import article_iri, entity_iri, mention_iri
from kg.lexicon import Lexicon
from kg.ontology import Ontology
from kg.records import Extraction

KG = Namespace(KG_NS)
PREFIXES = {"kg": KG_NS, "kge": ENTITY_NS, "kga": ARTICLE_NS, "kgm": MENTION_NS, "skos": str(SKOS),
            "prov": str(PROV), "dcterms": str(DCTERMS), "schema": str(SDO)}


def new_graph() -> Graph:
    g = Graph()
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True, replace=True)
    return g


def _dec(x: float) -> Literal:
    return Literal(Decimal(str(round(x, 6))), datatype=XSD.decimal)


def _date(value: str) -> Literal:
    import re

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
        return Literal(value, datatype=XSD.date)
    return Literal(value)


def add_entity(g: Graph, label: str, cls: str, lexicon: Lexicon, onto: Ontology) -> URIRef:
    e = entity_iri(label)
    if (e, RDFS.label, None) in g:
        return e
    known = lexicon.entities.get(label)
    g.add((e, RDF.type, KG[known.cls if known else cls]))
    g.add((e, RDFS.label, Literal(label, lang="zh")))
    if known:
        if known.en:
            g.add((e, RDFS.label, Literal(known.en, lang="en")))
        for a in known.aliases:
            g.add((e, SKOS.altLabel, Literal(a, lang="en" if a.isascii() else "zh")))
        if known.cls == "Scenario":
            g.add((e, RDF.type, SKOS.Concept))
            g.add((e, SKOS.inScheme, KG.ScenarioScheme))
            for b in known.broader:
                parent = lexicon.entities.get(b)
                if parent:
                    g.add((e, SKOS.broader, add_entity(g, parent.name, parent.cls, lexicon, onto)))
        elif known.parent:
            parent = lexicon.entities[known.parent]
            p = add_entity(g, parent.name, parent.cls, lexicon, onto)
            if onto.is_a(known.cls, "Product"):
                g.add((p, KG.launchesProduct, e))
            else:
                g.add((e, KG.parentOrganization, p))
    return e


def add_extraction(g: Graph, x: Extraction, lexicon: Lexicon, onto: Ontology) -> None:
    a = x.article
    art = article_iri(a.id)
    g.add((art, RDF.type, KG.Article))
    g.add((art, DCTERMS.identifier, Literal(a.id)))
    g.add((art, KG.contentHash, Literal(a.content_hash)))
    if a.title:
        g.add((art, DCTERMS.title, Literal(a.title, lang="zh")))
    if a.date:
        g.add((art, DCTERMS.date, _date(a.date)))
    if a.source:
        g.add((art, DCTERMS.source, Literal(a.source)))
    if a.url:
        g.add((art, SDO.url, Literal(a.url, datatype=XSD.anyURI)))
    if a.path:
        g.add((art, KG.sourceFile, Literal(a.path)))
    types = {}
    entity: dict[str, URIRef] = {}  # label -> IRI, for this article (the first class given wins, as in add_entity)
    mentioned: set[URIRef] = set()

    def mention(label: str, cls: str) -> URIRef:
        e = entity.get(label)
        if e is None:
            e = entity[label] = add_entity(g, label, cls, lexicon, onto)
        if e not in mentioned:
            mentioned.add(e)
            g.add((e, KG.mentionedIn, art))
        return e

    for m in x.mentions:
        mention(m.label, m.type)
        types[m.label] = m.type
    for r in x.relations:
        s = mention(r.head, r.head_type)
        o = mention(r.tail, r.tail_type)
        p = KG[r.type]
        g.add((s, p, o))
        m = mention_iri(a.id, r.start, r.end, r.head, r.type, r.tail)
        g.add((m, RDF.type, RDF.Statement))
        g.add((m, RDF.type, KG.RelationMention))
        g.add((m, RDF.subject, s))
        g.add((m, RDF.predicate, p))
        g.add((m, RDF.object, o))
        _provenance(g, m, art, r.evidence, r.start, r.end, r.rule, r.confidence)
    for ob in x.observations:
        s = add_entity(g, ob.subject, types.get(ob.subject, "Organization"), lexicon, onto)
        m = mention_iri(a.id, ob.start, ob.end, ob.subject, ob.kind, ob.value, ob.period)
        g.add((m, RDF.type, KG.Observation))
        g.add((m, KG.aboutEntity, s))
        g.add((m, KG.measure, Literal(ob.kind)))
        g.add((m, KG.value, _dec(ob.value)))
        g.add((m, KG.unit, Literal(ob.unit)))
        if ob.period:
            g.add((m, KG.period, Literal(ob.period)))
        _provenance(g, m, art, ob.evidence, ob.start, ob.end, ob.rule, ob.confidence)


def _provenance(g: Graph, m: URIRef, art: URIRef, evidence: str, start: int, end: int, rule: str, conf: float) -> None:
    g.add((m, KG.evidence, Literal(evidence, lang="zh")))
    g.add((m, KG.startOffset, Literal(start, datatype=XSD.integer)))
    g.add((m, KG.endOffset, Literal(end, datatype=XSD.integer)))
    g.add((m, KG.rule, Literal(rule)))
    g.add((m, KG.confidence, _dec(conf)))
    g.add((m, PROV.wasDerivedFrom, art))


def to_graph(extractions: Iterable[Extraction], lexicon: Lexicon, onto: Ontology) -> Graph:
    g = new_graph()
    for x in extractions:
        add_extraction(g, x, lexicon, onto)
    return g
