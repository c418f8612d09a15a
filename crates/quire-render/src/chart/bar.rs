//! Bar charts (stacked, grouped, 100%, horizontal) and histograms.

use quire_core::Cell;

use super::axis::{self, Bounds};
use super::canvas::TextStyle;
use super::frame::Series;
use super::marks::{LabelAt, Placed, is_light, style_attr};
use super::plot::{Cartesian, TICK_SIZE, Titles, XAxis, px};
use super::xy::{point_data, ticks_for_height};
use super::{AXIS_TITLE, Anchor, Canvas, Frame, Ink, LABEL, Spec, Stack, TICK, WIDTH, y2};
use crate::escape;
use crate::fmt;
use crate::text;

type Segments = Vec<Vec<Option<(f64, f64)>>>;

pub(crate) fn bars(spec: &Spec<'_>, frame: &Frame, label: &str) -> String {
    let segs = segments(spec, frame);
    let (mut lo, mut hi) = extent(&segs, spec.axes.y_scale);
    if let Some((a, b)) = y2::shared_extent(spec, frame) {
        (lo, hi) = (lo.min(a), hi.max(b));
    }
    let pct = spec.stack == Stack::Stacked100;
    if !spec.swap {
        for y in super::reference::y_values(&spec.references) {
            lo = lo.min(y);
            hi = hi.max(y);
        }
    }
    if spec.swap {
        return horizontal(spec, frame, &segs, (lo, hi), label);
    }
    let y = spec.value_axis(lo, hi, positive_lo(&segs), ticks_for_height(spec.plot_height), value_bounds(spec, pct));
    let y_labels = axis::labels(&y, spec.axis_format().as_ref());
    let right = y2::right(spec, frame, &y);
    let x_axis = if frame.continuous {
        super::xy::x_axis(spec, frame)
    } else {
        XAxis::Band { labels: frame.xs.iter().map(|x| x.label.clone()).collect() }
    };
    let cart = Cartesian::with(
        spec.plot_height,
        (y, y_labels),
        x_axis,
        Titles { x: spec.x_title.clone(), y: spec.y_title.clone(), x_grid: spec.x_grid, y_grid: spec.y_grid },
        y2::looks(spec, Some(frame)),
        right,
    )
    .padded(spec.marks.padding);
    let mut c = cart.canvas(&spec.palette);
    cart.draw_back(&mut c);
    let clipped = y2::begin_clip(spec, &cart, &mut c);
    // On a value axis (`xType=value` or `time`) a bar's room is the closest two x's gap.
    let x_of = |i: usize| if frame.continuous { cart.px(frame.xs[i].pos) } else { cart.px(i as f64) };
    let band = if frame.continuous {
        let gaps = frame.xs.windows(2).map(|w| (cart.px(w[1].pos) - cart.px(w[0].pos)).abs()).filter(|g| *g > 0.0);
        gaps.fold(cart.width / 2.0, f64::min).max(2.0)
    } else {
        cart.band()
    };
    let layout = Thickness::new(spec, frame, band, 96.0);
    let look = BarLook::new(spec);
    let mut placed = Placed::default();
    for (si, (s, seg)) in frame.series.iter().zip(&segs).enumerate() {
        for (i, v) in seg.iter().enumerate() {
            let (Some((base, top)), Some(raw)) = (v, s.values[i]) else {
                continue;
            };
            let (x0, x1) = layout.span(x_of(i), si, spec.stack_of(si).map(|(g, _)| g));
            let (mut y0, y1) = (cart.py(base.max(*top)), cart.py(base.min(*top)));
            if y1 - y0 < 1.0 && raw != 0.0 {
                y0 = y1 - 1.0;
            }
            let outside = || {
                let y = if raw >= 0.0 { y0 - 8.0 } else { y1 + 8.0 };
                ((px((x0 + x1) / 2.0), px(y)), Anchor::Middle)
            };
            let bar = Bar { series: s, x: &frame.xs[i].label, at: (x0, y0, x1, y1), raw, size: top - base };
            bar.draw(spec, &look, &mut c, &mut placed, outside);
        }
    }
    if look.totals {
        for (i, (top, total)) in stack_tops(frame, &segs).into_iter().enumerate() {
            let at = (px(x_of(i)), px(cart.py(top) - 8.0));
            placed.text(&mut c, look.hide, &spec.label(total), at, Anchor::Middle, &look.style, &look.extra);
        }
    }
    y2::draw(spec, frame, &cart, &mut c, &x_of, &|i, k| layout.extra(x_of(i), k));
    if clipped {
        c.end_clip();
    }
    super::reference::draw(&spec.references, frame, &cart, &mut c);
    cart.draw_front(&mut c);
    c.finish(label)
}

