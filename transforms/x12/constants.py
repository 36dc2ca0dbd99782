"""Every X12 constant the tokenizer, the envelope checks and the flatteners share, in one place.

Segment ids, element positions that are read by number, version codes, diagnosis qualifiers,
size limits that keep the streaming reader's memory bounded, and the machine-readable rule ids
that errors and quarantine records carry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

# ---- reading -------------------------------------------------------------------------------
CHUNK_CHARS: Final = 1 << 20  # characters decoded per read (bytes read = the same)
MAX_SEGMENT_CHARS: Final = 1 << 20  # a longer run without a terminator is not X12
ISA_SEARCH_CHARS: Final = 1024  # an ISA (106 chars fixed-width, less when trimmed) must
# show its 16 element separators within this many chars
ISA_ELEMENT_COUNT: Final = 16
ISA_FIXED_LENGTH: Final = 106  # ISA segment length in 004010/005010 incl. terminator
SNIFF_BYTES: Final = 1 << 16  # bytes read to recognise an X12 file by content

# ---- segment ids -------------------------------------------------------------------------------
ISA: Final = "ISA"
IEA: Final = "IEA"
GS: Final = "GS"
GE: Final = "GE"
ST: Final = "ST"
SE: Final = "SE"
ENVELOPE_SEGMENTS: Final = frozenset({ISA, IEA, GS, GE, ST, SE})

TRANSACTION_835: Final = "835"
TRANSACTION_837: Final = "837"
SUPPORTED_TRANSACTIONS: Final = frozenset({TRANSACTION_835, TRANSACTION_837})

# GS08 / ST03 implementation guides -> 837 flavour (005010 and 004010)
CLAIM_TYPE_837P: Final = "837P"
CLAIM_TYPE_837I: Final = "837I"
GUIDE_TO_CLAIM_TYPE: Final = {
    "X222": CLAIM_TYPE_837P,
    "X098": CLAIM_TYPE_837P,
    "X223": CLAIM_TYPE_837I,
    "X096": CLAIM_TYPE_837I,
}
FACILITY_QUALIFIER_TO_CLAIM_TYPE: Final = {"B": CLAIM_TYPE_837P, "A": CLAIM_TYPE_837I}

# ---- 835 ---------------------------------------------------------------------------------------
CAS_FIRST_TRIPLE: Final = 2  # CAS02..CAS04 is the first (reason, amount, quantity)
CAS_LAST_TRIPLE: Final = 17  # CAS17..CAS19 is the sixth
PLB_FIRST_PAIR: Final = 3  # PLB03/PLB04 .. PLB13/PLB14
PLB_LAST_PAIR: Final = 13
MIA_REMARK_ELEMENTS: Final = (5, 20, 21, 22, 23)
MOA_REMARK_ELEMENTS: Final = (3, 4, 5, 6, 7)
CREDIT_DEBIT_DEBIT: Final = "D"
CLAIM_STATUS_REVERSAL: Final = "22"
LEVEL_CLAIM: Final = "claim"
LEVEL_LINE: Final = "line"

# ---- 837 ---------------------------------------------------------------------------------------
HL_BILLING_PROVIDER: Final = "20"
HL_SUBSCRIBER: Final = "22"
HL_PATIENT: Final = "23"
# HI qualifiers that carry a diagnosis (ICD-10: ABK principal, ABJ admitting, APR reason for
# visit, ABN external cause, ABF other; ICD-9: BK, BJ, PR, BN, BF). Others in HI (BH occurrence,
# BE value, BG condition, BBR procedure, DR DRG...) are not diagnoses.
DIAGNOSIS_QUALIFIERS: Final = frozenset(
    {"ABK", "ABJ", "APR", "ABN", "ABF", "BK", "BJ", "PR", "BN", "BF"}
)
MAX_DIAGNOSIS_POINTERS: Final = 4
MAX_MODIFIERS: Final = 4

# ---- dates and amounts -------------------------------------------------------------------------
DATE_QUALIFIER_SINGLE: Final = "D8"
DATE_QUALIFIER_RANGE: Final = "RD8"
CENT: Final = Decimal("0.01")
MONEY_LIMIT: Final = Decimal(10) ** 16  # DECIMAL(18,2)
QUANTITY_LIMIT: Final = Decimal(10) ** 12  # DECIMAL(18,6)
QUANTITY_DECIMALS: Final = 6  # X12 `R` quantities keep up to six decimals exactly
NUMBER_CHARS: Final = frozenset("0123456789.-+")
MAX_INTEGER_DIGITS: Final = 9  # INTEGER columns (int32) hold any 9-digit number
VALUE_CACHE_LIMIT: Final = 16_384  # distinct amounts/dates remembered before a reset


class Rule:
    """Machine-readable rule ids carried by every X12Error and quarantine record."""

    EMPTY_FILE = "empty_file"
    ENCODING = "encoding"
    NO_ISA = "no_isa"
    ISA_INVALID = "isa_invalid"
    ISA_SEPARATORS = "isa_separators"
    SEGMENT_TOO_LONG = "segment_too_long"
    INVALID_SEGMENT_ID = "invalid_segment_id"
    MISSING_ISA = "missing_isa"
    MISSING_GS = "missing_gs"
    MISSING_SE = "missing_se"
    MISSING_GE = "missing_ge"
    MISSING_IEA = "missing_iea"
    SE01_COUNT = "se01_count"
    SE02_CONTROL = "se02_control_number"
    GE01_COUNT = "ge01_count"
    GE02_CONTROL = "ge02_control_number"
    IEA01_COUNT = "iea01_count"
    IEA02_CONTROL = "iea02_control_number"
    SEGMENT_OUTSIDE_TRANSACTION = "segment_outside_transaction"
    UNSUPPORTED_TRANSACTION = "unsupported_transaction_type"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_DATE = "invalid_date"
    INVALID_INTEGER = "invalid_integer"
    MISSING_SEGMENT = "missing_segment"
    MISSING_ELEMENT = "missing_element"
    SEGMENT_OUT_OF_PLACE = "segment_out_of_place"
    UNREADABLE_SEGMENT = "unreadable_segment"
    # findings (recorded; the unit still loads)
    MISSING_ENVELOPE = "missing_envelope"  # a bare transaction set: no ISA/GS, separators inferred
    NEGATIVE_UNITS = "negative_units"
    QUANTITY_ROUNDED = "quantity_rounded"


# Where an error leaves the reader: the smallest envelope whose contents can no longer be trusted.
SCOPE_FILE: Final = "file"
SCOPE_INTERCHANGE: Final = "interchange"
SCOPE_GROUP: Final = "group"
SCOPE_TRANSACTION: Final = "transaction"
SCOPE_VALUE: Final = "value"  # a finding about one element's value

# Envelope rules that become findings (the money loads) unless the reader is strict.
TOLERATED_ENVELOPE_RULES: Final = frozenset(
    {
        Rule.SE01_COUNT,
        Rule.SE02_CONTROL,
        Rule.GE01_COUNT,
        Rule.GE02_CONTROL,
        Rule.IEA01_COUNT,
        Rule.IEA02_CONTROL,
        Rule.MISSING_ENVELOPE,
    }
)
