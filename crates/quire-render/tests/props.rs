//! The props contract, measured: every prop in the catalogue either changes what quire
//! renders (it is *drawn*), or is listed in `quire_core::components` as *not yet* drawn or
//! *not applicable* (ECharts-only), and the page that uses it gets a warning.
//!
//! A prop's effect is found by rendering a component without it and with it, for a range
//! of values (booleans, numbers, colours, formats, texts, the data's columns, lists, the
//! words props take); a prop is drawn if some value renders without problems and differently.
//! Nothing here knows what a prop should do: this test cannot be talked into believing a
//! prop works, only shown.

use std::collections::BTreeMap;

use quire_core::components::{self, PropStatus};
use quire_core::{Cell, ColumnType, Page, Table};

mod common;
use common::col;

/// Monthly sales by channel (dates, text, numbers), a row of figures, a distribution, and
/// empty results of both.
/// [`results`], made once: the probe renders thousands of forms.
fn shared_results() -> &'static BTreeMap<String, Table> {
    static R: std::sync::OnceLock<BTreeMap<String, Table>> = std::sync::OnceLock::new();
    R.get_or_init(results)
}

fn results() -> BTreeMap<String, Table> {
    let mut sales = Vec::new();
    for (i, m) in [1u32, 2, 3, 4].into_iter().enumerate() {
        // Rows come in an order that is not the order of their sizes: Online is largest.
        for (j, channel) in [(2, "Phone"), (0, "Online"), (1, "Retail")] {
            sales.push(vec![
                Cell::Int(quire_render::fmt::days_from_civil(2024, m, 1)),
                Cell::Text(channel.into()),
                Cell::Float(1200.0 - 300.0 * j as f64 + 150.0 * i as f64 - if i == 2 { 1400.0 } else { 0.0 }),
                Cell::Int(40 + i as i64 * 3 - j as i64 * 7),
                Cell::Float(0.1 * (i as f64 - 1.5)),
                Cell::Text(format!("/channels/{channel}")),
                // A format code per row, for `fmtColumn`.
                Cell::Text(["usd0", "num1", "pct"][j].into()),
            ]);
        }
    }
    let mut r = BTreeMap::new();
    r.insert(
        "sales".to_string(),
        Table {
            columns: vec![
                col("month", ColumnType::Date),
                col("channel", ColumnType::Text),
                col("sales", ColumnType::Float),
                col("orders", ColumnType::Int),
                col("growth", ColumnType::Float),
                col("link", ColumnType::Text),
                col("code", ColumnType::Text),
            ],
            rows: sales,
        },
    );
    r.insert(
        "values".to_string(),
        Table {
            columns: vec![col("order_value", ColumnType::Float)],
            rows: (0..60).map(|i| vec![Cell::Float(((i * 37) % 100) as f64 + (i % 7) as f64 * 0.5)]).collect(),
        },
    );
    let columns = r["sales"].columns.clone();
    r.insert("nothing".to_string(), Table { columns, rows: vec![] });
    // A list per channel (`array_agg({'month': month, 'sales': sales})`), for sparkline columns.
    let trend = |channel: &str| {
        let sales = &r["sales"];
        Cell::Rows(Box::new(Table {
            columns: vec![
                col("month", ColumnType::Date),
                col("sales", ColumnType::Float),
                col("orders", ColumnType::Int),
            ],
            rows: sales
                .rows
                .iter()
                .filter(|row| row[1] == Cell::Text(channel.into()))
                .map(|row| vec![row[0].clone(), row[2].clone(), row[3].clone()])
                .collect(),
        }))
    };
    let lists = Table {
        columns: vec![col("channel", ColumnType::Text), col("trend", ColumnType::List)],
        rows: ["Online", "Retail", "Phone"].iter().map(|c| vec![Cell::Text((*c).into()), trend(c)]).collect(),
    };
    r.insert("lists".to_string(), lists);
    let columns = r["values"].columns.clone();
    r.insert("novalues".to_string(), Table { columns, rows: vec![] });
    // Places for maps: a zone each (shapes named `zones`), a point each, and US states.
    let places = Table {
        columns: vec![
            col("channel", ColumnType::Text),
            col("lat", ColumnType::Float),
            col("long", ColumnType::Float),
            col("sales", ColumnType::Float),
            col("orders", ColumnType::Int),
            col("link", ColumnType::Text),
            col("state", ColumnType::Text),
        ],
        rows: [
            ("Online", 34.05, -118.25, 1800.0, 40, "California"),
            ("Retail", 34.1, -118.1, 950.0, 31, "Texas"),
            ("Phone", 33.95, -118.4, 400.0, 22, "Maine"),
        ]
        .iter()
        .map(|(ch, la, lo, s, o, st)| {
            vec![
                Cell::Text((*ch).into()),
                Cell::Float(*la),
                Cell::Float(*lo),
                Cell::Float(*s),
                Cell::Int(*o),
                Cell::Text(format!("/channels/{ch}")),
                Cell::Text((*st).into()),
            ]
        })
        .collect(),
    };
    // Flows for a Sankey diagram, in its default columns, with a share of each.
    let flow = |s: &str, t: &str, v: f64, p: f64| {
        vec![Cell::Text(s.into()), Cell::Text(t.into()), Cell::Float(v), Cell::Float(p)]
    };
    let flows = Table {
        columns: vec![
            col("source", ColumnType::Text),
            col("target", ColumnType::Text),
            col("value", ColumnType::Float),
            col("growth", ColumnType::Float),
        ],
        rows: vec![
            flow("Online", "Sales", 120.0, 0.6),
            flow("Retail", "Sales", 80.0, 0.4),
            flow("Sales", "Profit", 60.0, 0.3),
            flow("Sales", "Costs", 140.0, 0.7),
            flow("Costs", "Wages", 90.0, 0.64),
        ],
    };
    // A dimension grid named `pick` over `sales`: its columns, and its cuts.
    let columns = r["sales"].columns.clone();
    r.insert("pick__columns".to_string(), Table { columns, rows: vec![] });
    let cut = |d: &str, v: &str, m: f64, rank: i64| {
        vec![Cell::Text(d.into()), Cell::Text(v.into()), Cell::Float(m), Cell::Int(rank)]
    };
    r.insert(
        "pick__cuts".to_string(),
        Table {
            columns: vec![
                col("dimension", ColumnType::Text),
                col("value", ColumnType::Text),
                col("metric", ColumnType::Float),
                col("rank", ColumnType::Int),
            ],
            rows: vec![
                cut("channel", "Online", 5400.5, 1),
                cut("channel", "Retail", 4200.0, 2),
                cut("channel", "Phone", 3000.25, 3),
                cut("code", "usd0", 5400.5, 1),
            ],
        },
    );
    // Categories with long names, for labels that wrap.
    r.insert(
        "long_labels".to_string(),
        Table {
            columns: vec![col("label", ColumnType::Text), col("value", ColumnType::Float)],
            rows: [
                "Online orders shipped from the northern warehouse before the end of the quarter",
                "Retail orders",
                "Phone orders taken by the night shift in the eastern call centre over the holidays",
            ]
            .iter()
            .enumerate()
            .map(|(i, l)| vec![Cell::Text((*l).into()), Cell::Float([3.0, 9.0, 5.0][i])])
            .collect(),
        },
    );
    r.insert("noflows".to_string(), Table { columns: flows.columns.clone(), rows: vec![] });
    r.insert("flows".to_string(), flows);
    r.insert("noplaces".to_string(), Table { columns: places.columns.clone(), rows: vec![] });
    r.insert("places".to_string(), places);
    let zones = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"zone":"Online"},"geometry":{"type":"Polygon","coordinates":[[[-118.3,34.0],[-118.2,34.0],[-118.2,34.1],[-118.3,34.0]]]}},
        {"type":"Feature","properties":{"zone":"Retail"},"geometry":{"type":"Polygon","coordinates":[[[-118.15,34.05],[-118.05,34.05],[-118.05,34.15],[-118.15,34.05]]]}},
        {"type":"Feature","properties":{"zone":"Phone"},"geometry":{"type":"Polygon","coordinates":[[[-118.45,33.9],[-118.35,33.9],[-118.35,34.0],[-118.45,33.9]]]}}]}"#;
    r.insert(quire_core::shape::key("zones"), quire_core::shape::read_geojson(zones).expect("valid in this test"));
    let shipped = common::crate_dir().join("../quire-build/shapes");
    for name in [quire_core::shape::US_STATES, quire_core::shape::WORLD_COUNTRIES] {
        let text = std::fs::read_to_string(shipped.join(format!("{name}.geojson"))).expect("quire's shapes");
        r.insert(quire_core::shape::key(name), quire_core::shape::read_geojson(&text).expect("valid"));
    }
    r
}

