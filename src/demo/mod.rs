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

pub mod catalog;
mod sql;

use crate::core::wire::*;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use std::collections::{BTreeMap, BTreeSet};

type Time = DateTime<Utc>;

/// The instant the demo snapshot describes ("now" for the demo data).
pub const DEMO_NOW: &str = "2026-11-26T03:30:00Z";
/// Logs are kept for this many most recent runs per environment (and always for failures).
pub const LOG_RETENTION_RUNS: usize = 3;

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

/// SplitMix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn hex32(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub name: String,
    pub kind: String,
    pub cron: Option<String>,
    pub owner: String,
    pub upstream: Vec<String>,
    pub columns: Vec<(String, String)>,
    /// Typical evaluation time in seconds.
    pub base_secs: i64,
}

/// Splits `a BIGINT, b DECIMAL(18,2)` at the commas outside parentheses.
fn split_columns(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[from..]);
    out
}

fn specs() -> Vec<Spec> {
    let mut rng = Rng::new(7);
    catalog::CATALOG
        .iter()
        .map(|e| Spec {
            name: e.name.into(),
            kind: e.kind.into(),
            cron: (!e.cron.is_empty()).then(|| e.cron.to_string()),
            owner: e.owner.into(),
            upstream: e
                .upstream
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            columns: split_columns(e.columns)
                .into_iter()
                .map(|c| {
                    let c = c.trim();
                    let (n, t) = c.split_once(' ').unwrap_or((c, "VARCHAR"));
                    (n.to_string(), t.to_string())
                })
                .collect(),
            base_secs: match e.name.split('.').next() {
                Some("staging") => rng.range(2, 14),
                Some("intermediate") => rng.range(8, 45),
                Some("marts") => rng.range(15, 90),
                _ => rng.range(3, 25),
            },
        })
        .collect()
}

/// How a scheduled run goes wrong, if it does.
#[derive(Clone, Debug)]
enum Failure {
    /// The model's query fails with this error; its downstream is skipped.
    Model {
        model: &'static str,
        error: &'static str,
        log: &'static [&'static str],
        /// Progress lines logged before the scripted ones (a long log).
        chatter: usize,
    },
    /// A blocking audit on the model finds bad rows; the model fails, downstream skipped.
    BlockingAudit {
        model: &'static str,
        audit: &'static str,
        rows: u64,
    },
}

#[derive(Clone, Debug)]
struct PlanSpec {
    at: Time,
    added: Vec<&'static str>,
    removed: Vec<&'static str>,
    direct: Vec<&'static str>,
    status: &'static str,
}

#[derive(Clone, Debug)]
enum Event {
    Plan(PlanSpec),
    Run { at: Time, failure: Option<Failure> },
}

const FCT_ORDERS_ERROR: &str = "Binder Error: Referenced column \"discount_amt\" not found in FROM clause!\nCandidate bindings: \"u1.discount_amount\", \"u1.gross_amount\"\nLINE 14:   u1.net_amount - u1.discount_amt AS net_amount,\n                           ^";
const WEB_EVENTS_ERROR: &str = "IO Error: HTTP GET error on 's3://acme-landing/web_events/dt=2026-11-12/part-0007.parquet' (HTTP 403 Forbidden): the session token has expired";
const INVENTORY_ERROR: &str =
    "Out of Memory Error: could not allocate block of size 256.0 MiB (11.9 GiB/12.0 GiB used)";
const INVENTORY_KEY_ERROR: &str = "Constraint Error: Duplicate key \"product_id: 88123, snapshot_date: 2026-11-23\" violates primary key constraint. If this is an unexpected constraint violation please double check with the known index limitations section in our documentation (https://duckdb.org/docs/sql/indexes).";
const CHURN_ERROR: &str = "Catalog Error: Table with name churn_scores does not exist!\nDid you mean \"marts.dim_customers\"?";

