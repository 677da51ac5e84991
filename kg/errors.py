"""Typed errors raised by the library; the CLI maps them to exit codes.

Every message names the offending file, row or option and says what to do,
in the manner of spaCy's ``Errors`` table.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code: int = 2


class InputError(KGError):
    """An article file or option cannot be used (exit code 2).

    Args:
        path: The file (or option) at fault; it leads the message.
        reason: What is wrong and, where possible, what to do about it.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class OntologyError(KGError):
    """A file under ontology/ is missing, malformed or inconsistent."""


class PatternError(OntologyError):
    """A pattern or gazetteer row is invalid; the message names file and row."""


class ExportError(KGError):
    """An output file could not be written."""


class QueryError(KGError):
    """A SPARQL query or the graph it runs on cannot be used."""
