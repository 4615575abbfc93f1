//! Each model of a run against its own history: is it slower than usual,
//! and is its failure new, repeated or recovered?
//!
//! Pure: given this run and the environment's previous runs (newest
//! first, as many as were read), the comparison per model.

use super::model::{Run, Status};
use super::sorting;
use chrono::Duration;
use std::collections::HashMap;

/// Previous runs a page reads for the comparison (following
/// `previous_run_id`).
pub const RUNS_READ: usize = 10;

/// "Slower than usual": at least this much slower than the median, in per
/// cent and in time (a 2 s model taking 4 s is not news).
pub const SLOWER_PCT: f64 = 50.0;
pub const SLOWER_MIN_MS: i64 = 5_000;

/// How a model's outcome here compares with the last run it ran in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trend {
    /// Failed here after succeeding last time (or with no history).
    NewFailure,
    /// Failed here and last time.
    StillFailing,
    /// Succeeded here after failing last time.
    Recovered,
    /// Nothing to say.
    Steady,
}

impl Trend {
    pub fn key(self) -> &'static str {
        match self {
            Trend::NewFailure => "new",
            Trend::StillFailing => "still",
            Trend::Recovered => "recovered",
            Trend::Steady => "steady",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Trend::NewFailure => "New failure",
            Trend::StillFailing => "Still failing",
            Trend::Recovered => "Recovered",
            Trend::Steady => "",
        }
    }
}

/// One run of a model, for its sparkline.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub run: String,
    pub duration: Option<Duration>,
    pub status: Status,
    /// The run being shown.
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ModelHistory {
    /// Median duration of its successful executions in the previous runs.
    pub median: Option<Duration>,
    /// How many successful previous runs the median is of.
    pub samples: usize,
    /// This run's duration minus the median (when both are known).
    pub delta: Option<Duration>,
    /// `delta` in per cent of the median.
    pub pct: Option<f64>,
    pub trend: Trend,
    /// Oldest first, this run last.
    pub points: Vec<Point>,
}

impl ModelHistory {
    pub fn is_slower(&self) -> bool {
        matches!((self.pct, self.delta), (Some(p), Some(d)) if p >= SLOWER_PCT && d.num_milliseconds() >= SLOWER_MIN_MS)
    }
}

/// Every model of a run against its history, by name ([`compare`]).
/// (A hash map: a big run's models are many names sharing long prefixes,
/// which a tree would sort and compare again and again.)
pub type History = HashMap<String, ModelHistory>;

/// A model's outcome and time in one run: failed if any of its executions
/// failed, complete if it ran and none failed; the time is the sum of its
/// executions' durations.
type Outcomes<'a> = HashMap<&'a str, (Status, Option<Duration>)>;

/// Adds one execution to its model's outcome.
fn add_outcome<'a>(out: &mut Outcomes<'a>, e: &'a super::model::Execution) {
    // Durations the decoder would refuse (over ten years) are not believed.
    let limit = Duration::days(3653);
    let d = e
        .duration
        .or_else(|| Some(e.end? - e.start?))
        .filter(|d| *d >= Duration::zero() && *d <= limit);
    let entry = out
        .entry(e.model.as_str())
        .or_insert((e.status.clone(), Some(Duration::zero())));
    // Failed if any execution failed; complete only if all completed.
    if e.status == Status::Failed {
        entry.0 = Status::Failed;
    } else if entry.0 == Status::Complete && e.status != Status::Complete {
        entry.0 = e.status.clone();
    }
    entry.1 = match (entry.1, d) {
        (Some(a), Some(b)) => a.checked_add(&b),
        _ => None,
    };
}

