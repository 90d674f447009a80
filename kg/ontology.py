"""The project's ontology as data: class hierarchy and property names, read from ontology/fintech.ttl."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.config import DEFAULT, KG_NS
from kg.errors import ConfigError


@dataclass(frozen=True)
class Ontology:
    classes: frozenset[str]
    object_properties: frozenset[str]
    datatype_properties: frozenset[str]
    parents: dict  # class -> tuple of direct superclasses (local names)
    labels: dict  # local name -> {"zh": ..., "en": ...}

    @cached_property
    def _memo(self) -> dict[str, tuple[list[str], frozenset[str]]]:
        return {}  # class -> its ancestors as a list and as a set, filled on first use

    def _lookup(self, cls: str) -> tuple[list[str], frozenset[str]]:
        found = self._memo.get(cls)
        if found is None:
            seen = self._ancestors(cls)
            found = self._memo[cls] = (seen, frozenset(seen))
        return found

    def ancestors(self, cls: str) -> list[str]:
        """``cls`` and all its superclasses, nearest first (memoised: called in the extraction hot path)."""
        return self._lookup(cls)[0]

    def _ancestors(self, cls: str) -> list[str]:
        seen: list[str] = []
        todo = [cls]
        while todo:
            c = todo.pop(0)
            if c in seen:
                continue
            seen.append(c)
            todo.extend(self.parents.get(c, ()))
        return seen

    def is_a(self, cls: str, ancestor: str) -> bool:
        return ancestor in self._lookup(cls)[1]

    def __hash__(self) -> int:
        return id(self)

    def check_class(self, cls: str, where: str) -> None:
        if cls not in self.classes:
            import difflib

            close = difflib.get_close_matches(cls, sorted(self.classes), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ConfigError(f"{where}: unknown class '{cls}'.{hint} Classes are defined in ontology/fintech.ttl.")


def _local(iri) -> str | None:
    s = str(iri)
    return s[len(KG_NS):] if s.startswith(KG_NS) else None


@lru_cache(maxsize=4)
def read_ontology(path: Path = DEFAULT.path(DEFAULT.ontology_file)) -> Ontology:
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds
        raise ConfigError(f"{path}: cannot parse the ontology ({exc}). Fix the Turtle syntax.") from exc
    classes = {_local(c) for c in g.subjects(RDF.type, OWL.Class)} - {None}
    objp = {_local(p) for p in g.subjects(RDF.type, OWL.ObjectProperty)} - {None}
    datp = {_local(p) for p in g.subjects(RDF.type, OWL.DatatypeProperty)} - {None}
    parents: dict[str, tuple[str, ...]] = {}
    for c in classes:
        sup = sorted({_local(o) for o in g.objects(URIRef(KG_NS + c), RDFS.subClassOf)} - {None})
        parents[c] = tuple(sup)
    labels: dict[str, dict[str, str]] = {}
    for name in classes | objp | datp:
        for lab in g.objects(URIRef(KG_NS + name), RDFS.label):
            labels.setdefault(name, {})[getattr(lab, "language", None) or ""] = str(lab)
    return Ontology(frozenset(classes), frozenset(objp), frozenset(datp), parents, labels)
