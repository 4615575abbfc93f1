//! Deterministic generator of the Run API snapshot served from `public/api`.
//!
//! [`demo_files`] simulates a warehouse project ([`catalog`]) over three weeks
//! in `prod` and one in `dev`: scheduled daily runs, reruns after failures,
//! plans that add, remove and modify models, skipped downstream models,
//! weekly models that are not scheduled, audits (some failing), logs, and a
//! run still in progress at the snapshot time. [`scale_files`] writes a
//! synthetic project of N models and M executions for performance work.
//!
//! Everything is a pure function of its arguments (fixed seed, fixed clock),
//! so the committed snapshot can be checked against a fresh generation.
//!
//! Where things are:
//! - `scenario`: the story: environments, when runs start, which night fails
//!   and why, which plans are applied, log retention. Change the demo here.
//! - `catalog` (the models) and `project` (models with columns, typical
//!   durations and audits), `sql` (definitions and column descriptions).
//! - `simulate` (an environment: plans, runs in order, activity, log
//!   retention) and `run` (one run: executions, audits, status, cost).
//! - `logs`: log lines and documents. `rng`: the seeded random source.
//! - `scale`: synthetic projects of N models and M executions.

pub mod catalog;
mod logs;
mod project;
mod rng;
mod run;
mod scale;
mod scenario;
mod simulate;
mod sql;

pub use logs::long_log;
pub use rng::Rng;
pub use scale::{scale_files, synthetic_dag};
pub use scenario::{DEMO_NOW, LOG_RETENTION_RUNS};

use crate::core::wire::EnvironmentsDoc;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

type Time = DateTime<Utc>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the API root, e.g. `environments/prod/runs/<id>.json`.
    pub path: String,
    pub contents: String,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("wire types always serialize");
    s.push('\n');
    s
}

fn rfc(t: Time) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn at(s: &str) -> Time {
    DateTime::parse_from_rfc3339(s)
        .expect("literal time")
        .with_timezone(&Utc)
}

fn day_start(d: NaiveDate) -> Time {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

/// The demo snapshot: every file of the static API, sorted by path.
pub fn demo_files() -> Vec<GeneratedFile> {
    let specs = project::specs();
    let now = at(DEMO_NOW);
    let envs = scenario::environments();
    let mut environments = Vec::new();
    let mut files = Vec::new();
    for env in &envs {
        let out = simulate::simulate_env(env, &envs, &specs, now);
        environments.push(out.env);
        files.extend(out.files);
    }
    files.push(GeneratedFile {
        path: "environments.json".into(),
        contents: json(&EnvironmentsDoc { environments }),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The file `runlens-gen` writes into every directory it generates
/// (`public/api` included). It replaces a directory only if that is empty or
/// holds this file, so it never deletes a folder it did not write.
pub const MARKER_PATH: &str = ".runlens-gen";

/// The marker file, as written.
pub fn marker_file() -> GeneratedFile {
    GeneratedFile {
        path: MARKER_PATH.into(),
        contents:
            "This directory is written by runlens-gen, which deletes and rewrites all of it.\n"
                .into(),
    }
}
