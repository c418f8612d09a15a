//! Drawing with plotters' SVG backend, one primitive at a time.
//!
//! The backend writes one element per primitive but has no way to attach a class or data
//! attributes to it, and it writes colours as fixed hex values. Each primitive is therefore
//! drawn into its own buffer with a sentinel colour, and the element is rewritten before it
//! joins the picture: theme colours (axes, grid, text) become classes the stylesheet colours
//! for light and dark, series colours become the palette's, and points and bars get the
//! `data-*` attributes the runtime reads for tooltips.

use std::convert::Infallible;

use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendColor, BackendStyle, BackendTextStyle, DrawingBackend, FontFamily};
use plotters_svg::SVGBackend;

use crate::escape;

pub(crate) type Coord = (i32, i32);

/// What a mark is drawn with: a palette slot, or a role the stylesheet colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ink {
    Series(usize),
    Grid,
    Axis,
    Tick,
    Label,
}

impl Ink {
    /// Sentinel colours no chart uses, found again in the backend's output.
    fn sentinel(self) -> (u8, u8, u8) {
        match self {
            Ink::Series(i) => (0xF1, 0x0F, (i % 256) as u8),
            Ink::Grid => (0xF2, 0x0F, 0),
            Ink::Axis => (0xF2, 0x0F, 1),
            Ink::Tick => (0xF2, 0x0F, 2),
            Ink::Label => (0xF2, 0x0F, 3),
        }
    }
    fn class(self) -> Option<&'static str> {
        match self {
            Ink::Series(_) => None,
            Ink::Grid => Some("q-grid"),
            Ink::Axis => Some("q-axis"),
            Ink::Tick => Some("q-tick"),
            Ink::Label => Some("q-label"),
        }
    }
}

struct Pen {
    color: BackendColor,
    width: u32,
}

impl BackendStyle for Pen {
    fn color(&self) -> BackendColor {
        self.color
    }
    fn stroke_width(&self) -> u32 {
        self.width
    }
}

struct Font {
    color: BackendColor,
    anchor: Pos,
}

impl BackendTextStyle for Font {
    type FontError = Infallible;
    fn color(&self) -> BackendColor {
        self.color
    }
    fn anchor(&self) -> Pos {
        self.anchor
    }
    fn family(&self) -> FontFamily<'_> {
        FontFamily::SansSerif
    }
    fn layout_box(&self, _text: &str) -> Result<((i32, i32), (i32, i32)), Infallible> {
        // Only raster backends ask; the SVG backend leaves layout to the browser.
        Ok(((0, 0), (0, 0)))
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        _: &str,
        _: Coord,
        _: F,
    ) -> Result<Result<(), E>, Infallible> {
        Ok(Ok(()))
    }
}

/// How a kind of chart text looks; colours come from the stylesheet through `ink`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextStyle {
    pub size: u32,
    pub ink: Ink,
    pub class: &'static str,
}

pub(crate) const TICK: TextStyle = TextStyle { size: 11, ink: Ink::Tick, class: "" };
pub(crate) const AXIS_TITLE: TextStyle = TextStyle { size: 12, ink: Ink::Tick, class: "q-axis-title" };
pub(crate) const LABEL: TextStyle = TextStyle { size: 10, ink: Ink::Label, class: "" };

/// Where a text's anchor point sits relative to the text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

pub(crate) struct Canvas {
    width: u32,
    height: u32,
    palette: Vec<String>,
    out: String,
}

impl Canvas {
    pub fn new(width: u32, height: u32, palette: &[String]) -> Canvas {
        Canvas { width, height, palette: palette.to_vec(), out: String::new() }
    }

    pub fn line(&mut self, from: Coord, to: Coord, ink: Ink, width: u32, class: &str) {
        let pen = Pen { color: color(ink, 1.0), width };
        self.draw(ink, class, "", |b| b.draw_line(from, to, &pen).is_ok());
    }

    pub fn rect(&mut self, top_left: Coord, bottom_right: Coord, ink: Ink, opacity: f64, class: &str, data: &str) {
        let pen = Pen { color: color(ink, opacity), width: 0 };
        self.draw(ink, class, data, |b| b.draw_rect(top_left, bottom_right, &pen, true).is_ok());
    }

    pub fn path(&mut self, points: &[Coord], ink: Ink, width: u32, class: &str, data: &str) {
        if points.len() < 2 {
            return;
        }
        let pen = Pen { color: color(ink, 1.0), width };
        self.draw(ink, class, data, |b| b.draw_path(points.iter().copied(), &pen).is_ok());
    }

    pub fn polygon(&mut self, points: &[Coord], ink: Ink, opacity: f64, class: &str, data: &str) {
        if points.len() < 3 {
            return;
        }
        let pen = Pen { color: color(ink, opacity), width: 0 };
        self.draw(ink, class, data, |b| b.fill_polygon(points.iter().copied(), &pen).is_ok());
    }

    pub fn circle(&mut self, center: Coord, radius: u32, ink: Ink, opacity: f64, class: &str, data: &str) {
        let pen = Pen { color: color(ink, opacity), width: 1 };
        self.draw(ink, class, data, |b| b.draw_circle(center, radius, &pen, true).is_ok());
    }

    /// Text at `at`, vertically centred on it unless `top` (hanging below it).
    pub fn text(&mut self, s: &str, at: Coord, anchor: Anchor, top: bool, style: &TextStyle) {
        self.text_with(s, at, anchor, top, style, "");
    }

