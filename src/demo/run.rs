//! One simulated run: executions in dependency order (scheduled, skipped
//! behind a failure, pending or in progress at the snapshot time), the
//! scenario's failure if the run has one, audits after their model, run
//! status and cost, and the logs of it all.

use super::logs::{log_doc, progress_lines, sanitize};
use super::project::audits_for;
use super::scenario::{Failure, AUDIT_WARNING_RATE};
use super::simulate::EnvSim;
use super::{day_start, rfc, sql, Time};
use crate::core::wire::*;
use chrono::{Datelike, Duration, Weekday};
use std::collections::BTreeMap;

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

pub(super) struct SimRun {
    pub doc: RunDoc,
    pub cost: f64,
    pub logs: Vec<LogDoc>,
}

impl EnvSim<'_> {
    pub(super) fn simulate_run(
        &mut self,
        start: Time,
        failure: Option<&Failure>,
        now: Time,
    ) -> SimRun {
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
                    let random_fail = !blocking && self.rng.chance(AUDIT_WARNING_RATE);
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
