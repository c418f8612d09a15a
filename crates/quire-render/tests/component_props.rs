//! Props of the heatmap, the funnel, single values, inputs and layout components, each
//! shown by a snapshot of a page that sets it, and the problems a bad value gives.

use std::collections::BTreeMap;

use quire_core::{Cell, Column, ColumnType, Page, Problem, Table};
use quire_render::{Rendered, render_body};

fn col(name: &str, ty: ColumnType) -> Column {
    Column { name: name.into(), ty }
}

fn days(y: i64, m: u32, d: u32) -> Cell {
    Cell::Int(quire_render::fmt::days_from_civil(y, m, d))
}

/// Orders by weekday and shift, with a hole (no Sunday night) and a zero.
fn shifts() -> Table {
    let mut rows = Vec::new();
    for (i, day) in ["Mon", "Tue", "Sun"].into_iter().enumerate() {
        for (j, shift) in ["Day", "Night"].into_iter().enumerate() {
            if day == "Sun" && shift == "Night" {
                continue;
            }
            let orders = if day == "Tue" && shift == "Night" { 0 } else { 10 + 7 * i as i64 - 4 * j as i64 };
            rows.push(vec![Cell::Text(day.into()), Cell::Text(shift.into()), Cell::Int(orders), Cell::Int(i as i64)]);
        }
    }
    Table {
        columns: vec![
            col("day", ColumnType::Text),
            col("shift", ColumnType::Text),
            col("orders", ColumnType::Int),
            col("day_no", ColumnType::Int),
        ],
        rows,
    }
}

fn stages() -> Table {
    Table {
        columns: vec![col("stage", ColumnType::Text), col("people", ColumnType::Int)],
        rows: vec![
            vec![Cell::Text("Visit".into()), Cell::Int(1000)],
            vec![Cell::Text("Sign up".into()), Cell::Int(400)],
            vec![Cell::Text("Buy".into()), Cell::Int(120)],
        ],
    }
}

fn kpis() -> Table {
    Table {
        columns: vec![
            col("total_sales", ColumnType::Float),
            col("growth", ColumnType::Float),
            col("month", ColumnType::Date),
        ],
        rows: vec![
            vec![Cell::Float(1_234_567.8), Cell::Float(0.004), days(2024, 3, 1)],
            vec![Cell::Float(1_100_000.0), Cell::Float(-0.02), days(2024, 2, 1)],
            vec![Cell::Float(1_050_000.0), Cell::Float(0.01), days(2024, 1, 1)],
        ],
    }
}

fn results() -> BTreeMap<String, Table> {
    let mut r = BTreeMap::new();
    r.insert("shifts".to_string(), shifts());
    r.insert("stages".to_string(), stages());
    r.insert("kpis".to_string(), kpis());
    r.insert("nothing".to_string(), Table { columns: kpis().columns, rows: vec![] });
    r
}

const QUERIES: &str = "```sql shifts\nselect 1\n```\n\n```sql stages\nselect 1\n```\n\n```sql kpis\nselect 1\n```\n\n```sql nothing\nselect 1\n```\n\n";

fn render(body: &str) -> Result<Rendered, Vec<Problem>> {
    let text = format!("{QUERIES}{body}");
    let page = Page::parse(&text).unwrap_or_else(|p| panic!("page does not parse: {p:?}"));
    render_body(&page.body, &results(), &Default::default())
}

fn html(body: &str) -> String {
    match render(body) {
        Ok(r) => r.html,
        Err(p) => panic!("render failed: {p:#?}"),
    }
}

/// Problems rendering `body` as `message | help | at `text``.
fn problems(body: &str) -> Vec<String> {
    let text = format!("{QUERIES}{body}");
    let page = Page::parse(&text).unwrap_or_else(|p| panic!("page does not parse: {p:?}"));
    match render_body(&page.body, &results(), &Default::default()) {
        Ok(_) => panic!("expected problems"),
        Err(ps) => ps
            .iter()
            .map(|p| {
                format!(
                    "{} | {} | at `{}`",
                    p.message,
                    p.help.as_deref().unwrap_or(""),
                    &text[p.span.start..p.span.end]
                )
            })
            .collect(),
    }
}

#[test]
fn heatmap_props() {
    insta::assert_snapshot!("heatmap_sorted_filled_scaled", html(
        "<Heatmap data={shifts} x=day y=shift value=orders xSort=day_no xSortOrder=desc ySort=shift ySortOrder=desc \
         nullsZero=true zeroDisplay=\"–\" colorScale={['#ffffff', '#cc0000']} legend=true borders=false/>\n"
    ));
    insta::assert_snapshot!("heatmap_axes", html(
        "<Heatmap data={shifts} x=day y=shift value=orders chartAreaHeight=120 xAxisPosition=top xTickMarks=true \
         yTickMarks=true leftPadding=20 rightPadding=30 mobileValueLabels=false colorPalette={['white', 'navy']}/>\n"
    ));
    assert_eq!(
        problems(
            "<Heatmap data={shifts} x=day y=shift value=orders xSortOrder=up xAxisPosition=left \
             colorScale={['red', 'url(x)']} chartAreaHeight=-5/>\n"
        ),
        [
            "`up` is not a sort order | use asc or desc | at `up`",
            "`url(x)` is not a colour quire can use | write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal | at `{['red', 'url(x)']}`",
            "`left` is not an x axis position | use top or bottom | at `left`",
            "`chartAreaHeight` must be a positive number | the height of the cells together, in pixels: chartAreaHeight=300 | at `-5`",
        ]
    );
}

#[test]
fn funnel_props() {
    insta::assert_snapshot!("funnel_left_aligned_outlined", html(
        "<FunnelChart data={stages} nameCol=stage valueCol=people funnelAlign=left labelPosition=right \
         outlineColor=\"#333333\" outlineWidth=2 colorPalette={['#cf0d06', '#eb5752', '#e88a87']} legend=true/>\n"
    ));
    assert_eq!(
        problems("<FunnelChart data={stages} nameCol=stage valueCol=people funnelAlign=middle labelPosition=top outlineWidth=-1/>\n"),
        [
            "`top` is not a label position | use inside, left or right | at `top`",
            "`middle` is not a funnel alignment | use center, left or right | at `middle`",
            "`outlineWidth` must be a number from 0 | the border's width in pixels: outlineWidth=2 | at `-1`",
        ]
    );
}
