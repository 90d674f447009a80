"""kg.io in-process: atomic writes, the build lock across fork and death, and clean-up of stale temp files."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from kg.errors import KGError
from kg.io import build_lock, remove_stale_temp_files, write_atomic

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and fork are POSIX")


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_reliability_write_atomic_gives_outputs_the_usual_mode_and_keeps_a_chosen_one(tmp_path):
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.ttl", "a")
        assert stat.S_IMODE((tmp_path / "new.ttl").stat().st_mode) == 0o644  # not mkstemp's 0600
        os.chmod(tmp_path / "new.ttl", 0o640)
        write_atomic(tmp_path / "new.ttl", "b")
        assert stat.S_IMODE((tmp_path / "new.ttl").stat().st_mode) == 0o640
    finally:
        os.umask(umask)


def test_reliability_write_atomic_failed_check_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "graph.nt"
    write_atomic(target, "old\n")

    def reject(tmp):
        assert tmp.read_text() == "new\n" and tmp.name.startswith(".graph.nt.")
        raise ValueError("does not parse")

    with pytest.raises(ValueError):
        write_atomic(target, "new\n", check=reject)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"]


def test_reliability_stale_temp_files_of_dead_writers_are_removed_live_ones_kept(tmp_path):
    (tmp_path / "views").mkdir()
    dead, live = dead_pid(), os.getppid()
    stale = [tmp_path / f".graph.ttl.{dead}.ab_c12.tmp", tmp_path / "views" / f".index.html.{dead}.x1.tmp"]
    keep = [tmp_path / f".graph.nt.{live}.zz9.tmp",  # a writer that is still running
            tmp_path / "graph.ttl", tmp_path / "notes.tmp",  # outputs and user files are never touched
            tmp_path / ".hidden" / f".a.{dead}.q.tmp"]  # hidden folders are not searched
    (tmp_path / ".hidden").mkdir()
    for p in stale + keep:
        p.write_text("x")
    assert sorted(remove_stale_temp_files(tmp_path)) == sorted(stale)
    assert all(p.exists() for p in keep)


def test_reliability_build_lock_removes_temp_files_of_a_killed_build(tmp_path):
    leftover = tmp_path / f".report.json.{dead_pid()}.k3j.tmp"
    leftover.write_text("{")
    with build_lock(tmp_path):
        assert not leftover.exists()


def test_reliability_build_lock_names_the_process_holding_it(tmp_path):
    with build_lock(tmp_path):
        with pytest.raises(KGError, match=rf"another build \(process {os.getpid()}\) is writing to .*--wait"):
            with build_lock(tmp_path):
                pass
    with build_lock(tmp_path):  # released: free again
        pass


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def open_files(pid: int) -> set[str]:
    """The paths process PID has open (empty once it is gone)."""
    paths = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                paths.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                pass
    except OSError:
        pass
    return paths


def describe(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return " ".join(line.strip() for line in fh if line.split(":")[0] in ("State", "PPid", "Threads"))
    except FileNotFoundError:
        return "gone"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_reliability_forked_workers_neither_keep_the_lock_nor_outlive_the_build(tmp_path):
    """A worker forked while the lock is held (as `kg build --jobs 2` does) drops its copy of the lock,
    so killing the build frees the lock at once, and the worker exits when the build is gone."""
    script = f"""
import multiprocessing, os, sys, time
sys.path.insert(0, {os.getcwd()!r})
from kg.io import build_lock
with build_lock({str(tmp_path)!r}):
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=time.sleep, args=(3600,))
    p.start()
    print(p.pid, flush=True)
    time.sleep(3600)
"""
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(build.stdout.readline())
    try:
        with pytest.raises(KGError):  # the build holds the lock
            with build_lock(tmp_path):
                pass
        # The worker drops its copy in an at-fork hook; on a loaded machine it may not have been scheduled yet.
        lock_file = str((tmp_path / ".lock").resolve())
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and lock_file in open_files(worker):
            time.sleep(0.02)
        assert lock_file not in open_files(worker), "the forked worker kept the build lock open"
        build.send_signal(signal.SIGKILL)
        build.wait()
        with build_lock(tmp_path):  # free at once: the orphaned worker does not hold it
            pass
        deadline = time.monotonic() + 15  # it checks every 0.5 s; generous for a loaded machine
        while time.monotonic() < deadline and not gone(worker):
            time.sleep(0.05)
        assert gone(worker), f"the worker outlived the build: {describe(worker)}"
    finally:
        for pid in (build.pid, worker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        build.stdout.close()


@pytest.mark.parametrize("fmt, text", [
    ("nt", '<urn:a> <urn:b> "unterminated .\n'),
    ("turtle", "@prefix x: <urn:x#> .\nx:a x:b x:c ;\n"),
])
def test_reliability_pyoxigraph_check_really_parses_the_file(tmp_path, fmt, text):
    """pyoxigraph parses lazily: the check must read the triples, or a broken file would pass it."""
    from kg.graph.serialize import _check_rdf

    bad = tmp_path / f"bad.{fmt}"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(Exception):
        _check_rdf(fmt, with_rdflib=False)(bad)


def test_reliability_a_rebuild_checks_graph_nt_holds_the_parsed_text(tmp_path):
    """On a rebuild graph.nt is checked to hold exactly the text pyoxigraph parsed; a torn file fails."""
    from kg.graph.serialize import _check_same_text, write_graph

    nt = "<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:d> .\n"
    write_graph(nt, tmp_path, with_rdflib=False)
    assert (tmp_path / "graph.nt").read_text(encoding="utf-8") == nt
    torn = tmp_path / "torn.nt"
    torn.write_text(nt[:-10], encoding="utf-8")
    with pytest.raises(ValueError):
        _check_same_text(nt.encode("utf-8"))(torn)


@pytest.mark.parametrize("name, broken", [("analysis.ttl", "@prefix x: <urn:x#> .\nx:a x:b"),
                                          ("graph.graphml", "<graphml><graph>"), ("graph.gexf", "<gexf>")])
def test_reliability_analysis_outputs_are_re_parsed_before_they_replace_the_old_file(tmp_path, name, broken):
    from kg.analysis.export import write_text_atomic

    good = {"analysis.ttl": "<urn:a> <urn:b> <urn:c> .\n", "graph.graphml": "<graphml/>", "graph.gexf": "<gexf/>"}[name]
    write_text_atomic(tmp_path / name, good)
    with pytest.raises(Exception):
        write_text_atomic(tmp_path / name, broken)
    assert (tmp_path / name).read_text(encoding="utf-8") == good
