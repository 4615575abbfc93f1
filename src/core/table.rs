//! Filtering, status counts and sorting for the run page's tables.
//!
//! Tables never copy rows: a query yields the indices of the rows to show, in
//! order. The lower-cased search text of every row is built once
//! ([`SearchIndex`]) so that each keystroke is a scan of prepared strings.

use super::model::Status;
use super::sorting;
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Sort {
    pub column: String,
    pub desc: bool,
}

impl Sort {
    /// URL form: `duration` (ascending) or `-duration` (descending).
    pub fn parse(s: &str) -> Option<Sort> {
        let s = s.trim();
        let (desc, column) = match s.strip_prefix('-') {
            Some(c) => (true, c),
            None => (false, s),
        };
        (!column.is_empty()).then(|| Sort {
            column: column.to_string(),
            desc,
        })
    }
    pub fn to_param(&self) -> String {
        if self.desc {
            format!("-{}", self.column)
        } else {
            self.column.clone()
        }
    }
}

/// What the user asked a table for: free text, status chips, a sort.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TableQuery {
    pub text: String,
    /// Status keys (`Status::key`); empty means all statuses.
    pub statuses: Vec<String>,
    pub sort: Option<Sort>,
}

impl TableQuery {
    /// Click on a column header: ascending, then descending, then unsorted.
    pub fn toggled_sort(&self, column: &str) -> Option<Sort> {
        match &self.sort {
            Some(s) if s.column == column && !s.desc => Some(Sort {
                column: column.into(),
                desc: true,
            }),
            Some(s) if s.column == column => None,
            _ => Some(Sort {
                column: column.into(),
                desc: false,
            }),
        }
    }

    /// Click on a status chip: add it to or remove it from the selection.
    pub fn toggled_status(&self, key: &str) -> Vec<String> {
        let mut s = self.statuses.clone();
        if let Some(i) = s.iter().position(|k| k == key) {
            s.remove(i);
        } else {
            s.push(key.to_string());
        }
        s
    }
}

/// A column a table can sort by, named in the URL by its key
/// (`sort=-duration`). Implemented by the column enums of `core::columns`.
pub trait SortKey: Copy + Eq + Sized + 'static {
    const ALL: &'static [Self];
    fn key(self) -> &'static str;
    /// The column a URL key names; unknown keys name none (the table stays unsorted).
    fn parse(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.key() == key)
    }
}

/// A row a table can filter and sort.
pub trait TableRow {
    /// The table's sortable columns.
    type Column: SortKey;
    fn status(&self) -> &Status;
    /// Text the filter box searches.
    fn search_text(&self) -> String;
    /// Compare two rows on a column.
    fn compare(&self, other: &Self, column: Self::Column) -> Ordering;
    /// Whether the row has no value in a column; such rows sort last in
    /// both directions.
    fn missing(&self, column: Self::Column) -> bool;
    /// Final tie-breaker so that every order is total and repeatable.
    fn name(&self) -> &str;
}

/// Lower-cased search text per row, built once per data set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchIndex(Vec<String>);

impl SearchIndex {
    pub fn build<R: TableRow>(rows: &[R]) -> SearchIndex {
        SearchIndex(
            rows.iter()
                .map(|r| r.search_text().to_lowercase())
                .collect(),
        )
    }
}

/// Whether a filter text searches at all (has a term). Without one, rows
/// are matched without the index, so an empty `SearchIndex` does: a big
/// table builds its index once a search needs it.
pub fn searches(text: &str) -> bool {
    text.split_whitespace().next().is_some()
}

/// Whitespace-separated terms, all of which must occur (case-insensitive).
fn terms(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

fn matches_text(hay: &str, terms: &[String]) -> bool {
    terms.iter().all(|t| hay.contains(t.as_str()))
}

/// Indices of the rows matching `q`, in display order.
pub fn query<R: TableRow>(rows: &[R], index: &SearchIndex, q: &TableQuery) -> Vec<usize> {
    query_with(rows, index, q, |_| true)
}

/// [`query`] with an extra row predicate (e.g. "blocking audits only").
pub fn query_with<R: TableRow>(
    rows: &[R],
    index: &SearchIndex,
    q: &TableQuery,
    keep: impl Fn(&R) -> bool,
) -> Vec<usize> {
    let terms = terms(&q.text);
    let mut out: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            (q.statuses.is_empty() || q.statuses.iter().any(|k| k == rows[i].status().key()))
                && keep(&rows[i])
                && matches_text(index.0.get(i).map_or("", String::as_str), &terms)
        })
        .collect();
    let sort = q
        .sort
        .as_ref()
        .and_then(|s| R::Column::parse(&s.column).map(|c| (c, s.desc)));
    if let Some((col, desc)) = sort {
        sorting::sort_by(&mut out, |&a, &b| {
            let ord = match (rows[a].missing(col), rows[b].missing(col)) {
                (false, true) => Ordering::Less,
                (true, false) => Ordering::Greater,
                _ if desc => rows[a].compare(&rows[b], col).reverse(),
                _ => rows[a].compare(&rows[b], col),
            };
            ord.then_with(|| rows[a].name().cmp(rows[b].name()))
                .then(a.cmp(&b))
        });
    }
    out
}

