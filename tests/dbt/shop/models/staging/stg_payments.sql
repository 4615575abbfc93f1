select payment_id, order_id, method, amount, currency
from {{ ref('raw_payments') }}
