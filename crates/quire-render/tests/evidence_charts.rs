//! BoxPlot, CalendarHeatmap, ReferencePoint and Callout: each variant as a snapshot, and
//! the problems a mistake produces.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Page, Table};
use quire_render::render_body;

mod common;
use common::col;

fn days(y: i64, m: u32, d: u32) -> i64 {
    quire_render::fmt::days_from_civil(y, m, d)
}

fn results() -> BTreeMap<String, Table> {
    let mut r = BTreeMap::new();
    let boxes = [
        ("Online", 20.0, 45.0, 60.0, 80.0, 120.0, "#cc0000"),
        ("Retail", 10.0, 30.0, 38.0, 52.0, 70.0, "teal"),
        ("Phone", 5.0, 12.0, 20.0, 26.0, 40.0, ""),
    ];
    r.insert(
        "boxes".to_string(),
        Table {
            columns: vec![
                col("channel", ColumnType::Text),
                col("low", ColumnType::Float),
                col("q1", ColumnType::Float),
                col("median", ColumnType::Float),
                col("q3", ColumnType::Float),
                col("high", ColumnType::Float),
                col("colour", ColumnType::Text),
                col("spread", ColumnType::Int),
            ],
            rows: boxes
                .iter()
                .map(|(n, a, b, c, d, e, colour)| {
                    vec![
                        Cell::Text((*n).into()),
                        Cell::Float(*a),
                        Cell::Float(*b),
                        Cell::Float(*c),
                        Cell::Float(*d),
                        Cell::Float(*e),
                        Cell::Text((*colour).into()),
                        Cell::Int(10),
                    ]
                })
                .collect(),
        },
    );
    // Every third day of 2023 and the first months of 2024, a value cycling through 0..9.
    let (from, to) = (days(2023, 1, 1), days(2024, 3, 31));
    let rows = (from..=to)
        .step_by(3)
        .enumerate()
        .map(|(i, d)| vec![Cell::Int(d), Cell::Float(((i * 7) % 10) as f64 * 12.5)])
        .collect();
    r.insert(
        "daily".to_string(),
        Table { columns: vec![col("day", ColumnType::Date), col("sales", ColumnType::Float)], rows },
    );
    let months = (1..=6u32)
        .map(|m| {
            vec![Cell::Int(days(2024, m, 1)), Cell::Float(f64::from(m) * 100.0 + if m == 3 { -250.0 } else { 0.0 })]
        })
        .collect();
    r.insert(
        "monthly".to_string(),
        Table { columns: vec![col("month", ColumnType::Date), col("sales", ColumnType::Float)], rows: months },
    );
    r.insert(
        "drops".to_string(),
        Table {
            columns: vec![
                col("month", ColumnType::Date),
                col("sales", ColumnType::Float),
                col("note", ColumnType::Text),
            ],
            rows: vec![vec![Cell::Int(days(2024, 3, 1)), Cell::Float(50.0), Cell::Text("Sales dropped".into())]],
        },
    );
    r
}

const QUERIES: &str = "```sql boxes\nselect 1\n```\n\n```sql daily\nselect 1\n```\n\n```sql monthly\nselect 1\n```\n\n```sql drops\nselect 1\n```\n\n";

fn html(body: &str) -> String {
    let text = format!("{QUERIES}{body}\n");
    let page = Page::parse(&text).unwrap_or_else(|p| panic!("page does not parse: {p:?}"));
    match render_body(&page.body, &results(), &Default::default()) {
        Ok(r) => {
            sample(&r.html);
            r.html
        }
        Err(p) => panic!("render failed: {p:#?}"),
    }
}

/// `QUIRE_SAMPLE=dir`: each rendering also written as a page with the stylesheet, to look at.
fn sample(body: &str) {
    let Ok(dir) = std::env::var("QUIRE_SAMPLE") else { return };
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    let page = format!(
        "<!doctype html><meta charset=utf-8><style>{}</style><main style=\"max-width:760px;margin:1rem auto\">{body}</main>",
        quire_render::stylesheet()
    );
    std::fs::write(format!("{dir}/{:016x}.html", h.finish()), page).expect("write sample");
}

fn problems(body: &str) -> Vec<String> {
    common::render_problems(&format!("{QUERIES}{body}\n"), &results())
}