    /// [`Canvas::text`] with more attributes (a `style` for an author's colour).
    pub fn text_with(&mut self, s: &str, at: Coord, anchor: Anchor, top: bool, style: &TextStyle, extra: &str) {
        let TextStyle { size, ink, class } = *style;
        // One line only: the element must stay one element.
        let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let h_pos = match anchor {
            Anchor::Start => HPos::Left,
            Anchor::Middle => HPos::Center,
            Anchor::End => HPos::Right,
        };
        let font = Font { color: color(ink, 1.0), anchor: Pos::new(h_pos, if top { VPos::Top } else { VPos::Center }) };
        let size_attr = format!(" font-size=\"{size}\"{extra}");
        self.draw(ink, class, &size_attr, |b| b.draw_text(&s, &font, at).is_ok());
    }

    /// Add ` name="value"` attributes to the element drawn last (what the backend cannot
    /// write: a rotation, a corner radius); `attrs` is trusted markup, its values escaped.
    pub fn add_to_last(&mut self, attrs: &str) {
        let start = self.out.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1);
        if let Some(at) = self.out[start..].find([' ', '>', '/']) {
            self.out.insert_str(start + at, attrs);
        }
    }

    fn draw(&mut self, ink: Ink, class: &str, extra: &str, f: impl FnOnce(&mut SVGBackend<'_>) -> bool) {
        let mut buf = String::new();
        {
            let mut backend = SVGBackend::with_string(&mut buf, (self.width, self.height));
            // Drawing into a string cannot fail; a refused primitive just leaves no element.
            let _ = f(&mut backend);
            let _ = backend.present();
        }
        let Some((_, body)) = buf.split_once('\n') else {
            return;
        };
        let body = body.strip_suffix("</svg>\n").unwrap_or(body).trim_end();
        if body.is_empty() {
            return;
        }
        let element = self.rewrite(body, ink, class, extra);
        self.out.push_str(&element);
        self.out.push('\n');
    }

    fn rewrite(&self, element: &str, ink: Ink, class: &str, extra: &str) -> String {
        let (r, g, b) = ink.sentinel();
        let sentinel = format!("\"#{r:02X}{g:02X}{b:02X}\"");
        let mut e = element.replace(">\n", ">").replace("\n</", "</");
        for attr in ["font-family", "font-size"] {
            e = remove_attr(&e, attr);
        }
        e = e.replace(" opacity=\"1\"", "");
        match ink {
            Ink::Series(i) => {
                let colour = self.palette.get(i % self.palette.len().max(1)).map_or("currentColor", String::as_str);
                e = e.replace(&sentinel, &format!("\"{}\"", escape::attr(colour)));
            }
            _ => {
                e = e.replace(&format!(" fill={sentinel}"), "").replace(&format!(" stroke={sentinel}"), "");
            }
        }
        let classes: Vec<&str> = ink.class().into_iter().chain(class.split_whitespace()).collect();
        let mut insert = String::new();
        if !classes.is_empty() {
            insert.push_str(&format!(" class=\"{}\"", classes.join(" ")));
        }
        insert.push_str(extra);
        match e.find([' ', '>', '/']) {
            Some(at) => {
                e.insert_str(at, &insert);
                e
            }
            None => e,
        }
    }

    /// Marks drawn until [`Canvas::end_clip`] show only inside this rectangle (`xMin`,
    /// `yMax`, ...: data beyond the axes' range is cut at the plot's edge). The id is made
    /// from the rectangle, so two charts with the same one share a same clip.
    pub fn begin_clip(&mut self, (x0, y0): Coord, (x1, y1): Coord) {
        let id = format!("q-clip-{x0}-{y0}-{x1}-{y1}");
        self.out.push_str(&format!(
            "<clipPath id=\"{id}\"><rect x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\"/></clipPath>\n<g clip-path=\"url(#{id})\">\n",
            x1 - x0,
            y1 - y0
        ));
    }

    pub fn end_clip(&mut self) {
        self.out.push_str("</g>\n");
    }

    /// The finished `<svg>`: it scales to its container's width.
    pub fn finish(self, label: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{label}\" class=\"q-svg\">\n{body}</svg>",
            w = self.width,
            h = self.height,
            label = escape::attr(label),
            body = self.out,
        )
    }
}

fn color(ink: Ink, alpha: f64) -> BackendColor {
    BackendColor { alpha, rgb: ink.sentinel() }
}

/// `e` without its first ` name="..."` attribute.
fn remove_attr(e: &str, name: &str) -> String {
    let needle = format!(" {name}=\"");
    let Some(start) = e.find(&needle) else {
        return e.to_string();
    };
    let value_start = start + needle.len();
    match e[value_start..].find('"') {
        Some(len) => format!("{}{}", &e[..start], &e[value_start + len + 1..]),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_rewritten() {
        let mut c = Canvas::new(100, 50, &["#236aa4".to_string()]);
        c.line((0, 10), (100, 10), Ink::Grid, 1, "");
        c.rect((10, 10), (20, 40), Ink::Series(0), 1.0, "q-bar", " data-x=\"a\"");
        c.text("1,000 & <more>", (5, 10), Anchor::End, false, &TICK);
        let svg = c.finish("test");
        assert_eq!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 50\" width=\"100%\" role=\"img\" aria-label=\"test\" class=\"q-svg\">\n\
             <line class=\"q-grid\" stroke-width=\"1\" x1=\"0\" y1=\"10\" x2=\"100\" y2=\"10\"/>\n\
             <rect class=\"q-bar\" data-x=\"a\" x=\"10\" y=\"10\" width=\"10\" height=\"30\" fill=\"#236aa4\" stroke=\"none\"/>\n\
             <text class=\"q-tick\" font-size=\"11\" x=\"5\" y=\"10\" dy=\"0.5ex\" text-anchor=\"end\">1,000 &amp; &lt;more&gt;</text>\n\
             </svg>"
        );
    }
}
