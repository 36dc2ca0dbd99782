"""The project's base error: anything raised as RcmError is shown to users as one sentence."""


class RcmError(Exception):
    """An expected failure with a message meant for people (bad input, failed gate, missing file)."""


class GateFailed(RcmError):
    """A critical data-quality expectation failed; nothing was published."""
