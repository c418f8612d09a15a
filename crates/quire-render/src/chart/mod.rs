//! Charts: props resolved against the query result (with Evidence's defaults), the data
//! arranged into series, and the `<figure>` around the SVG.

mod axes;
mod axis;
mod bar;
mod boxplot;
mod calendar;
mod canvas;
mod frame;
mod funnel;
mod heatmap;
mod marks;
mod mixed;
mod plot;
mod reference;
mod sankey;
mod xy;
mod y2;

pub(crate) use canvas::{AXIS_TITLE, Anchor, Canvas, Ink, LABEL, TICK};

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Component, Problem, Table};

use crate::ctx::Ctx;
use crate::escape;
use crate::fmt::{self, Format};
use crate::text::{component_attrs, title_case};

pub(crate) use frame::{Frame, position as x_position};
pub(crate) use heatmap::{filter_value, range_filter};

/// The drawing's width in SVG units; it scales to the page, so this only sets proportions.
pub(crate) const WIDTH: u32 = 720;

/// A calm palette that reads on light and dark backgrounds.
pub(crate) const PALETTE: [&str; 10] =
    ["#236aa4", "#45a1bf", "#a5cdee", "#8dacbf", "#85c7c6", "#d2c6ac", "#f4b548", "#8f3d56", "#71b9f4", "#46a485"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Line,
    Area,
    Bar,
    Scatter,
    Bubble,
    Histogram,
    Box,
}

impl Kind {
    fn of(name: &str) -> Option<Kind> {
        Some(match name {
            "LineChart" => Kind::Line,
            "AreaChart" => Kind::Area,
            "BarChart" => Kind::Bar,
            "ScatterPlot" => Kind::Scatter,
            "BubbleChart" => Kind::Bubble,
            "Histogram" => Kind::Histogram,
            "BoxPlot" => Kind::Box,
            _ => return None,
        })
    }
    fn noun(self) -> &'static str {
        match self {
            Kind::Line => "Line chart",
            Kind::Area => "Area chart",
            Kind::Bar => "Bar chart",
            Kind::Scatter => "Scatter plot",
            Kind::Bubble => "Bubble chart",
            Kind::Histogram => "Histogram",
            Kind::Box => "Box plot",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stack {
    None,
    Stacked,
    Stacked100,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    Gap,
    Connect,
    Zero,
}

/// A chart's props, checked and with defaults applied.
pub(crate) struct Spec<'a> {
    pub kind: Kind,
    pub table: &'a Table,
    pub x: usize,
    pub ys: Vec<usize>,
    pub series: Option<usize>,
    pub x_title: Option<String>,
    pub y_title: Option<String>,
    pub x_fmt: Option<Format>,
    pub y_fmt: Option<Format>,
    pub label_fmt: Option<Format>,
    pub y_min: Option<f64>,
    pub y_max: Option<f64>,
    /// `yLog`: the value axis is logarithmic, in this base (`yLogBase`, 10 by default).
    pub y_log: Option<f64>,
    pub x_min: Option<f64>,
    pub x_max: Option<f64>,
    pub plot_height: f64,
    pub palette: Vec<String>,
    pub labels: bool,
    pub markers: bool,
    pub sort: bool,
    pub stack: Stack,
    /// `<Bar stackName=...>` in a `<Chart>`: each `y` column's stack, when there are several
    /// (the stacks stand side by side in each band).
    pub stack_groups: Option<Vec<usize>>,
    pub swap: bool,
    pub missing: Missing,
    pub line_width: u32,
    pub fill_opacity: f64,
    pub size: u32,
    pub bins: Option<usize>,
    pub x_grid: bool,
    pub y_grid: bool,
    /// A BubbleChart's `size` column.
    pub size_col: Option<usize>,
    /// `ReferenceLine`s and `ReferenceArea`s inside the chart.
    pub references: Vec<reference::Reference>,
    /// A BoxPlot's columns: each row's box.
    pub boxes: Option<boxplot::Columns>,
    /// How lines, points, bars and value labels look.
    pub marks: marks::Marks,
    /// What each axis shows, the x axis' type, and the secondary axis.
    pub axes: axes::Axes,
}

impl Spec<'_> {
    /// The value axis: logarithmic with `yLog` (from the smallest value above zero,
    /// `positive_lo`, or `yMin`), else linear.
    pub fn value_axis(&self, lo: f64, hi: f64, positive_lo: f64, target: usize, b: axis::Bounds) -> axis::Linear {
        if let Some(base) = self.y_log {
            let from = self.y_min.filter(|m| *m > 0.0).unwrap_or(positive_lo);
            let to = self.y_max.filter(|m| *m > from).unwrap_or(hi);
            if let Some(a) = axis::logarithmic(from, to, base) {
                return a;
            }
        }
        axis::linear(lo, hi, target, b)
    }

