"""The extraction stage on sentences we wrote: entities, linking, coreference, figures, offsets."""
import pytest


def labels(x):
    return {(m.label, m.type) for m in x.mentions}


def triples(x):
    return {(r.head, r.type, r.tail) for r in x.relations}


@pytest.mark.parametrize("text, label, cls", [
    ("招行推出了新的信用卡服务。", "招商银行", "JointStockBank"),
    ("工行与建行均表示支持。", "中国工商银行", "StateOwnedBank"),
    ("蚂蚁金服旗下的支付宝表示。", "蚂蚁集团", "InternetFinanceCompany"),
    ("招商銀行宣布與中國銀聯合作。", "招商银行", "JointStockBank"),  # traditional characters
    ("ＡＢＣ公司与支付宝签约。", "支付宝", "PaymentPlatform"),      # full-width context
    ("支付\u200b宝今日宣布。", "支付宝", "PaymentPlatform"),          # zero-width space inside a name
    ("京东金融副总裁金霖表示。", "金林", "Person"),                   # typo alias
])
def test_extract_pipeline_links_surface_forms_to_canonical_entities(extract, text, label, cls):
    assert (label, cls) in labels(extract(text))


def test_extract_pipeline_offsets_index_the_original_text(extract):
    text = "据悉，招商銀行與中國銀聯達成合作。"
    x = extract(text)
    for m in x.mentions:
        assert text[m.start:m.end] == m.text
    assert {"招商銀行", "中國銀聯"} <= {m.text for m in x.mentions}
    r = next(r for r in x.relations if r.type == "partnersWith")
    assert text[r.start:r.end] == r.evidence == text


def test_extract_pipeline_resolves_gai_gongsi_to_the_previous_organisation(extract):
    x = extract("以支付宝为例，线下推广力度很大。此前，该公司已与大润发签订了合同。")
    assert ("支付宝", "partnersWith", "大润发") in triples(x)


def test_extract_pipeline_expands_coordinated_lists(extract):
    x = extract("近期，银联已与苹果、三星达成合作。")
    assert {("中国银联", "partnersWith", "苹果"), ("中国银联", "partnersWith", "三星")} <= triples(x)


def test_extract_pipeline_finds_unseen_names_from_suffixes(extract):
    x = extract("青松银行与星河科技签署战略合作协议。")
    assert ("青松银行", "Bank") in labels(x)
    assert ("青松银行", "partnersWith", "星河科技") in triples(x)


def test_extract_pipeline_figures_carry_period_and_unit(extract):
    x = extract("2015年第三季度，支付宝以71.51%的市场份额继续占据第一；微信支付以1.53亿季度活跃用户排名第二。")
    obs = {(o.subject, o.kind, o.value, o.unit, o.period) for o in x.observations}
    assert ("支付宝", "marketShare", 71.51, "%", "2015Q3") in obs
    assert ("微信支付", "activeUsers", 153000000.0, "users", "2015Q3") in obs


@pytest.mark.parametrize("text, period", [
    ("2016年第一季度，财付通以38.1%的市场份额位居第二。", "2016Q1"),
    ("2017年上半年，财付通以38.1%的市场份额位居第二。", "2017H1"),
    ("2018年9月，财付通以38.1%的市场份额位居第二。", "2018-09"),
])
def test_extract_pipeline_period_forms(extract, text, period):
    assert [o.period for o in extract(text).observations] == [period]


def test_extract_pipeline_every_relation_carries_evidence_rule_and_confidence(extract):
    x = extract("中国平安推出了平安好医生。易观发布《2016年中国移动支付市场报告》。")
    assert x.relations
    for r in x.relations:
        assert r.evidence and r.rule and 0 < r.confidence <= 1


def test_extract_pipeline_word_kinds_match_a_fresh_classification_and_follow_jieba_changes():
    from kg.extract.entities import NAME, WordKinds, _kind_of, jieba_changed
    from kg.extract.rules import read_rules

    rules = read_rules()
    words = ["瑞幸", "招商银行", "ST", "的", "Lactalis", "IPO"]
    freq, tags = {}, {}  # stand-ins for jieba's tables (WordKinds reads them, never writes)
    kinds = WordKinds(rules)
    names, suffixed, markers = kinds.split(words, freq, tags)
    assert names == {w for w in words if _kind_of(w, rules, freq, tags) & NAME} >= {"瑞幸", "Lactalis"}
    assert "IPO" not in names and "的" not in names
    assert suffixed == {"招商银行"} and markers == {"ST"}
    assert kinds.split(words, freq, tags) == (names, suffixed, markers)  # the second Doc: from the memo
    # jieba learns 瑞幸 as a common word (add_word changes its tables in place): once told, the memo forgets
    freq["瑞幸"], tags["瑞幸"] = 5000, "n"
    jieba_changed()
    assert "瑞幸" not in kinds.split(words, freq, tags)[0]
