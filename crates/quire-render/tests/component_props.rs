//! Props of the heatmap, the funnel, single values, inputs and layout components, each
//! shown by a snapshot of a page that sets it, and the problems a bad value gives.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Page, Problem, Table};
use quire_render::{Rendered, render_body};

mod common;
use common::col;

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
    common::render_problems(&format!("{QUERIES}{body}"), &results())
}

#[test]
fn heatmap_props() {
    insta::assert_snapshot!(
        "heatmap_sorted_filled_scaled",
        html(
            "<Heatmap data={shifts} x=day y=shift value=orders xSort=day_no xSortOrder=desc ySort=shift ySortOrder=desc \
         nullsZero=true zeroDisplay=\"–\" colorScale={['#ffffff', '#cc0000']} legend=true borders=false/>\n"
        )
    );
    insta::assert_snapshot!(
        "heatmap_axes",
        html(
            "<Heatmap data={shifts} x=day y=shift value=orders chartAreaHeight=120 xAxisPosition=top xTickMarks=true \
         yTickMarks=true leftPadding=20 rightPadding=30 mobileValueLabels=false colorPalette={['white', 'navy']}/>\n"
        )
    );
    insta::assert_snapshot!(
        "heatmap_turned_labels",
        html("<Heatmap data={shifts} x=day y=shift value=orders xLabelRotation=45 downloadableData=false/>\n")
    );
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
    insta::assert_snapshot!(
        "funnel_left_aligned_outlined",
        html(
            "<FunnelChart data={stages} nameCol=stage valueCol=people funnelAlign=left labelPosition=right \
         outlineColor=\"#333333\" outlineWidth=2 colorPalette={['#cf0d06', '#eb5752', '#e88a87']} legend=true/>\n"
        )
    );
    assert_eq!(
        problems(
            "<FunnelChart data={stages} nameCol=stage valueCol=people funnelAlign=middle labelPosition=top outlineWidth=-1/>\n"
        ),
        [
            "`top` is not a label position | use inside, left or right | at `top`",
            "`middle` is not a funnel alignment | use center, left or right | at `middle`",
            "`outlineWidth` must be a number from 0 | the border's width in pixels: outlineWidth=2 | at `-1`",
        ]
    );
}

#[test]
fn sparkline_props() {
    insta::assert_snapshot!(
        "sparkline_tooltips_and_scale",
        html(
            "Trend <Sparkline data={kpis} dateCol=month valueCol=total_sales interactive=true dateFmt=\"mmm yyyy\" valueFmt=usd0k yScale=false/>\n\n\
         Empty <Sparkline data={nothing} dateCol=month valueCol=total_sales emptyMessage=\"No sales yet\"/>\n"
        )
    );
}

#[test]
fn value_and_big_value_props() {
    insta::assert_snapshot!(
        "values",
        html(
            "Sales were <Value data={kpis} value=total_sales color=\"#cc0000\" description=\"All channels\"/>; \
         growth <Value data={kpis} column=growth row=1 redNegatives=true color=teal/>.\n\n\
         <BigValue data={kpis} value=total_sales comparison=growth neutralMin=-0.005 neutralMax=0.005 \
         sparkline=month sparklineColor=\"#46a485\" sparklineYScale=false sparklineDateFmt=\"mmm yyyy\" sparklineValueFmt=usd0k/>\n"
        )
    );
    assert_eq!(
        problems("<BigValue data={kpis} value=total_sales neutralMin=low/>\n"),
        [
            "`neutralMin` must be a number | changes from neutralMin to neutralMax show as neither good nor bad: neutralMin=-0.01 | at `low`"
        ]
    );
    assert_eq!(
        problems("<Value data={kpis} value=total_sales color=\"url(x)\"/>\n"),
        [
            "`url(x)` is not a colour quire can use | write a colour as #236aa4, rgb(35,106,164) or a CSS name such as teal | at `\"url(x)\"`"
        ]
    );
}

#[test]
fn input_props() {
    insta::assert_snapshot!(
        "inputs",
        html(
            "<DateRange name=period data={kpis} dates=month presetRanges={['Last Month', 'Year to Date', 'All Time']} defaultValue=\"Last Month\" hideDuringPrint=true/>\n\n\
         <ButtonGroup name=span preset=dates display=tabs color=\"#cc0000\"/>\n\n\
         <ButtonGroup name=pick>\n<ButtonGroupItem value=a/>\n<ButtonGroupItem value=b hideDuringPrint=true/>\n</ButtonGroup>\n\n\
         <Slider name=n min=0 max=500 defaultValue=120 showInput=true showMaxMin=true size=large debounceDelay=300 fmt=usd0/>\n\n\
         <TextInput name=q hideDuringPrint=true/>\n"
        )
    );
    assert_eq!(
        problems("<Slider name=n size=huge debounceDelay=soon/>\n"),
        [
            "`huge` is not a slider size | use small, medium, large or full | at `huge`",
            "`debounceDelay` must be a number of milliseconds | how long the slider waits after the reader stops before the page updates: debounceDelay=300 | at `soon`",
        ]
    );
    assert_eq!(
        problems(
            "<ButtonGroup name=pick display=pills color=\"url(x)\">\n<ButtonGroupItem value=a/>\n</ButtonGroup>\n"
        ),
        [
            "`pills` is not a button group display | use buttons or tabs | at `pills`",
            "`url(x)` is not a colour quire can use | write a colour as #236aa4, rgb(35,106,164) or a CSS name such as teal | at `\"url(x)\"`",
        ]
    );
}

