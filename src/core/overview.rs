//! The environment overview's computations: runs per day for the chart,
//! model freshness, and a dev environment's differences from prod.

use super::format::day_at;
use super::lineage::Lineage;
use super::model::{Activity, ActivityKind, Run, RunId, Status, Time};
use super::sorting;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use std::collections::BTreeSet;

/// One run's segment in a day's stacked bar.
#[derive(Clone, Debug, PartialEq)]
pub struct DayRun {
    pub id: RunId,
    pub status: Status,
    pub start: Time,
    /// Height of the segment: the run's duration (for a run in progress, until `now`).
    pub duration_ms: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Day {
    pub date: NaiveDate,
    /// Runs that started this day (in the display zone), oldest first.
    pub runs: Vec<DayRun>,
    pub plans: usize,
}

/// The chart's window: `days` days ending `today`, unless the newest activity
/// is older than that window; then ending on the newest activity's day.
/// Returns the last day and whether it was moved back.
pub fn chart_end(
    activity: &[Activity],
    today: NaiveDate,
    days: usize,
    offset: &dyn Fn(Time) -> i32,
) -> (NaiveDate, bool) {
    let newest = activity
        .iter()
        .map(|a| day_at(a.start, offset(a.start)))
        .max();
    match newest {
        Some(n) if n <= today - Duration::days(days as i64) => (n, true),
        _ => (today, false),
    }
}

/// Runs and plans bucketed by the day they started, in a zone whose offset
/// at each instant `offset` gives; one entry per day, empty days included.
pub fn daily(
    activity: &[Activity],
    end: NaiveDate,
    days: usize,
    now: Time,
    offset: &dyn Fn(Time) -> i32,
) -> Vec<Day> {
    let first = end - Duration::days(days as i64 - 1);
    let mut out: Vec<Day> = (0..days)
        .map(|i| Day {
            date: first + Duration::days(i as i64),
            runs: Vec::new(),
            plans: 0,
        })
        .collect();
    for a in activity {
        let d = day_at(a.start, offset(a.start));
        if d < first || d > end {
            continue;
        }
        let day = &mut out[(d - first).num_days() as usize];
        match a.kind {
            ActivityKind::Run => day.runs.push(DayRun {
                id: a.id.clone(),
                status: a.status.clone(),
                start: a.start,
                // Without a duration, only a run still going grows until
                // now; a finished one without an end has no known length.
                duration_ms: a.duration.map(|x| x.num_milliseconds()).unwrap_or_else(|| {
                    if a.end.is_none() && matches!(a.status, Status::InProgress | Status::Pending) {
                        (now - a.start).num_milliseconds().max(0)
                    } else {
                        0
                    }
                }),
            }),
            ActivityKind::Plan => day.plans += 1,
            ActivityKind::Other(_) => {}
        }
    }
    for d in &mut out {
        sorting::sort_by(&mut d.runs, |a, b| {
            a.start.cmp(&b.start).then(a.id.cmp(&b.id))
        });
    }
    out
}

/// Round axis ticks for values up to `max`: 0 and 3 to 6 steps of 1, 2 or 5 × 10^k.
pub fn ticks(max: f64) -> Vec<f64> {
    if max <= 0.0 {
        return vec![0.0];
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| max / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let mut t = vec![0.0];
    while *t.last().expect("non-empty") < max {
        let next = t.last().expect("non-empty") + step;
        t.push(next);
    }
    t
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Freshness {
    /// Models whose data is loaded up to their latest scheduled interval.
    pub complete: Vec<String>,
    /// Models missing only the current interval (their next run fills it).
    pub pending: Vec<String>,
    /// Models missing more than one interval.
    pub behind: Vec<String>,
    pub computed_at: Option<Time>,
}

/// Start of the interval period containing `t`.
fn period_floor(t: Time, unit: &str) -> Option<Time> {
    let d = t.date_naive();
    let midnight = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"));
    Some(match unit {
        "hour" => t.with_minute(0)?.with_second(0)?.with_nanosecond(0)?,
        "day" => midnight(d),
        "week" => midnight(d - Duration::days(d.weekday().num_days_from_monday() as i64)),
        "month" => midnight(d.with_day(1)?),
        _ => return None,
    })
}

fn period(unit: &str) -> Duration {
    match unit {
        "hour" => Duration::hours(1),
        "week" => Duration::weeks(1),
        "month" => Duration::days(31),
        _ => Duration::days(1),
    }
}

/// Freshness of every scheduled model of `run` at `at` (the time its data
/// was refreshed). A model is complete when its loaded intervals reach the
/// start of the current period, pending when only the current period's
/// interval is missing, behind otherwise. Models without an interval unit
/// or loaded intervals (sources, views without state) are not counted.
pub fn freshness(run: &Run, at: Time) -> Freshness {
    let mut f = Freshness {
        computed_at: Some(at),
        ..Freshness::default()
    };
    for m in &run.models {
        let Some(unit) = m.interval_unit.as_deref() else {
            continue;
        };
        let Some(loaded) = m.intervals.iter().map(|i| i.end).max() else {
            continue;
        };
        let Some(expected) = period_floor(at, unit) else {
            continue;
        };
        if loaded >= expected {
            f.complete.push(m.name.clone());
        } else if loaded >= expected - period(unit) {
            f.pending.push(m.name.clone());
        } else {
            f.behind.push(m.name.clone());
        }
    }
    f
}

/// How an environment differs from another (dev from prod).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EnvDiff {
    /// In this environment only.
    pub added: Vec<String>,
    /// In the other environment only.
    pub removed: Vec<String>,
    /// In both, with a different definition.
    pub directly_modified: Vec<String>,
    /// In both with the same definition, downstream of an added or directly
    /// modified model here.
    pub indirectly_modified: Vec<String>,
}

/// Differences of `env` (its latest run's models) from `base`.
pub fn diff(env: &Run, base: &Run) -> EnvDiff {
    let names = |r: &Run| {
        r.models
            .iter()
            .map(|m| m.name.clone())
            .collect::<BTreeSet<String>>()
    };
    let (mine, theirs) = (names(env), names(base));
    let added: Vec<String> = mine.difference(&theirs).cloned().collect();
    let removed: Vec<String> = theirs.difference(&mine).cloned().collect();
    let base_defs: std::collections::HashMap<&str, &Option<String>> = base
        .models
        .iter()
        .map(|b| (b.name.as_str(), &b.definition))
        .collect();
    let direct: Vec<String> = env
        .models
        .iter()
        .filter(|m| {
            base_defs
                .get(m.name.as_str())
                .is_some_and(|d| **d != m.definition)
        })
        .map(|m| m.name.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let lineage = Lineage::from_run(env);
    let mut indirect: BTreeSet<String> = BTreeSet::new();
    for root in added.iter().chain(&direct) {
        if let Some(i) = lineage.index_of(root) {
            for d in lineage.descendants(i) {
                indirect.insert(lineage.names[d].clone());
            }
        }
    }
    let indirectly_modified = indirect
        .into_iter()
        .filter(|n| theirs.contains(n) && !direct.contains(n) && !added.contains(n))
        .collect();
    EnvDiff {
        added,
        removed,
        directly_modified: direct,
        indirectly_modified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::{decode_run, parse_time};
    use crate::core::model::ActivityKind;

    fn t(s: &str) -> Time {
        parse_time("t", s).unwrap()
    }

    fn act(n: u8, kind: ActivityKind, status: Status, start: &str, secs: Option<i64>) -> Activity {
        Activity {
            id: RunId::parse(&format!("{n:032x}")).unwrap(),
            kind,
            status,
            start: t(start),
            end: secs.map(|s| t(start) + Duration::seconds(s)),
            duration: secs.map(Duration::seconds),
            cost: None,
            interval: None,
        }
    }

    fn sample() -> Vec<Activity> {
        vec![
            act(
                1,
                ActivityKind::Run,
                Status::Complete,
                "2026-11-20T02:00:00Z",
                Some(120),
            ),
            act(
                2,
                ActivityKind::Run,
                Status::Failed,
                "2026-11-20T09:00:00Z",
                Some(60),
            ),
            // Starts 23:50 UTC on the 21st and crosses midnight: it belongs to the 21st.
            act(
                3,
                ActivityKind::Run,
                Status::Complete,
                "2026-11-21T23:50:00Z",
                Some(1200),
            ),
            act(
                4,
                ActivityKind::Plan,
                Status::Complete,
                "2026-11-21T12:00:00Z",
                Some(30),
            ),
            // No runs on the 22nd. The 23rd: one in progress.
            act(
                5,
                ActivityKind::Run,
                Status::InProgress,
                "2026-11-23T03:00:00Z",
                None,
            ),
            act(
                6,
                ActivityKind::Run,
                Status::Complete,
                "2026-11-10T02:00:00Z",
                Some(100),
            ),
        ]
    }

    #[test]
    fn daily_buckets_in_utc() {
        let now = t("2026-11-23T03:10:00Z");
        let days = daily(
            &sample(),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            4,
            now,
            &|_| 0,
        );
        let summary: Vec<(String, Vec<i64>, usize)> = days
            .iter()
            .map(|d| {
                (
                    d.date.to_string(),
                    d.runs.iter().map(|r| r.duration_ms / 1000).collect(),
                    d.plans,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("2026-11-20".to_string(), vec![120, 60], 0),
                ("2026-11-21".to_string(), vec![1200], 1),
                ("2026-11-22".to_string(), vec![], 0),
                ("2026-11-23".to_string(), vec![600], 0), // in progress: until now
            ]
        );
        assert_eq!(days[0].runs[1].status, Status::Failed);
    }

    #[test]
    fn a_finished_run_without_an_end_does_not_grow_until_now() {
        // Finding 5: a failed run with no end, days ago, was drawn as running until now.
        let now = t("2026-11-23T03:10:00Z");
        let acts = vec![
            act(
                1,
                ActivityKind::Run,
                Status::Failed,
                "2026-11-20T02:00:00Z",
                None,
            ),
            act(
                2,
                ActivityKind::Run,
                Status::InProgress,
                "2026-11-23T03:00:00Z",
                None,
            ),
        ];
        let days = daily(
            &acts,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            4,
            now,
            &|_| 0,
        );
        assert_eq!(days[0].runs[0].duration_ms, 0);
        assert_eq!(days[3].runs[0].duration_ms, 600_000);
    }

    #[test]
    fn daily_buckets_in_a_zone_east_of_utc() {
        // UTC+03:00: the 23:50 UTC run starts 02:50 on the 22nd; the 02:00 UTC run stays on the 20th.
        let now = t("2026-11-23T03:10:00Z");
        let days = daily(
            &sample(),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            4,
            now,
            &|_| 3 * 3600,
        );
        let counts: Vec<(String, usize)> = days
            .iter()
            .map(|d| (d.date.to_string(), d.runs.len()))
            .collect();
        assert_eq!(
            counts,
            vec![
                ("2026-11-20".to_string(), 2),
                ("2026-11-21".to_string(), 0),
                ("2026-11-22".to_string(), 1),
                ("2026-11-23".to_string(), 1),
            ]
        );
        // UTC-10:00: the 02:00 UTC run of the 20th moves to the 19th, outside a window starting the 20th.
        let days = daily(
            &sample(),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            4,
            now,
            &|_| -10 * 3600,
        );
        assert_eq!(days[0].runs.len(), 0);
        assert_eq!(days[1].runs.len(), 1);
    }

    #[test]
    fn chart_window_follows_old_data() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert_eq!(
            chart_end(&sample(), today, 14, &|_| 0),
            (NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), true)
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(chart_end(&sample(), today, 14, &|_| 0), (today, false));
        assert_eq!(chart_end(&[], today, 14, &|_| 0), (today, false));
    }

    #[test]
    fn axis_ticks() {
        assert_eq!(ticks(0.0), vec![0.0]);
        assert_eq!(ticks(45.0), vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(ticks(190.0), vec![0.0, 50.0, 100.0, 150.0, 200.0]);
        assert_eq!(ticks(7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
    }

    #[test]
    fn freshness_counts() {
        let run = decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"complete","start":"2026-11-26T02:00:00Z",
            "models":[
              {"name":"fresh","interval_unit":"day","intervals":[{"start":"2026-09-01T00:00:00Z","end":"2026-11-26T00:00:00Z"}]},
              {"name":"pending","interval_unit":"day","intervals":[{"start":"2026-09-01T00:00:00Z","end":"2026-11-25T00:00:00Z"}]},
              {"name":"behind","interval_unit":"day","intervals":[{"start":"2026-09-01T00:00:00Z","end":"2026-11-23T00:00:00Z"}]},
              {"name":"weekly","interval_unit":"week","intervals":[{"start":"2026-11-16T00:00:00Z","end":"2026-11-23T00:00:00Z"}]},
              {"name":"hourly","interval_unit":"hour","intervals":[{"start":"2026-11-26T00:00:00Z","end":"2026-11-26T02:00:00Z"}]},
              {"name":"source","kind":"EXTERNAL"}]}"#,
        )
        .unwrap();
        let f = freshness(&run, t("2026-11-26T03:30:00Z"));
        assert_eq!(f.complete, vec!["fresh", "weekly"]);
        assert_eq!(f.pending, vec!["pending", "hourly"]);
        assert_eq!(f.behind, vec!["behind"]);
        assert_eq!(f.computed_at, Some(t("2026-11-26T03:30:00Z")));
    }

    #[test]
    fn environment_differences() {
        let prod = decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"complete","start":"2026-11-26T02:00:00Z",
            "models":[{"name":"a","definition":"v1"},{"name":"b","upstream":["a"],"definition":"b"},{"name":"c","upstream":["b"],"definition":"c"},
                      {"name":"d","definition":"d"},{"name":"old","upstream":["a"],"definition":"o"}]}"#,
        )
        .unwrap();
        let dev = decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdee","environment":"dev","status":"complete","start":"2026-11-26T02:00:00Z",
            "models":[{"name":"a","definition":"v2"},{"name":"b","upstream":["a"],"definition":"b"},{"name":"c","upstream":["b"],"definition":"c"},
                      {"name":"d","definition":"d"},{"name":"new","upstream":["d"],"definition":"n"},{"name":"e","upstream":["new"],"definition":"e"}]}"#,
        )
        .unwrap();
        let d = diff(&dev, &prod);
        assert_eq!(d.added, vec!["e", "new"]);
        assert_eq!(d.removed, vec!["old"]);
        assert_eq!(d.directly_modified, vec!["a"]);
        assert_eq!(d.indirectly_modified, vec!["b", "c"]);
        assert_eq!(diff(&prod, &prod), EnvDiff::default());
    }
}
