select c.customer_id, c.name, c.country, count(o.order_id) as order_count, sum(o.amount) as total_amount
from {{ ref('stg_customers') }} c left join {{ ref('stg_orders') }} o using (customer_id)
group by all
