"""Relation rules: trigger words (ontology/rules/relations.tsv) and the argument patterns around them."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import lru_cache

from spacy.tokens import Doc

from kg.extract.entities import BARE_BRANCH_WORDS, jieba_tables
from kg.extract.rules import RelationRule, Rules
from kg.extract.sentences import CLAUSE_PUNCT
from kg.extract.tokens import Tokens, tokens_of
from kg.ontology import Ontology
from kg.records import Mention

_CJK_WORD = re.compile(r"^[\u3400-\u9fff]+$")
NOT_NAME_TAGS = frozenset({"v", "p", "c", "d", "r", "u", "uj", "ul", "ad", "m", "q", "t", "f"})
PEER_SEPARATORS = {"、", "和", "及", "以及", "、以及"}
WITH_ITS_OWN = frozenset({"及其子公司", "及其控股子公司", "及其全资子公司", "及其一致行动人", "及其关联方"})  # A及其子公司B
LIST_SEPARATORS = {"、", "和", "及", "以及", "与", "跟", "同", "、以及", "还有"} | WITH_ITS_OWN
WITH_WORDS = ("与", "同", "跟", "和")
TOWARD_WORDS = ("向", "对")  # A向B增资, A对B注资: B receives
FAR_WITH_WORDS = ("与", "同", "跟")  # 和 also joins lists: only the unambiguous ones open a partner far from the trigger
FAR_WINDOW = 28  # characters between the partner and the trigger in the "with_far" pattern
DESCRIPTION_CHARS = 8  # … and between 与 and the partner's name (与国际娱乐巨头迪斯尼)
PASSIVE_WORDS = ("被", "获", "遭", "获得")
FILLER = set(" 　“”\"「」『』的了已将也还均都正式共同再次首次宣布")
HEAD_WINDOW = 30  # characters between the head and the trigger
LINK_WORDS = ("是", "为", "成为", "作为", "对")
RECEIVE_WORDS = ("获", "接受", "引入", "引进")  # A获得B的投资: the roles of A…B的TRIGGER swap
# 支持Apple Pay的银行(共有19家，)包括…: the words between a supported party and the list of its supporters
SUPPORTERS_CUE = re.compile(r"的[\u4e00-\u9fff]{1,6}(?:共有[^，。；]{0,8}，)?(?:包括|涵盖|有|为|是)[：:]?")
# 旗下约1700家餐厅…: a count of unnamed parties; an actor after it is no member of them
COUNTED = re.compile(r"(?:\d+|[一二两三四五六七八九十百千万多数几])[余多]?家")
SYMMETRIC = ("partnersWith", "competesWith")
# words that open a clause with a subject or comparison of its own: an actor after them is not the object
CLAUSE_STARTERS = ("与", "和", "而", "但", "此外", "同时", "另外", "其中", "相比", "比")
AROUND_WINDOW = 40  # "around" patterns: the nearest actor within this many characters on each side, same sentence


def _gap_ok(text: str, a: int, b: int, limit: int, allow=FILLER) -> bool:
    """True when the text between a and b is short and has no clause punctuation."""
    if b < a or b - a > limit:
        return False
    punct = _punctuation(text)[0]
    j = bisect_left(punct, a)
    return j == len(punct) or punct[j] >= b


def _list_ending_at(text: str, ms: list[Mention], i: int) -> tuple[list[Mention], list[str]]:
    """The coordinated list whose last item is ms[i], and the separators between its items."""
    items, seps = [ms[i]], []
    k = i
    while k > 0:
        prev = ms[k - 1]
        between = text[prev.end: ms[k].start].strip(" “”\"「」")
        if between in LIST_SEPARATORS or between.rstrip("等") in LIST_SEPARATORS:
            items.insert(0, prev)
            seps.insert(0, between)
            k -= 1
        else:
            break
    return items, seps


def _list_starting_at(text: str, ms: list[Mention], i: int, trigger: str = "") -> list[Mention]:
    """The coordinated list whose first item is ms[i]; an item followed by ``trigger`` starts a relation of
    its own and ends the list (A旗下的B和C旗下的D: C is not in A's list)."""
    items = [ms[i]]
    k = i
    while k + 1 < len(ms):
        between = text[ms[k].end: ms[k + 1].start].strip(" “”\"「」")
        if trigger and text.startswith(trigger, ms[k + 1].end, ms[k + 1].end + len(trigger) + 1):
            break
        if between in LIST_SEPARATORS:
            items.append(ms[k + 1])
            k += 1
        else:
            break
    return items


def _typed(onto: Ontology, m: Mention, types: tuple[str, ...]) -> bool:
    return _class_in(onto, m.type, types)


@lru_cache(maxsize=4096)
def _class_in(onto: Ontology, cls: str, types: tuple[str, ...]) -> bool:
    return any(onto.is_a(cls, t) for t in types)


def _negated(text: str, pos: int, rules: Rules) -> bool:
    """A negation word in the 4 characters before ``pos``."""
    return rules.negation_re is not None and rules.negation_re.search(text, max(0, pos - 4), pos) is not None


def _ends_unseen_name(tokens: Tokens, t0: int, word: str, ms: list[Mention], rules: Rules, tags: dict) -> bool:
    """A trigger that is also a name suffix (投资, 控股) right after a noun-like token that is no mention,
    and followed by a list separator, ends an unseen name: 百业源投资和立业集团各持股20%."""
    if word not in rules.suffix_words:
        return False
    k = bisect_left(tokens.starts, t0) - 1
    if k < 0 or tokens.ends[k] != t0 or any(m.start < t0 <= m.end for m in ms):
        return False
    prev, nxt_start = tokens.words[k], t0 + len(word)
    follows = tokens.text[nxt_start: nxt_start + 1]
    return _CJK_WORD.match(prev) is not None and tags.get(prev) not in NOT_NAME_TAGS and follows in ("和", "、", "及", "与")


def find_triggers(tokens: Tokens, words: set[str]) -> list[tuple[str, int, int]]:
    """(word, start, end) of each token that is one of ``words``, in text order."""
    return [(tokens.words[i], tokens.starts[i], tokens.ends[i]) for i in tokens.positions(words)]


def _in_number(text: str, k: int) -> bool:
    """A comma that groups digits (1,200 or <N>,<N>) is not a clause break."""
    return text[k] in ",，" and 0 < k < len(text) - 1 and text[k - 1] in "0123456789>" and text[k + 1] in "0123456789<"


_PUNCT = re.compile("[" + re.escape("".join(sorted(CLAUSE_PUNCT))) + "]")


@lru_cache(maxsize=8)
def _punctuation(text: str) -> tuple[list[int], list[int]]:
    """Where ``text`` has clause punctuation: every position, and the clause breaks among them (not
    the commas that group digits). Found once per text; the rules look them up by bisection."""
    punct = [m.start() for m in _PUNCT.finditer(text)]
    return punct, [k for k in punct if not _in_number(text, k)]


def _clause_breaks(text: str, a: int, b: int) -> list[int]:
    """Positions of the clause breaks in text[a:b] (a comma between digits is none).

    >>> _clause_breaks("投资1,200万元，占股20%；", 0, 16)
    [9, 15]
    """
    breaks = _punctuation(text)[1]
    return breaks[bisect_left(breaks, a): bisect_left(breaks, b)]


def _next_punct(text: str, a: int, limit: int) -> int:
    """The first clause punctuation at or after a and before a + limit, else len(text).

    >>> _next_punct("蚂蚁集团入股，网商银行1,200万。", 0, 10), _next_punct("蚂蚁集团入股，网商银行。", 0, 5)
    (6, 12)
    """
    punct = _punctuation(text)[0]
    j = bisect_left(punct, a)
    return punct[j] if j < len(punct) and punct[j] < a + limit else len(text)


def _last_punct(text: str, b: int, limit: int) -> int:
    """The last clause punctuation before b and at or after b - limit, else -1.

    >>> _last_punct("据报道，蚂蚁集团入股网商银行", 8, 10), _last_punct("据报道，蚂蚁集团入股网商银行", 8, 3)
    (3, -1)
    """
    punct = _punctuation(text)[0]
    j = bisect_left(punct, b) - 1
    return punct[j] if j >= 0 and punct[j] >= b - limit else -1


def _tail_clause_is_own(text: str, t1: int, tail: Mention, others, starters: tuple[str, ...]) -> bool:
    """Is the actor after the trigger in a clause of its own: clause punctuation between them, and that
    clause opens with a new-subject or comparison word (，与此前…) or has a trigger of its own (，B持股20%)?"""
    cuts = _clause_breaks(text, t1, tail.start)
    if not cuts:
        return False
    cut = cuts[-1]
    if text.startswith(starters, cut + 1):
        return True
    end = _next_punct(text, tail.end, AROUND_WINDOW)
    return any(cut < s and e <= end for s, e in others)


def _until(indices, stop) -> list[int]:
    """The indices up to (not including) the first one for which ``stop`` holds: an actor in a clause
    of its own also hides every actor beyond it."""
    out = []
    for k in indices:
        if stop(k):
            break
        out.append(k)
    return out


def _head_clause_is_own(text: str, head: Mention, t0: int, others) -> bool:
    """Is the actor before the trigger the object of another relation word in its own, earlier clause
    (参股网商银行，并在保险领域推出…)? As a subject it may carry on across commas (A与B合作，进入C)."""
    cuts = _clause_breaks(text, head.end, t0)
    if not cuts:
        return False
    begin = _last_punct(text, head.start, AROUND_WINDOW)
    return any(begin < s and e <= head.start for s, e in others)


def _with_word_before(text: str, ms: list[Mention], k: int) -> int | None:
    """Where the 与/同/跟 that introduces ms[k] as a partner is: right before it, or before a short
    description of it (与国际娱乐巨头迪斯尼); and 和 when it joins no list (并和B签署: no name before 和)."""
    a = ms[k].start
    lo = max(ms[k - 1].end if k else 0, a - 1 - DESCRIPTION_CHARS, 0)
    for i in range(a - 1, lo - 1, -1):
        if text[i] in CLAUSE_PUNCT:
            return None
        if text[i] in FAR_WITH_WORDS or (text[i] == "和" and not (k and ms[k - 1].end == i)):
            return i
    return None


def _with_far(text: str, ms: list[Mention], t0: int, before: list[int], others):
    """HEAD(宣布，)与 TAIL[、TAIL] … TRIGGER with words between the partner and the trigger (A与B签署《…协议》,
    A将加强与B在香港的合作) and the subject dropped after a comma (A宣布，与B达成协议)."""
    if not before:
        return
    # the partner list: the nearest 与/同/跟 before the trigger, in its clause, followed by actors
    lead = next((k for k in reversed(before) if t0 - ms[k].end <= FAR_WINDOW
                 and _with_word_before(text, ms, k) is not None), None)
    if lead is None or _clause_breaks(text, ms[lead].end, t0):
        return
    tails = [m for m in _list_starting_at(text, ms, lead) if m.end <= t0]
    owned = _owned_after(text, ms, tails[-1], [k for k in before if ms[k].start >= tails[-1].end])
    if owned is not None:  # A与B旗下的C(和D)签订协议: the partners are C (and D)
        tails = [m for m in _list_starting_at(text, ms, owned) if m.end <= t0]
    elif ms.index(tails[-1]) != before[-1] and any(w in text[tails[-1].end: t0] for w in WITH_WORDS):
        return  # A与B的股东和C达成协议: another list is the trigger's own
    w = _with_word_before(text, ms, lead)
    near = [k for k in reversed(before) if ms[k].end <= w and w - ms[k].end <= HEAD_WINDOW]
    if not near:
        return
    h = near[0]
    gap = text[ms[h].end: w]
    breaks = _clause_breaks(text, ms[h].end, w)
    if breaks:
        # the subject carries across one comma into a clause that opens with 与 (A宣布，与B达成协议); the
        # subject is the first name of the clause before (A在B、C等场景推出活动，并与D…: A, not C)
        if len(breaks) > 1:
            return
        begin = _last_punct(text, ms[h].start, HEAD_WINDOW)
        h = next(k for k in near[::-1] if ms[k].start > begin)
        if text[ms[h].end: ms[h].end + 1] == "的" or _head_clause_is_own(text, ms[h], w, others):
            return
    elif any(c in gap for c in "的"):
        return  # A的股东与B…: A is no party
    for head in _list_ending_at(text, ms, h)[0]:
        for t in tails:
            yield head, t


OWNER_WORDS = ("旗下的", "旗下", "持有的", "所持有的", "所持的", "所持", "拥有的", "下属的", "下属", "手中的", "分别持有的",
               "合计持有的", "共同持有的")


def _owned_after(text: str, ms: list[Mention], m: Mention, after: list[int]) -> int | None:
    """The index of the mention that an owner word after ``m`` introduces (X持有的Y, X旗下Y), within its clause."""
    rest = text[m.end: m.end + 8]
    word = next((w for w in OWNER_WORDS if rest.startswith(w)), None)
    if word is None:
        return None
    end = _next_punct(text, m.end, AROUND_WINDOW)
    return next((k for k in after if ms[k].start >= m.end + len(word) and ms[k].start < end), None)


def _sides(ms: list[Mention], t0: int, t1: int, starts: list[int] | None = None) -> tuple[list[int], list[int]]:
    """Indices of the mentions before and after a trigger at t0..t1 (``ms`` sorted by start; ``starts``
    their starts, when known)."""
    starts = starts or [m.start for m in ms]
    return ([i for i in range(bisect_left(starts, t0)) if ms[i].end <= t0],
            list(range(bisect_left(starts, t1), len(ms))))


HOLDING_BEFORE = re.compile(r"持有|所持|[万亿]股")  # 将(其)持有的B…, 将3万股B股份: a stake in B
WHOLE = re.compile(r"全部|全资|100\s*[%％]|百分之百")  # … unless all of it is bought (B的全部权益)
STAKE_WINDOW = 16  # characters after a company's name in which a stake word says only part of it is bought


@lru_cache(maxsize=64)
def _as_active(rule: RelationRule) -> RelationRule:
    """The rule read with the active pattern (the stake pattern is active plus a stake word)."""
    return replace(rule, pattern="active")


def stake_after(text: str, m: Mention, stake: re.Pattern) -> bool:
    """Is a stake word (股权, 业务 …) written after ``m`` in its clause (B的20%股权, B在埃及的油气资产)?

    >>> import re; stake = re.compile("股权|业务")
    >>> stake_after("甲收购乙公司20%股权。", Mention("乙公司", 3, 6, "乙公司", "Company"), stake)
    True
    >>> stake_after("甲收购乙公司，股权结构不变。", Mention("乙公司", 3, 6, "乙公司", "Company"), stake)
    False
    >>> stake_after("甲收购乙公司的全部股权。", Mention("乙公司", 3, 6, "乙公司", "Company"), stake)
    False
    """
    found = stake.search(text, m.end, _next_punct(text, m.end, STAKE_WINDOW))
    return found is not None and not WHOLE.search(text, m.end, found.end())


def _linked_before(text: str, ms: list[Mention], heads_i: list[int], t0: int) -> tuple[Mention, Mention] | None:
    """A是B的第一大股东 / A为B之子公司 / A对B的收购: both actors before the trigger, joined by a link word, read
    as (A, B); swapped after 被/遭/获 (A获得B的战略投资: B invests). None when the text is not built so, or
    when 各/均/分别 makes B the subject (B各持股20%)."""
    if len(heads_i) < 2 or not _gap_ok(text, ms[heads_i[-1]].end, t0, 6) \
            or any(w in text[ms[heads_i[-1]].end: t0] for w in ("各", "均", "分别", "都")):
        return None
    gap = text[ms[heads_i[-2]].end: ms[heads_i[-1]].start]
    if not any(w in gap for w in LINK_WORDS + RECEIVE_WORDS):
        return None
    if not _gap_ok(text, ms[heads_i[-2]].end, ms[heads_i[-1]].start, AROUND_WINDOW) \
            and not ("。" not in gap and len(gap) <= AROUND_WINDOW):
        return None
    h, t = ms[heads_i[-2]], ms[heads_i[-1]]
    if any(w in text[h.end: t.start] for w in ("被", "遭") + RECEIVE_WORDS):
        h, t = t, h
    return h, t


def _pairs_for(rule: RelationRule, text: str, ms: list[Mention], t0: int, t1: int, onto: Ontology,
               others: list[tuple[int, int]] = (), sides: tuple[list[int], list[int]] | None = None,
               stake: re.Pattern | None = None):
    """Yield (subject, object) mention pairs for one trigger occurrence under one rule; ``others`` are
    the spans of the sentence's other trigger words, ``sides`` the mentions before and after it,
    ``stake`` finds the words that make a purchase a stake (pattern stake)."""
    before, after = sides or _sides(ms, t0, t1)
    p = rule.pattern
    if p in ("with", "list", "toward"):
        if not before:
            return
        i = before[-1]
        if not _gap_ok(text, ms[i].end, t0, 8):
            return
        items, seps = _list_ending_at(text, ms, i)
        if p in ("with", "toward"):
            split = next((k for k, s in enumerate(seps) if s in ("与", "同", "跟")), None) if p == "with" else None
            if split is not None:
                heads, tails = items[: split + 1], items[split + 1:]
            else:
                # HEAD … 与 LIST TRIGGER: the word before the list is 与/同/跟/和 (toward: 向/对)
                j = ms.index(items[0])
                lead = text[max(0, items[0].start - 3): items[0].start]
                if not any(w in lead for w in (WITH_WORDS if p == "with" else TOWARD_WORDS)) or j == 0:
                    return
                if p == "toward" and not all(c in FILLER for c in re.sub("进行|实施", "", text[items[-1].end: t0])):
                    return  # 向B注资, 向B进行增资; not 向B了解注资的进展
                heads_i = [k for k in range(j) if _gap_ok(text, ms[k].end, items[0].start, HEAD_WINDOW)]
                if not heads_i:
                    return
                heads, _ = _list_ending_at(text, ms, heads_i[-1])
                tails = items
            for h in heads:
                for t in tails:
                    yield h, t
        else:  # list: each of the others with the last
            if len(items) < 2 or any(s in ("与", "同", "跟") for s in seps):
                return
            lead = text[max(0, items[0].start - 2): items[0].start]
            if any(w in lead for w in WITH_WORDS) or any(w in text[items[-1].end: t0] for w in WITH_WORDS):
                return
            for h in items[:-1]:
                yield h, items[-1]
    elif p == "with_far":
        yield from _with_far(text, ms, t0, before, others)
    elif p == "stake":  # A收购B的20%股权 / B的手机业务: A invests in B
        for h, t in _pairs_for(_as_active(rule), text, ms, t0, t1, onto, others, sides):
            if stake_after(text, t, stake):
                yield h, t
    elif p in ("active", "active_reverse", "at"):
        if not before or not after:
            return
        first = after[0]
        if not _gap_ok(text, t1, ms[first].start, 8) or "、" in text[t1: ms[first].start]:
            return  # 阿里巴巴出资9亿美元、蚂蚁金服出资…: after 、 comes the next item, not the object
        near = [k for k in reversed(before) if t0 - ms[k].end <= HEAD_WINDOW]
        heads_i = _until(near, lambda k: _head_clause_is_own(text, ms[k], t0, others))[::-1]
        heads_i = [k for k in heads_i if _typed(onto, ms[k], rule.head_types)
                   and (p != "at" or all(c in FILLER for c in text[ms[k].end: t0]))]
        if not heads_i:
            return
        heads, _ = _list_ending_at(text, ms, heads_i[-1])
        tails = _list_starting_at(text, ms, first)
        owned = _owned_after(text, ms, tails[-1], after)
        if owned is not None:  # 收购X持有的Y 20%股权, 收购X旗下Y: Y is the object, X the seller or owner
            tails = _list_starting_at(text, ms, owned)
        for h in heads:
            for t in tails:
                yield (t, h) if p == "active_reverse" else (h, t)
    elif p == "passive":
        if not before:
            return
        pw = [w for w in PASSIVE_WORDS if w in text[max(0, ms[before[-1]].start - 1): t0]]
        # TAIL 被 HEAD TRIGGER
        heads_i = [k for k in before if any(text[max(0, ms[k].start - 2): ms[k].start].endswith(w) for w in PASSIVE_WORDS)]
        if not heads_i or not pw:
            return
        h = heads_i[-1]
        tails_i = [k for k in before if k < h and _gap_ok(text, ms[k].end, ms[h].start, 10)]
        if not tails_i or not _gap_ok(text, ms[h].end, t0, 6):
            return
        for t in _list_ending_at(text, ms, tails_i[-1])[0]:
            yield ms[h], t
    elif p == "inside":  # A旗下(的)B → B subsidiaryOf A
        if not before or not after:
            return
        i, j = before[-1], after[0]
        if _gap_ok(text, ms[i].end, t0, 2) and _gap_ok(text, t1, ms[j].start, 3):
            for t in _list_starting_at(text, ms, j, text[t0:t1]):
                yield t, ms[i]
    elif p == "owner":  # A(的)股东B → B investsIn A
        if not before or not after:
            return
        i, j = before[-1], after[0]
        if any(w in text[ms[i].end: t0] for w in LINK_WORDS):
            return  # A为第一大股东: A is the shareholder, not the company
        if _gap_ok(text, ms[i].end, t0, 6) and _gap_ok(text, t1, ms[j].start, 8):
            for t in _list_starting_at(text, ms, j):
                yield t, ms[i]
    elif p in ("around", "around_reverse"):
        # HEAD … TRIGGER … TAIL across clause punctuation (sentence-level judgement, lower confidence);
        # 被/遭 right before the trigger swaps the roles (B被A收购 is handled by passive; A被…收购 here)
        near = [k for k in reversed(before) if t0 - ms[k].end <= AROUND_WINDOW]
        heads_i = _until(near, lambda k: _head_clause_is_own(text, ms[k], t0, others))[::-1]
        heads_i = [k for k in heads_i if _typed(onto, ms[k], rule.head_types)]
        near = [k for k in after if ms[k].start - t1 <= AROUND_WINDOW]
        tails_i = _until(near, lambda k: _tail_clause_is_own(text, t1, ms[k], others, CLAUSE_STARTERS)
                         or COUNTED.search(text, t1, ms[k].start) is not None
                         or "、" in text[t1: ms[k].start]  # 出资六亿元、华为…: the next list item, not the object
                         or text.startswith(FAR_WITH_WORDS, t1))  # 通过母公司与B签订: B is a party, not the owner
        tails_i = [k for k in tails_i if _typed(onto, ms[k], rule.tail_types)]
        if not heads_i:
            return
        linked = _linked_before(text, ms, heads_i, t0) if rule.property not in SYMMETRIC else None
        if linked is not None and (not tails_i or _clause_breaks(text, t1, ms[tails_i[0]].start)):
            yield linked  # A为B之全资子公司，本次变动不涉及C: the pair before the trigger, not the next clause's C
            return
        if not tails_i:
            return
        heads = [ms[heads_i[-1]]]
        items, seps = _list_ending_at(text, ms, heads_i[-1])
        if len(items) == 2 and seps[0] in WITH_ITS_OWN and _typed(onto, items[0], rule.head_types):
            heads.insert(0, items[0])  # A及其子公司B合计持有C: both hold
        swap = p == "around_reverse"
        if any(w in text[max(0, t0 - 3): t0] for w in ("被", "遭")):
            swap = not swap
        for h in heads:
            for t in _list_starting_at(text, ms, tails_i[0], text[t0:t1]):
                yield (t, h) if swap else (h, t)
    elif p == "role":  # A(…)成为B和C的(首批)合作银行 → (A, B), (A, C)
        if not before:
            return
        owners, _ = _list_ending_at(text, ms, before[-1])
        if not re.fullmatch(r"的[\u4e00-\u9fff]{0,4}", text[owners[-1].end: t0]):
            return
        k = ms.index(owners[0])
        a = next((ms[j] for j in range(k - 1, -1, -1) if _typed(onto, ms[j], rule.head_types)), None)
        if a is None:
            return
        gap = text[a.end: owners[0].start]
        if any(w in gap for w in LINK_WORDS) and "。" not in gap and len(gap) <= AROUND_WINDOW:
            for b in owners:
                yield a, b
    elif p == "supporters":  # 支持B的银行包括A1、A2… → (A1, B), (A2, B)
        if not after or not _gap_ok(text, t1, ms[after[0]].start, 1):
            return
        targets = _list_starting_at(text, ms, after[0])
        cue = SUPPORTERS_CUE.match(text, targets[-1].end)
        if cue is None:
            return
        for k in after:
            if ms[k].start >= cue.end() and _typed(onto, ms[k], rule.head_types):
                for t in targets:
                    yield ms[k], t
    elif p in ("transfer", "transfer_stake"):  # A将(所持)B(的20%股权)转让给C: C buys B (or a stake in it)
        if not before or not after or not _gap_ok(text, t1, ms[after[0]].start, 2):
            return
        opening = max(text.rfind(w, _last_punct(text, t0, AROUND_WINDOW) + 1, t0) for w in ("将", "把"))
        objects = [k for k in before if ms[k].start > opening >= 0 and ms[k].source != "coref"]  # 将其…: the seller
        if not objects:
            return
        for b in _list_ending_at(text, ms, objects[-1])[0]:
            if b.start <= opening:
                continue
            # a stake: a stake word after it, a number of shares before it (将3万股B股份), or the seller's holding
            # (将持有的B全部股份)
            part = stake_after(text, b, stake) or HOLDING_BEFORE.search(text, opening, b.start) is not None
            if part == (p == "transfer_stake"):
                for c in _list_starting_at(text, ms, after[0]):
                    yield c, b
    elif p == "scene":  # …，线下支付场景硝烟弥漫: the sentence's one actor works in the scenarios named before 场景
        if not before or not _gap_ok(text, ms[before[-1]].end, t0, 1) or text[ms[before[-1]].end: t0] not in ("", "等"):
            return
        scenes = [m for m in _list_ending_at(text, ms, before[-1])[0] if _typed(onto, m, rule.tail_types)]
        actors = {m.label: m for m in ms if _typed(onto, m, rule.head_types)}
        if scenes and len(actors) == 1:
            actor = next(iter(actors.values()))
            for sc in scenes:
                yield actor, sc
    elif p == "title":  # 京东金融副总裁金林 → 金林 executiveOf 京东金融
        if not before or not after:
            return
        i, j = before[-1], after[0]
        if t0 - ms[i].end <= 1 and ms[j].start - t1 <= 1 and not _clause_breaks(text, ms[i].end, ms[j].start) \
                and "、" not in text[ms[i].end: t0]:  # 薛亮，联合创始人林孝深: 薛亮 is no company
            yield ms[j], ms[i]


# what may follow a parent's stem in a name that is not a member of its group: a share class (万科A), the
# group itself (华润 → 华润集团 is one company), a building or an office (中冶大厦, 中信证券…营业部)
NOT_MEMBER_REST = re.compile(r"^(?:[A-Za-z]|<N>|\d+|[集团控股份有限责任总公司]+|大厦|广场|中心|大楼|营业部|办事处|总部)$"
                             r"|(?:大厦|广场|营业部|办事处|大楼)$")


def family_pairs(rule: RelationRule, ms: list[Mention], onto: Ontology):
    """(member, parent) for names of one sentence where the member's name starts with the parent's stem:
    the parent's whole name, or its name without a group word at its end (华润集团 → 华润): 华润电力 and
    华润集团 → 华润电力 subsidiaryOf 华润集团. A name-level inference, so a low confidence."""
    stems = []
    for m in ms:
        if m.source == "coref" or not _typed(onto, m, rule.tail_types):
            continue
        group = next((w for w in rule.triggers if m.text.endswith(w) and len(m.text) - len(w) >= 2), "")
        stems.append((m.text[: len(m.text) - len(group)], m))
    for member in ms:
        if member.source == "coref" or not _typed(onto, member, rule.head_types):
            continue
        for stem, parent in stems:
            if parent.label != member.label and len(member.text) > len(stem) and member.text.startswith(stem) \
                    and not NOT_MEMBER_REST.search(member.text[len(stem):]):
                yield member, parent
                break
            if member.label == parent.label + member.text:  # 吉林分公司, named as 华安财险吉林分公司: its branch
                yield member, parent
                break


def coordinated_pairs(text: str, ms: list[Mention]):
    """Every pair of names in one coordinated list (A、B和C: AB, AC, BC), in text order. 与/同/跟 join
    parties rather than peers (A与B组成的阵营), so they end a list here.

    >>> ms = [Mention(n, s, s + 2, n, "Company") for n, s in (("甲乙", 0), ("丙丁", 3), ("戊己", 6), ("庚辛", 10))]
    >>> [(a.text, b.text) for a, b in coordinated_pairs("甲乙、丙丁和戊己表示，庚辛", ms)]
    [('甲乙', '丙丁'), ('甲乙', '戊己'), ('丙丁', '戊己')]
    """
    group = [ms[0]] if ms else []
    for prev, m in zip(ms, ms[1:]):
        if text[prev.end: m.start].strip(" “”\"「」") in PEER_SEPARATORS and m.start >= prev.end:
            group.append(m)
            continue
        yield from ((a, b) for i, a in enumerate(group) for b in group[i + 1:])
        group = [m]
    yield from ((a, b) for i, a in enumerate(group) for b in group[i + 1:])


def extract_relations(doc: Doc, sentences, mentions: list[Mention], rules: Rules, onto: Ontology,
                      family=lambda a, b: False):
    """Yield (rule, subject Mention, object Mention, sentence (start, end)); ``mentions`` sorted by start.
    ``family(a, b)`` says whether two entities belong to one group (no partnership between them)."""
    tokens = tokens_of(doc)
    text = tokens.text
    by_trigger = rules.relations_by_trigger
    seen = set()
    found_words = find_triggers(tokens, rules.sentence_words)  # one pass for the trigger and the peer words
    all_triggers = [x for x in found_words if x[0] in by_trigger]
    tags = jieba_tables()[1]
    trigger_starts = [t0 for _, t0, _ in all_triggers]
    between_actors = rules.actor_triggers
    mention_starts = [m.start for m in mentions]
    family_rules = rules.family_rules
    peer_rules = rules.peer_rules
    peer_hits = [x for x in found_words if x[0] in rules.peer_words] if peer_rules else []
    deal_words = rules.deal_words
    peer_starts = [t0 for _, t0, _ in peer_hits]

    def peer_relations(ms, s0, s1, related):
        """The peers rules' relations in one sentence: the names of a coordinated list, when a peer word is
        in the sentence and no other rule related them (``related``: the pairs already related)."""
        here = {w for w, _, _ in peer_hits[bisect_left(peer_starts, s0): bisect_left(peer_starts, s1)]}
        for rule in peer_rules if here else ():
            if here.isdisjoint(rule.triggers):
                continue
            for a, b in coordinated_pairs(text, ms):
                pair = frozenset((a.label, b.label))
                if len(pair) < 2 or pair in related or family(a.label, b.label) \
                        or not (_typed(onto, a, rule.head_types) and _typed(onto, b, rule.tail_types)):
                    continue
                key = (rule.property, *sorted(pair), s0)
                if key not in seen:
                    seen.add(key)
                    related.add(pair)
                    yield rule, a, b, (s0, s1)

    # where two names of different entities start alike (华润电力, 华润集团): the only places a family rule may fire
    labels_by_start: dict[str, set] = {}
    for m in mentions:
        if m.source != "coref":
            labels_by_start.setdefault(m.text[:2], set()).add(m.label)
    alike = [m.start for m in mentions if m.source != "coref" and len(labels_by_start[m.text[:2]]) > 1] \
        if family_rules else []
    # … and where a branch is named without its company (吉林分公司 of 华安财险)
    branches = [m.start for m in mentions if m.label != m.text and m.label.endswith(m.text)
                and m.text.endswith(BARE_BRANCH_WORDS)] if family_rules else []
    for s0, s1 in sentences:
        in_sentence = all_triggers[bisect_left(trigger_starts, s0): bisect_left(trigger_starts, s1)]
        family_here = bisect_left(alike, s1) - bisect_left(alike, s0) >= 2 \
            or bisect_left(branches, s1) > bisect_left(branches, s0)
        peers_here = bisect_left(peer_starts, s1) > bisect_left(peer_starts, s0)
        if not (in_sentence or family_here or peers_here):
            continue
        ms = [m for m in mentions[bisect_left(mention_starts, s0): bisect_right(mention_starts, s1)] if m.end <= s1]
        if len(ms) < 2:
            continue
        related = set()  # the pairs of labels with a relation in this sentence
        for rule in family_rules if family_here else ():
            for member, parent in family_pairs(rule, ms, onto):
                key = (rule.property, member.label, parent.label, s0)
                if key not in seen:
                    seen.add(key)
                    related.add(frozenset((member.label, parent.label)))
                    yield rule, member, parent, (s0, s1)
        if not in_sentence:
            if peers_here:
                yield from peer_relations(ms, s0, s1, related)
            continue
        acting = any(w in deal_words for w, _, _ in in_sentence)  # 收购, 合作, 领投 …: a deal, not a market
        ms_starts = [m.start for m in ms]
        first_start_by_end: dict[int, int] = {}  # for each end offset, the earliest start of a mention ending there
        for m in ms:
            first_start_by_end[m.end] = min(m.start, first_start_by_end.get(m.end, m.start))
        for word, t0, t1 in in_sentence:
            others = [(a, b) for w, a, b in in_sentence if (a, b) != (t0, t1) and w in between_actors]
            if _negated(text, t0, rules):
                continue
            if first_start_by_end.get(t1, t0) < t0 or _ends_unseen_name(tokens, t0, word, ms, rules, tags):
                continue  # the word ends a name (惠州控股, 百业源投资), it is no trigger
            sides = _sides(ms, t0, t1, ms_starts)
            paired = set()  # the properties this trigger occurrence has given a pair already
            for rule in by_trigger[word]:
                if rule.pattern == "around" and rule.property in SYMMETRIC and rule.property in paired:
                    continue  # 百度与华夏基金合作推出“百发”: the with pattern has the partners; 百发 is none
                for subj, obj in _pairs_for(rule, text, ms, t0, t1, onto, others, sides, rules.stake_re):
                    if subj.label == obj.label:
                        continue
                    if rule.property == "acquires" and stake_after(text, obj, rules.stake_re):
                        continue  # A收购B的20%股权: a stake (the stake rule's), not B itself
                    if rule.property in SYMMETRIC and rule.pattern == "around" and family(subj.label, obj.label):
                        continue  # 腾讯 and its own 微信支付 are one group, not partners
                    h_types, t_types = rule.head_types, rule.tail_types
                    if rule.pattern in ("inside", "owner", "title", "active_reverse", "around_reverse"):
                        h_types, t_types = rule.tail_types, rule.head_types
                    if not (_typed(onto, subj, h_types) and _typed(onto, obj, t_types)):
                        continue
                    key = (rule.property, subj.label, obj.label, s0)
                    if rule.property in ("partnersWith", "competesWith"):
                        key = (rule.property, *sorted((subj.label, obj.label)), s0)
                    if key in seen:
                        continue
                    seen.add(key)
                    paired.add(rule.property)
                    related.add(frozenset((subj.label, obj.label)))
                    yield rule, subj, obj, (s0, s1)
        if peers_here and not acting:
            yield from peer_relations(ms, s0, s1, related)
