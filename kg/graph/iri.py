"""Deterministic IRIs (docs/graph-model.md): readable, valid in every RDF parser."""
from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import quote

from rdflib import URIRef

from kg.config import ARTICLE_NS, ENTITY_NS, MENTION_NS


def _is_safe(ch: str) -> bool:
    if ch in "-_.":
        return True
    if ch.isascii():
        return ch.isalnum()
    cat = unicodedata.category(ch)
    return cat.startswith("L") or cat == "Nd"


def to_local_name(label: str) -> str:
    """NFKC, drop format/control characters, percent-encode everything but letters, digits, CJK, -_.
    (and a final ".")."""
    s = unicodedata.normalize("NFKC", label)
    s = "".join(c for c in s if unicodedata.category(c) not in ("Cf", "Cc", "Cs", "Co", "Cn"))
    s = s.strip() or "_"
    s = "".join(c if _is_safe(c) else quote(c, safe="") for c in s)
    # a prefixed name may not end with "."; Turtle writers escape it (kga:a\.), which rdflib cannot read
    return s[:-1] + "%2E" if s.endswith(".") else s


def entity_iri(label: str) -> URIRef:
    return URIRef(ENTITY_NS + to_local_name(label))


def article_iri(article_id: str) -> URIRef:
    return URIRef(ARTICLE_NS + to_local_name(article_id))


def mention_iri(*parts) -> URIRef:
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
    return URIRef(MENTION_NS + digest)
