//! `runlens-ingest`: keeps a Run API store (a folder of static JSON, see
//! docs/api.md) up to date with runs as they happen.
//!
//!   runlens-ingest dbt <target-dir> --store <dir> [--log <dbt.log>]
//!                      [--environment NAME] [--kind prod|dev]
//!   runlens-ingest events <file|-> --store <dir>
//!   runlens-ingest bench [--runs 10,1000,10000] [--dir <scratch dir>]
//!
//! `dbt` appends one dbt invocation (manifest.json + run_results.json, and
//! catalog.json when present) as one run; the store's rules are the pure
//! `core::store::plan`, the file system is `store_fs`. `events` folds run
//! events (docs/events.md, `core::events`) through the same writer: each
//! run and plan in the file, one after the other, under the store's lock. `bench` prints the
//! milliseconds an ingest takes with 10, 1,000 and 10,000 runs already in
//! the store.

use runlens::core::store::{self, Submission};
use runlens::core::wire::{ExecutionDto, ModelDto, RunDoc, StoredRunDoc};
use runlens::core::{dbt, events};
use runlens::store_fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  runlens-ingest dbt <target-dir> --store <dir> [--log <dbt.log>] [--environment NAME] [--kind prod|dev]
  runlens-ingest events <file|-> --store <dir>
  runlens-ingest bench [--runs 10,1000,10000] [--dir <scratch dir>]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dbt") => ingest_dbt(&args[1..]),
        Some("events") => ingest_events(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e == PARTLY => ExitCode::from(2),
        Err(e) => {
            eprintln!("runlens-ingest: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--name value` options and positional arguments.
struct Args {
    positional: Vec<String>,
    options: Vec<(String, String)>,
}

fn parse_args(args: &[String], known: &[&str]) -> Result<Args, String> {
    let mut out = Args {
        positional: Vec::new(),
        options: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => (
                    name.to_string(),
                    it.next()
                        .cloned()
                        .ok_or_else(|| format!("--{name} needs a value\n{USAGE}"))?,
                ),
            };
            if !known.contains(&name.as_str()) {
                return Err(format!("unknown option --{name}\n{USAGE}"));
            }
            out.options.push((name, value));
        } else {
            out.positional.push(a.clone());
        }
    }
    Ok(out)
}

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn read_file(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn ingest_dbt(args: &[String]) -> Result<(), String> {
    let a = parse_args(args, &["store", "log", "environment", "kind"])?;
    let [target] = a.positional.as_slice() else {
        return Err(format!("dbt needs one <target-dir>\n{USAGE}"));
    };
    let store_dir = a
        .get("store")
        .ok_or_else(|| format!("dbt needs --store <dir>\n{USAGE}"))?;
    let target = Path::new(target);
    let manifest = read_file(&target.join("manifest.json"))?;
    let results = read_file(&target.join("run_results.json"))?;
    let catalog_path = target.join("catalog.json");
    let catalog = catalog_path
        .exists()
        .then(|| read_file(&catalog_path))
        .transpose()?;
    let in_target = |e: String| format!("{}/{e}", target.display());
    let mut d = dbt::read(&manifest, &results, catalog.as_deref()).map_err(in_target)?;
    if let Some(r) = d.refusals.first() {
        return Err(in_target(r.clone()));
    }
    if let Some(log) = a.get("log") {
        let text = read_file(Path::new(log))?;
        dbt::attach_log(&mut d, log, &text)?;
    }
    let environment = dbt::environment_for(&d, a.get("environment"));
    let kind = a
        .get("kind")
        .map(String::from)
        .unwrap_or_else(|| store::default_kind(&environment).to_string());
    let sub = dbt::submission(&d, &environment, &kind);
    let written = store_fs::ingest(Path::new(store_dir), sub)?;
    let r = &d.run;
    println!(
        "{} run {} ({}, {} executions, {} tests) {}",
        environment,
        r.id,
        r.status.key(),
        r.executions.len(),
        r.audits.len(),
        if written.is_empty() {
            format!("was already in {store_dir}: nothing changed")
        } else {
            format!("-> {store_dir}: {} files written", written.len())
        }
    );
    Ok(())
}

/// The error of a call that folded what it could but skipped some lines.
const PARTLY: &str = "\u{0}partly";

fn ingest_events(args: &[String]) -> Result<(), String> {
    let a = parse_args(args, &["store"])?;
    let [source] = a.positional.as_slice() else {
        return Err(format!(
            "events needs one <file> (or - for standard input)\n{USAGE}"
        ));
    };
    let store_dir = a
        .get("store")
        .ok_or_else(|| format!("events needs --store <dir>\n{USAGE}"))?;
    let text = if source == "-" {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
            .map_err(|e| format!("standard input: {e}"))?;
        t
    } else {
        read_file(Path::new(source))?
    };
    let parsed = events::parse(&text);
    for e in &parsed.errors {
        eprintln!("runlens-ingest: {source}: {e} (skipped)");
    }
    let mut failed = 0;
    for unit in &parsed.units {
        match store_fs::under_lock(Path::new(store_dir), None, |store| {
            events::writes(store, unit)
        }) {
            Ok(written) => println!(
                "{} {}: {}",
                match unit {
                    events::Unit::Run { .. } => "run",
                    events::Unit::Plan(_) => "plan",
                },
                unit.id(),
                if written.is_empty() {
                    "nothing changed".to_string()
                } else {
                    format!("{} files written", written.len())
                }
            ),
            Err(e) => {
                failed += 1;
                eprintln!("runlens-ingest: {source}: {}: {e}", unit.id());
            }
        }
    }
    if parsed.errors.is_empty() && failed == 0 {
        Ok(())
    } else {
        Err(PARTLY.into())
    }
}

/// A synthetic hourly run `i` of a 12-model project, with fingerprints.
fn synthetic(i: usize) -> Submission {
    let start = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
        .expect("literal")
        .to_utc()
        + chrono::Duration::hours(i as i64);
    let t = |s: i64| runlens::core::encode::time(start + chrono::Duration::seconds(s));
    let names: Vec<String> = (0..12).map(|m| format!("model_{m:02}")).collect();
    let run = RunDoc {
        id: format!("{:032x}", 0x5eed_0000_0000_u64 + i as u64),
        environment: "bench".into(),
        status: if i % 50 == 7 { "failed" } else { "complete" }.into(),
        refreshed_at: Some(t(120)),
        start: t(0),
        end: Some(t(120)),
        executions: names
            .iter()
            .enumerate()
            .map(|(m, n)| ExecutionDto {
                model: n.clone(),
                status: "complete".into(),
                start: Some(t(m as i64 * 10)),
                end: Some(t(m as i64 * 10 + 9)),
                duration_ms: Some(9000),
                ..Default::default()
            })
            .collect(),
        models: names
            .iter()
            .enumerate()
            .map(|(m, n)| ModelDto {
                name: n.clone(),
                kind: "table".into(),
                upstream: if m == 0 {
                    vec![]
                } else {
                    vec![names[m - 1].clone()]
                },
                definition: Some(format!("select * from {}", names[m.saturating_sub(1)])),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    Submission {
        run: StoredRunDoc {
            // A model changes every 24 runs.
            fingerprints: names
                .iter()
                .enumerate()
                .map(|(m, n)| (n.clone(), format!("{:016x}", (i / 24 + m) % 5)))
                .collect(),
            run,
            log_id: None,
        },
        logs: Vec::new(),
        environment_kind: "prod".into(),
        model_count: 12,
        cost: None,
    }
}

fn bench(args: &[String]) -> Result<(), String> {
    let a = parse_args(args, &["runs", "dir"])?;
    let checkpoints: Vec<usize> = a
        .get("runs")
        .unwrap_or("10,1000,10000")
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| format!("--runs: {s:?} is not a number"))
        })
        .collect::<Result<_, _>>()?;
    let dir: PathBuf = a.get("dir").map(PathBuf::from).unwrap_or_else(|| {
        std::env::temp_dir().join(format!("runlens-ingest-bench-{}", std::process::id()))
    });
    if dir.exists() {
        return Err(format!("{}: exists; give an empty --dir", dir.display()));
    }
    const MEASURED: usize = 20;
    println!(
        "ingest of one run (12 models), ms, mean of {MEASURED} ingests, into {}",
        dir.display()
    );
    let mut n = 0;
    let result = (|| {
        for &c in &checkpoints {
            while n < c {
                store_fs::ingest(&dir, synthetic(n))?;
                n += 1;
            }
            let t0 = Instant::now();
            for _ in 0..MEASURED {
                store_fs::ingest(&dir, synthetic(n))?;
                n += 1;
            }
            let ms = t0.elapsed().as_secs_f64() * 1000.0 / MEASURED as f64;
            let index = std::fs::metadata(dir.join(store::activity_path("bench")))
                .map(|m| m.len())
                .unwrap_or(0);
            println!(
                "{c:>6} runs in the store: {ms:6.2} ms per ingest (activity.json {:.1} KB)",
                index as f64 / 1024.0
            );
        }
        Ok::<(), String>(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
