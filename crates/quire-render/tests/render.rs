//! What an author sees: rendered pages (HTML and SVG) as snapshots, and the problems a
//! mistake produces, word for word.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Page, Problem, Table};
use quire_render::{NavItem, Rendered, Shell, TocEntry, page_shell, render_body, stylesheet};

mod common;
use common::col;

fn days(y: i64, m: u32, d: u32) -> Cell {
    Cell::Int(quire_render::fmt::days_from_civil(y, m, d))
}

/// Monthly sales by channel: dates, text and numbers, six rows.
fn sales_by_channel() -> Table {
    let mut rows = Vec::new();
    for (i, m) in [1, 2, 3].into_iter().enumerate() {
        rows.push(vec![
            days(2024, m, 1),
            Cell::Text("Online".into()),
            Cell::Float(1200.0 + 150.0 * i as f64),
            Cell::Int(40 + i as i64),
        ]);
        rows.push(vec![
            days(2024, m, 1),
            Cell::Text("Retail".into()),
            Cell::Float(800.0 - 50.0 * i as f64),
            Cell::Int(25 - i as i64),
        ]);
    }
    Table {
        columns: vec![
            col("month", ColumnType::Date),
            col("channel", ColumnType::Text),
            col("sales", ColumnType::Float),
            col("orders", ColumnType::Int),
        ],
        rows,
    }
}

fn kpis() -> Table {
    Table {
        columns: vec![
            col("total_sales", ColumnType::Float),
            col("orders", ColumnType::Int),
            col("growth_pct", ColumnType::Float),
            col("month", ColumnType::Date),
        ],
        rows: vec![
            vec![Cell::Float(1_234_567.8), Cell::Int(15_321), Cell::Float(0.123), days(2024, 3, 1)],
            vec![Cell::Float(1_100_000.0), Cell::Int(14_002), Cell::Float(-0.02), days(2024, 2, 1)],
            vec![Cell::Float(1_050_000.0), Cell::Int(13_950), Cell::Float(0.01), days(2024, 1, 1)],
        ],
    }
}

fn order_values() -> Table {
    let rows = (0..40).map(|i| vec![Cell::Float(((i * 37) % 100) as f64 + (i % 7) as f64 * 0.5)]).collect();
    Table { columns: vec![col("order_value", ColumnType::Float)], rows }
}

fn results() -> BTreeMap<String, Table> {
    let mut r = BTreeMap::new();
    r.insert("sales".to_string(), sales_by_channel());
    r.insert("kpis".to_string(), kpis());
    r.insert("values".to_string(), order_values());
    r.insert(
        "links".to_string(),
        Table {
            columns: vec![col("name", ColumnType::Text), col("url", ColumnType::Text)],
            rows: vec![
                vec![Cell::Text("Acme".into()), Cell::Text("customers/acme/".into())],
                vec![Cell::Text("Evil".into()), Cell::Text("javascript:alert(1)".into())],
            ],
        },
    );
    r.insert(
        "nothing".to_string(),
        Table { columns: vec![col("x", ColumnType::Text), col("y", ColumnType::Float)], rows: vec![] },
    );
    // `array_agg({'date': month, 'sales': sales})` per channel.
    let sales = sales_by_channel();
    let trend = |channel: &str| {
        Cell::Rows(Box::new(Table {
            columns: vec![col("date", ColumnType::Date), col("sales", ColumnType::Float)],
            rows: sales
                .rows
                .iter()
                .filter(|r| r[1] == Cell::Text(channel.into()))
                .map(|r| vec![r[0].clone(), r[2].clone()])
                .collect(),
        }))
    };
    r.insert(
        "trends".to_string(),
        Table {
            columns: vec![col("channel", ColumnType::Text), col("sales", ColumnType::List)],
            rows: vec![
                vec![Cell::Text("Online".into()), trend("Online")],
                vec![Cell::Text("Retail".into()), trend("Retail")],
                vec![Cell::Text("None".into()), Cell::Null],
            ],
        },
    );
    r
}

const QUERIES: &str = "```sql sales\nselect 1\n```\n\n```sql kpis\nselect 1\n```\n\n```sql values\nselect 1\n```\n\n```sql nothing\nselect 1\n```\n\n```sql links\nselect 1\n```\n\n";

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

/// Problems rendering `body` as `message | help | at `text``, with the text each span covers.
fn problems(body: &str) -> Vec<String> {
    common::render_problems(&format!("{QUERIES}{body}"), &results())
}

/// Problems parsing `body`, as [`problems`] shows them.
fn parse_problems(body: &str) -> Vec<String> {
    common::parse_problems(&format!("{QUERIES}{body}"))
}

#[test]
fn values_in_prose() {
    insta::assert_snapshot!(html(
        "# Sales\n\nThe first channel is <Value data={sales} column=channel/> with <Value data={sales} column=sales fmt=usd0 row=1/> \
         in {fmt(sales[0].month, 'mmmm yyyy')}; {sales.length} rows, {sales[2].sales} in row 2. Empty: <Value data={nothing} column=y placeholder=\"n/a\"/>.\n"
    ));
}

#[test]
fn big_values() {
    insta::assert_snapshot!(html(
        "<BigValue data={kpis} value=total_sales fmt=usd comparison=growth_pct comparisonFmt=pct1 comparisonTitle=\"vs last month\" sparkline=month/>\n\
         <BigValue data={kpis} value=orders title=\"Orders\" comparison=growth_pct downIsGood=true/>\n"
    ));
}

