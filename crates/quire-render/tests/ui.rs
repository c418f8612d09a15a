//! Evidence's UI components: `Delta`, `BigLink`, `Image`, `Embed`, `Accordion`, `Modal`,
//! `PageBreak` and `PrintGroup`, each variant by a snapshot, and the problems a bad value
//! gives.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Page, Problem, Table};
use quire_render::{Rendered, render_body};

mod common;
use common::col;

/// Evidence's example: `select 0.366 as positive, -0.366 as negative, 0.01 as neutral`,
/// and a second row with a null.
fn growth() -> Table {
    Table {
        columns: vec![
            col("positive", ColumnType::Float),
            col("negative", ColumnType::Float),
            col("neutral", ColumnType::Float),
        ],
        rows: vec![
            vec![Cell::Float(0.366), Cell::Float(-0.366), Cell::Float(0.01)],
            vec![Cell::Null, Cell::Float(-12.0), Cell::Float(0.0)],
        ],
    }
}

fn results() -> BTreeMap<String, Table> {
    let mut r = BTreeMap::new();
    r.insert("growth".to_string(), growth());
    r.insert("nothing".to_string(), Table { columns: growth().columns, rows: vec![] });
    r
}

const QUERIES: &str = "```sql growth\nselect 1\n```\n\n```sql nothing\nselect 1\n```\n\n";

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

/// Problems the page's checks find before anything runs.
fn check_problems(body: &str) -> Vec<String> {
    common::parse_problems(&format!("{QUERIES}{body}"))
}

#[test]
fn delta() {
    insta::assert_snapshot!(html(
        "This value is <Delta data={growth} column=positive fmt=\"+0.0%;-0.0%;0.0%\" /> since last month.\n\n\
         Up <Delta data={growth} column=positive fmt=pct1 />, down <Delta data={growth} column=negative fmt=pct1 />,\n\
         flat <Delta data={growth} column=neutral fmt=pct1 neutralMin=-0.02 neutralMax=0.02 />.\n\n\
         Chips: <Delta data={growth} column=positive fmt=pct1 chip=true />\n\
         <Delta data={growth} column=negative fmt=pct1 chip=true />\n\
         <Delta data={growth} column=neutral fmt=pct1 neutralMin=-0.02 neutralMax=0.02 chip=true />.\n\n\
         Left: <Delta data={growth} column=positive fmt=pct1 symbolPosition=left />\n\
         <Delta data={growth} column=positive fmt=pct1 symbolPosition=left chip=true />.\n\n\
         Costs <Delta data={growth} column=negative row=1 downIsGood=true text=\"vs plan\" />,\n\
         arrow only <Delta data={growth} column=positive showValue=false />,\n\
         value only <Delta data={growth} column=negative fmt=pct0 showSymbol=false />,\n\
         first column <Delta data={growth} />, a null <Delta data={growth} row=1 />.\n\n\
         Given: <Delta value=0.05 fmt=pct1 />, <Delta value={growth[0].negative} />, <Delta value=-3 />.\n\n\
         Empty: <Delta data={nothing} />, <Delta data={nothing} emptyMessage=\"no data yet\" />.\n"
    ));
}

#[test]
fn delta_mistakes() {
    assert_eq!(
        problems("<Delta data={growth} symbolPosition=top neutralMin=low />\n\n<Delta />\n\n<Delta value=lots />\n"),
        [
            "`neutralMin` must be a number | changes from neutralMin to neutralMax show as neither up nor down: neutralMin=-0.02 | at `low`",
            "`top` is not a symbol position | write symbolPosition=left or symbolPosition=right | at `top`",
            "`<Delta>` needs `data` or `value` | name a query (`data={growth} column=change`) or give the number: `value=0.05` | at `Delta`",
            "`value` must be a number | write `value=0.05`, or take it from a query: `data={growth} column=change` | at `lots`",
        ]
    );
    assert_eq!(
        problems("<Delta data={growth} column=postive />\n"),
        ["query `growth` has no column `postive` | did you mean `positive`? | at `postive`"]
    );
}

#[test]
fn big_link() {
    insta::assert_snapshot!(html(
        "<BigLink url='/components/ui/big-link'>My Big Link</BigLink>\n\n\
         <BigLink url=\"https://evidence.dev/?a=1&b=2\">Evidence's **docs**</BigLink>\n\n\
         <BigLink href=\"/old/name\">Old name</BigLink>\n\n\
         <BigLink url=\"/no/text\" />\n"
    ));
    assert_eq!(
        problems("<BigLink url=\"javascript:alert(1)\">x</BigLink>\n\n<BigLink>x</BigLink>\n"),
        [
            "`url` is not a link quire can follow | write a page path (`/customers`) or an http(s) address | at `\"javascript:alert(1)\"`",
            "`<BigLink>` needs a `url` | write the page or address it goes to: `<BigLink url=\"/sales\">Sales</BigLink>` | at `BigLink`",
        ]
    );
}

#[test]
fn image() {
    let url = "https://raw.githubusercontent.com/evidence-dev/media-kit/refs/heads/main/png/wordmark-gray-800.png";
    insta::assert_snapshot!(html(&format!(
        "<Image url=\"{url}\" description=\"Sample placeholder image\" height=80 />\n\n\
         <Image url=\"{url}\" description=\"Sample placeholder image\" height=80 align=left />\n\n\
         <Image url=\"{url}\" description=\"Sample placeholder image\" height=80 border=true class=\"p-4\" />\n\n\
         <Image url=\"/images/logo.svg\" description='The \"logo\"' width=50% align=right />\n"
    )));
    assert_eq!(
        problems("<Image url=\"javascript:alert(1)\" />\n\n<Image url=\"/a.png\" width=wide align=middle />\n"),
        [
            "`url` is not an image address quire can use | write a path in the site (`/images/logo.png`) or an http(s) address | at `\"javascript:alert(1)\"`",
            "`middle` is not an alignment | write align=left, center or right | at `middle`",
            "`wide` is not a size | write pixels (`width=400`) or a CSS length (`width=50%`) | at `wide`",
        ]
    );
}

