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
# jieba dictionary part-of-speech tags: names (organisation, other proper noun, person, abbreviation)
NAME_TAGS = frozenset({"nt", "nz", "nr", "nrt", "nrfg", "j"})
# tags a token inside an unseen name may carry (None: our user dictionary or an unknown word)
NOUNISH_TAGS = NAME_TAGS | {"n", "ns", "nsf", "vn", "an", "ng", "eng", None}
# characters that never start or end a name proposed from an unknown token (jieba's HMM glues them on)
EDGE_CHARS = set("的了在是和与及或被将把对向从也都而并但其该此这那已就才又还再称说等个位家年月日为以化来去前后先")
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
    for span in filter_spans(spans):
        ent = lexicon.entities[label_of[(span.start, span.end)]]
        start, end, tok_end = span.start_char, span.end_char, span.end
        # a known name used as a modifier of a business word is not a mention (中国移动金融, 微信银行)
        if tok_end < len(doc) and doc[tok_end].text in MODIFIED_BY and ent.cls != "Scenario":
            blocked.append((start, doc[tok_end].idx + len(doc[tok_end].text)))
            continue
        # a known name + corporate suffix is the same company (腾讯集团 → 腾讯)
        if tok_end < len(doc) and doc[tok_end].text in CORPORATE_SUFFIXES and ent.cls != "Scenario":
            end = doc[tok_end].idx + len(doc[tok_end].text)
        found.append(Mention(text[start:end], start, end, ent.name, ent.cls, "lexicon"))

    taken = [(m.start, m.end) for m in found] + blocked
    triggers = rules.trigger_words()
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
            j, prefix = i, head
            while j > 0 and i - j < suf.max_tokens:
                prev = doc[j - 1]
                if not _NAMEISH.match(prev.text) or prev.text in rules.stopwords or _overlaps(taken, prev.idx, prev.idx + len(prev.text)):
                    break
                if prev.text in titles or prev.text in rules.coreference or prev.text in triggers:
                    break
                if _tag(prev.text) not in NOUNISH_TAGS:
                    break
                j -= 1
                prefix = prev.text + prefix
            start, end = doc[j].idx, tok.idx + len(tok.text)
            k = i + 1  # 江南重工 + 股份 / 集团 / 有限公司: the corporate suffix belongs to the name
            while k < len(doc) and k - i <= 2 and doc[k].text in CORPORATE_SUFFIXES:
                end = doc[k].idx + len(doc[k].text)
                k += 1
            if len(prefix) >= suf.min_prefix and not _overlaps(taken, start, end) and not prefix.isdigit():
                surface = text[start:end]
                known = lexicon.link(surface)
                label, cls = (known.name, known.cls) if known else (surface, suf.cls)
                found.append(Mention(surface, start, end, label, cls, "pattern"))
                taken.append((start, end))
            break

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
    return sorted(found, key=lambda m: (m.start, -m.end))


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
        label, cls = (known.name, known.cls) if known else (surface, "Company")
        yield Mention(surface, s, e, label, cls, "candidate")
        i = j


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
