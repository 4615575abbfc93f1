//! dbt's own log (`logs/dbt.log`), JSON lines or text: each node's lines by
//! `node_info.unique_id` (or, in text, between "Began running node" and
//! "Finished running node" of its thread), the whole invocation's log, and
//! the target named in dbt's query comments.

use super::*;

/// Removes terminal colour codes (`ESC [ … m`) from a log message.
pub(super) fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Deserialize, Default)]
pub(super) struct JsonLogInfo {
    #[serde(default)]
    invocation_id: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    ts: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct JsonLogNode {
    #[serde(default)]
    unique_id: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct JsonLogData {
    #[serde(default)]
    node_info: Option<JsonLogNode>,
}

#[derive(Deserialize)]
pub(super) struct JsonLogEvent {
    #[serde(default)]
    data: Option<JsonLogData>,
    info: JsonLogInfo,
}

/// How a dbt log was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// `--log-format-file json`: every event names its invocation and node.
    Json,
    /// The default text format: invocations by their header line, nodes by
    /// thread between "Began running node" and "Finished running node".
    Text,
}

pub const TEXT_LOG_NOTE: &str = "From a text dbt log: lines are matched to this node by thread, between \"Began running node\" and \"Finished running node\". Run dbt with --log-format-file json for exact matching.";
pub const NO_LOG_LINES_NOTE: &str =
    "The dbt log has no line for this node: these lines come from run_results.json.";

/// The lines of one invocation in a dbt log: all of them, and per node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvocationLog {
    pub lines: Vec<LogLine>,
    pub by_node: BTreeMap<String, Vec<LogLine>>,
}

pub(super) fn hex_of(id: &str) -> String {
    id.replace('-', "").to_ascii_lowercase()
}

/// Reads the lines of invocation `invocation` (any form of its id) from the
/// text of a dbt log file (JSON lines or text). Text logs carry the time of
/// day only: `day` is the date they start on (midnight is followed).
pub fn read_log(
    text: &str,
    invocation: &str,
    day: Option<chrono::NaiveDate>,
) -> (LogFormat, InvocationLog) {
    let want = hex_of(invocation);
    let json = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with('{'));
    let mut out = InvocationLog::default();
    if json {
        for line in text.lines() {
            let Ok(e) = serde_json::from_str::<JsonLogEvent>(line) else {
                continue;
            };
            if hex_of(&e.info.invocation_id) != want {
                continue;
            }
            let l = LogLine {
                at: time(&e.info.ts),
                level: LogLevel::from_wire(&e.info.level).unwrap_or(LogLevel::Info),
                message: strip_ansi(&e.info.msg),
            };
            if let Some(uid) = e.data.and_then(|d| d.node_info).and_then(|n| n.unique_id) {
                out.by_node.entry(uid).or_default().push(l.clone());
            }
            out.lines.push(l);
        }
        return (LogFormat::Json, out);
    }
    // Text: "============================== 22:07:49.589957 | <invocation id> =====…"
    // opens an invocation; a line is "HH:MM:SS.micro [level] [thread]: message",
    // continuation lines (SQL, tracebacks) have no prefix.
    let mut current_day = day;
    let mut last_clock: Option<chrono::NaiveTime> = None;
    let mut inside = false;
    let mut current: HashMap<String, String> = HashMap::new();
    let mut last_node: Option<String> = None;
    for raw in text.lines() {
        let line = strip_ansi(raw);
        if line.starts_with("=====") && line.contains(" | ") {
            let head = line.trim_matches(|c| c == '=' || c == ' ');
            let (when, id) = head.split_once(" | ").unwrap_or(("", ""));
            inside = hex_of(id.trim()) == want;
            current_day = when
                .split_whitespace()
                .next()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .or(day);
            last_clock = None;
            current.clear();
            last_node = None;
            continue;
        }
        if !inside {
            continue;
        }
        let parsed = parse_text_line(&line);
        let Some((clock, level, thread, message)) = parsed else {
            // A continuation of the previous line.
            if let Some(prev) = out.lines.last_mut() {
                prev.message.push('\n');
                prev.message.push_str(&line);
            }
            if let Some(n) = &last_node {
                if let Some(prev) = out.by_node.get_mut(n).and_then(|v| v.last_mut()) {
                    prev.message.push('\n');
                    prev.message.push_str(&line);
                }
            }
            continue;
        };
        if let Some(uid) = message.strip_prefix("Began running node ") {
            current.insert(thread.clone(), uid.trim().to_string());
        }
        let node = current.get(&thread).cloned();
        if let Some(uid) = message.strip_prefix("Finished running node ") {
            if current.get(&thread).map(String::as_str) == Some(uid.trim()) {
                current.remove(&thread);
            }
        }
        // The clock going back by more than 12 hours is midnight passing.
        let secs = |t: chrono::NaiveTime| chrono::Timelike::num_seconds_from_midnight(&t);
        if last_clock.is_some_and(|l| secs(clock) + 12 * 3600 < secs(l)) {
            current_day = current_day.and_then(|d| d.succ_opt());
        }
        last_clock = Some(clock);
        let at = current_day.map(|d| d.and_time(clock).and_utc());
        let l = LogLine { at, level, message };
        if let Some(n) = &node {
            out.by_node.entry(n.clone()).or_default().push(l.clone());
        }
        last_node = node;
        out.lines.push(l);
    }
    (LogFormat::Text, out)
}