/// How a BarChart's bars and value labels look (`fillOpacity`, `outline*`, `label*`,
/// `seriesLabels`, `stackTotalLabel`, `showAllLabels`).
struct BarLook {
    opacity: f64,
    /// `style` for the outline, or nothing.
    outline: String,
    /// Where each bar's own label goes; `None` for none. Stacks show only their totals
    /// unless `seriesLabels=true`.
    series_labels: Option<LabelAt>,
    totals: bool,
    style: TextStyle,
    extra: String,
    hide: bool,
}

impl BarLook {
    fn new(spec: &Spec<'_>) -> BarLook {
        let m = &spec.marks;
        let alone = spec.stack == Stack::None;
        let shown = spec.labels && m.series_labels.unwrap_or(alone);
        let default_at = if alone { LabelAt::Outside } else { LabelAt::Inside };
        let (style, extra) = m.label_style(&LABEL);
        BarLook {
            opacity: m.opacity.unwrap_or(1.0),
            outline: style_attr(&m.outline_css()),
            series_labels: shown.then(|| m.label_at.unwrap_or(default_at)),
            // A total over each band: not with stacks side by side (each would need its own).
            totals: spec.labels && spec.stack == Stack::Stacked && m.stack_total && spec.stack_of(0).is_none(),
            style,
            extra,
            hide: m.hide_overlaps,
        }
    }

    /// A label inside a bar: light or dark against the bar's colour, unless `labelColor`.
    fn inside(&self, spec: &Spec<'_>, ink: usize) -> (TextStyle, String) {
        let colour = spec.palette.get(ink % spec.palette.len().max(1)).map_or("", String::as_str);
        let class = if is_light(colour) { "q-on-light" } else { "q-on-dark" };
        (TextStyle { class, ..self.style }, self.extra.clone())
    }

    /// A bar's label: its value, or in a 100% stack its share (`share`).
    fn text(&self, spec: &Spec<'_>, raw: f64, share: f64) -> String {
        if spec.stack != Stack::Stacked100 {
            return spec.label(raw);
        }
        fmt::format_number(share, spec.label_fmt.as_ref().unwrap_or(&fmt::Format::Percent))
    }
}

/// How thick bars are in a band: grouped bars share it, stacked ones fill it; y2 bars
/// take slots of their own after the y bars.
struct Thickness {
    group: f64,
    per_series: Option<f64>,
    /// Slots the y bars take (1 when stacked), and the y2 bars after them.
    slots: (usize, usize),
}

impl Thickness {
    /// `cap`: the thickest a lone bar may be.
    fn new(spec: &Spec<'_>, frame: &Frame, band: f64, cap: f64) -> Thickness {
        let n = frame.series.len();
        let extra = y2::bar_slots(spec, frame);
        // Stacks of their own (`stackName`) stand side by side, as grouped bars do.
        let stacks = spec.stack_of(0).map_or(1, |(_, k)| k);
        let grouped = (spec.stack == Stack::None && n > 1) || stacks > 1;
        let own = if spec.stack == Stack::None && n > 1 { n } else { stacks };
        let slots = own + extra;
        let split = grouped || extra > 0;
        let cap = if split { cap * 0.45 * slots as f64 } else { cap };
        let group = (band * 0.72).min(cap).min(band - 1.0).max(1.0);
        Thickness { group, per_series: split.then(|| group / slots as f64), slots: (own, extra) }
    }
    /// The bar of series `si` (in slot `slot`, its stack's, when stacks stand side by side)
    /// in the band centred at `centre`.
    fn span(&self, centre: f64, si: usize, slot: Option<usize>) -> (f64, f64) {
        let start = centre - self.group / 2.0;
        match self.per_series {
            Some(w) => {
                let slot = slot.unwrap_or(if self.slots.0 == 1 { 0 } else { si });
                let gap = if w > 6.0 { 1.0 } else { 0.0 };
                (start + w * slot as f64 + gap, start + w * (slot + 1) as f64 - gap)
            }
            None => (start, start + self.group),
        }
    }
    /// The bar of y2 series `k`.
    fn extra(&self, centre: f64, k: usize) -> (f64, f64) {
        let w = self.per_series.unwrap_or(self.group);
        let start = centre - self.group / 2.0 + w * (self.slots.0 + k) as f64;
        let gap = if w > 6.0 { 1.0 } else { 0.0 };
        (start + gap, start + w - gap)
    }
}

