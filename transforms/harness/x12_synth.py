"""Build small X12 interchanges from Python lists, with any separators (tests, fixtures, demos).

A segment is a list of elements; an element is a string, or a list of strings for a composite
(joined with the component separator). `interchange()` wraps transaction-set bodies in ST/SE, GS/GE and
ISA/IEA with correct counts and control numbers, unless told to get one wrong on purpose;
`bare_transactions()` wraps them in ST/SE only (no envelope, as some portals export). Nothing
here reads or writes files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Element = str | Sequence[str]
Segment = Sequence[Element]


@dataclass(frozen=True)
class Style:
    """Separators and layout of one interchange."""

    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    terminator: str = "~"
    after_terminator: str = ""  # e.g. "\r\n" or "\n" after every terminator
    version: str = "00501"  # ISA12
    trimmed: bool = False  # ISA fields without their fixed-width padding


def render_segment(segment: Segment, style: Style) -> str:
    parts = [e if isinstance(e, str) else style.component.join(e) for e in segment]
    return style.element.join(parts) + style.terminator + style.after_terminator


def isa(
    style: Style,
    control: str = "000000001",
    sender: str = "SENDER",
    receiver: str = "RECEIVER",
    date: str = "260115",
    time: str = "1200",
) -> list[str]:
    """The 16 ISA elements (fixed width unless `style.trimmed`)."""

    def pad(value: str, width: int) -> str:
        return value if style.trimmed else value.ljust(width)

    isa11 = style.repetition if style.version >= "00402" and style.repetition else "U"
    return [
        "ISA",
        "00",
        pad("", 10),
        "00",
        pad("", 10),
        "ZZ",
        pad(sender, 15),
        "ZZ",
        pad(receiver, 15),
        date,
        time,
        isa11,
        style.version,
        control if style.trimmed else control.rjust(9, "0"),
        "0",
        "P",
        style.component,
    ]


def interchange(
    bodies: Sequence[Sequence[Segment]],
    *,
    style: Style | None = None,
    transaction_type: str = "835",
    guide: str = "005010X221A1",
    isa_control: str = "000000001",
    group_control: str = "1",
    se01_offset: int = 0,
    se02: str | None = None,
    ge01_offset: int = 0,
    ge02: str | None = None,
    iea01_offset: int = 0,
    iea02: str | None = None,
    functional_id: str = "HP",
) -> str:
    """One ISA with one GS holding one ST..SE per body (a body excludes ST and SE).

    The `*_offset` and override arguments produce specific envelope errors for tests.
    """
    style = style or Style()
    out = [
        render_segment(isa(style, isa_control), style),
        render_segment(
            [
                "GS",
                functional_id,
                "SENDER",
                "RECEIVER",
                "20260115",
                "1200",
                group_control,
                "X",
                guide,
            ],
            style,
        ),
    ]
    for number, body in enumerate(bodies, start=1):
        control = f"{number:04d}"
        st: list[Element] = ["ST", transaction_type, control]
        if transaction_type == "837" and guide.startswith("005010"):
            st.append(guide)
        out.append(render_segment(st, style))
        out.extend(render_segment(segment, style) for segment in body)
        out.append(
            render_segment(
                ["SE", str(len(body) + 2 + se01_offset), se02 if se02 is not None else control],
                style,
            )
        )
    out.append(
        render_segment(
            ["GE", str(len(bodies) + ge01_offset), ge02 if ge02 is not None else group_control],
            style,
        )
    )
    out.append(
        render_segment(
            [
                "IEA",
                str(1 + iea01_offset),
                iea02 if iea02 is not None else isa_control.rjust(9, "0"),
            ],
            style,
        )
    )
    return "".join(out)


def bare_transactions(
    bodies: Sequence[Sequence[Segment]],
    *,
    style: Style | None = None,
    transaction_type: str = "835",
    guide: str = "005010X221A1",
    se01_offset: int = 0,
) -> str:
    """ST..SE per body and nothing else: no ISA/GS/GE/IEA (ST03 = `guide` for a 005010 837)."""
    style = style or Style()
    out: list[str] = []
    for number, body in enumerate(bodies, start=1):
        control = f"{number:04d}"
        st: list[Element] = ["ST", transaction_type, control]
        if transaction_type == "837" and guide.startswith("005010"):
            st.append(guide)
        out.append(render_segment(st, style))
        out.extend(render_segment(segment, style) for segment in body)
        out.append(render_segment(["SE", str(len(body) + 2 + se01_offset), control], style))
    return "".join(out)


def payment_835(
    claims: Sequence[Sequence[Segment]],
    *,
    payment: str,
    plb: Sequence[Segment] = (),
    handling: str = "I",
    credit_debit: str = "C",
) -> list[Segment]:
    """An 835 body: BPR/TRN/payer/payee header, the given claim loops, then PLB segments."""
    header: list[Segment] = [
        [
            "BPR",
            handling,
            payment,
            credit_debit,
            "ACH",
            "CCP",
            "01",
            "999999999",
            "DA",
            "123456",
            "1512345678",
            "",
            "01",
            "999988880",
            "DA",
            "98765",
            "20260115",
        ],
        ["TRN", "1", "TRACE1", "1512345678"],
        ["DTM", "405", "20260114"],
        ["N1", "PR", "TEST PAYER", "XV", "PAYER01"],
        ["N1", "PE", "TEST CLINIC", "XX", "1234567893"],
        ["LX", "1"],
    ]
    return [*header, *(segment for claim in claims for segment in claim), *plb]
