"""Checks on the entity lexicon file ``ontology/lexicon.tsv``.

The lexicon feeds jieba's user dictionary, the entity ruler and the linker, so
a duplicated alias or a dangling parent breaks all three at once. These tests
read the file with the csv module only: they hold whatever loader is written.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "ontology" / "lexicon.tsv"
ONTOLOGY = ROOT / "ontology" / "fintech.ttl"
GOLD = ROOT / "tests" / "gold" / "seed-000.json"
KG_NS = "https://w3id.org/fintech-kg/ontology#"

HEADER = ["name", "class", "aliases", "en", "parent"]

# The fixed class contract (local names); the ontology file is the authority
# when it exists, this list is what the lexicon may use in the meantime.
CONTRACT_CLASSES = {
    "Actor", "Organization", "FinancialInstitution", "Bank",
    "StateOwnedBank", "JointStockBank", "CityCommercialBank",
    "RuralCommercialBank", "PolicyBank", "PrivateBank", "ForeignBank",
    "PaymentInstitution", "ClearingOrganization", "InsuranceCompany",
    "SecuritiesFirm", "FundCompany", "TrustCompany", "ConsumerFinanceCompany",
    "InternetFinanceCompany", "CreditBureau", "Company", "TechCompany",
    "Retailer", "ResearchFirm", "TelecomOperator", "Regulator",
    "GovernmentBody", "IndustryAssociation", "Platform", "PaymentPlatform",
    "WealthPlatform", "LendingPlatform", "Product", "FinancialProduct",
    "Initiative", "Person", "Report",
}
# Classes whose instances never come from the lexicon.
FORBIDDEN_CLASSES = {"Scenario", "Article", "RelationMention", "Observation"}


def _key(term: str) -> str:
    """Matching key: NFKC, case-folded, without format/control characters."""
    term = unicodedata.normalize("NFKC", term)
    term = "".join(ch for ch in term if unicodedata.category(ch) not in ("Cf", "Cc"))
    return term.casefold()


def read_lexicon() -> tuple[list[str], list[dict[str, str]]]:
    with LEXICON.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    rows = []
    for fields in reader:
        assert len(fields) == len(HEADER), f"wrong field count: {fields!r}"
        rows.append(dict(zip(HEADER, fields)))
    return header, rows


def aliases(row: dict[str, str]) -> list[str]:
    return row["aliases"].split("|") if row["aliases"] else []


@pytest.fixture(scope="module")
def lexicon() -> tuple[list[str], list[dict[str, str]]]:
    return read_lexicon()


@pytest.fixture(scope="module")
def rows(lexicon) -> list[dict[str, str]]:
    return lexicon[1]


@pytest.fixture(scope="module")
def surface_index(rows) -> dict[str, str]:
    """Normalised name or alias -> canonical name."""
    index = {}
    for row in rows:
        for term in [row["name"], *aliases(row)]:
            index[_key(term)] = row["name"]
    return index


def test_lexicon_file_header(lexicon):
    assert lexicon[0] == HEADER


def test_lexicon_file_has_enough_rows(rows):
    assert len(rows) >= 450


def test_lexicon_file_fields_are_trimmed_and_nonempty(rows):
    for row in rows:
        assert row["name"], row
        assert row["class"], row
        for field, value in row.items():
            assert value == value.strip(), f"{row['name']}: {field} has outer spaces"
            assert "\t" not in value
        assert "" not in aliases(row), f"{row['name']}: empty alias (stray |)"


def test_lexicon_file_names_unique(rows):
    counts = Counter(_key(row["name"]) for row in rows)
    assert [name for name, n in counts.items() if n > 1] == []


def test_lexicon_file_aliases_unique_across_rows(rows):
    owner: dict[str, str] = {}
    clashes = []
    for row in rows:
        for alias in set(_key(a) for a in aliases(row)):
            if alias in owner and owner[alias] != row["name"]:
                clashes.append((alias, owner[alias], row["name"]))
            owner[alias] = row["name"]
    assert clashes == []


def test_lexicon_file_alias_never_another_rows_name(rows):
    names = {_key(row["name"]): row["name"] for row in rows}
    bad = [
        (alias, row["name"], names[_key(alias)])
        for row in rows
        for alias in aliases(row)
        if _key(alias) in names and names[_key(alias)] != row["name"]
    ]
    assert bad == []


def test_lexicon_file_alias_not_repeated_within_row(rows):
    for row in rows:
        keys = [_key(a) for a in aliases(row)]
        assert len(keys) == len(set(keys)), row["name"]
        assert _key(row["name"]) not in keys, f"{row['name']} lists itself as alias"


def test_lexicon_file_terms_at_least_two_characters(rows):
    short = [(row["name"], t) for row in rows for t in [row["name"], *aliases(row)] if len(t) < 2]
    assert short == []


def test_lexicon_file_classes_in_contract(rows):
    used = {row["class"] for row in rows}
    assert used & FORBIDDEN_CLASSES == set()
    assert used - CONTRACT_CLASSES == set()


def test_lexicon_file_classes_exist_in_ontology(rows):
    if not ONTOLOGY.exists():
        pytest.skip(f"{ONTOLOGY.relative_to(ROOT)} not written yet; classes checked against the contract list only")
    rdflib = pytest.importorskip("rdflib")
    from rdflib.namespace import OWL, RDF, RDFS

    g = rdflib.Graph()
    g.parse(ONTOLOGY, format="turtle")
    declared = {
        str(s)[len(KG_NS):]
        for s in set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, RDFS.Class))
        if str(s).startswith(KG_NS)
    }
    used = {row["class"] for row in rows}
    assert used - declared == set(), "lexicon classes missing from ontology/fintech.ttl"


def test_lexicon_file_parents_are_rows(rows):
    names = {row["name"] for row in rows}
    dangling = [(row["name"], row["parent"]) for row in rows if row["parent"] and row["parent"] not in names]
    assert dangling == []
    assert [row["name"] for row in rows if row["parent"] == row["name"]] == []


def test_lexicon_file_parent_chains_have_no_cycle(rows):
    parent = {row["name"]: row["parent"] for row in rows if row["parent"]}
    for start in parent:
        seen, node = [start], parent[start]
        while node in parent:
            assert node not in seen, f"parent cycle: {' -> '.join(seen + [node])}"
            seen.append(node)
            node = parent[node]


def test_lexicon_file_people_and_products_have_no_legal_suffix(rows):
    # A 有限公司 alias on a person or product would mean a company was misfiled.
    for row in rows:
        if row["class"] in {"Person", "Product", "FinancialProduct", "Initiative"}:
            assert not any(a.endswith("公司") for a in aliases(row)), row["name"]


@pytest.mark.parametrize(
    "cls, minimum",
    [
        ("StateOwnedBank", 6),
        ("JointStockBank", 12),
        ("PolicyBank", 3),
        ("CityCommercialBank", 40),
        ("RuralCommercialBank", 15),
        ("PrivateBank", 19),
        ("ForeignBank", 10),
        ("PaymentInstitution", 40),
        ("ClearingOrganization", 7),
        ("PaymentPlatform", 10),
        ("Regulator", 6),
        ("Person", 10),
    ],
)
def test_lexicon_file_class_coverage(rows, cls, minimum):
    assert sum(row["class"] == cls for row in rows) >= minimum


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("招行", "招商银行"),
        ("工行", "中国工商银行"),
        ("工商银行", "中国工商银行"),
        ("农行", "中国农业银行"),
        ("农业银行", "中国农业银行"),
        ("中行", "中国银行"),
        ("建行", "中国建设银行"),
        ("建设银行", "中国建设银行"),
        ("交行", "交通银行"),
        ("邮储银行", "中国邮政储蓄银行"),
        ("浦发银行", "上海浦东发展银行"),
        ("民生银行", "中国民生银行"),
        ("银联", "中国银联"),
        ("UnionPay", "中国银联"),
        ("网联清算有限公司", "网联"),
        ("Mastercard", "万事达卡"),
        ("蚂蚁金服", "蚂蚁集团"),
        ("Ant Group", "蚂蚁集团"),
        ("京东数科", "京东科技"),
        ("京东钱包", "京东支付"),
        ("度小满钱包", "百度钱包"),
        ("央行", "中国人民银行"),
        ("人民银行", "中国人民银行"),
        ("PBOC", "中国人民银行"),
        ("证监会", "中国证券监督管理委员会"),
        ("银保监会", "中国银行保险监督管理委员会"),
        ("金融监管总局", "国家金融监督管理总局"),
        ("外汇局", "国家外汇管理局"),
        ("工信部", "工业和信息化部"),
        ("平安", "中国平安"),
        ("金霖", "金林"),
        ("易观智库", "易观"),
        ("易观国际", "易观"),
        ("Alipay", "支付宝"),
        ("支付宝（中国）网络技术有限公司", "支付宝"),
        ("WeChat Pay", "微信支付"),
        ("Tenpay", "财付通"),
        ("京东白条", "白条"),
        ("全民开店计划", "全民开店"),
        ("蚂蚁聚宝", "蚂蚁财富"),
        ("百信银行", "中信百信银行"),
    ],
)
def test_lexicon_file_alias_resolves(surface_index, alias, canonical):
    assert surface_index.get(_key(alias)) == canonical


@pytest.mark.parametrize(
    "word",
    # Ordinary words (or names of several entities) that must never be a
    # name or alias: they would turn common text into entity mentions.
    ["民生", "兴业", "光大", "招商", "中信", "华夏", "广发", "浙商", "恒丰",
     "全家", "口碑", "菜鸟", "金条", "字节", "马上", "极光", "水滴", "联想",
     "小金库", "中兴", "当当", "友邦", "Pay", "微信银行"],
)
def test_lexicon_file_ordinary_word_not_a_term(surface_index, word):
    assert _key(word) not in surface_index


def test_lexicon_file_ping_an_only_on_group(rows):
    owners = [row["name"] for row in rows if "平安" in aliases(row)]
    assert owners == ["中国平安"]


@pytest.mark.parametrize(
    "name, parent",
    [
        ("支付宝", "蚂蚁集团"),
        ("财付通", "腾讯"),
        ("微信支付", "腾讯"),
        ("QQ钱包", "腾讯"),
        ("云闪付", "中国银联"),
        ("闪付", "中国银联"),
        ("京东支付", "京东科技"),
        ("平安银行", "中国平安"),
        ("陆金所控股", "中国平安"),
        ("网商银行", "蚂蚁集团"),
        ("微众银行", "腾讯"),
        ("天弘基金", "蚂蚁集团"),
        ("一闪通", "招商银行"),
    ],
)
def test_lexicon_file_parent(rows, name, parent):
    by_name = {row["name"]: row for row in rows}
    assert by_name[name]["parent"] == parent


def test_lexicon_file_covers_seed_gold_entities(rows, surface_index):
    """Every non-scenario entity of the seed gold file is a row of the right class,
    and every surface form annotated for it resolves to it."""
    if not GOLD.exists():
        pytest.skip("tests/gold/seed-000.json is absent")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    classes = {row["name"]: row["class"] for row in rows}
    problems = []
    for ent in gold["entities"]:
        if ent["type"] in {"Scenario", "Report"}:
            continue
        if classes.get(ent["label"]) != ent["type"]:
            problems.append((ent["label"], ent["type"], classes.get(ent["label"])))
        if surface_index.get(_key(ent["text"])) != ent["label"]:
            problems.append((ent["text"], ent["label"], surface_index.get(_key(ent["text"]))))
    assert sorted(set(problems)) == []


def test_same_family_covers_parents_and_siblings_only():
    from kg.lexicon import read_lexicon as load

    lexicon = load()
    assert lexicon.same_family("微信支付", "腾讯")  # parent, at any depth
    assert lexicon.same_family("微信", "QQ")  # two of one group
    assert not lexicon.same_family("支付宝", "微信支付")  # two groups
    assert not lexicon.same_family("某某公司", "腾讯")  # unknown names belong to no group


def test_ambiguous_short_names_point_at_lexicon_entities():
    from kg.extract.rules import read_rules
    from kg.lexicon import read_lexicon as load

    names = load().entities
    missing = {s: e for s, e in read_rules().ambiguous_names.items() if e not in names}
    assert read_rules().ambiguous_names and not missing, missing
