//! Scales and ticks: nice linear steps (1, 2, 2.5, 5 × 10^k), calendar ticks for dates, and
//! band scales for categories. Only exact float operations are used (no logarithms), so
//! native and wasm builds choose the same ticks.

use crate::fmt::{self, Format, MONTHS, civil, days_from_civil};
use crate::text;

/// A linear axis: its domain and the ticks inside it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Linear {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub ticks: Vec<f64>,
    /// A logarithmic axis (`yLog`): positions follow the logarithm of the value, and the
    /// ticks are powers of the base.
    pub log: bool,
}

impl Linear {
    /// A value's position between `from` (at `lo`) and `to` (at `hi`). On a logarithmic
    /// axis a value of zero or less sits at `from`.
    pub fn map(&self, v: f64, from: f64, to: f64) -> f64 {
        let (v, lo, hi) = if self.log {
            if v <= 0.0 {
                return from;
            }
            (v.ln(), self.lo.ln(), self.hi.ln())
        } else {
            (v, self.lo, self.hi)
        };
        let span = hi - lo;
        if span == 0.0 { (from + to) / 2.0 } else { from + (v - lo) / span * (to - from) }
    }
}

/// A logarithmic axis from the power of `base` at or below `data_min` to the one at or
/// above `data_max`, a tick at each power between. Powers are made by multiplying, so both
/// targets pick the same ticks. `None` unless every value is above zero.
pub(crate) fn logarithmic(data_min: f64, data_max: f64, base: f64) -> Option<Linear> {
    if !(data_min > 0.0 && data_max.is_finite() && base > 1.0 && base.is_finite()) {
        return None;
    }
    let mut lo = 1.0;
    while lo > data_min {
        lo /= base;
    }
    while lo * base <= data_min {
        lo *= base;
    }
    let mut ticks = vec![lo];
    let mut hi = lo;
    while hi < data_max && ticks.len() < 64 {
        hi *= base;
        ticks.push(hi);
    }
    if hi == lo {
        hi = lo * base;
        ticks.push(hi);
    }
    Some(Linear { lo, hi, step: lo, ticks, log: true })
}

/// The smallest step of the form {1, 2, 2.5, 5} × 10^k not below `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let mut mag = 1.0;
    while mag * 10.0 <= raw {
        mag *= 10.0;
    }
    while mag > raw {
        mag /= 10.0;
    }
    for m in [1.0, 2.0, 2.5, 5.0] {
        if m * mag >= raw * (1.0 - 1e-9) {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Options for [`linear`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Bounds {
    pub include_zero: bool,
    /// Extend the domain to whole steps (value axes) rather than end at the data (x axes).
    pub extend: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Never step below this (counts step by whole numbers).
    pub min_step: f64,
}

pub(crate) fn linear(data_min: f64, data_max: f64, target: usize, b: Bounds) -> Linear {
    let (mut lo, mut hi) = if data_min <= data_max { (data_min, data_max) } else { (0.0, 1.0) };
    if b.include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if let Some(m) = b.min {
        lo = m;
    }
    if let Some(m) = b.max {
        hi = m;
    }
    if hi <= lo {
        // One value: give it room on the side away from zero.
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() };
        if b.max.is_some() || lo < 0.0 {
            lo -= pad
        } else {
            hi = lo + pad
        };
        if lo > 0.0 && b.min.is_none() {
            lo = 0.0;
        }
    }
    let step = nice_step_near((hi - lo) / target.max(1) as f64).max(b.min_step);
    if b.extend {
        if b.min.is_none() {
            lo = snap(lo / step, f64::floor) * step;
        }
        if b.max.is_none() {
            hi = snap(hi / step, f64::ceil) * step;
        }
    }
    let first = snap(lo / step, f64::ceil) as i64;
    let last = snap(hi / step, f64::floor) as i64;
    let ticks = (first..=last).take(100).map(|k| k as f64 * step).collect();
    Linear { lo, hi, step, ticks, log: false }
}

/// `round(x)` when `x` is within float noise of an integer, else `f(x)`.
fn snap(x: f64, f: fn(f64) -> f64) -> f64 {
    let r = x.round();
    if (x - r).abs() < 1e-9 { r } else { f(x) }
}

/// Tick labels for a linear axis, with the axis format.
pub(crate) fn labels(axis: &Linear, fmt: Option<&Format>) -> Vec<String> {
    if axis.log {
        // Powers apart: each tick is labelled as itself (100, 1,000, 10k), not in the units
        // of the largest.
        return axis.ticks.iter().flat_map(|&t| fmt::axis_labels(&[t], t, fmt)).collect();
    }
    fmt::axis_labels(&axis.ticks, axis.step, fmt)
}

/// Calendar intervals for date ticks, finest first.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Every {
    Days(i64),
    Months(u32),
    Years(i64),
}

const INTERVALS: &[Every] = &[
    Every::Days(1),
    Every::Days(2),
    Every::Days(7),
    Every::Days(14),
    Every::Months(1),
    Every::Months(3),
    Every::Months(6),
    Every::Years(1),
    Every::Years(2),
    Every::Years(5),
    Every::Years(10),
    Every::Years(25),
    Every::Years(50),
    Every::Years(100),
];

/// How finely dated data is spaced: ticks finer than the data would fall between points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Grain {
    Day,
    Month,
    Year,
}

