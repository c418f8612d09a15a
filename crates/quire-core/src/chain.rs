//! `${query}` chaining: a query may read another query's result as a subquery.
//!
//! Expansion pastes the other query's SQL in parentheses and remembers where every piece
//! of the expanded text came from, so an error DataFusion reports in the expanded SQL
//! points back at the author's line.
//!
//! `${inputs.x.value}` becomes a placeholder (`$1`, `$2`, ...) with the input's value in
//! [`Expanded::params`]; the engine binds it as a typed literal. A reader's value is never
//! pasted into SQL text. Evidence's spellings keep working: `'${inputs.x.value}'` (the quotes
//! are dropped), `in ${inputs.x.value}` for a multiple dropdown (a list of placeholders), and
//! a reference inside a longer string (`'%${inputs.q}%'` becomes `'%' || $1 || '%'`).

use crate::components::{suggest, unknown_query};
use crate::diag::Problem;
use crate::grid;
use crate::inputs::{self, Field, InputState};
use crate::page::{Page, Query, is_identifier};
use crate::span::Span;

/// A query's SQL with every `${other}` expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Expanded {
    pub sql: String,
    /// The value of each placeholder: `params[0]` binds `$1`. `None` is SQL NULL.
    pub params: Vec<Option<String>>,
    /// The inputs this query reads, directly or through the queries it reads.
    pub inputs: Vec<String>,
    pieces: Vec<Piece>,
}

/// `sql[start..end]` is text of query `query` starting at byte `origin` of its fence.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    start: usize,
    end: usize,
    query: String,
    origin: usize,
    /// Text quire wrote (a grid's cuts): every byte of it comes from `origin`.
    fixed: bool,
}

