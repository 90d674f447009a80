"""Extraction quality on real text, scored against gold data (skipped when ../shared is absent)."""
import json

from conftest import REPO, shared_path

from kg.evaluate import predict, read_jsonl, score_article, score_finre

# Figures reached on the FinRE valid split (measured with `kg eval ../shared/eval/finre-valid.jsonl`).
# The test fails when a change loses more than 0.03 of either.
FINRE_VALID_MICRO_F1 = 0.444
FINRE_VALID_ENTITY_RECALL = 0.810


def test_quality_seed_article_meets_the_gold(extract):
    seed = shared_path("seeds", "000_7dcab47bf5217edc.txt")
    gold = json.loads((REPO / "tests" / "gold" / "seed-000.json").read_text(encoding="utf-8"))
    text = seed.read_text(encoding="utf-8")
    from kg.extract import to_json

    s = score_article(gold, to_json(extract(text), lambda l: l))
    assert s["entities_strict"]["recall"] >= 0.9
    assert s["entities_strict"]["precision"] >= 0.85
    assert s["linking_accuracy"] >= 0.95
    assert s["relations"]["recall"] >= 0.85 and s["relations"]["precision"] >= 0.85
    assert s["observations_recall"] == 1.0


def test_quality_finre_valid_does_not_regress():
    gold = read_jsonl(shared_path("eval", "finre-valid.jsonl"))
    s = score_finre(gold, predict(gold))
    assert s["micro"]["f1"] >= FINRE_VALID_MICRO_F1 - 0.03, s["micro"]
    assert s["entity_recall"] >= FINRE_VALID_ENTITY_RECALL - 0.03