/// Per status, how many rows match the text filter (chips show these counts).
/// Known statuses come first in their fixed order, then unknown ones by name;
/// statuses with no rows at all are left out.
pub fn status_counts<R: TableRow>(
    rows: &[R],
    index: &SearchIndex,
    text: &str,
) -> Vec<(Status, usize)> {
    status_counts_with(rows, index, text, |_| true)
}

/// [`status_counts`] counting only rows that `keep` accepts.
pub fn status_counts_with<R: TableRow>(
    rows: &[R],
    index: &SearchIndex,
    text: &str,
    keep: impl Fn(&R) -> bool,
) -> Vec<(Status, usize)> {
    let terms = terms(text);
    let mut present: Vec<(Status, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let hit =
            (keep(r) && matches_text(index.0.get(i).map_or("", String::as_str), &terms)) as usize;
        match present.iter_mut().find(|(s, _)| s == r.status()) {
            Some((_, n)) => *n += hit,
            None => present.push((r.status().clone(), hit)),
        }
    }
    let known_pos = |s: &Status| {
        Status::KNOWN
            .iter()
            .position(|k| k == s)
            .unwrap_or(usize::MAX)
    };
    sorting::sort_by(&mut present, |a, b| {
        known_pos(&a.0).cmp(&known_pos(&b.0)).then(a.0.cmp(&b.0))
    });
    present
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::parse_time;
    use crate::core::model::{Audit, Execution};
    use chrono::Duration;

    fn exec(
        model: &str,
        status: Status,
        secs: Option<i64>,
        start: &str,
        error: Option<&str>,
    ) -> Execution {
        let start = parse_time("s", start).ok();
        Execution {
            model: model.into(),
            status,
            start,
            end: start.zip(secs).map(|(s, d)| s + Duration::seconds(d)),
            duration: secs.map(Duration::seconds),
            interval_start: None,
            interval_end: None,
            error: error.map(Into::into),
            log_id: None,
        }
    }

    fn sample() -> Vec<Execution> {
        vec![
            exec(
                "staging.stg_orders",
                Status::Complete,
                Some(12),
                "2026-11-20T06:00:00Z",
                None,
            ),
            exec(
                "marts.fct_orders",
                Status::Failed,
                Some(3),
                "2026-11-20T06:00:20Z",
                Some("Binder Error: column \"discount_amount\" not found"),
            ),
            exec(
                "marts.dim_customers",
                Status::Complete,
                Some(40),
                "2026-11-20T06:00:15Z",
                None,
            ),
            exec("reporting.rpt_revenue", Status::Skipped, None, "bad", None),
            exec(
                "staging.stg_customers",
                Status::Complete,
                Some(12),
                "2026-11-20T06:00:01Z",
                None,
            ),
        ]
    }

    fn models(rows: &[Execution], idx: &[usize]) -> Vec<String> {
        idx.iter().map(|&i| rows[i].model.clone()).collect()
    }

    #[test]
    fn text_filter_matches_model_or_error_all_terms() {
        let rows = sample();
        let ix = SearchIndex::build(&rows);
        let q = |t: &str| {
            models(
                &rows,
                &query(
                    &rows,
                    &ix,
                    &TableQuery {
                        text: t.into(),
                        ..Default::default()
                    },
                ),
            )
        };
        assert_eq!(
            q("STG_"),
            vec!["staging.stg_orders", "staging.stg_customers"]
        );
        assert_eq!(q("discount"), vec!["marts.fct_orders"]);
        assert_eq!(q("marts customers"), vec!["marts.dim_customers"]);
        assert_eq!(q("  "), models(&rows, &[0, 1, 2, 3, 4]));
        assert_eq!(q("nothing-like-this"), Vec::<String>::new());
    }

    #[test]
    fn without_a_search_term_the_index_is_not_needed() {
        let rows = sample();
        let (ix, none) = (SearchIndex::build(&rows), SearchIndex::default());
        for text in ["", "  ", "\t\n"] {
            assert!(!searches(text), "{text:?}");
            for statuses in [vec![], vec!["failed".to_string(), "skipped".into()]] {
                let q = TableQuery {
                    text: text.into(),
                    statuses,
                    sort: Some(Sort {
                        column: "duration".into(),
                        desc: true,
                    }),
                };
                assert_eq!(query(&rows, &none, &q), query(&rows, &ix, &q));
            }
            assert_eq!(
                status_counts(&rows, &none, text),
                status_counts(&rows, &ix, text)
            );
        }
        // With a term, it is: the empty index matches nothing.
        assert!(searches(" marts "));
        let q = TableQuery {
            text: "marts".into(),
            ..Default::default()
        };
        assert_eq!(query(&rows, &none, &q), Vec::<usize>::new());
        assert_eq!(models(&rows, &query(&rows, &ix, &q)).len(), 2);
    }

    #[test]
    fn status_filter_and_counts() {
        let rows = sample();
        let ix = SearchIndex::build(&rows);
        let q = TableQuery {
            statuses: vec!["failed".into(), "skipped".into()],
            ..Default::default()
        };
        assert_eq!(
            models(&rows, &query(&rows, &ix, &q)),
            vec!["marts.fct_orders", "reporting.rpt_revenue"]
        );
        assert_eq!(
            status_counts(&rows, &ix, ""),
            vec![
                (Status::Complete, 3),
                (Status::Failed, 1),
                (Status::Skipped, 1)
            ]
        );
        // Counts follow the text filter; a status with no match stays with 0.
        assert_eq!(
            status_counts(&rows, &ix, "marts"),
            vec![
                (Status::Complete, 1),
                (Status::Failed, 1),
                (Status::Skipped, 0)
            ]
        );
    }

    #[test]
    fn sorting_with_ties_and_missing_values() {
        let rows = sample();
        let ix = SearchIndex::build(&rows);
        let sorted = |s: &str| {
            let q = TableQuery {
                sort: Sort::parse(s),
                ..Default::default()
            };
            models(&rows, &query(&rows, &ix, &q))
        };
        // Ties on 12 s broken by name; the row without a duration goes last.
        assert_eq!(
            sorted("duration"),
            vec![
                "marts.fct_orders",
                "staging.stg_customers",
                "staging.stg_orders",
                "marts.dim_customers",
                "reporting.rpt_revenue"
            ]
        );
        assert_eq!(
            sorted("-duration"),
            vec![
                "marts.dim_customers",
                "staging.stg_customers",
                "staging.stg_orders",
                "marts.fct_orders",
                "reporting.rpt_revenue"
            ]
        );
        assert_eq!(
            sorted("start"),
            vec![
                "staging.stg_orders",
                "staging.stg_customers",
                "marts.dim_customers",
                "marts.fct_orders",
                "reporting.rpt_revenue"
            ]
        );
        assert_eq!(
            sorted("status"),
            vec![
                "marts.fct_orders",
                "marts.dim_customers",
                "staging.stg_customers",
                "staging.stg_orders",
                "reporting.rpt_revenue"
            ]
        );
        assert_eq!(sorted("model")[0], "marts.dim_customers");
    }

    fn audit(name: &str, model: &str, status: Status, blocking: bool, rows: Option<u64>) -> Audit {
        Audit {
            name: name.into(),
            model: model.into(),
            status,
            blocking,
            failing_rows: rows,
            start: None,
            end: None,
            interval_start: None,
            interval_end: None,
            error: None,
            log_id: None,
        }
    }

    #[test]
    fn audits_blocking_only_and_failing_rows_sort() {
        let rows = vec![
            audit(
                "not_null(order_id)",
                "staging.stg_orders",
                Status::Complete,
                true,
                Some(0),
            ),
            audit(
                "unique_values(order_id)",
                "staging.stg_orders",
                Status::Failed,
                true,
                Some(3),
            ),
            audit(
                "accepted_range(amount)",
                "staging.stg_payments",
                Status::Failed,
                false,
                Some(41),
            ),
            audit(
                "number_of_rows",
                "reporting.rpt_funnel",
                Status::Skipped,
                false,
                None,
            ),
        ];
        let ix = SearchIndex::build(&rows);
        let names = |idx: Vec<usize>| {
            idx.into_iter()
                .map(|i| rows[i].name.clone())
                .collect::<Vec<_>>()
        };
        let q = TableQuery::default();
        assert_eq!(
            names(query_with(&rows, &ix, &q, |a| a.blocking)),
            ["not_null(order_id)", "unique_values(order_id)"]
        );
        assert_eq!(
            status_counts_with(&rows, &ix, "", |a| a.blocking),
            vec![
                (Status::Complete, 1),
                (Status::Failed, 1),
                (Status::Skipped, 0)
            ]
        );
        let q = TableQuery {
            sort: Sort::parse("-failing_rows"),
            ..Default::default()
        };
        assert_eq!(
            names(query(&rows, &ix, &q)),
            [
                "accepted_range(amount)",
                "unique_values(order_id)",
                "not_null(order_id)",
                "number_of_rows"
            ]
        );
        // The model name is searchable too.
        let q = TableQuery {
            text: "payments".into(),
            ..Default::default()
        };
        assert_eq!(names(query(&rows, &ix, &q)), ["accepted_range(amount)"]);
    }

    #[test]
    fn header_clicks_cycle_sort_and_chips_toggle() {
        let mut q = TableQuery::default();
        q.sort = q.toggled_sort("duration");
        assert_eq!(q.sort.as_ref().unwrap().to_param(), "duration");
        q.sort = q.toggled_sort("duration");
        assert_eq!(q.sort.as_ref().unwrap().to_param(), "-duration");
        q.sort = q.toggled_sort("duration");
        assert_eq!(q.sort, None);
        q.statuses = q.toggled_status("failed");
        q.statuses = q.toggled_status("skipped");
        q.statuses = q.toggled_status("failed");
        assert_eq!(q.statuses, vec!["skipped".to_string()]);
        assert_eq!(Sort::parse("-"), None);
    }
}
