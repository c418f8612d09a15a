//! Line, area and scatter charts: series over a continuous (or category) x axis.

use super::axis::{self, Bounds};
use super::marks::{self, LabelAt, Placed, Shape};
use super::plot::{Cartesian, Titles, XAxis, px};
use super::{Anchor, Frame, Ink, Kind, LABEL, Missing, Spec, Stack, WIDTH, y2};
use crate::escape;
use crate::fmt;

/// A series' `(base, top)` at one x, if it has a value there.
type Segment = Option<(f64, f64)>;

/// Above this many points, lines carry no invisible hover targets (the SVG would grow too big).
const MAX_HOVER_POINTS: usize = 400;

pub(crate) fn draw(spec: &Spec<'_>, frame: &Frame, label: &str) -> String {
    let marks = &spec.marks;
    let stacks = stack(spec, frame);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for y in super::reference::y_values(&spec.references) {
        lo = lo.min(y);
        hi = hi.max(y);
    }
    if spec.points() {
        for (_, y, _) in frame.series.iter().flat_map(|s| &s.points) {
            lo = lo.min(*y);
            hi = hi.max(*y);
        }
    } else {
        for (base, top) in stacks.iter().flatten().flatten() {
            // `yScale`: the axis fits the values, not the zero they stand on.
            let base = if spec.axes.y_scale { top } else { base };
            lo = lo.min(base.min(*top));
            hi = hi.max(base.max(*top));
        }
    }
    if let Some((a, b)) = super::y2::shared_extent(spec, frame) {
        (lo, hi) = (lo.min(a), hi.max(b));
    }
    let pct = spec.stack == Stack::Stacked100;
    let positive_lo = if spec.points() {
        frame
            .series
            .iter()
            .flat_map(|s| &s.points)
            .map(|(_, y, _)| *y)
            .filter(|y| *y > 0.0)
            .fold(f64::INFINITY, f64::min)
    } else {
        stacks.iter().flatten().flatten().map(|(_, top)| *top).filter(|y| *y > 0.0).fold(f64::INFINITY, f64::min)
    };
    let y = spec.value_axis(
        lo,
        hi,
        positive_lo,
        ticks_for_height(spec.plot_height),
        Bounds {
            include_zero: !spec.points() && !spec.axes.y_scale,
            extend: true,
            min: if pct { Some(0.0) } else { spec.y_min },
            max: if pct { Some(1.0) } else { spec.y_max },
            min_step: 0.0,
        },
    );
    let y_labels = axis::labels(&y, spec.axis_format().as_ref());
    let x = x_axis(spec, frame);
    let right = y2::right(spec, frame, &y);
    let cart = Cartesian::with(
        spec.plot_height,
        (y, y_labels),
        x,
        Titles { x: spec.x_title.clone(), y: spec.y_title.clone(), x_grid: spec.x_grid, y_grid: spec.y_grid },
        y2::looks(spec, Some(frame)),
        right,
    )
    .padded(spec.marks.padding);
    let mut c = cart.canvas(&spec.palette);
    cart.draw_back(&mut c);
    let clipped = y2::begin_clip(spec, &cart, &mut c);
    let x_of = |i: usize| {
        if frame.continuous { cart.px(frame.xs[i].pos) } else { cart.px(i as f64) }
    };

    match spec.kind {
        Kind::Area => {
            for (s, stack) in frame.series.iter().zip(&stacks) {
                // `handleMissing=gap`: one area per run of values; otherwise one over all.
                let mut runs: Vec<(usize, &[Segment])> = Vec::new();
                if spec.missing == Missing::Gap {
                    let mut start = 0;
                    for run in stack.split(Option::is_none) {
                        if !run.is_empty() {
                            runs.push((start, run));
                        }
                        start += run.len() + 1;
                    }
                } else {
                    runs.push((0, stack.as_slice()));
                }
                for (start, run) in runs {
                    let upper: Vec<(i32, i32)> = run
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| v.map(|(_, t)| (px(x_of(start + i)), px(cart.py(t)))))
                        .collect();
                    let lower: Vec<(i32, i32)> = run
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| v.map(|(b, _)| (px(x_of(start + i)), px(cart.py(b)))))
                        .collect();
                    let (upper, lower) = (marks.stepped(&upper), marks.stepped(&lower));
                    let outline: Vec<(i32, i32)> = upper.iter().copied().chain(lower.into_iter().rev()).collect();
                    let series_attr = format!(" data-series=\"{}\"", escape::attr(&s.name));
                    let fill = format!("{series_attr}{}", marks.fill_style());
                    c.polygon(&outline, Ink::Series(s.ink), spec.fill_opacity, "q-area", &fill);
                    if !marks.no_line {
                        let width = spec.line_width.min(2);
                        let line = format!("{series_attr}{}", marks.line_style(width));
                        c.path(&upper, Ink::Series(s.ink), width, "q-line", &line);
                    }
                }
            }
        }
        Kind::Line => {
            for (s, stack) in frame.series.iter().zip(&stacks) {
                let series_attr = format!(" data-series=\"{}\"", escape::attr(&s.name));
                let line_attr = format!("{series_attr}{}", marks.line_style(spec.line_width));
                let ink = Ink::Series(s.ink);
                let mut flush = |segment: &mut Vec<(i32, i32)>| {
                    if let [point] = segment.as_slice() {
                        // A lone point has no line to show it.
                        c.circle(*point, spec.line_width + 1, ink, 1.0, "q-point", &series_attr);
                    }
                    c.path(&marks.stepped(segment), ink, spec.line_width, "q-line", &line_attr);
                    segment.clear();
                };
                let mut segment: Vec<(i32, i32)> = Vec::new();
                for (i, v) in stack.iter().enumerate() {
                    match v {
                        Some((_, t)) => segment.push((px(x_of(i)), px(cart.py(*t)))),
                        None if spec.missing == Missing::Gap => flush(&mut segment),
                        None => {}
                    }
                }
                flush(&mut segment);
            }
        }
        Kind::Scatter | Kind::Bubble => {
            let x_ty = spec.x_type();
            let x_fmt = spec.x_fmt.clone().or_else(|| fmt::for_column(spec.table, spec.x));
            // Bubbles: area in proportion to size, the largest 20 units across.
            let size_of = |row: usize| spec.size_col.and_then(|s| spec.table.rows[row][s].as_f64()).map(f64::abs);
            let biggest = (0..spec.table.len()).filter_map(size_of).fold(0.0, f64::max);
            let opacity = marks.opacity.unwrap_or(spec.fill_opacity);
            for s in &frame.series {
                let colour = spec.palette.get(s.ink % spec.palette.len().max(1)).map_or("currentColor", String::as_str);
                for &(xp, yv, row) in &s.points {
                    let x_label = fmt::format_cell(&spec.table.rows[row][spec.x], x_ty, x_fmt.as_ref());
                    let data = point_data(&s.name, &x_label, &spec.tooltip_y(yv)) + &point_extra(spec, row);
                    let at = (px(cart.px(xp)), px(cart.py(yv)));
                    let ink = Ink::Series(s.ink);
                    // Bubbles: area in proportion to size, `scaleTo` times as wide.
                    let across = match size_of(row) {
                        Some(v) if biggest > 0.0 => {
                            Some((3.0 + (v / biggest).sqrt() * 17.0) * marks.scale_to.unwrap_or(1.0) * 2.0)
                        }
                        _ => marks.marker_size,
                    };
                    let across = across.unwrap_or(f64::from(spec.size) * 2.0);
                    let shape = marks.point_shape.unwrap_or(Shape::Circle);
                    let mark = marks::Mark { at, across, ink, colour, opacity, class: "q-dot" };
                    mark.draw(&mut c, shape, &data, &marks.outline_css());
                }
            }
        }
        _ => {}
    }

    if !spec.points() {
        let total: usize = stacks.iter().map(|s| s.iter().flatten().count()).sum();
        // Markers as the author shaped them; hover targets stay small circles.
        let shaped = spec.markers && (marks.marker_shape.is_some() || marks.marker_size.is_some());
        if spec.markers || total <= MAX_HOVER_POINTS {
            let class = if spec.markers { "q-point" } else { "q-point q-hover" };
            let opacity = if spec.markers { marks.line_opacity.unwrap_or(1.0) } else { 1.0 };
            for (s, stack) in frame.series.iter().zip(&stacks) {
                let colour = spec.palette.get(s.ink % spec.palette.len().max(1)).map_or("currentColor", String::as_str);
                for (i, v) in stack.iter().enumerate() {
                    let (Some((_, t)), Some(raw)) =
                        (v, s.values[i].or((spec.kind == Kind::Line && spec.missing == Missing::Zero).then_some(0.0)))
                    else {
                        continue;
                    };
                    let data = point_data(&s.name, &frame.xs[i].label, &spec.tooltip_y(raw));
                    let at = (px(x_of(i)), px(cart.py(*t)));
                    if shaped {
                        let across = marks.marker_size.unwrap_or(6.0);
                        let mark = marks::Mark { at, across, ink: Ink::Series(s.ink), colour, opacity, class };
                        mark.draw(&mut c, marks.marker_shape.unwrap_or(Shape::Circle), &data, "");
                    } else {
                        c.circle(at, 3, Ink::Series(s.ink), opacity, class, &data);
                    }
                }
            }
        }
        if spec.labels {
            let (style, extra) = marks.label_style(&LABEL);
            let off = f64::from(style.size) / 2.0 + 5.0;
            let dy = match marks.label_at {
                Some(LabelAt::Middle) => 0.0,
                Some(LabelAt::Below) => off,
                _ => -off,
            };
            let mut placed = Placed::default();
            for (s, stack) in frame.series.iter().zip(&stacks) {
                for (i, v) in stack.iter().enumerate() {
                    if let (Some((_, t)), Some(raw)) = (v, s.values[i]) {
                        let at = (px(x_of(i)), px(cart.py(*t) + dy));
                        placed.text(&mut c, marks.hide_overlaps, &spec.label(raw), at, Anchor::Middle, &style, &extra);
                    }
                }
            }
        }
    }
    let slots = y2::bar_slots(spec, frame).max(1) as f64;
    let bar_width = if frame.continuous {
        let gaps = frame.xs.windows(2).map(|w| (cart.px(w[1].pos) - cart.px(w[0].pos)).abs()).filter(|g| *g > 0.0);
        (gaps.fold(cart.width / 2.0, f64::min) * 0.6).min(40.0 * slots)
    } else {
        (cart.band() * 0.6).min(40.0 * slots)
    };
    let bar = |i: usize, k: usize| {
        let start = x_of(i) - bar_width / 2.0 + bar_width / slots * k as f64;
        (start, start + (bar_width / slots - 1.0).max(1.0))
    };
    y2::draw(spec, frame, &cart, &mut c, &x_of, &bar);
    if clipped {
        c.end_clip();
    }
    super::reference::draw(&spec.references, frame, &cart, &mut c);
    cart.draw_front(&mut c);
    c.finish(label)
}

