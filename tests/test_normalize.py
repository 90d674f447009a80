"""Tests for kg.normalize: matching keys and the offset map back to the original text."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.normalize import (
    lower_ascii,
    strip_format,
    to_halfwidth,
    to_match_key,
    to_match_text,
    to_simplified,
)

KEY_CASES = [
    ("招商銀行", "招商银行"),
    ("中國銀聯", "中国银联"),
    ("ＡＢＣ银行", "abc银行"),
    ("Apple Pay", "apple pay"),
    ("支付\u200b宝", "支付宝"),
    ("微信\ufeff支付", "微信支付"),
    ("\u202e云闪付\u202c", "云闪付"),
    ("京东\u3000金融", "京东 金融"),
    ("５３．７０％", "53.70%"),
    ("ΑΒΓ", "ΑΒΓ"),  # only ASCII is lowercased
    ("招商银行", "招商银行"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), KEY_CASES)
def test_normalize_match_key(text, expected):
    assert to_match_key(text) == expected


MAP_CASES = [
    ("招商銀行", "招商银行", [0, 1, 2, 3, 4]),
    ("ＡＢＣ银行", "abc银行", [0, 1, 2, 3, 4, 5]),
    ("支付\u200b宝", "支付宝", [0, 1, 3, 4]),
    ("\u200b\u200b支付宝", "支付宝", [2, 3, 4, 5]),
    ("㈱招行", "(株)招行", [0, 0, 0, 1, 2, 3]),  # NFKC expands one character into three
    ("与中國銀聯合作", "与中国银联合作", [0, 1, 2, 3, 4, 5, 6, 7]),
]


@pytest.mark.parametrize(("text", "norm", "index"), MAP_CASES)
def test_normalize_match_text_offsets(text, norm, index):
    got_norm, got_index = to_match_text(text)
    assert got_norm == norm
    assert got_index == index


@pytest.mark.parametrize(
    ("text", "needle", "original"),
    [
        ("据报道，招商銀行与ＡＢＣ银行合作", "招商银行", "招商銀行"),
        ("据报道，招商銀行与ＡＢＣ银行合作", "abc银行", "ＡＢＣ银行"),
        ("用户可以用支付\u200b宝付款", "支付宝", "支付\u200b宝"),
    ],
)
def test_normalize_match_found_in_norm_maps_back_to_original_span(text, needle, original):
    norm, index = to_match_text(text)
    a = norm.index(needle)
    b = a + len(needle)
    assert text[index[a] : index[b - 1] + 1] == original


def test_normalize_steps_compose_into_match_key():
    text = "ＡＢＣ銀行\u200b"
    assert to_match_key(text) == to_simplified(lower_ascii(to_halfwidth(strip_format(text))))
    assert strip_format(text) == "ＡＢＣ銀行"
    assert to_halfwidth("ＡＢＣ") == "ABC"
    assert lower_ascii("ABCÄ") == "abcÄ"


def test_normalize_simplified_is_stable_for_two_step_characters():
    # OpenCC maps 薴 -> 苧 and 苧 -> 苎; one call must give the final form.
    assert to_simplified("薴") == to_simplified(to_simplified("薴"))


def test_normalize_long_text_keeps_length_and_map():
    text = "繼Apple Pay登陸中國之後，三星攜手中國銀聯推出Samsung Pay。\n" * 2000
    norm, index = to_match_text(text)
    assert len(norm) == len(text)
    assert index == list(range(len(text) + 1))
    assert norm.startswith("继apple pay登陆中国之后,三星携手中国银联推出samsung pay。")


# Mix general Unicode with CJK, full-width forms and format characters so OpenCC and NFKC are exercised.
mixed_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xFF00, max_codepoint=0xFFEF),
        st.sampled_from("\u200b\u200c\u200d\u2060\ufeff\u202a\u202e銀國聯薴乾隆後髮"),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(mixed_text)
def test_normalize_match_key_is_idempotent(text):
    key = to_match_key(text)
    assert to_match_key(key) == key


@settings(max_examples=300, deadline=None)
@given(mixed_text)
def test_normalize_match_text_agrees_with_key_and_map_is_valid(text):
    norm, index = to_match_text(text)
    assert norm == to_match_key(text)
    assert len(index) == len(norm) + 1
    assert index[-1] == len(text)
    assert all(0 <= i < len(text) for i in index[:-1])
    assert index == sorted(index)
    assert not any(text[i] in "\u200b\ufeff\u202e" for i in index[:-1])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3400, max_codepoint=0x9FFF), max_size=80))
def test_normalize_simplified_keeps_length(text):
    assert len(to_simplified(text)) == len(text)


def test_normalize_special_planes_cover_all_of_unicode():
    """Characters outside the scanned planes never need per-character handling."""
    import sys
    import unicodedata

    from kg.normalize import _SPECIAL_PLANES

    scanned = [(p.start, p.stop) for p in _SPECIAL_PLANES]
    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if not any(a <= code < b for a, b in scanned)
        and (unicodedata.category(chr(code)) == "Cf" or not unicodedata.is_normalized("NFKC", chr(code)))
    ]
    assert missed == []
