"""Old name of `transforms.raw.contract` (the raw layer's contract), kept for modules outside the
raw layer's owners that still import it; new code imports `transforms.raw`."""

from transforms.raw.contract import *  # noqa: F403
from transforms.raw.contract import RAW_TABLES, RECORD_TABLES, columns  # noqa: F401
