"""Clean builds are byte-identical whatever the timezone, locale, hash seed or directory-listing order.

`kg build` + `kg analyze` + `kg views` run in fresh processes under different environments; every output
must equal the reference byte for byte. The only exception is documented: the run's timings
(``timings_s`` in report.json, the "Timings (s)" section of report.md).
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

ARTICLES = ("01-yuebao-launch.md", "05-jd-finance-rebrand.md", "09-apple-pay-samsung-pay-hant.md")
NESTED = "子目录/平安 好医生.txt"  # a Chinese folder and file name with a space
GBK_NAME = "支付宝.txt".encode("gbk")  # a file name saved by a GBK system: not valid UTF-8
TIMINGS_MD = re.compile(r"\n## Timings \(s\)\n.*?(?=\n<!-- analysis -->|\Z)", re.S)


def installed_locales() -> set[str]:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {line.strip().lower().replace("utf-8", "utf8") for line in out.splitlines()}


# (name, environment): timezones as POSIX TZ strings so they work without tzdata
ENVIRONMENTS = [
    ("utc-c.utf8-seed0", {"TZ": "UTC0", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}),
    ("shanghai-c-seed1", {"TZ": "CST-8", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "1"}),
    ("los-angeles-ascii-seed2", {"TZ": "PST8PDT,M3.2.0,M11.1.0", "LC_ALL": "C", "LANG": "C",
                                 "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONHASHSEED": "2"}),
    ("shanghai-zh_cn.utf8-seed3", {"TZ": "Asia/Shanghai", "LC_ALL": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8",
                                   "PYTHONHASHSEED": "3"}),
]


def make_corpus(root: Path, order: list[str] | None = None) -> Path:
    """The test corpus; ORDER is the order in which the files are created (it changes listing order)."""
    corpus = root / "corpus"
    files = {name: (REPO / "corpus" / name).read_bytes() for name in ARTICLES}
    files[NESTED] = (REPO / "corpus" / "10-pingan-good-doctor-ipo.txt").read_bytes()
    files["gbk-content.txt"] = "2019年，招商银行与微信支付达成战略合作。支付宝也在其中。".encode("gbk")
    for name in order or sorted(files):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_bytes(files[name])
    if sys.platform.startswith("linux"):
        with open(os.path.join(os.fsencode(corpus), GBK_NAME), "wb") as fh:
            fh.write((REPO / "corpus" / "03-unionpay-quickpass-meituan.md").read_bytes())
    return corpus


def comparable(name: str, data: bytes) -> bytes:
    if name == "report.json":
        d = json.loads(data)
        d.pop("timings_s")
        return json.dumps(d, sort_keys=True, ensure_ascii=False).encode()
    if name == "report.md":
        return TIMINGS_MD.sub("", data.decode("utf-8")).encode()
    return data


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): comparable(p.name, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".lock"}


def run_all(corpus: Path, out: Path, env: dict[str, str]) -> dict[str, bytes]:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
    if "PYTHONPATH" in os.environ:  # the code under test, not whatever copy of kg the venv has installed
        base["PYTHONPATH"] = os.environ["PYTHONPATH"]
    for args in (["build", str(corpus), "--out", str(out), "--no-cache"], ["analyze", str(out)], ["views", str(out)]):
        proc = subprocess.run([sys.executable, "-m", "kg.cli", *args], env={**base, **env}, cwd=out.parent,
                              capture_output=True)
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-3000:]
    return outputs(out)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("determinism")
    corpus = make_corpus(root)
    return corpus, run_all(corpus, root / "reference", ENVIRONMENTS[0][1])


def test_reliability_reference_build_covers_every_file(reference):
    _, ref = reference
    report = json.loads(ref["report.json"])
    assert report["articles"]["read"] == len(ARTICLES) + 2 + sys.platform.startswith("linux")
    assert NESTED in {r["path"] for r in report["read"]}
    assert {"graph.nt", "graph.ttl", "centrality.csv", "views/index.html"} <= set(ref)


@pytest.mark.parametrize("name, env", ENVIRONMENTS[1:], ids=[n for n, _ in ENVIRONMENTS[1:]])
def test_reliability_outputs_are_byte_identical_under_any_timezone_locale_and_hash_seed(reference, tmp_path, name, env):
    locale = env["LC_ALL"].lower().replace("utf-8", "utf8")
    if locale not in {"c", "posix"} and locale not in installed_locales():
        pytest.skip(f"locale {env['LC_ALL']} is not installed (see `locale -a`)")
    corpus, ref = reference
    got = run_all(corpus, tmp_path / "out", env)
    assert sorted(got) == sorted(ref)
    assert [n for n in ref if got[n] != ref[n]] == []


def test_reliability_file_creation_order_does_not_change_outputs(reference, tmp_path):
    """The same files created in reverse order (a different directory listing order on most file systems)."""
    corpus, ref = reference
    names = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file()
                   if os.fsencode(p.name) != GBK_NAME)
    copy = make_corpus(tmp_path, order=names[::-1])
    got = run_all(copy, tmp_path / "out", ENVIRONMENTS[0][1])
    assert [n for n in ref if got.get(n) != ref[n]] == []


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_reliability_listing_order_does_not_change_the_graph(reference, tmp_path, monkeypatch, order):
    """In-process: os.scandir and os.listdir hand out entries in another order; graph and report are unchanged."""
    from kg.build import run_build

    corpus, ref = reference
    rng = random.Random(7)
    real_scandir, real_listdir = os.scandir, os.listdir

    listed = []

    def reorder(items: list) -> list:
        listed.append(len(items))
        if order == "reversed":
            return items[::-1]
        rng.shuffle(items)
        return items

    class Scandir:
        def __init__(self, path="."):
            with real_scandir(path) as it:
                self.entries = iter(reorder(list(it)))

        def __iter__(self):
            return self

        def __next__(self):
            return next(self.entries)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def close(self):
            pass

    monkeypatch.setattr(os, "scandir", Scandir)
    monkeypatch.setattr(os, "listdir", lambda path=".": reorder(real_listdir(path)))
    run_build(corpus, tmp_path / "out", use_cache=False)
    monkeypatch.undo()
    assert sum(n > 1 for n in listed) >= 2  # the corpus folders really were listed through the patch
    got = outputs(tmp_path / "out")
    for name in ("graph.nt", "graph.ttl", "report.json"):
        assert got[name] == ref[name], name


@pytest.mark.parametrize("raw, name", [
    ("支付宝.txt".encode("utf-8"), "支付宝.txt"),
    ("支付宝.txt".encode("gbk"), "支付宝.txt"),  # saved by a GBK system
    (b"plain-ascii.md", "plain-ascii.md"),
])
def test_reliability_file_names_become_text_whatever_their_bytes(raw, name):
    """Names reach ids, IRIs and reports as real text, never as undecodable surrogates."""
    from kg.corpus.read import to_name

    assert to_name(os.fsdecode(raw)) == name


@pytest.mark.parametrize("raw", ["招商銀行.md".encode("big5"), b"\xff\xfe\x80.txt", bytes(range(1, 47)) + b".txt"])
def test_reliability_any_file_name_bytes_give_encodable_text(raw):
    from kg.corpus.read import to_name

    to_name(os.fsdecode(raw)).encode("utf-8")  # raises on a lone surrogate
