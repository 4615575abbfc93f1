//! The committed demo snapshot (public/api) is exactly what the generator
//! writes, every file decodes into domain types, and it shows what the demo
//! promises: a believable project with failures, skips, plans and audits.

use runlens::core::changes::summarize;
use runlens::core::decode::{
    decode_activity, decode_environments, decode_log, decode_run, decode_run_whole, RunReader,
};
use runlens::core::model::{ActivityKind, LogLevel, Run, Status};
use runlens::core::overview::{diff, freshness};
use runlens::demo::{demo_files, marker_file, scale_files};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn snapshot() -> BTreeMap<String, String> {
    demo_files()
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

fn runs(files: &BTreeMap<String, String>, env: &str) -> Vec<Run> {
    let mut runs: Vec<Run> = files
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("environments/{env}/runs/")))
        .map(|(p, t)| decode_run(t).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    runs.sort_by_key(|r| r.start);
    runs
}

#[test]
fn committed_snapshot_matches_the_generator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("public/api");
    let files = snapshot();
    for (path, contents) in &files {
        let on_disk = std::fs::read_to_string(root.join(path))
            .unwrap_or_else(|_| panic!("{path} is missing: run `cargo run --bin runlens-gen`"));
        assert!(
            &on_disk == contents,
            "{path} differs from the generator: run `cargo run --bin runlens-gen`"
        );
    }
    // runlens-gen marks the store it wrote (it only ever replaces a marked folder).
    let marker = marker_file();
    assert_eq!(
        std::fs::read_to_string(root.join(&marker.path)).ok(),
        Some(marker.contents),
        "public/api has no {} marker: run `cargo run --bin runlens-gen`",
        marker.path
    );
    let mut on_disk = 0;
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                on_disk += 1;
            }
        }
    }
    assert_eq!(
        on_disk,
        files.len() + 1,
        "public/api holds files the generator does not write"
    );
    // Deterministic: a second generation is identical.
    assert_eq!(snapshot(), files);
}

