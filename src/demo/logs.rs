//! Logs: the lines of a long evaluation, the long synthetic log of
//! `runlens-gen --log-lines`, and log documents.

use super::rng::Rng;
use super::scenario::DEMO_NOW;
use super::{at, Time};
use crate::core::wire::{LogDoc, LogLineDto};
use chrono::Duration;

/// `n` lines of a long-running evaluation: partition loads (DEBUG),
/// progress (INFO every 100), memory pressure and spills (WARN every 500).
pub(super) fn progress_lines(
    model: &str,
    n: usize,
    start: Time,
    rng: &mut Rng,
) -> Vec<(Time, &'static str, String)> {
    let mut out = Vec::with_capacity(n);
    let mut t = start;
    let mut rows: i64 = 0;
    for i in 1..=n {
        t += Duration::milliseconds(rng.range(5, 60));
        let part = i % 4096;
        let batch = rng.range(2_000, 90_000);
        rows += batch;
        if i % 500 == 0 {
            let used = 6.0 + 5.9 * i as f64 / n.max(1) as f64;
            out.push((t, "WARN", format!("Memory pressure in {model}: {used:.1} GiB of 12.0 GiB in use; spilling partition {part} to /tmp/duckdb_spill/{part:04}.bin")));
        } else if i % 100 == 0 {
            out.push((
                t,
                "INFO",
                format!(
                    "Progress: {:.1}% of the probe side scanned ({rows} rows)",
                    100.0 * i as f64 / n.max(1) as f64
                ),
            ));
        } else if i % 7 == 0 {
            out.push((
                t,
                "DEBUG",
                format!(
                    "Spill file /tmp/duckdb_spill/{part:04}.bin written ({:.1} MiB)",
                    batch as f64 / 1500.0
                ),
            ));
        } else {
            out.push((
                t,
                "DEBUG",
                format!(
                    "Hash join build: partition {part}/4096 loaded ({batch} rows, {:.1} MiB)",
                    batch as f64 / 2100.0
                ),
            ));
        }
    }
    out
}

/// A log of `lines` lines for performance work (`runlens-gen --log-lines`).
pub fn long_log(id: &str, lines: usize, seed: u64) -> LogDoc {
    let mut rng = Rng::new(seed);
    let start = at(DEMO_NOW) - Duration::hours(1);
    let mut l: Vec<(Time, &'static str, String)> = progress_lines(
        "layer_02.model_00246",
        lines.saturating_sub(1),
        start,
        &mut rng,
    );
    let end = l.last().map_or(start, |x| x.0);
    l.push((end, "ERROR", "Runtime Error: division by zero".to_string()));
    log_doc(id, &l)
}

pub(super) fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

pub(super) fn log_doc(id: &str, lines: &[(Time, &'static str, String)]) -> LogDoc {
    let mut lines = lines.to_vec();
    lines.sort_by_key(|l| l.0);
    LogDoc {
        id: id.to_string(),
        lines: lines
            .into_iter()
            .map(|(t, l, m)| LogLineDto {
                at: Some(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                level: l.into(),
                message: m,
            })
            .collect(),
        note: None,
    }
}