const QUERIES: &str = "```sql sales\nselect 1\n```\n\n```sql values\nselect 1\n```\n\n```sql nothing\nselect 1\n```\n\n```sql lists\nselect 1\n```\n\n```sql novalues\nselect 1\n```\n\n```sql places\nselect 1\n```\n\n```sql noplaces\nselect 1\n```\n\n```sql flows\nselect 1\n```\n\n```sql noflows\nselect 1\n```\n\n```sql long_labels\nselect 1\n```\n\n";

/// How each component is written at its simplest; `@` is where the probed prop goes.
fn base(name: &str) -> Option<String> {
    let chart = |c: &str| format!("<{c} data={{sales}} x=month y=sales series=channel @/>");
    Some(match name {
        "Value" => "<Value data={sales} column=sales @/>".into(),
        "BigValue" => "<BigValue data={sales} value=sales @/>".into(),
        "Delta" => "<Delta data={sales} column=growth @/>".into(),
        "DataTable" => "<DataTable data={sales} @/>".into(),
        "Column" => "<DataTable data={sales}>\n<Column id=sales @/>\n<Column id=channel />\n</DataTable>".into(),
        "LineChart" | "AreaChart" | "BarChart" | "ScatterPlot" => chart(name),
        "Histogram" => "<Histogram data={values} x=order_value @/>".into(),
        "BubbleChart" => "<BubbleChart data={sales} x=orders y=sales size=orders series=channel @/>".into(),
        "Heatmap" => "<Heatmap data={sales} x=month y=channel value=sales @/>".into(),
        "BoxPlot" => "<BoxPlot data={sales} name=channel intervalBottom=orders midpoint=sales intervalTop=sales @/>".into(),
        "CalendarHeatmap" => "<CalendarHeatmap data={sales} date=month value=sales @/>".into(),
        "FunnelChart" => "<FunnelChart data={sales} nameCol=channel valueCol=orders @/>".into(),
        "SankeyDiagram" => "<SankeyDiagram data={flows} @/>".into(),
        "Chart" => "<Chart data={sales} x=month @>\n<Bar y=sales />\n<Line y=orders />\n</Chart>".into(),
        "Bar" => "<Chart data={sales} x=month>\n<Bar y=sales @/>\n<Line y=orders />\n</Chart>".into(),
        "Line" => "<Chart data={sales} x=month>\n<Bar y=sales />\n<Line y=orders @/>\n</Chart>".into(),
        "Area" => "<Chart data={sales} x=month>\n<Area y=sales @/>\n<Line y=orders />\n</Chart>".into(),
        "Scatter" => "<Chart data={sales} x=month>\n<Line y=sales />\n<Scatter y=orders @/>\n</Chart>".into(),
        "Bubble" => "<Chart data={sales} x=orders>\n<Bubble y=sales size=orders @/>\n</Chart>".into(),
        "Hist" => "<Chart data={values}>\n<Hist x=order_value @/>\n</Chart>".into(),
        "Sparkline" => "<Sparkline data={sales} dateCol=month valueCol=sales @/>".into(),
        "ReferenceLine" => "<LineChart data={sales} x=month y=sales series=channel>\n<ReferenceLine y=1000 @/>\n</LineChart>".into(),
        "ReferenceArea" => {
            "<LineChart data={sales} x=month y=sales series=channel>\n<ReferenceArea yMin=900 yMax=1100 @/>\n</LineChart>"
                .into()
        }
        "ReferencePoint" | "Callout" => format!(
            "<LineChart data={{sales}} x=month y=sales series=channel>\n<{name} x=\"2024-02-01\" y=1000 label=\"Dip\" @/>\n</LineChart>"
        ),
        "Dropdown" => "<Dropdown name=pick data={sales} value=channel @/>".into(),
        "DropdownOption" => "<Dropdown name=pick>\n<DropdownOption value=a @/>\n<DropdownOption value=b />\n</Dropdown>".into(),
        "ButtonGroup" => "<ButtonGroup name=pick data={sales} value=channel @/>".into(),
        "ButtonGroupItem" => {
            "<ButtonGroup name=pick>\n<ButtonGroupItem value=a @/>\n<ButtonGroupItem value=b />\n</ButtonGroup>".into()
        }
        "TextInput" => "<TextInput name=pick @/>".into(),
        "DateRange" => "<DateRange name=pick data={sales} dates=month @/>".into(),
        "DateInput" => "<DateInput name=pick data={sales} dates=month @/>".into(),
        "Slider" => "<Slider name=pick @/>".into(),
        "Checkbox" => "<Checkbox name=pick @/>".into(),
        "DimensionGrid" => "<DimensionGrid data={sales} name=pick @/>".into(),
        "Details" => "<Details title=\"More\" @>\nInside.\n</Details>".into(),
        "Alert" | "Note" => format!("<{name} @>\nInside.\n</{name}>"),
        "Info" => "<Info description=\"About this\" @/>".into(),
        "Tabs" => "<Tabs @>\n<Tab label=\"A\">\nOne.\n</Tab>\n<Tab label=\"B\">\nTwo.\n</Tab>\n</Tabs>".into(),
        "Tab" => "<Tabs>\n<Tab label=\"A\" @>\nOne.\n</Tab>\n<Tab label=\"B\">\nTwo.\n</Tab>\n</Tabs>".into(),
        "Grid" => "<Grid @>\n\nOne.\n\nTwo.\n\n</Grid>".into(),
        "Group" => "<Group @>\n\nOne.\n\n</Group>".into(),
        "LinkButton" => "<LinkButton url=\"/x\" @>Go</LinkButton>".into(),
        "BigLink" => "<BigLink url=\"/x\" @>Go</BigLink>".into(),
        "Link" => "<Link url=\"/x\" @/>".into(),
        "PageBreak" => "<PageBreak @/>".into(),
        "PrintGroup" => "<PrintGroup @>\nInside.\n</PrintGroup>".into(),
        "LineBreak" => "One <LineBreak @/> two.".into(),
        "Modal" => "<Modal buttonText=\"Open\" @>\nInside.\n</Modal>".into(),
        "Accordion" => "<Accordion @>\n<AccordionItem title=\"A\">\nOne.\n</AccordionItem>\n</Accordion>".into(),
        "AccordionItem" => "<Accordion>\n<AccordionItem title=\"A\" @>\nOne.\n</AccordionItem>\n</Accordion>".into(),
        "Image" => "<Image url=\"/logo.png\" @/>".into(),
        "Embed" => "<Embed url=\"https://example.com/embed\" @/>".into(),
        "DownloadData" => "<DownloadData data={sales} @/>".into(),
        "LastRefreshed" => "<LastRefreshed @/>".into(),
        "AreaMap" => "<AreaMap data={places} geoJsonUrl=zones geoId=zone areaCol=channel value=sales @/>".into(),
        "PointMap" => "<PointMap data={places} lat=lat long=long value=sales @/>".into(),
        "BubbleMap" => "<BubbleMap data={places} lat=lat long=long size=sales value=sales @/>".into(),
        "BaseMap" => "<BaseMap @>\n<Points data={places} lat=lat long=long value=sales />\n</BaseMap>".into(),
        "Areas" => {
            "<BaseMap>\n<Areas data={places} geoJsonUrl=zones geoId=zone areaCol=channel value=sales @/>\n</BaseMap>".into()
        }
        "Points" => "<BaseMap>\n<Points data={places} lat=lat long=long value=sales @/>\n</BaseMap>".into(),
        "Bubbles" => "<BaseMap>\n<Bubbles data={places} lat=lat long=long size=sales value=sales @/>\n</BaseMap>".into(),
        "USMap" => "<USMap data={places} state=state value=sales @/>".into(),
        _ => return None,
    })
}

