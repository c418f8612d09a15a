//! `BoxPlot`: one box per row, from pre-aggregated numbers (`intervalBottom`, `midpoint`,
//! `intervalTop`, whiskers at `min` and `max`, or `midpoint` ± `confidenceInterval`), up
//! the page or across it (`swapXY`).

use quire_core::{Component, Problem, Table};

use super::axis::{self, Bounds};
use super::bar::Across;
use super::plot::{Cartesian, Titles, XAxis, px};
use super::xy::{point_data, ticks_for_height};
use super::{AXIS_TITLE, Anchor, Canvas, Frame, Ink, Spec, TICK, WIDTH, key, y2};
use crate::ctx::Ctx;
use crate::escape;
use crate::text;

/// The columns a BoxPlot reads, checked to hold numbers.
pub(crate) struct Columns {
    pub min: Option<usize>,
    pub bottom: Option<usize>,
    pub mid: Option<usize>,
    pub top: Option<usize>,
    pub max: Option<usize>,
    pub interval: Option<usize>,
    /// `color`: a column of colours, one per box.
    pub colour: Option<usize>,
    /// `series`: a column whose values colour the boxes (and name them in a legend).
    pub series: Option<usize>,
}

impl Columns {
    /// The number columns, for the chart's checks and its description.
    pub fn numbers(&self) -> Vec<usize> {
        [self.min, self.bottom, self.mid, self.top, self.max, self.interval].into_iter().flatten().collect()
    }
}

pub(crate) fn columns(ctx: &mut Ctx<'_>, c: &Component, query: &str, table: &Table) -> Columns {
    let number = |ctx: &mut Ctx<'_>, prop: &str| {
        let col = ctx.column_prop(c, query, table, prop)?;
        if table.columns[col].ty.is_numeric() {
            return Some(col);
        }
        ctx.report(
            Problem::new(format!("`{prop}` column `{}` is not numeric", table.columns[col].name), c.span_of(prop))
                .help("a box is drawn from numbers: name a number column"),
        );
        None
    };
    let min = number(ctx, "min");
    let bottom = number(ctx, "intervalBottom");
    let mid = number(ctx, "midpoint");
    let top = number(ctx, "intervalTop");
    let max = number(ctx, "max");
    let interval = number(ctx, "confidenceInterval");
    let colour = ctx.column_prop(c, query, table, "color");
    let series = ctx.column_prop(c, query, table, "series");
    if mid.is_none() && c.prop("midpoint").is_none() {
        ctx.report(
            Problem::new("`<BoxPlot>` needs a `midpoint`", c.name_span)
                .help("name the column holding each box's middle (its median): midpoint=median"),
        );
    }
    Columns { min, bottom, mid, top, max, interval, colour, series }
}

/// One box: its five numbers, lowest first, and its palette slot.
struct Box5 {
    band: usize,
    name: String,
    v: [f64; 5],
    ink: usize,
}

/// The boxes of the rows that have a midpoint: an interval ± `confidenceInterval` where
/// given, and whiskers at the box's ends without `min` and `max`, as in Evidence.
fn boxes(
    spec: &Spec<'_>,
    cols: &Columns,
    mid: usize,
    frame: &Frame,
    palette: &mut Vec<String>,
    series: &mut Vec<(String, usize)>,
    coloured: &[(String, String)],
) -> Vec<Box5> {
    let table = spec.table;
    let mut out = Vec::new();
    // `series`: a slot per value, in order of first appearance (`seriesColors` names some).
    let base = palette.len().max(1);
    let mut series_ink = |palette: &mut Vec<String>, name: String| -> usize {
        if let Some((_, ink)) = series.iter().find(|(n, _)| *n == name) {
            return *ink;
        }
        let ink = match coloured.iter().find(|(n, _)| *n == name) {
            Some((_, colour)) => {
                palette.push(colour.clone());
                palette.len() - 1
            }
            None => series.iter().filter(|(_, i)| *i < base).count() % base,
        };
        series.push((name, ink));
        ink
    };
    for row in &table.rows {
        let num = |c: Option<usize>| c.and_then(|c| row[c].as_f64());
        let Some(mid) = row[mid].as_f64() else { continue };
        if key(&row[spec.x]).is_none() {
            continue;
        }
        // The frame's bands are in display order; find this name's.
        let name = &frame_label(spec, row);
        let Some(band) = frame.xs.iter().position(|x| &x.label == name) else { continue };
        let ci = num(cols.interval);
        let bottom = ci.map(|ci| mid - ci).or(num(cols.bottom)).unwrap_or(mid);
        let top = ci.map(|ci| mid + ci).or(num(cols.top)).unwrap_or(mid);
        let min = num(cols.min).unwrap_or(bottom);
        let max = num(cols.max).unwrap_or(top);
        let ink = match cols.colour.map(|c| &row[c]) {
            Some(quire_core::Cell::Text(t)) => match escape::colour(t) {
                Some(ok) => {
                    palette.push(ok);
                    palette.len() - 1
                }
                None => 0,
            },
            _ => match cols.series {
                Some(s) => series_ink(palette, quire_core::inputs::raw(&row[s], table.columns[s].ty)),
                None => 0,
            },
        };
        out.push(Box5 { band, name: name.clone(), v: [min, bottom, mid, top, max], ink });
    }
    out
}

