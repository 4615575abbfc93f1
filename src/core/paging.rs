//! Reading a paged activity (docs/api.md, "Paging"): which month pages the
//! environment page needs, and the activity they make together. A client
//! reads `activity.json` (the newest page and the month index), then only
//! the months its chart window reaches into, and older months on request.

use super::model::{ActivityMonth, EnvironmentActivity, Time};
use super::sorting;
use super::store::month_of;
use std::collections::BTreeSet;

fn oldest(a: &EnvironmentActivity) -> Option<Time> {
    a.activity.iter().map(|x| x.start).min()
}

/// Whether `a` already holds every activity its index counts.
fn complete(a: &EnvironmentActivity) -> bool {
    a.months.is_empty()
        || a.activity.len() as u64 >= a.months.iter().map(|m| u64::from(m.count)).sum()
}

/// The month pages to fetch (newest first) so that `a` holds every
/// activity since `since`: none when it already reaches back that far.
pub fn months_to_cover(a: &EnvironmentActivity, since: Time) -> Vec<String> {
    if complete(a) {
        return Vec::new();
    }
    let from = month_of(since);
    let to = match oldest(a) {
        Some(o) if o <= since => return Vec::new(),
        Some(o) => month_of(o),
        None => "9999-12".into(),
    };
    a.months
        .iter()
        .filter(|m| m.month >= from && m.month <= to)
        .map(|m| m.month.clone())
        .collect()
}

/// The next older month to offer ("Load older"), given the months loaded.
pub fn next_older<'a>(a: &'a EnvironmentActivity, loaded: &[String]) -> Option<&'a ActivityMonth> {
    if complete(a) {
        return None;
    }
    let to = oldest(a).map(month_of).unwrap_or_else(|| "9999-12".into());
    a.months
        .iter()
        .find(|m| m.month <= to && !loaded.contains(&m.month))
}

