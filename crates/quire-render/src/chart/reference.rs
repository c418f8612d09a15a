//! `ReferenceLine` and `ReferenceArea` inside a chart: a target, a threshold, a period to
//! look at. Values are written on the component (`y=100`, `xMin='2024-01-01'`), or read
//! from a query, one per row (`data={targets} y=target label=name`).

use quire_core::{Component, Node, Problem, Table};

use super::canvas::TextStyle;
use super::plot::{Cartesian, px};
use super::{Anchor, Canvas, Frame, Ink, LABEL};
use crate::ctx::Ctx;
use crate::escape;

pub(crate) struct Reference {
    pub area: bool,
    /// A line's x, or an area's `xMin` and `xMax`, as written (a date, number or category).
    pub x: [Option<String>; 2],
    /// A line's y, or an area's `yMin` and `yMax`.
    pub y: [Option<f64>; 2],
    pub label: Option<String>,
    pub ink: Ink,
    /// `solid`, `dashed` or `dotted`.
    pub line: &'static str,
    pub width: u32,
    /// An area's fill opacity.
    pub opacity: f64,
    /// How the label is written and where it goes.
    pub look: LabelLook,
    /// An area's `border`: its ink, width and `solid`/`dashed`/`dotted`.
    pub border: Option<(Ink, u32, &'static str)>,
    /// A line's value, shown after its label (`hideValue=false`).
    pub value: Option<String>,
    /// A line's `symbolStart` and `symbolEnd`, with their sizes.
    pub symbols: [Option<(Symbol, f64)>; 2],
    /// A `ReferencePoint`'s or `Callout`'s mark and label; `None` for lines and areas.
    pub point: Option<PointLook>,
}

/// How a `ReferencePoint` or `Callout` is drawn at its `x` and `y`.
#[derive(Clone)]
pub(crate) struct PointLook {
    /// `symbol` (a circle unless `none`) and `symbolSize`.
    pub symbol: Option<(Symbol, f64)>,
    /// `symbolColor`, else `color`.
    pub ink: Ink,
    pub opacity: f64,
    /// `symbolBorderColor` and `symbolBorderWidth`, as CSS.
    pub border: Option<(String, f64)>,
    /// `labelPosition`: 0 top, 1 right, 2 bottom, 3 left.
    pub side: u8,
    /// `labelWidth`: lines wrap at this width; `None` (`fit`): only at the label's own breaks.
    pub width: Option<f64>,
}

/// A mark at an end of a reference line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Symbol {
    Circle,
    Rect,
    RoundRect,
    Triangle,
    Diamond,
    Pin,
    Arrow,
}

/// A reference's label: `labelColor`, `fontSize`, `bold`, `italic`, `labelPosition`,
/// `align` and the box behind it.
#[derive(Clone)]
pub(crate) struct LabelLook {
    pub ink: Option<Ink>,
    pub size: u32,
    pub class: &'static str,
    /// Line: `aboveStart` ... `belowEnd` as (above, 0 start / 1 centre / 2 end); area: the
    /// nine places as (row, column), each 0, 1 or 2.
    pub position: Option<(u8, u8)>,
    pub align: Option<Anchor>,
    pub background: Option<LabelBox>,
}

