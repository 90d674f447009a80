"""Atomic output: write to a temporary file beside the target, check it, then os.replace."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable


def write_atomic(path: Path, data: str | bytes, check: Callable[[Path], None] | None = None) -> bool:
    """Write ``data`` to ``path`` so that ``path`` is always either the old or the new complete file.

    ``check`` runs on the temporary file before it replaces the target (e.g. re-parse the RDF);
    if it raises, the target is left untouched. A file whose content would not change is not rewritten
    (its modification time stays); returns whether the file was written.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == raw:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
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


@contextmanager
def build_lock(out_dir: Path, wait: bool = False):
    """Hold an exclusive lock on OUT_DIR for one build; a second build exits with a clear message."""
    import fcntl

    from kg.errors import KGError

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise KGError(f"another build is writing to {out_dir}; wait for it to finish (or use --wait).") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