    /// The stack of frame series `si` (`stack_groups`, by its column), and how many stacks.
    pub fn stack_of(&self, si: usize) -> Option<(usize, usize)> {
        let groups = self.stack_groups.as_ref().filter(|_| self.stack == Stack::Stacked)?;
        let n = groups.iter().max().map_or(1, |m| m + 1);
        (n > 1).then(|| (groups.get(si % self.ys.len().max(1)).copied().unwrap_or(0), n))
    }

    /// Points, not lines or bars: ScatterPlot and BubbleChart.
    pub fn points(&self) -> bool {
        matches!(self.kind, Kind::Scatter | Kind::Bubble)
    }

    /// The `y2` columns' axis, if there are any.
    pub fn y2(&self) -> Option<&axes::Secondary> {
        self.axes.y2.as_ref()
    }

    pub fn x_type(&self) -> ColumnType {
        self.table.columns[self.x].ty
    }
    /// The format of the value axis: percentages for 100% stacks.
    pub fn axis_format(&self) -> Option<Format> {
        if self.stack == Stack::Stacked100 {
            return Some(Format::Percent);
        }
        self.value_format()
    }
    /// The format of a y value itself, in tooltips and labels.
    pub fn value_format(&self) -> Option<Format> {
        self.y_fmt.clone().or_else(|| self.ys.first().and_then(|&y| fmt::for_column(self.table, y)))
    }
    /// A data label: short enough to sit on a bar.
    pub fn label(&self, v: f64) -> String {
        match self.axes.y_label_fmt.as_ref().or(self.label_fmt.as_ref()).or(self.y_fmt.as_ref()) {
            Some(f) => fmt::format_number(v, f),
            None => match self.value_format() {
                Some(Format::Currency(sym)) => fmt::compact(v, sym),
                Some(f @ (Format::Percent | Format::Number(_))) => fmt::format_number(v, &f),
                _ if v.abs() >= 10_000.0 => fmt::compact(v, ""),
                _ => fmt::auto_number(v),
            },
        }
    }
    /// A y value in a tooltip attribute.
    pub fn tooltip_y(&self, v: f64) -> String {
        match self.value_format() {
            Some(f) => fmt::format_number(v, &f),
            None => fmt::auto_number(v),
        }
    }
}

pub(crate) fn chart(ctx: &mut Ctx<'_>, c: &Component) -> String {
    draw(ctx, c, &[], &[])
}

