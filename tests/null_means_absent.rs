//! docs/api.md: "Optional fields may be absent or `null`." Proved from the
//! schema: for every optional property of every definition in
//! `docs/api.schema.json`, a document of the snapshot with only that property
//! set to `null` decodes to exactly what the document without it decodes to.

use runlens::core::decode;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

fn schema() -> Value {
    serde_json::from_str(include_str!("../docs/api.schema.json")).unwrap()
}

/// Follows `$ref`s, returning the definition and its name when it has one.
fn resolve<'a>(root: &'a Value, def: &'a Value, name: &str) -> (&'a Value, String) {
    match def.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let key = r.trim_start_matches("#/$defs/");
            resolve(root, &root["$defs"][key], key)
        }
        None => (def, name.to_string()),
    }
}

/// Every (object path, optional property, definition name) reachable in `inst`.
fn optional_props(
    root: &Value,
    def: &Value,
    name: &str,
    inst: &Value,
    path: &mut Vec<Seg>,
    out: &mut Vec<(Vec<Seg>, String, String)>,
) {
    let (def, name) = resolve(root, def, name);
    if let (Some(props), Some(obj)) = (
        def.get("properties").and_then(Value::as_object),
        inst.as_object(),
    ) {
        let required: BTreeSet<&str> = def
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (prop, pdef) in props {
            if !required.contains(prop.as_str()) {
                out.push((path.clone(), prop.clone(), name.clone()));
            }
            if let Some(child) = obj.get(prop) {
                path.push(Seg::Key(prop.clone()));
                optional_props(root, pdef, &format!("{name}.{prop}"), child, path, out);
                path.pop();
            }
        }
    }
    if let (Some(items), Some(arr)) = (def.get("items"), inst.as_array()) {
        // The first and the last element: different shapes (a failed and a
        // complete execution) are both covered.
        let mut idx = vec![0, arr.len().saturating_sub(1)];
        idx.dedup();
        for i in idx.into_iter().filter(|i| *i < arr.len()) {
            path.push(Seg::Index(i));
            optional_props(root, items, &format!("{name}[]"), &arr[i], path, out);
            path.pop();
        }
    }
}

fn object_at<'a>(doc: &'a mut Value, path: &[Seg]) -> &'a mut serde_json::Map<String, Value> {
    let mut v = doc;
    for s in path {
        v = match s {
            Seg::Key(k) => &mut v[k.as_str()],
            Seg::Index(i) => &mut v[*i],
        };
    }
    v.as_object_mut().expect("an object")
}

fn decoded(kind: &str, text: &str) -> String {
    match kind {
        "environmentsDocument" => format!("{:?}", decode::decode_environments(text)),
        "activityDocument" => format!("{:?}", decode::decode_activity(text)),
        "runDocument" => format!("{:?}", decode::decode_run(text)),
        "logDocument" => format!("{:?}", decode::decode_log(text)),
        // Read by the store writer (runlens-ingest), not by the app.
        "planDocument" => format!(
            "{:?}",
            serde_json::from_str::<runlens::core::wire::PlanDoc>(text).map_err(|e| e.to_string())
        ),
        other => panic!("no decoder for {other}"),
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            // Documents only (not the generator's `.runlens-gen` marker).
            out.push(p);
        }
    }
}

fn kind_of(rel: &str) -> &'static str {
    if rel == "environments.json" {
        "environmentsDocument"
    } else if rel.ends_with("/activity.json") {
        "activityDocument"
    } else if rel.starts_with("logs/") {
        "logDocument"
    } else {
        "runDocument"
    }
}

/// Every list cut to its first and last element (the ones checked), so
/// that each check decodes a small document.
fn first_and_last(v: Value) -> Value {
    match v {
        Value::Array(a) if a.len() > 2 => {
            let last = a.last().cloned().unwrap();
            let first = a.into_iter().next().unwrap();
            Value::Array(vec![first_and_last(first), first_and_last(last)])
        }
        Value::Array(a) => Value::Array(a.into_iter().map(first_and_last).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, x)| (k, first_and_last(x))).collect())
        }
        other => other,
    }
}

/// Checks one document; returns the (definition, property) pairs it covered.
fn check(root: &Value, kind: &str, rel: &str, text: &str) -> BTreeSet<(String, String)> {
    let doc = first_and_last(serde_json::from_str(text).unwrap());
    let mut props = Vec::new();
    optional_props(
        root,
        &root["$defs"][kind],
        kind,
        &doc,
        &mut Vec::new(),
        &mut props,
    );
    let mut covered = BTreeSet::new();
    for (path, prop, def) in props {
        let mut nulled = doc.clone();
        object_at(&mut nulled, &path).insert(prop.clone(), Value::Null);
        let mut absent = doc.clone();
        object_at(&mut absent, &path).remove(&prop);
        let a = decoded(kind, &absent.to_string());
        let n = decoded(kind, &nulled.to_string());
        assert_eq!(n, a, "{rel}: {path:?}.{prop} = null must read as absent");
        covered.insert((def, prop));
    }
    covered
}