/// Values to try for any prop: the kinds of value props take.
const VALUES: &[&str] = &[
    "true",
    "false",
    "2",
    "3",
    "150",
    "1000",
    "0.5",
    "-1",
    "{1000}",
    "{sales}",
    "\"#cc0000\"",
    "\"usd0\"",
    "\"pct1\"",
    "\"Some words\"",
    "month",
    "channel",
    "sales",
    "orders",
    "growth",
    "link",
    "code",
    "{['#cc0000', '#00aa00', '#0000cc']}",
    "{[0, 1000, 2000]}",
    "{['Retail', 'Online', 'Phone']}",
    "{{'Online': '#cc0000'}}",
    "\"sales desc\"",
    "desc",
    "asc",
    "top",
    "bottom",
    "right",
    "left",
    "middle",
    "center",
    "log",
    "line",
    "bar",
    "area",
    "dashed",
    "dotted",
    "all",
    "zero",
    "connect",
    "gap",
    "sum",
    "mean",
    "count",
    "link",
    "image",
    "delta",
    "colorscale",
    "html",
    "pass",
    "warn",
    "category",
    "time",
    "value",
    "grouped",
    "stacked100",
    "accordion",
    "section",
    "negative",
    "positive",
    "info",
    "\"2024-02-01\"",
    "\"MMM yyyy\"",
    "\"channel = 'Online'\"",
    "\"orders desc\"",
    "circle",
    "diamond",
    "inside",
    "outside",
    "above",
    "below",
    "start",
    "end",
    "hv",
    "none",
    "sm",
    "md",
    "lg",
    "xl",
    "large",
    "tabs",
    "dates",
    "\"Last Month\"",
    "belowStart",
    "topLeft",
    "topRight",
    "categorical",
    "click",
    "state",
    "{[{id: 'sales', fmt: 'usd'}, {id: 'link', contentType: 'link', linkLabel: 'Open'}]}",
    "vertical",
    "full",
    "percent",
    "source",
    "target",
    "gradient",
    "{{'Sales': 2}}",
];

