//! JSON text -> wire DTOs -> validated domain types.
//!
//! Policy: a document whose identity cannot be established (bad JSON, a run
//! without a valid id or start time) is an error with a message that says
//! where and why. A single bad row (an execution with an unparseable time) is
//! dropped and reported in `warnings`, so one broken row never hides a run.

use super::model::*;
use super::wire::*;
use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError {
    /// Which document: "run 2f3a…", "environments list".
    pub what: String,
    /// Where it came from ("environments/prod/runs/….json"), set by the shell.
    pub document: Option<String>,
    pub message: String,
}

impl DecodeError {
    fn new(what: impl Into<String>, message: String) -> DecodeError {
        DecodeError {
            what: what.into(),
            document: None,
            message,
        }
    }

    /// The same error, naming the document it was read from.
    pub fn in_document(mut self, path: &str) -> DecodeError {
        self.document = Some(path.to_string());
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "The {} could not be read: ", self.what)?;
        if let Some(d) = &self.document {
            write!(f, "{d}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A serde message in the words of the contract: "expected an RFC 3339
/// time, got 17" instead of "invalid type: integer `17`, expected a string".
pub fn humanize(message: &str) -> String {
    // serde_json appends the position, which a reader of a path does not need.
    let m = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    };
    let expected = |e: &str| -> String {
        match e {
            "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more".into(),
            "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
            "f32" | "f64" => "a number".into(),
            "a sequence" => "a list".into(),
            "a map" => "an object".into(),
            e if e.starts_with("struct ") => "an object".into(),
            e => e.to_string(),
        }
    };
    let got = |u: &str| -> String {
        for p in ["integer ", "floating point ", "boolean ", "character "] {
            if let Some(v) = u.strip_prefix(p) {
                return v.trim_matches('`').to_string();
            }
        }
        match u {
            "sequence" => "a list".into(),
            "map" => "an object".into(),
            "unit value" => "null".into(),
            u => u.strip_prefix("string ").unwrap_or(u).to_string(),
        }
    };
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = m.strip_prefix(prefix) {
            if let Some((u, e)) = rest.rsplit_once(", expected ") {
                return format!("expected {}, got {}", expected(e), got(u));
            }
        }
    }
    if let Some(f) = m
        .strip_prefix("missing field `")
        .and_then(|f| f.strip_suffix('`'))
    {
        return format!("{f}: required, but missing");
    }
    m.to_string()
}

/// A deserialization error as "path: what was expected, got what".
pub(crate) fn located(e: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    let inner = humanize(&e.inner().to_string());
    if path == "." || path.is_empty() {
        inner
    } else if inner.contains(": required, but missing") {
        format!("{path}.{inner}")
    } else {
        format!("{path}: {inner}")
    }
}

fn parse_json<'a, T: serde::Deserialize<'a>>(what: &str, text: &'a str) -> Result<T, DecodeError> {
    parse_json_from(what, text.as_bytes(), || serde_json::de::StrRead::new(text))
}

/// `parse_json` of bytes (UTF-8 checked where it matters: in strings).
fn parse_json_bytes<'a, T: serde::Deserialize<'a>>(
    what: &str,
    bytes: &'a [u8],
) -> Result<T, DecodeError> {
    parse_json_from(what, bytes, || serde_json::de::SliceRead::new(bytes))
}

fn parse_json_from<'a, T: serde::Deserialize<'a>, R: serde_json::de::Read<'a>>(
    what: &str,
    bytes: &[u8],
    read: impl Fn() -> R,
) -> Result<T, DecodeError> {
    let syntax = |e: serde_json::Error| {
        if bytes.trim_ascii_start().starts_with(b"<") {
            "the API answered with a web page instead of JSON".to_string()
        } else {
            format!("invalid JSON ({e})")
        }
    };
    // The quick read first; path tracking (slow on big documents) only to
    // say where a document that failed is wrong.
    let mut de = serde_json::Deserializer::new(read());
    if let Ok(value) = T::deserialize(&mut de) {
        if de.end().is_ok() {
            return Ok(value);
        }
    }
    let mut de = serde_json::Deserializer::new(read());
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let message = if e.inner().is_syntax() || e.inner().is_eof() {
            syntax(e.into_inner())
        } else {
            located(e)
        };
        DecodeError::new(what, message)
    })?;
    de.end().map_err(|e| DecodeError::new(what, syntax(e)))?;
    Ok(value)
}

pub fn parse_time(field: &str, s: &str) -> Result<Time, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("{field}: expected an RFC 3339 time, got {s:?}"))
}

fn parse_opt_time(field: &str, s: &Option<String>) -> Result<Option<Time>, String> {
    match s {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => parse_time(field, s).map(Some),
    }
}

fn parse_opt_id(field: &str, s: &Option<String>) -> Result<Option<RunId>, String> {
    match s {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => RunId::parse(s)
            .map(Some)
            .map_err(|e| format!("{field}: {e}")),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// Longest duration taken at face value (ten years); longer is not a real run.
const MAX_DURATION_MS: i64 = 10 * 366 * 86_400_000;

/// Duration from start/end when both are known, else the API's `duration_ms`;
/// negative or absurd figures are dropped.
fn duration_of(start: Option<Time>, end: Option<Time>, ms: Option<i64>) -> Option<Duration> {
    let d = match (start, end) {
        (Some(s), Some(e)) if e >= s => Some(e - s),
        _ => ms.filter(|m| *m >= 0).and_then(Duration::try_milliseconds),
    };
    d.filter(|d| d.num_milliseconds() <= MAX_DURATION_MS)
}

/// A row as JSON, read into its DTO here so that one malformed row (a
/// `null` status, a negative count) is a warning, not a broken document.
/// Rows stay raw JSON text until here (no `serde_json::Value` tree is
/// built): the row is read straight into its DTO, and only a row that fails
/// is read again to say where (path tracking costs on every row).
fn dto<T: DeserializeOwned>(v: &serde_json::value::RawValue) -> Result<T, String> {
    dto_text(v.get())
}

/// [`dto`] of a row's JSON text.
fn dto_text<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|_| {
        let mut de = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(e) => located(e),
            Ok(_) => "unreadable row".to_string(),
        }
    })
}

/// One row of a document's list, as its JSON text.
type Row = Box<serde_json::value::RawValue>;

/// One row of a run document, as its JSON text in the document (a big
/// run's frame is read without copying each row).
type RowRef<'a> = &'a serde_json::value::RawValue;

// `null` is absent here too (`or_default`, `Option`); times say so in errors.
#[derive(serde::Deserialize)]
struct RawRunDoc<'a> {
    id: String,
    #[serde(default, deserialize_with = "de::or_default")]
    environment: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_time")]
    refreshed_at: Option<String>,
    #[serde(deserialize_with = "de::time")]
    start: String,
    #[serde(default, deserialize_with = "de::opt_time")]
    end: Option<String>,
    #[serde(default)]
    previous_run_id: Option<String>,
    #[serde(default)]
    next_run_id: Option<String>,
    #[serde(borrow, default, deserialize_with = "de::or_default")]
    changes_since_previous: Vec<RowRef<'a>>,
    #[serde(borrow, default, deserialize_with = "de::or_default")]
    executions: Vec<RowRef<'a>>,
    #[serde(borrow, default, deserialize_with = "de::or_default")]
    audits: Vec<RowRef<'a>>,
    #[serde(borrow, default, deserialize_with = "de::or_default")]
    models: Vec<RowRef<'a>>,
    #[serde(default)]
    log_id: Option<String>,
}

#[derive(serde::Deserialize)]
struct RawList {
    #[serde(default, deserialize_with = "de::or_default")]
    environment: String,
    #[serde(default, deserialize_with = "de::or_default")]
    environments: Vec<Row>,
    #[serde(default, deserialize_with = "de::or_default")]
    activity: Vec<Row>,
    #[serde(default, deserialize_with = "de::or_default")]
    months: Vec<Row>,
}

