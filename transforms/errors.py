"""The project's base error and the `rcm` exit codes: anything raised as RcmError is shown to users
as one sentence and exits with its class's code.

Exit codes (the README's CLI section lists them with examples):

    0   done (also a night on which nothing new landed)
    1   failed: a blocking gate, bad input, a full disk, any other error; nothing was published
    2   refused before starting: a bad option or date, a missing data directory, an as-of date
        earlier than the published warehouse's without --backfill (`rcm x12 inspect`: a file
        that cannot be read)
    3   `rcm run` published, but some input was held back: files or rows quarantined, files still
        being written (deferred) or held back by the ingestion gate
    75  another run holds the data directory (EX_TEMPFAIL); try again later
"""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2
EXIT_HELD_BACK = 3
EXIT_BUSY = 75


class RcmError(Exception):
    """An expected failure with a message meant for people (bad input, failed gate, missing file)."""

    exit_code = EXIT_FAILED


class GateFailed(RcmError):
    """A critical data-quality expectation failed; nothing was published."""


class RunBusy(RcmError):
    """Another run holds the data directory; try again later (EX_TEMPFAIL)."""

    exit_code = EXIT_BUSY


class AsOfRegression(RcmError):
    """The as-of date is earlier than the published warehouse's and no backfill was asked for."""

    exit_code = EXIT_REFUSED


class DataDirMissing(RcmError):
    """The data directory does not exist: a typo must not build and publish an empty warehouse."""

    exit_code = EXIT_REFUSED
