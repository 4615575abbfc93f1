//! `runlens-gen` as a user runs it: it never deletes a folder it did not
//! write, a synthetic project never lands in `public/api`, and a store it
//! wrote (marked with `.runlens-gen`) is replaced.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh directory under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("runlens-gen-it-{}-{name}", std::process::id()));
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

fn gen(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runlens-gen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("runlens-gen runs")
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_non_empty_folder_without_the_marker_is_left_untouched() {
    let s = Scratch::new("foreign");
    let work = s.0.join("work");
    std::fs::create_dir_all(work.join("src")).expect("mkdir");
    std::fs::write(work.join("src/main.rs"), "fn main() {}").expect("write");
    std::fs::write(work.join("notes.txt"), "mine").expect("write");
    for out in [work.to_str().expect("utf-8"), "."] {
        let o = gen(&work, &["--out", out, "--models", "3"]);
        assert!(!o.status.success(), "--out {out} must fail");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("refusing to replace"), "{err}");
        assert!(err.contains("nothing was deleted"), "{err}");
        assert_eq!(names(&work), vec!["notes.txt", "src"]);
        assert_eq!(
            std::fs::read_to_string(work.join("src/main.rs")).expect("kept"),
            "fn main() {}"
        );
    }
    // The demo project is refused the same way.
    let o = gen(&work, &["--out", "."]);
    assert!(!o.status.success());
    assert_eq!(names(&work), vec!["notes.txt", "src"]);
}

#[test]
fn a_synthetic_project_without_out_is_an_error_and_writes_nothing() {
    let s = Scratch::new("no-out");
    for args in [&["--models", "3"][..], &["--executions", "3"][..]] {
        let o = gen(&s.0, args);
        assert!(!o.status.success(), "{args:?} must fail");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("needs --out DIR"), "{err}");
        assert_eq!(names(&s.0), Vec::<String>::new(), "nothing written");
    }
}

#[test]
fn a_store_it_wrote_is_replaced_and_marked() {
    let s = Scratch::new("marked");
    let out = s.0.join("big");
    let out_arg = out.to_str().expect("utf-8");
    let o = gen(
        &s.0,
        &["--out", out_arg, "--models", "6", "--executions", "9"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        names(&out),
        vec![".runlens-gen", "environments", "environments.json"]
    );
    std::fs::write(out.join("left-over.json"), "{}").expect("write");
    let o = gen(&s.0, &["--out", out_arg, "--models", "4"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        names(&out),
        vec![".runlens-gen", "environments", "environments.json"]
    );
    let o = gen(&s.0, &["--check", "--out", out_arg, "--models", "4"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
