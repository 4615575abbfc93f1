# Sleeps RUNLENS_SQLMESH_SLEEP seconds (default 0) before it returns: the
# live browser test watches a run while this model holds it up.
import os
import time
import typing as t
from datetime import datetime

import pandas as pd

from sqlmesh import ExecutionContext, model


@model(
    "sqlmesh_example.slow_model",
    kind="FULL",
    columns={"orders": "int"},
    depends_on=["sqlmesh_example.incremental_model"],
)
def execute(
    context: ExecutionContext,
    start: datetime,
    end: datetime,
    execution_time: datetime,
    **kwargs: t.Any,
) -> pd.DataFrame:
    time.sleep(float(os.environ.get("RUNLENS_SQLMESH_SLEEP") or 0))
    table = context.resolve_table("sqlmesh_example.incremental_model")
    orders = int(context.fetchdf(f"SELECT COUNT(*) AS n FROM {table}")["n"][0])
    return pd.DataFrame([{"orders": orders}])
