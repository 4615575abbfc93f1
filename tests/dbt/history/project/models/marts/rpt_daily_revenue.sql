select ordered_at, count(*) as orders, sum(amount) as revenue
from {{ ref('fct_orders') }}
group by all
