//! `${query}` chaining: a query may read another query's result as a subquery.
//!
//! Expansion pastes the other query's SQL in parentheses and remembers where every piece
//! of the expanded text came from, so an error DataFusion reports in the expanded SQL
//! points back at the author's line. Input values never pass through here as text.

use crate::components::unknown_query;
use crate::diag::Problem;
use crate::page::{Page, Query, is_identifier};
use crate::span::Span;

/// A query's SQL with every `${other}` expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Expanded {
    pub sql: String,
    pieces: Vec<Piece>,
}

/// `sql[start..end]` is text of query `query` starting at byte `origin` of its fence.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    start: usize,
    end: usize,
    query: String,
    origin: usize,
}

impl Expanded {
    /// The query and the offset inside its SQL that expanded offset `at` came from.
    pub fn origin(&self, at: usize) -> Option<(&str, usize)> {
        let piece = self
            .pieces
            .iter()
            .find(|p| p.start <= at && at < p.end)
            .or_else(|| self.pieces.iter().rev().find(|p| p.start <= at))?;
        Some((&piece.query, piece.origin + (at - piece.start).min(piece.end - piece.start)))
    }

    /// Names of the queries this one reads through `${...}`, directly or not.
    pub fn upstream(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.pieces {
            if !out.contains(&p.query.as_str()) {
                out.push(&p.query);
            }
        }
        out.remove(0);
        out
    }
}

/// One `${...}` in a query's SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference<'a> {
    /// Offset of `$` in the SQL.
    pub start: usize,
    pub end: usize,
    pub name: &'a str,
}

pub fn references(sql: &str) -> Vec<Reference<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = sql[from..].find("${") {
        let start = from + i;
        let Some(close) = sql[start..].find('}') else { break };
        out.push(Reference { start, end: start + close + 1, name: sql[start + 2..start + close].trim() });
        from = start + close + 1;
    }
    out
}

/// Why a query's chain could not be expanded.
#[derive(Debug, Clone, PartialEq)]
pub enum ChainError {
    Problem(Problem),
    /// The query reads a cycle that is reported once, from the query of the cycle that
    /// comes first on the page.
    ReadsCycle,
}

impl From<Problem> for ChainError {
    fn from(p: Problem) -> Self {
        ChainError::Problem(p)
    }
}

/// The SQL a query runs, with `${...}` chains expanded. Problems point into the page.
pub fn expand(page: &Page, name: &str) -> Result<Expanded, ChainError> {
    let Some(query) = page.query(name) else {
        let names: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
        return Err(unknown_query(name, Span::default(), &names).into());
    };
    let mut out = Expanded { sql: String::new(), pieces: Vec::new() };
    let mut stack = Vec::new();
    expand_into(page, query, &mut stack, &mut out)?;
    Ok(out)
}

fn expand_into<'p>(
    page: &'p Page,
    query: &'p Query,
    stack: &mut Vec<&'p str>,
    out: &mut Expanded,
) -> Result<(), ChainError> {
    let name = query.name.as_str();
    stack.push(name);
    let sql = trim_statement(&query.sql);
    let mut copied = 0;
    let push_text = |out: &mut Expanded, from: usize, to: usize| {
        if to > from {
            let start = out.sql.len();
            out.sql.push_str(&sql[from..to]);
            out.pieces.push(Piece { start, end: out.sql.len(), query: name.to_string(), origin: from });
        }
    };
    for r in references(sql) {
        let span = Span::new(query.sql_offset + r.start, query.sql_offset + r.end);
        push_text(out, copied, r.start);
        copied = r.end;
        if r.name.starts_with("inputs.") || r.name.starts_with("params.") {
            return Err(Problem::new(format!("`${{{}}}` is not supported yet", r.name), span)
                .help("inputs and page parameters arrive in a later version of quire")
                .into());
        }
        if !is_identifier(r.name) {
            return Err(Problem::new(format!("`${{{}}}` does not name a query", r.name), span)
                .help("write `${other_query}` to read another query's result")
                .into());
        }
        if let Some(pos) = stack.iter().position(|s| *s == r.name) {
            let mut cycle: Vec<&str> = stack[pos..].to_vec();
            let first = page.queries.iter().map(|q| q.name.as_str()).find(|q| cycle.contains(q));
            if first != Some(stack[0]) {
                return Err(ChainError::ReadsCycle);
            }
            cycle.push(r.name);
            return Err(Problem::new(format!("queries refer to each other in a cycle: {}", cycle.join(" → ")), span)
                .label("this reference closes the cycle")
                .help("a query can only read queries that do not, in turn, read it")
                .into());
        }
        let Some(other) = page.query(r.name) else {
            let names: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
            return Err(unknown_query(r.name, span, &names).into());
        };
        out.sql.push('(');
        expand_into(page, other, stack, out)?;
        out.sql.push(')');
    }
    push_text(out, copied, sql.len());
    stack.pop();
    Ok(())
}

/// A fence's SQL without trailing whitespace and semicolons, which a subquery cannot have.
fn trim_statement(sql: &str) -> &str {
    sql.trim_end_matches(|c: char| c.is_whitespace() || c == ';')
}
