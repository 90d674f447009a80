"""Build tests/gold/seed-000.json for the seed article (run from /work/main)."""
import hashlib, json, re, sys
from collections import Counter

PATH = "/work/shared/seeds/000_7dcab47bf5217edc.txt"
text = open(PATH, encoding="utf-8").read()

# (surface, label, type, certain, selector)
# selector: None = every occurrence not inside a longer annotated span;
#           a string = a context in which the surface occurs exactly once (must be unique in text).
SPECS = [
    # --- organisations / platforms / people ---------------------------------
    ("中国第三方移动支付市场季度监测报告2015年第三季度", "中国第三方移动支付市场季度监测报告2015年第三季度", "Report", True, None),
    ("平安好医生", "平安好医生", "Product", True, None),
    ("平安账户", "平安账户", "FinancialProduct", True, None),
    ("平安银行", "平安银行", "JointStockBank", True, None),
    ("平安", "中国平安", "InsuranceCompany", True, "平安在集团层面"),
    ("京东金融", "京东金融", "InternetFinanceCompany", True, None),
    ("京东钱包", "京东支付", "PaymentPlatform", True, None),
    ("京东支付", "京东支付", "PaymentPlatform", True, None),
    ("京东", "京东", "TechCompany", True, None),
    ("阿里巴巴", "阿里巴巴", "TechCompany", True, None),
    ("腾讯", "腾讯", "TechCompany", True, None),
    ("支付宝", "支付宝", "PaymentPlatform", True, None),
    ("微信支付", "微信支付", "PaymentPlatform", True, None),
    ("财付通", "财付通", "PaymentInstitution", True, None),
    ("百度钱包", "百度钱包", "PaymentPlatform", True, None),
    ("QQ钱包", "QQ钱包", "PaymentPlatform", True, None),
    ("云闪付", "云闪付", "PaymentPlatform", True, None),
    ("银联", "中国银联", "ClearingOrganization", True, None),
    ("苹果", "苹果", "TechCompany", True, None),
    ("三星", "三星", "TechCompany", True, None),
    ("大润发", "大润发", "Retailer", True, None),
    ("易观智库", "易观", "ResearchFirm", True, None),
    ("招商证券", "招商证券", "SecuritiesFirm", True, None),
    ("招商银行", "招商银行", "JointStockBank", True, None),
    ("招行", "招商银行", "JointStockBank", True, None),
    ("一闪通", "一闪通", "FinancialProduct", True, None),
    ("一卡通", "一卡通", "FinancialProduct", True, None),
    ("农业银行", "中国农业银行", "StateOwnedBank", True, None),
    ("中国银行", "中国银行", "StateOwnedBank", True, None),
    ("建设银行", "中国建设银行", "StateOwnedBank", True, None),
    ("工商银行", "中国工商银行", "StateOwnedBank", True, None),
    ("广发银行", "广发银行", "JointStockBank", True, None),
    ("兴业银行", "兴业银行", "JointStockBank", True, None),
    ("中信银行", "中信银行", "JointStockBank", True, None),
    ("民生银行", "中国民生银行", "JointStockBank", True, None),
    ("浦发银行", "上海浦东发展银行", "JointStockBank", True, None),
    ("金林", "金林", "Person", True, None),
    ("金霖", "金林", "Person", True, None),
    ("白条", "白条", "FinancialProduct", True, None),
    ("全民开店", "全民开店", "Initiative", True, None),
    # --- scenarios ----------------------------------------------------------
    ("电商", "电商", "Scenario", True, None),
    ("社交", "社交", "Scenario", True, None),
    ("物流", "物流", "Scenario", False, None),
    ("医疗", "医疗", "Scenario", True, None),
    ("财富管理", "财富管理", "Scenario", True, None),
    ("线下支付", "线下支付", "Scenario", True, "线下支付场景"),
    ("便利店", "便利店", "Scenario", True, None),
    ("商场", "商场", "Scenario", True, None),
    ("超市", "超市", "Scenario", False, None),
    ("地铁", "地铁", "Scenario", True, None),
    ("征信", "征信", "Scenario", True, None),
    ("财务管理", "财富管理", "Scenario", False, "征信、财务管理、营销"),
    ("营销", "营销", "Scenario", False, None),
]

