//! Formats: what `fmt=` accepts (Evidence's named presets and Excel-style codes), and the
//! automatic formatting a value gets when the author names none.

mod date;
mod number;

pub use date::{DateFormat, MICROS_PER_DAY, MONTHS, Moment, civil, days_from_civil, iso_date, iso_timestamp};
pub use number::NumberFormat;

pub(crate) use date::weekday as weekday_of;
pub(crate) use number::{group, plain};

use quire_core::{Cell, ColumnType, Table};

/// What a value shows as when there is none.
pub const NULL: &str = "–";

/// A parsed `fmt=` value.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    /// An Excel-style number code, or a preset that stands for one (`usd0k`, `num1`, `pct2`).
    Number(NumberFormat),
    /// `usd`, `eur`, `gbp`: the symbol, then as many decimals as the value needs (at most two).
    Currency(&'static str),
    /// `pct`: times 100, to three significant digits.
    Percent,
    /// A date code: `yyyy-mm-dd`, `mmm yyyy`, `longdate`, ...
    Date(DateFormat),
    /// `@`: text as it is, numbers unformatted.
    Text,
}

/// Named formats and the codes they stand for; `usd`, `eur`, `gbp` and `pct` are automatic.
const PRESETS: &[(&str, &str)] = &[
    ("num0", "#,##0"),
    ("num1", "#,##0.0"),
    ("num2", "#,##0.00"),
    ("num3", "#,##0.000"),
    ("num4", "#,##0.0000"),
    ("num0k", "#,##0,\"k\""),
    ("num1k", "#,##0.0,\"k\""),
    ("num2k", "#,##0.00,\"k\""),
    ("num0m", "#,##0,,\"M\""),
    ("num1m", "#,##0.0,,\"M\""),
    ("num2m", "#,##0.00,,\"M\""),
    ("num0b", "#,##0,,,\"B\""),
    ("num1b", "#,##0.0,,,\"B\""),
    ("num2b", "#,##0.00,,,\"B\""),
    ("pct0", "#,##0%"),
    ("pct1", "#,##0.0%"),
    ("pct2", "#,##0.00%"),
    ("pct3", "#,##0.000%"),
    ("id", "0"),
    ("mult", "#,##0.0\"x\""),
    ("mult0", "#,##0\"x\""),
    ("mult1", "#,##0.0\"x\""),
    ("mult2", "#,##0.00\"x\""),
    ("sci", "0.00E+0"),
    ("ddd", "ddd"),
    ("dddd", "dddd"),
    ("mmm", "mmm"),
    ("mmmm", "mmmm"),
    ("yyyy", "yyyy"),
    ("shortdate", "mmm d/yy"),
    ("longdate", "mmmm d, yyyy"),
    ("fulldate", "dddd mmmm d, yyyy"),
    ("mdy", "m/d/y"),
    ("dmy", "d/m/y"),
    ("ddmmyyyy", "dd/mm/yyyy"),
    ("date", "yyyy-mm-dd"),
    ("hms", "H:MM:SS AM/PM"),
    ("datetime", "yyyy-mm-dd hh:mm:ss"),
];

const CURRENCIES: &[(&str, &str)] = &[("usd", "$"), ("eur", "€"), ("gbp", "£")];

/// Suffixes of the currency families: `usd0`, `usd1k`, `usd2m`, ...
const CURRENCY_SUFFIXES: &[(&str, &str)] = &[
    ("0", "#,##0"),
    ("1", "#,##0.0"),
    ("2", "#,##0.00"),
    ("0k", "#,##0,\"k\""),
    ("1k", "#,##0.0,\"k\""),
    ("2k", "#,##0.00,\"k\""),
    ("0m", "#,##0,,\"M\""),
    ("1m", "#,##0.0,,\"M\""),
    ("2m", "#,##0.00,,\"M\""),
    ("0b", "#,##0,,,\"B\""),
    ("1b", "#,##0.0,,,\"B\""),
    ("2b", "#,##0.00,,,\"B\""),
];

/// Every preset name, for "did you mean" help.
pub fn preset_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (cur, _) in CURRENCIES {
        names.push((*cur).to_string());
        names.extend(CURRENCY_SUFFIXES.iter().map(|(s, _)| format!("{cur}{s}")));
    }
    names.push("pct".into());
    names.extend(PRESETS.iter().map(|(n, _)| (*n).to_string()));
    names
}

