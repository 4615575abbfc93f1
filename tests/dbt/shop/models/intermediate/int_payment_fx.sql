-- Fails at run time: the rates table has no column "rate".
select p.payment_id, p.amount * fx.rate as amount_usd
from {{ ref('stg_payments') }} p join {{ source('ext', 'fx_rates') }} fx using (currency)
