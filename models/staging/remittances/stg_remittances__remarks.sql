with

source as (

    select * from {{ source('remittances', 'x835_remarks') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        remark_id,
        payment_id,
        remit_claim_id,
        remit_line_id,
        file_name,
        file_sha256,
        segment_position,
        remark_level,
        source_segment,
        remark_qualifier,
        upper(trim(remark_code)) as remark_code

    from source

)

select * from renamed
