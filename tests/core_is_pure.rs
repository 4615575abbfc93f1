//! Architecture invariant: the core never imports the UI or browser crates,
//! and never reads the clock (time is always an argument).

use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable src dir") {
        let p = entry.expect("dir entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn core_and_demo_import_no_ui_crates_and_read_no_clock() {
    let forbidden = [
        "leptos",
        "web_sys",
        "gloo",
        "wasm_bindgen",
        "js_sys",
        "Utc::now",
        "SystemTime",
        "Instant::now",
        // Stores are read and written by `store_fs`, outside the core.
        "std::fs",
    ];
    let mut files = Vec::new();
    for dir in ["src/core", "src/demo"] {
        rust_files(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).as_path(),
            &mut files,
        );
    }
    assert!(files.len() >= 8, "found only {} files", files.len());
    let mut violations = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    violations.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "the core must stay pure:\n{}",
        violations.join("\n")
    );
}