/// A chart; `renamed` gives series new names (`<Line y=x name="...">` in a `<Chart>`), and
/// makes the `y2` series share the left axis.
/// Draw chart `c`; a `<Chart>`'s series may be `renamed` (column title → name) and
/// `coloured` (series name → colour) by the series components it was written with.
fn draw(ctx: &mut Ctx<'_>, c: &Component, renamed: &[(String, String)], coloured: &[(String, String)]) -> String {
    match c.name.as_str() {
        "Chart" => return mixed::chart(ctx, c),
        "Heatmap" => return heatmap::heatmap(ctx, c),
        "FunnelChart" => return funnel::funnel(ctx, c),
        "SankeyDiagram" => return sankey::sankey(ctx, c),
        "CalendarHeatmap" => return calendar::calendar(ctx, c),
        _ => {}
    }
    let Some(kind) = Kind::of(&c.name) else {
        return String::new();
    };
    // A prop this chart does not take is warned about and ignored, as Evidence ignores it
    // (`y2` on an AreaChart): the drawing must not read it either.
    let taken;
    let c = match quire_core::components::spec(&c.name) {
        // (`@...`: what a `<Chart>` passes on from its series, never written by an author.)
        Some(s) if c.props.iter().any(|p| !s.props.contains(&p.name.as_str()) && !p.name.starts_with('@')) => {
            let props = c
                .props
                .iter()
                .filter(|p| s.props.contains(&p.name.as_str()) || p.name.starts_with('@'))
                .cloned()
                .collect();
            taken = Component { props, ..c.clone() };
            &taken
        }
        _ => c,
    };
    let Some((query, table)) = ctx.data(c) else {
        return String::new();
    };
    let before = ctx.problems.len();
    let mut spec = resolve(ctx, c, kind, query, table);
    // A `<Chart>`'s second kind shares the left axis, which then belongs to no one series:
    // no colour of one, and no title unless asked for.
    if c.prop("@mixed").is_some()
        && let Some(spec) = spec.as_mut()
        && let Some(y2) = spec.axes.y2.as_mut()
    {
        y2.shared = true;
        spec.axes.y_colour = None;
        if c.prop("yAxisTitle").is_none() {
            spec.y_title = None;
        }
    }
    let series_order = c.list("seriesOrder").unwrap_or_default();
    let mut series_colours = coloured.to_vec();
    series_colours.extend(series_colours_prop(ctx, c));
    if ctx.problems.len() > before {
        return String::new();
    }
    let title = c.text("title");
    let no_download = spec.as_ref().is_some_and(|s| s.marks.no_download);
    let mut html = format!("<figure {}{}", component_attrs(&c.name, Some(query), "q-chart"), image_attr(c));
    html.push_str(if no_download { " data-downloadable=\"false\">\n" } else { ">\n" });
    html.push_str(&caption(c));
    let drawn = spec.and_then(|spec| {
        let label = aria_label(&spec, title.as_deref());
        let (svg, names) = match kind {
            // One series, named after its column: in a legend only when asked for.
            Kind::Histogram => (bar::histogram(&spec, &label)?, vec![(title_case(&table.columns[spec.x].name), 0)]),
            Kind::Box => {
                let (svg, names, palette) = boxplot::draw(&spec, &label, &series_colours)?;
                return Some((svg, names, palette));
            }
            _ => {
                let mut frame = Frame::build(&spec)?;
                let mut spec = spec;
                for s in frame.series.iter_mut().chain(&mut frame.series2) {
                    if let Some((_, to)) = renamed.iter().find(|(from, _)| *from == s.name) {
                        s.name = to.clone();
                    }
                }
                order_series(&mut frame, &series_order);
                colour_series(&mut frame, &mut spec.palette, &series_colours);
                let svg = match kind {
                    Kind::Bar => bar::bars(&spec, &frame, &label),
                    _ => xy::draw(&spec, &frame, &label),
                };
                let names = frame.series.iter().chain(&frame.series2).map(|s| (s.name.clone(), s.ink)).collect();
                return Some((svg, names, spec.palette));
            }
        };
        Some((svg, names, spec.palette.clone()))
    });
    match drawn {
        Some((svg, names, palette)) => {
            let show_legend = c.flag("legend").unwrap_or(
                names.len() > 1 && kind != Kind::Histogram && (kind != Kind::Box || c.prop("series").is_some()),
            );
            if show_legend && !names.is_empty() {
                html.push_str(&legend(&names, &palette));
            }
            html.push_str("<div class=\"q-chart-body\">");
            html.push_str(&svg);
            html.push_str("</div>\n");
        }
        None => html.push_str(&empty_state(c)),
    }
    html.push_str(&empty_points(ctx, c));
    html.push_str("</figure>");
    html
}

