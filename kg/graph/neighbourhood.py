"""The part of a graph (given as N-Triples lines) that SHACL needs to re-check some nodes.

A rebuild validates only the nodes whose result can differ (kg.graph.validate.to_focus_nodes). Their
constraints read their own triples and the classes of the nodes they point at, and those classes are
entailed from every triple of those nodes; the SPARQL check on relation mentions also reads the fact
each mention stands for. ``subgraph`` collects exactly these lines into a small rdflib graph, so a
rebuild never loads the whole graph into rdflib.
"""
from __future__ import annotations

from typing import Iterable

from rdflib import Graph

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_RDF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SUBJECT, _PREDICATE, _OBJECT = _RDF + "subject>", _RDF + "predicate>", _RDF + "object>"


def split_line(line: str) -> tuple[str, str, str]:
    """(subject, predicate, object) of an N-Triples line, each in N-Triples form (no blank nodes:
    subjects and predicates are IRIs without spaces)."""
    s, p, rest = line.split(" ", 2)
    return s, p, rest[:-2]


class LineIndex:
    """The lines of a graph by node: lines where the node is the subject, or the object of any
    predicate but rdf:type (a class is not a neighbour of its instances here)."""

    def __init__(self, lines: Iterable[str]):
        self.by_node: dict[str, list[str]] = {}
        self.lines = lines
        for line in lines:
            s, p, o = split_line(line)
            self.by_node.setdefault(s, []).append(line)
            if p != RDF_TYPE and o.startswith("<"):
                self.by_node.setdefault(o, []).append(line)

    def around(self, nodes: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for n in nodes:
            out.update(self.by_node.get(n, ()))
        return out

    def facts_of_mentions(self, lines: Iterable[str]) -> set[str]:
        """The lines ``s p o`` and ``o p s`` asserted for the relation mentions among ``lines``."""
        parts: dict[str, dict[str, str]] = {}
        for line in lines:
            s, p, o = split_line(line)
            if p in (_SUBJECT, _PREDICATE, _OBJECT):
                parts.setdefault(s, {})[p] = o
        out = set()
        for m in parts.values():
            if len(m) == 3:
                for a, b in ((m[_SUBJECT], m[_OBJECT]), (m[_OBJECT], m[_SUBJECT])):
                    line = f"{a} {m[_PREDICATE]} {b} ."
                    if line in self.lines:
                        out.add(line)
        return out


def to_graph(lines: Iterable[str]) -> Graph:
    return Graph().parse(data="\n".join(sorted(lines)) + "\n", format="nt")


def touched_nodes(lines: Iterable[str]) -> set[str]:
    """The IRIs (N-Triples form) in the subject or object of ``lines``."""
    out = set()
    for line in lines:
        s, _, o = split_line(line)
        out.add(s)
        if o.startswith("<"):
            out.add(o)
    return out


class Classes:
    """The RDFS schema (kg.graph.validate.Schema) with IRIs in N-Triples form, for lines."""

    def __init__(self, schema):
        def n3(d: dict) -> dict:
            return {f"<{k}>": {f"<{c}>" for c in v} for k, v in d.items()}

        self.sub_class, self.domain, self.range = n3(schema.sub_class), n3(schema.domain), n3(schema.range)
        # a class never changes class, and its instances are not its neighbours (LineIndex): only true
        # while no schema gives rdf:type a domain or range
        self.usable = RDF_TYPE not in self.domain and RDF_TYPE not in self.range

    def of(self, node: str, lines: Iterable[str]) -> frozenset[str]:
        """The classes of ``node`` (asserted and entailed: domain, range, sub-class) given its lines."""
        out: set[str] = set()
        for line in lines:
            s, p, o = split_line(line)
            if s == node:
                if p == RDF_TYPE:
                    out.add(o)
                out.update(self.domain.get(p, ()))
            if o == node:
                out.update(self.range.get(p, ()))
        for c in list(out):
            out.update(self.sub_class.get(c, ()))
        return frozenset(out)


def focus_nodes(index: LineIndex, added: set[str], removed: set[str], classes: Classes, targets: Iterable[str]) -> set[str]:
    """kg.graph.validate.to_focus_nodes on lines: every node in a changed line, the nodes that point at a
    node whose classes changed, and the shapes' explicit target nodes (``targets``) if anything changed."""
    touched = touched_nodes(added | removed)
    focus = set(touched)
    for n in touched:
        now = set(index.by_node.get(n, ()))
        before = (now - added) | {line for line in removed if n in split_line(line)[::2]}
        if classes.of(n, now) != classes.of(n, before):
            focus.update(s for s, _, o in map(split_line, now) if o == n)
    if added or removed:
        focus.update(targets)
    return focus


def subgraph(index: LineIndex, focus: Iterable[str], classes: Classes) -> Graph:
    """What SHACL reads to validate the ``focus`` nodes, as an rdflib graph: every line of a focus node,
    the classes of the nodes they point at (asserted and entailed, as type lines), and the fact of each
    relation mention in focus."""
    focus = set(focus)
    lines = index.around(focus)
    values = set()
    for line in lines:
        s, p, o = split_line(line)
        if s in focus and p != RDF_TYPE and o.startswith("<") and o not in focus:
            values.add(o)
    for v in values:
        lines.update(f"{v} {RDF_TYPE} {c} ." for c in classes.of(v, index.by_node.get(v, ())))
    lines |= index.facts_of_mentions(lines)
    return to_graph(lines)
