//! The log viewer's logic: level filter, counts, search with match ranges,
//! line links, and the windowing of wrapped lines (monospace text wraps at
//! a computable column, so every line's height is known without the DOM).

use super::model::{Log, LogLevel};
use std::ops::Range;

pub const LEVELS: [LogLevel; 4] = [
    LogLevel::Debug,
    LogLevel::Info,
    LogLevel::Warn,
    LogLevel::Error,
];

/// Lines per level, in `LEVELS` order.
pub fn level_counts(log: &Log) -> [usize; 4] {
    let mut c = [0; 4];
    for l in &log.lines {
        c[l.level as usize] += 1;
    }
    c
}

/// Indices of the lines at `min` level or above.
pub fn visible_lines(log: &Log, min: LogLevel) -> Vec<usize> {
    (0..log.lines.len())
        .filter(|&i| log.lines[i].level >= min)
        .collect()
}

/// The open log's state, kept by the page that shows the log (in its URL:
/// `lvl`, `lq`, `line`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogState {
    /// Lines below this level are hidden.
    pub min_level: LogLevel,
    /// The search text.
    pub query: String,
    /// The linked line (1-based), highlighted and scrolled to.
    pub line: Option<usize>,
}

impl Default for LogState {
    fn default() -> LogState {
        LogState {
            min_level: LogLevel::Debug,
            query: String::new(),
            line: None,
        }
    }
}

impl LogState {
    /// Reads `lvl`, `lq` and `line`.
    pub fn from_query(get: &impl Fn(&str) -> Option<String>) -> LogState {
        LogState {
            min_level: get("lvl")
                .map(|l| parse_level(&l))
                .unwrap_or(LogLevel::Debug),
            query: get("lq").unwrap_or_default(),
            line: get("line").and_then(|l| parse_line(&l)),
        }
    }
    /// Appends `lvl`, `lq` and `line` where they differ from the default.
    pub fn to_query(&self, out: &mut Vec<(String, String)>) {
        if self.min_level != LogLevel::Debug {
            out.push(("lvl".into(), self.min_level.label().to_lowercase()));
        }
        if !self.query.is_empty() {
            out.push(("lq".into(), self.query.clone()));
        }
        if let Some(l) = self.line {
            out.push(("line".into(), l.to_string()));
        }
    }
}

pub fn parse_level(s: &str) -> LogLevel {
    LogLevel::from_wire(s).unwrap_or(LogLevel::Debug)
}

/// One occurrence of the search text: in `lines[row]` (a position in the
/// visible lines), bytes `range` of the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub row: usize,
    pub range: Range<usize>,
}

/// Every non-overlapping occurrence of `query` in the visible lines'
/// messages, ASCII case-insensitive, in reading order.
pub fn find_matches(log: &Log, visible: &[usize], query: &str) -> Vec<Match> {
    let q = query.as_bytes();
    if q.is_empty() {
        return Vec::new();
    }
    // Only where the first byte matches (either case) is the rest compared:
    // a 200,000-line log is searched in one pass over its bytes.
    let (lower, upper) = (q[0].to_ascii_lowercase(), q[0].to_ascii_uppercase());
    let mut out = Vec::new();
    for (row, &i) in visible.iter().enumerate() {
        let m = log.lines[i].message.as_bytes();
        let mut at = 0;
        while at + q.len() <= m.len() {
            let Some(k) = m[at..=m.len() - q.len()]
                .iter()
                .position(|&c| c == lower || c == upper)
            else {
                break;
            };
            at += k;
            if m[at..at + q.len()].eq_ignore_ascii_case(q)
                && log.lines[i].message.is_char_boundary(at)
            {
                out.push(Match {
                    row,
                    range: at..at + q.len(),
                });
                at += q.len();
            } else {
                at += 1;
            }
        }
    }
    out
}

/// Splits a message into (highlighted?, text) pieces around `ranges`
/// (sorted, non-overlapping, on char boundaries).
pub fn split_highlights<'a>(msg: &'a str, ranges: &[Range<usize>]) -> Vec<(bool, &'a str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in ranges {
        if r.start > at {
            out.push((false, &msg[at..r.start]));
        }
        out.push((true, &msg[r.clone()]));
        at = r.end;
    }
    if at < msg.len() || out.is_empty() {
        out.push((false, &msg[at..]));
    }
    out
}

