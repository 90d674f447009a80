"""Extraction stage: Article → Extraction (mentions, relations, observations) with evidence and offsets.

spaCy objects stop here: callers get plain records whose offsets index the article text as read.
"""
from __future__ import annotations

from spacy.language import Language

from kg.normalize import to_match_text
from kg.records import Article, Extraction, Mention, Observation, Relation

__all__ = ["build_nlp", "extract_article", "to_json"]

from kg.extract.pipeline import build_nlp  # noqa: E402


def extract_article(article: Article, nlp: Language) -> Extraction:
    norm, back = to_match_text(article.text)
    text = article.text
    doc = nlp.make_doc(norm)
    # the components see the normalised text (ASCII lower-cased); some need the case of the original
    doc.user_data["kg_original"] = (text, back)
    for _, component in nlp.pipeline:
        doc = component(doc)

    def span(a: int, b: int) -> tuple[int, int]:
        return back[a], back[b - 1] + 1 if b > a else back[a]

    # unseen names are labelled by their surface form: take it from the original text, so labels keep
    # their case (TCL集团, not tcl集团); known entities keep their canonical name
    rename: dict[str, str] = {}
    mentions = []
    for m in doc._.kg_mentions:
        s, e = span(m.start, m.end)
        label = m.label
        if m.source != "lexicon" and norm.startswith(label, m.start, m.end):  # the surface, or its stem
            label = rename.setdefault(m.label, text[s: span(m.start, m.start + len(label))[1]].strip())
        elif m.source == "alias":
            label = rename.get(label, label)  # a short name takes the label its full name got
        mentions.append(Mention(text[s:e], s, e, label, m.type, m.source))
    relabel = lambda lab: rename.get(lab, lab)
    relations = []
    for rule, subj, obj, (s0, s1) in doc._.kg_relations:
        s, e = span(s0, s1)
        relations.append(Relation(relabel(subj.label), rule.property, relabel(obj.label), subj.type, obj.type, text[s:e], s, e,
                                  rule.rule, rule.confidence))
    observations = []
    for rule, subj, value, unit, period, (s0, s1), _ in doc._.kg_figures:
        s, e = span(s0, s1)
        observations.append(Observation(relabel(subj.label), rule.kind, value, unit, period, text[s:e], s, e, rule.rule,
                                        rule.confidence))
    return Extraction(article, tuple(mentions), tuple(relations), tuple(observations))


def to_json(x: Extraction, iri_of) -> dict:
    """The `kg extract` output object (a contract pinned by tests/test_cli.py)."""
    return {
        "id": x.article.id,
        "entities": [{"text": m.text, "start": m.start, "end": m.end, "label": m.label, "type": m.type,
                      "iri": iri_of(m.label)} for m in x.mentions],
        "relations": [{"head": r.head, "type": r.type, "tail": r.tail, "head_iri": iri_of(r.head),
                       "tail_iri": iri_of(r.tail), "evidence": r.evidence, "start": r.start, "end": r.end,
                       "rule": r.rule, "confidence": r.confidence} for r in x.relations],
        "observations": [{"subject": o.subject, "kind": o.kind, "value": o.value, "unit": o.unit,
                          "period": o.period, "evidence": o.evidence, "start": o.start, "end": o.end,
                          "rule": o.rule, "confidence": o.confidence} for o in x.observations],
    }
