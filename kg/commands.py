"""CLI commands of the extraction stage: build, extract, eval."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.errors import InputError


@click.command()
@click.argument("corpus", type=click.Path(path_type=Path), default="corpus")
@click.option("--out", type=click.Path(path_type=Path), default="build", show_default=True, help="Output folder.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@click.option("--no-cache", is_flag=True, help="Re-extract every article.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for extraction (same result as 1).")
@click.option("--wait", is_flag=True, help="If another build holds OUT, wait for it instead of exiting.")
def build(corpus: Path, out: Path, no_validate: bool, no_cache: bool, jobs: int, wait: bool) -> None:
    """Build the knowledge graph from a folder of articles into OUT (graph.ttl, graph.nt, report.json, report.md).

    Example: kg build corpus --out build
    """
    from kg.build import run_build

    res = run_build(corpus, out, validate=not no_validate, use_cache=not no_cache, jobs=jobs, wait=wait)
    a = res.report["articles"]
    click.echo(f"read {a['read']} articles ({a['from_cache']} from cache), skipped {a['skipped']}; "
               f"{res.report['triples']} triples → {out / 'graph.ttl'}")
    for s in res.skipped:
        click.echo(f"  skipped {s.path}: {s.reason} — {s.message}", err=True)
    sh = res.report["shacl"]
    if sh is not None:
        click.echo(f"SHACL: {'conforms' if sh['conforms'] else 'does NOT conform, see ' + str(out / 'shacl.txt')}")
        if not sh["conforms"]:
            sys.exit(2)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--jsonl", is_flag=True, help='Inputs are JSON Lines: {"id": ..., "text": ...} per line.')
@click.option("--output", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
def extract(paths, jsonl: bool, output: Path | None) -> None:
    """Extract entities, relations and figures; print one JSON object per article.

    Example: kg extract corpus/01-yuebao-launch.md
    """
    from kg.corpus import read_file, read_corpus
    from kg.extract import build_nlp, extract_article, to_json
    from kg.graph.iri import entity_iri

    articles, skipped = [], []
    for p in paths:
        if not p.exists():
            raise InputError(f"{p} does not exist.")
        if p.is_dir():
            a, s = read_corpus(p)
        elif jsonl:
            from kg.corpus import read_jsonl

            a, s = read_jsonl(p)
        else:
            a, s = read_file(p, p.parent)
        articles += a
        skipped += s
    for s in skipped:
        click.echo(f"warning: skipped {s.path}: {s.reason} — {s.message}", err=True)
    nlp = build_nlp()
    lines = [json.dumps(to_json(extract_article(a, nlp), lambda l: str(entity_iri(l))), ensure_ascii=False)
             for a in articles]
    text = "\n".join(lines) + ("\n" if lines else "")
    if output:
        from kg.io import write_atomic

        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


@click.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--predictions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Score this predictions file instead of running the pipeline.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(gold: Path, predictions: Path | None, as_json: bool) -> None:
    """Score extraction against a gold file (FinRE / CLUENER JSONL, or a tests/gold/*.json article gold).

    Example: kg eval ../shared/eval/finre-valid.jsonl
    """
    from kg.evaluate import format_scores, run_eval

    scores = run_eval(gold, predictions)
    click.echo(json.dumps(scores, ensure_ascii=False, indent=2) if as_json else format_scores(scores))


commands = [build, extract, evaluate]
