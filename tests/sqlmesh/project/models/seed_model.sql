MODEL (
  name sqlmesh_example.seed_model,
  kind SEED (
    path '../seeds/orders.csv'
  ),
  columns (
    id INTEGER,
    item_id INTEGER,
    amount VARCHAR,
    event_date DATE
  ),
  grain (id, event_date)
);
