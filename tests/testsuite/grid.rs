//! `DimensionGrid` (`tests/fixtures/grid`, Evidence's documented examples as its
//! documentation writes them): each column's values and metrics, and every query reading
//! `${inputs.<grid>}`, are DuckDB's answers to the SQL Evidence's grid writes for the same
//! selections (`dimensionGridQuery.js`: its `getWhereClause`, its top-N per column); a
//! reader's clicks in Chromium select, add and unselect values and the page then shows what
//! the native render shows for that state; mistakes are errors at the prop.

use std::collections::BTreeMap;

use quire_core::{Cell, InputState, Table};
use serde_json::Value;

use crate::dialect::{duckdb_answers, duckdb_python};
use crate::util::{Project, fixtures};

const DATA: &str = "select state, category, item, channel, sales from needful_things.orders";

/// Evidence's `getWhereClause`: `( ( "col" in ( 'a','b' ) OR "col" is null ) and ... )`,
/// values pasted as quoted literals, the way its grid writes them.
fn evidence_where(selected: &[(&str, Option<&str>)], except: Option<&str>) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for (c, _) in selected {
        if !columns.contains(c) && Some(*c) != except {
            columns.push(c);
        }
    }
    if columns.is_empty() {
        return "( true )".into();
    }
    let terms: Vec<String> = columns
        .iter()
        .map(|c| {
            let values: Vec<String> = selected
                .iter()
                .filter(|(d, v)| d == c && v.is_some())
                .map(|(_, v)| format!("'{}'", v.unwrap_or_default().replace('\'', "''")))
                .collect();
            let mut parts = Vec::new();
            if !values.is_empty() {
                parts.push(format!("\"{c}\" in ( {} )", values.join(",")));
            }
            if selected.iter().any(|(d, v)| d == c && v.is_none()) {
                parts.push(format!("\"{c}\" is null"));
            }
            format!("( {} )", parts.join(" OR "))
        })
        .collect();
    format!("( {} )", terms.join(" and "))
}

/// The grid's state for `selected`, as tokens.
fn tokens(selected: &[(&str, Option<&str>)]) -> Vec<String> {
    selected.iter().map(|(c, v)| v.map_or_else(|| c.to_string(), |v| format!("{c}={v}"))).collect()
}

