select product_id, category, units, revenue from {{ ref('int_product_sales') }}
