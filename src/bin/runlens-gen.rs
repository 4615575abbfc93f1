//! Writes the Run API snapshot.
//!
//!   runlens-gen [--out DIR]                         the demo project (default out: public/api)
//!   runlens-gen --out DIR --models N [--executions M] [--log-lines L]
//!                                                   a synthetic project for performance work
//!                                                   (with a log of L lines on its first failure);
//!                                                   --out is required
//!   runlens-gen --check [--out DIR]                 exit 1 if DIR differs from a fresh demo generation
//!
//! Every directory it writes holds a marker file (`.runlens-gen`). It replaces
//! DIR only when DIR is missing, empty, or holds that marker: it never deletes
//! a folder it did not write.

use runlens::demo::{demo_files, marker_file, scale_files, GeneratedFile, MARKER_PATH};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Project {
    Demo,
    Scale {
        models: usize,
        executions: usize,
        log_lines: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Options {
    out: PathBuf,
    project: Project,
    check: bool,
}

/// Reads the command line (without the program name). Unknown arguments,
/// missing or malformed values, and a synthetic project without `--out` are
/// errors: a typo must never fall back to rewriting `public/api`.
fn parse(args: &[String]) -> Result<Options, String> {
    let mut out: Option<PathBuf> = None;
    let (mut models, mut executions, mut log_lines) = (None, None, None);
    let mut check = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value(flag, &mut it)?)),
            "--models" => models = Some(number(flag, &mut it)?),
            "--executions" => executions = Some(number(flag, &mut it)?),
            "--log-lines" => log_lines = Some(number(flag, &mut it)?),
            "--check" => check = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let project = match (models, executions) {
        (None, None) => {
            if log_lines.is_some() {
                return Err("--log-lines applies to a synthetic project (--models N)".into());
            }
            Project::Demo
        }
        (m, e) => {
            if out.is_none() {
                return Err(
                    "a synthetic project (--models/--executions) needs --out DIR: \
                     it must not replace the demo snapshot in public/api"
                        .into(),
                );
            }
            let models = m.or(e).unwrap_or(1);
            Project::Scale {
                models,
                executions: e.unwrap_or(models),
                log_lines: log_lines.unwrap_or(0),
            }
        }
    };
    Ok(Options {
        out: out.unwrap_or_else(|| PathBuf::from("public/api")),
        project,
        check,
    })
}

fn value<'a>(flag: &str, it: &mut std::slice::Iter<'a, String>) -> Result<&'a str, String> {
    it.next()
        .filter(|v| !v.starts_with("--"))
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value"))
}

fn number(flag: &str, it: &mut std::slice::Iter<'_, String>) -> Result<usize, String> {
    let v = value(flag, it)?;
    v.parse()
        .map_err(|_| format!("{flag} needs a whole number, not {v:?}"))
}

/// Whether `root` may be deleted and written afresh: it does not exist, or it
/// is an empty directory, or a directory holding the marker that this tool
/// writes into every store. Anything else (a folder of someone's files, a
/// file, a symbolic link) is refused with the reason.
fn may_replace(root: &Path) -> Result<(), String> {
    let shown = root.display();
    let meta = match std::fs::symlink_metadata(root) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot inspect {shown}: {e}")),
    };
    if !meta.is_dir() {
        return Err(format!(
            "refusing to replace {shown}: it is not a directory (runlens-gen only replaces directories it wrote)"
        ));
    }
    if root.join(MARKER_PATH).is_file() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(root).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(format!(
        "refusing to replace {shown}: it is not empty and has no {MARKER_PATH} file, so runlens-gen \
         did not write it; nothing was deleted. Choose another --out, or empty the directory yourself"
    ))
}

/// Replaces `root` by `files` and the marker (written first, so a store
/// left half-written by an error is still recognised as ours).
fn write_store(root: &Path, files: &[GeneratedFile]) -> Result<(), String> {
    may_replace(root)?;
    if root.exists() {
        std::fs::remove_dir_all(root)
            .map_err(|e| format!("cannot clear {}: {e}", root.display()))?;
    }
    for f in std::iter::once(&marker_file()).chain(files) {
        let p = root.join(&f.path);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&p, &f.contents)
            .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(())
}

