select o.order_id, o.customer_id, o.ordered_at, o.amount, coalesce(sum(p.amount), 0) as paid_amount
from {{ ref('stg_orders') }} o left join {{ ref('stg_payments') }} p using (order_id)
group by all
