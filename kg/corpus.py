"""Read a corpus folder into :class:`~kg.records.Article` records.

Supported files: ``*.txt *.md *.html *.htm *.jsonl`` in any common Chinese encoding
(UTF-8 with or without BOM, UTF-16 with BOM, GB2312/GBK/GB18030, Big5).
A file that cannot be used becomes one :class:`~kg.records.Skipped` record (reason code
plus a message naming the file and the fix); reading never stops for a bad file.

Decisions:
- ``README.md`` (any case) and hidden files/folders are ignored without a record.
- A symlink that resolves outside the corpus root is skipped as ``outside-corpus``;
  a symlinked folder inside the root is not followed (its files are read via their real path).
- UTF-8 cut off inside the last character (a truncated download) is read: the incomplete
  character at the very end is dropped. Invalid UTF-8 elsewhere is not "UTF-8".
- ``Article.text`` is the decoded text with ``\\r\\n``/``\\r`` turned into ``\\n`` and
  control characters (category Cc, except ``\\n`` and ``\\t``) removed; nothing else changes.
  For ``.txt`` the title line stays in the text; for ``.md`` the front matter is removed.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from kg.errors import InputError
from kg.records import Article, Skipped

__all__ = ["read_corpus", "read_file", "decode_bytes", "to_clean_text", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
IGNORED_NAMES = frozenset({"readme.md"})
TITLE_MAX_CHARS = 60
META_KEYS = ("id", "title", "date", "source", "url")

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"%PDF-", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "an executable (ELF)"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_LEGACY = ("gb18030", "big5")
_FIX_ENCODING = "save it as UTF-8 and rebuild"


# --------------------------------------------------------------------------- decoding

def _reject(reason: str, message: str) -> InputError:
    err = InputError(message)
    err.reason = reason
    return err


@lru_cache(maxsize=1)
def _common_cjk() -> frozenset[str]:
    """The 3,755 level-1 GB2312 hanzi plus the 5,401 common Big5 hanzi (frequency proxies)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        chars.update(bytes([lead, t]).decode("gb2312", "ignore") for t in range(0xA1, 0xFF))
    for lead in range(0xA4, 0xC7):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            chars.add(bytes([lead, trail]).decode("big5", "ignore"))
    chars.discard("")
    return frozenset(chars)


def _is_pua(ch: str) -> bool:
    return unicodedata.category(ch) == "Co"


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def _is_common(ch: str, common: frozenset[str]) -> bool:
    """ASCII, common hanzi, CJK/full-width punctuation, kana and usual symbols."""
    o = ord(ch)
    return (
        o < 0x80
        or ch in common
        or 0x2000 <= o <= 0x27BF  # punctuation, letterlike, arrows, maths, enclosed numbers
        or 0x3000 <= o <= 0x30FF  # CJK punctuation, kana
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or ch in "·×÷°±§"
    )


def _plausibility(text: str) -> tuple[bool, str]:
    """Is this what a human wrote? Returns (ok, why-not)."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return True, ""
    common = _common_cjk()
    pua = sum(1 for ch in chars if _is_pua(ch))
    if pua > len(chars) * 0.001:
        return False, f"{pua} private-use characters"
    share = sum(1 for ch in chars if _is_common(ch, common)) / len(chars)
    if share < 0.85:
        return False, f"only {share:.0%} of the characters are common ASCII/CJK"
    cjk = [ch for ch in chars if _is_cjk(ch)]
    if cjk:
        cjk_share = sum(1 for ch in cjk if ch in common) / len(cjk)
        if cjk_share < 0.8:
            return False, f"only {cjk_share:.0%} of the hanzi are common ones"
    return True, ""


def _score(text: str) -> float:
    common = _common_cjk()
    cjk = [ch for ch in text if _is_cjk(ch)]
    return sum(1 for ch in cjk if ch in common) / len(cjk) if cjk else 0.0


def _detect_legacy(data: bytes) -> str | None:
    """chardet's guess, mapped onto the encodings we accept (GB18030 or Big5) or None."""
    import chardet

    name = (chardet.detect(data).get("encoding") or "").lower().replace("_", "-")
    if name in {"gb2312", "gbk", "gb18030", "hz-gb-2312", "cp936"}:
        return "gb18030"
    if name in {"big5", "big5hkscs", "big5-hkscs", "cp950"}:
        return "big5"
    return None


