//! Run events (docs/events.md): a line format any producer writes while a
//! run happens, folded into the store's run documents.
//!
//! Pure: [`parse`] turns the lines into [`Unit`]s (one run's events, or a
//! plan); [`writes`] folds a unit into the store's current state, read
//! through [`StoreRead`], and returns the files to write through the one
//! store writer ([`store::plan`], [`store::record_plan`]). The run document
//! is the state: folding reads it back, so events may arrive in any number
//! of calls, and folding the same events again writes nothing.

use super::decode::parse_time;
use super::encode;
use super::model::{RunId, Time};
use super::store::{self, FileWrite, PlanRecord, StoreRead, Submission};
use super::wire::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// One line as written (wire): every field of every type, all optional but
/// `type` and `at`; [`parse`] checks what each type requires.
#[derive(Deserialize, Default)]
struct EventLine {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, deserialize_with = "de::or_default")]
    run_id: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    plan_id: Option<String>,
    #[serde(deserialize_with = "de::time")]
    at: String,
    #[serde(default, deserialize_with = "de::or_default")]
    environment: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    environment_kind: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    models: Vec<ModelDto>,
    #[serde(default, deserialize_with = "de::or_default")]
    executions: Vec<SlotLine>,
    #[serde(default, deserialize_with = "de::or_default")]
    model: Option<String>,
    #[serde(default, deserialize_with = "de::opt_time")]
    interval_start: Option<String>,
    #[serde(default, deserialize_with = "de::opt_time")]
    interval_end: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_time")]
    start: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    duration_ms: Option<i64>,
    #[serde(default, deserialize_with = "de::or_default")]
    error: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    log: Vec<LogLineDto>,
    #[serde(default, deserialize_with = "de::or_default")]
    reason: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    blocking: Option<bool>,
    #[serde(default, deserialize_with = "de::or_default")]
    failing_rows: Option<u64>,
    #[serde(default, deserialize_with = "de::or_default")]
    query: Option<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    added: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    removed: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    directly_modified: Vec<String>,
    #[serde(default, deserialize_with = "de::or_default")]
    indirectly_modified: Vec<String>,
}

#[derive(Deserialize)]
struct SlotLine {
    model: String,
    #[serde(default, deserialize_with = "de::opt_time")]
    interval_start: Option<String>,
    #[serde(default, deserialize_with = "de::opt_time")]
    interval_end: Option<String>,
}

/// What an execution is: a model and the interval it processes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot {
    pub model: String,
    pub interval_start: Option<Time>,
    pub interval_end: Option<Time>,
}

/// How an execution or an audit ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Complete,
    Failed,
}

impl Outcome {
    fn parse(s: Option<&str>) -> Result<Outcome, String> {
        match s {
            Some("complete") => Ok(Outcome::Complete),
            Some("failed") => Ok(Outcome::Failed),
            Some(other) => Err(format!(
                "status: expected \"complete\" or \"failed\", got {other:?}"
            )),
            None => Err("status: missing (\"complete\" or \"failed\")".into()),
        }
    }
    fn key(self) -> &'static str {
        match self {
            Outcome::Complete => "complete",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunEvent {
    Started {
        environment: String,
        environment_kind: Option<String>,
        models: Vec<ModelDto>,
    },
    Planned {
        executions: Vec<Slot>,
        models: Vec<ModelDto>,
    },
    ExecutionStarted(Slot),
    ExecutionFinished {
        slot: Slot,
        outcome: Outcome,
        start: Option<Time>,
        duration_ms: Option<i64>,
        error: Option<String>,
        log: Vec<LogLineDto>,
    },
    Skipped {
        slot: Slot,
        reason: Option<String>,
    },
    Audit {
        name: String,
        slot: Slot,
        outcome: Outcome,
        blocking: bool,
        failing_rows: Option<u64>,
        query: Option<String>,
        error: Option<String>,
    },
    Finished {
        outcome: Outcome,
        error: Option<String>,
    },
}

/// What one call folds: a run's events (in the order given), or a plan.
#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    Run {
        run_id: String,
        events: Vec<(Time, RunEvent)>,
    },
    Plan(Box<PlanRecord>),
}

impl Unit {
    pub fn id(&self) -> &str {
        match self {
            Unit::Run { run_id, .. } => run_id,
            Unit::Plan(p) => &p.plan.id,
        }
    }
}

/// The units of a text, in the order of their first line, and a message per
/// line that could not be read (`line N: …`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub units: Vec<Unit>,
    pub errors: Vec<String>,
}

pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut runs: BTreeMap<String, usize> = BTreeMap::new();
    let mut plans: BTreeMap<String, usize> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(Line::Run(run_id, at, ev)) => match runs.get(&run_id) {
                Some(&u) => {
                    if let Unit::Run { events, .. } = &mut out.units[u] {
                        events.push((at, ev));
                    }
                }
                None => {
                    runs.insert(run_id.clone(), out.units.len());
                    out.units.push(Unit::Run {
                        run_id,
                        events: vec![(at, ev)],
                    });
                }
            },
            Ok(Line::Plan(p)) => {
                // A plan reported twice: the later line wins, in its place.
                match plans.get(&p.plan.id) {
                    Some(&u) => out.units[u] = Unit::Plan(Box::new(p)),
                    None => {
                        plans.insert(p.plan.id.clone(), out.units.len());
                        out.units.push(Unit::Plan(Box::new(p)));
                    }
                }
            }
            Err(e) => out.errors.push(format!("line {}: {e}", i + 1)),
        }
    }
    out
}

enum Line {
    Run(String, Time, RunEvent),
    Plan(PlanRecord),
}

