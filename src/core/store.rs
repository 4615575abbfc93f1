//! The rules of a Run API store: given what a store holds and one run from a
//! producer (a dbt invocation today), the files to write so that the store
//! is again a correct, paged Run API (docs/api.md).
//!
//! Pure: the store is read through [`StoreRead`] (a directory on the host,
//! a map in tests) and the answer is a list of [`FileWrite`]s in a safe
//! order. The file system, the lock and atomic renames are the caller's
//! (`crate::store_fs`). Every producer goes through [`plan`], so the rules
//! live here once:
//!
//! - **Order.** Runs of an environment are ordered by `(start, id)`;
//!   `previous_run_id` / `next_run_id` follow that order whatever order the
//!   runs arrive in, so replaying an archive in any order gives the same
//!   store. A run already in the store is replaced (same start required).
//! - **Changes.** A run whose producer gives model fingerprints gets its
//!   `changes_since_previous` computed against the previous run (added,
//!   removed, directly modified = fingerprint changed, indirectly modified =
//!   downstream of a direct one); inserting a run recomputes its successor's.
//! - **Paging.** `activity.json` holds the newest [`NEWEST_PAGE`] activities
//!   and the index of month pages; a month page holds every activity that
//!   started in that month (UTC). An ingest reads and writes a bounded
//!   number of documents, however long the history.
//! - **Idempotence.** Only files whose bytes change are returned; the same
//!   submission twice returns nothing the second time.
//! - **Write order.** Logs, the run, its neighbours, month pages, the index,
//!   `environments.json`: a reader never meets a link to a file not yet
//!   written, and an interrupted ingest leaves every file whole.

use super::decode::parse_time;
use super::model::{RunId, Time};
use super::wire::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// Activities in `activity.json` itself (the newest page).
pub const NEWEST_PAGE: usize = 100;

/// Read access to a store: the text at `path` (relative to the store's
/// root, `/`-separated), `None` when there is no such file.
pub trait StoreRead {
    fn read(&self, path: &str) -> Result<Option<String>, String>;
}

impl StoreRead for BTreeMap<String, String> {
    fn read(&self, path: &str) -> Result<Option<String>, String> {
        Ok(self.get(path).cloned())
    }
}

/// One run from a producer. The writer fills in `previous_run_id`,
/// `next_run_id` and (when `run.fingerprints` is not empty)
/// `changes_since_previous`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Submission {
    pub run: StoredRunDoc,
    /// The run's logs (`log_id`s of executions, audits and the run).
    pub logs: Vec<LogDoc>,
    /// `prod`, `dev`, …: the environment's kind as of its newest run.
    pub environment_kind: String,
    /// Models in the environment as of this run.
    pub model_count: u32,
    pub cost: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileWrite {
    pub path: String,
    pub contents: String,
}

pub const ENVIRONMENTS: &str = "environments.json";

pub fn activity_path(env: &str) -> String {
    format!("environments/{env}/activity.json")
}

pub fn month_path(env: &str, month: &str) -> String {
    format!("environments/{env}/activity/{month}.json")
}

pub fn run_path(env: &str, id: &str) -> String {
    format!("environments/{env}/runs/{id}.json")
}

pub fn plan_path(env: &str, id: &str) -> String {
    format!("environments/{env}/plans/{id}.json")
}

pub fn log_path(id: &str) -> String {
    format!("logs/{id}.json")
}

/// Names that become one path segment: environments and log ids.
pub fn is_safe_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// `s` as a safe name: anything else becomes `_`.
pub fn safe_name(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    t.trim_start_matches('.').to_string()
}

/// How documents are written: compact JSON and a final newline.
pub fn to_text<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string(v).unwrap_or_default();
    s.push('\n');
    s
}

/// `YYYY-MM` of a time, in UTC.
pub fn month_of(t: Time) -> String {
    t.format("%Y-%m").to_string()
}

