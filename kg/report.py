"""The build report: report.json (machine-readable) and report.md (for people)."""
from __future__ import annotations

import json
from collections import Counter

from kg.records import Extraction, Skipped


def to_report(extractions: list[Extraction], skipped: list[Skipped], shacl, timings: dict, files_seen: int,
              cached: int, triples: int) -> dict:
    ents: dict[str, str] = {}
    for x in extractions:
        for m in x.mentions:
            ents[m.label] = m.type
    return {
        "articles": {"read": len(extractions), "skipped": len(skipped), "from_cache": cached,
                     "files_seen": files_seen},
        "read": [{"id": x.article.id, "path": x.article.path, "title": x.article.title,
                  "entities": len({m.label for m in x.mentions}), "relations": len(x.relations),
                  "observations": len(x.observations)} for x in extractions],
        "skipped": [{"path": s.path, "reason": s.reason, "message": s.message} for s in skipped],
        "entities_by_type": dict(sorted(Counter(ents.values()).items())),
        "relations_by_type": dict(sorted(Counter(r.type for x in extractions for r in x.relations).items())),
        "observations_by_kind": dict(sorted(Counter(o.kind for x in extractions for o in x.observations).items())),
        "triples": triples,
        "shacl": {"conforms": shacl.conforms, "violations": shacl.violations,
                  "checked": "all" if shacl.focus_nodes is None else f"{shacl.focus_nodes} changed nodes"}
        if shacl else None,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }


def to_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def to_markdown(report: dict) -> str:
    a = report["articles"]
    lines = ["# Build report", "",
             f"Articles read: **{a['read']}** (from cache: {a['from_cache']}), skipped: **{a['skipped']}**, "
             f"files seen: {a['files_seen']}. Triples: {report['triples']}.", ""]
    sh = report["shacl"]
    if sh is not None:
        lines += [f"SHACL: {'conforms' if sh['conforms'] else 'DOES NOT CONFORM'} ({sh['violations']} violations; "
                  f"checked: {sh.get('checked', 'all')}).", ""]
    for title, key in (("Entities by type", "entities_by_type"), ("Relations by type", "relations_by_type"),
                       ("Observations by kind", "observations_by_kind")):
        lines += [f"## {title}", "", "| type | count |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in report[key].items()] + [""]
    lines += ["## Articles", "", "| id | file | entities | relations | figures |", "|---|---|---|---|---|"]
    lines += [f"| {r['id']} | {r['path']} | {r['entities']} | {r['relations']} | {r['observations']} |" for r in report["read"]]
    lines += ["", "## Skipped", ""]
    lines += [f"- `{s['path']}` — **{s['reason']}**: {s['message']}" for s in report["skipped"]] or ["(none)"]
    lines += ["", "## Timings (s)", ""] + [f"- {k}: {v}" for k, v in report["timings_s"].items()]
    return "\n".join(lines) + "\n"