/// `(base, top)` of each series at each x: stacked for areas, from zero otherwise.
fn stack(spec: &Spec<'_>, frame: &Frame) -> Vec<Vec<Option<(f64, f64)>>> {
    let stacked = spec.kind == Kind::Area && spec.stack != Stack::None;
    if !stacked {
        return frame
            .series
            .iter()
            .map(|s| {
                s.values
                    .iter()
                    .map(|v| match (v, spec.missing) {
                        (Some(v), _) => Some((0.0, *v)),
                        (None, Missing::Zero) => Some((0.0, 0.0)),
                        (None, _) => None,
                    })
                    .collect()
            })
            .collect();
    }
    // Stacked areas count a missing value as zero unless `handleMissing` says otherwise.
    frame.stack(spec.stack == Stack::Stacked100, spec.missing == Missing::Zero)
}

pub(crate) fn ticks_for_height(h: f64) -> usize {
    ((h / 40.0) as usize).clamp(2, 8)
}

pub(crate) fn x_axis(spec: &Spec<'_>, frame: &Frame) -> XAxis {
    if !frame.continuous {
        return XAxis::Band { labels: frame.xs.iter().map(|x| x.label.clone()).collect() };
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let scatter = spec.points();
    if scatter {
        for (x, _, _) in frame.series.iter().flat_map(|s| &s.points) {
            lo = lo.min(*x);
            hi = hi.max(*x);
        }
    } else {
        for x in &frame.xs {
            lo = lo.min(x.pos);
            hi = hi.max(x.pos);
        }
    }
    let max_ticks = ((f64::from(WIDTH) - 80.0) / 72.0) as usize;
    if frame.temporal {
        lo = spec.x_min.unwrap_or(lo);
        hi = spec.x_max.unwrap_or(hi);
        if hi <= lo {
            lo -= 1.0;
            hi += 1.0;
        }
        let grain = axis::grain(frame.xs.iter().map(|x| x.pos));
        let ticks = axis::date_ticks(lo, hi, max_ticks, grain, spec.x_fmt.as_ref());
        return XAxis::Linear { lo, hi, ticks };
    }
    if let Some(m) = spec.x_min {
        lo = m;
    }
    if let Some(m) = spec.x_max {
        hi = m;
    }
    let lin = axis::linear(
        lo,
        hi,
        max_ticks.min(6),
        Bounds { extend: scatter, min: spec.x_min, max: spec.x_max, ..Bounds::default() },
    );
    let x_fmt = spec.x_fmt.clone().or_else(|| fmt::for_column(spec.table, spec.x));
    let labels = axis::labels(&lin, x_fmt.as_ref());
    let (lo, hi) = if scatter || hi <= lo { (lin.lo, lin.hi) } else { (lo, hi) };
    let ticks = lin.ticks.iter().copied().zip(labels).filter(|(t, _)| *t >= lo - 1e-9 && *t <= hi + 1e-9).collect();
    XAxis::Linear { lo, hi, ticks }
}

pub(crate) fn point_data(series: &str, x: &str, y: &str) -> String {
    format!(" data-series=\"{}\" data-x=\"{}\" data-y=\"{}\"", escape::attr(series), escape::attr(x), escape::attr(y))
}

/// A point's tooltip title (`tooltipTitle`) and a bubble's size (with `sizeFmt`).
fn point_extra(spec: &Spec<'_>, row: usize) -> String {
    let cell_text = |col: usize, f: Option<crate::fmt::Format>| {
        let cell = &spec.table.rows[row][col];
        fmt::format_cell(cell, spec.table.columns[col].ty, f.or_else(|| fmt::for_column(spec.table, col)).as_ref())
    };
    let mut out = String::new();
    if let Some(t) = spec.marks.tooltip_title {
        out.push_str(&format!(" data-title=\"{}\"", escape::attr(&cell_text(t, None))));
    }
    if let (Some(f), Some(size)) = (&spec.marks.size_fmt, spec.size_col) {
        let name = crate::text::title_case(&spec.table.columns[size].name);
        out.push_str(&format!(
            " data-size=\"{}\" data-size-name=\"{}\"",
            escape::attr(&cell_text(size, Some(f.clone()))),
            escape::attr(&name)
        ));
    }
    out
}
