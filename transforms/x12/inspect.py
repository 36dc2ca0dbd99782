"""`rcm x12 inspect`: what an X12 file holds, in one JSON-ready dict, for people and scripts.

Counts (interchanges, groups, transaction sets, claims, service lines), money totals as decimal
strings, reversals (CLP02 = 22) and every balancing failure (line, claim, transaction; see
`transforms.x12.flatten_835`). The same reader as `rcm ingest`, so `inspect` sees what ingestion loads: defects that leave the money
readable (envelope control numbers and counts, negative units...) are listed under `findings` and the
totals include their transaction sets; a transaction set ingestion would quarantine is listed under
`rejected` (its money is not in the totals); a file that cannot be tokenized raises `X12Error`.
`strict=True` reads with the old rule (envelope findings reject what they enclose).

Totals: `billed_total` = sum CLP03 + sum CLM02; `paid_total` = sum CLP04; `patient_responsibility_total`
= sum CLP05; `adjustment_total` = every CAS amount (835 claim and line CAS, 837 COB CAS);
`plb_total` = every PLB amount; `payment_total` = sum BPR02 as sent (BPR03 = D not negated).
Balance errors name the level, segment position, control numbers and the difference; never a
patient identifier or patient control number. `x12_versions` lists the GS08 values read (ST03 in a
bare file, which has no GS; such a file also reports 0 interchanges and groups and one
`missing_envelope` finding).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from transforms.x12.constants import CLAIM_STATUS_REVERSAL
from transforms.x12.errors import X12Finding
from transforms.x12.gcpause import paused_gc
from transforms.x12.reader import EnvelopeFailure, TransactionResult, X12Reader

ZERO = Decimal("0.00")


def _balance_error(level: str, row: Any) -> dict[str, str | int]:
    return {
        "level": level,
        "position": row.segment_position,
        "interchange_control_number": row.interchange_control_number,
        "transaction_control_number": row.transaction_control_number,
        "difference": str(row.balance_difference),
    }


def inspect_file(path: Path, *, strict: bool = False) -> dict[str, Any]:
    """Summarise one X12 file; raises `X12Error` when its bytes cannot be tokenized."""
    path = Path(path)
    summary = _Summary()
    results: dict[int, TransactionResult] = {}
    failures: list[EnvelopeFailure] = []
    with path.open("rb") as stream, paused_gc():
        reader = X12Reader(stream, file_name=path.name, strict=strict)
        for event in reader:
            if isinstance(event, EnvelopeFailure):
                failures.append(event)
            else:
                results[event.position] = event
    # an envelope that closed wrong rejects every transaction set inside it, as in `rcm ingest`
    retracted: dict[int, Any] = {}
    for failure in failures:
        if not failure.transactions:
            summary.findings.append(X12Finding.from_error(failure.error).as_dict())
        for position in failure.transactions:
            retracted.setdefault(position, failure.error)
    for position, event in results.items():
        error = event.error or retracted.get(position)
        if error is not None:
            summary.rejected.append({**error.as_dict(), "transaction_position": position})
            continue
        summary.add(event)
        summary.findings.extend(finding.as_dict() for finding in event.findings)
    summary.findings.extend(finding.as_dict() for finding in reader.envelope_findings)
    summary.findings.sort(key=lambda finding: (finding["position"] or 0, str(finding["rule"])))
    return {
        "file": str(path),
        "interchanges": reader.interchanges,
        "groups": reader.groups,
        "transactions": reader.transactions,
        "segments": reader.segments,
        "transaction_types": dict(sorted(summary.kinds.items())),
        "claims": summary.counts["claims"],
        "service_lines": summary.counts["service_lines"],
        **{key: str(value) for key, value in summary.money.items()},
        "reversals": summary.counts["reversals"],
        "balance_errors": sorted(
            summary.balance_errors, key=lambda error: (error["position"], str(error["level"]))
        ),
        "x12_versions": sorted(summary.versions),
        "findings": summary.findings,
        "rejected": summary.rejected,
    }


class _Summary:
    """Running totals over the valid transaction sets of one file."""

    def __init__(self) -> None:
        self.money = dict.fromkeys(
            (
                "billed_total",
                "paid_total",
                "patient_responsibility_total",
                "adjustment_total",
                "plb_total",
                "payment_total",
            ),
            ZERO,
        )
        self.counts: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.balance_errors: list[dict[str, str | int]] = []
        self.findings: list[dict[str, object]] = []
        self.rejected: list[dict[str, object]] = []
        self.versions: set[str] = set()

    def add(self, event: TransactionResult) -> None:
        money, counts, rows = self.money, self.counts, event.rows
        self.kinds[event.transaction_type] += 1
        if event.version:
            self.versions.add(event.version)
        for payment in rows.get("x835_payments", ()):
            money["payment_total"] += payment.payment_amount
            if not payment.is_balanced:
                self.balance_errors.append(_balance_error("transaction", payment))
        for claim in rows.get("x835_claims", ()):
            counts["claims"] += 1
            money["billed_total"] += claim.billed_amount
            money["paid_total"] += claim.paid_amount
            money["patient_responsibility_total"] += claim.patient_responsibility_amount or ZERO
            counts["reversals"] += claim.claim_status_code == CLAIM_STATUS_REVERSAL
            if not claim.is_balanced:
                self.balance_errors.append(_balance_error("claim", claim))
        for line in rows.get("x835_service_lines", ()):
            counts["service_lines"] += 1
            if not line.is_balanced:
                self.balance_errors.append(_balance_error("line", line))
        for adjustment in rows.get("x835_adjustments", ()):
            money["adjustment_total"] += adjustment.adjustment_amount
        for plb in rows.get("x835_provider_adjustments", ()):
            money["plb_total"] += plb.provider_adjustment_amount
        for claim in rows.get("x837_claims", ()):
            counts["claims"] += 1
            money["billed_total"] += claim.billed_amount
        counts["service_lines"] += len(rows.get("x837_claim_lines", ()))
        money["adjustment_total"] += event.stats.get("cas_total", ZERO)