fn median(mut v: Vec<Duration>) -> Option<Duration> {
    if v.is_empty() {
        return None;
    }
    sorting::sort(&mut v);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

/// Every model that ran in `current`, against `previous` (newest first).
pub fn compare<R: std::borrow::Borrow<Run>>(current: &Run, previous: &[R]) -> History {
    let mut c = Comparer::new(current, previous);
    while !c.step(usize::MAX) {}
    c.finish()
}

/// [`compare`] a slice at a time, so a big run with its history never
/// holds the page for long: each `step` reads at most `work` executions or
/// compares at most `work` models; `finish` gives the comparison.
pub struct Comparer<'a, R> {
    current: &'a Run,
    previous: &'a [R],
    /// Per run (this one first, then `previous`), its models' outcomes.
    outcomes: Vec<Outcomes<'a>>,
    /// The next execution to read: its run (an index into `outcomes`) and place.
    next_execution: (usize, usize),
    /// This run's models, once its outcomes are read; the next to compare.
    models: Vec<&'a str>,
    next_model: usize,
    current_id: String,
    out: History,
}

impl<'a, R: std::borrow::Borrow<Run>> Comparer<'a, R> {
    pub fn new(current: &'a Run, previous: &'a [R]) -> Comparer<'a, R> {
        Comparer {
            current,
            previous,
            outcomes: Vec::with_capacity(previous.len() + 1),
            next_execution: (0, 0),
            models: Vec::new(),
            next_model: 0,
            current_id: current.id.to_string(),
            out: History::new(),
        }
    }

    fn run(&self, k: usize) -> &'a Run {
        if k == 0 {
            self.current
        } else {
            self.previous[k - 1].borrow()
        }
    }

    /// At most `work` executions read or models compared (at least one);
    /// true once all are.
    pub fn step(&mut self, work: usize) -> bool {
        let mut budget = work.max(1);
        let runs = self.previous.len() + 1;
        while budget > 0 {
            let (k, i) = self.next_execution;
            if k < runs {
                let run = self.run(k);
                if self.outcomes.len() == k {
                    self.outcomes.push(Outcomes::new());
                }
                let take = budget.min(run.executions.len() - i);
                for e in &run.executions[i..i + take] {
                    add_outcome(&mut self.outcomes[k], e);
                }
                budget -= take;
                self.next_execution = if i + take == run.executions.len() {
                    if k == 0 {
                        self.models = self.outcomes[0].keys().copied().collect();
                    }
                    if self.models.is_empty() {
                        // Nothing ran: the history is not read.
                        (runs, 0)
                    } else {
                        (k + 1, 0)
                    }
                } else {
                    (k, i + take)
                };
                continue;
            }
            let Some(&model) = self.models.get(self.next_model) else {
                return true;
            };
            self.next_model += 1;
            budget -= 1;
            let history = self.model_history(model);
            self.out.insert(model.to_string(), history);
        }
        self.next_execution.0 >= runs && self.next_model >= self.models.len()
    }

    fn model_history(&self, model: &str) -> ModelHistory {
        let (status, duration) = &self.outcomes[0][model];
        let ran_before: Vec<(usize, &(Status, Option<Duration>))> = self.outcomes[1..]
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.get(model).map(|o| (i, o)))
            .collect();
        let successes: Vec<Duration> = ran_before
            .iter()
            .filter(|(_, (s, _))| *s == Status::Complete)
            .filter_map(|(_, (_, d))| *d)
            .collect();
        let samples = successes.len();
        let med = median(successes);
        let last = ran_before
            .iter()
            .map(|(_, (s, _))| s)
            .find(|s| matches!(s, Status::Complete | Status::Failed));
        let trend = match (status, last) {
            (Status::Failed, Some(Status::Failed)) => Trend::StillFailing,
            (Status::Failed, _) => Trend::NewFailure,
            (Status::Complete, Some(Status::Failed)) => Trend::Recovered,
            _ => Trend::Steady,
        };
        let delta = match (duration, med) {
            (Some(d), Some(m)) if *status == Status::Complete => Some(*d - m),
            _ => None,
        };
        let pct = match (delta, med) {
            (Some(d), Some(m)) if m.num_milliseconds() > 0 => {
                Some(d.num_milliseconds() as f64 * 100.0 / m.num_milliseconds() as f64)
            }
            _ => None,
        };
        let mut points: Vec<Point> = ran_before
            .iter()
            .rev()
            .map(|(i, (s, d))| Point {
                run: self.previous[*i].borrow().id.to_string(),
                duration: *d,
                status: s.clone(),
                current: false,
            })
            .collect();
        points.push(Point {
            run: self.current_id.clone(),
            duration: *duration,
            status: status.clone(),
            current: true,
        });
        ModelHistory {
            median: med,
            samples,
            delta,
            pct,
            trend,
            points,
        }
    }

    /// The comparison, of the models compared so far.
    pub fn finish(self) -> History {
        self.out
    }
}

