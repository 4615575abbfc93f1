//! Human formatting of durations, relative times and timestamps.
//! The clock is always an argument: nothing here reads the current time.

use super::model::Time;
use chrono::Duration;

/// "450 ms", "20 s", "2 min 5 s", "1 h 3 min", "3 d 4 h".
///
/// The time from `start` to `end`, when both are known and `end` is not
/// before `start` (a clock skew or a bad row is shown as no duration, never
/// as a negative one).
pub fn span(start: Option<Time>, end: Option<Time>) -> Option<Duration> {
    let (s, e) = (start?, end?);
    (e >= s).then(|| e - s)
}

/// "30", "1.5", "0.1": seconds, whole or to a tenth (rounded half up),
/// written without float formatting (which costs the first load ~2 KB gzip).
pub fn seconds_number(d: std::time::Duration) -> String {
    if d.subsec_nanos() == 0 {
        return d.as_secs().to_string();
    }
    let tenths = (d.as_nanos() + 50_000_000) / 100_000_000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Two units at most; the smaller one is dropped when it is zero.
/// Seconds are whole (rounded down) from one second upwards.
pub fn human_duration(d: Duration) -> String {
    let ms = d.num_milliseconds();
    if ms < 0 {
        return format!("-{}", human_duration(-d));
    }
    if ms < 1000 {
        return format!("{ms} ms");
    }
    let s = ms / 1000;
    let pair = |big: i64, big_u: &str, small: i64, small_u: &str| {
        if small == 0 {
            format!("{big} {big_u}")
        } else {
            format!("{big} {big_u} {small} {small_u}")
        }
    };
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => pair(s / 60, "min", s % 60, "s"),
        3600..=86_399 => pair(s / 3600, "h", (s % 3600) / 60, "min"),
        _ => pair(s / 86_400, "d", (s % 86_400) / 3600, "h"),
    }
}

/// "just now", "5 minutes ago", "4 days ago", "in 2 hours".
///
/// Thresholds: under 45 s is "just now"; then minutes up to 45 min, hours up
/// to 22 h, days up to 26 days, months (30 days) up to 11 months, then years
/// (365 days). Counts are rounded to the nearest unit, with a minimum of one.
pub fn relative_time(then: Time, now: Time) -> String {
    let secs = (now - then).num_seconds();
    let future = secs < 0;
    let a = secs.unsigned_abs() as f64;
    let (n, unit) = if a < 45.0 {
        return "just now".into();
    } else if a < 45.0 * 60.0 {
        ((a / 60.0).round().max(1.0), "minute")
    } else if a < 22.0 * 3600.0 {
        ((a / 3600.0).round().max(1.0), "hour")
    } else if a < 26.0 * 86_400.0 {
        ((a / 86_400.0).round().max(1.0), "day")
    } else if a < 320.0 * 86_400.0 {
        ((a / (30.0 * 86_400.0)).round().max(1.0), "month")
    } else {
        ((a / (365.0 * 86_400.0)).round().max(1.0), "year")
    };
    let n = n as i64;
    let unit = if n == 1 {
        unit.to_string()
    } else {
        format!("{unit}s")
    };
    if future {
        format!("in {n} {unit}")
    } else {
        format!("{n} {unit} ago")
    }
}

/// "2026-11-25 06:00:20".
pub fn timestamp_utc(t: Time) -> String {
    let n = t.naive_utc();
    match ymd(n.date()) {
        Some(date) => format!("{date} {}", hms(n.time())),
        None => t.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// "2026-11-25" for years 0 to 9999 (`%Y-%m-%d` without parsing a format:
/// a table draws a few hundred of these at once); other years `None`.
fn ymd(d: chrono::NaiveDate) -> Option<String> {
    let mut s = String::with_capacity(10);
    push_ymd(d, &mut s).then_some(s)
}

/// "06:00:20" (`%H:%M:%S`; a leap second shows as :60, as chrono does).
fn hms(t: chrono::NaiveTime) -> String {
    let mut s = String::with_capacity(8);
    push_hms(t, &mut s);
    s
}

/// Appends [`ymd`]'s text to `out`; `false` (nothing appended) for years
/// outside 0 to 9999.
pub(crate) fn push_ymd(d: chrono::NaiveDate, out: &mut String) -> bool {
    use chrono::Datelike;
    let Ok(year @ 0..=9999) = u32::try_from(d.year()) else {
        return false;
    };
    push_digits(out, year, 4);
    out.push('-');
    push_digits(out, d.month(), 2);
    out.push('-');
    push_digits(out, d.day(), 2);
    true
}

/// Appends [`hms`]'s text to `out`.
pub(crate) fn push_hms(t: chrono::NaiveTime, out: &mut String) {
    use chrono::Timelike;
    let leap = u32::from(t.nanosecond() >= 1_000_000_000);
    push_digits(out, t.hour(), 2);
    out.push(':');
    push_digits(out, t.minute(), 2);
    out.push(':');
    push_digits(out, t.second() + leap, 2);
}

/// The last `width` decimal digits of `n`, zero-padded.
pub(crate) fn push_digits(out: &mut String, n: u32, width: u32) {
    for k in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(k) % 10) as u8));
    }
}