/// A `ReferencePoint` or `Callout` whose query returned no rows: its `emptyMessage` in a box
/// under the chart, where Evidence shows it.
fn empty_points(ctx: &Ctx<'_>, c: &Component) -> String {
    let mut out = String::new();
    for n in &c.children {
        let quire_core::Node::Component(a) = n else { continue };
        if !matches!(a.name.as_str(), "ReferencePoint" | "Callout") {
            continue;
        }
        if a.data().and_then(|q| ctx.results().get(q)).is_some_and(quire_core::Table::is_empty) {
            let message = a.text("emptyMessage").unwrap_or_else(|| "No records".to_string());
            out.push_str(&format!("<div class=\"q-empty\">{}</div>\n", escape::text(&message)));
        }
    }
    out
}

/// `downloadableImage=false`: no button to save the chart as a picture (the runtime adds
/// one to every chart and map).
pub(crate) fn image_attr(c: &Component) -> &'static str {
    if c.flag("downloadableImage") == Some(false) { " data-image=\"false\"" } else { "" }
}

/// A chart's `title` and `subtitle`, if it has them.
pub(crate) fn caption(c: &Component) -> String {
    let html = crate::text::titles(c, "figcaption", "q-chart-head", "span");
    if html.is_empty() { html } else { html + "\n" }
}

pub(crate) fn empty_state(c: &Component) -> String {
    let message = c.text("emptyMessage").unwrap_or_else(|| "No data".to_string());
    format!("<div class=\"q-empty\">{}</div>\n", escape::text(&message))
}

/// `seriesOrder={['Retail', 'Online']}`: those series first, in that order, then the rest
/// as they came; colours follow the order, as in Evidence.
fn order_series(frame: &mut Frame, order: &[String]) {
    if order.is_empty() {
        return;
    }
    let rank = |name: &str| order.iter().position(|o| o == name).unwrap_or(order.len());
    frame.series.sort_by_key(|s| rank(&s.name));
    frame.series2.sort_by_key(|s| rank(&s.name));
    for (i, s) in frame.series.iter_mut().chain(&mut frame.series2).enumerate() {
        s.ink = i;
    }
}

/// `seriesColors={{'Online': '#cc0000'}}`: those series in those colours; the others keep
/// the palette's, each as before.
fn colour_series(frame: &mut Frame, palette: &mut Vec<String>, colours: &[(String, String)]) {
    if colours.is_empty() || palette.is_empty() {
        return;
    }
    // Every series its own slot first, so that adding colours moves no other series.
    let slots = frame.series.iter().chain(&frame.series2).map(|s| s.ink + 1).max().unwrap_or(0).max(palette.len());
    let cycle: Vec<String> = (0..slots).map(|i| palette[i % palette.len()].clone()).collect();
    *palette = cycle;
    for s in frame.series.iter_mut().chain(&mut frame.series2) {
        if let Some((_, colour)) = colours.iter().find(|(name, _)| *name == s.name) {
            palette.push(colour.clone());
            s.ink = palette.len() - 1;
        }
    }
}

/// The `seriesColors` prop: an object from series names to colours, as Evidence writes it
/// (`{{'Online': '#cc0000', "Retail": 'teal'}}`).
fn series_colours_prop(ctx: &mut Ctx<'_>, c: &Component) -> Vec<(String, String)> {
    let Some(p) = c.prop("seriesColors") else { return Vec::new() };
    let text = match &p.value {
        quire_core::PropValue::Expr(t) | quire_core::PropValue::Str(t) => t.trim().to_string(),
        _ => String::new(),
    };
    let unquote = |s: &str| {
        let s = s.trim();
        s.strip_prefix(['\'', '"']).and_then(|s| s.strip_suffix(['\'', '"'])).unwrap_or(s).to_string()
    };
    let mut out = Vec::new();
    let inner = text.strip_prefix('{').and_then(|t| t.strip_suffix('}'));
    let pairs = inner.map(|i| i.split(',').filter(|p| !p.trim().is_empty()).collect::<Vec<_>>());
    let parsed = pairs.and_then(|pairs| {
        pairs
            .into_iter()
            .map(|pair| {
                let (name, colour) = pair.split_once(':')?;
                Some((unquote(name), escape::colour(&unquote(colour))?))
            })
            .collect::<Option<Vec<_>>>()
    });
    match parsed {
        Some(pairs) => out.extend(pairs),
        None => ctx.report(
            Problem::new("`seriesColors` must map series names to colours", c.span_of("seriesColors"))
                .help("write seriesColors={{'Online': '#236aa4', 'Retail': 'teal'}}"),
        ),
    }
    out
}

