//! How an XY chart's marks and value labels look: line style and steps, marker and point
//! shapes, fills and outlines, label placement, size and colour. Each prop is read only for
//! the charts Evidence documents it for; elsewhere it stays a not-yet prop.

use quire_core::{Component, Problem, Table};

use super::canvas::TextStyle;
use super::plot::px;
use super::{Anchor, Canvas, Ink, Kind};
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt::Format;
use crate::text;

/// The props this module reads, and the charts Evidence documents each for.
const DOCUMENTED: &[(&str, &[Kind])] = {
    use Kind::*;
    &[
        ("step", &[Line, Area]),
        ("stepPosition", &[Line, Area]),
        ("lineType", &[Line]),
        ("lineColor", &[Line, Area]),
        ("lineOpacity", &[Line]),
        ("markerShape", &[Line]),
        ("markerSize", &[Line]),
        ("line", &[Area]),
        ("fillColor", &[Area, Bar, Scatter, Bubble, Histogram]),
        ("fillOpacity", &[Bar, Histogram]),
        ("opacity", &[Scatter, Bubble]),
        ("outlineColor", &[Bar, Scatter, Bubble]),
        ("outlineWidth", &[Bar, Scatter, Bubble]),
        ("pointSize", &[Scatter]),
        ("shape", &[Scatter, Bubble]),
        ("scaleTo", &[Bubble]),
        ("sizeFmt", &[Bubble]),
        ("tooltipTitle", &[Scatter, Bubble]),
        ("labelPosition", &[Line, Area, Bar]),
        ("labelColor", &[Line, Area, Bar]),
        ("labelSize", &[Line, Area, Bar]),
        ("showAllLabels", &[Line, Area, Bar]),
        ("seriesLabels", &[Bar]),
        ("stackTotalLabel", &[Bar]),
        ("seriesLabelFmt", &[Line, Area, Bar, Scatter, Bubble]),
        ("leftPadding", &[Line, Area, Bar, Scatter, Bubble, Histogram, Box]),
        ("rightPadding", &[Line, Area, Bar, Scatter, Bubble, Histogram, Box]),
        ("downloadableData", &[Line, Area, Bar, Scatter, Bubble, Histogram, Box]),
    ]
};

/// A marker's or point's shape (`markerShape`, `shape`), as ECharts names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Circle,
    EmptyCircle,
    Rect,
    Triangle,
    Diamond,
}

/// Where a step line turns (`stepPosition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Start,
    Middle,
    End,
}

/// Where value labels sit: above, on or below a line's point; outside or inside a bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelAt {
    Above,
    Middle,
    Below,
    Outside,
    Inside,
}

/// The mark props, checked; `None` and `false` mean "as quire draws it without the prop".
#[derive(Debug, Clone, Default)]
pub(crate) struct Marks {
    /// One colour for every series (`fillColor`, or a LineChart's `lineColor`).
    pub colour: Option<String>,
    /// An AreaChart's `fillColor` and `lineColor`: the area and the line apart.
    pub area_fill: Option<String>,
    pub area_line: Option<String>,
    /// An AreaChart's `line=false`: no line on top of the area.
    pub no_line: bool,
    pub step: Option<Step>,
    /// `lineType`: `dashed` or `dotted`; `None` for solid lines.
    pub dashed: Option<&'static str>,
    pub line_opacity: Option<f64>,
    pub marker_shape: Option<Shape>,
    /// A marker's or point's size across (`markerSize`, `pointSize`).
    pub marker_size: Option<f64>,
    pub point_shape: Option<Shape>,
    /// Bars' and histogram bins' `fillOpacity`; points' `opacity`.
    pub opacity: Option<f64>,
    /// `outlineWidth` and `outlineColor` (the text colour unless given).
    pub outline: Option<(f64, Option<String>)>,
    pub scale_to: Option<f64>,
    pub size_fmt: Option<Format>,
    pub tooltip_title: Option<usize>,
    pub label_at: Option<LabelAt>,
    pub label_colour: Option<String>,
    pub label_size: Option<u32>,
    /// `showAllLabels=false`: labels that would overlap one already drawn are left out.
    pub hide_overlaps: bool,
    pub series_labels: Option<bool>,
    pub stack_total: bool,
    pub series_fmt: Option<Format>,
    /// `leftPadding` and `rightPadding`: whitespace added on either side.
    pub padding: (f64, f64),
    /// `downloadableData=false`: no CSV button on the chart.
    pub no_download: bool,
}

