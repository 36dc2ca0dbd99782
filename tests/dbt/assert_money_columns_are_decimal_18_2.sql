{#- Rule: money is DECIMAL(18,2) in every mart (columns named *_amount). -#}
select table_schema, table_name, column_name, data_type
from information_schema.columns
where table_schema = 'marts'
    and column_name like '%\_amount' escape '\'
    and upper(data_type) <> 'DECIMAL(18,2)'
