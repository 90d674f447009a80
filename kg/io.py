"""Atomic output: write to a temporary file beside the target, check it, then os.replace."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def write_atomic(path: Path, data: str | bytes, check: Callable[[Path], None] | None = None) -> None:
    """Write ``data`` to ``path`` so that ``path`` is always either the old or the new complete file.

    ``check`` runs on the temporary file before it replaces the target (e.g. re-parse the RDF);
    if it raises, the target is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        if check:
            check(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
