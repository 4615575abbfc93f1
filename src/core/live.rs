//! Live pages: when a page re-reads a document that is still being written
//! (a run in progress, an environment's activity), how long it waits between
//! reads, and what the run header says about progress and silence.
//!
//! The shell owns the timers, the requests and the visibility of the tab;
//! this module only decides. The clock is always an argument.

use super::format::{self, TimeMode};
use super::model::{Execution, Status, Time};
use std::time::Duration;

/// The default time between two reads of a live document.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// The longest wait after errors (unless the interval itself is longer).
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// An environment page re-reads its activity this many intervals apart
/// while its newest run is not in progress (20 s at the default 5 s).
pub const ENV_IDLE_FACTOR: u32 = 4;
/// A run in progress that has not been heard from for this long is called silent.
pub const SILENT_AFTER_S: i64 = 120;

/// The poll interval: `?poll=<seconds>` on the page, else `poll_interval_s`
/// in `config.json`, else 5 s; fractions allowed, clamped to 0.2 s .. 1 h;
/// anything unreadable is ignored.
pub fn interval(from_url: Option<&str>, from_config: Option<f64>) -> Duration {
    let read = |s: f64| (s.is_finite() && s > 0.0).then(|| s.clamp(0.2, 3600.0));
    from_url
        .and_then(|s| s.trim().parse::<f64>().ok())
        .and_then(read)
        .or_else(|| from_config.and_then(read))
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_INTERVAL)
}

/// When to read a live document again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The time between reads while they succeed.
    pub interval: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            interval: DEFAULT_INTERVAL,
        }
    }
}

impl Schedule {
    pub fn new(interval: Duration) -> Schedule {
        Schedule { interval }
    }

    /// The wait before the next read after `errors` failed reads in a row:
    /// the interval, doubled for each error, at most `MAX_BACKOFF` (or the
    /// interval, when that is longer). 5, 10, 20, 40, 60, 60 s at the default.
    pub fn delay(&self, errors: u32) -> Duration {
        let cap = MAX_BACKOFF.max(self.interval);
        let factor = 2u32.saturating_pow(errors.min(20));
        self.interval.saturating_mul(factor).min(cap)
    }

    /// The wait on an environment page: the interval while its newest run
    /// is in progress, `ENV_IDLE_FACTOR` intervals otherwise; backed off
    /// after errors like `delay`.
    pub fn env_delay(&self, newest_in_progress: bool, errors: u32) -> Duration {
        if errors > 0 {
            return self.delay(errors);
        }
        if newest_in_progress {
            self.interval
        } else {
            self.interval.saturating_mul(ENV_IDLE_FACTOR)
        }
    }
}

/// Whether a run is still being written: in progress (or not started yet)
/// and without an end. A run that has ended, or whose status the app does
/// not know, is read once.
pub fn run_is_live(status: &Status, end: Option<Time>) -> bool {
    end.is_none() && matches!(status, Status::InProgress | Status::Pending)
}

/// What a poller does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Read again after this wait.
    After(Duration),
    /// The tab is hidden: no timer; read at once when it is shown again.
    Paused,
    /// The document will not change any more: no more reads.
    Stop,
}

/// The next step of a poller: stop when the document is no longer live,
/// pause while the tab is hidden, else wait `delay`.
pub fn next(live: bool, visible: bool, delay: Duration) -> Next {
    if !live {
        Next::Stop
    } else if !visible {
        Next::Paused
    } else {
        Next::After(delay)
    }
}

/// Executions finished of those planned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Complete, failed or skipped.
    pub finished: usize,
    /// Every execution but those not scheduled.
    pub planned: usize,
}

impl Progress {
    pub fn of(executions: &[Execution]) -> Progress {
        let planned = executions
            .iter()
            .filter(|e| e.status != Status::NotScheduled)
            .count();
        let finished = executions
            .iter()
            .filter(|e| {
                matches!(
                    e.status,
                    Status::Complete | Status::Failed | Status::Skipped
                )
            })
            .count();
        Progress { finished, planned }
    }