pub(crate) fn resolve(ctx: &mut Ctx<'_>, c: &Component, kind: Kind, query: &str, table: &Table) -> Marks {
    let mut r = Reader { ctx, c, kind };
    let mut m = Marks { stack_total: true, ..Marks::default() };
    let colour = r.colour("fillColor");
    let line_colour = r.colour("lineColor");
    match kind {
        Kind::Area => (m.area_fill, m.area_line) = (colour, line_colour),
        _ => m.colour = colour.or(line_colour),
    }
    m.no_line = r.flag("line") == Some(false);
    if r.flag("step") == Some(true) {
        m.step = Some(match r.word("stepPosition", &["start", "middle", "end"]) {
            Some("start") => Step::Start,
            Some("middle") => Step::Middle,
            _ => Step::End,
        });
    } else {
        r.word("stepPosition", &["start", "middle", "end"]);
    }
    m.dashed = match r.word("lineType", &["solid", "dashed", "dotted"]) {
        Some("dashed") => Some("dashed"),
        Some("dotted") => Some("dotted"),
        _ => None,
    };
    m.line_opacity = r.number("lineOpacity", 0.0, 1.0);
    m.marker_shape = r.shape("markerShape");
    m.point_shape = r.shape("shape");
    m.marker_size = r.number("markerSize", 1.0, 60.0).or(r.number("pointSize", 1.0, 60.0));
    m.opacity = r.number("fillOpacity", 0.0, 1.0).or(r.number("opacity", 0.0, 1.0));
    let outline_colour = r.colour("outlineColor");
    m.outline = r.number("outlineWidth", 0.0, 20.0).filter(|w| *w > 0.0).map(|w| (w, outline_colour));
    m.scale_to = r.number("scaleTo", 0.05, 20.0);
    if r.documented("sizeFmt") {
        m.size_fmt = r.ctx.format_prop(c, "sizeFmt");
    }
    if r.documented("seriesLabelFmt") {
        m.series_fmt = r.ctx.format_prop(c, "seriesLabelFmt");
    }
    if r.documented("tooltipTitle") {
        m.tooltip_title = r.ctx.column_prop(c, query, table, "tooltipTitle");
    }
    let positions: &[&str] = if kind == Kind::Bar { &["outside", "inside"] } else { &["above", "middle", "below"] };
    m.label_at = r.word("labelPosition", positions).map(|w| match w {
        "above" => LabelAt::Above,
        "middle" => LabelAt::Middle,
        "below" => LabelAt::Below,
        "inside" => LabelAt::Inside,
        _ => LabelAt::Outside,
    });
    m.label_colour = r.colour("labelColor");
    m.label_size = r.number("labelSize", 1.0, 96.0).map(|s| s.round() as u32);
    m.hide_overlaps = r.flag("showAllLabels") == Some(false);
    m.series_labels = r.flag("seriesLabels");
    m.stack_total = r.flag("stackTotalLabel") != Some(false);
    m.padding =
        (r.number("leftPadding", 0.0, 200.0).unwrap_or(0.0), r.number("rightPadding", 0.0, 200.0).unwrap_or(0.0));
    m.no_download = r.flag("downloadableData") == Some(false);
    m
}

/// Reads a chart's mark props, each only where it is documented, reporting bad values.
struct Reader<'c, 'x, 'y> {
    ctx: &'x mut Ctx<'y>,
    c: &'c Component,
    kind: Kind,
}

