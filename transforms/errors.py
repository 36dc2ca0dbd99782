"""The project's base error: anything raised as RcmError is shown to users as one sentence."""


class RcmError(Exception):
    """An expected failure with a message meant for people (bad input, failed gate, missing file)."""

    exit_code = 1


class GateFailed(RcmError):
    """A critical data-quality expectation failed; nothing was published."""


class RunBusy(RcmError):
    """Another run holds the data directory; try again later (EX_TEMPFAIL)."""

    exit_code = 75


class AsOfRegression(RcmError):
    """The as-of date is earlier than the published warehouse's and no backfill was asked for."""

    exit_code = 2
