//! The props about a chart's axes beyond their range: what each axis shows (tick labels,
//! tick marks, baseline, colour), the x axis' type and bounds, and the secondary `y2` axis
//! with its own columns, series type and format.

use quire_core::{ColumnType, Component, Problem, Table};

use super::Kind;
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt::Format;
use crate::text::title_case;

/// How one axis is drawn. `Default` is quire's drawing without any of these props.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Look {
    /// `xAxisLabels`/`yAxisLabels`: the tick labels.
    pub labels: bool,
    /// `xTickMarks`/`yTickMarks`; `None`: quire's default (marks on a value x axis only).
    pub ticks: Option<bool>,
    /// `xBaseline` (the line at zero) or `yBaseline` (a line beside the tick labels).
    pub baseline: bool,
}

/// What `yAxisColor` asks for, resolved to a palette slot once the series have theirs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum AxisColour {
    /// The colour of the axis' first series.
    FirstSeries,
    /// A palette slot holding the author's colour.
    Slot(usize),
}

/// How `y2` columns are drawn (`y2SeriesType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeriesType {
    Line,
    Bar,
    Scatter,
}

/// The secondary axis: `y2` columns drawn against a scale on the right.
pub(crate) struct Secondary {
    pub cols: Vec<usize>,
    pub kind: SeriesType,
    pub fmt: Option<Format>,
    pub label_fmt: Option<Format>,
    pub title: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// `y2Scale`: fit the data rather than include zero.
    pub scale: bool,
    pub grid: bool,
    pub labels: bool,
    pub ticks: bool,
    pub baseline: bool,
    pub colour: Option<AxisColour>,
    /// Drawn against the left axis, with no axis of its own: a `<Chart>`'s second kind of
    /// series (`<Bar>`s with `<Line>`s).
    pub shared: bool,
}

/// The x axis as the author typed it (`xType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XType {
    /// Whatever the column's type gives.
    Auto,
    /// Bands in the data's order, even for numbers and dates.
    Category,
    /// `value` or `time`: placed by value, even bars (whose default is bands).
    Value,
}

/// The axis props of a chart, checked.
pub(crate) struct Axes {
    pub x: Look,
    pub y: Look,
    /// `yAxisColor` before the series have palette slots.
    pub y_colour: Option<AxisColour>,
    pub y2: Option<Secondary>,
    pub x_type: XType,
    /// `yScale`: the value axis fits the data rather than including zero.
    pub y_scale: bool,
    /// `showAllXAxisLabels`: every band labelled, none skipped.
    pub all_x_labels: bool,
    /// `xLabelWrap`: long band labels wrap onto as many lines as they need.
    pub x_wrap: bool,
    /// `yLabelFmt`: the y series' value labels, over `labelFmt`.
    pub y_label_fmt: Option<Format>,
    /// `xMin`/`xMax` in axis units (days for dates).
    pub x_min: Option<f64>,
    pub x_max: Option<f64>,
}

impl Default for Look {
    fn default() -> Look {
        Look { labels: true, ticks: None, baseline: true }
    }
}

/// A true/false prop; anything else is a problem at the prop.
pub(crate) fn switch(ctx: &mut Ctx<'_>, c: &Component, prop: &str) -> Option<bool> {
    c.prop(prop)?;
    let v = c.flag(prop);
    if v.is_none() {
        ctx.report(
            Problem::new(format!("`{prop}` is true or false"), c.span_of(prop))
                .help(format!("write {prop}=true or {prop}=false")),
        );
    }
    v
}

/// A number prop; anything else is a problem at the prop.
fn number(ctx: &mut Ctx<'_>, c: &Component, prop: &str) -> Option<f64> {
    c.prop(prop)?;
    let v = c.number(prop).filter(|n| n.is_finite());
    if v.is_none() {
        ctx.report(
            Problem::new(format!("`{prop}` must be a number"), c.span_of(prop)).help(format!("write {prop}=100")),
        );
    }
    v
}

/// `yAxisColor=true|false|colour`: `None` for false; custom colours join `palette`.
fn axis_colour(ctx: &mut Ctx<'_>, c: &Component, prop: &str, palette: &mut Vec<String>) -> Option<Option<AxisColour>> {
    let text = c.text(prop)?;
    Some(match text.as_str() {
        "true" => Some(AxisColour::FirstSeries),
        "false" => None,
        colour => match escape::colour(colour) {
            Some(ok) => {
                palette.push(ok);
                Some(AxisColour::Slot(palette.len() - 1))
            }
            None => {
                ctx.report(
                    Problem::new(format!("`{colour}` is not a colour quire can use"), c.span_of(prop))
                        .help(format!("write {prop}=true (the series' colour), false, or a colour such as #236aa4")),
                );
                None
            }
        },
    })
}

