"""Errors raised for user mistakes (bad parameters, bad files).

Every user-facing error derives from :class:`PovsimError`; the command line
prints its message without a traceback and exits with status 2.
"""

from __future__ import annotations

from dataclasses import dataclass


class PovsimError(Exception):
    """A mistake in user input: its message says what is wrong and what is allowed."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found while validating parameters or a scenario file.

    Attributes:
        path: Dotted parameter path (for example ``health.reimbursement_rate``).
        value: The offending value, or ``None`` when a value is missing.
        message: What is wrong and what is allowed.
        file: The scenario file the value came from, if any.
    """

    path: str
    value: object
    message: str
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        shown = "" if self.value is None else f" = {self.value!r}"
        return f"{where}{self.path}{shown}: {self.message}"


class ParameterError(PovsimError):
    """One or more invalid parameters; the message lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} with the parameters:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))