#[test]
fn preset_names_are_checked_before_any_query_runs() {
    let text = format!(
        "{QUERIES}<DateRange name=period data={{kpis}} dates=month presetRanges={{['Last Week']}} defaultValue=\"Last Fortnight\"/>\n\n<ButtonGroup name=span preset=months/>\n"
    );
    let problems: Vec<String> = match Page::parse(&text) {
        Ok(_) => panic!("expected problems"),
        Err(ps) => ps.iter().map(|p| format!("{} | at `{}`", p.message, &text[p.span.start..p.span.end])).collect(),
    };
    assert_eq!(
        problems,
        [
            "`Last Week` is not a preset range | at `{['Last Week']}`",
            "`Last Fortnight` is not a preset range | at `\"Last Fortnight\"`",
            "`months` is not a button group preset | at `months`",
        ]
    );
}

#[test]
fn date_presets_count_back_from_the_last_day() {
    use quire_core::inputs::date_preset;
    use quire_core::time::{days_from_civil, iso_date};
    let bounds = (days_from_civil(2022, 6, 15), days_from_civil(2024, 3, 20));
    let range = |name: &str| {
        let (a, b) = date_preset(name, bounds).expect("a preset");
        format!("{} {}", iso_date(a), iso_date(b))
    };
    assert_eq!(range("Last 7 Days"), "2024-03-14 2024-03-20");
    assert_eq!(range("last30days"), "2024-02-20 2024-03-20");
    assert_eq!(range("Last 3 Months"), "2023-12-01 2024-02-29");
    assert_eq!(range("Last 12 Months"), "2023-03-01 2024-02-29");
    assert_eq!(range("Last Month"), "2024-02-01 2024-02-29");
    assert_eq!(range("Last Year"), "2023-01-01 2023-12-31");
    assert_eq!(range("Month to Date"), "2024-03-01 2024-03-31");
    assert_eq!(range("Month to Today"), "2024-03-01 2024-03-20");
    assert_eq!(range("Year to Date"), "2024-01-01 2024-12-31");
    assert_eq!(range("Year to Today"), "2024-01-01 2024-03-20");
    assert_eq!(range("All Time"), "2022-06-15 2024-03-20");
    assert_eq!(date_preset("Last Fortnight", bounds), None);
}

#[test]
fn layout_props() {
    insta::assert_snapshot!(
        "layout",
        html(
            "<Tabs color=\"#cc0000\" fullWidth=true background=true printShowAll=false>\n\
         <Tab label=\"One\">\nFirst.\n</Tab>\n\
         <Tab label=\"Two\" selected=true description=\"The second\">\nSecond.\n</Tab>\n\
         </Tabs>\n\n\
         <Details title=\"More\" printShowAll=false>\nInside.\n</Details>\n\n\
         <Alert status=warning description=\"Why this matters\">\nCareful.\n</Alert>\n\n\
         Hover <Info description=\"Help\" color=teal size=6/> here.\n\n\
         <DownloadData data={kpis} display=false/>\n"
        )
    );
    let text = format!("{QUERIES}<LastRefreshed dateFmt=\"mmm d, yyyy\"/> and <LastRefreshed prefix=\"As of\"/>\n");
    let page = Page::parse(&text).expect("parses");
    let mut state = quire_core::inputs::InputState::new();
    state.insert("@refreshed".into(), vec!["2024-05-01 10:20:30".into()]);
    let html = render_body(&page.body, &results(), &state).expect("renders").html;
    insta::assert_snapshot!("last_refreshed", html);
}

/// Monthly sales, for charts with references.
fn monthly() -> Table {
    Table {
        columns: vec![col("month", ColumnType::Date), col("sales", ColumnType::Float)],
        rows: (1..=6).map(|m| vec![days(2024, m, 1), Cell::Float(800.0 + 90.0 * f64::from(m))]).collect(),
    }
}

fn chart_html(body: &str) -> String {
    let text = format!("```sql monthly\nselect 1\n```\n\n{body}");
    let page = Page::parse(&text).unwrap_or_else(|p| panic!("page does not parse: {p:?}"));
    let mut results = BTreeMap::new();
    results.insert("monthly".to_string(), monthly());
    match render_body(&page.body, &results, &Default::default()) {
        Ok(r) => r.html,
        Err(p) => panic!("render failed: {p:#?}"),
    }
}

#[test]
fn reference_props() {
    insta::assert_snapshot!(
        "reference_lines",
        chart_html(
            "<LineChart data={monthly} x=month y=sales>\n\
         <ReferenceLine y=1000 label=\"Target\" hideValue=false labelPosition=belowStart labelColor=\"#cc0000\" \
         fontSize=12 bold=true labelBackground=true labelBorderColor=\"#cc0000\" labelBorderWidth=1 labelPadding=3 labelBorderRadius=4/>\n\
         <ReferenceLine x=\"2024-02-01\" y=900 x2=\"2024-05-01\" y2=1300 label=\"Trend\" italic=true symbolStart=circle symbolEnd=arrow symbolEndSize=10 color=\"#46a485\"/>\n\
         <ReferenceLine x=\"2024-04-01\" labelPosition=aboveCenter hideValue=false align=right/>\n\
         <ReferenceArea yMin=1100 yMax=1200 label=\"Band\" labelPosition=bottomRight border=true borderColor=\"#8f3d56\" borderType=dotted borderWidth=2/>\n\
         </LineChart>\n"
        )
    );
}

#[test]
fn presets_as_evidence_writes_them() {
    let html = html(
        "<DateRange name=period data={kpis} dates=month presetRanges={'Last Month'} defaultValue={'Last Month'}/>\n",
    );
    assert!(html.contains("value=\"2024-02-01\""), "{html}");
    assert!(html.contains("data-start=\"2024-02-01\" data-end=\"2024-02-29\" selected>Last Month</option>"), "{html}");
}