#[test]
fn data_table_with_columns() {
    insta::assert_snapshot!(html(
        "<DataTable data={sales} rows=4 totalRow=true rowNumbers=true search=true title=\"Monthly sales\" subtitle=\"By channel\">\n\
         <Column id=month fmt='mmm yyyy'/>\n<Column id=channel title=\"Sales channel\"/>\n<Column id=sales fmt=usd2 totalAgg=mean/>\n<Column id=orders totalAgg=max/>\n\
         </DataTable>\n"
    ));
}

#[test]
fn data_table_all_columns_and_empty() {
    insta::assert_snapshot!(html("<DataTable data={kpis}/>\n\n<DataTable data={nothing} title=\"Nothing yet\"/>\n"));
}

#[test]
fn line_chart() {
    insta::assert_snapshot!(html(
        "<LineChart data={sales} x=month y=sales series=channel title=\"Sales\" subtitle=\"Monthly\" yFmt=usd/>\n"
    ));
}

#[test]
fn area_chart() {
    insta::assert_snapshot!(html("<AreaChart data={sales} x=month y=sales series=channel/>\n"));
}

#[test]
fn bar_charts() {
    insta::assert_snapshot!(html(
        "<BarChart data={sales} x=channel y=sales/>\n\n<BarChart data={sales} x=month y=orders series=channel type=grouped labels=true/>\n\n\
         <BarChart data={sales} x=channel y=sales swapXY=true/>\n\n<BarChart data={sales} x=month y=sales series=channel type=stacked100/>\n"
    ));
}

#[test]
fn scatter_and_histogram() {
    insta::assert_snapshot!(html(
        "<ScatterPlot data={sales} x=orders y=sales series=channel/>\n\n<Histogram data={values} x=order_value/>\n"
    ));
}

/// `y2`: orders against a right-hand axis whose ticks sit at the left axis' heights, in the
/// palette slot after the sales, in the legend and the tooltips; as a line and as bars.
#[test]
fn secondary_axis() {
    insta::assert_snapshot!(html(
        "<LineChart data={sales} x=month y=sales y2=orders y2AxisTitle=true y2Fmt=\"0.0\" y2TickMarks=true y2Baseline=true/>\n\n\
         <BarChart data={sales} x=channel y=sales y2=orders yAxisColor=false y2AxisColor=\"#cc0000\" labels=true y2LabelFmt=\"0.0\" yLabelFmt=usd0/>\n"
    ));
}

/// A colour an axis prop adds is the axis', never a series': with one `lineColor`, the y2
/// line is that colour too, and only the y labels are blue.
#[test]
fn axis_colours_are_not_series_colours() {
    let out = html("<LineChart data={sales} x=month y=sales y2=orders lineColor=red yAxisColor=\"#0000ff\"/>\n");
    let orders = out.lines().find(|l| l.starts_with("<polyline") && l.contains("data-series=\"Orders\"")).unwrap_or("");
    assert!(orders.contains("stroke=\"red\""), "{orders}");
    assert!(out.contains("fill=\"#0000ff\">1,000</text>"), "{out}");
}

/// Axis props: a date range that clips the lines at the plot's edge, a y axis fitted to
/// the values with its baseline and tick marks in red, no x tick labels; band grid lines
/// and tick marks on bars; a Histogram's count axis capped, with its legend; areas over
/// numbers on x, each joined across the values the other series has; bars on a time axis.
#[test]
fn axis_props() {
    insta::assert_snapshot!(html(
        "<LineChart data={sales} x=month y=sales series=channel xMin=\"2024-02-01\" xMax=\"2024-02-20\" yScale=true \
         yBaseline=true yTickMarks=true yAxisColor=\"red\" xAxisLabels=false xTickMarks=false/>\n\n\
         <BarChart data={sales} x=channel y=sales xGridlines=true xTickMarks=true xBaseline=false yAxisLabels=false/>\n\n\
         <Histogram data={values} x=order_value yMax=4 legend=true/>\n\n\
         <AreaChart data={sales} x=orders y=sales series=channel handleMissing=connect/>\n\n\
         <BarChart data={sales} x=month y=sales xType=time/>\n"
    ));
}

