//! The app's URLs: paths of every page and the state the run page keeps in
//! its query string. The Leptos route table (`Routes` in `app::Shell`,
//! src/app/mod.rs) matches these same paths; every link in the app is built here.

use super::columns::ActivityFilter;
use super::history::UsualFilter;
use super::logview::LogState;
use super::model::Execution;
use super::table::{Sort, TableQuery};
use super::timeline::Rows;

pub fn environments() -> String {
    "/".to_string()
}

pub fn environment(env: &str) -> String {
    format!("/environments/{}", encode(env))
}

pub fn run(env: &str, run_id: &str) -> String {
    format!("/environments/{}/runs/{}", encode(env), encode(run_id))
}

/// The pages of the route table, each a part of the app's WebAssembly of its
/// own (fetched when first needed; see scripts/split-wasm.mjs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Environments,
    Environment,
    Run,
    /// No page lives at the path (the table's fallback, in the main part).
    None,
}

/// The page the route table opens at `path` (as `app::Shell` declares it:
/// `/`, `/environments`, `/environments/:env`,
/// `/environments/:env/runs/:run_id`; one trailing slash is ignored).
pub fn page_of(path: &str) -> Page {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    match segments.as_slice() {
        [""] | ["environments"] => Page::Environments,
        ["environments", env] if !env.is_empty() => Page::Environment,
        ["environments", env, "runs", id] if !env.is_empty() && !id.is_empty() => Page::Run,
        _ => Page::None,
    }
}

/// Whether `id`, taken from a URL, is a run id (32 hexadecimal
/// characters). Checked before any request: a malformed id is a not-found
/// page, never a fetch of some other document.
pub fn is_run_id(id: &str) -> bool {
    super::model::RunId::parse(id).is_ok()
}

/// Whether a name taken from a URL (an environment, a log id) may become one
/// segment of a request path: not empty, no `/` or `\` (a host that decodes
/// `%2F` would otherwise walk to another document), not `.` or `..`, no
/// control characters.
pub fn is_path_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.chars().any(|c| c == '/' || c == '\\' || c.is_control())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RunTab {
    #[default]
    Executions,
    Audits,
    Explore,
    Timeline,
}

impl RunTab {
    pub const ALL: [RunTab; 4] = [
        RunTab::Executions,
        RunTab::Audits,
        RunTab::Explore,
        RunTab::Timeline,
    ];
    pub fn key(self) -> &'static str {
        match self {
            RunTab::Executions => "executions",
            RunTab::Audits => "audits",
            RunTab::Explore => "explore",
            RunTab::Timeline => "timeline",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RunTab::Executions => "Model Executions",
            RunTab::Audits => "Audits",
            RunTab::Explore => "Explore Executions",
            RunTab::Timeline => "Timeline",
        }
    }
    pub fn parse(s: &str) -> RunTab {
        match s {
            "audits" => RunTab::Audits,
            "explore" => RunTab::Explore,
            "timeline" => RunTab::Timeline,
            _ => RunTab::Executions,
        }
    }
}

/// The tabs of a model's details in Explore Executions (`mtab=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ModelTab {
    #[default]
    Overview,
    Impact,
    Definition,
    Schema,
    Intervals,
    Log,
}

impl ModelTab {
    pub const ALL: [ModelTab; 6] = [
        ModelTab::Overview,
        ModelTab::Impact,
        ModelTab::Definition,
        ModelTab::Schema,
        ModelTab::Intervals,
        ModelTab::Log,
    ];
    pub fn key(self) -> &'static str {
        match self {
            ModelTab::Overview => "overview",
            ModelTab::Impact => "impact",
            ModelTab::Definition => "definition",
            ModelTab::Schema => "schema",
            ModelTab::Intervals => "intervals",
            ModelTab::Log => "log",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ModelTab::Overview => "Overview",
            ModelTab::Impact => "Impact",
            ModelTab::Definition => "Definition",
            ModelTab::Schema => "Schema",
            ModelTab::Intervals => "Intervals",
            ModelTab::Log => "Log",
        }
    }
    pub fn parse(s: &str) -> ModelTab {
        ModelTab::ALL
            .into_iter()
            .find(|t| t.key() == s)
            .unwrap_or_default()
    }
}

