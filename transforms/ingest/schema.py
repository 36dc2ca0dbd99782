"""Old name of `transforms.raw.arrow` (the raw contract in Arrow types), kept for modules outside
the raw layer's owners that still import it; new code imports `transforms.raw`."""

from transforms.raw.arrow import arrow_schema, arrow_type, rows_to_batch  # noqa: F401