#[test]
fn empty_chart() {
    insta::assert_snapshot!(html("<LineChart data={nothing} title=\"Nothing\"/>\n"), @r#"
    <div class="q-slot" data-q="5"><figure class="q-component q-linechart q-chart" data-component="LineChart" data-query="nothing">
    <figcaption class="q-chart-head"><span class="q-title">Nothing</span></figcaption>
    <div class="q-empty">No data</div>
    </figure></div>
    "#);
}

#[test]
fn links_from_data_are_checked() {
    let out = html("<DataTable data={links} link=url/>\n");
    assert!(
        out.contains(
            "<tr data-href=\"customers/acme/\"><td class=\"q-text\"><a href=\"customers/acme/\">Acme</a></td></tr>"
        ),
        "{out}"
    );
    assert!(out.contains("<tr><td class=\"q-text\">Evil</td></tr>"), "{out}");
    assert!(!out.contains("javascript"), "{out}");
}

#[test]
fn blocks_break_out_of_paragraphs() {
    let out = html(
        "Before <BigValue data={kpis} value=orders/> after.\n\n- item with <Value data={kpis} column=orders/>\n- <Value data={nothing} column=y/>\n\nA [^1] footnote, ~~struck~~.\n\n[^1]: The note.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n",
    );
    assert!(
        out.starts_with("<p>Before</p>\n<div class=\"q-slot\" data-q=\"5\"><div class=\"q-component q-bigvalue\""),
        "{out}"
    );
    assert!(out.contains("</div></div>\n<p>after.</p>"), "{out}");
    assert!(out.contains("<li>item with <span class=\"q-slot\" data-q=\"7\"><span class=\"q-component q-value\" data-component=\"Value\" data-query=\"kpis\">15,321</span></span></li>"), "{out}");
    assert!(
        out.contains("<del>struck</del>") && out.contains("footnote-definition") && out.contains("<table>"),
        "{out}"
    );
}

#[test]
fn headings_feed_the_toc() {
    let r = render("## Overview\n\nText.\n\n### Details\n\n## Overview\n").unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(
        r.toc,
        [
            TocEntry { level: 2, id: "overview".into(), text: "Overview".into() },
            TocEntry { level: 3, id: "details".into(), text: "Details".into() },
            TocEntry { level: 2, id: "overview-2".into(), text: "Overview".into() },
        ]
    );
}

#[test]
fn same_input_same_bytes() {
    let body = "<LineChart data={sales} x=month y=sales series=channel/>\n<Histogram data={values} x=order_value/>\n";
    assert_eq!(html(body), html(body));
}

#[test]
fn unknown_column_suggests() {
    assert_eq!(
        problems("<LineChart data={sales} x=month y=sale/>\n"),
        ["query `sales` has no column `sale` | did you mean `sales`? | at `sale`"]
    );
    assert_eq!(
        problems("{sales[0].chanel} and <Value data={sales} column=zzz/>\n"),
        [
            "query `sales` has no column `chanel` | did you mean `channel`? | at `chanel`",
            "query `sales` has no column `zzz` | its columns are: month, channel, sales, orders | at `zzz`",
        ]
    );
}

#[test]
fn bad_format() {
    assert_eq!(
        problems("<Value data={sales} column=sales fmt=usdd/>\n"),
        ["unknown format `usdd` | did you mean `usd`? | at `usdd`"]
    );
    assert_eq!(
        problems("<DataTable data={sales}><Column id=sales fmt='0.0\"M'/></DataTable>\n"),
        [
            "`0.0\"M` has an unclosed quote | use a named format (usd, usd0k, num1, pct1, longdate, mmm yyyy) or an Excel code such as '#,##0.00' | at `'0.0\"M'`"
        ]
    );
}

#[test]
fn other_problems() {
    assert_eq!(
        problems("{sales[9].sales}\n"),
        [
            "row 9 is out of range: query `sales` returned 6 rows | rows are counted from 0, so the last row is 5 | at `sales[9].sales`"
        ]
    );
    assert_eq!(
        problems("<BarChart data={sales} x=month y=channel/>\n"),
        [
            "y column `channel` is not numeric | y takes number columns; to split the chart by `channel`, write `series=channel` | at `channel`"
        ]
    );
    assert_eq!(
        problems(
            "<LineChart data={sales} x=month y2=channel y2SeriesType=pie xMin=soon yAxisColor=\"url(x)\" handleMissing=skip/>\n\n\
             <BarChart data={sales} x=channel xTickMarks=maybe xType=time y2=orders swapXY=true/>\n"
        ),
        [
            "`skip` is not a way to handle missing values | use gap, connect or zero | at `skip`",
            "y2 column `channel` is not numeric | y2 takes number columns, drawn against the axis on the right | at `channel`",
            "`pie` is not a y2 series type | use line, bar or scatter | at `pie`",
            "`url(x)` is not a colour quire can use | write yAxisColor=true (the series' colour), false, or a colour such as #236aa4 | at `\"url(x)\"`",
            "`soon` is not a date | the x axis holds dates: write xMin='2024-01-01' | at `soon`",
            "a time x axis needs dates | `channel` holds something else: leave out xType, or write xType=category | at `time`",
            "horizontal bars have no secondary axis | leave out swapXY=true, or y2 | at `orders`",
            "`xTickMarks` is true or false | write xTickMarks=true or xTickMarks=false | at `maybe`",
        ]
    );
    assert_eq!(
        problems("<Histogram data={sales} x=channel/>\n"),
        [
            "a Histogram needs a number column for x; `channel` holds text | choose a number column, or count categories with a BarChart | at `channel`",
        ]
    );
}

#[test]
fn shell() {
    let nav = [
        NavItem { title: "Home".into(), href: "".into(), active: false, children: vec![] },
        NavItem {
            title: "Sales".into(),
            href: "sales/".into(),
            active: true,
            children: vec![NavItem {
                title: "By <channel>".into(),
                href: "sales/channel/".into(),
                active: false,
                children: vec![],
            }],
        },
        NavItem {
            title: "Archive".into(),
            href: "".into(),
            active: false,
            children: vec![NavItem {
                title: "2023".into(),
                href: "archive/2023/".into(),
                active: false,
                children: vec![],
            }],
        },
    ];
    let toc = [TocEntry { level: 2, id: "overview".into(), text: "Overview & more".into() }];
    insta::assert_snapshot!(page_shell(&Shell {
        site_title: "Acme \"BI\"",
        page_title: "Sales",
        description: Some("Monthly sales <by channel>"),
        root: "../",
        nav: &nav,
        toc: &toc,
        body_html: "<p>Body</p>",
        tail_html: "<script type=\"module\">/*runtime*/</script>",
        head_html: "<link rel=\"modulepreload\" href=\"../_quire/app.js\">",
        crumbs: &[
            quire_render::Crumb { title: "Home".into(), href: Some(String::new()) },
            quire_render::Crumb { title: "Customers".into(), href: None },
            quire_render::Crumb { title: "Acme & Co".into(), href: Some("customers/acme/".into()) },
        ],
        own_heading: false,
        og_image: Some("/og.png"),
        search: true,
    }));
}

#[test]
fn stylesheet_is_self_contained() {
    let css = stylesheet();
    assert!(css.contains("prefers-color-scheme: dark"));
    assert!(css.contains("[data-theme=\"dark\"]"));
    assert!(!css.contains("@import") && !css.contains("url("), "no request outside the site");
}

/// `QUIRE_RENDER_PREVIEW=/tmp/render-preview cargo test -p quire-render --test render preview`
/// writes a page with every component, to look at in a browser.
#[test]
fn preview() {
    let Some(dir) = std::env::var_os("QUIRE_RENDER_PREVIEW") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let (body, results) = gallery::page();
    let page = Page::parse(&body).unwrap_or_else(|p| panic!("{p:?}"));
    let rendered = render_body(&page.body, &results, &Default::default()).unwrap_or_else(|p| panic!("{p:#?}"));
    let nav = [
        NavItem { title: "Overview".into(), href: "".into(), active: true, children: vec![] },
        NavItem {
            title: "Sales".into(),
            href: "sales/".into(),
            active: false,
            children: vec![
                NavItem { title: "By channel".into(), href: "sales/channel/".into(), active: false, children: vec![] },
                NavItem { title: "By region".into(), href: "sales/region/".into(), active: false, children: vec![] },
            ],
        },
        NavItem { title: "Customers".into(), href: "customers/".into(), active: false, children: vec![] },
    ];
    let theme = std::env::var("QUIRE_RENDER_THEME").ok();
    let html = page_shell(&Shell {
        site_title: "Acme Analytics",
        page_title: "Sales overview",
        description: Some("How the business did in 2023 and 2024, by channel and category."),
        root: "",
        nav: &nav,
        toc: &rendered.toc,
        body_html: &rendered.html,
        tail_html: "",
        head_html: "",
        crumbs: &[],
        own_heading: false,
        og_image: None,
        search: false,
    });
    let html = match theme {
        Some(t) => html.replacen("<html lang=\"en\">", &format!("<html lang=\"en\" data-theme=\"{t}\">"), 1),
        None => html,
    };
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("index.html"), html).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("style.css"), stylesheet()).unwrap_or_else(|e| panic!("{e}"));
}

