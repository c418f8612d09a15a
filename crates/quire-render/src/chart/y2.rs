//! What line, area and bar charts share about their axes: the looks the axis props ask
//! for, the secondary axis on the right (`y2`) and its series, and the clip that keeps
//! data beyond `xMin`/`yMax`/... inside the plot.

use super::axes::{AxisColour, SeriesType, XType};
use super::axis::{self, Bounds, Linear};
use super::plot::{Cartesian, Looks, Right, px};
use super::xy::point_data;
use super::{Anchor, Canvas, Frame, Ink, LABEL, Missing, Spec};
use crate::fmt::{self, Format};

/// The axis props as the plot draws them; `frame` gives the series their colours.
pub(crate) fn looks(spec: &Spec<'_>, frame: Option<&Frame>) -> Looks {
    let a = &spec.axes;
    let first = frame.and_then(|f| f.series.first()).map_or(0, |s| s.ink);
    Looks {
        x: a.x,
        y: a.y,
        y_colour: a.y_colour.map(|c| colour(c, first)),
        all_x_labels: a.all_x_labels,
        x_wrap: a.x_wrap,
    }
}

fn colour(c: AxisColour, first: usize) -> Ink {
    match c {
        AxisColour::FirstSeries => Ink::Series(first),
        AxisColour::Slot(i) => Ink::Series(i),
    }
}

/// The format of y2 values: `y2Fmt`, else the first y2 column's.
fn format(spec: &Spec<'_>) -> Option<Format> {
    let y2 = spec.y2()?;
    y2.fmt.clone().or_else(|| y2.cols.first().and_then(|&c| fmt::for_column(spec.table, c)))
}

fn tooltip(spec: &Spec<'_>, v: f64) -> String {
    match format(spec) {
        Some(f) => fmt::format_number(v, &f),
        None => fmt::auto_number(v),
    }
}

fn label(spec: &Spec<'_>, v: f64) -> String {
    // `y2LabelFmt`, else `labelFmt` (every label's), else the axis' format.
    let given = spec.y2().and_then(|y2| y2.label_fmt.clone()).or_else(|| spec.label_fmt.clone());
    match given.or_else(|| format(spec)) {
        Some(f) => fmt::format_number(v, &f),
        None if v.abs() >= 10_000.0 => fmt::compact(v, ""),
        None => fmt::auto_number(v),
    }
}

/// The right-hand axis for the y2 series: its ticks at the heights of the left axis' ticks
/// (so both share grid lines) unless `y2Min`/`y2Max` or a logarithmic left axis forbid.
pub(crate) fn right(spec: &Spec<'_>, frame: &Frame, left: &Linear) -> Option<Right> {
    let y2 = spec.y2().filter(|y2| !y2.shared)?;
    let values = frame.series2.iter().flat_map(|s| s.values.iter().flatten().copied());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let include_zero = !y2.scale;
    let on_ticks = left.ticks.first() == Some(&left.lo) && left.ticks.last() == Some(&left.hi);
    let aligned = (y2.min.is_none() && y2.max.is_none() && !left.log && on_ticks)
        .then(|| axis::aligned(lo, hi, left.ticks.len().saturating_sub(1), include_zero))
        .flatten();
    let axis = aligned.unwrap_or_else(|| {
        let b = Bounds { include_zero, extend: true, min: y2.min, max: y2.max, min_step: 0.0 };
        axis::linear(lo, hi, left.ticks.len().saturating_sub(1).max(2), b)
    });
    let labels = axis::labels(&axis, format(spec).as_ref());
    let first = frame.series2.first().map_or(0, |s| s.ink);
    Some(Right {
        axis,
        labels,
        title: y2.title.clone(),
        grid: y2.grid,
        show_labels: y2.labels,
        ticks: y2.ticks,
        baseline: y2.baseline,
        colour: y2.colour.map(|c| colour(c, first)),
    })
}

/// The values the left axis must also show when the y2 series share it (a `<Chart>` of
/// two kinds): theirs, and zero under bars.
pub(crate) fn shared_extent(spec: &Spec<'_>, frame: &Frame) -> Option<(f64, f64)> {
    let y2 = spec.y2().filter(|y2| y2.shared)?;
    let zero = (y2.kind == SeriesType::Bar).then_some(0.0);
    let values = frame.series2.iter().flat_map(|s| s.values.iter().flatten().copied()).chain(zero);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo <= hi).then_some((lo, hi))
}