/// Which clock times are shown in: UTC, or the browser's local zone (whose
/// offset at each instant the shell supplies, in seconds east of UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TimeMode {
    #[default]
    Utc,
    Local,
}

impl TimeMode {
    pub fn key(self) -> &'static str {
        match self {
            TimeMode::Utc => "utc",
            TimeMode::Local => "local",
        }
    }
    pub fn parse(s: &str) -> TimeMode {
        if s == "local" {
            TimeMode::Local
        } else {
            TimeMode::Utc
        }
    }
}

fn shifted(t: Time, offset_secs: i32) -> chrono::NaiveDateTime {
    t.naive_utc() + Duration::seconds(offset_secs as i64)
}

/// Date part in a zone `offset_secs` east of UTC: "2026-11-25".
pub fn date_at(t: Time, offset_secs: i32) -> String {
    let d = shifted(t, offset_secs).date();
    ymd(d).unwrap_or_else(|| d.format("%Y-%m-%d").to_string())
}

/// Clock part in a zone `offset_secs` east of UTC: "06:00:20".
pub fn clock_at(t: Time, offset_secs: i32) -> String {
    hms(shifted(t, offset_secs).time())
}

/// The calendar day of `t` in a zone `offset_secs` east of UTC.
pub fn day_at(t: Time, offset_secs: i32) -> chrono::NaiveDate {
    shifted(t, offset_secs).date()
}

