//! The frame around a vertical chart: margins sized from the estimated widths of the tick
//! labels, grid lines, tick labels, axis titles and the baseline.

use super::axis::Linear;
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
}

pub(crate) struct Titles {
    pub x: Option<String>,
    pub y: Option<String>,
    pub x_grid: bool,
    pub y_grid: bool,
}

impl Cartesian {
    pub fn new(plot_height: f64, y: Linear, y_labels: Vec<String>, x: XAxis, titles: Titles) -> Cartesian {
        let widest = y_labels.iter().map(|l| text::width(l, TICK_PX)).fold(0.0, f64::max);
        let left = (widest + 12.0).max(24.0).ceil();
        let top = if titles.y.is_some() { 30.0 } else { 12.0 };
        let right = match &x {
            XAxis::Linear { ticks, .. } => {
                ticks.last().map_or(12.0, |(_, l)| (text::width(l, TICK_PX) / 2.0 + 4.0).max(12.0))
            }
            XAxis::Band { .. } => 12.0,
        }
        .ceil();
        let width = f64::from(WIDTH) - left - right;
        let (every, band_lines) = match &x {
            XAxis::Band { labels, .. } => {
                super::axis::band_labels(labels, width / labels.len().max(1) as f64, TICK_PX, 140.0)
            }
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
            let (every, lines) =
                super::axis::band_labels(labels, self.width / labels.len().max(1) as f64, TICK_PX, 140.0);
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
        for (t, label) in self.y.ticks.iter().zip(&self.y_labels) {
            let y = px(self.py(*t));
            if self.y_grid && *t != self.baseline() {
                c.line((px(self.left), y), (right, y), Ink::Grid, 1, "");
            }
            c.text(label, (px(self.left - 8.0), y), Anchor::End, false, &TICK);
        }
        let label_y = px(self.bottom() + 8.0);
        match &self.x {
            XAxis::Linear { ticks, .. } => {
                for (v, label) in ticks {
                    let x = px(self.px(*v));
                    if self.x_grid {
                        c.line((x, px(self.top)), (x, px(self.bottom())), Ink::Grid, 1, "");
                    }
                    c.text(label, (x, label_y), Anchor::Middle, true, &TICK);
                }
            }
            XAxis::Band { .. } => {
                for (i, lines) in self.band_lines.iter().enumerate().filter(|(i, _)| i % self.every == 0) {
                    for (n, line) in lines.iter().enumerate() {
                        let y = label_y + px(LINE_PX * n as f64);
                        c.text(line, (px(self.px(i as f64)), y), Anchor::Middle, true, &TICK);
                    }
                }
            }
        }
        if let Some(t) = &self.y_title {
            c.text(t, (0, 10), Anchor::Start, false, &AXIS_TITLE);
        }
        if let Some(t) = &self.x_title {
            let y = self.total_height as i32 - 10;
            c.text(t, (px(self.left + self.width / 2.0), y), Anchor::Middle, false, &AXIS_TITLE);
        }
    }

    /// The baseline and tick marks: drawn over the data.
    pub fn draw_front(&self, c: &mut Canvas) {
        let y = px(self.py(self.baseline()));
        c.line((px(self.left), y), (px(self.left + self.width), y), Ink::Axis, 1, "");
        if let XAxis::Linear { ticks, .. } = &self.x {
            let bottom = px(self.bottom());
            for (v, _) in ticks {
                let x = px(self.px(*v));
                c.line((x, bottom), (x, bottom + 4), Ink::Axis, 1, "");
            }
        }
    }
}

/// A coordinate in whole SVG units, as the backend takes them.
pub(crate) fn px(v: f64) -> i32 {
    v.round() as i32
}
