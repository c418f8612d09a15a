//! `<Chart>` with series of two kinds (Evidence's mixed-type charts): bars and a line on
//! one axis (snapshot), and what it refuses.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Page, Table};

mod common;
use common::{col, render_problems};

fn results() -> BTreeMap<String, Table> {
    let rows = [(2015, 5.0, 2.0), (2016, 8.0, 3.0), (2017, 6.0, 12.0)];
    let mut r = BTreeMap::new();
    r.insert(
        "recalls".to_string(),
        Table {
            columns: vec![
                col("year", ColumnType::Text),
                col("voluntary_recalls", ColumnType::Float),
                col("fda_recalls", ColumnType::Float),
            ],
            rows: rows
                .iter()
                .map(|(y, v, f)| vec![Cell::Text(y.to_string()), Cell::Float(*v), Cell::Float(*f)])
                .collect(),
        },
    );
    r
}

const QUERIES: &str = "```sql recalls\nselect 1\n```\n\n";

#[test]
fn bars_and_a_line_share_one_axis() {
    let page = Page::parse(&format!(
        "{QUERIES}<Chart data={{recalls}} x=year>\n<Bar y=voluntary_recalls/>\n<Line y=fda_recalls name=\"FDA Recalls\"/>\n</Chart>\n"
    ))
    .expect("parses");
    let html = quire_render::render_body(&page.body, &results(), &Default::default()).expect("renders").html;
    // The line's 12 is above every bar: the one axis reaches it (no axis on the right).
    assert!(html.contains("text-anchor=\"end\">12.5</text>"), "{html}");
    // Three bars and a line; one axis of labels, on the left.
    assert_eq!(html.matches("<rect class=\"q-bar\"").count(), 3);
    assert_eq!(html.matches("text-anchor=\"start\">").count(), 0, "no labels of a right-hand axis");
    insta::assert_snapshot!(html);
}

#[test]
fn what_a_chart_refuses() {
    let r = results();
    let page = |b: &str| format!("{QUERIES}{b}\n");
    insta::assert_snapshot!(
        [
            "<Chart data={recalls} x=year>\n</Chart>",
            "<Chart data={recalls} x=year>\n<Bar y=fda_recalls/>\n<Line y=fda_recalls/>\n<Scatter y=fda_recalls/>\n</Chart>",
            "<Chart data={recalls} x=year>\n<Line y=fda_recalls/>\n<Area y=fda_recalls/>\n</Chart>",
            "<Chart data={recalls} x=year>\n<Line y=fda_recalls/>\n<Bubble y=fda_recalls size=fda_recalls/>\n</Chart>",
            "<Chart data={recalls} x=year swapXY=true>\n<Line y=fda_recalls/>\n</Chart>",
            "<Chart data={recalls} x=year>\n<Line/>\n</Chart>",
        ]
        .map(|b| render_problems(&page(b), &r).join("\n"))
        .join("\n")
    );
}
