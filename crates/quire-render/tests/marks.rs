//! How XY charts' marks and labels look when the author says so: step lines, dashes,
//! marker and point shapes, fills, outlines, value labels, padding and the download button.
//! Each snapshot holds only the elements the props change, so it reads as what they ask for.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Page, Table};

mod common;
use common::col;

/// Sales by month and channel, with a store name per row and order counts.
fn results() -> BTreeMap<String, Table> {
    let mut rows = Vec::new();
    for (i, m) in [1u32, 2, 3].into_iter().enumerate() {
        for (j, channel) in ["Online", "Retail"].into_iter().enumerate() {
            rows.push(vec![
                Cell::Int(quire_render::fmt::days_from_civil(2024, m, 1)),
                Cell::Text(channel.into()),
                Cell::Float(1200.0 - 400.0 * j as f64 + 150.0 * i as f64),
                Cell::Int(40 + i as i64 * 5 - j as i64 * 15),
                Cell::Text(format!("Store {}", i * 2 + j + 1)),
                Cell::Int(2022 + i as i64),
            ]);
        }
    }
    let sales = Table {
        columns: vec![
            col("month", ColumnType::Date),
            col("channel", ColumnType::Text),
            col("sales", ColumnType::Float),
            col("orders", ColumnType::Int),
            col("store", ColumnType::Text),
            col("cohort", ColumnType::Int),
        ],
        rows,
    };
    let values = Table {
        columns: vec![col("order_value", ColumnType::Float)],
        rows: (0..40).map(|i| vec![Cell::Float(((i * 37) % 100) as f64)]).collect(),
    };
    BTreeMap::from([("sales".to_string(), sales), ("values".to_string(), values)])
}

const QUERIES: &str = "```sql sales\nselect 1\n```\n\n```sql values\nselect 1\n```\n\n";

fn render(body: &str) -> Result<String, Vec<String>> {
    let text = format!("{QUERIES}{body}\n");
    let page = Page::parse(&text).unwrap_or_else(|p| panic!("page does not parse: {p:?}"));
    quire_render::render_body(&page.body, &results(), &Default::default()).map(|r| r.html).map_err(|ps| {
        ps.iter()
            .map(|p| {
                let at = &text[p.span.start..p.span.end];
                format!("{} | {} | at `{at}`", p.message, p.help.as_deref().unwrap_or(""))
            })
            .collect()
    })
}

fn html(body: &str) -> String {
    render(body).unwrap_or_else(|p| panic!("render failed: {p:#?}"))
}

/// The lines of a chart's SVG that hold any of `needles`.
fn marks(body: &str, needles: &[&str]) -> String {
    let html = html(body);
    let svg = html.lines().filter(|l| !l.contains("<figure"));
    svg.filter(|l| needles.iter().any(|n| l.contains(n))).collect::<Vec<_>>().join("\n")
}

#[test]
fn step_lines_turn_where_asked() {
    let mut out = String::new();
    for at in ["start", "middle", "end"] {
        let body = format!("<LineChart data={{sales}} x=month y=sales series=channel step=true stepPosition={at}/>");
        out.push_str(&format!("{at}:\n{}\n", marks(&body, &["q-line"])));
    }
    out.push_str(&format!(
        "area:\n{}\n",
        marks("<AreaChart data={sales} x=month y=sales series=channel step=true/>", &["q-line", "q-area"])
    ));
    insta::assert_snapshot!(out);
}

#[test]
fn line_styles_and_markers() {
    insta::assert_snapshot!(marks(
        "<LineChart data={sales} x=month y=sales series=channel lineType=dashed lineColor=#cc0000 lineOpacity=0.5 \
         markers=true markerShape=diamond markerSize=10/>",
        &["q-line", "q-point", "q-swatch"],
    ));
    // Each shape, and dots for a dotted line.
    let mut out = String::new();
    for shape in ["circle", "emptyCircle", "rect", "triangle"] {
        let body =
            format!("<LineChart data={{sales}} x=month y=sales lineType=dotted markers=true markerShape={shape}/>");
        out.push_str(&format!(
            "{shape}:\n{}\n",
            marks(&body, &["q-line", "q-point"]).lines().take(2).collect::<Vec<_>>().join("\n")
        ));
    }
    insta::assert_snapshot!("marker_shapes", out);
}

#[test]
fn areas_fill_and_line() {
    insta::assert_snapshot!(marks(
        "<AreaChart data={sales} x=month y=sales series=channel fillColor=#ddeeff lineColor=navy/>",
        &["q-line", "q-area"],
    ));
    let no_line = html("<AreaChart data={sales} x=month y=sales series=channel line=false/>");
    assert!(!no_line.contains("q-line") && no_line.contains("q-area"), "{no_line}");
}

#[test]
fn value_labels_on_lines() {
    insta::assert_snapshot!(marks(
        "<LineChart data={sales} x=month y=sales series=channel labels=true labelPosition=below labelColor=teal \
         labelSize=13/>",
        &["q-label"],
    ));
    // Crowded labels: all of them, or only those that do not overlap.
    let crowded = "<LineChart data={sales} x=month y=sales series=channel labels=true chartAreaHeight=60 labelSize=30";
    let count = |s: &str| s.matches("class=\"q-label\"").count();
    let all = count(&html(&format!("{crowded}/>")));
    assert_eq!(all, count(&html(&format!("{crowded} showAllLabels=true/>"))));
    assert!(count(&html(&format!("{crowded} showAllLabels=false/>"))) < all);
}