#[test]
fn every_demo_file_decodes_without_warnings() {
    let files = snapshot();
    let envs = decode_environments(&files["environments.json"]).expect("environments");
    assert_eq!(
        envs.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["prod", "dev"]
    );
    for (path, text) in &files {
        if path.starts_with("logs/") {
            let log = decode_log(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(!log.lines.is_empty(), "{path} is empty");
            assert!(
                log.lines.iter().all(|l| l.at.is_some()),
                "{path} has a line without time"
            );
        } else if path.ends_with("activity.json") {
            let a = decode_activity(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(a.warnings.is_empty(), "{path}: {:?}", a.warnings);
            // Every run in the activity has its run document.
            for r in a.activity.iter().filter(|r| r.kind == ActivityKind::Run) {
                let run_path = format!("environments/{}/runs/{}.json", a.environment, r.id);
                assert!(files.contains_key(&run_path), "missing {run_path}");
            }
        } else if path.contains("/runs/") {
            let run = decode_run(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(run.warnings.is_empty(), "{path}: {:?}", run.warnings);
            for ex in run.executions.iter().chain(std::iter::empty()) {
                if let Some(l) = &ex.log_id {
                    assert!(
                        files.contains_key(&format!("logs/{l}.json")),
                        "{path}: log {l} missing"
                    );
                }
            }
            for a in &run.audits {
                if let Some(l) = &a.log_id {
                    assert!(
                        files.contains_key(&format!("logs/{l}.json")),
                        "{path}: audit log {l} missing"
                    );
                }
            }
        }
    }
}

#[test]
fn demo_project_has_what_the_demo_promises() {
    let files = snapshot();
    let prod = runs(&files, "prod");
    let dev = runs(&files, "dev");
    assert!(
        prod.len() + dev.len() >= 20,
        "{} runs",
        prod.len() + dev.len()
    );
    assert_eq!(prod.len(), 24);
    assert_eq!(dev.len(), 5);

    // At least 40 models in 5 layers, with SQL and columns.
    let latest = prod.last().expect("runs");
    let layers: BTreeSet<&str> = latest
        .models
        .iter()
        .filter_map(|m| m.name.split('.').next())
        .collect();
    assert_eq!(
        layers.into_iter().collect::<Vec<_>>(),
        ["intermediate", "marts", "raw", "reporting", "staging"]
    );
    assert!(latest.models.len() >= 40, "{} models", latest.models.len());
    assert!(latest
        .models
        .iter()
        .all(|m| m.definition.is_some() && !m.columns.is_empty()));

    // Previous/next links form one chain per environment, oldest to newest.
    for rs in [&prod, &dev] {
        for w in rs.windows(2) {
            assert_eq!(w[0].next_run_id.as_ref(), Some(&w[1].id));
            assert_eq!(w[1].previous_run_id.as_ref(), Some(&w[0].id));
        }
        assert_eq!(rs[0].previous_run_id, None);
        assert_eq!(rs.last().expect("runs").next_run_id, None);
    }

    // The newest prod run is in progress: no end, executions running and pending.
    assert_eq!(latest.status, Status::InProgress);
    assert_eq!(latest.end, None);
    assert!(latest
        .executions
        .iter()
        .any(|e| e.status == Status::InProgress));
    assert!(latest
        .executions
        .iter()
        .any(|e| e.status == Status::Pending));

    // Failed runs: an error message, a multi-line log with levels, skipped downstream.
    let failed: Vec<&Run> = prod
        .iter()
        .chain(&dev)
        .filter(|r| r.status == Status::Failed)
        .collect();
    assert_eq!(failed.len(), 7);
    for r in &failed {
        let f = r
            .executions
            .iter()
            .find(|e| e.status == Status::Failed)
            .expect("a failed execution");
        assert!(f.error.as_deref().is_some_and(|e| !e.is_empty()));
        let log = decode_log(
            &files[&format!(
                "logs/{}.json",
                f.log_id.as_ref().expect("failed executions keep logs")
            )],
        )
        .expect("log");
        assert!(log.lines.len() >= 3);
        let levels: BTreeSet<LogLevel> = log.lines.iter().map(|l| l.level).collect();
        assert!(
            levels.contains(&LogLevel::Error) && levels.len() >= 2,
            "{levels:?}"
        );
    }
    assert!(
        failed
            .iter()
            .filter(|r| r.executions.iter().any(|e| e.status == Status::Skipped))
            .count()
            >= 3
    );
    assert!(prod.iter().any(|r| r
        .executions
        .iter()
        .any(|e| e.status == Status::NotScheduled)));

    // Plans applied since the previous run, with every kind of change somewhere.
    let with_plans: Vec<&Run> = prod
        .iter()
        .chain(&dev)
        .filter(|r| !r.changes.is_empty())
        .collect();
    assert!(with_plans.len() >= 4, "{}", with_plans.len());
    let all = with_plans
        .iter()
        .map(|r| summarize(&r.changes))
        .fold([0usize; 4], |acc, s| {
            [
                acc[0] + s.added.len(),
                acc[1] + s.removed.len(),
                acc[2] + s.directly_modified.len(),
                acc[3] + s.indirectly_modified.len(),
            ]
        });
    assert!(all.iter().all(|n| *n > 0), "{all:?}");

    // A log long enough to need the search: thousands of lines, all levels.
    let longest = files
        .iter()
        .filter(|(p, _)| p.starts_with("logs/"))
        .map(|(_, t)| decode_log(t).expect("log"))
        .max_by_key(|l| l.lines.len())
        .expect("logs");
    assert!(longest.lines.len() >= 5_000, "{}", longest.lines.len());
    let levels: BTreeSet<LogLevel> = longest.lines.iter().map(|l| l.level).collect();
    assert_eq!(levels.len(), 4);

    // Audits: blocking and non-blocking, some failing with failing rows.
    let audits: Vec<_> = prod.iter().flat_map(|r| r.audits.iter()).collect();
    assert!(audits
        .iter()
        .any(|a| a.blocking && a.status == Status::Failed && a.failing_rows.unwrap_or(0) > 0));
    assert!(audits
        .iter()
        .any(|a| !a.blocking && a.status == Status::Failed && a.failing_rows.unwrap_or(0) > 0));
}

#[test]
fn scale_project_has_the_requested_size_and_decodes() {
    let files = scale_files(500, 5000, 0, 42);
    let run_file = files
        .iter()
        .find(|f| f.path.contains("/runs/"))
        .expect("a run");
    let run = decode_run(&run_file.contents).expect("decodes");
    assert_eq!(run.executions.len(), 5000);
    assert_eq!(run.models.len(), 500);
    assert!(run.warnings.is_empty());
    // Every upstream reference names a model of the project.
    let names: BTreeSet<&str> = run.models.iter().map(|m| m.name.as_str()).collect();
    assert!(run
        .models
        .iter()
        .flat_map(|m| &m.upstream)
        .all(|u| names.contains(u.as_str())));
    assert_eq!(scale_files(500, 5000, 0, 42), files);
    // With a long log: attached to the first failed execution.
    let files = scale_files(100, 100, 50_000, 42);
    let log = files
        .iter()
        .find(|f| f.path == "logs/scale-long.json")
        .expect("long log");
    assert_eq!(
        decode_log(&log.contents).expect("decodes").lines.len(),
        50_000
    );
    let run = decode_run(
        &files
            .iter()
            .find(|f| f.path.contains("/runs/"))
            .expect("run")
            .contents,
    )
    .expect("run");
    let with_log: Vec<_> = run
        .executions
        .iter()
        .filter(|e| e.log_id.as_deref() == Some("scale-long"))
        .collect();
    assert_eq!(with_log.len(), 1);
}

#[test]
fn dev_differs_from_prod_in_all_four_ways_and_prod_has_every_freshness_state() {
    let files = snapshot();
    let (prod, dev) = (runs(&files, "prod"), runs(&files, "dev"));
    let d = diff(
        dev.last().expect("dev runs"),
        prod.last().expect("prod runs"),
    );
    assert_eq!(d.added, vec!["reporting.rpt_churn_risk"]);
    assert_eq!(d.removed, vec!["reporting.rpt_weekly_cohorts"]);
    assert_eq!(d.directly_modified, vec!["marts.dim_customers"]);
    assert_eq!(
        d.indirectly_modified,
        vec!["reporting.rpt_customer_ltv", "reporting.rpt_exec_summary"]
    );
    let latest = prod.last().expect("prod runs");
    let f = freshness(latest, latest.refreshed_at.expect("refreshed"));
    assert_eq!(
        (f.behind.len(), f.pending.len(), f.complete.len()),
        (1, 14, 23)
    );
    assert_eq!(f.behind, vec!["reporting.rpt_stock_outs"]);
}

#[test]
fn every_demo_run_read_a_few_rows_at_a_time_is_its_typed_read() {
    let files = snapshot();
    let mut read = 0;
    for (path, text) in files.iter().filter(|(p, _)| p.contains("/runs/")) {
        let whole = decode_run_whole(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for rows in [1, 50] {
            let mut reader = RunReader::new(text);
            while !reader.step(rows).unwrap_or_else(|e| panic!("{path}: {e}")) {}
            assert_eq!(
                reader.finish().unwrap(),
                whole,
                "{path}, {rows} rows a step"
            );
        }
        read += 1;
    }
    assert!(read >= 10, "{read} demo runs");
}