fn render(body: &str, empty: bool) -> Option<String> {
    let body = if empty {
        body.replace("data={sales}", "data={nothing}")
            .replace("data={values}", "data={novalues}")
            .replace("data={places}", "data={noplaces}")
            .replace("data={flows}", "data={noflows}")
    } else {
        body.to_string()
    };
    let text = format!("{QUERIES}{body}\n");
    let page = Page::parse(&text).ok()?;
    // A build passes when the data was refreshed, for `LastRefreshed`.
    let mut state = quire_core::inputs::InputState::new();
    state.insert("@refreshed".into(), vec!["2024-05-01 10:20:30".into()]);
    // A map named `spot` with its first row picked, for the picked row's looks.
    let places = &shared_results()["places"];
    state.insert("spot".into(), quire_core::inputs::map_row(places, &places.rows[0]));
    state.insert(quire_core::inputs::map_columns_key("spot"), places.columns.iter().map(|c| c.name.clone()).collect());
    quire_render::render_body(&page.body, shared_results(), &state).ok().map(|r| r.html)
}

/// The simplest form, and forms with the props some others only act with (a comparison
/// for its format, a total row for its colour, labels for their format, ...).
fn variants(name: &str) -> Vec<String> {
    let Some(simplest) = base(name) else { return Vec::new() };
    let with = |extra: &str| simplest.replacen('@', &format!("{extra} @"), 1);
    let mut out = vec![simplest.clone()];
    match name {
        "Value" => {
            out.push("<Value data={sales} column=growth @/>".into());
            out.push("<Value data={sales} @/>".into());
        }
        "BigValue" => {
            out.push(with("comparison=growth sparkline=month"));
            // A trend above zero, whose range may or may not start at zero.
            out.push("<BigValue data={sales} value=orders sparkline=month @/>".into());
        }
        // `href`, Evidence's old name for `url`.
        "BigLink" => out.push("<BigLink @>Go</BigLink>".into()),
        "Delta" => {
            // A rise (for `neutralMax`), the first column, and a number given rather than read.
            out.push("<Delta data={sales} column=sales @/>".into());
            out.push("<Delta data={sales} @/>".into());
            out.push("<Delta @/>".into());
        }
        "Sparkline" => out.push(simplest.replace("valueCol=sales", "valueCol=orders")),
        // Presets choose ranges: a `range` picker.
        "DateInput" => out.push(with("range")),
        "DataTable" => {
            out.push(with("totalRow=true link=link"));
            out.push(with("rows=5 search=true"));
            // Groups: accordion rows, with subtotals, and sections with subtotals and totals.
            out.push(with("groupBy=channel"));
            out.push(with("groupBy=channel subtotals=true"));
            out.push(with("groupBy=channel groupType=section subtotals=true totalRow=true"));
        }
        "Column" => {
            out.push(
                "<DataTable data={sales} totalRow=true>\n<Column id=growth @/>\n<Column id=channel />\n</DataTable>"
                    .into(),
            );
            out.push("<DataTable data={sales}>\n<Column id=link @/>\n<Column id=channel />\n</DataTable>".into());
            // Sparkline columns of a list column.
            for kind in ["sparkline", "sparkarea", "sparkbar"] {
                out.push(format!(
                    "<DataTable data={{lists}}>\n<Column id=channel />\n<Column id=trend contentType={kind} @/>\n</DataTable>"
                ));
            }
            // Each content type with the props that only act with it.
            out.push(with("contentType=colorscale"));
            out.push(with("contentType=colorscale colorScale={['#cc0000', '#00aa00', '#0000cc']}"));
            out.push(with("contentType=bar"));
            out.push("<DataTable data={sales}>\n<Column id=growth contentType=delta @/>\n<Column id=channel />\n</DataTable>".into());
            out.push(
                "<DataTable data={sales}>\n<Column id=link contentType=link @/>\n<Column id=channel />\n</DataTable>"
                    .into(),
            );
            out.push(
                "<DataTable data={sales}>\n<Column id=link contentType=image @/>\n<Column id=channel />\n</DataTable>"
                    .into(),
            );
            // Subtotals, and a weighted mean in the total row.
            out.push(
                "<DataTable data={sales} groupBy=channel subtotals=true>\n<Column id=channel />\n<Column id=sales @/>\n</DataTable>"
                    .into(),
            );
            out.push(
                "<DataTable data={sales} totalRow=true>\n<Column id=growth totalAgg=weightedMean @/>\n<Column id=channel />\n</DataTable>"
                    .into(),
            );
        }
        "LineChart" | "AreaChart" | "BarChart" | "ScatterPlot" | "BubbleChart" | "Histogram" => {
            out.push(with("labels=true"));
            out.push(with("y2=orders"));
            // A y2 axis whose grid shows (the y grid off), and y2 series with labels.
            out.push(with("y2=orders yGridlines=false"));
            out.push(with("y2=orders labels=true"));
            // Numbers on x, each series missing most of them, in the query's order.
            out.push(simplest.replace("x=month", "x=orders"));
            // Sixty bands, too many to label each.
            out.push(format!("<{name} data={{values}} x=order_value y=order_value xType=category @/>"));
            // Values above zero only, and a logarithmic axis over them.
            out.push(simplest.replace("y=sales", "y=orders"));
            out.push(simplest.replace("y=sales", "y=orders").replacen('@', "yLog=true @", 1));
            // Categories on x, one series.
            out.push(simplest.replace("x=month y=sales series=channel ", "x=channel y=orders "));
            // Long category names, for labels that wrap; categories in order of their values.
            let size = if name == "BubbleChart" { " size=value" } else { "" };
            out.push(format!("<{name} data={{long_labels}} x=label y=value{size} @/>"));
            // Series named by dates or numbers, for their format.
            out.push(match name {
                "ScatterPlot" | "BubbleChart" => simplest.replace("series=channel", "series=orders"),
                _ => simplest.replace("x=month y=sales series=channel", "x=channel y=sales series=month"),
            });
            // Big labels crowded together, markers, steps and outlines, for the props that
            // style them (those the chart takes).
            let known = |p: &str| components::spec(name).is_some_and(|s| s.props.contains(&p));
            let mut styled: Vec<&str> =
                ["labels=true", "markers=true", "step=true", "outlineWidth=2", "labelSize=24", "chartAreaHeight=60"]
                    .into_iter()
                    .filter(|kv| kv.split('=').next().is_some_and(known))
                    .collect();
            if name == "BarChart" {
                styled.push("type=grouped");
            }
            out.push(with(&styled.join(" ")));
        }
        "ReferenceLine" => {
            out.push(simplest.replace("y=1000 ", "y=1000 label=\"Goal\" "));
            out.push(simplest.replace("y=1000 ", "data={sales} y=sales label=channel "));
            // A start on both axes, for an end (`x2`, `y2`) to go to.
            out.push(simplest.replace("y=1000 ", "x=\"2024-01-01\" y=1000 label=\"Goal\" "));
            out.push(with("symbolStart=circle symbolEnd=circle"));
        }
        "ReferencePoint" | "Callout" => {
            // Read from a query, and a label long enough to wrap, in its own lines.
            out.push(
                simplest
                    .replace("x=\"2024-02-01\" y=1000 label=\"Dip\" ", "data={sales} x=month y=sales label=channel "),
            );
            out.push(simplest.replace(
                "label=\"Dip\" @/>",
                &format!("@>\n  Sales dipped here in February,\n  after the holidays were over\n</{name}>"),
            ));
            // Its own query returns nothing (the chart's does not).
            out.push(simplest.replace("x=\"2024-02-01\" y=1000 label=\"Dip\" ", "data={nothing} x=month y=sales "));
        }
        "ReferenceArea" => out.push(simplest.replace("yMin=900 yMax=1100 ", "yMin=900 yMax=1100 label=\"Band\" ")),
        "Slider" => {
            out.push(with("data={sales} range=orders"));
            out.push(with("data={sales}"));
            out.push(with("range=orders"));
        }
        "Heatmap" => {
            out.push(with("xSort=sales ySort=sales"));
            out.push(with("legend=true"));
            // A grid with holes (not every month has every order count), with zeros in it.
            let sparse = simplest.replace("y=channel", "y=orders");
            out.push(sparse.replacen('@', "nullsZero=true @", 1));
            out.push(sparse);
        }
        "BoxPlot" => {
            // Boxes coloured by a column's values.
            out.push(with("series=channel"));
            // A reference line in it, for the props that place it.
            out.push(simplest.replace("@/>", "@>\n<ReferenceLine y=1000 label=Target/>\n</BoxPlot>"));
            out.push(with("swapXY=true"));
            // Dates for names, numbers above zero (for `yLog`), and sixty crowded bands.
            out.push(simplest.replace("name=channel", "name=month"));
            let positive = simplest.replace("midpoint=sales intervalTop=sales", "midpoint=orders intervalTop=orders");
            out.push(positive.replacen('@', "yLog=true @", 1));
            out.push(positive);
            out.push("<BoxPlot data={values} name=order_value midpoint=order_value @/>".into());
        }
        "AreaMap" | "PointMap" | "BubbleMap" | "Areas" | "Points" | "Bubbles" | "USMap" => {
            // Categories, and a value given as the colour.
            out.push(simplest.replace("value=sales", "value=channel"));
            out.push(simplest.replace(" value=sales", ""));
            // A second layer the view may or may not fit, and a centre to start from.
            if matches!(name, "Areas" | "Points" | "Bubbles") {
                out.push(
                    simplest.replace("</BaseMap>", "<Points data={places} lat=lat long=long color=red />\n</BaseMap>"),
                );
                // Behind a layer of another pane, after one of the pane `source`.
                out.push(simplest.replace(
                    "<BaseMap>\n",
                    "<BaseMap>\n<Points data={places} lat=lat long=long color=red paneType=source />\n<Bubbles data={places} lat=lat long=long size=sales color=teal />\n",
                ));
            } else {
                out.push(with("startingLong=-118"));
                out.push(with("startingLat=34"));
            }
            // Named, with a row picked: an input, for the picked row's looks.
            if name != "USMap" {
                out.push(with("name=spot"));
            } else {
                out.push(with("legend=true"));
            }
        }
        "BaseMap" => {
            out.push(with("startingLong=-118"));
            out.push(with("startingLat=34"));
        }
        // Shares to label the links with.
        "SankeyDiagram" => {
            out.push(with("linkLabels=full"));
            out.push(with("linkLabels=full percentCol=growth"));
        }
        // The chart's `y` where the series give none; bars split by a series column.
        "Chart" => {
            out.push(simplest.replace("<Bar y=sales />", "<Bar />"));
            out.push(simplest.replace("x=month @", "x=month series=channel @").replace("<Line y=orders />\n", ""));
            // Categories on x (for `sort`); one kind of positive values (for `yLog`).
            out.push(simplest.replace("x=month", "x=channel"));
            out.push("<Chart data={sales} x=month @>\n<Line y=orders />\n</Chart>".into());
            out.push("<Chart data={sales} x=month yLog=true @>\n<Line y=orders />\n</Chart>".into());
        }
        "Bubble" => out.push(with("outlineWidth=2")),
        "Bar" | "Line" | "Area" | "Scatter" => {
            if name == "Bar" {
                out.push(simplest.replace("x=month>", "x=month series=channel>").replace("<Line y=orders />\n", ""));
                // A second bar, for stacks of their own.
                out.push(simplest.replace("<Line y=orders />", "<Bar y=orders />"));
            }
            // The kind first (or alone) in its chart, as the one its looks style: plain,
            // with markers and outlines, and over x values each series has only some of.
            let alone = format!("<Chart data={{sales}} x=month>\n<{name} y=orders @/>\n</Chart>");
            out.push(alone.clone());
            let extra = match name {
                "Line" => "markers=true ",
                "Bar" | "Scatter" => "outlineWidth=2 ",
                _ => "",
            };
            out.push(alone.replacen('@', &format!("{extra}@"), 1));
            out.push(format!("<Chart data={{sales}} x=orders series=channel>\n<{name} y=sales @/>\n</Chart>"));
        }
        "Dropdown" => out.push(with("multiple=true")),
        "ButtonGroupItem" => out.push(
            "<ButtonGroup name=pick>\n<ButtonGroupItem value=a />\n<ButtonGroupItem value=b @/>\n</ButtonGroup>".into(),
        ),
        "Tab" => out.push("<Tabs>\n<Tab label=\"A\">\nOne.\n</Tab>\n<Tab label=\"B\" @>\nTwo.\n</Tab>\n</Tabs>".into()),
        _ => {}
    }
    out
}

