"""Folding GX results over chunks into one outcome per check, and flagged rows per failing check.

A frame is validated chunk by chunk, so each expectation yields one GX result per chunk. `Tally`
adds them up the way GX would have on the whole frame: counts are summed, the success of a column
map expectation is recomputed from the summed counts and its `mostly`, and an aggregate
expectation (no unexpected count) succeeds only if it succeeded on every chunk. Row failures are
taken from `unexpected_index_list` (result format COMPLETE, indexed by the frame's row key and
claim key, plus the raw file's sha256 in the ingestion gate) and never hold more than ids, the
claim number, the file and the offending value (masked when it identifies a patient:
`transforms.phi`).

Everything here is plain Python over GX result objects (duck-typed), so it is tested without
running GX.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from transforms.phi import is_identifier, mask, shown
from transforms.quality.frames import Frame

PARTIAL_LIMIT = 20


def to_text(value: Any) -> str | None:
    """A value as analysts should read it: Decimal and dates in ISO/plain form, None stays None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_default(value: Any) -> Any:
    return to_text(value)


def _plain(value: Any) -> Any:
    """JSON-safe scalar: numbers and text stay, Decimal/dates become text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return to_text(value)


def expectation_label(expectation_type: str, kwargs: dict[str, Any]) -> str:
    """'expect_column_values_to_not_be_null(claim_id)'; pairs name both columns."""
    if "column" in kwargs:
        columns = str(kwargs["column"])
    elif "column_A" in kwargs:
        columns = f"{kwargs['column_A']}, {kwargs['column_B']}"
    elif "column_list" in kwargs:
        columns = ", ".join(kwargs["column_list"])
    else:
        columns = ""
    return f"{expectation_type}({columns})"


@dataclass
class Tally:
    """One check's results summed over the chunks of its frame."""

    suite: str
    gx_suite: str
    table_name: str
    check: str
    severity: str
    expectation: str
    mostly: float = 1.0
    chunks: int = 0
    element_count: int = 0
    missing_count: int = 0
    unexpected_count: int | None = None
    chunk_successes: list[bool] = field(default_factory=list)
    observed: list[Any] = field(default_factory=list)
    partial_unexpected: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def check_name(self) -> str:
        return f"{self.suite}.{self.check}"

    @property
    def nonmissing_count(self) -> int:
        return self.element_count - self.missing_count

    @property
    def success(self) -> bool:
        if self.errors:
            return False
        if self.unexpected_count is None:
            return all(self.chunk_successes)
        if self.nonmissing_count <= 0:
            return True
        return self.unexpected_count <= (1 - self.mostly) * self.nonmissing_count + 1e-9

    @property
    def unexpected_percent(self) -> float | None:
        if self.unexpected_count is None:
            return None
        if self.nonmissing_count <= 0:
            return 0.0
        return 100.0 * self.unexpected_count / self.nonmissing_count

    @property
    def observed_value(self) -> str | None:
        """Text for quality.expectation_results: errors, else the aggregate value, else examples."""
        if self.errors:
            return "error: " + "; ".join(self.errors)[:500]
        if self.observed:
            value = self.observed[0] if len(self.observed) == 1 else self.observed
            return json.dumps(value, default=_json_default)
        if self.unexpected_count:
            return json.dumps(
                {"unexpected_examples": self.partial_unexpected[:PARTIAL_LIMIT]},
                default=_json_default,
            )
        return None

    def add(self, result: Any) -> None:
        """Fold in one chunk's ExpectationValidationResult."""
        self.chunks += 1
        self.chunk_successes.append(bool(result.success))
        info = result.exception_info or {}
        if info.get("raised_exception"):
            self.errors.append(str(info.get("exception_message") or "expectation raised"))
        payload = result.result or {}
        self.element_count += int(payload.get("element_count") or 0)
        self.missing_count += int(payload.get("missing_count") or 0)
        if payload.get("unexpected_count") is not None:
            self.unexpected_count = (self.unexpected_count or 0) + int(payload["unexpected_count"])
        if "observed_value" in payload:
            self.observed.append(payload["observed_value"])
        room = PARTIAL_LIMIT - len(self.partial_unexpected)
        if room > 0:
            examples = (payload.get("partial_unexpected_list") or [])[:room]
            if _checks_identifier(result.expectation_config):
                examples = [mask(to_text(v)) for v in examples]
            self.partial_unexpected.extend(examples)

    def as_record(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "gx_suite": self.gx_suite,
            "table_name": self.table_name,
            "check_name": self.check_name,
            "expectation": self.expectation,
            "severity": self.severity,
            "success": self.success,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_percent": self.unexpected_percent,
            "observed_value": self.observed_value,
        }

    def merged_result_payload(self) -> dict[str, Any]:
        """A small GX-style `result` dict for Data Docs (no full unexpected lists)."""
        payload: dict[str, Any] = {
            "element_count": self.element_count,
            "missing_count": self.missing_count,
        }
        if self.unexpected_count is not None:
            total = (
                100.0 * self.unexpected_count / self.element_count if self.element_count else 0.0
            )
            payload.update(
                {
                    "unexpected_count": self.unexpected_count,
                    "unexpected_percent": self.unexpected_percent,
                    "unexpected_percent_nonmissing": self.unexpected_percent,
                    "unexpected_percent_total": total,
                    "partial_unexpected_list": [_safe(v) for v in self.partial_unexpected],
                }
            )
        if self.observed:
            observed = [_escape_strings(_plain(v)) for v in self.observed]
            payload["observed_value"] = observed[0] if len(observed) == 1 else observed
        return payload