fn time_opt(field: &str, s: &Option<String>) -> Result<Option<Time>, String> {
    let t = s.as_deref().map(|t| parse_time(field, t)).transpose()?;
    if let Some(t) = t {
        check_year(field, t)?;
    }
    Ok(t)
}

/// Times a store keeps must read back: years 1970 to 9999 (UTC).
fn check_year(field: &str, t: Time) -> Result<(), String> {
    use chrono::Datelike;
    if (1970..=9999).contains(&t.year()) {
        Ok(())
    } else {
        Err(format!("{field}: {t} is outside the years 1970 to 9999"))
    }
}

fn required(field: &str, v: Option<String>) -> Result<String, String> {
    match v {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(format!("{field}: missing")),
    }
}

fn parse_line(line: &str) -> Result<Line, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    if !value.is_object() {
        return Err("not a JSON object".into());
    }
    let l: EventLine = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        }
    })?;
    let at = parse_time("at", &l.at)?;
    check_year("at", at)?;
    if l.kind == "plan_applied" {
        let id = RunId::parse(l.plan_id.as_deref().unwrap_or_default())
            .map_err(|e| format!("plan_id: {e}"))?;
        let start = time_opt("start", &l.start)?.unwrap_or(at);
        let status = match l.status.as_deref() {
            None => "complete".to_string(),
            Some(s) => Outcome::parse(Some(s))?.key().to_string(),
        };
        let interval = |f: &str, v: &Option<String>| -> Result<Option<String>, String> {
            Ok(time_opt(f, v)?.map(encode::time))
        };
        return Ok(Line::Plan(PlanRecord {
            plan: PlanDoc {
                id: id.to_string(),
                environment: required("environment", l.environment)?,
                status,
                start: encode::time(start.min(at)),
                end: Some(encode::time(at)),
                error: l.error,
                interval_start: interval("interval_start", &l.interval_start)?,
                interval_end: interval("interval_end", &l.interval_end)?,
                added: l.added,
                removed: l.removed,
                directly_modified: l.directly_modified,
                indirectly_modified: l.indirectly_modified,
            },
            cost: None,
        }));
    }
    let run_id = RunId::parse(l.run_id.as_deref().unwrap_or_default())
        .map_err(|e| format!("run_id: {e}"))?
        .to_string();
    let slot = |l: &EventLine| -> Result<Slot, String> {
        Ok(Slot {
            model: required("model", l.model.clone())?,
            interval_start: time_opt("interval_start", &l.interval_start)?,
            interval_end: time_opt("interval_end", &l.interval_end)?,
        })
    };
    let ev = match l.kind.as_str() {
        "run_started" => RunEvent::Started {
            environment: required("environment", l.environment)?,
            environment_kind: l.environment_kind,
            models: l.models,
        },
        "executions_planned" => RunEvent::Planned {
            executions: l
                .executions
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    Ok(Slot {
                        model: required(&format!("executions[{i}].model"), Some(s.model.clone()))?,
                        interval_start: time_opt(
                            &format!("executions[{i}].interval_start"),
                            &s.interval_start,
                        )?,
                        interval_end: time_opt(
                            &format!("executions[{i}].interval_end"),
                            &s.interval_end,
                        )?,
                    })
                })
                .collect::<Result<_, String>>()?,
            models: l.models,
        },
        "execution_started" => RunEvent::ExecutionStarted(slot(&l)?),
        "execution_finished" => RunEvent::ExecutionFinished {
            slot: slot(&l)?,
            outcome: Outcome::parse(l.status.as_deref())?,
            start: time_opt("start", &l.start)?,
            duration_ms: l.duration_ms.filter(|d| (0..=MAX_DURATION_MS).contains(d)),
            error: l.error,
            log: l.log,
        },
        "model_skipped" => RunEvent::Skipped {
            slot: slot(&l)?,
            reason: l.reason,
        },
        "audit_result" => RunEvent::Audit {
            name: required("name", l.name.clone())?,
            slot: slot(&l)?,
            outcome: Outcome::parse(l.status.as_deref())?,
            blocking: l.blocking.unwrap_or(true),
            failing_rows: l.failing_rows,
            query: l.query,
            error: l.error,
        },
        "run_finished" => RunEvent::Finished {
            outcome: Outcome::parse(l.status.as_deref())?,
            error: l.error,
        },
        other => return Err(format!("type: unknown event type {other:?}")),
    };
    Ok(Line::Run(run_id, at, ev))
}

/// Durations beyond a year are not believed.
const MAX_DURATION_MS: i64 = 366 * 24 * 3_600_000;

/// The error given to an execution still running when its run ended.
pub const ENDED_WITHOUT_END: &str = "the run ended before this execution reported an end";

/// The environments the store lists (none for a new store).
fn environments(store: &dyn StoreRead) -> Result<Vec<EnvironmentDto>, String> {
    let Some(text) = store.read(store::ENVIRONMENTS)? else {
        return Ok(Vec::new());
    };
    let envs: EnvironmentsDoc = serde_json::from_str(&text)
        .map_err(|e| format!("store: {} is not readable ({e})", store::ENVIRONMENTS))?;
    Ok(envs.environments)
}

/// Where the store keeps run `id`: its document and its environment's
/// kind, looking through the environments the store lists.
fn locate(
    store: &dyn StoreRead,
    envs: &[EnvironmentDto],
    id: &str,
) -> Result<Option<(StoredRunDoc, Option<String>)>, String> {
    for e in envs {
        if !store::is_safe_name(&e.name) {
            continue;
        }
        let path = store::run_path(&e.name, id);
        if let Some(t) = store.read(&path)? {
            let doc: StoredRunDoc = serde_json::from_str(&t)
                .map_err(|err| format!("store: {path} is not readable ({err})"))?;
            return Ok(Some((doc, Some(e.kind.clone()).filter(|k| !k.is_empty()))));
        }
    }
    Ok(None)
}

