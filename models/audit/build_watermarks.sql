{{ config(materialized='incremental', incremental_strategy='append',
          on_schema_change='append_new_columns') }}
{#-
    One row per successful build: its as-of date, the newest manifest load it saw, the project
    fingerprint, the file-hold snapshot it built with, and how many claims it recomputed. Built after every claim-level model, so a build
    that fails part-way leaves the previous watermark in place and the next build recomputes that
    scope again. Read by `int_build_scope`.
-#}
-- depends_on: {{ ref('fct_claim_lines') }}
-- depends_on: {{ ref('fct_claims') }}
-- depends_on: {{ ref('fct_remittance_service_lines') }}
-- depends_on: {{ ref('fct_remittance_claims') }}
-- depends_on: {{ ref('int_claims_lifecycle') }}
-- depends_on: {{ ref('int_coded_lines_matched') }}
-- depends_on: {{ ref('int_remittance_lines_matched') }}
-- depends_on: {{ ref('stg_encounters__coded_lines') }}

select
    {{ dbt.current_timestamp() }} as built_at,
    scope.as_of_date,
    scope.manifest_watermark,
    scope.project_fingerprint,
    scope.is_full_scope,
    scope.holds_snapshot,
    (select count(*) from {{ ref('int_claims_in_scope') }}) as claims_in_scope
from {{ ref('int_build_scope') }} as scope
