//! Wire format of the Run API (see `docs/api.md` and `docs/api.schema.json`).
//!
//! These DTOs mirror the JSON exactly and are lenient: unknown fields are
//! ignored, optional fields default. They are converted into validated domain
//! types by [`crate::core::decode`]. The demo generator serializes the same
//! structs, so the snapshot and the decoder cannot disagree on field names.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct EnvironmentsDoc {
    #[serde(default)]
    pub environments: Vec<EnvironmentDto>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct EnvironmentDto {
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub model_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<ActivityDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_plan: Option<ActivityDto>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ActivityDoc {
    pub environment: String,
    #[serde(default)]
    pub activity: Vec<ActivityDto>,
}

/// `environments/{env}/activity.json` of a paged store: the newest page
/// (an [`ActivityDoc`], so a client that knows nothing of paging reads the
/// newest activity) plus the index of month pages, newest first. Each month
/// page (`environments/{env}/activity/{YYYY-MM}.json`) is an [`ActivityDoc`]
/// with every run and plan that started in that month (UTC), newest first.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ActivityIndexDoc {
    #[serde(flatten)]
    pub newest: ActivityDoc,
    /// Absent in an unpaged document: then `activity` is all there is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub months: Vec<ActivityMonthDto>,
}

/// One month page of an environment's activity.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ActivityMonthDto {
    /// `YYYY-MM`, the month (UTC) its activities started in.
    pub month: String,
    /// How many activities the page holds.
    pub count: u32,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ActivityDto {
    pub id: String,
    /// `run` or `plan`.
    pub kind: String,
    pub status: String,
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Plans: the data interval the plan (back)filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_end: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct RunDoc {
    pub id: String,
    pub environment: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refreshed_at: Option<String>,
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_run_id: Option<String>,
    #[serde(default)]
    pub changes_since_previous: Vec<PlanChangeDto>,
    #[serde(default)]
    pub executions: Vec<ExecutionDto>,
    #[serde(default)]
    pub audits: Vec<AuditDto>,
    #[serde(default)]
    pub models: Vec<ModelDto>,
}

/// A run document as a store keeps it: the [`RunDoc`] plus what a writer
/// needs to keep the store's derived data right (both optional on the wire).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct StoredRunDoc {
    #[serde(flatten)]
    pub run: RunDoc,
    /// The log of the whole run (e.g. a dbt invocation's log), if kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_id: Option<String>,
    /// Model name -> opaque fingerprint of what the model builds (its code
    /// and the configuration that changes its output). A store computes
    /// "changes since previous run" from these when the producer gives them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fingerprints: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PlanChangeDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<String>,
    #[serde(default)]
    pub added: Vec<String>,
    #[serde(default)]
    pub removed: Vec<String>,
    #[serde(default)]
    pub directly_modified: Vec<String>,
    #[serde(default)]
    pub indirectly_modified: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ExecutionDto {
    pub model: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AuditDto {
    pub name: String,
    pub model: String,
    pub status: String,
    #[serde(default)]
    pub blocking: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_rows: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ModelDto {
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default)]
    pub upstream: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(default)]
    pub columns: Vec<ColumnDto>,
    #[serde(default)]
    pub intervals: Vec<IntervalDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ColumnDto {
    pub name: String,
    #[serde(rename = "type", default)]
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct IntervalDto {
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct LogDoc {
    pub id: String,
    #[serde(default)]
    pub lines: Vec<LogLineDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct LogLineDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub message: String,
}
