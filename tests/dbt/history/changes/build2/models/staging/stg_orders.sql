select order_id, customer_id, cast(ordered_at as date) as ordered_at, amount,
       cast(round(amount * 100) as integer) as amount_cents
from {{ ref('raw_orders') }}
