"""The command-line contract (ARCHITECTURE.md): commands, help with examples, `kg extract` JSON schema."""
import json

import pytest
from click.testing import CliRunner

from kg.cli import main


def all_commands():
    return sorted(main.commands.items())


@pytest.mark.parametrize("name, cmd", all_commands())
def test_cli_every_command_has_help_with_an_example(name, cmd):
    res = CliRunner().invoke(main, [name, "--help"])
    assert res.exit_code == 0
    assert "Example:" in res.output


def test_cli_every_command_is_documented_in_the_readme():
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, _ in all_commands():
        assert f"kg {name}" in readme, f"README.md does not show `kg {name}`"


def test_cli_extract_jsonl_output_schema(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": "此前，支付宝已与大润发签订了合同。", "title": "t"}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    res = CliRunner().invoke(main, ["extract", "--jsonl", str(src)])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.output.strip().splitlines()[0])
    assert set(obj) == {"id", "entities", "relations", "observations"}
    assert obj["id"] == "a1"
    ent = obj["entities"][0]
    assert set(ent) == {"text", "start", "end", "label", "type", "iri"}
    rel = obj["relations"][0]
    assert set(rel) == {"head", "type", "tail", "head_iri", "tail_iri", "evidence", "start", "end", "rule", "confidence"}
    assert (rel["head"], rel["type"], rel["tail"]) == ("支付宝", "partnersWith", "大润发")
    assert rel["head_iri"].startswith("https://w3id.org/fintech-kg/entity/")


def test_cli_extract_observation_schema(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("2015年第三季度，支付宝以71.51%的市场份额继续占据第一。", encoding="utf-8")
    res = CliRunner().invoke(main, ["extract", str(src)])
    obj = json.loads(res.output)
    ob = obj["observations"][0]
    assert {"subject", "kind", "value", "unit", "period", "evidence"} <= set(ob)
    assert (ob["subject"], ob["kind"], ob["value"], ob["unit"], ob["period"]) == ("支付宝", "marketShare", 71.51, "%", "2015Q3")


def test_cli_errors_are_one_line_and_exit_1(tmp_path):
    res = CliRunner().invoke(main, ["build", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "Error:" in res.output and "does not exist" in res.output