/// "UTC", or the offset of a local zone: "UTC+01:00", "UTC-05:00", "UTC+05:30".
pub fn zone_label(mode: TimeMode, offset_secs: i32) -> String {
    match mode {
        TimeMode::Utc => "UTC".into(),
        TimeMode::Local => {
            let sign = if offset_secs < 0 { '-' } else { '+' };
            let a = offset_secs.unsigned_abs();
            format!("UTC{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
        }
    }
}

/// Cost in the warehouse's currency units: "0.00", "<0.01", "1.25".
pub fn cost(c: f64) -> String {
    if c > 0.0 && c < 0.01 {
        "<0.01".into()
    } else {
        format!("{c:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_number_whole_or_a_tenth() {
        let ms = std::time::Duration::from_millis;
        assert_eq!(seconds_number(ms(30_000)), "30");
        assert_eq!(seconds_number(ms(1_500)), "1.5");
        assert_eq!(seconds_number(ms(100)), "0.1");
        assert_eq!(seconds_number(ms(1_960)), "2.0");
        assert_eq!(seconds_number(ms(1_050)), "1.1");
        assert_eq!(seconds_number(ms(600_000)), "600");
        assert_eq!(seconds_number(std::time::Duration::from_nanos(1)), "0.0");
        // The float formatting it replaces, on every tenth-of-a-millisecond
        // step up to a minute that is not a whole second (ties excluded: they
        // round half up here, half to even on the float).
        for n in 1..600_000u64 {
            let d = std::time::Duration::from_micros(n * 100);
            let s = d.as_secs_f64();
            if d.subsec_nanos() == 0 || (d.as_micros() % 100_000) == 50_000 {
                continue;
            }
            assert_eq!(seconds_number(d), format!("{s:.1}"), "{d:?}");
        }
    }

    #[test]
    fn span_is_never_negative() {
        let t = |x: &str| crate::core::decode::parse_time("t", x).unwrap();
        let (a, b) = (t("2026-11-25T02:00:00Z"), t("2026-11-25T03:03:00Z"));
        assert_eq!(span(Some(a), Some(b)), Some(Duration::minutes(63)));
        // Regression: the audit drawer showed "-1 h 3 min" for end < start.
        assert_eq!(span(Some(b), Some(a)), None);
        assert_eq!(span(Some(a), None), None);
        assert_eq!(span(None, Some(b)), None);
    }
    use crate::core::decode::parse_time;

    fn t(s: &str) -> Time {
        parse_time("t", s).unwrap()
    }

    #[test]
    fn durations() {
        let cases = [
            (0, "0 ms"),
            (450, "450 ms"),
            (999, "999 ms"),
            (1_000, "1 s"),
            (20_000, "20 s"),
            (59_999, "59 s"),
            (60_000, "1 min"),
            (125_000, "2 min 5 s"),
            (3_600_000, "1 h"),
            (3_780_000, "1 h 3 min"),
            (3_789_000, "1 h 3 min"),
            (86_400_000, "1 d"),
            (100_800_000, "1 d 4 h"),
            (-20_000, "-20 s"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(Duration::milliseconds(ms)), want, "{ms} ms");
        }
    }

    #[test]
    fn relative_times() {
        let now = t("2026-11-26T12:00:00Z");
        let cases = [
            ("2026-11-26T12:00:00Z", "just now"),
            ("2026-11-26T11:59:16Z", "just now"),
            ("2026-11-26T11:59:15Z", "1 minute ago"),
            ("2026-11-26T11:55:00Z", "5 minutes ago"),
            ("2026-11-26T11:15:01Z", "45 minutes ago"),
            ("2026-11-26T11:15:00Z", "1 hour ago"),
            ("2026-11-26T09:00:00Z", "3 hours ago"),
            ("2026-11-25T14:00:01Z", "22 hours ago"),
            ("2026-11-25T14:00:00Z", "1 day ago"),
            ("2026-11-22T12:00:00Z", "4 days ago"),
            ("2026-10-01T12:00:00Z", "2 months ago"),
            ("2024-11-26T12:00:00Z", "2 years ago"),
            ("2026-11-26T14:00:00Z", "in 2 hours"),
        ];
        for (then, want) in cases {
            assert_eq!(relative_time(t(then), now), want, "{then}");
        }
    }

    #[test]
    fn zoned_times() {
        let x = t("2026-11-26T03:30:00Z");
        assert_eq!(
            (date_at(x, 0), clock_at(x, 0)),
            ("2026-11-26".to_string(), "03:30:00".to_string())
        );
        // New York in November: UTC-5, the day before.
        assert_eq!(
            (date_at(x, -5 * 3600), clock_at(x, -5 * 3600)),
            ("2026-11-25".to_string(), "22:30:00".to_string())
        );
        assert_eq!(clock_at(x, 19_800), "09:00:00"); // India, UTC+05:30
        assert_eq!(day_at(x, -5 * 3600).to_string(), "2026-11-25");
        assert_eq!(zone_label(TimeMode::Utc, 3600), "UTC");
        assert_eq!(zone_label(TimeMode::Local, -18_000), "UTC-05:00");
        assert_eq!(zone_label(TimeMode::Local, 19_800), "UTC+05:30");
        assert_eq!(TimeMode::parse("local"), TimeMode::Local);
        assert_eq!(TimeMode::parse("x"), TimeMode::Utc);
    }

    #[test]
    fn timestamps_and_costs() {
        let x = t("2026-11-25T06:00:20+02:00");
        assert_eq!(date_at(x, 0), "2026-11-25");
        assert_eq!(clock_at(x, 0), "04:00:20");
        assert_eq!(timestamp_utc(x), "2026-11-25 04:00:20");
        assert_eq!(cost(0.0), "0.00");
        assert_eq!(cost(0.004), "<0.01");
        assert_eq!(cost(1.254), "1.25");
    }

    #[test]
    fn dates_and_clocks_are_chrono_s_formats_written_out() {
        use chrono::TimeZone;
        let mut times: Vec<Time> = [
            0i64,
            1,
            59,
            86_399,
            1_764_000_000,
            1_764_047_999,
            -62_135_596_800, // 0001-01-01
            -62_167_219_200, // 0000-01-01
            -62_167_219_201, // -0001-12-31
            253_402_300_799, // 9999-12-31T23:59:59
            253_402_300_800, // 10000-01-01
        ]
        .iter()
        .map(|&s| chrono::Utc.timestamp_opt(s, 0).unwrap())
        .collect();
        // A leap second.
        times.push(
            chrono::Utc
                .timestamp_opt(1_483_228_799, 1_500_000_000)
                .unwrap(),
        );
        for t in times {
            for off in [0, 3600, -18_000, 19_800, -86_399] {
                let n = t.naive_utc() + chrono::Duration::seconds(off as i64);
                assert_eq!(
                    date_at(t, off),
                    n.format("%Y-%m-%d").to_string(),
                    "{t} {off}"
                );
                assert_eq!(
                    clock_at(t, off),
                    n.format("%H:%M:%S").to_string(),
                    "{t} {off}"
                );
            }
            assert_eq!(timestamp_utc(t), t.format("%Y-%m-%d %H:%M:%S").to_string());
        }
    }
}
