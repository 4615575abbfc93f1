MODEL (
  name sqlmesh_example.payments,
  kind INCREMENTAL_BY_TIME_RANGE (
    time_column event_date
  ),
  grain (id, event_date)
);

SELECT
  id,
  TRY_CAST(amount AS DECIMAL(10, 2)) AS amount,
  event_date,
FROM
  sqlmesh_example.incremental_model
WHERE
  event_date BETWEEN @start_date AND @end_date