    /// "12 of 40 executions finished", "1 of 1 execution finished",
    /// "No executions planned yet".
    pub fn text(&self) -> String {
        if self.planned == 0 {
            return "No executions planned yet".into();
        }
        let noun = if self.planned == 1 {
            "execution"
        } else {
            "executions"
        };
        format!("{} of {} {noun} finished", self.finished, self.planned)
    }

    /// Finished share in percent (0 with nothing planned), for a progress bar.
    pub fn percent(&self) -> f64 {
        if self.planned == 0 {
            0.0
        } else {
            (self.finished.min(self.planned) as f64) * 100.0 / self.planned as f64
        }
    }
}

/// A coarse length of time: "8 s" under a minute, else minutes, hours and
/// days without seconds ("14 min", "2 h 5 min", "1 d 3 h"). Never negative.
pub fn coarse_duration(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    if s < 60 {
        format!("{s} s")
    } else {
        format::human_duration(chrono::Duration::seconds(s - s % 60))
    }
}

/// How long ago, to the second while it is recent: "just now" (under 1 s),
/// "8 s ago", "3 min ago", "1 h 2 min ago". A time after `now` (a clock
/// ahead of the browser's) is "just now".
pub fn ago(then: Time, now: Time) -> String {
    let d = now - then;
    if d.num_seconds() < 1 {
        "just now".into()
    } else {
        format!("{} ago", coarse_duration(d))
    }
}

/// How long a run in progress has been silent, when that is at least
/// `SILENT_AFTER_S`: the time since its newest event (`refreshed_at`).
pub fn silence(refreshed_at: Option<Time>, now: Time) -> Option<chrono::Duration> {
    let d = now - refreshed_at?;
    (d.num_seconds() >= SILENT_AFTER_S).then_some(d)
}

/// "No news from this run for 14 min (last event 02:13 UTC)". The time is
/// shown in `mode` at `offset_secs` east of UTC, with its date when it is
/// not on the same day as `now` there ("last event Nov 28 23:50 UTC-05:00").
pub fn silence_text(last: Time, now: Time, mode: TimeMode, offset_secs: i32) -> String {
    let shift = |t: Time| t.naive_utc() + chrono::Duration::seconds(offset_secs as i64);
    let (l, n) = (shift(last), shift(now));
    let when = if l.date() == n.date() {
        l.format("%H:%M").to_string()
    } else {
        l.format("%b %d %H:%M").to_string()
    };
    format!(
        "No news from this run for {} (last event {when} {})",
        coarse_duration(now - last),
        format::zone_label(mode, offset_secs)
    )
}