/// `base` (the newest page and the index) with the activities of `pages`
/// added: each activity once, newest first.
pub fn merge(base: &EnvironmentActivity, pages: &[EnvironmentActivity]) -> EnvironmentActivity {
    let mut out = base.clone();
    let mut seen: BTreeSet<String> = out.activity.iter().map(|a| a.id.to_string()).collect();
    for p in pages {
        for a in &p.activity {
            if seen.insert(a.id.to_string()) {
                out.activity.push(a.clone());
            }
        }
        out.warnings.extend(p.warnings.iter().cloned());
    }
    sorting::sort_by(&mut out.activity, |a, b| {
        b.start.cmp(&a.start).then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// What a page showed (`shown`: the newest page merged with older ones)
/// after the newest page was read again (`newest`): the new page's entries
/// win (a run in progress that finished, a new run), older entries the new
/// page no longer holds are kept, and the warnings are the new page's.
pub fn refreshed(shown: &EnvironmentActivity, newest: &EnvironmentActivity) -> EnvironmentActivity {
    let mut older = shown.clone();
    older.warnings.clear();
    merge(newest, &[older])
}

/// "November 2026" for `2026-11`.
pub fn month_label(month: &str) -> String {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map(|d| d.format("%B %Y").to_string())
        .unwrap_or_else(|_| month.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::decode_activity;

    fn page(ids_starts: &[(u32, &str)], months: &str) -> EnvironmentActivity {
        let rows: Vec<String> = ids_starts
            .iter()
            .map(|(i, s)| {
                format!(r#"{{"id":"{i:032x}","kind":"run","status":"complete","start":"{s}"}}"#)
            })
            .collect();
        decode_activity(&format!(
            r#"{{"environment":"prod","activity":[{}]{months}}}"#,
            rows.join(",")
        ))
        .unwrap()
    }

    fn t(s: &str) -> Time {
        crate::core::decode::parse_time("t", s).unwrap()
    }

    #[test]
    fn only_the_months_the_window_reaches_are_fetched() {
        let index = page(
            &[(5, "2026-11-03T00:00:00Z"), (4, "2026-11-02T00:00:00Z")],
            r#","months":[{"month":"2026-11","count":3},{"month":"2026-10","count":40},{"month":"2026-09","count":30}]"#,
        );
        assert_eq!(
            index.months[1],
            ActivityMonth {
                month: "2026-10".into(),
                count: 40
            }
        );
        // The window starts Oct 20: November (partly held) and October.
        assert_eq!(
            months_to_cover(&index, t("2026-10-20T00:00:00Z")),
            ["2026-11", "2026-10"]
        );
        // The newest page reaches back far enough: nothing.
        assert!(months_to_cover(&index, t("2026-11-02T00:00:00Z")).is_empty());
        // An unpaged document is complete.
        let flat = page(&[(1, "2026-01-01T00:00:00Z")], "");
        assert!(months_to_cover(&flat, t("2020-01-01T00:00:00Z")).is_empty());
        assert_eq!(next_older(&flat, &[]), None);
        assert_eq!(next_older(&index, &[]).unwrap().month, "2026-11");
        let loaded = ["2026-11".to_string(), "2026-10".to_string()];
        assert_eq!(next_older(&index, &loaded).unwrap().month, "2026-09");
        assert_eq!(month_label("2026-09"), "September 2026");
    }

    #[test]
    fn a_newer_page_updates_entries_in_place_and_keeps_older_ones() {
        let running = decode_activity(
            r#"{"environment":"prod","activity":[
              {"id":"00000000000000000000000000000002","kind":"run","status":"in_progress","start":"2026-11-29T02:00:00Z"},
              {"id":"00000000000000000000000000000001","kind":"run","status":"complete","start":"2026-11-28T02:00:00Z"},
              {"id":"zz","kind":"run","status":"complete","start":"2026-11-28T02:00:00Z"}]}"#,
        )
        .unwrap();
        assert_eq!(running.warnings.len(), 1, "the bad row is reported");
        let newest = decode_activity(
            r#"{"environment":"prod","activity":[
              {"id":"00000000000000000000000000000003","kind":"run","status":"in_progress","start":"2026-11-29T03:00:00Z"},
              {"id":"00000000000000000000000000000002","kind":"run","status":"complete","start":"2026-11-29T02:00:00Z","end":"2026-11-29T02:10:00Z"}]}"#,
        )
        .unwrap();
        let r = refreshed(&running, &newest);
        let got: Vec<(String, String)> = r
            .activity
            .iter()
            .map(|a| (a.id.to_string(), a.status.key().to_string()))
            .collect();
        let short = |n: u32| format!("{n:032x}");
        assert_eq!(
            got,
            [
                (short(3), "in_progress".to_string()),
                (short(2), "complete".to_string()),
                (short(1), "complete".to_string()),
            ]
        );
        assert!(r.warnings.is_empty(), "warnings are the newest page's");
        // Reading the same page again changes nothing.
        assert_eq!(refreshed(&r, &newest), r);
    }

    #[test]
    fn pages_merge_once_each_newest_first() {
        let index = page(
            &[(5, "2026-11-03T00:00:00Z"), (4, "2026-11-02T00:00:00Z")],
            r#","months":[{"month":"2026-11","count":3},{"month":"2026-10","count":1}]"#,
        );
        let nov = page(
            &[
                (5, "2026-11-03T00:00:00Z"),
                (4, "2026-11-02T00:00:00Z"),
                (3, "2026-11-01T00:00:00Z"),
            ],
            "",
        );
        let oct = page(&[(2, "2026-10-09T00:00:00Z")], "");
        let all = merge(&index, &[oct, nov]);
        let ids: Vec<String> = all.activity.iter().map(|a| a.id.to_string()).collect();
        assert_eq!(ids, [5, 4, 3, 2].map(|i: u32| format!("{i:032x}")));
        assert!(complete(&all));
        assert_eq!(next_older(&all, &[]), None);
    }
}
