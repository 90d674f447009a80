"""Settings: one frozen object with defaults in one place."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = REPO_DIR / "ontology"

# Namespaces of the graph model (docs/graph-model.md).
KG_NS = "https://w3id.org/fintech-kg/ontology#"
ENTITY_NS = "https://w3id.org/fintech-kg/entity/"
ARTICLE_NS = "https://w3id.org/fintech-kg/article/"
MENTION_NS = "https://w3id.org/fintech-kg/mention/"

PIPELINE_VERSION = "1"


@dataclass(frozen=True)
class Settings:
    ontology_dir: Path = ONTOLOGY_DIR
    lexicon_file: str = "lexicon.tsv"
    scenarios_file: str = "scenarios.ttl"
    listed_file: str = "listed_companies.tsv"
    ontology_file: str = "fintech.ttl"
    shapes_file: str = "shapes.ttl"
    rules_dir: str = "rules"
    cache_dir: Path = field(default_factory=lambda: REPO_DIR / ".cache")

    def path(self, name: str) -> Path:
        return self.ontology_dir / name


DEFAULT = Settings()