/// Whether `prop` changes what `name` renders, for some value.
fn has_effect(name: &str, prop: &str) -> bool {
    variants(name).iter().enumerate().any(|(i, base)| effect_on(base, prop, i == 0))
}

fn effect_on(base: &str, prop: &str, simplest: bool) -> bool {
    // The probed component's own tag: another component in the form may set the prop too.
    let at = base.find('@').unwrap_or(0);
    let tag = &base[base[..at].rfind('<').unwrap_or(0)..base[at..].find('>').map_or(base.len(), |e| at + e)];
    if tag.contains(&format!(" {prop}=")) || (simplest && base.contains(&format!(" {prop}="))) {
        // Part of the simplest form (without it the component is something else); another
        // form says nothing about it.
        return simplest;
    }
    // An empty result (for `emptyMessage` and the like) only on the simplest form.
    for empty in [false, true].into_iter().take(if simplest { 2 } else { 1 }) {
        // A form that fails without the prop and renders with it (`<Delta value=...>`)
        // shows an effect too.
        let without = render(&base.replace('@', ""), empty);
        for v in VALUES {
            let with = base.replace('@', &format!("{prop}={v} "));
            if let Some(html) = render(&with, empty)
                && without.as_ref() != Some(&html)
            {
                return true;
            }
        }
    }
    false
}