impl Expanded {
    /// The query and the offset inside its SQL that expanded offset `at` came from.
    pub fn origin(&self, at: usize) -> Option<(&str, usize)> {
        let piece = self
            .pieces
            .iter()
            .find(|p| p.start <= at && at < p.end)
            .or_else(|| self.pieces.iter().rev().find(|p| p.start <= at))?;
        if piece.fixed {
            return Some((&piece.query, piece.origin));
        }
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
        if !out.is_empty() {
            out.remove(0);
        }
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

/// The `${...}` references of `sql`, outside its comments: a commented-out reference is
/// left as it is, neither pasted as live SQL nor counted as something the query reads.
pub fn references(sql: &str) -> Vec<Reference<'_>> {
    let comments = scan(sql).comments;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = sql[from..].find("${") {
        let start = from + i;
        if let Some(&(_, end)) = comments.iter().find(|(a, b)| *a <= start && start < *b) {
            from = end;
            continue;
        }
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

/// The SQL a query runs, with `${...}` chains expanded and inputs bound to their values in
/// `state`. Problems point into the page.
pub fn expand(page: &Page, name: &str, state: &InputState) -> Result<Expanded, ChainError> {
    let Some(query) = page.query(name) else {
        let names: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
        return Err(unknown_query(name, Span::default(), &names).into());
    };
    let mut out = Expanded { sql: String::new(), params: Vec::new(), inputs: Vec::new(), pieces: Vec::new() };
    let mut stack = Vec::new();
    let env = Env { page, inputs: inputs::inputs(page), state };
    expand_into(&env, query, &mut stack, &mut out)?;
    Ok(out)
}

struct Env<'p> {
    page: &'p Page,
    inputs: Vec<inputs::Input<'p>>,
    state: &'p InputState,
}

fn expand_into<'p>(
    env: &Env<'p>,
    query: &'p Query,
    stack: &mut Vec<&'p str>,
    out: &mut Expanded,
) -> Result<(), ChainError> {
    let name = query.name.as_str();
    if let Some(grid) = &query.grid {
        stack.push(name);
        expand_cuts(env, query, grid, stack, out)?;
        stack.pop();
        return Ok(());
    }
    stack.push(name);
    let quoted = scan(trim_statement(&query.sql)).literals;
    let sql = trim_statement(&query.sql);
    let mut copied = 0;
    let push_text = |out: &mut Expanded, from: usize, to: usize| {
        if to > from {
            let start = out.sql.len();
            out.sql.push_str(&sql[from..to]);
            out.pieces.push(Piece { start, end: out.sql.len(), query: name.to_string(), origin: from, fixed: false });
        }
    };
    for r in references(sql) {
        let span = Span::new(query.sql_offset + r.start, query.sql_offset + r.end);
        let bound = if let Some(param) = r.name.strip_prefix("params.") {
            let Some(values) = env.state.get(r.name) else {
                return Err(Problem::new(format!("this page has no parameter `{param}`"), span)
                    .help(crate::inputs::params_help(env.state, param))
                    .into());
            };
            Some(ReadValue { values: values.clone(), list: false })
        } else if let Some((input, field)) = inputs::parse_reference(r.name) {
            // `where ${inputs.grid}`: the predicate of the grid's selections.
            if let Some(grid) =
                env.inputs.iter().find(|i| i.name == input && i.kind == inputs::InputKind::DimensionGrid)
            {
                if field.is_some() || quoted.iter().any(|(a, b)| *a < r.start && r.end <= *b) {
                    return Err(Problem::new(format!("`{}` is a condition, not a value", r.name), span)
                        .help(format!("write it as a condition of its own: `where ${{inputs.{input}}}`"))
                        .into());
                }
                if !out.inputs.iter().any(|i| i == input) {
                    out.inputs.push(input.to_string());
                }
                push_text(out, copied, r.start);
                copied = r.end;
                let columns = grid_columns(env, &grid.name);
                let picked =
                    grid::selections(env.state.get(&grid.name).map(Vec::as_slice).unwrap_or_default(), &columns);
                grid::write_predicate(&mut out.sql, &mut out.params, &picked, &columns, None);
                continue;
            }
            let values = read_input(env, input, field, span)?;
            if !out.inputs.iter().any(|i| i == input) {
                out.inputs.push(input.to_string());
            }
            Some(values)
        } else {
            None
        };
        if let Some(values) = bound {
            let literal = quoted.iter().find(|(a, b)| *a < r.start && r.end <= *b).copied();
            let whole = literal.is_some_and(|(a, b)| a + 1 == r.start && r.end + 1 == b);
            match literal {
                // `'${inputs.x.value}'`: the placeholder replaces the whole literal.
                Some((a, b)) if whole => {
                    push_text(out, copied, a);
                    copied = b;
                    bind(out, values);
                }
                // `'%${inputs.q}%'`: close the string, concatenate the value as text, reopen.
                Some(_) => {
                    push_text(out, copied, r.start);
                    copied = r.end;
                    out.params.push(Some(values.join(",")));
                    out.sql.push_str(&format!("' || CAST(${} AS VARCHAR) || '", out.params.len()));
                }
                None => {
                    push_text(out, copied, r.start);
                    copied = r.end;
                    bind(out, values);
                }
            }
            continue;
        }
        push_text(out, copied, r.start);
        copied = r.end;
        if !is_identifier(r.name) {
            return Err(Problem::new(format!("`${{{}}}` does not name a query", r.name), span)
                .help("write `${other_query}` to read another query's result")
                .into());
        }
        paste(env, r.name, span, stack, out)?;
    }
    push_text(out, copied, sql.len());
    stack.pop();
    Ok(())
}

/// Paste query `name`, expanded, in parentheses: `${name}` at `span` read it.
fn paste<'p>(
    env: &Env<'p>,
    name: &'p str,
    span: Span,
    stack: &mut Vec<&'p str>,
    out: &mut Expanded,
) -> Result<(), ChainError> {
    let page = env.page;
    let r_name = name;
    if let Some(pos) = stack.iter().position(|s| *s == r_name) {
        let mut cycle: Vec<&str> = stack[pos..].to_vec();
        let first = page.queries.iter().map(|q| q.name.as_str()).find(|q| cycle.contains(q));
        if first != Some(stack[0]) {
            return Err(ChainError::ReadsCycle);
        }
        cycle.push(r_name);
        return Err(Problem::new(format!("queries refer to each other in a cycle: {}", cycle.join(" → ")), span)
            .label("this reference closes the cycle")
            .help("a query can only read queries that do not, in turn, read it")
            .into());
    }
    let Some(other) = page.query(r_name) else {
        let names: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
        return Err(unknown_query(r_name, span, &names).into());
    };
    out.sql.push('(');
    expand_into(env, other, stack, out)?;
    // A last line that is a `--` comment would swallow the closing parenthesis.
    let other_sql = trim_statement(&other.sql);
    if scan(other_sql).comments.last().is_some_and(|&(_, end)| end == other_sql.len()) {
        out.sql.push('\n');
    }
    out.sql.push(')');
    Ok(())
}

