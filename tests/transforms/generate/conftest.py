"""Shared fixtures: one synthetic feed generated once per session and read back independently."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from gen_x12_check import Claim837, Payment, read_835, read_837

from transforms.generate import generate

FEED_ARGS = {"claims": 1500, "start": date(2026, 1, 5), "days": 60, "seed": 11}


@dataclass
class Feed:
    root: Path
    summary: dict
    payments: list[Payment]
    balance_errors: list[str]
    claims_837: list[Claim837]
    encounter_rows: list[dict]
    truth: list[dict]

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    def remits_in_order(self):
        """Every remitted claim, in payment-date order, then file and position."""
        claims = [c for p in self.payments for c in p.claims]
        return sorted(claims, key=lambda c: (c.pay_date, c.file, c.position))


@pytest.fixture(scope="session")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Feed:
    # GIVEN a 1,500-claim feed over 60 service days (generated once for the session)
    root = tmp_path_factory.mktemp("feed")
    summary = generate(out=root, **FEED_ARGS)
    landing = root / "landing"
    payments, errors = [], []
    seen_bytes: set[bytes] = set()
    for path in sorted((landing / "remits").glob("*.835")):
        raw = path.read_bytes()
        if raw in seen_bytes:  # the re-delivered copy: read once
            continue
        seen_bytes.add(raw)
        found, bad = read_835(path)
        payments += found
        errors += bad
    claims = [c for path in sorted((landing / "claims").glob("*.837")) for c in read_837(path)]
    rows = []
    for path in sorted((landing / "encounters").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                row["_file"] = path.name
                rows.append(row)
    with (root / "ground_truth" / "claims.csv").open(newline="", encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    return Feed(root, summary, payments, errors, claims, rows, truth)