def _check_text(text: str, encoding: str) -> str:
    if not text.strip():
        raise _reject("empty", "the file is empty or only whitespace; add the article text or delete the file")
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
    if controls > max(2, len(text) // 20):
        raise _reject("binary", f"{controls} control characters in {len(text)} (a binary file?); convert it to text or remove it")
    ok, why = _plausibility(text)
    if not ok:
        raise _reject(
            "implausible",
            f"decoded as {encoding} but the text looks garbled ({why}); {_FIX_ENCODING}",
        )
    return text


def decode_bytes(data: bytes) -> str:
    """Decode a Chinese text file; raise :class:`InputError` with ``.reason`` if it can't be used.

    Order: BOM (UTF-8/16/32), binary check, strict UTF-8 (an incomplete last character is
    dropped), then GB18030 or Big5 as chardet suggests, the better-scoring one winning;
    finally a plausibility check rejects mojibake.

    >>> decode_bytes("支付宝".encode("gbk") * 8)[:3]
    '支付宝'
    """
    if not data.strip():
        raise _reject("empty", "the file is empty or only whitespace; add the article text or delete the file")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _reject("binary", f"this is {what}, not text; convert it to .txt/.md or remove it")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        for bom, enc in _BOMS:
            if data.startswith(bom):
                try:
                    return _check_text(data[len(bom):].decode(enc), enc.upper())
                except UnicodeDecodeError as exc:
                    raise _reject(
                        "undecodable", f"it starts with a {enc.upper()} mark but is not valid {enc.upper()} "
                        f"(byte {exc.start + len(bom)}); {_FIX_ENCODING}"
                    ) from None
    data = data.rstrip(b"\x00")  # zero padding after a preallocated/interrupted download
    if b"\x00" in data:
        raise _reject("binary", "it contains NUL bytes (a binary file?); convert it to text or remove it")
    try:
        return _check_text(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return _check_text(data[: exc.start].decode("utf-8"), "UTF-8 (last character cut off)")
    guess = _detect_legacy(data)
    order = [guess] + [e for e in _LEGACY if e != guess] if guess else list(_LEGACY)
    decoded: list[tuple[float, int, str, str]] = []
    for rank, enc in enumerate(order):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        decoded.append((_score(text), -rank, enc, text))
    if not decoded:
        raise _reject(
            "undecodable",
            "it is not UTF-8, UTF-16, GB18030 or Big5 text; " + _FIX_ENCODING,
        )
    _, _, enc, text = max(decoded)
    return _check_text(text, enc.upper())


# --------------------------------------------------------------------------- cleaning

_NEWLINES = re.compile(r"\r\n?")
_CONTROL = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]}


def to_clean_text(text: str) -> str:
    """``\\r\\n``/``\\r`` -> ``\\n`` and Cc characters except ``\\n``/``\\t`` removed."""
    return _NEWLINES.sub("\n", text).translate(_CONTROL)


def _article(id: str, text: str, path: str, meta: dict[str, str]) -> Article:
    return Article(
        id=id,
        text=text,
        title=meta.get("title", "").strip(),
        date=meta.get("date", "").strip(),
        source=meta.get("source", "").strip(),
        url=meta.get("url", "").strip(),
        path=path,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


# --------------------------------------------------------------------------- formats

def _parse_txt(text: str) -> tuple[str, dict[str, str]]:
    lines = text.lstrip("\n").split("\n")
    title = lines[0].strip()
    if len(lines) > 2 and title and len(title) <= TITLE_MAX_CHARS and not lines[1].strip():
        return text, {"title": title}
    return text, {}


def _parse_md(text: str) -> tuple[str, dict[str, str]]:
    """Split ``---`` front matter (``key: value`` lines) from the body."""
    meta: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                for line in lines[1:end]:
                    key, sep, value = line.partition(":")
                    if sep and key.strip():
                        value = value.strip()
                        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                            value = value[1:-1]
                        meta[key.strip().lower()] = value
                text = "\n".join(lines[end + 1:]).lstrip("\n")
                break
    if not meta.get("title"):
        first = next((line for line in text.split("\n") if line.strip()), "")
        if first.startswith("# "):
            meta["title"] = first[2:].strip()
    return text, meta


_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "iframe", "svg")
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "blockquote", "pre", "table", "tr", "td", "th", "dt", "dd", "dl", "figcaption", "figure", "br", "hr",
)
_SPACES = re.compile(r"[ \t\f\v\r\n]+")


def _parse_html(text: str) -> tuple[str, dict[str, str]]:
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(text, "html.parser")
    meta: dict[str, str] = {}
    if soup.title and soup.title.get_text(strip=True):
        meta["title"] = soup.title.get_text(" ", strip=True)
    for attrs, key in (
        ({"name": "date"}, "date"), ({"property": "article:published_time"}, "date"),
        ({"name": "author"}, "source"), ({"property": "og:site_name"}, "source"),
        ({"property": "og:url"}, "url"),
    ):
        tag = soup.find("meta", attrs=attrs)
        if tag and tag.get("content") and key not in meta:
            meta[key] = str(tag["content"])
    link = soup.find("link", rel="canonical")
    if link and link.get("href") and "url" not in meta:
        meta["url"] = str(link["href"])
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    if "title" not in meta:
        h1 = root.find("h1") or soup.find("h1")
        if h1:
            meta["title"] = h1.get_text(" ", strip=True)
    if "date" not in meta:
        time = root.find("time", attrs={"datetime": True})
        if time:
            meta["date"] = str(time["datetime"])
    # Mark block boundaries with NUL (already removed from the text), collapse HTML whitespace,
    # then turn the marks into line breaks.
    for block in root.find_all(_BLOCK_TAGS):
        block.insert_before(NavigableString("\x00"))
        block.append(NavigableString("\x00"))
    flat = _SPACES.sub(" ", root.get_text(""))
    lines = (line.strip() for line in flat.split("\x00"))
    return "\n".join(line for line in lines if line), meta


