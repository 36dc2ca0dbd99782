"""Test-wide settings: no analytics calls, no examples, quiet third-party loggers."""

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
# Tests write landing files and ingest them at once; the settling wait has its own tests
# (tests/transforms/ingest/test_landing_faults.py), which set the window they need.
os.environ.setdefault("RCM_SETTLE_SECONDS", "0")