/// The smallest bar top above zero, where a logarithmic axis starts.
fn positive_lo(segs: &Segments) -> f64 {
    segs.iter().flatten().flatten().map(|(_, top)| *top).filter(|t| *t > 0.0).fold(f64::INFINITY, f64::min)
}

fn value_bounds(spec: &Spec<'_>, pct: bool) -> Bounds {
    Bounds {
        include_zero: !spec.axes.y_scale,
        extend: true,
        min: if pct { Some(0.0) } else { spec.y_min },
        max: if pct { Some(1.0) } else { spec.y_max },
        min_step: 0.0,
    }
}

/// `(base, top)` of each bar: stacked (positives up, negatives down) or from zero.
fn segments(spec: &Spec<'_>, frame: &Frame) -> Segments {
    if spec.stack == Stack::None {
        return frame.series.iter().map(|s| s.values.iter().map(|v| v.map(|v| (0.0, v))).collect()).collect();
    }
    frame.stack_in(spec.stack == Stack::Stacked100, false, &|si| spec.stack_of(si).map_or(0, |(g, _)| g))
}

/// The values' range, from zero unless `fit` (`yScale`: the tops alone).
fn extent(segs: &Segments, fit: bool) -> (f64, f64) {
    let start = if fit { (f64::INFINITY, f64::NEG_INFINITY) } else { (0.0, 0.0) };
    let ends = segs.iter().flatten().flatten().map(|&(b, t)| if fit { (t, t) } else { (b, t) });
    ends.fold(start, |(lo, hi), (b, t)| (lo.min(b.min(t)), hi.max(b.max(t))))
}

/// The top of each stack and the stack's total, for total labels.
fn stack_tops(frame: &Frame, segs: &Segments) -> Vec<(f64, f64)> {
    (0..frame.xs.len())
        .map(|i| {
            let top = segs.iter().filter_map(|s| s[i]).fold(0.0f64, |m, (b, t)| m.max(b.max(t)));
            let total = frame.series.iter().filter_map(|s| s.values[i]).sum();
            (top, total)
        })
        .collect()
}

/// Where a chart laid across the page puts things: categories down the left (each band at
/// least `row` high), values along the bottom. Horizontal bars and box plots share it.
pub(super) struct Across {
    /// The category labels, cut to fit.
    pub(super) cats: Vec<String>,
    /// The value axis' tick labels.
    pub(super) labels: Vec<String>,
    pub(super) left: f64,
    pub(super) top: f64,
    /// The plot's width and the whole chart's height.
    pub(super) width: f64,
    pub(super) height: u32,
    pub(super) plot_h: f64,
    /// Each category's band down the plot.
    pub(super) band: f64,
}

impl Across {
    pub(super) fn new(spec: &Spec<'_>, frame: &Frame, value: &axis::Linear, row: f64) -> Across {
        let tick = f64::from(TICK_SIZE);
        let n = frame.xs.len().max(1);
        let plot_h = spec.plot_height.max(n as f64 * row).min(2400.0);
        let cats: Vec<String> = frame.xs.iter().map(|x| text::fit(&x.label, tick, f64::from(WIDTH) * 0.3)).collect();
        let (pad_left, pad_right) = (spec.marks.padding.0.round(), spec.marks.padding.1.round());
        let shown = |l: &String| if spec.axes.x.labels { text::width(l, tick) } else { 0.0 };
        let left = (cats.iter().map(shown).fold(0.0, f64::max) + 14.0).ceil() + pad_left;
        let top = if spec.x_title.is_some() { 30.0 } else { 10.0 };
        let bottom = 30.0 + if spec.y_title.is_some() { 20.0 } else { 0.0 };
        let labels = axis::labels(value, spec.axis_format().as_ref());
        let right = labels.last().map_or(16.0, |l| (text::width(l, tick) / 2.0 + 4.0).max(16.0)).ceil() + pad_right;
        Across {
            cats,
            labels,
            left,
            top,
            width: f64::from(WIDTH) - left - right,
            height: (top + plot_h + bottom).ceil() as u32,
            plot_h,
            band: plot_h / n as f64,
        }
    }
}

