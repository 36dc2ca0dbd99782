{#- Rule: money is DECIMAL(18,2) in every mart (columns named *_amount). -#}
{{ columns_not_of_type('marts', '%\_amount', 'DECIMAL(18,2)') }}
