"""Entity mentions: known names from the lexicon, unseen names from patterns, people, products, reports.

Works on the normalised text of a spaCy Doc (jieba tokens); returns plain ``Mention`` records with
offsets into that normalised text.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.rules import Rules
from kg.extract.sentences import split_sentences
from kg.extract.tokens import Tokens, tokens_of
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
NAME_OR_UNTAGGED = NAME_TAGS | {None}
# characters that never start or end a name proposed from an unknown token (jieba's HMM glues them on)
EDGE_CHARS = set("的了在是和与及或被将把对向从也都而并但其该此这那已就才又还再称说等个位家年月日为以化来去前后先")
NUMERALS = set("一二三四五六七八九十两几百千万亿数多首")
BUSINESS_CUES = ("公司", "集团", "股份", "控股", "股东", "股权", "收购", "并购", "入股", "增持", "持股", "持有", "注资",
                 "旗下", "子公司", "合作", "签约", "竞争", "对手", "银行", "证券", "基金", "保险", "上市", "企业",
                 "投资", "合资", "重组", "董事", "总裁", "公告", "业绩", "营收", "利润", "份额", "品牌")
_BUSINESS_CUE = re.compile("|".join(map(re.escape, BUSINESS_CUES)))
MAX_NAME_FREQ = 500  # jieba dictionary frequency above which a tagged word is a common word, not a name


def jieba_tables() -> tuple[dict, dict]:
    """jieba's word frequencies and main-dictionary part-of-speech tags (no tag: a user or unknown word).

    Fetched once per Doc: jieba may rebuild them between Docs (another pipeline adding user words).
    """
    import jieba
    import jieba.posseg

    return jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab


def build_matcher(nlp, lexicon: Lexicon) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    by_name: dict[str, list] = {}
    for key, name in lexicon.index.items():
        by_name.setdefault(name, []).append(nlp.make_doc(key))
    for name, docs in sorted(by_name.items()):
        matcher.add(name, docs)
    return matcher


class _Taken:
    """Character ranges already claimed by a mention (or blocked); an overlap test costs the length of
    the range asked about, not the number of ranges claimed so far."""

    def __init__(self, length: int):
        self._claimed = bytearray(length)

    def add(self, start: int, end: int) -> None:
        self._claimed[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._claimed.find(1, start, end) != -1


def _longest_spans(spans) -> list[tuple[int, int]]:
    """The (start, end) token spans left when overlaps are removed, the (first) longest winning, in text
    order: ``spacy.util.filter_spans`` on plain tuples (making a ``Span`` per match costs more).

    >>> _longest_spans([(0, 2), (1, 4), (4, 5), (3, 5)])
    [(1, 4), (4, 5)]
    """
    result, seen = [], set()
    for start, end in sorted(spans, key=lambda se: (se[1] - se[0], -se[0]), reverse=True):
        if start not in seen and end - 1 not in seen:  # as filter_spans: only the boundary tokens are checked
            result.append((start, end))
            seen.update(range(start, end))
    return sorted(result)


def _positions(words: list[str], wanted) -> list[int]:
    """Indices of the words that are in ``wanted`` (a set or dict)."""
    return [i for i, w in enumerate(words) if w in wanted]


def extract_mentions(doc: Doc, matcher: PhraseMatcher, lexicon: Lexicon, rules: Rules, onto: Ontology,
                     tokens: Tokens | None = None) -> list[Mention]:
    tokens = tokens or tokens_of(doc)
    text, words, starts, ends = tokens.text, tokens.words, tokens.starts, tokens.ends
    n = len(words)
    freq, tags = jieba_tables()
    found: list[Mention] = []

    # 1. known names (token-level, longest match wins)
    match_id = {(s, e): mid for mid, s, e in matcher(doc)}
    taken = _Taken(len(text))
    for tok_start, tok_end in _longest_spans(match_id):
        ent = lexicon.entities[doc.vocab.strings[match_id[(tok_start, tok_end)]]]
        start, end = starts[tok_start], ends[tok_end - 1]
        # a known name used as a modifier of a business word is not a mention (中国移动金融, 微信银行)
        if tok_end < n and words[tok_end] in MODIFIED_BY and ent.cls != "Scenario":
            taken.add(start, ends[tok_end])
            continue
        # a known name + corporate suffix is the same company (腾讯集团 → 腾讯)
        if tok_end < n and words[tok_end] in CORPORATE_SUFFIXES and ent.cls != "Scenario":
            end = ends[tok_end]
        found.append(Mention(text[start:end], start, end, ent.name, ent.cls, "lexicon"))
    for m in found:
        taken.add(m.start, m.end)
    triggers = rules.trigger_words()
    titles = rules.titles
    by_last = rules.suffixes_by_last_char

    # 2. unseen names: name-like tokens followed by a suffix (X银行, X支付, X集团, X有限公司 …)
    #    (控股子公司, 大股东: relation words, not names; 控股 alone is a name suffix)
    suffixed = {w for w in set(words) if w[-1:] in by_last and (w not in triggers or w in rules.suffix_words)
                and any(w.endswith(suf.suffix) for suf in by_last[w[-1]])}
    for i in _positions(words, suffixed):
        word = words[i]
        for suf in by_last.get(word[-1:], ()):
            if not word.endswith(suf.suffix):
                continue
            head = word[: -len(suf.suffix)]
            if head and (not _NAMEISH.match(head) or head in rules.stopwords):
                break
            if head and freq.get(word) and tags.get(word) not in NAME_OR_UNTAGGED:
                break  # a common dictionary word that happens to end like a name (蓬勃发展, 股权投资)
            j, prefix = i, head
            while j > 0 and i - j < suf.max_tokens:
                prev = words[j - 1]
                if not _NAMEISH.match(prev) or prev in rules.stopwords or taken.overlaps(starts[j - 1], ends[j - 1]):
                    break
                if prev in titles or prev in rules.coreference or prev in triggers:
                    break
                if tags.get(prev) not in NOUNISH_TAGS:
                    break
                j -= 1
                prefix = prev + prefix
            start, end = starts[j], ends[i]
            k = i + 1  # 江南重工 + 股份 / 集团 / 有限公司: the corporate suffix belongs to the name
            while k < n and k - i <= 2 and words[k] in CORPORATE_SUFFIXES:
                end = ends[k]
                k += 1
            if len(prefix) >= suf.min_prefix and not taken.overlaps(start, end) and not prefix.isdigit():
                surface = text[start:end]
                known = lexicon.link(surface)
                label, cls = (known.name, known.cls) if known else (surface, suf.cls)
                found.append(Mention(surface, start, end, label, cls, "pattern"))
                taken.add(start, end)
            break

    # 3. people after a job title: 京东金融副总裁金林
    for i in _positions(words[:-1], titles):
        nxt, s, e = words[i + 1], starts[i + 1], ends[i + 1]
        if _CJK.match(nxt) and 2 <= len(nxt) <= 3 and (nxt[0] in rules.surnames or nxt[:2] in rules.surnames) \
                and nxt not in rules.stopwords and not taken.overlaps(s, e):
            found.append(Mention(nxt, s, e, nxt, "Person", "pattern"))
            taken.add(s, e)

    # 4. unseen names from jieba's dictionary tags and unknown words (weak: only name-like tokens, and
    #    only in sentences about companies: a business word or a relation trigger in the same sentence)
    cued = [(a, b) for a, b in doc._.kg_sentences or split_sentences(text) if _BUSINESS_CUE.search(text, a, b)]
    cued_starts = [a for a, _ in cued]
    for m in _tag_candidates(tokens, rules, triggers, taken, lexicon, freq, tags):
        # sentences do not overlap: only the last one starting before the mention can hold it
        k = bisect_right(cued_starts, m.start)
        if k and m.start < cued[k - 1][1]:
            found.append(m)
            taken.add(m.start, m.end)

    # 5. quoted products and initiatives; 《…》 reports
    for m in _QUOTED.finditer(text):
        s, e = m.span(1)
        if taken.overlaps(s, e) or not _NAMEISH.match(m.group(1).replace(" ", "")):
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
        taken.add(s, e)
    for m in _BOOK.finditer(text):
        s, e = m.span(1)
        if any(w in m.group(1) for w in REPORT_WORDS):
            found = [x for x in found if not (x.start >= s and x.end <= e)]  # names inside a title are not mentions
            found.append(Mention(m.group(1), s, e, m.group(1), "Report", "pattern"))
    return sorted(found, key=lambda m: (m.start, -m.end))


def _name_words(words: set[str], rules: Rules, triggers: set[str], freq: dict, tags: dict) -> set[str]:
    """The words that may be an unseen name on their own: rare words jieba tags as names, and unknown
    words of 2-4 characters without a function character at either edge (set operations: one call per Doc)."""
    cjk = {w for w in words if len(w) >= 2 and _CJK.match(w)}
    cjk -= rules.stopwords | triggers | rules.coreference.keys() | rules.surnames
    out = set()
    for w in cjk:
        tag = tags.get(w)
        if tag in NAME_TAGS:
            if freq.get(w, 0) <= MAX_NAME_FREQ:
                out.add(w)
        elif tag is None and not freq.get(w) and len(w) <= 4 and w[0] not in NUMERALS \
                and w[0] not in EDGE_CHARS and w[-1] not in EDGE_CHARS:
            out.add(w)
    return out


def _tag_candidates(tokens: Tokens, rules: Rules, triggers: set[str], taken: _Taken, lexicon: Lexicon,
                    freq: dict, tags: dict):
    """Proper-noun tokens (jieba tags nt/nz/nr/j… of rare words, unknown words) as Company mentions;
    a place name right before one joins it (上海 + 建工)."""
    text, words, starts, ends = tokens.text, tokens.words, tokens.starts, tokens.ends
    names = _name_words(set(words), rules, triggers, freq, tags)
    for i in _positions(words, names):
        word, s, e = words[i], starts[i], ends[i]
        if taken.overlaps(s, e):
            continue
        # a place name in front: 上海 + 建工, 江苏 + 井神
        if i > 0 and tags.get(words[i - 1]) == "ns" and 2 <= len(words[i - 1]) <= 3 and len(word) == 2 \
                and not taken.overlaps(starts[i - 1], s):
            s = starts[i - 1]
        surface = text[s:e]
        known = lexicon.link(surface)
        label, cls = (known.name, known.cls) if known else (surface, "Company")
        yield Mention(surface, s, e, label, cls, "candidate")


def extract_coreferences(doc: Doc, mentions: list[Mention], rules: Rules, onto: Ontology,
                         tokens: Tokens | None = None) -> list[Mention]:
    """Mentions for 该公司/该行/其…, labelled with the nearest earlier entity of the required class."""
    tokens = tokens or tokens_of(doc)
    out = []
    for i in _positions(tokens.words, rules.coreference):
        word, start = tokens.words[i], tokens.starts[i]
        want = rules.coreference[word]
        if not want:
            continue
        for m in reversed(mentions):
            if m.end <= start and onto.is_a(m.type, want):
                out.append(Mention(word, start, start + len(word), m.label, m.type, "coref"))
                break
    return out
