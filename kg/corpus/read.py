"""Files and folders -> :class:`~kg.records.Article` records or :class:`~kg.records.Skipped` records."""
from __future__ import annotations

import os
from pathlib import Path

from kg.corpus.decode import CheckedTexts, decode_bytes
from kg.corpus.formats import PARSERS, to_article, to_clean_text, to_jsonl_articles
from kg.errors import InputError
from kg.records import Article, Skipped

__all__ = ["read_corpus", "read_file", "read_jsonl", "to_name", "SUPPORTED_SUFFIXES", "IGNORED_NAMES"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
IGNORED_NAMES = frozenset({"readme.md"})


def to_name(path: Path | str) -> str:
    """A file name as text, whatever the locale: the raw bytes as UTF-8, else GB18030, else with U+FFFD.

    Under a non-UTF-8 locale, or for a name saved in GBK, Python hands out names with undecodable bytes
    as lone surrogates; those must not reach article ids, IRIs or reports (they cannot be encoded).

    >>> to_name(os.fsdecode("支付宝.txt".encode("gbk")))
    '支付宝.txt'
    """
    raw = os.fsencode(path)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")  # pragma: no cover - gb18030 decodes almost anything


def _relative_name(path: Path, root: Path) -> str:
    try:
        return to_name(path.relative_to(root).as_posix())
    except ValueError:
        return to_name(path.as_posix())


def read_file(path: Path, root: Path, checked: CheckedTexts | None = None) -> tuple[list[Article], list[Skipped]]:
    """Read one corpus file (a ``.jsonl`` file may hold many articles); never raises for a bad file.
    ``checked``: files whose text passed the decoding checks before (kg.corpus.decode.CheckedTexts)."""
    path, root = Path(path), Path(root)
    rel = _relative_name(path, root)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return [], [Skipped(rel, "unsupported", f"{rel}: unsupported file type {suffix or '(none)'}; "
                            f"use one of {' '.join(SUPPORTED_SUFFIXES)} or move it out of the corpus")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Skipped(rel, "unreadable", f"{rel}: cannot be read ({exc.strerror or exc}); check the file and its permissions")]
    try:
        text = to_clean_text(decode_bytes(data, checked))
    except InputError as exc:
        return [], [Skipped(rel, getattr(exc, "reason", "undecodable"), f"{rel}: {exc}")]
    if suffix == ".jsonl":
        return to_jsonl_articles(text, rel)
    try:
        body, meta = PARSERS[suffix](text)
    except Exception as exc:  # a parser bug must not stop the build  # noqa: BLE001
        return [], [Skipped(rel, "unparsable", f"{rel}: could not parse the {suffix} file ({exc}); check its markup")]
    if not body.strip():
        return [], [Skipped(rel, "empty", f"{rel}: no article text found; add text (for HTML, inside <article> or <main>)")]
    return [to_article(meta.get("id") or to_name(path.stem), body, rel, meta)], []


def _walk(root: Path, real_root: Path):
    """Yield ``(path, problem)`` sorted by relative path; ``problem`` is a Skipped or None."""
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            if not name.startswith(".") and name.lower() not in IGNORED_NAMES:
                path = Path(dirpath, name)
                found.append((_relative_name(path, root), path))
    for rel, path in sorted(found):
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                yield path, Skipped(rel, "unreadable", f"{rel}: broken symbolic link; fix or remove it")
                continue
            if not target.is_relative_to(real_root):
                yield path, Skipped(rel, "outside-corpus", f"{rel}: links to {to_name(target)}, outside the corpus; copy the file in instead")
                continue
        yield path, None


def read_corpus(root: Path, checked: CheckedTexts | None = None) -> tuple[list[Article], list[Skipped]]:
    """Read every supported file under ``root`` (sorted, recursive). Ids are unique and stable.
    ``checked``: as for read_file."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"corpus folder {root} does not exist or is not a folder; pass the folder that holds the articles",
                         reason="missing")
    real_root = root.resolve()
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for path, problem in _walk(root, real_root):
        if problem is not None:
            skipped.append(problem)
            continue
        got, bad = read_file(path, root, checked)
        skipped.extend(bad)
        for art in got:
            new_id, n = art.id, 1
            while new_id in seen:
                n += 1
                new_id = f"{art.id}-{n}"
            seen.add(new_id)
            articles.append(art if new_id == art.id else _replace_id(art, new_id))
    return articles, skipped


def _replace_id(art: Article, new_id: str) -> Article:
    from dataclasses import replace

    return replace(art, id=new_id)


def read_jsonl(path: Path) -> tuple[list[Article], list[Skipped]]:
    """Read a JSON Lines file of articles whatever its extension (`kg extract --jsonl`)."""
    path = Path(path)
    name = to_name(path.as_posix())
    try:
        text = decode_bytes(path.read_bytes())
    except InputError as exc:
        return [], [Skipped(name, getattr(exc, "reason", "undecodable"), f"{name}: {exc}")]
    except OSError as exc:
        return [], [Skipped(name, "unreadable", f"{name}: cannot read ({exc.strerror})")]
    return to_jsonl_articles(to_clean_text(text), name)