def _safe(value: Any) -> str | None:
    """An example value as Data Docs may show it: text, HTML-escaped (GX's templates write values
    into the page unescaped, and these come from payers and senders)."""
    text = to_text(value)
    return None if text is None else html.escape(text)


def _escape_strings(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, list):
        return [_escape_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape_strings(v) for k, v in value.items()}
    return value


def _checks_identifier(config: Any) -> bool:
    """Whether an expectation's failing values come from a column that identifies a patient."""
    kwargs = config.kwargs or {}
    columns = [
        (config.meta or {}).get("offending_column"),
        kwargs.get("column"),
        kwargs.get("column_A"),
        kwargs.get("column_B"),
        *(kwargs.get("column_list") or []),
    ]
    return any(is_identifier(c) for c in columns if isinstance(c, str))


def new_tally(frame: Frame, config: Any) -> Tally:
    meta = config.meta or {}
    kwargs = dict(config.kwargs or {})
    mostly = kwargs.get("mostly", 1.0)
    return Tally(
        suite=frame.suite,
        gx_suite=frame.gx_suite,
        table_name=frame.table_name,
        check=str(meta.get("check") or expectation_label(config.type, kwargs)),
        severity=str(meta.get("severity") or "critical"),
        expectation=expectation_label(config.type, kwargs),
        mostly=float(mostly) if isinstance(mostly, int | float) else 1.0,
    )


def index_columns(frame: Frame, suite_meta: list[dict[str, Any]]) -> list[str]:
    """Columns GX should report for each unexpected row: keys, then offending columns."""
    columns = [c for c in (frame.row_key, frame.claim_key, frame.file_key) if c]
    for meta in suite_meta:
        column = meta.get("offending_column")
        if column and column not in columns:
            columns.append(column)
    return columns


def row_failures(frame: Frame, tally: Tally, result: Any) -> list[dict[str, Any]]:
    """One record per unexpected row of one chunk's result (nothing for one-row summaries)."""
    if frame.row_key is None:
        return []
    payload = result.result or {}
    rows = payload.get("unexpected_index_list") or []
    if not rows or not isinstance(rows[0], dict):
        return []
    kwargs = result.expectation_config.kwargs or {}
    offending = (result.expectation_config.meta or {}).get("offending_column")
    records = []
    for row in rows:
        if offending and offending in row:
            value = to_text(shown(offending, row.get(offending)))
        elif "column" in kwargs:
            value = to_text(shown(kwargs["column"], row.get(kwargs["column"])))
        elif "column_A" in kwargs:
            a, b = kwargs["column_A"], kwargs["column_B"]
            value = f"{a}={to_text(shown(a, row.get(a)))}; {b}={to_text(shown(b, row.get(b)))}"
        else:
            value = None
        records.append(
            {
                "check_name": tally.check_name,
                "severity": tally.severity,
                "table_name": frame.table_name,
                "row_key": to_text(row.get(frame.row_key)),
                "claim_id": to_text(row.get(frame.claim_key)) if frame.claim_key else None,
                "offending_value": value,
                "file_sha256": to_text(row.get(frame.file_key)) if frame.file_key else None,
            }
        )
    return records


def synthetic_failure(frame: Frame, check: str, expectation: str, message: str) -> Tally:
    """A critical failure that GX could not evaluate (missing table, failed frame query)."""
    tally = Tally(
        suite=frame.suite,
        gx_suite=frame.gx_suite,
        table_name=frame.table_name,
        check=check,
        severity="critical",
        expectation=expectation,
    )
    tally.errors.append(message)
    return tally