/// The grain of a set of day positions: years if all are January 1, months if all are
/// the first of a month, else days.
pub(crate) fn grain(mut days: impl Iterator<Item = f64>) -> Grain {
    let mut g = Grain::Year;
    days.all(|d| {
        if d.fract() != 0.0 {
            g = Grain::Day;
            return false;
        }
        let (_, m, day) = civil(d as i64);
        if day != 1 {
            g = Grain::Day;
            return false;
        }
        if m != 1 {
            g = Grain::Month;
        }
        true
    });
    g
}

/// Ticks on calendar boundaries between two day numbers (fractional days allowed), at
/// most `max` of them and none finer than `grain`, labelled "Jan 2022, Apr, Jul" or "2022"
/// or "Jan 5"; with `fmt`, each tick is labelled with it instead.
pub(crate) fn date_ticks(lo: f64, hi: f64, max: usize, grain: Grain, fmt: Option<&Format>) -> Vec<(f64, String)> {
    let max = max.max(2);
    let coarse_enough = |e: &Every| match e {
        Every::Days(_) => grain == Grain::Day,
        Every::Months(_) => grain <= Grain::Month,
        Every::Years(_) => true,
    };
    for &every in INTERVALS.iter().filter(|e| coarse_enough(e)) {
        let days = boundaries(lo, hi, every, max + 1);
        if days.len() <= max {
            return label_dates(&days, every, fmt);
        }
    }
    let days = boundaries(lo, hi, Every::Years(1000), max + 1);
    label_dates(&days, Every::Years(1000), fmt)
}