/// The text columns of grid `grid`, as the state keeps them once the grid is settled.
fn grid_columns(env: &Env<'_>, grid: &str) -> Vec<String> {
    env.state.get(&grid::columns_key(grid)).cloned().unwrap_or_default()
}

/// The SQL of a `<DimensionGrid>`'s cuts (see [`crate::grid`]): for each text column of
/// its data, the column's values with the metric, filtered by the other columns'
/// selections, ranked by the metric (ties by value), the first `limit` and any selected
/// value kept. Columns: `dimension`, `value`, `metric`, `rank`, in column then rank order.
/// The metric is the author's text; a mistake in it points at the `metric` prop.
fn expand_cuts<'p>(
    env: &Env<'p>,
    query: &'p Query,
    grid: &str,
    stack: &mut Vec<&'p str>,
    out: &mut Expanded,
) -> Result<(), ChainError> {
    let Some(input) = env.inputs.iter().find(|i| i.name == grid) else {
        return Err(
            Problem::new(format!("no grid is named `{grid}`"), Span::new(query.sql_offset, query.sql_offset)).into()
        );
    };
    if !out.inputs.iter().any(|i| i == grid) {
        out.inputs.push(grid.to_string());
    }
    let Some(data) = input.component.data() else {
        return Err(Problem::new("`<DimensionGrid>` needs `data`", input.component.name_span).into());
    };
    let columns = grid_columns(env, grid);
    let picked = grid::selections(env.state.get(grid).map(Vec::as_slice).unwrap_or_default(), &columns);
    let limit =
        input.component.number("limit").map_or(grid::DEFAULT_LIMIT, |n| n.clamp(0.0, grid::MAX_LIMIT as f64) as usize);
    let metric = trim_statement(&query.sql);
    // Text quire writes maps to the metric's start; the metric's own text to itself.
    let piece = |out: &mut Expanded, text: &str, fixed: bool| {
        let start = out.sql.len();
        out.sql.push_str(text);
        out.pieces.push(Piece { start, end: out.sql.len(), query: query.name.clone(), origin: 0, fixed });
    };
    let generated = |out: &mut Expanded, text: &str| piece(out, text, true);
    if columns.is_empty() {
        generated(
            out,
            "select CAST(NULL AS VARCHAR) as \"dimension\", CAST(NULL AS VARCHAR) as \"value\", \
             CAST(NULL AS BIGINT) as \"metric\", CAST(NULL AS BIGINT) as \"rank\" where false",
        );
        return Ok(());
    }
    generated(out, "with \"grid_data\" as (select * from ");
    paste(env, data, input.component.span_of("data"), stack, out)?;
    generated(out, ")\nselect \"dimension\", \"value\", \"metric\", \"rank\" from (");
    for (i, column) in columns.iter().enumerate() {
        let col = grid::ident(column);
        if i > 0 {
            generated(out, "\nunion all");
        }
        out.params.push(Some(column.clone()));
        let name_param = out.params.len();
        generated(
            out,
            &format!(
                "\n(select {i} as \"d\", CAST(${name_param} AS VARCHAR) as \"dimension\", \"value\", \"metric\", \"rank\" from (\
                 select \"value\", \"metric\", row_number() over (order by \"metric\" desc nulls last, \"value\" asc nulls first) as \"rank\" from (\
                 select CAST({col} AS VARCHAR) as \"value\", "
            ),
        );
        piece(out, metric, false);
        generated(out, " as \"metric\" from \"grid_data\" where ");
        let mut sql = String::new();
        grid::write_predicate(&mut sql, &mut out.params, &picked, &columns, Some(column));
        let own: Vec<&grid::Selection> = picked.iter().filter(|s| &s.column == column).collect();
        let kept = grid::match_column("\"value\"", &own, &mut out.params);
        sql.push_str(&format!(" group by {col})) where \"rank\" <= {limit} or {kept})"));
        generated(out, &sql);
    }
    generated(out, "\n) order by \"d\", \"rank\"");
    Ok(())
}

