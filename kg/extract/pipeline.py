"""The spaCy pipeline: blank Chinese with the jieba segmenter and our registered components.

The lexicon is loaded into jieba's user dictionary *before* the pipeline and its matcher patterns are
built (FINDINGS.md: patterns built earlier lose recall).
"""
from __future__ import annotations

import logging

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.config import DEFAULT, Settings
from kg.extract.entities import (WordKinds, build_matcher, extract_coreferences, extract_mentions, jieba_changed,
                                 jieba_tables)
from kg.extract.figures import extract_figures
from kg.extract.relations import extract_relations
from kg.extract.rules import read_rules
from kg.extract.sentences import split_sentences
from kg.extract.tokenizer import JiebaTokenizer  # noqa: F401  (registers kg.zh.JiebaTokenizer.v1)
from kg.extract.tokens import tokens_of
from kg.lexicon import read_lexicon
from kg.normalize import to_match_key
from kg.ontology import read_ontology

for _attr in ("kg_sentences", "kg_mentions", "kg_corefs", "kg_relations", "kg_figures"):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=None)

_SETTINGS: dict[str, Settings] = {}


def _settings(key: str) -> Settings:
    return _SETTINGS.get(key, DEFAULT)


def load_user_dictionary(settings: Settings = DEFAULT) -> int:
    """Put every lexicon term, trigger word and legal form into jieba's (global) user dictionary."""
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(settings.cache_dir)
    jieba.setLogLevel(logging.WARNING)
    lexicon, rules = read_lexicon(settings), read_rules(settings)
    words = {to_match_key(t) for t in lexicon.terms()} | rules.trigger_words()
    # legal forms with a name pattern of their own stay one word (有限责任公司, not 有限责任 + 公司)
    words |= rules.legal_forms & {suf.suffix for suf in rules.suffixes}
    for w in sorted(words):
        jieba.add_word(w)
    for w in sorted(rules.places - words):
        jieba.add_word(w, tag="ns")  # jieba tags 大连 as an adverb; name finding needs it as a place
    jieba_changed()
    return len(words)


@Language.factory("kg_entities", default_config={"settings_key": "default"},
                  assigns=["doc._.kg_tokens", "doc._.kg_sentences", "doc._.kg_mentions", "doc._.kg_corefs"])
def make_entities(nlp: Language, name: str, settings_key: str):
    s = _settings(settings_key)
    lexicon, rules, onto = read_lexicon(s), read_rules(s), read_ontology(s.path(s.ontology_file))
    matcher = build_matcher(nlp, lexicon)
    jieba_tables()  # loads jieba's part-of-speech table (~0.7 s) now rather than inside the first Doc
    kinds = WordKinds(rules)  # what each word may start, remembered across Docs

    def component(doc: Doc) -> Doc:
        tokens = tokens_of(doc)
        doc._.kg_sentences = split_sentences(tokens.text)
        mentions = extract_mentions(doc, matcher, lexicon, rules, onto, tokens, kinds)
        doc._.kg_mentions = mentions
        doc._.kg_corefs = extract_coreferences(doc, mentions, rules, onto, tokens)
        return doc

    return component


def _mention_stage(attr: str, extract, with_lexicon: bool = False):
    """A component that runs ``extract(doc, sentences, mentions incl. coreferences, rules, onto)``
    (plus the lexicon's same-family check when ``with_lexicon``) and stores the list under ``doc._.<attr>``."""

    def make(nlp: Language, name: str, settings_key: str):
        s = _settings(settings_key)
        rules, onto = read_rules(s), read_ontology(s.path(s.ontology_file))
        extra = (read_lexicon(s).same_family,) if with_lexicon else ()

        def component(doc: Doc) -> Doc:
            mentions = sorted(doc._.kg_mentions + doc._.kg_corefs, key=lambda m: (m.start, -m.end))
            doc._.set(attr, list(extract(doc, doc._.kg_sentences, mentions, rules, onto, *extra)))
            return doc

        return component

    return make


Language.factory("kg_relations", default_config={"settings_key": "default"}, assigns=["doc._.kg_relations"],
                 requires=["doc._.kg_mentions"], func=_mention_stage("kg_relations", extract_relations, with_lexicon=True))
Language.factory("kg_figures", default_config={"settings_key": "default"}, assigns=["doc._.kg_figures"],
                 requires=["doc._.kg_mentions"],
                 func=_mention_stage("kg_figures", lambda doc, *rest: extract_figures(tokens_of(doc).text, *rest)))


def build_nlp(settings: Settings = DEFAULT) -> Language:
    """A ready pipeline. Building it once costs ~1 s; reuse it for many articles."""
    key = "default" if settings == DEFAULT else str(id(settings))
    _SETTINGS[key] = settings
    load_user_dictionary(settings)
    # spaCy's Chinese tokenizer with jieba, aligning jieba's words in one pass (kg/extract/tokenizer.py)
    tokenizer = {"@tokenizers": "kg.zh.JiebaTokenizer.v1", "segmenter": "jieba"}
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer}})
    nlp.max_length = 5_000_000
    for comp in ("kg_entities", "kg_relations", "kg_figures"):
        nlp.add_pipe(comp, config={"settings_key": key})
    return nlp
