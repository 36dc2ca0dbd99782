"""The report's error: a published warehouse that is missing, or lacks a table the report reads."""

from __future__ import annotations

from transforms.errors import RcmError


class ReportError(RcmError):
    """The report cannot be written; the message names the file and the rule that failed."""