/// Paths of `files` and the marker whose contents in `root` differ from them.
fn stale<'a>(root: &Path, files: &'a [GeneratedFile], marker: &'a GeneratedFile) -> Vec<&'a str> {
    std::iter::once(marker)
        .chain(files)
        .filter(|f| {
            std::fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_str())
        })
        .map(|f| f.path.as_str())
        .collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("runlens-gen: {e}");
            return ExitCode::from(2);
        }
    };
    let files: Vec<GeneratedFile> = match opts.project {
        Project::Demo => demo_files(),
        Project::Scale {
            models,
            executions,
            log_lines,
        } => scale_files(models, executions, log_lines, 42),
    };
    let root = opts.out.as_path();
    let out = root.display();
    if opts.check {
        let marker = marker_file();
        let stale = stale(root, &files, &marker);
        if stale.is_empty() {
            println!(
                "{} files and the {MARKER_PATH} marker in {out} match the generator",
                files.len()
            );
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{} of {} files in {out} differ from the generator, e.g. {}",
            stale.len(),
            files.len() + 1,
            stale[0]
        );
        return ExitCode::FAILURE;
    }
    if let Err(e) = write_store(root, &files) {
        eprintln!("runlens-gen: {e}");
        return ExitCode::FAILURE;
    }
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    println!(
        "wrote {} files ({} KiB) to {out}",
        files.len(),
        bytes / 1024
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    /// A fresh directory under the system temp dir, removed on drop.
    struct Scratch(PathBuf);
    impl Scratch {
        fn new(name: &str) -> Scratch {
            let p = std::env::temp_dir()
                .join(format!("runlens-gen-unit-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).expect("temp dir");
            Scratch(p)
        }
    }
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn the_demo_goes_to_public_api_by_default() {
        assert_eq!(
            parse(&[]),
            Ok(Options {
                out: PathBuf::from("public/api"),
                project: Project::Demo,
                check: false
            })
        );
        assert_eq!(
            parse(&args("--check --out x")),
            Ok(Options {
                out: PathBuf::from("x"),
                project: Project::Demo,
                check: true
            })
        );
    }

    #[test]
    fn a_synthetic_project_needs_out() {
        for a in [
            "--models 5",
            "--executions 5",
            "--models 5 --executions 9 --log-lines 3",
        ] {
            let e = parse(&args(a)).expect_err(a);
            assert!(e.contains("needs --out DIR"), "{a}: {e}");
        }
        assert_eq!(
            parse(&args("--out /tmp/big --models 5")).map(|o| o.project),
            Ok(Project::Scale {
                models: 5,
                executions: 5,
                log_lines: 0
            })
        );
        assert_eq!(
            parse(&args("--out d --executions 7 --log-lines 40")).map(|o| o.project),
            Ok(Project::Scale {
                models: 7,
                executions: 7,
                log_lines: 40
            })
        );
    }

    #[test]
    fn typos_and_bad_values_are_errors_not_the_demo() {
        assert_eq!(
            parse(&args("--ouy x")),
            Err("unknown argument \"--ouy\"".into())
        );
        assert_eq!(
            parse(&args("--out x --models many")),
            Err("--models needs a whole number, not \"many\"".into())
        );
        assert_eq!(parse(&args("--out")), Err("--out needs a value".into()));
        assert_eq!(
            parse(&args("--out --check")),
            Err("--out needs a value".into())
        );
        assert!(parse(&args("--log-lines 9")).is_err());
    }

    #[test]
    fn a_folder_it_did_not_write_is_refused_and_kept() {
        let s = Scratch::new("foreign");
        std::fs::write(s.0.join("notes.txt"), "mine").expect("write");
        let e = write_store(&s.0, &demo_files()).expect_err("must refuse");
        assert!(e.contains("has no .runlens-gen file"), "{e}");
        assert!(e.contains("nothing was deleted"), "{e}");
        let left: Vec<_> = std::fs::read_dir(&s.0)
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left, vec!["notes.txt"]);
        assert_eq!(
            std::fs::read_to_string(s.0.join("notes.txt")).expect("kept"),
            "mine"
        );
    }

    #[test]
    fn a_file_is_refused() {
        let s = Scratch::new("file");
        let f = s.0.join("file.json");
        std::fs::write(&f, "{}").expect("write");
        assert!(may_replace(&f)
            .expect_err("file")
            .contains("not a directory"));
        assert_eq!(std::fs::read_to_string(&f).expect("kept"), "{}");
    }

    #[test]
    fn missing_empty_and_marked_folders_are_replaced() {
        let s = Scratch::new("replace");
        let missing = s.0.join("missing");
        assert_eq!(may_replace(&missing), Ok(()));
        let empty = s.0.join("empty");
        std::fs::create_dir(&empty).expect("mkdir");
        assert_eq!(may_replace(&empty), Ok(()));

        let files = scale_files(4, 4, 0, 42);
        write_store(&missing, &files).expect("write missing");
        // A marked store is replaced: old files go, the new ones and the marker are there.
        std::fs::write(missing.join("old.json"), "{}").expect("write");
        assert_eq!(may_replace(&missing), Ok(()));
        write_store(&missing, &files).expect("replace marked");
        assert!(!missing.join("old.json").exists());
        assert_eq!(stale(&missing, &files, &marker_file()), Vec::<&str>::new());
        assert_eq!(
            std::fs::read_to_string(missing.join(MARKER_PATH)).expect("marker"),
            marker_file().contents
        );
    }

    #[test]
    fn check_reports_a_missing_marker() {
        let s = Scratch::new("check");
        let files = scale_files(3, 3, 0, 42);
        write_store(&s.0, &files).expect("write");
        std::fs::remove_file(s.0.join(MARKER_PATH)).expect("rm marker");
        assert_eq!(stale(&s.0, &files, &marker_file()), vec![MARKER_PATH]);
    }
}