mod gallery;

const INPUTS: &str = "<Dropdown name=channel data={sales} value=channel title=\"Channel\" />\n\n\
<Dropdown name=several data={sales} value=channel multiple selectAllByDefault />\n\n\
<ButtonGroup name=period>\n  <ButtonGroupItem value=month valueLabel=\"By month\" default />\n  <ButtonGroupItem value=year valueLabel=\"By year\" />\n</ButtonGroup>\n\n\
<TextInput name=q placeholder=\"Search <anything>\" />\n\n\
<DateRange name=range data={sales} dates=month />\n\n\
<Slider name=min min=0 max=100 step=5 defaultValue=10 />\n\n\
<Checkbox name=web title=\"Web only\" checked />\n";

#[test]
fn inputs_at_their_defaults() {
    insta::assert_snapshot!(html(INPUTS));
}

#[test]
fn inputs_show_the_readers_values() {
    let state: quire_core::InputState = [
        ("channel", vec!["Retail"]),
        ("several", vec![]),
        ("period", vec!["year"]),
        ("q", vec!["\"><script>"]),
        ("min", vec!["55"]),
        ("web", vec!["false"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
    .collect();
    let text = format!("{QUERIES}{INPUTS}");
    let page = Page::parse(&text).expect("parses");
    let out = render_body(&page.body, &results(), &state).expect("renders").html;
    assert!(out.contains("<option value=\"Retail\" selected>"), "{out}");
    assert!(!out.contains("multiple size=\"2\"><option value=\"Online\" selected"), "an emptied multiple: {out}");
    assert!(out.contains("<button type=\"button\" value=\"year\" aria-pressed=\"true\">By year</button>"), "{out}");
    assert!(out.contains("value=\"&quot;&gt;&lt;script&gt;\""), "typed text is escaped: {out}");
    assert!(out.contains("value=\"55\"") && out.contains("<output for=\"q-in-min\">55</output>"), "{out}");
    assert!(!out.contains("checked"), "{out}");

    // Each slot renders alone exactly as it does inside the page.
    for (i, node) in page.body.iter().enumerate() {
        if matches!(node, quire_core::Node::Markdown { .. }) {
            continue;
        }
        let slot = quire_render::render_slot(&page.body, i, &results(), &state, None).expect("renders");
        assert!(out.contains(&slot), "slot {i} differs:\n{slot}");
    }
}

#[test]
fn if_blocks_choose_one_arm() {
    insta::assert_snapshot!(html(
        "{#if kpis[0].growth_pct > 0.1 && kpis.length == 3}\n\
         Growth was **strong** at {fmt(kpis[0].growth_pct, 'pct1')}.\n\
         {:else if kpis[0].growth_pct > 0}\n\
         Growth was modest.\n\
         {:else}\n\
         Sales fell.\n\
         {/if}\n\n\
         {#if nothing.length > 0}\nRows!\n{:else}\n**No rows.**\n{/if}\n\n\
         Sales {#if kpis[1].growth_pct < 0}fell{:else}grew{/if} in February; {#if !nothing}never{:else if nothing}always{/if}.\n"
    ));
}

#[test]
fn each_blocks_repeat_their_body() {
    insta::assert_snapshot!(html(
        "{#each links as l, i}\n- {i + 1}. [{l.name}](/customers/{l.name}) ({l.url})\n{/each}\n\n\
         {#each sales as s}\n{#if s.channel == 'Online'}\n<Value data={sales} column=sales row=0/> · {s.sales} on {s.month}\n{/if}\n{/each}\n\n\
         {#each kpis as k, i}<Value data={kpis} column=orders row={i}/> {/each}\n\n\
         {#each nothing as n}\nnever shown {n.x}\n{/each}\n"
    ));
}

#[test]
fn control_flow_problems() {
    assert_eq!(
        problems("{#each links as l}\n{l.nme}\n{/each}\n"),
        ["query `links` has no column `nme` | did you mean `name`? | at `nme`"]
    );
    assert_eq!(
        problems("{#if sales[7].sales > 1}x{/if}\n"),
        [
            "row 7 is out of range: query `sales` returned 6 rows | rows are counted from 0, so the last row is 5 | at `sales[7].sales`"
        ]
    );
    assert_eq!(
        problems("{params.customer}\n"),
        [
            "this page has no parameter `customer` | parameters come from the page's file name: pages/customers/[customer].md has `params.customer` | at `params.customer`"
        ]
    );
}

#[test]
fn control_flow_parse_errors() {
    let parse = parse_problems;
    assert_eq!(
        parse("{#if sales.length > 0}\nopen\n"),
        ["`{#if}` is never closed | end the block with `{/if}` | at `{#if sales.length > 0}`"]
    );
    assert_eq!(
        parse("text {/each}\n"),
        [
            "`{/each}` has no open block to close | remove it, or open the block before it with `{#if ...}` or `{#each ...}` | at `{/each}`"
        ]
    );
    assert_eq!(parse("{#each salez as s}\n{/each}\n"), ["unknown query `salez` | did you mean `sales`? | at `salez`"]);
    assert_eq!(
        parse("{#each sales}\n{/each}\n"),
        [
            "this `{#each}` has no `as row` | write `{#each query as row}` or `{#each query as row, i}` | at `{#each sales}`"
        ]
    );
    assert_eq!(
        parse("{#if sales.length = 1}x{/if}\n"),
        ["`=` has no meaning in an expression | compare with `==` or `===`; a page's markup does not assign | at `=`"]
    );
    assert_eq!(
        parse("{#if sales}a{:else}b{:else if kpis}c{/if}\n")[0],
        "`{:else}` cannot follow `{:else}` | `{:else}` is the last branch: end the block with `{/if}` | at `{:else if kpis}`"
    );
    assert_eq!(
        parse("{#each sales as s}{row.x}{/each}\n"),
        ["unknown query `row` | queries on this page: sales, kpis, values, nothing, links, s | at `row`"]
    );
}

#[test]
fn layout_components() {
    insta::assert_snapshot!(html(
        "<Details title=\"How is this computed?\">\nSales are **net** of returns: {kpis.length} months.\n</Details>\n\n\
         <Alert status=warning>\nFebruary fell <Value data={kpis} column=growth_pct fmt=pct1 row=1/>.\n</Alert>\n\n\
         <Note>\nFigures are in US dollars.\n</Note>\n\n\
         Orders<Info description=\"Completed orders only\"/> by month.\n\n\
         <Tabs>\n<Tab label=\"Online\">\nOnline sold {sales[0].sales}.\n</Tab>\n<Tab label=\"Retail\">\n<BigValue data={kpis} value=orders/>\n</Tab>\n</Tabs>\n\n\
         <Grid cols=2>\n<BigValue data={kpis} value=orders/>\n<BigValue data={kpis} value=total_sales fmt=usd/>\n</Grid>\n\n\
         <LinkButton url=\"/customers\">All customers</LinkButton>\n\n\
         <DownloadData data={sales} text=\"Sales as CSV\"/>\n\n\
         <LastRefreshed/>\n"
    ));
    assert_eq!(
        problems("<Alert status=urgent>x</Alert>\n"),
        ["`urgent` is not an alert status | write status=info, positive, warning or negative | at `urgent`"]
    );
}

#[test]
fn more_charts() {
    insta::assert_snapshot!(html(
        "<LineChart data={sales} x=month y=sales series=channel>\n\
         <ReferenceLine y=1000 label=\"Target\"/>\n\
         <ReferenceLine x=\"2024-02-01\" label=\"Launch\" color=\"#c73a2f\" lineType=solid/>\n\
         <ReferenceArea xMin=\"2024-01-15\" xMax=\"2024-02-15\" label=\"Promo\"/>\n\
         </LineChart>\n\n\
         <BarChart data={sales} x=channel y=orders><ReferenceLine y=50 label=\"Goal\"/></BarChart>\n\n\
         <BubbleChart data={sales} x=orders y=sales size=orders series=channel/>\n\n\
         <Heatmap data={sales} x=month y=channel value=sales valueFmt=usd0 title=\"Sales by month\"/>\n\n\
         <FunnelChart data={sales} nameCol=channel valueCol=orders/>\n\n\
         Sales trend: <Sparkline data={kpis} dateCol=month valueCol=total_sales/> and bars <Sparkline data={kpis} dateCol=month valueCol=orders type=bar color=\"#46a485\"/>.\n"
    ));
    assert_eq!(
        problems("<Heatmap data={sales} x=month y=channel value=channel/>\n"),
        ["`value` column `channel` is not numeric | the value shades the cells: name a number column | at `channel`"]
    );
}

#[test]
fn spaces_interpolation_and_indentation_as_evidence_writes_them() {
    // The space after a comma inside an inline `{#if}` is kept.
    let h = html("Orders: {#each kpis as k, i}{#if i > 0}, {/if}{k.orders}{/each}.\n");
    assert!(h.contains("15,321</span>, <span"), "{h}");
    // Quoted props take expressions in braces.
    let h = html("<BigValue data={kpis} value=orders title=\"Orders in {kpis.length} months\"/>\n");
    assert!(h.contains(">Orders in 3 months<"), "{h}");
    // Content indented under a container is Markdown, not a code block.
    let h = html("<Tabs>\n    <Tab label=\"One\">\n\n        Some **bold** text.\n\n    </Tab>\n</Tabs>\n");
    assert!(h.contains("<p>Some <strong>bold</strong> text.</p>") && !h.contains("<pre>"), "{h}");
}

/// Props Evidence's own components export (found in its legacy source) are accepted: a page
/// copied from Evidence does not fail on them.
#[test]
fn evidence_props_are_accepted() {
    let h = html(
        "<Note class=\"wide\">Read me.</Note>\n\n<Slider name=s title=\"Share\"/>\n\n<LineChart data={sales} x=month y=sales yLog=false seriesColors={{'Online': '#236aa4'}}/>\n",
    );
    assert!(h.contains("Read me.") && h.contains("min=\"0\" max=\"100\""), "{h}");
}

/// `seriesOrder` puts series in the author's order (legend and colours follow it, as in
/// Evidence); `seriesColors` gives named series their own colour and moves no other.
#[test]
fn series_order_and_series_colours() {
    let legend = |html: &str| -> Vec<(String, String)> {
        html.split("<span class=\"q-legend-item\"><span class=\"q-swatch\" style=\"background:")
            .skip(1)
            .map(|item| {
                let (colour, rest) = item.split_once("\"></span>").expect("a swatch");
                (rest.split('<').next().unwrap_or("").to_string(), colour.to_string())
            })
            .collect()
    };
    let plain = legend(&html("<LineChart data={sales} x=month y=sales series=channel />"));
    assert_eq!(plain.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["Online", "Retail"]);
    let ordered =
        legend(&html("<LineChart data={sales} x=month y=sales series=channel seriesOrder={['Retail', 'Online']} />"));
    assert_eq!(ordered.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["Retail", "Online"]);
    assert_eq!(ordered[0].1, plain[0].1, "the first colour goes to the first series");
    let coloured =
        html("<LineChart data={sales} x=month y=sales series=channel seriesColors={{'Retail': '#cc0000'}} />");
    let coloured_legend = legend(&coloured);
    assert_eq!(coloured_legend[1], ("Retail".to_string(), "#cc0000".to_string()));
    assert_eq!(coloured_legend[0], plain[0], "Online keeps its colour");
    assert!(coloured.contains("#cc0000"), "the line is drawn in it too");
    let bad = problems("<LineChart data={sales} x=month y=sales series=channel seriesColors={{'Retail': 'red;x'}} />");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].starts_with("`seriesColors` must map series names to colours"), "{bad:?}");
}

/// `yLog` draws the value axis in powers of ten (or of `yLogBase`), on line and bar charts
/// alike; a value of zero or less is an error at the prop, not a wrong picture.
#[test]
fn a_logarithmic_value_axis() {
    let ticks = |html: &str| -> Vec<String> {
        html.split("<text").skip(1).filter_map(|t| Some(t.split_once('>')?.1.split('<').next()?.to_string())).collect()
    };
    let linear = ticks(&html("<LineChart data={sales} x=month y=sales series=channel />"));
    assert!(linear.contains(&"500".to_string()), "{linear:?}");
    for chart in ["LineChart", "BarChart"] {
        let log = ticks(&html(&format!("<{chart} data={{sales}} x=month y=sales series=channel yLog=true />")));
        // Bars stack: their smallest top is above 1,000.
        assert!(log.contains(&"1,000".to_string()), "{chart}: {log:?}");
        assert_eq!(log.contains(&"100".to_string()), chart == "LineChart", "{chart}: {log:?}");
        assert!(log.contains(&"10k".to_string()), "{chart}: {log:?}");
        assert!(!log.contains(&"500".to_string()), "{chart}: {log:?}");
    }
    let base2 = ticks(&html("<LineChart data={sales} x=month y=sales series=channel yLog=true yLogBase=2 />"));
    assert!(base2.contains(&"512".to_string()) && base2.contains(&"2,048".to_string()), "{base2:?}");
    let bad = problems("<LineChart data={kpis} x=month y=growth_pct yLog=true />");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].starts_with("`yLog` draws only values above zero, and `growth_pct` has zero or less"), "{bad:?}");
}