fn boundaries(lo: f64, hi: f64, every: Every, limit: usize) -> Vec<i64> {
    let first = lo.ceil() as i64;
    let last = hi.floor() as i64;
    let mut out = Vec::new();
    if last < first {
        return out;
    }
    let (y0, m0, _) = civil(first);
    match every {
        Every::Days(7) | Every::Days(14) => {
            // Weeks start on Monday.
            let mut d = first + (8 - crate::fmt::weekday_of(first) as i64) % 7;
            let step = if every == Every::Days(14) { 14 } else { 7 };
            while d <= last && out.len() <= limit {
                out.push(d);
                d += step;
            }
        }
        Every::Days(n) => {
            let mut d = first + (n - first.rem_euclid(n)) % n;
            while d <= last && out.len() <= limit {
                out.push(d);
                d += n;
            }
        }
        Every::Months(n) => {
            let mut y = y0;
            let mut m = m0;
            loop {
                let d = days_from_civil(y, m, 1);
                if d > last || out.len() > limit {
                    break;
                }
                if d >= first && (m - 1) % n == 0 {
                    out.push(d);
                }
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
        Every::Years(n) => {
            let mut y = y0;
            loop {
                let d = days_from_civil(y, 1, 1);
                if d > last || out.len() > limit {
                    break;
                }
                if d >= first && y.rem_euclid(n) == 0 {
                    out.push(d);
                }
                y += 1;
            }
        }
    }
    out
}

fn label_dates(days: &[i64], every: Every, fmt: Option<&Format>) -> Vec<(f64, String)> {
    days.iter()
        .enumerate()
        .map(|(i, &d)| {
            let (y, m, day) = civil(d);
            let month = &MONTHS[m as usize - 1][..3];
            let label = match (fmt, every) {
                (Some(f), _) => fmt::format_cell(&quire_core::Cell::Int(d), quire_core::ColumnType::Date, Some(f)),
                (None, Every::Years(_)) => y.to_string(),
                (None, Every::Months(_)) if i == 0 || m == 1 => format!("{month} {y}"),
                (None, Every::Months(_)) => month.to_string(),
                (None, Every::Days(_)) if i == 0 || (m == 1 && day <= 14) => {
                    format!("{month} {day}, {y}")
                }
                (None, Every::Days(_)) => format!("{month} {day}"),
            };
            (d as f64, label)
        })
        .collect()
}

/// Labels for bands of `band` px: each on up to two lines when bands are wide enough,
/// else on one line with only every `k`-th shown so none overlap.
pub(crate) fn band_labels(labels: &[String], band: f64, size: f64, max_width: f64) -> (usize, Vec<Vec<String>>) {
    if band - 6.0 >= 44.0 {
        return (1, labels.iter().map(|l| text::wrap2(l, size, band - 6.0)).collect());
    }
    let fitted: Vec<Vec<String>> = labels.iter().map(|l| vec![text::fit(l, size, max_width)]).collect();
    let widest = fitted.iter().flatten().map(|l| text::width(l, size)).fold(0.0, f64::max);
    let mut k = 1;
    while (k as f64) * band < widest + 8.0 && k < labels.len().max(1) {
        k += 1;
    }
    (k, fitted)
}

/// `s` broken between words into lines of at most `max` px (`xLabelWrap`): nothing cut
/// but a single word wider than a line, at most six lines.
pub(crate) fn wrap(s: &str, size: f64, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let next = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && text::width(&next, size) > max {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = next;
        }
    }
    lines.push(line);
    if lines.len() > 6 {
        let rest = lines.split_off(5).join(" ");
        lines.push(text::fit(&rest, size, max));
    }
    lines
}

/// Secondary-axis ticks at the heights of the primary axis' ticks (`intervals` of them),
/// so the two share grid lines: the smallest nice step whose `intervals` steps cover the
/// data from a multiple of the step. `None` when the data cannot be covered.
pub(crate) fn aligned(data_min: f64, data_max: f64, intervals: usize, include_zero: bool) -> Option<Linear> {
    if intervals == 0 || data_min.is_nan() || data_max.is_nan() || data_min > data_max {
        return None;
    }
    let (mut lo, mut hi) = (data_min, data_max);
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi <= lo {
        hi = lo + if lo == 0.0 { 1.0 } else { lo.abs() };
    }
    let n = intervals as f64;
    let mut step = nice_step((hi - lo) / n);
    for _ in 0..40 {
        let first = snap(lo / step, f64::floor) * step;
        if first + n * step >= hi - step * 1e-9 {
            let ticks = (0..=intervals).map(|k| first + k as f64 * step).collect();
            return Some(Linear { lo: first, hi: first + n * step, step, ticks, log: false });
        }
        step = nice_step(step * 1.000_001);
    }
    None
}

/// Like [`nice_step`], but the nice step nearest to `raw` (up or down): for histogram bins,
/// where rounding up can halve the number of bins.
pub(crate) fn nice_step_near(raw: f64) -> f64 {
    let up = nice_step(raw);
    let candidates = [up, nice_step(raw / 2.0), nice_step(raw / 1.25), nice_step(raw / 2.5)];
    candidates
        .into_iter()
        .filter(|c| *c > 0.0)
        .fold(up, |best, c| if (c / raw).max(raw / c) < (best / raw).max(raw / best) { c } else { best })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.3), 2.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(6.0), 10.0);
        assert_eq!(nice_step(4200.0), 5000.0);
        assert_eq!(nice_step(0.023), 0.025);
        assert_eq!(nice_step_near(31.0), 25.0);
        assert_eq!(nice_step_near(45.0), 50.0);
    }

    #[test]
    fn linear_axes() {
        let a = linear(3.0, 97.0, 5, Bounds { include_zero: true, extend: true, ..Bounds::default() });
        assert_eq!((a.lo, a.hi, a.step), (0.0, 100.0, 20.0));
        assert_eq!(a.ticks, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let b = linear(-12.0, 31.0, 4, Bounds { include_zero: true, extend: true, ..Bounds::default() });
        assert_eq!((b.lo, b.hi, b.step), (-20.0, 40.0, 10.0));
        let c = linear(5.0, 5.0, 4, Bounds { include_zero: true, extend: true, ..Bounds::default() });
        assert_eq!((c.lo, c.hi, c.step), (0.0, 5.0, 1.0));
    }

    #[test]
    fn date_axes() {
        let jan = days_from_civil(2022, 1, 1) as f64;
        let dec = days_from_civil(2022, 12, 1) as f64;
        let ticks = date_ticks(jan, dec, 6, Grain::Day, None);
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["Jan 2022", "Apr", "Jul", "Oct"]);
        let years = date_ticks(jan, days_from_civil(2030, 6, 1) as f64, 6, Grain::Day, None);
        let labels: Vec<&str> = years.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["2022", "2024", "2026", "2028", "2030"]);
        let march = days_from_civil(2022, 3, 1) as f64;
        let months = date_ticks(jan, march, 7, Grain::Month, None);
        let labels: Vec<&str> = months.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["Jan 2022", "Feb", "Mar"]);
    }
}
