"""Kill `kg build`, `kg analyze` and `kg views` with SIGKILL at many moments: nothing is ever half-written.

The out folder starts as the complete result of the previous corpus (state ``S0``). A reference run in
another folder gives the complete results of the new corpus after each command: ``S1`` (build),
``S2`` (then analyze) and ``S3`` (then views). After every kill, each file in the out folder must be
byte for byte either its old version or its new one, graph.ttl/graph.nt must parse in rdflib and
pyoxigraph, only hidden ``*.tmp`` files may be left over (and the next build removes them), the build
lock must be free at once, and no worker process may outlive the killed build.

The kill moments are of two kinds: delays spread over the whole run (measured from the reference run),
and triggers watched for in the out folder (a temporary file of an output appears; an output has just
been replaced), which land the kill inside the short write phase.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

from conftest import REPO
from kg.io import build_lock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")

OLD_FILES = ("01-yuebao-launch.md", "02-private-banks-webank-mybank.md", "03-unionpay-quickpass-meituan.md")
ADDED = "04-netsunion-cutover.md"
CHANGED = "01-yuebao-launch.md"
DELETED = "03-unionpay-quickpass-meituan.md"
EXTRA_SENTENCE = "\n\n2019年，招商银行与微信支付达成战略合作。\n"

BUILD_OUTPUTS = ("graph.ttl", "graph.nt", "report.json", "report.md")
TEMP = re.compile(r"^\..+\.tmp$")  # hidden and temp-named: never mistaken for an output
TIMINGS_MD = re.compile(r"\n## Timings \(s\)\n.*?(?=\n<!-- analysis -->|\Z)", re.S)


# --------------------------------------------------------------------------- helpers

def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg.cli", *args]


def start(cmd: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    """Output goes to a file, not a pipe: reading a pipe that an orphaned worker holds open would hang."""
    with open(log, "wb") as fh:
        return subprocess.Popen(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT)


def run(cmd: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return time.perf_counter() - t0


def comparable(name: str, data: bytes) -> bytes:
    """The bytes that must match: report files carry the run's timings, everything else is exact."""
    if name.endswith("report.json"):
        d = json.loads(data)
        d.pop("timings_s", None)
        return json.dumps(d, sort_keys=True).encode()
    if name.endswith("report.md"):
        return TIMINGS_MD.sub("", data.decode("utf-8")).encode()
    return data