// ------------------------------------------------------------ DataTable groups and contents

/// Orders by state: groups of two, two and one rows, nulls where an aggregate must skip.
fn orders() -> Table {
    let t = |s: &str| Cell::Text(s.into());
    Table {
        columns: vec![
            col("state", ColumnType::Text),
            col("item", ColumnType::Text),
            col("orders", ColumnType::Int),
            col("sales", ColumnType::Float),
            col("growth", ColumnType::Float),
            col("code", ColumnType::Text),
            col("url", ColumnType::Text),
        ],
        rows: vec![
            vec![
                t("NY"),
                t("x"),
                Cell::Int(1),
                Cell::Float(50.0),
                Cell::Float(0.1),
                t("usd0"),
                t("https://ex.com/a.png"),
            ],
            vec![
                t("CA"),
                t("x"),
                Cell::Int(2),
                Cell::Float(100.0),
                Cell::Float(0.5),
                t("num1"),
                t("javascript:alert(1)"),
            ],
            vec![t("TX"), t("y"), Cell::Int(5), Cell::Null, Cell::Float(0.2), t("pct"), t("/flags/tx.png")],
            vec![t("CA"), t("y"), Cell::Int(3), Cell::Float(300.0), Cell::Float(-0.25), t("usd0"), t("b")],
            vec![t("NY"), t("z"), Cell::Int(4), Cell::Float(150.0), Cell::Null, t("num1"), t("c")],
        ],
    }
}

