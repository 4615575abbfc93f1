//! The artifacts' JSON as dbt writes it (manifest, run_results, catalog):
//! lenient serde structs (unknown fields ignored, null means absent), read
//! only by `dbt::read`.

use super::*;

#[derive(Deserialize, Default)]
pub(super) struct Metadata {
    /// Any JSON: an unknown version is a note, never a broken file.
    #[serde(default)]
    pub(super) dbt_schema_version: Value,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) dbt_version: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) generated_at: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) invocation_id: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) env: HashMap<String, Value>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) project_name: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct DependsOn {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) nodes: Vec<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct Contract {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) enforced: bool,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) checksum: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct Checksum {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) checksum: String,
}

#[derive(Deserialize, Default)]
pub(super) struct NodeConfig {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) materialized: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) contract: Contract,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) severity: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) meta: HashMap<String, Value>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) tags: Value,
}

#[derive(Deserialize, Default)]
pub(super) struct ColumnInfo {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) data_type: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) constraints: Vec<Value>,
}

#[derive(Deserialize, Default)]
pub(super) struct ManifestNode {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) checksum: Checksum,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) contract: Contract,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) resource_type: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) source_name: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) config: NodeConfig,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) depends_on: DependsOn,
    #[serde(default, deserialize_with = "de::or_default", alias = "compiled_sql")]
    pub(super) compiled_code: Option<String>,
    #[serde(default, deserialize_with = "de::or_default", alias = "raw_sql")]
    pub(super) raw_code: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) columns: BTreeMap<String, ColumnInfo>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) meta: HashMap<String, Value>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) tags: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) attached_node: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) language: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Manifest {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) metadata: Metadata,
    pub(super) nodes: BTreeMap<String, ManifestNode>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) sources: BTreeMap<String, ManifestNode>,
}

#[derive(Deserialize, Default)]
pub(super) struct Timing {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) started_at: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) completed_at: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ResultEntry {
    pub(super) unique_id: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) status: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) timing: Vec<Timing>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) execution_time: Option<f64>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) message: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) failures: Option<u64>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) adapter_response: Value,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) thread_id: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) compiled_code: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RunResults {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) metadata: Metadata,
    pub(super) results: Vec<ResultEntry>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) elapsed_time: Option<f64>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) args: HashMap<String, Value>,
}

#[derive(Deserialize, Default)]
pub(super) struct CatalogColumn {
    #[serde(default, deserialize_with = "de::or_default", rename = "type")]
    pub(super) data_type: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) comment: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct CatalogNode {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) columns: BTreeMap<String, CatalogColumn>,
}

#[derive(Deserialize, Default)]
pub(super) struct Catalog {
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) nodes: BTreeMap<String, CatalogNode>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub(super) sources: BTreeMap<String, CatalogNode>,
}
