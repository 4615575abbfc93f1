# The test project's configuration (tests/sqlmesh/README.md): the runlens
# recorder installed as a user would, the store taken from RUNLENS_STORE.
import os

from sqlmesh.core.config import Config, GatewayConfig, ModelDefaultsConfig
from sqlmesh.core.config.connection import DuckDBConnectionConfig

from runlens_sqlmesh import record

config = Config(
    gateways={"duckdb": GatewayConfig(connection=DuckDBConnectionConfig(database="shop.duckdb"))},
    default_gateway="duckdb",
    model_defaults=ModelDefaultsConfig(dialect="duckdb", start="2026-11-01", cron="@daily"),
)

config = record(config, store=os.environ.get("RUNLENS_STORE", "runlens-store"))