fn orders_html(body: &str) -> String {
    let text = format!("```sql orders\nselect 1\n```\n\n{body}");
    let page = Page::parse(&text).unwrap_or_else(|p| panic!("page does not parse: {p:?}"));
    let mut results = BTreeMap::new();
    results.insert("orders".to_string(), orders());
    match render_body(&page.body, &results, &Default::default()) {
        Ok(r) => r.html,
        Err(p) => panic!("render failed: {p:#?}"),
    }
}

/// The text of each cell of each `<tr>` whose opening tag contains `marker`.
fn row_texts(html: &str, marker: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for tr in html.split("<tr").skip(1) {
        let (open, rest) = tr.split_once('>').expect("a tag");
        if !open.contains(marker) {
            continue;
        }
        let body = rest.split("</tr>").next().unwrap_or_default();
        let cells = body
            .split("<td")
            .skip(1)
            .map(|td| {
                let inner = td.split_once('>').map_or("", |(_, r)| r);
                let inner = inner.split("</td>").next().unwrap_or_default();
                let mut text = String::new();
                let mut in_tag = false;
                for ch in inner.chars() {
                    match ch {
                        '<' => in_tag = true,
                        '>' => in_tag = false,
                        c if !in_tag => text.push(c),
                        _ => {}
                    }
                }
                text
            })
            .collect();
        out.push(cells);
    }
    out
}