fn prod_events() -> Vec<Event> {
    let mut ev = Vec::new();
    let first = NaiveDate::from_ymd_opt(2026, 11, 4).expect("date");
    let last = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
    let gaps = ["2026-11-09", "2026-11-16"];
    let mut d = first;
    let mut rng = Rng::new(11);
    while d <= last {
        let ds = d.format("%Y-%m-%d").to_string();
        if !gaps.contains(&ds.as_str()) {
            let start = if d == last {
                at("2026-11-26T03:28:06Z") // late start: still running at DEMO_NOW
            } else {
                day_start(d) + Duration::hours(2) + Duration::seconds(rng.range(0, 240))
            };
            let failure = match ds.as_str() {
                "2026-11-07" => Some(Failure::Model {
                    model: "marts.fct_orders",
                    error: FCT_ORDERS_ERROR,
                    chatter: 0,
                    log: &[
                        "DEBUG|Rendering query for marts.fct_orders with macros @start_ds, @end_ds",
                        "INFO|Executing INSERT OVERWRITE into marts.fct_orders__1290341 for interval [2026-11-06, 2026-11-07)",
                        "ERROR|Binder Error: Referenced column \"discount_amt\" not found in FROM clause!",
                        "ERROR|Candidate bindings: \"u1.discount_amount\", \"u1.gross_amount\"",
                        "ERROR|LINE 14:   u1.net_amount - u1.discount_amt AS net_amount,",
                        "WARN|Rolling back transaction on marts.fct_orders__1290341",
                        "INFO|Marking the downstream models of marts.fct_orders as skipped",
                    ],
                }),
                "2026-11-13" => Some(Failure::Model {
                    model: "staging.stg_web_events",
                    error: WEB_EVENTS_ERROR,
                    chatter: 0,
                    log: &[
                        "INFO|Reading 24 parquet files from s3://acme-landing/web_events/dt=2026-11-12/",
                        "WARN|Retrying HTTP GET part-0007.parquet after 403 (attempt 1 of 3)",
                        "WARN|Retrying HTTP GET part-0007.parquet after 403 (attempt 2 of 3)",
                        "WARN|Retrying HTTP GET part-0007.parquet after 403 (attempt 3 of 3)",
                        "ERROR|IO Error: HTTP GET error on 's3://acme-landing/web_events/dt=2026-11-12/part-0007.parquet' (HTTP 403 Forbidden)",
                        "ERROR|the session token has expired; refresh the warehouse's storage credentials",
                    ],
                }),
                "2026-11-19" => Some(Failure::BlockingAudit {
                    model: "staging.stg_orders",
                    audit: "unique_values",
                    rows: 3,
                }),
                "2026-11-23" => Some(Failure::Model {
                    model: "intermediate.int_inventory_daily",
                    error: INVENTORY_ERROR,
                    chatter: 6000,
                    log: &[
                        "INFO|Joining staging.stg_inventory (41,220,331 rows) with staging.stg_products",
                        "DEBUG|Memory limit 12.0 GiB, 4 threads",
                        "WARN|Spilling hash join to disk: 9.8 GiB in use",
                        "ERROR|Out of Memory Error: could not allocate block of size 256.0 MiB (11.9 GiB/12.0 GiB used)",
                    ],
                }),
                "2026-11-24" | "2026-11-25" => Some(Failure::Model {
                    model: "marts.fct_inventory",
                    error: INVENTORY_KEY_ERROR,
                    chatter: 0,
                    log: &[
                        "INFO|Merging 18,204 rows into marts.fct_inventory",
                        "WARN|Source staging.stg_inventory has 2 rows for (product_id=88123, snapshot_date=2026-11-23)",
                        "ERROR|Constraint Error: Duplicate key \"product_id: 88123, snapshot_date: 2026-11-23\" violates primary key constraint",
                    ],
                }),
                _ => None,
            };
            ev.push(Event::Run { at: start, failure });
        }
        d += Duration::days(1);
    }
    // Reruns after fixes, and the plans in between.
    ev.push(Event::Plan(PlanSpec {
        at: at("2026-11-06T14:20:31Z"),
        added: vec![],
        removed: vec![],
        direct: vec!["staging.stg_customers"],
        status: "complete",
    }));
    ev.push(Event::Plan(PlanSpec {
        at: at("2026-11-07T09:18:02Z"),
        added: vec![],
        removed: vec![],
        direct: vec!["marts.fct_orders"],
        status: "complete",
    }));
    ev.push(Event::Run {
        at: at("2026-11-07T09:40:10Z"),
        failure: None,
    });
    ev.push(Event::Plan(PlanSpec {
        at: at("2026-11-12T16:45:40Z"),
        added: vec!["marts.fct_refunds", "reporting.rpt_refunds"],
        removed: vec![],
        direct: vec![],
        status: "complete",
    }));
    ev.push(Event::Run {
        at: at("2026-11-13T11:05:44Z"),
        failure: None,
    });
    ev.push(Event::Plan(PlanSpec {
        at: at("2026-11-18T15:02:11Z"),
        added: vec![],
        removed: vec![],
        direct: vec!["intermediate.int_sessions"],
        status: "failed",
    }));
    ev.push(Event::Plan(PlanSpec {
        at: at("2026-11-20T10:10:09Z"),
        added: vec![],
        removed: vec!["reporting.rpt_legacy_kpis"],
        direct: vec!["intermediate.int_sessions"],
        status: "complete",
    }));
    ev.push(Event::Run {
        at: at("2026-11-23T07:31:27Z"),
        failure: None,
    });
    ev.sort_by_key(|e| match e {
        Event::Plan(p) => p.at,
        Event::Run { at, .. } => *at,
    });
    ev
}

fn dev_events() -> Vec<Event> {
    let mut ev = vec![Event::Plan(PlanSpec {
        at: at("2026-11-20T13:41:00Z"),
        added: vec!["reporting.rpt_churn_risk"],
        removed: vec![],
        direct: vec!["marts.dim_customers"],
        status: "complete",
    })];
    let mut rng = Rng::new(23);
    for day in 21..=25 {
        let d = NaiveDate::from_ymd_opt(2026, 11, day).expect("date");
        let failure = (day == 22).then_some(Failure::Model {
            model: "reporting.rpt_churn_risk",
            error: CHURN_ERROR,
            chatter: 0,
            log: &[
                "INFO|Evaluating reporting.rpt_churn_risk (new in this environment)",
                "ERROR|Catalog Error: Table with name churn_scores does not exist!",
                "ERROR|Did you mean \"marts.dim_customers\"?",
            ],
        });
        ev.push(Event::Run {
            at: day_start(d) + Duration::hours(5) + Duration::seconds(rng.range(0, 300)),
            failure,
        });
    }
    ev.push(Event::Plan(PlanSpec {
        at: at("2026-11-23T16:05:12Z"),
        added: vec![],
        removed: vec!["reporting.rpt_weekly_cohorts"],
        direct: vec!["reporting.rpt_churn_risk"],
        status: "complete",
    }));
    ev.sort_by_key(|e| match e {
        Event::Plan(p) => p.at,
        Event::Run { at, .. } => *at,
    });
    ev
}

