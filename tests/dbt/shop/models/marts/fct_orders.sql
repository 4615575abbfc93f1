select order_id, customer_id, ordered_at, amount, paid_amount, amount - paid_amount as open_amount
from {{ ref('int_order_payments') }}
