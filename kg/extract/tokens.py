"""The Doc's tokens as plain lists, read once per Doc.

Every ``for tok in doc`` builds a Python ``Token`` object per token, and ``doc.text`` rebuilds the string
from them; over a few passes this costs more than jieba's segmentation itself. The components read the
token texts and character offsets once (``doc._.kg_tokens``) and loop over plain lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from operator import add

from spacy.attrs import ORTH, SPACY
from spacy.tokens import Doc


@dataclass(frozen=True)
class Tokens:
    text: str  # doc.text
    words: list[str]  # token texts
    starts: list[int]  # token character offsets (Token.idx)
    ends: list[int]  # starts[i] + len(words[i])


def read_tokens(doc: Doc) -> Tokens:
    """Token texts and offsets from the Doc's arrays, without making a ``Token`` object per token.

    >>> import spacy
    >>> t = read_tokens(spacy.blank("en")("Ant  Group IPO"))
    >>> t.words, t.starts, t.ends
    (['Ant', ' ', 'Group', 'IPO'], [0, 4, 5, 11], [3, 5, 10, 14])
    """
    if not len(doc):
        return Tokens(doc.text, [], [], [])
    strings = doc.vocab.strings
    words = [strings[orth] for orth in doc.to_array(ORTH).tolist()]
    spaces = doc.to_array(SPACY).tolist()  # 1: one space follows the token
    lengths = list(map(len, words))
    starts = [0, *accumulate(map(add, lengths, spaces))][:-1]
    ends = list(map(add, starts, lengths))
    text = "".join([w + " " if space else w for w, space in zip(words, spaces)])
    return Tokens(text, words, starts, ends)
