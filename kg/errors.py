"""Errors a user can fix. The CLI prints them as ``Error: ...`` and exits 1."""


class KGError(Exception):
    """Base class: the message says what went wrong, where, and how to fix it."""


class ConfigError(KGError):
    """A setting, the ontology or the lexicon is invalid."""


class InputError(KGError):
    """An input file or record cannot be used."""


class QueryError(KGError):
    """A SPARQL query is invalid or not allowed."""
