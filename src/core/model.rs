//! Validated domain types. Everything the UI renders is one of these; the wire
//! format lives in [`crate::core::wire`] and is converted by [`crate::core::decode`].

use chrono::{DateTime, Duration, Utc};
use std::fmt;

pub type Time = DateTime<Utc>;

/// Status of a run, plan, model execution or audit.
///
/// Unknown statuses from the API are kept verbatim and shown as such.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Failed,
    InProgress,
    Pending,
    Complete,
    Skipped,
    NotScheduled,
    Unknown(String),
}

impl Status {
    /// The statuses the app knows, in the order chips and legends show them.
    pub const KNOWN: [Status; 6] = [
        Status::Complete,
        Status::Failed,
        Status::InProgress,
        Status::Pending,
        Status::Skipped,
        Status::NotScheduled,
    ];

    pub fn from_wire(s: &str) -> Status {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "complete" | "completed" | "success" | "succeeded" => Status::Complete,
            "failed" | "failure" | "error" => Status::Failed,
            "in_progress" | "running" => Status::InProgress,
            "pending" | "queued" => Status::Pending,
            "skipped" => Status::Skipped,
            "not_scheduled" => Status::NotScheduled,
            _ => Status::Unknown(s.to_string()),
        }
    }

    /// Stable key used on the wire and in URLs (`?status=failed,skipped`).
    pub fn key(&self) -> &str {
        match self {
            Status::Complete => "complete",
            Status::Failed => "failed",
            Status::InProgress => "in_progress",
            Status::Pending => "pending",
            Status::Skipped => "skipped",
            Status::NotScheduled => "not_scheduled",
            Status::Unknown(s) => s.as_str(),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Status::Complete => "Complete".into(),
            Status::Failed => "Failed".into(),
            Status::InProgress => "In progress".into(),
            Status::Pending => "Pending".into(),
            Status::Skipped => "Skipped".into(),
            Status::NotScheduled => "Not scheduled".into(),
            Status::Unknown(s) => format!("Unknown: {s}"),
        }
    }

    /// CSS modifier used by status badges (`status--failed`).
    pub fn css(&self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Failed => "failed",
            Status::InProgress => "in-progress",
            Status::Pending => "pending",
            Status::Skipped => "skipped",
            Status::NotScheduled => "not-scheduled",
            Status::Unknown(_) => "unknown",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// A 32-character lowercase hexadecimal identifier of a run or plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(String);

impl RunId {
    pub fn parse(s: &str) -> Result<RunId, String> {
        let t = s.trim();
        if t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(RunId(t.to_ascii_lowercase()))
        } else {
            Err(format!("{s:?} is not a 32-character hexadecimal id"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `72a53e65…538102db`: first and last eight characters.
    pub fn short(&self) -> String {
        format!("{}…{}", &self.0[..8], &self.0[24..])
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvKind {
    Prod,
    Dev,
    Other(String),
}

impl EnvKind {
    pub fn label(&self) -> &str {
        match self {
            EnvKind::Prod => "prod",
            EnvKind::Dev => "dev",
            EnvKind::Other(s) => s,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActivityKind {
    Run,
    Plan,
    Other(String),
}

impl ActivityKind {
    pub fn label(&self) -> &str {
        match self {
            ActivityKind::Run => "Run",
            ActivityKind::Plan => "Plan",
            ActivityKind::Other(s) => s,
        }
    }
}

/// One row of an environment's Recent Activity: a run or a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub id: RunId,
    pub kind: ActivityKind,
    pub status: Status,
    pub start: Time,
    pub end: Option<Time>,
    pub duration: Option<Duration>,
    pub cost: Option<f64>,
    /// Plans: the data interval the plan (back)filled.
    pub interval: Option<(Time, Time)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Environment {
    pub name: String,
    pub kind: EnvKind,
    pub model_count: u32,
    pub last_run: Option<Activity>,
    pub last_plan: Option<Activity>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnvironmentActivity {
    pub environment: String,
    pub activity: Vec<Activity>,
    /// Rows the app could not show, with the reason (the rest still render).
    pub warnings: Vec<String>,
    /// Remarks about the source that drop nothing (a dbt artifact version
    /// runlens is not tested with).
    pub notes: Vec<String>,
    /// A paged store's month pages, newest first (empty: `activity` is all).
    pub months: Vec<ActivityMonth>,
}

/// One month page of an environment's activity (`YYYY-MM`, UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityMonth {
    pub month: String,
    pub count: u32,
}

/// A plan applied between the previous run and this one.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PlanChange {
    pub plan_id: Option<RunId>,
    pub applied_at: Option<Time>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub directly_modified: Vec<String>,
    pub indirectly_modified: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    pub model: String,
    pub status: Status,
    pub start: Option<Time>,
    pub end: Option<Time>,
    pub duration: Option<Duration>,
    pub interval_start: Option<Time>,
    pub interval_end: Option<Time>,
    pub error: Option<String>,
    pub log_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Audit {
    pub name: String,
    pub model: String,
    pub status: Status,
    pub blocking: bool,
    pub failing_rows: Option<u64>,
    pub start: Option<Time>,
    pub end: Option<Time>,
    pub interval_start: Option<Time>,
    pub interval_end: Option<Time>,
    pub error: Option<String>,
    pub log_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub data_type: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    pub start: Time,
    pub end: Time,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub name: String,
    pub kind: String,
    pub cron: Option<String>,
    pub interval_unit: Option<String>,
    pub dialect: Option<String>,
    pub owner: Option<String>,
    pub upstream: Vec<String>,
    pub definition: Option<String>,
    pub columns: Vec<Column>,
    pub intervals: Vec<Interval>,
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub id: RunId,
    pub environment: String,
    pub status: Status,
    pub refreshed_at: Option<Time>,
    pub start: Time,
    pub end: Option<Time>,
    pub previous_run_id: Option<RunId>,
    pub next_run_id: Option<RunId>,
    pub changes: Vec<PlanChange>,
    pub executions: Vec<Execution>,
    pub audits: Vec<Audit>,
    pub models: Vec<Model>,
    /// The log of the whole run (e.g. a dbt invocation's), if kept.
    pub log_id: Option<String>,
    /// Rows the app could not show, with the reason (the rest still render).
    pub warnings: Vec<String>,
}

impl Run {
    /// Wall-clock duration. For a run in progress: the time elapsed until the
    /// data was last refreshed (what is known), or until `now` without one.
    /// `None` when that would be negative (an end before the start, a clock
    /// behind the run): no duration is better than a false one.
    pub fn duration(&self, now: Time) -> Option<Duration> {
        let until = self
            .end
            .unwrap_or_else(|| self.refreshed_at.map_or(now, |r| r.min(now)));
        Some(until - self.start).filter(|d| *d >= Duration::zero())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    pub fn from_wire(s: &str) -> Option<LogLevel> {
        match s.trim().to_ascii_uppercase().as_str() {
            "DEBUG" | "TRACE" => Some(LogLevel::Debug),
            "INFO" => Some(LogLevel::Info),
            "WARN" | "WARNING" => Some(LogLevel::Warn),
            "ERROR" | "FATAL" | "CRITICAL" => Some(LogLevel::Error),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARN",
            LogLevel::Error => "ERROR",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub at: Option<Time>,
    pub level: LogLevel,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Log {
    pub id: String,
    pub lines: Vec<LogLine>,
    /// Shown above the lines (e.g. what a log synthesised from artifacts lacks).
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::decode_run;

    #[test]
    fn run_duration_finished_and_in_progress() {
        let doc = |end: &str, refreshed: &str| {
            format!(
                r#"{{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"in_progress",
                "start":"2026-11-26T03:00:00Z"{end}{refreshed}}}"#
            )
        };
        let now = crate::core::decode::parse_time("now", "2026-11-26T05:00:00Z").unwrap();
        let finished = decode_run(&doc(r#","end":"2026-11-26T03:01:03Z""#, "")).unwrap();
        assert_eq!(finished.duration(now), Some(Duration::seconds(63)));
        let refreshed = decode_run(&doc("", r#","refreshed_at":"2026-11-26T03:30:00Z""#)).unwrap();
        assert_eq!(refreshed.duration(now), Some(Duration::minutes(30)));
        let live = decode_run(&doc("", "")).unwrap();
        assert_eq!(live.duration(now), Some(Duration::hours(2)));
        // Finding 5: an end before the start is no duration, not "-1 h 3 min".
        let backwards = decode_run(&doc(r#","end":"2026-11-26T01:57:00Z""#, "")).unwrap();
        assert_eq!(backwards.duration(now), None);
    }

    #[test]
    fn statuses_and_ids() {
        assert_eq!(Status::from_wire("IN-PROGRESS"), Status::InProgress);
        assert_eq!(Status::from_wire("success"), Status::Complete);
        assert_eq!(Status::from_wire("not scheduled"), Status::NotScheduled);
        assert_eq!(
            Status::from_wire("paused"),
            Status::Unknown("paused".into())
        );
        let id = RunId::parse("E07B1C3D47E07CB9C36BC2ACE45AE5F7").unwrap();
        assert_eq!(id.as_str(), "e07b1c3d47e07cb9c36bc2ace45ae5f7");
        assert_eq!(id.short(), "e07b1c3d…e45ae5f7");
        assert!(RunId::parse("e07b1c3d").is_err());
        assert!(RunId::parse("g07b1c3d47e07cb9c36bc2ace45ae5f7").is_err());
    }
}