#[test]
fn subtotals_and_totals_are_the_aggregates_asked_for() {
    let html = orders_html(
        "<DataTable data={orders} groupBy=state subtotals=true totalRow=true>\n\
         <Column id=item totalAgg=countDistinct/>\n<Column id=orders totalAgg=median/>\n\
         <Column id=sales fmt=num2/>\n<Column id=growth fmt=pct2 totalAgg=weightedMean weightCol=sales/>\n\
         <Column id=state/>\n</DataTable>\n",
    );
    // Groups in order of their names; the group column comes first.
    let groups = row_texts(&html, "q-group-row");
    assert_eq!(
        groups,
        vec![
            // CA: items x, y; orders 2, 3 (median 2.5); sales 100 + 300; growth (0.5·100 − 0.25·300) / 400.
            vec!["CA", "2", "2.5", "400.00", "-6.25%"],
            // NY: the row without growth weighs nothing: 0.1·50 / 50.
            vec!["NY", "2", "2.5", "200.00", "10.00%"],
            // TX: no sales, so no sum and no weight.
            vec!["TX", "1", "5", "", ""],
        ]
    );
    // The total: (50 + 5 − 75) / 450 = −4.44%; items x, y, z; orders 1..5.
    let total = row_texts(&html, "").into_iter().last().expect("a total row");
    assert_eq!(total, vec!["Total", "3", "3", "600.00", "-4.44%"]);
    assert_eq!(row_texts(&html, "q-grouped").len(), 5);

    // Sections: each group's subtotal row after its rows, means and counts.
    let html = orders_html(
        "<DataTable data={orders} groupBy=state groupType=section subtotals=true subtotalFmt=num1>\n\
         <Column id=state/>\n<Column id=orders totalAgg=mean/>\n<Column id=sales totalAgg=max subtotalFmt=usd0/>\n\
         <Column id=growth totalAgg=count subtotalFmt='0 \"rows\"'/>\n<Column id=item totalAgg=\"—\"/>\n</DataTable>\n",
    );
    assert_eq!(
        row_texts(&html, "q-subtotal"),
        vec![
            vec!["CA", "2.5", "$300", "2 rows", "—"],
            vec!["NY", "2.5", "$150", "1 rows", "—"],
            vec!["TX", "5.0", "", "1 rows", "—"],
        ]
    );
}

#[test]
fn groups_sort_by_their_subtotal() {
    let html = orders_html("<DataTable data={orders} groupBy=state sort=\"sales desc\" groupsOpen=false/>\n");
    let names: Vec<String> = row_texts(&html, "q-group-row").into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(names, ["CA", "NY", "TX"]);
    // Inside a group, the rows in the sort's order too: CA's 300 before its 100.
    let rows = row_texts(&html, "q-grouped");
    assert_eq!(rows[0][3], "300");
    assert!(html.contains("q-grouped q-group-hidden"));
    let html = orders_html("<DataTable data={orders} groupBy=state sort=\"orders desc\"/>\n");
    let names: Vec<String> = row_texts(&html, "q-group-row").into_iter().map(|r| r[0].clone()).collect();
    // Orders: CA 5, NY 5, TX 5: ties keep the groups' name order.
    assert_eq!(names, ["CA", "NY", "TX"]);
}

#[test]
fn data_table_groups() {
    insta::assert_snapshot!(orders_html(
        "<DataTable data={orders} groupBy=state subtotals=true accordionRowColor=\"#eef\" rowNumbers=true>\n\
         <Column id=state/>\n<Column id=item/>\n<Column id=orders/>\n</DataTable>\n\n\
         <DataTable data={orders} groupBy=state groupType=section subtotals=true groupNamePosition=top \
         subtotalRowColor=\"#f5f5f5\" subtotalFontColor=navy totalRow=true totalRowColor=\"#fff0cc\" totalFontColor=\"#333\">\n\
         <Column id=state/>\n<Column id=sales fmt=usd0/>\n<Column id=growth fmt=pct1 contentType=delta totalAgg=weightedMean weightCol=sales/>\n</DataTable>\n"
    ));
}

#[test]
fn data_table_content_types() {
    insta::assert_snapshot!(orders_html(
        "<DataTable data={orders}>\n\
         <Column id=item/>\n\
         <Column id=orders contentType=colorscale colorScale={['#ce5050', 'white', '#6db678']} colorMid=2/>\n\
         <Column id=sales contentType=colorscale colorScale=positive scaleColumn=orders/>\n\
         <Column id=growth contentType=delta fmt=pct0 neutralMin=-0.15 neutralMax=0.15 downIsGood=true chip=true/>\n\
         <Column id=growth contentType=delta deltaSymbol=false showValue=true/>\n\
         <Column id=growth contentType=bar barColor=\"#aecfaf\" negativeBarColor=red backgroundColor=\"#ebebeb\" hideLabels=true/>\n\
         <Column id=url contentType=image height=30 alt=item/>\n\
         <Column id=url contentType=link linkLabel=item openInNewTab=true/>\n\
         <Column id=url contentType=link linkLabel=\"Details →\"/>\n\
         <Column id=orders fmtColumn=code wrap=true/>\n\
         </DataTable>\n"
    ));
}

