//! A Run API store in a directory (host tools only; never called by the app): reads for the pure writer
//! [`crate::core::store::plan`], a lock file that serialises ingests, and
//! atomic writes (temporary file, `fsync`, rename), so a reader never sees
//! half a file and an interrupted ingest leaves every file whole.

use crate::core::store::{self, FileWrite, StoreRead, Submission};
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The lock file in the store's root; held (`flock`) for a whole ingest.
pub const LOCK_FILE: &str = ".runlens-ingest.lock";

pub struct DirStore {
    pub root: PathBuf,
}

impl StoreRead for DirStore {
    fn read(&self, path: &str) -> Result<Option<String>, String> {
        match fs::read_to_string(self.root.join(path)) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Writes `contents` to `root/rel` through a temporary file in the same
/// folder, synced, then renamed over the target.
pub fn write_atomic(root: &Path, rel: &str, contents: &str) -> Result<(), String> {
    let path = root.join(rel);
    let dir = path.parent().unwrap_or(root);
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp"));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
}

/// Writes `writes` in order; `stop_after` simulates a crash after that many
/// files (tests).
pub fn apply(root: &Path, writes: &[FileWrite], stop_after: Option<usize>) -> Result<(), String> {
    for (i, w) in writes.iter().enumerate() {
        if stop_after == Some(i) {
            return Err(format!("stopped after {i} of {} files", writes.len()));
        }
        write_atomic(root, &w.path, &w.contents)?;
    }
    Ok(())
}

/// Adds one run to the store at `root` (created if missing) under the
/// store's lock. Returns the paths written (none when the store already
/// held exactly this run).
pub fn ingest(root: &Path, sub: Submission) -> Result<Vec<String>, String> {
    ingest_with(root, sub, None)
}

pub fn ingest_with(
    root: &Path,
    sub: Submission,
    stop_after: Option<usize>,
) -> Result<Vec<String>, String> {
    under_lock(root, stop_after, |store| store::plan(store, sub))
}

/// Runs `plan` on the store at `root` (created if missing) under the
/// store's lock and writes what it returns. Returns the paths written.
pub fn under_lock(
    root: &Path,
    stop_after: Option<usize>,
    plan: impl FnOnce(&dyn store::StoreRead) -> Result<Vec<FileWrite>, String>,
) -> Result<Vec<String>, String> {
    fs::create_dir_all(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let lock_path = root.join(LOCK_FILE);
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("{}: {e}", lock_path.display()))?;
    // Blocks while another ingest holds it; released when `lock` is dropped
    // (also when a process dies).
    lock.lock()
        .map_err(|e| format!("{}: cannot lock: {e}", lock_path.display()))?;
    let store = DirStore {
        root: root.to_path_buf(),
    };
    let writes = plan(&store)?;
    apply(root, &writes, stop_after)?;
    Ok(writes.into_iter().map(|w| w.path).collect())
}

/// Every file of a store (lock and temporary files aside), by path, for
/// comparisons in tests and tools.
pub fn snapshot(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                walk(root, &p, out);
            } else if !name.starts_with('.') {
                let rel = p
                    .strip_prefix(root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, fs::read(&p).unwrap_or_default());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(root, root, &mut out);
    out
}