impl Reader<'_, '_, '_> {
    fn documented(&self, prop: &str) -> bool {
        self.c.prop(prop).is_some() && DOCUMENTED.iter().any(|(p, kinds)| *p == prop && kinds.contains(&self.kind))
    }

    fn bad(&mut self, prop: &str, message: String, help: &str) {
        self.ctx.report(Problem::new(message, self.c.span_of(prop)).help(help.to_string()));
    }

    fn flag(&mut self, prop: &str) -> Option<bool> {
        if !self.documented(prop) {
            return None;
        }
        let v = self.c.flag(prop);
        if v.is_none() {
            self.bad(prop, format!("`{prop}` is true or false"), &format!("write {prop}=true or {prop}=false"));
        }
        v
    }

    fn number(&mut self, prop: &str, lo: f64, hi: f64) -> Option<f64> {
        if !self.documented(prop) {
            return None;
        }
        match self.c.number(prop) {
            Some(n) if n.is_finite() && (lo..=hi).contains(&n) => Some(n),
            _ => {
                let (lo, hi) = (crate::fmt::auto_number(lo), crate::fmt::auto_number(hi));
                self.bad(prop, format!("`{prop}` must be a number from {lo} to {hi}"), &format!("write {prop}={hi}"));
                None
            }
        }
    }

    fn word(&mut self, prop: &str, words: &[&'static str]) -> Option<&'static str> {
        if !self.documented(prop) {
            return None;
        }
        let given = self.c.text(prop).unwrap_or_default();
        let found = words.iter().copied().find(|w| *w == given.trim());
        if found.is_none() {
            let list = words.join(", ");
            self.bad(prop, format!("`{given}` is not a {prop}"), &format!("use one of: {list}"));
        }
        found
    }

    fn colour(&mut self, prop: &str) -> Option<String> {
        if !self.documented(prop) {
            return None;
        }
        let given = self.c.text(prop).unwrap_or_default();
        let ok = escape::colour(&given);
        if ok.is_none() {
            self.bad(
                prop,
                format!("`{given}` is not a colour quire can use"),
                "write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal",
            );
        }
        ok
    }

    fn shape(&mut self, prop: &str) -> Option<Shape> {
        Some(match self.word(prop, &["circle", "emptyCircle", "rect", "triangle", "diamond"])? {
            "emptyCircle" => Shape::EmptyCircle,
            "rect" => Shape::Rect,
            "triangle" => Shape::Triangle,
            "diamond" => Shape::Diamond,
            _ => Shape::Circle,
        })
    }
}

impl Marks {
    /// `style="..."` for a line's own colour, dashes and opacity; empty when none is set.
    pub fn line_style(&self, width: u32) -> String {
        let mut style = String::new();
        if let Some(colour) = &self.area_line {
            style.push_str(&format!("stroke:{colour};"));
        }
        if let Some(dash) = self.dashed {
            // Lines have round caps, which lengthen each dash by the width: allow for them.
            let w = width.max(1);
            let pattern = if dash == "dashed" { format!("{} {}", 3 * w, 3 * w) } else { format!("0 {}", 2 * w) };
            style.push_str(&format!("stroke-dasharray:{pattern};"));
        }
        if let Some(o) = self.line_opacity {
            style.push_str(&format!("opacity:{};", crate::fmt::auto_number(o)));
        }
        style_attr(&style)
    }

    /// CSS for a bar's or point's outline; empty without `outlineWidth`.
    pub fn outline_css(&self) -> String {
        match &self.outline {
            Some((w, colour)) => format!(
                "stroke:{};stroke-width:{};",
                colour.as_deref().unwrap_or("currentColor"),
                crate::fmt::auto_number(*w)
            ),
            None => String::new(),
        }
    }

    /// `style="..."` for an AreaChart's own `fillColor`; empty without it.
    pub fn fill_style(&self) -> String {
        self.area_fill.as_ref().map_or(String::new(), |c| style_attr(&format!("fill:{c}")))
    }

    /// The value labels' text style, and the attributes for their colour.
    pub fn label_style(&self, base: &TextStyle) -> (TextStyle, String) {
        let style = TextStyle { size: self.label_size.unwrap_or(base.size), ..*base };
        let extra = self.label_colour.as_ref().map_or(String::new(), |c| style_attr(&format!("fill:{c}")));
        (style, extra)
    }

    /// A line through `points` turning in steps, or `points` as they are.
    pub fn stepped(&self, points: &[(i32, i32)]) -> Vec<(i32, i32)> {
        let Some(step) = self.step else { return points.to_vec() };
        let mut out = Vec::with_capacity(points.len() * 3);
        for (i, &(x, y)) in points.iter().enumerate() {
            if let Some(&(x0, y0)) = i.checked_sub(1).and_then(|p| points.get(p)) {
                match step {
                    Step::Start => out.push((x0, y)),
                    Step::End => out.push((x, y0)),
                    Step::Middle => {
                        let mid = (x0 + x) / 2;
                        out.push((mid, y0));
                        out.push((mid, y));
                    }
                }
            }
            out.push((x, y));
        }
        out
    }
}

pub(crate) fn style_attr(style: &str) -> String {
    let style = style.trim_end_matches(';');
    if style.is_empty() { String::new() } else { format!(" style=\"{}\"", escape::attr(style)) }
}

/// One marker or point: where, how wide across, in which series colour.
pub(crate) struct Mark<'a> {
    pub at: (i32, i32),
    pub across: f64,
    pub ink: Ink,
    /// The series colour, for the ring of an empty circle.
    pub colour: &'a str,
    pub opacity: f64,
    pub class: &'a str,
}