/// `line=120` or `line=L120` (1-based, as shown) -> 120.
pub fn parse_line(s: &str) -> Option<usize> {
    let n: usize = s.trim().trim_start_matches(['L', 'l']).parse().ok()?;
    (n >= 1).then_some(n)
}

/// The whole log as text, one line per entry: `time LEVEL message`.
pub fn full_text(log: &Log) -> String {
    let mut s = String::new();
    for l in &log.lines {
        if let Some(t) = l.at {
            s.push_str(&t.format("%Y-%m-%dT%H:%M:%S%.3fZ ").to_string());
        }
        s.push_str(l.level.label());
        s.push(' ');
        s.push_str(&l.message);
        s.push('\n');
    }
    s
}

/// Rows a message of `chars` characters takes when wrapped at `cols`
/// (hard line breaks count too).
pub fn wrapped_rows(message: &str, cols: usize) -> usize {
    let cols = cols.max(1);
    // Most lines: one part of ASCII, a character a byte (both checks are
    // word-at-a-time; counting characters is not).
    if !message.contains('\n') && message.is_ascii() {
        return message.len().div_ceil(cols).max(1);
    }
    message
        .split('\n')
        .map(|part| part.chars().count().div_ceil(cols).max(1))
        .sum()
}

/// Cumulative offsets of variable-height rows, for windowing.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Heights {
    /// `prefix[i]` = top of row i; `prefix[len]` = total height.
    prefix: Vec<f64>,
}