/// The files to write to fold `unit` into the store.
pub fn writes(store: &dyn StoreRead, unit: &Unit) -> Result<Vec<FileWrite>, String> {
    match unit {
        Unit::Plan(p) => store::record_plan(store, (**p).clone()),
        Unit::Run { run_id, events } => {
            let envs = environments(store)?;
            let found = locate(store, &envs, run_id)?;
            if let Some((doc, _)) = &found {
                for (_, e) in events {
                    if let RunEvent::Started { environment, .. } = e {
                        if *environment != doc.run.environment {
                            return Err(format!(
                                "run {run_id} is in environment {:?}; run_started says {environment:?}",
                                doc.run.environment
                            ));
                        }
                    }
                }
            }
            let mut sub = fold(run_id, found.clone(), events)?;
            // A new run of a known environment keeps the environment's kind
            // unless its run_started says otherwise.
            let named_kind = events.iter().any(|(_, e)| {
                matches!(
                    e,
                    RunEvent::Started {
                        environment_kind: Some(_),
                        ..
                    }
                )
            });
            if found.is_none() && !named_kind {
                if let Some(e) = envs
                    .iter()
                    .find(|e| e.name == sub.run.run.environment && !e.kind.is_empty())
                {
                    sub.environment_kind = e.kind.clone();
                }
            }
            store::plan(store, sub)
        }
    }
}

/// How far an execution's status has got: it only moves forward.
fn rank(status: &str) -> u8 {
    match status {
        "pending" => 0,
        "in_progress" => 1,
        _ => 2,
    }
}

type SlotKey = (String, Option<Time>, Option<Time>);

fn slot_key(s: &Slot) -> SlotKey {
    (s.model.clone(), s.interval_start, s.interval_end)
}

fn exec_key(e: &ExecutionDto) -> SlotKey {
    let t = |x: &Option<String>| x.as_deref().and_then(|v| parse_time("t", v).ok());
    (e.model.clone(), t(&e.interval_start), t(&e.interval_end))
}

fn same_time(text: &Option<String>, t: Option<Time>) -> bool {
    text.as_deref().and_then(|x| parse_time("t", x).ok()) == t
}

/// A log id for `parts` of run `run_id`: a readable prefix (cut to a safe
/// length) and a hash of the exact parts, so that two executions never
/// share a log (`a b` and `a_b`, two intervals with the same start).
fn log_id(run_id: &str, parts: &[&str]) -> String {
    let readable: String = store::safe_name(&parts.join("-"))
        .chars()
        .take(100)
        .collect();
    format!("{run_id}-{readable}-{}", super::dbt::fnv1a(parts))
}

fn slot_parts(s: &Slot) -> [String; 3] {
    [
        s.model.clone(),
        s.interval_start.map(encode::time).unwrap_or_default(),
        s.interval_end.map(encode::time).unwrap_or_default(),
    ]
}

fn merge_models(into: &mut Vec<ModelDto>, models: &[ModelDto]) {
    for m in models {
        if m.name.trim().is_empty() {
            continue;
        }
        match into.iter_mut().find(|x| x.name == m.name) {
            Some(x) => *x = m.clone(),
            None => into.push(m.clone()),
        }
    }
}

