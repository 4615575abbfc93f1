//! A mutation fuzzer for every decoder, on the stable toolchain.
//!
//! Seeds: the demo snapshot (`public/api`), the sagerx dbt artifacts
//! (`../shared/dbt`) and the test dbt project's (`tests/dbt/shop/target`),
//! when present, plus small built-in dbt artifacts, and run events (the
//! example in docs/events.md, `tests/sqlmesh/fixtures/**/*.jsonl`). Each case takes a seed,
//! applies one to four mutations (byte flips, truncation, type swaps,
//! nulled or removed fields, huge numbers, odd times and strings, deep
//! nesting, splices from other seeds) and runs the decoder of that document
//! (`core::decode` for Run API documents and logs, `core::dbt::read` for
//! manifest / run_results / catalog, `core::events` folding into an
//! in-memory store) and the lineage of any run it yields,
//! under `catch_unwind`. A panic is a finding: counted, printed, and the
//! input written to `--out`.
//!
//! Large seeds are also used trimmed (every list cut to a few elements), so
//! most cases are small and fast; the whole documents still come up.
//!
//! ```text
//! cargo run --profile fuzz --bin runlens-fuzz -- --cases 1000000 [--seed 1] [--out target/fuzz-findings]
//! ```
//! Exit status 1 when anything panicked.

use runlens::core::{dbt, decode, events, lineage::Lineage};
use serde_json::{Map, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// splitmix64: tiny, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.next().is_multiple_of(one_in)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Environments,
    Activity,
    Run,
    Log,
    Manifest,
    RunResults,
    Catalog,
    Events,
}

struct Seed {
    kind: Kind,
    name: String,
    text: String,
    value: Option<Value>,
}

const MANIFEST: &str = r#"{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json","invocation_id":"4b8e5a1c-0000-4000-8000-0123456789ab"},
  "nodes":{
    "seed.p.raw":{"resource_type":"seed","name":"raw","config":{"materialized":"seed"},"depends_on":{"nodes":[]},"columns":{}},
    "model.p.stg":{"resource_type":"model","name":"stg","config":{"materialized":"view","meta":{"owner":"ana"},"tags":["staging"]},"depends_on":{"nodes":["seed.p.raw"]},
       "compiled_code":"select * from raw","columns":{"id":{"name":"id","data_type":"int","description":"Key"}}},
    "model.p.fct":{"resource_type":"model","name":"fct","config":{"materialized":"table"},"depends_on":{"nodes":["model.p.stg","source.p.shop.c"]},"raw_code":"select 1"},
    "test.p.u.1":{"resource_type":"test","name":"unique_stg_id","attached_node":"model.p.stg","config":{"severity":"ERROR"},"depends_on":{"nodes":["model.p.stg"]}}},
  "sources":{"source.p.shop.c":{"resource_type":"source","name":"c","source_name":"shop","columns":{}}}}"#;

const RESULTS: &str = r#"{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/run-results/v6.json","dbt_version":"1.10.3","generated_at":"2026-11-20T10:00:10Z","invocation_id":"4b8e5a1c-0000-4000-8000-0123456789ab"},
  "elapsed_time":10.0,"args":{"target":"dev","which":"build"},
  "results":[
    {"unique_id":"seed.p.raw","status":"success","timing":[{"name":"execute","started_at":"2026-11-20T10:00:01Z","completed_at":"2026-11-20T10:00:02Z"}],"execution_time":1.0,"adapter_response":{"rows_affected":3}},
    {"unique_id":"model.p.stg","status":"error","timing":[],"message":"Runtime Error","failures":null},
    {"unique_id":"test.p.u.1","status":"fail","timing":[],"failures":2,"message":"Got 2 results"}]}"#;

const CATALOG: &str =
    r#"{"nodes":{"model.p.stg":{"columns":{"ID":{"type":"BIGINT","comment":null}}}},"sources":{}}"#;

