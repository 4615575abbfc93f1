//! dbt artifacts as a run: `manifest.json` (v8-v12), `run_results.json`
//! (v4-v6) and optionally `catalog.json`, decoded leniently and mapped onto
//! the same domain types as the Run API, so every page works unchanged.
//!
//! Mapping: models, seeds and snapshots are model executions; tests are
//! audits (severity `error` = blocking); lineage from `depends_on.nodes`
//! with sources as nodes; definitions from `compiled_code` (else
//! `raw_code`); columns from the manifest, types from the catalog; kind =
//! materialization; the environment is the target; the run id the
//! invocation id. Logs are what the artifacts carry: timing, message,
//! adapter response, failures; full dbt logs are not part of the artifacts.

mod artifacts;
mod log;

#[allow(unused_imports)]
use artifacts::*;
#[allow(unused_imports)]
use log::*;
pub use log::{attach_log, read_log, target_from_log, InvocationLog, LogFormat};

use super::decode::{located, parse_time};
use super::encode;
use super::model::*;
use super::sorting;
use super::store::{safe_name, Submission};
use super::wire::{de, LogDoc, StoredRunDoc};
use chrono::Duration;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// An invocation read from dbt artifacts.
#[derive(Clone, Debug, PartialEq)]
pub struct DbtRun {
    pub run: Run,
    /// Synthesised from the artifacts, by log id (`dbt:<unique_id>`).
    pub logs: BTreeMap<String, Log>,
    pub dbt_version: String,
    /// e.g. `build`, `run`, `test`, `docs generate`.
    pub command: Option<String>,
    pub notes: Vec<String>,
    /// What a store must refuse (the files disagree, or a schema version
    /// runlens does not read), each naming the file and field.
    pub refusals: Vec<String>,
    /// The dbt target, when the artifacts say it (`args.target`, `DBT_TARGET`).
    pub target: Option<String>,
    /// Model name -> fingerprint of what it builds (see [`fingerprint`]).
    pub fingerprints: BTreeMap<String, String>,
    /// The whole invocation's log, when a dbt log was attached.
    pub run_log: Option<Log>,
}

pub const LOG_NOTE: &str = "dbt artifacts carry each node's timing, message and adapter response, not the full dbt log (see logs/dbt.log where dbt ran).";

fn artifact_version(schema: &str) -> Option<u32> {
    let v = schema.rsplit('/').next()?.trim_end_matches(".json");
    v.strip_prefix('v')?.parse().ok()
}

/// A note when an artifact's schema version is not one runlens reads.
fn version_note(
    file: &str,
    schema: &Value,
    known: std::ops::RangeInclusive<u32>,
) -> Option<String> {
    let (lo, hi) = (known.start(), known.end());
    let text = match schema {
        Value::Null => return Some(format!("{file} does not say its schema version")),
        Value::String(s) if s.trim().is_empty() => {
            return Some(format!("{file} does not say its schema version"))
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match artifact_version(&text) {
        Some(v) if known.contains(&v) => None,
        Some(v) => Some(format!(
            "{file} is v{v}; runlens is tested with v{lo} to v{hi}"
        )),
        None => Some(format!(
            "{file} has dbt_schema_version {}, not a version runlens knows; it reads v{lo} to v{hi} and shows what it can",
            text.chars().take(80).collect::<String>()
        )),
    }
}

fn err(file: &str, message: impl Into<String>) -> String {
    format!("{file}: {}", message.into())
}

fn parse<T: DeserializeOwned>(file: &str, text: &str, what: &str) -> Result<T, String> {
    // The quick read first: tracking the path costs about half the time of
    // a big manifest's read, and is only needed to say where a file that
    // failed is wrong (as `decode::parse_json` does).
    if let Ok(value) = serde_json::from_str::<T>(text) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let html = || {
        err(
            file,
            "the server sent an HTML page, not JSON: is the URL right?",
        )
    };
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        if text.trim_start().starts_with('<') {
            html()
        } else if e.inner().is_syntax() || e.inner().is_eof() {
            err(file, format!("not valid JSON ({})", e.inner()))
        } else {
            err(file, format!("not a dbt {what} ({})", located(e)))
        }
    })?;
    de.end()
        .map_err(|e| err(file, format!("not valid JSON ({e})")))?;
    Ok(value)
}

fn display_name(uid: &str, n: &ManifestNode) -> String {
    match (&n.source_name, n.resource_type.as_str()) {
        (Some(src), "source") => format!("{src}.{}", n.name),
        _ if !n.name.is_empty() => n.name.clone(),
        _ => uid.to_string(),
    }
}

fn status_of(s: &str) -> Status {
    match s {
        "success" | "pass" => Status::Complete,
        "error" | "fail" | "runtime error" | "warn" => Status::Failed,
        "skipped" => Status::Skipped,
        "no-op" => Status::NotScheduled,
        other => Status::from_wire(other),
    }
}

/// A count of seconds from the artifacts as a duration, if it is a sane one
/// (finite, not negative, under ten years).
fn seconds(x: f64) -> Option<Duration> {
    (x.is_finite() && (0.0..3.2e8).contains(&x))
        .then(|| Duration::milliseconds((x * 1000.0) as i64))
}

fn time(s: &Option<String>) -> Option<Time> {
    s.as_deref().and_then(|s| parse_time("t", s).ok())
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Object(o) if o.is_empty() => None,
        other => Some(other.to_string()),
    }
}