/// Which part of the graph Explore Executions shows around the selection (`hood=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Hood {
    #[default]
    Everything,
    /// The selected model and its direct neighbours.
    OneHop,
    /// The selected model with all its ancestors and descendants.
    Lineage,
}

impl Hood {
    pub fn key(self) -> &'static str {
        match self {
            Hood::Everything => "",
            Hood::OneHop => "1",
            Hood::Lineage => "all",
        }
    }
    pub fn parse(s: &str) -> Hood {
        match s {
            "1" => Hood::OneHop,
            "all" => Hood::Lineage,
            _ => Hood::Everything,
        }
    }
}

/// Everything about the run page a user would want to share in a link.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RunView {
    pub tab: RunTab,
    /// Model Executions: `q`, `status`, `sort`.
    pub executions: TableQuery,
    /// `exec`: the model whose execution details (full error, log) are open.
    pub detail: Option<String>,
    /// Explore Executions: `model` (selected), `mtab` (details tab), `hood`.
    pub model: Option<String>,
    pub model_tab: ModelTab,
    pub hood: Hood,
    /// Explore Executions: the model list's search (`mq`).
    pub model_query: String,
    /// Audits: `aq`, `astatus`, `asort`, `blocking=1`, and `audit` (the
    /// audit whose details are open, as `model::name`).
    pub audits: TableQuery,
    pub blocking_only: bool,
    pub audit: Option<String>,
    /// The open log: `lvl` (minimum level), `lq` (search), `line` (1-based line link).
    pub log: LogState,
    /// Timeline: rows by lineage layer or by concurrent slot (`rows`).
    pub timeline_rows: Rows,
    /// Model Executions: a history chip (`usual=new|slower`).
    pub usual: Option<UsualFilter>,
}

/// The `exec=` key of each execution: its model name, or
/// `model@<interval start>` when the model ran for several intervals; when
/// that still repeats (no interval, or the same interval twice), the second
/// and later ones get `#2`, `#3`… so every execution has its own key.
pub fn exec_keys(execs: &[Execution]) -> Vec<String> {
    keys_of(execs.iter())
}

