"""dim_providers names every provider an 837 names (NM1*85 billing, NM1*82 rendering).

GIVEN a generated night WHEN dim_providers is read THEN every NPI on an 837 claim or line has the
name its newest 837 gives it: 'LAST, FIRST' for a person, the organisation name otherwise.
"""

from __future__ import annotations

import duckdb

from transforms.settings import Paths


def test_every_npi_on_an_837_has_its_name(published_night):
    raw = Paths(published_night).raw
    con = duckdb.connect(str(Paths(published_night).analytics_db), read_only=True)
    try:
        named = con.execute(
            f"""
            with seen as (
                select billing_provider_npi as npi, billing_provider_last_name as last_name,
                       billing_provider_first_name as first_name
                from read_parquet('{raw}/x837_claims/*.parquet', union_by_name = true)
                union all
                select rendering_provider_npi, rendering_provider_last_name,
                       rendering_provider_first_name
                from read_parquet('{raw}/x837_claim_lines/*.parquet', union_by_name = true)
            )
            select distinct seen.npi, seen.last_name, seen.first_name, providers.provider_name
            from seen
            left join marts.dim_providers as providers on providers.provider_npi = seen.npi
            where seen.npi is not null
            """
        ).fetchall()
    finally:
        con.close()
    assert len({row[0] for row in named}) >= 5
    for npi, last_name, first_name, provider_name in named:
        assert last_name, f"the 837 names NPI {npi} without NM103"
        expected = f"{last_name}, {first_name}" if first_name else last_name
        assert provider_name == expected, npi