/// Builds a run from the text of the artifacts. Errors say which file is
/// wrong and how; oddities that do not stop the reading become `notes`.
pub fn read(manifest: &str, run_results: &str, catalog: Option<&str>) -> Result<DbtRun, String> {
    let mut reader = DbtReader::new(manifest, run_results, catalog);
    loop {
        if let Some(run) = reader.step()? {
            return Ok(run);
        }
    }
}

/// [`read`] in three steps, for the app to run each in a task of its own:
/// the manifest parsed, then run_results and the catalog, then the run
/// built from them. Errors come in `read`'s order.
pub struct DbtReader<'a> {
    texts: (&'a str, &'a str, Option<&'a str>),
    manifest: Option<Manifest>,
    parsed: Option<(RunResults, Catalog)>,
}

impl<'a> DbtReader<'a> {
    pub fn new(manifest: &'a str, run_results: &'a str, catalog: Option<&'a str>) -> Self {
        DbtReader {
            texts: (manifest, run_results, catalog),
            manifest: None,
            parsed: None,
        }
    }

    /// The next step; the run once the last one is done.
    pub fn step(&mut self) -> Result<Option<DbtRun>, String> {
        let (manifest, run_results, catalog) = self.texts;
        let Some(m) = self.manifest.take() else {
            self.manifest = Some(parse("manifest.json", manifest, "manifest")?);
            return Ok(None);
        };
        let Some((r, cat)) = self.parsed.take() else {
            let r: RunResults = parse("run_results.json", run_results, "run_results file")?;
            let cat: Catalog = match catalog {
                Some(c) => parse("catalog.json", c, "catalog")?,
                None => Catalog::default(),
            };
            self.manifest = Some(m);
            self.parsed = Some((r, cat));
            return Ok(None);
        };
        build(m, r, cat).map(Some)
    }
}

