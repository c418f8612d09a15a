use std::collections::BTreeMap;

use quire_core::script::{self, JsVal, Runner};
use quire_core::{Cell, Column, ColumnType, InputState, Page, Table};

use super::*;

fn orders() -> Table {
    Table {
        columns: vec![
            Column { name: "region".into(), ty: ColumnType::Text },
            Column { name: "day".into(), ty: ColumnType::Date },
            Column { name: "sales".into(), ty: ColumnType::Float },
        ],
        rows: vec![
            vec![Cell::Text("West".into()), Cell::Int(19723), Cell::Float(120.5)],
            vec![Cell::Text("East".into()), Cell::Int(19724), Cell::Float(80.25)],
        ],
    }
}

fn run(page: &str) -> Result<PageJs, Problem> {
    let page = Page::parse(page).map_err(|p| p[0].clone())?;
    let program = page.program().map_err(|p| p[0].clone())?.expect("a program");
    let mut results = BTreeMap::new();
    results.insert("orders".to_string(), orders());
    let queries: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
    let env = script::env_wire(&results, &InputState::new(), &queries);
    PageJs::run(&program, &env, Budget::default(), Span::new(0, 1))
}

const SQL: &str = "```sql orders\nselect 1\n```\n";

#[test]
fn a_script_declares_data_and_reactive_values() {
    let page = format!(
        "{SQL}<script>\nlet regions = [{{region: 'West', score: 59}}, {{region: 'East', score: 41.5}}];\n$: total = orders.reduce((a, r) => a + r.sales, 0);\n$: share = orders[0].sales / total;\nfunction double(x) {{ return x * 2 }}\n</script>\n\n{{share}}\n"
    );
    let js = run(&page).unwrap();
    assert_eq!(js.value("total"), Some(JsVal::Num(200.75)));
    assert_eq!(js.value("share"), Some(JsVal::Num(120.5 / 200.75)));
    let t = js.value("regions").unwrap().to_table().unwrap();
    assert_eq!(t.columns[1].ty, ColumnType::Float);
    assert_eq!(t.rows[1][1], Cell::Float(41.5));
    assert_eq!(js.value("double"), None);
}

#[test]
fn an_exception_is_placed_at_the_page_line() {
    let page = format!("{SQL}<script>\nlet a = 1;\nlet b = a.nope.deeper;\n</script>\n");
    let p = run(&page).err().expect("an error");
    let (line, _) = quire_core::span::line_col(&page, p.span.start);
    assert_eq!(line, 6, "{p:?}");
    assert!(p.message.contains("TypeError"), "{p:?}");
}

#[test]
fn a_syntax_error_is_placed_at_the_page_line() {
    let page = format!("{SQL}<script>\nlet a = 1;\nlet b = (a + ;\n</script>\n");
    let p = run(&page).err().expect("an error");
    let (line, _) = quire_core::span::line_col(&page, p.span.start);
    assert_eq!(line, 6, "{p:?}");
}

#[test]
fn an_endless_loop_stops_at_the_budget() {
    let page = format!("{SQL}<script>\nlet a = 0;\nwhile (true) {{ a++ }}\n</script>\n");
    let p = run(&page).err().expect("an error");
    assert!(p.message.contains("loop") || p.message.contains("longer"), "{p:?}");
}

/// quire's own evaluator (kept for pages without JavaScript: no engine to start) gives what
/// the engine gives for every expression it takes.
#[test]
fn quires_own_evaluator_agrees_with_the_engine() {
    let cases = [
        "orders.length",
        "orders[0].sales",
        "orders[1].region",
        "orders[0].day",
        "orders[0]",
        "orders",
        "orders.sales",
        "orders[0].sales > 100",
        "orders[0].sales + orders[1].sales",
        "orders[0].sales - orders[1].sales * 2",
        "orders[0].sales / 0",
        "-orders[1].sales",
        "orders[0].sales % 7",
        "orders[0].region == 'West'",
        "orders[0].region != 'West'",
        "orders[0].region === 'West'",
        "orders[0].sales == '120.5'",
        "!orders.length",
        "!!orders[0].region",
        "orders[0].sales >= 80 && orders[1].sales < 100",
        "orders[0].sales < 80 || orders[1].region",
        "orders.length > 1 ? 'many' : 'one'",
        "orders[0].region + '-' + orders[1].region",
        "orders[0].region + orders[0].sales",
        "'a' < 'b'",
        "'B' < 'a'",
        "1 + 2 * 3 - 4 / 8",
        "null",
        "true && 'yes'",
        "0 || 'fallback'",
        "orders[orders.length - 1].region",
        "params.customer",
        "inputs.region.value",
    ];
    let exprs: Vec<script::JsExpr> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| script::JsExpr {
            source: c.to_string(),
            span: Span::new(i * 1000, i * 1000 + c.len()),
            locals: vec![],
        })
        .collect();
    let program = script::program(&[], &exprs, &["orders"]).expect("a program");
    let mut results = BTreeMap::new();
    results.insert("orders".to_string(), orders());
    let state: InputState =
        [("region".to_string(), vec!["West".to_string()]), ("params.customer".to_string(), vec!["Acme".to_string()])]
            .into();
    let env = script::env_wire(&results, &state, &["orders"]);
    let js = PageJs::run(&program, &env, Budget::default(), Span::new(0, 0)).expect("runs");
    let mut differ = Vec::new();
    for (case, e) in cases.iter().zip(&exprs) {
        let parsed = quire_core::expr::parse(case, 0).unwrap_or_else(|p| panic!("{case}: {p:?}"));
        let native = quire_render::evaluate(&parsed, &results, &state).unwrap_or_else(|p| panic!("{case}: {p:?}"));
        let engine = js.eval(&script::key(e.span), "[]").unwrap_or_else(|m| panic!("{case}: {m}"));
        let same = match (&native, &engine) {
            (JsVal::Num(a), JsVal::Num(b)) => a == b || (a.is_nan() && b.is_nan()),
            (a, b) => a == b,
        };
        if !same {
            differ.push(format!("{case}: quire {native:?}, engine {engine:?}"));
        }
    }
    assert!(differ.is_empty(), "{} of {} differ:\n{}", differ.len(), cases.len(), differ.join("\n"));
}