entities, taken = [], []
def overlaps(s, e):
    return any(s < te and ts < e for ts, te in taken)

for surface, label, typ, certain, ctx in SPECS:
    if ctx is None:
        starts, i = [], text.find(surface)
        while i != -1:
            starts.append(i)
            i = text.find(surface, i + 1)
    else:
        assert text.count(ctx) == 1, (ctx, text.count(ctx))
        assert ctx.count(surface) == 1, (surface, ctx)
        starts = [text.find(ctx) + ctx.find(surface)]
    n = 0
    for s in starts:
        e = s + len(surface)
        if overlaps(s, e):
            continue
        taken.append((s, e))
        ent = {"text": surface, "start": s, "end": e, "label": label, "type": typ}
        if not certain:
            ent["certain"] = False
        entities.append(ent)
        n += 1
    assert n > 0, surface

entities.sort(key=lambda d: (d["start"], d["end"]))

def R(head, typ, tail, certain, evidence):
    assert text.count(evidence) >= 1, evidence
    s = text.find(evidence)
    return {"head": head, "type": typ, "tail": tail, "certain": certain,
            "evidence": evidence, "start": s, "end": s + len(evidence)}

relations = [
    R("中国平安", "launchesProduct", "平安好医生", True, "平安在集团层面推出了平安好医生和平安账户"),
    R("中国平安", "launchesProduct", "平安账户", True, "平安在集团层面推出了平安好医生和平安账户"),
    R("中国平安", "operatesIn", "医疗", True, "试图通过“医疗”和“财富管理”构建新的金融消费场景"),
    R("中国平安", "operatesIn", "财富管理", True, "试图通过“医疗”和“财富管理”构建新的金融消费场景"),
    R("阿里巴巴", "operatesIn", "电商", True, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("京东", "operatesIn", "电商", True, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("腾讯", "operatesIn", "社交", True, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("阿里巴巴", "operatesIn", "社交", False, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("京东", "operatesIn", "社交", False, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("腾讯", "operatesIn", "电商", False, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("阿里巴巴", "operatesIn", "物流", False, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("腾讯", "operatesIn", "物流", False, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("京东", "operatesIn", "物流", False, "阿里巴巴、腾讯、京东等新兴金融机构通过电商、社交获取商业、物流等交易场景后"),
    R("支付宝", "partnersWith", "大润发", True, "此前,该公司已与大润发签订了合同。"),
    R("支付宝", "launchesProduct", "全民开店", True, "今年9月,其宣布投资10亿元启动“全民开店”计划。"),
    R("支付宝", "operatesIn", "线下支付", True, "以支付宝为首的移动支付促销广告铺天盖地,与当地各商户合作为消费者提供的优惠大面积铺开,线下支付场景硝烟弥漫。"),
    R("支付宝", "operatesIn", "商场", False, "便利店微信支付您在商场扫支付宝码即可享受手机支付优惠。"),
    R("微信支付", "operatesIn", "便利店", False, "便利店微信支付您在商场扫支付宝码即可享受手机支付优惠。"),
    R("支付宝", "operatesIn", "超市", False, "至此,支付宝已签约国内五家主要超市品牌。"),
    R("支付宝", "operatesIn", "地铁", False, "即便是在国外城市的地铁和重要商圈,以支付宝为首的移动支付促销广告铺天盖地"),
    R("支付宝", "competesWith", "财付通", False, "支付宝以71.51%的市场份额继续占据移动支付市场第一; 财付通以15.99%的市场份额排名第二"),
    R("支付宝", "competesWith", "微信支付", False, "支付宝以近2亿季度活跃用户继续占据第一; 微信支付以1.53亿季度活跃用户排名第二"),
    R("中国银联", "partnersWith", "苹果", True, "近期,银联已与苹果、三星达成合作"),
    R("中国银联", "partnersWith", "三星", True, "近期,银联已与苹果、三星达成合作"),
    R("苹果", "partnersWith", "云闪付", True, "苹果、三星和云闪付一拍即合。"),
    R("三星", "partnersWith", "云闪付", True, "苹果、三星和云闪付一拍即合。"),
    R("招商银行", "launchesProduct", "一闪通", True, "招商银行表示,继2013年推出“一闪通”后"),
    R("招商银行", "launchesProduct", "一卡通", False, "招行一卡通客户即可使用Pay"),
    R("金林", "executiveOf", "京东金融", True, "京东金融副总裁金林认为"),
    R("易观", "publishes", "中国第三方移动支付市场季度监测报告2015年第三季度", True,
      "易观智库发布的《中国第三方移动支付市场季度监测报告2015年第三季度》"),
    R("京东金融", "launchesProduct", "白条", False, "像京东、白条一样,它们直接嵌入到用户的消费行为场景中。"),
    R("京东支付", "subsidiaryOf", "京东金融", False, "目前京东金融的两大主要载体也都定位在移动端,包括京东金融的APP和京东钱包的APP。"),
]

def O(subject, kind, value, unit, period, certain, evidence, **extra):
    assert evidence in text, evidence
    s = text.find(evidence)
    d = {"subject": subject, "kind": kind, "value": value, "unit": unit, "period": period,
         "certain": certain, "evidence": evidence, "start": s, "end": s + len(evidence)}
    d.update(extra)
    return d

observations = [
    O("支付宝", "marketShare", 71.51, "%", "2015Q3", True, "支付宝以71.51%的市场份额继续占据移动支付市场第一"),
    O("财付通", "marketShare", 15.99, "%", "2015Q3", True, "财付通以15.99%的市场份额排名第二"),
    O("支付宝", "activeUsers", 200000000, "users", "2015Q3", True, "支付宝以近2亿季度活跃用户继续占据第一", approximate=True),
    O("微信支付", "activeUsers", 153000000, "users", "2015Q3", True, "微信支付以1.53亿季度活跃用户排名第二"),
    O("百度钱包", "activeUsers", 38800000, "users", "2015Q3", False, "百度钱包和QQ钱包分别以3880万和3880万季度活跃用户排名第一"),
    O("QQ钱包", "activeUsers", 38800000, "users", "2015Q3", False, "百度钱包和QQ钱包分别以3880万和3880万季度活跃用户排名第一",
      alt_values=[37650000]),
    O("支付宝", "investmentAmount", 1000000000, "CNY", None, True, "其宣布投资10亿元启动“全民开店”计划", alt_periods=["2015-09"]),
]

gold = {
    "article": "000_7dcab47bf5217edc.txt",
    "text_length": len(text),
    "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    "entities": entities,
    "relations": relations,
    "observations": observations,
}

# ---- checks ----
for e in entities:
    assert text[e["start"]:e["end"]] == e["text"], e
ss = sorted((e["start"], e["end"]) for e in entities)
assert all(a[1] <= b[0] for a, b in zip(ss, ss[1:])), "overlap"
labels = {e["label"] for e in entities}
for r in relations:
    assert r["head"] in labels and r["tail"] in labels, r
    assert text[r["start"]:r["end"]] == r["evidence"]
for o in observations:
    assert o["subject"] in labels, o
assert "微信银行" not in [e["text"] for e in entities]

out = sys.argv[1] if len(sys.argv) > 1 else "tests/gold/seed-000.json"
with open(out, "w", encoding="utf-8") as f:
    f.write('{"article": %s,\n "text_length": %d,\n "text_sha256": %s,\n' % (
        json.dumps(gold["article"]), gold["text_length"], json.dumps(gold["text_sha256"])))
    for key in ("entities", "relations", "observations"):
        rows = ",\n  ".join(json.dumps(x, ensure_ascii=False) for x in gold[key])
        f.write(' "%s": [\n  %s\n ]%s\n' % (key, rows, "," if key != "observations" else "}"))
json.load(open(out, encoding="utf-8"))
print("entities", len(entities), "certain", sum(e.get("certain", True) for e in entities))
print("by type", dict(Counter(e["type"] for e in entities).most_common()))
print("by label", dict(Counter(e["label"] for e in entities).most_common()))
print("relations", len(relations), "certain", sum(r["certain"] for r in relations),
      dict(Counter((r["type"], r["certain"]) for r in relations)))
print("observations", len(observations), "certain", sum(o["certain"] for o in observations))