/// Changes between two runs from their fingerprints; `None` when either run
/// has none (nothing to compare) or nothing changed.
pub fn changes_between(prev: &StoredRunDoc, cur: &StoredRunDoc) -> Option<PlanChangeDto> {
    let (p, c) = (&prev.fingerprints, &cur.fingerprints);
    if p.is_empty() || c.is_empty() {
        return None;
    }
    let added: Vec<String> = c.keys().filter(|k| !p.contains_key(*k)).cloned().collect();
    let removed: Vec<String> = p.keys().filter(|k| !c.contains_key(*k)).cloned().collect();
    let direct: BTreeSet<&str> = c
        .iter()
        .filter(|(k, v)| p.get(*k).is_some_and(|old| old != *v))
        .map(|(k, _)| k.as_str())
        .collect();
    // Downstream of the direct ones, through this run's lineage.
    let mut downstream: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for m in &cur.run.models {
        for u in &m.upstream {
            downstream
                .entry(u.as_str())
                .or_default()
                .push(m.name.as_str());
        }
    }
    let mut seen: BTreeSet<&str> = direct.clone();
    let mut stack: Vec<&str> = direct.iter().copied().collect();
    let mut indirect = BTreeSet::new();
    while let Some(n) = stack.pop() {
        for &d in downstream.get(n).map(Vec::as_slice).unwrap_or(&[]) {
            if seen.insert(d) {
                stack.push(d);
                if c.contains_key(d) && p.contains_key(d) {
                    indirect.insert(d);
                }
            }
        }
    }
    if added.is_empty() && removed.is_empty() && direct.is_empty() {
        return None;
    }
    Some(PlanChangeDto {
        plan_id: None,
        applied_at: None,
        added,
        removed,
        directly_modified: direct.into_iter().map(String::from).collect(),
        indirectly_modified: indirect.into_iter().map(String::from).collect(),
    })
}

/// Reads through the store once per path and remembers what it read, so
/// the plan can leave out files whose bytes would not change.
struct Reader<'a> {
    store: &'a dyn StoreRead,
    seen: RefCell<BTreeMap<String, Option<String>>>,
}

impl Reader<'_> {
    fn text(&self, path: &str) -> Result<Option<String>, String> {
        if let Some(t) = self.seen.borrow().get(path) {
            return Ok(t.clone());
        }
        let t = self
            .store
            .read(path)
            .map_err(|e| format!("store: {path}: {e}"))?;
        self.seen.borrow_mut().insert(path.to_string(), t.clone());
        Ok(t)
    }

    fn doc<T: DeserializeOwned>(&self, path: &str) -> Result<Option<T>, String> {
        match self.text(path)? {
            None => Ok(None),
            Some(t) => serde_json::from_str(&t).map(Some).map_err(|e| {
                format!(
                    "store: {path} is not a readable document ({e}); the store was left as it was"
                )
            }),
        }
    }
}

type Key = (Option<Time>, String);

fn key(a: &ActivityDto) -> Key {
    (parse_time("start", &a.start).ok(), a.id.clone())
}

/// Newest first; ties by id.
fn sort_newest_first(v: &mut [ActivityDto]) {
    v.sort_by(|a, b| key(b).0.cmp(&key(a).0).then_with(|| a.id.cmp(&b.id)));
}

/// The months of an environment's activity and their pages, loaded on demand.
struct Pages<'a> {
    env: &'a str,
    reader: &'a Reader<'a>,
    /// A store written before paging: `activity.json` held everything.
    legacy: Option<Vec<ActivityDto>>,
    months: BTreeMap<String, u32>,
    loaded: BTreeMap<String, Vec<ActivityDto>>,
    /// The newest page (`activity.json`'s own activities).
    newest: Vec<ActivityDto>,
    /// Months whose page changed.
    touched: BTreeSet<String>,
    /// A plan being recorded (not yet in the store).
    fresh_plan: Option<PlanDoc>,
}

