"""Decoded text -> article text and metadata, for each supported format (.txt .md .html/.htm .jsonl)."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath

from kg.records import Article, Skipped

__all__ = ["to_clean_text", "to_article", "to_jsonl_articles", "PARSERS", "TITLE_MAX_CHARS", "META_KEYS"]

TITLE_MAX_CHARS = 60
META_KEYS = ("id", "title", "date", "source", "url")

_NEWLINES = re.compile(r"\r\n?")
# Cc characters except \t and \n (a regex: str.translate is ~10x slower on CJK text)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def to_clean_text(text: str) -> str:
    """``\\r\\n``/``\\r`` -> ``\\n`` and Cc characters except ``\\n``/``\\t`` removed.

    >>> to_clean_text("支付宝\\r\\n微信\\x00\\x1b\\x85\\t红包\\r")
    '支付宝\\n微信\\t红包\\n'
    """
    return _CONTROL.sub("", _NEWLINES.sub("\n", text))


def to_article(id: str, text: str, path: str, meta: dict[str, str]) -> Article:
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


PARSERS = {".txt": _parse_txt, ".md": _parse_md, ".html": _parse_html, ".htm": _parse_html}


def to_jsonl_articles(text: str, rel: str) -> tuple[list[Article], list[Skipped]]:
    """One article per JSON line (``{"text": ..., "id"/"title"/...: ...}``); REL names the file in messages."""
    stem = PurePosixPath(rel).stem
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
        articles.append(to_article(meta.get("id") or f"{stem}-{lineno}", body, rel, meta))
    if not articles and len(skipped) > 1 and all(s.reason == "bad-jsonl" for s in skipped):
        # Not an article file at all (e.g. a list of entities): one record, not one per line.
        return [], [Skipped(rel, "bad-jsonl", f'{rel}: none of its {len(skipped)} lines is an article '
                            f'(first problem: {skipped[0].message}); move it out of the corpus or fix it')]
    return articles, skipped
