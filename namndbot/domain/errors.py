"""Errors whose message is a Swedish sentence meant for the person who caused it."""

from __future__ import annotations


class NamndbotError(Exception):
    """Base of every error a user may see.

    ``str(error)`` is a complete Swedish sentence; ``hint`` (optional) says what
    to do instead.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def full(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class RosterError(NamndbotError):
    """The roster file can't be used as it is."""


class NameLookupError(NamndbotError):
    """A name matched nobody, or more than one person."""

    def __init__(self, message: str, candidates: list[str], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.candidates = candidates


class RuleError(NamndbotError):
    """A request that the committee's rules don't allow."""


class NotFound(NamndbotError):
    """A committee, meeting or record that doesn't exist."""