_PARSERS = {".txt": _parse_txt, ".md": _parse_md, ".html": _parse_html, ".htm": _parse_html}


def _read_jsonl(text: str, path: Path, rel: str) -> tuple[list[Article], list[Skipped]]:
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{rel}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(where, "bad-jsonl", f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); fix or delete this line"))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            skipped.append(Skipped(where, "bad-jsonl", f'{where}: expected an object with a string "text"; fix or delete this line'))
            continue
        body = to_clean_text(record["text"])
        if not body.strip():
            skipped.append(Skipped(where, "empty", f'{where}: "text" is empty; add the article text or delete this line'))
            continue
        meta = {k: str(record[k]) for k in META_KEYS if record.get(k) not in (None, "")}
        articles.append(_article(meta.get("id") or f"{path.stem}-{lineno}", body, rel, meta))
    if not articles and len(skipped) > 1 and all(s.reason == "bad-jsonl" for s in skipped):
        # Not an article file at all (e.g. a list of entities): one record, not one per line.
        return [], [Skipped(rel, "bad-jsonl", f'{rel}: none of its {len(skipped)} lines is an article '
                            f'(first problem: {skipped[0].message}); move it out of the corpus or fix it')]
    return articles, skipped


def read_file(path: Path, root: Path) -> tuple[list[Article], list[Skipped]]:
    """Read one corpus file (a ``.jsonl`` file may hold many articles); never raises for a bad file."""
    path, root = Path(path), Path(root)
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return [], [Skipped(rel, "unsupported", f"{rel}: unsupported file type {suffix or '(none)'}; "
                            f"use one of {' '.join(SUPPORTED_SUFFIXES)} or move it out of the corpus")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Skipped(rel, "unreadable", f"{rel}: cannot be read ({exc.strerror or exc}); check the file and its permissions")]
    try:
        text = to_clean_text(decode_bytes(data))
    except InputError as exc:
        return [], [Skipped(rel, getattr(exc, "reason", "undecodable"), f"{rel}: {exc}")]
    if suffix == ".jsonl":
        return _read_jsonl(text, path, rel)
    try:
        body, meta = _PARSERS[suffix](text)
    except Exception as exc:  # a parser bug must not stop the build  # noqa: BLE001
        return [], [Skipped(rel, "unparsable", f"{rel}: could not parse the {suffix} file ({exc}); check its markup")]
    if not body.strip():
        return [], [Skipped(rel, "empty", f"{rel}: no article text found; add text (for HTML, inside <article> or <main>)")]
    return [_article(meta.get("id") or path.stem, body, rel, meta)], []


def _walk(root: Path, real_root: Path):
    """Yield ``(path, problem)`` sorted by relative path; ``problem`` is a Skipped or None."""
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            if not name.startswith(".") and name.lower() not in IGNORED_NAMES:
                path = Path(dirpath, name)
                found.append((path.relative_to(root).as_posix(), path))
    for rel, path in sorted(found):
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                yield path, Skipped(rel, "unreadable", f"{rel}: broken symbolic link; fix or remove it")
                continue
            if not target.is_relative_to(real_root):
                yield path, Skipped(rel, "outside-corpus", f"{rel}: links to {target}, outside the corpus; copy the file in instead")
                continue
        yield path, None


def read_corpus(root: Path) -> tuple[list[Article], list[Skipped]]:
    """Read every supported file under ``root`` (sorted, recursive). Ids are unique and stable."""
    root = Path(root)
    if not root.is_dir():
        raise _reject("missing", f"corpus folder {root} does not exist or is not a folder; pass the folder that holds the articles")
    real_root = root.resolve()
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for path, problem in _walk(root, real_root):
        if problem is not None:
            skipped.append(problem)
            continue
        got, bad = read_file(path, root)
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
    try:
        text = decode_bytes(path.read_bytes())
    except InputError as exc:
        return [], [Skipped(path.as_posix(), getattr(exc, "reason", "undecodable"), f"{path}: {exc}")]
    except OSError as exc:
        return [], [Skipped(path.as_posix(), "unreadable", f"{path}: cannot read ({exc.strerror})")]
    return _read_jsonl(to_clean_text(text), path, path.as_posix())
