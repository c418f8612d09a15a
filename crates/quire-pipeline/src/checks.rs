//! Data tests: each becomes a query over the model's fresh output that returns the rows
//! breaking it. A test that returns rows fails its stage, and its error shows the first few
//! of them at the test's place in the model's config.

use std::collections::BTreeSet;

use quire_core::{AuthorError, Problem, Span};
use quire_engine::Engine;
use quire_engine::datafusion::arrow::record_batch::RecordBatch;

use crate::graph::Node;
use crate::model::Model;

/// Rows shown per failing test.
const SHOWN: usize = 5;

/// One test, as SQL returning the offending rows.
pub struct Check {
    /// `not_null(customer_id)`, for the message.
    what: String,
    /// Text to find in the config, for the error's place.
    anchor: (String, String),
    sql: String,
    /// Rows are offences, or (for row_count) one row with the count and the verdict.
    kind: Kind,
}

enum Kind {
    Rows,
    Count { min: Option<u64>, max: Option<u64> },
}

/// The tables the tests of `node` read besides the model itself (relationships).
pub fn reads(node: &Node) -> BTreeSet<String> {
    node.model
        .config
        .tests
        .relationships
        .values()
        .filter_map(|to| to.rsplit_once('.').map(|(t, _)| t.to_string()))
        .collect()
}

/// Every test of `node`'s model, each to run over its registered output.
pub fn list(node: &Node) -> Vec<Check> {
    let model = &node.model;
    let this = quoted(&model.table());
    let tests = &model.config.tests;
    let mut checks = Vec::new();
    for col in &tests.not_null {
        checks.push(Check {
            what: format!("not_null({col})"),
            anchor: ("not_null".into(), col.clone()),
            sql: format!("select * from {this} where {} is null", ident(col)),
            kind: Kind::Rows,
        });
    }
    for cols in &tests.unique {
        let list: Vec<String> = cols.split(',').map(|c| ident(c.trim())).collect();
        let list = list.join(", ");
        checks.push(Check {
            what: format!("unique({cols})"),
            anchor: ("unique".into(), cols.clone()),
            sql: format!(
                "select {list}, count(*) as copies from {this} group by {list} having count(*) > 1 order by copies desc, {list}"
            ),
            kind: Kind::Rows,
        });
    }
    for (col, values) in &tests.accepted_values {
        let list: Vec<String> = values.iter().map(literal).collect();
        checks.push(Check {
            what: format!("accepted_values({col})"),
            anchor: ("accepted_values".into(), col.clone()),
            sql: format!(
                "select * from {this} where {c} is not null and {c} not in ({})",
                list.join(", "),
                c = ident(col)
            ),
            kind: Kind::Rows,
        });
    }
    for (col, to) in &tests.relationships {
        let Some((table, other)) = to.rsplit_once('.') else { continue };
        checks.push(Check {
            what: format!("relationships({col} → {to})"),
            anchor: ("relationships".into(), col.clone()),
            sql: format!(
                "select * from {this} t where t.{c} is not null and not exists (select 1 from {} r where r.{} = t.{c})",
                quoted(table),
                ident(other),
                c = ident(col)
            ),
            kind: Kind::Rows,
        });
    }
    if let Some(rc) = &tests.row_count {
        checks.push(Check {
            what: "row_count".into(),
            anchor: ("row_count".into(), String::new()),
            sql: format!("select count(*) as n from {this}"),
            kind: Kind::Count { min: rc.min, max: rc.max },
        });
    }
    for t in &tests.sql {
        let sql = t.sql.replace("{{ this }}", &this).replace("{{this}}", &this);
        checks.push(Check {
            what: format!("sql test `{}`", t.name),
            anchor: ("name".into(), t.name.clone()),
            sql,
            kind: Kind::Rows,
        });
    }

    checks
}

impl Check {
    /// Run the test over the registered output of `model`: its error if it fails.
    pub async fn run(&self, engine: &Engine, model: &Model) -> Option<AuthorError> {
        let check = self;
        let failure = match &check.kind {
            Kind::Rows => match engine.run(&format!("select count(*) from ({}) q", check.sql)).await {
                Ok(b) => match count(&b) {
                    0 => None,
                    n => {
                        let shown = engine
                            .run(&format!("select * from ({}) q limit {SHOWN}", check.sql))
                            .await
                            .unwrap_or_default();
                        Some(format!(
                            "{n} row{} of `{}` break{} {}:\n{}{}",
                            if n == 1 { "" } else { "s" },
                            model.table(),
                            if n == 1 { "s" } else { "" },
                            check.what,
                            pretty(&shown),
                            if n as usize > SHOWN {
                                format!("\n… and {} more", n as usize - SHOWN)
                            } else {
                                String::new()
                            }
                        ))
                    }
                },
                Err(e) => Some(format!(
                    "the test {} could not run: {}",
                    check.what,
                    quire_engine::sql_problem(&e, &check.sql, &[]).message
                )),
            },
            Kind::Count { min, max } => match engine.run(&check.sql).await {
                Ok(b) => {
                    let n = count(&b);
                    let low = min.is_some_and(|m| n < m);
                    let high = max.is_some_and(|m| n > m);
                    (low || high).then(|| {
                        format!(
                            "`{}` has {n} rows; row_count wants {}",
                            model.table(),
                            match (min, max) {
                                (Some(a), Some(b)) => format!("{a} to {b}"),
                                (Some(a), None) => format!("at least {a}"),
                                (None, Some(b)) => format!("at most {b}"),
                                (None, None) => "any number".into(),
                            }
                        )
                    })
                }
                Err(e) => Some(format!("row_count could not run: {e}")),
            },
        };
        failure.map(|message| place(model, &check.anchor, message))
    }
}

/// The error at the test's place: in `<model>.toml` if there is one, else in the model's
/// `-- config:` header.
fn place(model: &Model, (key, value): &(String, String), message: String) -> AuthorError {
    let file = model.config_file.as_ref().unwrap_or(&model.file);
    let text = &file.text;
    let key_at = text.find(key.as_str());
    let span = key_at
        .and_then(|k| {
            if value.is_empty() {
                return Some(Span::new(k, k + key.len()));
            }
            text[k..].find(value.as_str()).map(|v| Span::new(k + v, k + v + value.len()))
        })
        .or_else(|| key_at.map(|k| Span::new(k, k + key.len())))
        .unwrap_or_default();
    Problem::new(message, span)
        .label("this test failed")
        .help(format!(
            "fix the data or the model `{}`, or change the test; the stage was not committed",
            model.file.path
        ))
        .in_file(file)
}

fn count(batches: &[RecordBatch]) -> u64 {
    use quire_engine::datafusion::arrow::array::{Array, Int64Array};
    batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .and_then(|b| b.column(0).as_any().downcast_ref::<Int64Array>().filter(|a| !a.is_null(0)).map(|a| a.value(0)))
        .map_or(0, |n| n.max(0) as u64)
}

fn pretty(batches: &[RecordBatch]) -> String {
    quire_engine::datafusion::arrow::util::pretty::pretty_format_batches(batches)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// `"stage"."model"` from `stage.model`.
pub fn quoted(table: &str) -> String {
    table.split('.').map(ident).collect::<Vec<_>>().join(".")
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => format!("'{}'", other.to_string().replace('\'', "''")),
    }
}
