//! The demo project as the simulation sees it: the catalog's models with
//! parsed columns and typical evaluation times, and the audits each defines.

use super::catalog;
use super::rng::Rng;

#[derive(Clone, Debug)]
pub struct Spec {
    pub name: String,
    pub kind: String,
    pub cron: Option<String>,
    pub owner: String,
    pub upstream: Vec<String>,
    pub columns: Vec<(String, String)>,
    /// Typical evaluation time in seconds.
    pub base_secs: i64,
}

/// Splits `a BIGINT, b DECIMAL(18,2)` at the commas outside parentheses.
fn split_columns(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[from..]);
    out
}

pub(super) fn specs() -> Vec<Spec> {
    let mut rng = Rng::new(7);
    catalog::CATALOG
        .iter()
        .map(|e| Spec {
            name: e.name.into(),
            kind: e.kind.into(),
            cron: (!e.cron.is_empty()).then(|| e.cron.to_string()),
            owner: e.owner.into(),
            upstream: e
                .upstream
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            columns: split_columns(e.columns)
                .into_iter()
                .map(|c| {
                    let c = c.trim();
                    let (n, t) = c.split_once(' ').unwrap_or((c, "VARCHAR"));
                    (n.to_string(), t.to_string())
                })
                .collect(),
            base_secs: match e.name.split('.').next() {
                Some("staging") => rng.range(2, 14),
                Some("intermediate") => rng.range(8, 45),
                Some("marts") => rng.range(15, 90),
                _ => rng.range(3, 25),
            },
        })
        .collect()
}

/// Audits defined on a model: (name, blocking, column).
pub(super) fn audits_for(spec: &Spec) -> Vec<(String, bool, String)> {
    let mut out = Vec::new();
    let key = &spec.columns[0].0;
    out.push(("not_null".to_string(), true, key.clone()));
    if key.ends_with("_id") && !spec.name.starts_with("reporting.") {
        out.push(("unique_values".to_string(), true, key.clone()));
    }
    if let Some((c, _)) = spec
        .columns
        .iter()
        .find(|(_, t)| t.starts_with("DECIMAL") || t == "DOUBLE")
    {
        out.push(("accepted_range".to_string(), false, c.clone()));
    }
    if spec.name.starts_with("reporting.") {
        out.push(("number_of_rows".to_string(), false, String::new()));
    }
    out
}
