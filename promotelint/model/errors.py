"""Errors that end a run with exit code 2 (bad input, usage, config) and the exit codes themselves."""

from __future__ import annotations

EXIT_OK = 0
EXIT_BLOCKING = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class InputError(Exception):
    """Bad input: printed as one line `file:line: message (fix)` and exit code 2, never a traceback."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.fix = fix

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        fix = f" ({self.fix})" if self.fix else ""
        return f"{where}{self.message}{fix}"