#[test]
fn every_prop_is_drawn_or_says_it_is_not() {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pairs = Vec::new();
    for spec in components::all() {
        assert!(base(spec.name).is_some(), "no probe for `<{}>`: add it to `base`", spec.name);
        for prop in spec.props.iter().filter(|p| !components::BUILD_PROPS.contains(p)) {
            let status = components::prop_status(spec.name, prop);
            *counts.entry(status.as_str()).or_default() += 1;
            pairs.push((spec.name, *prop, status));
        }
    }
    // Every pair on its own: a few threads.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    let chunk = pairs.len().div_ceil(threads);
    let found: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = pairs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|(c, p, _)| has_effect(c, p)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a probe thread")).collect()
    });
    let mut wrong = Vec::new();
    for ((name, prop, status), drawn) in pairs.into_iter().zip(found) {
        let spec = components::spec(name).expect("in the catalogue");
        {
            match (status, drawn) {
                (PropStatus::Drawn, false) => {
                    wrong.push(format!("{} {prop}: listed as drawn, but changes nothing", spec.name))
                }
                (PropStatus::NotYet | PropStatus::NotApplicable | PropStatus::Refused, true) => {
                    wrong.push(format!("{} {prop}: changes what is drawn; list it as drawn", spec.name))
                }
                _ => {}
            }
        }
    }
    eprintln!("props: {counts:?}");
    if let Ok(path) = std::env::var("QUIRE_PROPS_REPORT") {
        let lines: Vec<String> = wrong
            .iter()
            .filter(|w| w.ends_with("changes nothing"))
            .filter_map(|w| w.split(':').next().map(str::to_string))
            .collect();
        std::fs::write(path, lines.join("\n") + "\n").expect("write the report");
    }
    assert!(wrong.is_empty(), "{} props are listed wrongly:\n{}", wrong.len(), wrong.join("\n"));
}

