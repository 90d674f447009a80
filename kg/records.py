"""Plain records passed between stages. No spaCy, rdflib or NetworkX objects here."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article as read from the corpus. ``text`` is the text as read (offsets index into it)."""

    id: str
    text: str
    title: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    path: str = ""
    content_hash: str = ""


@dataclass(frozen=True)
class Skipped:
    """A file (or JSONL line) that could not be used, with a reason code and a human message."""

    path: str
    reason: str  # e.g. "empty", "binary", "undecodable", "implausible", "bad-jsonl", "unsupported"
    message: str


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    label: str  # canonical zh name
    type: str  # ontology class local name
    source: str = "lexicon"  # lexicon | pattern | scenario | coref


@dataclass(frozen=True)
class Relation:
    head: str
    type: str
    tail: str
    head_type: str
    tail_type: str
    evidence: str
    start: int  # offsets of the evidence sentence in the article text
    end: int
    rule: str
    confidence: float


@dataclass(frozen=True)
class Observation:
    subject: str
    kind: str  # marketShare | activeUsers | transactionVolume | growthRate | investmentAmount
    value: float
    unit: str
    period: str | None
    evidence: str
    start: int
    end: int
    rule: str
    confidence: float


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    mentions: tuple[Mention, ...] = field(default_factory=tuple)
    relations: tuple[Relation, ...] = field(default_factory=tuple)
    observations: tuple[Observation, ...] = field(default_factory=tuple)