impl Pages<'_> {
    fn page(&mut self, month: &str) -> Result<&mut Vec<ActivityDto>, String> {
        if !self.loaded.contains_key(month) {
            let rows = match &self.legacy {
                Some(all) => all
                    .iter()
                    .filter(|a| key(a).0.map(month_of).as_deref() == Some(month))
                    .cloned()
                    .collect(),
                None => self
                    .reader
                    .doc::<ActivityDoc>(&month_path(self.env, month))?
                    .map(|d| d.activity)
                    .unwrap_or_default(),
            };
            self.loaded.insert(month.to_string(), rows);
        }
        Ok(self.loaded.get_mut(month).expect("just loaded"))
    }

    /// The newest run strictly before `k` (`older`), or the oldest strictly
    /// after it, looking at `k`'s month first and then month by month.
    fn neighbour(&mut self, k: &Key, month: &str, older: bool) -> Result<Option<String>, String> {
        let mut months: Vec<String> = if older {
            self.months
                .keys()
                .filter(|m| m.as_str() <= month)
                .rev()
                .cloned()
                .collect()
        } else {
            self.months
                .keys()
                .filter(|m| m.as_str() >= month)
                .cloned()
                .collect()
        };
        if !months.iter().any(|m| m == month) {
            months.insert(0, month.to_string());
        }
        for m in months {
            let runs = self.page(&m)?.iter().filter(|a| a.kind == "run").map(key);
            let found = if older {
                runs.filter(|x| x < k).max()
            } else {
                runs.filter(|x| x > k).min()
            };
            if let Some((_, id)) = found {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}

/// The files to write to add (or replace) `sub.run` in the store, in the
/// order to write them. Errors name the document and field at fault; on an
/// error nothing is to be written.
pub fn plan(store: &dyn StoreRead, sub: Submission) -> Result<Vec<FileWrite>, String> {
    let Submission {
        mut run,
        logs,
        environment_kind,
        model_count,
        cost,
    } = sub;
    let env = run.run.environment.clone();
    check_environment(&env)?;
    let id = RunId::parse(&run.run.id)
        .map_err(|e| format!("run id: {e}"))?
        .to_string();
    run.run.id = id.clone();
    let start = parse_time("run start", &run.run.start)?;
    let end = match &run.run.end {
        Some(e) => Some(parse_time("run end", e)?),
        None => None,
    };
    for l in &logs {
        if !is_safe_name(&l.id) {
            return Err(format!("log id {:?}: not a safe file name", l.id));
        }
    }
    let reader = Reader {
        store,
        seen: RefCell::new(BTreeMap::new()),
    };
    let mut out: Vec<(String, String)> = Vec::new();

    // The run as the store has it now, if it does.
    let this_path = run_path(&env, &id);
    if let Some(old) = reader.doc::<StoredRunDoc>(&this_path)? {
        if parse_time("start", &old.run.start).ok() != Some(start) {
            return Err(format!(
                "run {id} is already in the store with start {}, not {}: a run's start cannot change",
                old.run.start, run.run.start
            ));
        }
    }

    let mut pages = Pages::open(&env, &reader)?;
    let entry = ActivityDto {
        id: id.clone(),
        kind: "run".into(),
        status: run.run.status.clone(),
        start: run.run.start.clone(),
        end: run.run.end.clone(),
        duration_ms: end.map(|e| (e - start).num_milliseconds()),
        cost,
        interval_start: None,
        interval_end: None,
    };
    let (prev_id, next_id) = pages.insert(entry)?;
    let mut prev = pages.run_doc(&prev_id)?;
    let mut next = pages.run_doc(&next_id)?;

    run.run.previous_run_id = prev_id.clone();
    run.run.next_run_id = next_id.clone();
    if let Some(c) = pages.changes(prev.as_ref(), &run)? {
        run.run.changes_since_previous = c;
    }
    for l in &logs {
        out.push((log_path(&l.id), to_text(l)));
    }
    out.push((this_path, to_text(&run)));
    if let Some(p) = prev.as_mut() {
        p.run.next_run_id = Some(id.clone());
        out.push((run_path(&env, &p.run.id), to_text(p)));
    }
    if let Some(n) = next.as_mut() {
        n.run.previous_run_id = Some(id.clone());
        if let Some(c) = pages.changes(Some(&run), n)? {
            n.run.changes_since_previous = c;
        }
        out.push((run_path(&env, &n.run.id), to_text(n)));
    }
    pages.finish(&mut out, &id, Some((environment_kind, model_count)))?;
    only_changed(&reader, out)
}

/// A plan applied to an environment, from a producer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanRecord {
    pub plan: PlanDoc,
    pub cost: Option<f64>,
}

/// The files to write to add (or replace) a plan: its document, its
/// activity, and the `changes_since_previous` of the first run after it.
pub fn record_plan(store: &dyn StoreRead, rec: PlanRecord) -> Result<Vec<FileWrite>, String> {
    let PlanRecord { mut plan, cost } = rec;
    let env = plan.environment.clone();
    check_environment(&env)?;
    let id = RunId::parse(&plan.id)
        .map_err(|e| format!("plan id: {e}"))?
        .to_string();
    plan.id = id.clone();
    let start = parse_time("plan start", &plan.start)?;
    let end = match &plan.end {
        Some(e) => Some(parse_time("plan end", e)?),
        None => None,
    };
    let reader = Reader {
        store,
        seen: RefCell::new(BTreeMap::new()),
    };
    let this_path = plan_path(&env, &id);
    if let Some(old) = reader.doc::<PlanDoc>(&this_path)? {
        if parse_time("start", &old.start).ok() != Some(start) {
            return Err(format!(
                "plan {id} is already in the store with start {}, not {}: a plan's start cannot change",
                old.start, plan.start
            ));
        }
    }
    let mut out: Vec<(String, String)> = vec![(this_path, to_text(&plan))];
    let mut pages = Pages::open(&env, &reader)?;
    pages.fresh_plan = Some(plan.clone());
    pages.insert(ActivityDto {
        id: id.clone(),
        kind: "plan".into(),
        status: plan.status.clone(),
        start: plan.start.clone(),
        end: plan.end.clone(),
        duration_ms: end.map(|e| (e - start).num_milliseconds()),
        cost,
        interval_start: plan.interval_start.clone(),
        interval_end: plan.interval_end.clone(),
    })?;
    // The first run after the plan was applied now lists it.
    let applied = end.unwrap_or(start);
    let after = (Some(applied), String::new());
    let next_id = pages.neighbour(&after, &month_of(applied), false)?;
    if let Some(mut n) = pages.run_doc(&next_id)? {
        let prev = pages.run_doc(&n.run.previous_run_id.clone())?;
        if let Some(c) = pages.changes(prev.as_ref(), &n)? {
            n.run.changes_since_previous = c;
            out.push((run_path(&env, &n.run.id), to_text(&n)));
        }
    }
    pages.finish(&mut out, &id, None)?;
    only_changed(&reader, out)
}

fn check_environment(env: &str) -> Result<(), String> {
    if is_safe_name(env) {
        Ok(())
    } else {
        Err(format!(
            "environment {env:?}: use letters, digits, '_', '-' and '.' (it becomes a folder name)"
        ))
    }
}

/// Only the files whose bytes change.
fn only_changed(reader: &Reader, out: Vec<(String, String)>) -> Result<Vec<FileWrite>, String> {
    let mut writes = Vec::new();
    for (path, contents) in out {
        if reader.text(&path)?.as_deref() != Some(contents.as_str()) {
            writes.push(FileWrite { path, contents });
        }
    }
    Ok(writes)
}

impl<'a> Pages<'a> {
    /// An environment's activity index (or an unpaged activity document,
    /// to be paged).
    fn open(env: &'a str, reader: &'a Reader<'a>) -> Result<Pages<'a>, String> {
        let index: ActivityIndexDoc = reader.doc(&activity_path(env))?.unwrap_or_default();
        let legacy = (index.months.is_empty() && !index.newest.activity.is_empty())
            .then(|| index.newest.activity.clone());
        let mut months: BTreeMap<String, u32> = index
            .months
            .iter()
            .map(|m| (m.month.clone(), m.count))
            .collect();
        if let Some(all) = &legacy {
            for a in all {
                if let Some(t) = key(a).0 {
                    *months.entry(month_of(t)).or_default() += 1;
                }
            }
        }
        Ok(Pages {
            env,
            reader,
            legacy,
            months,
            loaded: BTreeMap::new(),
            newest: index.newest.activity,
            touched: BTreeSet::new(),
            fresh_plan: None,
        })
    }

    /// Adds (or replaces) an activity; for a run, returns its neighbouring
    /// runs as they were before it joined.
    fn insert(&mut self, entry: ActivityDto) -> Result<(Option<String>, Option<String>), String> {
        let k = key(&entry);
        let Some(t) = k.0 else {
            return Err(format!("activity {}: unreadable start", entry.id));
        };
        let month = month_of(t);
        self.page(&month)?.retain(|a| a.id != entry.id);
        let prev = self.neighbour(&k, &month, true)?;
        let next = self.neighbour(&k, &month, false)?;
        let page = self.page(&month)?;
        page.push(entry.clone());
        sort_newest_first(page);
        let count = page.len() as u32;
        self.months.insert(month.clone(), count);
        self.touched.insert(month);
        if let Some(all) = &self.legacy {
            self.newest = all.clone();
        }
        self.newest.retain(|a| a.id != entry.id);
        self.newest.push(entry);
        sort_newest_first(&mut self.newest);
        self.newest.truncate(NEWEST_PAGE);
        Ok((prev, next))
    }

    /// The stored document of the run `id`, if any.
    fn run_doc(&self, id: &Option<String>) -> Result<Option<StoredRunDoc>, String> {
        let Some(id) = id else { return Ok(None) };
        let env = self.env;
        self.reader
            .doc::<StoredRunDoc>(&run_path(env, id))?
            .map(Some)
            .ok_or_else(|| {
                format!(
                    "store: the activity of {env} lists run {id} but {} is missing; the store was left as it was",
                    run_path(env, id)
                )
            })
    }

    /// What `cur` changed since `prev`: the plans applied between the two
    /// runs' starts, else (for runs with fingerprints) the fingerprint
    /// comparison. `None`: leave the producer's value.
    fn changes(
        &mut self,
        prev: Option<&StoredRunDoc>,
        cur: &StoredRunDoc,
    ) -> Result<Option<Vec<PlanChangeDto>>, String> {
        let hi = parse_time("run start", &cur.run.start)?;
        let lo = prev.and_then(|p| parse_time("run start", &p.run.start).ok());
        let hi_month = month_of(hi);
        let lo_month = lo.map(month_of);
        let months: Vec<String> = self
            .months
            .keys()
            .filter(|m| {
                m.as_str() <= hi_month.as_str()
                    && lo_month.as_deref().is_none_or(|l| m.as_str() >= l)
            })
            .cloned()
            .collect();
        let mut applied: Vec<(Time, String)> = Vec::new();
        for m in months {
            for a in self.page(&m)?.iter().filter(|a| a.kind == "plan") {
                if a.status != "complete" {
                    continue;
                }
                let at = a
                    .end
                    .as_deref()
                    .and_then(|e| parse_time("end", e).ok())
                    .or(key(a).0);
                if let Some(at) = at {
                    if lo.is_none_or(|lo| at > lo) && at <= hi {
                        applied.push((at, a.id.clone()));
                    }
                }
            }
        }
        applied.sort();
        let mut changes = Vec::new();
        for (at, id) in applied {
            let fresh = self.fresh_plan.as_ref().filter(|p| p.id == id).cloned();
            let stored = match fresh {
                Some(p) => Some(p),
                None => self.reader.doc::<PlanDoc>(&plan_path(self.env, &id))?,
            };
            if let Some(p) = stored {
                changes.push(PlanChangeDto {
                    plan_id: Some(id),
                    applied_at: Some(super::encode::time(at)),
                    added: p.added,
                    removed: p.removed,
                    directly_modified: p.directly_modified,
                    indirectly_modified: p.indirectly_modified,
                });
            }
        }
        if !changes.is_empty() {
            return Ok(Some(changes));
        }
        if cur.fingerprints.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            prev.and_then(|p| changes_between(p, cur))
                .into_iter()
                .collect(),
        ))
    }

    /// Month pages, the newest page and index, and `environments.json`
    /// (with the environment's kind and model count when a newest run
    /// gives them).
    fn finish(
        mut self,
        out: &mut Vec<(String, String)>,
        this_id: &str,
        kind_and_models: Option<(String, u32)>,
    ) -> Result<(), String> {
        let env = self.env.to_string();
        // Every page of a store being paged for the first time, else those
        // that changed.
        let written: Vec<String> = if self.legacy.is_some() {
            self.months.keys().cloned().collect()
        } else {
            self.touched.iter().cloned().collect()
        };
        for m in written.iter().rev() {
            let rows = self.page(m)?.clone();
            out.push((
                month_path(&env, m),
                to_text(&ActivityDoc {
                    environment: env.clone(),
                    activity: rows,
                }),
            ));
        }
        let newest_run = self.newest.iter().find(|a| a.kind == "run").cloned();
        let last_plan = self.newest.iter().find(|a| a.kind == "plan").cloned();
        let index = ActivityIndexDoc {
            newest: ActivityDoc {
                environment: env.clone(),
                activity: self.newest,
            },
            months: self
                .months
                .iter()
                .rev()
                .map(|(m, c)| ActivityMonthDto {
                    month: m.clone(),
                    count: *c,
                })
                .collect(),
        };
        out.push((activity_path(&env), to_text(&index)));

        let reader = self.reader;
        let mut envs: EnvironmentsDoc = reader.doc(ENVIRONMENTS)?.unwrap_or_default();
        let pos = match envs.environments.iter().position(|e| e.name == env) {
            Some(i) => i,
            None => {
                envs.environments.push(EnvironmentDto {
                    name: env.clone(),
                    ..Default::default()
                });
                envs.environments.len() - 1
            }
        };
        let e = &mut envs.environments[pos];
        if let Some((kind, model_count)) = kind_and_models {
            // Only the newest run says what the environment is now.
            let this_is_newest = newest_run.as_ref().is_some_and(|r| r.id == this_id);
            if this_is_newest || e.kind.is_empty() {
                e.kind = kind;
                e.model_count = model_count;
            }
        } else if e.kind.is_empty() {
            e.kind = default_kind(&env).to_string();
        }
        e.last_run = newest_run;
        if last_plan.is_some() {
            e.last_plan = last_plan;
        }
        envs.environments
            .sort_by(|a, b| (a.kind != "prod", &a.name).cmp(&(b.kind != "prod", &b.name)));
        out.push((ENVIRONMENTS.to_string(), to_text(&envs)));
        Ok(())
    }
}