fn build(m: Manifest, r: RunResults, cat: Catalog) -> Result<DbtRun, String> {
    let mut notes = Vec::new();
    let mut refusals = Vec::new();
    for (file, version, range) in [
        ("manifest.json", &m.metadata.dbt_schema_version, 8..=12),
        ("run_results.json", &r.metadata.dbt_schema_version, 4..=6),
    ] {
        let (lo, hi) = (*range.start(), *range.end());
        if let Some(note) = version_note(file, version, range) {
            refusals.push(format!(
                "{file}: metadata.dbt_schema_version: {note}; runlens-ingest reads v{lo} to v{hi}"
            ));
            notes.push(note);
        }
    }
    if let (Some(a), Some(b)) = (&m.metadata.invocation_id, &r.metadata.invocation_id) {
        if a != b {
            notes.push("manifest.json and run_results.json come from different invocations".into());
            refusals.push(format!(
                "run_results.json: metadata.invocation_id {b} is not the invocation of manifest.json ({a}): the two files come from different dbt invocations"
            ));
        }
    }
    // Display names for every node and source; unique ids where names collide.
    let mut names: HashMap<&str, String> = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (uid, n) in m.nodes.iter().chain(m.sources.iter()) {
        *seen.entry(display_name(uid, n)).or_default() += 1;
        names.insert(uid.as_str(), display_name(uid, n));
    }
    for (uid, name) in names.iter_mut() {
        if seen.get(name.as_str()).copied().unwrap_or(0) > 1 {
            *name = uid.to_string();
        }
    }
    let name_of = |uid: &str| names.get(uid).cloned().unwrap_or_else(|| uid.to_string());
    let is_model_like = |t: &str| matches!(t, "model" | "seed" | "snapshot");

    // SQL as it ran: run_results' compiled code, else the manifest's.
    let ran_sql: HashMap<&str, &str> = r
        .results
        .iter()
        .filter_map(|x| {
            x.compiled_code
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .map(|c| (x.unique_id.as_str(), c))
        })
        .collect();
    // Lineage: models, seeds, snapshots and sources.
    let mut models = Vec::new();
    let source_iter = m.sources.iter().map(|(u, n)| (u, n, true));
    for (uid, n, is_source) in m
        .nodes
        .iter()
        .map(|(u, n)| (u, n, false))
        .chain(source_iter)
    {
        if !is_source && !is_model_like(&n.resource_type) {
            continue;
        }
        let cat_cols = cat.nodes.get(uid).or_else(|| cat.sources.get(uid));
        let mut columns: Vec<Column> = n
            .columns
            .values()
            .map(|c| {
                let typed = cat_cols
                    .and_then(|cc| {
                        cc.columns
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(&c.name))
                    })
                    .and_then(|(_, v)| v.data_type.clone());
                Column {
                    name: c.name.clone(),
                    data_type: c
                        .data_type
                        .clone()
                        .filter(|t| !t.is_empty())
                        .or(typed)
                        .unwrap_or_default(),
                    description: c.description.clone().filter(|d| !d.is_empty()),
                }
            })
            .collect();
        if columns.is_empty() {
            if let Some(cc) = cat_cols {
                columns = cc
                    .columns
                    .iter()
                    .map(|(k, v)| Column {
                        name: k.clone(),
                        data_type: v.data_type.clone().unwrap_or_default(),
                        description: v.comment.clone(),
                    })
                    .collect();
            }
        }
        let owner = n
            .meta
            .get("owner")
            .or_else(|| n.config.meta.get("owner"))
            .and_then(|v| v.as_str().map(String::from));
        let mut tags = n.tags.clone();
        if let Value::Array(a) = &n.config.tags {
            for t in a.iter().filter_map(Value::as_str) {
                if !tags.iter().any(|x| x == t) {
                    tags.push(t.to_string());
                }
            }
        }
        models.push(Model {
            name: name_of(uid),
            kind: if is_source {
                "source".into()
            } else {
                n.config
                    .materialized
                    .clone()
                    .unwrap_or_else(|| n.resource_type.clone())
            },
            cron: None,
            interval_unit: None,
            dialect: n
                .language
                .clone()
                .filter(|l| l != "sql")
                .or_else(|| Some("sql".into())),
            owner,
            upstream: n
                .depends_on
                .nodes
                .iter()
                .filter(|d| names.contains_key(d.as_str()) && !d.starts_with("test."))
                .map(|d| name_of(d))
                .collect(),
            definition: ran_sql
                .get(uid.as_str())
                .map(|s| s.to_string())
                .or_else(|| n.compiled_code.clone().filter(|s| !s.trim().is_empty()))
                .or_else(|| n.raw_code.clone())
                .filter(|s| !s.trim().is_empty()),
            columns,
            intervals: Vec::new(),
            tags,
        });
    }

    // Results: executions and audits, with a synthesised log each.
    let mut executions = Vec::new();
    let mut audits = Vec::new();
    let mut logs = BTreeMap::new();
    let (mut first, mut last): (Option<Time>, Option<Time>) = (None, None);
    for res in &r.results {
        let node = m.nodes.get(&res.unique_id);
        let rtype = node
            .map(|n| n.resource_type.as_str())
            .unwrap_or_else(|| res.unique_id.split('.').next().unwrap_or(""));
        let execute = res.timing.iter().find(|t| t.name == "execute");
        let start = execute
            .and_then(|t| time(&t.started_at))
            .or_else(|| res.timing.first().and_then(|t| time(&t.started_at)));
        let end = execute
            .and_then(|t| time(&t.completed_at))
            .or_else(|| res.timing.last().and_then(|t| time(&t.completed_at)));
        for t in res
            .timing
            .iter()
            .flat_map(|t| [time(&t.started_at), time(&t.completed_at)])
            .flatten()
        {
            first = Some(first.map_or(t, |f| f.min(t)));
            last = Some(last.map_or(t, |l| l.max(t)));
        }
        let status = status_of(&res.status);
        let duration = match (start, end) {
            (Some(s), Some(e)) if e >= s => Some(e - s),
            // A skipped node did not run: no duration, whatever execution_time says.
            _ if status == Status::Skipped => None,
            _ => res.execution_time.and_then(seconds),
        };
        let log_id = format!("dbt:{}", res.unique_id);
        let mut lines = Vec::new();
        for t in &res.timing {
            if let Some(s) = time(&t.started_at) {
                lines.push(LogLine {
                    at: Some(s),
                    level: LogLevel::Debug,
                    message: format!("{} started", t.name),
                });
            }
            if let Some(c) = time(&t.completed_at) {
                lines.push(LogLine {
                    at: Some(c),
                    level: LogLevel::Debug,
                    message: format!("{} completed", t.name),
                });
            }
        }
        let level = match res.status.as_str() {
            "error" | "fail" | "runtime error" => LogLevel::Error,
            "warn" => LogLevel::Warn,
            _ => LogLevel::Info,
        };
        lines.push(LogLine {
            at: end,
            level,
            message: format!(
                "{} {}: {}{}",
                rtype,
                name_of(&res.unique_id),
                res.status,
                res.execution_time
                    .map(|t| format!(" in {t:.2} s"))
                    .unwrap_or_default()
            ),
        });
        if let Some(msg) = res.message.as_deref().filter(|s| !s.is_empty()) {
            lines.push(LogLine {
                at: end,
                level,
                message: msg.to_string(),
            });
        }
        if let Some(f) = res.failures.filter(|f| *f > 0) {
            lines.push(LogLine {
                at: end,
                level,
                message: format!("{f} failing rows"),
            });
        }
        if let Some(a) = text_of(&res.adapter_response) {
            lines.push(LogLine {
                at: end,
                level: LogLevel::Debug,
                message: format!("adapter response: {a}"),
            });
        }
        if let Some(t) = &res.thread_id {
            lines.push(LogLine {
                at: start,
                level: LogLevel::Debug,
                message: format!("thread: {t}"),
            });
        }
        sorting::sort_by_key(&mut lines, |l| l.at);
        logs.insert(
            log_id.clone(),
            Log {
                id: log_id.clone(),
                lines,
                note: Some(LOG_NOTE.into()),
            },
        );
        let error = match status {
            Status::Failed => res.message.clone().filter(|s| !s.is_empty()),
            _ => None,
        };
        if is_model_like(rtype) {
            executions.push(Execution {
                model: name_of(&res.unique_id),
                status,
                start,
                end,
                duration,
                interval_start: None,
                interval_end: None,
                error,
                log_id: Some(log_id),
            });
        } else if rtype == "test" || rtype == "unit_test" {
            let attached = node
                .and_then(|n| {
                    n.attached_node.clone().or_else(|| {
                        n.depends_on
                            .nodes
                            .iter()
                            .find(|d| !d.starts_with("macro."))
                            .cloned()
                    })
                })
                .map(|u| name_of(&u))
                .unwrap_or_default();
            // dbt's default severity is error: a failing test stops what depends on it.
            let blocking = node
                .and_then(|n| n.config.severity.as_deref())
                .is_none_or(|s| s.eq_ignore_ascii_case("error"));
            let name = node
                .map(|n| n.name.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| res.unique_id.clone());
            audits.push(Audit {
                name,
                model: attached,
                status,
                blocking,
                failing_rows: res.failures,
                start,
                end,
                interval_start: None,
                interval_end: None,
                error,
                log_id: Some(log_id),
            });
        }
    }
    let generated = time(&r.metadata.generated_at).or_else(|| time(&m.metadata.generated_at));
    let start = first
        .or_else(|| {
            generated.map(|g| {
                g.checked_sub_signed(r.elapsed_time.and_then(seconds).unwrap_or_default())
                    .unwrap_or(g)
            })
        })
        .ok_or_else(|| {
            err(
                "run_results.json",
                "has no timing and no generated_at: cannot place the run in time",
            )
        })?;
    let invocation = r
        .metadata
        .invocation_id
        .clone()
        .or(m.metadata.invocation_id.clone())
        .unwrap_or_default();
    let id = RunId::parse(&invocation.replace('-', ""))
        .map_err(|e| err("run_results.json", format!("invocation_id {e}")))?;
    let known_target = r
        .args
        .get("target")
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| {
            m.metadata
                .env
                .get("DBT_TARGET")
                .and_then(Value::as_str)
                .map(String::from)
        });
    let target = known_target
        .clone()
        .or_else(|| m.metadata.project_name.clone())
        .unwrap_or_else(|| "dbt".into());
    let fingerprints = m
        .nodes
        .iter()
        .filter(|(_, n)| is_model_like(&n.resource_type))
        .map(|(uid, n)| (name_of(uid), fingerprint(n)))
        .collect();
    let failed = executions.iter().any(|e| e.status == Status::Failed)
        || audits
            .iter()
            .any(|a| a.status == Status::Failed && a.blocking);
    let command = r.args.get("which").and_then(Value::as_str).map(|w| {
        if w == "generate" {
            "docs generate".to_string()
        } else {
            w.to_string()
        }
    });
    Ok(DbtRun {
        run: Run {
            id,
            environment: target,
            status: if failed {
                Status::Failed
            } else {
                Status::Complete
            },
            refreshed_at: generated,
            start,
            end: Some(last.or(generated).unwrap_or(start).max(start)),
            previous_run_id: None,
            next_run_id: None,
            changes: Vec::new(),
            executions,
            audits,
            models,
            log_id: None,
            warnings: Vec::new(),
        },
        logs,
        dbt_version: r.metadata.dbt_version.clone(),
        command,
        notes,
        refusals,
        target: known_target,
        fingerprints,
        run_log: None,
    })
}

