select category, sum(revenue) as revenue from {{ ref('dim_products') }} group by all
