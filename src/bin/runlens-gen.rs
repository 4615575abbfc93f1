//! Writes the Run API snapshot.
//!
//!   runlens-gen [--out DIR]                         the demo project (default out: public/api)
//!   runlens-gen --out DIR --models N --executions M [--log-lines L]
//!                                                   a synthetic project for performance work
//!                                                   (with a log of L lines on its first failure)
//!   runlens-gen --check [--out DIR]                 exit 1 if DIR differs from a fresh demo generation

use runlens::demo::{demo_files, scale_files, GeneratedFile};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let out = get("--out").unwrap_or_else(|| "public/api".into());
    let models = get("--models").and_then(|s| s.parse::<usize>().ok());
    let executions = get("--executions").and_then(|s| s.parse::<usize>().ok());
    let log_lines = get("--log-lines")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let files: Vec<GeneratedFile> = match (models, executions) {
        (Some(n), m) => scale_files(n, m.unwrap_or(n), log_lines, 42),
        (None, Some(m)) => scale_files(m, m, log_lines, 42),
        (None, None) => demo_files(),
    };
    let root = Path::new(&out);
    if args.iter().any(|a| a == "--check") {
        let stale: Vec<&str> = files
            .iter()
            .filter(|f| {
                std::fs::read_to_string(root.join(&f.path)).ok().as_deref()
                    != Some(f.contents.as_str())
            })
            .map(|f| f.path.as_str())
            .collect();
        if stale.is_empty() {
            println!("{} files in {out} match the generator", files.len());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{} of {} files in {out} differ from the generator, e.g. {}",
            stale.len(),
            files.len(),
            stale[0]
        );
        return ExitCode::FAILURE;
    }
    if root.exists() {
        if let Err(e) = std::fs::remove_dir_all(root) {
            eprintln!("cannot clear {out}: {e}");
            return ExitCode::FAILURE;
        }
    }
    for f in &files {
        let p = root.join(&f.path);
        if let Some(dir) = p.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("cannot create {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
        if let Err(e) = std::fs::write(&p, &f.contents) {
            eprintln!("cannot write {}: {e}", p.display());
            return ExitCode::FAILURE;
        }
    }
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    println!(
        "wrote {} files ({} KiB) to {out}",
        files.len(),
        bytes / 1024
    );
    ExitCode::SUCCESS
}
