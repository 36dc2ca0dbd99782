"""Concurrent analysts: a process querying the published warehouse in a loop while `rcm run`
rebuilds and publishes it sees no error and only whole versions.

GIVEN v1 published and an analyst process opening `analytics.duckdb` read-only every 50 ms
WHEN a full `rcm run` ingests night 2, builds, gates and publishes v2
THEN every query the analyst ran succeeded, every version it saw is exactly v1 or v2 (one
fingerprint per connection: rows of the fact marts and their money), and it saw the switch.
"""

from __future__ import annotations

from reliability_support import signature_of

from transforms.settings import Paths


def test_readers_see_no_errors_and_only_whole_versions_during_a_run(crash_run, night1_tree):
    seen = crash_run.reader
    v1 = signature_of(Paths(night1_tree).analytics_db)
    v2 = signature_of(Paths(crash_run.tree).analytics_db)
    # THEN the analyst really ran queries throughout the run, and none failed
    assert seen.queries >= 50, seen.queries
    assert seen.errors == []
    # AND every version it saw is a whole published version
    assert set(seen.signatures) <= {v1, v2}, set(seen.signatures) - {v1, v2}
    # AND when v1 was still published as the run began, it saw the switch to v2
    if crash_run.before_recovery == crash_run.v1:
        assert set(seen.signatures) == {v1, v2}
    else:
        assert set(seen.signatures) == {v2}
