//! `runlens-ingest events` over the events the SQLMesh recorder
//! (integrations/sqlmesh) wrote during real SQLMesh 0.236.4 plans and runs of
//! tests/sqlmesh/project on DuckDB (tests/sqlmesh/build.sh; driver.py says
//! what each step does). The committed events are in
//! tests/sqlmesh/fixtures/events; `RUNLENS_SQLMESH_FIXTURES` points at a
//! fresh set, which scripts/test.sh makes, and `RUNLENS_SQLMESH_LIVE_STORE`
//! at the store the recorder itself kept up to date while those runs
//! happened.
//!
//!   plan 1 (everything added) · run 1 (interval 11-05, passes) ·
//!   run 2 (interval 11-06: payments fails, daily_revenue skipped, a blocking
//!   and a non-blocking audit fail) · plan 2 (payments and full_model
//!   modified, item_summary added) · run 3 (passes)

use runlens::core::decode;
use runlens::core::store;
use runlens::core::wire::{
    ActivityIndexDoc, AuditDto, EnvironmentsDoc, ExecutionDto, LogDoc, PlanDoc, StoredRunDoc,
};
use runlens::store_fs;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    std::env::var_os("RUNLENS_SQLMESH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sqlmesh/fixtures"))
        .join("events")
}

/// The event files in time order: (kind, id, path).
fn files() -> Vec<(String, String, PathBuf)> {
    files_in(&fixtures())
}

fn files_in(dir: &Path) -> Vec<(String, String, PathBuf)> {
    let mut out: Vec<(String, String, PathBuf)> = std::fs::read_dir(dir)
        .expect("the events folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            let parts: Vec<&str> = stem.split('-').collect();
            assert_eq!(parts.len(), 3, "{stem}: <time>-<kind>-<id>");
            (parts[1].to_string(), parts[2].to_string(), p.clone())
        })
        .collect();
    // File names carry the start to the second, and two runs can start in
    // the same second (CI saw it): order by the first event's start to the
    // millisecond, then by name.
    // Compared as times, not text: "…:55Z" is before "…:55.123Z".
    let started = |p: &Path| {
        let first = events_of(p).into_iter().next().expect("an event");
        ["start", "at"]
            .iter()
            .find_map(|k| first.get(*k).and_then(Value::as_str))
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    };
    out.sort_by_cached_key(|f| (started(&f.2), f.2.clone()));
    let kinds: Vec<&str> = out.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(kinds, ["plan", "run", "run", "plan", "run"]);
    out
}

/// CI once recorded two runs in the same second, the later one with the
/// smaller id: the names alone put them in the wrong order.
#[test]
fn runs_started_in_the_same_second_are_ordered_by_their_first_event() {
    let f = files();
    let dir = scratch("same-second").join("events");
    std::fs::create_dir_all(&dir).unwrap();
    let stamp = f[1].2.file_name().unwrap().to_string_lossy()[..16].to_string();
    let early = "ffffffffffffffffffffffffffffffff";
    let late = "00000000000000000000000000000000";
    for (i, (kind, id, path)) in f.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let (text, name) = match i {
            1 => (
                text.replace(id.as_str(), early),
                format!("{stamp}-{kind}-{early}.jsonl"),
            ),
            2 => (
                text.replace(id.as_str(), late),
                format!("{stamp}-{kind}-{late}.jsonl"),
            ),
            _ => (text, name),
        };
        std::fs::write(dir.join(name), text).unwrap();
    }
    let ids: Vec<String> = files_in(&dir).into_iter().map(|f| f.1).collect();
    assert_eq!(ids[1..3], [early.to_string(), late.to_string()]);

    // Starts in the same second, one written without a fraction: "…:55Z"
    // sorts after "…:55.900Z" as text, but is the earlier time.
    let second = events_of(&f[1].2)[0]["at"].as_str().unwrap()[..19].to_string();
    for (id, at) in [
        (early, format!("{second}Z")),
        (late, format!("{second}.900Z")),
    ] {
        let path = dir.join(format!("{stamp}-run-{id}.jsonl"));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut first: Value = serde_json::from_str(&lines[0]).unwrap();
        first["at"] = Value::String(at);
        lines[0] = first.to_string();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
    let ids: Vec<String> = files_in(&dir).into_iter().map(|f| f.1).collect();
    assert_eq!(ids[1..3], [early.to_string(), late.to_string()]);
}

