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

/// Lines per level, in `LEVELS` order (the reference of
/// `LineIndex::counts`, which the viewer uses).
#[cfg(test)]
pub fn level_counts(log: &Log) -> [usize; 4] {
    let mut c = [0; 4];
    for l in &log.lines {
        c[l.level as usize] += 1;
    }
    c
}

/// Indices of the lines at `min` level or above (the reference of
/// `LineIndex::visible`, which the viewer uses).
#[cfg(test)]
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
/// messages, ASCII case-insensitive, in reading order: a `Search` run to
/// its end in one go (the viewer runs it in slices).
#[cfg(test)]
pub fn find_matches(log: &Log, visible: &[usize], query: &str) -> Vec<Match> {
    let mut search = Search::new(query);
    while !search.step(log, visible, usize::MAX) {}
    search.matches
}

/// A search of the visible lines done a slice at a time, so a long log is
/// searched in several tasks (the viewer shows the matches found so far).
/// Run to its end, its matches are `find_matches`'s, whatever the slices.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Search {
    query: String,
    /// The next row (a position in the visible lines) to search.
    next: usize,
    /// Whether every row has been searched.
    done: bool,
    matches: Vec<Match>,
}

impl Search {
    pub fn new(query: &str) -> Search {
        Search {
            query: query.to_string(),
            next: 0,
            // Nothing to look for: nothing found, at once.
            done: query.is_empty(),
            matches: Vec::new(),
        }
    }

    /// The search text.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The matches found so far, in reading order.
    pub fn matches(&self) -> &[Match] {
        &self.matches
    }

    /// Whether every visible line has been searched.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Searches the next rows of `visible`, at least one, until about
    /// `budget` bytes of messages have been looked through; `true` once
    /// every row has been searched. `visible` must be the same at each step.
    pub fn step(&mut self, log: &Log, visible: &[usize], budget: usize) -> bool {
        let q = self.query.as_bytes();
        let mut spent = 0usize;
        while !self.done {
            let Some(&i) = visible.get(self.next) else {
                self.done = true;
                break;
            };
            if spent >= budget.max(1) {
                break;
            }
            let message = log.lines.get(i).map_or("", |l| l.message.as_str());
            find_in(message, q, self.next, &mut self.matches);
            // A line costs a little even when it is short.
            spent = spent.saturating_add(message.len() + 32);
            self.next += 1;
        }
        self.done
    }
}

