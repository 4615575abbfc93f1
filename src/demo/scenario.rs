//! The scenario of the demo: every decision about what happens when. Which
//! environments exist and where they come from, when runs start, which night
//! fails and why (error text and log lines), which plans are applied, how
//! long logs are kept. Changing the story of the demo means editing this file
//! only; `simulate` turns it into runs, executions, audits and logs.

use super::rng::Rng;
use super::{at, day_start, Time};
use chrono::{Duration, NaiveDate};

/// The instant the demo snapshot describes ("now" for the demo data).
pub const DEMO_NOW: &str = "2026-11-26T03:30:00Z";
/// Logs are kept for this many most recent runs per environment (and always for failures).
pub const LOG_RETENTION_RUNS: usize = 3;

/// Models have data loaded from this day on (backfilled before the first run).
pub(super) fn history_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).expect("date")
}

/// Share of non-blocking audits that find bad rows in a run (a warning: the
/// model still completes). Blocking audits only fail where a run's
/// [`Failure::BlockingAudit`] says so.
pub(super) const AUDIT_WARNING_RATE: f64 = 0.07;

/// An environment of the demo and what happens in it.
pub(super) struct EnvScenario {
    pub name: &'static str,
    pub kind: &'static str,
    /// Its runs and plans, in time order.
    pub events: Vec<Event>,
    /// The environment it was created from, just before its first event: it
    /// starts with that one's plans completed by then applied.
    pub branched_from: Option<&'static str>,
    /// Seed of the simulation's own random choices (ids, durations, rows).
    pub seed: u64,
}

/// The environments of the demo, in the order `environments.json` lists them.
pub(super) fn environments() -> Vec<EnvScenario> {
    vec![
        EnvScenario {
            name: "prod",
            kind: "prod",
            events: prod_events(),
            branched_from: None,
            seed: 101,
        },
        EnvScenario {
            name: "dev",
            kind: "dev",
            events: dev_events(),
            branched_from: Some("prod"),
            seed: 202,
        },
    ]
}

/// How a scheduled run goes wrong, if it does.
#[derive(Clone, Debug)]
pub(super) enum Failure {
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

/// A plan applied to an environment: models added, removed and directly
/// modified (their downstream is indirectly modified). A plan whose status
/// is not `complete` changes nothing.
#[derive(Clone, Debug)]
pub(super) struct PlanSpec {
    pub at: Time,
    pub added: Vec<&'static str>,
    pub removed: Vec<&'static str>,
    pub direct: Vec<&'static str>,
    pub status: &'static str,
}

/// What happens in an environment at an instant.
#[derive(Clone, Debug)]
pub(super) enum Event {
    Plan(PlanSpec),
    Run { at: Time, failure: Option<Failure> },
}

impl Event {
    pub(super) fn at(&self) -> Time {
        match self {
            Event::Plan(p) => p.at,
            Event::Run { at, .. } => *at,
        }
    }
}

// The errors of the failing nights, as the warehouse reports them.
const FCT_ORDERS_ERROR: &str = "Binder Error: Referenced column \"discount_amt\" not found in FROM clause!\nCandidate bindings: \"u1.discount_amount\", \"u1.gross_amount\"\nLINE 14:   u1.net_amount - u1.discount_amt AS net_amount,\n                           ^";
const WEB_EVENTS_ERROR: &str = "IO Error: HTTP GET error on 's3://acme-landing/web_events/dt=2026-11-12/part-0007.parquet' (HTTP 403 Forbidden): the session token has expired";
const INVENTORY_ERROR: &str =
    "Out of Memory Error: could not allocate block of size 256.0 MiB (11.9 GiB/12.0 GiB used)";
const INVENTORY_KEY_ERROR: &str = "Constraint Error: Duplicate key \"product_id: 88123, snapshot_date: 2026-11-23\" violates primary key constraint. If this is an unexpected constraint violation please double check with the known index limitations section in our documentation (https://duckdb.org/docs/sql/indexes).";
const CHURN_ERROR: &str = "Catalog Error: Table with name churn_scores does not exist!\nDid you mean \"marts.dim_customers\"?";

/// prod: a scheduled run every night at about 02:00 from 2026-11-04 (none
/// on the two gap days; the last one starts at 03:28 on the 26th and is
/// still running at [`DEMO_NOW`]), the nights that fail, then the fixes
/// (plans) and the reruns after them.
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
    ev.sort_by_key(Event::at);
    ev
}

/// dev: a plan adding a churn model, a run every morning at about 05:00 from
/// the 21st to the 25th (the 22nd fails on the new model), and a plan.
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
    ev.sort_by_key(Event::at);
    ev
}