/// The values `${inputs.<name>.<field>}` reads, or a problem naming what is wrong.
fn read_input(env: &Env<'_>, name: &str, field: Option<&str>, span: Span) -> Result<ReadValue, ChainError> {
    let Some(input) = env.inputs.iter().find(|i| i.name == name) else {
        let names: Vec<&str> = env.inputs.iter().map(|i| i.name.as_str()).collect();
        let help = match suggest(name, names.iter().copied()) {
            Some(s) => format!("did you mean `${{inputs.{s}.value}}`?"),
            None if names.is_empty() => {
                "this page has no inputs; add one, such as `<Dropdown name=category data={categories} />`".into()
            }
            None => format!("inputs on this page: {}", names.join(", ")),
        };
        return Err(Problem::new(format!("unknown input `{name}`"), span)
            .label("no input has this name")
            .help(help)
            .into());
    };
    if input.kind == inputs::InputKind::Map {
        return read_map(env, input, field, span);
    }
    let Some(f) = Field::parse(field).filter(|f| *f == Field::Value || input.kind == inputs::InputKind::DateRange)
    else {
        let fields =
            if input.kind == inputs::InputKind::DateRange { "`.value`, `.start` or `.end`" } else { "`.value`" };
        return Err(Problem::new(format!("input `{name}` has no field `{}`", field.unwrap_or_default()), span)
            .help(format!("read {fields}: `${{inputs.{name}.value}}`"))
            .into());
    };
    let state = env.state.get(name).map(Vec::as_slice).unwrap_or_default();
    let values = input.read(f, state);
    Ok(ReadValue {
        list: input.multiple() || (f == Field::Value && input.kind == inputs::InputKind::DateRange),
        values,
    })
}

/// `${inputs.<map>.<column>}`: the clicked row's value of the column (NULL when missing),
/// or, with no row clicked, `true`, as Evidence's maps give (so `where zip = ${inputs.m.zip}
/// or ${inputs.m.zip} = true` is every row until a click).
fn read_map(
    env: &Env<'_>,
    input: &inputs::Input<'_>,
    field: Option<&str>,
    span: Span,
) -> Result<ReadValue, ChainError> {
    let name = &input.name;
    let columns = env.state.get(&inputs::map_columns_key(name)).cloned().unwrap_or_default();
    let example = columns.first().map_or("zip_code", String::as_str);
    let Some(column) = field.filter(|f| *f != "value") else {
        return Err(Problem::new(format!("input `{name}` is a row of the map's data"), span)
            .help(format!("read one of its columns: `${{inputs.{name}.{example}}}`"))
            .into());
    };
    if !columns.is_empty() && !columns.iter().any(|c| c == column) {
        return Err(Problem::new(format!("the data of map `{name}` has no column `{column}`"), span)
            .help(format!("its columns: {}", columns.join(", ")))
            .into());
    }
    let state = env.state.get(name).map(Vec::as_slice).unwrap_or_default();
    let values = if state.is_empty() {
        vec!["true".to_string()]
    } else {
        match grid::selections(state, &[column.to_string()]).into_iter().next() {
            Some(grid::Selection { value: Some(v), .. }) => vec![v],
            _ => Vec::new(),
        }
    };
    Ok(ReadValue { list: false, values })
}