fn events_of(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A fresh empty folder under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sqlmesh-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ingest(file: &Path, store: &Path) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_runlens-ingest"))
        .arg("events")
        .arg(file)
        .arg("--store")
        .arg(store)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn folded(name: &str) -> PathBuf {
    let s = scratch(name);
    for (_, _, f) in files() {
        ingest(&f, &s);
    }
    s
}

fn doc<T: serde::de::DeserializeOwned>(store: &Path, rel: &str) -> T {
    let text = std::fs::read_to_string(store.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn run(store: &Path, id: &str) -> StoredRunDoc {
    doc(store, &store::run_path("prod", id))
}

const M: &str = "sqlmesh_example.";

fn m(name: &str) -> String {
    format!("{M}{name}")
}

fn day(d: u32) -> String {
    format!("2026-11-{d:02}T00:00:00Z")
}

/// (model without the schema, status, interval start day, end day) per execution.
fn executions(r: &StoredRunDoc) -> Vec<(String, String, String, String)> {
    r.run
        .executions
        .iter()
        .map(|e: &ExecutionDto| {
            (
                e.model.trim_start_matches(M).to_string(),
                e.status.clone(),
                e.interval_start.clone().unwrap_or_default(),
                e.interval_end.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn exe(model: &str, status: &str, from: u32, to: u32) -> (String, String, String, String) {
    (model.into(), status.into(), day(from), day(to))
}

/// (name, model without the schema, status, blocking, failing rows) per audit.
fn audits(r: &StoredRunDoc) -> Vec<(String, String, String, bool, Option<u64>)> {
    r.run
        .audits
        .iter()
        .map(|a: &AuditDto| {
            (
                a.name.clone(),
                a.model.trim_start_matches(M).to_string(),
                a.status.clone(),
                a.blocking,
                a.failing_rows,
            )
        })
        .collect()
}

fn aud(
    name: &str,
    model: &str,
    status: &str,
    blocking: bool,
    rows: u64,
) -> (String, String, String, bool, Option<u64>) {
    (
        name.into(),
        model.into(),
        status.into(),
        blocking,
        Some(rows),
    )
}

fn names(v: &[String]) -> Vec<&str> {
    v.iter().map(|s| s.trim_start_matches(M)).collect()
}

#[test]
fn plans_and_runs_of_a_real_sqlmesh_project_make_a_history() {
    let s = folded("history");
    let f = files();
    let (plan1, run1, run2, plan2, run3) = (&f[0].1, &f[1].1, &f[2].1, &f[3].1, &f[4].1);
    let plan_at = |i: usize| events_of(&f[i].2)[0]["at"].as_str().unwrap().to_string();

    // The environment: prod, 7 models after plan 2.
    let envs: EnvironmentsDoc = doc(&s, "environments.json");
    assert_eq!(envs.environments.len(), 1);
    let e = &envs.environments[0];
    assert_eq!((e.name.as_str(), e.kind.as_str()), ("prod", "prod"));
    assert_eq!(e.model_count, 7);
    let last_run = e.last_run.as_ref().unwrap();
    assert_eq!(
        (last_run.id.as_str(), last_run.status.as_str()),
        (run3.as_str(), "complete")
    );
    let last_plan = e.last_plan.as_ref().unwrap();
    assert_eq!(
        (last_plan.id.as_str(), last_plan.kind.as_str()),
        (plan2.as_str(), "plan")
    );

    // Activity: newest first, plans among the runs.
    let index: ActivityIndexDoc = doc(&s, "environments/prod/activity.json");
    let got: Vec<(&str, &str, &str)> = index
        .newest
        .activity
        .iter()
        .map(|a| (a.id.as_str(), a.kind.as_str(), a.status.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (run3.as_str(), "run", "complete"),
            (plan2.as_str(), "plan", "complete"),
            (run2.as_str(), "run", "failed"),
            (run1.as_str(), "run", "complete"),
            (plan1.as_str(), "plan", "complete"),
        ]
    );

    // The plans, with the interval they backfilled.
    let p1: PlanDoc = doc(&s, &store::plan_path("prod", plan1));
    assert_eq!(
        (p1.interval_start.as_deref(), p1.interval_end.as_deref()),
        (Some(day(1).as_str()), Some(day(5).as_str()))
    );
    assert_eq!(
        names(&p1.added),
        [
            "daily_revenue",
            "full_model",
            "incremental_model",
            "payments",
            "seed_model",
            "slow_model"
        ]
    );
    let p2: PlanDoc = doc(&s, &store::plan_path("prod", plan2));
    assert_eq!(p2.interval_end.as_deref(), Some(day(7).as_str()));

    let runs: Vec<StoredRunDoc> = [run1, run2, run3].iter().map(|id| run(&s, id)).collect();
    // Previous / next.
    let links: Vec<(Option<&str>, Option<&str>)> = runs
        .iter()
        .map(|r| {
            (
                r.run.previous_run_id.as_deref(),
                r.run.next_run_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        links,
        vec![
            (None, Some(run2.as_str())),
            (Some(run1.as_str()), Some(run3.as_str())),
            (Some(run2.as_str()), None)
        ]
    );

    // Run 1: plan 1's models as its changes; everything passes.
    let r1 = &runs[0];
    assert_eq!(r1.run.status, "complete");
    let c1 = &r1.run.changes_since_previous;
    assert_eq!(c1.len(), 1);
    assert_eq!(
        (c1[0].plan_id.as_deref(), c1[0].applied_at.as_deref()),
        (Some(plan1.as_str()), Some(plan_at(0).as_str()))
    );
    assert_eq!(c1[0].added, p1.added);
    assert_eq!(
        executions(r1),
        vec![
            exe("incremental_model", "complete", 5, 6),
            exe("full_model", "complete", 5, 6),
            exe("payments", "complete", 5, 6),
            exe("slow_model", "complete", 5, 6),
            exe("daily_revenue", "complete", 5, 6),
        ]
    );
    assert_eq!(
        audits(r1),
        vec![
            aud("not_null", "incremental_model", "complete", false, 0),
            aud(
                "assert_positive_order_ids",
                "full_model",
                "complete",
                true,
                0
            ),
        ]
    );
    for e in &r1.run.executions {
        assert!(e.start.is_some() && e.end.is_some() && e.duration_ms.is_some());
        assert_eq!(e.error, None);
    }

    // Run 2: the failures.
    let r2 = &runs[1];
    assert_eq!(r2.run.status, "failed");
    assert!(r2.run.changes_since_previous.is_empty());
    assert_eq!(
        executions(r2),
        vec![
            exe("incremental_model", "complete", 6, 7),
            exe("full_model", "failed", 6, 7),
            exe("payments", "failed", 6, 7),
            exe("slow_model", "complete", 6, 7),
            exe("daily_revenue", "skipped", 6, 7),
        ]
    );
    let error = |model: &str| {
        r2.run
            .executions
            .iter()
            .find(|e| e.model == m(model))
            .and_then(|e| e.error.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        error("full_model"),
        "Audits failed: assert_positive_order_ids\n'assert_positive_order_ids' audit error: 1 row failed"
    );
    let payments = error("payments");
    assert!(
        payments.starts_with(
            "ConversionException: Conversion Error: Could not convert string \"12,50\" to DECIMAL(10,2)"
        ),
        "{payments}"
    );
    assert_eq!(error("daily_revenue"), "an upstream model failed");
    // The failed execution's log: what SQLMesh logged while it ran it, then
    // the error.
    let pe = r2
        .run
        .executions
        .iter()
        .find(|e| e.model == m("payments"))
        .unwrap();
    let plog: LogDoc = doc(&s, &store::log_path(pe.log_id.as_deref().unwrap()));
    let first = &plog.lines[0].message;
    assert!(
        first.starts_with("Evaluating snapshot SnapshotId<")
            && first.contains("\"sqlmesh_example\".\"payments\""),
        "{first}"
    );
    assert!(plog
        .lines
        .iter()
        .any(|l| l.message.contains("Executing SQL:") && l.message.contains("CAST(")));
    let last = plog.lines.last().unwrap();
    assert_eq!(
        (last.level.as_str(), last.message.as_str()),
        ("ERROR", payments.as_str())
    );
    assert!(plog.lines[..plog.lines.len() - 1]
        .iter()
        .all(|l| l.level == "INFO"));
    let skipped = r2
        .run
        .executions
        .iter()
        .find(|e| e.model == m("daily_revenue"))
        .unwrap();
    assert_eq!(
        (skipped.start.as_deref(), skipped.end.as_deref()),
        (None, None)
    );
    assert_eq!(
        audits(r2),
        vec![
            aud("not_null", "incremental_model", "failed", false, 1),
            aud("assert_positive_order_ids", "full_model", "failed", true, 1),
        ]
    );
    // A failing audit's query and error are in its log.
    let blocking = &r2.run.audits[1];
    let alog: LogDoc = doc(&s, &store::log_path(blocking.log_id.as_deref().unwrap()));
    let text: Vec<&str> = alog.lines.iter().map(|l| l.message.as_str()).collect();
    assert!(text[0].starts_with("Audit query:\nSELECT"), "{text:?}");
    assert!(text[0].ends_with("WHERE\n  \"item_id\" < 0"), "{text:?}");
    assert_eq!(
        (alog.lines[1].level.as_str(), text[1]),
        (
            "ERROR",
            "'assert_positive_order_ids' audit error: 1 row failed"
        )
    );
    // The run's error names the failed models, in its log.
    let rlog: LogDoc = doc(&s, &store::log_path(r2.log_id.as_deref().unwrap()));
    assert_eq!(
        rlog.lines
            .iter()
            .map(|l| l.message.as_str())
            .collect::<Vec<_>>(),
        ["2 models failed: sqlmesh_example.full_model, sqlmesh_example.payments"]
    );

    // Run 3: plan 2's changes; the failed intervals of run 2 done again.
    let r3 = &runs[2];
    assert_eq!(r3.run.status, "complete");
    let c3 = &r3.run.changes_since_previous;
    assert_eq!(c3.len(), 1);
    assert_eq!(
        (c3[0].plan_id.as_deref(), c3[0].applied_at.as_deref()),
        (Some(plan2.as_str()), Some(plan_at(3).as_str()))
    );
    assert_eq!(names(&c3[0].added), ["item_summary"]);
    assert!(c3[0].removed.is_empty());
    assert_eq!(names(&c3[0].directly_modified), ["full_model", "payments"]);
    assert_eq!(names(&c3[0].indirectly_modified), ["daily_revenue"]);
    assert_eq!(
        executions(r3),
        vec![
            exe("incremental_model", "complete", 7, 8),
            exe("full_model", "complete", 6, 8),
            exe("payments", "complete", 6, 8),
            exe("slow_model", "complete", 7, 8),
            exe("daily_revenue", "complete", 6, 8),
            exe("item_summary", "complete", 7, 8),
        ]
    );

    // The models' metadata, as SQLMesh knows them.
    let model = |r: &StoredRunDoc, name: &str| {
        r.run
            .models
            .iter()
            .find(|x| x.name == m(name))
            .cloned()
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(r3.run.models.len(), 7);
    let inc = model(r1, "incremental_model");
    assert_eq!(inc.kind, "INCREMENTAL_BY_TIME_RANGE");
    assert_eq!(
        (
            inc.cron.as_deref(),
            inc.interval_unit.as_deref(),
            inc.dialect.as_deref()
        ),
        (Some("@daily"), Some("day"), Some("duckdb"))
    );
    assert_eq!(inc.upstream, [m("seed_model")]);
    let cols: Vec<(&str, &str)> = inc
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str()))
        .collect();
    assert_eq!(
        cols,
        [
            ("id", "INT"),
            ("item_id", "INT"),
            ("amount", "TEXT"),
            ("event_date", "DATE")
        ]
    );
    let def = inc.definition.unwrap();
    assert!(
        def.starts_with("MODEL (\n  name sqlmesh_example.incremental_model,"),
        "{def}"
    );
    assert!(def.contains("FROM sqlmesh_example.seed_model"), "{def}");
    assert_eq!(model(r1, "seed_model").kind, "SEED");
    assert_eq!(model(r1, "slow_model").kind, "FULL");
    assert_eq!(model(r1, "slow_model").upstream, [m("incremental_model")]);
    // Plan 2's change is in the definition the next run shows.
    assert!(model(r3, "payments")
        .definition
        .unwrap()
        .contains("TRY_CAST(amount AS DECIMAL(10, 2))"));
    assert!(model(r1, "payments")
        .definition
        .unwrap()
        .contains("CAST(amount AS DECIMAL(10, 2))"));
}

#[test]
fn every_document_decodes_and_a_second_ingest_changes_nothing() {
    let s = folded("decode");
    let snap = store_fs::snapshot(&s);
    let mut kinds = [0usize; 4];
    for (path, bytes) in &snap {
        let text = std::str::from_utf8(bytes).unwrap();
        if path == "environments.json" {
            decode::decode_environments(text).unwrap();
            kinds[0] += 1;
        } else if path.contains("/activity") {
            decode::decode_activity(text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
            kinds[1] += 1;
        } else if path.contains("/runs/") {
            let r = decode::decode_run(text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
            assert!(r.warnings.is_empty(), "{path}: {:?}", r.warnings);
            kinds[2] += 1;
        } else if path.starts_with("logs/") {
            decode::decode_log(text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
            kinds[3] += 1;
        } else {
            assert!(path.contains("/plans/"), "{path}");
        }
    }
    assert_eq!(
        kinds,
        [1, 2, 3, 18],
        "15 execution logs, 2 audit logs, a run log"
    );
    for (_, _, f) in files() {
        let out = ingest(&f, &s);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("nothing changed"), "{}: {text}", f.display());
    }
    assert!(store_fs::snapshot(&s) == snap, "byte for byte");
}

/// Feeds `lines` of a run's events to the store as one more call.
fn feed(store: &Path, dir: &Path, n: usize, lines: &[&str]) {
    let f = dir.join(format!("part{n}.jsonl"));
    std::fs::write(&f, lines.join("\n") + "\n").unwrap();
    ingest(&f, store);
}

#[test]
fn the_failing_run_fed_event_by_event_shows_its_progress_and_ends_as_fed_at_once() {
    let f = files();
    let reference = store_fs::snapshot(&folded("whole"));
    let s = scratch("by-event");
    let parts = scratch("by-event-parts");
    let mut n = 0;
    for (kind, id, path) in &f {
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        if kind != "run" || id != &f[2].1 {
            ingest(path, &s);
            continue;
        }
        // Run 2, one call per event: in progress until run_finished.
        for k in 1..=lines.len() {
            n += 1;
            feed(&s, &parts, n, &lines[k - 1..k]);
            let r = run(&s, id);
            let newest = lines[..k]
                .iter()
                .map(|l| {
                    serde_json::from_str::<Value>(l).unwrap()["at"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .max()
                .unwrap();
            let last: Value = serde_json::from_str(lines[k - 1]).unwrap();
            if last["type"] == "run_finished" {
                assert_eq!(r.run.status, "failed");
                assert!(r.run.end.is_some());
            } else {
                assert_eq!(r.run.status, "in_progress", "after {k} events");
                assert_eq!(r.run.end, None);
                assert_eq!(r.run.refreshed_at.as_deref(), Some(newest.as_str()));
                if k == 2 {
                    // run_started, executions_planned: all five pending.
                    let st: Vec<&str> =
                        r.run.executions.iter().map(|e| e.status.as_str()).collect();
                    assert_eq!(st, ["pending"; 5]);
                }
                if k == 3 {
                    assert_eq!(last["type"], "execution_started");
                    assert_eq!(r.run.executions[0].status, "in_progress");
                    assert_eq!(r.run.executions[1].status, "pending");
                }
            }
        }
    }
    let got = store_fs::snapshot(&s);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        reference.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &reference {
        assert!(got[path] == *bytes, "{path} differs");
    }
}

#[test]
fn the_store_the_recorder_kept_live_is_the_store_of_its_events() {
    // Set by scripts/test.sh: the store the recorder folded the events into
    // while SQLMesh ran (a call at the start, about one a second, one at
    // the end), against the same events folded afterwards, one call each.
    let Some(live) = std::env::var_os("RUNLENS_SQLMESH_LIVE_STORE").map(PathBuf::from) else {
        eprintln!("RUNLENS_SQLMESH_LIVE_STORE not set: skipped (scripts/test.sh sets it)");
        return;
    };
    let reference = store_fs::snapshot(&folded("live-ref"));
    let got: std::collections::BTreeMap<String, Vec<u8>> = store_fs::snapshot(&live)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".runlens-events/"))
        .collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        reference.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &reference {
        assert!(got[path] == *bytes, "{path} differs");
    }
}
