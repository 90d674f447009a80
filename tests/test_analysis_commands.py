"""`kg analyze`: files, determinism, RDF scores, errors."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "mini_graph.ttl"
OUTPUTS = ["centrality.csv", "analysis.ttl", "analysis.md", "graph.graphml", "graph.gexf"]


def _build(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, tmp_path / "graph.ttl")
    return tmp_path


def test_analysis_cli_writes_every_output(tmp_path):
    build = _build(tmp_path)
    res = CliRunner().invoke(main, ["analyze", str(build)])
    assert res.exit_code == 0, res.output
    for name in OUTPUTS:
        assert (build / name).stat().st_size > 0
    rows = (build / "centrality.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("iri,label,class,group,degree,weighted_degree,pagerank")
    assert len(rows) == 13 and rows[1].split(",")[1] == "支付宝"  # ranked by PageRank
    assert "| 1 | 支付宝 |" in (build / "analysis.md").read_text(encoding="utf-8")
    assert not list(build.glob(".*.tmp"))  # atomic writes leave no temp files


def test_analysis_ttl_answers_top_platforms_by_pagerank(tmp_path):
    build = _build(tmp_path)
    CliRunner().invoke(main, ["analyze", str(build)])
    g = Graph().parse(build / "graph.ttl").parse(build / "analysis.ttl")
    q = """PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
           PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
           SELECT ?label ?pr WHERE { ?e a kg:PaymentPlatform ; rdfs:label ?label ; kg:pageRank ?pr FILTER(lang(?label) = "zh") }
           ORDER BY DESC(?pr) LIMIT 2"""
    assert [str(r.label) for r in g.query(q)] == ["支付宝", "云闪付"]


def test_analysis_graphml_and_gexf_load(tmp_path):
    import networkx as nx
    build = _build(tmp_path)
    CliRunner().invoke(main, ["analyze", str(build)])
    for H in (nx.read_graphml(build / "graph.graphml"), nx.read_gexf(build / "graph.gexf")):
        assert H.number_of_nodes() == 12 and H.number_of_edges() == 11
    H = nx.read_graphml(build / "graph.graphml")
    node = H.nodes["https://w3id.org/fintech-kg/entity/支付宝"]
    assert node["label"] == "支付宝" and node["degree"] == 4 and "pagerank" in node


def test_analysis_is_deterministic_across_processes(tmp_path):
    """Two runs under different hash seeds give byte-identical files."""
    outs = []
    for i, seed in enumerate(("1", "2")):
        build = _build(tmp_path / f"run{i}")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "analyze", str(build)], check=True, env=env,
                       capture_output=True)
        outs.append({n: (build / n).read_bytes() for n in OUTPUTS})
    for name in OUTPUTS:
        assert outs[0][name] == outs[1][name], name


def test_analysis_cli_missing_graph_says_how_to_fix(tmp_path):
    res = CliRunner().invoke(main, ["analyze", str(tmp_path)])
    assert res.exit_code == 1
    assert "kg build" in res.output


@pytest.mark.parametrize("cmd", ["analyze", "views"])
def test_analysis_views_help_has_example(cmd):
    res = CliRunner().invoke(main, [cmd, "--help"])
    assert res.exit_code == 0 and "Example: kg " + cmd in res.output


def test_analysis_adds_ranked_tables_to_the_build_report_once(tmp_path):
    build = _build(tmp_path)
    (build / "report.md").write_text("# Build report\n", encoding="utf-8")
    for _ in range(2):
        assert CliRunner().invoke(main, ["analyze", str(build)]).exit_code == 0
    text = (build / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Build report\n")
    assert text.count("Top 10 by pagerank") == 1


def test_analysis_projection_can_keep_one_relation_type(tmp_path):
    import csv

    build = _build(tmp_path)
    res = CliRunner().invoke(main, ["analyze", str(build), "--relation", "partnersWith", "--class", "Actor"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader((build / "centrality.csv").open(encoding="utf-8")))
    assert rows and all(r["class"] not in ("Scenario", "Person", "Product") for r in rows)
