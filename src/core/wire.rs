//! Wire format of the Run API (see `docs/api.md` and `docs/api.schema.json`).
//!
//! These DTOs mirror the JSON exactly and are lenient: unknown fields are
//! ignored, optional fields default, and `null` means absent (every field
//! with a default reads `null` as that default, by `de::or_default`; an
//! `Option` reads it as `None`). `tests/null_means_absent.rs` proves it for
//! every optional property of `docs/api.schema.json`. They are converted into validated domain
//! types by [`crate::core::decode`]. The demo generator serializes the same
//! structs, so the snapshot and the decoder cannot disagree on field names.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct EnvironmentsDoc {
    #[serde(default, deserialize_with = "de::or_default")]
    pub environments: Vec<EnvironmentDto>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct EnvironmentDto {
    pub name: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub model_count: u32,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_run: Option<ActivityDto>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_plan: Option<ActivityDto>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ActivityDoc {
    pub environment: String,
    #[serde(default, deserialize_with = "de::or_default")]
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
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Vec::is_empty"
    )]
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
    #[serde(deserialize_with = "de::time")]
    pub start: String,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub duration_ms: Option<i64>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub cost: Option<f64>,
    /// Plans: the data interval the plan (back)filled.
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_start: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_end: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct RunDoc {
    pub id: String,
    pub environment: String,
    pub status: String,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub refreshed_at: Option<String>,
    #[serde(deserialize_with = "de::time")]
    pub start: String,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub previous_run_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_run_id: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub changes_since_previous: Vec<PlanChangeDto>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub executions: Vec<ExecutionDto>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub audits: Vec<AuditDto>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub models: Vec<ModelDto>,
}

/// A run document as a store keeps it: the [`RunDoc`] plus what a writer
/// needs to keep the store's derived data right (both optional on the wire).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct StoredRunDoc {
    #[serde(flatten)]
    pub run: RunDoc,
    /// The log of the whole run (e.g. a dbt invocation's log), if kept.
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub log_id: Option<String>,
    /// Model name -> opaque fingerprint of what the model builds (its code
    /// and the configuration that changes its output). A store computes
    /// "changes since previous run" from these when the producer gives them.
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub fingerprints: BTreeMap<String, String>,
}

/// A plan applied to an environment, as a store keeps it
/// (`environments/{env}/plans/{id}.json`): its activity and its model
/// lists, which become the `changes_since_previous` of the next run.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PlanDoc {
    pub id: String,
    pub environment: String,
    pub status: String,
    pub start: String,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub error: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_start: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_end: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub added: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub removed: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub directly_modified: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub indirectly_modified: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PlanChangeDto {
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub plan_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub applied_at: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub added: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub removed: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub directly_modified: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub indirectly_modified: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ExecutionDto {
    pub model: String,
    pub status: String,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub duration_ms: Option<i64>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_start: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_end: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub error: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub log_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AuditDto {
    pub name: String,
    pub model: String,
    pub status: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub blocking: bool,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub failing_rows: Option<u64>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_start: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_end: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub error: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub log_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ModelDto {
    pub name: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub kind: String,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub cron: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval_unit: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub dialect: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub upstream: Vec<String>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub definition: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub columns: Vec<ColumnDto>,
    #[serde(default, deserialize_with = "de::or_default")]
    pub intervals: Vec<IntervalDto>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ColumnDto {
    pub name: String,
    #[serde(rename = "type", default, deserialize_with = "de::or_default")]
    pub data_type: String,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct IntervalDto {
    #[serde(deserialize_with = "de::time")]
    pub start: String,
    #[serde(deserialize_with = "de::time")]
    pub end: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct LogDoc {
    pub id: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub lines: Vec<LogLineDto>,
    #[serde(
        default,
        deserialize_with = "de::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct LogLineDto {
    /// Anything but a string reads as absent: the line is still shown.
    #[serde(
        default,
        deserialize_with = "de::lenient_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub at: Option<String>,
    /// Anything but a string reads as no level (shown as INFO).
    #[serde(default, deserialize_with = "de::lenient_or_empty")]
    pub level: String,
    #[serde(default, deserialize_with = "de::or_default")]
    pub message: String,
}

/// Serde helpers for the wire types: `null` as absent, times named as such
/// in errors, and fields that never fail their row.
pub mod de {
    use serde::de::{Deserializer, Error, Visitor};
    use serde::Deserialize;
    use std::fmt;

    /// Absent or `null` -> `T::default()`.
    pub fn or_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
        d: D,
    ) -> Result<T, D::Error> {
        Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
    }

    struct TimeText;

    impl<'de> Visitor<'de> for TimeText {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 time")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
    }

    struct OptTimeText;

    impl<'de> Visitor<'de> for OptTimeText {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 time")
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            time(d).map(Some)
        }
    }

    /// A time as text; any other type is "expected an RFC 3339 time, got …".
    pub fn time<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        d.deserialize_string(TimeText)
    }

    /// An optional time: absent or `null` is `None`.
    pub fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_option(OptTimeText)
    }

    /// A string, or `None` for any other JSON value (never an error).
    pub fn lenient_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Some(s),
            _ => None,
        })
    }

    /// A string, or "" for any other JSON value (never an error).
    pub fn lenient_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(lenient_text(d)?.unwrap_or_default())
    }
}