/// One execution of a model inside a simulated run.
struct Exec {
    model: String,
    status: &'static str,
    start: Option<Time>,
    end: Option<Time>,
    interval: Option<(Time, Time)>,
    error: Option<String>,
    log_lines: Vec<(Time, &'static str, String)>,
}

struct AuditRow {
    dto: AuditDto,
    log_lines: Vec<(Time, &'static str, String)>,
}

/// Audits defined on a model: (name, blocking, column).
fn audits_for(spec: &Spec) -> Vec<(String, bool, String)> {
    let mut out = Vec::new();
    let key = &spec.columns[0].0;
    out.push(("not_null".to_string(), true, key.clone()));
    if key.ends_with("_id") && !spec.name.starts_with("reporting.") {
        out.push(("unique_values".to_string(), true, key.clone()));
    }
    if let Some((c, _)) = spec
        .columns
        .iter()
        .find(|(_, t)| t.starts_with("DECIMAL") || t == "DOUBLE")
    {
        out.push(("accepted_range".to_string(), false, c.clone()));
    }
    if spec.name.starts_with("reporting.") {
        out.push(("number_of_rows".to_string(), false, String::new()));
    }
    out
}

struct EnvSim<'a> {
    name: &'static str,
    specs: &'a [Spec],
    active: BTreeSet<String>,
    modified: BTreeSet<String>,
    loaded: BTreeMap<String, BTreeSet<NaiveDate>>,
    rng: Rng,
}

struct SimRun {
    doc: RunDoc,
    cost: f64,
    logs: Vec<LogDoc>,
}

impl<'a> EnvSim<'a> {
    fn spec(&self, name: &str) -> &'a Spec {
        self.specs
            .iter()
            .find(|s| s.name == name)
            .expect("catalog name")
    }

