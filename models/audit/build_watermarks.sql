{{ config(materialized='incremental', incremental_strategy='append',
          on_schema_change='append_new_columns') }}
{#-
    One row per successful build: its as-of date, the newest manifest load it saw, the project
    fingerprint, the file-hold snapshot it built with, how many claims it recomputed, and the size
    of the claim-level facts it leaves. It reads those facts, so it is built after every
    claim-level model (they are their parents): a build that fails part-way leaves the previous
    watermark in place and the next build recomputes that scope again. Read by `int_build_scope`
    (as the source `build_log`: the next build's input).
-#}
select
    {{ dbt.current_timestamp() }} as built_at,
    scope.as_of_date,
    scope.manifest_watermark,
    scope.project_fingerprint,
    scope.is_full_scope,
    scope.holds_snapshot,
    (select count(*) from {{ ref('int_claims_in_scope') }}) as claims_in_scope,
    (select count(*) from {{ ref('fct_claims') }}) as claim_count,
    (select count(*) from {{ ref('fct_claim_lines') }}) as claim_line_count,
    (select count(*) from {{ ref('fct_remittance_claims') }}) as remittance_claim_count,
    (select count(*) from {{ ref('fct_remittance_service_lines') }}) as remittance_line_count
from {{ ref('int_build_scope') }} as scope