/// "2 new failures, 1 still failing, 1 recovered": the counts that are not
/// zero, or `None`.
pub fn summary(h: &History) -> Option<String> {
    let count = |t: Trend| h.values().filter(|m| m.trend == t).count();
    let parts: Vec<String> = [
        (count(Trend::NewFailure), "new failure", "new failures"),
        (count(Trend::StillFailing), "still failing", "still failing"),
        (count(Trend::Recovered), "recovered", "recovered"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The history chips of Model Executions (`usual=` in the URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsualFilter {
    /// Failed here after succeeding (or with no history).
    NewFailures,
    /// Slower than usual ([`ModelHistory::is_slower`]).
    Slower,
}

impl UsualFilter {
    pub const ALL: [UsualFilter; 2] = [UsualFilter::NewFailures, UsualFilter::Slower];
    pub fn key(self) -> &'static str {
        match self {
            UsualFilter::NewFailures => "new",
            UsualFilter::Slower => "slower",
        }
    }
    pub fn parse(s: &str) -> Option<UsualFilter> {
        match s {
            "new" => Some(UsualFilter::NewFailures),
            "slower" => Some(UsualFilter::Slower),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            UsualFilter::NewFailures => "New failures",
            UsualFilter::Slower => "Slower than usual",
        }
    }
    pub fn matches(self, h: Option<&ModelHistory>) -> bool {
        match (self, h) {
            (UsualFilter::NewFailures, Some(h)) => h.trend == Trend::NewFailure,
            (UsualFilter::Slower, Some(h)) => h.is_slower(),
            (_, None) => false,
        }
    }
    /// The chip's count: models of the run (each once, however many
    /// executions it had) that the filter keeps, from [`compare`]'s answer.
    pub fn count(self, h: &History) -> usize {
        h.values().filter(|m| self.matches(Some(m))).count()
    }
}

/// "+216 %, 2 min 10 s slower", "-20 %, 12 s faster", or `None` without a
/// comparison.
pub fn change_text(h: &ModelHistory) -> Option<String> {
    let (pct, d) = (h.pct?, h.delta?);
    let word = if d < Duration::zero() {
        "faster"
    } else {
        "slower"
    };
    Some(format!(
        "{}{:.0} %, {} {word}",
        if pct >= 0.0 { "+" } else { "" },
        pct,
        super::format::human_duration(if d < Duration::zero() { -d } else { d })
    ))
}

/// `shown` (indices into `models`' rows) sorted by the change against the
/// usual duration, the biggest slow-down first when `descending`; rows
/// without a comparison last either way.
pub fn sort_by_change<'a>(
    shown: &mut [usize],
    model_of: impl Fn(usize) -> &'a str,
    h: &History,
    descending: bool,
) {
    let key = |i: usize| h.get(model_of(i)).and_then(|m| m.pct);
    sorting::sort_by(shown, |&a, &b| match (key(a), key(b)) {
        (Some(x), Some(y)) => {
            let o = x.total_cmp(&y);
            if descending {
                o.reverse()
            } else {
                o
            }
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

/// A sparkline of a model's durations in `w` x `h` pixels: the line through
/// the runs with a duration, and a dot per such run (x, y, status css,
/// current).
pub struct Spark {
    pub line: String,
    pub dots: Vec<(f64, f64, &'static str, bool)>,
}

pub fn spark(m: &ModelHistory, w: f64, h: f64) -> Spark {
    let pad = 5.0;
    let n = m.points.len().max(2) as f64 - 1.0;
    let max = m
        .points
        .iter()
        .filter_map(|p| p.duration)
        .map(|d| d.num_milliseconds())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut line = Vec::new();
    let mut dots = Vec::new();
    for (i, p) in m.points.iter().enumerate() {
        let Some(d) = p.duration else { continue };
        let x = pad + (w - 2.0 * pad) * i as f64 / n;
        let y = h - pad - (h - 2.0 * pad) * d.num_milliseconds() as f64 / max;
        line.push(format!("{x:.1},{y:.1}"));
        dots.push((x, y, p.status.css(), p.current));
    }
    Spark {
        line: line.join(" "),
        dots,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Execution, RunId, Time};
    use chrono::TimeZone;

    fn t(s: i64) -> Time {
        chrono::Utc.timestamp_opt(1_764_000_000 + s, 0).unwrap()
    }

    fn run(n: u8, execs: &[(&str, Status, i64)]) -> Run {
        Run {
            id: RunId::parse(&format!("{n:032x}")).unwrap(),
            environment: "prod".into(),
            status: Status::Complete,
            refreshed_at: None,
            start: t(0),
            end: Some(t(1000)),
            previous_run_id: None,
            next_run_id: None,
            changes: vec![],
            executions: execs
                .iter()
                .map(|(m, s, secs)| Execution {
                    model: m.to_string(),
                    status: s.clone(),
                    start: Some(t(0)),
                    end: Some(t(*secs)),
                    duration: None,
                    interval_start: None,
                    interval_end: None,
                    error: None,
                    log_id: None,
                })
                .collect(),
            audits: vec![],
            models: vec![],
            log_id: None,
            warnings: vec![],
        }
    }

    use Status::{Complete as C, Failed as F, Skipped as S};

    #[test]
    fn durations_against_the_median_of_successes_and_failure_trends() {
        let previous = vec![
            run(4, &[("a", C, 60), ("b", C, 10), ("c", F, 5), ("d", F, 1)]),
            run(3, &[("a", C, 100), ("b", F, 10), ("c", C, 5), ("d", S, 0)]),
            run(2, &[("a", F, 900), ("b", C, 10), ("c", C, 5)]),
            run(1, &[("a", C, 50), ("c", C, 5)]),
        ];
        let cur = run(
            5,
            &[
                ("a", C, 190),
                ("b", F, 3),
                ("c", F, 5),
                ("d", C, 1),
                ("e", F, 2),
            ],
        );
        let h = compare(&cur, &previous);
        // a: successes 60, 100, 50 -> median 60; 190 is +130 s, +216.7 %.
        let a = &h["a"];
        assert_eq!((a.median, a.samples), (Some(Duration::seconds(60)), 3));
        assert_eq!(a.delta, Some(Duration::seconds(130)));
        assert_eq!(format!("{:.1}", a.pct.unwrap()), "216.7");
        assert!(a.is_slower());
        assert_eq!(a.trend, Trend::Steady);
        let spark: Vec<(Option<i64>, bool)> = a
            .points
            .iter()
            .map(|p| (p.duration.map(|d| d.num_seconds()), p.current))
            .collect();
        assert_eq!(
            spark,
            [
                (Some(50), false),
                (Some(900), false),
                (Some(100), false),
                (Some(60), false),
                (Some(190), true)
            ]
        );
        // b failed here after succeeding last time; no delta for a failure.
        assert_eq!((h["b"].trend, h["b"].delta), (Trend::NewFailure, None));
        assert_eq!(h["c"].trend, Trend::StillFailing);
        // d: its last outcome was a failure (the skip in between says nothing).
        assert_eq!(h["d"].trend, Trend::Recovered);
        assert!(!h["d"].is_slower());
        // e: never ran before.
        assert_eq!(
            (h["e"].trend, h["e"].median, h["e"].points.len()),
            (Trend::NewFailure, None, 1)
        );
        assert_eq!(
            summary(&h).as_deref(),
            Some("2 new failures, 1 still failing, 1 recovered")
        );
        assert_eq!(change_text(a).as_deref(), Some("+217 %, 2 min 10 s slower"));
        let sp = super::spark(a, 100.0, 40.0);
        assert_eq!(sp.line, "5.0,33.3 27.5,5.0 50.0,31.7 72.5,33.0 95.0,28.7");
        assert!(sp.dots[4].3, "this run is the last dot");
        let mut new: Vec<&str> = h
            .iter()
            .filter(|(_, m)| UsualFilter::NewFailures.matches(Some(m)))
            .map(|(k, _)| k.as_str())
            .collect();
        new.sort();
        assert_eq!(new, ["b", "e"]);
        // The chips' counts: b and e failed anew; a alone is slower.
        assert_eq!(UsualFilter::NewFailures.count(&h), 2);
        assert_eq!(UsualFilter::Slower.count(&h), 1);
        // A model with several executions is counted once.
        let twice = run(6, &[("b", F, 1), ("b", F, 2), ("a", C, 60)]);
        assert_eq!(
            UsualFilter::NewFailures.count(&compare(&twice, &previous)),
            1
        );
        let models = ["e", "a", "d", "b"];
        let mut shown = vec![0, 1, 2, 3];
        sort_by_change(&mut shown, |i| models[i], &h, true);
        // a (+217 %) first, then e, d and b (no comparison: no earlier
        // success, or a failure here) in their order.
        assert_eq!(shown, [1, 0, 2, 3]);
    }

    #[test]
    fn a_model_partly_run_is_not_complete_and_absurd_durations_do_not_overflow() {
        let previous = vec![run(1, &[("a", C, 100)])];
        let mut cur = run(2, &[("a", C, 50), ("a", Status::InProgress, 10)]);
        cur.executions[1].end = None;
        let h = compare(&cur, &previous);
        assert_eq!((h["a"].trend, h["a"].delta), (Trend::Steady, None));
        // 40,000 executions of ten years each: summed without a panic.
        let mut huge = run(3, &[]);
        for _ in 0..40_000 {
            huge.executions.push(Execution {
                duration: Some(Duration::days(3650)),
                ..run(9, &[("b", C, 1)]).executions[0].clone()
            });
        }
        let h = compare(&huge, &previous);
        assert_eq!(
            h["b"].points[0].duration,
            Some(Duration::days(3650 * 40_000))
        );
    }

    #[test]
    fn small_or_faster_changes_are_not_slower_and_even_medians_average() {
        let previous = vec![
            run(2, &[("a", C, 2), ("b", C, 100)]),
            run(1, &[("a", C, 4), ("b", C, 120)]),
        ];
        let cur = run(3, &[("a", C, 7), ("b", C, 60)]);
        let h = compare(&cur, &previous);
        assert_eq!(h["a"].median, Some(Duration::seconds(3)));
        assert_eq!(format!("{:.1}", h["a"].pct.unwrap()), "133.3");
        assert!(!h["a"].is_slower(), "only 4 s slower");
        assert_eq!(h["b"].delta, Some(Duration::seconds(-50)));
        assert!(!h["b"].is_slower());
        assert_eq!(summary(&h), None);
    }

    // The comparison as it was made in one piece (before `Comparer`), to
    // check the stepped one against.
    fn outcome_at_once(run: &Run) -> HashMap<&str, (Status, Option<Duration>)> {
        // Durations the decoder would refuse (over ten years) are not believed.
        let limit = Duration::days(3653);
        let mut out: HashMap<&str, (Status, Option<Duration>)> = HashMap::new();
        for e in &run.executions {
            let d = e
                .duration
                .or_else(|| Some(e.end? - e.start?))
                .filter(|d| *d >= Duration::zero() && *d <= limit);
            let entry = out
                .entry(e.model.as_str())
                .or_insert((e.status.clone(), Some(Duration::zero())));
            // Failed if any execution failed; complete only if all completed.
            if e.status == Status::Failed {
                entry.0 = Status::Failed;
            } else if entry.0 == Status::Complete && e.status != Status::Complete {
                entry.0 = e.status.clone();
            }
            entry.1 = match (entry.1, d) {
                (Some(a), Some(b)) => a.checked_add(&b),
                _ => None,
            };
        }
        out
    }
    fn compare_at_once<R: std::borrow::Borrow<Run>>(current: &Run, previous: &[R]) -> History {
        let now = outcome_at_once(current);
        let past: Vec<HashMap<&str, (Status, Option<Duration>)>> = previous
            .iter()
            .map(|r| outcome_at_once(r.borrow()))
            .collect();
        let current_id = current.id.to_string();
        let mut out = Vec::with_capacity(now.len());
        for (&model, (status, duration)) in &now {
            let ran_before: Vec<(usize, &(Status, Option<Duration>))> = past
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.get(model).map(|o| (i, o)))
                .collect();
            let successes: Vec<Duration> = ran_before
                .iter()
                .filter(|(_, (s, _))| *s == Status::Complete)
                .filter_map(|(_, (_, d))| *d)
                .collect();
            let samples = successes.len();
            let med = median(successes);
            let last = ran_before
                .iter()
                .map(|(_, (s, _))| s)
                .find(|s| matches!(s, Status::Complete | Status::Failed));
            let trend = match (status, last) {
                (Status::Failed, Some(Status::Failed)) => Trend::StillFailing,
                (Status::Failed, _) => Trend::NewFailure,
                (Status::Complete, Some(Status::Failed)) => Trend::Recovered,
                _ => Trend::Steady,
            };
            let delta = match (duration, med) {
                (Some(d), Some(m)) if *status == Status::Complete => Some(*d - m),
                _ => None,
            };
            let pct = match (delta, med) {
                (Some(d), Some(m)) if m.num_milliseconds() > 0 => {
                    Some(d.num_milliseconds() as f64 * 100.0 / m.num_milliseconds() as f64)
                }
                _ => None,
            };
            let mut points: Vec<Point> = ran_before
                .iter()
                .rev()
                .map(|(i, (s, d))| Point {
                    run: previous[*i].borrow().id.to_string(),
                    duration: *d,
                    status: s.clone(),
                    current: false,
                })
                .collect();
            points.push(Point {
                run: current_id.clone(),
                duration: *duration,
                status: status.clone(),
                current: true,
            });
            out.push((
                model.to_string(),
                ModelHistory {
                    median: med,
                    samples,
                    delta,
                    pct,
                    trend,
                    points,
                },
            ));
        }
        // Built at once from the list (it sorts), not name by name.
        out.into_iter().collect()
    }

    #[test]
    fn compared_a_few_executions_at_a_time_is_compared_at_once() {
        let previous = vec![
            run(
                4,
                &[
                    ("a", C, 60),
                    ("b", C, 10),
                    ("c", F, 5),
                    ("d", F, 1),
                    ("a", C, 5),
                ],
            ),
            run(3, &[]),
            run(2, &[("a", F, 900), ("b", C, 10), ("c", C, 5), ("x", C, 1)]),
            run(1, &[("a", C, 50), ("c", C, 5)]),
        ];
        let cur = run(
            5,
            &[
                ("a", C, 190),
                ("b", F, 3),
                ("c", F, 5),
                ("d", C, 1),
                ("e", F, 2),
                ("a", S, 0),
            ],
        );
        let want = compare_at_once(&cur, &previous);
        assert_eq!(want.len(), 5);
        assert_eq!(compare(&cur, &previous), want);
        for work in [1, 2, 3, 7, 100] {
            let mut c = Comparer::new(&cur, &previous);
            let mut steps = 1;
            while !c.step(work) {
                steps += 1;
                assert!(steps < 1000, "never finishes at {work}");
            }
            // 6 + 5 + 0 + 4 + 2 executions, then 5 models.
            assert_eq!(steps, 22_usize.div_ceil(work), "steps at {work}");
            assert_eq!(c.finish(), want, "at {work} a step");
        }
        // No executions, no history.
        let empty = run(6, &[]);
        let mut c = Comparer::new(&empty, &previous);
        assert!(c.step(1));
        assert!(c.finish().is_empty());
    }
}
