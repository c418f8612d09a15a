//! Calendar arithmetic on day counts, shared by formats, inputs and the browser.
//!
//! Days since 1970-01-01 map to the proleptic Gregorian calendar with integer arithmetic
//! only, so the browser and the build agree to the day without a date library.

pub const MICROS_PER_DAY: i64 = 86_400_000_000;

/// `(year, month 1–12, day 1–31)` of a day count since 1970-01-01.
pub fn civil(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days-from-civil inverse, on eras of 400 years.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a calendar date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2022-01-09`.
pub fn iso_date(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2022-01-09 13:45:03`.
pub fn iso_timestamp(micros: i64) -> String {
    let days = micros.div_euclid(MICROS_PER_DAY);
    let secs = micros.rem_euclid(MICROS_PER_DAY) / 1_000_000;
    format!("{} {:02}:{:02}:{:02}", iso_date(days), secs / 3600, secs / 60 % 60, secs % 60)
}

/// The day count of `YYYY-MM-DD` (a time after it is ignored), if it is a real date.
pub fn parse_iso_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let days = days_from_civil(y, m, d);
    (civil(days) == (y, m, d)).then_some(days)
}
