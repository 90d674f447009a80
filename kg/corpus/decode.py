"""Bytes -> text for corpus files: BOMs, strict UTF-8, GB18030/Big5 by guess and score, mojibake check.

A file that cannot be used raises :class:`~kg.errors.InputError` whose ``reason`` is the reason code of
the build report: ``empty``, ``binary``, ``undecodable`` or ``implausible``.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Iterable

from kg.errors import InputError

__all__ = ["decode_bytes"]

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"%PDF-", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "an executable (ELF)"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_LEGACY = ("gb18030", "big5")
_FIX_ENCODING = "save it as UTF-8 and rebuild"


def _reject(reason: str, message: str) -> InputError:
    return InputError(message, reason=reason)


@lru_cache(maxsize=1)
def _common_cjk() -> frozenset[str]:
    """The 3,755 level-1 GB2312 hanzi plus the 5,401 common Big5 hanzi (frequency proxies)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        chars.update(bytes([lead, t]).decode("gb2312", "ignore") for t in range(0xA1, 0xFF))
    for lead in range(0xA4, 0xC7):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            chars.add(bytes([lead, trail]).decode("big5", "ignore"))
    chars.discard("")
    return frozenset(chars)


def _is_pua(ch: str) -> bool:
    return unicodedata.category(ch) == "Co"


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def _is_common(ch: str, common: frozenset[str]) -> bool:
    """ASCII, common hanzi, CJK/full-width punctuation, kana and usual symbols."""
    o = ord(ch)
    return (
        o < 0x80
        or ch in common
        or 0x2000 <= o <= 0x27BF  # punctuation, letterlike, arrows, maths, enclosed numbers
        or 0x3000 <= o <= 0x30FF  # CJK punctuation, kana
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or ch in "·×÷°±§"
    )


_PUA, _COMMON, _CJK, _COMMON_CJK = 1, 2, 4, 8
_KIND: dict[str, int] = {}  # character -> bit set of the kinds above, filled as characters are seen


def _kind(ch: str) -> int:
    k = _KIND.get(ch)
    if k is None:
        common = _common_cjk()
        k = (_PUA * _is_pua(ch)) | (_COMMON * _is_common(ch, common)) | (_CJK * _is_cjk(ch)) \
            | (_COMMON_CJK * (_is_cjk(ch) and ch in common))
        _KIND[ch] = k
    return k


def _plausibility(text: str, counts: Counter | None = None) -> tuple[bool, str]:
    """Is this what a human wrote? Returns (ok, why-not). Looks at each distinct character once, its
    kinds looked up in a table filled as characters are first seen."""
    counts = counts if counts is not None else Counter(text)
    total = pua = common = cjk = common_cjk = 0
    for ch, n in counts.items():
        if ch.isspace():
            continue
        k = _KIND.get(ch) or _kind(ch)
        total += n
        if k & _PUA:
            pua += n
        if k & _COMMON:
            common += n
        if k & _CJK:
            cjk += n
            if k & _COMMON_CJK:
                common_cjk += n
    if not total:
        return True, ""
    if pua > total * 0.001:
        return False, f"{pua} private-use characters"
    share = common / total
    if share < 0.85:
        return False, f"only {share:.0%} of the characters are common ASCII/CJK"
    if cjk:
        cjk_share = common_cjk / cjk
        if cjk_share < 0.8:
            return False, f"only {cjk_share:.0%} of the hanzi are common ones"
    return True, ""


def _score(text: str) -> float:
    common = _common_cjk()
    cjk = [ch for ch in text if _is_cjk(ch)]
    return sum(1 for ch in cjk if ch in common) / len(cjk) if cjk else 0.0


def _detect_legacy(data: bytes) -> str | None:
    """chardet's guess, mapped onto the encodings we accept (GB18030 or Big5) or None."""
    import chardet

    name = (chardet.detect(data).get("encoding") or "").lower().replace("_", "-")
    if name in {"gb2312", "gbk", "gb18030", "hz-gb-2312", "cp936"}:
        return "gb18030"
    if name in {"big5", "big5hkscs", "big5-hkscs", "cp950"}:
        return "big5"
    return None


def _check_text(text: str, encoding: str) -> str:
    if not text.strip():
        raise _reject("empty", "the file is empty or only whitespace; add the article text or delete the file")
    counts = Counter(text)  # one pass over the text; the checks below look at each distinct character once
    controls = sum(n for c, n in counts.items() if c < " " and c not in "\t\n\r\f")
    if controls > max(2, len(text) // 20):
        raise _reject("binary", f"{controls} control characters in {len(text)} (a binary file?); convert it to text or remove it")
    ok, why = _plausibility(text, counts)
    if not ok:
        raise _reject(
            "implausible",
            f"decoded as {encoding} but the text looks garbled ({why}); {_FIX_ENCODING}",
        )
    return text


class CheckedTexts:
    """Files whose decoded text passed the binary and plausibility checks, by a digest of their bytes:
    a rebuild decodes them without checking again. ``known``: from the previous build; ``passed``: this
    read (what the next build may trust)."""

    VERSION = "1"  # change when the checks change: older digests are then not trusted

    def __init__(self, known: Iterable[str] = ()):
        self.known, self.passed = set(known), set()

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=16).hexdigest()


def decode_bytes(data: bytes, checked: CheckedTexts | None = None) -> str:
    """Decode a Chinese text file; raise :class:`InputError` with ``.reason`` if it can't be used.

    Order: BOM (UTF-8/16/32), binary check, strict UTF-8 (an incomplete last character is
    dropped), then GB18030 or Big5 as chardet suggests, the better-scoring one winning;
    finally a plausibility check rejects mojibake.

    >>> decode_bytes("支付宝".encode("gbk") * 8)[:3]
    '支付宝'
    """
    if not data.strip():
        raise _reject("empty", "the file is empty or only whitespace; add the article text or delete the file")
    check = _check_text
    if checked is not None:
        digest = checked.digest(data)

        def check(text: str, encoding: str) -> str:
            if digest not in checked.known:
                _check_text(text, encoding)
            checked.passed.add(digest)
            return text
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _reject("binary", f"this is {what}, not text; convert it to .txt/.md or remove it")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        for bom, enc in _BOMS:
            if data.startswith(bom):
                try:
                    return check(data[len(bom):].decode(enc), enc.upper())
                except UnicodeDecodeError as exc:
                    raise _reject(
                        "undecodable", f"it starts with a {enc.upper()} mark but is not valid {enc.upper()} "
                        f"(byte {exc.start + len(bom)}); {_FIX_ENCODING}"
                    ) from None
    data = data.rstrip(b"\x00")  # zero padding after a preallocated/interrupted download
    if b"\x00" in data:
        raise _reject("binary", "it contains NUL bytes (a binary file?); convert it to text or remove it")
    try:
        return check(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return check(data[: exc.start].decode("utf-8"), "UTF-8 (last character cut off)")
    guess = _detect_legacy(data)
    order = [guess] + [e for e in _LEGACY if e != guess] if guess else list(_LEGACY)
    decoded: list[tuple[float, int, str, str]] = []
    for rank, enc in enumerate(order):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        decoded.append((_score(text), -rank, enc, text))
    if not decoded:
        raise _reject(
            "undecodable",
            "it is not UTF-8, UTF-16, GB18030 or Big5 text; " + _FIX_ENCODING,
        )
    _, _, enc, text = max(decoded)
    return check(text, enc.upper())
