"""Typed X12 errors: each names the file, the segment's position, its id, the element and the rule.

`X12Error` is the only exception the X12 package lets out (the CLI maps it to exit code 2).
Subclasses say how far the damage reaches:

- `X12SyntaxError`   the file cannot be tokenized (no ISA, bad separators, not UTF-8 text, a
                     runaway segment): the whole file is the unit of quarantine;
- `X12EnvelopeError` an ISA/GS/ST trailer does not agree with its header (counts, control numbers,
                     missing trailers, segments outside an envelope): the enclosing transaction set,
                     functional group or interchange is quarantined;
- `X12ContentError`  a segment inside a transaction set cannot be read (bad amount, bad date, a
                     service line without a claim...): that transaction set is quarantined.

Messages never quote element values other than counts and control numbers, so they are safe to log.
"""

from __future__ import annotations

from transforms.errors import RcmError
from transforms.x12.constants import SCOPE_FILE, SCOPE_TRANSACTION


class X12Error(RcmError):
    """A file, envelope or segment that cannot be read as X12."""

    scope: str = SCOPE_FILE

    def __init__(
        self,
        message: str,
        *,
        rule: str,
        file: str | None = None,
        position: int | None = None,
        segment_id: str | None = None,
        element: str | None = None,
        scope: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.file = file
        self.position = position
        self.segment_id = segment_id
        self.element = element
        if scope is not None:
            self.scope = scope

    def __str__(self) -> str:
        where = [self.file or "<input>"]
        if self.position is not None:
            where.append(f"segment {self.position}")
        if self.segment_id:
            where.append(self.segment_id)
        if self.element:
            where.append(f"element {self.element}")
        return f"{', '.join(where)}: {self.message} [{self.rule}]"

    def __reduce__(self) -> tuple:
        # keyword-only arguments: the default Exception pickling (args only) cannot rebuild it
        return (_rebuild, (type(self), dict(self.__dict__)))

    def with_file(self, file: str) -> X12Error:
        """Fill in the file name when the raiser did not know it; returns self."""
        if self.file is None:
            self.file = file
        return self

    def as_dict(self) -> dict[str, object]:
        """The machine-readable reason written next to quarantined bytes."""
        return {
            "file": self.file,
            "position": self.position,
            "segment": self.segment_id,
            "element": self.element,
            "rule": self.rule,
            "scope": self.scope,
            "message": self.message,
        }


class X12SyntaxError(X12Error):
    """The bytes cannot be split into segments (the whole file is rejected)."""

    scope = SCOPE_FILE


class X12EnvelopeError(X12Error):
    """An envelope header and its trailer disagree; `scope` names the envelope that is rejected."""


class X12ContentError(X12Error):
    """A segment inside a transaction set cannot be read; the transaction set is rejected."""

    scope = SCOPE_TRANSACTION


def _rebuild(cls: type[X12Error], state: dict[str, object]) -> X12Error:
    """Unpickle an `X12Error` (errors cross process boundaries in `transforms.ingest.parallel`)."""
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error
