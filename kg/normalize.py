"""Normalise text into matching keys, keeping a map back to the original offsets.

Small ``str -> str`` steps are composed into :func:`to_match_key`::

    strip_format -> to_halfwidth -> lower_ascii -> to_simplified

:func:`to_match_text` applies the same steps and also returns, for every character of
the normalised text, the index of the original character it came from, so a match
found in normalised text can be reported with offsets into the article as read.

Every step works character by character (or keeps the length, for ``to_simplified``),
so ``to_match_key(text) == to_match_text(text)[0]`` always holds.

>>> to_match_key("招商銀行")
'招商银行'
>>> to_match_key("ＡＢＣ银行")
'abc银行'
>>> to_match_text("支付\\u200b宝")
('支付宝', [0, 1, 3, 4])
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "strip_format",
    "to_halfwidth",
    "lower_ascii",
    "to_simplified",
    "to_match_key",
    "to_match_text",
]

_ASCII_UPPER = re.compile("[A-Z]+")
_MAX_T2S_ROUNDS = 3  # a few characters convert in two steps (薴 -> 苧 -> 苎)


@lru_cache(maxsize=None)
def _converter():
    """Build the OpenCC traditional->simplified converter once, on first use."""
    try:
        import opencc
    except ImportError as exc:  # pragma: no cover - opencc is a core dependency
        raise ImportError(
            "kg.normalize needs OpenCC: run `.venv/bin/pip install 'opencc>=1.1.9,<1.5'` "
            "(not opencc-python-reimplemented)"
        ) from exc
    return opencc.OpenCC("t2s")


def _is_format(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"


def _nfkc_char(ch: str) -> str:
    if ch < "\x80" or unicodedata.is_normalized("NFKC", ch):
        return ch
    return unicodedata.normalize("NFKC", ch)


def strip_format(text: str) -> str:
    """Drop zero-width, bidi and other format characters (Unicode category Cf)."""
    return "".join(ch for ch in text if not _is_format(ch))


def to_halfwidth(text: str) -> str:
    """Map full-width and other compatibility forms to their plain forms (NFKC, per character)."""
    if text.isascii():
        return text
    return "".join(_nfkc_char(ch) for ch in text)


def lower_ascii(text: str) -> str:
    """Lowercase ASCII letters only; other scripts are left alone."""
    if text.isascii():
        return text.lower()
    return _ASCII_UPPER.sub(lambda m: m.group().lower(), text)  # str.translate is slow on non-ASCII text


def _t2s_char(ch: str) -> str:
    try:
        out = _converter().convert(ch)
    except (UnicodeError, RuntimeError):
        return ch
    return out if len(out) == 1 else ch


def _t2s_once(text: str) -> str:
    """Convert keeping the length: whole text when OpenCC keeps it, else per character."""
    try:
        out = _converter().convert(text)
    except (UnicodeError, RuntimeError):
        out = None
    if out is not None and len(out) == len(text):
        return out
    return "".join(_t2s_char(ch) for ch in text)


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese with OpenCC ``t2s``; the length never changes.

    The conversion is repeated until it is stable so that the step is idempotent.
    """
    if not text or text.isascii():
        return text
    out = _t2s_once(text)
    if out == text:
        return out  # nothing converted: already stable
    for _ in range(_MAX_T2S_ROUNDS - 1):
        again = _t2s_once(out)
        if again == out:
            break
        out = again
    return out


@lru_cache(maxsize=16384)  # callers pass names, looked up again and again (Lexicon.link)
def to_match_key(text: str) -> str:
    """The key used to compare names: simplified, half-width, ASCII lowercase, no Cf characters."""
    return to_simplified(lower_ascii(to_halfwidth(strip_format(text))))


# Planes holding every Cf character and every character that NFKC changes (Unicode 15):
# BMP, SMP (maths letters), SIP (CJK compatibility ideographs) and plane 14 (tags).
_SPECIAL_PLANES = (range(0x0000, 0x30000), range(0xE0000, 0xE1000))


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@lru_cache(maxsize=None)
def _special_ranges() -> tuple[tuple[int, int], ...]:
    """(first, last) code points of the runs of characters that to_match_text must handle one by one."""
    ranges: list[list[int]] = []
    for plane in _SPECIAL_PLANES:
        for code in plane:
            if 0xD800 <= code <= 0xDFFF:
                continue
            ch = chr(code)
            if _is_format(ch) or not unicodedata.is_normalized("NFKC", ch):
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1][1] = code
                else:
                    ranges.append([code, code])
    return tuple((a, b) for a, b in ranges)


@lru_cache(maxsize=None)
def _special_chars(astral: bool = True) -> re.Pattern[str]:
    """A regex matching the special characters (built once, ~0.1 s).

    ``astral=False`` leaves out those beyond the BMP: a character class with only BMP ranges is a
    bitmap lookup, while astral ranges are tried one by one for every character (15x slower).
    """
    ranges = [(a, b) for a, b in _special_ranges() if astral or b <= 0xFFFF]
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )
    return re.compile(f"[{body}]")


@lru_cache(maxsize=4096)
def _replacement(ch: str) -> str:
    """What a special character becomes: nothing (Cf) or its NFKC form."""
    return "" if _is_format(ch) else _nfkc_char(ch)


def to_match_text(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` like :func:`to_match_key` and map each character back.

    Returns ``(norm, index)`` where ``norm[i]`` comes from ``text[index[i]]``;
    ``len(index) == len(norm) + 1`` and ``index[-1] == len(text)``, so a span
    ``norm[a:b]`` (``b > a``) corresponds to ``text[index[a]:index[b - 1] + 1]``.
    Plain stretches are copied whole; only Cf and NFKC-changed characters are looked at one by one.
    """
    parts: list[str] = []
    index: list[int] = []
    pos = 0
    if not text.isascii():
        for m in _special_chars(astral=_ASTRAL.search(text) is not None).finditer(text):
            i = m.start()
            if i > pos:
                parts.append(text[pos:i])
                index.extend(range(pos, i))
            out = _replacement(text[i])
            parts.append(out)
            index.extend([i] * len(out))
            pos = i + 1
    if pos < len(text):
        parts.append(text[pos:])
        index.extend(range(pos, len(text)))
    index.append(len(text))
    norm = to_simplified(lower_ascii("".join(parts)))
    return norm, index
