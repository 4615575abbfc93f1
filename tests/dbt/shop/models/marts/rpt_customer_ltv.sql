select d.customer_id, d.country, sum(f.amount) as lifetime_value
from {{ ref('dim_customers') }} d join {{ ref('fct_orders') }} f using (customer_id)
group by all
