"""Figures (market share, users, volumes, growth, amounts) with their period, from ontology/rules/figures.tsv."""
from __future__ import annotations

import re
from bisect import bisect_left

from kg.extract.rules import Rules
from kg.ontology import Ontology
from kg.records import Mention

SCALE = {"万": 1e4, "亿": 1e8, "万亿": 1e12, None: 1, "": 1}
CURRENCY = {"元": "CNY", "人民币": "CNY", "美元": "USD", "港元": "HKD"}
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIOD = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?:"
    r"第(?P<q>[一二三四1-4])季度|(?P<q2>[一二三四1-4])季度|Q(?P<q3>[1-4])"
    r"|(?P<h>上|下)半年|(?P<m>1[0-2]|0?[1-9])\s*月)?"
)
_CLAUSE = re.compile(r"[，,；;：:。！？!?]")


def to_period(match: re.Match) -> str:
    """2015年第三季度 → 2015Q3; 2015年上半年 → 2015H1; 2015年9月 → 2015-09; 2015年 → 2015."""
    y = match.group("y")
    q = match.group("q") or match.group("q2") or match.group("q3")
    if q:
        return f"{y}Q{_QUARTER[q]}"
    if match.group("h"):
        return f"{y}H{1 if match.group('h') == '上' else 2}"
    if match.group("m"):
        return f"{y}-{int(match.group('m')):02d}"
    return y


_DIGIT = re.compile(r"\d")


def find_periods(text: str) -> list[tuple[int, str]]:
    return [(m.start(), to_period(m)) for m in _PERIOD.finditer(text)]


def extract_figures(text: str, sentences, mentions: list[Mention], rules: Rules, onto: Ontology):
    """Yield (FigureRule, subject Mention, value, unit, period, sentence (start, end), match (start, end))."""
    periods = find_periods(text)
    period_pos = [p for p, _ in periods]
    paragraph_breaks = [m.start() for m in re.finditer(r"\n", text)]
    starts = [m.start for m in mentions]  # mentions are sorted by start
    seen = set()
    for s0, s1 in sentences:
        actors = [x for x in mentions[bisect_left(starts, s0): bisect_left(starts, s1)] if onto.is_a(x.type, "Actor")]
        if not actors or not _DIGIT.search(text, s0, s1):
            continue  # a figure needs an actor before it in the sentence, and a number (values are float())
        sent = text[s0:s1]
        for rule in rules.figures:
            for m in rule.regex.finditer(sent):
                a, b = s0 + m.start(), s0 + m.end()
                clause_start = s0 + max([c.end() for c in _CLAUSE.finditer(sent[: m.start()])] or [0])
                subj = [x for x in actors if clause_start <= x.start and x.end <= a]
                if not subj:
                    continue
                value = float(m.group("value")) * SCALE[m.groupdict().get("scale")]
                unit = rule.unit
                if "cur" in m.groupdict() and m.group("cur"):
                    unit = CURRENCY.get(m.group("cur"), unit)
                # period: nearest before the figure in this paragraph (a sentence may name it earlier)
                k = bisect_left(paragraph_breaks, s0)
                para_start = paragraph_breaks[k - 1] if k else 0
                j = bisect_left(period_pos, b)
                period = periods[j - 1][1] if j and period_pos[j - 1] >= para_start else None
                key = (subj[-1].label, rule.kind, round(value, 6), period)
                if key in seen:
                    continue
                seen.add(key)
                yield rule, subj[-1], round(value, 6), unit, period, (s0, s1), (a, b)