#[test]
fn bars_fill_outline_and_labels() {
    insta::assert_snapshot!(marks(
        "<BarChart data={sales} x=month y=sales series=channel labels=true seriesLabels=true stackTotalLabel=false \
         fillColor=#8f3d56 fillOpacity=0.6 outlineWidth=2 outlineColor=black labelSize=12/>",
        &["q-bar", "q-label", "q-swatch"],
    ));
    insta::assert_snapshot!(
        "bar_labels_grouped_and_shares",
        format!(
            "grouped, inside, coloured:\n{}\n100% stack with series labels:\n{}\nno series labels, totals only:\n{}\n",
            marks(
                "<BarChart data={sales} x=month y=sales series=channel type=grouped labels=true labelPosition=inside \
                 labelColor=#ffee00/>",
                &["q-label"]
            ),
            marks(
                "<BarChart data={sales} x=month y=sales series=channel type=stacked100 labels=true seriesLabels=true/>",
                &["q-label"]
            ),
            marks(
                "<BarChart data={sales} x=month y=sales series=channel labels=true seriesLabels=false swapXY=true/>",
                &["q-label"]
            ),
        )
    );
}

#[test]
fn points_shapes_sizes_and_tooltips() {
    insta::assert_snapshot!(marks(
        "<ScatterPlot data={sales} x=orders y=sales series=channel shape=triangle pointSize=12 opacity=0.5 \
         outlineWidth=1 fillColor=#46a485 tooltipTitle=store/>",
        &["q-dot"],
    ));
    insta::assert_snapshot!(
        "bubbles",
        marks(
            "<BubbleChart data={sales} x=orders y=sales size=orders scaleTo=0.5 sizeFmt=num1 shape=emptyCircle \
             tooltipTitle=store/>",
            &["q-dot"],
        )
    );
}

#[test]
fn histogram_fill() {
    let h = marks("<Histogram data={values} x=order_value fillColor=#f4b548 fillOpacity=0.5/>", &["q-bar"]);
    assert!(h.lines().count() > 2 && h.lines().all(|l| l.contains("opacity=\"0.5\" fill=\"#f4b548\"")), "{h}");
}

#[test]
fn series_names_take_their_format() {
    let legend =
        marks("<LineChart data={sales} x=channel y=sales series=cohort seriesLabelFmt=\"#,##0.0\"/>", &["q-legend"]);
    assert!(legend.contains("</span>2,022.0</span>") && legend.contains("</span>2,024.0</span>"), "{legend}");
}

#[test]
fn padding_and_the_download_button() {
    let x_of_first_bar = |body: &str| -> i32 {
        let h = html(body);
        let bar = h.lines().find(|l| l.contains("class=\"q-bar\"")).expect("a bar");
        bar.split(" x=\"").nth(1).and_then(|s| s.split('"').next()).and_then(|s| s.parse().ok()).expect("x")
    };
    let plain = x_of_first_bar("<BarChart data={sales} x=channel y=sales/>");
    // The plot starts 60 further right and is 60 narrower: the first of two bands' middle
    // moves by 60 - 60 / 4.
    assert_eq!(x_of_first_bar("<BarChart data={sales} x=channel y=sales leftPadding=60/>"), plain + 45);
    assert!(x_of_first_bar("<BarChart data={sales} x=channel y=sales rightPadding=60/>") < plain);
    let horizontal = x_of_first_bar("<BarChart data={sales} x=channel y=sales swapXY=true leftPadding=40/>");
    assert_eq!(horizontal, x_of_first_bar("<BarChart data={sales} x=channel y=sales swapXY=true/>") + 40);

    assert!(!html("<LineChart data={sales} x=month y=sales/>").contains("data-downloadable"));
    let off = html("<LineChart data={sales} x=month y=sales downloadableData=false/>");
    assert!(off.contains("data-query=\"sales\" data-downloadable=\"false\">"), "{off}");
}

#[test]
fn bad_values_are_problems_at_the_prop() {
    let bad = |body: &str| render(body).expect_err("a problem");
    insta::assert_snapshot!(
        [
            bad("<LineChart data={sales} x=month y=sales stepPosition=late/>"),
            bad("<LineChart data={sales} x=month y=sales markers=true markerShape=star/>"),
            bad("<LineChart data={sales} x=month y=sales lineOpacity=2/>"),
            bad("<LineChart data={sales} x=month y=sales lineColor=\"url(x)\"/>"),
            bad("<LineChart data={sales} x=month y=sales labels=true showAllLabels=maybe/>"),
            bad("<BarChart data={sales} x=month y=sales labelPosition=above/>"),
            bad("<ScatterPlot data={sales} x=orders y=sales tooltipTitle=shop/>"),
            bad("<BubbleChart data={sales} x=orders y=sales size=orders sizeFmt=zzz/>"),
        ]
        .concat()
        .join("\n")
    );
}

#[test]
fn props_other_charts_do_not_take_change_nothing() {
    // Evidence documents `markerShape` for lines only, and `fillColor` not for lines.
    let plain = html("<BarChart data={sales} x=month y=sales series=channel/>");
    assert_eq!(plain, html("<BarChart data={sales} x=month y=sales series=channel markerShape=rect/>"));
    let line = html("<LineChart data={sales} x=month y=sales series=channel/>");
    assert_eq!(line, html("<LineChart data={sales} x=month y=sales series=channel fillColor=red/>"));
}