/// Appends the non-overlapping occurrences of `q` (not empty) in `message`
/// to `out`, as matches on `row`.
fn find_in(message: &str, q: &[u8], row: usize, out: &mut Vec<Match>) {
    let m = message.as_bytes();
    let Some(&first) = q.first() else {
        return;
    };
    let Some(last_start) = m.len().checked_sub(q.len()) else {
        return;
    };
    // Only where the first byte matches (either case) is the rest compared.
    let mut at = 0;
    while at <= last_start {
        let Some(k) = next_first_byte(&m[at..=last_start], first) else {
            break;
        };
        at += k;
        if m[at..at + q.len()].eq_ignore_ascii_case(q) && message.is_char_boundary(at) {
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

/// The first position of `b` in `hay`, in either case if it is an ASCII
/// letter. Eight bytes at a time (a `u64` is one word in wasm too): a
/// 200,000-line log is looked through in a few tens of ms.
fn next_first_byte(hay: &[u8], b: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A letter's two cases differ in bit 5 only: set it, compare with the lower case.
    let fold: u8 = if b.is_ascii_alphabetic() { 0x20 } else { 0 };
    let want = b | fold;
    let (fold_all, want_all) = (u64::from(fold) * ONES, u64::from(want) * ONES);
    let mut i = 0;
    while let Some(chunk) = hay.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = (u64::from_le_bytes(word) | fold_all) ^ want_all;
        // Some byte of `x` is zero: the candidate is in these eight bytes.
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            break;
        }
        i += 8;
    }
    hay[i..]
        .iter()
        .position(|&c| c | fold == want)
        .map(|k| i + k)
}

/// The matches on rows `rows` (a window of the visible lines) and the
/// number of the first of them among all matches: `matches` is in reading
/// order, so this is a binary search, not a pass over them all.
pub fn matches_in(matches: &[Match], rows: Range<usize>) -> (usize, &[Match]) {
    let from = matches.partition_point(|m| m.row < rows.start);
    let to = from + matches[from..].partition_point(|m| m.row < rows.end);
    (from, &matches[from..to])
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
    push_text(log, 0..log.lines.len(), &mut s);
    s
}

/// Appends lines `lines` of `log` as `full_text` writes them (the copy of
/// a long log is written a slice at a time).
pub fn push_text(log: &Log, lines: Range<usize>, out: &mut String) {
    let end = lines.end.min(log.lines.len());
    for l in log.lines.get(lines.start.min(end)..end).unwrap_or_default() {
        if let Some(t) = l.at {
            push_stamp(t, out);
            out.push(' ');
        }
        out.push_str(l.level.label());
        out.push(' ');
        out.push_str(&l.message);
        out.push('\n');
    }
}

/// `t` as `%Y-%m-%dT%H:%M:%S%.3fZ`, written digit by digit (chrono reads
/// its format string again at each call: most of the time of copying a
/// long log); years outside 0..=9999 and leap seconds go through chrono.
fn push_stamp(t: crate::core::model::Time, out: &mut String) {
    use crate::core::format::{push_digits, push_hms, push_ymd};
    use chrono::Timelike;
    let n = t.naive_utc();
    if t.nanosecond() >= 1_000_000_000 || !push_ymd(n.date(), out) {
        out.push_str(&t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
        return;
    }
    out.push('T');
    push_hms(n.time(), out);
    out.push('.');
    push_digits(out, t.nanosecond() / 1_000_000, 3);
    out.push('Z');
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

/// What the viewer needs of each line, in a few bytes: its level and its
/// message's length in characters, so that the level filter and the heights
/// of wrapped lines are passes over small arrays, not over the messages.
/// Built once per log, a slice of lines at a time (`IndexBuilder`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LineIndex {
    levels: Vec<LogLevel>,
    /// Characters of each message that is one part (no line break);
    /// `MULTI_PART` for the others, whose rows are counted when asked.
    chars: Vec<u32>,
}

const MULTI_PART: u32 = u32::MAX;

/// Characters of a message of one part, else `MULTI_PART`.
fn chars_of(message: &str) -> u32 {
    if message.as_bytes().contains(&b'\n') {
        return MULTI_PART;
    }
    let n = if message.is_ascii() {
        message.len()
    } else {
        message.chars().count()
    };
    u32::try_from(n).unwrap_or(MULTI_PART)
}

impl LineIndex {
    /// The index of a whole log, in one go (`IndexBuilder`'s steps without
    /// pauses; the viewer builds it in slices).
    #[cfg(test)]
    pub fn of(log: &Log) -> LineIndex {
        let mut b = IndexBuilder::default();
        while !b.step(log, usize::MAX) {}
        b.finish()
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// Lines per level, in `LEVELS` order (`level_counts`).
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for &l in &self.levels {
            c[l as usize] += 1;
        }
        c
    }

    /// Indices of the lines at `min` level or above (`visible_lines`).
    pub fn visible(&self, min: LogLevel) -> Vec<usize> {
        if min == LogLevel::Debug {
            return (0..self.levels.len()).collect();
        }
        let mut out = Vec::new();
        for (i, &l) in self.levels.iter().enumerate() {
            if l >= min {
                out.push(i);
            }
        }
        out
    }

    /// Rows line `i` of `log` takes wrapped at `cols` (`wrapped_rows`).
    pub fn rows(&self, log: &Log, i: usize, cols: usize) -> usize {
        match self.chars.get(i) {
            Some(&MULTI_PART) | None => log
                .lines
                .get(i)
                .map_or(1, |l| wrapped_rows(&l.message, cols)),
            Some(&n) => (n as usize).div_ceil(cols.max(1)).max(1),
        }
    }

    /// The heights of the `visible` lines of `log` wrapped at `cols`: each
    /// `rows * line_height + pad`.
    pub fn heights(
        &self,
        log: &Log,
        visible: &[usize],
        cols: usize,
        line_height: f64,
        pad: f64,
    ) -> Heights {
        Heights::new(
            visible
                .iter()
                .map(|&i| self.rows(log, i, cols) as f64 * line_height + pad),
        )
    }
}

/// Builds a `LineIndex` a slice of lines at a time.
#[derive(Clone, Debug, Default)]
pub struct IndexBuilder {
    index: LineIndex,
}

impl IndexBuilder {
    /// Indexes the next lines of `log`, at least one, until about `budget`
    /// bytes of messages have been looked through; `true` once every line is.
    pub fn step(&mut self, log: &Log, budget: usize) -> bool {
        // The first line is indexed whatever the budget.
        let mut spent = 0usize;
        while let Some(line) = log.lines.get(self.index.levels.len()) {
            if spent >= budget.max(1) {
                break;
            }
            self.index.levels.push(line.level);
            self.index.chars.push(chars_of(&line.message));
            spent = spent.saturating_add(line.message.len() + 32);
        }
        self.index.levels.len() == log.lines.len()
    }

    /// Lines indexed so far.
    #[cfg(test)]
    pub fn done(&self) -> usize {
        self.index.levels.len()
    }

    pub fn finish(self) -> LineIndex {
        self.index
    }
}

/// Cumulative offsets of variable-height rows, for windowing.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Heights {
    /// `prefix[i]` = top of row i; `prefix[len]` = total height.
    prefix: Vec<f64>,
}

impl Heights {
    pub fn new(heights: impl IntoIterator<Item = f64>) -> Heights {
        let heights = heights.into_iter();
        let mut prefix = Vec::with_capacity(heights.size_hint().0 + 1);
        let mut top = 0.0;
        prefix.push(top);
        for h in heights {
            top += h;
            prefix.push(top);
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
        // Written a slice at a time, the same text.
        let l = log();
        let mut sliced = String::new();
        for k in 0..l.lines.len() {
            push_text(&l, k..k + 1, &mut sliced);
        }
        push_text(&l, 5..9, &mut sliced);
        assert_eq!(sliced, text);
        // A range past the end is cut at the end, not dropped.
        let mut tail = String::new();
        push_text(&l, 3..9, &mut tail);
        assert_eq!(
            tail,
            text.lines()
                .skip(3)
                .map(|t| format!("{t}\n"))
                .collect::<String>()
        );
    }

    #[test]
    fn timestamps_written_by_hand_are_chronos() {
        use chrono::{TimeZone, Utc};
        let chrono_way =
            |t: crate::core::model::Time| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let mut times = vec![
            Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-1, 6, 15, 12, 30, 5).unwrap(),
            Utc.with_ymd_and_hms(987, 2, 3, 4, 5, 6).unwrap(),
        ];
        let base = times[0];
        for ns in [1, 999_999, 1_000_000, 12_900_000, 999_999_999] {
            times.push(base + chrono::Duration::nanoseconds(ns));
        }
        // A leap second.
        times.push(
            chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
                .unwrap()
                .and_hms_milli_opt(23, 59, 59, 1_250)
                .unwrap()
                .and_utc(),
        );
        for t in times {
            let mut mine = String::new();
            push_stamp(t, &mut mine);
            assert_eq!(mine, chrono_way(t), "{t:?}");
        }
        let mut s = String::new();
        push_stamp(base + chrono::Duration::milliseconds(7), &mut s);
        assert_eq!(s, "2026-11-20T00:00:00.007Z");
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

    /// A log of many kinds of lines: levels, line breaks, non-ASCII text,
    /// empty messages, long ones.
    fn mixed_log() -> Log {
        let messages = [
            "connecting to warehouse",
            "",
            "Spilling to disk: spill spill",
            "a\nb\n",
            "été Été naïve",
            "Out of Memory Error: SPILL failed",
            "xxxxx\nxx",
            "ééééé",
        ];
        let mut lines = Vec::new();
        for k in 0..97 {
            let mut message = messages[k % messages.len()].to_string();
            message.push_str(&"spill-x ".repeat(k % 13));
            lines.push(crate::core::model::LogLine {
                at: None,
                level: LEVELS[(k * 7 + k / 5) % 4],
                message,
            });
        }
        Log {
            id: "mixed".into(),
            lines,
            note: None,
        }
    }

    #[test]
    fn the_line_index_agrees_with_the_messages() {
        for log in [log(), mixed_log()] {
            let index = LineIndex::of(&log);
            assert_eq!(index.len(), log.lines.len());
            assert_eq!(index.counts(), level_counts(&log));
            for min in LEVELS {
                assert_eq!(index.visible(min), visible_lines(&log, min), "{min:?}");
            }
            for cols in [1, 3, 4, 10, 80] {
                for (i, l) in log.lines.iter().enumerate() {
                    assert_eq!(index.rows(&log, i, cols), wrapped_rows(&l.message, cols));
                }
                let vis = visible_lines(&log, LogLevel::Info);
                let h = index.heights(&log, &vis, cols, 18.0, 4.0);
                let expected = Heights::new(
                    vis.iter()
                        .map(|&i| wrapped_rows(&log.lines[i].message, cols) as f64 * 18.0 + 4.0),
                );
                assert_eq!(h, expected);
            }
            // Built a slice at a time, whatever the slices, it is the same index.
            for budget in [0, 1, 40, 500] {
                let mut b = IndexBuilder::default();
                let mut steps = 0;
                while !b.step(&log, budget) {
                    steps += 1;
                    assert!(b.done() < log.lines.len());
                }
                assert_eq!(b.finish(), index, "budget {budget}");
                if budget == 0 {
                    // At least a line per step.
                    assert_eq!(steps, log.lines.len() - 1);
                }
            }
        }
        // Exact numbers on the small log: "a\nb\n" is three rows.
        let l = mixed_log();
        let index = LineIndex::of(&l);
        assert_eq!(index.rows(&l, 3, 80), 3);
        // "" and "spill-x " nine times: 72 characters, 8 rows of 10.
        assert_eq!(index.rows(&l, 9, 10), 8);
        assert_eq!(index.rows(&l, 9, 72), 1);
        // "ééééé" and "spill-x " seven times: 61 characters.
        assert_eq!(index.rows(&l, 7, 61), 1);
        assert_eq!(index.rows(&l, 7, 60), 2);
        let empty = Log {
            id: "e".into(),
            lines: vec![],
            note: None,
        };
        assert_eq!(
            LineIndex::of(&empty).visible(LogLevel::Debug),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn a_search_in_slices_finds_what_one_search_finds() {
        let l = mixed_log();
        for min in LEVELS {
            let vis = visible_lines(&l, min);
            for q in ["spill", "SPILL-X", "été", "a", "x ", "nothing here", "\n"] {
                let whole = find_matches(&l, &vis, q);
                for budget in [0, 1, 30, 200, 5000] {
                    let mut s = Search::new(q);
                    let mut seen = 0;
                    while !s.step(&l, &vis, budget) {
                        // Matches only ever grow, in reading order.
                        assert!(s.matches().len() >= seen);
                        assert_eq!(s.matches(), &whole[..s.matches().len()]);
                        seen = s.matches().len();
                        assert!(!s.is_done());
                    }
                    assert!(s.is_done());
                    assert_eq!(s.query(), q);
                    assert_eq!(
                        s.matches(),
                        whole.as_slice(),
                        "{q:?} at {min:?}, budget {budget}"
                    );
                }
            }
        }
        // A slice is at least one row, and a budget of bytes: on the
        // five-line log, "spill" a row at a time.
        let l = log();
        let vis = visible_lines(&l, LogLevel::Debug);
        let mut s = Search::new("spill");
        assert!(!s.step(&l, &vis, 0));
        assert_eq!(s.matches(), &[]);
        assert!(!s.step(&l, &vis, 0));
        assert!(!s.step(&l, &vis, 0));
        assert_eq!(s.matches().len(), 3);
        assert!(!s.step(&l, &vis, 0));
        assert_eq!(s.matches().len(), 4);
        assert!(s.step(&l, &vis, 0));
        // An empty search is done before it starts.
        assert!(Search::new("").is_done());
        assert!(Search::new("").step(&l, &vis, 0));
    }

    #[test]
    fn matches_in_a_window_of_rows() {
        let l = log();
        let vis = visible_lines(&l, LogLevel::Debug);
        let m = find_matches(&l, &vis, "spill");
        assert_eq!(matches_in(&m, 0..2), (0, &[][..]));
        assert_eq!(matches_in(&m, 0..3), (0, &m[..3]));
        assert_eq!(matches_in(&m, 3..5), (3, &m[3..]));
        assert_eq!(matches_in(&m, 2..3), (0, &m[..3]));
        assert_eq!(matches_in(&m, 4..5), (4, &[][..]));
        assert_eq!(matches_in(&[], 0..5), (0, &[][..]));
    }

    /// Every occurrence the slow way: each position compared.
    fn naive_matches(log: &Log, visible: &[usize], q: &str) -> Vec<Match> {
        let q = q.as_bytes();
        let mut out = Vec::new();
        for (row, &i) in visible.iter().enumerate() {
            let msg = &log.lines[i].message;
            let m = msg.as_bytes();
            let mut at = 0;
            while !q.is_empty() && at + q.len() <= m.len() {
                if m[at..at + q.len()].eq_ignore_ascii_case(q) && msg.is_char_boundary(at) {
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

    #[test]
    fn the_word_at_a_time_search_finds_what_comparing_each_position_finds() {
        let l = mixed_log();
        let vis = visible_lines(&l, LogLevel::Debug);
        let queries = [
            "spill",
            "SPILL",
            "Spill-X",
            "s",
            "S",
            "x",
            "X ",
            " ",
            "-",
            "@",
            "`",
            "é",
            "É",
            "été",
            "naïve",
            "\n",
            "a\nb",
            "Out of Memory",
            "rror: spill",
            "z",
            "ll-x spill-x s",
        ];
        for q in queries {
            let found = find_matches(&l, &vis, q);
            assert_eq!(found, naive_matches(&l, &vis, q), "{q:?}");
            if ["spill", "é", "-"].contains(&q) {
                assert!(!found.is_empty(), "{q:?}");
            }
        }
        // Letters fold only with their other case, not with the bytes that
        // differ from them in the same bit ('@' and '`', '[' and '{').
        assert_eq!(next_first_byte(b"@`[{ab", b'@'), Some(0));
        assert_eq!(next_first_byte(b"`[{ab@", b'@'), Some(5));
        assert_eq!(next_first_byte(b"[{", b'{'), Some(1));
        assert_eq!(next_first_byte(b"0123456789abcdefQ", b'q'), Some(16));
        assert_eq!(next_first_byte(b"0123456789abcdefq", b'Q'), Some(16));
        assert_eq!(next_first_byte(b"01234567", b'q'), None);
        assert_eq!(next_first_byte(b"", b'q'), None);
        // A candidate in each position of a word, and after several words.
        for k in 0..40 {
            let mut hay = vec![b'.'; 40];
            hay[k] = b'K';
            assert_eq!(next_first_byte(&hay, b'k'), Some(k));
            hay[k] = 0x80 | b'k';
            assert_eq!(next_first_byte(&hay, b'k'), None);
        }
    }
}