fn all_optional(root: &Value) -> BTreeSet<(String, String)> {
    // Every optional property of every definition reachable from a document.
    let mut out = BTreeSet::new();
    fn walk(
        root: &Value,
        def: &Value,
        name: &str,
        out: &mut BTreeSet<(String, String)>,
        depth: usize,
    ) {
        if depth > 8 {
            return;
        }
        let (def, name) = resolve(root, def, name);
        if let Some(props) = def.get("properties").and_then(Value::as_object) {
            let required: BTreeSet<&str> = def
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (prop, pdef) in props {
                if !required.contains(prop.as_str()) {
                    out.insert((name.clone(), prop.clone()));
                }
                walk(root, pdef, &format!("{name}.{prop}"), out, depth + 1);
            }
        }
        if let Some(items) = def.get("items") {
            walk(root, items, &format!("{name}[]"), out, depth + 1);
        }
    }
    for doc in root["x-paths"].as_object().unwrap().values() {
        let key = doc.as_str().unwrap().trim_start_matches("#/$defs/");
        walk(root, &root["$defs"][key], key, &mut out, 0);
    }
    out
}

#[test]
fn every_optional_property_reads_null_as_absent() {
    let root = schema();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("public/api");
    let mut files = Vec::new();
    files_under(&base, &mut files);
    let want = all_optional(&root);
    let mut covered = BTreeSet::new();
    let mut logs = 0;
    for f in &files {
        let rel = f
            .strip_prefix(&base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let kind = kind_of(&rel);
        if kind == "logDocument" {
            // Logs are alike; a few cover their properties.
            logs += 1;
            if logs > 3 {
                continue;
            }
        }
        let text = std::fs::read_to_string(f).unwrap();
        covered.extend(check(&root, kind, &rel, &text));
        if want.is_subset(&covered) && logs > 3 {
            break;
        }
    }
    // No plan in the demo snapshot: one with every property set.
    let plan = r#"{"id":"7d3f0c2e9a7d4e3b8c6a1f0e2d3c4b5a","environment":"prod","status":"failed",
        "start":"2026-11-29T02:59:00Z","end":"2026-11-29T03:00:00Z","error":"boom",
        "interval_start":"2026-11-01T00:00:00Z","interval_end":"2026-11-29T00:00:00Z",
        "added":["d"],"removed":["e"],"directly_modified":["b"],"indirectly_modified":["c"]}"#;
    covered.extend(check(&root, "planDocument", "a plan", plan));
    let missing: Vec<_> = want.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "optional properties never exercised: {missing:?}"
    );
}

#[test]
fn the_findings_of_the_hostile_test_read_null_as_absent() {
    // Finding 1: an environment with a null kind and model count is kept.
    let envs = decode::decode_environments(
        r#"{"environments":[{"name":"prod","kind":null,"model_count":null}]}"#,
    )
    .unwrap();
    assert_eq!(envs.len(), 1);
    assert_eq!(envs[0].model_count, 0);
    // Finding 2: null changes.
    let id = "0123456789abcdef0123456789abcdef";
    let run = decode::decode_run(&format!(
        r#"{{"id":"{id}","environment":"prod","status":"complete","start":"2026-11-20T00:00:00Z","changes_since_previous":null}}"#
    ))
    .unwrap();
    assert!(run.changes.is_empty() && run.warnings.is_empty());
    // Finding 3: null lists, kinds and flags keep their rows.
    let run = decode::decode_run(&format!(
        r#"{{"id":"{id}","environment":"prod","status":"complete","start":"2026-11-20T00:00:00Z",
            "models":[{{"name":"a","upstream":null,"columns":null,"kind":null,"tags":null,"intervals":null}}],
            "audits":[{{"name":"x","model":"a","status":"complete","blocking":null}}]}}"#
    ))
    .unwrap();
    assert_eq!(run.warnings, Vec::<String>::new());
    assert_eq!(run.models.len(), 1);
    assert_eq!(run.audits.len(), 1);
    assert!(!run.audits[0].blocking);
    // Finding 4: a null level and a numeric time keep the line (and the log).
    let log = decode::decode_log(
        r#"{"id":"l","lines":[{"at":17,"level":null,"message":"m"},{"at":"2026-11-20T00:00:00Z","level":"ERROR","message":"n"}]}"#,
    )
    .unwrap();
    assert_eq!(log.lines.len(), 2);
    assert_eq!(log.lines[0].at, None);
    assert_eq!(log.lines[0].level, runlens::core::model::LogLevel::Info);
    assert_eq!(log.lines[0].message, "m");
}
