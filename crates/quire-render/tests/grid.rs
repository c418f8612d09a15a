//! `DimensionGrid` as an author sees it: a table per text column with its selections
//! pressed (snapshots), the rows as buttons carrying the selections they make, and mistakes.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, InputState, Page, Table};

mod common;
use common::{col, render_problems};

/// The grid's columns query (no rows) and the cuts the chain's SQL would give.
fn results(columns: &[(&str, ColumnType)], cuts: &[(&str, Option<&str>, Option<f64>)]) -> BTreeMap<String, Table> {
    let mut r = BTreeMap::new();
    r.insert("orders".to_string(), Table { columns: Vec::new(), rows: Vec::new() });
    r.insert(
        "g__columns".to_string(),
        Table { columns: columns.iter().map(|(n, t)| col(n, *t)).collect(), rows: Vec::new() },
    );
    let mut rank = BTreeMap::new();
    r.insert(
        "g__cuts".to_string(),
        Table {
            columns: vec![
                col("dimension", ColumnType::Text),
                col("value", ColumnType::Text),
                col("metric", ColumnType::Float),
                col("rank", ColumnType::Int),
            ],
            rows: cuts
                .iter()
                .map(|(d, v, m)| {
                    let n = rank.entry(*d).or_insert(0);
                    *n += 1;
                    vec![
                        Cell::Text((*d).into()),
                        v.map_or(Cell::Null, |v| Cell::Text(v.into())),
                        m.map_or(Cell::Null, Cell::Float),
                        Cell::Int(*n),
                    ]
                })
                .collect(),
        },
    );
    r
}

fn orders() -> BTreeMap<String, Table> {
    results(
        &[("state", ColumnType::Text), ("channel", ColumnType::Text), ("sales", ColumnType::Float)],
        &[
            ("state", Some("California"), Some(1200.5)),
            ("state", Some("Texas"), Some(600.25)),
            ("state", None, Some(300.0)),
            ("channel", Some("Email"), Some(2000.0)),
            ("channel", Some("<b>Social</b> & \"co\""), Some(0.0)),
        ],
    )
}

const QUERIES: &str = "```sql orders\nselect 1\n```\n\n";

fn html(body: &str, state: &[(&str, &[&str])]) -> String {
    html_over(body, state, &orders())
}

fn html_over(body: &str, state: &[(&str, &[&str])], results: &BTreeMap<String, Table>) -> String {
    let page = Page::parse(&format!("{QUERIES}{body}\n")).unwrap_or_else(|p| panic!("{p:?}"));
    let state: InputState =
        state.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect();
    quire_render::render_body(&page.body, results, &state).unwrap_or_else(|p| panic!("{p:?}")).html
}

#[test]
fn a_table_per_text_column_with_bars_and_missing_values() {
    insta::assert_snapshot!(html(
        "<DimensionGrid data={orders} metric='sum(sales)' name=g title=\"By dimension\" subtitle=\"Sales\" metricLabel=Sales fmt=usd0 />",
        &[("g", &["state=Texas", "state"])]
    ));
}

#[test]
fn rows_are_buttons_that_carry_their_selection_and_stay_text() {
    let out = html("<DimensionGrid data={orders} name=g multiple />", &[("g", &["channel=<b>Social</b> & \"co\""])]);
    assert!(out.contains(r#"data-input="g" data-multiple"#), "{out}");
    // The value is an attribute and text, never markup; a metric of zero shows `-`, no bar.
    assert!(
        out.contains(
            r#"value="channel=&lt;b&gt;Social&lt;/b&gt; &amp; &quot;co&quot;" aria-pressed="true"><span class="q-dims-value">&lt;b&gt;Social&lt;/b&gt; &amp; "co"</span><span class="q-dims-metric">-</span>"#
        ),
        "{out}"
    );
    assert!(!out.contains("<b>"), "{out}");
    // A missing value selects with the column's name alone.
    assert!(out.contains(r#"value="state" aria-pressed="false""#), "{out}");
    // The bar is the metric's share of the column's largest.
    assert!(out.contains(r#"value="state=Texas" aria-pressed="false" style="--q-bar:50%""#), "{out}");
}

#[test]
fn a_column_with_nothing_left_says_so() {
    let r =
        results(&[("state", ColumnType::Text), ("channel", ColumnType::Text)], &[("state", Some("Utah"), Some(3.0))]);
    let out = html_over("<DimensionGrid data={orders} name=g />", &[], &r);
    assert!(out.contains(r#"aria-label="Channel"><div class="q-dims-colhead"><span>Channel</span></div><p class="q-dims-empty">No records</p>"#), "{out}");
}

#[test]
fn mistakes_are_reported_at_their_props() {
    let page = format!("{QUERIES}<DimensionGrid data={{orders}} name=g limit=0 fmt=nonsense />\n");
    insta::assert_debug_snapshot!(render_problems(&page, &orders()));
    let only_numbers = results(&[("sales", ColumnType::Float)], &[]);
    let page = format!("{QUERIES}<DimensionGrid data={{orders}} name=g />\n");
    insta::assert_debug_snapshot!(render_problems(&page, &only_numbers));
}

#[test]
fn a_grid_without_a_name_is_named_for_its_place() {
    let page = Page::parse(&format!(
        "{QUERIES}<Dropdown name=dimension_grid data={{orders}} />\n<DimensionGrid data={{orders}} />\n<DimensionGrid data={{orders}} />\n"
    ))
    .unwrap_or_else(|p| panic!("{p:?}"));
    let names: Vec<String> = quire_core::inputs::inputs(&page).into_iter().map(|i| i.name).collect();
    assert_eq!(names, ["dimension_grid", "dimension_grid_2", "dimension_grid_3"]);
    let made: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(
        made,
        [
            "orders",
            "dimension_grid_2__columns",
            "dimension_grid_2__cuts",
            "dimension_grid_3__columns",
            "dimension_grid_3__cuts"
        ]
    );
}