/// Parse a `fmt=` value: a preset name, or an Excel-style number or date code.
pub fn parse(code: &str) -> Result<Format, String> {
    let trimmed = code.trim();
    let key = trimmed.to_ascii_lowercase();
    if let Some((_, sym)) = CURRENCIES.iter().find(|(c, _)| *c == key) {
        return Ok(Format::Currency(sym));
    }
    if key == "pct" {
        return Ok(Format::Percent);
    }
    for (cur, sym) in CURRENCIES {
        if let Some((_, body)) =
            key.strip_prefix(cur).and_then(|suffix| CURRENCY_SUFFIXES.iter().find(|(s, _)| *s == suffix))
        {
            return parse_code(&format!("\"{sym}\"{body}"));
        }
    }
    if let Some((_, c)) = PRESETS.iter().find(|(n, _)| *n == key) {
        return parse_code(c);
    }
    if trimmed.is_empty() {
        return Err("the format is empty".into());
    }
    parse_code(trimmed).map_err(|e| {
        // A bare word reads as a preset name, not as a broken code.
        if trimmed.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            format!("unknown format `{trimmed}`")
        } else {
            e
        }
    })
}

fn parse_code(code: &str) -> Result<Format, String> {
    if code == "@" {
        return Ok(Format::Text);
    }
    let bare = without_literals(code);
    if bare.contains(['0', '#', '?']) {
        NumberFormat::parse(code).map(Format::Number)
    } else if bare.chars().any(|c| matches!(c.to_ascii_lowercase(), 'y' | 'm' | 'd' | 'h' | 's')) {
        DateFormat::parse(code).map(Format::Date)
    } else {
        Err(format!("unknown format `{code}`"))
    }
}

/// The code with quoted text, escapes and `[...]` removed, to see what kind of code it is.
fn without_literals(code: &str) -> String {
    let mut out = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for n in chars.by_ref() {
                    if n == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for n in chars.by_ref() {
                    if n == ']' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            c => out.push(c),
        }
    }
    out
}

/// A cell as text: with `fmt` if given, else automatically by its column's type.
pub fn format_cell(cell: &Cell, ty: ColumnType, fmt: Option<&Format>) -> String {
    match cell {
        Cell::Null => NULL.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Text(s) => s.clone(),
        Cell::Rows(t) => t.list_text(),
        Cell::Int(i) if ty.is_temporal() => {
            let t = if ty == ColumnType::Date { Moment::from_days(*i) } else { Moment::from_micros(*i) };
            match (fmt, ty) {
                (Some(Format::Date(d)), _) => d.format(t),
                (_, ColumnType::Date) => iso_date(*i),
                _ => iso_timestamp(*i),
            }
        }
        Cell::Int(i) => match fmt {
            None | Some(Format::Date(_)) => group_signed(*i),
            Some(Format::Text) => i.to_string(),
            Some(f) => format_number(*i as f64, f),
        },
        Cell::Float(v) => match fmt {
            None | Some(Format::Date(_)) => auto_number(*v),
            Some(Format::Text) => v.to_string(),
            Some(f) => format_number(*v, f),
        },
    }
}

/// A number with a format that is not a date format.
pub(crate) fn format_number(v: f64, fmt: &Format) -> String {
    match fmt {
        Format::Number(n) => n.format(v),
        Format::Currency(sym) => {
            let decimals = if v.abs() < 1000.0 && v.fract() != 0.0 { 2 } else { 0 };
            let body = pad_cents(plain(v.abs(), decimals, true), decimals);
            let sign = if v < 0.0 && body.bytes().any(|b| (b'1'..=b'9').contains(&b)) { "-" } else { "" };
            format!("{sign}{sym}{body}")
        }
        Format::Percent => {
            let p = v * 100.0;
            let a = p.abs();
            let decimals = if a >= 100.0 {
                0
            } else if a >= 10.0 {
                1
            } else {
                2
            };
            format!("{}%", plain(p, decimals, true))
        }
        Format::Text => plain(v, 15, false),
        Format::Date(_) => auto_number(v),
    }
}

/// `$3.5` reads as a typo for `$3.50`: money with cents always shows two decimals.
fn pad_cents(body: String, decimals: usize) -> String {
    match body.split_once('.') {
        Some((int, frac)) if decimals == 2 && frac.len() == 1 => format!("{int}.{frac}0"),
        _ => body,
    }
}

/// `1234567` → `1,234,567`: counts in messages and tables.
pub fn grouped(i: i64) -> String {
    group_signed(i)
}

fn group_signed(i: i64) -> String {
    let digits = group(&i.unsigned_abs().to_string());
    if i < 0 { format!("-{digits}") } else { digits }
}

