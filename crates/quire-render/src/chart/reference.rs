//! `ReferenceLine` and `ReferenceArea` inside a chart: a target, a threshold, a period to
//! look at. Values are written on the component (`y=100`, `xMin='2024-01-01'`), or read
//! from a query, one per row (`data={targets} y=target label=name`).

use quire_core::{Component, Node, Problem, Table};

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
}

/// The reference components among a chart's children; custom colours join `palette`.
pub(crate) fn resolve(ctx: &mut Ctx<'_>, chart: &Component, palette: &mut Vec<String>) -> Vec<Reference> {
    let mut out = Vec::new();
    for child in &chart.children {
        let Node::Component(c) = child else { continue };
        let area = match c.name.as_str() {
            "ReferenceLine" => false,
            "ReferenceArea" => true,
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
            // The theme's colours: the axis's for lines, the labels' (faintly) for areas.
            None if area => Ink::Label,
            None => Ink::Axis,
        };
        let line = match c.text("lineType").as_deref() {
            Some("solid") => "solid",
            Some("dotted") => "dotted",
            _ => "dashed",
        };
        let width = c.number("lineWidth").map_or(1, |w| w.clamp(1.0, 6.0) as u32);
        let opacity = c.number("opacity").map_or(0.12, |o| o.clamp(0.02, 1.0));
        let (xs, ys): ([&str; 2], [&str; 2]) =
            if area { (["xMin", "xMax"], ["yMin", "yMax"]) } else { (["x", "x2"], ["y", "y2"]) };
        let data = if c.prop("data").is_some() { Some(ctx.data(c)) } else { None };
        match data {
            // One reference per row, the props naming columns.
            Some(Some((query, table))) => {
                let col = |ctx: &mut Ctx<'_>, prop: &str| ctx.column_prop(c, query, table, prop);
                let xc = xs.map(|p| col(ctx, p));
                let yc = ys.map(|p| col(ctx, p));
                let lc = col(ctx, "label");
                for row in 0..table.len() {
                    out.push(Reference {
                        area,
                        x: xc.map(|c| c.map(|c| raw(table, row, c))),
                        y: yc.map(|c| c.and_then(|c| table.rows[row][c].as_f64())),
                        label: lc.map(|l| raw(table, row, l)),
                        ink,
                        line,
                        width,
                        opacity,
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
                if x.iter().all(Option::is_none) && y.iter().all(Option::is_none) {
                    ctx.report(Problem::new(format!("`<{}>` needs a place", c.name), c.name_span).help(if area {
                        "write xMin= and xMax= (a period) or yMin= and yMax= (a band)"
                    } else {
                        "write y=100 for a horizontal line, or x='2024-01-01' for a vertical one"
                    }));
                }
                out.push(Reference { area, x, y, label: c.text("label"), ink, line, width, opacity });
            }
        }
    }
    out
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
                if let Some(l) = &r.label {
                    c.text(l, (px(xa + 4.0), px(ya + 12.0)), Anchor::Start, false, &LABEL);
                }
            }
            continue;
        }
        if let Some(y) = r.y[0] {
            let py = cart.py(y);
            if (top..=bottom).contains(&py) {
                c.line((px(left), px(py)), (px(right), px(py)), r.ink, r.width, &class);
                if let Some(l) = &r.label {
                    c.text(l, (px(right - 2.0), px(py - 5.0)), Anchor::End, false, &LABEL);
                }
            }
        } else if let Some(x) = r.x[0].as_deref().and_then(|v| x_pos(frame, cart, v)) {
            c.line((px(x), px(top)), (px(x), px(bottom)), r.ink, r.width, &class);
            if let Some(l) = &r.label {
                c.text(l, (px(x + 4.0), px(top + 10.0)), Anchor::Start, false, &LABEL);
            }
        }
    }
}
