"""Atomic output and the build lock.

- :func:`write_atomic` writes to a temporary file beside the target, checks it, then ``os.replace``\\ s it,
  so a reader (or a build killed at any moment) sees either the old or the new complete file.
- :func:`build_lock` holds an exclusive ``flock`` on ``OUT/.lock`` for one build. The kernel releases
  it when the holder dies, however it dies; worker processes forked during the build neither inherit it
  nor outlive the build. Temporary files left by a killed writer are removed by the next build.
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable

__all__ = ["write_atomic", "build_lock", "remove_stale_temp_files", "TEMP_SUFFIX"]

TEMP_SUFFIX = ".tmp"
# .<target name>.<pid of the writer>.<random>.tmp — hidden, and tells whether its writer is still alive
_TEMP_NAME = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]+\.tmp$")
_PARENT_POLL_S = 0.5


@lru_cache(maxsize=1)
def _default_mode() -> int:
    """0o666 minus the umask (read once: os.umask can only be read by setting it)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: str | bytes, check: Callable[[Path], None] | None = None,
                 durable: bool = True) -> bool:
    """Write ``data`` to ``path`` so that ``path`` is always either the old or the new complete file.

    ``check`` runs on the temporary file before it replaces the target (e.g. re-parse the RDF);
    if it raises, the target is left untouched. A file whose content would not change is not rewritten
    (its modification time stays); returns whether the file was written. The new file keeps the mode of
    the file it replaces (a new file gets the usual 0666 minus umask, not mkstemp's 0600).
    ``durable=False`` skips the fsync (5 ms a file): for cache entries, where a file torn by a power cut
    fails to parse and counts as missing.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:  # the size first: no big read
            return False
    except OSError:
        pass
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = _default_mode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            if durable:
                f.flush()
                os.fsync(f.fileno())  # data on disk before the rename: a crash never leaves an empty file
        os.chmod(tmp, mode)
        if check:
            check(Path(tmp))
        os.replace(tmp, path)
        return True
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale_temp_files(directory: Path, depth: int = 1) -> list[Path]:
    """Remove temporary files of :func:`write_atomic` whose writer process is gone.

    Looks in ``directory`` and ``depth`` levels of sub-folders; returns what it removed.
    A temporary file of a live process (e.g. a ``kg analyze`` running now) is left alone.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if depth > 0 and not entry.name.startswith("."):
                removed += remove_stale_temp_files(Path(entry.path), depth - 1)
            continue
        m = _TEMP_NAME.match(entry.name)
        if m and int(m.group(1)) != os.getpid() and not _is_alive(int(m.group(1))):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


# Lock files held by this process. A process forked while a build runs (an extraction worker) must not
# keep the lock alive after the build's process is killed, nor live on as an orphan.
_HELD_LOCK_FDS: set[int] = set()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_S)
    os._exit(1)  # the build that started this worker is gone


def _after_fork_in_child() -> None:
    if not _HELD_LOCK_FDS:
        return
    devnull = os.open(os.devnull, os.O_RDONLY)
    for fd in _HELD_LOCK_FDS:
        try:
            os.dup2(devnull, fd)  # drop this copy of the lock's file description; the parent keeps the lock
        except OSError:
            pass
    os.close(devnull)
    _HELD_LOCK_FDS.clear()
    threading.Thread(target=_watch_parent, args=(os.getppid(),), name="kg-parent-watch", daemon=True).start()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _holder(lock_path: Path) -> str:
    try:
        pid = lock_path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


@contextmanager
def build_lock(out_dir: Path, wait: bool = False):
    """Hold an exclusive lock on OUT_DIR for one build; a second build exits with a clear message.

    The lock is an ``flock`` on ``OUT_DIR/.lock``, which the kernel releases when the holding process
    exits or is killed, so a lock left by a killed build never blocks the next one. Once the lock is
    held, temporary files left by killed writers are removed.
    """
    import fcntl

    from kg.errors import KGError

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir / ".lock"
    with open(lock_path, "a+", encoding="ascii") as fh:  # "a+": do not wipe the holder's pid before locking
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise KGError(f"another build{_holder(lock_path)} is writing to {out_dir}; wait for it to finish "
                          "(or use --wait).") from None
        _HELD_LOCK_FDS.add(fh.fileno())
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            remove_stale_temp_files(out_dir)
            yield
        finally:
            _HELD_LOCK_FDS.discard(fh.fileno())
            fcntl.flock(fh, fcntl.LOCK_UN)
