//! The frame around a vertical chart: margins sized from the estimated widths of the tick
//! labels, grid lines, tick labels, axis titles and the baseline.

use super::axes::Look;
use super::axis::Linear;
use super::canvas::TextStyle;
use super::{AXIS_TITLE, Anchor, Canvas, Ink, TICK, WIDTH};
use crate::text;

pub(crate) const TICK_SIZE: u32 = 11;
const TICK_PX: f64 = TICK_SIZE as f64;
/// Line height of wrapped tick labels.
const LINE_PX: f64 = 13.0;

pub(crate) enum XAxis {
    /// Values (or days) on a linear scale, with labelled ticks.
    Linear { lo: f64, hi: f64, ticks: Vec<(f64, String)> },
    /// One band per category.
    Band { labels: Vec<String> },
}

pub(crate) struct Cartesian {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub y: Linear,
    y_labels: Vec<String>,
    pub x: XAxis,
    /// Band labels as drawn: cut to fit, on one or two lines.
    band_lines: Vec<Vec<String>>,
    /// Only every `every`-th band is labelled, so labels do not overlap.
    every: usize,
    x_title: Option<String>,
    y_title: Option<String>,
    total_height: u32,
    y_grid: bool,
    x_grid: bool,
    look: Looks,
    y2: Option<Right>,
}

pub(crate) struct Titles {
    pub x: Option<String>,
    pub y: Option<String>,
    pub x_grid: bool,
    pub y_grid: bool,
}

/// What the axes show beyond their titles and grids (`Looks::default()`: quire's drawing
/// without axis props).
#[derive(Default)]
pub(crate) struct Looks {
    pub x: Look,
    pub y: Look,
    /// `yAxisColor`: the y tick labels and title in this ink.
    pub y_colour: Option<Ink>,
    /// `showAllXAxisLabels`: no band label skipped.
    pub all_x_labels: bool,
    /// `xLabelWrap`: band labels wrap onto as many lines as they need.
    pub x_wrap: bool,
}

/// The secondary value axis on the right (`y2`).
pub(crate) struct Right {
    pub axis: Linear,
    pub labels: Vec<String>,
    pub title: Option<String>,
    pub grid: bool,
    pub show_labels: bool,
    pub ticks: bool,
    pub baseline: bool,
    pub colour: Option<Ink>,
}

impl Cartesian {
    /// A frame whose axes show what `look` says, with a secondary axis on the right.
    pub fn with(
        plot_height: f64,
        (y, y_labels): (Linear, Vec<String>),
        x: XAxis,
        titles: Titles,
        look: Looks,
        y2: Option<Right>,
    ) -> Cartesian {
        let shown = |l: &String| if look.y.labels { text::width(l, TICK_PX) } else { 0.0 };
        let widest = y_labels.iter().map(shown).fold(0.0, f64::max);
        let left = (widest + 12.0).max(24.0).ceil();
        let y2_title = y2.as_ref().is_some_and(|r| r.title.is_some());
        let top = if titles.y.is_some() || y2_title { 30.0 } else { 12.0 };
        let mut right = match &x {
            XAxis::Linear { ticks, .. } => {
                ticks.last().map_or(12.0, |(_, l)| (text::width(l, TICK_PX) / 2.0 + 4.0).max(12.0))
            }
            XAxis::Band { .. } => 12.0,
        };
        if let Some(r) = y2.as_ref().filter(|r| r.show_labels) {
            right = right.max(r.labels.iter().map(|l| text::width(l, TICK_PX)).fold(0.0, f64::max) + 12.0);
        }
        let right = right.ceil();
        let width = f64::from(WIDTH) - left - right;
        let (every, band_lines) = match &x {
            XAxis::Band { labels, .. } => band_layout(labels, width, &look),
            XAxis::Linear { .. } => (1, Vec::new()),
        };
        let extra_lines = band_lines.iter().map(Vec::len).max().unwrap_or(1).saturating_sub(1);
        let bottom = 30.0 + LINE_PX * extra_lines as f64 + if titles.x.is_some() { 20.0 } else { 0.0 };
        let total_height = (top + plot_height + bottom).ceil() as u32;
        Cartesian {
            left,
            top,
            width,
            height: plot_height,
            y,
            y_labels,
            x,
            band_lines,
            every,
            x_title: titles.x,
            y_title: titles.y,
            total_height,
            y_grid: titles.y_grid,
            x_grid: titles.x_grid,
            look,
            y2,
        }
    }