fn frame_label(spec: &Spec<'_>, row: &[quire_core::Cell]) -> String {
    // As the frame labels its bands.
    let f = spec.x_fmt.clone().or_else(|| super::frame::band_format(spec.table, spec.x));
    crate::fmt::format_cell(&row[spec.x], spec.table.columns[spec.x].ty, f.as_ref())
}

/// The tooltip of a box: its name, then its numbers from the top as Evidence lists them.
fn tooltip(spec: &Spec<'_>, cols: &Columns, b: &Box5) -> String {
    let mut rows = Vec::new();
    let v = |i: usize| spec.tooltip_y(b.v[i]);
    if cols.max.is_some() {
        rows.push(("Maximum", v(4)));
    }
    rows.extend([("Interval Top", v(3)), ("Midpoint", v(2)), ("Interval Bottom", v(1))]);
    if cols.min.is_some() {
        rows.push(("Minimum", v(0)));
    }
    point_data("Midpoint", &b.name, &v(2)) + &tooltip_rows(&rows)
}

/// ` data-rows="[[name, value], ...]"`: rows the runtime's tooltip shows in place of the
/// series row.
pub(crate) fn tooltip_rows(rows: &[(&str, String)]) -> String {
    let json = |s: &str| {
        let mut out = String::from("\"");
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    let list: Vec<String> = rows.iter().map(|(n, v)| format!("[{},{}]", json(n), json(v))).collect();
    format!(" data-rows=\"{}\"", escape::attr(&format!("[{}]", list.join(","))))
}

/// The box plot's SVG and its legend entry; `None` when no row has a midpoint.
/// A drawn box plot: its SVG, the legend's names with their palette slots, and the palette.
pub(crate) type Drawn = (String, Vec<(String, usize)>, Vec<String>);

/// The boxes drawn, and the legend's names (the series', with `series`) with their palette
/// (which `seriesColors`, `coloured`, adds to).
pub(crate) fn draw(spec: &Spec<'_>, label: &str, coloured: &[(String, String)]) -> Option<Drawn> {
    let cols = spec.boxes.as_ref()?;
    let mid = cols.mid?;
    let frame = Frame::build(spec)?;
    let mut palette = spec.palette.clone();
    let mut series = Vec::new();
    let boxes = boxes(spec, cols, mid, &frame, &mut palette, &mut series, coloured);
    if boxes.is_empty() {
        return None;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in boxes.iter().flat_map(|b| b.v).chain(super::reference::y_values(&spec.references)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let positive_lo = boxes.iter().flat_map(|b| b.v).filter(|v| *v > 0.0).fold(f64::INFINITY, f64::min);
    // Like ECharts' `scale: true`: the axis fits the boxes, without reaching for zero.
    let bounds = Bounds { include_zero: false, extend: true, min: spec.y_min, max: spec.y_max, min_step: 0.0 };
    let names = if cols.series.is_some() { series } else { vec![(text::title_case(&spec.table.columns[mid].name), 0)] };
    let svg = if spec.swap {
        let value = spec.value_axis(lo, hi, positive_lo, 6, bounds);
        horizontal(spec, cols, &frame, &boxes, value, &palette, label)
    } else {
        let y = spec.value_axis(lo, hi, positive_lo, ticks_for_height(spec.plot_height), bounds);
        let y_labels = axis::labels(&y, spec.axis_format().as_ref());
        // `xType=value` or `time`: each box at its name's place on a value axis.
        let x_axis = if frame.continuous {
            super::xy::x_axis(spec, &frame)
        } else {
            XAxis::Band { labels: frame.xs.iter().map(|x| x.label.clone()).collect() }
        };
        let cart = Cartesian::with(
            spec.plot_height,
            (y, y_labels),
            x_axis,
            Titles { x: spec.x_title.clone(), y: spec.y_title.clone(), x_grid: spec.x_grid, y_grid: spec.y_grid },
            y2::looks(spec, None),
            None,
        )
        .padded(spec.marks.padding);
        let mut c = cart.canvas(&palette);
        cart.draw_back(&mut c);
        let room = if frame.continuous {
            let gaps = frame.xs.windows(2).map(|w| (cart.px(w[1].pos) - cart.px(w[0].pos)).abs()).filter(|g| *g > 0.0);
            gaps.fold(cart.width / 2.0, f64::min)
        } else {
            cart.band()
        };
        let half = (room * 0.5).clamp(7.0, 25.0) / 2.0;
        for b in &boxes {
            let centre = if frame.continuous { cart.px(frame.xs[b.band].pos) } else { cart.px(b.band as f64) };
            let at = |along: f64, v: f64| (px(centre + along), px(cart.py(v)));
            draw_box(&mut c, b, half, &at, tooltip(spec, cols, b));
        }
        super::reference::draw(&spec.references, &frame, &cart, &mut c);
        cart.draw_front(&mut c);
        c.finish(label)
    };
    Some((svg, names, palette))
}

/// A box, its whiskers and its midpoint; `at(offset across the box, value)` places them.
fn draw_box(c: &mut Canvas, b: &Box5, half: f64, at: &dyn Fn(f64, f64) -> (i32, i32), data: String) {
    let ink = Ink::Series(b.ink);
    let [min, bottom, mid, top, max] = b.v;
    // The whiskers first, under the box.
    c.line(at(0.0, max), at(0.0, top), ink, 1, "q-whisker");
    c.line(at(0.0, bottom), at(0.0, min), ink, 1, "q-whisker");
    c.line(at(-half, max), at(half, max), ink, 1, "q-whisker");
    c.line(at(-half, min), at(half, min), ink, 1, "q-whisker");
    let (a, z) = (at(-half, top), at(half, bottom));
    let (tl, br) = ((a.0.min(z.0), a.1.min(z.1)), (a.0.max(z.0), a.1.max(z.1).max(a.1.min(z.1) + 1)));
    c.rect(tl, br, ink, 0.15, "q-box", &data);
    c.path(&[tl, (br.0, tl.1), br, (tl.0, br.1), tl], ink, 1, "q-box-edge", "");
    c.line(at(-half, mid), at(half, mid), ink, 2, "q-box-mid");
}

/// Boxes across the page: names down the left, values along the bottom.
fn horizontal(
    spec: &Spec<'_>,
    cols: &Columns,
    frame: &Frame,
    boxes: &[Box5],
    value: axis::Linear,
    palette: &[String],
    label: &str,
) -> String {
    let n = frame.xs.len().max(1);
    let Across { cats, labels, left, top, width, height, plot_h, band } = Across::new(spec, frame, &value, 28.0);
    let vx = |v: f64| value.map(v, left, left + width);
    let cy = |i: usize| top + band * (i as f64 + 0.5);
    let mut c = Canvas::new(WIDTH, height, palette);
    for (t, l) in value.ticks.iter().zip(&labels) {
        let x = px(vx(*t));
        if spec.y_grid {
            c.line((x, px(top)), (x, px(top + plot_h)), Ink::Grid, 1, "");
        }
        if spec.axes.y.labels {
            c.text(l, (x, px(top + plot_h + 8.0)), Anchor::Middle, true, &TICK);
        }
        if spec.axes.y.ticks == Some(true) {
            c.line((x, px(top + plot_h)), (x, px(top + plot_h + 4.0)), Ink::Axis, 1, "");
        }
    }
    if spec.x_grid {
        for i in 1..n {
            let y = px(top + band * i as f64);
            c.line((px(left), y), (px(left + width), y), Ink::Grid, 1, "");
        }
    }
    // Across the page the axes swap: x props apply to the names down the left.
    for (i, cat) in cats.iter().enumerate().filter(|_| spec.axes.x.labels) {
        c.text(cat, (px(left - 8.0), px(cy(i))), Anchor::End, false, &TICK);
    }
    if spec.axes.x.ticks == Some(true) {
        for i in 0..=n {
            let y = px(top + band * i as f64);
            c.line((px(left - 4.0), y), (px(left), y), Ink::Axis, 1, "");
        }
    }
    let half = (band * 0.5).clamp(7.0, 25.0) / 2.0;
    for b in boxes {
        let centre = cy(b.band);
        let at = |along: f64, v: f64| (px(vx(v)), px(centre + along));
        draw_box(&mut c, b, half, &at, tooltip(spec, cols, b));
    }
    if spec.axes.x.baseline {
        c.line((px(left), px(top + plot_h)), (px(left + width), px(top + plot_h)), Ink::Axis, 1, "");
    }
    if spec.axes.y.baseline {
        c.line((px(left), px(top)), (px(left), px(top + plot_h)), Ink::Axis, 1, "");
    }
    if let Some(t) = &spec.x_title {
        c.text(t, (0, 10), Anchor::Start, false, &AXIS_TITLE);
    }
    if let Some(t) = &spec.y_title {
        c.text(t, (px(left + width / 2.0), height as i32 - 10), Anchor::Middle, false, &AXIS_TITLE);
    }
    c.finish(label)
}