#[test]
fn embed() {
    let url = "https://www.youtube.com/embed/UiCioBZ5IDU?si=dychrQurRTlhz9DN";
    insta::assert_snapshot!(html(&format!(
        "<Embed url=\"{url}\" title=\"Sample Video\" />\n\n\
         <Embed url=\"{url}\" title=\"Sample Video\" height=\"200\" width=400 align=center />\n\n\
         <Embed url=\"{url}\" title=\"Sample Video\" border=false />\n"
    )));
    assert_eq!(
        problems(
            "<Embed url=\"javascript:alert(1)\" />\n\n<Embed url=\"data:text/html,x\" />\n\n\
             <Embed url=\"https://x.org\" height=-4 />\n"
        ),
        [
            "`url` must be an http(s) address or a path in the site | write the address the other site gives for embedding: `url=\"https://www.youtube.com/embed/...\"` | at `\"javascript:alert(1)\"`",
            "`url` must be an http(s) address or a path in the site | write the address the other site gives for embedding: `url=\"https://www.youtube.com/embed/...\"` | at `\"data:text/html,x\"`",
            "`-4` is not a size | write pixels (`height=400`) or a CSS length (`height=50%`) | at `-4`",
        ]
    );
    // A page of the site itself.
    assert!(html("<Embed url=\"../inputs/\" title=\"Inputs\" />\n").contains("src=\"../inputs/\""));
}

#[test]
fn accordion() {
    insta::assert_snapshot!(html(
        "<Accordion>\n  <AccordionItem title=\"Item 1\">\n\n    This is the first item's accordion body.\n\n    You can use **markdown** here too!\n\n  </AccordionItem>\n  \
         <AccordionItem title=\"Item 2\" description=\"More about it\">\n\n    Up <Delta data={growth} column=positive fmt=pct1 />.\n\n  </AccordionItem>\n</Accordion>\n\n\
         <Accordion single>\n  <AccordionItem title=\"Item 1\">\n    <p>Content 1</p>\n  </AccordionItem>\n  \
         <AccordionItem title=\"Item 2\">\n    <p>Content 2</p>\n  </AccordionItem>\n</Accordion>\n"
    ));
}

#[test]
fn modal() {
    insta::assert_snapshot!(html(
        "<Modal title=\"Title\" buttonText='Open Modal'>\n\n**bold** and _italic_ text is supported.\n\n</Modal>\n\n\
         <Modal buttonText=\"Growth\" open=true>\n    Up <Delta data={growth} column=positive fmt=pct1 />.\n</Modal>\n"
    ));
}

#[test]
fn print_format() {
    insta::assert_snapshot!(html(
        "Text on original line <LineBreak/> Text on new line, <LineBreak lines=2/> and two lower.\n\n\
         Before the break.\n\n<PageBreak/>\n\nOn a new page.\n\n\
         <PrintGroup>\n\n    Kept together: <Delta data={growth} column=positive fmt=pct1 />.\n\n</PrintGroup>\n\n\
         <PrintGroup hidden=true>\nOn screen only.\n</PrintGroup>\n"
    ));
    assert_eq!(
        problems("<LineBreak lines=0/>\n"),
        ["`lines` must be a whole number from 1 to 20 | the number of line breaks: `lines=2` | at `0`"]
    );
}

/// Evidence's `<ECharts config={...}>`, and Vega-Lite's components: refused at the tag, with
/// the nearest quire chart.
#[test]
fn other_chart_libraries_are_refused_with_the_nearest_chart() {
    let treemap = "<ECharts config={\n    {\n      title: { text: 'Treemap Example' },\n      series: [{ type: 'treemap', data: [...growth] }]\n    }\n}/>\n";
    let funnel = "<ECharts config={{ series: [{ type: 'funnel', data: [...growth] }] }} />\n";
    let vega = "<VegaLite spec={{ mark: \"bar\", encoding: { x: { field: 'a' } } }} />\n\n<Vega spec={{ marks: [{ type: 'line' }] }} />\n";
    insta::assert_snapshot!(
        [treemap, funnel, vega].map(|b| check_problems(b).join("\n")).join("\n"),
        @r"
    quire does not draw `<ECharts>` | quire draws its charts as SVG itself, so it has no ECharts to pass a configuration to; write a quire chart with a query, `data={my_query}`: `<LineChart>`, `<AreaChart>`, `<BarChart>`, `<ScatterPlot>`, `<BubbleChart>`, `<Histogram>`, `<BoxPlot>`, `<Chart>`, `<Heatmap>`, `<FunnelChart>`, `<SankeyDiagram>` | at `ECharts`
    quire does not draw `<ECharts>` | quire draws its charts as SVG itself, so it has no ECharts to pass a configuration to; the nearest quire chart is `<FunnelChart>`: give it a query, `data={my_query}`, and name the columns it draws | at `ECharts`
    quire does not draw `<VegaLite>` | quire draws its charts as SVG itself, so it has no Vega-Lite to pass a configuration to; the nearest quire chart is `<BarChart>`: give it a query, `data={my_query}`, and name the columns it draws | at `VegaLite`
    quire does not draw `<Vega>` | quire draws its charts as SVG itself, so it has no Vega to pass a configuration to; the nearest quire chart is `<LineChart>`: give it a query, `data={my_query}`, and name the columns it draws | at `Vega`
    "
    );
}
