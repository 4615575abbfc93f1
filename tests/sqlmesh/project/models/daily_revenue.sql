MODEL (
  name sqlmesh_example.daily_revenue,
  kind FULL,
  grain event_date
);

SELECT
  event_date,
  SUM(amount) AS revenue,
FROM
  sqlmesh_example.payments
GROUP BY event_date
