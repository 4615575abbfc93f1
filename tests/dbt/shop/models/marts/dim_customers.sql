select customer_id, name, country, order_count, total_amount from {{ ref('int_customer_orders') }}