/// `22:07:49.589957 [info ] [MainThread]: message` -> its parts.
pub(super) fn parse_text_line(line: &str) -> Option<(chrono::NaiveTime, LogLevel, String, String)> {
    let (clock, rest) = line.split_once(' ')?;
    let t = chrono::NaiveTime::parse_from_str(clock, "%H:%M:%S%.f").ok()?;
    let rest = rest.strip_prefix('[')?;
    let (level, rest) = rest.split_once(']')?;
    let rest = rest.trim_start().strip_prefix('[')?;
    let (thread, message) = rest.split_once("]: ")?;
    Some((
        t,
        LogLevel::from_wire(level.trim()).unwrap_or(LogLevel::Info),
        thread.to_string(),
        message.to_string(),
    ))
}

/// Replaces each node's synthesised log by its own lines from the dbt log
/// (`log_text`, the contents of `log_file`) and keeps the whole
/// invocation's log as the run's. Nodes the log does not mention keep
/// their synthesised lines, with a note saying so. An error names the file
/// when it holds no line of this invocation.
pub fn attach_log(d: &mut DbtRun, log_file: &str, log_text: &str) -> Result<LogFormat, String> {
    let id = d.run.id.to_string();
    let (format, inv) = read_log(log_text, &id, Some(d.run.start.date_naive()));
    if inv.lines.is_empty() {
        return Err(format!(
            "{log_file}: no line of invocation {id} (is this the log of the same dbt build? dbt appends every invocation to logs/dbt.log)"
        ));
    }
    for (log_id, log) in d.logs.iter_mut() {
        let uid = log_id.strip_prefix("dbt:").unwrap_or(log_id);
        match inv.by_node.get(uid) {
            Some(lines) => {
                log.lines = lines.clone();
                log.note = (format == LogFormat::Text).then(|| TEXT_LOG_NOTE.to_string());
            }
            None => log.note = Some(NO_LOG_LINES_NOTE.into()),
        }
    }
    d.run_log = Some(Log {
        id: "dbt:invocation".into(),
        lines: inv.lines,
        note: None,
    });
    Ok(format)
}

/// The dbt target named in a JSON log's query comments (dbt's default
/// comment carries `"target_name"`), for artifacts that do not record it.
pub fn target_from_log(log: &Log) -> Option<String> {
    const KEY: &str = "\"target_name\": \"";
    log.lines.iter().find_map(|l| {
        let i = l.message.find(KEY)? + KEY.len();
        let rest = &l.message[i..];
        let name = &rest[..rest.find('"')?];
        (!name.is_empty()).then(|| name.to_string())
    })
}
