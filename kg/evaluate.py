"""`kg eval`: score extraction against gold data, as ../shared/eval/README.md describes.

Formats understood: FinRE JSONL (relations between annotated pairs), CLUENER JSONL (entities), and a
single-article gold JSON (tests/gold/*.json). Scoring functions take plain dicts and return plain dicts.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from kg.errors import InputError
from kg.ontology import Ontology

SCORED = ("partnersWith", "competesWith", "acquires", "investsIn", "subsidiaryOf")
SYMMETRIC = {"partnersWith", "competesWith"}


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _label_of(pred: dict, text: str, start: int | None = None) -> str | None:
    for e in pred["entities"]:
        if (start is not None and e["start"] == start and e["text"] == text) or e["text"] == text:
            return e["label"]
    return None


def score_finre(gold: list[dict], preds: dict[str, dict]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    ent_found = ent_total = 0
    link_ok = link_total = 0
    for g in gold:
        pred = preds.get(g["id"], {"entities": [], "relations": []})
        spans = {(e["start"], e["end"]) for e in pred["entities"]}
        texts = {e["text"] for e in pred["entities"]}
        for e in g["entities"]:
            ent_total += 1
            ent_found += (e["start"], e["end"]) in spans or e["text"] in texts
        starts = {e["text"]: e["start"] for e in g["entities"]}
        lab = lambda t: _label_of(pred, t, starts.get(t)) or t
        predicted = {}
        for r in pred["relations"]:
            if r["type"] in SCORED:
                predicted.setdefault((r["head"], r["tail"]), set()).add(r["type"])

        def between(h: str, t: str) -> set[str]:
            out = set(predicted.get((h, t), set()))
            out |= {x for x in predicted.get((t, h), set()) if x in SYMMETRIC}
            return out

        def any_between(h: str, t: str) -> set[str]:
            return predicted.get((h, t), set()) | predicted.get((t, h), set())

        for r in g["relations"]:
            h, t = lab(r["head"]), lab(r["tail"])
            if r["type"] == "sameAs":
                link_total += 1
                link_ok += _label_of(pred, r["head"]) is not None and lab(r["head"]) == lab(r["tail"])
                continue
            got = between(h, t)
            if r["type"] in got:
                tp[r["type"]] += 1
            else:
                fn[r["type"]] += 1
            for wrong in any_between(h, t) - {r["type"]}:
                fp[wrong] += 1
            if r["type"] not in SYMMETRIC and r["type"] in predicted.get((t, h), set()):
                fp[r["type"]] += 1  # right type, wrong direction
        for n in g.get("negatives", []):
            h, t = lab(n["head"]), lab(n["tail"])
            link_total += 1
            link_ok += h != t
            for wrong in any_between(h, t):
                fp[wrong] += 1
    per_type = {k: _prf(tp[k], fp[k], fn[k]) for k in SCORED}
    return {"dataset": "finre", "sentences": len(gold), "micro": _prf(sum(tp.values()), sum(fp.values()), sum(fn.values())),
            "per_type": per_type, "entity_recall": round(ent_found / ent_total, 4) if ent_total else 0.0,
            "entities": ent_total, "linking_accuracy": round(link_ok / link_total, 4) if link_total else 0.0,
            "linking_pairs": link_total}


def to_cluener_type(cls: str, onto: Ontology) -> str | None:
    if cls == "Person":
        return "name"
    if onto.is_a(cls, "Regulator") or onto.is_a(cls, "GovernmentBody"):
        return "government"
    if onto.is_a(cls, "IndustryAssociation"):
        return "organization"
    if onto.is_a(cls, "Actor"):
        return "company"
    return None


def score_cluener(gold: list[dict], preds: dict[str, dict], onto: Ontology) -> dict:
    types = ("company", "government", "organization", "name")
    tp, fp, fn = Counter(), Counter(), Counter()
    org = Counter()
    text_found = text_total = 0
    orgs = {"company", "government", "organization"}
    for g in gold:
        pred = preds.get(g["id"], {"entities": []})
        P = {(e["start"], e["end"], to_cluener_type(e["type"], onto)) for e in pred["entities"]}
        P = {p for p in P if p[2]}
        G = {(e["start"], e["end"], e["type"]) for e in g["entities"] if e["type"] in types}
        for t in types:
            pt, gt = {p for p in P if p[2] == t}, {x for x in G if x[2] == t}
            tp[t] += len(pt & gt)
            fp[t] += len(pt - gt)
            fn[t] += len(gt - pt)
        po = {(s, e) for s, e, t in P if t in orgs}
        go = {(s, e) for s, e, t in G if t in orgs}
        org["tp"] += len(po & go)
        org["fp"] += len(po - go)
        org["fn"] += len(go - po)
        ptexts = {e["text"] for e in pred["entities"]}
        for e in g["entities"]:
            if e["type"] in orgs:
                text_total += 1
                text_found += e["text"] in ptexts
    return {"dataset": "cluener", "sentences": len(gold),
            "typed": {t: _prf(tp[t], fp[t], fn[t]) for t in types},
            "typed_micro": _prf(sum(tp.values()), sum(fp.values()), sum(fn.values())),
            "org_span": _prf(org["tp"], org["fp"], org["fn"]),
            "org_text_recall": round(text_found / text_total, 4) if text_total else 0.0}


def score_article(gold: dict, pred: dict) -> dict:
    """Seed-style gold: entities strict (same span) and relaxed (overlap + same label); relations and figures."""
    certain = [e for e in gold["entities"] if e.get("certain", True)]
    allg = gold["entities"]
    P = pred["entities"]
    strict_tp = sum(any(p["start"] == g["start"] and p["end"] == g["end"] for p in P) for g in certain)
    strict_fp = sum(not any(p["start"] == g["start"] and p["end"] == g["end"] for g in allg) for p in P)
    relaxed_tp = sum(any(p["start"] < g["end"] and g["start"] < p["end"] and p["label"] == g["label"] for p in P) for g in certain)
    relaxed_fp = sum(not any(p["start"] < g["end"] and g["start"] < p["end"] for g in allg) for p in P)
    linked = sum(any(p["start"] == g["start"] and p["end"] == g["end"] and p["label"] == g["label"] for p in P) for g in certain)

    def key(r):
        h, t = r["head"], r["tail"]
        return (r["type"], *sorted((h, t))) if r["type"] in SYMMETRIC else (r["type"], h, t)

    gold_rel = {key(r) for r in gold["relations"] if r.get("certain", True)}
    any_rel = {key(r) for r in gold["relations"]}
    pred_rel = {key(r) for r in pred["relations"]}
    rel_tp = len(gold_rel & pred_rel)
    rel_fp = len(pred_rel - any_rel)
    obs_g = {(o["subject"], o["kind"], o.get("period")): o["value"] for o in gold["observations"] if o.get("certain", True)}
    obs_found = sum(any(p["subject"] == s and p["kind"] == k and p.get("period") == per and abs(p["value"] - v) <= 1e-6 * max(1, abs(v))
                        for p in pred["observations"]) for (s, k, per), v in obs_g.items())
    return {"dataset": "article", "article": gold.get("article"),
            "entities_strict": _prf(strict_tp, strict_fp, len(certain) - strict_tp),
            "entities_relaxed": _prf(relaxed_tp, relaxed_fp, len(certain) - relaxed_tp),
            "linking_accuracy": round(linked / strict_tp, 4) if strict_tp else 0.0,
            "relations": _prf(rel_tp, rel_fp, len(gold_rel) - rel_tp),
            "missed_relations": sorted(" ".join(k) for k in gold_rel - pred_rel),
            "extra_relations": sorted(" ".join(k) for k in pred_rel - any_rel),
            "observations_recall": round(obs_found / len(obs_g), 4) if obs_g else 0.0}


def read_jsonl(path: Path) -> list[dict]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError as exc:
                raise InputError(f"{path}:{n}: not valid JSON ({exc}).") from exc
    return out


def predict(records: list[dict]) -> dict[str, dict]:
    from kg.extract import build_nlp, extract_article, to_json
    from kg.records import Article

    nlp = build_nlp()
    out = {}
    for r in records:
        x = extract_article(Article(id=r["id"], text=r["text"]), nlp)
        out[r["id"]] = to_json(x, lambda l: l)
    return out


def run_eval(gold_path: Path, predictions: Path | None = None) -> dict:
    from kg.ontology import read_ontology

    gold_path = Path(gold_path)
    if gold_path.suffix == ".json":
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if predictions:
            pred = read_jsonl(predictions)[0]
        else:
            from kg.corpus import decode_bytes

            seed = _find_article(gold_path, gold["article"])
            pred = predict([{"id": gold["article"], "text": decode_bytes(seed.read_bytes())}])[gold["article"]]
        return score_article(gold, pred)
    gold = read_jsonl(gold_path)
    preds = {p["id"]: p for p in read_jsonl(predictions)} if predictions else predict(gold)
    if gold and gold[0].get("source") == "cluener-dev":
        return score_cluener(gold, preds, read_ontology())
    return score_finre(gold, preds)


def _find_article(gold_path: Path, name: str) -> Path:
    from kg.config import REPO_DIR

    for base in (gold_path.parent, REPO_DIR.parent / "shared" / "seeds", Path.cwd()):
        if (base / name).exists():
            return base / name
    raise InputError(f"cannot find article {name} for gold file {gold_path}; put it beside the gold file.")


def format_scores(s: dict) -> str:
    def row(name, d):
        return f"{name:<16} P={d['precision']:.3f} R={d['recall']:.3f} F1={d['f1']:.3f}  (tp={d['tp']} fp={d['fp']} fn={d['fn']})"

    if s["dataset"] == "finre":
        lines = [f"FinRE: {s['sentences']} sentences"] + [row(k, v) for k, v in s["per_type"].items()]
        lines += [row("micro", s["micro"]), f"entity recall    {s['entity_recall']:.3f} ({s['entities']} mentions)",
                  f"alias linking    {s['linking_accuracy']:.3f} ({s['linking_pairs']} pairs)"]
    elif s["dataset"] == "cluener":
        lines = [f"CLUENER: {s['sentences']} sentences"] + [row(k, v) for k, v in s["typed"].items()]
        lines += [row("typed micro", s["typed_micro"]), row("org span", s["org_span"]),
                  f"org text recall  {s['org_text_recall']:.3f}"]
    else:
        lines = [f"Article {s['article']}", row("entities strict", s["entities_strict"]),
                 row("entities relaxed", s["entities_relaxed"]), f"linking accuracy {s['linking_accuracy']:.3f}",
                 row("relations", s["relations"]), f"figures recall   {s['observations_recall']:.3f}"]
        lines += [f"  missed: {m}" for m in s["missed_relations"]] + [f"  extra:  {m}" for m in s["extra_relations"]]
    return "\n".join(lines)