/// `www/pages/authoring/props.md`, made from the catalogue: each component's props by
/// status. The test fails when the page and the catalogue disagree; `QUIRE_BLESS=1` writes
/// the page anew.
fn props_page() -> String {
    let mut out = String::from(
        "---\ntitle: Props quire draws\ndescription: Every prop of every component, and whether quire draws it. Made from quire's catalogue by its tests.\nsidebar_position: 20\n---\n\n\
         # Props quire draws\n\n\
         Every component accepts every prop Evidence documents for it, so an Evidence page builds\n\
         unchanged. Not every one is drawn yet. This page is made from quire's catalogue by its\n\
         tests, which render each component without and with each prop and fail if a prop listed\n\
         as drawn changes nothing, or one listed as not drawn changes something.\n\n\
         - **drawn**: it changes what the reader sees;\n\
         - **not yet**: quire draws the component as if it were not set, and the build warns at\n  the prop's line and column (`--strict` makes it an error);\n\
         - **refused**: quire does not honour it on principle (Tailwind classes: quire ships no\n  Tailwind; `basemap`: a site loads nothing from other sites; `unsafe`: text is never\n  pasted into SQL); the build warns and says why;\n         - **ECharts only**: it configures ECharts, which quire does not use (quire draws SVG);\n  the build warns too.\n\n",
    );
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for spec in components::all() {
        let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for prop in spec.props {
            let status = if components::BUILD_PROPS.contains(prop) {
                "drawn"
            } else {
                match components::prop_status(spec.name, prop) {
                    PropStatus::Drawn => "drawn",
                    PropStatus::NotYet => "not yet",
                    PropStatus::NotApplicable => "ECharts only",
                    PropStatus::Refused => "refused",
                }
            };
            by.entry(status).or_default().push(prop);
            *totals.entry(status).or_default() += 1;
        }
        out.push_str(&format!("## {}\n\n| status | props |\n| --- | --- |\n", spec.name));
        for status in ["drawn", "not yet", "refused", "ECharts only"] {
            if let Some(props) = by.get(status) {
                let list: Vec<String> = props.iter().map(|p| format!("`{p}`")).collect();
                out.push_str(&format!("| {status} ({}) | {} |\n", props.len(), list.join(", ")));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "In all: {} drawn, {} not yet, {} refused, {} ECharts only.\n",
        totals.get("drawn").unwrap_or(&0),
        totals.get("not yet").unwrap_or(&0),
        totals.get("refused").unwrap_or(&0),
        totals.get("ECharts only").unwrap_or(&0)
    ));
    out
}

#[test]
fn the_props_page_is_the_catalogue() {
    let path = common::crate_dir().join("../../www/pages/authoring/props.md");
    let made = props_page();
    if std::env::var_os("QUIRE_BLESS").is_some() {
        std::fs::write(&path, &made).expect("write the page");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == made,
        "www/pages/authoring/props.md differs from the catalogue: run this test with QUIRE_BLESS=1"
    );
}

/// One row of `props-docs.txt`: the components it describes, its props, meaning, default.
struct DocRow {
    components: Vec<String>,
    props: Vec<String>,
    meaning: String,
    default: String,
    line: usize,
}

fn doc_rows(text: &str) -> Vec<DocRow> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.splitn(4, " | ").map(str::trim).collect();
        assert!(cells.len() == 4, "props-docs.txt:{}: want `Components | props | meaning | default`", i + 1);
        rows.push(DocRow {
            components: cells[0].split_whitespace().map(str::to_string).collect(),
            props: cells[1].split(',').map(|p| p.trim().trim_matches('`').to_string()).collect(),
            meaning: cells[2].to_string(),
            default: cells[3].to_string(),
            line: i + 1,
        });
    }
    rows
}