def snapshot(out: Path) -> dict[str, bytes]:
    """Every output file under OUT (relative name -> comparable bytes); the lock file is not an output."""
    return {p.relative_to(out).as_posix(): comparable(p.name, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".lock" and not TEMP.match(p.name)}


def restore(state: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(state, out, symlinks=True)


def temp_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file() and TEMP.match(p.name))


def processes_using(marker: str) -> list[int]:
    """Live processes with MARKER (our private out folder) as one of their command-line arguments."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and int(d.name) != os.getpid():
            try:
                args = (d / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
                state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if marker in args and state != "Z":
                pids.append(int(d.name))
    return pids


_PARSED: dict[str, int] = {}


def assert_parses(path: Path) -> None:
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    if key in _PARSED:
        return
    fmt = "turtle" if path.suffix == ".ttl" else "nt"
    n = len(Graph().parse(data=data.decode("utf-8"), format=fmt))
    ox = pyoxigraph.RdfFormat.TURTLE if fmt == "turtle" else pyoxigraph.RdfFormat.N_TRIPLES
    assert sum(1 for _ in pyoxigraph.parse(data, format=ox)) == n > 0
    _PARSED[key] = n


# --------------------------------------------------------------------------- kill moments

def after(delay: float):
    def wait(proc: subprocess.Popen, out: Path, deadline: float) -> None:
        end = time.monotonic() + delay
        while time.monotonic() < end and proc.poll() is None:
            time.sleep(0.002)
    wait.__name__ = f"after {delay:.2f}s"
    return wait


def when_temp_of(name: str):
    """As soon as a temporary file of NAME exists (its write or re-parse check is under way).

    NAME is relative to the out folder; ``views/*`` means any file in views/.
    """
    folder, _, base = name.rpartition("/")
    prefix = "." if base == "*" else f".{base}."

    def wait(proc, out, deadline):
        where = out / folder
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if any(e.name.startswith(prefix) and e.name.endswith(".tmp") for e in os.scandir(where)):
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.0005)
    wait.__name__ = f"temp file of {name} exists"
    return wait


def when_replaced(name: str):
    """Just after NAME was moved into place (the next output is not written yet)."""
    def wait(proc, out, deadline):
        path = out / name
        ino = path.stat().st_ino if path.exists() else None
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if path.stat().st_ino != ino:
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.0005)
    wait.__name__ = f"{name} just replaced"
    return wait


# --------------------------------------------------------------------------- fixture

@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """S0..S3 as folders, the corpus (now the new version) and how long each command takes."""
    root = tmp_path_factory.mktemp("kill")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in OLD_FILES:
        shutil.copy(REPO / "corpus" / name, corpus / name)
    work = root / "work"
    run(kg("build", str(corpus), "--out", str(work), "--no-cache"), root)
    run(kg("analyze", str(work)), root)
    run(kg("views", str(work)), root)
    shutil.copytree(work, root / "S0")

    (corpus / DELETED).unlink()
    shutil.copy(REPO / "corpus" / ADDED, corpus / ADDED)
    with open(corpus / CHANGED, "a", encoding="utf-8") as fh:
        fh.write(EXTRA_SENTENCE)
    took = {"build": run(kg("build", str(corpus), "--out", str(work), "--no-cache"), root)}
    shutil.copytree(work, root / "S1")
    took["analyze"] = run(kg("analyze", str(work)), root)
    shutil.copytree(work, root / "S2")
    took["views"] = run(kg("views", str(work)), root)
    shutil.copytree(work, root / "S3")
    return root, corpus, took


def test_reliability_kill_states_really_differ(states):
    """The test is only meaningful if each command changes files: otherwise old == new trivially."""
    root, _, _ = states
    s = [snapshot(root / f"S{i}") for i in range(4)]
    assert {n for n in BUILD_OUTPUTS if s[0][n] != s[1][n]} == set(BUILD_OUTPUTS)
    assert s[1]["centrality.csv"] != s[2]["centrality.csv"] and s[1]["report.md"] != s[2]["report.md"]
    assert s[2]["views/index.html"] != s[3]["views/index.html"]


# --------------------------------------------------------------------------- the kills

def kill_once(root: Path, out: Path, cmd: list[str], before: str, after_state: str, wait) -> dict:
    restore(root / before, out)
    old, new = snapshot(root / before), snapshot(root / after_state)
    log = out.with_suffix(".log")
    proc = start(cmd, root, log)
    wait(proc, out, time.monotonic() + 30)
    alive = proc.poll() is None
    if alive:
        proc.send_signal(signal.SIGKILL)
    rc = proc.wait()
    err = log.read_text(encoding="utf-8", errors="replace")
    moment = f"{cmd[3]}{' --jobs 2' if '--jobs' in cmd else ''} killed when {wait.__name__}"
    assert alive or rc == 0, f"{moment}: finished with {rc} before the kill: {err}"

    # every output is the old or the new complete version; none vanished
    now = snapshot(out)
    assert set(old) <= set(now), f"{moment}: outputs vanished: {sorted(set(old) - set(now))}"
    mixed = {}
    for name, data in now.items():
        which = "old" if data == old.get(name) else "new" if data == new.get(name) else None
        assert which, f"{moment}: {name} is neither the old nor the new complete version"
        mixed[name] = which
    for name in ("graph.ttl", "graph.nt"):
        assert_parses(out / name)

    # leftovers are hidden temp files only, and the next build takes the lock at once and removes them
    left = temp_files(out)
    assert all(p.name.startswith(".") and p.suffix == ".tmp" for p in left)
    deadline = time.monotonic() + 10  # orphaned workers check for their parent every 0.5 s
    while processes_using(str(out)) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = processes_using(str(out))
    try:
        with build_lock(out):  # raises "another build is writing" if a dead build's lock is still held
            pass
        assert not orphans, f"{moment}: processes outlived the killed command: {orphans}"
    finally:
        for pid in orphans:
            os.kill(pid, signal.SIGKILL)
    return {"moment": moment, "alive": alive, "left": [p.name for p in left], "remaining": temp_files(out),
            "new": sorted(n for n, w in mixed.items() if w == "new" and old.get(n) != new.get(n))}


def kill_many(root: Path, command: list[str], before: str, after_state: str, waits: list) -> list[dict]:
    """One kill per wait, on two lanes (two out folders) at a time to keep the test short."""
    from concurrent.futures import ThreadPoolExecutor

    def lane(k: int, ws: list) -> list[dict]:
        out = root / f"out{k}"
        cmd = [str(out) if a == "OUT" else a for a in command]
        return [kill_once(root, out, cmd, before, after_state, w) for w in ws]

    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lane, (0, 1), (waits[0::2], waits[1::2])))
    return [r for pair in zip(*done) for r in pair] + done[0][len(done[1]):]


def spread(took: float, fractions) -> list:
    return [after(took * f) for f in fractions]


def describe(results: list[dict]) -> str:
    return "\n".join(f"{r['moment']}: alive={r['alive']} new={r['new']} left={r['left']} "
                     f"remaining={[p.name for p in r['remaining']]}" for r in results)


def test_reliability_kill_build_at_any_moment_leaves_old_or_new_outputs(states):
    root, corpus, took = states
    build = kg("build", str(corpus), "--out", "OUT", "--no-cache")
    triggered = [when_temp_of("graph.ttl"), when_replaced("graph.ttl"), when_temp_of("graph.nt"),
                 when_replaced("graph.nt"), when_temp_of("report.json"), when_temp_of("report.md")]
    timed = spread(took["build"], (0.2, 0.45, 0.65, 0.8, 0.95))
    results = kill_many(root, build, "S0", "S1", triggered + timed)
    # parallel extraction: the workers must neither keep the lock nor outlive the killed build
    results += kill_many(root, build + ["--jobs", "2"], "S0", "S1", spread(took["build"], (0.65, 0.85)))

    report = describe(results)
    assert sum(r["alive"] for r in results) >= len(results) * 2 // 3, f"too few kills hit a running build:\n{report}"
    # kills landed between two writes (some outputs new, some still old) and inside a write
    assert any(0 < len(r["new"]) < len(BUILD_OUTPUTS) for r in results), report
    assert any(r["left"] for r in results), f"no kill hit a write in progress:\n{report}"
    # temp files of a killed build are removed by the next one (build_lock in kill_once)
    assert not [r for r in results if r["remaining"]], report


def test_reliability_the_run_after_a_kill_finishes_the_job(states):
    root, corpus, _ = states
    out = root / "out"
    build = kg("build", str(corpus), "--out", str(out), "--no-cache", "--jobs", "2")
    r = kill_once(root, out, build, "S0", "S1", when_temp_of("graph.nt"))
    assert r["alive"] and r["left"], describe([r])
    run(build, root)
    run(kg("analyze", str(out)), root)
    assert snapshot(out) == snapshot(root / "S2")  # new graph and analysis; views are left for `kg views`
    assert temp_files(out) == []


@pytest.mark.parametrize("command, before, after_state", [("analyze", "S1", "S2"), ("views", "S2", "S3")])
def test_reliability_kill_analyze_and_views_leave_old_or_new_outputs(states, command, before, after_state):
    root, _, took = states
    triggers = [when_temp_of("centrality.csv"), when_replaced("centrality.csv"), when_temp_of("report.md")] \
        if command == "analyze" else [when_temp_of("views/*"), when_replaced("views/index.html")]
    results = kill_many(root, kg(command, "OUT"), before, after_state,
                        triggers + spread(took[command], (0.4, 0.7, 0.9)))
    assert sum(r["alive"] for r in results) >= len(results) // 2, describe(results)


def test_reliability_temp_files_of_a_killed_views_run_are_removed_by_the_next_build(states):
    root, _, _ = states
    out = root / "out"
    r = kill_once(root, out, kg("views", str(out)), "S2", "S3", when_temp_of("views/*"))
    if not (r["alive"] and r["left"]):
        raise RuntimeError(f"the kill missed the write phase: {describe([r])}")  # a real failure, not the xfail
    assert r["remaining"] == []
