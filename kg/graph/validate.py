"""SHACL validation of a built graph against ontology/shapes.ttl.

The shapes are written for RDFS entailment over the data graph plus the ontology (see the header of
shapes.ttl). pyshacl's own ``inference="rdfs"`` computes the full OWL-RL RDFS closure of a copy of the
graph, which is more than half of the validation time on a large build. We add the RDFS entailments that can change
a SHACL result here instead (rules rdfs2, rdfs3, rdfs5, rdfs7, rdfs9, rdfs11: domain, range,
sub-property and sub-class), run pyshacl with ``inference="none"`` on the graph itself, and take the
added triples out again. The outcome is the same (tests/test_build.py compares both on broken graphs).

``focus`` restricts the check to some nodes (an incremental rebuild passes the nodes whose description
or neighbourhood changed); every shape is still evaluated for each of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from pyshacl import validate
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.config import DEFAULT, Settings


@dataclass(frozen=True)
class ShaclResult:
    conforms: bool
    violations: int
    text: str
    focus_nodes: int | None = None  # None: the whole graph was validated


@lru_cache(maxsize=8)
def _read_turtle(*files: tuple[Path, int]) -> Graph:
    g = Graph()
    for path, _mtime in files:
        g.parse(path, format="turtle")
    return g


def _stamped(*paths: Path) -> tuple:
    return tuple((p, p.stat().st_mtime_ns) for p in paths)


def read_shapes(settings: Settings = DEFAULT) -> tuple[Graph, Graph]:
    """(shapes graph, ontology graph: the ontology and the scenario taxonomy), re-read when a file changes.
    Shared between calls: treat them as read-only."""
    shapes = _read_turtle(*_stamped(settings.path(settings.shapes_file)))
    ont = _read_turtle(*_stamped(settings.path(settings.ontology_file), settings.path(settings.scenarios_file)))
    return shapes, ont


def _closure(pairs: Iterable[tuple]) -> dict:
    """Transitive closure of a relation given as (sub, super) pairs: node -> set of its supers."""
    up: dict = {}
    for a, b in pairs:
        up.setdefault(a, set()).add(b)
    out = {}
    for start in up:
        seen, todo = set(), [start]
        while todo:
            for b in up.get(todo.pop(), ()):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        out[start] = seen
    return out


@dataclass(frozen=True)
class Schema:
    """The RDFS schema of the ontology (and of the data): what the entailment rules need."""

    sub_class: dict  # class -> its super-classes (transitive)
    sub_prop: dict  # property -> its super-properties (transitive)
    domain: dict  # property -> classes, including those of its super-properties
    range: dict

    def types(self, node, triples: Iterable[tuple]) -> frozenset:
        """The classes of ``node`` (asserted and entailed) given the triples it occurs in."""
        out = set()
        for s, p, o in triples:
            if s == node:
                if p == RDF.type:
                    out.add(o)
                out.update(self.domain.get(p, ()))
            if o == node:
                out.update(self.range.get(p, ()))
        for c in list(out):
            out.update(self.sub_class.get(c, ()))
        return frozenset(out)


def read_schema(*graphs: Graph) -> Schema:
    sub_class = _closure((s, o) for g in graphs for s, o in g.subject_objects(RDFS.subClassOf))
    sub_prop = _closure((s, o) for g in graphs for s, o in g.subject_objects(RDFS.subPropertyOf))
    own: dict = {"domain": {}, "range": {}}
    for g in graphs:
        for key, pred in (("domain", RDFS.domain), ("range", RDFS.range)):
            for p, c in g.subject_objects(pred):
                own[key].setdefault(p, set()).add(c)
    props = set(sub_prop) | set(own["domain"]) | set(own["range"])
    inherit = {key: {p: set().union(*(own[key].get(q, set()) for q in {p} | sub_prop.get(p, set())))
                     for p in props} for key in own}
    return Schema(sub_class, sub_prop, {p: c for p, c in inherit["domain"].items() if c},
                  {p: c for p, c in inherit["range"].items() if c})


def to_rdfs_entailments(g: Graph, ont: Graph, nodes: set | None = None) -> set[tuple]:
    """Triples that RDFS entailment (domain, range, sub-property, sub-class) adds to ``g`` + ``ont``.

    With ``nodes``, only the triples about those nodes are computed (enough to validate them and the
    nodes that point at them). Triples already in either graph are left out.
    """
    schema = read_schema(g, ont)
    new: set[tuple] = set()
    types: dict = {}

    def add_type(node, cls):
        if not isinstance(node, Literal):
            types.setdefault(node, set()).add(cls)

    def triples(x: Graph):
        if nodes is None:
            yield from x
            return
        for n in nodes:
            yield from x.triples((n, None, None))
            yield from x.triples((None, None, n))

    for x in (g, ont):
        for s, p, o in triples(x):
            if p == RDF.type:
                add_type(s, o)
                continue
            for q in schema.sub_prop.get(p, ()):
                new.add((s, q, o))
            for c in schema.domain.get(p, ()):
                add_type(s, c)
            for c in schema.range.get(p, ()):
                add_type(o, c)
    for node, classes in types.items():
        if nodes is not None and node not in nodes:
            continue
        for c in classes:
            new.add((node, RDF.type, c))
            new.update((node, RDF.type, sup) for sup in schema.sub_class.get(c, ()))
    if nodes is None:
        for rel, closure in ((RDFS.subClassOf, schema.sub_class), (RDFS.subPropertyOf, schema.sub_prop)):
            for a, sups in closure.items():
                new.update((a, rel, b) for b in sups)
    return {t for t in new if t not in g and t not in ont}


def to_focus_nodes(g: Graph, added: Iterable[tuple], removed: Iterable[tuple], settings: Settings = DEFAULT) -> set:
    """The nodes of ``g`` whose SHACL result may differ from the previous graph's.

    The previous graph was ``g`` minus ``added`` plus ``removed``. A constraint on a node reads the node's
    own triples and the classes of the nodes it points at, so: every node in a changed triple, the nodes
    that point at a node whose classes (asserted or entailed) changed, and the explicit target nodes of
    the shapes (sh:targetNode: the SPARQL-based checks that look at the whole graph).
    """
    shapes, ont = read_shapes(settings)
    schema = read_schema(g, ont)
    added, removed = set(added), set(removed)
    touched = {n for s, _, o in added | removed for n in (s, o) if not isinstance(n, Literal)}
    focus = set(touched)
    for n in touched:
        now = set(g.triples((n, None, None))) | set(g.triples((None, None, n)))
        before = (now - added) | {t for t in removed if n in (t[0], t[2])}
        if schema.types(n, now) != schema.types(n, before):
            focus.update(g.subjects(None, n))
    if added or removed:
        focus.update(o for o in shapes.objects(None, SH.targetNode) if isinstance(o, URIRef))
    return focus


def _run_shapes(g: Graph, shapes: Graph, only: set | None = None, focus: set | None = None) -> tuple[bool, Graph, str]:
    """pyshacl's validation loop, over the shapes in ``only`` (default: all) and, with ``focus``, over
    the targets of each shape that are in ``focus``.

    pyshacl's own ``focus_nodes`` option also filters the value nodes that nested shapes (sh:node, sh:not,
    sh:qualifiedValueShape) are evaluated on, which passes or fails them wrongly, and its ``use_shapes``
    option drops named property shapes; here every constraint is evaluated as in a full validation.
    """
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph

    dg = DataGraph.from_rdflib(g)
    v = Validator(dg, shacl_graph=shapes, options={"inference": "none", "inplace": True, "allow_warnings": True})
    executor = v.make_executor()
    conforms, results = True, []
    for shape in v.shacl_graph.shapes:
        if only is not None and shape.node not in only:
            continue
        if focus is None:
            ok, found = shape.validate(executor, dg)
        else:
            nodes = [n for n in shape.focus_nodes(dg) if n in focus]
            if not nodes:
                continue
            ok, found = shape.validate(executor, dg, focus=nodes)
        conforms = conforms and ok
        results.extend(found)
    report_graph, text = v.create_validation_report(v.shacl_graph, conforms, results)
    return conforms, report_graph, text


def targeted_shapes(shapes: Graph) -> list[URIRef]:
    """The shapes that select their own focus nodes (the others are only reached through them)."""
    preds = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    found = {s for p in preds for s in shapes.subjects(p, None)}
    found |= {s for s in shapes.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, RDFS.Class) in shapes}
    return sorted(found)


_SHARED: dict = {}  # the graph and shapes handed to forked workers (copy-on-write, never pickled)
PARALLEL_MIN_TRIPLES = 50_000  # below this, starting workers costs more than it saves


def _validate_shape(shape: str) -> tuple[bool, int, str]:
    g, shapes = _SHARED["g"], _SHARED["shapes"]
    conforms, report_graph, text = _run_shapes(g, shapes, only={URIRef(shape)})
    return bool(conforms), len(set(report_graph.subjects(SH.resultSeverity, SH.Violation))), text


def _validate_parallel(g: Graph, shapes: Graph, jobs: int) -> tuple[bool, int, str] | None:
    """Every targeted shape in its own task, on ``jobs`` forked workers that share ``g``; None if the
    shapes cannot be split (a targeted shape without an IRI) or processes cannot be forked."""
    import multiprocessing

    names = targeted_shapes(shapes)
    if not names or not all(isinstance(n, URIRef) for n in names) or \
            "fork" not in multiprocessing.get_all_start_methods():
        return None
    _SHARED.update(g=g, shapes=shapes)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_validate_shape, [str(n) for n in names], chunksize=1)
    finally:
        _SHARED.clear()
    failed = [text for ok, _, text in results if not ok]
    conforms = not failed
    text = "\n".join(failed) if failed else results[0][2]
    return conforms, sum(n for _, n, _ in results), text


def validate_graph(g: Graph, settings: Settings = DEFAULT, focus: Iterable[URIRef] | None = None,
                   inference: str = "entail", jobs: int = 1) -> ShaclResult:
    """Validate ``g`` (left unchanged) against the shapes, with the ontology and RDFS entailment.

    ``inference="rdfs"`` runs pyshacl's own OWL-RL RDFS closure on a copy instead (slow; for comparison).
    With ``jobs`` > 1 a whole-graph validation of a large graph checks the shapes in parallel processes.
    """
    shapes, ont = read_shapes(settings)
    focus_nodes = set(focus) if focus is not None else None
    if inference == "rdfs":
        if focus_nodes is not None:
            raise ValueError("inference='rdfs' validates the whole graph; pass focus=None")
        conforms, report_graph, text = validate(g, shacl_graph=shapes, ont_graph=ont, inference="rdfs",
                                                allow_warnings=True)
    else:
        if focus_nodes is not None and not focus_nodes:
            return ShaclResult(True, 0, "Validation Report\nConforms: True\n(nothing changed)\n", 0)
        near = None
        if focus_nodes is not None:  # the focus nodes and the nodes their constraints look at (one hop:
            # the shapes read the classes of value nodes, never the values of value nodes)
            near = set(focus_nodes)
            for n in focus_nodes:
                near.update(o for o in g.objects(n, None) if not isinstance(o, Literal))
        extra = to_rdfs_entailments(g, ont, near) | {t for t in ont if t not in g}
        for t in extra:
            g.add(t)
        try:
            parallel = None
            if focus_nodes is None and jobs > 1 and len(g) >= PARALLEL_MIN_TRIPLES:
                parallel = _validate_parallel(g, shapes, jobs)
            if parallel is not None:
                return ShaclResult(*parallel)
            if focus_nodes is None:
                conforms, report_graph, text = validate(g, shacl_graph=shapes, inference="none", inplace=True,
                                                        allow_warnings=True)
            else:
                conforms, report_graph, text = _run_shapes(g, shapes, focus=focus_nodes)
        finally:
            for t in extra:
                g.remove(t)
    n = len(set(report_graph.subjects(SH.resultSeverity, SH.Violation)))
    return ShaclResult(bool(conforms), n, text, None if focus_nodes is None else len(focus_nodes))