#[test]
fn box_plots() {
    let plain = "<BoxPlot data={boxes} name=channel intervalBottom=q1 midpoint=median intervalTop=q3 yFmt=usd0 title=\"Spread\"/>";
    insta::assert_snapshot!("box_plot", html(plain));
    insta::assert_snapshot!(
        "box_plot_whiskers",
        html(
            "<BoxPlot data={boxes} name=channel min=low intervalBottom=q1 midpoint=median intervalTop=q3 max=high yMin=0 yMax=150 color=colour/>"
        )
    );
    insta::assert_snapshot!(
        "box_plot_horizontal",
        html(&plain.replace("/>", " swapXY=true xAxisTitle=true yAxisTitle=\"Sales\"/>"))
    );
    insta::assert_snapshot!(
        "box_plot_interval",
        html(
            "<BoxPlot data={boxes} name=channel midpoint=median confidenceInterval=spread>\n<ReferenceLine y=50 label=Target/>\n</BoxPlot>"
        )
    );
    // Coloured by a column's values, one named by `seriesColors`, with a legend.
    let by_series = html(
        "<BoxPlot data={boxes} name=channel intervalBottom=q1 midpoint=median intervalTop=q3 series=colour seriesColors={{'teal': '#cc0000'}}/>",
    );
    assert!(by_series.contains("class=\"q-legend\""), "{by_series}");
    assert!(by_series.contains("background:#cc0000\"></span>teal</span>"), "{by_series}");
    insta::assert_snapshot!("box_plot_series", by_series);
    // Named by numbers, placed by them on a value axis (`xType=value`), not in bands.
    let banded = html("<BoxPlot data={boxes} name=spread intervalBottom=q1 midpoint=median intervalTop=q3/>");
    let placed =
        html("<BoxPlot data={boxes} name=spread intervalBottom=q1 midpoint=median intervalTop=q3 xType=value/>");
    assert_ne!(banded, placed);
    insta::assert_snapshot!("box_plot_value_axis", placed);
    assert_eq!(
        problems("<BoxPlot data={boxes} name=channel midpoint=channel/>"),
        [
            "`midpoint` column `channel` is not numeric | a box is drawn from numbers: name a number column | at `channel`"
        ]
    );
}

#[test]
fn calendar_heatmaps() {
    insta::assert_snapshot!(
        "calendar",
        html("<CalendarHeatmap data={daily} date=day value=sales title=\"Daily sales\" subtitle=\"Every third day\"/>")
    );
    insta::assert_snapshot!(
        "calendar_plain",
        html(
            "<CalendarHeatmap data={daily} date=day value=sales yearLabel=false monthLabel=false dayLabel=false legend=false min=0 max=50 valueFmt=usd0 colorScale={[['rgb(254,234,159)', 'rgb(254,234,159)'], ['rgb(218,66,41)', 'rgb(218,66,41)']]}/>"
        )
    );
    assert_eq!(
        problems("<CalendarHeatmap data={daily} date=sales value=day min=low/>"),
        [
            "`min` must be a number | the value of the lightest shade: min=100 | at `low`",
            "`date` column `sales` does not hold dates | name a date or timestamp column: the calendar has a cell per day | at `sales`",
            "`value` column `day` is not numeric | the value shades each day: name a number column | at `day`",
        ]
    );
}

#[test]
fn reference_points_and_callouts() {
    let chart =
        |inner: &str| html(&format!("<LineChart data={{monthly}} x=month y=sales yFmt=usd0>\n{inner}\n</LineChart>"));
    insta::assert_snapshot!(
        "reference_point",
        chart(
            "<ReferencePoint x=\"2024-03-01\" y=50 label=\"Big drop\" labelPosition=bottom color=\"#cc0000\"/>\n<Callout x=\"2024-05-01\" y=500 labelPosition=bottom labelWidth=fit>\n  Callout\n  Data trending up here\n</Callout>"
        )
    );
    insta::assert_snapshot!(
        "reference_point_positions",
        chart(
            "<ReferencePoint x=\"2024-03-01\" y=50 label=top labelPosition=top/>\n<ReferencePoint x=\"2024-03-01\" y=50 label=right labelPosition=right/>\n<ReferencePoint x=\"2024-03-01\" y=50 label=bottom labelPosition=bottom/>\n<ReferencePoint x=\"2024-03-01\" y=50 label=left labelPosition=left/>"
        )
    );
    insta::assert_snapshot!(
        "reference_point_styled",
        chart(
            "<ReferencePoint x=\"2024-03-01\" y=50 label=\"Big drop\" labelPosition=right color=\"#cc0000\" symbolSize=16 symbolBorderWidth=1 symbolBorderColor=\"#cc0000\" symbolOpacity=0.25 bold=true fontSize=14/>\n<ReferencePoint x=\"2024-05-01\" y=500 symbol=diamond symbolColor=teal label=\"A note\" labelBackgroundColor=\"#ffeecc\" labelBorderColor=\"#cc8800\" labelBorderWidth=1 labelBorderRadius=3 labelPadding=4 align=left labelPosition=bottom/>"
        )
    );
    insta::assert_snapshot!(
        "callout_from_data",
        chart("<Callout data={drops} x=month y=sales label=note labelPosition=bottom align=right/>")
    );
    assert_eq!(
        problems(
            "<LineChart data={monthly} x=month y=sales>\n<ReferencePoint y=50 label=x labelWidth=wide/>\n</LineChart>"
        ),
        [
            "`wide` is not a label width | write labelWidth=fit, or a width in pixels such as labelWidth=120 | at `wide`",
            "`<ReferencePoint>` needs an `x` and a `y` | write x='2024-01-01' y=100 (or read them from a query with `data=`) | at `ReferencePoint`",
        ]
    );
}
