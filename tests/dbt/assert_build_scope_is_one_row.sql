-- int_build_scope drives every incremental model: it must hold exactly one row.
select count(*) as row_count
from {{ ref('int_build_scope') }}
having count(*) <> 1
