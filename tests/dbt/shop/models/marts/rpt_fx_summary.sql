select revenue_usd, current_date as as_of from {{ ref('fct_revenue_fx') }}