#[test]
fn data_table_header_and_styling() {
    insta::assert_snapshot!(orders_html(
        "<DataTable data={orders} headerColor=\"#123456\" headerFontColor=white backgroundColor=\"#fafafa\" \
         wrapTitles=true sortable=false downloadable=false>\n\
         <Column id=state colGroup=\"Where\"/>\n<Column id=item/>\n<Column id=orders colGroup=Figures wrapTitle=true/>\n\
         <Column id=sales colGroup=Figures/>\n</DataTable>\n\n\
         <DataTable data={orders} link=url showLinkCol=true generateMarkdown=true rows=2/>\n"
    ));
}

#[test]
fn data_table_prop_mistakes() {
    let text = "```sql orders\nselect 1\n```\n\n";
    let mut results = BTreeMap::new();
    results.insert("orders".to_string(), orders());
    for (body, wanted) in [
        ("<DataTable data={orders} groupBy=state groupType=tree/>", "`tree` is not a group type"),
        ("<DataTable data={orders} groupBy=nope/>", "has no column `nope`"),
        ("<DataTable data={orders} headerColor=\"url(x)\"/>", "is not a colour"),
        (
            "<DataTable data={orders}>\n<Column id=sales contentType=colorscale colorScale=\"notacolour\"/>\n</DataTable>",
            "not a colour a scale can blend",
        ),
        (
            "<DataTable data={orders}>\n<Column id=sales contentType=colorscale colorBreakpoints={[3, 1]}/>\n</DataTable>",
            "ascending",
        ),
        ("<DataTable data={orders}>\n<Column id=sales contentType=chart/>\n</DataTable>", "not a content type"),
        ("<DataTable data={orders}>\n<Column id=sales fmtColumn=item/>\n</DataTable>", "not a format"),
        (
            "<DataTable data={orders}>\n<Column id=growth totalAgg=weightedMean weightCol=item/>\n</DataTable>",
            "is not numeric",
        ),
        (
            "<DataTable data={orders}>\n<Column id=url contentType=image height=tall/>\n</DataTable>",
            "not an image size",
        ),
    ] {
        let page = Page::parse(&format!("{text}{body}\n")).expect("parses");
        let found = match render_body(&page.body, &results, &Default::default()) {
            Ok(_) => panic!("expected a problem for {body}"),
            Err(p) => p.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("; "),
        };
        assert!(found.contains(wanted), "{body}: {found}");
    }
}

#[test]
fn colour_scales_shade_by_value_and_breakpoints() {
    let html = orders_html(
        "<DataTable data={orders}>\n<Column id=sales contentType=colorscale \
         colorScale={['#ffffff', '#888888', '#000000']} colorBreakpoints={[0, 100, 300]}/>\n</DataTable>\n",
    );
    let fills: Vec<&str> = html.split("background-color:").skip(1).map(|s| &s[..7]).collect();
    // 50 is halfway from white to #888888; 100 and 300 sit on their colours; 150 a quarter
    // of the way from #888888 to black. The null cell has no colour.
    assert_eq!(fills, ["#c4c4c4", "#888888", "#000000", "#666666"]);
}

/// Evidence's sparkline columns: each row's list drawn as a line, an area or bars, with the
/// items' fields named by `sparkX` and `sparkY`; a list shown as text without a content type;
/// a field the items lack, or a column holding no lists, is a problem at the prop.
#[test]
fn sparkline_columns_draw_each_rows_list() {
    insta::assert_snapshot!(html(
        "```sql trends\nselect 1\n```\n\n<DataTable data={trends}>\n<Column id=channel />\n<Column id=sales title=Trend contentType=sparkline sparkX=date sparkY=sales />\n<Column id=sales title=Area contentType=sparkarea sparkX=date sparkY=sales sparkColor=#53768a sparkHeight=30 sparkWidth=120 />\n<Column id=sales title=Bars contentType=sparkbar sparkYScale=true />\n</DataTable>\n"
    ));
    let plain = html("```sql trends\nselect 1\n```\n\n<DataTable data={trends} />\n");
    assert!(plain.contains("[{date: 2024-01-01, sales: "), "{plain}");
    assert_eq!(
        problems(
            "```sql trends\nselect 1\n```\n\n<DataTable data={trends}>\n<Column id=sales contentType=sparkline sparkY=sale />\n<Column id=channel contentType=sparkbar />\n</DataTable>\n"
        ),
        [
            "the list's items have no field `sale` | did you mean `sales`? | at `sale`",
            "`channel` holds no lists to draw | make a list per row in the query: `array_agg({'date': month, 'sales': sales}) as sales` | at `sparkbar`",
        ]
    );
}

#[test]
fn links_inside_a_sentence() {
    let out =
        html("See <Link url=\"/sales\" label=\"sales\" /> or <Link url=\"https://example.com\" newTab=true />.\n");
    assert!(out.contains("<a class=\"q-component q-link\" data-component=\"Link\" href=\"/sales\">sales</a>"), "{out}");
    assert!(
        out.contains("href=\"https://example.com\" target=\"_blank\" rel=\"noopener noreferrer\">Click here</a>"),
        "{out}"
    );
    assert_eq!(
        problems("<Link url=\"javascript:alert(1)\" />\n"),
        [
            "`url` is not a link quire can follow | write a page path (`/customers`) or an http(s) address | at `\"javascript:alert(1)\"`"
        ]
    );
}
