//! Domain -> wire: the inverse of [`crate::core::decode`] for documents a
//! producer writes (a run read from dbt artifacts becomes a Run API run).
//! Times keep their precision (`AutoSi`: whole seconds stay whole, dbt's
//! microseconds stay microseconds), so `decode(encode(x)) == x`.

use super::model::*;
use super::wire::*;

pub fn time(t: Time) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn opt(t: Option<Time>) -> Option<String> {
    t.map(time)
}

pub fn activity(a: &Activity) -> ActivityDto {
    ActivityDto {
        id: a.id.to_string(),
        kind: match &a.kind {
            ActivityKind::Run => "run".into(),
            ActivityKind::Plan => "plan".into(),
            ActivityKind::Other(k) => k.clone(),
        },
        status: a.status.key().to_string(),
        start: time(a.start),
        end: opt(a.end),
        duration_ms: a.duration.map(|d| d.num_milliseconds()),
        cost: a.cost,
        interval_start: a.interval.map(|i| time(i.0)),
        interval_end: a.interval.map(|i| time(i.1)),
    }
}

pub fn plan_change(p: &PlanChange) -> PlanChangeDto {
    PlanChangeDto {
        plan_id: p.plan_id.as_ref().map(|i| i.to_string()),
        applied_at: opt(p.applied_at),
        added: p.added.clone(),
        removed: p.removed.clone(),
        directly_modified: p.directly_modified.clone(),
        indirectly_modified: p.indirectly_modified.clone(),
    }
}

pub fn execution(e: &Execution) -> ExecutionDto {
    ExecutionDto {
        model: e.model.clone(),
        status: e.status.key().to_string(),
        start: opt(e.start),
        end: opt(e.end),
        duration_ms: e.duration.map(|d| d.num_milliseconds()),
        interval_start: opt(e.interval_start),
        interval_end: opt(e.interval_end),
        error: e.error.clone(),
        log_id: e.log_id.clone(),
    }
}

pub fn audit(a: &Audit) -> AuditDto {
    AuditDto {
        name: a.name.clone(),
        model: a.model.clone(),
        status: a.status.key().to_string(),
        blocking: a.blocking,
        failing_rows: a.failing_rows,
        start: opt(a.start),
        end: opt(a.end),
        interval_start: opt(a.interval_start),
        interval_end: opt(a.interval_end),
        error: a.error.clone(),
        log_id: a.log_id.clone(),
    }
}

pub fn model(m: &Model) -> ModelDto {
    ModelDto {
        name: m.name.clone(),
        kind: m.kind.clone(),
        cron: m.cron.clone(),
        interval_unit: m.interval_unit.clone(),
        dialect: m.dialect.clone(),
        owner: m.owner.clone(),
        upstream: m.upstream.clone(),
        definition: m.definition.clone(),
        columns: m
            .columns
            .iter()
            .map(|c| ColumnDto {
                name: c.name.clone(),
                data_type: c.data_type.clone(),
                description: c.description.clone(),
            })
            .collect(),
        intervals: m
            .intervals
            .iter()
            .map(|i| IntervalDto {
                start: time(i.start),
                end: time(i.end),
            })
            .collect(),
        tags: m.tags.clone(),
    }
}

pub fn run(r: &Run) -> RunDoc {
    RunDoc {
        id: r.id.to_string(),
        environment: r.environment.clone(),
        status: r.status.key().to_string(),
        refreshed_at: opt(r.refreshed_at),
        start: time(r.start),
        end: opt(r.end),
        previous_run_id: r.previous_run_id.as_ref().map(|i| i.to_string()),
        next_run_id: r.next_run_id.as_ref().map(|i| i.to_string()),
        changes_since_previous: r.changes.iter().map(plan_change).collect(),
        executions: r.executions.iter().map(execution).collect(),
        audits: r.audits.iter().map(audit).collect(),
        models: r.models.iter().map(model).collect(),
    }
}

pub fn log(l: &Log) -> LogDoc {
    LogDoc {
        id: l.id.clone(),
        lines: l
            .lines
            .iter()
            .map(|x| LogLineDto {
                at: opt(x.at),
                level: x.level.label().to_string(),
                message: x.message.clone(),
            })
            .collect(),
        note: l.note.clone(),
    }
}

#[cfg(test)]
mod tests {
    use crate::core::decode::{decode_log, decode_run};

    #[test]
    fn a_run_and_its_log_survive_the_round_trip() {
        let text = r#"{"id":"0123456789abcdef0123456789abcdef","environment":"ci","status":"failed",
          "refreshed_at":"2026-11-20T10:00:10.123456Z","start":"2026-11-20T10:00:01Z","end":"2026-11-20T10:00:06.5Z",
          "previous_run_id":"00000000000000000000000000000001",
          "changes_since_previous":[{"added":["a"],"removed":[],"directly_modified":["b"],"indirectly_modified":["c"]}],
          "executions":[{"model":"b","status":"failed","start":"2026-11-20T10:00:02Z","end":"2026-11-20T10:00:03.25Z","error":"boom","log_id":"x-b"},
                        {"model":"c","status":"skipped"}],
          "audits":[{"name":"unique_b","model":"b","status":"complete","blocking":true,"failing_rows":0}],
          "models":[{"name":"b","kind":"table","upstream":["a"],"definition":"select 1","columns":[{"name":"id","type":"INT"}],"tags":["t"],
                     "intervals":[{"start":"2026-11-19T00:00:00Z","end":"2026-11-20T00:00:00Z"}]}]}"#;
        let run = decode_run(text).unwrap();
        let doc = super::run(&run);
        assert_eq!(doc.end.as_deref(), Some("2026-11-20T10:00:06.500Z"));
        assert_eq!(
            doc.refreshed_at.as_deref(),
            Some("2026-11-20T10:00:10.123456Z")
        );
        assert_eq!(doc.executions[0].duration_ms, Some(1250));
        let again = decode_run(&serde_json::to_string(&doc).unwrap()).unwrap();
        assert_eq!(again, run);

        let log = decode_log(
            r#"{"id":"x-b","lines":[{"at":"2026-11-20T10:00:02.000001Z","level":"WARNING","message":"m"},{"level":"INFO","message":"n"}],"note":"k"}"#,
        )
        .unwrap();
        let doc = super::log(&log);
        assert_eq!(doc.lines[0].level, "WARN");
        assert_eq!(
            decode_log(&serde_json::to_string(&doc).unwrap()).unwrap(),
            log
        );
    }
}
