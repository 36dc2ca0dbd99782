{#-
    Files the ingestion gate holds back (transforms/quality/holds.py writes the source
    `holds.file_holds`: one snapshot per gate run that held or released something; the newest
    snapshot is the current state). Every staging model over an X12 or encounter source keeps the
    rows of held files out with `exclude_held_files()`, so a held file reaches no model; when a
    later gate releases it, `int_claims_in_scope` recomputes its claims (hold state changed).
-#}

{#- The sha256 of the files held in one snapshot (default: the newest, i.e. now). -#}
{% macro held_files(snapshot_id=none) -%}
    select file_sha256
    from {{ source('holds', 'file_holds') }}
    where hold_status = 'held'
        and snapshot_id = {% if snapshot_id is none -%}
            (select max(snapshot_id) from {{ source('holds', 'file_holds') }})
        {%- else -%}
            {{ snapshot_id }}
        {%- endif %}
{%- endmacro %}

{#- A predicate: the row does not come from a held file. -#}
{% macro exclude_held_files(column='file_sha256') -%}
    coalesce({{ column }}, '') not in ({{ held_files() }})
{%- endmacro %}
