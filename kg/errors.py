"""Errors a user can fix. The CLI prints them as ``Error: ...`` and exits 1."""


class KGError(Exception):
    """Base class: the message says what went wrong, where, and how to fix it."""


class ConfigError(KGError):
    """A setting, the ontology or the lexicon is invalid."""


class InputError(KGError):
    """An input file or record cannot be used; ``reason`` is a short code for the build report."""

    def __init__(self, message: str, reason: str = "invalid"):
        super().__init__(message)
        self.reason = reason


class QueryError(KGError):
    """A SPARQL query is invalid or not allowed."""