    /// The plot with `left` and `right` more units of whitespace beside it (`leftPadding`,
    /// `rightPadding`): narrower, its band labels fitted again.
    pub fn padded(mut self, (left, right): (f64, f64)) -> Cartesian {
        if left == 0.0 && right == 0.0 {
            return self;
        }
        self.left += left.round();
        self.width = (self.width - left.round() - right.round()).max(40.0);
        if let XAxis::Band { labels } = &self.x {
            let (every, lines) = band_layout(labels, self.width, &self.look);
            let extra = |lines: &[Vec<String>]| lines.iter().map(Vec::len).max().unwrap_or(1).saturating_sub(1);
            let grown = extra(&lines) as f64 - extra(&self.band_lines) as f64;
            self.total_height = (f64::from(self.total_height) + LINE_PX * grown).ceil() as u32;
            (self.every, self.band_lines) = (every, lines);
        }
        self
    }

    pub fn canvas(&self, palette: &[String]) -> Canvas {
        Canvas::new(WIDTH, self.total_height, palette)
    }

    /// Width of one band (category); the whole width on a linear axis.
    pub fn band(&self) -> f64 {
        match &self.x {
            XAxis::Band { labels, .. } => self.width / labels.len().max(1) as f64,
            XAxis::Linear { .. } => self.width,
        }
    }

    /// Horizontal position of an x value (a band index on a band axis: its centre).
    pub fn px(&self, v: f64) -> f64 {
        match &self.x {
            XAxis::Linear { lo, hi, .. } => {
                let span = hi - lo;
                if span == 0.0 { self.left + self.width / 2.0 } else { self.left + (v - lo) / span * self.width }
            }
            XAxis::Band { .. } => self.left + self.band() * (v + 0.5),
        }
    }

