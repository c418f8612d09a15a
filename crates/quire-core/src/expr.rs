//! Expressions in prose: `{q[0].col}`, `{q.length}`, `{q.col}` (first row),
//! `{fmt(q[0].col, 'usd0')}`.

use crate::diag::Problem;
use crate::page::is_identifier;
use crate::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `q.length`: the number of rows.
    Length { query: String, query_span: Span },
    /// `q[row].column`; `q.column` means row 0.
    Cell { query: String, query_span: Span, row: usize, column: String, column_span: Span },
    /// `fmt(expr, 'format')`.
    Fmt { value: Box<Expr>, format: String, format_span: Span },
}

impl Expr {
    /// The query this expression reads, and where it is named.
    pub fn query(&self) -> (&str, Span) {
        match self {
            Expr::Length { query, query_span } | Expr::Cell { query, query_span, .. } => (query, *query_span),
            Expr::Fmt { value, .. } => value.query(),
        }
    }
}

/// Parse the inside of `{...}`; `offset` is where `inner` starts in the file.
pub fn parse(inner: &str, offset: usize) -> Result<Expr, Problem> {
    let lead = inner.len() - inner.trim_start().len();
    let t = inner.trim();
    let at = offset + lead;
    let whole = Span::new(at, at + t.len());
    let bad = || {
        Problem::new(format!("`{{{t}}}` is not an expression quire understands"), whole)
            .help("write `{query[0].column}`, `{query.column}`, `{query.length}` or `{fmt(query[0].column, 'usd')}`")
    };
    if let Some(args) = t.strip_prefix("fmt(").and_then(|s| s.strip_suffix(')')) {
        let comma = args.rfind(',').ok_or_else(bad)?;
        let value = parse(&args[..comma], at + 4)?;
        let fmt_raw = &args[comma + 1..];
        let fl = fmt_raw.len() - fmt_raw.trim_start().len();
        let f = fmt_raw.trim();
        let format = f
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .or_else(|| f.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
            .ok_or_else(bad)?;
        let fstart = at + 4 + comma + 1 + fl;
        return Ok(Expr::Fmt {
            value: Box::new(value),
            format: format.to_string(),
            format_span: Span::new(fstart, fstart + f.len()),
        });
    }
    let name_len = t.find(['[', '.']).unwrap_or(t.len());
    let query = &t[..name_len];
    if !is_identifier(query) {
        return Err(bad());
    }
    let query_span = Span::new(at, at + name_len);
    let mut rest = &t[name_len..];
    let mut pos = at + name_len;
    let mut row = 0;
    if let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']').ok_or_else(bad)?;
        row = r[..close].trim().parse().map_err(|_| {
            Problem::new(format!("`{}` is not a row number", &r[..close]), Span::new(pos + 1, pos + 1 + close))
                .help("rows are counted from 0: `{q[0].column}`")
        })?;
        rest = &r[close + 1..];
        pos += close + 2;
    }
    let column = rest.strip_prefix('.').ok_or_else(bad)?;
    if !is_identifier(column) {
        return Err(bad());
    }
    let column_span = Span::new(pos + 1, pos + 1 + column.len());
    if column == "length" && row == 0 && !t[name_len..].starts_with('[') {
        return Ok(Expr::Length { query: query.to_string(), query_span });
    }
    Ok(Expr::Cell { query: query.to_string(), query_span, row, column: column.to_string(), column_span })
}