fn is_drawn(component: &str, prop: &str) -> bool {
    components::BUILD_PROPS.contains(&prop) || components::prop_status(component, prop) == PropStatus::Drawn
}

/// The props table of one component: each drawn prop with its meaning and default (from
/// `props-docs.txt`), then the props not drawn yet and the ECharts-only ones, by name.
fn props_table(name: &str, rows: &[DocRow], problems: &mut Vec<String>) -> String {
    let spec = components::spec(name).expect("in the catalogue");
    let mut out = String::from("| prop | meaning | default |\n| --- | --- | --- |\n");
    let mut described = Vec::new();
    for row in rows.iter().filter(|r| r.components.iter().any(|c| c == name)) {
        for p in &row.props {
            if !spec.props.contains(&p.as_str()) {
                problems.push(format!("props-docs.txt:{}: `{name}` has no prop `{p}`", row.line));
            } else if !is_drawn(name, p) {
                problems.push(format!(
                    "props-docs.txt:{}: `{name} {p}` is not drawn; the docs list only what works",
                    row.line
                ));
            }
        }
        let props: Vec<String> = row.props.iter().map(|p| format!("`{p}`")).collect();
        out.push_str(&format!("| {} | {} | {} |\n", props.join(", "), row.meaning, row.default));
        described.extend(row.props.iter().cloned());
    }
    let mut not_yet = Vec::new();
    let mut refused: Vec<(String, &str)> = Vec::new();
    let mut echarts = Vec::new();
    for prop in spec.props {
        if is_drawn(name, prop) {
            if !described.iter().any(|d| d == prop) {
                problems.push(format!("`{name} {prop}` is drawn but props-docs.txt does not describe it"));
            }
        } else if components::prop_status(name, prop) == PropStatus::NotYet {
            not_yet.push(format!("`{prop}`"));
        } else if let Some(why) = components::refusal(prop) {
            refused.push((format!("`{prop}`"), why));
        } else {
            echarts.push(format!("`{prop}`"));
        }
    }
    if !not_yet.is_empty() {
        out.push_str(&format!(
            "| {} | not drawn yet: accepted for Evidence pages, drawn as if not set; the build warns at the prop (`--strict` fails) | |\n",
            not_yet.join(", ")
        ));
    }
    for (prop, why) in refused {
        out.push_str(&format!("| {prop} | no effect: {why}; the build warns at the prop | |\n"));
    }
    if !echarts.is_empty() {
        out.push_str(&format!(
            "| {} | ECharts settings: quire draws SVG, not ECharts; the build warns at the prop | |\n",
            echarts.join(", ")
        ));
    }
    out
}

/// Every component's props table in `www/`, between `<!-- props Name -->` and
/// `<!-- /props -->`, is made from the catalogue and `props-docs.txt`; the test fails when a
/// page differs, a drawn prop is undescribed or a described prop is not drawn.
/// `QUIRE_BLESS=1` remakes the tables.
#[test]
fn the_props_tables_in_www_are_the_catalogue() {
    let root = common::crate_dir().join("../..");
    let docs = std::fs::read_to_string(root.join("crates/quire-core/src/props-docs.txt")).expect("props-docs.txt");
    let rows = doc_rows(&docs);
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let dir = root.join("www/pages/authoring");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("www/pages/authoring").flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(&path).expect("read a page");
        let mut made = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("<!-- props ") {
            let open_end = rest[at..].find("-->").map(|e| at + e + 3).expect("a closed marker");
            let name = rest[at + "<!-- props ".len()..].split([' ', ':']).next().unwrap_or("").to_string();
            let close = rest[open_end..].find("<!-- /props -->").map(|c| open_end + c).expect("a `<!-- /props -->`");
            made.push_str(&rest[..open_end]);
            made.push('\n');
            if components::spec(&name).is_none() {
                problems.push(format!("{}: no component `{name}`", path.display()));
            } else {
                made.push_str(&props_table(&name, &rows, &mut problems));
                seen.push(name);
            }
            made.push('\n');
            rest = &rest[close..];
        }
        made.push_str(rest);
        if made != text {
            if std::env::var_os("QUIRE_BLESS").is_some() {
                std::fs::write(&path, &made).expect("write the page");
            } else {
                problems.push(format!("{} differs from the catalogue: run with QUIRE_BLESS=1", path.display()));
            }
        }
    }
    for spec in components::all().filter(|s| !s.props.is_empty()) {
        if !seen.iter().any(|s| s == spec.name) {
            problems.push(format!("no `<!-- props {} -->` table in www/pages/authoring", spec.name));
        }
    }
    for row in &rows {
        for c in &row.components {
            if components::spec(c).is_none() {
                problems.push(format!("props-docs.txt:{}: no component `{c}`", row.line));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
