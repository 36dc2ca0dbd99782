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

from dataclasses import dataclass

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
        return (
            f"{_where(self.file, self.position, self.segment_id, self.element)}: "
            f"{self.message} [{self.rule}]"
        )

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


@dataclass(frozen=True, slots=True)
class X12Finding:
    """A defect that does not stop the money from being read: recorded, and the unit loads.

    Envelope control numbers that disagree (ISA13/IEA02, GS06/GE02, ST02/SE02), wrong counts (SE01,
    GE01, IEA01), implausible values (negative units). The industry's "accepted with errors":
    payers send such files every day and the payment they describe is real. `scope` says what the
    finding is about (interchange, group, transaction or value); `transaction_position` is the ST
    position of the transaction set it belongs to, when it belongs to one (a finding of a set that
    is quarantined for another reason is dropped with it).
    """

    message: str
    rule: str
    file: str | None
    position: int | None
    segment_id: str | None
    element: str | None
    scope: str
    transaction_position: int | None = None
    transaction_control_number: str | None = None
    severity: str = "warning"

    @classmethod
    def from_error(
        cls,
        error: X12Error,
        *,
        transaction_position: int | None = None,
        transaction_control_number: str | None = None,
    ) -> X12Finding:
        return cls(
            error.message,
            error.rule,
            error.file,
            error.position,
            error.segment_id,
            error.element,
            error.scope,
            transaction_position,
            transaction_control_number,
        )

    def __str__(self) -> str:
        return (
            f"{_where(self.file, self.position, self.segment_id, self.element)}: "
            f"{self.message} [{self.rule}, {self.severity}]"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "position": self.position,
            "segment": self.segment_id,
            "element": self.element,
            "transaction_control_number": self.transaction_control_number,
            "rule": self.rule,
            "scope": self.scope,
            "severity": self.severity,
            "message": self.message,
        }


def _where(
    file: str | None, position: int | None, segment_id: str | None, element: str | None
) -> str:
    """`file, segment N, SEG, element SEG01` for messages (never a value)."""
    where = [file or "<input>"]
    if position is not None:
        where.append(f"segment {position}")
    if segment_id:
        where.append(segment_id)
    if element:
        where.append(f"element {element}")
    return ", ".join(where)


def _rebuild(cls: type[X12Error], state: dict[str, object]) -> X12Error:
    """Unpickle an `X12Error` (errors cross process boundaries in `transforms.ingest.parallel`)."""
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error
