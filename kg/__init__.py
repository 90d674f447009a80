"""fintech-kg: a knowledge graph of China's fintech ecosystem, built from news articles."""

__version__ = "0.1.0"