/// Horizontal bars: categories down the left, values along the bottom.
fn horizontal(spec: &Spec<'_>, frame: &Frame, segs: &Segments, (lo, hi): (f64, f64), label: &str) -> String {
    let pct = spec.stack == Stack::Stacked100;
    let value = spec.value_axis(lo, hi, positive_lo(segs), 6, value_bounds(spec, pct));
    let Across { cats, labels, left, top, width, height, plot_h, band, .. } = Across::new(spec, frame, &value, 22.0);
    let vx = |v: f64| value.map(v, left, left + width);
    let cy = |i: usize| top + band * (i as f64 + 0.5);

    let mut c = Canvas::new(WIDTH, height, &spec.palette);
    let zero = 0.0f64.clamp(value.lo, value.hi);
    for (t, l) in value.ticks.iter().zip(&labels) {
        let x = px(vx(*t));
        if spec.y_grid && *t != zero {
            c.line((x, px(top)), (x, px(top + plot_h)), Ink::Grid, 1, "");
        }
        if spec.axes.y.labels {
            c.text(l, (x, px(top + plot_h + 8.0)), Anchor::Middle, true, &TICK);
        }
    }
    // Horizontal bars swap the axes: x props apply to the categories down the left.
    for (i, cat) in cats.iter().enumerate().filter(|_| spec.axes.x.labels) {
        c.text(cat, (px(left - 8.0), px(cy(i))), Anchor::End, false, &TICK);
    }
    let layout = Thickness::new(spec, frame, band, 36.0);
    let look = BarLook::new(spec);
    let mut placed = Placed::default();
    for (si, (s, seg)) in frame.series.iter().zip(segs).enumerate() {
        for (i, v) in seg.iter().enumerate() {
            let (Some((base, end)), Some(raw)) = (v, s.values[i]) else {
                continue;
            };
            let (y0, y1) = layout.span(cy(i), si, spec.stack_of(si).map(|(g, _)| g));
            // Within the axis: `yScale` or `yMin` may leave zero off it.
            let inside = |v: f64| v.clamp(value.lo.min(value.hi), value.hi.max(value.lo));
            let (x0, mut x1) = (vx(inside(base.min(*end))), vx(inside(base.max(*end))));
            if x1 - x0 < 1.0 && raw != 0.0 {
                x1 = x0 + 1.0;
            }
            let outside = || {
                let (at, anchor) = if raw >= 0.0 { (x1 + 6.0, Anchor::Start) } else { (x0 - 6.0, Anchor::End) };
                ((px(at), px((y0 + y1) / 2.0)), anchor)
            };
            let bar = Bar { series: s, x: &frame.xs[i].label, at: (x0, y0, x1, y1), raw, size: end - base };
            bar.draw(spec, &look, &mut c, &mut placed, outside);
        }
    }
    if look.totals {
        for (i, (end, total)) in stack_tops(frame, segs).into_iter().enumerate() {
            let at = (px(vx(end) + 6.0), px(cy(i)));
            placed.text(&mut c, look.hide, &spec.label(total), at, Anchor::Start, &look.style, &look.extra);
        }
    }
    let zx = px(vx(zero));
    if spec.axes.x.baseline {
        c.line((zx, px(top)), (zx, px(top + plot_h)), Ink::Axis, 1, "");
    }
    if let Some(t) = &spec.x_title {
        c.text(t, (0, 10), Anchor::Start, false, &AXIS_TITLE);
    }
    if let Some(t) = &spec.y_title {
        c.text(t, (px(left + width / 2.0), height as i32 - 10), Anchor::Middle, false, &AXIS_TITLE);
    }
    c.finish(label)
}

/// Sturges' rule: ⌈log₂ n⌉ + 1 bins, in integers.
fn sturges(n: usize) -> usize {
    let mut k = 1;
    while k < 64 && (1usize << (k - 1)) < n {
        k += 1;
    }
    k
}

