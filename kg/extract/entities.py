"""Entity mentions: known names from the lexicon, unseen names from patterns, people, products, reports.

Works on the normalised text of a spaCy Doc (jieba tokens); returns plain ``Mention`` records with
offsets into that normalised text.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.rules import Rules, made_of
from kg.extract.sentences import CLAUSE_PUNCT, split_sentences
from kg.extract.tokens import Tokens, tokens_of
from kg.lexicon import Lexicon
from kg.ontology import Ontology
from kg.records import Mention

_CJK = re.compile(r"^[\u3400-\u9fff]+$")
_NAMEISH = re.compile(r"^[\u3400-\u9fffA-Za-z0-9]+$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z&]{1,39}$")  # the text is lower-cased ASCII by now
_LATIN_WORD = re.compile(r"^[A-Za-z0-9&./:\-]+$")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』“]{2,16})[”\"」』]")
_BOOK = re.compile(r"《([^》《]{2,60})》")
REPORT_WORDS = ("报告", "白皮书", "蓝皮书", "指数", "监测", "研究", "调查", "排行", "榜单", "数据")
INITIATIVE_NEXT = ("计划", "行动", "活动", "项目", "工程", "战略")
LAUNCH_WORDS = ("推出", "发布", "上线", "启动", "开通", "首发", "打造", "发行")
MODIFIED_BY = {"金融", "银行", "支付", "钱包", "保险", "证券", "理财", "领域", "行业"}
CORPORATE_SUFFIXES = ("集团", "公司", "有限公司", "股份有限公司", "控股", "股份", "股份公司", "有限责任公司", "集团公司")
VERB_SUFFIXES = ("控股", "投资")  # name suffixes that are also verbs
AGENT_CHARS = "由被"  # 由 / 被 + a name + 控股: the name is the agent of the verb
AMOUNT = re.compile(r"(?:<N>|[\d.,]|[一二两三四五六七八九十百千万亿多余])+(?:亿|万)?(?:元|美元|港元|港币|欧元|英镑|日元)")
# jieba dictionary part-of-speech tags: names (organisation, other proper noun, person, abbreviation)
NAME_TAGS = frozenset({"nt", "nz", "nr", "nrt", "nrfg", "j"})
# tags a token inside an unseen name may carry (None: our user dictionary or an unknown word)
NOUNISH_TAGS = NAME_TAGS | {"n", "ns", "nsf", "vn", "an", "ng", "eng", None}
NAME_OR_UNTAGGED = NAME_TAGS | {None}
LEGAL_TAIL_TAGS = NOUNISH_TAGS | {"v"}
# characters that never start or end a name proposed from an unknown token (jieba's HMM glues them on)
EDGE_CHARS = set("的了在是和与及或被将把对向从也都而并但其该此这那已就才又还再称说等个位家年月日为以化来去前后先更最很较")
# 苏宁欲, 和黄拟, 新百则: a verb or adverb character jieba glued to the end of an unknown name
GLUED_TAIL = frozenset("拟欲则须称将即亦仍又也已均后等还就却才为")
RARE_GLUED_FREQ = 5  # … in an unknown word or one this rare in jieba's dictionary (苏宁欲: 2)
LEADING_CHARS = EDGE_CHARS | set("原由据经系现")  # one-character tokens that never start a name
DATE_UNITS = frozenset("年月日号")
HONORIFICS = frozenset({"先生", "女士", "小姐"})
PLACE_UNITS = frozenset("省市县区镇乡旗州")  # 丰台区, 如皋市: a word that ends so names a place
# nouns for a kind of company: an unseen name right after one is a company's (网贷平台 + 唐小僧), not a person's
KIND_NOUNS = frozenset({"平台", "公司", "企业", "机构", "集团", "银行", "网站", "品牌", "网贷平台", "理财平台", "支付机构"})
GLUED_LEAD = LEADING_CHARS | set("使入如讯自即让令另继给除获因股于")  # … nor the first character of an unknown word
DEMONSTRATIVES = frozenset("这那该此每各")  # 这一, 该类, 各家 …: never the first word of a name
LEADING_TAGS = frozenset({"v", "vn", "p", "c", "d", "r", "u", "uj", "ul", "ad"})  # nor do verbs and function words
NUMERALS = set("一二三四五六七八九十两几百千万亿数多首")
MAX_JOINED_NAME = 7  # characters: two adjacent unknown words longer than this are two names
MEASURE_CHARS = set("大家个位只种类项款批名座条成倍年期部股")  # 两大, 三家, 四个 …: a numeral + one of these is a count
BUSINESS_CUES = ("公司", "集团", "股份", "控股", "股东", "股权", "收购", "并购", "入股", "增持", "持股", "持有", "注资",
                 "旗下", "子公司", "合作", "签约", "竞争", "对手", "银行", "证券", "基金", "保险", "上市", "企业",
                 "投资", "合资", "重组", "董事", "总裁", "公告", "业绩", "营收", "利润", "份额", "品牌")
_BUSINESS_CUE = re.compile("|".join(map(re.escape, BUSINESS_CUES)))
COMMON_WORD_FREQ = 900  # jieba frequency above which a word before a name is an ordinary word (利用, 格局)
# first characters of the verbs and adverbs jieba's dictionary lacks (便会, 不带, 获批, 曝出, 降准, 据核, 我司):
# an unknown word that starts with one is no name
UNKNOWN_WORD_LEADS = frozenset("便不未因据按我极疑曝获挖办降拆抽热坐拟募爆之曾非随查尽群炒系贷码线率近暂晒仍短秒杀落趋跨退闪")
PERSON_TAGS = frozenset({"nr", "nrt", "nrfg"})
COMMON_NOUN_ENDS = frozenset("性书函单证表率费额者人")  # the last character of common nouns (…性, …书, …人)
PLACE_OR_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nt", "nz", "j"})
MISTAGGED_NAME_TAGS = frozenset({"a", "an", "m", "z", "s"})  # tags jieba gives rare names by mistake
RARE_NOUN_TAGS = frozenset({"n", "nz", "ns", "j"})
RARE_WORD_FREQ = 150  # … at or below which a mis-tagged word before a name suffix is read as a name
SECTOR_FOLLOWERS = frozenset({"分析师", "研究员", "行业", "首席", "板块", "团队"})  # 汽车 + 分析师: a sector
COORDINATORS = ("、", "和", "与", "及", "以及", "同")  # join the names of a list
RARE_NAME_WORD_FREQ = 10  # a dictionary word this rare that ends like a name is one (国华人寿: 3)
MAX_NAME_FREQ = 500  # jieba dictionary frequency above which a tagged word is a common word, not a name


def jieba_tables() -> tuple[dict, dict]:
    """jieba's word frequencies and main-dictionary part-of-speech tags (no tag: a user or unknown word).

    Fetched once per Doc: jieba may rebuild them between Docs (another pipeline adding user words).
    """
    import jieba
    import jieba.posseg

    jieba.posseg.dt.makesure_userdict_loaded()  # the tags given with user words (places: "ns")
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
    the range asked about, not the number of ranges claimed so far. A soft claim (a scenario word) yields
    to a company name that holds it (渤海 + 物流, 石家庄舜地人旅游开发有限公司)."""

    def __init__(self, length: int):
        self._claimed = bytearray(length)
        self._soft: bytearray | None = None  # made on the first soft claim (most texts name no scenario)

    def add(self, start: int, end: int, soft: bool = False) -> None:
        if soft:
            if self._soft is None:
                self._soft = bytearray(len(self._claimed))
            self._soft[start:end] = b"\x01" * (end - start)
        else:
            self._claimed[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._claimed.find(1, start, end) != -1 or (self._soft is not None and self._soft.find(1, start, end) != -1)

    def overlaps_hard(self, start: int, end: int) -> bool:
        """Overlaps a claim other than a soft one."""
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


FINANCIAL_ARMS = frozenset({"银行", "证券", "保险"})  # 瑞银证券, 索尼银行: a company's financial arm
ARM_NOT_NEXT = frozenset({"业务", "行业", "领域", "市场", "产品", "服务", "板块", "牌照", "频道", "账户", "APP", "app"})


def _financial_arm(words: list[str], i: int, ent, industry: dict, onto: Ontology):
    """The name suffix (证券, 银行, 保险) at token ``i`` after a company or a financial institution of another
    kind, when it names that company's arm (瑞银证券, 索尼银行) rather than a line of business (索尼银行业务)."""
    if words[i] not in FINANCIAL_ARMS or words[i] not in industry:
        return None
    arm = industry[words[i]]
    if not (onto.is_a(ent.cls, "Company") or onto.is_a(ent.cls, "FinancialInstitution")) or onto.is_a(ent.cls, arm.cls):
        return None  # 微信 + 银行 (a platform), 招商银行 + 银行
    if i + 1 < len(words) and words[i + 1] in ARM_NOT_NEXT:
        return None
    return arm


def _industry_word(words: list[str], i: int, industry: dict, triggers: set[str], tags: dict, freq: dict | None = None):
    """The name suffix (国际, 地产, 药业 …) at token ``i`` when it is a noun there, else None."""
    if i >= len(words) or words[i] not in industry or words[i] in triggers or words[i] in CORPORATE_SUFFIXES:
        return None
    tag = tags.get(words[i])
    if tag in ("v", "a", "ad", "d") or (tag == "vn" and (freq is None or freq.get(words[i], 0) > RARE_WORD_FREQ)):
        return None  # 京东发展迅速: a verb, not a company (but 影业, a rare verbal noun, is an industry)
    return industry[words[i]]


def _marked_short_names(tokens: Tokens, rules: Rules, triggers: set[str], taken: _Taken, lexicon: Lexicon,
                        markers: set[str]):
    """The exchange's risk markers (ST, *ST, SST …) come right before a listed company's short name:
    one name token (秦岭), or two short ones (博 + 元), plus an industry word that follows (方向 + 股份)."""
    words, starts = tokens.words, tokens.starts
    for i in tokens.positions(markers, last=False):
        j, name = i + 1, ""
        while j < len(words) and len(name) < 2 and _CJK.match(words[j]) and words[j] not in rules.stopwords \
                and words[j] not in triggers and len(name + words[j]) <= 4:
            name += words[j]
            j += 1
        if j < len(words) and words[j] in rules.suffix_words and len(name + words[j]) <= 6:
            name += words[j]
        s = starts[i + 1]
        e = s + len(name)
        if len(name) >= 2 and not taken.overlaps(s, e):
            known = lexicon.link(name)
            label, cls = (known.name, known.cls) if known else (name, "Company")
            yield Mention(name, s, e, label, cls, "pattern")


PURE_LEGAL_FORMS = ("有限责任公司", "有限公司", "总公司", "公司")  # longest first


def registered_stem(name: str) -> str:
    """The label of an unseen company: its name without a legal form that says nothing more (威宏电子有限公司
    and 威宏电子 are one company). Group and share words stay (X集团 and X股份 are two companies), and so
    do branches and subsidiaries (X分公司) and companies limited by shares (X股份有限公司).

    >>> registered_stem("威宏电子有限公司"), registered_stem("华懋集团有限公司"), registered_stem("临武分公司")
    ('威宏电子', '华懋集团', '临武分公司')
    >>> registered_stem("有限公司"), registered_stem("中海油公司")
    ('有限公司', '中海油')
    """
    if name.endswith(("分公司", "子公司", "股份有限公司")):
        return name  # … and a company limited by shares keeps its full name (X股份 may be another company)
    form = next((f for f in PURE_LEGAL_FORMS if name.endswith(f)), "")
    return name[: -len(form)] if form and len(name) - len(form) >= 2 else name


def _never_starts_a_name(word: str, tags: dict) -> bool:
    """原 / 由 / 而 / 重组 / 体验 / 这一 …: a function word, a verb or a demonstrative glued in front of a name
    (原中国信达, 重组通化钢铁, 这一金融)."""
    return (len(word) == 1 and word in LEADING_CHARS) or tags.get(word) in LEADING_TAGS or word[:1] in DEMONSTRATIVES


def _common_lead(word: str, rest: int, freq: dict, tags: dict) -> bool:
    """利用 / 对象 / 格局 + 春兰汽车: a very common word (not a place or a name) before other name words
    is the sentence, not the name."""
    return rest >= 1 and freq.get(word, 0) > COMMON_WORD_FREQ and tags.get(word) not in PLACE_OR_NAME_TAGS


def _glued_function_char(word: str, freq: dict) -> bool:
    """由京基, 为华鑫, 使步森, 及路 (+ 特斯汽车): an unknown word that jieba built from a function character
    and the start of a name; or the function character left of such a word (因向 + 德舜: 因, then 向)."""
    return (len(word) >= 2 and word[0] in GLUED_LEAD and not freq.get(word)) or (len(word) == 1 and word in GLUED_LEAD)


ADVERB_CHARS = frozenset("仅只就都也还又再才便即均皆曾已将正并不没未被把可能会要应该所")


def _rare_verb(word: str, freq: dict, tags: dict) -> bool:
    """运达 (+ 风电), 兴发 (+ 集团), 初见 (+ 科技): a rare two- or three-character verb right before a name suffix
    is the name (not 仅凭 + 国际银行卡: it starts like an adverb)."""
    return tags.get(word) == "v" and 0 < freq.get(word, 0) <= RARE_WORD_FREQ and 2 <= len(word) <= 3 \
        and _CJK.match(word) is not None and word[0] not in ADVERB_CHARS and word[0] not in LEADING_CHARS


def _rare_word(word: str, freq: dict, tags: dict) -> bool:
    """友达 (+ 光电), 三叶 (+ 集团): a rare dictionary word jieba tags as an adjective or a numeral is more
    likely a name than the word its tag says. Rare verbs and idioms (代销, 进一步提高) stay what they are."""
    if len(word) < 2 or not _CJK.match(word) or not 0 < freq.get(word, 0) <= RARE_WORD_FREQ:
        return False
    tag = tags.get(word)
    if tag not in MISTAGGED_NAME_TAGS and not (tag == "b" and freq[word] <= RARE_NAME_WORD_FREQ):
        # 同兴 (b, 2) but not 主营 (b, 108); rare verbs neither (仅凭 + 国际银行卡)
        return False
    if word[0] in DEMONSTRATIVES or word[0] in "第另某":  # 这款, 第三部, 另一家: descriptions
        return False
    return not (word[0] in NUMERALS and any(c in NUMERALS or c in MEASURE_CHARS for c in word[1:]))


def _registered_word(word: str, prefix: str, freq: dict, tags: dict) -> bool:
    """Words a registered name (X有限公司, X集团) may hold although jieba tags them otherwise: a rare set
    phrase (上海 + 物资贸易 + 股份有限公司), or a single character in front of a one-character rest."""
    if not _CJK.match(word) or word in LEADING_CHARS or word[0] in NUMERALS:
        return False
    if len(word) == 1:
        return len(prefix) == 1
    return tags.get(word) in ("l", "i", "v", "vn", "a", "nz") and freq.get(word, 0) <= RARE_WORD_FREQ


def _two_chars_before(words: list[str], i: int, rules: Rules, taken, starts, ends) -> bool:
    """Are the two tokens before ``i`` single characters that jieba split off an unknown name (渝 + 能 + 集团,
    中 + 房 + 集团), after punctuation or a longer word (not 在 + 中 + 房, not a run of characters)?"""
    if i < 2 or any(len(w) != 1 or not _CJK.match(w) or w in LEADING_CHARS or w in NUMERALS or w in rules.stopwords
                    for w in words[i - 2: i]):
        return False
    if taken.overlaps(starts[i - 2], ends[i - 1]):
        return False
    before = words[i - 3] if i >= 3 else ""
    return not before or len(before) > 1 or not _CJK.match(before)


GENERIC_WORD_FREQ = 500  # a noun this common says what a company does, not which company it is


def _name_words(words: list[str], j: int, i: int, head: str) -> list[str]:
    """The words of a name before its suffix: tokens j … i-1 and the head of token i."""
    return words[j:i] + ([head] if head else [])


def _generic_word(word: str, rules: Rules, freq: dict, tags: dict) -> bool:
    """电力工程, 文化传媒, 啤酒, 房地产: a word that only says what a company does (inner or industry words, or a
    common noun), so 电力工程有限责任公司 alone names no company."""
    if made_of(word, rules.name_parts):
        return True
    return freq.get(word, 0) >= GENERIC_WORD_FREQ and tags.get(word) in ("n", "vn", "j", "l")


def _counted(word: str, tags: dict, freq: dict) -> bool:
    """两大, 三家, 多个: a count, which starts a description (两大互联网公司), never a name. A rare word
    that only starts with a numeral (三叶 + 集团, 九州 + 通) is a name."""
    if word[0] not in NUMERALS or tags.get(word) not in (None, "m"):
        return False
    if not freq.get(word):  # 万威 + 国际, 百联, 三胞 + 集团: an unknown word that is no count is a name
        return word[1:2] in MEASURE_CHARS or all(c in NUMERALS for c in word)
    return word[1:2] in MEASURE_CHARS or not _rare_word(word, freq, tags)


def _name_class(surface: str, suf, rules: Rules) -> str:
    """The class of an unseen name. A legal form says only "company": the industry word before it
    is more specific (蚂蚁科技 + 集团 → TechCompany, 上海农商银行股份有限公司 → Bank)."""
    if suf.suffix not in rules.legal_forms:
        return suf.cls
    core = surface
    while True:
        form = next((f for f in rules.legal_forms_longest_first if core.endswith(f) and core != f), None)
        if form is None:
            break
        core = core[: -len(form)]
    inner = next((x for x in rules.suffixes_by_last_char.get(core[-1:], ())
                  if core.endswith(x.suffix) and x.suffix not in rules.legal_forms), None)
    return inner.cls if inner else suf.cls


def _legal_tail(words: list[str], k: int, rules: Rules, triggers: set[str], tags: dict) -> bool:
    """Does a legal form follow token ``k`` after at most three name words (佳吉饮料 + 有限公司,
    拉萨汽车 + 运输 + 总公司, 金龙 + 联合 汽车 工业 有限公司)? Then the name ends there, not at ``k``."""
    if rules.legal_forms.isdisjoint(words[k:k + 4]):
        return False
    for n in range(k, min(k + 4, len(words))):
        w = words[n]
        if w in rules.legal_forms:
            return True
        inner = rules.inner_word(w)
        if not _CJK.match(w) or (w in triggers and not inner) or (w in rules.stopwords and not inner) \
                or (tags.get(w) not in LEGAL_TAIL_TAGS and not inner) or (tags.get(w) == "v" and not inner):
            return False  # 国务院 + 批准 + 南光集团: a verb is no name word (开发, 投资 are, as inner words)
    return False


def _registered_name_end(words: list[str], k: int, rules: Rules, triggers: set[str], tags: dict) -> int | None:
    """After a known name ending at token ``k``: the token index just past a legal form that follows after
    one or two name words (康师傅 | 饮品 控股有限公司), else None. A legal form right after the name
    (腾讯 | 集团) is the same company and is not counted here."""
    if k >= len(words) or words[k] in rules.legal_forms or words[k] in CORPORATE_SUFFIXES:
        return None
    if not _legal_tail(words, k, rules, triggers, tags):
        return None
    n = k
    while words[n] not in rules.legal_forms:
        n += 1
    n += 1
    while n < len(words) and words[n] in rules.legal_forms and n - k < 5:  # 集团 + 有限公司
        n += 1
    return n


SHARE_CLASSES = frozenset("ABab")  # 万科A, 深振业B (lower-cased in the matching text): a share class
REGION_ARMS = ("中国", "香港")  # 百事中国, 中集香港: a known company's arm in that region
CHINA_PHRASE_NEXT = frozenset({"市场", "区", "业务", "境内", "内地", "大陆", "地区", "用户", "消费者", "市场份额", "首家",
                               "第一", "最大", "的"})
BRANCH_WORDS = frozenset({"分行", "支行", "分公司", "营业部", "办事处", "营业厅"})


def _place_word(word: str, rules: Rules, tags: dict) -> bool:
    """A place name that may start a registered name: in places.txt, or tagged as a place by jieba."""
    return word in rules.places or (tags.get(word) == "ns" and 2 <= len(word) <= 3)


def _place_like(word: str, rules: Rules, tags: dict) -> bool:
    """A place word, or a word that ends like the name of one (丰台区, 如皋市, 高新区)."""
    return _place_word(word, rules, tags) or (len(word) >= 2 and word[-1] in PLACE_UNITS and _CJK.match(word) is not None
                                              and word not in rules.stopwords)


def _place_start(words: list[str], j: int, rules: Rules, tags: dict, freq: dict, taken, starts, ends) -> int | None:
    """The index of a place word at most three tokens before token ``j``, with only name words between
    (no stopword, verb or function word, nothing found already); else None."""
    for k in range(j - 1, max(-1, j - 4), -1):
        w = words[k]
        if not _NAMEISH.match(w) or taken.overlaps(starts[k], ends[k]) or w in rules.stopwords or ends[k] != starts[k + 1] \
                or tags.get(w) in LEADING_TAGS:
            return None
        if _place_word(w, rules, tags):
            return k
    return None


BARE_BRANCH_WORDS = ("分行", "支行", "分公司")
BRANCH_OPENERS = frozenset({"的", "其", "与", "和", "及", "对", "在", "向", "由", "被", "是", "为", "旗下", "下属"})
BRANCH_PARENT_WINDOW = 40  # characters between a branch named without its company and that company


def _bare_branches(tokens: Tokens, found: list[Mention], taken, rules: Rules, tags: dict, onto: Ontology):
    """吉林分公司, 南京分行: one or two place words + 分行/支行/分公司, not attached to a name, after an organisation
    of the same sentence (the nearest one before it, within 40 characters). The branch is that organisation's:
    its entity is named with the organisation's name in front (华安财险吉林分公司), its class is the
    organisation's. Without such an organisation a bare branch names no one entity and is left out."""
    words, starts, ends, text = tokens.words, tokens.starts, tokens.ends, tokens.text
    at = tokens.positions(BARE_BRANCH_WORDS)
    if not at:
        return
    orgs = sorted((m for m in found if onto.is_a(m.type, "Organization")), key=lambda m: m.end)
    org_ends = [m.end for m in orgs]
    for i in at:
        j = i
        while j > 0 and i - j < 2 and _place_word(words[j - 1], rules, tags):
            j -= 1
        if j == i or taken.overlaps(starts[j], ends[i]) or (j and _NAMEISH.match(words[j - 1])
                                                             and words[j - 1] not in BRANCH_OPENERS):
            continue  # 长城资管 + 内蒙古分公司: the branch of a name not found, not of the company before
        k = bisect_right(org_ends, starts[j]) - 1
        if k < 0 or starts[j] - orgs[k].end > BRANCH_PARENT_WINDOW or "。" in text[orgs[k].end: starts[j]]:
            continue
        parent, surface = orgs[k], text[starts[j]:ends[i]]
        yield Mention(surface, starts[j], ends[i], parent.label + surface, parent.type, "pattern")


def _branch_end(words: list[str], k: int, rules: Rules, tags: dict) -> int | None:
    """After a known name ending at token ``k``: the token index just past 分行/支行/分公司 … that follows one
    to three place or name words (中国银行 | 东京 分行, 兴业银行 | 上海 徐汇 支行), else None."""
    n = k
    while n < len(words) and n - k < 3 and words[n] not in BRANCH_WORDS:
        w = words[n]
        if not _CJK.match(w) or w in rules.stopwords or w in rules.trigger_words() \
                or not (_place_word(w, rules, tags) or tags.get(w) in (None, "ns", "nz", "nr", "n", "j")):
            return None
        n += 1
    return n + 1 if n > k and n < len(words) and words[n] in BRANCH_WORDS else None


SHARE_NEXT = frozenset(("的", "总额", "总数", "比例", "占", "数量", "转让"))  # 工行股份的 …, 武钢股份总额: its shares
CLAUSE_OPENERS = frozenset("，,：:。！？!?；;、\n“”\"（()）") | {"而", "和", "与", "及", "以及"}


def _shares(words: list[str], start: int, k: int, rules: Rules) -> bool:
    """持有工商银行股份: 股份 after a known name (tokens start … k-1), with no legal form after it, means its
    shares, unless the name opens a clause (，东航股份公告称: the listed company)."""
    if words[k] != "股份" or (k + 1 < len(words) and words[k + 1] in rules.legal_forms):
        return False
    opens = start == 0 or words[start - 1] in CLAUSE_OPENERS
    return not opens or (k + 1 < len(words) and words[k + 1] in SHARE_NEXT)


def _used_as_verb(tokens: Tokens, i: int, name_starts: set[int], start: int, known: bool = True) -> bool:
    """控股 / 投资 after a name that starts at ``start`` is the verb, not part of the name: between two
    names, after 由/被 before a number or the clause's end (由阳煤集团控股51%, 被久事公司控股。), before an
    amount of money (Kabam投资2亿美元); after a ``known`` name also before 的/了 (蚂蚁集团控股的网商银行; but
    an unseen 海虹控股的 is more often a name)."""
    words = tokens.words
    if words[i] not in VERB_SUFFIXES:
        return False
    if i + 1 >= len(words):
        return start > 0 and tokens.text[start - 1] in AGENT_CHARS
    nxt = words[i + 1]
    if i + 1 in name_starts or (known and nxt in ("的", "了")):
        return True
    if start and tokens.text[start - 1] in AGENT_CHARS and (nxt[:1].isdigit() or nxt == "<" or nxt in CLAUSE_PUNCT):
        return True
    return AMOUNT.match(tokens.text, tokens.ends[i]) is not None


def extract_mentions(doc: Doc, matcher: PhraseMatcher, lexicon: Lexicon, rules: Rules, onto: Ontology,
                     tokens: Tokens | None = None, kinds: WordKinds | None = None) -> list[Mention]:
    """The mentions of a Doc, sorted by start. ``kinds``: the pipeline's memo of word kinds (one is made
    for this Doc when None)."""
    tokens = tokens or tokens_of(doc)
    text, words, starts, ends = tokens.text, tokens.words, tokens.starts, tokens.ends
    n = len(words)
    freq, tags = jieba_tables()
    names, suffixed, markers = (kinds or WordKinds(rules)).split(tokens.index, freq, tags)
    found: list[Mention] = []

    # 1. known names (token-level, longest match wins)
    match_id = {(s, e): mid for mid, s, e in matcher(doc)}
    blocked = _Taken(len(text))
    triggers = rules.trigger_words()
    industry = rules.industry_words
    kept = _longest_spans(match_id)
    has_branch = not BRANCH_WORDS.isdisjoint(tokens.index)  # 分行, 支行 …: most texts name no branch
    name_starts = {tok_start for tok_start, _ in kept}
    for tok_start, tok_end in kept:
        start, end = starts[tok_start], ends[tok_end - 1]
        if blocked.overlaps(start, end):
            continue
        ent = lexicon.entities[doc.vocab.strings[match_id[(tok_start, tok_end)]]]
        # a known name used as a modifier of a business word is not a mention (中国移动金融, 微信银行), but a
        # company's bank, broker or insurer is a company (瑞银 + 证券, 索尼 + 银行)
        if tok_end < n and words[tok_end] in MODIFIED_BY and ent.cls != "Scenario":
            arm = _financial_arm(words, tok_end, ent, industry, onto)
            if arm is not None:
                end = ends[tok_end]
                found.append(_linked(text[start:end], start, end, lexicon, arm.cls))
            blocked.add(start, ends[tok_end])
            continue
        # a known company + an industry word is another company (华电 + 国际, 中粮 + 地产): an unseen name
        is_org = onto.is_a(ent.cls, "Organization")
        compound = _industry_word(words, tok_end, industry, triggers, tags, freq) if is_org else None
        if compound and tok_end + 1 < n and words[tok_end + 1] in SECTOR_FOLLOWERS:
            compound = None  # 国泰君安 + 汽车 + 分析师: a broker's car-industry analyst, not a company 国泰君安汽车
        if compound:
            last = _registered_name_end(words, tok_end + 1, rules, triggers, tags) or tok_end + 1
            while last < n and last - tok_end <= 2 and words[last] in CORPORATE_SUFFIXES:
                last += 1  # 比亚迪汽车 + 有限公司 / 比亚迪汽车 + 工业有限公司: one company
            end = ends[last - 1]
            if words[last - 1] in rules.legal_forms and tok_start and _place_word(words[tok_start - 1], rules, tags) \
                    and not blocked.overlaps(starts[tok_start - 1], start):
                start = starts[tok_start - 1]  # 上海 + 陆家嘴国际金融资产交易市场股份有限公司: a registered name's city
            known = lexicon.link(text[start:end])
            label, cls = (known.name, known.cls) if known else (registered_stem(text[start:end]), compound.cls)
            found.append(Mention(text[start:end], start, end, label, cls, "lexicon" if known else "pattern"))
            blocked.add(start, end)  # the industry word is not a mention of its own (京东物流 ≠ 物流)
            continue
        # a known company + name words + a legal form is another company's registered name
        # (康师傅 + 饮品 + 控股有限公司, 中国石化集团 + 国际石油勘探开发有限公司): one unseen name
        registered = _registered_name_end(words, tok_end, rules, triggers, tags) if is_org else None
        if registered:
            end = ends[registered - 1]
            if tok_start and _place_word(words[tok_start - 1], rules, tags) and not blocked.overlaps(starts[tok_start - 1], start):
                start = starts[tok_start - 1]  # 杭州 + 同花顺数据开发有限公司: the registered name starts with its city
            surface = text[start:end]
            known = lexicon.link(surface)
            label, cls = (known.name, known.cls) if known else (registered_stem(surface), ent.cls if ent.cls != "Scenario" else "Company")
            found.append(Mention(surface, start, end, label, cls, "lexicon" if known else "pattern"))
            blocked.add(start, end)
            continue
        # a known company + 中国/香港 is its arm there (百事中国, 中集香港), unless 中国 starts a phrase (百事中国市场)
        if is_org and tok_end < n and words[tok_end] in REGION_ARMS and not text[start:ends[tok_end - 1]].startswith(words[tok_end]) \
                and (tok_end + 1 >= n or words[tok_end + 1] not in CHINA_PHRASE_NEXT):
            end = ends[tok_end]
            found.append(_linked(text[start:end], start, end, lexicon, ent.cls))
            blocked.add(start, end)
            continue
        # a known bank or company + a place + 分行/支行/分公司 is one of its branches (中国银行东京分行)
        branch = _branch_end(words, tok_end, rules, tags) if is_org and has_branch else None
        if branch:
            end = ends[branch - 1]
            surface = text[start:end]
            found.append(Mention(surface, start, end, surface, ent.cls, "pattern"))
            blocked.add(start, end)
            continue
        # a known name + corporate suffix is the same company (腾讯集团 → 腾讯)
        k = tok_end  # … also with two suffix tokens: 上海汽车集团 + 股份 + 有限公司
        while k < n and k - tok_end < 2 and words[k] in CORPORATE_SUFFIXES and ent.cls != "Scenario" \
                and not _used_as_verb(tokens, k, name_starts, start) and not _shares(words, tok_start, k, rules):
            end = ends[k]
            k += 1
        legal = k > tok_end and words[k - 1] in rules.legal_forms  # 新昌县 + 新和成控股有限公司: a county starts it too
        if tok_start and (words[tok_start - 1] in rules.places or legal and _place_word(words[tok_start - 1], rules, tags)) \
                and ent.cls != "Scenario" \
                and not blocked.overlaps(starts[tok_start - 1], start) and not text[start:end].startswith(words[tok_start - 1]):
            start = starts[tok_start - 1]  # 中国 + 国药集团, 美国 + 高盛: the place is part of how the name is written
        if k > tok_end and ((legal and words[tok_end] == "控股") or (ent.code and words[tok_end] in rules.group_words)):
            # 新和成 + 控股有限公司, 华鲁恒升 + 集团有限公司: the holding company or group above the listed one
            found.append(_linked(text[start:end], start, end, lexicon, "Company", registered_stem(text[start:end])))
            continue
        if end - start > 2 and text[end - 1] in SHARE_CLASSES and _CJK.match(text[end - 2]) \
                and lexicon.link(text[start:end - 1]) == ent:
            end -= 1  # 万科A, 深振业A: the company is named without its share class
        found.append(Mention(text[start:end], start, end, ent.name, ent.cls, "lexicon"))
    taken = blocked  # from here on: everything claimed, the names found and the blocked modifiers
    for m in found:
        taken.add(m.start, m.end, soft=m.type == "Scenario")
    # 1b. short names that are ordinary words too, where the words around show a company (联想宣布, 上汽与通用)
    for m in _ambiguous_names(tokens, found, taken, lexicon, rules, freq, tags):
        found.append(m)
        taken.add(m.start, m.end)
    titles = rules.titles
    by_last = rules.suffixes_by_last_char
    public_classes = {c for c in onto.classes if onto.is_a(c, "GovernmentBody") or onto.is_a(c, "Regulator")}

    # 2. unseen names: name-like tokens followed by a suffix (X银行, X支付, X集团, X有限公司 …)
    #    (控股子公司, 大股东: relation words, not names; 控股 alone is a name suffix)
    for i in tokens.positions(suffixed):
        word = words[i]
        for suf in by_last.get(word[-1:], ()):
            if not word.endswith(suf.suffix):
                continue
            head = word[: -len(suf.suffix)]
            if head and (not _NAMEISH.match(head) or (head in rules.stopwords and head not in industry)):
                break  # (保险 + 公司 is a name suffix: 三井住友 + 保险公司)
            if head and freq.get(word) and tags.get(word) not in NAME_OR_UNTAGGED \
                    and not (freq[word] <= RARE_NAME_WORD_FREQ and tags.get(word) in RARE_NOUN_TAGS
                             and (freq.get(head, 0) <= RARE_WORD_FREQ or tags.get(head) in PLACE_OR_NAME_TAGS)) \
                    and not (i and words[i - 1] in rules.places and head in industry and suf.suffix in rules.group_words):
                break  # a common dictionary word that ends like a name (蓬勃发展, 注册资本), not a rare noun (国华 / 华夏 + 人寿)
                #        nor a country's industry group (法国 + 电力集团)
            legal = suf.suffix in rules.legal_forms
            if not legal and _legal_tail(words, i + 1, rules, triggers, tags):
                break  # 佳吉饮料 + 有限公司: the legal form's own search below finds the whole name
            j, prefix = i, head
            country_first = not legal and head in rules.places  # 荷兰银行: takes no words before the country
            split_name = not head and _two_chars_before(words, i, rules, taken, starts, ends)
            if split_name:
                j, prefix = i - 2, words[i - 2] + words[i - 1]  # 渝 + 能 + 集团: jieba split an unknown name into characters
            fixed_start = country_first or split_name
            holds = suf.suffix != "公司" and (legal or suf.suffix in rules.group_words)  # a registered or group name
            #     may hold a scenario word (… 旅游开发有限公司), a bare 公司 not (在线教育公司)
            public = suf.cls in public_classes
            # a rare verb may name a company before an industry word (运达 + 风电, 初见 + 科技), not before a word
            # of finance or a legal form (代销 + 银行, 冒用 + 有限责任公司 are the sentence)
            verb_ok = suf.suffix in industry and suf.cls in ("Company", "TechCompany") and suf.suffix != "信息"
            while j > 0 and i - j < suf.max_tokens and not fixed_start:
                prev = words[j - 1]
                if public and not _place_like(prev, rules, tags):
                    break  # 宁波市 + 政府, 湖南省 长沙市 + 公安局: a public body is named by its place only
                inner = legal and (rules.inner_word(prev) or _place_word(prev, rules, tags))  # 天然气开发 + 股份有限公司, 南昌 亚洲 + 啤酒有限公司
                if not _NAMEISH.match(prev) or (taken.overlaps_hard if holds else taken.overlaps)(starts[j - 1], ends[j - 1]) \
                        or (ends[j - 1] != starts[j] and not (_LATIN_WORD.match(prev) and _LATIN_WORD.match(words[j]))):
                    break  # a space ends a name (北京朝阳 法人 … 公司 is a table's row), unless between Latin words
                if (prev in rules.stopwords or (tags.get(prev) not in NOUNISH_TAGS and not _rare_word(prev, freq, tags)
                                                 and not (legal and _registered_word(prev, prefix, freq, tags))
                                                 and not (j == i and not head and verb_ok and _rare_verb(prev, freq, tags)))) \
                        and not inner:
                    break
                if prev in titles or prev in rules.coreference or (prev in triggers and not inner) \
                        or prev.upper() in rules.stock_markers or (prev.isdigit() and words[j][:1] in DATE_UNITS):
                    break  # … and 5 + 日讯嘉寓: a date, not the start of the name
                j -= 1
                prefix = prev + prefix
            if legal and i - j >= 1 and not fixed_start:
                # a registered name longer than the usual prefix reaches back to its province or city
                # (陕西 + 九州 映红 实业 发展 + 有限公司): up to three more name words, ending at a place
                far = _place_start(words, j, rules, tags, freq, taken, starts, ends)
                if far is not None and far > 0 and _place_word(words[far - 1], rules, tags) \
                        and not taken.overlaps(starts[far - 1], ends[far - 1]):
                    far -= 1  # 江苏 + 泰州 + 口岸船舶有限公司: the province before the city
                if far is not None:
                    prefix = text[starts[far]:starts[j]] + prefix
                    j = far
            elif 0 < j < i and words[j - 1] in rules.places and not taken.overlaps(starts[j - 1], ends[j - 1]):
                j -= 1  # 日本 + 三菱UFJ银行, 瑞士 + 信贷, 广州 + 日报社: the country or city is part of the name
                prefix = words[j] + prefix
            elif not legal:
                place = next((k for k in range(i - 1, j, -1) if words[k] in rules.places), None)
                if place is not None:  # 服务提供商 + 荷兰银行: a country or city inside starts the name
                    prefix = prefix[len(text[starts[j]:starts[place]]):]
                    j = place
            keep_split = split_name and suf.suffix in rules.group_words  # 中 + 房 + 集团: both characters are the name
            while j < i and not keep_split and (words[j] in rules.name_inner_words
                             or (_never_starts_a_name(words[j], tags) and not _rare_word(words[j], freq, tags)
                                 and not (j == i - 1 and not head and verb_ok and _rare_verb(words[j], freq, tags)))
                             or _common_lead(words[j], i - j, freq, tags)):
                prefix = prefix[len(words[j]):]
                j += 1
            start, end = starts[j], ends[i]
            while _glued_function_char(words[j][start - starts[j]:] if j < i else head[start - starts[j]:], freq) \
                    and start - starts[j] < 2 and not (len(prefix) == 2 and suf.suffix in rules.group_words):  # (not 家化 + 集团)
                start, prefix = start + 1, prefix[1:]  # 由京基 + 集团, 日讯嘉寓 + 股份: jieba glued 由/日讯 to the name
            k = i + 1  # 江南重工 + 股份 / 集团 / 有限公司: the corporate suffix belongs to the name
            while k < n and k - i <= 2 and words[k] in CORPORATE_SUFFIXES and not text.endswith(words[k], start, end) \
                    and not _used_as_verb(tokens, k, name_starts, start, known=False):
                end = ends[k]  # … but in 武钢股份 + 股份总额 the second 股份 is its shares
                k += 1
            if not head and _used_as_verb(tokens, i, name_starts, start, known=False):
                break  # 由阳煤集团控股51%, Kabam投资2亿美元: the verb
            soft = taken.overlaps(start, end) and not taken.overlaps_hard(start, end)  # 渤海 + 物流 (a scenario)
            if soft and not holds and not any(tags.get(w) in NAME_TAGS and not _place_word(w, rules, tags)
                                                  for w in _name_words(words, j, i, head)):
                break  # 冷链 + 物流, 社区 + 超市, 北京 + 旅游: the scenario, not a company
            if len(prefix) >= suf.min_prefix and not taken.overlaps_hard(start, end) and not prefix.isdigit() \
                    and not _counted(words[j], tags, freq) \
                    and not (legal and all(_generic_word(w, rules, freq, tags) for w in _name_words(words, j, i, head))):
                surface = text[start:end]
                known = lexicon.link(surface)
                label, cls = (known.name, known.cls) if known else (registered_stem(surface), _name_class(surface, suf, rules))
                if soft:  # the scenario word is part of the name: no scenario mention of its own
                    found[:] = [m for m in found if not (m.type == "Scenario" and m.start < end and start < m.end)]
                found.append(Mention(surface, start, end, label, cls, "pattern"))
                taken.add(start, end)
            break

    # 2b. listed companies' short names after a risk marker: *ST秦岭, ST银广夏
    for m in _marked_short_names(tokens, rules, triggers, taken, lexicon, markers):
        found.append(m)
        taken.add(m.start, m.end)

    # 2c. a branch named without its company, after the company in the same sentence (华安财险的吉林分公司)
    for m in _bare_branches(tokens, found, taken, rules, tags, onto):
        found.append(m)
        taken.add(m.start, m.end)

    # 3. people after a job title: 京东金融副总裁金林
    for i in tokens.positions(titles, last=False):
        nxt, s, e = words[i + 1], starts[i + 1], ends[i + 1]
        if _CJK.match(nxt) and 2 <= len(nxt) <= 3 and (nxt[0] in rules.surnames or nxt[:2] in rules.surnames) \
                and nxt not in rules.stopwords and not taken.overlaps(s, e):
            found.append(Mention(nxt, s, e, nxt, "Person", "pattern"))
            taken.add(s, e)

    # 4a. the other items of a list that holds a found company: 天士力、修正集团、江中集团 …
    for m in _list_members(tokens, found, taken, lexicon, rules, freq, tags,
                           lambda cls: onto.is_a(cls, "Organization") or onto.is_a(cls, "Platform")):
        found.append(m)
        taken.add(m.start, m.end)

    # 4b. the company a deal word takes as its object: 收购 + 倍特公司 + 20%股权, 持有 + 新华光 + 30%
    for m in _deal_objects(tokens, taken, lexicon, rules, freq, tags):
        found.append(m)
        taken.add(m.start, m.end)
    for m in _deal_subjects(tokens, taken, lexicon, rules, freq, tags):
        found.append(m)
        taken.add(m.start, m.end)

    # 4. unseen names from jieba's dictionary tags and unknown words (weak: only name-like tokens, and
    #    only in sentences about companies: a business word or a relation trigger in the same sentence)
    cued = [(a, b) for a, b in doc._.kg_sentences or split_sentences(text) if _BUSINESS_CUE.search(text, a, b)]
    cued_starts = [a for a, _ in cued]
    org_ends = {m.end for m in found if m.type != "Scenario"}
    org_starts = {m.start for m in found if m.type != "Scenario"}
    scene_ends = {m.end for m in found if m.type == "Scenario"}
    scene_starts = {m.start for m in found if m.type == "Scenario"}
    for m in _tag_candidates(tokens, names, taken, lexicon, rules, freq, tags, doc.user_data.get("kg_original")):
        # sentences do not overlap: only the last one starting before the mention can hold it
        k = bisect_right(cued_starts, m.start)
        if m.source != "lexicon" and _coordinated(text, m, scene_ends, scene_starts):
            continue  # 便利店、商超: an item of a list of scenarios is no company
        if m.source == "lexicon" or (k and m.start < cued[k - 1][1]) or _coordinated(text, m, org_ends, org_starts):
            last = found[-1] if found else None
            if last is not None and last.source == "candidate" and m.source == "candidate" and last.end == m.start \
                    and _CJK.match(text[m.start]) and m.end - last.start <= MAX_JOINED_NAME \
                    and not (m.type == "Person" and last.type != "Person"):  # 实控人 + 高嘉希: a role, then a person
                # 史密斯 + 菲尔德: two unknown words in a row are one (transliterated) name
                found[-1] = Mention(text[last.start:m.end], last.start, m.end, text[last.start:m.end], "Company", "candidate")
            else:
                found.append(m)
            taken.add(m.start, m.end)

    # 5. quoted products and initiatives; 《…》 reports
    for m in _QUOTED.finditer(text):
        s, e = m.span(1)
        if taken.overlaps(s, e) or not _NAMEISH.match(m.group(1).replace(" ", "")):
            continue
        if m.group(1).endswith(tuple(rules.legal_forms)):
            continue  # “信达科技有限公司” names a company, never a product or a plan
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
    found = _joined_registered_names(text, sorted(found, key=lambda m: (m.start, -m.end)), lexicon, rules, onto)
    found = _short_names(text, found, rules)
    found = _short_forms_of_registered(found, rules, freq, tags)
    found = _split_group_and_member(found, lexicon, rules)
    found = _one_class_per_name(found)
    return sorted(found, key=lambda m: (m.start, -m.end))


def _one_class_per_name(found: list[Mention]) -> list[Mention]:
    """An unseen name has one class in a text: a guess from the word alone (唐小僧 looks like a person's
    name) yields to what a pattern found for the same name (CEO + 薛亮: a person), else to Company when any
    of its mentions is one (网贷平台 + 唐小僧)."""
    guessed = [m for m in found if m.source == "candidate"]
    if not guessed:
        return found
    sure = {m.text: m.type for m in found if m.source == "pattern" and m.type in ("Person", "Company")}
    companies = {m.text for m in guessed if m.type == "Company"}
    out = []
    for m in found:
        if m.source == "candidate":
            cls = sure.get(m.text) or ("Company" if m.text in companies else m.type)
            if cls != m.type:
                m = Mention(m.text, m.start, m.end, m.label, cls, m.source)
        out.append(m)
    return out


def _joined_registered_names(text: str, found: list[Mention], lexicon: Lexicon, rules: Rules, onto: Ontology) -> list[Mention]:
    """山东威高集团 + 医用高分子制品股份有限公司: a company name right before a registered name, with nothing
    between them, is the start of that registered name (two names never abut)."""
    out: list[Mention] = []
    for m in found:
        last = out[-1] if out else None
        if last is not None and last.end == m.start and m.source == "pattern" and last.source in ("pattern", "lexicon") \
                and m.text.endswith(rules.legal_forms_longest_first) and onto.is_a(last.type, "Organization") \
                and onto.is_a(m.type, "Organization"):
            surface = text[last.start:m.end]
            out[-1] = _linked(surface, last.start, m.end, lexicon, m.type, registered_stem(surface))
            continue
        out.append(m)
    return out


def _says_what_it_does(rest: str, rules: Rules, freq: dict, tags: dict) -> bool:
    """Is ``rest`` (a registered name after its short name) only a legal form, or what the company does plus a
    legal form (资产经营 + 股份有限公司), not a group (集团有限公司) or a place (印尼 + 公司)?"""
    form = next((f for f in rules.legal_forms_longest_first if rest.endswith(f)), "")
    core = rest[: len(rest) - len(form)]
    if any(w in rest for w in rules.group_words):
        return False
    return not core or _generic_word(core, rules, freq, tags)


def _short_forms_of_registered(found: list[Mention], rules: Rules, freq: dict, tags: dict) -> list[Mention]:
    """An unseen name that starts the registered name of an unseen company in the same text, where the rest only
    says what the company does, is that company's short name (湖南湘晖 / 湖南湘晖资产经营股份有限公司). Not 徐工 /
    徐工印尼公司 (an arm), 中铁二局 / 中铁二局集团有限公司 (its group), 北生 / 广西北生医药有限责任公司 (the city
    starts another company); known names are left alone (红宝丽 / 南京红宝丽新材料有限公司)."""
    registered = [m for m in found if m.source == "pattern" and m.text.endswith(rules.legal_forms_longest_first)]
    if not registered:
        return found
    cores = [(r.text, r.label) for r in registered]
    out = []
    for m in found:
        if m.source in ("pattern", "candidate") and not m.text.endswith(rules.legal_forms_longest_first):
            label = next((lab for core, lab in cores if core != m.text and core.startswith(m.text)
                          and _says_what_it_does(core[len(m.text):], rules, freq, tags)), None)
            if label is not None and label != m.label:
                m = Mention(m.text, m.start, m.end, label, m.type, "alias")
        out.append(m)
    return out


def _split_group_and_member(found: list[Mention], lexicon: Lexicon, rules: Rules) -> list[Mention]:
    """A text that names both 格力集团 and 格力电器 (or 鞍钢集团 and 鞍钢股份) speaks of two companies, a group
    and its listed member, though the lexicon links both to one entity (as most texts use them for one).
    The mention that is not the entity's own name gets an entity of its own; the bare stem (格力) stays."""
    by_label: dict[str, set[str]] = {}
    for m in found:
        if m.source == "lexicon" and m.type != "Scenario":  # the lexicon's own names and aliases are never split:
            by_label.setdefault(m.label, set()).add(m.text)
    split: dict[tuple[str, str], str] = {}
    for label, texts in by_label.items():
        if len(texts) < 2:
            continue
        for group in texts:
            word = next((w for w in rules.group_words if group.endswith(w) and len(group) - len(w) >= 2), None)
            if word is None:
                continue
            stem = group[: -len(word)]
            members = [t for t in texts if t.startswith(stem) and t != stem and t != group
                       and not any(t.endswith(w) for w in rules.group_words)]
            if not members:
                continue
            for t in (group, *members):
                if t != label and lexicon.link(t) is None:  # 蚂蚁金服 is the lexicon's alias of 蚂蚁集团
                    split[(label, t)] = registered_stem(t)
    if not split:
        return found
    return [Mention(m.text, m.start, m.end, split[(m.label, m.text)], m.type, "pattern")
            if (m.label, m.text) in split else m for m in found]


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


NAME, SUFFIXED, MARKER = 1, 2, 4  # what a word may start (WordKinds)
_jieba_generation = 0  # bumped whenever words are added to jieba's dictionary (kg.extract.pipeline)


def jieba_changed() -> None:
    """Call after adding words to jieba's dictionary: every WordKinds forgets what it classified."""
    global _jieba_generation
    _jieba_generation += 1


def _kind_of(w: str, rules: Rules, freq: dict, tags: dict) -> int:
    """The rules a word may start a match of, as NAME | SUFFIXED | MARKER bits (0: none).

    NAME: a rare word jieba tags as a name, an unknown word of 2-4 characters without a function
    character at either edge, or a capitalised Latin-script word that is no common abbreviation (IPO,
    CEO, LED …). SUFFIXED: ends with a name suffix and is no relation word (控股子公司, 大股东 are; 控股
    alone is a name suffix). MARKER: a stock exchange risk marker (ST, *ST …).
    """
    kind, upper = 0, w.upper()
    if upper in rules.stock_markers:
        kind |= MARKER
    if w.endswith(rules.suffix_endings_by_last_char.get(w[-1:], ())) \
            and (w not in rules.trigger_words() or w in rules.suffix_words):
        kind |= SUFFIXED
    if w.isascii():
        if _LATIN_NAME.match(w) and upper not in rules.stopwords and upper not in rules.stock_markers:
            kind |= NAME
    elif len(w) >= 2 and w not in rules.never_names and _CJK.match(w):  # stopwords, triggers, references, surnames
        tag = tags.get(w)
        if tag in NAME_TAGS:
            if freq.get(w, 0) <= MAX_NAME_FREQ and not (tag in PERSON_TAGS and w[-1] in COMMON_NOUN_ENDS):
                kind |= NAME  # … but jieba tags common nouns as people too (通知书, 安全性, 申请人: nr)
        elif tag is None and not freq.get(w) and w[0] not in NUMERALS and w[0] not in EDGE_CHARS \
                and w[0] not in UNKNOWN_WORD_LEADS:
            core = _unglued(w)
            if len(core) <= 4 and core[-1] not in EDGE_CHARS and len(core) >= 2:
                kind |= NAME
    return kind


def _unglued(word: str) -> str:
    """An unknown word without the function character jieba glued to its end (苏宁欲 → 苏宁).

    >>> _unglued("苏宁欲"), _unglued("苏宁"), _unglued("后")
    ('苏宁', '苏宁', '后')
    """
    return word[:-1] if len(word) >= 3 and word[-1] in GLUED_TAIL else word


class WordKinds:
    """``_kind_of`` the distinct words of each Doc, remembered across Docs: most words of an article were
    in the articles before it, so each is classified once per pipeline, not once per Doc. Forgets
    everything when jieba's tables change (another pipeline added its user words)."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self._kinds: dict[str, int] = {}
        self._tables: tuple | None = None

    def split(self, words, freq: dict, tags: dict) -> tuple[set[str], set[str], set[str]]:
        """The words among ``words`` that may be a name, that end in a name suffix, that are risk markers."""
        tables = (_jieba_generation, id(freq), id(tags))
        if tables != self._tables:
            self._kinds.clear()
            self._tables = tables
        kinds, rules = self._kinds, self.rules
        names: set[str] = set()
        suffixed: set[str] = set()
        markers: set[str] = set()
        for w in words:
            k = kinds.get(w)
            if k is None:
                k = kinds[w] = _kind_of(w, rules, freq, tags)
            if k:
                if k & NAME:
                    names.add(w)
                if k & SUFFIXED:
                    suffixed.add(w)
                if k & MARKER:
                    markers.add(w)
        return names, suffixed, markers


LIST_ITEM_ENDS = frozenset("、，,。；;：:（(）)")  # what may follow the last token of a list item
LIST_LAST_JOINERS = ("和", "及", "以及", "与")  # … and the words before the last item of a 、-list
LIST_NEXT_CHARS = frozenset("、和及以与")  # the first character of a separator after a list item


def _ambiguous_names(tokens: Tokens, found: list[Mention], taken: _Taken, lexicon: Lexicon, rules: Rules,
                     freq: dict, tags: dict):
    """联想, 美的, 通用 … (ambiguous_names.tsv) as their company when a company word follows (联想宣布,
    美的旗下: company_cues.txt) or when a list joins them to a company found already (上汽与通用, 联想和中国电信).
    One sense per text: once a text uses the word so, or names its company in full (联想集团), its other
    occurrences there are the company too."""
    table = {**lexicon.contextual, **rules.ambiguous_names} if lexicon.contextual else rules.ambiguous_names
    if not table:
        return
    words, starts, ends = tokens.words, tokens.starts, tokens.ends
    org_starts = {m.start for m in found if m.type != "Scenario"}
    org_ends = {m.end for m in found if m.type != "Scenario"}
    named = {m.label for m in found}
    licensed, rest = set(), []
    for i in tokens.positions(table):
        s, e = starts[i], ends[i]
        if taken.overlaps(s, e):
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        prv = words[i - 1] if i else ""
        if i and prv not in CLAUSE_OPENERS and prv not in COORDINATORS and _name_part_before(prv, freq, tags):
            continue  # 金一 + 文化收购, 陈 + 荣华: part of a longer name
        listed = (nxt in COORDINATORS and i + 2 < len(words) and starts[i + 2] in org_starts) \
            or (prv in COORDINATORS and i >= 2 and ends[i - 2] in org_ends
                and (words[i] in rules.ambiguous_names or not nxt or nxt in CLAUSE_OPENERS))  # 与 + 一致行动人
        ent = lexicon.entities.get(table[words[i]])
        if ent is None:
            continue
        if nxt in rules.company_cues or listed or ent.name in named:
            licensed.add(words[i])
            yield Mention(words[i], s, e, ent.name, ent.cls, "lexicon")
        else:
            rest.append((i, ent))
    for i, ent in rest:
        if words[i] in licensed:
            yield Mention(words[i], starts[i], ends[i], ent.name, ent.cls, "lexicon")


def _name_part_before(word: str, freq: dict, tags: dict) -> bool:
    """May ``word`` be the start of a longer name or phrase that the next word continues: a single character
    that is no function word (陈 + 荣华), an unknown word, a name or a noun (金一 + 文化, 企业 + 文化)? Not 为,
    担任, 给 …"""
    if len(word) == 1:
        return _CJK.match(word) is not None and word not in EDGE_CHARS and word not in LEADING_CHARS
    return not freq.get(word) or tags.get(word) in NOUNISH_TAGS  # 企业 + 文化: a noun before it may modify it


def _list_item(tokens: Tokens, k: int, step: int, rules: Rules, freq: dict, tags: dict,
               last: bool = False) -> tuple[int, int] | None:
    """The tokens k, k+step … of one list item: up to three name-like tokens, 2-8 characters, that end
    at a list separator, clause punctuation or 等 (going forward) or start right after 、 or punctuation
    (going back). The ``last`` item (after 和/及) runs into the sentence: it is at most two tokens and
    ends at the first function word or verb (和东方热电均发布: 东方热电)."""
    words = tokens.words
    got = []
    while 0 <= k < len(words) and len(got) <= 3:
        w = words[k]
        if w in LIST_ITEM_ENDS or w in LIST_LAST_JOINERS or w == "等":
            break
        if not _NAMEISH.match(w) or w in rules.stopwords or w in rules.trigger_words() or tags.get(w) in LEADING_TAGS:
            if last and got:
                break
            return None
        got.append(k)
        k += step
    if not got or len(got) > (2 if last else 3):
        return None
    if not last and 0 <= k < len(words) and words[k] not in LIST_ITEM_ENDS and words[k] not in LIST_LAST_JOINERS \
            and words[k] != "等":
        return None
    if step < 0 and 0 <= k and words[k] not in LIST_ITEM_ENDS:
        return None  # going back, the item must open the list right after punctuation or 、
    if not any(_name_like_word(words[x], freq, tags) for x in got):
        return None  # 餐饮、美容美发: common words name a sector; a name has a rare or unknown word (世纪 + 鼎利)
    a, b = min(got), max(got)
    n = tokens.ends[b] - tokens.starts[a]
    return (a, b + 1) if 2 <= n <= 8 else None


def _name_like_word(word: str, freq: dict, tags: dict) -> bool:
    """A word jieba does not know, or knows as a rare name (鼎利, 万邦), or a place (东方 … + 热电)."""
    return not freq.get(word) or tags.get(word) in PLACE_OR_NAME_TAGS or tags.get(word) == "s" \
        or (freq.get(word, 0) <= RARE_WORD_FREQ and tags.get(word) in RARE_NOUN_TAGS)


OBJECT_ENDS = re.compile(r"(?:<n>|\d|%|的|股权|股份|股票|全部|部分|之|，|,|。|；|、|\s|等|后|时|已|一事|一案|事宜|所有|余下|剩余)", re.I)  # what may follow a deal's object


PHRASE_TAGS = frozenset({"i", "l", "a", "ad", "z"})  # idioms, set phrases, adjectives: never inside a name here


def _deal_name_word(w: str, rules: Rules, freq: dict, tags: dict) -> bool:
    """May ``w`` be part of the name next to a deal word? No stopword, trigger, demonstrative, function word,
    verb, set phrase or common noun (…书, …性), and no unknown word that starts like a verb (获批)."""
    return _NAMEISH.match(w) is not None and w not in rules.stopwords and w not in rules.trigger_words() \
        and w[0] not in DEMONSTRATIVES and not (not freq.get(w) and w[0] in UNKNOWN_WORD_LEADS) \
        and tags.get(w) not in LEADING_TAGS and tags.get(w) not in PHRASE_TAGS \
        and not (len(w) >= 3 and w[-1] in COMMON_NOUN_ENDS)


def _deal_name(tokens: Tokens, a: int, b: int, taken: _Taken, lexicon: Lexicon, freq: dict, tags: dict) -> Mention | None:
    """Tokens a..b as a company next to a deal word: 2-10 characters, nothing found there already, and a
    word jieba does not know or knows as a name or place (女儿红, 廊坊 + 晶体)."""
    words, text = tokens.words, tokens.text
    s, e = tokens.starts[a], tokens.ends[b]
    if not 2 <= e - s <= 10 or taken.overlaps(s, e) \
            or not any(not freq.get(words[x]) or tags.get(words[x]) in PLACE_OR_NAME_TAGS for x in range(a, b + 1)):
        return None
    return _linked(text[s:e], s, e, lexicon, "Company", registered_stem(text[s:e]))


def _linked(surface: str, s: int, e: int, lexicon: Lexicon, cls: str, label: str | None = None) -> Mention:
    """A mention of a known entity when the lexicon knows ``surface``, else of an unseen one of class ``cls``
    labelled ``label`` (default: the surface)."""
    known = lexicon.link(surface)
    if known:
        return Mention(surface, s, e, known.name, known.cls, "lexicon")
    return Mention(surface, s, e, label or surface, cls, "pattern")


def _deal_objects(tokens: Tokens, taken: _Taken, lexicon: Lexicon, rules: Rules, freq: dict, tags: dict):
    """The name right after a deal word (收购, 持有, 增持 … in ``rules.deal_object_words``) when a share, a
    figure or the clause's end follows it: 收购倍特公司20%股权, 持有新华光30%, 收购亚光电子，实现…"""
    words, starts, ends, text = tokens.words, tokens.starts, tokens.ends, tokens.text
    for i in tokens.positions(rules.deal_object_words, last=False):
        k = i + 1
        if words[k] in ("了", "的") and k + 1 < len(words):
            k += 1
        got = []
        while k < len(words) and len(got) < 3 and not OBJECT_ENDS.match(text, starts[k]):
            if not _deal_name_word(words[k], rules, freq, tags):
                break
            got.append(k)
            k += 1
        if not got or (k < len(words) and not OBJECT_ENDS.match(text, starts[k])):
            continue
        m = _deal_name(tokens, got[0], got[-1], taken, lexicon, freq, tags)
        if m is not None:
            yield m


SUBJECT_LINKS = frozenset({"拟", "将", "已", "也", "还", "宣布", "计划", "决定", "正式", "成功", "曾", "近日", "日前",
                           "昨日", "今日", "此前", "再次", "首次", "已经", "正在", "继续", "又"})
CLAUSE_OPENERS = frozenset("，,。；;：:（(“\"")  # what may come right before the subject of a clause


def _deal_subjects(tokens: Tokens, taken: _Taken, lexicon: Lexicon, rules: Rules, freq: dict, tags: dict):
    """The name that opens a clause whose verb is a deal word: ，新华光拟收购…, 。女儿红将持有…"""
    words, starts, ends, text = tokens.words, tokens.starts, tokens.ends, tokens.text
    for i in tokens.positions(rules.deal_object_words):
        k = i - 1
        while k >= 0 and words[k] in SUBJECT_LINKS:
            k -= 1
        got = []
        while k >= 0 and len(got) < 3 and words[k] not in CLAUSE_OPENERS:
            w = words[k]
            if not _deal_name_word(w, rules, freq, tags) or tags.get(w) in ("m", "t", "f") \
                    or (freq.get(w, 0) <= RARE_GLUED_FREQ and len(w) >= 3 and (w[-1] in GLUED_TAIL or w[-1] == "是")):
                break  # … and before the verb, no count, time or word with 是/拟 glued to it (华耐是, 第一家)
            got.append(k)
            k -= 1
        if not got or (k >= 0 and words[k] not in CLAUSE_OPENERS):
            continue  # the clause must open with the name
        m = _deal_name(tokens, got[-1], got[0], taken, lexicon, freq, tags)
        if m is not None:
            yield m


def _list_members(tokens: Tokens, found: list[Mention], taken: _Taken, lexicon: Lexicon, rules: Rules,
                  freq: dict, tags: dict, onto_actor):
    """Items of a 、-list next to a company found from the lexicon or a name pattern (天士力、修正集团:
    天士力 is a company too), going both ways, item by item. ``onto_actor(cls)``: is the class an actor."""
    words, starts, ends, text = tokens.words, tokens.starts, tokens.ends, tokens.text
    actor = {}
    queue = [m for m in found if (text[m.end: m.end + 1] in LIST_NEXT_CHARS or text[m.start - 1: m.start] == "、")
             and m.source in ("lexicon", "pattern") and actor.setdefault(m.type, onto_actor(m.type))]
    while queue:
        m = queue.pop()
        for step in (1, -1):
            if step > 0:
                if text[m.end: m.end + 1] not in LIST_NEXT_CHARS:
                    continue
                k = bisect_left(starts, m.end)
                if k + 1 >= len(words) or starts[k] != m.end or words[k] not in ("、",) + LIST_LAST_JOINERS:
                    continue
                if words[k] != "、" and not text.endswith("、", 0, m.start) and "、" not in text[m.end: m.end + 1]:
                    continue  # 和/及 join the last item only of a list that has a 、
                if taken.overlaps(starts[k + 1], ends[k + 1]):
                    continue  # the next item is a name found already
                item = _list_item(tokens, k + 1, 1, rules, freq, tags, last=words[k] != "、")
            else:
                if text[m.start - 1: m.start] != "、":
                    continue
                k = bisect_left(ends, m.start)
                if k < 1 or k >= len(ends) or ends[k] != m.start or words[k] != "、" \
                        or taken.overlaps(starts[k - 1], ends[k - 1]):
                    continue
                item = _list_item(tokens, k - 1, -1, rules, freq, tags)
            if item is None:
                continue
            s, e = starts[item[0]], ends[item[1] - 1]
            if _glued_function_char(words[item[0]], freq):
                s += 1  # 继钱宝网: jieba glued 继 to the name
            if e - s < 2 or taken.overlaps(s, e):
                continue
            surface = text[s:e]
            if not _CJK.match(surface):
                continue
            new = _linked(surface, s, e, lexicon, "Company")
            if not onto_actor(new.type):
                continue  # 便利店、商超: scenarios, not companies
            taken.add(s, e)
            queue.append(new)
            yield new


def _coordinated(text: str, m: Mention, org_ends: set[int], org_starts: set[int]) -> bool:
    """百视通 + 和 + 东方明珠, 乐购、世纪联华: a candidate joined to a found name by 、 和 与 及 is a name too."""
    for sep in COORDINATORS:
        if text.startswith(sep, m.end) and m.end + len(sep) in org_starts:
            return True
        if text.endswith(sep, 0, m.start) and m.start - len(sep) in org_ends:
            return True
    return False


def _tag_candidates(tokens: Tokens, names: set[str], taken: _Taken, lexicon: Lexicon, rules: Rules,
                    freq: dict, tags: dict, original: tuple[str, list[int]] | None = None):
    """Proper-noun tokens (jieba tags nt/nz/nr/j… of rare words, unknown words) as Company mentions;
    a place name right before one joins it (上海 + 建工). ``original``: the text before normalisation and
    the position of each normalised character in it (for the case of Latin-script names)."""
    text, words, starts, ends = tokens.text, tokens.words, tokens.starts, tokens.ends
    for i in tokens.positions(names):
        word, s, e = words[i], starts[i], ends[i]
        if taken.overlaps(s, e):
            continue
        if freq.get(word, 0) <= RARE_GLUED_FREQ and _unglued(word) != word:
            word = _unglued(word)
            e = s + len(word)
            if taken.overlaps(s, e):
                continue
        if len(word) >= 3 and not freq.get(word) and word[0] in GLUED_LEAD:
            if text.count(word[1:]) <= text.count(word):
                continue  # 入资款, 原大单, 继教网: no name the text uses on its own elsewhere
            word, s = word[1:], s + 1  # 由 + 赛伯乐, 除 + 恒宇天泽: jieba glued a function character to the name
        if word[1:] in HONORIFICS and word[0] in rules.surnames:
            continue  # 刘先生, 李女士: someone the article does not name, no entity
        if _LATIN_NAME.match(word) and not _latin_name_in_chinese(words, i, original[0][original[1][s]] if original else word[0]):
            continue
        # a place name in front: 上海 + 建工, 江苏 + 井神; or a rare noun (中油 + 化建, 中美 + 史克): a listed
        # company's four-character short name that jieba cut in two
        if i > 0 and len(word) == 2 and ends[i - 1] == s and not taken.overlaps(starts[i - 1], s) \
                and (_place_word(words[i - 1], rules, tags) or _rare_noun(words[i - 1], rules, freq, tags)):
            s, alone = starts[i - 1], False
        else:
            alone = True
        surface = text[s:e]
        known = lexicon.link(surface)
        after_kind = i > 0 and words[i - 1] in KIND_NOUNS  # 网贷平台 + 唐小僧: a platform's name, not a person's
        label, cls = (known.name, known.cls) if known else \
            (surface, "Company" if after_kind else _candidate_class(word, alone, rules, freq, tags))
        yield Mention(surface, s, e, label, cls, "lexicon" if known else "candidate")


def _rare_noun(word: str, rules: Rules, freq: dict, tags: dict) -> bool:
    """A rare two-character dictionary noun (中油, 中美) that may start a short name."""
    return len(word) == 2 and _CJK.match(word) is not None and 0 < freq.get(word, 0) <= RARE_WORD_FREQ \
        and tags.get(word) in RARE_NOUN_TAGS and word not in rules.never_names and word[0] not in DEMONSTRATIVES


def _latin_name_in_chinese(words: list[str], i: int, first_char: str) -> bool:
    """DHL旗下, 糖商CSR后: a capitalised Latin-script word between Chinese words is a name; in English
    text (a quoted sentence, a URL) it is just a word."""
    def neighbour(step: int) -> str:
        k = i + step
        while 0 <= k < len(words) and not words[k].strip():
            k += step
        return words[k] if 0 <= k < len(words) else ""
    return first_char.isupper() and not any(_LATIN_WORD.match(neighbour(d)) for d in (-1, 1))


def _candidate_class(word: str, alone: bool, rules: Rules, freq: dict, tags: dict) -> str:
    """An unknown three-character word that starts with a surname is a person (王永红, 李海萌), not a company."""
    if alone and len(word) == 3 and word[0] in rules.surnames and tags.get(word) in (None, "nr") \
            and not freq.get(word[:2]) and not freq.get(word[1:]):  # 安全性, 许可证 are words, not people
        return "Person"
    return "Company"


def extract_coreferences(doc: Doc, mentions: list[Mention], rules: Rules, onto: Ontology,
                         tokens: Tokens | None = None) -> list[Mention]:
    """Mentions for 该公司/该行/其…, labelled with the entity they refer to (``refers_to`` in
    coreference.tsv): the closest earlier one of the required class, or for topic words the first one
    earlier in the same sentence, else the first one in the previous sentence, else the closest."""
    tokens = tokens or tokens_of(doc)
    sentences = doc._.kg_sentences or split_sentences(tokens.text)
    sentence_starts = [a for a, _ in sentences]
    out = []
    of_class: dict[str, tuple[list[Mention], list[int]]] = {}  # the mentions of each wanted class, and their starts
    for i in tokens.positions(rules.coreference):
        word, start = tokens.words[i], tokens.starts[i]
        want = rules.coreference[word]
        if not want:
            continue
        before = rules.coref_before.get(word)
        if before is not None and (i + 1 >= len(tokens.words) or tokens.words[i + 1] not in before
                                   or (i and tokens.words[i - 1] not in CLAUSE_OPENERS)):
            continue  # 公司 refers back only as ，公司控股股东…: elsewhere it is any company
        if want not in of_class:
            kept = [m for m in mentions if onto.is_a(m.type, want)]
            of_class[want] = (kept, [m.start for m in kept])
        kept, kept_starts = of_class[want]
        earlier = [m for m in kept[: bisect_left(kept_starts, start)] if m.end <= start]
        if not earlier:
            continue
        m = earlier[-1]
        if word in rules.topic_corefs:
            k = bisect_right(sentence_starts, start) - 1
            for a, b in sentences[max(0, k - 1): k + 1][::-1]:  # this sentence, then the previous one
                first = next((x for x in earlier if a <= x.start < b), None)
                if first is not None:
                    m = first
                    break
        out.append(Mention(word, start, start + len(word), m.label, m.type, "coref"))
    return out
