//! The simulation of an environment: its state (active and modified
//! models, loaded intervals), plans applied to it, its runs in order
//! ([`run`](super::run) simulates one), previous/next links, activity and
//! log retention, turned into the environment's files.

use super::project::Spec;
use super::rng::Rng;
use super::run::SimRun;
use super::scenario::{history_start, EnvScenario, Event, PlanSpec, LOG_RETENTION_RUNS};
use super::{at, catalog, day_start, json, rfc, sql, GeneratedFile, Time};
use crate::core::wire::*;
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// An environment being simulated: what it holds at the current event.
pub(super) struct EnvSim<'a> {
    pub name: &'static str,
    pub specs: &'a [Spec],
    /// Models deployed in the environment.
    pub active: BTreeSet<String>,
    /// Models whose definition a plan changed (their SQL shows the change).
    pub modified: BTreeSet<String>,
    /// Days of data loaded, per model.
    pub loaded: BTreeMap<String, BTreeSet<NaiveDate>>,
    pub rng: Rng,
}

impl<'a> EnvSim<'a> {
    pub(super) fn spec(&self, name: &str) -> &'a Spec {
        self.specs
            .iter()
            .find(|s| s.name == name)
            .expect("catalog name")
    }

    /// Models downstream of `roots` (transitively) among the active ones.
    pub(super) fn downstream(&self, roots: &[&str]) -> BTreeSet<String> {
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
        let mut d = history_start();
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

    pub(super) fn model_dto(&self, spec: &Spec) -> ModelDto {
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
}

pub(super) struct EnvOutput {
    pub env: EnvironmentDto,
    pub files: Vec<GeneratedFile>,
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

/// Simulates `scenario` (one of `all`, where the environment it was branched
/// from is found) over `specs` up to `now`.
pub(super) fn simulate_env(
    scenario: &EnvScenario,
    all: &[EnvScenario],
    specs: &[Spec],
    now: Time,
) -> EnvOutput {
    let EnvScenario {
        name,
        kind,
        ref events,
        branched_from,
        seed,
    } = *scenario;
    // Created from another environment just before its first event, it
    // starts with the plans that one had completed by then.
    let branched = events.iter().map(Event::at).min().unwrap_or(now);
    let inherit = branched_from
        .and_then(|from| all.iter().find(|e| e.name == from))
        .map(|from| plans_before(&from.events, branched))
        .unwrap_or_default();
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
    for p in &inherit {
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
    for ev in events {
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