/// "Refresh failed, retrying in 10 s".
pub fn retry_text(delay: Duration) -> String {
    format!(
        "Refresh failed, retrying in {} s",
        super::format::seconds_number(delay)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::parse_time;

    fn t(s: &str) -> Time {
        parse_time("t", s).unwrap()
    }
    fn secs(d: Duration) -> f64 {
        d.as_secs_f64()
    }

    #[test]
    fn the_interval_comes_from_the_url_then_the_config_then_5_s() {
        assert_eq!(interval(None, None), Duration::from_secs(5));
        assert_eq!(interval(Some("1"), Some(9.0)), Duration::from_secs(1));
        assert_eq!(interval(Some(" 0.5 "), None), Duration::from_millis(500));
        assert_eq!(interval(Some("x"), Some(9.0)), Duration::from_secs(9));
        assert_eq!(interval(Some("-1"), None), Duration::from_secs(5));
        assert_eq!(interval(Some("0"), None), Duration::from_secs(5));
        assert_eq!(
            interval(Some("NaN"), Some(f64::INFINITY)),
            Duration::from_secs(5)
        );
        assert_eq!(interval(Some("0.01"), None), Duration::from_millis(200));
        assert_eq!(interval(None, Some(1e9)), Duration::from_secs(3600));
    }

    #[test]
    fn errors_back_off_5_10_20_40_then_60_s() {
        let s = Schedule::default();
        let got: Vec<f64> = (0..8).map(|e| secs(s.delay(e))).collect();
        assert_eq!(got, [5.0, 10.0, 20.0, 40.0, 60.0, 60.0, 60.0, 60.0]);
        // Many errors neither overflow nor exceed the cap.
        assert_eq!(secs(s.delay(u32::MAX)), 60.0);
        // A short test interval backs off the same way.
        let fast = Schedule::new(Duration::from_secs(1));
        let got: Vec<f64> = (0..8).map(|e| secs(fast.delay(e))).collect();
        assert_eq!(got, [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]);
        // An interval longer than the cap is kept: errors never make it shorter.
        let slow = Schedule::new(Duration::from_secs(120));
        assert_eq!(secs(slow.delay(0)), 120.0);
        assert_eq!(secs(slow.delay(3)), 120.0);
    }

    #[test]
    fn an_environment_page_polls_fast_only_while_its_newest_run_is_in_progress() {
        let s = Schedule::default();
        assert_eq!(secs(s.env_delay(true, 0)), 5.0);
        assert_eq!(secs(s.env_delay(false, 0)), 20.0);
        assert_eq!(secs(s.env_delay(false, 1)), 10.0);
        assert_eq!(secs(s.env_delay(true, 2)), 20.0);
        assert_eq!(secs(s.env_delay(false, 9)), 60.0);
    }

    #[test]
    fn only_a_run_in_progress_without_an_end_is_read_again() {
        let end = Some(t("2026-11-29T02:00:05Z"));
        assert!(run_is_live(&Status::InProgress, None));
        assert!(run_is_live(&Status::Pending, None));
        assert!(!run_is_live(&Status::InProgress, end));
        assert!(!run_is_live(&Status::Complete, None));
        assert!(!run_is_live(&Status::Failed, end));
        assert!(!run_is_live(&Status::Unknown("paused".into()), None));
    }

    #[test]
    fn a_poller_stops_when_the_run_ends_and_pauses_while_hidden() {
        let d = Duration::from_secs(5);
        assert_eq!(next(true, true, d), Next::After(d));
        assert_eq!(next(true, false, d), Next::Paused);
        assert_eq!(next(false, true, d), Next::Stop);
        assert_eq!(next(false, false, d), Next::Stop);
    }

    fn ex(status: Status) -> Execution {
        Execution {
            model: "m".into(),
            status,
            start: None,
            end: None,
            duration: None,
            interval_start: None,
            interval_end: None,
            error: None,
            log_id: None,
        }
    }

    #[test]
    fn progress_counts_finished_executions_of_those_planned() {
        let rows: Vec<Execution> = [
            Status::Complete,
            Status::Failed,
            Status::Skipped,
            Status::InProgress,
            Status::Pending,
            Status::Pending,
            Status::NotScheduled,
            Status::Unknown("queued".into()),
        ]
        .into_iter()
        .map(ex)
        .collect();
        let p = Progress::of(&rows);
        assert_eq!(
            p,
            Progress {
                finished: 3,
                planned: 7
            }
        );
        assert_eq!(p.text(), "3 of 7 executions finished");
        assert_eq!(format!("{:.2}", p.percent()), "42.86");
        let one = Progress::of(&[ex(Status::InProgress)]);
        assert_eq!(one.text(), "0 of 1 execution finished");
        assert_eq!(one.percent(), 0.0);
        let none = Progress::of(&[]);
        assert_eq!(none.text(), "No executions planned yet");
        assert_eq!(none.percent(), 0.0);
        let done = Progress::of(&[ex(Status::Complete), ex(Status::Failed)]);
        assert_eq!(done.text(), "2 of 2 executions finished");
        assert_eq!(done.percent(), 100.0);
    }

    #[test]
    fn ago_counts_seconds_then_minutes() {
        let now = t("2026-11-29T02:20:00Z");
        let cases = [
            ("2026-11-29T02:20:00Z", "just now"),
            ("2026-11-29T02:20:05Z", "just now"),
            ("2026-11-29T02:19:59.5Z", "just now"),
            ("2026-11-29T02:19:59Z", "1 s ago"),
            ("2026-11-29T02:19:52Z", "8 s ago"),
            ("2026-11-29T02:19:01Z", "59 s ago"),
            ("2026-11-29T02:19:00Z", "1 min ago"),
            ("2026-11-29T02:16:35Z", "3 min ago"),
            ("2026-11-29T01:18:00Z", "1 h 2 min ago"),
            ("2026-11-27T23:20:00Z", "1 d 3 h ago"),
        ];
        for (then, want) in cases {
            assert_eq!(ago(t(then), now), want, "{then}");
        }
    }

    #[test]
    fn a_run_is_silent_after_two_minutes_without_an_event() {
        let now = t("2026-11-29T02:27:30Z");
        assert_eq!(silence(None, now), None);
        assert_eq!(silence(Some(t("2026-11-29T02:25:31Z")), now), None);
        assert_eq!(
            silence(Some(t("2026-11-29T02:25:30Z")), now),
            Some(chrono::Duration::seconds(120))
        );
        assert_eq!(
            silence(Some(t("2026-11-29T02:13:04Z")), now),
            Some(chrono::Duration::seconds(866))
        );
    }

    #[test]
    fn silence_says_when_the_run_was_last_heard_from_in_the_chosen_zone() {
        let (last, now) = (t("2026-11-29T02:13:04Z"), t("2026-11-29T02:27:30Z"));
        assert_eq!(
            silence_text(last, now, TimeMode::Utc, 0),
            "No news from this run for 14 min (last event 02:13 UTC)"
        );
        assert_eq!(
            silence_text(last, now, TimeMode::Local, 3600),
            "No news from this run for 14 min (last event 03:13 UTC+01:00)"
        );
        // Three hours west: both on the day before, so no date.
        assert_eq!(
            silence_text(last, now, TimeMode::Local, -3 * 3600),
            "No news from this run for 14 min (last event 23:13 UTC-03:00)"
        );
        // New York: the event was the evening before, the clock is past midnight.
        assert_eq!(
            silence_text(
                t("2026-11-29T04:50:00Z"),
                t("2026-11-29T05:10:00Z"),
                TimeMode::Local,
                -5 * 3600
            ),
            "No news from this run for 20 min (last event Nov 28 23:50 UTC-05:00)"
        );
        assert_eq!(
            silence_text(t("2026-11-28T22:00:00Z"), now, TimeMode::Utc, 0),
            "No news from this run for 4 h 27 min (last event Nov 28 22:00 UTC)"
        );
    }

    #[test]
    fn coarse_durations_drop_seconds_after_the_first_minute() {
        let d = chrono::Duration::seconds;
        assert_eq!(coarse_duration(d(-5)), "0 s");
        assert_eq!(coarse_duration(d(0)), "0 s");
        assert_eq!(coarse_duration(d(59)), "59 s");
        assert_eq!(coarse_duration(d(60)), "1 min");
        assert_eq!(coarse_duration(d(866)), "14 min");
        assert_eq!(coarse_duration(d(3725)), "1 h 2 min");
    }

    #[test]
    fn retry_text_names_the_wait() {
        assert_eq!(
            retry_text(Duration::from_secs(10)),
            "Refresh failed, retrying in 10 s"
        );
        assert_eq!(
            retry_text(Duration::from_millis(1500)),
            "Refresh failed, retrying in 1.5 s"
        );
    }
}