pub(crate) fn histogram(spec: &Spec<'_>, label: &str) -> Option<String> {
    // Each value, and how many rows hold it: one, or (for a result the build ran binned) its
    // count in the weight column.
    let weight = spec.table.columns.iter().position(|c| c.name == quire_core::Table::WEIGHT);
    let values: Vec<(f64, usize)> = spec
        .table
        .rows
        .iter()
        .filter_map(|row| {
            let c = &row[spec.x];
            let v = if matches!(c, Cell::Int(_) | Cell::Float(_)) { c.as_f64()? } else { return None };
            let w = weight.map_or(Some(1), |i| row[i].as_f64().map(|w| w as usize))?;
            Some((v, w))
        })
        .collect();
    if values.is_empty() {
        return None;
    }
    let rows: usize = values.iter().map(|(_, w)| w).sum();
    let (min, max) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (v, _)| (a.min(*v), b.max(*v)));
    let bins = spec.bins.unwrap_or_else(|| sturges(rows));
    let step = if max > min { axis::nice_step_near((max - min) / bins as f64) } else { 1.0 };
    let lo = (min / step).floor() * step;
    let count = ((((max - lo) / step).floor() as usize) + 1).clamp(1, 400);
    let mut counts = vec![0usize; count];
    for (v, w) in &values {
        let i = (((v - lo) / step).floor() as usize).min(count - 1);
        counts[i] += w;
    }
    let hi = lo + step * count as f64;
    let highest = counts.iter().copied().max().unwrap_or(0) as f64;
    let y = axis::linear(
        0.0,
        highest,
        ticks_for_height(spec.plot_height),
        Bounds { include_zero: true, extend: true, min_step: 1.0, min: spec.y_min, max: spec.y_max },
    );
    let y_labels = axis::labels(&y, None);
    let x_fmt = spec.x_fmt.clone().or_else(|| fmt::for_column(spec.table, spec.x));
    let x_lin = axis::linear(lo, hi, 8, Bounds::default());
    let x_labels = axis::labels(&x_lin, x_fmt.as_ref());
    let ticks = x_lin.ticks.iter().copied().zip(x_labels).filter(|(t, _)| *t >= lo - 1e-9 && *t <= hi + 1e-9).collect();
    let cart = Cartesian::with(
        spec.plot_height,
        (y, y_labels),
        XAxis::Linear { lo, hi, ticks },
        Titles { x: spec.x_title.clone(), y: spec.y_title.clone(), x_grid: spec.x_grid, y_grid: spec.y_grid },
        y2::looks(spec, None),
        None,
    )
    .padded(spec.marks.padding);
    let mut c = cart.canvas(&spec.palette);
    cart.draw_back(&mut c);
    let clipped = y2::begin_clip(spec, &cart, &mut c);
    let bucket_fmt = |v: f64| match &x_fmt {
        Some(f) => fmt::format_number(v, f),
        None => fmt::plain(v, fmt::decimals_for_step(step), true),
    };
    let name = text::title_case(&spec.table.columns[spec.x].name);
    for (i, n) in counts.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let a = lo + step * i as f64;
        let b = a + step;
        let x0 = cart.px(a) + 0.5;
        let x1 = (cart.px(b) - 0.5).max(x0 + 1.0);
        let data = format!(
            " data-series=\"{}\" data-x=\"{}\" data-y=\"{n}\"",
            escape::attr(&name),
            escape::attr(&format!("{} – {}", bucket_fmt(a), bucket_fmt(b)))
        );
        let opacity = spec.marks.opacity.unwrap_or(1.0);
        c.rect((px(x0), px(cart.py(*n as f64))), (px(x1), px(cart.py(0.0))), Ink::Series(0), opacity, "q-bar", &data);
        if spec.labels {
            c.text(&n.to_string(), (px((x0 + x1) / 2.0), px(cart.py(*n as f64) - 8.0)), Anchor::Middle, false, &LABEL);
        }
    }
    if clipped {
        c.end_clip();
    }
    cart.draw_front(&mut c);
    Some(c.finish(label))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sturges_bins() {
        assert_eq!(super::sturges(1), 1);
        assert_eq!(super::sturges(2), 2);
        assert_eq!(super::sturges(100), 8);
        assert_eq!(super::sturges(1000), 11);
    }
}

/// One bar: its series, its x label, its corners, its value and the length it stands for.
struct Bar<'a> {
    series: &'a Series,
    x: &'a str,
    at: (f64, f64, f64, f64),
    raw: f64,
    size: f64,
}

impl Bar<'_> {
    /// The bar, with its tooltip data, and its value label inside it or where `outside`
    /// says (vertical bars above, horizontal ones to the right).
    fn draw(
        &self,
        spec: &Spec,
        look: &BarLook,
        c: &mut Canvas,
        placed: &mut Placed,
        outside: impl Fn() -> ((i32, i32), Anchor),
    ) {
        let (x0, y0, x1, y1) = self.at;
        let data = point_data(&self.series.name, self.x, &spec.tooltip_y(self.raw)) + &look.outline;
        c.rect((px(x0), px(y0)), (px(x1), px(y1)), Ink::Series(self.series.ink), look.opacity, "q-bar", &data);
        let text = look.text(spec, self.raw, self.size);
        match look.series_labels {
            Some(LabelAt::Inside) => {
                let (style, extra) = look.inside(spec, self.series.ink);
                let at = (px((x0 + x1) / 2.0), px((y0 + y1) / 2.0));
                placed.text(c, look.hide, &text, at, Anchor::Middle, &style, &extra);
            }
            Some(_) => {
                let (at, anchor) = outside();
                placed.text(c, look.hide, &text, at, anchor, &look.style, &look.extra);
            }
            None => {}
        }
    }
}
