"""The coding and billing checks agree with the generator's injected defects.

GIVEN a generated practice with many defects (ground truth in OUT/ground_truth/claims.csv)
WHEN  it is ingested and the ingestion gate runs
THEN  every defect claim is flagged by a check of the team its denial belongs to, and by a check
      that predicts its CARC; no clean claim is flagged at all (billed coding + 837 rows).
The 3,000-claim figure of the report: `.venv/bin/python -m transforms.harness.agreement DATA_DIR`.
"""

from __future__ import annotations

import datetime as dt

from transforms.generate.run import generate
from transforms.harness import agreement
from transforms.ingest.run import ingest
from transforms.quality import run_gate


def test_every_defect_is_caught_by_its_check_and_no_clean_claim_is_flagged(tmp_path):
    generate(out=tmp_path, claims=600, start=dt.date(2026, 3, 1), days=60, seed=3, defect_rate=0.4)
    ingest(tmp_path)
    run_gate("ingestion", tmp_path, dt.date(2026, 6, 30), run_id="agreement")
    results = {row.defect_type: row for row in agreement.measure(tmp_path)}
    for defect, row in results.items():
        if defect:
            assert row.claims > 0, defect
            assert row.caught_by_team == row.claims, row
            assert row.caught_by_predicting_check == row.claims, row
    assert results[""].claims > 0 and results[""].caught_by_team == 0, results[""]
