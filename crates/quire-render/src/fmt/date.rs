//! Calendar arithmetic and Excel-style date codes (`yyyy-mm-dd`, `mmm yyyy`, `H:MM:SS AM/PM`).
//!
//! Days since 1970-01-01 map to the proleptic Gregorian calendar with integer arithmetic
//! only, so the browser and the build agree to the day without a date library.

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

pub use quire_core::time::{MICROS_PER_DAY, civil, days_from_civil, iso_date, iso_timestamp};

/// A moment split into its day and the microseconds into that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub days: i64,
    pub micros: i64,
}

impl Moment {
    pub fn from_days(days: i64) -> Moment {
        Moment { days, micros: 0 }
    }
    pub fn from_micros(micros: i64) -> Moment {
        Moment { days: micros.div_euclid(MICROS_PER_DAY), micros: micros.rem_euclid(MICROS_PER_DAY) }
    }
    fn hms(self) -> (i64, i64, i64) {
        let secs = self.micros / 1_000_000;
        (secs / 3600, secs / 60 % 60, secs % 60)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DateFormat {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Year4,
    Year2,
    Month(usize),
    Day(usize),
    Hour(usize),
    Minute(usize),
    Second(usize),
    AmPm { short: bool },
    Literal(String),
}

impl DateFormat {
    pub fn parse(code: &str) -> Result<DateFormat, String> {
        let chars: Vec<char> = code.chars().collect();
        let mut tokens: Vec<Token> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let lower = c.to_ascii_lowercase();
            let run = chars[i..].iter().take_while(|x| x.to_ascii_lowercase() == lower).count();
            match lower {
                'y' => tokens.push(if run >= 3 { Token::Year4 } else { Token::Year2 }),
                'm' => tokens.push(Token::Month(run.min(5))),
                'd' => tokens.push(Token::Day(run.min(4))),
                'h' => tokens.push(Token::Hour(run.min(2))),
                's' => tokens.push(Token::Second(run.min(2))),
                'a' => {
                    let rest: String = chars[i..].iter().take(5).collect::<String>().to_ascii_lowercase();
                    if rest.starts_with("am/pm") {
                        tokens.push(Token::AmPm { short: false });
                        i += 5;
                    } else if rest.starts_with("a/p") {
                        tokens.push(Token::AmPm { short: true });
                        i += 3;
                    } else {
                        return Err(format!("`{code}` is not a date format (unexpected `{c}`)"));
                    }
                    continue;
                }
                '"' => {
                    let (text, next) = super::quoted(&chars, i, code)?;
                    tokens.push(Token::Literal(text));
                    i = next;
                    continue;
                }
                '\\' => {
                    if let Some(n) = chars.get(i + 1) {
                        tokens.push(Token::Literal(n.to_string()));
                    }
                    i += 2;
                    continue;
                }
                c if c.is_ascii_alphabetic() => {
                    return Err(format!("`{code}` is not a date format (unexpected `{c}`)"));
                }
                _ => {
                    tokens.push(Token::Literal(c.to_string()));
                    i += 1;
                    continue;
                }
            }
            i += run;
        }
        // `m` means minutes right after an hour or right before seconds, as in Excel.
        let fields: Vec<usize> = (0..tokens.len()).filter(|&k| !matches!(tokens[k], Token::Literal(_))).collect();
        for (pos, &k) in fields.iter().enumerate() {
            if let Token::Month(n @ (1 | 2)) = tokens[k] {
                let after_hour = pos > 0 && matches!(tokens[fields[pos - 1]], Token::Hour(_));
                let before_second = fields.get(pos + 1).is_some_and(|&n| matches!(tokens[n], Token::Second(_)));
                if after_hour || before_second {
                    tokens[k] = Token::Minute(n);
                }
            }
        }
        Ok(DateFormat { tokens })
    }

    pub fn format(&self, t: Moment) -> String {
        let (y, m, d) = civil(t.days);
        let (h, mi, s) = t.hms();
        let twelve = self.tokens.iter().any(|t| matches!(t, Token::AmPm { .. }));
        let mut out = String::new();
        for tok in &self.tokens {
            match tok {
                Token::Year4 => out.push_str(&format!("{y:04}")),
                Token::Year2 => out.push_str(&format!("{:02}", y.rem_euclid(100))),
                Token::Month(1) => out.push_str(&m.to_string()),
                Token::Month(2) => out.push_str(&format!("{m:02}")),
                Token::Month(3) => out.push_str(&MONTHS[m as usize - 1][..3]),
                Token::Month(4) => out.push_str(MONTHS[m as usize - 1]),
                Token::Month(_) => out.push_str(&MONTHS[m as usize - 1][..1]),
                Token::Day(1) => out.push_str(&d.to_string()),
                Token::Day(2) => out.push_str(&format!("{d:02}")),
                Token::Day(3) => out.push_str(&WEEKDAYS[weekday(t.days)][..3]),
                Token::Day(_) => out.push_str(WEEKDAYS[weekday(t.days)]),
                Token::Hour(n) => {
                    let h = if twelve { (h + 11) % 12 + 1 } else { h };
                    out.push_str(&if *n == 2 { format!("{h:02}") } else { h.to_string() });
                }
                Token::Minute(n) => out.push_str(&if *n == 2 { format!("{mi:02}") } else { mi.to_string() }),
                Token::Second(n) => out.push_str(&if *n == 2 { format!("{s:02}") } else { s.to_string() }),
                Token::AmPm { short } => out.push_str(match (h < 12, short) {
                    (true, false) => "AM",
                    (false, false) => "PM",
                    (true, true) => "A",
                    (false, true) => "P",
                }),
                Token::Literal(l) => out.push_str(l),
            }
        }
        out
    }
}

/// 0 = Sunday.
pub fn weekday(days: i64) -> usize {
    // 1970-01-01 was a Thursday.
    (days + 4).rem_euclid(7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for days in [-719_468, -1, 0, 1, 59, 60, 365, 10_957, 19_000, 2_932_896] {
            let (y, m, d) = civil(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_001), (2022, 1, 9));
        assert_eq!(iso_date(-1), "1969-12-31");
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
    }

    #[test]
    fn codes() {
        let t =
            Moment::from_micros(days_from_civil(2022, 1, 9) * MICROS_PER_DAY + (13 * 3600 + 5 * 60 + 3) * 1_000_000);
        let f = |c: &str| DateFormat::parse(c).map(|f| f.format(t)).unwrap_or_else(|e| e);
        assert_eq!(f("yyyy-mm-dd"), "2022-01-09");
        assert_eq!(f("YYYY-MM-DD"), "2022-01-09");
        assert_eq!(f("mmm yyyy"), "Jan 2022");
        assert_eq!(f("mmmm d, yyyy"), "January 9, 2022");
        assert_eq!(f("dddd mmmm d, yyyy"), "Sunday January 9, 2022");
        assert_eq!(f("m/d/y"), "1/9/22");
        assert_eq!(f("H:MM:SS AM/PM"), "1:05:03 PM");
        assert_eq!(f("hh:mm"), "13:05");
        assert_eq!(f("mm:ss"), "05:03");
        assert!(DateFormat::parse("yyyy-qq").is_err());
    }
}