pub fn activity_from_dto(d: &ActivityDto) -> Result<Activity, String> {
    let id = RunId::parse(&d.id).map_err(|e| format!("id: {e}"))?;
    let start = parse_time("start", &d.start)?;
    let end = parse_opt_time("end", &d.end)?;
    let kind = match d.kind.to_ascii_lowercase().as_str() {
        "run" => ActivityKind::Run,
        "plan" => ActivityKind::Plan,
        _ => ActivityKind::Other(d.kind.clone()),
    };
    Ok(Activity {
        id,
        kind,
        status: Status::from_wire(&d.status),
        start,
        end,
        duration: duration_of(Some(start), end, d.duration_ms),
        cost: d.cost.filter(|c| c.is_finite()),
        interval: parse_opt_time("interval_start", &d.interval_start)?
            .zip(parse_opt_time("interval_end", &d.interval_end)?),
    })
}

/// Environments that cannot be read (no name, wrong types) are left out.
pub fn decode_environments(text: &str) -> Result<Vec<Environment>, DecodeError> {
    let doc: RawList = parse_json("environments list", text)?;
    let mut out = Vec::with_capacity(doc.environments.len());
    for e in doc
        .environments
        .into_iter()
        // A row that is not an environment is left out, its error unread:
        // no path-tracking read (it would only say where), which keeps the
        // first page's code smaller.
        .filter_map(|v| serde_json::from_str::<EnvironmentDto>(v.get()).ok())
    {
        if e.name.trim().is_empty() {
            continue;
        }
        let kind = match e.kind.to_ascii_lowercase().as_str() {
            "prod" | "production" => EnvKind::Prod,
            "dev" | "development" => EnvKind::Dev,
            _ => EnvKind::Other(e.kind.clone()),
        };
        // A broken last-run summary should not hide the environment itself.
        let last_run = e.last_run.as_ref().and_then(|a| activity_from_dto(a).ok());
        let last_plan = e.last_plan.as_ref().and_then(|a| activity_from_dto(a).ok());
        out.push(Environment {
            name: e.name,
            kind,
            model_count: e.model_count,
            last_run,
            last_plan,
        });
    }
    Ok(out)
}

pub fn decode_activity(text: &str) -> Result<EnvironmentActivity, DecodeError> {
    let doc: RawList = parse_json("recent activity", text)?;
    let mut warnings = Vec::new();
    let activity = rows(
        "activity",
        doc.activity,
        |v| activity_from_dto(&dto(&v)?),
        &mut warnings,
    );
    let months = rows(
        "months",
        doc.months,
        |v| {
            let m: ActivityMonthDto = dto(&v)?;
            let ok = m.month.len() == 7
                && chrono::NaiveDate::parse_from_str(&format!("{}-01", m.month), "%Y-%m-%d")
                    .is_ok();
            ok.then_some(ActivityMonth {
                month: m.month.clone(),
                count: m.count,
            })
            .ok_or_else(|| format!("month {:?} is not YYYY-MM", m.month))
        },
        &mut warnings,
    );
    Ok(EnvironmentActivity {
        environment: doc.environment,
        activity,
        warnings,
        months,
        notes: Vec::new(),
    })
}

fn execution_from_dto(d: ExecutionDto) -> Result<Execution, String> {
    if d.model.trim().is_empty() {
        return Err("model name is empty".into());
    }
    let start = parse_opt_time("start", &d.start)?;
    let end = parse_opt_time("end", &d.end)?;
    Ok(Execution {
        status: Status::from_wire(&d.status),
        duration: duration_of(start, end, d.duration_ms),
        start,
        end,
        interval_start: parse_opt_time("interval_start", &d.interval_start)?,
        interval_end: parse_opt_time("interval_end", &d.interval_end)?,
        error: non_empty(d.error),
        log_id: non_empty(d.log_id),
        model: d.model,
    })
}

fn audit_from_dto(d: AuditDto) -> Result<Audit, String> {
    if d.name.trim().is_empty() {
        return Err("audit name is empty".into());
    }
    Ok(Audit {
        status: Status::from_wire(&d.status),
        blocking: d.blocking,
        failing_rows: d.failing_rows,
        start: parse_opt_time("start", &d.start)?,
        end: parse_opt_time("end", &d.end)?,
        interval_start: parse_opt_time("interval_start", &d.interval_start)?,
        interval_end: parse_opt_time("interval_end", &d.interval_end)?,
        error: non_empty(d.error),
        log_id: non_empty(d.log_id),
        name: d.name,
        model: d.model,
    })
}

fn model_from_dto(d: ModelDto) -> Result<Model, String> {
    if d.name.trim().is_empty() {
        return Err("model name is empty".into());
    }
    let mut intervals = Vec::with_capacity(d.intervals.len());
    for (i, iv) in d.intervals.iter().enumerate() {
        let start = parse_time(&format!("intervals[{i}].start"), &iv.start)?;
        let end = parse_time(&format!("intervals[{i}].end"), &iv.end)?;
        intervals.push(Interval { start, end });
    }
    Ok(Model {
        name: d.name,
        kind: if d.kind.is_empty() {
            "UNKNOWN".into()
        } else {
            d.kind
        },
        cron: non_empty(d.cron),
        interval_unit: non_empty(d.interval_unit),
        dialect: non_empty(d.dialect),
        owner: non_empty(d.owner),
        upstream: d.upstream,
        definition: non_empty(d.definition),
        columns: d
            .columns
            .into_iter()
            .map(|c| Column {
                name: c.name,
                data_type: c.data_type,
                description: non_empty(c.description),
            })
            .collect(),
        intervals,
        tags: d.tags,
    })
}

fn plan_from_dto(d: PlanChangeDto) -> Result<PlanChange, String> {
    Ok(PlanChange {
        plan_id: parse_opt_id("plan_id", &d.plan_id)?,
        applied_at: parse_opt_time("applied_at", &d.applied_at)?,
        added: d.added,
        removed: d.removed,
        directly_modified: d.directly_modified,
        indirectly_modified: d.indirectly_modified,
    })
}

/// "audits[3].start: expected an RFC 3339 time, got 17 (row skipped)": the
/// row's path joined to the field's when the reason starts with one.
fn row_warning(label: &str, i: usize, reason: &str) -> String {
    match reason.split_once(": ") {
        Some((field, _)) if !field.is_empty() && !field.contains(' ') => {
            format!("{label}[{i}].{reason} (row skipped)")
        }
        _ => format!("{label}[{i}]: {reason} (row skipped)"),
    }
}

/// Converts each row, keeping the good ones and describing the bad ones.
fn rows<T>(
    label: &str,
    items: Vec<Row>,
    convert: impl Fn(Row) -> Result<T, String>,
    warnings: &mut Vec<String>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match convert(item) {
            Ok(v) => out.push(v),
            Err(e) => warnings.push(row_warning(label, i, &e)),
        }
    }
    out
}

/// The row lists of a run document, in the order they are read.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Section {
    Changes,
    Executions,
    Audits,
    Models,
}

impl Section {
    fn label(self) -> &'static str {
        match self {
            Section::Changes => "changes_since_previous",
            Section::Executions => "executions",
            Section::Audits => "audits",
            Section::Models => "models",
        }
    }
}

/// A run document read a slice at a time, so a big one never holds the
/// page for long. No step reads the whole document: the first steps find
/// where the rows of its lists are (brackets and strings only: a row's
/// extent), a few thousand rows per step; then the frame is read (the
/// document with its lists left out); then each `step` turns at most `rows`
/// rows into the domain; `finish` gives the run. A document whose shape the
/// scan does not expect is read whole, the typed way, and so is a broken
/// one (a row that is not JSON), to say where it is broken: the results and
/// messages are those of one typed read of the document
/// ([`decode_run_whole`]). `decode_run` is the same steps without pauses.
pub struct RunReader<'a> {
    text: &'a str,
    stage: Stage<'a>,
    read: usize,
    total: usize,
}

