"""SHACL validation of a built graph against ontology/shapes.ttl."""
from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate
from rdflib import Graph

from kg.config import DEFAULT, Settings


@dataclass(frozen=True)
class ShaclResult:
    conforms: bool
    violations: int
    text: str


def validate_graph(g: Graph, settings: Settings = DEFAULT) -> ShaclResult:
    shapes = Graph().parse(settings.path(settings.shapes_file), format="turtle")
    ont = Graph().parse(settings.path(settings.ontology_file), format="turtle")
    ont.parse(settings.path(settings.scenarios_file), format="turtle")
    conforms, report_graph, text = validate(g, shacl_graph=shapes, ont_graph=ont, inference="rdfs",
                                            allow_warnings=True)
    from rdflib.namespace import SH

    n = len(set(report_graph.subjects(SH.resultSeverity, SH.Violation)))
    return ShaclResult(bool(conforms), n, text)
