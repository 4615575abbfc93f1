//! Next scheduled time of a model's cron, after a given instant.
//! Supports the macros `@hourly`, `@daily`, `@weekly` (Sunday midnight, as
//! cron), `@monthly`, `@yearly`, and five-field expressions whose fields are
//! `*`, a number, or a comma list of numbers (no ranges or steps).

use super::model::Time;
use chrono::{Datelike, Duration, Timelike};

fn field(spec: &str, value: u32) -> Option<bool> {
    if spec == "*" {
        return Some(true);
    }
    let mut any = false;
    for part in spec.split(',') {
        any |= part.trim().parse::<u32>().ok()? == value;
    }
    Some(any)
}

/// The first scheduled minute strictly after `after`, within a year; `None`
/// for an unsupported or never-firing expression.
pub fn next_after(cron: &str, after: Time) -> Option<Time> {
    let expr = match cron.trim() {
        "@hourly" => "0 * * * *",
        "@daily" | "@midnight" => "0 0 * * *",
        "@weekly" => "0 0 * * 0",
        "@monthly" => "0 0 1 * *",
        "@yearly" | "@annually" => "0 0 1 1 *",
        other => other,
    };
    let f: Vec<&str> = expr.split_whitespace().collect();
    if f.len() != 5 {
        return None;
    }
    // Validate once so that a bad field is None rather than "never".
    for (spec, probe) in f.iter().zip([0u32, 0, 1, 1, 0]) {
        field(spec, probe)?;
    }
    let start = after.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
    // Walk days, then minutes of matching days: at most 366 * 1440 checks.
    let mut day = start;
    for d in 0..=366 {
        let (dom, month, dow) = (day.day(), day.month(), day.weekday().num_days_from_sunday());
        // As in cron: 7 is Sunday too, and when both day-of-month and
        // day-of-week are restricted, either one matching is enough.
        let (dom_ok, dow_ok) = (
            field(f[2], dom)?,
            field(f[4], dow)? || (dow == 0 && field(f[4], 7)?),
        );
        let days = if f[2] != "*" && f[4] != "*" {
            dom_ok || dow_ok
        } else {
            dom_ok && dow_ok
        };
        let day_ok = days && field(f[3], month)?;
        if day_ok {
            let first_minute = if d == 0 {
                start.hour() * 60 + start.minute()
            } else {
                0
            };
            for m in first_minute..1440 {
                if field(f[1], m / 60)? && field(f[0], m % 60)? {
                    let midnight = day.with_hour(0)?.with_minute(0)?;
                    return Some(midnight + Duration::minutes(m as i64));
                }
            }
        }
        day = (day + Duration::days(1)).with_hour(0)?.with_minute(0)?;
    }
    None
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
        assert_eq!(next_after("*/5 * * * *", at), None);
        assert_eq!(next_after("0 0 31 2 *", at), None); // never
        assert_eq!(next_after("", at), None);
        assert_eq!(next_after("0 0 * * 7", at), Some(t("2026-11-29T00:00:00Z"))); // Sunday as 7
                                                                                  // Day 1 of the month OR a Monday, whichever comes first.
        assert_eq!(next_after("0 0 1 * 1", at), Some(t("2026-11-30T00:00:00Z")));
    }
}
