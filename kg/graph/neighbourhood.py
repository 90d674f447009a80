"""The part of a graph (given as N-Triples lines) that SHACL needs to re-check some nodes.

A rebuild validates only the nodes whose result can differ (``focus_nodes``, the same rule as
kg.graph.validate.to_focus_nodes). Their constraints read their own triples, their own classes and the
classes of the nodes they point at (ontology/shapes.ttl has no inverse paths and no targetObjectsOf;
nested shapes only test classes); a class is asserted or entailed from any triple of the node (domain
and range). The SPARQL check on relation mentions also reads the fact each mention stands for.
``subgraph`` collects these lines, the classes as rdf:type lines, into a small rdflib graph, so a
rebuild never loads the whole graph into rdflib.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import pyoxigraph
from rdflib import Graph, Literal, URIRef

_XSD_STRING = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#string")

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_RDF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SUBJECT, _PREDICATE, _OBJECT = _RDF + "subject>", _RDF + "predicate>", _RDF + "object>"


def split_line(line: str) -> tuple[str, str, str]:
    """(subject, predicate, object) of an N-Triples line, each in N-Triples form (no blank nodes:
    subjects and predicates are IRIs without spaces)."""
    s, p, rest = line.split(" ", 2)
    return s, p, rest[:-2]


class LineIndex:
    """The lines of a graph by node. ``incoming`` leaves out rdf:type lines (a class is not a neighbour
    of its instances here); ``types``, ``out_preds`` and ``in_preds`` are what classes are entailed from.

    With ``nodes``, only those nodes are indexed (one pass over the lines that splits only the lines that
    touch them); ``ensure`` indexes more nodes with another pass. The tables of an indexed node are complete;
    a rebuild indexes a few hundred nodes of a graph of a million lines.
    """

    def __init__(self, lines: set[str], nodes: Iterable[str] | None = None):
        self.lines = lines
        self.outgoing: dict[str, list[str]] = {}
        self.incoming: dict[str, list[str]] = {}
        self.types: dict[str, set[str]] = {}
        self.out_preds: dict[str, Counter] = {}  # predicate -> number of lines
        self.in_preds: dict[str, Counter] = {}
        self.covered: set[str] | None = None  # None: every node
        if nodes is None:
            for line in lines:
                self._add(line, *split_line(line), True, True)
        else:
            self.covered = set()
            self.ensure(nodes)

    def _add(self, line: str, s: str, p: str, o: str, subject: bool, obj: bool) -> None:
        if subject:
            self.outgoing.setdefault(s, []).append(line)
            if p == RDF_TYPE:
                self.types.setdefault(s, set()).add(o)
                return
            self.out_preds.setdefault(s, Counter())[p] += 1
        if obj and p != RDF_TYPE and o[0] == "<":
            self.incoming.setdefault(o, []).append(line)
            self.in_preds.setdefault(o, Counter())[p] += 1

    def ensure(self, nodes: Iterable[str]) -> None:
        """Index ``nodes`` too (no-op for a full index and for nodes already indexed)."""
        if self.covered is None:
            return
        new = set(nodes) - self.covered
        if not new:
            return
        self.covered |= new
        for line in self.lines:
            s = line[: line.find(" ")]
            o = line[line.rfind(" ", 0, len(line) - 2) + 1: -2]  # the last term; a literal never equals an IRI
            if s in new or o in new:
                s, p, o = split_line(line)
                self._add(line, s, p, o, s in new, o in new)

    def lines_of(self, node: str) -> list[str]:
        return self.outgoing.get(node, []) + self.incoming.get(node, [])

    def facts_of_mentions(self, lines: Iterable[str]) -> set[str]:
        """The lines ``s p o`` and ``o p s`` asserted for the relation mentions among ``lines``."""
        parts: dict[str, dict[str, set[str]]] = {}
        for line in lines:
            s, p, o = split_line(line)
            if p in (_SUBJECT, _PREDICATE, _OBJECT):
                parts.setdefault(s, {}).setdefault(p, set()).add(o)  # a broken mention may have two of each
        out = set()
        for m in parts.values():
            if len(m) == 3:
                for subj in m[_SUBJECT]:
                    for pred in m[_PREDICATE]:
                        for obj in m[_OBJECT]:
                            for a, b in ((subj, obj), (obj, subj)):
                                line = f"{a} {pred} {b} ."
                                if line in self.lines:
                                    out.add(line)
        return out


def to_graph(lines: Iterable[str]) -> Graph:
    """An rdflib graph of N-Triples lines, parsed by pyoxigraph (rdflib's parser is ~5x slower)."""
    g = Graph()
    terms: dict = {}

    def term(t):
        found = terms.get(t)
        if found is None:
            if isinstance(t, pyoxigraph.NamedNode):
                found = URIRef(t.value)
            elif isinstance(t, pyoxigraph.Literal):
                found = Literal(t.value, lang=t.language) if t.language else \
                    Literal(t.value, datatype=None if t.datatype == _XSD_STRING else URIRef(t.datatype.value))
            else:
                raise ValueError(f"unexpected term in the graph: {t}")
            terms[t] = found
        return found

    data = ("\n".join(lines) + "\n").encode("utf-8")
    g.addN((term(t.subject), term(t.predicate), term(t.object), g)
           for t in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return g


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

    def _close(self, found: set[str]) -> frozenset[str]:
        for c in list(found):
            found.update(self.sub_class.get(c, ()))
        return frozenset(found)

    def in_index(self, node: str, index: LineIndex) -> frozenset[str]:
        """The classes of ``node`` (asserted and entailed: domain, range, sub-class), from the index's summaries."""
        return self.from_parts(index.types.get(node, ()), index.out_preds.get(node, ()), index.in_preds.get(node, ()))

    def from_parts(self, types: Iterable[str], out_preds: Iterable[str], in_preds: Iterable[str]) -> frozenset[str]:
        """The classes of a node with these asserted types, outgoing and incoming predicates."""
        out = set(types)
        for p in out_preds:
            out.update(self.domain.get(p, ()))
        for p in in_preds:
            out.update(self.range.get(p, ()))
        return self._close(out)


def focus_nodes(index: LineIndex, added: set[str], removed: set[str], classes: Classes, targets: Iterable[str]) -> set[str]:
    """kg.graph.validate.to_focus_nodes on lines: every node in a changed line, the nodes that point at a
    node whose classes changed, and the shapes' explicit target nodes (``targets``) if anything changed."""
    focus = touched_nodes(added | removed)
    index.ensure(focus)
    focus |= _pointing_at_changed_classes(index, focus, added, removed, classes)
    if added or removed:
        focus.update(targets)
    return focus


def _pointing_at_changed_classes(index: LineIndex, touched: set[str], added: set[str], removed: set[str],
                                 classes: Classes, old_lines_only: bool = False) -> set[str]:
    """The subjects of the lines (with ``old_lines_only``: of the lines that are not new) pointing at a
    node whose classes changed."""
    out = set()
    for n in touched:
        if _classes_changed(index, n, added, removed, classes):
            out.update(split_line(line)[0] for line in index.incoming.get(n, ())
                       if not (old_lines_only and line in added))
    return out


def _changes_by_node(index: LineIndex, added: set[str], removed: set[str]) -> dict[str, list[tuple]]:
    """node -> (+1 added / -1 removed, the node is the subject, predicate, object) of each changed line
    that names it (remembered on the index, which serves one change)."""
    memo = index.__dict__.get("_changes_by_node")
    if memo is None:
        memo = {}
        for sign, lines in ((1, added), (-1, removed)):
            for line in lines:
                s, p, o = split_line(line)
                memo.setdefault(s, []).append((sign, True, p, o))
                if o[0] == "<" and p != RDF_TYPE:
                    memo.setdefault(o, []).append((sign, False, p, o))
        index.__dict__["_changes_by_node"] = memo
    return memo


def _existed_before(index: LineIndex, n: str, added: set[str], removed: set[str]) -> bool:
    """Did node ``n`` have any line in the previous graph?"""
    now = len(index.outgoing.get(n, ())) + len(index.incoming.get(n, ()))
    return now - sum(c[0] for c in _changes_by_node(index, added, removed).get(n, ())) > 0


def _classes_changed(index: LineIndex, n: str, added: set[str], removed: set[str], classes: Classes) -> bool:
    """Did node ``n``'s classes change? Its lines in the previous graph are its lines now without the
    added ones and with the removed ones; the index's predicate counts give them without listing a
    hub's ten thousand lines. (Asked several times per node: remembered on the index.)"""
    memo = index.__dict__.setdefault("_classes_changed", {})
    if n not in memo:
        index.ensure((n,))
        types = set(index.types.get(n, ()))
        out, inc = Counter(index.out_preds.get(n, {})), Counter(index.in_preds.get(n, {}))
        for sign, as_subject, p, o in _changes_by_node(index, added, removed).get(n, ()):
            if not as_subject:
                inc[p] -= sign
            elif p == RDF_TYPE:
                (types.discard if sign > 0 else types.add)(o)
            else:
                out[p] -= sign
        before = classes.from_parts(types, [p for p, k in out.items() if k > 0], [p for p, k in inc.items() if k > 0])
        memo[n] = before != classes.in_index(n, index)
    return memo[n]


# ------------------------------------------------------------------ re-checking only the changed values
# A node that was in the previous (conforming) graph, whose classes did not change and that points at no
# node whose classes changed, is targeted by the same shapes as before, and each of its property shapes
# reads only the values of its own path. A shape whose constraints each test one value at a time
# (sh:class, sh:datatype …) can only fail on a value that is new; one that counts or compares values
# (sh:minCount, sh:maxCount, sh:lessThan …) needs them all. So such a node needs its new lines and, for the
# counted paths, all their lines; 支付宝's ten thousand unchanged kg:mentionedIn lines stay out.
_SH = "http://www.w3.org/ns/shacl#"
VALUE_WISE = frozenset(f"<{_SH}{p}>" for p in (
    "path", "class", "nodeKind", "datatype", "pattern", "flags", "minInclusive", "maxInclusive", "minExclusive",
    "maxExclusive", "minLength", "maxLength", "in", "languageIn", "message", "severity", "name", "description",
    "order", "group", "deactivated", "node", "not", "or", "and", "xone")) | {RDF_TYPE}
_COMPARED = tuple(f"{_SH}{p}" for p in ("lessThan", "lessThanOrEquals", "equals", "disjoint"))


def counted_paths(shapes) -> frozenset[str] | None:
    """The predicates (N-Triples form) whose values SHACL checks together rather than one by one, from
    the shapes graph (rdflib); None when a shape uses a path that is not a plain predicate."""
    from rdflib import URIRef

    counted = set()
    for shape, path in shapes.subject_objects(URIRef(_SH + "path")):
        if not isinstance(path, URIRef):
            return None
        if {p.n3() for p in shapes.predicates(shape)} - VALUE_WISE:
            counted.add(path.n3())
    for p in _COMPARED:
        counted.update(o.n3() for o in shapes.objects(None, URIRef(p)) if isinstance(o, URIRef))
    return frozenset(counted)


def value_checked_nodes(index: LineIndex, focus: set[str], added: set[str], removed: set[str],
                        classes: Classes, targets: Iterable[str]) -> set[str]:
    """The focus nodes for which re-checking their new lines (and their counted paths) is enough: they
    existed before, their classes are the same, none of their old lines points at a node whose classes
    changed, and they are not a shape's explicit target."""
    touched = touched_nodes(added | removed)
    index.ensure(touched)
    out = set()
    for n in touched & focus:
        if _existed_before(index, n, added, removed) and not _classes_changed(index, n, added, removed, classes):
            out.add(n)
    # a new line to a node whose classes changed (支付宝 kg:mentionedIn <the new article>) is re-checked
    # anyway; an old line to it is not, so its subject must be checked in full
    return out - _pointing_at_changed_classes(index, touched, added, removed, classes, old_lines_only=True) - set(targets)


def subgraph(index: LineIndex, focus: Iterable[str], classes: Classes, removed: Iterable[str] = (),
             value_checked: Iterable[str] = (), added: Iterable[str] = (), counted: frozenset[str] = frozenset()) -> Graph:
    """What SHACL reads to validate the ``focus`` nodes, as an rdflib graph: the triples of each focus
    node (of a ``value_checked`` node only its ``added`` lines and its lines on ``counted`` paths), the
    classes of the focus nodes and of the nodes they point at (asserted and entailed, as rdf:type lines),
    the relation mentions of a ``removed`` line's nodes (their fact may be gone), and the fact of each
    relation mention included."""
    focus, value_checked = set(focus), set(value_checked)
    new_lines: dict[str, list[str]] = {}
    for line in added:
        s = line.split(" ", 1)[0]
        if s in value_checked:
            new_lines.setdefault(s, []).append(line)
    lines: set[str] = set()
    gone = touched_nodes(removed)
    index.ensure(gone)
    mentions = {m for n in gone for line in index.incoming.get(n, ())
                for m, p, _ in (split_line(line),) if p in (_SUBJECT, _OBJECT)}
    index.ensure(focus | mentions)
    for m in mentions:
        lines.update(index.outgoing.get(m, ()))
    nodes = set(focus)
    for n in focus:
        own = index.outgoing.get(n, ())
        if n in value_checked:
            own = [line for line in own if line.split(" ", 2)[1] in counted] + new_lines.get(n, [])
        lines.update(own)
        for line in own:
            _, p, o = split_line(line)
            if p != RDF_TYPE and o[0] == "<":
                nodes.add(o)
    index.ensure(nodes)
    for n in nodes:
        lines.update(f"{n} {RDF_TYPE} {c} ." for c in classes.in_index(n, index))
    lines |= index.facts_of_mentions(lines)
    return to_graph(lines)
