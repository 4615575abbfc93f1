select pr.product_id, pr.category, count(*) as units, sum(o.amount) as revenue
from {{ ref('stg_orders') }} o join {{ ref('stg_products') }} pr using (product_id)
group by all