fn legend(names: &[(String, usize)], palette: &[String]) -> String {
    let mut out = String::from("<div class=\"q-legend\">");
    for (name, ink) in names {
        let colour = palette.get(ink % palette.len().max(1)).map_or("currentColor", String::as_str);
        out.push_str(&format!(
            "<span class=\"q-legend-item\"><span class=\"q-swatch\" style=\"background:{}\"></span>{}</span>",
            escape::attr(colour),
            escape::text(name)
        ));
    }
    out.push_str("</div>\n");
    out
}

fn aria_label(spec: &Spec<'_>, title: Option<&str>) -> String {
    let cols = &spec.table.columns;
    let x = title_case(&cols[spec.x].name);
    let what = if spec.kind == Kind::Histogram {
        format!("{} of {x}", spec.kind.noun())
    } else {
        let ys: Vec<String> = spec.ys.iter().map(|&y| title_case(&cols[y].name)).collect();
        let mut s = format!("{} of {} by {x}", spec.kind.noun(), ys.join(", "));
        if let Some(series) = spec.series {
            s.push_str(&format!(", split by {}", title_case(&cols[series].name)));
        }
        s
    };
    match title {
        Some(t) => format!("{t}: {what}"),
        None => what,
    }
}

fn resolve<'a>(ctx: &mut Ctx<'_>, c: &Component, kind: Kind, query: &str, table: &'a Table) -> Option<Spec<'a>> {
    let name = c.name.as_str();
    if table.columns.is_empty() {
        return None;
    }
    let x_prop = if kind == Kind::Box { "name" } else { "x" };
    let x = if c.prop(x_prop).is_some() { ctx.column_prop(c, query, table, x_prop) } else { Some(0) };
    let series = if kind == Kind::Box { None } else { ctx.column_prop(c, query, table, "series") };
    let boxes = if kind == Kind::Box { Some(boxplot::columns(ctx, c, query, table)) } else { None };
    let given_y = match (&boxes, kind) {
        (Some(b), _) => Some(b.numbers()),
        (None, Kind::Histogram) => None,
        (None, _) => ctx.columns_prop(c, query, table, "y"),
    };
    let x_fmt = ctx.format_prop(c, "xFmt");
    let y_fmt = ctx.format_prop(c, "yFmt");
    let label_fmt = ctx.format_prop(c, "labelFmt");
    let x = x?;
    let x_col = &table.columns[x];

    let ys = match given_y {
        Some(ys) => {
            for &y in ys.iter().filter(|_| kind != Kind::Box) {
                let col = &table.columns[y];
                if !col.ty.is_numeric() {
                    ctx.report(
                        Problem::new(format!("y column `{}` is not numeric", col.name), c.span_of("y"))
                            .label(format!("`{}` holds {}", col.name, type_name(col.ty)))
                            .help(format!(
                                "y takes number columns; to split the chart by `{0}`, write `series={0}`",
                                col.name
                            )),
                    );
                }
            }
            ys
        }
        None if kind == Kind::Histogram => Vec::new(),
        None => {
            let y2 = c.list("y2").unwrap_or_default();
            let ys: Vec<usize> = (0..table.columns.len())
                .filter(|&i| i != x && Some(i) != series && table.columns[i].ty.is_numeric())
                .filter(|&i| !y2.contains(&table.columns[i].name))
                .collect();
            if ys.is_empty() {
                ctx.report(
                    Problem::new(
                        format!("`<{name}>` has nothing to plot: query `{query}` has no number column besides `x`"),
                        c.name_span,
                    )
                    .help("name the values with `y=column`"),
                );
            }
            ys
        }
    };
    match kind {
        Kind::Histogram if !x_col.ty.is_numeric() => ctx.report(
            Problem::new(
                format!("a Histogram needs a number column for x; `{}` holds {}", x_col.name, type_name(x_col.ty)),
                c.span_of("x"),
            )
            .help("choose a number column, or count categories with a BarChart"),
        ),
        _ => {}
    }

    let multi = series.is_some() || ys.len() > 1;
    let stack = match (kind, c.text("type").as_deref()) {
        (Kind::Bar, None | Some("stacked")) if multi => Stack::Stacked,
        (Kind::Bar, None | Some("stacked" | "grouped")) => Stack::None,
        (Kind::Area, None | Some("stacked")) => Stack::Stacked,
        (Kind::Bar | Kind::Area, Some("stacked100")) => Stack::Stacked100,
        (Kind::Bar | Kind::Area, Some(other)) => {
            let (article, types) = if kind == Kind::Bar {
                ("a BarChart", "stacked, grouped or stacked100")
            } else {
                ("an AreaChart", "stacked or stacked100")
            };
            ctx.report(
                Problem::new(format!("`{other}` is not {article} type"), c.span_of("type"))
                    .help(format!("use {types}")),
            );
            Stack::None
        }
        _ => Stack::None,
    };

    let axis_title = |prop: &str, default: Option<String>| match c.text(prop).as_deref() {
        Some("false") => None,
        Some("true") | None => default,
        Some(t) => Some(t.to_string()),
    };
    // Dates explain themselves; other x axes are named after their column.
    let x_title = match kind {
        // A BoxPlot's titles are off unless asked for (`true`: the column's name).
        Kind::Box if c.text("xAxisTitle").as_deref() == Some("true") => Some(title_case(&x_col.name)),
        Kind::Box if c.prop("xAxisTitle").is_none() => None,
        _ => axis_title("xAxisTitle", (!x_col.ty.is_temporal()).then(|| title_case(&x_col.name))),
    };
    let y_title = axis_title(
        "yAxisTitle",
        match kind {
            Kind::Histogram => None,
            Kind::Box if c.text("yAxisTitle").as_deref() == Some("true") => {
                boxes.as_ref().and_then(|b| b.mid).map(|m| title_case(&table.columns[m].name))
            }
            Kind::Box => None,
            _ if ys.len() == 1 && stack != Stack::Stacked100 => Some(title_case(&table.columns[ys[0]].name)),
            _ => None,
        },
    );

    let mut palette: Vec<String> = Vec::new();
    if let Some(list) = c.list("colorPalette") {
        for colour in list {
            match escape::colour(&colour) {
                Some(ok) => palette.push(ok),
                None => ctx.report(
                    Problem::new(format!("`{colour}` is not a colour quire can use"), c.span_of("colorPalette"))
                        .help("write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
                ),
            }
        }
    }
    if palette.is_empty() {
        palette = PALETTE.iter().map(|s| (*s).to_string()).collect();
    }
    palette.truncate(256);

    let missing = match c.text("handleMissing").as_deref() {
        Some("connect") => Missing::Connect,
        Some("zero") => Missing::Zero,
        Some("gap") => Missing::Gap,
        // Stacked areas close over a missing value, as zero.
        None if kind == Kind::Area => Missing::Zero,
        None => Missing::Gap,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a way to handle missing values"), c.span_of("handleMissing"))
                    .help("use gap, connect or zero"),
            );
            Missing::Gap
        }
    };
    // A logarithmic axis has no place for zero or less: say so rather than draw it wrong.
    let y_log = (c.flag("yLog") == Some(true) && kind != Kind::Histogram)
        .then(|| c.number("yLogBase").filter(|b| b.is_finite() && *b > 1.0).unwrap_or(10.0));
    if y_log.is_some() {
        for &y in &ys {
            if table.values(y).filter_map(Cell::as_f64).any(|v| v <= 0.0) {
                ctx.report(
                    Problem::new(
                        format!(
                            "`yLog` draws only values above zero, and `{}` has zero or less",
                            table.columns[y].name
                        ),
                        c.span_of("yLog"),
                    )
                    .help("filter those rows out in the query, or leave out yLog"),
                );
            }
        }
        if stack == Stack::Stacked100 {
            ctx.report(
                Problem::new("`yLog` cannot draw a 100% stack", c.span_of("yLog")).help("leave out one of them"),
            );
        }
    }
    let size_col = if kind == Kind::Bubble { ctx.column_prop(c, query, table, "size") } else { None };
    let marks = marks::resolve(ctx, c, kind, query, table);
    if let Some(colour) = &marks.colour {
        palette = vec![colour.clone()];
    }
    // Series take the palette's colours in turn; a colour added after them (a reference's,
    // an axis') must never become a series': the series' colours fill 64 slots first.
    palette = (0..64).map(|i| palette[i % palette.len()].clone()).collect();
    let references = reference::resolve(ctx, c, &mut palette);
    let axes = axes::resolve(ctx, c, kind, (query, table, x), &mut palette);
    let number = |prop: &str| c.number(prop).filter(|n| n.is_finite());
    Some(Spec {
        marks,
        boxes,
        size_col,
        references,
        kind,
        table,
        x,
        ys,
        series,
        x_title,
        y_title,
        x_fmt,
        y_fmt,
        label_fmt,
        y_min: number("yMin"),
        y_max: number("yMax"),
        y_log,
        x_min: axes.x_min,
        x_max: axes.x_max,
        plot_height: number("chartAreaHeight").unwrap_or(180.0).clamp(60.0, 1200.0),
        palette,
        labels: c.flag("labels").unwrap_or(false),
        markers: c.flag("markers").unwrap_or(false),
        sort: c.flag("sort").unwrap_or(true),
        stack,
        stack_groups: c.list("@stacks").map(|l| l.iter().map(|g| g.parse().unwrap_or(0)).collect()),
        swap: c.flag("swapXY").unwrap_or(false),
        missing,
        line_width: number("lineWidth").map_or(2, |w| w.clamp(1.0, 8.0) as u32),
        fill_opacity: number("fillOpacity").map_or(0.7, |o| o.clamp(0.05, 1.0)),
        size: if kind == Kind::Bubble { 4 } else { number("size").map_or(4, |s| s.clamp(1.0, 20.0) as u32) },
        bins: number("bins").map(|b| b.clamp(1.0, 200.0) as usize),
        x_grid: c.flag("xGridlines").unwrap_or(false),
        y_grid: c.flag("yGridlines").unwrap_or(true),
        axes,
    })
}

