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


def entity_triples(label: str, cls: str, lexicon: Lexicon, onto: Ontology, declared: set) -> list[tuple]:
    """The triples that declare the entity ``label`` (class, labels, aliases, parents), unless its IRI is
    in ``declared`` already (the caller decides the class: kg.graph.build.entity_classes).
    ``declared`` is updated."""
    out: list[tuple] = []
    _declare(label, cls, lexicon, onto, declared, out)
    return out


def _declare(label: str, cls: str, lexicon: Lexicon, onto: Ontology, declared: set, out: list) -> URIRef:
    e = entity_iri(label)
    if e in declared:
        return e
    declared.add(e)
    known = lexicon.entities.get(label)
    out.append((e, RDF.type, KG[known.cls if known else cls]))
    out.append((e, RDFS.label, Literal(label, lang="zh")))
    if known:
        if known.en:
            out.append((e, RDFS.label, Literal(known.en, lang="en")))
        for a in known.aliases:
            out.append((e, SKOS.altLabel, Literal(a, lang="en" if a.isascii() else "zh")))
        if label in lexicon.codes:
            out.append((e, KG.stockCode, Literal(lexicon.codes[label])))
        if known.cls == "Scenario":
            out.append((e, RDF.type, SKOS.Concept))
            out.append((e, SKOS.inScheme, KG.ScenarioScheme))
            for b in known.broader:
                parent = lexicon.entities.get(b)
                if parent:
                    out.append((e, SKOS.broader, _declare(parent.name, parent.cls, lexicon, onto, declared, out)))
        elif known.parent:
            parent = lexicon.entities[known.parent]
            p = _declare(parent.name, parent.cls, lexicon, onto, declared, out)
            if onto.is_a(known.cls, "Product"):
                out.append((p, KG.launchesProduct, e))
            else:
                out.append((e, KG.parentOrganization, p))
    return e


def _declared(g: Graph) -> set:
    """The entities declared in ``g`` (those with an rdfs:label), remembered on the graph object."""
    found = getattr(g, "_kg_declared", None)
    if found is None:
        found = {s for s in g.subjects(RDFS.label, None) if isinstance(s, URIRef) and s.startswith(ENTITY_NS)}
        g._kg_declared = found
    return found


def add_entity(g: Graph, label: str, cls: str, lexicon: Lexicon, onto: Ontology) -> URIRef:
    for t in entity_triples(label, cls, lexicon, onto, _declared(g)):
        g.add(t)
    return entity_iri(label)


def article_triples(x: Extraction) -> tuple[list[tuple], list[tuple[str, str]]]:
    """What one article contributes to the graph on its own: its triples, and the entities it names, in
    order, as (label, class) — their declarations depend on the articles before it (entity_triples)."""
    a = x.article
    art = article_iri(a.id)
    out: list[tuple] = []
    add = out.append
    calls: list[tuple[str, str]] = []
    add((art, RDF.type, KG.Article))
    add((art, DCTERMS.identifier, Literal(a.id)))
    add((art, KG.contentHash, Literal(a.content_hash)))
    if a.title:
        add((art, DCTERMS.title, Literal(a.title, lang="zh")))
    if a.date:
        add((art, DCTERMS.date, _date(a.date)))
    if a.source:
        add((art, DCTERMS.source, Literal(a.source)))
    if a.url:
        add((art, SDO.url, Literal(a.url, datatype=XSD.anyURI)))
    if a.path:
        add((art, KG.sourceFile, Literal(a.path)))
    types = {}
    entity: dict[str, URIRef] = {}  # label -> IRI, for this article
    mentioned: set[URIRef] = set()

    def mention(label: str, cls: str) -> URIRef:
        e = entity.get(label)
        if e is None:
            calls.append((label, cls))
            e = entity[label] = entity_iri(label)
        if e not in mentioned:
            mentioned.add(e)
            add((e, KG.mentionedIn, art))
        return e

    for m in x.mentions:
        mention(m.label, m.type)
        types[m.label] = m.type
    for r in x.relations:
        s = mention(r.head, r.head_type)
        o = mention(r.tail, r.tail_type)
        p = KG[r.type]
        add((s, p, o))
        m = mention_iri(a.id, r.start, r.end, r.head, r.type, r.tail)
        add((m, RDF.type, RDF.Statement))
        add((m, RDF.type, KG.RelationMention))
        add((m, RDF.subject, s))
        add((m, RDF.predicate, p))
        add((m, RDF.object, o))
        _provenance(add, m, art, r.evidence, r.start, r.end, r.rule, r.confidence)
    for ob in x.observations:
        calls.append((ob.subject, types.get(ob.subject, "Organization")))
        s = entity_iri(ob.subject)
        m = mention_iri(a.id, ob.start, ob.end, ob.subject, ob.kind, ob.value, ob.period)
        add((m, RDF.type, KG.Observation))
        add((m, KG.aboutEntity, s))
        add((m, KG.measure, Literal(ob.kind)))
        add((m, KG.value, _dec(ob.value)))
        add((m, KG.unit, Literal(ob.unit)))
        if ob.period:
            add((m, KG.period, Literal(ob.period)))
        _provenance(add, m, art, ob.evidence, ob.start, ob.end, ob.rule, ob.confidence)
    return out, calls


def entity_classes(calls: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The class of each entity named in the corpus, from every (label, class) an article gives it (one per
    article, kg.graph.build.article_triples): the class most articles give it, on a tie the first one, in
    corpus order. The labels keep the order in which the corpus first names them.

    >>> entity_classes([("唐小僧", "Person"), ("唐小僧", "Company"), ("京东", "Company"), ("唐小僧", "Company")])
    {'唐小僧': 'Company', '京东': 'Company'}
    """
    votes: dict[str, dict[str, int]] = {}
    for label, cls in calls:
        seen = votes.setdefault(label, {})
        seen[cls] = seen.get(cls, 0) + 1
    return {label: max(seen, key=seen.__getitem__) for label, seen in votes.items()}


def _provenance(add, m: URIRef, art: URIRef, evidence: str, start: int, end: int, rule: str, conf: float) -> None:
    add((m, KG.evidence, Literal(evidence, lang="zh")))
    add((m, KG.startOffset, Literal(start, datatype=XSD.integer)))
    add((m, KG.endOffset, Literal(end, datatype=XSD.integer)))
    add((m, KG.rule, Literal(rule)))
    add((m, KG.confidence, _dec(conf)))
    add((m, PROV.wasDerivedFrom, art))


def to_graph(extractions: Iterable[Extraction], lexicon: Lexicon, onto: Ontology) -> Graph:
    g = new_graph()
    parts = [article_triples(x) for x in extractions]
    declared = _declared(g)
    for label, cls in entity_classes(c for _, calls in parts for c in calls).items():
        for t in entity_triples(label, cls, lexicon, onto, declared):
            g.add(t)
    for own, _ in parts:
        for t in own:
            g.add(t)
    return g