struct ReadValue {
    /// Read as a parenthesised list, for `in ${inputs.x.value}`.
    list: bool,
    values: Vec<String>,
}

impl ReadValue {
    fn join(&self, sep: &str) -> String {
        self.values.join(sep)
    }
}

fn bind(out: &mut Expanded, value: ReadValue) {
    if value.list {
        out.sql.push('(');
        if value.values.is_empty() {
            out.sql.push_str("NULL");
        }
        for (i, v) in value.values.into_iter().enumerate() {
            if i > 0 {
                out.sql.push_str(", ");
            }
            out.params.push(Some(v));
            out.sql.push_str(&format!("${}", out.params.len()));
        }
        out.sql.push(')');
    } else {
        out.params.push(value.values.into_iter().next());
        out.sql.push_str(&format!("${}", out.params.len()));
    }
}

/// Where the single-quoted string literals and the comments of some SQL are.
struct Scanned {
    /// Byte ranges, quotes included.
    literals: Vec<(usize, usize)>,
    /// Byte ranges of `-- ...` (to the end of the line) and `/* ... */`.
    comments: Vec<(usize, usize)>,
}

/// Find the literals and comments of `sql` in one pass, so that a `--` inside a literal is
/// text and a quote inside a comment opens nothing; quoted identifiers are skipped.
fn scan(sql: &str) -> Scanned {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let start = i;
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n);
                comments.push((start, i));
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let start = i;
                i = sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
                comments.push((start, i));
            }
            b'"' => {
                i = sql[i + 1..].find('"').map_or(bytes.len(), |n| i + 1 + n + 1);
            }
            b'\'' => {
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => break,
                        Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                out.push((start, i));
            }
            _ => i += 1,
        }
    }
    Scanned { literals: out, comments }
}

/// A fence's SQL without trailing whitespace and semicolons, which a subquery cannot have.
fn trim_statement(sql: &str) -> &str {
    sql.trim_end_matches(|c: char| c.is_whitespace() || c == ';')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sql: &str) -> Vec<&str> {
        references(sql).into_iter().map(|r| r.name).collect()
    }

    #[test]
    fn references_in_comments_are_not_references() {
        assert_eq!(names("select * from ${a} -- not ${b}\nwhere x = ${c}"), ["a", "c"]);
        assert_eq!(names("select /* ${b} and ${d} */ * from ${a}"), ["a"]);
        assert_eq!(names("select * from ${a} /* unclosed ${b}"), ["a"]);
        // Comment markers inside a literal are text; a reference there still counts.
        assert_eq!(names("select '--${inputs.q.value}' as s, '/*' as t from ${a} -- ${b}"), ["inputs.q.value", "a"]);
    }

    #[test]
    fn a_commented_out_reference_is_left_in_its_comment() {
        let page =
            Page::parse("```sql a\nselect 1 as x\n```\n\n```sql b\n-- was ${a}\nselect 2 as y /* ${a} */\n```\n")
                .expect("a page");
        let expanded = expand(&page, "b", &InputState::default()).expect("expands");
        assert_eq!(expanded.sql, "-- was ${a}\nselect 2 as y /* ${a} */");
        assert!(expanded.upstream().is_empty());
    }

    #[test]
    fn a_query_ending_in_a_comment_keeps_its_closing_parenthesis() {
        let page =
            Page::parse("```sql a\nselect 1 as x -- one\n```\n\n```sql b\nselect * from ${a}\n```\n").expect("a page");
        let expanded = expand(&page, "b", &InputState::default()).expect("expands");
        assert_eq!(expanded.sql, "select * from (select 1 as x -- one\n)");
    }
}