enum Stage<'a> {
    /// Finding the rows: where to look next, and what is next there.
    Scan {
        at: usize,
        next: Next,
        /// Each list's `[` and `]`, and its rows, as found.
        lists: Vec<(Section, usize, usize)>,
        rows: Vec<(Section, Vec<&'a str>)>,
    },
    /// Reading the rows: the run so far, and the sections still to read
    /// (each with its next row's index). `scanned`: the rows were found by
    /// the scan (not checked as JSON yet).
    Rows {
        run: Box<Run>,
        pending: Vec<(Section, std::iter::Enumerate<std::vec::IntoIter<&'a str>>)>,
        scanned: bool,
    },
    /// Emptied by `finish` or a failed step.
    Gone,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Next {
    /// The document's `{`.
    Open,
    /// A member's key (after `{` or `,`); `first`: right after `{`.
    Key { first: bool },
    /// `,` or `}` after a member.
    AfterMember,
    /// In a list: a row, or `]` (`first`: right after `[`); else `,` or `]`.
    Row {
        section: Section,
        open: usize,
        row_next: bool,
    },
}

/// Rows a scan step finds per row it is asked to read.
const SCAN_PER_ROW: usize = 4;
/// Deeper rows are left to the typed read (serde_json's limit is 128 levels
/// for the whole document).
const SCAN_MAX_DEPTH: usize = 100;

impl<'a> RunReader<'a> {
    /// A reader of `text`, which it borrows until the end. Reads nothing yet.
    pub fn new(text: &'a str) -> RunReader<'a> {
        RunReader {
            text,
            stage: Stage::Scan {
                at: 0,
                next: Next::Open,
                lists: Vec::new(),
                rows: Vec::new(),
            },
            read: 0,
            total: 0,
        }
    }

    /// The document read the typed way, in one piece: its frame and rows,
    /// or the error that says where it is broken.
    fn read_whole(&mut self) -> Result<(), DecodeError> {
        self.stage = Stage::Gone;
        self.read = 0;
        let text: &'a str = self.text;
        let doc: RawRunDoc<'a> = parse_json("run", text)?;
        self.start_rows(doc, None)
    }

    /// The frame read: the rows are `doc`'s, or those `found` by the scan.
    fn start_rows(
        &mut self,
        doc: RawRunDoc<'a>,
        found: Option<Vec<(Section, Vec<&'a str>)>>,
    ) -> Result<(), DecodeError> {
        let scanned = found.is_some();
        let what = format!("run {}", doc.id);
        let err = |message: String| DecodeError::new(what.clone(), message);
        let id = RunId::parse(&doc.id).map_err(|e| err(format!("id: {e}")))?;
        let start = parse_time("start", &doc.start).map_err(err)?;
        let end = parse_opt_time("end", &doc.end).map_err(err)?;
        let mut warnings = Vec::new();
        // Links and metadata degrade gracefully: a bad neighbour id only loses the link.
        let previous_run_id =
            parse_opt_id("previous_run_id", &doc.previous_run_id).unwrap_or_else(|e| {
                warnings.push(e);
                None
            });
        let next_run_id = parse_opt_id("next_run_id", &doc.next_run_id).unwrap_or_else(|e| {
            warnings.push(e);
            None
        });
        let refreshed_at = parse_opt_time("refreshed_at", &doc.refreshed_at).unwrap_or_else(|e| {
            warnings.push(e);
            None
        });
        let texts = |rows: Vec<RowRef<'a>>| rows.into_iter().map(|r| r.get()).collect::<Vec<_>>();
        let mut lists = [
            (Section::Models, texts(doc.models)),
            (Section::Audits, texts(doc.audits)),
            (Section::Executions, texts(doc.executions)),
            (Section::Changes, texts(doc.changes_since_previous)),
        ];
        // The scan's rows, where it found them.
        for (section, rows) in found.unwrap_or_default() {
            if let Some(l) = lists.iter_mut().find(|(s, _)| *s == section) {
                l.1 = rows;
            }
        }
        let count = |s: Section| lists.iter().find(|(x, _)| *x == s).map_or(0, |l| l.1.len());
        self.total = lists.iter().map(|l| l.1.len()).sum();
        let run = Run {
            id,
            environment: doc.environment,
            status: Status::from_wire(doc.status.as_deref().unwrap_or("unknown")),
            refreshed_at,
            start,
            end,
            previous_run_id,
            next_run_id,
            changes: Vec::with_capacity(count(Section::Changes)),
            executions: Vec::with_capacity(count(Section::Executions)),
            audits: Vec::with_capacity(count(Section::Audits)),
            models: Vec::with_capacity(count(Section::Models)),
            log_id: non_empty(doc.log_id),
            warnings,
        };
        let mut pending: Vec<_> = lists
            .into_iter()
            .map(|(s, rows)| (s, rows.into_iter().enumerate()))
            .collect();
        pending.retain(|(_, rows)| rows.len() > 0);
        self.stage = Stage::Rows {
            run: Box::new(run),
            pending,
            scanned,
        };
        Ok(())
    }

    /// Finds at most `rows` more rows, or reads the frame once all are found.
    fn scan(&mut self, rows: usize) -> Result<(), DecodeError> {
        let text: &'a str = self.text;
        let b = text.as_bytes();
        let mut budget = rows;
        loop {
            let Stage::Scan {
                at,
                next,
                lists,
                rows: found,
            } = &mut self.stage
            else {
                return Ok(());
            };
            let i = skip_ws(b, *at);
            match *next {
                Next::Open => {
                    if b.get(i) != Some(&b'{') {
                        return self.read_whole();
                    }
                    *at = i + 1;
                    *next = Next::Key { first: true };
                }
                Next::Key { first } => {
                    if first && b.get(i) == Some(&b'}') {
                        *at = i + 1;
                        return self.end_scan();
                    }
                    if b.get(i) != Some(&b'"') {
                        return self.read_whole();
                    }
                    let Some(key_end) = string_end(b, i) else {
                        return self.read_whole();
                    };
                    let Ok(key) = serde_json::from_slice::<String>(&b[i..key_end]) else {
                        return self.read_whole();
                    };
                    let colon = skip_ws(b, key_end);
                    if b.get(colon) != Some(&b':') {
                        return self.read_whole();
                    }
                    let v = skip_ws(b, colon + 1);
                    let section = [
                        Section::Changes,
                        Section::Executions,
                        Section::Audits,
                        Section::Models,
                    ]
                    .into_iter()
                    .find(|s| s.label() == key);
                    match section {
                        // The same list twice is the typed read's to refuse.
                        Some(s) if found.iter().any(|(x, _)| *x == s) => return self.read_whole(),
                        Some(s) if b.get(v) == Some(&b'[') => {
                            found.push((s, Vec::new()));
                            *at = v + 1;
                            *next = Next::Row {
                                section: s,
                                open: v,
                                row_next: true,
                            };
                        }
                        // Another member stays in the frame, as it is.
                        _ => match value_end(b, v) {
                            Some(end) => {
                                *at = end;
                                *next = Next::AfterMember;
                            }
                            None => return self.read_whole(),
                        },
                    }
                }
                Next::AfterMember => match b.get(i) {
                    Some(b',') => {
                        *at = i + 1;
                        *next = Next::Key { first: false };
                    }
                    Some(b'}') => {
                        *at = i + 1;
                        return self.end_scan();
                    }
                    _ => return self.read_whole(),
                },
                Next::Row {
                    section,
                    open,
                    row_next,
                } => {
                    let list = &mut found.last_mut().expect("a list is open").1;
                    match b.get(i) {
                        Some(b']') if !row_next || list.is_empty() => {
                            lists.push((section, open, i));
                            *at = i + 1;
                            *next = Next::AfterMember;
                        }
                        Some(b',') if !row_next => {
                            *at = i + 1;
                            *next = Next::Row {
                                section,
                                open,
                                row_next: true,
                            };
                        }
                        Some(_) if row_next => match value_end_within(b, i, SCAN_MAX_DEPTH) {
                            Some(end) => {
                                list.push(&text[i..end]);
                                *at = end;
                                *next = Next::Row {
                                    section,
                                    open,
                                    row_next: false,
                                };
                                if budget <= 1 {
                                    return Ok(());
                                }
                                budget -= 1;
                            }
                            None => return self.read_whole(),
                        },
                        _ => return self.read_whole(),
                    }
                }
            }
        }
    }

    /// All rows found: the frame is the document without its lists.
    fn end_scan(&mut self) -> Result<(), DecodeError> {
        let Stage::Scan {
            at, lists, rows, ..
        } = std::mem::replace(&mut self.stage, Stage::Gone)
        else {
            return Ok(());
        };
        let t: &'a str = self.text;
        // Only white space may follow the document.
        if !t.as_bytes()[at..].iter().all(|c| c.is_ascii_whitespace()) {
            return self.read_whole();
        }
        let mut frame = String::with_capacity(256);
        let mut from = 0;
        for &(_, open, close) in lists.iter() {
            frame.push_str(&t[from..=open]);
            from = close;
        }
        frame.push_str(&t[from..]);
        match parse_json::<RawRunDoc>("run", &frame) {
            // The frame's lists are empty: the rows are the scan's.
            Ok(f) => {
                let doc = RawRunDoc {
                    id: f.id,
                    environment: f.environment,
                    status: f.status,
                    refreshed_at: f.refreshed_at,
                    start: f.start,
                    end: f.end,
                    previous_run_id: f.previous_run_id,
                    next_run_id: f.next_run_id,
                    changes_since_previous: Vec::new(),
                    executions: Vec::new(),
                    audits: Vec::new(),
                    models: Vec::new(),
                    log_id: f.log_id,
                };
                // A frame that is not a run: the typed read says why, or
                // that the document is not JSON (which it says first).
                self.start_rows(doc, Some(rows))
                    .or_else(|_| self.read_whole())
            }
            // The whole document says where it is broken.
            Err(_) => self.read_whole(),
        }
    }

    /// Finds or reads at most `rows` more rows (at least one); `Ok(true)`
    /// once the run is read. An error: the document cannot be read (its
    /// frame, or a row that is not JSON at all, as the typed read says).
    pub fn step(&mut self, rows: usize) -> Result<bool, DecodeError> {
        let rows = rows.max(1);
        if matches!(self.stage, Stage::Scan { .. }) {
            self.scan(rows.saturating_mul(SCAN_PER_ROW))?;
            return Ok(false);
        }
        for _ in 0..rows {
            let Stage::Rows {
                run,
                pending,
                scanned,
            } = &mut self.stage
            else {
                return Ok(true);
            };
            let Some((section, list)) = pending.last_mut() else {
                return Ok(true);
            };
            let section = *section;
            match list.next() {
                Some((i, row)) => {
                    self.read += 1;
                    let r = run;
                    let done = match section {
                        Section::Changes => dto_text(row)
                            .and_then(plan_from_dto)
                            .map(|v| r.changes.push(v)),
                        Section::Executions => dto_text(row)
                            .and_then(execution_from_dto)
                            .map(|v| r.executions.push(v)),
                        Section::Audits => dto_text(row)
                            .and_then(audit_from_dto)
                            .map(|v| r.audits.push(v)),
                        Section::Models => dto_text(row)
                            .and_then(model_from_dto)
                            .map(|v| r.models.push(v)),
                    };
                    if let Err(e) = done {
                        // A row the scan found that is not JSON: the
                        // document is broken, as the typed read says.
                        if *scanned && serde_json::from_str::<serde::de::IgnoredAny>(row).is_err() {
                            // (Read whole from the start, should it read.)
                            self.read_whole()?;
                            return Ok(false);
                        }
                        r.warnings.push(row_warning(section.label(), i, &e));
                    }
                }
                None => {
                    pending.pop();
                }
            }
        }
        Ok(matches!(&self.stage, Stage::Rows { pending, .. } if pending.is_empty()))
    }

    /// Rows read so far, of all rows (known once they are found).
    pub fn progress(&self) -> (usize, usize) {
        (self.read, self.total)
    }

    /// The run, with whatever rows were read (an error before its frame is).
    pub fn finish(self) -> Result<Run, DecodeError> {
        match self.stage {
            Stage::Rows { run, .. } => Ok(*run),
            _ => Err(DecodeError::new("run", "not read yet".to_string())),
        }
    }
}

pub fn decode_run(text: &str) -> Result<Run, DecodeError> {
    let mut reader = RunReader::new(text);
    while !reader.step(usize::MAX)? {}
    reader.finish()
}

/// The run read the typed way, in one piece: what [`RunReader`] gives, by
/// another road (tests and the fuzzer compare the two).
pub fn decode_run_whole(text: &str) -> Result<Run, DecodeError> {
    let mut reader = RunReader::new(text);
    reader.read_whole()?;
    while !reader.step(usize::MAX)? {}
    reader.finish()
}

/// A log document's frame: its lines stay raw JSON text, borrowed from the
/// document (no copy, no tree), until a `LogReader` step reads them.
#[derive(serde::Deserialize)]
struct RawLogDoc<'a> {
    id: String,
    #[serde(default, borrow, deserialize_with = "de::or_default")]
    lines: Vec<&'a serde_json::value::RawValue>,
    #[serde(default, deserialize_with = "de::or_default")]
    note: Option<String>,
}

/// A log document read a few lines at a time, so a long log never holds
/// the page for long. No step reads the whole document: `new` finds where
/// the `lines` list starts; each `step` finds the next lines (brackets and
/// strings only: a line's extent) and reads them into the domain; the
/// frame (`id`, `note`) is read once the list ends, with the list left out.
/// `decode_log` is the same steps without pauses, and gives the same
/// results and messages as one typed read of the document: a document whose
/// shape the scan does not expect is read whole, the typed way, and so is a
/// broken one, to say where it is broken. A line that cannot be read fails
/// the log with its path (`lines[2].message: …`).
pub struct LogReader<'a> {
    /// The document (a UTF-8 byte order mark left out).
    doc: &'a [u8],
    /// Each line's place in `doc`, as far as found.
    spans: Vec<Range<usize>>,
    /// Where the next line or the end of the list is, while the list is scanned.
    scan: Option<Scan>,
    /// The lines read so far.
    lines: Vec<LogLine>,
    /// `id` and `note`, once the frame is read.
    frame: Option<(String, Option<String>)>,
    /// The document was read whole (the lines' places are serde's).
    whole: bool,
}

use std::ops::Range;

#[derive(Clone, Copy, Debug)]
struct Scan {
    /// The list's `[`.
    open: usize,
    /// Where to look next.
    at: usize,
    /// A line is next (after `[` or `,`), else `,` or `]`.
    line_next: bool,
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The end of the JSON string that starts at `b[i]` (a `"`).
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// The end of the JSON value that starts at `b[i]`, by its brackets and
/// strings only (what it contains is checked when it is read).
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => value_end_within(b, i, usize::MAX),
        _ => {
            let end = b[i..]
                .iter()
                .position(|c| matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
                .map_or(b.len(), |n| i + n);
            (end > i).then_some(end)
        }
    }
}

/// [`value_end`] of a value nested at most `max_depth` levels (deeper: `None`).
fn value_end_within(b: &[u8], i: usize, max_depth: usize) -> Option<usize> {
    if !matches!(b.get(i)?, b'{' | b'[') {
        return value_end(b, i);
    }
    let mut depth = 0usize;
    let mut j = i;
    loop {
        match b.get(j)? {
            b'"' => {
                j = string_end(b, j)?;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return None;
                }
            }
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
}

/// The `[` of the document's `lines` list, when the document is an object
/// whose members up to it read as expected (they are usually just `id`).
fn lines_list(b: &[u8]) -> Option<usize> {
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    loop {
        i = skip_ws(b, i + 1);
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(b, i)?;
        let key: String = serde_json::from_slice(&b[i..key_end]).ok()?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        if key == "lines" {
            return (b.get(i) == Some(&b'[')).then_some(i);
        }
        i = skip_ws(b, value_end(b, i)?);
        if b.get(i) != Some(&b',') {
            return None;
        }
    }
}

impl<'a> LogReader<'a> {
    pub fn new(doc: &'a [u8]) -> Result<LogReader<'a>, DecodeError> {
        // `Response.text()` drops a byte order mark; so does this.
        let doc = doc.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(doc);
        let mut reader = LogReader {
            doc,
            spans: Vec::new(),
            scan: None,
            lines: Vec::new(),
            frame: None,
            whole: false,
        };
        match lines_list(doc) {
            Some(open) => {
                reader.scan = Some(Scan {
                    open,
                    at: open + 1,
                    line_next: true,
                })
            }
            None => reader.read_whole()?,
        }
        Ok(reader)
    }

    /// The document read the typed way, in one piece: its lines, frame, or
    /// the error that says where it is broken.
    fn read_whole(&mut self) -> Result<(), DecodeError> {
        self.scan = None;
        self.whole = true;
        match parse_json_bytes::<RawLogDoc>("log", self.doc) {
            Ok(whole) => {
                let base = self.doc.as_ptr() as usize;
                self.spans = whole
                    .lines
                    .iter()
                    .map(|l| {
                        let start = l.get().as_ptr() as usize - base;
                        start..start + l.get().len()
                    })
                    .collect();
                self.frame = Some((whole.id, non_empty(whole.note)));
                Ok(())
            }
            Err(_) => {
                // The typed read of the text as `Response.text()` gives it
                // (bad UTF-8 replaced): its words for what is wrong, or,
                // when only bad UTF-8 was, the log.
                let doc: LogDoc = parse_json("log", &String::from_utf8_lossy(self.doc))?;
                self.lines = doc.lines.into_iter().map(log_line).collect();
                self.spans = vec![0..0; self.lines.len()];
                self.frame = Some((doc.id, non_empty(doc.note)));
                Ok(())
            }
        }
    }

    /// Finds the next line, or the end of the list (and reads the frame).
    fn scan_next(&mut self, mut s: Scan) -> Result<(), DecodeError> {
        let b = self.doc;
        let i = skip_ws(b, s.at);
        match b.get(i) {
            Some(b']') if s.line_next && self.spans.is_empty() => self.end_list(s.open, i),
            Some(_) if s.line_next => match value_end(b, i) {
                Some(end) => {
                    self.spans.push(i..end);
                    s.at = end;
                    s.line_next = false;
                    self.scan = Some(s);
                    Ok(())
                }
                None => self.read_whole(),
            },
            Some(b',') => {
                s.at = i + 1;
                s.line_next = true;
                self.scan = Some(s);
                Ok(())
            }
            Some(b']') => self.end_list(s.open, i),
            _ => self.read_whole(),
        }
    }

    /// The list ends at `close`: the frame is the document without it.
    fn end_list(&mut self, open: usize, close: usize) -> Result<(), DecodeError> {
        self.scan = None;
        let mut frame = Vec::with_capacity(self.doc.len() - (close - open) + 1);
        frame.extend_from_slice(&self.doc[..=open]);
        frame.extend_from_slice(&self.doc[close..]);
        match parse_json_bytes::<RawLogDoc>("log", &frame) {
            Ok(f) => {
                self.frame = Some((f.id, non_empty(f.note)));
                Ok(())
            }
            // The whole document says where it is broken (or, with bad
            // UTF-8 only, reads as text).
            Err(_) => self.read_whole(),
        }
    }

    /// Reads at most `lines` more lines (at least one); `Ok(true)` once the
    /// log is read, an error at the first line that cannot be read.
    pub fn step(&mut self, lines: usize) -> Result<bool, DecodeError> {
        let want = self.lines.len().saturating_add(lines.max(1));
        while self.lines.len() < want {
            if self.lines.len() == self.spans.len() {
                match self.scan {
                    Some(s) => {
                        self.scan_next(s)?;
                        continue;
                    }
                    None => break,
                }
            }
            let i = self.lines.len();
            let text = &self.doc[self.spans[i].clone()];
            let l: LogLineDto = match serde_json::from_slice(text) {
                Ok(l) => l,
                Err(e) if e.is_syntax() || e.is_eof() => {
                    // Bad UTF-8 is replaced, as `Response.text()` does.
                    let fixed = match String::from_utf8_lossy(text) {
                        std::borrow::Cow::Owned(t) => serde_json::from_str(&t).ok(),
                        std::borrow::Cow::Borrowed(_) => None,
                    };
                    match fixed {
                        Some(l) => l,
                        None if !self.whole => {
                            // Said about the whole document, where it is broken.
                            self.read_whole()?;
                            continue;
                        }
                        None => return Err(DecodeError::new("log", line_error(i, text))),
                    }
                }
                Err(_) => return Err(DecodeError::new("log", line_error(i, text))),
            };
            self.lines.push(log_line(l));
        }
        // Looks ahead for the end of the list, so the last step says so.
        while let Some(s) = self.scan {
            if self.spans.len() > self.lines.len() {
                break;
            }
            self.scan_next(s)?;
        }
        Ok(self.scan.is_none() && self.lines.len() == self.spans.len())
    }

    /// Bytes of the document read so far, of all its bytes.
    pub fn progress(&self) -> (usize, usize) {
        let read = match (self.frame.is_some(), self.lines.len()) {
            (true, n) if n == self.spans.len() => self.doc.len(),
            (_, 0) => 0,
            (_, n) => self.spans[n - 1].end,
        };
        (read, self.doc.len())
    }

    /// The log, with whatever lines were read.
    pub fn finish(self) -> Log {
        let (id, note) = self.frame.unwrap_or_default();
        Log {
            id,
            lines: self.lines,
            note,
        }
    }
}

fn log_line(l: LogLineDto) -> LogLine {
    LogLine {
        // A line with an unreadable timestamp or level still shows its message.
        at: l.at.as_deref().and_then(|s| parse_time("at", s).ok()),
        level: LogLevel::from_wire(&l.level).unwrap_or(LogLevel::Info),
        message: l.message,
    }
}

/// Why line `i` (JSON text that failed to read) cannot be read, at its
/// path in the document: "lines[2].message: expected a string, got a list".
fn line_error(i: usize, text: &[u8]) -> String {
    let mut de = serde_json::Deserializer::from_slice(text);
    match serde_path_to_error::deserialize::<_, LogLineDto>(&mut de) {
        Ok(_) => format!("lines[{i}]: unreadable line"),
        Err(e) => {
            let inner = humanize(&e.inner().to_string());
            match e.path().to_string().as_str() {
                "." | "" if inner.contains(": required, but missing") => {
                    format!("lines[{i}].{inner}")
                }
                "." | "" => format!("lines[{i}]: {inner}"),
                p if inner.contains(": required, but missing") => {
                    format!("lines[{i}].{p}.{inner}")
                }
                p => format!("lines[{i}].{p}: {inner}"),
            }
        }
    }
}

pub fn decode_log(text: &str) -> Result<Log, DecodeError> {
    let mut reader = LogReader::new(text.as_bytes())?;
    while !reader.step(usize::MAX)? {}
    Ok(reader.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn unknown_fields_are_ignored_and_unknown_status_kept() {
        let text = format!(
            r#"{{"id":"{ID}","environment":"prod","status":"exploded","start":"2026-11-20T00:00:00Z",
               "surprise":{{"x":1}},
               "executions":[{{"model":"a.b","status":"weird","start":"2026-11-20T00:00:01Z","end":"2026-11-20T00:00:21Z","extra":true}}]}}"#
        );
        let run = decode_run(&text).unwrap();
        assert_eq!(run.status, Status::Unknown("exploded".into()));
        assert_eq!(run.status.label(), "Unknown: exploded");
        assert_eq!(run.executions.len(), 1);
        assert_eq!(run.executions[0].status, Status::Unknown("weird".into()));
        assert_eq!(run.executions[0].duration, Some(Duration::seconds(20)));
        assert!(run.warnings.is_empty());
    }

    #[test]
    fn a_run_read_a_few_rows_at_a_time_is_the_run_read_at_once() {
        let text = format!(
            r#"{{"id":"{ID}","environment":"prod","status":"failed","start":"2026-11-20T00:00:00Z",
               "changes_since_previous":[{{"id":"p1","kind":"plan","start":"2026-11-19T00:00:00Z","added":["a"]}},7],
               "executions":[{{"model":"a","status":"complete","start":"yesterday"}},{{"model":"b","status":"failed"}},{{"model":"c","status":"skipped"}}],
               "audits":[{{"name":"x","model":"b","status":"failed","blocking":null}}],
               "models":[{{"name":"a"}},{{"name":"b","upstream":["a"]}},{{"name":"c","upstream":null}},{{"nom":"d"}}]}}"#
        );
        let whole = decode_run(&text).unwrap();
        assert_eq!(whole.executions.len(), 2);
        assert_eq!(whole.models.len(), 3);
        assert_eq!(whole.warnings.len(), 3, "{:?}", whole.warnings);
        for rows in [1, 2, 3, 7, 100] {
            let mut reader = RunReader::new(&text);
            assert_eq!(reader.progress(), (0, 0));
            let mut steps = 1;
            while !reader.step(rows).unwrap() {
                steps += 1;
                let (read, total) = reader.progress();
                assert!(read <= total && read <= steps * rows, "{rows}: {read}");
            }
            assert_eq!(reader.progress(), (10, 10));
            // Ten rows found (`SCAN_PER_ROW` times `rows` a step), then the
            // ten read and four section ends, `rows` at a time.
            assert!(
                steps <= 10usize.div_ceil(rows * SCAN_PER_ROW) + 14usize.div_ceil(rows) + 2,
                "{rows} rows a step: {steps} steps"
            );
            assert_eq!(reader.finish().unwrap(), whole, "{rows} rows a step");
        }
        // A document with no rows is read in two steps.
        let empty =
            format!(r#"{{"id":"{ID}","status":"complete","start":"2026-11-20T00:00:00Z"}}"#);
        let mut reader = RunReader::new(&empty);
        assert!(!reader.step(1).unwrap());
        assert!(reader.step(1).unwrap());
        assert_eq!(reader.finish().unwrap(), decode_run(&empty).unwrap());
        // A broken frame is refused at the step that reads it, with the
        // typed read's message.
        let bad = format!(r#"{{"id":"{ID}","start":17}}"#);
        let mut reader = RunReader::new(&bad);
        assert_eq!(
            reader.step(1).err().map(|e| e.to_string()),
            decode_run_whole(&bad).err().map(|e| e.to_string())
        );
        assert!(decode_run_whole(&bad).is_err());
    }

    /// `decode_run` (the scan) and `decode_run_whole` (the typed read) of
    /// `text`, read `rows` at a time, agree: the same run or the same message.
    fn same_read(text: &str, rows: usize) {
        let whole = decode_run_whole(text).map_err(|e| e.to_string());
        let mut reader = RunReader::new(text);
        let stepped = loop {
            match reader.step(rows) {
                Ok(true) => break Ok(()),
                Ok(false) => {}
                Err(e) => break Err(e.to_string()),
            }
        }
        .and_then(|()| reader.finish().map_err(|e| e.to_string()));
        assert_eq!(stepped, whole, "{rows} rows a step of {text:?}");
    }

    #[test]
    fn the_scanned_run_is_the_typed_read_of_the_document() {
        let row = r#"{"model":"a","status":"complete","start":"2026-11-20T00:00:00Z","error":"x \" ] } [ {"}"#;
        let head = format!(r#""id":"{ID}","start":"2026-11-20T00:00:00Z""#);
        let docs: Vec<String> = vec![
            format!("{{{head}}}"),
            format!("  {{ {head} , \"executions\" : [ {row} , {row} ] }}  \n"),
            format!(r#"{{{head},"executions":[]}}"#),
            format!(r#"{{{head},"executions":null,"models":[]}}"#),
            format!(r#"{{{head},"executions":17}}"#),
            format!(r#"{{{head},"executions":"x"}}"#),
            format!(r#"{{{head},"executions":{{"a":[1]}}}}"#),
            format!(r#"{{{head},"executions":[{row}],"executions":[{row}]}}"#),
            format!(r#"{{{head},"executions":[{row}],"executions":null}}"#),
            format!(r#"{{{head},"exec\u0075tions":[{row},{row}]}}"#),
            format!(r#"{{{head},"unknown":[[[{{"x":"]"}}]]],"executions":[{row}]}}"#),
            format!(r#"{{{head},"executions":[{row}]}} trailing"#),
            format!(r#"{{{head},"executions":[{row}]}}}}"#),
            format!(r#"{{{head},"executions":[{row} {row}]}}"#),
            format!(r#"{{{head},"executions":[{row},]}}"#),
            format!(r#"{{{head},"executions":[,{row}]}}"#),
            format!(r#"{{{head},"executions":[{{"model":tru}}]}}"#),
            format!(r#"{{{head},"executions":[{{"model":"a","status":01}}]}}"#),
            format!(r#"{{{head},"executions":[7,"x",null,[],{{}}]}}"#),
            format!(r#"{{{head},"executions":[{{"model":"a\x"}}]}}"#),
            format!(r#"{{{head},"executions":[{{"model":"a}}]}}"#),
            format!(r#"{{{head},"executions":[{row}],}}"#),
            format!(r#"{{{head} "executions":[{row}]}}"#),
            format!(r#"{{{head},"executions" [{row}]}}"#),
            format!(r#"{{{head},executions:[{row}]}}"#),
            format!(r#"{{"executions":[{row}],{head}}}"#),
            format!(r#"{{"executions":[{row}]}}"#),
            format!(r#"{{{head},"start":"2026-11-21T00:00:00Z","executions":[{row}]}}"#),
            format!(r#"{{"id":"bad id","start":"2026-11-20T00:00:00Z","executions":[{row}]}}"#),
            format!(
                r#"{{{head},"models":[{{"name":"a","upstream":["b"]}},{{"nom":1}}],"audits":[{{"name":"x","model":"a","status":"failed"}}],"changes_since_previous":[1]}}"#
            ),
            format!(
                "{{{head},\"executions\":[{}{{}}{}]}}",
                "[".repeat(99),
                "]".repeat(99)
            ),
            format!(
                "{{{head},\"executions\":[{}{{}}{}]}}",
                "[".repeat(125),
                "]".repeat(125)
            ),
            format!(
                "{{{head},\"executions\":[{}{{}}{}]}}",
                "[".repeat(126),
                "]".repeat(126)
            ),
            format!(
                "{{{head},\"executions\":[{}{{}}{}]}}",
                "[".repeat(127),
                "]".repeat(127)
            ),
            format!(
                "{{{head},\"executions\":[{}{{}}{}]}}",
                "[".repeat(140),
                "]".repeat(140)
            ),
            // Found by the fuzzer: a bad frame and a row that is not JSON
            // (a raw control character): the typed read's "invalid JSON".
            format!(
                "{{\"id\":\"bad id\",\"start\":\"2026-11-20T00:00:00Z\",\"executions\":[{{\"model\":\"a\u{1}\"}}]}}"
            ),
            format!(
                "{{{head},\"end\":\"2026-31-23T02:02:19Z\",\"models\":[{{\"name\":\"a\tb\"}}]}}"
            ),
            "[]".into(),
            "\"run\"".into(),
            "".into(),
            "{}".into(),
            "{".into(),
            "<html><title>Sign in</title></html>".into(),
        ];
        for doc in &docs {
            for rows in [1, 2, 5, usize::MAX] {
                same_read(doc, rows);
            }
        }
        // Every prefix of a document, and every document with one byte gone.
        let full = &docs[1];
        for cut in 0..full.len() {
            if full.is_char_boundary(cut) {
                same_read(&full[..cut], 1);
                let mut gone = full.clone();
                gone.remove(cut);
                same_read(&gone, 2);
            }
        }
        // The demo's runs: tests/demo_snapshot.rs.
    }

    #[test]
    fn bad_row_is_dropped_with_a_warning() {
        let text = format!(
            r#"{{"id":"{ID}","environment":"prod","status":"complete","start":"2026-11-20T00:00:00Z",
               "executions":[{{"model":"a","status":"complete","start":"yesterday"}},{{"model":"b","status":"complete"}}]}}"#
        );
        let run = decode_run(&text).unwrap();
        assert_eq!(run.executions.len(), 1);
        assert_eq!(run.executions[0].model, "b");
        assert_eq!(
            run.warnings,
            vec![
                "executions[0].start: expected an RFC 3339 time, got \"yesterday\" (row skipped)"
                    .to_string()
            ]
        );
    }

    #[test]
    fn malformed_rows_and_absurd_durations_do_not_break_the_run() {
        let text = format!(
            r#"{{"id":"{ID}","environment":"prod","status":null,"start":"2026-11-20T00:00:00Z",
               "executions":[{{"model":"a","status":null}},{{"model":"b","status":"complete","duration_ms":9223372036854775807}},
                             {{"model":"c","status":"failed","duration_ms":1.5}}],
               "audits":[{{"name":"x","model":"a","status":"failed","failing_rows":-1}},{{"name":"y","model":"a","status":"complete"}}]}}"#
        );
        let run = decode_run(&text).unwrap();
        assert_eq!(run.status, Status::Unknown("unknown".into()));
        assert_eq!(
            run.executions
                .iter()
                .map(|e| e.model.as_str())
                .collect::<Vec<_>>(),
            ["b"]
        );
        assert_eq!(run.executions[0].duration, None);
        assert_eq!(run.audits.len(), 1);
        assert_eq!(run.warnings.len(), 3);
        assert_eq!(
            run.warnings,
            [
                "executions[0].status: expected a string, got null (row skipped)",
                "executions[2].duration_ms: expected a whole number, got 1.5 (row skipped)",
                "audits[0].failing_rows: expected a whole number, 0 or more, got -1 (row skipped)"
            ]
        );
        let a = decode_activity(
            r#"{"environment":"prod","activity":[{"id":"0123456789abcdef0123456789abcdef","kind":"run","status":"complete","start":"2026-11-20T00:00:00Z","duration_ms":-3},{"id":5}]}"#,
        )
        .unwrap();
        assert_eq!(a.activity.len(), 1);
        assert_eq!(a.activity[0].duration, None);
        assert_eq!(a.warnings.len(), 1);
        let envs = decode_environments(r#"{"environments":[{"name":"prod","model_count":-1},{"name":"dev","kind":"dev","model_count":3},{"name":""}]}"#).unwrap();
        assert_eq!(
            envs.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            ["dev"]
        );
    }

    #[test]
    fn invalid_id_and_bad_json_are_clear_errors() {
        let e = decode_run(r#"{"id":"xyz","environment":"prod","status":"complete","start":"2026-11-20T00:00:00Z"}"#)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "The run xyz could not be read: id: \"xyz\" is not a 32-character hexadecimal id"
        );
        let e = decode_run("<!doctype html>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "The run could not be read: the API answered with a web page instead of JSON"
        );
        let e = decode_run(r#"{"id":"0123"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("The run could not be read: invalid JSON (EOF while parsing"),
            "{e}"
        );
    }

    #[test]
    fn wrong_types_name_the_document_the_path_and_what_was_expected() {
        // Finding 10: a type error in valid JSON is not "invalid JSON".
        let doc = format!(r#"{{"id":"{ID}","environment":"prod","status":"complete","start":17}}"#);
        let e = decode_run(&doc).unwrap_err();
        assert_eq!(
            e.in_document("environments/prod/runs/x.json").to_string(),
            "The run could not be read: environments/prod/runs/x.json: start: expected an RFC 3339 time, got 17"
        );
        let e = decode_run(&format!(
            r#"{{"id":"{ID}","environment":"prod","status":"complete"}}"#
        ))
        .unwrap_err();
        assert_eq!(e.message, "start: required, but missing");
        let e = decode_run(&format!(
            r#"{{"id":"{ID}","environment":"prod","status":"complete","start":"2026-11-20T00:00:00Z","executions":{{}}}}"#
        ))
        .unwrap_err();
        assert_eq!(e.message, "executions: expected a list, got an object");
        let e =
            decode_log(r#"{"id":"l","lines":[{"message":"a"},{"message":"b"},{"message":[1]}]}"#)
                .unwrap_err();
        assert_eq!(e.message, "lines[2].message: expected a string, got a list");
        let e = decode_environments(r#"{"environments":{"name":"x"}}"#).unwrap_err();
        assert_eq!(e.message, "environments: expected a list, got an object");
        // A bad row names its path and is skipped.
        let run = decode_run(&format!(
            r#"{{"id":"{ID}","environment":"prod","status":"complete","start":"2026-11-20T00:00:00Z",
               "audits":[{{"name":"a","model":"m","status":"complete"}},{{"name":"b","model":"m","status":"complete"}},
                         {{"name":"c","model":"m","status":"complete"}},{{"name":"d","model":"m","status":"complete","start":17}}],
               "models":[{{"name":"m","intervals":[{{"start":"2026-11-20T00:00:00Z","end":true}}]}}]}}"#
        ))
        .unwrap();
        assert_eq!(
            run.warnings,
            [
                "audits[3].start: expected an RFC 3339 time, got 17 (row skipped)",
                "models[0].intervals[0].end: expected an RFC 3339 time, got true (row skipped)"
            ]
        );
        assert_eq!(run.audits.len(), 3);
    }

    #[test]
    fn duration_falls_back_to_duration_ms_and_rejects_negative() {
        assert_eq!(
            duration_of(None, None, Some(1500)),
            Some(Duration::milliseconds(1500))
        );
        assert_eq!(duration_of(None, None, Some(-5)), None);
        let s = parse_time("s", "2026-01-01T00:00:10Z").unwrap();
        let e = parse_time("e", "2026-01-01T00:00:00Z").unwrap();
        // end before start: not a real duration; fall back to the API figure.
        assert_eq!(duration_of(Some(s), Some(e), None), None);
    }

    #[test]
    fn a_log_read_a_few_lines_at_a_time_is_the_log_read_at_once() {
        let text = r#"{"id":"l1","note":" ","lines":[
            {"at":"2026-11-20T00:00:00Z","level":"warning","message":"a"},
            {"at":17,"level":null,"message":"numeric at, null level"},
            {"at":"nope","level":"???","message":"b"},
            {"at":null,"level":["x"],"message":null},
            {"level":"ERROR"},
            {"at":"2026-11-20T00:00:01.5+02:00","level":" debug ","message":"caf\u00e9 \"q\"\n2nd","extra":{"x":[1]}},
            {"at":"2026-11-20T00:00:02Z","level":"info","message":"c"}]}"#;
        let whole = decode_log(text).unwrap();
        assert_eq!(whole.id, "l1");
        assert_eq!(whole.note, None);
        let at = |s| Some(parse_time("t", s).unwrap());
        assert_eq!(
            whole
                .lines
                .iter()
                .map(|l| (l.at, l.level, l.message.as_str()))
                .collect::<Vec<_>>(),
            [
                (at("2026-11-20T00:00:00Z"), LogLevel::Warn, "a"),
                (None, LogLevel::Info, "numeric at, null level"),
                (None, LogLevel::Info, "b"),
                (None, LogLevel::Info, ""),
                (None, LogLevel::Error, ""),
                (
                    at("2026-11-19T22:00:01.5Z"),
                    LogLevel::Debug,
                    "caf\u{e9} \"q\"\n2nd"
                ),
                (at("2026-11-20T00:00:02Z"), LogLevel::Info, "c"),
            ]
        );
        for lines in [1, 2, 3, 7, 100] {
            let mut reader = LogReader::new(text.as_bytes()).unwrap();
            assert_eq!(reader.progress(), (0, text.len()));
            let mut steps = 1;
            while !reader.step(lines).unwrap() {
                // Up to the end of the last line read.
                let (read, total) = reader.progress();
                assert_eq!(total, text.len());
                assert_eq!(
                    text[..read].matches("\"level\"").count(),
                    (steps * lines).min(7),
                    "{lines}: {read}"
                );
                assert!(text[..read].ends_with('}'), "{lines}: {read}");
                steps += 1;
            }
            assert_eq!(reader.progress(), (text.len(), text.len()));
            assert_eq!(steps, 7usize.div_ceil(lines), "{lines} lines a step");
            assert_eq!(reader.finish(), whole, "{lines} lines a step");
        }
        // No lines (absent or null): one step.
        for empty in [
            r#"{"id":"e","note":"kept"}"#,
            r#"{"id":"e","lines":null,"note":"kept"}"#,
        ] {
            let mut reader = LogReader::new(empty.as_bytes()).unwrap();
            assert_eq!(reader.step(1), Ok(true));
            let log = reader.finish();
            assert_eq!((log.lines.len(), log.note.as_deref()), (0, Some("kept")));
            assert_eq!(decode_log(empty).unwrap(), log);
        }
    }

    #[test]
    fn a_bad_log_line_fails_the_log_at_its_step_with_its_path() {
        let text = r#"{"id":"l","lines":[{"message":"a"},{"message":"b"},{"message":[1]},{"message":"d"}]}"#;
        let message = "lines[2].message: expected a string, got a list";
        assert_eq!(decode_log(text).unwrap_err().message, message);
        for lines in [1, 2, 3, 7, 100] {
            let mut reader = LogReader::new(text.as_bytes()).unwrap();
            let mut good = 0;
            let e = loop {
                match reader.step(lines) {
                    Ok(false) => good += lines,
                    Ok(true) => panic!("{lines}: read a bad line"),
                    Err(e) => break e,
                }
            };
            // The steps before the bad line's succeed.
            assert_eq!(good, (2 / lines) * lines, "{lines}");
            assert_eq!(
                e.to_string(),
                format!("The log could not be read: {message}")
            );
        }
        let one = |line: &str| {
            decode_log(&format!(
                r#"{{"id":"l","lines":[{{"message":"a"}},{line}]}}"#
            ))
            .unwrap_err()
            .message
        };
        assert_eq!(one("7"), "lines[1]: expected an object, got 7");
        assert_eq!(one("null"), "lines[1]: expected an object, got null");
        assert_eq!(
            one(r#"{"message":true}"#),
            "lines[1].message: expected a string, got true"
        );
        // The frame's own errors, as before.
        let frame = |t: &str| decode_log(t).unwrap_err().to_string();
        assert_eq!(
            frame(r#"{"lines":[]}"#),
            "The log could not be read: id: required, but missing"
        );
        assert_eq!(
            frame(r#"{"id":"l","lines":{"message":"a"}}"#),
            "The log could not be read: lines: expected a list, got an object"
        );
        assert_eq!(
            frame(r#"{"id":"l","lines":[],"note":5}"#),
            "The log could not be read: note: expected a string, got 5"
        );
        assert!(frame(r#"{"id":"l","lines":[{"message":"a"}"#)
            .starts_with("The log could not be read: invalid JSON (EOF while parsing"),);
        assert_eq!(
            frame("<html>"),
            "The log could not be read: the API answered with a web page instead of JSON"
        );
    }

    /// The log read the way it was before `LogReader`: one typed read.
    fn decode_log_typed(text: &str) -> Result<Log, DecodeError> {
        let doc: LogDoc = parse_json("log", text)?;
        Ok(Log {
            id: doc.id,
            lines: doc
                .lines
                .into_iter()
                .map(|l| LogLine {
                    at: l.at.as_deref().and_then(|s| parse_time("at", s).ok()),
                    level: LogLevel::from_wire(&l.level).unwrap_or(LogLevel::Info),
                    message: l.message,
                })
                .collect(),
            note: non_empty(doc.note),
        })
    }

    #[test]
    fn the_scanned_log_is_the_typed_read_of_the_document() {
        let line = r#"{"at":"2026-11-20T00:00:00Z","level":"info","message":"m"}"#;
        let docs = [
            // Shapes the scan follows: members around the list, brackets,
            // braces, quotes and backslashes inside strings, nested values.
            format!(r#"{{"id":"a","lines":[{line},{line}]}}"#),
            format!(" \n{{ \"id\" : \"a\" ,\n \"lines\" :\n [ {line} ,\n\t{line} ] , \"note\" : \"n\" }} \n"),
            format!(r#"{{"note":"before [ {{ \"","x":[1,{{"y":"]"}}],"id":"a","lines":[{line}],"z":null}}"#),
            r#"{"id":"a","lines":[{"message":"a ] } [ { \\","level":"warn"},{"message":"\"quoted\" \\\"","x":{"a":[[],{}]}},{"message":"caf\u00e9 ü 𝄞"}]}"#.to_string(),
            r#"{"id":"a","lines":[{"at":17,"level":null,"message":null},{"at":null,"level":["x"]},{},{"message":"ok"}]}"#.to_string(),
            r#"{"id":"a","lines":[]}"#.to_string(),
            r#"{"id":"a","lines":[ ]}"#.to_string(),
            r#"{"id":"a","lines":null,"note":"kept"}"#.to_string(),
            r#"{"id":"a"}"#.to_string(),
            r#"{"lin\u0065s":[{"message":"escaped key"}],"id":"a"}"#.to_string(),
            // Broken documents, broken lines and wrong types, each with the message of the typed read.
            r#"{"id":"a","lines":[{"message":"a"},{"message":[1]}]}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a"},7]}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a"},]}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a"} {"message":"b"}]}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a"},{"message":"b}]}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a",}]}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a"},{"message":"b"}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a"}],"note":5}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a"}] "note":"n"}"#.to_string(),
            r#"{"id":"a","lines":[],"lines":[]}"#.to_string(),
            r#"{"id":"a","lines":{"message":"a"}}"#.to_string(),
            r#"{"lines":[{"message":"a"}]}"#.to_string(),
            r#"{"id":5,"lines":[]}"#.to_string(),
            r#"{"id":"a","lines":[{"message":"a"}]} trailing"#.to_string(),
            r#"[{"message":"a"}]"#.to_string(),
            "\u{feff}{\"id\":\"bom\",\"lines\":[]}".to_string(),
            "<!doctype html><title>Login</title>".to_string(),
            String::new(),
        ];
        for doc in &docs {
            let typed = decode_log_typed(doc.trim_start_matches('\u{feff}'));
            assert_eq!(decode_log(doc), typed, "{doc}");
            for lines in [1, 2, 3, 7, 100] {
                let stepped = LogReader::new(doc.as_bytes()).and_then(|mut r| {
                    let mut last = r.progress();
                    while !r.step(lines)? {
                        assert!(r.progress() >= last && r.progress().0 < doc.len(), "{doc}");
                        last = r.progress();
                    }
                    assert_eq!(r.progress(), (r.doc.len(), r.doc.len()));
                    Ok(r.finish())
                });
                assert_eq!(stepped, typed, "{lines} lines a step: {doc}");
            }
        }
        // Bytes that are not UTF-8 (in a line, in the frame) read as the
        // text `Response.text()` makes of them, U+FFFD for each bad byte.
        for bad in [
            &b"{\"id\":\"a\",\"lines\":[{\"message\":\"ok\"},{\"message\":\"bad \xff\xfe!\"}]}"[..],
            b"{\"id\":\"a\xff\",\"lines\":[{\"message\":\"ok\"}]}",
            b"{\"id\":\"a\",\"lines\":[{\"message\":\"\xff\"},{\"message\":[1]}]}",
            b"{\"id\":\"a\",\"lines\":[{\"message\":\"\xff\"}\xff]}",
        ] {
            let typed = decode_log_typed(&String::from_utf8_lossy(bad));
            for lines in [1, 2, 100] {
                let stepped = LogReader::new(bad).and_then(|mut r| {
                    while !r.step(lines)? {}
                    Ok(r.finish())
                });
                assert_eq!(stepped, typed, "{lines}: {}", String::from_utf8_lossy(bad));
            }
        }
        assert_eq!(
            LogReader::new(b"{\"id\":\"a\",\"lines\":[{\"message\":\"bad \xff!\"}]}")
                .and_then(|mut r| r.step(10).map(|_| r.finish()))
                .unwrap()
                .lines[0]
                .message,
            "bad \u{fffd}!"
        );
        assert_eq!(
            decode_log(&docs[3]).unwrap().lines[1].message,
            "\"quoted\" \\\""
        );
        assert_eq!(
            decode_log(&docs[12]).unwrap_err().to_string(),
            "The log could not be read: invalid JSON (trailing comma at line 1 column 36)"
        );
    }

    #[test]
    fn log_levels_and_times_degrade_gracefully() {
        let log = decode_log(
            r#"{"id":"l1","lines":[{"at":"2026-11-20T00:00:00Z","level":"warning","message":"a"},{"at":"nope","level":"???","message":"b"}]}"#,
        )
        .unwrap();
        assert_eq!(log.lines[0].level, LogLevel::Warn);
        assert!(log.lines[0].at.is_some());
        assert_eq!(log.lines[1].level, LogLevel::Info);
        assert_eq!(log.lines[1].at, None);
        assert_eq!(log.lines[1].message, "b");
    }
}
