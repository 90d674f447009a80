"""The graph as N-Triples lines, assembled article by article without an rdflib graph.

Each article contributes its own triples (kg.graph.build.article_triples) and the entities it names; an
entity's declaration (class, labels, parents) is made once all articles are in, with the class most
articles give it (kg.graph.build.entity_classes). An article's own lines depend only on the article and
its extraction, so a rebuild takes them from the cache (kg.cache.LinesCache) and only the declarations
are recomputed. The sorted, de-duplicated union of the lines is graph.nt, byte for byte what rdflib's
N-Triples serialiser gives for the same triples (tests/test_graph_lines.py).
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Iterable

from rdflib.plugins.serializers.nt import _nt_row

from kg.graph.build import article_triples, entity_classes, entity_triples
from kg.lexicon import Lexicon
from kg.ontology import Ontology
from kg.records import Extraction

Fragment = tuple[list[str], list[tuple[str, str]]]  # (the article's own lines, the entities it names)


def to_nt_lines(triples: Iterable[tuple]) -> list[str]:
    """One N-Triples line per triple (no newline), as rdflib writes them."""
    return [_nt_row(t)[:-1] for t in triples]


def to_fragment(x: Extraction) -> Fragment:
    own, calls = article_triples(x)
    return to_nt_lines(own), calls


def join_lines(lines: Iterable[str]) -> str:
    """Sorted, de-duplicated N-Triples text: the diffable artefact graph.nt."""
    out = sorted(set(lines))
    out.append("")  # the final newline, without copying the whole text once more (``+ "\n"``)
    return "\n".join(out)


MAX_MERGED_SHARE = 0.1  # more new lines than this share of the graph: sorting everything is as fast


def join_changed_lines(lines: set[str], previous: list[str], previous_set: set[str]) -> str:
    """``join_lines(lines)`` given the sorted, unique lines of the previous graph.nt: its lines that stay,
    with the few new ones inserted where they sort (a rebuild need not sort a million lines again)."""
    added = sorted(lines - previous_set)
    if len(added) > MAX_MERGED_SHARE * max(1, len(lines)):
        return join_lines(lines)
    kept = [line for line in previous if line in lines] if len(previous_set) + len(added) != len(lines) else previous
    out: list[str] = []
    i = 0
    for line in added:
        j = bisect_left(kept, line, i)
        out.extend(kept[i:j])
        out.append(line)
        i = j
    out.extend(kept[i:])
    out.append("")
    return "\n".join(out)


class GraphLines:
    """The lines of the graph being built, one article after the other (in corpus order)."""

    def __init__(self, lexicon: Lexicon, onto: Ontology):
        self.lexicon, self.onto = lexicon, onto
        self._own: set[str] = set()
        self._calls: list[tuple[str, str]] = []  # (label, class) of every article, in corpus order
        self._lines: set[str] | None = None

    def add(self, fragment: Fragment) -> None:
        own, calls = fragment
        self._own.update(own)
        self._calls.extend(calls)
        self._lines = None

    @property
    def lines(self) -> set[str]:
        """Every line: the articles' own and the entities' declarations (made on first use)."""
        if self._lines is None:
            declared: set = set()
            lines = set(self._own)
            for label, cls in entity_classes(self._calls).items():
                lines.update(to_nt_lines(entity_triples(label, cls, self.lexicon, self.onto, declared)))
            self._lines = lines
        return self._lines

    def __len__(self) -> int:
        return len(self.lines)

    def to_ntriples(self, previous: tuple[list[str], set[str]] | None = None) -> str:
        """graph.nt's text; ``previous``: the sorted lines of the previous graph.nt and their set."""
        return join_changed_lines(self.lines, *previous) if previous else join_lines(self.lines)
