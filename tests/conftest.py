"""Shared fixtures: one spaCy pipeline per test session; paths to the optional ../shared material."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from kg.extract import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def extract(nlp):
    """extract("text") -> Extraction, for example-style tests."""
    from kg.extract import extract_article
    from kg.records import Article

    def run(text: str, id: str = "t"):
        return extract_article(Article(id=id, text=text), nlp)

    return run


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test: a user's clone has no ../shared."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present (development material beside the repo; not in a user's clone)")
    return p
