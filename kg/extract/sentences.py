"""Sentence and clause boundaries as character offsets (no spaCy parser needed)."""
from __future__ import annotations

import re

_SENT_END = re.compile(r"[。！？!?；;]+[”’」』)）]*|\n+")
CLAUSE_PUNCT = set("，,：:。！？!?；;\n")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed, empty ones dropped."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n+", text)]
