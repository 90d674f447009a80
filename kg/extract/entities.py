"""Entity mentions: known names from the lexicon, unseen names from patterns, people, products, reports.

Works on the normalised text of a spaCy Doc (jieba tokens); returns plain ``Mention`` records with
offsets into that normalised text.
"""
from __future__ import annotations

import re

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.rules import Rules
from kg.extract.sentences import split_sentences
from kg.lexicon import Lexicon
from kg.ontology import Ontology
from kg.records import Mention

_CJK = re.compile(r"^[\u3400-\u9fff]+$")
_NAMEISH = re.compile(r"^[\u3400-\u9fffA-Za-z0-9]+$")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』“]{2,16})[”\"」』]")
_BOOK = re.compile(r"《([^》《]{2,60})》")
REPORT_WORDS = ("报告", "白皮书", "蓝皮书", "指数", "监测", "研究", "调查", "排行", "榜单", "数据")
INITIATIVE_NEXT = ("计划", "行动", "活动", "项目", "工程", "战略")
LAUNCH_WORDS = ("推出", "发布", "上线", "启动", "开通", "首发", "打造", "发行")
MODIFIED_BY = {"金融", "银行", "支付", "钱包", "保险", "证券", "理财", "领域", "行业"}
CORPORATE_SUFFIXES = ("集团", "公司", "有限公司", "股份有限公司", "控股", "股份")
VERB_SUFFIXES = ("控股",)  # corporate suffixes that are also verbs
# jieba dictionary part-of-speech tags: names (organisation, other proper noun, person, abbreviation)
NAME_TAGS = frozenset({"nt", "nz", "nr", "nrt", "nrfg", "j"})
# tags a token inside an unseen name may carry (None: our user dictionary or an unknown word)
NOUNISH_TAGS = NAME_TAGS | {"n", "ns", "nsf", "vn", "an", "ng", "eng", None}
# characters that never start or end a name proposed from an unknown token (jieba's HMM glues them on)
EDGE_CHARS = set("的了在是和与及或被将把对向从也都而并但其该此这那已就才又还再称说等个位家年月日为以化来去前后先")
LEADING_CHARS = EDGE_CHARS | set("原由据经系现")  # one-character tokens that never start a name
LEADING_TAGS = frozenset({"v", "vn", "p", "c", "d", "r", "u", "uj", "ul", "ad"})  # nor do verbs and function words
NUMERALS = set("一二三四五六七八九十两几百千万亿数多首")
BUSINESS_CUES = ("公司", "集团", "股份", "控股", "股东", "股权", "收购", "并购", "入股", "增持", "持股", "持有", "注资",
                 "旗下", "子公司", "合作", "签约", "竞争", "对手", "银行", "证券", "基金", "保险", "上市", "企业",
                 "投资", "合资", "重组", "董事", "总裁", "公告", "业绩", "营收", "利润", "份额", "品牌")
MAX_NAME_FREQ = 500  # jieba dictionary frequency above which a tagged word is a common word, not a name