/// An `xMin`/`xMax` on the x column's scale: a number, or a date for a date axis.
fn x_bound(ctx: &mut Ctx<'_>, c: &Component, prop: &str, ty: ColumnType) -> Option<f64> {
    let text = c.text(prop)?;
    let v = if ty.is_temporal() {
        quire_core::time::parse_iso_date(&text).map(|d| d as f64)
    } else {
        text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
    };
    if v.is_none() {
        let help = if ty.is_temporal() {
            format!("the x axis holds dates: write {prop}='2024-01-01'")
        } else {
            format!("write {prop}=100")
        };
        let what = if ty.is_temporal() { "a date" } else { "a number" };
        ctx.report(Problem::new(format!("`{text}` is not {what}"), c.span_of(prop)).help(help));
    }
    v
}

pub(crate) fn resolve(
    ctx: &mut Ctx<'_>,
    c: &Component,
    kind: Kind,
    (query, table, x): (&str, &Table, usize),
    palette: &mut Vec<String>,
) -> Axes {
    let on = |ctx: &mut Ctx<'_>, prop: &str, default: bool| switch(ctx, c, prop).unwrap_or(default);
    let x_ty = table.columns[x].ty;
    let x_type = match c.text("xType").as_deref() {
        None => XType::Auto,
        Some("value" | "time") => XType::Value,
        Some("category") => XType::Category,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not an x axis type"), c.span_of("xType"))
                    .help("use category (bands in the data's order), value or time"),
            );
            XType::Auto
        }
    };
    if let Some(t @ ("value" | "time")) = c.text("xType").as_deref() {
        let fits = if t == "value" { x_ty.is_numeric() } else { x_ty.is_temporal() };
        if !fits {
            ctx.report(
                Problem::new(
                    format!("a {t} x axis needs {}", if t == "value" { "numbers" } else { "dates" }),
                    c.span_of("xType"),
                )
                .help(format!(
                    "`{}` holds something else: leave out xType, or write xType=category",
                    table.columns[x].name
                )),
            );
        }
    }
    let y2 = secondary(ctx, c, kind, query, table, palette);
    let y_colour = axis_colour(ctx, c, "yAxisColor", palette).unwrap_or(y2.as_ref().map(|_| AxisColour::FirstSeries));
    Axes {
        x: Look {
            labels: on(ctx, "xAxisLabels", true),
            ticks: switch(ctx, c, "xTickMarks"),
            baseline: on(ctx, "xBaseline", true),
        },
        y: Look {
            labels: on(ctx, "yAxisLabels", true),
            ticks: switch(ctx, c, "yTickMarks"),
            baseline: on(ctx, "yBaseline", false),
        },
        y_colour,
        y2,
        x_type,
        y_scale: on(ctx, "yScale", false),
        all_x_labels: on(ctx, "showAllXAxisLabels", false),
        x_wrap: on(ctx, "xLabelWrap", false),
        y_label_fmt: ctx.format_prop(c, "yLabelFmt"),
        x_min: x_bound(ctx, c, "xMin", x_ty),
        x_max: x_bound(ctx, c, "xMax", x_ty),
    }
}

fn secondary(
    ctx: &mut Ctx<'_>,
    c: &Component,
    kind: Kind,
    query: &str,
    table: &Table,
    palette: &mut Vec<String>,
) -> Option<Secondary> {
    let cols = ctx.columns_prop(c, query, table, "y2")?;
    for &y in &cols {
        let col = &table.columns[y];
        if !col.ty.is_numeric() {
            ctx.report(
                Problem::new(format!("y2 column `{}` is not numeric", col.name), c.span_of("y2"))
                    .help("y2 takes number columns, drawn against the axis on the right"),
            );
        }
    }
    if c.flag("swapXY") == Some(true) {
        ctx.report(
            Problem::new("horizontal bars have no secondary axis", c.span_of("y2"))
                .help("leave out swapXY=true, or y2"),
        );
    }
    let kind = match c.text("y2SeriesType").as_deref() {
        None if kind == Kind::Bar => SeriesType::Bar,
        None | Some("line") => SeriesType::Line,
        Some("bar") => SeriesType::Bar,
        Some("scatter") => SeriesType::Scatter,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a y2 series type"), c.span_of("y2SeriesType"))
                    .help("use line, bar or scatter"),
            );
            SeriesType::Line
        }
    };
    let title = match c.text("y2AxisTitle").as_deref() {
        Some("false") | None => None,
        Some("true") => Some(cols.iter().map(|&y| title_case(&table.columns[y].name)).collect::<Vec<_>>().join(", ")),
        Some(t) => Some(t.to_string()),
    };
    let on = |ctx: &mut Ctx<'_>, prop: &str, default: bool| switch(ctx, c, prop).unwrap_or(default);
    Some(Secondary {
        kind,
        fmt: ctx.format_prop(c, "y2Fmt"),
        label_fmt: ctx.format_prop(c, "y2LabelFmt"),
        title,
        min: number(ctx, c, "y2Min"),
        max: number(ctx, c, "y2Max"),
        scale: on(ctx, "y2Scale", false),
        grid: on(ctx, "y2Gridlines", true),
        labels: on(ctx, "y2AxisLabels", true),
        ticks: on(ctx, "y2TickMarks", false),
        baseline: on(ctx, "y2Baseline", false),
        colour: axis_colour(ctx, c, "y2AxisColor", palette).unwrap_or(Some(AxisColour::FirstSeries)),
        cols,
        shared: false,
    })
}
