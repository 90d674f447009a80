"""Checks on the ontology files: ``ontology/fintech.ttl`` (classes and
properties), ``ontology/scenarios.ttl`` (the SKOS scenario taxonomy) and
``ontology/shapes.ttl`` (the SHACL shapes every build must pass).

The files are read with rdflib (and pyoxigraph, which the query stage uses);
the shapes are exercised with pyshacl on tiny hand-written graphs: one that
conforms and a table of broken ones, each of which must fail for its reason.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
FINTECH = ONTOLOGY_DIR / "fintech.ttl"
SCENARIOS = ONTOLOGY_DIR / "scenarios.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
LEXICON = ONTOLOGY_DIR / "lexicon.tsv"
GOLD = ROOT / "tests" / "gold" / "seed-000.json"

KG = Namespace("https://w3id.org/fintech-kg/ontology#")
KGE = Namespace("https://w3id.org/fintech-kg/entity/")
KGA = Namespace("https://w3id.org/fintech-kg/article/")
KGM = Namespace("https://w3id.org/fintech-kg/mention/")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
# a plain Namespace: pytest probes module globals, and rdflib's closed XSD warns
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# ---------------------------------------------------------------- the contract
# class -> its one kg: superclass (None for top-level classes)
CONTRACT_CLASSES: dict[str, str | None] = {
    "Actor": None,
    "Organization": "Actor",
    "FinancialInstitution": "Organization",
    "Bank": "FinancialInstitution",
    **{c: "Bank" for c in (
        "StateOwnedBank", "JointStockBank", "CityCommercialBank",
        "RuralCommercialBank", "PolicyBank", "PrivateBank", "ForeignBank")},
    **{c: "FinancialInstitution" for c in (
        "PaymentInstitution", "ClearingOrganization", "InsuranceCompany",
        "SecuritiesFirm", "FundCompany", "TrustCompany",
        "ConsumerFinanceCompany", "InternetFinanceCompany", "CreditBureau")},
    "Company": "Organization",
    **{c: "Company" for c in ("TechCompany", "Retailer", "ResearchFirm", "TelecomOperator")},
    **{c: "Organization" for c in ("Regulator", "GovernmentBody", "IndustryAssociation")},
    "Platform": "Actor",
    **{c: "Platform" for c in ("PaymentPlatform", "WealthPlatform", "LendingPlatform")},
    "Product": None,
    "FinancialProduct": "Product",
    "Initiative": "Product",
    "Scenario": None,
    "Person": None,
    "Report": None,
    "Article": None,
    "RelationMention": None,
    "Observation": None,
}

# property -> (domain, range); None = not declared
OBJECT_PROPERTIES: dict[str, tuple[str | None, str | None]] = {
    "partnersWith": ("Actor", "Actor"),
    "competesWith": ("Actor", "Actor"),
    "launchesProduct": ("Actor", "Product"),
    "operatesIn": ("Actor", "Scenario"),
    "investsIn": ("Actor", "Actor"),
    "acquires": ("Actor", "Actor"),
    "subsidiaryOf": ("Actor", "Actor"),
    "executiveOf": ("Person", "Actor"),
    "publishes": ("Actor", "Report"),
    "parentOrganization": ("Actor", "Actor"),
    "mentionedIn": (None, "Article"),
    "aboutEntity": ("Observation", None),
}
SYMMETRIC = {"partnersWith", "competesWith"}

# property -> XSD range
DATATYPE_PROPERTIES: dict[str, URIRef] = {
    "startOffset": XSD.integer, "endOffset": XSD.integer,
    "rule": XSD.string, "confidence": XSD.decimal,
    "measure": XSD.string, "value": XSD.decimal, "unit": XSD.string,
    "period": XSD.string, "contentHash": XSD.string, "sourceFile": XSD.string, "stockCode": XSD.string,
    "degree": XSD.integer, "weightedDegree": XSD.decimal, "pageRank": XSD.decimal,
    "betweenness": XSD.decimal, "eigenvector": XSD.decimal, "closeness": XSD.decimal,
    "coreNumber": XSD.integer, "community": XSD.integer,
    "evidence": RDFS.Literal,
}

REQUIRED_SCENARIOS = [
    "电商", "社交", "医疗", "财富管理", "线下支付", "便利店", "商场", "超市", "地铁",
    "餐饮", "跨境支付", "消费金融", "供应链金融", "出行", "政务", "教育", "公共交通",
    "生活缴费", "保险", "信贷", "征信", "物流", "旅游", "外卖", "零售", "农村金融",
    "小微企业融资", "数字人民币支付", "收单",
]
# Words the seed gold annotation deliberately does not treat as scenarios
# (tests/gold/README.md): they must be neither a label nor an alias.
NOT_SCENARIO_WORDS = ["场景", "移动支付", "线下收单", "商业", "商圈", "理财", "众筹", "风控", "支付"]


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def ont() -> Graph:
    return Graph().parse(FINTECH, format="turtle")


@pytest.fixture(scope="session")
def scen() -> Graph:
    return Graph().parse(SCENARIOS, format="turtle")


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def _labels(g: Graph, node, lang: str, prop=RDFS.label) -> list[str]:
    return [str(o) for o in g.objects(node, prop) if isinstance(o, Literal) and o.language == lang]


def _entity_iri(label: str) -> URIRef:
    """The entity IRI rule of docs/graph-model.md."""
    key = unicodedata.normalize("NFKC", label)
    key = "".join(ch for ch in key if unicodedata.category(ch) not in ("Cf", "Cc"))
    out = []
    for ch in key:
        if ch.isalnum() or ch in "-_.":
            out.append(ch)
        else:
            out.append(quote(ch, safe=""))
    return KGE["".join(out)]


# ---------------------------------------------------------------- parsing
@pytest.mark.parametrize("path", [FINTECH, SCENARIOS, SHAPES], ids=lambda p: p.name)
def test_ontology_files_parse_with_rdflib_and_pyoxigraph(path):
    g = Graph().parse(path, format="turtle")
    assert len(g) > 50
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.from_media_type("text/turtle")))
    assert len(triples) == len(g)


# ---------------------------------------------------------------- fintech.ttl
def test_ontology_header_has_title_and_version(ont):
    (onto,) = list(ont.subjects(RDF.type, OWL.Ontology))
    assert {"en", "zh"} <= {t.language for t in ont.objects(onto, DCTERMS.title)}
    assert ont.value(onto, OWL.versionInfo) is not None


@pytest.mark.parametrize("name", sorted(CONTRACT_CLASSES))
def test_ontology_class_exists_with_labels_and_comment(ont, name):
    cls = KG[name]
    assert (cls, RDF.type, OWL.Class) in ont
    assert len(_labels(ont, cls, "zh")) == 1, f"{name}: needs exactly one rdfs:label@zh"
    assert len(_labels(ont, cls, "en")) == 1, f"{name}: needs exactly one rdfs:label@en"
    assert _labels(ont, cls, "en", RDFS.comment), f"{name}: needs an rdfs:comment@en"


@pytest.mark.parametrize("name", sorted(CONTRACT_CLASSES))
def test_ontology_class_has_exactly_the_contract_superclass(ont, name):
    parents = {p for p in ont.objects(KG[name], RDFS.subClassOf) if str(p).startswith(str(KG))}
    expected = {KG[CONTRACT_CLASSES[name]]} if CONTRACT_CLASSES[name] else set()
    assert parents == expected


def test_ontology_has_no_classes_beyond_the_contract(ont):
    defined = {s for s in ont.subjects(RDF.type, OWL.Class) if str(s).startswith(str(KG))}
    assert defined == {KG[c] for c in CONTRACT_CLASSES}


def test_ontology_bank_chain_reaches_actor(ont):
    chain = list(ont.transitive_objects(KG.JointStockBank, RDFS.subClassOf))
    kg_chain = [c for c in chain if str(c).startswith(str(KG))]
    assert kg_chain == [KG.JointStockBank, KG.Bank, KG.FinancialInstitution, KG.Organization, KG.Actor]


@pytest.mark.parametrize("name", sorted(OBJECT_PROPERTIES))
def test_ontology_object_property_declared(ont, name):
    prop = KG[name]
    assert (prop, RDF.type, OWL.ObjectProperty) in ont
    assert len(_labels(ont, prop, "zh")) == 1 and len(_labels(ont, prop, "en")) == 1
    assert _labels(ont, prop, "en", RDFS.comment)
    domain, range_ = OBJECT_PROPERTIES[name]
    assert ont.value(prop, RDFS.domain) == (KG[domain] if domain else None)
    assert ont.value(prop, RDFS.range) == (KG[range_] if range_ else None)
    assert ((prop, RDF.type, OWL.SymmetricProperty) in ont) == (name in SYMMETRIC)


@pytest.mark.parametrize("name", sorted(DATATYPE_PROPERTIES))
def test_ontology_datatype_property_declared(ont, name):
    prop = KG[name]
    assert (prop, RDF.type, OWL.DatatypeProperty) in ont
    assert len(_labels(ont, prop, "zh")) == 1 and len(_labels(ont, prop, "en")) == 1
    assert _labels(ont, prop, "en", RDFS.comment)
    assert ont.value(prop, RDFS.range) == DATATYPE_PROPERTIES[name]


def test_ontology_has_no_properties_beyond_the_contract(ont):
    defined = {s for t in (OWL.ObjectProperty, OWL.DatatypeProperty)
               for s in ont.subjects(RDF.type, t) if str(s).startswith(str(KG))}
    assert defined == {KG[p] for p in (*OBJECT_PROPERTIES, *DATATYPE_PROPERTIES)}


@pytest.mark.parametrize("triple", [
    (KG.Scenario, RDFS.subClassOf, SKOS.Concept),
    (KG.RelationMention, RDFS.subClassOf, RDF.Statement),
    (KG.RelationMention, RDFS.subClassOf, PROV.Entity),
    (KG.Organization, RDFS.subClassOf, SCHEMA.Organization),
    (KG.Article, RDFS.subClassOf, SCHEMA.NewsArticle),
    (KG.Report, RDFS.subClassOf, SCHEMA.Report),
    (KG.Product, RDFS.subClassOf, SCHEMA.Product),
    (KG.Bank, RDFS.subClassOf, SCHEMA.BankOrCreditUnion),
    (KG.Person, OWL.equivalentClass, SCHEMA.Person),
    (KG.parentOrganization, RDFS.subPropertyOf, SCHEMA.parentOrganization),
], ids=lambda t: str(t))
def test_ontology_alignment(ont, triple):
    assert triple in ont


def test_ontology_top_classes_are_disjoint(ont):
    members = set()
    for d in ont.subjects(RDF.type, OWL.AllDisjointClasses):
        lst = ont.value(d, OWL.members)
        members.add(frozenset(ont.items(lst)))
    top = frozenset(KG[c] for c, parent in CONTRACT_CLASSES.items() if parent is None)
    assert top in members


def test_ontology_terms_used_by_other_files_are_defined(ont, scen, shapes):
    defined = set(ont.subjects()) | {KG.ScenarioScheme}
    used = {t for g in (scen, shapes) for triple in g for t in triple
            if isinstance(t, URIRef) and str(t).startswith(str(KG))}
    assert used - defined == set()


# ---------------------------------------------------------------- scenarios.ttl
def _scenarios(scen: Graph) -> list[URIRef]:
    return sorted(scen.subjects(RDF.type, KG.Scenario))


def _zh_label(scen: Graph, node) -> str:
    (label,) = _labels(scen, node, "zh")
    return label


def test_scenarios_at_least_30_each_a_complete_concept(scen):
    nodes = _scenarios(scen)
    assert len(nodes) >= 30
    for node in nodes:
        assert (node, RDF.type, SKOS.Concept) in scen, node
        assert (node, SKOS.inScheme, KG.ScenarioScheme) in scen, node
        assert len(_labels(scen, node, "zh")) == 1, node
        assert len(_labels(scen, node, "en")) == 1, node
        assert node == _entity_iri(_zh_label(scen, node)), "IRI must be kge: + the zh label"
        assert all(isinstance(o, Literal) and o.language for o in scen.objects(node, SKOS.altLabel))


@pytest.mark.parametrize("label", REQUIRED_SCENARIOS)
def test_scenarios_required_label_present(scen, label):
    assert (_entity_iri(label), RDF.type, KG.Scenario) in scen


@pytest.mark.parametrize("child,parent", [
    ("便利店", "线下支付"), ("商场", "线下支付"), ("超市", "线下支付"), ("地铁", "线下支付"),
    ("餐饮", "线下支付"), ("地铁", "公共交通"), ("公共交通", "出行"), ("外卖", "餐饮"),
    ("电商", "零售"), ("农村金融", "普惠金融"), ("消费金融", "信贷"),
])
def test_scenarios_taxonomy_broader(scen, child, parent):
    assert (_entity_iri(child), SKOS.broader, _entity_iri(parent)) in scen


def test_scenarios_hierarchy_is_rooted_and_acyclic(scen):
    nodes = set(_scenarios(scen))
    tops = {n for n in nodes if scen.value(n, SKOS.broader) is None}
    assert tops == set(scen.objects(KG.ScenarioScheme, SKOS.hasTopConcept))
    assert tops == set(scen.subjects(SKOS.topConceptOf, KG.ScenarioScheme))
    for node in nodes:
        parents = set(scen.objects(node, SKOS.broader))
        assert parents <= nodes, f"{node}: broader outside the scheme"
        ancestors = set(scen.transitive_objects(node, SKOS.broader)) - {node}
        assert node not in {a for p in parents for a in scen.transitive_objects(p, SKOS.broader)}, \
            f"{node}: cycle in skos:broader"
        assert ancestors & tops or node in tops, f"{node}: does not reach a top concept"


def test_scenarios_no_label_or_alias_is_duplicated(scen):
    terms = Counter()
    for node in _scenarios(scen):
        for prop in (RDFS.label, SKOS.altLabel):
            for lit in scen.objects(node, prop):
                terms[unicodedata.normalize("NFKC", str(lit)).casefold()] += 1
    assert [t for t, n in terms.items() if n > 1] == []


@pytest.mark.parametrize("word", NOT_SCENARIO_WORDS)
def test_scenarios_exclude_words_that_are_not_scenarios(scen, word):
    terms = {str(o) for n in _scenarios(scen) for p in (RDFS.label, SKOS.altLabel)
             for o in scen.objects(n, p)}
    assert word not in terms


def test_scenarios_cover_certain_gold_scenarios(scen):
    if not GOLD.exists():
        pytest.skip("no gold annotation")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    labels = {e["label"] for e in gold["entities"]
              if e["type"] == "Scenario" and e.get("certain", True)}
    assert labels
    assert {lab for lab in labels if (_entity_iri(lab), RDF.type, KG.Scenario) not in scen} == set()


def test_scenarios_do_not_collide_with_lexicon_names(scen):
    if not LEXICON.exists():
        pytest.skip("no lexicon")
    lines = [ln for ln in LEXICON.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    lexicon = {unicodedata.normalize("NFKC", t).casefold()
               for r in rows for t in [r["name"], *r["aliases"].split("|")] if t}
    terms = {unicodedata.normalize("NFKC", str(o)).casefold()
             for n in _scenarios(scen) for p in (RDFS.label, SKOS.altLabel)
             for o in scen.objects(n, p)}
    assert terms & lexicon == set()


# ---------------------------------------------------------------- shapes.ttl
INFERENCE_MODES = ["rdfs", "none"]


def _conforming_graph() -> Graph:
    """A bank and a payment platform that partner, with evidence and an article."""
    g = Graph()
    bank, alipay, art, m, o = KGE["招商银行"], KGE["支付宝"], KGA["a1"], KGM["m1"], KGM["o1"]
    g.add((bank, RDF.type, KG.JointStockBank))
    g.add((bank, RDFS.label, Literal("招商银行", lang="zh")))
    g.add((bank, RDFS.label, Literal("China Merchants Bank", lang="en")))
    g.add((bank, SKOS.altLabel, Literal("招行", lang="zh")))
    g.add((alipay, RDF.type, KG.PaymentPlatform))
    g.add((alipay, RDFS.label, Literal("支付宝", lang="zh")))
    g.add((bank, KG.mentionedIn, art))
    g.add((alipay, KG.mentionedIn, art))
    g.add((bank, KG.partnersWith, alipay))
    # the mention states the symmetric fact in the other direction
    for p, v in [(RDF.type, RDF.Statement), (RDF.type, KG.RelationMention),
                 (RDF.subject, alipay), (RDF.predicate, KG.partnersWith), (RDF.object, bank),
                 (KG.evidence, Literal("支付宝与招商银行签署合作协议。", lang="zh")),
                 (KG.startOffset, Literal(0)), (KG.endOffset, Literal(15)),
                 (KG.rule, Literal("signs_agreement")),
                 (KG.confidence, Literal(Decimal("0.9"))),
                 (PROV.wasDerivedFrom, art)]:
        g.add((m, p, v))
    for p, v in [(RDF.type, KG.Observation), (KG.aboutEntity, alipay),
                 (KG.measure, Literal("marketShare")), (KG.value, Literal(Decimal("71.51"))),
                 (KG.unit, Literal("%")), (KG.period, Literal("2015Q3")),
                 (KG.evidence, Literal("支付宝以71.51%的市场份额", lang="zh")),
                 (KG.startOffset, Literal(20)), (KG.endOffset, Literal(33)),
                 (KG.rule, Literal("market_share")), (KG.confidence, Literal(Decimal("0.9"))),
                 (PROV.wasDerivedFrom, art)]:
        g.add((o, p, v))
    g.add((art, RDF.type, KG.Article))
    g.add((art, DCTERMS.identifier, Literal("a1")))
    g.add((art, KG.contentHash, Literal("0" * 64)))
    g.add((art, DCTERMS.date, Literal("2015-11-02", datatype=XSD.date)))
    g.add((art, DCTERMS.title, Literal("测试", lang="zh")))
    return g


def _validate(data: Graph, shapes: Graph, ont: Graph, inference: str):
    conforms, report, text = validate(data, shacl_graph=shapes, ont_graph=ont,
                                      inference=inference, allow_warnings=False)
    return conforms, report, text


def _reasons(report: Graph) -> set[tuple[str, str | None, str]]:
    """(constraint component, result path, node) of every violation.

    node is the focus node; for SPARQL constraints, whose shapes check the
    whole graph from one focus node, it is the offending sh:value.
    """
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        comp = str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        path = report.value(r, SH.resultPath)
        node = report.value(r, SH.value if comp == "SPARQLConstraintComponent" else SH.focusNode)
        out.add((comp, str(path) if isinstance(path, URIRef) else None, str(node)))
    return out


@pytest.mark.parametrize("inference", INFERENCE_MODES)
def test_shapes_accept_conforming_graph(shapes, ont, inference):
    conforms, _, text = _validate(_conforming_graph(), shapes, ont, inference)
    assert conforms, text


@pytest.mark.parametrize("inference", INFERENCE_MODES)
def test_shapes_accept_the_scenario_taxonomy(shapes, ont, scen, inference):
    conforms, _, text = _validate(scen, shapes, ont, inference)
    assert conforms, text


def _drop(s, p):
    return lambda g: g.remove((s, p, None))


def _set(s, p, v):
    def edit(g):
        g.remove((s, p, None))
        g.add((s, p, v))
    return edit


def _add(*triples):
    def edit(g):
        for t in triples:
            g.add(t)
    return edit


def _scenario_partner(g):
    g.add((KGE["医疗"], RDF.type, KG.Scenario))
    g.add((KGE["医疗"], RDFS.label, Literal("医疗", lang="zh")))
    g.add((KGE["支付宝"], KG.partnersWith, KGE["医疗"]))


M, O, A = KGM["m1"], KGM["o1"], KGA["a1"]
BANK, ALIPAY = str(KGE["招商银行"]), str(KGE["支付宝"])

# (case id, edit of the conforming graph,
#  {inference mode: (constraint component, result path or None, focus node)})
BROKEN = [
    ("missing evidence", _drop(M, KG.evidence),
     {"*": ("MinCountConstraintComponent", str(KG.evidence), str(M))}),
    ("empty evidence", _set(M, KG.evidence, Literal("", lang="zh")),
     {"*": ("MinLengthConstraintComponent", str(KG.evidence), str(M))}),
    ("partnersWith to a Scenario", _scenario_partner,
     {"none": ("ClassConstraintComponent", str(KG.partnersWith), ALIPAY),
      "rdfs": ("NotConstraintComponent", None, str(KGE["医疗"]))}),
    ("entity with two zh labels", _add((KGE["招商银行"], RDFS.label, Literal("招商", lang="zh"))),
     {"*": ("UniqueLangConstraintComponent", str(RDFS.label), BANK)}),
    ("zh and zh-CN labels", _add((KGE["招商银行"], RDFS.label, Literal("招商", lang="zh-CN"))),
     {"*": ("QualifiedMaxCountConstraintComponent", str(RDFS.label), BANK)}),
    ("entity without zh label", _drop(KGE["支付宝"], RDFS.label),
     {"*": ("QualifiedMinCountConstraintComponent", str(RDFS.label), ALIPAY)}),
    ("untagged label", _add((KGE["支付宝"], RDFS.label, Literal("Alipay"))),
     {"*": ("DatatypeConstraintComponent", str(RDFS.label), ALIPAY)}),
    ("confidence 1.5", _set(M, KG.confidence, Literal(Decimal("1.5"))),
     {"*": ("MaxInclusiveConstraintComponent", str(KG.confidence), str(M))}),
    ("confidence as double", _set(M, KG.confidence, Literal(0.9)),
     {"*": ("DatatypeConstraintComponent", str(KG.confidence), str(M))}),
    ("executiveOf from a Bank", _add((KGE["招商银行"], KG.executiveOf, KGE["支付宝"])),
     {"none": ("ClassConstraintComponent", None, BANK),
      "rdfs": ("NotConstraintComponent", None, BANK)}),
    ("operatesIn to a Bank", _add((KGE["支付宝"], KG.operatesIn, KGE["招商银行"])),
     {"none": ("ClassConstraintComponent", str(KG.operatesIn), ALIPAY),
      "rdfs": ("NotConstraintComponent", None, BANK)}),
    ("launchesProduct of a Bank", _add((KGE["支付宝"], KG.launchesProduct, KGE["招商银行"])),
     {"none": ("ClassConstraintComponent", str(KG.launchesProduct), ALIPAY),
      "rdfs": ("NotConstraintComponent", None, BANK)}),
    ("negative start offset", _set(M, KG.startOffset, Literal(-1)),
     {"*": ("MinInclusiveConstraintComponent", str(KG.startOffset), str(M))}),
    ("start after end", _set(M, KG.startOffset, Literal(40)),
     {"*": ("LessThanConstraintComponent", str(KG.startOffset), str(M))}),
    ("two subjects", _add((M, RDF.subject, KGE["招商银行"])),
     {"*": ("MaxCountConstraintComponent", str(RDF.subject), str(M))}),
    ("predicate not an object property", _set(M, RDF.predicate, RDFS.label),
     {"*": ("ClassConstraintComponent", str(RDF.predicate), str(M))}),
    ("missing rule", _drop(M, KG.rule),
     {"*": ("MinCountConstraintComponent", str(KG.rule), str(M))}),
    ("mention without article", _drop(M, PROV.wasDerivedFrom),
     {"*": ("MinCountConstraintComponent", str(PROV.wasDerivedFrom), str(M))}),
    ("mention of an unasserted fact", _drop(KGE["招商银行"], KG.partnersWith),
     {"*": ("SPARQLConstraintComponent", None, str(M))}),
    ("observation value as string", _set(O, KG.value, Literal("71.51")),
     {"*": ("DatatypeConstraintComponent", str(KG.value), str(O))}),
    ("observation without entity", _drop(O, KG.aboutEntity),
     {"*": ("MinCountConstraintComponent", str(KG.aboutEntity), str(O))}),
    ("observation without evidence", _drop(O, KG.evidence),
     {"*": ("MinCountConstraintComponent", str(KG.evidence), str(O))}),
    ("observation bad period", _set(O, KG.period, Literal("2015年第三季度")),
     {"*": ("PatternConstraintComponent", str(KG.period), str(O))}),
    ("article without content hash", _drop(A, KG.contentHash),
     {"*": ("MinCountConstraintComponent", str(KG.contentHash), str(A))}),
    ("article without identifier", _drop(A, DCTERMS.identifier),
     {"*": ("MinCountConstraintComponent", str(DCTERMS.identifier), str(A))}),
    ("entity typed both Actor and Product", _add((KGE["支付宝"], RDF.type, KG.FinancialProduct)),
     {"*": ("NotConstraintComponent", None, ALIPAY)}),
]


@pytest.mark.parametrize("inference", INFERENCE_MODES)
@pytest.mark.parametrize("case,edit,expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_shapes_reject_broken_graph(shapes, ont, inference, case, edit, expected):
    g = _conforming_graph()
    edit(g)
    conforms, report, text = _validate(g, shapes, ont, inference)
    assert not conforms, f"{case}: should not conform"
    reason = expected.get(inference, expected.get("*"))
    assert reason in _reasons(report), f"{case}: expected {reason}, got:\n{text}"


@pytest.mark.parametrize("inference", INFERENCE_MODES)
def test_shapes_name_the_mention_whose_fact_is_missing(shapes, ont, inference):
    g = _conforming_graph()
    g.remove((KGE["招商银行"], KG.partnersWith, None))
    conforms, report, _ = _validate(g, shapes, ont, inference)
    assert not conforms
    values = {report.value(r, SH.value) for r in report.subjects(RDF.type, SH.ValidationResult)
              if report.value(r, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent}
    assert values == {M}


@pytest.mark.parametrize("inference", INFERENCE_MODES)
def test_shapes_accept_symmetric_fact_stored_in_either_direction(shapes, ont, inference):
    g = _conforming_graph()
    g.remove((KGE["招商银行"], KG.partnersWith, None))
    g.add((KGE["支付宝"], KG.partnersWith, KGE["招商银行"]))
    conforms, _, text = _validate(g, shapes, ont, inference)
    assert conforms, text