/// `NaN`, `∞` or `-∞`, for the floats no format can show.
pub(crate) fn non_finite(v: f64) -> Option<String> {
    (!v.is_finite()).then(|| {
        if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        }
    })
}

/// Floats with no format: two decimals at most, or three significant digits below 1.
pub(crate) fn auto_number(v: f64) -> String {
    if let Some(s) = non_finite(v) {
        return s;
    }
    let a = v.abs();
    let decimals = if a >= 1.0 || a == 0.0 {
        2
    } else {
        let mut zeros = 0;
        let mut x = a;
        while x < 0.1 && zeros < 12 {
            x *= 10.0;
            zeros += 1;
        }
        zeros + 3
    };
    plain(v, decimals, true)
}

/// Three significant digits with a k/M/B/T unit: `$1.23M`, `45.6k`. For big numbers where
/// the exact figure matters less than reading it at a glance (BigValue, axis extremes).
pub(crate) fn compact(v: f64, prefix: &str) -> String {
    let a = v.abs();
    let units = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")];
    let Some(&(div, unit)) = units.iter().find(|(d, _)| a >= *d) else {
        let decimals = if a >= 100.0 || a.fract() == 0.0 {
            0
        } else if a >= 10.0 {
            1
        } else {
            2
        };
        let body = plain(a, decimals, true);
        let sign = if v < 0.0 && body != "0" { "-" } else { "" };
        return format!("{sign}{prefix}{body}");
    };
    let mut x = a / div;
    let mut unit = unit;
    let decimals = if x >= 100.0 {
        0
    } else if x >= 10.0 {
        1
    } else {
        2
    };
    let mut body = plain(x, decimals, true);
    // 999.96k rounds to "1,000k"; say "1M" instead.
    let bigger = units.iter().position(|(_, u)| *u == unit).filter(|&p| p > 0);
    if let (true, Some(pos)) = (body.starts_with("1,000"), bigger) {
        x /= 1000.0;
        unit = units[pos - 1].1;
        body = plain(x, 2, true);
    }
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}{prefix}{body}{unit}")
}

/// The format a column gets when the author names none: from its name as Evidence does
/// (`*_usd`, `*_pct`, `year`, `id`), or dates for timestamps that are all midnight.
pub fn for_column(table: &Table, index: usize) -> Option<Format> {
    let col = table.columns.get(index)?;
    let name = col.name.to_ascii_lowercase();
    if col.ty.is_numeric() {
        for (cur, sym) in CURRENCIES {
            if name.ends_with(&format!("_{cur}")) {
                return Some(Format::Currency(sym));
            }
        }
        if name.ends_with("_pct") || name.ends_with("_percent") {
            return Some(Format::Percent);
        }
        if name == "year" || name.ends_with("_year") || name == "id" || name.ends_with("_id") {
            return Some(Format::Text);
        }
    }
    if col.ty == ColumnType::Timestamp
        && table.values(index).all(|c| matches!(c, Cell::Int(t) if t.rem_euclid(MICROS_PER_DAY) == 0) || c.is_null())
    {
        return DateFormat::parse("yyyy-mm-dd").ok().map(Format::Date);
    }
    None
}

/// The format a table column is shown with when the author names none: [`for_column`], or
/// for floats one number of decimals (at most two) for the whole column, so figures line up.
pub fn for_display(table: &Table, index: usize) -> Option<Format> {
    let numbers = || {
        table.values(index).filter_map(|c| if matches!(c, Cell::Float(_) | Cell::Int(_)) { c.as_f64() } else { None })
    };
    // The decimals a value shows with once trailing zeros are dropped.
    let shown = |v: f64, max: usize| number::round_digits(v.abs(), max).1.trim_end_matches('0').len();
    let fixed = |prefix: &str, decimals: usize, suffix: &str| {
        let frac = if decimals == 0 { String::new() } else { format!(".{}", "0".repeat(decimals)) };
        NumberFormat::parse(&format!("{prefix}#,##0{frac}{suffix}")).ok().map(Format::Number)
    };
    match for_column(table, index) {
        // Automatic money and percentages: one number of decimals for the whole column.
        Some(Format::Currency(sym)) => {
            let cents = numbers().any(|v| v.abs() < 1000.0 && shown(v, 2) > 0);
            fixed(&format!("\"{sym}\""), if cents { 2 } else { 0 }, "")
        }
        Some(Format::Percent) => {
            let decimals = numbers()
                .map(|v| {
                    let p = (v * 100.0).abs();
                    shown(
                        p,
                        if p >= 100.0 {
                            0
                        } else if p >= 10.0 {
                            1
                        } else {
                            2
                        },
                    )
                })
                .max()
                .unwrap_or(0);
            fixed("", decimals, "%")
        }
        Some(f) => Some(f),
        None if table.columns.get(index)?.ty == ColumnType::Float => {
            let mut decimals = 0;
            for v in numbers() {
                if v != 0.0 && v.abs() < 0.1 {
                    // Small values need more than two decimals; let each find its own.
                    return None;
                }
                decimals = decimals.max(shown(v, 2));
            }
            fixed("", decimals, "")
        }
        None => None,
    }
}

