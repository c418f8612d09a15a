//! Excel-style number codes: `#,##0.00`, `$#,##0.0,,"M"`, `0.0%`, `0.00E+0`, `#,##0;(#,##0)`.
//!
//! Rounding is done on integers so that the same value prints the same digits on every
//! target, and halves round away from zero as spreadsheet users expect.

/// A parsed number code: one to three `;`-separated sections (positive; negative; zero).
#[derive(Debug, Clone, PartialEq)]
pub struct NumberFormat {
    sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Section {
    prefix: String,
    suffix: String,
    /// `0`s before the decimal point: digits always shown.
    int_min: usize,
    frac_min: usize,
    frac_max: usize,
    grouping: bool,
    /// Commas after the last digit: each divides by 1000.
    scale: u32,
    /// Each `%` multiplies by 100.
    percent: u32,
    exponent: Option<Exponent>,
    /// A section of text alone (`"none"`): the value is not shown.
    text_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Exponent {
    plus: bool,
    digits: usize,
}

impl NumberFormat {
    /// The same format with one more decimal always shown, for axis ticks that the author's
    /// format would print alike (`$1k`, `$1k` for 1,000 and 1,500 under `usd0k`).
    pub(crate) fn one_more_decimal(&self) -> NumberFormat {
        let mut f = self.clone();
        for s in &mut f.sections {
            if s.exponent.is_none() && !s.text_only {
                s.frac_min += 1;
                s.frac_max = s.frac_max.max(s.frac_min);
            }
        }
        f
    }

    pub fn parse(code: &str) -> Result<NumberFormat, String> {
        let parts = split_sections(code);
        if parts.len() > 3 {
            return Err(format!("`{code}` has more than three `;` sections"));
        }
        // Only the first section must show the number; `0;(0);"none"` may end in plain text.
        let sections =
            parts.iter().enumerate().map(|(i, p)| parse_section(p, i == 0)).collect::<Result<Vec<_>, _>>()?;
        Ok(NumberFormat { sections })
    }

    pub fn format(&self, v: f64) -> String {
        if let Some(s) = super::non_finite(v) {
            return s;
        }
        match self.sections.as_slice() {
            [_, neg, ..] if v < 0.0 => neg.apply(-v),
            [_, _, zero] if v == 0.0 => zero.apply(0.0),
            [pos, ..] => {
                let out = pos.apply(v.abs());
                let shows_nonzero = out.bytes().any(|b| (b'1'..=b'9').contains(&b));
                if v < 0.0 && shows_nonzero { format!("-{out}") } else { out }
            }
            [] => String::new(),
        }
    }

    /// Whether the code shows the value as a percentage, so a chart axis scaled 0–1 reads right.
    pub(crate) fn is_percent(&self) -> bool {
        self.sections.first().is_some_and(|s| s.percent > 0)
    }
}

impl Section {
    fn apply(&self, v: f64) -> String {
        if self.text_only {
            return self.prefix.clone();
        }
        let mut x = v;
        for _ in 0..self.percent {
            x *= 100.0;
        }
        for _ in 0..self.scale {
            x /= 1000.0;
        }
        let body = match self.exponent {
            Some(e) => self.scientific(x, e),
            None => self.digits(x),
        };
        format!("{}{body}{}", self.prefix, self.suffix)
    }

    fn digits(&self, x: f64) -> String {
        let (int, frac) = round_digits(x, self.frac_max);
        let mut frac = frac;
        while frac.len() > self.frac_min && frac.ends_with('0') {
            frac.pop();
        }
        let mut int = if int == "0" && self.int_min == 0 && !frac.is_empty() { String::new() } else { int };
        while int.len() < self.int_min {
            int.insert(0, '0');
        }
        if self.grouping {
            int = group(&int);
        }
        if frac.is_empty() { int } else { format!("{int}.{frac}") }
    }

    fn scientific(&self, x: f64, e: Exponent) -> String {
        let s = format!("{:.*e}", self.frac_max, x);
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut frac = frac.to_string();
        while frac.len() > self.frac_min && frac.ends_with('0') {
            frac.pop();
        }
        let sign = if exp < 0 {
            "-"
        } else if e.plus {
            "+"
        } else {
            ""
        };
        let digits = format!("{:0width$}", exp.unsigned_abs(), width = e.digits);
        if frac.is_empty() { format!("{int}E{sign}{digits}") } else { format!("{int}.{frac}E{sign}{digits}") }
    }
}

/// `x` (not negative) rounded half away from zero to `decimals`, as integer and fraction digits.
pub(crate) fn round_digits(x: f64, decimals: usize) -> (String, String) {
    let decimals = decimals.min(15);
    let mut scaled = x;
    for _ in 0..decimals {
        scaled *= 10.0;
    }
    let digits = if scaled < 9.0e15 {
        (scaled.round() as u64).to_string()
    } else {
        // Too big for exact integer rounding; the float formatter is exact and portable too.
        format!("{:.*}", decimals, x).replace('.', "")
    };
    let digits = format!("{digits:0>width$}", width = decimals + 1);
    let (int, frac) = digits.split_at(digits.len() - decimals);
    (int.to_string(), frac.to_string())
}

/// `1234567` → `1,234,567`.
pub(crate) fn group(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with at most `decimals` decimals, trailing zeros dropped, thousands grouped; signed.
pub(crate) fn plain(x: f64, decimals: usize, grouping: bool) -> String {
    let (int, mut frac) = round_digits(x.abs(), decimals);
    while frac.ends_with('0') {
        frac.pop();
    }
    let int = if grouping { group(&int) } else { int };
    let sign = if x < 0.0 && (int.bytes().any(|b| (b'1'..=b'9').contains(&b)) || !frac.is_empty()) { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") }
}

fn split_sections(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = code.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            ';' if !quoted => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            '"' => quoted = !quoted,
            '\\' if !quoted => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out
}

#[derive(PartialEq, Clone, Copy)]
enum Place {
    Before,
    Int,
    Frac,
    After,
}

fn parse_section(code: &str, needs_digits: bool) -> Result<Section, String> {
    let mut s = Section::default();
    let mut place = Place::Before;
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    let is_digit = |c: char| matches!(c, '0' | '#' | '?');
    let literal = |s: &mut Section, place: Place, text: &str| match place {
        Place::Before => s.prefix.push_str(text),
        _ => s.suffix.push_str(text),
    };
    let mut saw_digit = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '0' | '#' | '?' => {
                if place == Place::After {
                    return Err(format!("`{code}` has text between its digits; put text before or after the number"));
                }
                saw_digit = true;
                match place {
                    Place::Before | Place::Int => {
                        place = Place::Int;
                        if c == '0' {
                            s.int_min += 1;
                        }
                    }
                    Place::Frac => {
                        s.frac_max += 1;
                        if c == '0' {
                            s.frac_min = s.frac_max;
                        }
                    }
                    Place::After => {}
                }
            }
            '.' if matches!(place, Place::Before | Place::Int) && chars.get(i + 1).is_some_and(|&n| is_digit(n)) => {
                place = Place::Frac;
                saw_digit = true;
            }
            ',' if matches!(place, Place::Int | Place::Frac) => {
                if chars.get(i + 1).is_some_and(|&n| is_digit(n)) && place == Place::Int {
                    s.grouping = true;
                } else {
                    // A run of commas after the digits scales the value by thousands.
                    while chars.get(i) == Some(&',') {
                        s.scale += 1;
                        i += 1;
                    }
                    place = Place::After;
                    continue;
                }
            }
            '%' => {
                s.percent += 1;
                if matches!(place, Place::Int | Place::Frac) {
                    place = Place::After;
                }
                literal(&mut s, place, "%");
            }
            'E' | 'e' if saw_digit && matches!(chars.get(i + 1), Some('+' | '-')) => {
                let plus = chars[i + 1] == '+';
                i += 2;
                let mut digits = 0;
                while chars.get(i) == Some(&'0') {
                    digits += 1;
                    i += 1;
                }
                s.exponent = Some(Exponent { plus, digits: digits.max(1) });
                place = Place::After;
                continue;
            }
            '"' => {
                let (text, next) = super::quoted(&chars, i, code)?;
                if matches!(place, Place::Int | Place::Frac) {
                    place = Place::After;
                }
                literal(&mut s, place, &text);
                i = next;
                continue;
            }
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    if matches!(place, Place::Int | Place::Frac) {
                        place = Place::After;
                    }
                    literal(&mut s, place, &n.to_string());
                }
                i += 2;
                continue;
            }
            '_' => {
                // Excel: leave the width of the next character; a space is close enough.
                literal(&mut s, place, " ");
                i += 2;
                continue;
            }
            '*' => {
                i += 2;
                continue;
            }
            '[' => {
                let close =
                    chars[i..].iter().position(|&q| q == ']').ok_or_else(|| format!("`{code}` has an unclosed `[`"))?;
                let inner: String = chars[i + 1..i + close].iter().collect();
                // `[$€-407]` is a currency symbol; colours and locales are ignored.
                if let Some(sym) = inner.strip_prefix('$') {
                    let sym = sym.split('-').next().unwrap_or("");
                    if matches!(place, Place::Int | Place::Frac) {
                        place = Place::After;
                    }
                    literal(&mut s, place, sym);
                } else if inner.starts_with(['<', '>', '=']) {
                    return Err(format!("`{code}` uses a condition (`[{inner}]`), which quire does not support"));
                }
                i += close + 1;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '@' => {
                return Err(format!("`{code}` is not a number format (unexpected `{c}`)"));
            }
            c => {
                if matches!(place, Place::Int | Place::Frac) {
                    place = Place::After;
                }
                literal(&mut s, place, &c.to_string());
            }
        }
        i += 1;
    }
    if !saw_digit {
        if needs_digits {
            return Err(format!("`{code}` has no digit placeholders (`0` or `#`)"));
        }
        s.text_only = true;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(code: &str, v: f64) -> String {
        NumberFormat::parse(code).map(|n| n.format(v)).unwrap_or_else(|e| e)
    }

    #[test]
    fn codes() {
        assert_eq!(f("#,##0", 1234567.5), "1,234,568");
        assert_eq!(f("#,##0.00", -1234.5), "-1,234.50");
        assert_eq!(f("$#,##0.0", 1234.56), "$1,234.6");
        assert_eq!(f("0.0,,\"M\"", 4564301.12), "4.6M");
        assert_eq!(f("#,##0.00,\"k\"", 64301.12), "64.30k");
        assert_eq!(f("0.00%", 0.12345), "12.35%");
        assert_eq!(f("0", 2.5), "3");
        assert_eq!(f("#.##", 0.5), ".5");
        assert_eq!(f("#,##0;(#,##0)", -1234.0), "(1,234)");
        assert_eq!(f("0.00E+0", 16546.1561), "1.65E+4");
        assert_eq!(f("#,##0.0\"x\"", 5.32), "5.3x");
        assert_eq!(f("[$€-407]#,##0.00", 3.5), "€3.50");
        assert_eq!(f("0.0", -0.01), "0.0");
        assert_eq!(f("#,##0.0#", 1.5), "1.5");
        assert_eq!(f("#,##0.0#", 1.257), "1.26");
    }

    #[test]
    fn bad_codes() {
        assert!(NumberFormat::parse("usd").is_err());
        assert!(NumberFormat::parse("\"abc").is_err());
        assert!(NumberFormat::parse("$$").is_err());
    }
}
