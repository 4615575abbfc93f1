select sum(amount_usd) as revenue_usd from {{ ref('int_payment_fx') }}