def _tag(word: str) -> str | None:
    """The part-of-speech tag of a word in jieba's main dictionary (None for user or unknown words)."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab.get(word)


def _known_word(word: str) -> bool:
    import jieba

    return bool(jieba.dt.FREQ.get(word))


def build_matcher(nlp, lexicon: Lexicon) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    from kg.normalize import to_match_key

    by_name: dict[str, list] = {}
    for key, name in lexicon.index.items():
        by_name.setdefault(name, []).append(nlp.make_doc(key))
    for name, docs in sorted(by_name.items()):
        matcher.add(name, docs)
    return matcher


def _industry_word(doc: Doc, i: int, industry: dict, triggers: set[str]):
    """The name suffix (国际, 地产, 药业 …) at token ``i`` when it is a noun there, else None."""
    if i >= len(doc) or doc[i].text not in industry or doc[i].text in triggers or doc[i].text in CORPORATE_SUFFIXES:
        return None
    if _tag(doc[i].text) in ("v", "vn", "a", "ad", "d"):
        return None  # 京东发展迅速: a verb, not a company
    return industry[doc[i].text]


def _marked_short_names(doc: Doc, rules: Rules, triggers: set[str], taken, lexicon: Lexicon, suffix_words: set[str]):
    """The exchange's risk markers (ST, *ST, SST …) come right before a listed company's short name:
    one name token (秦岭), or two short ones (博 + 元), plus an industry word that follows (方向 + 股份)."""
    text = doc.text
    for i, tok in enumerate(doc[:-1]):
        if tok.text.upper() not in rules.stock_markers:
            continue
        j, name = i + 1, ""
        while j < len(doc) and len(name) < 2 and _CJK.match(doc[j].text) and doc[j].text not in rules.stopwords \
                and doc[j].text not in triggers and len(name + doc[j].text) <= 4:
            name += doc[j].text
            j += 1
        if j < len(doc) and doc[j].text in suffix_words and len(name + doc[j].text) <= 6:
            name += doc[j].text
        s = doc[i + 1].idx
        e = s + len(name)
        if len(name) >= 2 and not _overlaps(taken, s, e):
            known = lexicon.link(name)
            label, cls = (known.name, known.cls) if known else (name, "Company")
            yield Mention(name, s, e, label, cls, "pattern")


def _never_starts_a_name(word: str) -> bool:
    """原 / 由 / 而 / 重组 / 体验 …: a function word or a verb glued in front of a name (原中国信达, 重组通化钢铁)."""
    return (len(word) == 1 and word in LEADING_CHARS) or _tag(word) in LEADING_TAGS


def _counted(word: str) -> bool:
    """两大, 三家, 多个: a count, which starts a description (两大互联网公司), never a name."""
    return word[0] in NUMERALS and _tag(word) in (None, "m")


def _name_class(surface: str, suf, rules: Rules) -> str:
    """The class of an unseen name. A legal form says only "company": the industry word before it
    is more specific (蚂蚁科技 + 集团 → TechCompany, 上海农商银行股份有限公司 → Bank)."""
    if suf.suffix not in rules.legal_forms:
        return suf.cls
    core = surface
    while True:
        form = next((f for f in sorted(rules.legal_forms, key=len, reverse=True) if core.endswith(f) and core != f), None)
        if form is None:
            break
        core = core[: -len(form)]
    inner = next((x for x in rules.suffixes if core.endswith(x.suffix) and x.suffix not in rules.legal_forms), None)
    return inner.cls if inner else suf.cls


def _legal_tail(doc: Doc, k: int, rules: Rules, triggers: set[str]) -> bool:
    """Does a legal form follow token ``k`` after at most two name words (佳吉饮料 + 有限公司,
    拉萨汽车 + 运输 + 总公司)? Then the name ends there, not at ``k``."""
    for n in range(k, min(k + 3, len(doc))):
        w = doc[n].text
        if w in rules.legal_forms:
            return True
        if not _CJK.match(w) or (w in triggers and w not in rules.name_inner_words) \
                or (w in rules.stopwords and w not in rules.name_inner_words) or _tag(w) not in NOUNISH_TAGS | {"v"}:
            return False
    return False


def _used_as_verb(doc: Doc, i: int, name_starts: set[int]) -> bool:
    """控股 between two names, or before 的/了, is the verb "controls" (蚂蚁集团控股网商银行), not part of a name."""
    if doc[i].text not in VERB_SUFFIXES or i + 1 >= len(doc):
        return False
    return i + 1 in name_starts or doc[i + 1].text in ("的", "了")


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < b and a < e for a, b in spans)


def extract_mentions(doc: Doc, matcher: PhraseMatcher, lexicon: Lexicon, rules: Rules, onto: Ontology) -> list[Mention]:
    text = doc.text
    found: list[Mention] = []

    # 1. known names (token-level, longest match wins)
    spans = [doc[s:e] for _, s, e in matcher(doc)]
    from spacy.util import filter_spans

    label_of = {}
    for mid, s, e in matcher(doc):
        label_of[(s, e)] = doc.vocab.strings[mid]
    blocked: list[tuple[int, int]] = []
    triggers = rules.trigger_words()
    industry = {suf.suffix: suf for suf in rules.suffixes if suf.suffix not in rules.legal_forms}
    kept = filter_spans(spans)
    name_starts = {span.start for span in kept}
    for span in kept:
        if _overlaps(blocked, span.start_char, span.end_char):
            continue
        ent = lexicon.entities[label_of[(span.start, span.end)]]
        start, end, tok_end = span.start_char, span.end_char, span.end
        # a known name used as a modifier of a business word is not a mention (中国移动金融, 微信银行)
        if tok_end < len(doc) and doc[tok_end].text in MODIFIED_BY and ent.cls != "Scenario":
            blocked.append((start, doc[tok_end].idx + len(doc[tok_end].text)))
            continue
        # a known company + an industry word is another company (华电 + 国际, 中粮 + 地产): an unseen name
        compound = _industry_word(doc, tok_end, industry, triggers) if onto.is_a(ent.cls, "Organization") else None
        if compound:
            end = doc[tok_end].idx + len(doc[tok_end].text)
            known = lexicon.link(text[start:end])
            label, cls = (known.name, known.cls) if known else (text[start:end], compound.cls)
            found.append(Mention(text[start:end], start, end, label, cls, "lexicon" if known else "pattern"))
            blocked.append((start, end))  # the industry word is not a mention of its own (京东物流 ≠ 物流)
            continue
        # a known name + corporate suffix is the same company (腾讯集团 → 腾讯)
        k = tok_end  # … also with two suffix tokens: 上海汽车集团 + 股份 + 有限公司
        while k < len(doc) and k - tok_end < 2 and doc[k].text in CORPORATE_SUFFIXES and ent.cls != "Scenario" \
                and not _used_as_verb(doc, k, name_starts):
            end = doc[k].idx + len(doc[k].text)
            k += 1
        found.append(Mention(text[start:end], start, end, ent.name, ent.cls, "lexicon"))

    taken = [(m.start, m.end) for m in found] + blocked
    titles = rules.titles
    by_last: dict[str, list] = {}  # suffixes by their last character, longest first (as in rules.suffixes)
    for suf in rules.suffixes:
        by_last.setdefault(suf.suffix[-1], []).append(suf)
    suffix_words = {suf.suffix for suf in rules.suffixes}

    # 2. unseen names: name-like tokens followed by a suffix (X银行, X支付, X集团, X有限公司 …)
    for i, tok in enumerate(doc):
        if tok.text in triggers and tok.text not in suffix_words:
            continue  # 控股子公司, 大股东: relation words, not names (控股 alone is a name suffix)
        for suf in by_last.get(tok.text[-1:], ()):
            if not tok.text.endswith(suf.suffix):
                continue
            head = tok.text[: -len(suf.suffix)]
            if head and (not _NAMEISH.match(head) or head in rules.stopwords):
                break
            if head and _known_word(tok.text) and _tag(tok.text) not in NAME_TAGS | {None}:
                break  # a common dictionary word that happens to end like a name (蓬勃发展, 股权投资)
            legal = suf.suffix in rules.legal_forms
            if not legal and _legal_tail(doc, i + 1, rules, triggers):
                break  # 佳吉饮料 + 有限公司: the legal form's own search below finds the whole name
            j, prefix = i, head
            while j > 0 and i - j < suf.max_tokens:
                prev = doc[j - 1]
                inner = legal and prev.text in rules.name_inner_words  # 天然气开发 + 股份有限公司
                if not _NAMEISH.match(prev.text) or _overlaps(taken, prev.idx, prev.idx + len(prev.text)):
                    break
                if (prev.text in rules.stopwords or _tag(prev.text) not in NOUNISH_TAGS) and not inner:
                    break
                if prev.text in titles or prev.text in rules.coreference or (prev.text in triggers and not inner) \
                        or prev.text.upper() in rules.stock_markers:
                    break
                j -= 1
                prefix = prev.text + prefix
            while j < i and (doc[j].text in rules.name_inner_words or _never_starts_a_name(doc[j].text)):
                prefix = prefix[len(doc[j].text):]
                j += 1
            start, end = doc[j].idx, tok.idx + len(tok.text)
            k = i + 1  # 江南重工 + 股份 / 集团 / 有限公司: the corporate suffix belongs to the name
            while k < len(doc) and k - i <= 2 and doc[k].text in CORPORATE_SUFFIXES:
                end = doc[k].idx + len(doc[k].text)
                k += 1
            if len(prefix) >= suf.min_prefix and not _overlaps(taken, start, end) and not prefix.isdigit() \
                    and not _counted(doc[j].text):
                surface = text[start:end]
                known = lexicon.link(surface)
                label, cls = (known.name, known.cls) if known else (surface, _name_class(surface, suf, rules))
                found.append(Mention(surface, start, end, label, cls, "pattern"))
                taken.append((start, end))
            break

    # 2b. listed companies' short names after a risk marker: *ST秦岭, ST银广夏
    for m in _marked_short_names(doc, rules, triggers, taken, lexicon, suffix_words):
        found.append(m)
        taken.append((m.start, m.end))

    # 3. people after a job title: 京东金融副总裁金林
    for i, tok in enumerate(doc[:-1]):
        if tok.text in titles:
            nxt = doc[i + 1]
            if _CJK.match(nxt.text) and 2 <= len(nxt.text) <= 3 and (nxt.text[0] in rules.surnames or nxt.text[:2] in rules.surnames) \
                    and nxt.text not in rules.stopwords and not _overlaps(taken, nxt.idx, nxt.idx + len(nxt.text)):
                found.append(Mention(nxt.text, nxt.idx, nxt.idx + len(nxt.text), nxt.text, "Person", "pattern"))
                taken.append((nxt.idx, nxt.idx + len(nxt.text)))

    # 4. unseen names from jieba's dictionary tags and unknown words (weak: only name-like tokens, and
    #    only in sentences about companies: a business word or a relation trigger in the same sentence)
    cued = [(a, b) for a, b in doc._.kg_sentences or split_sentences(text) if any(w in text[a:b] for w in BUSINESS_CUES)]
    for m in _tag_candidates(doc, rules, triggers, taken, lexicon):
        if any(a <= m.start < b for a, b in cued):
            found.append(m)
            taken.append((m.start, m.end))

    # 5. quoted products and initiatives; 《…》 reports
    for m in _QUOTED.finditer(text):
        s, e = m.span(1)
        if _overlaps(taken, s, e) or not _NAMEISH.match(m.group(1).replace(" ", "")):
            continue
        after = text[m.end(): m.end() + 2]
        before = text[max(0, m.start() - 8): m.start()]
        if after in INITIATIVE_NEXT:
            cls = "Initiative"
        elif any(w in before for w in LAUNCH_WORDS):
            cls = "Product"
        else:
            continue
        found.append(Mention(m.group(1), s, e, m.group(1), cls, "pattern"))
        taken.append((s, e))
    for m in _BOOK.finditer(text):
        s, e = m.span(1)
        if any(w in m.group(1) for w in REPORT_WORDS):
            found = [x for x in found if not (x.start >= s and x.end <= e)]  # names inside a title are not mentions
            found.append(Mention(m.group(1), s, e, m.group(1), "Report", "pattern"))
    found = _short_names(text, found, rules)
    return sorted(found, key=lambda m: (m.start, -m.end))


def _short_name_pattern(cues: frozenset[str]) -> re.Pattern:
    words = "|".join(sorted(map(re.escape, cues), key=len, reverse=True))
    return re.compile(rf"\s*[（(]\s*(?:{words})\s*[：:]?\s*[“\"「]?([A-Za-z0-9\u3400-\u9fff·&\-]{{2,12}}?)[”\"」]?\s*[)）]")


def _short_names(text: str, found: list[Mention], rules: Rules) -> list[Mention]:
    """X（以下简称“Y”）: Y names the same entity as the mention X just before the bracket, here and
    everywhere after it in the text (the FinRE / annual-report way of introducing a short name)."""
    if not rules.short_name_cues or "称" not in text:
        return found
    ends = {m.end: m for m in found if m.type not in ("Person", "Scenario", "Report")}
    for match in _short_name_pattern(rules.short_name_cues).finditer(text):
        long = ends.get(match.start())
        short = match.group(1)
        if long is None:  # the full name was not recognised: the short name still names a company
            if short in rules.stopwords or short in rules.coreference or not _CJK.match(short) \
                    or short[0] in LEADING_CHARS | {"本", "我"}:  # 本公司, 该行: a reference, not a name
                continue
            long = Mention(short, match.start(1), match.end(1), short, "Company", "pattern")
        elif short == long.text:
            continue
        known = next((m for m in found if (m.start, m.end) == match.span(1) and m.source == "lexicon"), None)
        if known and long.source != "lexicon":  # 美国通用汽车公司（以下简称通用汽车）: the full name is the known one
            found = [Mention(m.text, m.start, m.end, known.label, known.type, m.source) if m.label == long.label else m
                     for m in found]
            continue
        for pos in [match.start(1)] + [m.start() for m in re.finditer(re.escape(short), text[match.end():])]:
            s = pos if pos == match.start(1) else pos + match.end()
            e = s + len(short)
            inside = [m for m in found if s <= m.start and m.end <= e]
            if any(m.start < e and s < m.end for m in found if m not in inside):
                continue  # part of a longer name: leave it
            found = [m for m in found if m not in inside]
            found.append(Mention(short, s, e, long.label, long.type, "alias"))
    return found


def _name_token(tok, rules: Rules, triggers: set[str]) -> bool:
    w = tok.text
    if w in rules.stopwords or w in triggers or w in rules.coreference or w in rules.surnames:
        return False
    if not _CJK.match(w) or len(w) < 2:
        return False
    tag = _tag(w)
    if tag in NAME_TAGS:
        import jieba

        return jieba.dt.FREQ.get(w, 0) <= MAX_NAME_FREQ
    if tag is None and not _known_word(w) and 2 <= len(w) <= 4 and w[0] not in NUMERALS:
        return w[0] not in EDGE_CHARS and w[-1] not in EDGE_CHARS
    return False


def _tag_candidates(doc: Doc, rules: Rules, triggers: set[str], taken, lexicon: Lexicon):
    """Proper-noun tokens (jieba tags nt/nz/nr/j… of rare words, unknown words) as Company mentions;
    a place name right before one joins it (上海 + 建工)."""
    text = doc.text  # Doc.text rebuilds the string on every access
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        s, e = tok.idx, tok.idx + len(tok.text)
        if _overlaps(taken, s, e) or not _name_token(tok, rules, triggers):
            i += 1
            continue
        j = i + 1
        # a place name in front: 上海 + 建工, 江苏 + 井神
        if i > 0 and _tag(doc[i - 1].text) == "ns" and 2 <= len(doc[i - 1].text) <= 3 and len(tok.text) == 2 \
                and not _overlaps(taken, doc[i - 1].idx, s):
            s = doc[i - 1].idx
        surface = text[s:e]
        known = lexicon.link(surface)
        label, cls = (known.name, known.cls) if known else (surface, _candidate_class(tok.text, s == tok.idx, rules))
        yield Mention(surface, s, e, label, cls, "candidate")
        i = j


def _candidate_class(word: str, alone: bool, rules: Rules) -> str:
    """An unknown three-character word that starts with a surname is a person (王永红, 李海萌), not a company."""
    if alone and len(word) == 3 and word[0] in rules.surnames and _tag(word) in (None, "nr") \
            and not _known_word(word[:2]) and not _known_word(word[1:]):  # 安全性, 许可证 are words, not people
        return "Person"
    return "Company"


def extract_coreferences(doc: Doc, mentions: list[Mention], rules: Rules, onto: Ontology) -> list[Mention]:
    """Mentions for 该公司/该行/其…, labelled with the nearest earlier entity of the required class."""
    out = []
    for tok in doc:
        want = rules.coreference.get(tok.text)
        if not want:
            continue
        for m in reversed(mentions):
            if m.end <= tok.idx and onto.is_a(m.type, want):
                out.append(Mention(tok.text, tok.idx, tok.idx + len(tok.text), m.label, m.type, "coref"))
                break
    return out