impl Heights {
    pub fn new(heights: impl IntoIterator<Item = f64>) -> Heights {
        let mut prefix = vec![0.0];
        for h in heights {
            let last = *prefix.last().expect("non-empty");
            prefix.push(last + h);
        }
        Heights { prefix }
    }
    pub fn len(&self) -> usize {
        self.prefix.len() - 1
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn total(&self) -> f64 {
        *self.prefix.last().expect("non-empty")
    }
    pub fn top(&self, i: usize) -> f64 {
        self.prefix[i.min(self.len())]
    }
    /// Rows meeting `[scroll_top, scroll_top + viewport)`, plus `overscan` on each side.
    pub fn window(&self, scroll_top: f64, viewport: f64, overscan: usize) -> Range<usize> {
        let n = self.len();
        if n == 0 {
            return 0..0;
        }
        // First row whose bottom is below scroll_top.
        let first = self.prefix[1..]
            .partition_point(|&bottom| bottom <= scroll_top.max(0.0))
            .min(n - 1);
        let end = self.prefix[1..]
            .partition_point(|&bottom| bottom < scroll_top.max(0.0) + viewport.max(0.0))
            + 1;
        first.saturating_sub(overscan)..(end + overscan).min(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::decode_log;

    fn log() -> Log {
        decode_log(
            r#"{"id":"l","lines":[
              {"at":"2026-11-20T00:00:00Z","level":"DEBUG","message":"connecting to warehouse"},
              {"at":"2026-11-20T00:00:01Z","level":"INFO","message":"Inserted 10 rows"},
              {"at":"2026-11-20T00:00:02Z","level":"WARN","message":"Spilling to disk: spill spill"},
              {"at":"2026-11-20T00:00:03Z","level":"ERROR","message":"Out of Memory Error: SPILL failed"},
              {"level":"INFO","message":"done"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn level_filter_and_counts() {
        let l = log();
        assert_eq!(level_counts(&l), [1, 2, 1, 1]);
        assert_eq!(visible_lines(&l, LogLevel::Debug), vec![0, 1, 2, 3, 4]);
        assert_eq!(visible_lines(&l, LogLevel::Info), vec![1, 2, 3, 4]);
        assert_eq!(visible_lines(&l, LogLevel::Warn), vec![2, 3]);
        assert_eq!(visible_lines(&l, LogLevel::Error), vec![3]);
        assert_eq!(parse_level("warn"), LogLevel::Warn);
        assert_eq!(parse_level(""), LogLevel::Debug);
    }

    #[test]
    fn search_finds_every_occurrence_case_insensitively() {
        let l = log();
        let vis = visible_lines(&l, LogLevel::Debug);
        let m = find_matches(&l, &vis, "spill");
        assert_eq!(
            m,
            vec![
                Match {
                    row: 2,
                    range: 0..5
                },
                Match {
                    row: 2,
                    range: 18..23
                },
                Match {
                    row: 2,
                    range: 24..29
                },
                Match {
                    row: 3,
                    range: 21..26
                },
            ]
        );
        // Only within the visible lines, with rows counted among them.
        let vis = visible_lines(&l, LogLevel::Error);
        assert_eq!(
            find_matches(&l, &vis, "SPILL"),
            vec![Match {
                row: 0,
                range: 21..26
            }]
        );
        assert_eq!(find_matches(&l, &vis, ""), vec![]);
        // Matches at the very end, overlapping candidates, non-ASCII text.
        let one = |msg: &str, q: &str| {
            let l = Log {
                id: "l".into(),
                lines: vec![crate::core::model::LogLine {
                    at: None,
                    level: LogLevel::Info,
                    message: msg.into(),
                }],
                note: None,
            };
            find_matches(&l, &[0], q)
                .into_iter()
                .map(|m| (m.range.start, m.range.end))
                .collect::<Vec<_>>()
        };
        assert_eq!(one("aaaa", "aa"), [(0, 2), (2, 4)]);
        assert_eq!(one("xaAa", "AA"), [(1, 3)]);
        assert_eq!(one("ab", "abc"), []);
        assert_eq!(one("abc", "C"), [(2, 3)]);
        assert_eq!(one("été Été", "été"), [(0, 5)]);
        assert_eq!(one("naïve NAÏVE", "na"), [(0, 2), (7, 9)]);
        assert_eq!(
            split_highlights("Spilling to disk: spill spill", &[0..5, 18..23]),
            vec![
                (true, "Spill"),
                (false, "ing to disk: "),
                (true, "spill"),
                (false, " spill")
            ]
        );
        assert_eq!(split_highlights("", &[]), vec![(false, "")]);
    }

    #[test]
    fn line_links_and_copy_text() {
        assert_eq!(parse_line("120"), Some(120));
        assert_eq!(parse_line("L7"), Some(7));
        assert_eq!(parse_line("0"), None);
        assert_eq!(parse_line("x"), None);
        let text = full_text(&log());
        assert!(text.starts_with("2026-11-20T00:00:00.000Z DEBUG connecting to warehouse\n"));
        assert!(text.ends_with("INFO done\n"));
        assert_eq!(text.lines().count(), 5);
    }

    #[test]
    fn wrapped_heights_and_windows() {
        assert_eq!(wrapped_rows("", 80), 1);
        assert_eq!(wrapped_rows(&"x".repeat(80), 80), 1);
        assert_eq!(wrapped_rows(&"x".repeat(81), 80), 2);
        assert_eq!(wrapped_rows("a\nb\n", 80), 3);
        assert_eq!(wrapped_rows(&"é".repeat(80), 80), 1);
        assert_eq!(wrapped_rows(&"é".repeat(81), 80), 2);
        assert_eq!(wrapped_rows(&"x".repeat(10), 4), 3);
        assert_eq!(wrapped_rows(&"x".repeat(8), 4), 2);
        assert_eq!(wrapped_rows("xxxxx\nxx", 4), 3);
        assert_eq!(wrapped_rows("ééééé", 4), 2);
        let h = Heights::new([20.0, 40.0, 20.0, 20.0, 60.0]);
        assert_eq!(h.total(), 160.0);
        assert_eq!(h.top(2), 60.0);
        assert_eq!(h.window(0.0, 30.0, 0), 0..2);
        assert_eq!(h.window(60.0, 20.0, 0), 2..3);
        assert_eq!(h.window(59.0, 2.0, 0), 1..3);
        assert_eq!(h.window(150.0, 100.0, 1), 3..5);
        assert_eq!(h.window(0.0, 30.0, 2), 0..4);
        assert_eq!(Heights::new([]).window(0.0, 100.0, 3), 0..0);
    }
}
