"""The Doc's tokens as plain lists, made once per Doc (``doc._.kg_tokens``).

Every ``for tok in doc`` builds a Python ``Token`` object per token, and ``doc.text`` rebuilds the string
from them; over a few passes this costs more than jieba's segmentation itself. Our tokenizer stores the
token texts and character offsets it made the Doc from, and the components loop over plain lists.
(A component that changed the tokens would have to reset ``doc._.kg_tokens``; none of ours does.)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, chain
from operator import add

from spacy.attrs import ORTH, SPACY
from spacy.tokens import Doc

if not Doc.has_extension("kg_tokens"):
    Doc.set_extension("kg_tokens", default=None)


@dataclass(frozen=True)
class Tokens:
    text: str  # doc.text
    words: list[str]  # token texts
    starts: list[int]  # token character offsets (Token.idx)
    ends: list[int]  # starts[i] + len(words[i])

    def positions(self, wanted, last: bool = True) -> list[int]:
        """Positions of the tokens that are in ``wanted`` (a set or dict), in order; ``last=False``
        leaves out the last token (for words that need one after them).

        >>> to_tokens(["微信", "和", "支付宝", "和"], [0, 0, 0, 0]).positions({"和", "微信"}, last=False)
        [0, 1]
        """
        index = self.index
        found = [w for w in wanted if w in index] if len(wanted) < len(index) else [w for w in index if w in wanted]
        if not found:
            return []
        out = index[found[0]] if len(found) == 1 else sorted(chain.from_iterable(index[w] for w in found))
        if not last and out and out[-1] == len(self.words) - 1:
            return out[:-1]
        return list(out)

    @cached_property
    def index(self) -> dict[str, list[int]]:
        """Each distinct word and the positions of its tokens, in order (made once per Doc, on first use)."""
        out: dict[str, list[int]] = {}
        for i, w in enumerate(self.words):
            at = out.get(w)
            if at is None:
                out[w] = [i]
            else:
                at.append(i)
        return out


def to_tokens(words: list[str], spaces: list[bool] | list[int], text: str | None = None) -> Tokens:
    """The table of the Doc ``Doc(vocab, words=words, spaces=spaces)`` (whose text is ``text`` if known).

    >>> t = to_tokens(["Ant", " ", "Group", "IPO"], [True, False, True, False])
    >>> t.text, t.starts, t.ends
    ('Ant  Group IPO', [0, 4, 5, 11], [3, 5, 10, 14])
    """
    lengths = list(map(len, words))
    starts = [0, *accumulate(map(add, lengths, spaces))][:-1]
    ends = list(map(add, starts, lengths))
    if text is None:
        text = "".join([w + " " if space else w for w, space in zip(words, spaces)])
    return Tokens(text, words, starts, ends)


def tokens_of(doc: Doc) -> Tokens:
    """``doc._.kg_tokens``, read from the Doc's arrays (no ``Token`` objects) when the tokenizer left none.

    >>> import spacy
    >>> t = tokens_of(spacy.blank("en")("Ant  Group IPO"))
    >>> t.words, t.starts
    (['Ant', ' ', 'Group', 'IPO'], [0, 4, 5, 11])
    """
    if doc._.kg_tokens is None:
        strings = doc.vocab.strings
        words = [strings[orth] for orth in doc.to_array(ORTH).tolist()] if len(doc) else []
        spaces = doc.to_array(SPACY).tolist() if len(doc) else []  # 1: one space follows the token
        doc._.kg_tokens = to_tokens(words, spaces)
    return doc._.kg_tokens
