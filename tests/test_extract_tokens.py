"""The fast token alignment gives exactly what spaCy's own alignment gives; docstring examples run."""
import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.util import get_words_and_spaces

from kg.extract import entities, relations, tokenizer, tokens
from kg.extract.tokenizer import to_words_and_spaces

PIECES = st.sampled_from(["支付宝", "与", "银联", " ", "  ", "\n", "合作", "ＡＢＣ", "Apple Pay", "。", "\t", "，", "x"])


@st.composite
def text_and_split(draw):
    text = "".join(draw(st.lists(PIECES, min_size=1, max_size=12)))
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=8))))
    bounds = [0, *[c for c in cuts if 0 < c < len(text)], len(text)]
    words = [text[a:b] for a, b in zip(bounds, bounds[1:]) if text[a:b]]
    return text, words


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text_and_split())
def test_words_and_spaces_match_spacy(case):
    text, words = case
    try:
        expected = get_words_and_spaces(words, text)
    except ValueError:  # spaCy refuses some splits (a word led by a space): so must we
        with pytest.raises(ValueError):
            to_words_and_spaces(words, text)
        return
    assert to_words_and_spaces(words, text) == expected


def test_words_and_spaces_of_jieba_output_match_spacy():
    import jieba

    text = "蚂蚁集团  与 招商银行\n签署合作协议，Apple Pay 上线。"
    words = jieba.lcut(text)
    assert to_words_and_spaces(words, text) == get_words_and_spaces(words, text)


@pytest.mark.parametrize("module", [tokenizer, tokens, entities, relations])
def test_extract_doctests(module):
    result = doctest.testmod(module)
    assert result.failed == 0