/// Run `run_id` as the store has it (`found`) with `events` applied: the
/// submission for the store writer.
pub fn fold(
    run_id: &str,
    found: Option<(StoredRunDoc, Option<String>)>,
    events: &[(Time, RunEvent)],
) -> Result<Submission, String> {
    let (mut doc, mut kind) = match found {
        Some((d, k)) => (Some(d), k),
        None => (None, None),
    };
    // Identity: environment and start, from the store, else the events.
    if doc.is_none() {
        let started = events.iter().find_map(|(at, e)| match e {
            RunEvent::Started { environment, .. } => Some((*at, environment.clone())),
            _ => None,
        });
        let Some((at, environment)) = started else {
            return Err(format!(
                "run {run_id}: not in the store yet and no run_started event gives its environment"
            ));
        };
        doc = Some(StoredRunDoc {
            run: RunDoc {
                id: run_id.to_string(),
                environment,
                status: "in_progress".into(),
                start: encode::time(at),
                ..Default::default()
            },
            ..Default::default()
        });
    }
    let mut doc = doc.unwrap_or_default();
    let mut logs: Vec<LogDoc> = Vec::new();
    let run = &mut doc.run;
    let mut newest = run
        .refreshed_at
        .as_deref()
        .and_then(|t| parse_time("refreshed_at", t).ok());
    // Executions by identity, built once (events may be many).
    let mut index: HashMap<SlotKey, usize> = HashMap::new();
    for (i, e) in run.executions.iter().enumerate() {
        index.entry(exec_key(e)).or_insert(i);
    }
    let mut events: Vec<&(Time, RunEvent)> = events.iter().collect();
    events.sort_by_key(|(t, _)| *t);
    for (at, ev) in events {
        let at = *at;
        newest = Some(newest.map_or(at, |n| n.max(at)));
        let stamp = encode::time(at);
        match ev {
            RunEvent::Started {
                environment_kind,
                models,
                ..
            } => {
                if let Some(k) = environment_kind {
                    kind = Some(k.clone());
                }
                merge_models(&mut run.models, models);
            }
            RunEvent::Planned { executions, models } => {
                merge_models(&mut run.models, models);
                for s in executions {
                    if let std::collections::hash_map::Entry::Vacant(v) = index.entry(slot_key(s)) {
                        v.insert(run.executions.len());
                        run.executions.push(new_execution(s, "pending"));
                    }
                }
            }
            RunEvent::ExecutionStarted(s) => {
                match index.get(&slot_key(s)).map(|&i| &mut run.executions[i]) {
                    Some(e) if rank(&e.status) >= 1 => {}
                    Some(e) => {
                        e.status = "in_progress".into();
                        e.start = Some(stamp);
                    }
                    None => {
                        let mut e = new_execution(s, "in_progress");
                        e.start = Some(stamp);
                        index.insert(slot_key(s), run.executions.len());
                        run.executions.push(e);
                    }
                }
            }
            RunEvent::ExecutionFinished {
                slot,
                outcome,
                start,
                duration_ms,
                error,
                log,
            } => {
                let i = match index.get(&slot_key(slot)) {
                    Some(&i) => i,
                    None => {
                        index.insert(slot_key(slot), run.executions.len());
                        run.executions.push(new_execution(slot, "pending"));
                        run.executions.len() - 1
                    }
                };
                let e = &mut run.executions[i];
                // A finish older than the one already folded changes nothing
                // (events fed again, or out of order across calls).
                let known_end = e.end.as_deref().and_then(|t| parse_time("end", t).ok());
                if rank(&e.status) >= 2 && known_end.is_some_and(|k| k > at) {
                    continue;
                }
                // The same end reported again (a producer may send a finish
                // at once and again with its error once it has it): the same
                // attempt, completed, never emptied.
                let same_attempt = rank(&e.status) >= 2 && known_end == Some(at);
                // The start of this attempt: a finished earlier attempt's
                // start is not this one's.
                let known_start = (e.status == "in_progress" || same_attempt)
                    .then(|| e.start.as_deref().and_then(|t| parse_time("start", t).ok()))
                    .flatten();
                let error = if same_attempt {
                    error.clone().or_else(|| e.error.clone())
                } else {
                    error.clone()
                };
                let begun = start
                    .or(known_start)
                    .or_else(|| duration_ms.map(|d| at - chrono::Duration::milliseconds(d)))
                    .unwrap_or(at)
                    .min(at);
                e.status = outcome.key().into();
                e.start = Some(encode::time(begun));
                e.end = Some(stamp);
                e.duration_ms =
                    Some(duration_ms.unwrap_or_else(|| (at - begun).num_milliseconds()));
                e.error = error;
                if !log.is_empty() {
                    let p = slot_parts(slot);
                    let id = log_id(run_id, &[&p[0], &p[1], &p[2]]);
                    e.log_id = Some(id.clone());
                    put_log(&mut logs, id, log.clone());
                }
            }
            RunEvent::Skipped { slot, reason } => {
                match index.get(&slot_key(slot)).map(|&i| &mut run.executions[i]) {
                    Some(e) if rank(&e.status) >= 2 => {}
                    Some(e) => {
                        e.status = "skipped".into();
                        e.error = reason.clone();
                    }
                    None => {
                        let mut e = new_execution(slot, "skipped");
                        e.error = reason.clone();
                        index.insert(slot_key(slot), run.executions.len());
                        run.executions.push(e);
                    }
                }
            }
            RunEvent::Audit {
                name,
                slot,
                outcome,
                blocking,
                failing_rows,
                query,
                error,
            } => {
                let same = |a: &AuditDto| {
                    a.name == *name
                        && a.model == slot.model
                        && same_time(&a.interval_start, slot.interval_start)
                        && same_time(&a.interval_end, slot.interval_end)
                };
                let mut lines = Vec::new();
                if let Some(q) = query {
                    lines.push(LogLineDto {
                        at: Some(stamp.clone()),
                        level: "INFO".into(),
                        message: format!("Audit query:\n{q}"),
                    });
                }
                if let Some(err) = error {
                    lines.push(LogLineDto {
                        at: Some(stamp.clone()),
                        level: "ERROR".into(),
                        message: err.clone(),
                    });
                }
                let log_id = (!lines.is_empty()).then(|| {
                    let p = slot_parts(slot);
                    log_id(run_id, &["audit", name, &p[0], &p[1], &p[2]])
                });
                if let Some(id) = &log_id {
                    put_log(&mut logs, id.clone(), lines);
                }
                let a = AuditDto {
                    name: name.clone(),
                    model: slot.model.clone(),
                    status: outcome.key().into(),
                    blocking: *blocking,
                    failing_rows: *failing_rows,
                    start: Some(stamp.clone()),
                    end: Some(stamp),
                    interval_start: slot.interval_start.map(encode::time),
                    interval_end: slot.interval_end.map(encode::time),
                    error: error.clone(),
                    log_id,
                };
                match run.audits.iter_mut().find(|x| same(x)) {
                    Some(x) => *x = a,
                    None => run.audits.push(a),
                }
            }
            RunEvent::Finished { outcome, error } => {
                // The latest report of the end wins, whatever the order of
                // calls; an end before the start is the start.
                let known_end = run.end.as_deref().and_then(|t| parse_time("end", t).ok());
                if known_end.is_some_and(|k| k > at) {
                    continue;
                }
                let started = parse_time("start", &run.start).ok();
                let stamp = encode::time(started.map_or(at, |s0| at.max(s0)));
                run.status = outcome.key().into();
                run.end = Some(stamp.clone());
                if let Some(err) = error {
                    doc.log_id = Some(run_id.to_string());
                    put_log(
                        &mut logs,
                        run_id.to_string(),
                        vec![LogLineDto {
                            at: Some(stamp),
                            level: "ERROR".into(),
                            message: err.clone(),
                        }],
                    );
                }
            }
        }
    }
    if run.end.is_some() {
        for e in run.executions.iter_mut() {
            match e.status.as_str() {
                "pending" => e.status = "skipped".into(),
                "in_progress" => {
                    e.status = "failed".into();
                    e.error = Some(ENDED_WITHOUT_END.into());
                }
                _ => {}
            }
        }
    } else {
        run.status = "in_progress".into();
    }
    run.refreshed_at = newest.map(encode::time);
    let environment = run.environment.clone();
    let kind = kind.unwrap_or_else(|| store::default_kind(&environment).to_string());
    let model_count = run.models.len() as u32;
    Ok(Submission {
        run: doc,
        logs,
        environment_kind: kind,
        model_count,
        cost: None,
    })
}