fn kind_of(rel: &str) -> Option<Kind> {
    let name = rel.rsplit('/').next()?;
    if !name.ends_with(".json") {
        return None;
    }
    Some(if name == "environments.json" {
        Kind::Environments
    } else if name == "activity.json" {
        Kind::Activity
    } else if rel.contains("logs/") {
        Kind::Log
    } else if name.contains("manifest") {
        Kind::Manifest
    } else if name.contains("run_results") {
        Kind::RunResults
    } else if name.contains("catalog") {
        Kind::Catalog
    } else if rel.contains("runs/") {
        Kind::Run
    } else {
        return None;
    })
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every list cut to at most `keep` elements and every map to `keep * 4`
/// members (dbt node maps), recursively: a small document of the same shape.
fn trimmed(v: &Value, keep: usize) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().take(keep).map(|x| trimmed(x, keep)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .take(keep * 4 + 8)
                .map(|(k, x)| (k.clone(), trimmed(x, keep)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn load_seeds(root: &Path, logs_cap: usize) -> Vec<Seed> {
    let mut seeds = Vec::new();
    let mut push = |kind: Kind, name: String, text: String| {
        let value: Option<Value> = serde_json::from_str(&text).ok();
        if let Some(v) = &value {
            let small = trimmed(v, 3);
            if small != *v {
                seeds.push(Seed {
                    kind,
                    name: format!("{name} (trimmed)"),
                    text: small.to_string(),
                    value: Some(small),
                });
            }
        }
        seeds.push(Seed {
            kind,
            name,
            text,
            value,
        });
    };
    push(Kind::Manifest, "built-in manifest".into(), MANIFEST.into());
    push(
        Kind::RunResults,
        "built-in run_results".into(),
        RESULTS.into(),
    );
    push(Kind::Catalog, "built-in catalog".into(), CATALOG.into());
    // Run events: JSON Lines, kept as one JSON array per file so that the
    // value mutations reach every field; `exercise` writes them as lines.
    let mut event_files = vec![root.join("docs/events.md")];
    files_under(&root.join("tests/sqlmesh/fixtures"), &mut event_files);
    for f in event_files {
        let is_events =
            f.extension().is_some_and(|e| e == "jsonl") || f.ends_with("docs/events.md");
        let Ok(text) =
            std::fs::read_to_string(&f).map(|t| if is_events { t } else { String::new() })
        else {
            continue;
        };
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with('{')).collect();
        if !lines.is_empty() {
            push(
                Kind::Events,
                f.to_string_lossy().into_owned(),
                format!("[{}]", lines.join(",")),
            );
        }
    }
    let dirs = [
        root.join("public/api"),
        root.join("../shared/dbt"),
        root.join("tests/dbt/shop/target"),
    ];
    let mut logs = 0;
    for dir in dirs {
        let mut files = Vec::new();
        files_under(&dir, &mut files);
        for f in files {
            let rel = f.to_string_lossy().replace('\\', "/");
            let Some(kind) = kind_of(&rel) else { continue };
            if kind == Kind::Log {
                logs += 1;
                if logs > logs_cap {
                    continue;
                }
            }
            if let Ok(text) = std::fs::read_to_string(&f) {
                push(kind, rel, text);
            }
        }
    }
    seeds
}

// ---- mutations -------------------------------------------------------------

const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "null",
    "0",
    "-1",
    "NaN",
    "+275760-09-13T00:00:00Z",
    "-262143-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z",
    "2026-02-30T00:00:00Z",
    "2026-11-20T00:00:00+25:00",
    "2026-11-20T00:00:00",
    "2026-11-20T00:00:60Z",
    "0123456789abcdef0123456789abcdef",
    "0123456789ABCDEF0123456789ABCDEG",
    "../../environments",
    "a/b",
    "<script>alert(1)</script>",
    "\u{0}",
    "\u{202e}evil",
    "é\u{301}",
    "🦀🦀🦀",
    "complete",
    "failed",
    "in_progress",
    "UNKNOWN_STATUS",
    "run",
    "plan",
    "https://schemas.getdbt.com/dbt/manifest/v99.json",
    "https://schemas.getdbt.com/dbt/manifest/v.json",
    "v12",
    "model.p.stg",
    "source.p.shop.c",
    "*/5 * * * *",
    "@daily",
    "61 25 32 13 8",
];

fn huge_number(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::from(u64::MAX),
        1 => Value::from(i64::MIN),
        2 => Value::from(i64::MAX),
        3 => serde_json::Number::from_f64(1e308).map_or(Value::Null, Value::Number),
        4 => serde_json::Number::from_f64(-1e308).map_or(Value::Null, Value::Number),
        5 => serde_json::Number::from_f64(5e-324).map_or(Value::Null, Value::Number),
        6 => Value::from(-1),
        7 => serde_json::Number::from_f64(0.5).map_or(Value::Null, Value::Number),
        _ => Value::from(0),
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(2)),
        2 => huge_number(rng),
        3 => Value::String(ODD_STRINGS[rng.below(ODD_STRINGS.len())].to_string()),
        4 => Value::String("x".repeat(rng.below(5000))),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(4) {
                let k = ODD_STRINGS[rng.below(ODD_STRINGS.len())].to_string();
                m.insert(k, random_value(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// A value of another type than `v` (the "type swap").
fn swapped(rng: &mut Rng, v: &Value) -> Value {
    loop {
        let n = random_value(rng, 1);
        if std::mem::discriminant(&n) != std::mem::discriminant(v) {
            return n;
        }
    }
}

fn deep(rng: &mut Rng) -> Value {
    let depth = [10, 100, 127, 128, 129, 500, 5000][rng.below(7)];
    let mut v = Value::Null;
    for _ in 0..depth {
        v = if rng.chance(2) {
            Value::Array(vec![v])
        } else {
            let mut m = Map::new();
            m.insert("a".into(), v);
            Value::Object(m)
        };
    }
    v
}

/// A pointer to a random node: walks down a random path.
fn random_node<'a>(rng: &mut Rng, v: &'a mut Value) -> &'a mut Value {
    let depth = rng.below(8);
    let mut cur = v;
    for _ in 0..depth {
        let next_exists = match &*cur {
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => false,
        };
        if !next_exists || rng.chance(4) {
            break;
        }
        cur = match cur {
            Value::Array(a) => {
                let i = rng.below(a.len());
                &mut a[i]
            }
            Value::Object(o) => {
                let i = rng.below(o.len());
                let key = o.keys().nth(i).cloned().unwrap_or_default();
                o.get_mut(&key).expect("key exists")
            }
            _ => unreachable!(),
        };
    }
    cur
}

/// Like `random_node`, without changing anything.
fn random_node_ref<'a>(rng: &mut Rng, v: &'a Value) -> &'a Value {
    let mut cur = v;
    for _ in 0..rng.below(8) {
        cur = match cur {
            Value::Array(a) if !a.is_empty() && !rng.chance(4) => &a[rng.below(a.len())],
            Value::Object(o) if !o.is_empty() && !rng.chance(4) => {
                o.values().nth(rng.below(o.len())).unwrap_or(cur)
            }
            _ => break,
        };
    }
    cur
}

fn mutate_value(rng: &mut Rng, v: &mut Value, others: &[Seed]) {
    let node = random_node(rng, v);
    match rng.below(10) {
        0 => *node = Value::Null,
        1 => {
            let s = swapped(rng, node);
            *node = s;
        }
        2 => *node = huge_number(rng),
        3 => *node = Value::String(ODD_STRINGS[rng.below(ODD_STRINGS.len())].to_string()),
        4 => *node = deep(rng),
        5 => match node {
            // Remove or null a member (absent vs null).
            Value::Object(o) if !o.is_empty() => {
                let k = o
                    .keys()
                    .nth(rng.below(o.len()))
                    .cloned()
                    .unwrap_or_default();
                if rng.chance(2) {
                    o.remove(&k);
                } else {
                    o.insert(k, Value::Null);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            _ => *node = Value::Null,
        },
        6 => match node {
            // Grow a list: duplicates (same ids, same names) and odd elements.
            Value::Array(a) if !a.is_empty() => {
                let x = a[rng.below(a.len())].clone();
                for _ in 0..1 + rng.below(3) {
                    a.push(x.clone());
                }
                if rng.chance(2) {
                    a.push(random_value(rng, 1));
                }
            }
            Value::Object(o) => {
                let k = ODD_STRINGS[rng.below(ODD_STRINGS.len())].to_string();
                o.insert(k, random_value(rng, 1));
            }
            _ => *node = random_value(rng, 0),
        },
        7 => {
            // Splice a node of another (small) seed; only that node is copied.
            let other = &others[rng.below(others.len())];
            if let (Some(ov), true) = (&other.value, other.text.len() <= 16_384) {
                *node = random_node_ref(rng, ov).clone();
            }
        }
        8 => {
            if let Value::String(s) = node {
                // Edit a string: cut, extend, or a digit changed (times, ids).
                let mut b: Vec<char> = s.chars().collect();
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    match rng.below(3) {
                        0 => b.truncate(i),
                        1 => b[i] = ['9', '0', '-', ':', 'Z', 'T', '.', ' '][rng.below(8)],
                        _ => b.insert(i, ['\u{0}', '\u{ffff}', '%', '/', '"'][rng.below(5)]),
                    }
                }
                *s = b.into_iter().collect();
            } else {
                *node = random_value(rng, 0);
            }
        }
        _ => *node = random_value(rng, 0),
    }
}

fn mutate_text(rng: &mut Rng, text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    match rng.below(5) {
        0 => {
            // Byte flips.
            for _ in 0..1 + rng.below(8) {
                if b.is_empty() {
                    break;
                }
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
        }
        1 => b.truncate(rng.below(b.len() + 1)),
        2 => {
            // A JSON token somewhere.
            let tok: &[u8] = [
                &b"null"[..],
                b"[",
                b"]",
                b"{",
                b"}",
                b",",
                b"\"",
                b"1e999",
                b"-0",
                b"18446744073709551616",
                b"\\u0000",
                b"\\ud800",
            ][rng.below(12)];
            let i = rng.below(b.len() + 1);
            b.splice(i..i, tok.iter().copied());
        }
        3 => {
            // Repeat a slice (duplicated keys, long strings).
            if !b.is_empty() {
                let i = rng.below(b.len());
                let j = (i + 1 + rng.below(64)).min(b.len());
                let piece = b[i..j].to_vec();
                for _ in 0..1 + rng.below(3) {
                    b.splice(j..j, piece.iter().copied());
                }
            }
        }
        _ => {
            // Random bytes.
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(b.len() + 1);
                b.insert(i, rng.next() as u8);
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// Runs the decoder of `kind` on `text` (dbt files alongside the seeds'
/// other files) and what the app computes first from a run.
fn exercise(kind: Kind, text: &str, dbt_seeds: &(String, String, String)) {
    let (m, r, c) = dbt_seeds;
    match kind {
        Kind::Environments => {
            let _ = decode::decode_environments(text);
        }
        Kind::Activity => {
            let _ = decode::decode_activity(text);
        }
        Kind::Run => {
            // The stepped read must be the typed read (a difference is a
            // finding, like a panic).
            let whole = decode::decode_run_whole(text).map_err(|e| e.to_string());
            let mut reader = decode::RunReader::new(text);
            let stepped = loop {
                match reader.step(3) {
                    Ok(true) => break reader.finish().map_err(|e| e.to_string()),
                    Ok(false) => {}
                    Err(e) => break Err(e.to_string()),
                }
            };
            assert!(
                stepped == whole,
                "the stepped read differs from the typed read"
            );
            if let Ok(run) = decode::decode_run(text) {
                let l = Lineage::from_run(&run);
                let _ = l.len();
            }
        }
        Kind::Log => {
            let _ = decode::decode_log(text);
        }
        Kind::Manifest => {
            if let Ok(d) = dbt::read(text, r, Some(c)) {
                let _ = Lineage::from_run(&d.run);
                let _ = dbt::environment_of(&d);
            }
        }
        Kind::RunResults => {
            if let Ok(d) = dbt::read(m, text, None) {
                let _ = dbt::environment_of(&d);
            }
        }
        Kind::Catalog => {
            let _ = dbt::read(m, r, Some(text));
        }
        Kind::Events => {
            let lines = match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(a)) => a
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => text.to_string(),
            };
            // Folded twice into an empty store: the second pass reads back
            // what the first wrote.
            let mut store = std::collections::BTreeMap::new();
            for _ in 0..2 {
                for unit in events::parse(&lines).units {
                    if let Ok(writes) = events::writes(&store, &unit) {
                        for w in writes {
                            store.insert(w.path, w.contents);
                        }
                    }
                }
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |f: &str| {
        args.iter()
            .position(|a| a == f)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let cases: u64 = get("--cases")
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let seed: u64 = get("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let out = PathBuf::from(get("--out").unwrap_or_else(|| "target/fuzz-findings".into()));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seeds = load_seeds(&root, 40);
    let dbt_seeds = (
        MANIFEST.to_string(),
        RESULTS.to_string(),
        CATALOG.to_string(),
    );
    let per_kind = |k: Kind| seeds.iter().filter(|s| s.kind == k).count();
    println!(
        "runlens-fuzz: {} seeds (environments {}, activity {}, runs {}, logs {}, manifests {}, run_results {}, catalogs {}, events {}), {cases} cases, seed {seed}",
        seeds.len(),
        per_kind(Kind::Environments),
        per_kind(Kind::Activity),
        per_kind(Kind::Run),
        per_kind(Kind::Log),
        per_kind(Kind::Manifest),
        per_kind(Kind::RunResults),
        per_kind(Kind::Catalog),
        per_kind(Kind::Events),
    );
    // Small seeds are picked far more often than whole documents.
    let small: Vec<usize> = (0..seeds.len())
        .filter(|&i| seeds[i].text.len() <= 16_384)
        .collect();
    let large: Vec<usize> = (0..seeds.len())
        .filter(|&i| seeds[i].text.len() > 16_384)
        .collect();
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed);
    let mut findings = 0u64;
    let started = Instant::now();
    let mut last_report = Instant::now();
    for case in 0..cases {
        let pool = if large.is_empty() || !rng.chance(500) {
            &small
        } else {
            &large
        };
        let s = &seeds[pool[rng.below(pool.len())]];
        let text = if rng.chance(3) || s.value.is_none() {
            mutate_text(&mut rng, &s.text)
        } else {
            let mut v = s.value.clone().unwrap_or(Value::Null);
            for _ in 0..1 + rng.below(4) {
                mutate_value(&mut rng, &mut v, &seeds);
            }
            let t = v.to_string();
            if rng.chance(8) {
                mutate_text(&mut rng, &t)
            } else {
                t
            }
        };
        let result = catch_unwind(AssertUnwindSafe(|| exercise(s.kind, &text, &dbt_seeds)));
        if let Err(e) = result {
            findings += 1;
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let _ = std::fs::create_dir_all(&out);
            let file = out.join(format!("case-{seed}-{case}-{:?}.json", s.kind));
            let _ = std::fs::write(&file, &text);
            println!(
                "PANIC in {:?} decoder (seed {}, case {case}, from {}): {msg}\n  input written to {}",
                s.kind,
                seed,
                s.name,
                file.display()
            );
        }
        if last_report.elapsed().as_secs() >= 30 {
            last_report = Instant::now();
            let secs = started.elapsed().as_secs_f64();
            println!(
                "  {} cases, {:.0} cases/s, {findings} findings",
                case + 1,
                (case + 1) as f64 / secs
            );
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "runlens-fuzz: {cases} cases in {secs:.1} s ({:.0} cases/s), {findings} findings",
        cases as f64 / secs.max(1e-9)
    );
    if findings > 0 {
        std::process::exit(1);
    }
}