/// The environment an invocation goes to in a store: the one asked for,
/// else the target the artifacts or the log name, else the project.
pub fn environment_for(d: &DbtRun, asked: Option<&str>) -> String {
    asked
        .map(String::from)
        .or_else(|| d.target.clone())
        .or_else(|| d.run_log.as_ref().and_then(target_from_log))
        .unwrap_or_else(|| d.run.environment.clone())
}

/// An invocation as one run for a Run API store ([`crate::core::store`]):
/// the run document, its logs under ids unique in the store
/// (`{run id}-{node}`, the invocation's log as `{run id}`), and the models'
/// fingerprints so the store computes changes between runs.
pub fn submission(d: &DbtRun, environment: &str, kind: &str) -> Submission {
    let run_id = d.run.id.to_string();
    let rename = |log_id: &str| {
        let uid = log_id.strip_prefix("dbt:").unwrap_or(log_id);
        format!("{run_id}-{}", safe_name(uid))
    };
    let mut doc = encode::run(&d.run);
    doc.environment = environment.to_string();
    for e in doc.executions.iter_mut() {
        e.log_id = e.log_id.as_deref().map(rename);
    }
    for a in doc.audits.iter_mut() {
        a.log_id = a.log_id.as_deref().map(rename);
    }
    let mut logs: Vec<LogDoc> = d
        .logs
        .values()
        .map(|l| {
            let mut w = encode::log(l);
            w.id = rename(&l.id);
            w
        })
        .collect();
    if let Some(l) = &d.run_log {
        let mut w = encode::log(l);
        w.id = run_id.clone();
        logs.push(w);
    }
    Submission {
        run: StoredRunDoc {
            run: doc,
            log_id: d.run_log.as_ref().map(|_| run_id.clone()),
            fingerprints: d.fingerprints.clone(),
        },
        logs,
        environment_kind: kind.to_string(),
        model_count: d.run.models.iter().filter(|m| m.kind != "source").count() as u32,
        cost: None,
    }
}

/// 64-bit FNV-1a: a stable hash with no dependency (fingerprints only need
/// to differ when their input does, not to resist an adversary).
pub(crate) fn fnv1a(parts: &[&str]) -> String {
    let h = fnv1a_bytes(parts.iter().flat_map(|p| p.bytes().chain([0u8])));
    format!("{h:016x}")
}

