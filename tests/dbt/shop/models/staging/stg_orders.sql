select order_id, customer_id, product_id, cast(ordered_at as date) as ordered_at, amount, currency
from {{ ref('raw_orders') }}
