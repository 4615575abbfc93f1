//! The demo warehouse: an e-commerce project in five layers.
//! Each entry is (name, kind, cron, owner, upstream, columns); SQL,
//! descriptions, timings, statuses and logs are all derived by the generator.

pub struct Entry {
    pub name: &'static str,
    pub kind: &'static str,
    pub cron: &'static str,
    pub owner: &'static str,
    pub upstream: &'static str,
    /// `name TYPE, name TYPE, ...`
    pub columns: &'static str,
}

const fn e(
    name: &'static str,
    kind: &'static str,
    cron: &'static str,
    owner: &'static str,
    upstream: &'static str,
    columns: &'static str,
) -> Entry {
    Entry {
        name,
        kind,
        cron,
        owner,
        upstream,
        columns,
    }
}

const INC: &str = "INCREMENTAL_BY_TIME_RANGE";

pub const CATALOG: &[Entry] = &[
    // --- sources -------------------------------------------------------------
    e("raw.orders", "EXTERNAL", "", "ingest", "", "order_id BIGINT, customer_id BIGINT, ordered_at TIMESTAMP, status VARCHAR, currency VARCHAR, gross_amount DECIMAL(18,2), discount_amount DECIMAL(18,2), _loaded_at TIMESTAMP"),
    e("raw.order_items", "EXTERNAL", "", "ingest", "", "order_item_id BIGINT, order_id BIGINT, product_id BIGINT, quantity INTEGER, unit_price DECIMAL(18,2), _loaded_at TIMESTAMP"),
    e("raw.customers", "EXTERNAL", "", "ingest", "", "customer_id BIGINT, email VARCHAR, first_name VARCHAR, last_name VARCHAR, country_code VARCHAR, signed_up_at TIMESTAMP, _loaded_at TIMESTAMP"),
    e("raw.payments", "EXTERNAL", "", "ingest", "", "payment_id BIGINT, order_id BIGINT, payment_method VARCHAR, amount DECIMAL(18,2), paid_at TIMESTAMP, _loaded_at TIMESTAMP"),
    e("raw.products", "EXTERNAL", "", "ingest", "", "product_id BIGINT, sku VARCHAR, product_name VARCHAR, category VARCHAR, list_price DECIMAL(18,2), _loaded_at TIMESTAMP"),
    e("raw.shipments", "EXTERNAL", "", "ingest", "", "shipment_id BIGINT, order_id BIGINT, carrier VARCHAR, shipped_at TIMESTAMP, delivered_at TIMESTAMP, promised_at TIMESTAMP, _loaded_at TIMESTAMP"),
    e("raw.web_events", "EXTERNAL", "", "ingest", "", "event_id VARCHAR, session_id VARCHAR, customer_id BIGINT, event_type VARCHAR, page_path VARCHAR, occurred_at TIMESTAMP, _loaded_at TIMESTAMP"),
    e("raw.marketing_spend", "EXTERNAL", "", "ingest", "", "campaign_id VARCHAR, channel VARCHAR, spend_date DATE, spend DECIMAL(18,2), impressions BIGINT, clicks BIGINT, _loaded_at TIMESTAMP"),
    e("raw.inventory_snapshots", "EXTERNAL", "", "ingest", "", "product_id BIGINT, warehouse_id INTEGER, snapshot_date DATE, on_hand INTEGER, reserved INTEGER, _loaded_at TIMESTAMP"),
    // --- staging -------------------------------------------------------------
    e("staging.stg_orders", INC, "@daily", "data-platform", "raw.orders", "order_id BIGINT, customer_id BIGINT, ordered_at TIMESTAMP, status VARCHAR, currency VARCHAR, gross_amount DECIMAL(18,2), discount_amount DECIMAL(18,2)"),
    e("staging.stg_order_items", INC, "@daily", "data-platform", "raw.order_items", "order_item_id BIGINT, order_id BIGINT, product_id BIGINT, quantity INTEGER, unit_price DECIMAL(18,2)"),
    e("staging.stg_customers", "FULL", "@daily", "data-platform", "raw.customers", "customer_id BIGINT, email VARCHAR, first_name VARCHAR, last_name VARCHAR, country_code VARCHAR, signed_up_at TIMESTAMP"),
    e("staging.stg_payments", INC, "@daily", "data-platform", "raw.payments", "payment_id BIGINT, order_id BIGINT, payment_method VARCHAR, amount DECIMAL(18,2), paid_at TIMESTAMP"),
    e("staging.stg_products", "FULL", "@daily", "data-platform", "raw.products", "product_id BIGINT, sku VARCHAR, product_name VARCHAR, category VARCHAR, list_price DECIMAL(18,2)"),
    e("staging.stg_shipments", INC, "@daily", "logistics", "raw.shipments", "shipment_id BIGINT, order_id BIGINT, carrier VARCHAR, shipped_at TIMESTAMP, delivered_at TIMESTAMP, promised_at TIMESTAMP"),
    e("staging.stg_web_events", INC, "@daily", "growth", "raw.web_events", "event_id VARCHAR, session_id VARCHAR, customer_id BIGINT, event_type VARCHAR, page_path VARCHAR, occurred_at TIMESTAMP"),
    e("staging.stg_marketing_spend", INC, "@daily", "growth", "raw.marketing_spend", "campaign_id VARCHAR, channel VARCHAR, spend_date DATE, spend DECIMAL(18,2), impressions BIGINT, clicks BIGINT"),
    e("staging.stg_inventory", INC, "@daily", "logistics", "raw.inventory_snapshots", "product_id BIGINT, warehouse_id INTEGER, snapshot_date DATE, on_hand INTEGER, reserved INTEGER"),
    // --- intermediate --------------------------------------------------------
    e("intermediate.int_order_totals", INC, "@daily", "data-platform", "staging.stg_orders, staging.stg_order_items", "order_id BIGINT, customer_id BIGINT, ordered_at TIMESTAMP, item_count BIGINT, net_amount DECIMAL(18,2)"),
    e("intermediate.int_payments_by_order", INC, "@daily", "finance", "staging.stg_payments", "order_id BIGINT, payment_count BIGINT, paid_amount DECIMAL(18,2), last_paid_at TIMESTAMP"),
    e("intermediate.int_customer_orders", "FULL", "@daily", "data-platform", "staging.stg_customers, intermediate.int_order_totals", "customer_id BIGINT, email VARCHAR, country_code VARCHAR, order_count BIGINT, lifetime_amount DECIMAL(18,2), first_ordered_at TIMESTAMP"),
    e("intermediate.int_sessions", INC, "@daily", "growth", "staging.stg_web_events", "session_id VARCHAR, customer_id BIGINT, occurred_at TIMESTAMP, event_count BIGINT, page_views BIGINT"),
    e("intermediate.int_session_conversions", INC, "@daily", "growth", "intermediate.int_sessions, staging.stg_orders", "session_id VARCHAR, customer_id BIGINT, order_id BIGINT, converted_amount DECIMAL(18,2)"),
    e("intermediate.int_shipment_delays", INC, "@daily", "logistics", "staging.stg_shipments, staging.stg_orders", "order_id BIGINT, carrier VARCHAR, shipped_at TIMESTAMP, delay_hours DOUBLE, is_late BOOLEAN"),
    e("intermediate.int_product_sales", INC, "@daily", "merchandising", "staging.stg_order_items, staging.stg_products", "product_id BIGINT, category VARCHAR, units_sold BIGINT, revenue DECIMAL(18,2)"),
    e("intermediate.int_inventory_daily", INC, "@daily", "logistics", "staging.stg_inventory, staging.stg_products", "product_id BIGINT, snapshot_date DATE, category VARCHAR, on_hand BIGINT, available BIGINT"),
    e("intermediate.int_marketing_attribution", INC, "@daily", "growth", "staging.stg_marketing_spend, intermediate.int_session_conversions", "campaign_id VARCHAR, channel VARCHAR, spend DECIMAL(18,2), attributed_orders BIGINT, attributed_revenue DECIMAL(18,2)"),
    // --- marts ---------------------------------------------------------------
    e("marts.fct_orders", INC, "@daily", "finance", "intermediate.int_order_totals, intermediate.int_payments_by_order, intermediate.int_shipment_delays", "order_id BIGINT, customer_id BIGINT, ordered_at TIMESTAMP, net_amount DECIMAL(18,2), paid_amount DECIMAL(18,2), is_late BOOLEAN"),
    e("marts.fct_payments", INC, "@daily", "finance", "intermediate.int_payments_by_order", "order_id BIGINT, payment_count BIGINT, paid_amount DECIMAL(18,2), last_paid_at TIMESTAMP"),
    e("marts.fct_sessions", INC, "@daily", "growth", "intermediate.int_sessions, intermediate.int_session_conversions", "session_id VARCHAR, customer_id BIGINT, occurred_at TIMESTAMP, page_views BIGINT, converted_amount DECIMAL(18,2)"),
    e("marts.fct_shipments", INC, "@daily", "logistics", "intermediate.int_shipment_delays", "order_id BIGINT, carrier VARCHAR, shipped_at TIMESTAMP, delay_hours DOUBLE, is_late BOOLEAN"),
    e("marts.fct_inventory", INC, "@daily", "logistics", "intermediate.int_inventory_daily", "product_id BIGINT, snapshot_date DATE, on_hand BIGINT, available BIGINT, days_of_cover DOUBLE"),
    e("marts.dim_customers", "SCD_TYPE_2", "@daily", "data-platform", "intermediate.int_customer_orders", "customer_id BIGINT, email VARCHAR, country_code VARCHAR, order_count BIGINT, lifetime_amount DECIMAL(18,2), valid_from TIMESTAMP, valid_to TIMESTAMP"),
    e("marts.dim_products", "FULL", "@daily", "merchandising", "intermediate.int_product_sales, staging.stg_products", "product_id BIGINT, sku VARCHAR, product_name VARCHAR, category VARCHAR, list_price DECIMAL(18,2), units_sold BIGINT"),
    e("marts.fct_marketing", INC, "@daily", "growth", "intermediate.int_marketing_attribution", "campaign_id VARCHAR, channel VARCHAR, spend DECIMAL(18,2), attributed_revenue DECIMAL(18,2), roas DOUBLE"),
    e("marts.fct_product_sales", INC, "@daily", "merchandising", "intermediate.int_product_sales", "product_id BIGINT, category VARCHAR, units_sold BIGINT, revenue DECIMAL(18,2)"),
    // --- reporting -----------------------------------------------------------
    e("reporting.rpt_daily_revenue", "FULL", "@daily", "finance", "marts.fct_orders, marts.fct_payments", "order_date DATE, order_count BIGINT, net_amount DECIMAL(18,2), paid_amount DECIMAL(18,2)"),
    e("reporting.rpt_customer_ltv", "FULL", "@daily", "finance", "marts.dim_customers, marts.fct_orders", "customer_id BIGINT, country_code VARCHAR, lifetime_amount DECIMAL(18,2), order_count BIGINT"),
    e("reporting.rpt_funnel", "VIEW", "@daily", "growth", "marts.fct_sessions", "session_date DATE, sessions BIGINT, page_views BIGINT, conversion_rate DOUBLE"),
    e("reporting.rpt_delivery_sla", "FULL", "@daily", "logistics", "marts.fct_shipments", "carrier VARCHAR, shipped_date DATE, shipments BIGINT, late_share DOUBLE"),
    e("reporting.rpt_stock_outs", "FULL", "@daily", "logistics", "marts.fct_inventory, marts.dim_products", "product_id BIGINT, product_name VARCHAR, snapshot_date DATE, available BIGINT"),
    e("reporting.rpt_marketing_roi", "FULL", "@daily", "growth", "marts.fct_marketing, reporting.rpt_daily_revenue", "channel VARCHAR, spend DECIMAL(18,2), attributed_revenue DECIMAL(18,2), roas DOUBLE"),
    e("reporting.rpt_top_products", "VIEW", "@daily", "merchandising", "marts.fct_product_sales, marts.dim_products", "product_id BIGINT, product_name VARCHAR, units_sold BIGINT, revenue DECIMAL(18,2)"),
    e("reporting.rpt_exec_summary", "FULL", "@weekly", "finance", "reporting.rpt_daily_revenue, reporting.rpt_customer_ltv, reporting.rpt_marketing_roi", "week_start DATE, net_amount DECIMAL(18,2), new_customers BIGINT, roas DOUBLE"),
    e("reporting.rpt_weekly_cohorts", "FULL", "@weekly", "growth", "marts.dim_customers", "cohort_week DATE, customers BIGINT, retained_customers BIGINT, retention_rate DOUBLE"),
    e("reporting.rpt_legacy_kpis", "VIEW", "@daily", "finance", "marts.fct_orders", "kpi_date DATE, order_count BIGINT, net_amount DECIMAL(18,2)"),
    // --- added by later plans -------------------------------------------------
    e("marts.fct_refunds", INC, "@daily", "finance", "staging.stg_payments, marts.fct_orders", "order_id BIGINT, refund_count BIGINT, refunded_amount DECIMAL(18,2)"),
    e("reporting.rpt_refunds", "FULL", "@daily", "finance", "marts.fct_refunds", "refund_date DATE, refund_count BIGINT, refunded_amount DECIMAL(18,2)"),
    e("reporting.rpt_churn_risk", "FULL", "@daily", "growth", "marts.dim_customers, marts.fct_sessions", "customer_id BIGINT, churn_score DOUBLE, last_session_at TIMESTAMP"),
];

/// Models not in the project until a plan adds them.
pub const LATE_MODELS: &[&str] = &[
    "marts.fct_refunds",
    "reporting.rpt_refunds",
    "reporting.rpt_churn_risk",
];
