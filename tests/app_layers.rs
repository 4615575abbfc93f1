//! Architecture invariant: no module of the shell (`src/app`) imports a
//! module that imports it back, directly or through others. Pages and tabs
//! depend on shared modules (`url_state`, `context`, `widgets`, `drawer`,
//! `log`, `table_view`, `api`), never the other way round.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable src dir") {
        let p = entry.expect("dir entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src/app/run.rs` -> "run"; `src/app/explore/mod.rs` -> "explore";
/// `src/app/explore/list.rs` -> "explore::list"; `src/app/mod.rs` -> "".
fn module_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// Paths (relative to `src/app`) that `text` refers to through `super::`
/// (from module `m`) or `crate::app::`.
fn references(m: &str, text: &str) -> Vec<Vec<String>> {
    let mut base: Vec<String> = if m.is_empty() {
        vec![]
    } else {
        m.split("::").map(String::from).collect()
    };
    // `super` from `explore/mod.rs` (module `explore`) or from
    // `explore.rs` alike names the parent module.
    base.pop();
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        if !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let (start, mut path): (usize, Vec<String>) = if rest.starts_with("crate::app::") {
            ("crate::app::".len(), vec![])
        } else if rest.starts_with("super::")
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
        {
            let mut b = base.clone();
            let mut k = "super::".len();
            while text[i + k..].starts_with("super::") {
                b.pop();
                k += "super::".len();
            }
            (k, b)
        } else {
            i += 1;
            continue;
        };
        let tail = &text[i + start..];
        if let Some(group) = tail.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let mut p = path.clone();
                p.extend(item.trim().split("::").map(|s| s.trim().to_string()));
                out.push(p);
            }
        } else {
            let seg: String = tail
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            path.extend(seg.split("::").filter(|s| !s.is_empty()).map(String::from));
            out.push(path);
        }
        i += start;
    }
    out
}

fn app_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&root, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let m = module_of(&root, f);
        let text = fs::read_to_string(f).unwrap();
        // Only code before the tests counts.
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let deps = graph.entry(m.clone()).or_default();
        // A module declares its children (`mod list;`) and so depends on them.
        let prefix = if m.is_empty() {
            String::new()
        } else {
            format!("{m}::")
        };
        for child in modules.iter().filter(|c| {
            c.strip_prefix(prefix.as_str())
                .is_some_and(|rest| !rest.is_empty() && !rest.contains("::"))
        }) {
            deps.insert(child.clone());
        }
        for path in references(&m, text) {
            // The longest prefix of the path that is a module; else the
            // item lives in the module the path starts from.
            let target = (0..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|p| modules.contains(p))
                .unwrap_or_default();
            if target != m {
                deps.insert(target);
            }
        }
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for d in graph.get(n).into_iter().flatten() {
            match state.get(d.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == d).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(d.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(d, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, graph, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_cycle_finder_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("run", vec!["audits"]),
        ("audits", vec!["run", "widgets"]),
        ("widgets", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["audits".into(), "run".into(), "audits".into()])
    );
    let refs = references(
        "explore::list",
        "use super::super::url_state::ViewCtl;\nuse super::{canvas::Canvas, Thing};",
    );
    assert_eq!(
        refs,
        vec![
            vec!["url_state".to_string(), "ViewCtl".into()],
            vec!["explore".to_string(), "canvas".into(), "Canvas".into()],
            vec!["explore".to_string(), "Thing".into()],
        ]
    );
}

#[test]
fn no_module_of_the_shell_imports_a_module_that_imports_it_back() {
    let graph = app_graph();
    assert!(graph.contains_key("run") && graph.contains_key("url_state"));
    assert!(graph["executions"].contains("url_state"));
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import circle in src/app: {}", cycle.join(" -> "));
    }
}
