select o.order_id, o.customer_id, c.country, o.ordered_at, o.amount
from {{ ref('stg_orders') }} o join {{ ref('stg_customers') }} c using (customer_id)
