"""Small pure pieces: NPI check digits, X12 money, spreading claims over days, the CLI door."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner
from gen_x12_check import luhn_npi_ok

from transforms.generate.codes import corrupt_npi, is_valid_npi, make_npi, resolve_pool
from transforms.generate.edi import csv_amount, x12_amount
from transforms.generate.world import daily_claim_counts


def test_npi_check_digit_matches_the_published_example():
    # GIVEN the CMS example NPI 1234567893
    assert make_npi("123456789") == "1234567893"
    assert is_valid_npi("1234567893") and luhn_npi_ok("1234567893")
    bad = corrupt_npi("1234567893")
    assert bad[:9] == "123456789" and not is_valid_npi(bad) and not luhn_npi_ok(bad)


def test_money_formats():
    assert [x12_amount(c) for c in (0, 100, 12550, 1207, -307, -5)] == [
        "0",
        "1",
        "125.5",
        "12.07",
        "-3.07",
        "-0.05",
    ]
    assert [csv_amount(c) for c in (0, 12550, -5)] == ["0.00", "125.50", "-0.05"]


def test_claims_spread_over_days_add_up_and_favour_weekdays():
    counts = daily_claim_counts(1000, date(2026, 3, 2), 14)  # starts on a Monday
    assert sum(counts) == 1000 and len(counts) == 14
    assert counts[0] > counts[5] > counts[6] > 0  # Monday > Saturday > Sunday


def test_pools_are_billable_codes_from_the_package():
    import simple_icd_10_cm as icd

    pool = resolve_pool(("E11", "I10"))
    assert "E11.9" in pool and "I10" in pool and "E11" not in pool
    assert all(icd.is_leaf(code) for code in pool) and list(pool) == sorted(pool)


def test_cli_generate_writes_the_landing_tree(tmp_path):
    from transforms.cli import main

    result = CliRunner().invoke(
        main,
        [
            "generate",
            "--out",
            str(tmp_path),
            "--claims",
            "60",
            "--start",
            "2026-05-04",
            "--days",
            "5",
            "--seed",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["claims"] == 60
    for folder in ("encounters", "claims", "remits"):
        assert list((tmp_path / "landing" / folder).iterdir())
