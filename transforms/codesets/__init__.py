"""Reference code sets and the validators that judge coding quality.

Public entry points:
* `build_codesets(data_dir)` -- `rcm codesets`: ICD-10-CM from the `simple-icd-10-cm` package into
  DATA_DIR/ref/, plus the versions of every code set (see `transforms.codesets.build`).
* `transforms.codesets.validators` -- ICD-10-CM, CPT/HCPCS, modifier, place of service, NPI and CARC
  checks usable from Python and Great Expectations; `macros/validators.sql` holds their SQL twins.
The small hand-curated code sets are dbt seeds under `seeds/` (read from Python by
`transforms.codesets.seeds`).
"""

from transforms.codesets.build import build_codesets

__all__ = ["build_codesets"]
