"""Known entities: the lexicon (ontology/lexicon.tsv) and the scenario taxonomy (ontology/scenarios.ttl).

One table of ``Entity`` records feeds jieba's user dictionary, the entity matcher and the linker,
so they can never drift apart.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDFS, Graph, Namespace

from kg.config import DEFAULT, ENTITY_NS, Settings
from kg.errors import ConfigError
from kg.normalize import to_match_key
from kg.ontology import read_ontology

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
COLUMNS = ["name", "class", "aliases", "en", "parent"]


@dataclass(frozen=True)
class Entity:
    name: str  # canonical zh label
    cls: str  # most specific ontology class (local name)
    aliases: tuple[str, ...] = ()
    en: str = ""
    parent: str = ""  # canonical name of parent organisation (or broader scenario)
    broader: tuple[str, ...] = ()  # scenarios only


@dataclass(frozen=True)
class Lexicon:
    entities: dict  # name -> Entity
    index: dict  # match key -> canonical name

    def link(self, surface: str) -> Entity | None:
        name = self.index.get(to_match_key(surface))
        return self.entities.get(name) if name else None

    def ancestors(self, name: str) -> list[str]:
        """Parent, grandparent … of a known entity (微信支付 → 财付通 → 腾讯); [] for unknown names."""
        out, e = [], self.entities.get(name)
        while e is not None and e.parent and e.parent not in out and len(out) < 10:
            out.append(e.parent)
            e = self.entities.get(e.parent)
        return out

    def same_family(self, a: str, b: str) -> bool:
        """One entity is the other's parent organisation at any depth, or both belong to one group
        (微信 and QQ: both 腾讯's)."""
        up_a, up_b = self.ancestors(a), self.ancestors(b)
        return a in up_b or b in up_a or not set(up_a).isdisjoint(up_b)

    def terms(self) -> list[str]:
        """Every surface form (names and aliases), for the segmenter's user dictionary."""
        out = set()
        for e in self.entities.values():
            out.add(e.name)
            out.update(e.aliases)
        return sorted(out)


def read_lexicon_rows(path: Path) -> list[Entity]:
    rows: list[Entity] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the lexicon ({exc}).") from exc
    body = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not body or body[0][1].split("\t") != COLUMNS:
        header = "\t".join(COLUMNS)
        raise ConfigError(f"{path}: the first non-comment line must be the header {header!r}.")
    for n, line in body[1:]:
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) != len(COLUMNS):
            raise ConfigError(f"{path}:{n}: expected {len(COLUMNS)} tab-separated columns, found {len(cells)}.")
        name, cls, aliases, en, parent = (c.strip() for c in cells)
        rows.append(Entity(name, cls, tuple(a.strip() for a in aliases.split("|") if a.strip()), en, parent))
    return rows


def read_scenarios(path: Path) -> list[Entity]:
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:
        raise ConfigError(f"{path}: cannot parse the scenario taxonomy ({exc}).") from exc
    out = []
    for s in set(g.subjects(SKOS.inScheme, None)):
        zh = [str(x) for x in g.objects(s, RDFS.label) if getattr(x, "language", None) == "zh"]
        en = [str(x) for x in g.objects(s, RDFS.label) if getattr(x, "language", None) == "en"]
        if len(zh) != 1:
            raise ConfigError(f"{path}: scenario {s} needs exactly one rdfs:label@zh.")
        alts = sorted(str(x) for x in g.objects(s, SKOS.altLabel))
        broader = sorted(str(b)[len(ENTITY_NS):] for b in g.objects(s, SKOS.broader))
        out.append(Entity(zh[0], "Scenario", tuple(alts), en[0] if en else "", "", tuple(broader)))
    return sorted(out, key=lambda e: e.name)


@lru_cache(maxsize=4)
def read_lexicon(settings: Settings = DEFAULT) -> Lexicon:
    """Load and validate the lexicon and scenarios; raise ConfigError listing every problem."""
    onto = read_ontology(settings.path(settings.ontology_file))
    entities: dict[str, Entity] = {}
    index: dict[str, str] = {}
    problems: list[str] = []
    rows = read_lexicon_rows(settings.path(settings.lexicon_file)) + read_scenarios(settings.path(settings.scenarios_file))
    for e in rows:
        if e.cls not in onto.classes:
            problems.append(f"{e.name}: unknown class {e.cls!r}")
        if e.name in entities:
            problems.append(f"{e.name}: listed twice")
        entities[e.name] = e
        for surface in (e.name, *e.aliases):
            key = to_match_key(surface)
            if key in index and index[key] != e.name:
                problems.append(f"{surface!r} names both {index[key]} and {e.name}")
            index.setdefault(key, e.name)
    for e in entities.values():
        if e.parent and e.parent not in entities:
            problems.append(f"{e.name}: parent {e.parent!r} is not in the lexicon")
    if problems:
        raise ConfigError("the lexicon has problems (ontology/lexicon.tsv, ontology/scenarios.ttl):\n  - " + "\n  - ".join(problems))
    return Lexicon(entities, index)