/// Adds (or replaces) log `id`.
fn put_log(logs: &mut Vec<LogDoc>, id: String, lines: Vec<LogLineDto>) {
    logs.retain(|l| l.id != id);
    logs.push(LogDoc {
        id,
        lines,
        note: None,
    });
}

fn new_execution(s: &Slot, status: &str) -> ExecutionDto {
    ExecutionDto {
        model: s.model.clone(),
        status: status.into(),
        interval_start: s.interval_start.map(encode::time),
        interval_end: s.interval_end.map(encode::time),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Mem = BTreeMap<String, String>;

    const R1: &str = "5b1f0c2e9a7d4e3b8c6a1f0e2d3c4b5a";
    const R2: &str = "6c2f0c2e9a7d4e3b8c6a1f0e2d3c4b5a";
    const P1: &str = "7d3f0c2e9a7d4e3b8c6a1f0e2d3c4b5a";

    /// Folds `text` into `store` like `runlens-ingest events`; the paths
    /// written, per unit.
    fn ingest(store: &mut Mem, text: &str) -> (Vec<Vec<String>>, Vec<String>) {
        let parsed = parse(text);
        let mut written = Vec::new();
        for u in &parsed.units {
            let w = writes(store, u).expect("folds");
            written.push(w.iter().map(|f| f.path.clone()).collect());
            for f in w {
                store.insert(f.path, f.contents);
            }
        }
        (written, parsed.errors)
    }

    fn run(store: &Mem, env: &str, id: &str) -> StoredRunDoc {
        serde_json::from_str(&store[&store::run_path(env, id)]).unwrap()
    }

    fn statuses(r: &StoredRunDoc) -> Vec<(String, String)> {
        r.run
            .executions
            .iter()
            .map(|e| (e.model.clone(), e.status.clone()))
            .collect()
    }

    fn ev(kind: &str, id: &str, at: &str, rest: &str) -> String {
        let id_field = if kind == "plan_applied" {
            "plan_id"
        } else {
            "run_id"
        };
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(",{rest}")
        };
        format!(r#"{{"type":"{kind}","{id_field}":"{id}","at":"2026-11-29T{at}Z"{rest}}}"#)
    }

    const DAY: &str =
        r#""interval_start":"2026-11-28T00:00:00Z","interval_end":"2026-11-29T00:00:00Z""#;

    fn first_half(id: &str, h: &str) -> String {
        [
            ev("run_started", id, &format!("{h}:00:00"), r#""environment":"prod""#),
            ev(
                "executions_planned",
                id,
                &format!("{h}:00:00"),
                &format!(
                    r#""executions":[{{"model":"a",{DAY}}},{{"model":"b",{DAY}}},{{"model":"c",{DAY}}}],"models":[{{"name":"a"}},{{"name":"b","upstream":["a"]}},{{"name":"c","upstream":["b"]}}]"#
                ),
            ),
            ev("execution_started", id, &format!("{h}:00:01"), &format!(r#""model":"a",{DAY}"#)),
            ev(
                "execution_finished",
                id,
                &format!("{h}:00:04"),
                &format!(r#""model":"a",{DAY},"status":"complete","log":[{{"level":"INFO","message":"inserted 3 rows"}}]"#),
            ),
            ev("execution_started", id, &format!("{h}:00:05"), &format!(r#""model":"b",{DAY}"#)),
        ]
        .join("\n")
    }

    fn second_half(id: &str, h: &str) -> String {
        [
            ev(
                "execution_finished",
                id,
                &format!("{h}:00:09"),
                &format!(r#""model":"b",{DAY},"status":"failed","error":"Binder Error: no column x""#),
            ),
            ev("model_skipped", id, &format!("{h}:00:09"), &format!(r#""model":"c",{DAY},"reason":"b failed""#)),
            ev(
                "audit_result",
                id,
                &format!("{h}:00:04"),
                &format!(r#""name":"not_null_a_id","model":"a",{DAY},"status":"failed","blocking":false,"failing_rows":3,"query":"select * from a where id is null""#),
            ),
            ev("run_finished", id, &format!("{h}:00:10"), r#""status":"failed","error":"1 model failed""#),
        ]
        .join("\n")
    }

    #[test]
    fn a_run_in_two_calls_shows_how_far_it_got_then_ends_as_in_one_call() {
        let mut store = Mem::new();
        let (_, errors) = ingest(&mut store, &first_half(R1, "02"));
        assert!(errors.is_empty(), "{errors:?}");
        let r = run(&store, "prod", R1);
        assert_eq!(r.run.status, "in_progress");
        assert_eq!(r.run.end, None);
        assert_eq!(r.run.refreshed_at.as_deref(), Some("2026-11-29T02:00:05Z"));
        assert_eq!(r.run.start, "2026-11-29T02:00:00Z");
        assert_eq!(
            statuses(&r),
            [("a", "complete"), ("b", "in_progress"), ("c", "pending")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        let a = &r.run.executions[0];
        assert_eq!(
            (a.start.as_deref(), a.end.as_deref(), a.duration_ms),
            (
                Some("2026-11-29T02:00:01Z"),
                Some("2026-11-29T02:00:04Z"),
                Some(3000)
            )
        );
        assert_eq!(a.interval_start.as_deref(), Some("2026-11-28T00:00:00Z"));
        let log: LogDoc =
            serde_json::from_str(&store[&store::log_path(a.log_id.as_deref().unwrap())]).unwrap();
        assert_eq!(log.lines[0].message, "inserted 3 rows");
        let envs: EnvironmentsDoc = serde_json::from_str(&store[store::ENVIRONMENTS]).unwrap();
        assert_eq!(envs.environments[0].kind, "prod");
        assert_eq!(envs.environments[0].model_count, 3);
        assert_eq!(
            envs.environments[0].last_run.as_ref().unwrap().status,
            "in_progress"
        );

        ingest(&mut store, &second_half(R1, "02"));
        let r = run(&store, "prod", R1);
        assert_eq!(r.run.status, "failed");
        assert_eq!(r.run.end.as_deref(), Some("2026-11-29T02:00:10Z"));
        assert_eq!(r.run.refreshed_at.as_deref(), Some("2026-11-29T02:00:10Z"));
        assert_eq!(
            statuses(&r),
            [("a", "complete"), ("b", "failed"), ("c", "skipped")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(
            r.run.executions[1].error.as_deref(),
            Some("Binder Error: no column x")
        );
        assert_eq!(r.run.executions[1].duration_ms, Some(4000));
        let au = &r.run.audits[0];
        assert_eq!(
            (
                au.name.as_str(),
                au.status.as_str(),
                au.blocking,
                au.failing_rows
            ),
            ("not_null_a_id", "failed", false, Some(3))
        );
        let qlog: LogDoc =
            serde_json::from_str(&store[&store::log_path(au.log_id.as_deref().unwrap())]).unwrap();
        assert_eq!(
            qlog.lines[0].message,
            "Audit query:\nselect * from a where id is null"
        );
        assert_eq!(r.log_id.as_deref(), Some(R1));

        // The same run in one call gives the same store, and feeding any of
        // it again writes nothing.
        let mut once = Mem::new();
        ingest(
            &mut once,
            &format!("{}\n{}", first_half(R1, "02"), second_half(R1, "02")),
        );
        assert_eq!(once, store);
        let (written, _) = ingest(&mut store, &first_half(R1, "02"));
        assert_eq!(written, vec![Vec::<String>::new()]);
        let (written, _) = ingest(&mut store, &second_half(R1, "02"));
        assert_eq!(written, vec![Vec::<String>::new()]);
    }

    #[test]
    fn statuses_only_move_forward_and_a_finished_run_settles_the_rest() {
        let mut store = Mem::new();
        let text = [
            ev("run_started", R1, "02:00:00", r#""environment":"dev""#),
            ev(
                "execution_finished",
                R1,
                "02:00:04",
                &format!(r#""model":"a",{DAY},"status":"complete","duration_ms":2500"#),
            ),
            ev(
                "executions_planned",
                R1,
                "02:00:00",
                &format!(r#""executions":[{{"model":"a",{DAY}}},{{"model":"b",{DAY}}}]"#),
            ),
            ev("execution_started", R1, "02:00:05", r#""model":"x""#),
        ]
        .join("\n");
        ingest(&mut store, &text);
        // Late and out of order, in a later call: changes nothing.
        let late = [
            ev(
                "execution_started",
                R1,
                "02:00:01",
                &format!(r#""model":"a",{DAY}"#),
            ),
            ev(
                "model_skipped",
                R1,
                "02:00:02",
                &format!(r#""model":"a",{DAY}"#),
            ),
        ]
        .join("\n");
        let before = run(&store, "dev", R1).run.executions;
        ingest(&mut store, &late);
        assert_eq!(run(&store, "dev", R1).run.executions, before);
        let r = run(&store, "dev", R1);
        assert_eq!(
            statuses(&r),
            [("a", "complete"), ("b", "pending"), ("x", "in_progress")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        // `start` from the duration, as no start event came before the end.
        assert_eq!(
            r.run.executions[0].start.as_deref(),
            Some("2026-11-29T02:00:01.500Z")
        );
        let envs: EnvironmentsDoc = serde_json::from_str(&store[store::ENVIRONMENTS]).unwrap();
        assert_eq!(envs.environments[0].kind, "dev");

        ingest(
            &mut store,
            &ev("run_finished", R1, "02:00:09", r#""status":"complete""#),
        );
        let r = run(&store, "dev", R1);
        assert_eq!(
            statuses(&r),
            [("a", "complete"), ("b", "skipped"), ("x", "failed")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(
            r.run.executions[2].error.as_deref(),
            Some(ENDED_WITHOUT_END)
        );
        assert_eq!(r.run.status, "complete");
    }

    #[test]
    fn bad_lines_are_named_by_number_and_the_rest_is_folded() {
        let text = [
            ev("run_started", R1, "02:00:00", r#""environment":"prod""#),
            "not json".to_string(),
            "[1,2]".to_string(),
            ev("execution_teleported", R1, "02:00:01", ""),
            r#"{"type":"execution_started","run_id":"xyz","at":"2026-11-29T02:00:01Z","model":"a"}"#.into(),
            r#"{"type":"execution_started","run_id":"5b1f0c2e9a7d4e3b8c6a1f0e2d3c4b5a","at":17,"model":"a"}"#.into(),
            ev("execution_finished", R1, "02:00:02", r#""model":"a","status":"done""#),
            ev("execution_started", R1, "02:00:02", r#""model":null"#),
            String::new(),
            ev("execution_started", R1, "02:00:03", r#""model":"a""#),
        ]
        .join("\n");
        let mut store = Mem::new();
        let (_, errors) = ingest(&mut store, &text);
        assert_eq!(errors.len(), 7, "{errors:?}");
        assert!(errors[0].starts_with("line 2: not JSON"), "{}", errors[0]);
        assert_eq!(errors[1], "line 3: not a JSON object");
        assert_eq!(
            errors[2],
            "line 4: type: unknown event type \"execution_teleported\""
        );
        assert!(
            errors[3].starts_with("line 5: run_id: \"xyz\""),
            "{}",
            errors[3]
        );
        assert!(
            errors[4]
                .starts_with("line 6: at: invalid type: integer `17`, expected an RFC 3339 time"),
            "{}",
            errors[4]
        );
        assert_eq!(
            errors[5],
            "line 7: status: expected \"complete\" or \"failed\", got \"done\""
        );
        assert_eq!(errors[6], "line 8: model: missing");
        assert_eq!(
            statuses(&run(&store, "prod", R1)),
            vec![("a".to_string(), "in_progress".to_string())]
        );
    }

    #[test]
    fn a_run_the_store_does_not_know_needs_its_run_started() {
        let parsed = parse(&ev("execution_started", R2, "02:00:03", r#""model":"a""#));
        let err = writes(&Mem::new(), &parsed.units[0]).unwrap_err();
        assert_eq!(
            err,
            format!(
                "run {R2}: not in the store yet and no run_started event gives its environment"
            )
        );
    }

    #[test]
    fn a_plan_becomes_the_changes_of_the_next_run_whichever_arrives_first() {
        let plan = ev(
            "plan_applied",
            P1,
            "03:00:00",
            r#""environment":"prod","start":"2026-11-29T02:59:00Z","added":["d"],"directly_modified":["b"],"indirectly_modified":["c"],"interval_start":"2026-11-01T00:00:00Z","interval_end":"2026-11-29T00:00:00Z""#,
        );
        let runs = format!(
            "{}\n{}\n{}\n{}",
            first_half(R1, "02"),
            second_half(R1, "02"),
            first_half(R2, "04"),
            second_half(R2, "04")
        );
        let expected = PlanChangeDto {
            plan_id: Some(P1.into()),
            applied_at: Some("2026-11-29T03:00:00Z".into()),
            added: vec!["d".into()],
            removed: vec![],
            directly_modified: vec!["b".into()],
            indirectly_modified: vec!["c".into()],
        };
        for (n, order) in [[&plan, &runs], [&runs, &plan]].into_iter().enumerate() {
            let mut store = Mem::new();
            for text in order {
                let (_, errors) = ingest(&mut store, text);
                assert!(errors.is_empty(), "{errors:?}");
            }
            let r2 = run(&store, "prod", R2);
            assert_eq!(
                r2.run.changes_since_previous,
                vec![expected.clone()],
                "order {n}"
            );
            assert_eq!(r2.run.previous_run_id.as_deref(), Some(R1));
            assert!(run(&store, "prod", R1)
                .run
                .changes_since_previous
                .is_empty());
            let index: ActivityIndexDoc =
                serde_json::from_str(&store[&store::activity_path("prod")]).unwrap();
            let kinds: Vec<(&str, &str)> = index
                .newest
                .activity
                .iter()
                .map(|a| (a.kind.as_str(), a.id.as_str()))
                .collect();
            assert_eq!(kinds, [("run", R2), ("plan", P1), ("run", R1)]);
            let p = &index.newest.activity[1];
            assert_eq!(p.duration_ms, Some(60_000));
            assert_eq!(p.interval_start.as_deref(), Some("2026-11-01T00:00:00Z"));
            let envs: EnvironmentsDoc = serde_json::from_str(&store[store::ENVIRONMENTS]).unwrap();
            assert_eq!(
                envs.environments[0]
                    .last_plan
                    .as_ref()
                    .map(|a| a.id.as_str()),
                Some(P1)
            );
            assert_eq!(
                envs.environments[0]
                    .last_run
                    .as_ref()
                    .map(|a| a.id.as_str()),
                Some(R2)
            );
        }
    }
    // Found by a hostile review: each was wrong before its fix.

    #[test]
    fn a_plan_moves_to_the_run_right_after_it_whatever_the_order() {
        const R3: &str = "8e4f0c2e9a7d4e3b8c6a1f0e2d3c4b5a";
        let plan = ev(
            "plan_applied",
            P1,
            "03:00:00",
            r#""environment":"prod","added":["d"]"#,
        );
        let r = |id: &str, h: &str| format!("{}\n{}", first_half(id, h), second_half(id, h));
        let (r1, r2) = (r(R1, "02"), r(R2, "04"));
        // R3 starts 03:30: between the plan and R2.
        let r3 = [
            ev("run_started", R3, "03:30:00", r#""environment":"prod""#),
            ev("run_finished", R3, "03:31:00", r#""status":"complete""#),
        ]
        .join("\n");
        let mut a = Mem::new();
        for t in [&r1, &r2, &plan, &r3] {
            ingest(&mut a, t);
        }
        let mut b = Mem::new();
        for t in [&r1, &r3, &r2, &plan] {
            ingest(&mut b, t);
        }
        assert_eq!(a, b);
        let ids = |st: &Mem, id: &str| -> Vec<Option<String>> {
            run(st, "prod", id)
                .run
                .changes_since_previous
                .iter()
                .map(|c| c.plan_id.clone())
                .collect()
        };
        assert_eq!(ids(&a, R3), [Some(P1.to_string())]);
        assert!(ids(&a, R2).is_empty());
        // Reported again as applied later (after R2 started): it moves on.
        ingest(
            &mut a,
            &ev(
                "plan_applied",
                P1,
                "04:30:00",
                r#""environment":"prod","start":"2026-11-29T03:00:00Z","added":["d"]"#,
            ),
        );
        assert!(ids(&a, R3).is_empty());
    }

    #[test]
    fn ids_times_and_environments_that_would_corrupt_a_store_are_refused() {
        let mut store = Mem::new();
        ingest(
            &mut store,
            &format!("{}\n{}", first_half(R1, "02"), second_half(R1, "02")),
        );
        // A plan with a run's id.
        let p = parse(&ev(
            "plan_applied",
            R1,
            "03:00:00",
            r#""environment":"prod""#,
        ));
        assert!(writes(&store, &p.units[0])
            .unwrap_err()
            .contains("already has a run with this id"));
        // The same run said to be in another environment.
        let moved = parse(&ev("run_started", R1, "02:00:00", r#""environment":"dev""#));
        assert_eq!(
            writes(&store, &moved.units[0]).unwrap_err(),
            format!("run {R1} is in environment \"prod\"; run_started says \"dev\"")
        );
        // Times a store could not read back.
        let odd = parse(&ev(
            "execution_started",
            R2,
            "02:00:00",
            r#""model":"a","interval_start":"0001-01-01T00:00:00Z""#,
        ));
        assert_eq!(odd.errors.len(), 1, "{:?}", odd.errors);
        assert!(odd.errors[0].contains("outside the years 1970 to 9999"));
    }

    #[test]
    fn the_start_is_run_started_and_an_end_never_precedes_it() {
        let mut store = Mem::new();
        let text = [
            r#"{"type":"execution_started","run_id":"5b1f0c2e9a7d4e3b8c6a1f0e2d3c4b5a","at":"1999-01-01T00:00:00Z","model":"a"}"#.to_string(),
            ev("run_started", R1, "02:00:00", r#""environment":"prod""#),
        ]
        .join("\n");
        ingest(&mut store, &text);
        assert_eq!(run(&store, "prod", R1).run.start, "2026-11-29T02:00:00Z");
        ingest(
            &mut store,
            &ev("run_finished", R1, "01:00:00", r#""status":"complete""#),
        );
        assert_eq!(
            run(&store, "prod", R1).run.end.as_deref(),
            Some("2026-11-29T02:00:00Z")
        );
    }

    #[test]
    fn refeeding_older_events_changes_nothing_and_the_latest_end_wins() {
        let fin = |at: &str, status: &str, err: &str| {
            ev(
                "execution_finished",
                R1,
                at,
                &format!(r#""model":"a","status":"{status}","error":{err}"#),
            )
        };
        let end =
            |at: &str, status: &str| ev("run_finished", R1, at, &format!(r#""status":"{status}""#));
        let start = ev("run_started", R1, "02:00:00", r#""environment":"prod""#);
        let mut a = Mem::new();
        for t in [
            &start,
            &fin("02:00:05", "failed", r#""boom""#),
            &fin("02:00:09", "complete", "null"),
            &end("02:00:10", "failed"),
            &end("02:00:20", "complete"),
        ] {
            ingest(&mut a, t);
        }
        let mut b = Mem::new();
        for t in [
            &start,
            &fin("02:00:09", "complete", "null"),
            &end("02:00:20", "complete"),
            &fin("02:00:05", "failed", r#""boom""#),
            &end("02:00:10", "failed"),
        ] {
            ingest(&mut b, t);
        }
        assert_eq!(a, b);
        let r = run(&a, "prod", R1);
        assert_eq!(
            (r.run.status.as_str(), r.run.end.as_deref()),
            ("complete", Some("2026-11-29T02:00:20Z"))
        );
        assert_eq!(
            (
                r.run.executions[0].status.as_str(),
                r.run.executions[0].error.as_deref()
            ),
            ("complete", None)
        );
    }

    #[test]
    fn log_ids_are_short_safe_and_never_shared() {
        let long = "m".repeat(300);
        let text = [
            ev("run_started", R1, "02:00:00", r#""environment":"prod""#),
            ev(
                "execution_finished",
                R1,
                "02:00:01",
                r#""model":"a b","status":"complete","log":[{"message":"one"}]"#,
            ),
            ev(
                "execution_finished",
                R1,
                "02:00:02",
                r#""model":"a_b","status":"complete","log":[{"message":"two"}]"#,
            ),
            ev(
                "execution_finished",
                R1,
                "02:00:03",
                &format!(r#""model":"{long}","status":"complete","log":[{{"message":"three"}}]"#),
            ),
        ]
        .join("\n");
        let mut store = Mem::new();
        let (_, errors) = ingest(&mut store, &text);
        assert!(errors.is_empty());
        let r = run(&store, "prod", R1);
        let ids: Vec<&str> = r
            .run
            .executions
            .iter()
            .map(|e| e.log_id.as_deref().unwrap())
            .collect();
        assert_eq!(ids.len(), 3);
        assert!(ids[0] != ids[1]);
        assert!(ids.iter().all(|i| store::is_safe_name(i)), "{ids:?}");
        let msg = |id: &str| -> String {
            let l: LogDoc = serde_json::from_str(&store[&store::log_path(id)]).unwrap();
            l.lines[0].message.clone()
        };
        assert_eq!(
            [msg(ids[0]), msg(ids[1]), msg(ids[2])],
            ["one", "two", "three"]
        );
    }
}