fn keys_of<'a>(execs: impl Iterator<Item = &'a Execution> + Clone) -> Vec<String> {
    use std::collections::HashMap;
    let mut count: HashMap<&str, usize> = HashMap::new();
    for e in execs.clone() {
        *count.entry(e.model.as_str()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    execs
        .map(|e| {
            let base = match (count[e.model.as_str()] > 1, e.interval_start) {
                (true, Some(t)) => format!(
                    "{}@{}",
                    e.model,
                    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
                _ => e.model.clone(),
            };
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base}#{n}")
            }
        })
        .collect()
}

/// The execution an `exec=` key names: the exact key; for a bare model
/// name, that model's failed execution, else its first one.
pub fn find_exec(execs: &[Execution], key: &str) -> Option<usize> {
    keys_among(execs, &key_models(key))
        .into_iter()
        .filter(|(_, k)| k == key)
        .map(|(i, _)| i)
        .min()
        .or_else(|| {
            let of_model = |i: &usize| execs[*i].model == key;
            (0..execs.len())
                .filter(of_model)
                .find(|&i| execs[i].status == super::model::Status::Failed)
                .or_else(|| (0..execs.len()).find(of_model))
        })
}

/// `exec_keys(execs)[row]`, without the others' keys (one pass over the
/// executions rather than a string and two map entries each).
pub fn exec_key(execs: &[Execution], row: usize) -> Option<String> {
    let model = execs.get(row)?.model.as_str();
    let several = execs.iter().filter(|e| e.model == model).nth(1).is_some();
    let key = match (several, execs[row].interval_start) {
        (true, Some(t)) => format!(
            "{model}@{}",
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        _ => model.to_string(),
    };
    let mut models = key_models(&key);
    models.push(model);
    keys_among(execs, &models)
        .into_iter()
        .find(|(i, _)| *i == row)
        .map(|(_, k)| k)
}

/// The models whose executions can have the key `key` (or a key whose
/// base, before `#n`, is `key`): every execution with a given key is of
/// one of these.
fn key_models(key: &str) -> Vec<&str> {
    let mut bases = vec![key];
    if let Some((b, n)) = key.rsplit_once('#') {
        if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) {
            bases.push(b);
        }
    }
    let mut models = bases.clone();
    for b in bases {
        if let Some((m, _)) = b.rsplit_once('@') {
            models.push(m);
        }
    }
    models
}

/// The keys `exec_keys` gives the executions of `models` (row, key): a
/// key depends only on the executions with the same base, which are all
/// of these models when the key's base is one of `key_models`.
fn keys_among(execs: &[Execution], models: &[&str]) -> Vec<(usize, String)> {
    let rows: Vec<usize> = (0..execs.len())
        .filter(|&i| models.contains(&execs[i].model.as_str()))
        .collect();
    let keys = keys_of(rows.iter().map(|&i| &execs[i]));
    rows.into_iter().zip(keys).collect()
}

/// The `audit=` key of an audit.
pub fn audit_key(model: &str, name: &str) -> String {
    format!("{model}::{name}")
}

fn table_from(get: &impl Fn(&str) -> Option<String>, prefix: &str) -> TableQuery {
    let key = |k: &str| format!("{prefix}{k}");
    TableQuery {
        text: get(&key("q")).unwrap_or_default(),
        statuses: get(&key("status"))
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
        sort: get(&key("sort")).and_then(|s| Sort::parse(&s)),
    }
}

fn table_to(q: &TableQuery, prefix: &str, out: &mut Vec<(String, String)>) {
    if !q.text.is_empty() {
        out.push((format!("{prefix}q"), q.text.clone()));
    }
    if !q.statuses.is_empty() {
        out.push((format!("{prefix}status"), q.statuses.join(",")));
    }
    if let Some(s) = &q.sort {
        out.push((format!("{prefix}sort"), s.to_param()));
    }
}

impl RunView {
    /// Reads the view from decoded query parameters.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> RunView {
        RunView {
            tab: get("tab").map(|t| RunTab::parse(&t)).unwrap_or_default(),
            executions: table_from(&get, ""),
            detail: get("exec").filter(|s| !s.is_empty()),
            model: get("model").filter(|s| !s.is_empty()),
            model_tab: get("mtab").map(|t| ModelTab::parse(&t)).unwrap_or_default(),
            hood: get("hood").map(|h| Hood::parse(&h)).unwrap_or_default(),
            model_query: get("mq").unwrap_or_default(),
            audits: table_from(&get, "a"),
            blocking_only: get("blocking").is_some_and(|b| b == "1"),
            audit: get("audit").filter(|s| !s.is_empty()),
            log: LogState::from_query(&get),
            timeline_rows: get("rows")
                .and_then(|r| Rows::parse(&r))
                .unwrap_or_default(),
            usual: get("usual").and_then(|u| UsualFilter::parse(&u)),
        }
    }

    /// `?tab=audits&q=orders&status=failed&sort=-duration`, or "" for the default view.
    pub fn to_query(&self) -> String {
        let mut pairs = Vec::new();
        if self.tab != RunTab::Executions {
            pairs.push(("tab".to_string(), self.tab.key().to_string()));
        }
        table_to(&self.executions, "", &mut pairs);
        if let Some(d) = &self.detail {
            pairs.push(("exec".to_string(), d.clone()));
        }
        if let Some(m) = &self.model {
            pairs.push(("model".to_string(), m.clone()));
        }
        if self.model_tab != ModelTab::Overview {
            pairs.push(("mtab".to_string(), self.model_tab.key().to_string()));
        }
        if self.hood != Hood::Everything {
            pairs.push(("hood".to_string(), self.hood.key().to_string()));
        }
        if !self.model_query.is_empty() {
            pairs.push(("mq".to_string(), self.model_query.clone()));
        }
        table_to(&self.audits, "a", &mut pairs);
        if self.blocking_only {
            pairs.push(("blocking".to_string(), "1".to_string()));
        }
        if let Some(a) = &self.audit {
            pairs.push(("audit".to_string(), a.clone()));
        }
        self.log.to_query(&mut pairs);
        if let Some(u) = self.usual {
            pairs.push(("usual".to_string(), u.key().to_string()));
        }
        if self.timeline_rows != Rows::default() {
            pairs.push(("rows".to_string(), self.timeline_rows.key().to_string()));
        }
        query_string(&pairs)
    }

    /// The view that shows `model` in Explore Executions, keeping the
    /// tables' filters but closing drawers and log line links.
    pub fn explore(&self, model: &str) -> RunView {
        RunView {
            tab: RunTab::Explore,
            model: Some(model.to_string()),
            detail: None,
            audit: None,
            log: LogState {
                line: None,
                ..self.log.clone()
            },
            ..self.clone()
        }
    }
}