/// `prod` for the usual production environment names, else `dev`.
pub fn default_kind(env: &str) -> &'static str {
    match env.to_ascii_lowercase().as_str() {
        "prod" | "production" | "prd" | "live" => "prod",
        _ => "dev",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Mem = BTreeMap<String, String>;

    fn id(n: u32) -> String {
        format!("{n:032x}")
    }

    /// Run `n` of environment `env` starting at `start`, models a -> b -> c
    /// (+ d when `with_d`) with the given fingerprint of `a`.
    fn sub(env: &str, n: u32, start: &str, fp_a: &str, with_d: bool) -> Submission {
        let mut models = vec![
            ModelDto {
                name: "a".into(),
                ..Default::default()
            },
            ModelDto {
                name: "b".into(),
                upstream: vec!["a".into()],
                ..Default::default()
            },
            ModelDto {
                name: "c".into(),
                upstream: vec!["b".into()],
                ..Default::default()
            },
        ];
        let mut fingerprints: BTreeMap<String, String> = [("a", fp_a), ("b", "fb"), ("c", "fc")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if with_d {
            models.push(ModelDto {
                name: "d".into(),
                upstream: vec!["a".into()],
                ..Default::default()
            });
            fingerprints.insert("d".into(), "fd".into());
        }
        Submission {
            run: StoredRunDoc {
                run: RunDoc {
                    id: id(n),
                    environment: env.into(),
                    status: "complete".into(),
                    start: start.into(),
                    end: Some(start.replace(":00Z", ":30Z")),
                    models,
                    ..Default::default()
                },
                log_id: None,
                fingerprints,
            },
            logs: vec![LogDoc {
                id: format!("{}-a", id(n)),
                ..Default::default()
            }],
            environment_kind: "prod".into(),
            model_count: 3 + u32::from(with_d),
            cost: None,
        }
    }

    fn ingest(store: &mut Mem, s: Submission) -> Vec<String> {
        let writes = plan(store, s).unwrap();
        let paths = writes.iter().map(|w| w.path.clone()).collect();
        for w in writes {
            store.insert(w.path, w.contents);
        }
        paths
    }

    fn get<T: DeserializeOwned>(store: &Mem, path: &str) -> T {
        serde_json::from_str(&store[path]).unwrap()
    }

    fn links(store: &Mem, env: &str, n: u32) -> (Option<String>, Option<String>) {
        let r: StoredRunDoc = get(store, &run_path(env, &id(n)));
        (r.run.previous_run_id, r.run.next_run_id)
    }

    #[test]
    fn the_first_run_creates_the_store_in_a_safe_order() {
        let mut s = Mem::new();
        let paths = ingest(&mut s, sub("prod", 1, "2026-11-01T02:00:00Z", "fa", false));
        assert_eq!(
            paths,
            vec![
                format!("logs/{}-a.json", id(1)),
                format!("environments/prod/runs/{}.json", id(1)),
                "environments/prod/activity/2026-11.json".to_string(),
                "environments/prod/activity.json".to_string(),
                "environments.json".to_string(),
            ]
        );
        assert_eq!(
            s["environments.json"],
            format!(
                "{{\"environments\":[{{\"name\":\"prod\",\"kind\":\"prod\",\"model_count\":3,\"last_run\":{{\"id\":\"{}\",\"kind\":\"run\",\"status\":\"complete\",\"start\":\"2026-11-01T02:00:00Z\",\"end\":\"2026-11-01T02:00:30Z\",\"duration_ms\":30000}}}}]}}\n",
                id(1)
            )
        );
        let index: ActivityIndexDoc = get(&s, "environments/prod/activity.json");
        assert_eq!(
            index.months,
            vec![ActivityMonthDto {
                month: "2026-11".into(),
                count: 1
            }]
        );
        assert_eq!(links(&s, "prod", 1), (None, None));
        // The same submission again: nothing to write.
        assert!(
            plan(&s, sub("prod", 1, "2026-11-01T02:00:00Z", "fa", false))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn runs_arriving_out_of_order_are_linked_in_time_order() {
        let runs = [
            (1, "2026-10-30T02:00:00Z", "fa", false),
            (2, "2026-11-01T02:00:00Z", "fa2", true),
            (3, "2026-12-05T02:00:00Z", "fa2", true),
            (4, "2026-11-01T03:00:00Z", "fa2", true),
        ];
        let mut reference = Mem::new();
        for r in runs {
            ingest(&mut reference, sub("prod", r.0, r.1, r.2, r.3));
        }
        assert_eq!(links(&reference, "prod", 1), (None, Some(id(2))));
        assert_eq!(links(&reference, "prod", 2), (Some(id(1)), Some(id(4))));
        assert_eq!(links(&reference, "prod", 4), (Some(id(2)), Some(id(3))));
        assert_eq!(links(&reference, "prod", 3), (Some(id(4)), None));
        let index: ActivityIndexDoc = get(&reference, "environments/prod/activity.json");
        let months: Vec<(&str, u32)> = index
            .months
            .iter()
            .map(|m| (m.month.as_str(), m.count))
            .collect();
        assert_eq!(months, [("2026-12", 1), ("2026-11", 2), ("2026-10", 1)]);
        let order: Vec<&str> = index
            .newest
            .activity
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(order, [id(3), id(4), id(2), id(1)]);
        // Every permutation gives the same bytes.
        let perms = [[3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2], [0, 3, 2, 1]];
        for p in perms {
            let mut s = Mem::new();
            for i in p {
                let r = runs[i];
                ingest(&mut s, sub("prod", r.0, r.1, r.2, r.3));
            }
            assert_eq!(s, reference, "{p:?}");
        }
    }

    #[test]
    fn changes_are_computed_from_fingerprints_and_follow_insertions() {
        let mut s = Mem::new();
        ingest(&mut s, sub("prod", 1, "2026-11-01T02:00:00Z", "fa", false));
        ingest(&mut s, sub("prod", 3, "2026-11-03T02:00:00Z", "fa2", true));
        let r3: StoredRunDoc = get(&s, &run_path("prod", &id(3)));
        assert_eq!(
            r3.run.changes_since_previous,
            vec![PlanChangeDto {
                added: vec!["d".into()],
                directly_modified: vec!["a".into()],
                indirectly_modified: vec!["b".into(), "c".into()],
                ..Default::default()
            }]
        );
        // Run 2 (same definitions as run 3) arrives late: the change moves to it.
        ingest(&mut s, sub("prod", 2, "2026-11-02T02:00:00Z", "fa2", true));
        let r2: StoredRunDoc = get(&s, &run_path("prod", &id(2)));
        let r3: StoredRunDoc = get(&s, &run_path("prod", &id(3)));
        assert_eq!(r2.run.changes_since_previous.len(), 1);
        assert_eq!(r2.run.changes_since_previous[0].added, vec!["d"]);
        assert!(r3.run.changes_since_previous.is_empty());
        // Removing d and changing nothing else.
        ingest(&mut s, sub("prod", 4, "2026-11-04T02:00:00Z", "fa2", false));
        let r4: StoredRunDoc = get(&s, &run_path("prod", &id(4)));
        assert_eq!(
            r4.run.changes_since_previous,
            vec![PlanChangeDto {
                removed: vec!["d".into()],
                ..Default::default()
            }]
        );
    }

    #[test]
    fn without_fingerprints_the_producers_changes_are_kept() {
        let mut s = Mem::new();
        let mut a = sub("prod", 1, "2026-11-01T02:00:00Z", "fa", false);
        a.run.fingerprints.clear();
        a.run.run.changes_since_previous = vec![PlanChangeDto {
            plan_id: Some(id(99)),
            added: vec!["x".into()],
            ..Default::default()
        }];
        ingest(&mut s, a.clone());
        let r: StoredRunDoc = get(&s, &run_path("prod", &id(1)));
        assert_eq!(
            r.run.changes_since_previous,
            a.run.run.changes_since_previous
        );
    }

    #[test]
    fn the_newest_page_keeps_the_newest_and_old_months_are_not_read() {
        struct Counting<'a>(&'a Mem, RefCell<Vec<String>>);
        impl StoreRead for Counting<'_> {
            fn read(&self, path: &str) -> Result<Option<String>, String> {
                self.1.borrow_mut().push(path.to_string());
                self.0.read(path)
            }
        }
        let mut s = Mem::new();
        let base = parse_time("t", "2026-01-01T00:00:00Z").unwrap();
        let at =
            |i: u32| super::super::encode::time(base + chrono::Duration::hours(i64::from(i) * 7));
        for i in 0..(NEWEST_PAGE as u32 + 150) {
            ingest(&mut s, sub("prod", i, &at(i), "fa", false));
        }
        let index: ActivityIndexDoc = get(&s, "environments/prod/activity.json");
        assert_eq!(index.newest.activity.len(), NEWEST_PAGE);
        assert_eq!(index.newest.activity[0].id, id(NEWEST_PAGE as u32 + 149));
        assert_eq!(index.months.iter().map(|m| m.count).sum::<u32>(), 250);
        assert_eq!(index.months.len(), 3, "Jan, Feb, Mar 2026");
        // The next ingest reads the index, one month page, the neighbours'
        // runs and environments.json; no older month.
        let counting = Counting(&s, RefCell::new(Vec::new()));
        let n = NEWEST_PAGE as u32 + 150;
        plan(&counting, sub("prod", n, &at(n), "fa", false)).unwrap();
        let read = counting.1.into_inner();
        assert!(!read.iter().any(|p| p.contains("2026-01")), "{read:?}");
        assert!(read.len() <= 7, "{read:?}");
    }

    #[test]
    fn an_unpaged_store_is_paged_on_its_first_ingest() {
        let mut s = Mem::new();
        let act = |n: u32, start: &str, kind: &str| ActivityDto {
            id: id(n),
            kind: kind.into(),
            status: "complete".into(),
            start: start.into(),
            ..Default::default()
        };
        s.insert(
            activity_path("prod"),
            to_text(&ActivityDoc {
                environment: "prod".into(),
                activity: vec![
                    act(8, "2026-11-02T00:00:00Z", "plan"),
                    act(7, "2026-10-01T00:00:00Z", "run"),
                ],
            }),
        );
        let old = sub("prod", 7, "2026-10-01T00:00:00Z", "fa", false);
        s.insert(run_path("prod", &id(7)), to_text(&old.run));
        ingest(&mut s, sub("prod", 9, "2026-11-03T00:00:00Z", "fa", false));
        let oct: ActivityDoc = get(&s, &month_path("prod", "2026-10"));
        let nov: ActivityDoc = get(&s, &month_path("prod", "2026-11"));
        assert_eq!(oct.activity.len(), 1);
        assert_eq!(
            nov.activity
                .iter()
                .map(|a| a.id.clone())
                .collect::<Vec<_>>(),
            vec![id(9), id(8)]
        );
        assert_eq!(links(&s, "prod", 9), (Some(id(7)), None));
        let envs: EnvironmentsDoc = get(&s, ENVIRONMENTS);
        assert_eq!(envs.environments[0].last_plan.as_ref().unwrap().id, id(8));
    }

    #[test]
    fn bad_submissions_and_bad_stores_write_nothing() {
        let mut s = Mem::new();
        ingest(&mut s, sub("prod", 1, "2026-11-01T02:00:00Z", "fa", false));
        let moved = plan(&s, sub("prod", 1, "2026-11-01T05:00:00Z", "fa", false));
        assert!(moved.unwrap_err().contains("a run's start cannot change"));
        assert!(
            plan(&s, sub("../x", 2, "2026-11-01T02:00:00Z", "fa", false))
                .unwrap_err()
                .starts_with("environment \"../x\"")
        );
        let mut broken = s.clone();
        broken.insert(activity_path("prod"), "{\"environment\":".into());
        let e = plan(&broken, sub("prod", 2, "2026-11-02T02:00:00Z", "fa", false)).unwrap_err();
        assert!(
            e.starts_with("store: environments/prod/activity.json is not a readable document"),
            "{e}"
        );
    }

    #[test]
    fn environments_are_sorted_prod_first_whatever_the_order() {
        let mut a = Mem::new();
        let mut dev = sub("dev", 2, "2026-11-01T02:00:00Z", "fa", false);
        dev.environment_kind = "dev".into();
        ingest(&mut a, dev.clone());
        ingest(&mut a, sub("prod", 1, "2026-11-01T02:00:00Z", "fa", false));
        let mut b = Mem::new();
        ingest(&mut b, sub("prod", 1, "2026-11-01T02:00:00Z", "fa", false));
        ingest(&mut b, dev);
        assert_eq!(a, b);
        let envs: EnvironmentsDoc = get(&a, ENVIRONMENTS);
        let names: Vec<&str> = envs.environments.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["prod", "dev"]);
    }
}
