//! `SankeyDiagram` as an author sees it: the layout of Evidence's documented examples
//! (snapshots), and flows that cannot be drawn.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Page, Table};

mod common;
use common::{col, render_problems};

fn flows(rows: &[(&str, &str, f64)]) -> Table {
    Table {
        columns: vec![
            col("source", ColumnType::Text),
            col("target", ColumnType::Text),
            col("amount", ColumnType::Float),
        ],
        rows: rows
            .iter()
            .map(|(s, t, v)| vec![Cell::Text((*s).into()), Cell::Text((*t).into()), Cell::Float(*v)])
            .collect(),
    }
}

fn results() -> BTreeMap<String, Table> {
    let mut r = BTreeMap::new();
    // Evidence's `simple_sankey`, and a flow that comes back to where it started.
    r.insert(
        "simple".to_string(),
        flows(&[
            ("products", "profits", 100.0),
            ("products", "expenses", 50.0),
            ("services", "profits", 25.0),
            ("services", "expenses", 25.0),
        ]),
    );
    r.insert("circle".to_string(), flows(&[("a", "b", 1.0), ("b", "c", 1.0), ("c", "a", 1.0), ("x", "a", 2.0)]));
    r
}

const QUERIES: &str = "```sql simple\nselect 1\n```\n\n```sql circle\nselect 1\n```\n\n";

fn html(body: &str) -> String {
    let page = Page::parse(&format!("{QUERIES}{body}\n")).unwrap_or_else(|p| panic!("{p:?}"));
    quire_render::render_body(&page.body, &results(), &Default::default()).unwrap_or_else(|p| panic!("{p:?}")).html
}

#[test]
fn two_sources_two_targets() {
    insta::assert_snapshot!(html(
        "<SankeyDiagram data={simple} valueCol=amount nodeLabels=full chartAreaHeight=120 />"
    ));
}

#[test]
fn vertical_with_gradient_links() {
    insta::assert_snapshot!(html(
        "<SankeyDiagram data={simple} valueCol=amount orient=vertical linkColor=gradient sort=true chartAreaHeight=120 />"
    ));
}

#[test]
fn flows_that_cannot_be_drawn() {
    let r = results();
    let page = |b: &str| format!("{QUERIES}{b}\n");
    insta::assert_snapshot!(
        [
            "<SankeyDiagram data={circle} valueCol=amount />",
            "<SankeyDiagram data={simple} />",
            "<SankeyDiagram data={simple} valueCol=amount orient=diagonal nodeGap=-1 depthOverride={{'products': -1}} />",
        ]
        .map(|b| render_problems(&page(b), &r).join("\n"))
        .join("\n")
    );
}