/// Link to `model` in Explore Executions of `run`, keeping the rest of `view`.
pub fn model_href(run: &super::model::Run, view: &RunView, model: &str) -> String {
    format!(
        "{}{}",
        self::run(&run.environment, run.id.as_str()),
        view.explore(model).to_query()
    )
}

/// The environment page's state in its query string: the Recent Activity
/// table (`q`, `status`, `sort`) and the activity type (`kind=run|plan`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EnvView {
    pub activity: TableQuery,
    pub kind: ActivityFilter,
}

impl EnvView {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> EnvView {
        EnvView {
            activity: table_from(&get, ""),
            kind: get("kind")
                .map(|k| ActivityFilter::parse(&k))
                .unwrap_or_default(),
        }
    }
    pub fn to_query(&self) -> String {
        let mut pairs = Vec::new();
        table_to(&self.activity, "", &mut pairs);
        if self.kind != ActivityFilter::All {
            pairs.push(("kind".to_string(), self.kind.key().to_string()));
        }
        query_string(&pairs)
    }
}

/// `?k=v&k2=v2` with both sides percent-encoded; "" when empty.
pub fn query_string(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("?{}", body.join("&"))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_of_matches_the_route_table() {
        use super::{page_of, Page};
        assert_eq!(page_of("/"), Page::Environments);
        assert_eq!(page_of("/environments"), Page::Environments);
        assert_eq!(page_of("/environments/"), Page::Environments);
        assert_eq!(page_of("/environments/prod"), Page::Environment);
        assert_eq!(page_of("/environments/prod/"), Page::Environment);
        assert_eq!(page_of("/environments/prod/runs/05fabb3d"), Page::Run);
        assert_eq!(page_of(&super::run("a b", "x")), Page::Run);
        assert_eq!(page_of(&super::environment("dev")), Page::Environment);
        assert_eq!(page_of(&super::environments()), Page::Environments);
        for none in [
            "",
            "/x",
            "/environments//runs/1",
            "/environments/prod/runs",
            "/environments/prod/runs/1/x",
            "/environments/prod/x/1",
        ] {
            assert_eq!(page_of(none), Page::None, "{none}");
        }
    }

    use super::*;
    use crate::core::model::LogLevel;
    use std::collections::HashMap;

    #[test]
    fn ids_from_urls_are_checked_before_requests() {
        assert!(is_run_id("0123456789abcdef0123456789ABCDEF"));
        for bad in [
            "",
            "abc",
            "../../environments",
            "..%2F..%2Fenvironments",
            "0123456789abcdef0123456789abcdeg",
        ] {
            assert!(!is_run_id(bad), "{bad}");
        }
        assert!(is_path_segment("prod"));
        assert!(is_path_segment("my env"));
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "a\u{0}b"] {
            assert!(!is_path_segment(bad), "{bad:?}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(environments(), "/");
        assert_eq!(environment("prod"), "/environments/prod");
        assert_eq!(environment("my env/x"), "/environments/my%20env%2Fx");
        assert_eq!(run("prod", "abc"), "/environments/prod/runs/abc");
    }

    #[test]
    fn run_view_round_trips_through_the_query() {
        let v = RunView {
            tab: RunTab::Executions,
            executions: TableQuery {
                text: "fct orders&x".into(),
                statuses: vec!["failed".into(), "skipped".into()],
                sort: Sort::parse("-duration"),
            },
            detail: Some("marts.fct_orders".into()),
            ..Default::default()
        };
        let q = v.to_query();
        assert_eq!(
            q,
            "?q=fct%20orders%26x&status=failed%2Cskipped&sort=-duration&exec=marts.fct_orders"
        );
        // What the router hands back after decoding.
        let decoded: HashMap<&str, &str> = [
            ("q", "fct orders&x"),
            ("status", "failed,skipped"),
            ("sort", "-duration"),
            ("exec", "marts.fct_orders"),
        ]
        .into();
        let back = RunView::from_query(|k| decoded.get(k).map(|s| s.to_string()));
        assert_eq!(back, v);
    }

    #[test]
    fn explore_state_round_trips() {
        let v = RunView::default().explore("marts.fct_orders");
        let v = RunView {
            model_tab: ModelTab::Impact,
            hood: Hood::Lineage,
            ..v
        };
        assert_eq!(
            v.to_query(),
            "?tab=explore&model=marts.fct_orders&mtab=impact&hood=all"
        );
        let decoded: HashMap<&str, &str> = [
            ("tab", "explore"),
            ("model", "marts.fct_orders"),
            ("mtab", "impact"),
            ("hood", "all"),
        ]
        .into();
        assert_eq!(
            RunView::from_query(|k| decoded.get(k).map(|s| s.to_string())),
            v
        );
        assert_eq!(ModelTab::parse("nope"), ModelTab::Overview);
        assert_eq!(Hood::parse("1"), Hood::OneHop);
    }

    #[test]
    fn audits_and_log_state_round_trip() {
        let v = RunView {
            tab: RunTab::Audits,
            audits: TableQuery {
                text: "orders".into(),
                statuses: vec!["failed".into()],
                sort: Sort::parse("-failing_rows"),
            },
            blocking_only: true,
            audit: Some(audit_key("staging.stg_orders", "unique_values(order_id)")),
            log: LogState {
                min_level: LogLevel::Warn,
                query: "spill".into(),
                line: Some(120),
            },
            ..Default::default()
        };
        let q = v.to_query();
        assert_eq!(
            q,
            "?tab=audits&aq=orders&astatus=failed&asort=-failing_rows&blocking=1&audit=staging.stg_orders%3A%3Aunique_values%28order_id%29&lvl=warn&lq=spill&line=120"
        );
        let decoded: HashMap<&str, String> = [
            ("tab", "audits"),
            ("aq", "orders"),
            ("astatus", "failed"),
            ("asort", "-failing_rows"),
            ("blocking", "1"),
            ("audit", "staging.stg_orders::unique_values(order_id)"),
            ("lvl", "warn"),
            ("lq", "spill"),
            ("line", "L120"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
        assert_eq!(RunView::from_query(|k| decoded.get(k).cloned()), v);
    }

    #[test]
    fn env_view_round_trips() {
        let v = EnvView {
            activity: TableQuery {
                text: "e07b".into(),
                statuses: vec!["failed".into()],
                sort: Sort::parse("-duration"),
            },
            kind: ActivityFilter::Runs,
        };
        assert_eq!(
            v.to_query(),
            "?q=e07b&status=failed&sort=-duration&kind=run"
        );
        let decoded: HashMap<&str, &str> = [
            ("q", "e07b"),
            ("status", "failed"),
            ("sort", "-duration"),
            ("kind", "run"),
        ]
        .into();
        assert_eq!(
            EnvView::from_query(|k| decoded.get(k).map(|s| s.to_string())),
            v
        );
        assert_eq!(
            EnvView::from_query(|k| (k == "kind").then(|| "bogus".to_string())).kind,
            ActivityFilter::All
        );
    }

    #[test]
    fn execution_keys_tell_repeated_models_apart() {
        use crate::core::decode::decode_run;
        let run = decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"failed","start":"2026-11-20T00:00:00Z",
            "executions":[{"model":"a","status":"complete","interval_start":"2026-11-19T00:00:00Z"},
                          {"model":"a","status":"failed","interval_start":"2026-11-20T00:00:00Z"},
                          {"model":"b","status":"complete","interval_start":"2026-11-20T00:00:00Z"}]}"#,
        )
        .unwrap();
        let keys = exec_keys(&run.executions);
        assert_eq!(
            keys,
            ["a@2026-11-19T00:00:00Z", "a@2026-11-20T00:00:00Z", "b"]
        );
        assert_eq!(
            find_exec(&run.executions, "a@2026-11-19T00:00:00Z"),
            Some(0)
        );
        assert_eq!(find_exec(&run.executions, "a"), Some(1)); // the failed one
        assert_eq!(find_exec(&run.executions, "b"), Some(2));
        assert_eq!(find_exec(&run.executions, "zzz"), None);
    }

    #[test]
    fn executions_without_or_with_the_same_interval_get_their_own_keys() {
        use crate::core::decode::decode_run;
        // Regression: both rows used to share the key "a", so the second
        // row's "View log" opened the first one's log.
        let run = decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"failed","start":"2026-11-20T00:00:00Z",
            "executions":[{"model":"a","status":"complete","log_id":"first"},
                          {"model":"a","status":"failed","log_id":"second"},
                          {"model":"b","status":"complete","interval_start":"2026-11-20T00:00:00Z","log_id":"b1"},
                          {"model":"b","status":"failed","interval_start":"2026-11-20T00:00:00Z","log_id":"b2"}]}"#,
        )
        .unwrap();
        let keys = exec_keys(&run.executions);
        assert_eq!(
            keys,
            [
                "a",
                "a#2",
                "b@2026-11-20T00:00:00Z",
                "b@2026-11-20T00:00:00Z#2"
            ]
        );
        let log_of = |key: &str| {
            find_exec(&run.executions, key).and_then(|i| run.executions[i].log_id.clone())
        };
        assert_eq!(log_of("a").as_deref(), Some("first"));
        assert_eq!(log_of("a#2").as_deref(), Some("second"));
        assert_eq!(log_of("b@2026-11-20T00:00:00Z#2").as_deref(), Some("b2"));
    }

    #[test]
    fn one_execution_s_key_and_a_key_s_execution_are_those_of_every_key() {
        use crate::core::model::{Execution, Status};
        use chrono::{TimeZone, Utc};
        let t = |d: u32| Some(Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap());
        let t0 = "2026-11-01T00:00:00Z";
        // Names that look like keys of other models.
        let names = [
            "a".to_string(),
            "b".to_string(),
            format!("a@{t0}"),
            "a#2".to_string(),
            format!("a@{t0}#2"),
            "a@x".to_string(),
            "#".to_string(),
            "@".to_string(),
            "a#".to_string(),
        ];
        let mut seed = 7u64;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..300 {
            let execs: Vec<Execution> = (0..1 + next(12))
                .map(|_| Execution {
                    model: names[next(names.len())].clone(),
                    status: [Status::Complete, Status::Failed][next(2)].clone(),
                    start: None,
                    end: None,
                    duration: None,
                    interval_start: [None, t(1), t(2)][next(3)],
                    interval_end: None,
                    error: None,
                    log_id: None,
                })
                .collect();
            let keys = exec_keys(&execs);
            // The reference: every key computed, the first equal one.
            let by_all_keys = |key: &str| {
                keys.iter().position(|k| k == key).or_else(|| {
                    let of_model = |i: &usize| execs[*i].model == key;
                    (0..execs.len())
                        .filter(of_model)
                        .find(|&i| execs[i].status == Status::Failed)
                        .or_else(|| (0..execs.len()).find(of_model))
                })
            };
            for (i, k) in keys.iter().enumerate() {
                assert_eq!(
                    exec_key(&execs, i).as_deref(),
                    Some(k.as_str()),
                    "{i} of {keys:?}"
                );
                assert_eq!(find_exec(&execs, k), by_all_keys(k), "{k} of {keys:?}");
            }
            for k in names
                .iter()
                .map(String::as_str)
                .chain(["", "zzz", "a#3", "b@x"])
            {
                assert_eq!(find_exec(&execs, k), by_all_keys(k), "{k} of {keys:?}");
            }
            assert_eq!(exec_key(&execs, execs.len()), None);
        }
    }

    #[test]
    fn default_view_has_empty_query_and_tabs_parse() {
        assert_eq!(RunView::default().to_query(), "");
        let v = RunView::from_query(|k| (k == "tab").then(|| "audits".to_string()));
        assert_eq!(v.tab, RunTab::Audits);
        assert_eq!(v.to_query(), "?tab=audits");
        assert_eq!(RunTab::parse("nonsense"), RunTab::Executions);
    }
}
