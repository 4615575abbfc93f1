MODEL (
  name sqlmesh_example.incremental_model,
  kind INCREMENTAL_BY_TIME_RANGE (
    time_column event_date
  ),
  grain (id, event_date),
  audits (not_null(columns := (item_id), blocking := false))
);

SELECT
  id,
  item_id,
  amount,
  event_date,
FROM
  sqlmesh_example.seed_model
WHERE
  event_date BETWEEN @start_date AND @end_date