    pub fn py(&self, v: f64) -> f64 {
        self.y.map(v, self.top + self.height, self.top)
    }

    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }

    /// The value bars and areas grow from: zero, or the nearest edge when zero is off-axis.
    pub fn baseline(&self) -> f64 {
        0.0f64.clamp(self.y.lo.min(self.y.hi), self.y.hi.max(self.y.lo))
    }

    /// Grid, tick labels and axis titles: drawn before the data.
    pub fn draw_back(&self, c: &mut Canvas) {
        let right = px(self.left + self.width);
        let y_style = TextStyle { ink: self.look.y_colour.unwrap_or(TICK.ink), ..TICK };
        let mut grid_at = Vec::new();
        for (t, label) in self.y.ticks.iter().zip(&self.y_labels) {
            let y = px(self.py(*t));
            if self.y_grid && *t != self.baseline() {
                c.line((px(self.left), y), (right, y), Ink::Grid, 1, "");
                grid_at.push(y);
            }
            if self.look.y.labels {
                c.text(label, (px(self.left - 8.0), y), Anchor::End, false, &y_style);
            }
        }
        if let Some(r) = &self.y2 {
            let style = TextStyle { ink: r.colour.unwrap_or(TICK.ink), ..TICK };
            for (t, label) in r.axis.ticks.iter().zip(&r.labels) {
                let y = px(r.axis.map(*t, self.bottom(), self.top));
                // Aligned ticks share the primary axis' grid lines.
                if r.grid && !grid_at.contains(&y) && y != px(self.py(self.baseline())) {
                    c.line((px(self.left), y), (right, y), Ink::Grid, 1, "");
                }
                if r.show_labels {
                    c.text(label, (right + 8, y), Anchor::Start, false, &style);
                }
            }
            if let Some(t) = &r.title {
                let title = TextStyle { ink: r.colour.unwrap_or(AXIS_TITLE.ink), ..AXIS_TITLE };
                c.text(t, (WIDTH as i32, 10), Anchor::End, false, &title);
            }
        }
        let label_y = px(self.bottom() + 8.0);
        match &self.x {
            XAxis::Linear { ticks, .. } => {
                for (v, label) in ticks {
                    let x = px(self.px(*v));
                    if self.x_grid {
                        c.line((x, px(self.top)), (x, px(self.bottom())), Ink::Grid, 1, "");
                    }
                    if self.look.x.labels {
                        c.text(label, (x, label_y), Anchor::Middle, true, &TICK);
                    }
                }
            }
            XAxis::Band { labels } => {
                if self.x_grid {
                    for i in 1..labels.len() {
                        let x = px(self.left + self.band() * i as f64);
                        c.line((x, px(self.top)), (x, px(self.bottom())), Ink::Grid, 1, "");
                    }
                }
                let shown =
                    self.band_lines.iter().enumerate().filter(|(i, _)| self.look.x.labels && i % self.every == 0);
                for (i, lines) in shown {
                    for (n, line) in lines.iter().enumerate() {
                        let y = label_y + px(LINE_PX * n as f64);
                        c.text(line, (px(self.px(i as f64)), y), Anchor::Middle, true, &TICK);
                    }
                }
            }
        }
        if let Some(t) = &self.y_title {
            let style = TextStyle { ink: self.look.y_colour.unwrap_or(AXIS_TITLE.ink), ..AXIS_TITLE };
            c.text(t, (0, 10), Anchor::Start, false, &style);
        }
        if let Some(t) = &self.x_title {
            let y = self.total_height as i32 - 10;
            c.text(t, (px(self.left + self.width / 2.0), y), Anchor::Middle, false, &AXIS_TITLE);
        }
    }

    /// The baseline and tick marks: drawn over the data.
    pub fn draw_front(&self, c: &mut Canvas) {
        let (left, right) = (px(self.left), px(self.left + self.width));
        let (top, bottom) = (px(self.top), px(self.bottom()));
        if self.look.x.baseline {
            let y = px(self.py(self.baseline()));
            c.line((left, y), (right, y), Ink::Axis, 1, "");
        }
        match &self.x {
            XAxis::Linear { ticks, .. } if self.look.x.ticks.unwrap_or(true) => {
                for (v, _) in ticks {
                    let x = px(self.px(*v));
                    c.line((x, bottom), (x, bottom + 4), Ink::Axis, 1, "");
                }
            }
            XAxis::Band { labels } if self.look.x.ticks == Some(true) => {
                for i in 0..=labels.len() {
                    let x = px(self.left + self.band() * i as f64);
                    c.line((x, bottom), (x, bottom + 4), Ink::Axis, 1, "");
                }
            }
            _ => {}
        }
        if self.look.y.baseline {
            c.line((left, top), (left, bottom), Ink::Axis, 1, "");
        }
        if self.look.y.ticks == Some(true) {
            for t in &self.y.ticks {
                let y = px(self.py(*t));
                c.line((left - 4, y), (left, y), Ink::Axis, 1, "");
            }
        }
        if let Some(r) = &self.y2 {
            if r.baseline {
                c.line((right, top), (right, bottom), Ink::Axis, 1, "");
            }
            if r.ticks {
                for t in &r.axis.ticks {
                    let y = px(r.axis.map(*t, self.bottom(), self.top));
                    c.line((right, y), (right + 4, y), Ink::Axis, 1, "");
                }
            }
        }
    }

    /// Vertical position of a value on the secondary axis (the primary one without it).
    pub fn py2(&self, v: f64) -> f64 {
        match &self.y2 {
            Some(r) => r.axis.map(v, self.bottom(), self.top),
            None => self.py(v),
        }
    }

    /// The value y2 bars grow from on the secondary axis.
    pub fn baseline2(&self) -> f64 {
        self.y2.as_ref().map_or(self.baseline(), |r| 0.0f64.clamp(r.axis.lo.min(r.axis.hi), r.axis.hi.max(r.axis.lo)))
    }
}

/// Band labels across `width`: every `every`-th shown, each on its lines (`xLabelWrap`:
/// wrapped, none skipped; `showAllXAxisLabels`: none skipped).
fn band_layout(labels: &[String], width: f64, look: &Looks) -> (usize, Vec<Vec<String>>) {
    let band = width / labels.len().max(1) as f64;
    if look.x_wrap {
        return (1, labels.iter().map(|l| super::axis::wrap(l, TICK_PX, (band - 6.0).max(24.0))).collect());
    }
    let (every, lines) = super::axis::band_labels(labels, band, TICK_PX, 140.0);
    (if look.all_x_labels { 1 } else { every }, lines)
}

/// A coordinate in whole SVG units, as the backend takes them.
pub(crate) fn px(v: f64) -> i32 {
    v.round() as i32
}