    /// Models downstream of `roots` (transitively) among the active ones.
    fn downstream(&self, roots: &[&str]) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = BTreeSet::new();
        let mut frontier: Vec<String> = roots.iter().map(|s| s.to_string()).collect();
        while let Some(m) = frontier.pop() {
            for s in self.specs {
                if self.active.contains(&s.name)
                    && s.upstream.contains(&m)
                    && out.insert(s.name.clone())
                {
                    frontier.push(s.name.clone());
                }
            }
        }
        out
    }

    fn backfill(&mut self, model: &str, until: NaiveDate) {
        let mut d = NaiveDate::from_ymd_opt(2026, 9, 1).expect("date");
        let set = self.loaded.entry(model.to_string()).or_default();
        while d < until {
            set.insert(d);
            d += Duration::days(1);
        }
    }

    fn apply_plan(&mut self, p: &PlanSpec) -> PlanChangeDto {
        let id = self.rng.hex32();
        if p.status == "complete" {
            for m in &p.removed {
                self.active.remove(*m);
            }
            for m in &p.added {
                self.active.insert(m.to_string());
                self.backfill(m, p.at.date_naive());
            }
            for m in &p.direct {
                self.modified.insert(m.to_string());
            }
        }
        let mut roots: Vec<&str> = p.direct.clone();
        roots.extend(p.added.iter().copied());
        let indirect: Vec<String> = self
            .downstream(&roots)
            .into_iter()
            .filter(|m| !roots.contains(&m.as_str()))
            .collect();
        PlanChangeDto {
            plan_id: Some(id),
            applied_at: Some(rfc(p.at)),
            added: p.added.iter().map(|s| s.to_string()).collect(),
            removed: p.removed.iter().map(|s| s.to_string()).collect(),
            directly_modified: p.direct.iter().map(|s| s.to_string()).collect(),
            indirectly_modified: indirect,
        }
    }

    fn model_dto(&self, spec: &Spec) -> ModelDto {
        let days = self.loaded.get(&spec.name).cloned().unwrap_or_default();
        let mut intervals: Vec<IntervalDto> = Vec::new();
        let mut run: Option<(NaiveDate, NaiveDate)> = None;
        for d in days {
            run = match run {
                Some((s, e)) if e + Duration::days(1) == d => Some((s, d)),
                Some((s, e)) => {
                    intervals.push(IntervalDto {
                        start: rfc(day_start(s)),
                        end: rfc(day_start(e + Duration::days(1))),
                    });
                    Some((d, d))
                }
                None => Some((d, d)),
            };
        }
        if let Some((s, e)) = run {
            intervals.push(IntervalDto {
                start: rfc(day_start(s)),
                end: rfc(day_start(e + Duration::days(1))),
            });
        }
        let upstream_cols: Vec<(String, Vec<(String, String)>)> = spec
            .upstream
            .iter()
            .map(|u| (u.clone(), self.spec(u).columns.clone()))
            .collect();
        ModelDto {
            name: spec.name.clone(),
            kind: spec.kind.clone(),
            cron: spec.cron.clone(),
            interval_unit: spec
                .cron
                .as_ref()
                .map(|c| if c == "@weekly" { "week" } else { "day" }.to_string()),
            dialect: Some("duckdb".into()),
            owner: Some(spec.owner.clone()),
            upstream: spec.upstream.clone(),
            definition: Some(sql::definition(
                spec,
                &upstream_cols,
                self.modified.contains(&spec.name),
            )),
            columns: spec
                .columns
                .iter()
                .map(|(n, t)| ColumnDto {
                    name: n.clone(),
                    data_type: t.clone(),
                    description: Some(sql::describe(n)),
                })
                .collect(),
            intervals: if spec.kind == "EXTERNAL" {
                vec![]
            } else {
                intervals
            },
            tags: vec![spec.name.split('.').next().unwrap_or("").to_string()],
        }
    }

    fn simulate_run(&mut self, start: Time, failure: Option<&Failure>, now: Time) -> SimRun {
        let id = self.rng.hex32();
        let interval_day = start.date_naive() - Duration::days(1);
        let (iv_start, iv_end) = (
            day_start(interval_day),
            day_start(interval_day + Duration::days(1)),
        );
        let is_week_end = interval_day.weekday() == Weekday::Sun;
        let mut execs: Vec<Exec> = Vec::new();
        let mut state: BTreeMap<String, (&'static str, Option<Time>)> = BTreeMap::new();
        let specs = self.specs;
        for spec in specs.iter().filter(|s| self.active.contains(&s.name)) {
            if spec.kind == "EXTERNAL" {
                continue;
            }
            let weekly = spec.cron.as_deref() == Some("@weekly");
            let ups: Vec<&(&'static str, Option<Time>)> =
                spec.upstream.iter().filter_map(|u| state.get(u)).collect();
            let blocked = ups.iter().any(|(s, _)| *s == "failed" || *s == "skipped");
            let waiting = ups
                .iter()
                .any(|(s, _)| *s == "in_progress" || *s == "pending");
            let ready_at = ups.iter().filter_map(|(_, e)| *e).max().unwrap_or(start)
                + Duration::seconds(self.rng.range(1, 3));
            let (week_start, week_end) = (iv_end - Duration::days(7), iv_end);
            let mut ex = Exec {
                model: spec.name.clone(),
                status: "complete",
                start: None,
                end: None,
                interval: Some(if weekly {
                    (week_start, week_end)
                } else {
                    (iv_start, iv_end)
                }),
                error: None,
                log_lines: Vec::new(),
            };
            if weekly && !is_week_end {
                ex.status = "not_scheduled";
                ex.interval = None;
            } else if blocked {
                ex.status = "skipped";
            } else if waiting || ready_at > now {
                ex.status = "pending";
            } else {
                let secs = (spec.base_secs as f64 * (0.7 + self.rng.range(0, 60) as f64 / 100.0))
                    .round() as i64;
                let s = ready_at;
                let e = s + Duration::milliseconds(secs * 1000 + self.rng.range(0, 999));
                ex.start = Some(s);
                let rows = self.rng.range(1_000, 2_500_000);
                ex.log_lines.push((
                    s,
                    "INFO",
                    format!(
                        "Evaluating {} for interval [{}, {})",
                        spec.name,
                        interval_day,
                        interval_day + Duration::days(1)
                    ),
                ));
                ex.log_lines.push((
                    s,
                    "DEBUG",
                    format!(
                        "Rendered query for {} ({} upstream, dialect duckdb)",
                        spec.name,
                        spec.upstream.len()
                    ),
                ));
                match failure {
                    Some(Failure::Model {
                        model,
                        error,
                        log,
                        chatter,
                    }) if *model == spec.name => {
                        let mut t = s;
                        for (at, lvl, msg) in
                            progress_lines(spec.name.as_str(), *chatter, s, &mut self.rng)
                        {
                            t = at;
                            ex.log_lines.push((at, lvl, msg));
                        }
                        let s = t;
                        let e = s + Duration::milliseconds(self.rng.range(400, 4000));
                        ex.status = "failed";
                        ex.end = Some(e);
                        ex.error = Some(error.to_string());
                        for (i, l) in log.iter().enumerate() {
                            let (lvl, msg) = l.split_once('|').unwrap_or(("INFO", l));
                            let lvl = match lvl {
                                "ERROR" => "ERROR",
                                "WARN" => "WARN",
                                "DEBUG" => "DEBUG",
                                _ => "INFO",
                            };
                            ex.log_lines.push((
                                s + Duration::milliseconds(150 * i as i64 + 50),
                                lvl,
                                msg.to_string(),
                            ));
                        }
                    }
                    _ if e > now => {
                        ex.status = "in_progress";
                        ex.log_lines.push((
                            s + Duration::seconds(1),
                            "INFO",
                            format!("Inserting into {} (still running)", spec.name),
                        ));
                    }
                    _ => {
                        ex.end = Some(e);
                        ex.log_lines.push((
                            e - Duration::milliseconds(300),
                            "INFO",
                            format!("Inserted {rows} rows into {}", spec.name),
                        ));
                        ex.log_lines.push((
                            e,
                            "INFO",
                            format!("Evaluation of {} finished in {} s", spec.name, secs),
                        ));
                    }
                }
            }
            state.insert(spec.name.clone(), (ex.status, ex.end));
            execs.push(ex);
        }
        // Audits run right after their model; a failing blocking audit fails the model.
        let mut audits: Vec<AuditRow> = Vec::new();
        for ex in execs.iter_mut() {
            let spec = self.spec(&ex.model);
            for (name, blocking, column) in audits_for(spec) {
                let audit_name = if column.is_empty() {
                    name.clone()
                } else {
                    format!("{name}({column})")
                };
                let mut dto = AuditDto {
                    name: audit_name.clone(),
                    model: spec.name.clone(),
                    status: match ex.status {
                        "complete" => "complete",
                        "in_progress" | "pending" => "pending",
                        "not_scheduled" => "not_scheduled",
                        _ => "skipped",
                    }
                    .into(),
                    blocking,
                    interval_start: ex.interval.map(|i| rfc(i.0)),
                    interval_end: ex.interval.map(|i| rfc(i.1)),
                    ..Default::default()
                };
                let mut lines = Vec::new();
                if ex.status == "complete" {
                    let s = ex.end.expect("complete has end")
                        + Duration::milliseconds(self.rng.range(50, 400));
                    let e = s + Duration::milliseconds(self.rng.range(80, 2500));
                    dto.start = Some(rfc(s));
                    dto.end = Some(rfc(e));
                    let forced = matches!(failure, Some(Failure::BlockingAudit { model, audit, .. }) if *model == spec.name && *audit == name);
                    let random_fail = !blocking && self.rng.chance(0.07);
                    let failing = if forced {
                        match failure {
                            Some(Failure::BlockingAudit { rows, .. }) => *rows,
                            _ => 0,
                        }
                    } else if random_fail {
                        self.rng.range(1, 480) as u64
                    } else {
                        0
                    };
                    dto.failing_rows = Some(failing);
                    lines.push((
                        s,
                        "INFO",
                        format!("Running audit {audit_name} on {}", spec.name),
                    ));
                    lines.push((
                        s,
                        "DEBUG",
                        format!(
                            "Audit query: {}",
                            sql::audit_query(&name, &spec.name, &column)
                        ),
                    ));
                    if failing > 0 {
                        dto.status = "failed".into();
                        let msg = format!(
                            "Audit {audit_name} failed: {failing} rows violate the condition on {}",
                            spec.name
                        );
                        dto.error = Some(msg.clone());
                        lines.push((e, if blocking { "ERROR" } else { "WARN" }, msg));
                        if blocking {
                            lines.push((e, "ERROR", format!("Blocking audit failed: {} is marked failed and its downstream models are skipped", spec.name)));
                        }
                    } else {
                        lines.push((
                            e,
                            "INFO",
                            format!("Audit {audit_name} passed (0 failing rows)"),
                        ));
                    }
                    if forced {
                        let err = format!(
                            "Blocking audit {audit_name} failed: {failing} duplicate rows in {}",
                            spec.name
                        );
                        ex.status = "failed";
                        ex.error = Some(err.clone());
                        ex.log_lines.push((e, "ERROR", err));
                    }
                }
                audits.push(AuditRow {
                    dto,
                    log_lines: lines,
                });
            }
        }
        // A blocking-audit failure skips what ran downstream of it: recompute statuses.
        if matches!(failure, Some(Failure::BlockingAudit { .. })) {
            let failed: Vec<String> = execs
                .iter()
                .filter(|e| e.status == "failed")
                .map(|e| e.model.clone())
                .collect();
            let roots: Vec<&str> = failed.iter().map(String::as_str).collect();
            let down = self.downstream(&roots);
            for ex in execs
                .iter_mut()
                .filter(|e| down.contains(&e.model) && e.status != "not_scheduled")
            {
                ex.status = "skipped";
                ex.start = None;
                ex.end = None;
                ex.log_lines.clear();
            }
            for a in audits
                .iter_mut()
                .filter(|a| down.contains(&a.dto.model) && a.dto.status != "not_scheduled")
            {
                a.dto = AuditDto {
                    status: "skipped".into(),
                    start: None,
                    end: None,
                    failing_rows: None,
                    error: None,
                    ..a.dto.clone()
                };
                a.log_lines.clear();
            }
        }
        // Loaded intervals grow with every completed daily execution.
        for ex in execs.iter().filter(|e| e.status == "complete") {
            if let Some((s, _)) = ex.interval {
                self.loaded
                    .entry(ex.model.clone())
                    .or_default()
                    .insert(s.date_naive());
            }
        }
        let end = if execs
            .iter()
            .any(|e| e.status == "in_progress" || e.status == "pending")
        {
            None
        } else {
            execs.iter().filter_map(|e| e.end).max().or(Some(start))
        };
        let status = if execs.iter().any(|e| e.status == "failed") {
            "failed"
        } else if end.is_none() {
            "in_progress"
        } else {
            "complete"
        };
        let busy: i64 = execs
            .iter()
            .filter_map(|e| e.start.zip(e.end))
            .map(|(s, e)| (e - s).num_milliseconds())
            .sum();
        let mut logs = Vec::new();
        let mut exec_dtos = Vec::new();
        for ex in execs {
            let log_id = (!ex.log_lines.is_empty())
                .then(|| format!("{}-{}", &id[..12], sanitize(&ex.model)));
            if let Some(lid) = &log_id {
                logs.push(log_doc(lid, &ex.log_lines));
            }
            exec_dtos.push(ExecutionDto {
                model: ex.model,
                status: ex.status.into(),
                start: ex.start.map(rfc),
                end: ex.end.map(rfc),
                duration_ms: ex
                    .start
                    .zip(ex.end)
                    .map(|(s, e)| (e - s).num_milliseconds()),
                interval_start: ex.interval.map(|i| rfc(i.0)),
                interval_end: ex.interval.map(|i| rfc(i.1)),
                error: ex.error,
                log_id,
            });
        }
        let mut audit_dtos = Vec::new();
        for mut a in audits {
            if !a.log_lines.is_empty() {
                let lid = format!(
                    "{}-audit-{}-{}",
                    &id[..12],
                    sanitize(&a.dto.model),
                    sanitize(&a.dto.name)
                );
                logs.push(log_doc(&lid, &a.log_lines));
                a.dto.log_id = Some(lid);
            }
            audit_dtos.push(a.dto);
        }
        let models = specs
            .iter()
            .filter(|s| self.active.contains(&s.name))
            .map(|s| self.model_dto(s))
            .collect();
        SimRun {
            doc: RunDoc {
                id,
                environment: self.name.into(),
                status: status.into(),
                refreshed_at: Some(rfc(now)),
                start: rfc(start),
                end: end.map(rfc),
                previous_run_id: None,
                next_run_id: None,
                changes_since_previous: vec![],
                executions: exec_dtos,
                audits: audit_dtos,
                models,
            },
            cost: (busy as f64 / 1000.0 * 0.000_35 * 100.0).round() / 100.0,
            logs,
        }
    }
}

/// `n` lines of a long-running evaluation: partition loads (DEBUG),
/// progress (INFO every 100), memory pressure and spills (WARN every 500).
fn progress_lines(
    model: &str,
    n: usize,
    start: Time,
    rng: &mut Rng,
) -> Vec<(Time, &'static str, String)> {
    let mut out = Vec::with_capacity(n);
    let mut t = start;
    let mut rows: i64 = 0;
    for i in 1..=n {
        t += Duration::milliseconds(rng.range(5, 60));
        let part = i % 4096;
        let batch = rng.range(2_000, 90_000);
        rows += batch;
        if i % 500 == 0 {
            let used = 6.0 + 5.9 * i as f64 / n.max(1) as f64;
            out.push((t, "WARN", format!("Memory pressure in {model}: {used:.1} GiB of 12.0 GiB in use; spilling partition {part} to /tmp/duckdb_spill/{part:04}.bin")));
        } else if i % 100 == 0 {
            out.push((
                t,
                "INFO",
                format!(
                    "Progress: {:.1}% of the probe side scanned ({rows} rows)",
                    100.0 * i as f64 / n.max(1) as f64
                ),
            ));
        } else if i % 7 == 0 {
            out.push((
                t,
                "DEBUG",
                format!(
                    "Spill file /tmp/duckdb_spill/{part:04}.bin written ({:.1} MiB)",
                    batch as f64 / 1500.0
                ),
            ));
        } else {
            out.push((
                t,
                "DEBUG",
                format!(
                    "Hash join build: partition {part}/4096 loaded ({batch} rows, {:.1} MiB)",
                    batch as f64 / 2100.0
                ),
            ));
        }
    }
    out
}

/// A log of `lines` lines for performance work (`runlens-gen --log-lines`).
pub fn long_log(id: &str, lines: usize, seed: u64) -> LogDoc {
    let mut rng = Rng::new(seed);
    let start = at(DEMO_NOW) - Duration::hours(1);
    let mut l: Vec<(Time, &'static str, String)> = progress_lines(
        "layer_02.model_00246",
        lines.saturating_sub(1),
        start,
        &mut rng,
    );
    let end = l.last().map_or(start, |x| x.0);
    l.push((end, "ERROR", "Runtime Error: division by zero".to_string()));
    log_doc(id, &l)
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn log_doc(id: &str, lines: &[(Time, &'static str, String)]) -> LogDoc {
    let mut lines = lines.to_vec();
    lines.sort_by_key(|l| l.0);
    LogDoc {
        id: id.to_string(),
        lines: lines
            .into_iter()
            .map(|(t, l, m)| LogLineDto {
                at: Some(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                level: l.into(),
                message: m,
            })
            .collect(),
        note: None,
    }
}

struct EnvOutput {
    env: EnvironmentDto,
    files: Vec<GeneratedFile>,
}

/// Plans of `events` applied before `until`: what an environment created
/// from this one at that time starts with.
fn plans_before(events: &[Event], until: Time) -> Vec<PlanSpec> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Plan(p) if p.at < until && p.status == "complete" => Some(p.clone()),
            _ => None,
        })
        .collect()
}

fn simulate_env(
    name: &'static str,
    kind: &'static str,
    events: Vec<Event>,
    inherit: &[PlanSpec],
    specs: &[Spec],
    seed: u64,
    now: Time,
) -> EnvOutput {
    let mut sim = EnvSim {
        name,
        specs,
        active: specs
            .iter()
            .filter(|s| !catalog::LATE_MODELS.contains(&s.name.as_str()))
            .map(|s| s.name.clone())
            .collect(),
        modified: BTreeSet::new(),
        loaded: BTreeMap::new(),
        rng: Rng::new(seed),
    };
    let first_day = events
        .iter()
        .find_map(|e| match e {
            Event::Run { at, .. } => Some(at.date_naive() - Duration::days(1)),
            _ => None,
        })
        .unwrap_or(now.date_naive());
    // An environment created from another starts with that one's plans applied.
    for p in inherit {
        for m in &p.removed {
            sim.active.remove(*m);
        }
        for m in &p.added {
            sim.active.insert(m.to_string());
        }
        for m in &p.direct {
            sim.modified.insert(m.to_string());
        }
    }
    for s in specs {
        if sim.active.contains(&s.name) && s.kind != "EXTERNAL" {
            sim.backfill(&s.name, first_day);
        }
    }
    let mut runs: Vec<SimRun> = Vec::new();
    let mut activity: Vec<ActivityDto> = Vec::new();
    let mut pending_plans: Vec<PlanChangeDto> = Vec::new();
    for ev in &events {
        match ev {
            Event::Plan(p) => {
                let change = sim.apply_plan(p);
                let secs = sim.rng.range(18, 140);
                activity.push(ActivityDto {
                    id: change.plan_id.clone().expect("plans have ids"),
                    kind: "plan".into(),
                    status: p.status.into(),
                    start: rfc(p.at),
                    end: Some(rfc(p.at + Duration::seconds(secs))),
                    duration_ms: Some(secs * 1000),
                    cost: Some(0.0),
                    // The plan backfilled the week before it.
                    interval_start: Some(rfc(day_start(p.at.date_naive() - Duration::days(7)))),
                    interval_end: Some(rfc(day_start(p.at.date_naive()))),
                });
                if p.status == "complete" {
                    pending_plans.push(change);
                }
            }
            Event::Run { at, failure } => {
                let mut r = sim.simulate_run(*at, failure.as_ref(), now);
                r.doc.changes_since_previous = std::mem::take(&mut pending_plans);
                runs.push(r);
            }
        }
    }
    let ids: Vec<String> = runs.iter().map(|r| r.doc.id.clone()).collect();
    let n = runs.len();
    let mut files = Vec::new();
    for (i, r) in runs.iter_mut().enumerate() {
        r.doc.previous_run_id = i.checked_sub(1).map(|j| ids[j].clone());
        r.doc.next_run_id = ids.get(i + 1).cloned();
        let start = at(&r.doc.start);
        let end = r.doc.end.as_deref().map(at);
        activity.push(ActivityDto {
            id: r.doc.id.clone(),
            kind: "run".into(),
            status: r.doc.status.clone(),
            start: r.doc.start.clone(),
            end: r.doc.end.clone(),
            duration_ms: end.map(|e| (e - start).num_milliseconds()),
            cost: end.map(|_| r.cost),
            ..Default::default()
        });
        let keep_all_logs = i + LOG_RETENTION_RUNS >= n;
        for log in &r.logs {
            let failed = log
                .lines
                .iter()
                .any(|l| l.level == "ERROR" || l.level == "WARN");
            if keep_all_logs || failed {
                files.push(GeneratedFile {
                    path: format!("logs/{}.json", log.id),
                    contents: json(log),
                });
            }
        }
        // Executions whose log expired keep no reference to it.
        let kept: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
        for ex in r.doc.executions.iter_mut() {
            if let Some(l) = &ex.log_id {
                if !kept.contains(&format!("logs/{l}.json")) {
                    ex.log_id = None;
                }
            }
        }
        for a in r.doc.audits.iter_mut() {
            if let Some(l) = &a.log_id {
                if !kept.contains(&format!("logs/{l}.json")) {
                    a.log_id = None;
                }
            }
        }
        files.push(GeneratedFile {
            path: format!("environments/{name}/runs/{}.json", r.doc.id),
            contents: json(&r.doc),
        });
    }
    activity.sort_by(|a, b| b.start.cmp(&a.start).then(a.id.cmp(&b.id)));
    let last_of = |kind: &str| activity.iter().find(|a| a.kind == kind).cloned();
    let env = EnvironmentDto {
        name: name.into(),
        kind: kind.into(),
        model_count: sim.active.len() as u32,
        last_run: last_of("run"),
        last_plan: last_of("plan"),
    };
    files.push(GeneratedFile {
        path: format!("environments/{name}/activity.json"),
        contents: json(&ActivityDoc {
            environment: name.into(),
            activity,
        }),
    });
    EnvOutput { env, files }
}

/// The demo snapshot: every file of the static API, sorted by path.
pub fn demo_files() -> Vec<GeneratedFile> {
    let specs = specs();
    let now = at(DEMO_NOW);
    let prod_ev = prod_events();
    let dev_ev = dev_events();
    // dev was created from prod just before its first plan.
    let branched = dev_ev
        .iter()
        .map(|e| match e {
            Event::Plan(p) => p.at,
            Event::Run { at, .. } => *at,
        })
        .min()
        .unwrap_or(now);
    let inherited = plans_before(&prod_ev, branched);
    let prod = simulate_env("prod", "prod", prod_ev, &[], &specs, 101, now);
    let dev = simulate_env("dev", "dev", dev_ev, &inherited, &specs, 202, now);
    let mut files = vec![GeneratedFile {
        path: "environments.json".into(),
        contents: json(&EnvironmentsDoc {
            environments: vec![prod.env, dev.env],
        }),
    }];
    files.extend(prod.files);
    files.extend(dev.files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// A synthetic pipeline DAG of `n` models: layers of models grouped in
/// subject-area domains; each model reads 1 to 3 models (sometimes up to 6)
/// mostly from the previous layer and its own domain, sometimes from further
/// back, another domain, or a few widely used hub models.
/// Returns model names and, per model, the indices of its upstream models.
pub fn synthetic_dag(n: usize, seed: u64) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut rng = Rng::new(seed);
    let n = n.max(1);
    let layers = ((n as f64).sqrt() / 2.0).ceil().clamp(2.0, 60.0) as usize;
    let per_layer = n.div_ceil(layers);
    let domains = (per_layer / 6).max(1);
    let names: Vec<String> = (0..n)
        .map(|i| format!("layer_{:02}.model_{:05}", i / per_layer, i))
        .collect();
    let mut upstream: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, ups) in upstream.iter_mut().enumerate().skip(per_layer) {
        let layer = i / per_layer;
        let slot = i % per_layer;
        let domain = slot * domains / per_layer;
        let fan_in = if rng.chance(0.1) {
            rng.range(4, 6)
        } else {
            rng.range(1, 3)
        } as usize;
        for _ in 0..fan_in {
            let back = if rng.chance(0.75) {
                1
            } else {
                rng.range(2, 4) as usize
            }
            .min(layer);
            let l = layer - back;
            let lo = l * per_layer;
            let len = ((l + 1) * per_layer).min(n) - lo;
            let u = if rng.chance(0.05) {
                lo + rng.range(0, (len / 100).max(1) as i64 - 1) as usize
            } else {
                let d = if rng.chance(0.85) {
                    domain
                } else {
                    rng.range(0, domains as i64 - 1) as usize
                };
                let (a, b) = (
                    d * len / domains,
                    ((d + 1) * len / domains).max(d * len / domains + 1),
                );
                lo + rng.range(a as i64, b as i64 - 1) as usize
            };
            if !ups.contains(&u) {
                ups.push(u);
            }
        }
    }
    (names, upstream)
}

/// A synthetic project of `models` models ([`synthetic_dag`]) and one run of
/// `executions` executions (models run for several hourly intervals when
/// `executions > models`), in an environment named `scale`.
pub fn scale_files(
    models: usize,
    executions: usize,
    log_lines: usize,
    seed: u64,
) -> Vec<GeneratedFile> {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let now = at(DEMO_NOW);
    let (names, up_idx) = synthetic_dag(models, seed);
    let models = names.len();
    let layers = ((models as f64).sqrt() / 2.0).ceil().clamp(2.0, 60.0) as usize;
    let per_layer = models.div_ceil(layers);
    let upstream: Vec<Vec<String>> = up_idx
        .iter()
        .map(|u| u.iter().map(|&i| names[i].clone()).collect())
        .collect();
    let start = now - Duration::hours(2);
    let per_model = executions.div_ceil(models).max(1);
    let mut failed: BTreeSet<String> = BTreeSet::new();
    let mut execs = Vec::with_capacity(executions);
    'outer: for k in 0..per_model {
        for (i, name) in names.iter().enumerate() {
            if execs.len() >= executions {
                break 'outer;
            }
            let iv = start - Duration::hours((per_model - k) as i64);
            let s = start + Duration::seconds((i / per_layer) as i64 * 30 + rng.range(0, 20));
            let skipped = upstream[i].iter().any(|u| failed.contains(u));
            let fails = !skipped && rng.chance(0.004);
            if fails {
                failed.insert(name.clone());
            } else if skipped {
                failed.insert(name.clone()); // propagate skip downstream
            }
            let d = Duration::milliseconds(rng.range(300, 90_000));
            execs.push(ExecutionDto {
                model: name.clone(),
                status: if fails {
                    "failed"
                } else if skipped {
                    "skipped"
                } else {
                    "complete"
                }
                .into(),
                start: (!skipped).then(|| rfc(s)),
                end: (!skipped).then(|| rfc(s + d)),
                duration_ms: (!skipped).then(|| d.num_milliseconds()),
                interval_start: Some(rfc(iv)),
                interval_end: Some(rfc(iv + Duration::hours(1))),
                error: fails.then(|| {
                    format!(
                        "Runtime Error: division by zero in {name} (row {})",
                        rng.range(1, 99_999)
                    )
                }),
                log_id: None,
            });
        }
    }
    // The first failed execution (or the first one) carries the long log, when one is asked for.
    let long = (log_lines > 0).then(|| long_log("scale-long", log_lines, seed));
    if long.is_some() {
        let at = execs.iter().position(|e| e.status == "failed").unwrap_or(0);
        if let Some(e) = execs.get_mut(at) {
            e.log_id = Some("scale-long".into());
        }
    }
    let id = rng.hex32();
    let end = execs
        .iter()
        .filter_map(|e| e.end.clone())
        .max()
        .unwrap_or_else(|| rfc(start));
    let status = if execs.iter().any(|e| e.status == "failed") {
        "failed"
    } else {
        "complete"
    };
    let doc = RunDoc {
        id: id.clone(),
        environment: "scale".into(),
        status: status.into(),
        refreshed_at: Some(rfc(now)),
        start: rfc(start),
        end: Some(end.clone()),
        executions: execs,
        models: names
            .iter()
            .zip(upstream)
            .map(|(n, up)| ModelDto {
                name: n.clone(),
                kind: "INCREMENTAL_BY_TIME_RANGE".into(),
                cron: Some("@hourly".into()),
                interval_unit: Some("hour".into()),
                dialect: Some("duckdb".into()),
                upstream: up,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let act = ActivityDto {
        id: id.clone(),
        kind: "run".into(),
        status: status.into(),
        start: rfc(start),
        end: Some(end),
        ..Default::default()
    };
    vec![
        GeneratedFile {
            path: "environments.json".into(),
            contents: json(&EnvironmentsDoc {
                environments: vec![EnvironmentDto {
                    name: "scale".into(),
                    kind: "dev".into(),
                    model_count: models as u32,
                    last_run: Some(act.clone()),
                    last_plan: None,
                }],
            }),
        },
        GeneratedFile {
            path: "environments/scale/activity.json".into(),
            contents: json(&ActivityDoc {
                environment: "scale".into(),
                activity: vec![act],
            }),
        },
        GeneratedFile {
            path: format!("environments/scale/runs/{id}.json"),
            contents: json(&doc),
        },
    ]
    .into_iter()
    .chain(long.map(|l| GeneratedFile {
        path: "logs/scale-long.json".into(),
        contents: json(&l),
    }))
    .collect()
}