/// `labelBackground`, `labelBackgroundColor`, `labelPadding` and the label's border.
#[derive(Clone)]
pub(crate) struct LabelBox {
    pub fill: Ink,
    pub fill_opacity: f64,
    pub padding: f64,
    pub border: Option<(Ink, u32, &'static str)>,
    /// `labelBorderRadius`: rounded corners.
    pub radius: f64,
}

/// The reference components among a chart's children; custom colours join `palette`.
pub(crate) fn resolve(ctx: &mut Ctx<'_>, chart: &Component, palette: &mut Vec<String>) -> Vec<Reference> {
    let mut out = Vec::new();
    for child in &chart.children {
        let Node::Component(c) = child else { continue };
        let (area, point) = match c.name.as_str() {
            "ReferenceLine" => (false, false),
            "ReferenceArea" => (true, false),
            "ReferencePoint" | "Callout" => (false, true),
            _ => continue,
        };
        let ink = match c.text("color").or_else(|| c.text("lineColor")).or_else(|| c.text("areaColor")) {
            Some(colour) => match escape::colour(&colour) {
                Some(ok) => {
                    palette.push(ok);
                    Ink::Series(palette.len() - 1)
                }
                None => {
                    ctx.report(
                        Problem::new(format!("`{colour}` is not a colour quire can use"), c.span_of("color"))
                            .help("write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
                    );
                    Ink::Axis
                }
            },
            // The theme's colours: the axis's for lines, the labels' (faintly) for areas,
            // the muted text's for points.
            None if area => Ink::Label,
            None if point => Ink::Tick,
            None => Ink::Axis,
        };
        let line = match c.text("lineType").as_deref() {
            Some("solid") => "solid",
            Some("dotted") => "dotted",
            _ => "dashed",
        };
        let width = c.number("lineWidth").map_or(1, |w| w.clamp(1.0, 6.0) as u32);
        let opacity = c.number("opacity").map_or(0.12, |o| o.clamp(0.02, 1.0));
        let mut look = label_look(ctx, c, area, palette);
        let point_look = point.then(|| point_look(ctx, c, ink, palette));
        if point && look.ink.is_none() && c.prop("color").is_some() {
            // A point's `color` is its label's too (`labelColor` over it).
            look.ink = Some(ink);
        }
        let border = if area { area_border(ctx, c, ink, palette) } else { None };
        // Evidence writes a line's value after its label; quire does when `hideValue=false`.
        let show_value = !area && c.flag("hideValue") == Some(false);
        let symbols =
            if area || point { [None, None] } else { [symbol(ctx, c, "symbolStart"), symbol(ctx, c, "symbolEnd")] };
        // A point has one place: `NONE` names no prop, so its second end stays empty.
        const NONE: &str = "";
        let (xs, ys): ([&str; 2], [&str; 2]) = if area {
            (["xMin", "xMax"], ["yMin", "yMax"])
        } else if point {
            (["x", NONE], ["y", NONE])
        } else {
            (["x", "x2"], ["y", "y2"])
        };
        let data = if c.prop("data").is_some() { Some(ctx.data(c)) } else { None };
        match data {
            // One reference per row, the props naming columns.
            Some(Some((query, table))) => {
                let col = |ctx: &mut Ctx<'_>, prop: &str| ctx.column_prop(c, query, table, prop);
                let xc = xs.map(|p| col(ctx, p));
                let yc = ys.map(|p| col(ctx, p));
                let lc = col(ctx, "label");
                for row in 0..table.len() {
                    let x = xc.map(|c| c.map(|c| raw(table, row, c)));
                    let y = yc.map(|c| c.and_then(|c| table.rows[row][c].as_f64()));
                    let value = show_value.then(|| line_value(&x, &y)).flatten();
                    out.push(Reference {
                        area,
                        x,
                        y,
                        label: lc.map(|l| raw(table, row, l)),
                        ink,
                        line,
                        width,
                        opacity,
                        look: look.clone(),
                        border,
                        value,
                        symbols,
                        point: point_look.clone(),
                    });
                }
            }
            Some(None) => {}
            None => {
                let y = ys.map(|p| c.number(p));
                for (p, v) in ys.iter().zip(&y) {
                    if c.prop(p).is_some() && v.is_none() {
                        ctx.report(
                            Problem::new(format!("`{p}` must be a number"), c.span_of(p))
                                .help(format!("write `{p}=100`, or read it from a query with `data=`")),
                        );
                    }
                }
                let x = xs.map(|p| c.text(p));
                if point && (x[0].is_none() || y[0].is_none()) {
                    ctx.report(
                        Problem::new(format!("`<{}>` needs an `x` and a `y`", c.name), c.name_span)
                            .help("write x='2024-01-01' y=100 (or read them from a query with `data=`)"),
                    );
                } else if x.iter().all(Option::is_none) && y.iter().all(Option::is_none) {
                    ctx.report(Problem::new(format!("`<{}>` needs a place", c.name), c.name_span).help(if area {
                        "write xMin= and xMax= (a period) or yMin= and yMax= (a band)"
                    } else {
                        "write y=100 for a horizontal line, or x='2024-01-01' for a vertical one"
                    }));
                }
                let value = show_value.then(|| line_value(&x, &y)).flatten();
                out.push(Reference {
                    area,
                    x,
                    y,
                    label: c.text("label").or_else(|| if point { slot_text(c) } else { None }),
                    ink,
                    line,
                    width,
                    opacity,
                    look,
                    border,
                    value,
                    symbols,
                    point: point_look,
                });
            }
        }
    }
    out
}

/// The text between a point's tags, as its label: a line per line, each trimmed unless
/// `preserveWhitespace`.
fn slot_text(c: &Component) -> Option<String> {
    let keep = c.flag("preserveWhitespace") == Some(true);
    let mut lines = Vec::new();
    for child in &c.children {
        if let Node::Markdown { text, .. } = child {
            for line in text.lines() {
                let line = if keep { line.trim_end_matches('\r') } else { line.trim() };
                if !line.trim().is_empty() {
                    lines.push(line.to_string());
                }
            }
        }
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A point's `symbol*` props, `labelPosition` and `labelWidth`.
fn point_look(ctx: &mut Ctx<'_>, c: &Component, ink: Ink, palette: &mut Vec<String>) -> PointLook {
    let size = number_in(ctx, c, "symbolSize", 1.0, 60.0).unwrap_or(8.0);
    let symbol = match c.text("symbol") {
        None => Some((Symbol::Circle, size)),
        Some(_) => symbol(ctx, c, "symbol").map(|(kind, _)| (kind, size)),
    };
    let ink = colour_ink(ctx, c, "symbolColor", palette).unwrap_or(ink);
    let opacity = number_in(ctx, c, "symbolOpacity", 0.0, 1.0).unwrap_or(1.0);
    let border_colour = c.text("symbolBorderColor").and_then(|t| {
        let ok = escape::colour(&t);
        if ok.is_none() {
            ctx.report(
                Problem::new(format!("`{t}` is not a colour quire can use"), c.span_of("symbolBorderColor"))
                    .help("write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
            );
        }
        ok
    });
    let border_width = number_in(ctx, c, "symbolBorderWidth", 0.0, 20.0);
    let border = match (border_colour, border_width) {
        (_, Some(w)) if w <= 0.0 => None,
        (None, None) => None,
        (colour, w) => Some((colour.unwrap_or_else(|| "currentColor".to_string()), w.unwrap_or(1.0))),
    };
    let callout = c.name == "Callout";
    let side = match c.text("labelPosition").as_deref() {
        None | Some("top") => 0,
        Some("right") => 1,
        Some("bottom") => 2,
        Some("left") => 3,
        Some(_) => 0,
    };
    let width = match c.text("labelWidth").as_deref() {
        None if callout => Some(80.0),
        None | Some("fit") => None,
        Some(w) => match w.trim().trim_end_matches("px").parse::<f64>() {
            Ok(n) if n.is_finite() && n > 0.0 => Some(n.clamp(20.0, 600.0)),
            _ => {
                ctx.report(
                    Problem::new(format!("`{w}` is not a label width"), c.span_of("labelWidth"))
                        .help("write labelWidth=fit, or a width in pixels such as labelWidth=120"),
                );
                None
            }
        },
    };
    PointLook { symbol, ink, opacity, border, side, width }
}

/// The value a line marks, as its label shows it: the y of a horizontal line, the x of a
/// vertical one; none for a sloped line (as in Evidence).
fn line_value(x: &[Option<String>; 2], y: &[Option<f64>; 2]) -> Option<String> {
    match (&x[0], y[0]) {
        (Some(_), Some(_)) => None,
        (_, Some(v)) => Some(crate::fmt::auto_number(v)),
        (Some(v), None) => Some(v.clone()),
        (None, None) => None,
    }
}

/// A colour prop of a reference, as a palette slot; `None` (and a problem) if not a colour.
fn colour_ink(ctx: &mut Ctx<'_>, c: &Component, prop: &str, palette: &mut Vec<String>) -> Option<Ink> {
    let given = c.text(prop)?;
    match escape::colour(&given) {
        Some(ok) => {
            palette.push(ok);
            Some(Ink::Series(palette.len() - 1))
        }
        None => {
            ctx.report(
                Problem::new(format!("`{given}` is not a colour quire can use"), c.span_of(prop))
                    .help("write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
            );
            None
        }
    }
}

/// A number prop from `lo` to `hi`; `None` (and a problem) if it is something else.
fn number_in(ctx: &mut Ctx<'_>, c: &Component, prop: &str, lo: f64, hi: f64) -> Option<f64> {
    c.prop(prop)?;
    match c.number(prop).filter(|n| n.is_finite()) {
        Some(n) => Some(n.clamp(lo, hi)),
        None => {
            ctx.report(
                Problem::new(format!("`{prop}` must be a number"), c.span_of(prop))
                    .help(format!("write {prop}=2, in pixels")),
            );
            None
        }
    }
}

/// `solid`, `dashed` or `dotted` from `prop`, else `default`.
fn line_kind(ctx: &mut Ctx<'_>, c: &Component, prop: &str, default: &'static str) -> &'static str {
    match c.text(prop).as_deref() {
        None => default,
        Some("solid") => "solid",
        Some("dashed") => "dashed",
        Some("dotted") => "dotted",
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a line type"), c.span_of(prop))
                    .help("use solid, dashed or dotted"),
            );
            default
        }
    }
}

fn label_look(ctx: &mut Ctx<'_>, c: &Component, area: bool, palette: &mut Vec<String>) -> LabelLook {
    let ink = colour_ink(ctx, c, "labelColor", palette);
    let size = number_in(ctx, c, "fontSize", 6.0, 48.0).map_or(LABEL.size, |n| n.round() as u32);
    let class = match (c.flag("bold") == Some(true), c.flag("italic") == Some(true)) {
        (false, false) => LABEL.class,
        (true, false) => "q-ref-bold",
        (false, true) => "q-ref-italic",
        (true, true) => "q-ref-bold q-ref-italic",
    };
    let point = matches!(c.name.as_str(), "ReferencePoint" | "Callout");
    let callout = c.name == "Callout";
    let position = c.text("labelPosition").and_then(|p| {
        let found = if point {
            ["top", "right", "bottom", "left"].iter().position(|w| *w == p).map(|i| (i as u8, 0))
        } else if area {
            ["topLeft", "top", "topRight", "left", "center", "right", "bottomLeft", "bottom", "bottomRight"]
                .iter()
                .position(|w| *w == p)
                .map(|i| ((i / 3) as u8, (i % 3) as u8))
        } else {
            ["aboveStart", "aboveCenter", "aboveEnd", "belowStart", "belowCenter", "belowEnd"]
                .iter()
                .position(|w| *w == p)
                .map(|i| ((i / 3) as u8, (i % 3) as u8))
        };
        if found.is_none() {
            ctx.report(Problem::new(format!("`{p}` is not a label position"), c.span_of("labelPosition")).help(
                if point {
                    "use top, right, bottom or left"
                } else if area {
                    "use topLeft, top, topRight, left, center, right, bottomLeft, bottom or bottomRight"
                } else {
                    "use aboveStart, aboveCenter, aboveEnd, belowStart, belowCenter or belowEnd"
                },
            ));
        }
        found
    });
    let align = match c.text("align").as_deref() {
        None => None,
        Some("left") => Some(Anchor::Start),
        Some("center") => Some(Anchor::Middle),
        Some("right") => Some(Anchor::End),
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not an alignment"), c.span_of("align"))
                    .help("use left, center or right"),
            );
            None
        }
    };
    // A box behind the label: `labelBackground` (white, half seen through, as Evidence's),
    // or any of its colour, padding and border props.
    let fill = colour_ink(ctx, c, "labelBackgroundColor", palette);
    let padding = number_in(ctx, c, "labelPadding", 0.0, 40.0);
    let border_ink = colour_ink(ctx, c, "labelBorderColor", palette);
    let border_width = number_in(ctx, c, "labelBorderWidth", 0.0, 12.0);
    let border_type = line_kind(ctx, c, "labelBorderType", "solid");
    let radius = number_in(ctx, c, "labelBorderRadius", 0.0, 30.0);
    // A Callout is a point whose label sits in a box (the page's background, a thin border,
    // rounded corners), as Evidence's.
    let wanted = callout
        || c.flag("labelBackground") == Some(true)
        || fill.is_some()
        || padding.is_some()
        || border_ink.is_some()
        || border_width.is_some_and(|w| w > 0.0)
        || c.prop("labelBorderType").is_some()
        || radius.is_some_and(|r| r > 0.0);
    let background = wanted.then(|| {
        let (fill, fill_opacity) = match fill {
            Some(ink) => (ink, 1.0),
            // The theme's background: the stylesheet fills `q-callout-box`.
            None if callout => (Ink::Grid, 1.0),
            None => {
                palette.push("#ffffff".to_string());
                (Ink::Series(palette.len() - 1), 0.7)
            }
        };
        let border = match (border_ink, border_width) {
            (_, Some(w)) if w <= 0.0 => None,
            (None, None) if callout => Some((Ink::Grid, 1, border_type)),
            (None, None) if c.prop("labelBorderType").is_none() => None,
            (ink, w) => Some((ink.unwrap_or(Ink::Axis), w.map_or(1, |w| w.round().max(1.0) as u32), border_type)),
        };
        let (pad, round) = if callout { (8.0, 4.0) } else { (2.0, 0.0) };
        LabelBox { fill, fill_opacity, padding: padding.unwrap_or(pad), border, radius: radius.unwrap_or(round) }
    });
    LabelLook { ink, size, class, position, align, background }
}

/// `symbolStart=circle` and its `symbolStartSize` (8 by default), or the end's.
fn symbol(ctx: &mut Ctx<'_>, c: &Component, prop: &str) -> Option<(Symbol, f64)> {
    let size = number_in(ctx, c, &format!("{prop}Size"), 1.0, 40.0).unwrap_or(8.0);
    let kind = match c.text(prop)?.as_str() {
        "none" => return None,
        "circle" => Symbol::Circle,
        "rect" => Symbol::Rect,
        "roundRect" => Symbol::RoundRect,
        "triangle" => Symbol::Triangle,
        "diamond" => Symbol::Diamond,
        "pin" => Symbol::Pin,
        "arrow" => Symbol::Arrow,
        other => {
            ctx.report(
                Problem::new(format!("`{other}` is not a symbol"), c.span_of(prop))
                    .help("use circle, rect, roundRect, triangle, diamond, pin, arrow or none"),
            );
            return None;
        }
    };
    Some((kind, size))
}

/// A line's end mark at `at`, the line coming from `from`.
fn draw_symbol(c: &mut Canvas, (kind, size): (Symbol, f64), at: (f64, f64), from: (f64, f64), ink: Ink, opacity: f64) {
    let r = size / 2.0;
    let (dx, dy) = (at.0 - from.0, at.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    // The line's direction at this end, pointing out of the line; right for a point.
    let (ux, uy) = if len > 0.0 { (dx / len, dy / len) } else { (1.0, 0.0) };
    let pt = |x: f64, y: f64| (px(x), px(y));
    match kind {
        Symbol::Circle => c.circle(pt(at.0, at.1), r.round().max(1.0) as u32, ink, opacity, "q-ref-symbol", ""),
        Symbol::Rect | Symbol::RoundRect => {
            c.rect(pt(at.0 - r, at.1 - r), pt(at.0 + r, at.1 + r), ink, opacity, "q-ref-symbol", "")
        }
        Symbol::Diamond => c.polygon(
            &[pt(at.0, at.1 - r), pt(at.0 + r, at.1), pt(at.0, at.1 + r), pt(at.0 - r, at.1)],
            ink,
            opacity,
            "q-ref-symbol",
            "",
        ),
        Symbol::Triangle | Symbol::Arrow => {
            // Its tip outward, along the line.
            let tip = (at.0 + ux * r, at.1 + uy * r);
            let back = (at.0 - ux * r, at.1 - uy * r);
            let w = if kind == Symbol::Arrow { r * 0.6 } else { r };
            c.polygon(
                &[pt(tip.0, tip.1), pt(back.0 - uy * w, back.1 + ux * w), pt(back.0 + uy * w, back.1 - ux * w)],
                ink,
                opacity,
                "q-ref-symbol",
                "",
            )
        }
        Symbol::Pin => {
            // A map pin: a round head above its point.
            let head = (at.0, at.1 - r * 1.2);
            c.polygon(
                &[pt(at.0, at.1), pt(head.0 - r * 0.7, head.1 + r * 0.3), pt(head.0 + r * 0.7, head.1 + r * 0.3)],
                ink,
                opacity,
                "q-ref-symbol",
                "",
            );
            c.circle(pt(head.0, head.1), (r * 0.8).round().max(1.0) as u32, ink, opacity, "q-ref-symbol", "");
        }
    }
}

/// `border=true` (or `borderColor`, `borderWidth`, `borderType`): a line around an area.
fn area_border(
    ctx: &mut Ctx<'_>,
    c: &Component,
    ink: Ink,
    palette: &mut Vec<String>,
) -> Option<(Ink, u32, &'static str)> {
    let colour = colour_ink(ctx, c, "borderColor", palette);
    let width = number_in(ctx, c, "borderWidth", 0.0, 12.0);
    let kind = line_kind(ctx, c, "borderType", "dashed");
    let wanted = match c.flag("border") {
        Some(b) => b,
        None => colour.is_some() || width.is_some() || c.prop("borderType").is_some(),
    };
    let width = width.map_or(1, |w| w.round() as u32);
    (wanted && width > 0).then_some((colour.unwrap_or(ink), width, kind))
}

fn raw(table: &Table, row: usize, col: usize) -> String {
    quire_core::inputs::raw(&table.rows[row][col], table.columns[col].ty)
}

/// Every y a reference needs the axis to show.
pub(crate) fn y_values(refs: &[Reference]) -> impl Iterator<Item = f64> + '_ {
    refs.iter().flat_map(|r| r.y.iter().flatten().copied())
}

/// Where an x value written on a reference falls: a date or number on a continuous axis,
/// a category's band otherwise.
fn x_pos(frame: &Frame, cart: &Cartesian, v: &str) -> Option<f64> {
    if frame.continuous {
        let pos = if frame.temporal {
            quire_core::time::parse_iso_date(v.get(..10).unwrap_or(v))? as f64
        } else {
            v.trim().parse().ok()?
        };
        Some(cart.px(pos))
    } else {
        let i = frame.xs.iter().position(|x| x.label == v)?;
        Some(cart.px(i as f64))
    }
}

/// Draw the references over the data, under the axis line.
pub(crate) fn draw(refs: &[Reference], frame: &Frame, cart: &Cartesian, c: &mut Canvas) {
    let (left, right) = (cart.left, cart.left + cart.width);
    let (top, bottom) = (cart.top, cart.bottom());
    let half = if frame.continuous { 0.0 } else { cart.band() / 2.0 };
    for r in refs {
        if let Some(p) = &r.point {
            draw_point(c, r, p, frame, cart);
            continue;
        }
        let class = format!("q-ref q-ref-{}", r.line);
        if r.area {
            let x0 = r.x[0].as_deref().and_then(|v| x_pos(frame, cart, v)).map_or(left, |x| x - half);
            let x1 = r.x[1].as_deref().and_then(|v| x_pos(frame, cart, v)).map_or(right, |x| x + half);
            let y0 = r.y[0].map_or(bottom, |y| cart.py(y));
            let y1 = r.y[1].map_or(top, |y| cart.py(y));
            let (xa, xb) = (x0.min(x1).max(left), x0.max(x1).min(right));
            let (ya, yb) = (y0.min(y1).max(top), y0.max(y1).min(bottom));
            if xb > xa && yb > ya {
                c.rect((px(xa), px(ya)), (px(xb), px(yb)), r.ink, r.opacity, "q-ref-area", "");
                if let Some((ink, width, kind)) = r.border {
                    let (l, t, rr, b) = (px(xa), px(ya), px(xb), px(yb));
                    let class = format!("q-ref q-ref-{kind}");
                    c.path(&[(l, t), (rr, t), (rr, b), (l, b), (l, t)], ink, width, &class, "");
                }
                if let Some(l) = &r.label {
                    let (at, anchor) = match r.look.position {
                        None => ((xa + 4.0, ya + 12.0), Anchor::Start),
                        Some((row, col)) => {
                            let y = match row {
                                0 => ya + 12.0,
                                1 => (ya + yb) / 2.0,
                                _ => yb - 8.0,
                            };
                            match col {
                                0 => ((xa + 4.0, y), Anchor::Start),
                                1 => (((xa + xb) / 2.0, y), Anchor::Middle),
                                _ => ((xb - 4.0, y), Anchor::End),
                            }
                        }
                    };
                    label(c, l, at, r.look.align.unwrap_or(anchor), &r.look);
                }
            }
            continue;
        }
        // `x` and `y` with `x2` or `y2`: a segment from (x, y) to (x2, y2), each end
        // defaulting to the start's.
        if let (Some(x), Some(y)) = (r.x[0].as_deref(), r.y[0])
            && r.x[1].is_some()
        {
            let Some(xa) = x_pos(frame, cart, x) else { continue };
            let Some(xb) = r.x[1].as_deref().and_then(|v| x_pos(frame, cart, v)) else { continue };
            let (ya, yb) = (cart.py(y), cart.py(r.y[1].unwrap_or(y)));
            c.line((px(xa), px(ya)), (px(xb), px(yb)), r.ink, r.width, &class);
            symbols(c, r, (xa, ya), (xb, yb));
            if let Some(l) = &r.label {
                let (t, anchor) = match r.look.position.map_or(2, |p| p.1) {
                    0 => (0.0, Anchor::Start),
                    1 => (0.5, Anchor::Middle),
                    _ => (1.0, Anchor::End),
                };
                let (lx, ly) = (xa + (xb - xa) * t, ya + (yb - ya) * t);
                let below = r.look.position.is_some_and(|p| p.0 == 1);
                let dy = if below { 11.0 } else { -6.0 };
                label(c, l, (lx, ly + dy), r.look.align.unwrap_or(anchor), &r.look);
            }
            continue;
        }
        let text = match (&r.label, &r.value) {
            (Some(l), Some(v)) => Some(format!("{l} ({v})")),
            (Some(l), None) => Some(l.clone()),
            (None, v) => v.clone(),
        };
        if let Some(y) = r.y[0] {
            let py = cart.py(y);
            if (top..=bottom).contains(&py) {
                c.line((px(left), px(py)), (px(right), px(py)), r.ink, r.width, &class);
                symbols(c, r, (left, py), (right, py));
                if let Some(l) = &text {
                    let ((x, anchor), dy) = match r.look.position {
                        None => ((right - 2.0, Anchor::End), -5.0),
                        Some((above, along)) => (
                            match along {
                                0 => (left + 2.0, Anchor::Start),
                                1 => ((left + right) / 2.0, Anchor::Middle),
                                _ => (right - 2.0, Anchor::End),
                            },
                            if above == 0 { -5.0 } else { 9.0 },
                        ),
                    };
                    label(c, l, (x, py + dy), r.look.align.unwrap_or(anchor), &r.look);
                }
            }
        } else if let Some(x) = r.x[0].as_deref().and_then(|v| x_pos(frame, cart, v)) {
            c.line((px(x), px(top)), (px(x), px(bottom)), r.ink, r.width, &class);
            symbols(c, r, (x, bottom), (x, top));
            if let Some(l) = &text {
                // Along a vertical line, the end is the top; above is its left side.
                let ((dx, anchor), y) = match r.look.position {
                    None => ((4.0, Anchor::Start), top + 10.0),
                    Some((above, along)) => (
                        if above == 0 { (-4.0, Anchor::End) } else { (4.0, Anchor::Start) },
                        match along {
                            0 => bottom - 8.0,
                            1 => (top + bottom) / 2.0,
                            _ => top + 10.0,
                        },
                    ),
                };
                label(c, l, (x + dx, y), r.look.align.unwrap_or(anchor), &r.look);
            }
        }
    }
}

/// A point's mark, and its label on the side `labelPosition` says, in lines (its own and
/// those `labelWidth` wraps), in a box when it has one.
fn draw_point(c: &mut Canvas, r: &Reference, p: &PointLook, frame: &Frame, cart: &Cartesian) {
    let (Some(x), Some(y)) = (r.x[0].as_deref().and_then(|v| x_pos(frame, cart, v)), r.y[0]) else { return };
    let y = cart.py(y);
    if let Some(sym) = p.symbol {
        draw_symbol(c, sym, (x, y), (x - 1.0, y), p.ink, p.opacity);
        if let Some((colour, width)) = &p.border {
            let w = crate::fmt::plain(*width, 1, false);
            c.add_to_last(&format!(" style=\"stroke:{};stroke-width:{w}px\"", escape::attr(colour)));
        }
    }
    let Some(text) = &r.label else { return };
    let look = &r.look;
    let size = f64::from(look.size);
    let lines: Vec<String> = text
        .split('\n')
        .flat_map(|l| match p.width {
            Some(w) => {
                // Wrapped, a kept indent (`preserveWhitespace`) still leads the first line.
                let mut wrapped = super::axis::wrap(l, size, w);
                let indent = &l[..l.len() - l.trim_start().len()];
                wrapped[0].insert_str(0, indent);
                wrapped
            }
            None => vec![l.to_string()],
        })
        .collect();
    let bold = if look.class.contains("q-ref-bold") { 1.1 } else { 1.0 };
    let w = lines.iter().map(|l| crate::text::width(l, size) * bold).fold(0.0, f64::max);
    let lh = (size * 1.25).round();
    let h = lh * lines.len() as f64;
    let pad = look.background.as_ref().map_or(0.0, |b| b.padding);
    let gap = p.symbol.map_or(2.0, |(_, s)| s / 2.0) + 4.0 + pad;
    // The text block's left and top, and how its lines line up.
    let (left, top, anchor) = match p.side {
        1 => (x + gap, y - h / 2.0, look.align.unwrap_or(Anchor::Start)),
        3 => (x - gap - w, y - h / 2.0, look.align.unwrap_or(Anchor::End)),
        side => {
            let top = if side == 2 { y + gap } else { y - gap - h };
            match look.align {
                Some(Anchor::Start) => (x - gap.min(8.0), top, Anchor::Start),
                Some(Anchor::End) => (x + gap.min(8.0) - w, top, Anchor::End),
                _ => (x - w / 2.0, top, Anchor::Middle),
            }
        }
    };
    if let Some(b) = &look.background {
        let (l, t) = (px(left - b.padding), px(top - b.padding));
        let (rr, btm) = (px(left + w + b.padding), px(top + h + b.padding));
        let class = if b.fill == Ink::Grid { "q-ref-label-box q-callout-box" } else { "q-ref-label-box" };
        c.rect((l, t), (rr, btm), b.fill, b.fill_opacity, class, "");
        let radius = b.radius.min(f64::from((rr - l).min(btm - t)) / 2.0);
        if radius > 0.0 {
            let rad = crate::fmt::plain(radius, 1, false);
            c.add_to_last(&format!(" rx=\"{rad}\" ry=\"{rad}\""));
        }
        if let Some((ink, width, kind)) = b.border {
            c.path(&rounded((l, t, rr, btm), radius), ink, width, &format!("q-ref q-ref-{kind}"), "");
        }
    }
    let style = TextStyle { size: look.size, ink: look.ink.unwrap_or(LABEL.ink), class: look.class };
    let tx = match anchor {
        Anchor::Start => left,
        Anchor::Middle => left + w / 2.0,
        Anchor::End => left + w,
    };
    for (i, line) in lines.iter().enumerate() {
        // SVG folds leading spaces away unless told to keep them.
        let keep = if line.starts_with(char::is_whitespace) { " style=\"white-space:pre\"" } else { "" };
        c.text_with(line, (px(tx), px(top + lh * (i as f64 + 0.5))), anchor, false, &style, keep);
    }
}

/// A line's start and end marks.
fn symbols(c: &mut Canvas, r: &Reference, start: (f64, f64), end: (f64, f64)) {
    if let Some(s) = r.symbols[0] {
        draw_symbol(c, s, start, end, r.ink, 1.0);
    }
    if let Some(s) = r.symbols[1] {
        draw_symbol(c, s, end, start, r.ink, 1.0);
    }
}

/// A reference's label at `at`, in its look: colour (`labelColor`, else the labels' ink),
/// size, weight, slant, and the box behind it.
fn label(c: &mut Canvas, text: &str, at: (f64, f64), anchor: Anchor, look: &LabelLook) {
    let style = TextStyle { size: look.size, ink: look.ink.unwrap_or(LABEL.ink), class: look.class };
    if let Some(b) = &look.background {
        // Bold text runs about a tenth wider than the estimate.
        let bold = if look.class.contains("q-ref-bold") { 1.1 } else { 1.0 };
        let w = crate::text::width(text, f64::from(look.size)) * bold;
        let h = f64::from(look.size) * 1.2;
        let x0 = match anchor {
            Anchor::Start => at.0,
            Anchor::Middle => at.0 - w / 2.0,
            Anchor::End => at.0 - w,
        };
        let (l, t) = (px(x0 - b.padding), px(at.1 - h / 2.0 - b.padding));
        let (r, btm) = (px(x0 + w + b.padding), px(at.1 + h / 2.0 + b.padding));
        c.rect((l, t), (r, btm), b.fill, b.fill_opacity, "q-ref-label-box", "");
        let radius = b.radius.min(f64::from((r - l).min(btm - t)) / 2.0);
        if radius > 0.0 {
            let rr = crate::fmt::plain(radius, 1, false);
            c.add_to_last(&format!(" rx=\"{rr}\" ry=\"{rr}\""));
        }
        if let Some((ink, width, kind)) = b.border {
            let outline = rounded((l, t, r, btm), radius);
            c.path(&outline, ink, width, &format!("q-ref q-ref-{kind}"), "");
        }
    }
    c.text(text, (px(at.0), px(at.1)), anchor, false, &style);
}

/// The outline of a box with corners rounded by `radius`, as points (a quarter circle in
/// four steps at each corner), closed.
fn rounded((l, t, r, b): (i32, i32, i32, i32), radius: f64) -> Vec<(i32, i32)> {
    if radius <= 0.0 {
        return vec![(l, t), (r, t), (r, b), (l, b), (l, t)];
    }
    let (l, t, r, b) = (f64::from(l), f64::from(t), f64::from(r), f64::from(b));
    let corners = [
        (r - radius, t + radius, -90.0),
        (r - radius, b - radius, 0.0),
        (l + radius, b - radius, 90.0),
        (l + radius, t + radius, 180.0),
    ];
    let mut out = Vec::new();
    // cos and sin of 0, 22.5, 45, 67.5 and 90 degrees, written out so that every platform
    // rounds the same points.
    const COS: [f64; 5] = [1.0, 0.923_879_532_511_286_7, std::f64::consts::FRAC_1_SQRT_2, 0.382_683_432_365_089_8, 0.0];
    for (cx, cy, from) in corners {
        for k in 0..=4 {
            // Turning a quarter from `from`: its cosine and sine from the table.
            let (c0, s0) = (COS[k], COS[4 - k]);
            let (cf, sf) = match from as i32 {
                -90 => (0.0, -1.0),
                0 => (1.0, 0.0),
                90 => (0.0, 1.0),
                _ => (-1.0, 0.0),
            };
            let (cos, sin) = (cf * c0 - sf * s0, sf * c0 + cf * s0);
            out.push((px(cx + radius * cos), px(cy + radius * sin)));
        }
    }
    out.push(out[0]);
    out
}
