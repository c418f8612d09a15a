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

fn render(body: &str) -> String {
    let page = Page::parse(&format!("{QUERIES}{body}\n")).expect("parses");
    quire_render::render_body(&page.body, &results(), &Default::default()).expect("renders").html
}

#[test]
fn each_series_takes_its_own_colour_and_the_first_kind_its_looks() {
    let html = render(
        "<Chart data={recalls} x=year>\n<Bar y=voluntary_recalls fillColor=#cc0000 fillOpacity=0.5 outlineWidth=2 outlineColor=black/>\n<Line y=fda_recalls lineColor=teal name=FDA/>\n</Chart>",
    );
    // The bars in their colour, half opaque, outlined; the line in its own colour.
    assert_eq!(html.matches("<rect class=\"q-bar\"").count(), 3);
    assert!(html.contains("#cc0000"), "{html}");
    assert_eq!(html.matches("style=\"stroke:black;stroke-width:2\" x=").count(), 3, "{html}");
    assert_eq!(html.matches("opacity=\"0.5\" fill=\"#cc0000\"").count(), 3, "{html}");
    // The line in its colour, and not made half opaque by the bars' looks.
    assert!(
        html.contains(
            "<polyline class=\"q-line\" data-series=\"FDA\" fill=\"none\" stroke=\"teal\" stroke-width=\"2\""
        ),
        "{html}"
    );
    // The legend says the same.
    assert!(html.contains("background:#cc0000\"></span>Voluntary Recalls"), "{html}");
    assert!(html.contains("></span>FDA</span>"), "{html}");
    // Two lines: the first one's looks on both, the second in its colour.
    let lines = render(
        "<Chart data={recalls} x=year>\n<Line y=voluntary_recalls lineWidth=4 lineType=dashed markers=true/>\n<Line y=fda_recalls lineColor=#00aa00/>\n</Chart>",
    );
    let plain = render(
        "<Chart data={recalls} x=year>\n<Line y=voluntary_recalls/>\n<Line y=fda_recalls lineColor=#00aa00/>\n</Chart>",
    );
    assert_ne!(lines, plain);
    assert_eq!(lines.matches("stroke-width=\"4\"").count(), 2, "{lines}");
    assert!(lines.contains("#00aa00"), "{lines}");
    insta::assert_snapshot!(lines);
}

#[test]
fn looks_quire_cannot_honour_are_warned_at_the_prop() {
    let text = format!(
        "{QUERIES}<Chart data={{recalls}} x=year>\n<Bar y=voluntary_recalls fillOpacity=0.5/>\n<Line y=fda_recalls lineWidth=3 series=year/>\n<Bar y=fda_recalls fillOpacity=0.8/>\n</Chart>\n"
    );
    let page = Page::parse(&text).expect("parses");
    let mut warnings = common::described(&text, &quire_core::components::prop_warnings(&page));
    let text = format!(
        "{QUERIES}<Chart data={{recalls}} x=year series=year>\n<Line y=fda_recalls lineColor=red/>\n</Chart>\n"
    );
    let page = Page::parse(&text).expect("parses");
    warnings.extend(common::described(&text, &quire_core::components::prop_warnings(&page)));
    insta::assert_debug_snapshot!(warnings);
}

#[test]
fn bars_with_their_own_stack_names_stand_side_by_side() {
    let two = render(
        "<Chart data={recalls} x=year>\n<Bar y=voluntary_recalls stackName=a/>\n<Bar y=fda_recalls stackName=b/>\n</Chart>",
    );
    let one = render("<Chart data={recalls} x=year>\n<Bar y=voluntary_recalls/>\n<Bar y=fda_recalls/>\n</Chart>");
    // One stack: the second series' bars start where the first's end, at the same x.
    let xs = |html: &str, series: &str| -> Vec<String> {
        html.split("<rect class=\"q-bar\" data-series=\"")
            .skip(1)
            .filter(|r| r.starts_with(series))
            .filter_map(|r| r.split(" x=\"").nth(1).and_then(|x| x.split('"').next()).map(str::to_string))
            .collect()
    };
    assert_eq!(xs(&one, "Voluntary"), xs(&one, "Fda"), "{one}");
    // Two stacks: side by side in each band.
    let (a, b) = (xs(&two, "Voluntary"), xs(&two, "Fda"));
    assert_eq!(a.len(), 3);
    assert!(a.iter().zip(&b).all(|(a, b)| a != b), "{two}");
    // The axis reaches the taller of the two stacks, not their sum (12, not 14).
    assert!(two.contains(">12.5</text>") || two.contains(">12</text>"), "{two}");
    insta::assert_snapshot!(two);
}