/// The format a column is shown with: the author's, else [`for_column`].
pub(crate) fn effective(table: &Table, index: usize, given: Option<&Format>) -> Option<Format> {
    given.cloned().or_else(|| for_column(table, index))
}

/// Labels for a value axis: one unit and one number of decimals for all ticks, so they line
/// up (`0`, `20k`, `40k`; `$1.5M`; `25%`). An explicit number code is used as it is.
/// The text of a `"..."` literal in a format code whose opening quote is at `open`, and
/// the index just past its closing quote.
fn quoted(chars: &[char], open: usize, code: &str) -> Result<(String, usize), String> {
    let close =
        chars[open + 1..].iter().position(|&q| q == '"').ok_or_else(|| format!("`{code}` has an unclosed quote"))?;
    Ok((chars[open + 1..open + 1 + close].iter().collect(), open + close + 2))
}

pub(crate) fn axis_labels(ticks: &[f64], step: f64, fmt: Option<&Format>) -> Vec<String> {
    match fmt {
        Some(Format::Number(n)) if !n.is_percent() => {
            // The author's format, with up to two more decimals if it would print two
            // ticks alike.
            let mut f = n.clone();
            for _ in 0..2 {
                let labels: Vec<String> = ticks.iter().map(|&t| f.format(t)).collect();
                if labels.windows(2).all(|w| w[0] != w[1]) {
                    return labels;
                }
                f = f.one_more_decimal();
            }
            return ticks.iter().map(|&t| f.format(t)).collect();
        }
        Some(Format::Number(_)) | Some(Format::Percent) => {
            let decimals = decimals_for_step(step * 100.0);
            return ticks.iter().map(|&t| format!("{}%", plain(t * 100.0, decimals, true))).collect();
        }
        _ => {}
    }
    let prefix = match fmt {
        Some(Format::Currency(sym)) => *sym,
        _ => "",
    };
    let max = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
    let (div, unit) = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e4, "k")]
        .into_iter()
        .find(|(d, _)| max >= *d)
        .map_or((1.0, ""), |(d, u)| if u == "k" { (1e3, u) } else { (d, u) });
    let decimals = decimals_for_step(step / div);
    ticks
        .iter()
        .map(|&t| {
            let body = plain((t / div).abs(), decimals, true);
            if body == "0" {
                return format!("{prefix}0");
            }
            let sign = if t < 0.0 { "-" } else { "" };
            format!("{sign}{prefix}{body}{unit}")
        })
        .collect()
}

/// The fewest decimals that show every multiple of `step` exactly.
pub(crate) fn decimals_for_step(step: f64) -> usize {
    let mut s = step.abs();
    for d in 0..8 {
        if (s - s.round()).abs() < 1e-6 * s.max(1.0) {
            return d;
        }
        s *= 10.0;
    }
    8
}

#[cfg(test)]
mod tests;

/// A value of a page's JavaScript in one of quire's formats (`fmt(value, 'usd0')` in a
/// script): as a cell of its kind would show; with no format, or one that does not parse,
/// as the page shows values. Both engines call this one, so a build and a browser agree.
pub fn format_js(v: &quire_core::script::JsVal, code: &str) -> String {
    use quire_core::script::JsVal;
    let f = parse(code).ok();
    let (cell, ty) = match v {
        JsVal::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => (Cell::Int(*n as i64), ColumnType::Int),
        JsVal::Num(n) => (Cell::Float(*n), ColumnType::Float),
        JsVal::Date(Some(ms)) if ms.rem_euclid(86_400_000.0) == 0.0 => {
            (Cell::Int((ms / 86_400_000.0) as i64), ColumnType::Date)
        }
        JsVal::Date(Some(ms)) => (Cell::Int((ms * 1000.0) as i64), ColumnType::Timestamp),
        JsVal::Bool(b) => (Cell::Bool(*b), ColumnType::Bool),
        JsVal::Null | JsVal::Date(None) => (Cell::Null, ColumnType::Text),
        other => (Cell::Text(other.text()), ColumnType::Text),
    };
    format_cell(&cell, ty, f.as_ref())
}
