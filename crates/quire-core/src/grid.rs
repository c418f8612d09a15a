//! `<DimensionGrid>`: one small table per text column of its `data`, each the column's top
//! values by `metric`. Clicking a value selects it; the other tables, and every query that
//! reads `${inputs.<name>}`, are filtered by the selections, as Evidence's grid filters.
//!
//! The grid's state is its selections, one string each, the way they travel in a URL:
//! `column=value`, or `column` alone for a missing (NULL) value. `${inputs.<name>}` becomes
//! the predicate of them all (`("state" in ($1)) and ("channel" in ($2, $3))`, or `(true)`):
//! values are bound parameters, and column names come from the data's own schema, quoted as
//! identifiers. The page makes two queries for each grid ([`crate::inputs::options_queries`]):
//! `<name>__columns`, the data's columns and no rows, and `<name>__cuts`, every column's top
//! values, whose SQL [`crate::chain`] writes from the columns (kept in the state under
//! [`columns_key`] once the grid is settled) and the other columns' selections.

use crate::data::{ColumnType, Table};

/// Rows each column shows unless `limit` says otherwise (Evidence's default).
pub const DEFAULT_LIMIT: usize = 10;
/// Most rows a column may show.
pub const MAX_LIMIT: usize = 1000;
/// The metric unless `metric` says otherwise.
pub const DEFAULT_METRIC: &str = "count(*)";

/// The query holding the grid's data's columns (and no rows).
pub fn columns_query(grid: &str) -> String {
    format!("{grid}__columns")
}

/// The query holding every column's top values: `dimension`, `value`, `metric`, `rank`.
pub fn cuts_query(grid: &str) -> String {
    format!("{grid}__cuts")
}

/// Where the state keeps the grid's text columns, for the SQL the chain writes.
pub fn columns_key(grid: &str) -> String {
    format!("@grid.{grid}")
}

/// The queries the page made for `c`, when it is a grid: its columns and its cuts.
pub fn queries_of(c: &crate::page::Component) -> Vec<String> {
    match (c.name.as_str(), &c.derived_query, c.text("name")) {
        ("DimensionGrid", Some(columns), Some(name)) => vec![columns.clone(), cuts_query(&name)],
        _ => Vec::new(),
    }
}

/// The grid's text columns, in the data's order.
pub fn text_columns(columns: &Table) -> Vec<String> {
    columns.columns.iter().filter(|c| c.ty == ColumnType::Text).map(|c| c.name.clone()).collect()
}

/// One selected value of one column; `value: None` is a missing value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub column: String,
    pub value: Option<String>,
}

impl Selection {
    /// The selection as the state (and the URL) holds it.
    pub fn token(&self) -> String {
        match &self.value {
            Some(v) => format!("{}={v}", self.column),
            None => self.column.clone(),
        }
    }

    /// Read a state token against the grid's columns: the longest column the token names,
    /// so a column whose name has `=` in it still reads.
    pub fn parse(token: &str, columns: &[String]) -> Option<Selection> {
        columns
            .iter()
            .filter_map(|c| {
                if token == c {
                    Some(Selection { column: c.clone(), value: None })
                } else {
                    let v = token.strip_prefix(c.as_str())?.strip_prefix('=')?;
                    Some(Selection { column: c.clone(), value: Some(v.to_string()) })
                }
            })
            .max_by_key(|s| s.column.len())
    }
}

/// The selections of a state, in the state's order; tokens naming no column are left out.
pub fn selections(state: &[String], columns: &[String]) -> Vec<Selection> {
    state.iter().filter_map(|t| Selection::parse(t, columns)).collect()
}

/// `name` as a SQL identifier, quoted, a `"` doubled.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Write the predicate of `selections` (all but those of column `except`) to `sql`, each
/// value a placeholder whose value is pushed to `params`: columns in `columns`' order,
/// joined by `and`; values of one column by `in`, a missing one by `is null`.
pub fn write_predicate(
    sql: &mut String,
    params: &mut Vec<Option<String>>,
    selections: &[Selection],
    columns: &[String],
    except: Option<&str>,
) {
    let mut terms = Vec::new();
    for column in columns.iter().filter(|c| Some(c.as_str()) != except) {
        let picked: Vec<&Selection> = selections.iter().filter(|s| &s.column == column).collect();
        if picked.is_empty() {
            continue;
        }
        terms.push(match_column(&ident(column), &picked, params));
    }
    if terms.is_empty() {
        sql.push_str("(true)");
    } else {
        sql.push('(');
        sql.push_str(&terms.join(" and "));
        sql.push(')');
    }
}

/// `(<expr> in ($1, $2) or <expr> is null)` for the values picked of one column.
pub fn match_column(expr: &str, picked: &[&Selection], params: &mut Vec<Option<String>>) -> String {
    let mut parts = Vec::new();
    let values: Vec<&str> = picked.iter().filter_map(|s| s.value.as_deref()).collect();
    if !values.is_empty() {
        let mut list = Vec::new();
        for v in values {
            params.push(Some(v.to_string()));
            list.push(format!("${}", params.len()));
        }
        parts.push(format!("{expr} in ({})", list.join(", ")));
    }
    if picked.iter().any(|s| s.value.is_none()) {
        parts.push(format!("{expr} is null"));
    }
    if parts.is_empty() { "false".to_string() } else { format!("({})", parts.join(" or ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<String> {
        vec!["state".into(), "a=b".into(), "a".into()]
    }

    #[test]
    fn tokens_read_back_by_the_longest_column() {
        for s in [
            Selection { column: "state".into(), value: Some("CA".into()) },
            Selection { column: "state".into(), value: Some("".into()) },
            Selection { column: "state".into(), value: None },
            Selection { column: "a=b".into(), value: Some("c=d".into()) },
            Selection { column: "a".into(), value: Some("x".into()) },
        ] {
            assert_eq!(Selection::parse(&s.token(), &cols()), Some(s.clone()), "{}", s.token());
        }
        assert_eq!(Selection::parse("nope=1", &cols()), None);
    }

    #[test]
    fn predicates_bind_every_value() {
        let sel = selections(&["state=CA".into(), "a=x".into(), "state".into(), "state=O'B".into()], &cols());
        let (mut sql, mut params) = (String::new(), Vec::new());
        write_predicate(&mut sql, &mut params, &sel, &cols(), None);
        assert_eq!(sql, r#"(("state" in ($1, $2) or "state" is null) and ("a" in ($3)))"#);
        assert_eq!(params, vec![Some("CA".into()), Some("O'B".into()), Some("x".into())]);
        let (mut sql, mut params) = (String::new(), Vec::new());
        write_predicate(&mut sql, &mut params, &sel, &cols(), Some("state"));
        assert_eq!(sql, r#"(("a" in ($1)))"#);
        let (mut sql, mut params) = (String::new(), Vec::new());
        write_predicate(&mut sql, &mut params, &[], &cols(), None);
        assert_eq!((sql.as_str(), params.len()), ("(true)", 0));
        assert_eq!(ident(r#"we"ird"#), r#""we""ird""#);
    }
}
