//! `runlens-ingest dbt` over three real dbt builds of tests/dbt/history
//! (artifacts and JSON log made by tests/dbt/history/build.sh with dbt 1.10
//! on DuckDB; `RUNLENS_HISTORY_FIXTURES` points at a fresh set, which
//! scripts/test.sh builds): the store on exact values, replay in any order,
//! idempotence, bad input, interrupted and concurrent ingests.

use runlens::core::dbt;
use runlens::core::store;
use runlens::core::wire::{ActivityDoc, ActivityIndexDoc, EnvironmentsDoc, LogDoc, StoredRunDoc};
use runlens::store_fs;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    std::env::var_os("RUNLENS_HISTORY_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dbt/history/fixtures"))
}

fn build(n: usize) -> PathBuf {
    fixtures().join(format!("build{n}"))
}

fn log() -> PathBuf {
    fixtures().join("dbt.log")
}

/// A fresh empty folder under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ingest-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ingest_args(target: &Path, store: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runlens-ingest"))
        .arg("dbt")
        .arg(target)
        .arg("--store")
        .arg(store)
        .args(extra)
        .output()
        .expect("runs")
}

fn ingest(n: usize, store: &Path) -> Output {
    let out = ingest_args(&build(n), store, &["--log", log().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "build {n}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn run_id(n: usize) -> String {
    let text = std::fs::read_to_string(build(n).join("run_results.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["metadata"]["invocation_id"]
        .as_str()
        .unwrap()
        .replace('-', "")
}

fn doc<T: serde::de::DeserializeOwned>(store: &Path, rel: &str) -> T {
    let text = std::fs::read_to_string(store.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn run(store: &Path, n: usize) -> StoredRunDoc {
    doc(store, &store::run_path("nightly", &run_id(n)))
}

fn in_order(name: &str) -> PathBuf {
    let s = scratch(name);
    for n in 1..=3 {
        ingest(n, &s);
    }
    s
}

fn names(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn three_builds_make_a_history() {
    let s = in_order("history");
    let ids: Vec<String> = (1..=3).map(run_id).collect();

    // The environment: named after the target in dbt's query comments.
    let envs: EnvironmentsDoc = doc(&s, "environments.json");
    assert_eq!(envs.environments.len(), 1);
    let e = &envs.environments[0];
    assert_eq!((e.name.as_str(), e.kind.as_str()), ("nightly", "dev"));
    assert_eq!(e.model_count, 8, "6 models and 2 seeds in build 3");
    let last = e.last_run.as_ref().unwrap();
    assert_eq!(
        (last.id.as_str(), last.status.as_str()),
        (ids[2].as_str(), "failed")
    );

    // Activity: newest first, one month page holding the same three runs.
    let index: ActivityIndexDoc = doc(&s, "environments/nightly/activity.json");
    let got: Vec<(&str, &str)> = index
        .newest
        .activity
        .iter()
        .map(|a| (a.id.as_str(), a.status.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ids[2].as_str(), "failed"),
            (ids[1].as_str(), "complete"),
            (ids[0].as_str(), "complete")
        ]
    );
    let month = &index.newest.activity[0].start[..7];
    assert_eq!(index.months.len(), 1);
    assert_eq!(
        (index.months[0].month.as_str(), index.months[0].count),
        (month, 3)
    );
    let page: ActivityDoc = doc(&s, &store::month_path("nightly", month));
    assert_eq!(page.activity, index.newest.activity);

    // Previous / next.
    let runs: Vec<StoredRunDoc> = (1..=3).map(|n| run(&s, n)).collect();
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
            (None, Some(ids[1].as_str())),
            (Some(ids[0].as_str()), Some(ids[2].as_str())),
            (Some(ids[1].as_str()), None)
        ]
    );

    // Changes, computed from the manifests' fingerprints.
    assert!(runs[0].run.changes_since_previous.is_empty());
    let c2 = &runs[1].run.changes_since_previous;
    assert_eq!(c2.len(), 1);
    assert_eq!(names(&c2[0].added), ["rpt_country_revenue"]);
    assert!(c2[0].removed.is_empty());
    assert_eq!(names(&c2[0].directly_modified), ["stg_orders"]);
    assert_eq!(
        names(&c2[0].indirectly_modified),
        ["fct_orders", "rpt_daily_revenue"]
    );
    assert_eq!(
        (c2[0].plan_id.as_deref(), c2[0].applied_at.as_deref()),
        (None, None)
    );
    let c3 = &runs[2].run.changes_since_previous;
    assert_eq!(names(&c3[0].directly_modified), ["fct_orders"]);
    assert_eq!(
        names(&c3[0].indirectly_modified),
        ["rpt_country_revenue", "rpt_daily_revenue"]
    );
    assert!(c3[0].added.is_empty() && c3[0].removed.is_empty());

    // Build 3: the failure, what it skipped, the failing test.
    let r3 = &runs[2].run;
    assert_eq!(r3.status, "failed");
    let status = |m: &str| {
        r3.executions
            .iter()
            .find(|e| e.model == m)
            .map(|e| e.status.as_str())
            .unwrap_or("absent")
    };
    assert_eq!(status("fct_orders"), "failed");
    assert_eq!(status("rpt_daily_revenue"), "skipped");
    assert_eq!(status("rpt_country_revenue"), "skipped");
    assert_eq!(status("stg_orders"), "complete");
    let fct = r3
        .executions
        .iter()
        .find(|e| e.model == "fct_orders")
        .unwrap();
    let error = fct.error.as_deref().unwrap();
    assert!(error.contains("discount"), "{error}");
    let audits: BTreeMap<&str, &str> = r3
        .audits
        .iter()
        .map(|a| (a.name.as_str(), a.status.as_str()))
        .collect();
    assert_eq!(audits["unique_dim_customers_country"], "failed");
    assert_eq!(audits["unique_fct_orders_order_id"], "skipped");
    assert_eq!(audits["not_null_fct_orders_order_id"], "skipped");
    assert_eq!(audits["unique_stg_orders_order_id"], "complete");

    // The failing model's own log lines, from dbt.log.
    let log_id = fct.log_id.clone().unwrap();
    assert_eq!(log_id, format!("{}-model.history.fct_orders", ids[2]));
    let flog: LogDoc = doc(&s, &store::log_path(&log_id));
    assert_eq!(flog.note, None);
    let msgs: Vec<&str> = flog.lines.iter().map(|l| l.message.as_str()).collect();
    // Exactly the events of build 3 that name fct_orders, in order.
    let events: Vec<serde_json::Value> = std::fs::read_to_string(log())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| {
            v["info"]["invocation_id"]
                .as_str()
                .unwrap()
                .replace('-', "")
                == ids[2]
                && v["data"]["node_info"]["unique_id"] == "model.history.fct_orders"
        })
        .collect();
    assert_eq!(flog.lines.len(), events.len());
    assert_eq!(
        flog.lines
            .iter()
            .map(|l| l.at.clone().unwrap())
            .collect::<Vec<_>>(),
        events
            .iter()
            .map(|e| e["info"]["ts"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(msgs[0], "Began running node model.history.fct_orders");
    assert!(msgs.contains(&"Finished running node model.history.fct_orders"));
    assert!(msgs.contains(&"Failure in model fct_orders (models/marts/fct_orders.sql)"));
    let err_line = flog
        .lines
        .iter()
        .find(|l| {
            l.message
                .contains("ERROR creating sql table model main.fct_orders")
        })
        .expect("the result line");
    assert_eq!(err_line.level, "ERROR");
    assert!(!err_line.message.contains('\u{1b}'), "colours stripped");
    assert!(
        msgs.iter().any(|m| m.contains("discount")),
        "the database error"
    );
    assert!(
        !msgs
            .iter()
            .any(|m| m.contains("Began running node") && !m.ends_with("fct_orders")),
        "only its own lines"
    );
    // And the whole invocation's log on the run: every line of build 3.
    assert_eq!(runs[2].log_id.as_deref(), Some(ids[2].as_str()));
    let whole: LogDoc = doc(&s, &store::log_path(&ids[2]));
    let inv = std::fs::read_to_string(log())
        .unwrap()
        .lines()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["info"]["invocation_id"]
                .as_str()
                .unwrap()
                .replace('-', "")
                == ids[2]
        })
        .count();
    assert_eq!(whole.lines.len(), inv);
    assert!(inv > 100);
}

#[test]
fn any_order_gives_the_same_store_and_a_second_ingest_changes_nothing() {
    let reference = store_fs::snapshot(&in_order("order-123"));
    for order in [[3, 1, 2], [2, 3, 1], [3, 2, 1]] {
        let s = scratch(&format!("order-{order:?}"));
        for n in order {
            ingest(n, &s);
        }
        let got = store_fs::snapshot(&s);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            reference.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &reference {
            assert!(got[path] == *bytes, "{order:?}: {path} differs");
        }
    }
    let s = in_order("again");
    let before = store_fs::snapshot(&s);
    let out = ingest(2, &s);
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing changed"));
    assert!(store_fs::snapshot(&s) == before, "byte for byte");
}

/// Copies build `n` into a scratch target folder to spoil it.
fn spoiled(name: &str, n: usize, spoil: impl Fn(&Path)) -> PathBuf {
    let t = scratch(name);
    for f in ["manifest.json", "run_results.json"] {
        std::fs::copy(build(n).join(f), t.join(f)).unwrap();
    }
    spoil(&t);
    t
}

#[test]
fn bad_input_is_refused_and_leaves_the_store_as_it_was() {
    let s = scratch("bad-store");
    ingest(1, &s);
    let before = store_fs::snapshot(&s);
    let results = |t: &Path| t.join("run_results.json");
    let cases: Vec<(&str, PathBuf, Vec<&str>)> = vec![
        (
            "truncated",
            spoiled("bad-truncated", 2, |t| {
                let text = std::fs::read_to_string(results(t)).unwrap();
                std::fs::write(results(t), &text[..text.len() / 2]).unwrap();
            }),
            vec!["run_results.json", "not valid JSON"],
        ),
        (
            "another invocation",
            spoiled("bad-mixed", 2, |t| {
                std::fs::copy(build(1).join("manifest.json"), t.join("manifest.json")).unwrap();
            }),
            vec![
                "run_results.json",
                "metadata.invocation_id",
                "different dbt invocations",
            ],
        ),
        (
            "schema version",
            spoiled("bad-version", 2, |t| {
                let text = std::fs::read_to_string(results(t)).unwrap();
                std::fs::write(
                    results(t),
                    text.replace("run-results/v6.json", "run-results/v3.json"),
                )
                .unwrap();
            }),
            vec![
                "run_results.json",
                "metadata.dbt_schema_version",
                "v4 to v6",
            ],
        ),
        (
            "no run_results",
            spoiled("bad-missing", 2, |t| {
                std::fs::remove_file(results(t)).unwrap()
            }),
            vec!["run_results.json"],
        ),
    ];
    for (what, target, expected) in cases {
        let out = ingest_args(&target, &s, &["--log", log().to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}: exit code");
        for e in expected {
            assert!(err.contains(e), "{what}: {err:?} lacks {e:?}");
        }
        assert!(store_fs::snapshot(&s) == before, "{what}: store untouched");
    }
    // A log without a line of this invocation names the log file.
    let other = scratch("bad-log").join("dbt.log");
    std::fs::write(
        &other,
        "{\"info\":{\"invocation_id\":\"x\",\"msg\":\"m\"}}\n",
    )
    .unwrap();
    let out = ingest_args(&build(2), &s, &["--log", other.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dbt.log: no line of invocation"), "{err}");
    assert!(store_fs::snapshot(&s) == before);
}

/// What `runlens-ingest dbt` submits for build `n`.
fn submission(n: usize) -> store::Submission {
    let read = |f: &str| std::fs::read_to_string(build(n).join(f)).unwrap();
    let mut d = dbt::read(&read("manifest.json"), &read("run_results.json"), None).unwrap();
    dbt::attach_log(&mut d, "dbt.log", &std::fs::read_to_string(log()).unwrap()).unwrap();
    let env = dbt::environment_for(&d, None);
    dbt::submission(&d, &env, "dev")
}

#[test]
fn an_interrupted_ingest_leaves_a_readable_store_and_the_next_one_completes_it() {
    let reference = store_fs::snapshot(&in_order("crash-ref"));
    let files = {
        let s = scratch("crash-count");
        ingest(1, &s);
        ingest(3, &s);
        store::plan(&store_fs::DirStore { root: s }, submission(2))
            .unwrap()
            .len()
    };
    assert!(files > 5, "{files} files");
    for k in 0..files {
        let s = scratch("crash");
        ingest(1, &s);
        ingest(3, &s);
        assert!(store_fs::ingest_with(&s, submission(2), Some(k)).is_err());
        for (path, bytes) in store_fs::snapshot(&s) {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("after {k} files, {path}: {e}"));
        }
        // Every run the activity lists exists.
        let index: ActivityIndexDoc = doc(&s, "environments/nightly/activity.json");
        for a in &index.newest.activity {
            assert!(s.join(store::run_path("nightly", &a.id)).exists());
        }
        ingest(2, &s);
        assert!(store_fs::snapshot(&s) == reference, "after a stop at {k}");
    }
}

#[test]
fn concurrent_ingests_are_serialised() {
    let reference = store_fs::snapshot(&in_order("concurrent-ref"));
    for _ in 0..3 {
        let s = scratch("concurrent");
        let handles: Vec<_> = (1..=3)
            .map(|n| {
                let s = s.clone();
                std::thread::spawn(move || ingest(n, &s))
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!(store_fs::snapshot(&s) == reference);
    }
}
