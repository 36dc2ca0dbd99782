"""Which columns identify a patient, and how their values are shown where people read them.

HIPAA's minimum-necessary rule: the published warehouse, the quality tables and Data Docs show an
identifier only where an analyst needs it to work a claim. The patient control number stays as
`claim_id`/`patient_control_number` in the marts (it is how a biller finds the account), but when
an identifier is the *failing value* of a check, the check result shows a masked form: enough to
tell two values apart in one report, never enough to look a patient up.
"""

from __future__ import annotations

import hashlib

# Column names (in extracts, raw tables and frames) whose values identify a patient or a member.
IDENTIFIER_COLUMNS: frozenset[str] = frozenset(
    {
        "patient_id",  # MRN
        "mrn",
        "patient_birth_date",
        "birth_date",
        "date_of_birth",
        "subscriber_id",
        "insured_id",
        "member_id",
        "patient_control_number",
        "claim_patient_control_number",
        "patient_first_name",
        "patient_last_name",
        "patient_name",
        "subscriber_name",
        "patient_address",
        "patient_city",
        "patient_zip",
    }
)

MASK = "***"


def is_identifier(column: str | None) -> bool:
    return bool(column) and column.lower() in IDENTIFIER_COLUMNS


def mask(value: object) -> str | None:
    """`***` + the last two characters + a short digest (tells values apart, never reveals them).

    The digest is 6 hex characters of SHA-256: with the last two characters it separates the
    values of one run's failures; it is too short to confirm a guessed identifier with certainty.
    """
    if value is None:
        return None
    text = str(value)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    return f"{MASK}{text[-2:] if len(text) > 4 else ''}#{digest}"


def shown(column: str | None, value: object) -> object:
    """The value of `column` as a check result may show it: masked when the column identifies."""
    return mask(value) if is_identifier(column) and value is not None else value