fn type_name(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Bool => "true/false values",
        ColumnType::Int | ColumnType::Float => "numbers",
        ColumnType::Text => "text",
        ColumnType::Date => "dates",
        ColumnType::Timestamp => "timestamps",
        ColumnType::List => "lists",
    }
}

/// A cell's identity for grouping rows by x or series; `None` for nulls.
pub(crate) fn key(cell: &Cell) -> Option<String> {
    Some(match cell {
        Cell::Null => return None,
        Cell::Bool(b) => format!("b{b}"),
        Cell::Int(i) => format!("i{i}"),
        Cell::Float(f) => format!("f{}", f.to_bits()),
        Cell::Text(s) => format!("t{s}"),
        Cell::Rows(t) => format!("l{}", t.list_text()),
    })
}

/// Distinct values of a column in order of first appearance, with their row groups.
pub(crate) fn distinct(table: &Table, col: usize) -> (Vec<usize>, BTreeMap<String, usize>) {
    let mut firsts = Vec::new();
    let mut index = BTreeMap::new();
    for (r, row) in table.rows.iter().enumerate() {
        if let Some(k) = key(&row[col]) {
            index.entry(k).or_insert_with(|| {
                firsts.push(r);
                firsts.len() - 1
            });
        }
    }
    (firsts, index)
}