impl Mark<'_> {
    /// Draws the mark as `shape`, with `data` attributes and more CSS (`css`, an outline).
    pub fn draw(&self, c: &mut Canvas, shape: Shape, data: &str, css: &str) {
        let Mark { at, across, ink, colour, opacity, class } = *self;
        let r = across / 2.0;
        let radius = r.round().max(1.0) as u32;
        let (x, y) = (f64::from(at.0), f64::from(at.1));
        let ring = if shape == Shape::EmptyCircle {
            let ring = crate::fmt::auto_number((across / 4.0).clamp(1.0, 2.0));
            format!("fill:var(--bg);stroke:{colour};stroke-width:{ring};")
        } else {
            String::new()
        };
        let data = format!("{data}{}", style_attr(&(ring + css)));
        match shape {
            Shape::Circle | Shape::EmptyCircle => c.circle(at, radius, ink, opacity, class, &data),
            Shape::Rect => c.rect((px(x - r), px(y - r)), (px(x + r), px(y + r)), ink, opacity, class, &data),
            Shape::Triangle => {
                let points = [(px(x), px(y - r)), (px(x + r), px(y + r)), (px(x - r), px(y + r))];
                c.polygon(&points, ink, opacity, class, &data);
            }
            Shape::Diamond => {
                let points = [(px(x), px(y - r)), (px(x + r), px(y)), (px(x), px(y + r)), (px(x - r), px(y))];
                c.polygon(&points, ink, opacity, class, &data);
            }
        }
    }
}

/// Value labels as they are drawn, for `showAllLabels=false`: a label overlapping one
/// already drawn is left out.
#[derive(Default)]
pub(crate) struct Placed {
    boxes: Vec<[f64; 4]>,
}

impl Placed {
    /// Draws `s` unless it would overlap a label already drawn (when `hide` is set).
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        c: &mut Canvas,
        hide: bool,
        s: &str,
        at: (i32, i32),
        anchor: Anchor,
        style: &TextStyle,
        extra: &str,
    ) {
        if hide {
            let w = text::width(s, f64::from(style.size));
            let h = f64::from(style.size);
            let x0 = match anchor {
                Anchor::Start => f64::from(at.0),
                Anchor::Middle => f64::from(at.0) - w / 2.0,
                Anchor::End => f64::from(at.0) - w,
            };
            let b = [x0, f64::from(at.1) - h / 2.0, x0 + w, f64::from(at.1) + h / 2.0];
            if self.boxes.iter().any(|o| b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) {
                return;
            }
            self.boxes.push(b);
        }
        c.text_with(s, at, anchor, false, style, extra);
    }
}

/// Whether text on `colour` reads better dark than light; colours not written as hex count
/// as dark.
pub(crate) fn is_light(colour: &str) -> bool {
    let hex = colour.trim().trim_start_matches('#');
    let digits: Vec<u32> = match hex.len() {
        3 => hex.chars().filter_map(|c| c.to_digit(16)).map(|d| d * 17).collect(),
        6 => (0..3).filter_map(|i| hex.get(i * 2..i * 2 + 2).and_then(|h| u32::from_str_radix(h, 16).ok())).collect(),
        _ => return false,
    };
    match digits[..] {
        [r, g, b] => 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b) > 160.0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_turn_where_asked() {
        let pts = [(0, 10), (10, 20), (20, 0)];
        let m = |step| Marks { step: Some(step), ..Marks::default() };
        assert_eq!(m(Step::End).stepped(&pts), vec![(0, 10), (10, 10), (10, 20), (20, 20), (20, 0)]);
        assert_eq!(m(Step::Start).stepped(&pts), vec![(0, 10), (0, 20), (10, 20), (10, 0), (20, 0)]);
        assert_eq!(
            m(Step::Middle).stepped(&pts),
            vec![(0, 10), (5, 10), (5, 20), (10, 20), (15, 20), (15, 0), (20, 0)]
        );
        assert_eq!(Marks::default().stepped(&pts), pts.to_vec());
    }

    #[test]
    fn light_colours() {
        assert!(is_light("#ffffff"));
        assert!(is_light("#fe0"));
        assert!(!is_light("#236aa4"));
        assert!(!is_light("teal"));
    }
}
