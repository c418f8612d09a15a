//! DataFusion's errors, reworded for authors and pointed at a place in the SQL.

use datafusion::error::DataFusionError;
use quire_core::span::offset_of;

/// What went wrong in an SQL statement, for an author: the message, the byte range of the
/// statement it is about (when DataFusion or the parser says), and a hint.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlProblem {
    pub message: String,
    pub range: Option<(usize, usize)>,
    pub help: Option<String>,
}

/// Reword `err`, raised by running `sql`, and find where in `sql` it points.
/// `tables` lists the registered tables, for "did you mean".
pub fn sql_problem(err: &DataFusionError, sql: &str, tables: &[String]) -> SqlProblem {
    let root = err.iter().next().unwrap_or(err);
    let (mut message, range) = match root.diagnostic() {
        Some(d) => (d.message.clone(), d.span.map(|s| range_of(sql, s))),
        None => (String::new(), None),
    };
    let raw = strip_prefixes(&root.find_root().to_string());
    if message.is_empty() {
        message = raw.clone();
    }
    let range = range.or_else(|| {
        parser_location(&raw).map(|(l, c)| {
            let start = offset_of(sql, l, c);
            (start, word_end(sql, start))
        })
    });
    let mut help = root.diagnostic().and_then(|d| d.helps.first().map(|h| h.message.clone()));
    if help.is_none() {
        help = hint(&raw, tables);
    }
    // The parser's messages end in their own position, which the span already shows.
    let message = match message.find(" at Line: ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    SqlProblem { message, range, help }
}

fn strip_prefixes(s: &str) -> String {
    let mut s = s.trim();
    for p in [
        "SQL error: ",
        "Error during planning: ",
        "Schema error: ",
        "Execution error: ",
        "This feature is not implemented: ",
        "Arrow error: ",
        "Optimizer rule",
    ] {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest.trim();
        }
    }
    let s = s.strip_prefix("ParserError(\"").and_then(|r| r.strip_suffix("\")")).unwrap_or(s);
    let s = s.strip_prefix("TokenizerError(\"").and_then(|r| r.strip_suffix("\")")).unwrap_or(s);
    s.replace("\\\"", "\"")
}

fn hint(raw: &str, tables: &[String]) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("table '") {
        let name = rest.split('\'').next().unwrap_or("");
        let short = name.trim_start_matches("datafusion.").trim_start_matches("public.");
        let best = quire_core::components::suggest(short, tables.iter().map(String::as_str));
        return Some(match best {
            Some(b) => format!("did you mean `{b}`?"),
            None if tables.is_empty() => "no tables are registered: add a source under sources/".to_string(),
            None => format!("tables you can read: {}", tables.join(", ")),
        });
    }
    if let Some(i) = raw.find("Valid fields are ") {
        let fields: Vec<&str> = raw[i + 17..]
            .trim_end_matches('.')
            .split(", ")
            .map(|f| f.rsplit('.').next().unwrap_or(f).trim_matches('"'))
            .collect();
        let missing = raw.split("No field named ").nth(1).and_then(|r| r.split(['.', ' ']).next()).unwrap_or("");
        let missing = missing.trim_matches(|c| c == '"' || c == '\'');
        return Some(match quire_core::components::suggest(missing, fields.iter().copied()) {
            Some(f) => format!("did you mean `{f}`?"),
            None => format!("the columns are: {}", dedup(&fields).join(", ")),
        });
    }
    if let Some(rest) = lower.strip_prefix("invalid function '") {
        let name = rest.split('\'').next().unwrap_or("");
        if let Some((_, instead)) = DUCKDB_ONLY.iter().find(|(f, _)| *f == name) {
            return Some(format!("`{name}` is DuckDB's; in quire write {instead}"));
        }
    }
    None
}

/// DuckDB functions DataFusion has no spelling of, and what to write instead. Every SQL
/// replacement here gives DuckDB's answer: `tests/testsuite/dialect.rs` runs each in both
/// engines. The same list is in www/pages/authoring/sql.md.
pub const DUCKDB_ONLY: &[(&str, &str)] = &[
    (
        "date_sub",
        "`b - a` for the whole days between two dates; for the whole hours between timestamps, `CAST(date_part('epoch', b - a) / 3600 AS BIGINT)`",
    ),
    ("date_add", "`d + interval 7 day`"),
    ("monthname", "`to_char(d, '%B')`"),
    ("dayname", "`to_char(d, '%A')`"),
    ("last_day", "`date_trunc('month', d) + interval 1 month - interval 1 day`"),
    ("arg_max", "`first_value(x order by y desc nulls last)`"),
    ("max_by", "`first_value(x order by y desc nulls last)`"),
    ("arg_min", "`first_value(x order by y nulls last)`"),
    ("min_by", "`first_value(x order by y nulls last)`"),
    ("regexp_matches", "`regexp_like(s, pattern)`"),
    ("epoch_ms", "`date_part('epoch', t) * 1000`"),
    ("make_timestamp", "`to_timestamp(date_part('epoch', make_date(y, m, d)) + h * 3600 + mi * 60 + s)`"),
    ("date_diff", "`date_diff` counts year, quarter, month, week, day, hour, minute or second in quire"),
    ("datediff", "`datediff` counts year, quarter, month, week, day, hour, minute or second in quire"),
    ("read_csv", "a source: put the file under `sources/<name>/`"),
    ("read_csv_auto", "a source: put the file under `sources/<name>/`"),
    ("read_parquet", "a source: put the file under `sources/<name>/`"),
];

/// `at Line: L, Column: C` in a parser message.
fn parser_location(msg: &str) -> Option<(usize, usize)> {
    let i = msg.find("Line: ")?;
    let rest = &msg[i + 6..];
    let line: usize = rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    let j = rest.find("Column: ")?;
    let col: usize = rest[j + 8..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    Some((line, col))
}

fn range_of(sql: &str, span: datafusion::common::Span) -> (usize, usize) {
    let start = offset_of(sql, span.start.line as usize, span.start.column as usize);
    let end = offset_of(sql, span.end.line as usize, span.end.column as usize);
    (start, end.max(start))
}

fn word_end(sql: &str, start: usize) -> usize {
    let rest = &sql[start.min(sql.len())..];
    start + rest.find(|c: char| c.is_whitespace() || c == ',' || c == ')').unwrap_or(rest.len()).max(1).min(rest.len())
}

fn dedup<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i);
        }
    }
    out
}
