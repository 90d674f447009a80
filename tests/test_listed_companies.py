"""Listed companies (ontology/listed_companies.tsv): stock short names found without a corporate suffix,
ordinary-word short names only where a company is meant, and the import script that writes the file."""
import importlib.util
from pathlib import Path

import pytest

from kg.lexicon import read_lexicon, read_lexicon_rows, read_listed_rows

ROOT = Path(__file__).resolve().parents[1]
LISTED = ROOT / "ontology" / "listed_companies.tsv"


def load_script():
    spec = importlib.util.spec_from_file_location("import_listed", ROOT / "scripts" / "import_listed_companies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_file_lists_thousands_of_companies_with_ontology_classes():
    rows = read_listed_rows(LISTED)
    assert len(rows) > 5000
    assert {e.cls for e, _ in rows} <= {"Company", "TechCompany", "Bank", "RuralCommercialBank", "SecuritiesFirm",
                                        "InsuranceCompany", "ResearchFirm", "Retailer", "InternetFinanceCompany"}


def test_a_stock_short_name_links_to_its_company():
    lexicon = read_lexicon()
    assert lexicon.link("三一重工").name == "三一重工"
    assert lexicon.link("*ST全新").name == "全新"  # the listed spelling of an ordinary-word name links always


def test_the_lexicon_row_wins_over_the_listed_one():
    own = {e.name: e for e in read_lexicon_rows(ROOT / "ontology" / "lexicon.tsv")}
    assert "平安银行" in own and "平安银行" in {e.name for e, _ in read_listed_rows(LISTED)}
    assert read_lexicon().entities["平安银行"] == own["平安银行"]


def test_ordinary_word_names_are_not_matched_by_themselves():
    lexicon = read_lexicon()
    assert "太阳能" in lexicon.contextual and lexicon.link("太阳能") is None
    assert "太阳能" not in lexicon.terms()  # … nor put into jieba's dictionary


@pytest.mark.parametrize("text, name", [
    ("涪陵榨菜今日发布公告，拟收购一家调味品公司。", "涪陵榨菜"),
    ("三一重工和徐工机械都在扩大海外产能。", "三一重工"),
    ("太阳能公告称，公司电站的发电量同比增长。", "太阳能"),  # an ordinary word before a company word
    ("他曾担任泸天化董事长。", "泸天化"),  # … after a verb (担任), not only at a clause start
])
def test_listed_companies_are_found_without_a_suffix(extract, text, name):
    assert (name, name) in {(m.text, m.label) for m in extract(text).mentions}


@pytest.mark.parametrize("text, word", [
    ("太阳能发电的成本逐年下降。", "太阳能"),
    ("企业文化收购不了人心。", "文化"),  # 文化 + a company word, but inside a longer phrase
    ("陈荣华宣布辞职。", "荣华"),  # a listed short name inside a person's name
    ("美的集团与一致行动人共持有股份。", "一致"),  # after 与 a known company, but a word goes on
])
def test_ordinary_word_names_stay_words_elsewhere(extract, text, word):
    assert word not in {m.text for m in extract(text).mentions}


@pytest.mark.parametrize("text, name, label", [
    ("昨日晚间，东航股份公告称，公司经营正常。", "东航股份", "中国东方航空"),  # X股份 opening a clause: the company
    ("中国平安持有工商银行股份。", "工商银行", "中国工商银行"),  # after 持有: its shares
    ("工商银行股份的比例上升。", "工商银行", "中国工商银行"),
])
def test_gufen_after_a_known_name_is_the_company_only_where_it_opens_a_clause(extract, text, name, label):
    assert (name, label) in {(m.text, m.label) for m in extract(text).mentions}


def test_a_holding_company_above_a_listed_one_is_another_company(extract):
    x = extract("新和成的大股东新昌县新和成控股有限公司参与认购。")
    assert ("新昌县新和成控股有限公司", "新昌县新和成控股") in {(m.text, m.label) for m in x.mentions}
    assert ("新昌县新和成控股", "investsIn", "新和成") in {(r.head, r.type, r.tail) for r in x.relations}


def test_the_import_script_strips_status_marks_and_share_classes():
    script = load_script()
    assert [script.short_name(s) for s in ("万  科Ａ", "*ST长生", "长生退", "S*ST前锋", "招商银行")] == \
        ["万科", "长生", "长生", "前锋", "招商银行"]


def test_the_import_script_keeps_one_row_per_name_with_class_and_kind():
    script = load_script()
    codes = [{"stock_code": "600036", "short_name": "招商银行", "list_date2": ""},
             {"stock_code": "000591", "short_name": "太阳能", "list_date2": ""},
             {"stock_code": "000002", "short_name": "万  科Ａ", "list_date2": ""},
             {"stock_code": "200002", "short_name": "万  科Ｂ", "list_date2": ""},
             {"stock_code": "000003", "short_name": "PT金A", "list_date2": ""}]  # one character left: no name
    dictionary = {"太阳能": (464, "n")}
    rows = script.rows_of(codes, dictionary, [("银行", "Bank")])
    assert rows == [("万科", "Company", "000002", "万科A", "word"),  # two characters: only in context
                    ("太阳能", "Company", "000591", "", "word"),
                    ("招商银行", "Bank", "600036", "", "name")]


@pytest.mark.parametrize("text, want", [
    # the lexicon links 格力 and 格力电器 to one company; a text that also names 格力集团 means the group
    ("格力集团仍然是格力电器的第一大股东。", {("格力集团", "格力集团"), ("格力电器", "格力电器")}),
    ("鞍钢集团将增持鞍钢股份的股票。", {("鞍钢集团", "鞍钢集团"), ("鞍钢股份", "鞍钢股份")}),
    ("宝钢集团是宝钢的控股股东。", {("宝钢集团", "宝钢集团"), ("宝钢", "宝钢股份")}),  # the group has its own row
])
def test_a_group_and_its_listed_member_named_in_one_text_are_two_companies(extract, text, want):
    assert want <= {(m.text, m.label) for m in extract(text).mentions}


def test_a_listed_company_name_plus_group_is_its_parent_group(extract):
    x = extract("华鲁恒升公告，公司控股股东山东华鲁恒升集团有限公司正在讨论重大事项。")
    assert ("山东华鲁恒升集团有限公司", "山东华鲁恒升集团") in {(m.text, m.label) for m in x.mentions}
    assert ("华鲁恒升", "subsidiaryOf", "山东华鲁恒升集团") in {(r.head, r.type, r.tail) for r in x.relations}


def test_a_share_class_letter_is_not_part_of_the_mention(extract):
    x = extract("资管计划所持万科A表决权的情况有变。")
    assert [(m.text, m.label) for m in x.mentions] == [("万科", "万科企业")]


def test_listed_companies_carry_their_stock_code_into_the_graph():
    from kg.graph.build import entity_triples
    from kg.ontology import read_ontology
    from rdflib import Literal, Namespace

    lexicon, onto = read_lexicon(), read_ontology()
    kg = Namespace("https://w3id.org/fintech-kg/ontology#")
    assert lexicon.codes["平安银行"] == "000001"  # a lexicon row takes the code of its own name
    assert "中国石油天然气集团" not in lexicon.codes  # … not of an alias (中国石油 is the listed arm)
    codes = {o for _, p, o in entity_triples("三一重工", "Company", lexicon, onto, set()) if p == kg.stockCode}
    assert codes == {Literal("600031")}


def test_a_lexicon_company_plus_group_stays_itself_although_it_is_listed(extract):
    x = extract("伊利集团董事长发表演讲，介绍伊利的绿色发展理念。")  # 伊利股份: a lexicon row with a stock code
    assert {m.label for m in x.mentions if m.text.startswith("伊利")} == {"伊利股份"}
