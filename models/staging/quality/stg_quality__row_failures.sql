with

source as (

    select * from {{ source('quality', 'row_failures') }}

),

renamed as (

    select
        run_id,
        cast(as_of_date as date) as as_of_date,
        check_name,
        lower(severity) as severity,
        table_name,
        row_key,
        claim_id as patient_control_number,
        offending_value

    from source

)

select * from renamed
