//! Next scheduled time of a model's cron, after a given instant.
//! Supports the macros `@hourly`, `@daily`, `@weekly` (Sunday midnight, as
//! cron), `@monthly`, `@yearly`, and five-field expressions whose fields are
//! `*`, numbers, ranges (`1-5`), steps (`*/15`, `0-30/10`, `5/10`), comma
//! lists of those, and month / weekday names (`JAN`, `mon-fri`).

use super::model::Time;
use chrono::{Datelike, Duration, Timelike};

/// When a cron fires next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextRun {
    At(Time),
    /// A valid expression that matches no day within a year (`0 0 31 2 *`).
    Never,
    /// An expression this parser does not understand.
    Unknown,
}

/// The allowed values of one field, as a bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Field {
    bits: u64,
    /// Written as `*` (matters for the day-of-month / day-of-week rule).
    any: bool,
}

impl Field {
    fn has(self, v: u32) -> bool {
        v < 64 && self.bits & (1 << v) != 0
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn value(s: &str, names: &[&str], first: u32) -> Option<u32> {
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    let up = s.to_ascii_uppercase();
    names
        .iter()
        .position(|n| *n == up)
        .map(|i| i as u32 + first)
}

/// Parses one field whose values lie in `min..=max`.
fn field(spec: &str, min: u32, max: u32, names: &[&str]) -> Option<Field> {
    let mut bits = 0u64;
    for part in spec.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|&s| s > 0)?),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, names, min)?, value(b, names, min)?)
        } else {
            let v = value(range, names, min)?;
            // `5/10` means from 5 to the end, every 10.
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return None;
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Some(Field {
        bits,
        any: spec == "*",
    })
}

struct Schedule {
    minute: Field,
    hour: Field,
    dom: Field,
    month: Field,
    dow: Field,
}

impl Schedule {
    fn parse(cron: &str) -> Option<Schedule> {
        let expr = match cron.trim() {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other => other,
        };
        let f: Vec<&str> = expr.split_whitespace().collect();
        let [minute, hour, dom, month, dow] = f.as_slice() else {
            return None;
        };
        let mut dow = field(dow, 0, 7, &DAYS)?;
        // As in cron: 7 is Sunday too.
        if dow.has(7) {
            dow.bits |= 1;
        }
        Some(Schedule {
            minute: field(minute, 0, 59, &[])?,
            hour: field(hour, 0, 23, &[])?,
            dom: field(dom, 1, 31, &[])?,
            month: field(month, 1, 12, &MONTHS)?,
            dow,
        })
    }

    fn day_matches(&self, day: Time) -> bool {
        let dom_ok = self.dom.has(day.day());
        let dow_ok = self.dow.has(day.weekday().num_days_from_sunday());
        // As in cron: when both day-of-month and day-of-week are
        // restricted, either one matching is enough.
        let days = if !self.dom.any && !self.dow.any {
            dom_ok || dow_ok
        } else {
            dom_ok && dow_ok
        };
        days && self.month.has(day.month())
    }
}

/// When `cron` fires next, strictly after `after` (searching a year ahead).
pub fn next_run(cron: &str, after: Time) -> NextRun {
    let Some(schedule) = Schedule::parse(cron) else {
        return NextRun::Unknown;
    };
    find(&schedule, after).map_or(NextRun::Never, NextRun::At)
}

fn find(s: &Schedule, after: Time) -> Option<Time> {
    let start = after.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
    // Walk days, then minutes of matching days: at most 366 * 1440 checks.
    let mut day = start;
    for d in 0..=366 {
        if s.day_matches(day) {
            let first_minute = if d == 0 {
                start.hour() * 60 + start.minute()
            } else {
                0
            };
            for m in first_minute..1440 {
                if s.hour.has(m / 60) && s.minute.has(m % 60) {
                    let midnight = day.with_hour(0)?.with_minute(0)?;
                    return Some(midnight + Duration::minutes(m as i64));
                }
            }
        }
        day = (day + Duration::days(1)).with_hour(0)?.with_minute(0)?;
    }
    None
}

/// The first scheduled minute strictly after `after`, within a year; `None`
/// for an unsupported or never-firing expression (see [`next_run`] to tell
/// them apart).
pub fn next_after(cron: &str, after: Time) -> Option<Time> {
    match next_run(cron, after) {
        NextRun::At(t) => Some(t),
        NextRun::Never | NextRun::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::parse_time;

    fn t(s: &str) -> Time {
        parse_time("t", s).unwrap()
    }

    #[test]
    fn macros_and_fields() {
        let at = t("2026-11-26T03:30:00Z"); // a Thursday
        assert_eq!(next_after("@daily", at), Some(t("2026-11-27T00:00:00Z")));
        assert_eq!(next_after("@hourly", at), Some(t("2026-11-26T04:00:00Z")));
        assert_eq!(next_after("@weekly", at), Some(t("2026-11-29T00:00:00Z")));
        assert_eq!(next_after("@monthly", at), Some(t("2026-12-01T00:00:00Z")));
        assert_eq!(
            next_after("15 6,18 * * *", at),
            Some(t("2026-11-26T06:15:00Z"))
        );
        assert_eq!(
            next_after("0 0 * * *", t("2026-11-26T00:00:00Z")),
            Some(t("2026-11-27T00:00:00Z"))
        );
        assert_eq!(next_after("0 0 31 2 *", at), None); // never
        assert_eq!(next_after("", at), None);
        assert_eq!(next_after("0 0 * * 7", at), Some(t("2026-11-29T00:00:00Z"))); // Sunday as 7
                                                                                  // Day 1 of the month OR a Monday, whichever comes first.
        assert_eq!(next_after("0 0 1 * 1", at), Some(t("2026-11-30T00:00:00Z")));
    }

    #[test]
    fn steps_ranges_lists_and_names() {
        let at = t("2026-11-26T03:31:00Z"); // a Thursday
                                            // Regression: these showed "No schedule." next to a chip with the cron.
        assert_eq!(
            next_run("*/5 * * * *", at),
            NextRun::At(t("2026-11-26T03:35:00Z"))
        );
        assert_eq!(
            next_run("0-30/10 * * * *", at),
            NextRun::At(t("2026-11-26T04:00:00Z"))
        );
        assert_eq!(
            next_run("5/20 * * * *", at),
            NextRun::At(t("2026-11-26T03:45:00Z"))
        );
        assert_eq!(
            next_run("0 9-17 * * *", at),
            NextRun::At(t("2026-11-26T09:00:00Z"))
        );
        assert_eq!(
            next_run("0 0 * * mon-fri", at),
            NextRun::At(t("2026-11-27T00:00:00Z"))
        );
        assert_eq!(
            next_run("0 0 * * SAT,SUN", at),
            NextRun::At(t("2026-11-28T00:00:00Z"))
        );
        assert_eq!(
            next_run("0 6 1 JAN *", at),
            NextRun::At(t("2027-01-01T06:00:00Z"))
        );
        assert_eq!(
            next_run("0 0 1,15 * *", at),
            NextRun::At(t("2026-12-01T00:00:00Z"))
        );
        assert_eq!(next_run("0 0 31 2 *", at), NextRun::Never);
        for bad in [
            "",
            "* * *",
            "*/0 * * * *",
            "61 * * * *",
            "0 0 * * funday",
            "5-1 * * * *",
            "0 0 L * *",
            "@reboot",
        ] {
            assert_eq!(next_run(bad, at), NextRun::Unknown, "{bad}");
        }
    }
}