/// How many y2 series are bars, each taking a slot beside the y bars.
pub(crate) fn bar_slots(spec: &Spec<'_>, frame: &Frame) -> usize {
    match spec.y2() {
        Some(y2) if y2.kind == SeriesType::Bar => frame.series2.len(),
        _ => 0,
    }
}

/// Draw the y2 series. `x_of` places an x index; `bar` gives the span of y2 bar `k` at an x.
pub(crate) fn draw(
    spec: &Spec<'_>,
    frame: &Frame,
    cart: &Cartesian,
    c: &mut Canvas,
    x_of: &dyn Fn(usize) -> f64,
    bar: &dyn Fn(usize, usize) -> (f64, f64),
) {
    let Some(y2) = spec.y2() else { return };
    // Value labels in the size and colour `labelSize` and `labelColor` give every label.
    let (style, extra) = spec.marks.label_style(&LABEL);
    for (k, s) in frame.series2.iter().enumerate() {
        let series_attr = format!(" data-series=\"{}\"", crate::escape::attr(&s.name));
        let ink = Ink::Series(s.ink);
        if y2.kind == SeriesType::Line {
            // Lines as the y lines are drawn: steps, dashes, opacity.
            let line_attr = format!("{series_attr}{}", spec.marks.line_style(spec.line_width));
            let mut segment: Vec<(i32, i32)> = Vec::new();
            for (i, v) in s.values.iter().enumerate() {
                match v.or((spec.missing == Missing::Zero).then_some(0.0)) {
                    Some(v) => segment.push((px(x_of(i)), px(cart.py2(v)))),
                    None if spec.missing == Missing::Gap => {
                        c.path(&spec.marks.stepped(&segment), ink, spec.line_width, "q-line", &line_attr);
                        segment.clear();
                    }
                    None => {}
                }
            }
            c.path(&spec.marks.stepped(&segment), ink, spec.line_width, "q-line", &line_attr);
        }
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let data = point_data(&s.name, &frame.xs[i].label, &tooltip(spec, v));
            let y = cart.py2(v);
            let (mid, top) = match y2.kind {
                SeriesType::Bar => {
                    let (x0, x1) = bar(i, k);
                    let base = cart.py2(cart.baseline2());
                    let (mut y0, y1) = (y.min(base), y.max(base));
                    if y1 - y0 < 1.0 && v != 0.0 {
                        y0 = y1 - 1.0;
                    }
                    // Bars as the y bars are drawn: their opacity and outline.
                    let data = data.clone() + &super::marks::style_attr(&spec.marks.outline_css());
                    let opacity = if spec.kind == super::Kind::Bar { spec.marks.opacity.unwrap_or(1.0) } else { 1.0 };
                    c.rect((px(x0), px(y0)), (px(x1), px(y1)), ink, opacity, "q-bar", &data);
                    ((x0 + x1) / 2.0, if v >= 0.0 { y0 } else { y1 + 16.0 })
                }
                SeriesType::Scatter => {
                    c.circle((px(x_of(i)), px(y)), 4, ink, spec.fill_opacity, "q-dot", &data);
                    (x_of(i), y)
                }
                SeriesType::Line => {
                    let class = if spec.markers { "q-point" } else { "q-point q-hover" };
                    c.circle((px(x_of(i)), px(y)), 3, ink, 1.0, class, &data);
                    (x_of(i), y)
                }
            };
            if spec.labels {
                let at = (px(mid), px(top - 8.0));
                c.text_with(&label(spec, v), at, Anchor::Middle, false, &style, &extra);
            }
        }
    }
}

/// Whether marks may fall outside the plot: an axis range the author set.
pub(crate) fn clips(spec: &Spec<'_>) -> bool {
    let y2 = spec.y2().is_some_and(|y2| y2.min.is_some() || y2.max.is_some());
    let range = spec.x_min.is_some() || spec.x_max.is_some() || spec.y_min.is_some() || spec.y_max.is_some();
    // Bars centred on the first and last x of a value axis stick out of the plot by half.
    let y2_bars = spec.y2().is_some_and(|y2| y2.kind == SeriesType::Bar) && spec.kind != super::Kind::Bar;
    let bars_by_value = spec.kind == super::Kind::Bar && spec.axes.x_type == XType::Value;
    range || spec.axes.y_scale || y2 || y2_bars || bars_by_value
}

/// The plot's rectangle, for [`Canvas::begin_clip`].
pub(crate) fn begin_clip(spec: &Spec<'_>, cart: &Cartesian, c: &mut Canvas) -> bool {
    if !clips(spec) {
        return false;
    }
    c.begin_clip((px(cart.left), px(cart.top)), (px(cart.left + cart.width), px(cart.bottom())));
    true
}
