MODEL (
  name sqlmesh_example.item_summary,
  kind FULL,
  grain item_id
);

SELECT
  item_id,
  num_orders,
  num_orders > 1 AS repeat_item,
FROM
  sqlmesh_example.full_model