/// 64-bit FNV-1a of a byte sequence.
pub(crate) fn fnv1a_bytes(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What a node builds: dbt's checksum of its file, its materialization and,
/// when its contract is enforced, the contract (columns, types, constraints).
fn fingerprint(n: &ManifestNode) -> String {
    let enforced = n.contract.enforced || n.config.contract.enforced;
    let mut parts: Vec<String> = vec![
        n.checksum.checksum.clone(),
        n.config.materialized.clone().unwrap_or_default(),
        enforced.to_string(),
    ];
    if enforced {
        parts.push(n.contract.checksum.clone().unwrap_or_default());
        for c in n.columns.values() {
            parts.push(format!(
                "{}:{}:{}",
                c.name,
                c.data_type.clone().unwrap_or_default(),
                serde_json::to_string(&c.constraints).unwrap_or_default()
            ));
        }
    }
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    fnv1a(&refs)
}

/// The Run API's other resources, for a dbt invocation: its environment and activity.
pub fn environment_of(d: &DbtRun) -> (Environment, EnvironmentActivity) {
    let r = &d.run;
    let activity = Activity {
        id: r.id.clone(),
        kind: ActivityKind::Run,
        status: r.status.clone(),
        start: r.start,
        end: r.end,
        duration: r.end.map(|e| e - r.start),
        cost: None,
        interval: None,
    };
    (
        Environment {
            name: r.environment.clone(),
            kind: EnvKind::Other("dbt".into()),
            model_count: r.models.iter().filter(|m| m.kind != "source").count() as u32,
            last_run: Some(activity.clone()),
            last_plan: None,
        },
        EnvironmentActivity {
            environment: r.environment.clone(),
            activity: vec![activity],
            warnings: Vec::new(),
            notes: d.notes.clone(),
            months: Vec::new(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_schema_version_is_a_note_not_an_error_nor_a_dropped_entry() {
        // Finding 8: `dbt_schema_version: 42` was "the manifest has no nodes".
        let m = MANIFEST.replace(
            r#""dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json""#,
            r#""dbt_schema_version":42"#,
        );
        let d = read(&m, RESULTS, None).unwrap();
        assert_eq!(
            d.notes,
            ["manifest.json has dbt_schema_version 42, not a version runlens knows; it reads v8 to v12 and shows what it can"]
        );
        assert_eq!(d.run.executions.len(), 3);
        let (_, activity) = environment_of(&d);
        // Nothing was dropped: no "N entries could not be shown".
        assert_eq!(activity.warnings, Vec::<String>::new());
        assert_eq!(activity.notes, d.notes);
        let m = MANIFEST.replace(
            r#""dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json","#,
            "",
        );
        assert_eq!(
            read(&m, RESULTS, None).unwrap().notes,
            ["manifest.json does not say its schema version"]
        );
    }

    #[test]
    fn null_in_the_artifacts_reads_as_absent() {
        // Maps keyed by unique id or name: their entries are not fields.
        const MAPS: [&str; 3] = ["nodes", "sources", "columns"];
        fn fields(v: &Value, path: &mut Vec<String>, is_map: bool, out: &mut Vec<Vec<String>>) {
            match v {
                Value::Object(o) => {
                    for (k, x) in o {
                        path.push(k.clone());
                        if !is_map && !matches!(k.as_str(), "nodes" | "results" | "unique_id") {
                            out.push(path.clone());
                        }
                        // Free-form values (shown as given): their content is not fields.
                        let free =
                            matches!(k.as_str(), "adapter_response" | "meta" | "env" | "args");
                        if !free || is_map {
                            fields(x, path, MAPS.contains(&k.as_str()) && !is_map, out);
                        }
                        path.pop();
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        path.push(i.to_string());
                        fields(x, path, false, out);
                        path.pop();
                    }
                }
                _ => {}
            }
        }
        fn edit(doc: &Value, path: &[String], null: bool) -> String {
            let mut d = doc.clone();
            let mut cur = &mut d;
            for seg in &path[..path.len() - 1] {
                cur = match cur {
                    Value::Array(a) => &mut a[seg.parse::<usize>().unwrap()],
                    other => &mut other[seg.as_str()],
                };
            }
            let last = &path[path.len() - 1];
            let o = cur.as_object_mut().unwrap();
            if null {
                o.insert(last.clone(), Value::Null);
            } else {
                o.remove(last);
            }
            d.to_string()
        }
        let mut checked = 0;
        for (which, text) in [(0, MANIFEST), (1, RESULTS)] {
            let doc: Value = serde_json::from_str(text).unwrap();
            let mut paths = Vec::new();
            fields(&doc, &mut Vec::new(), false, &mut paths);
            for p in paths {
                let (n, a) = (edit(&doc, &p, true), edit(&doc, &p, false));
                let (nulled, absent) = if which == 0 {
                    (read(&n, RESULTS, None), read(&a, RESULTS, None))
                } else {
                    (read(MANIFEST, &n, None), read(MANIFEST, &a, None))
                };
                assert_eq!(
                    nulled,
                    absent,
                    "{}: {p:?} = null",
                    ["manifest", "run_results"][which]
                );
                checked += 1;
            }
        }
        assert!(checked > 60, "{checked}");
    }

    const MANIFEST: &str = r#"{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json","invocation_id":"4b8e5a1c-0000-4000-8000-0123456789ab"},
      "nodes":{
        "seed.p.raw_orders":{"resource_type":"seed","name":"raw_orders","config":{"materialized":"seed"},"depends_on":{"nodes":[]},"columns":{}},
        "model.p.stg_orders":{"resource_type":"model","name":"stg_orders","config":{"materialized":"view","meta":{"owner":"ana"},"tags":["staging"]},"depends_on":{"nodes":["seed.p.raw_orders"]},
           "compiled_code":"select * from raw_orders","columns":{"order_id":{"name":"order_id","data_type":null,"description":"Order key"}}},
        "model.p.fct":{"resource_type":"model","name":"fct","config":{"materialized":"table"},"depends_on":{"nodes":["model.p.stg_orders","source.p.shop.customers"]},"raw_code":"select 1"},
        "test.p.unique_stg.1":{"resource_type":"test","name":"unique_stg_orders_order_id","attached_node":"model.p.stg_orders","config":{"severity":"ERROR"},"depends_on":{"nodes":["model.p.stg_orders"]}},
        "test.p.warn_fct.2":{"resource_type":"test","name":"accepted_values_fct","config":{"severity":"warn"},"depends_on":{"nodes":["macro.dbt.x","model.p.fct"]}}},
      "sources":{"source.p.shop.customers":{"resource_type":"source","name":"customers","source_name":"shop","columns":{}}},
      "extra":{"ignored":true}}"#;

    const RESULTS: &str = r#"{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/run-results/v6.json","dbt_version":"1.10.3","generated_at":"2026-11-20T10:00:10Z","invocation_id":"4b8e5a1c-0000-4000-8000-0123456789ab"},
      "elapsed_time":10.0,"args":{"target":"dev","which":"build"},
      "results":[
        {"unique_id":"seed.p.raw_orders","status":"success","timing":[{"name":"execute","started_at":"2026-11-20T10:00:01Z","completed_at":"2026-11-20T10:00:02Z"}],"execution_time":1.0,"adapter_response":{"rows_affected":3}},
        {"unique_id":"model.p.stg_orders","status":"error","timing":[{"name":"compile","started_at":"2026-11-20T10:00:02Z","completed_at":"2026-11-20T10:00:02.5Z"},{"name":"execute","started_at":"2026-11-20T10:00:03Z","completed_at":"2026-11-20T10:00:04Z"}],"message":"Runtime Error\n  Binder Error: column x not found","failures":null},
        {"unique_id":"model.p.fct","status":"skipped","timing":[],"message":"SKIP"},
        {"unique_id":"test.p.unique_stg.1","status":"fail","timing":[{"name":"execute","started_at":"2026-11-20T10:00:05Z","completed_at":"2026-11-20T10:00:06Z"}],"failures":2,"message":"Got 2 results, configured to fail if != 0"},
        {"unique_id":"test.p.warn_fct.2","status":"warn","timing":[],"failures":7,"message":"Got 7 results, configured to warn if != 0"}]}"#;

    #[test]
    fn maps_a_build_onto_a_run() {
        let d = read(MANIFEST, RESULTS, None).unwrap();
        let r = &d.run;
        assert_eq!(r.id.as_str(), "4b8e5a1c0000400080000123456789ab");
        assert_eq!(r.environment, "dev");
        assert_eq!(r.status, Status::Failed);
        assert_eq!(d.command.as_deref(), Some("build"));
        assert_eq!(r.start, parse_time("t", "2026-11-20T10:00:01Z").unwrap());
        assert_eq!(
            r.end,
            Some(parse_time("t", "2026-11-20T10:00:06Z").unwrap())
        );
        let ex: Vec<(String, Status)> = r
            .executions
            .iter()
            .map(|e| (e.model.clone(), e.status.clone()))
            .collect();
        assert_eq!(
            ex,
            vec![
                ("raw_orders".into(), Status::Complete),
                ("stg_orders".into(), Status::Failed),
                ("fct".into(), Status::Skipped)
            ]
        );
        assert_eq!(
            r.executions[1].error.as_deref(),
            Some("Runtime Error\n  Binder Error: column x not found")
        );
        assert_eq!(r.executions[1].duration, Some(Duration::seconds(1)));
        let au: Vec<(String, String, bool, Option<u64>, Status)> = r
            .audits
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    a.model.clone(),
                    a.blocking,
                    a.failing_rows,
                    a.status.clone(),
                )
            })
            .collect();
        assert_eq!(
            au,
            vec![
                (
                    "unique_stg_orders_order_id".into(),
                    "stg_orders".into(),
                    true,
                    Some(2),
                    Status::Failed
                ),
                (
                    "accepted_values_fct".into(),
                    "fct".into(),
                    false,
                    Some(7),
                    Status::Failed
                ),
            ]
        );
        let names: Vec<&str> = r.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["fct", "stg_orders", "raw_orders", "shop.customers"]);
        let fct = &r.models[0];
        assert_eq!(fct.upstream, vec!["stg_orders", "shop.customers"]);
        assert_eq!(fct.definition.as_deref(), Some("select 1"));
        assert_eq!(fct.kind, "table");
        let stg = &r.models[1];
        assert_eq!(
            (stg.owner.as_deref(), stg.tags.clone()),
            (Some("ana"), vec!["staging".to_string()])
        );
        assert_eq!(stg.columns[0].description.as_deref(), Some("Order key"));
        assert_eq!(r.models[3].kind, "source");
        let log = &d.logs["dbt:model.p.stg_orders"];
        assert_eq!(log.note.as_deref(), Some(LOG_NOTE));
        assert!(log
            .lines
            .iter()
            .any(|l| l.level == LogLevel::Error && l.message.contains("Binder Error")));
        assert!(d.notes.is_empty(), "{:?}", d.notes);
    }

    #[test]
    fn absurd_times_in_the_artifacts_are_ignored() {
        let r = RESULTS
            .replace(r#""execution_time":1.0"#, r#""execution_time":-1e300"#)
            .replace(r#""timing":[{"name":"execute","started_at":"2026-11-20T10:00:01Z","completed_at":"2026-11-20T10:00:02Z"}]"#, "\"timing\":[]")
            .replace(r#""elapsed_time":10.0"#, r#""elapsed_time":1e308"#);
        let d = read(MANIFEST, &r, None).unwrap();
        assert_eq!(d.run.executions[0].duration, None);
        assert_eq!(seconds(f64::NAN), None);
        assert_eq!(seconds(2.5), Some(Duration::milliseconds(2500)));
    }

    #[test]
    fn catalog_types_fill_in_and_bad_files_explain_themselves() {
        let cat = r#"{"nodes":{"model.p.stg_orders":{"columns":{"ORDER_ID":{"type":"BIGINT"}}}}}"#;
        let d = read(MANIFEST, RESULTS, Some(cat)).unwrap();
        assert_eq!(d.run.models[1].columns[0].data_type, "BIGINT");
        assert_eq!(
            read("<!doctype html>", RESULTS, None).unwrap_err(),
            "manifest.json: the server sent an HTML page, not JSON: is the URL right?"
        );
        assert!(read("{", RESULTS, None)
            .unwrap_err()
            .starts_with("manifest.json: not valid JSON"));
        assert!(read(r#"{"metadata":{}}"#, RESULTS, None)
            .unwrap_err()
            .starts_with("manifest.json: not a dbt manifest"));
        assert!(read(MANIFEST, r#"{"nodes":{}}"#, None)
            .unwrap_err()
            .starts_with("run_results.json: not a dbt run_results file"));
        assert_eq!(
            read(r#"{"metadata":{}}"#, RESULTS, None).unwrap_err(),
            "manifest.json: not a dbt manifest (nodes: required, but missing)"
        );
        assert_eq!(
            read(r#"{"nodes":{"model.a":{"name":5}}}"#, RESULTS, None).unwrap_err(),
            "manifest.json: not a dbt manifest (nodes.model.a.name: expected a string, got 5)"
        );
        let old = MANIFEST.replace("manifest/v12", "manifest/v5");
        assert_eq!(
            read(&old, RESULTS, None).unwrap().notes,
            vec!["manifest.json is v5; runlens is tested with v8 to v12"]
        );
    }

    #[test]
    fn fingerprints_change_with_code_and_materialization_only() {
        let d = read(MANIFEST, RESULTS, None).unwrap();
        let fp = |m: &str| read(m, RESULTS, None).unwrap().fingerprints;
        assert_eq!(
            d.fingerprints.keys().collect::<Vec<_>>(),
            ["fct", "raw_orders", "stg_orders"]
        );
        let with_sum = MANIFEST.replace(
            r#""resource_type":"model","name":"fct","#,
            r#""resource_type":"model","name":"fct","checksum":{"name":"sha256","checksum":"abc"},"#,
        );
        let base = fp(&with_sum);
        let edited = fp(&with_sum.replace(r#""checksum":"abc""#, r#""checksum":"abd""#));
        assert_ne!(base["fct"], edited["fct"]);
        assert_eq!(base["stg_orders"], edited["stg_orders"]);
        let view = fp(&with_sum.replace(
            r#""config":{"materialized":"table"}"#,
            r#""config":{"materialized":"view"}"#,
        ));
        assert_ne!(base["fct"], view["fct"]);
        let described = fp(&with_sum.replace("Order key", "The order's key"));
        assert_eq!(base, described, "documentation is not what a model builds");
    }

    #[test]
    fn a_mixed_up_pair_of_files_is_refused_naming_the_field() {
        let other = RESULTS.replace("4b8e5a1c-0000", "5b8e5a1c-0000");
        assert_eq!(
            read(MANIFEST, &other, None).unwrap().refusals,
            vec!["run_results.json: metadata.invocation_id 5b8e5a1c-0000-4000-8000-0123456789ab is not the invocation of manifest.json (4b8e5a1c-0000-4000-8000-0123456789ab): the two files come from different dbt invocations"]
        );
        assert!(read(MANIFEST, RESULTS, None).unwrap().refusals.is_empty());
    }

    const JSON_LOG: &str = concat!(
        r#"{"data": {}, "info": {"invocation_id": "4b8e5a1c-0000-4000-8000-0123456789ab", "level": "info", "msg": "Running with dbt=1.10.23", "ts": "2026-11-20T10:00:00.5Z"}}"#,
        "\n",
        r#"{"data": {"node_info": {"unique_id": "model.p.stg_orders"}}, "info": {"invocation_id": "4b8e5a1c-0000-4000-8000-0123456789ab", "level": "debug", "msg": "On model.p.stg_orders: /* {\"app\": \"dbt\", \"target_name\": \"nightly\"} */ select 1", "ts": "2026-11-20T10:00:03Z"}}"#,
        "\n",
        r#"{"data": {"node_info": {"unique_id": "model.p.stg_orders"}}, "info": {"invocation_id": "4b8e5a1c-0000-4000-8000-0123456789ab", "level": "error", "msg": "1 of 5 ERROR creating sql view model stg_orders ... [\u001b[31mERROR\u001b[0m in 1.0s]", "ts": "2026-11-20T10:00:04Z"}}"#,
        "\n",
        r#"{"data": {"node_info": {"unique_id": "model.p.stg_orders"}}, "info": {"invocation_id": "99999999-0000-4000-8000-0123456789ab", "level": "info", "msg": "another build", "ts": "2026-11-19T10:00:04Z"}}"#,
        "\n"
    );

    #[test]
    fn a_json_log_gives_each_node_its_own_lines_and_the_run_the_whole() {
        let mut d = read(MANIFEST, RESULTS, None).unwrap();
        assert_eq!(attach_log(&mut d, "dbt.log", JSON_LOG), Ok(LogFormat::Json));
        let stg = &d.logs["dbt:model.p.stg_orders"];
        assert_eq!(stg.note, None);
        let got: Vec<(LogLevel, &str)> = stg
            .lines
            .iter()
            .map(|l| (l.level, l.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    LogLevel::Debug,
                    r#"On model.p.stg_orders: /* {"app": "dbt", "target_name": "nightly"} */ select 1"#
                ),
                (
                    LogLevel::Error,
                    "1 of 5 ERROR creating sql view model stg_orders ... [ERROR in 1.0s]"
                ),
            ]
        );
        assert_eq!(
            d.logs["dbt:seed.p.raw_orders"].note.as_deref(),
            Some(NO_LOG_LINES_NOTE)
        );
        let run_log = d.run_log.as_ref().unwrap();
        assert_eq!(run_log.lines.len(), 3);
        assert_eq!(
            run_log.lines[0].at,
            Some(parse_time("t", "2026-11-20T10:00:00.5Z").unwrap())
        );
        assert_eq!(environment_for(&d, None), "dev", "args.target wins");
        assert_eq!(target_from_log(run_log).as_deref(), Some("nightly"));
        assert_eq!(environment_for(&d, Some("prod")), "prod");
        let other = JSON_LOG.replace("4b8e5a1c-0000", "77777777-0000");
        assert!(attach_log(&mut d, "logs/dbt.log", &other)
            .unwrap_err()
            .starts_with("logs/dbt.log: no line of invocation 4b8e5a1c"));
    }

    #[test]
    fn a_text_log_is_matched_by_thread_between_began_and_finished() {
        let text = "\n\n============================== 23:59:59.000001 | 4b8e5a1c-0000-4000-8000-0123456789ab ==============================\n\
\u{1b}[0m23:59:59.100000 [info ] [MainThread]: Running with dbt=1.10.23\n\
\u{1b}[0m23:59:59.200000 [debug] [Thread-1 (]: Began running node model.p.stg_orders\n\
\u{1b}[0m23:59:59.300000 [debug] [Thread-2 (]: Began running node seed.p.raw_orders\n\
\u{1b}[0m00:00:01.000000 [debug] [Thread-1 (]: On model.p.stg_orders: select\n\
  1 as x\n\
\u{1b}[0m00:00:02.000000 [error] [Thread-1 (]: 1 of 5 ERROR creating sql view model stg_orders\n\
\u{1b}[0m00:00:02.100000 [debug] [Thread-1 (]: Finished running node model.p.stg_orders\n\
\u{1b}[0m00:00:02.200000 [info ] [Thread-1 (]: Concurrency: 2 threads\n\
============================== 01:00:00.000000 | 99999999-0000-4000-8000-0123456789ab ==============================\n\
\u{1b}[0m01:00:00.100000 [debug] [Thread-1 (]: Began running node model.p.stg_orders\n";
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 19);
        let (format, inv) = read_log(
            text,
            "4b8e5a1c00004000800001234567 89ab"
                .replace(' ', "")
                .as_str(),
            day,
        );
        assert_eq!(format, LogFormat::Text);
        assert_eq!(inv.lines.len(), 7);
        let stg: Vec<&str> = inv.by_node["model.p.stg_orders"]
            .iter()
            .map(|l| l.message.as_str())
            .collect();
        assert_eq!(
            stg,
            [
                "Began running node model.p.stg_orders",
                "On model.p.stg_orders: select\n1 as x",
                "1 of 5 ERROR creating sql view model stg_orders",
                "Finished running node model.p.stg_orders"
            ]
        );
        assert_eq!(inv.by_node["seed.p.raw_orders"].len(), 1);
        // Midnight passed between the first lines and the error.
        let err = &inv.by_node["model.p.stg_orders"][2];
        assert_eq!(
            (err.level, err.at),
            (
                LogLevel::Error,
                Some(parse_time("t", "2026-11-20T00:00:02Z").unwrap())
            )
        );
        let mut d = read(MANIFEST, RESULTS, None).unwrap();
        assert_eq!(attach_log(&mut d, "dbt.log", text), Ok(LogFormat::Text));
        assert_eq!(
            d.logs["dbt:model.p.stg_orders"].note.as_deref(),
            Some(TEXT_LOG_NOTE)
        );
    }
}