fn as_f64(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn cell_f64(c: &Cell) -> Option<f64> {
    c.as_f64()
}

fn cell_text(c: &Cell) -> Option<String> {
    match c {
        Cell::Text(s) => Some(s.clone()),
        _ => None,
    }
}

#[test]
fn evidences_grid_examples_give_duckdbs_numbers_for_every_selection() {
    let Some(python) = duckdb_python() else { return };
    let dir = fixtures().join("grid");
    let csv = dir.join("sources/needful_things/orders.csv");
    let csv_sql = format!("read_csv('{}')", csv.display().to_string().replace('\'', "''"));
    let data = DATA.replace("needful_things.orders", &csv_sql);
    let project = quire_build::Project::load(&dir).expect("the project loads");
    let cases: Vec<(&str, Vec<(&str, Option<&str>)>)> = vec![
        ("selected_dimensions", vec![]),
        ("selected_dimensions", vec![("state", Some("California"))]),
        ("selected_dimensions", vec![("state", Some("Oregon")), ("category", Some("Odd Equipment"))]),
        ("selected_dimensions", vec![("state", None), ("item", Some("O'Brien's lantern"))]),
        ("selected_dimensions", vec![("item", Some("Key=value mug")), ("channel", Some("Email"))]),
        ("multi_dimensions", vec![("channel", Some("Email")), ("channel", Some("Referral")), ("state", Some("Texas"))]),
        ("multi_dimensions", vec![("item", Some("Café mirror")), ("item", Some("Tarot, deluxe")), ("state", None)]),
        ("dimension_grid", vec![("category", Some("Sinister Toys"))]),
        ("top3", vec![]),
        ("top3", vec![("item", Some("Raven")), ("channel", Some("Email"))]),
    ];
    let columns = ["state", "category", "item", "channel"];
    let metric = |grid: &str| match grid {
        "dimension_grid" => "count(*)",
        "top3" => "avg(sales)",
        _ => "sum(sales)",
    };
    let limit = |grid: &str| if grid == "top3" { 3 } else { 10 };
    let mut sql: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for (grid, selected) in &cases {
        let state: InputState = [(grid.to_string(), tokens(selected))].into();
        let at = quire_build::page_at(&project, "", &state).expect("the native render");
        let results = if selected.is_empty() {
            quire_build::page_results(&project, "pages/index.md", &[]).expect("the page runs")
        } else {
            at.results.clone()
        };
        for column in columns {
            // Every value of the column with its metric, under the other columns' selections.
            sql.push(format!(
                "select \"{column}\" as v, {} as m from ({data}) where {} group by all",
                metric(grid),
                evidence_where(selected, Some(column))
            ));
        }
        let chart = match *grid {
            "selected_dimensions" => Some("monthly_sales"),
            "multi_dimensions" => Some("monthly_sales_multi"),
            _ => None,
        };
        if chart.is_some() {
            sql.push(format!(
                "select order_month, sum(sales) as sales_usd0 from {csv_sql} where {} group by all order by 1",
                evidence_where(selected, None)
            ));
        }
        seen.push((grid, selected, results, chart));
    }
    let refs: Vec<&str> = sql.iter().map(String::as_str).collect();
    let answers = duckdb_answers(&python, &dir, &refs);
    let mut answers = answers.into_iter();
    for (grid, selected, results, chart) in seen {
        let cuts = &results[&format!("{grid}__cuts")];
        let (d, v, m) = (
            cuts.column_index("dimension").expect("dimension"),
            cuts.column_index("value").expect("value"),
            cuts.column_index("metric").expect("metric"),
        );
        for column in columns {
            let answer = answers.next().expect("an answer");
            assert!(answer.get("error").is_none(), "DuckDB: {answer}");
            let all: Vec<(Option<String>, f64)> = answer["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .map(|r| (r[0].as_str().map(str::to_string), as_f64(&r[1]).expect("a metric")))
                .collect();
            let got: Vec<(Option<String>, f64)> = cuts
                .rows
                .iter()
                .filter(|r| cell_text(&r[d]).as_deref() == Some(column))
                .map(|r| (cell_text(&r[v]), cell_f64(&r[m]).expect("a metric")))
                .collect();
            let what = format!("{grid} {selected:?}, column {column}");
            // Evidence's top `limit` by the metric (ties may fall either way at the last)...
            let n = limit(grid);
            let mut want: Vec<f64> = all.iter().map(|(_, m)| *m).collect();
            want.sort_by(|a, b| b.total_cmp(a));
            want.truncate(n);
            let picked: Vec<Option<&str>> = selected.iter().filter(|(c, _)| *c == column).map(|(_, v)| *v).collect();
            let top: Vec<f64> = got
                .iter()
                .filter(|(v, _)| got.iter().take(n).any(|(w, _)| w == v) || !picked.contains(&v.as_deref()))
                .map(|(_, m)| *m)
                .take(n)
                .collect();
            assert_eq!(top.len(), want.len(), "{what}: {got:?}");
            for (a, b) in top.iter().zip(&want) {
                assert!((a - b).abs() < 1e-6, "{what}: metrics {top:?}, DuckDB {want:?}");
            }
            // ...each value's metric DuckDB's, in order of the metric...
            for (value, metric) in &got {
                let theirs = all.iter().find(|(w, _)| w == value).map(|(_, m)| *m);
                match theirs {
                    Some(t) => assert!((t - metric).abs() < 1e-6, "{what}: {value:?} {metric} against {t}"),
                    // A selected value the others' selections leave no rows for (Evidence's
                    // "missing value" row) would show here without a metric.
                    None => panic!("{what}: {value:?} is not among DuckDB's values {all:?}"),
                }
            }
            let ranked: Vec<f64> = got.iter().take(n).map(|(_, m)| *m).collect();
            assert!(got.len() <= n + picked.len(), "{what}: more than {n} values and the selected: {got:?}");
            assert!(ranked.windows(2).all(|w| w[0] >= w[1]), "{what}: not in order of the metric {ranked:?}");
            // ...and each selected value shown even when not in the top `limit`.
            for p in &picked {
                if all.iter().any(|(w, _)| w.as_deref() == *p) {
                    assert!(got.iter().any(|(w, _)| w.as_deref() == *p), "{what}: selected {p:?} not shown");
                }
            }
        }
        if let Some(chart) = chart {
            let answer = answers.next().expect("an answer");
            let table: &Table = &results[chart];
            let rows = answer["rows"].as_array().expect("rows");
            assert_eq!(table.len(), rows.len(), "{chart} for {selected:?}");
            let mut ours: BTreeMap<String, f64> = BTreeMap::new();
            for r in &table.rows {
                ours.insert(quire_core::inputs::raw(&r[0], table.columns[0].ty), r[1].as_f64().expect("sales"));
            }
            for r in rows {
                let month = r[0].as_str().expect("a month").to_string();
                let theirs = r[1].as_f64().expect("sales");
                let mine = ours.get(&month).copied().unwrap_or(f64::NAN);
                assert!((mine - theirs).abs() < 1e-6, "{chart} {selected:?} {month}: {mine} against DuckDB's {theirs}");
            }
        }
    }
}

#[test]
fn clicks_select_add_and_unselect_and_show_the_native_render() {
    let dir = fixtures().join("grid");
    let project = quire_build::Project::load(&dir).expect("the project loads");
    // Each step: the row clicked, the state it leads to.
    let steps: Vec<(&str, &str, Vec<&str>)> = vec![
        ("selected_dimensions", "state=California", vec!["state=California"]),
        ("selected_dimensions", "category=Odd Equipment", vec!["state=California", "category=Odd Equipment"]),
        // Another value of the same column replaces the first (no `multiple`).
        ("selected_dimensions", "state=Texas", vec!["category=Odd Equipment", "state=Texas"]),
        // Clicked again, unselected.
        ("selected_dimensions", "category=Odd Equipment", vec!["state=Texas"]),
        ("multi_dimensions", "channel=Email", vec!["channel=Email"]),
        ("multi_dimensions", "channel=Referral", vec!["channel=Email", "channel=Referral"]),
        ("dimension_grid", "state", vec!["state"]),
    ];
    let mut state: InputState = InputState::new();
    let mut cases = Vec::new();
    for (grid, value, after) in steps {
        state.insert(grid.to_string(), after.iter().map(|s| s.to_string()).collect());
        let at = quire_build::page_at(&project, "", &state).expect("the native render");
        cases.push(serde_json::json!({
            "click": format!("[data-input=\"{grid}\"] .q-dims-row[value=\"{}\"]", value.replace('"', "\\\"")),
            "grid": grid,
            "state": after,
            "slots": crate::e2e::slots_json(&at),
        }));
    }
    let r = crate::e2e::clicks(&dir, "", cases);
    assert_eq!(r["runtime"], "match", "{r}");
    let steps = r["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 7, "{r}");
    // The URL holds the selections, so the view can be shared.
    assert_eq!(
        steps[1]["search"],
        "?selected_dimensions=state%3DCalifornia&selected_dimensions=category%3DOdd+Equipment"
    );
}

#[test]
fn mistakes_in_a_grid_are_errors_at_the_prop_and_leave_dist_alone() {
    let page = |body: &str| {
        format!(
            "```sql orders\nselect state, channel, sales from shop.orders\n```\n\n```sql by_state\nselect count(*) as n from shop.orders where {body}\n```\n\n<DimensionGrid data={{orders}} name=g METRIC/>\n\n<Value data={{by_state}} />\n"
        )
    };
    let csv = "state,channel,sales\nCA,Web,1\nTX,Store,2\n";
    for (metric, filter, message, at) in [
        ("metric='sum(profit)'", "${inputs.g}", "column 'profit' not found", "pages/index.md:9:49"),
        ("", "state = '${inputs.g}'", "`inputs.g` is a condition, not a value", "pages/index.md:6:54"),
        ("", "state = ${inputs.g.value}", "`inputs.g.value` is a condition, not a value", "pages/index.md:6:53"),
        ("limit=-1", "${inputs.g}", "`limit` must be a whole number of rows from 1 to 1000", "pages/index.md:9:43"),
    ] {
        let p = Project::with_files(&[
            ("sources/shop/connection.yaml", "type: csv\n"),
            ("sources/shop/orders.csv", csv),
            ("pages/index.md", &page(filter).replace("METRIC", metric)),
            ("dist/.quire-dist", ""),
            ("dist/keep.txt", "an earlier build"),
        ]);
        let run = p.build();
        let stderr = run.stderr();
        assert!(!run.success(), "{metric} {filter}: {stderr}");
        assert!(stderr.contains(message) && stderr.contains(at), "{metric} {filter}: {stderr}");
        assert_eq!(p.read("dist/keep.txt"), "an earlier build");
    }
    // A grid over numbers alone has nothing to show: said at `data`.
    let p = Project::with_files(&[
        ("sources/shop/connection.yaml", "type: csv\n"),
        ("sources/shop/orders.csv", csv),
        ("pages/index.md", "```sql orders\nselect sales from shop.orders\n```\n\n<DimensionGrid data={orders} />\n"),
    ]);
    let run = p.build();
    assert!(!run.success());
    assert!(run.stderr().contains("has no text columns for the grid to show"), "{}", run.stderr());
    assert!(run.stderr().contains("pages/index.md:5:21"), "{}", run.stderr());
}
