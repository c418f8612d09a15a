//! `FunnelChart`: stages narrowing from the first, each with its share of the first.

use quire_core::{Component, Problem};

use super::plot::px;
use super::{Anchor, Canvas, Ink, LABEL, PALETTE, TICK, WIDTH};
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt;
use crate::text::{component_attrs, title_case};

pub(crate) fn funnel(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some((query, table)) = ctx.data(c) else { return String::new() };
    let name = ctx.column_prop(c, query, table, "nameCol");
    let value = ctx.column_prop(c, query, table, "valueCol");
    let value_fmt = ctx.format_prop(c, "valueFmt");
    let (Some(name), Some(value)) = (name, value) else { return String::new() };
    if !table.columns[value].ty.is_numeric() {
        ctx.report(
            Problem::new(
                format!("`valueCol` column `{}` is not numeric", table.columns[value].name),
                c.span_of("valueCol"),
            )
            .help("name the column holding each stage's count"),
        );
        return String::new();
    }
    let before = ctx.problems.len();
    let label_position = match c.text("labelPosition").as_deref() {
        None | Some("inside") => LabelPosition::Inside,
        Some("left") => LabelPosition::Left,
        Some("right") => LabelPosition::Right,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a label position"), c.span_of("labelPosition"))
                    .help("use inside, left or right"),
            );
            LabelPosition::Inside
        }
    };
    let align = match c.text("funnelAlign").as_deref() {
        None | Some("center") => Align::Center,
        Some("left") => Align::Left,
        Some("right") => Align::Right,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a funnel alignment"), c.span_of("funnelAlign"))
                    .help("use center, left or right"),
            );
            Align::Center
        }
    };
    let palette = palette(ctx, c);
    let outline = outline(ctx, c);
    if ctx.problems.len() > before {
        return String::new();
    }
    let mut html = format!("<figure {}>\n", component_attrs("FunnelChart", Some(query), "q-chart"));
    html.push_str(&super::caption(c));
    let mut stages: Vec<(String, f64)> = table
        .rows
        .iter()
        .filter_map(|r| {
            let label = fmt::format_cell(&r[name], table.columns[name].ty, None);
            Some((label, r[value].as_f64()?))
        })
        .collect();
    if c.text("funnelSort").as_deref() != Some("none") {
        stages.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
    if stages.is_empty() {
        html.push_str(&super::empty_state(c));
        html.push_str("</figure>");
        return html;
    }
    let first = stages[0].1;
    let biggest = stages.iter().map(|s| s.1).fold(0.0, f64::max);
    // Values beside the bars need room on that side.
    let outside = match label_position {
        LabelPosition::Inside => 0.0,
        LabelPosition::Left | LabelPosition::Right => 90.0,
    };
    let (row_h, gap, label_w) = (34.0, 4.0, 170.0);
    let plot_w = f64::from(WIDTH) - label_w - 8.0 - outside;
    let plot_x0 = label_w + if label_position == LabelPosition::Left { outside } else { 0.0 };
    let height = (stages.len() as f64 * (row_h + gap) + 4.0).ceil() as u32;
    let mut canvas_palette = palette.clone();
    let outline_ink = outline.as_ref().map(|(colour, _)| {
        canvas_palette.push(colour.clone());
        canvas_palette.len() - 1
    });
    let mut canvas = Canvas::new(WIDTH, height, &canvas_palette);
    let fmt_value = value_fmt.or_else(|| fmt::for_column(table, value));
    let show_percent = c.flag("showPercent").unwrap_or(true);
    for (i, (label, v)) in stages.iter().enumerate() {
        let w = if biggest > 0.0 { (v / biggest).max(0.0) * plot_w } else { 0.0 };
        let y0 = 2.0 + i as f64 * (row_h + gap);
        let x0 = match align {
            Align::Center => plot_x0 + (plot_w - w) / 2.0,
            Align::Left => plot_x0,
            Align::Right => plot_x0 + plot_w - w,
        };
        let cx = plot_x0 + plot_w / 2.0;
        let shown = match &fmt_value {
            Some(f) => fmt::format_number(*v, f),
            None => fmt::auto_number(*v).trim_end_matches(".00").to_string(),
        };
        let pct = if first != 0.0 { format!(" · {:.0}%", v / first * 100.0) } else { String::new() };
        let data = super::xy::point_data(label, label, &shown);
        let (l, r) = (px(x0), px(x0 + w).max(px(x0) + 1));
        canvas.rect((l, px(y0)), (r, px(y0 + row_h)), Ink::Series(i % palette.len()), 1.0, "q-bar", &data);
        if let (Some(ink), Some((_, width))) = (outline_ink, &outline) {
            let (t, b) = (px(y0), px(y0 + row_h));
            canvas.path(&[(l, t), (r, t), (r, b), (l, b), (l, t)], Ink::Series(ink), *width, "q-outline", "");
        }
        canvas.text(label, (px(label_w - 10.0), px(y0 + row_h / 2.0)), Anchor::End, false, &TICK);
        let text = if show_percent && i > 0 { format!("{shown}{pct}") } else { shown };
        let (at, anchor) = match label_position {
            LabelPosition::Inside => (px(cx), Anchor::Middle),
            LabelPosition::Left => (l - 6, Anchor::End),
            LabelPosition::Right => (r + 6, Anchor::Start),
        };
        canvas.text(&text, (at, px(y0 + row_h / 2.0)), anchor, false, &LABEL);
    }
    let aria =
        format!("Funnel of {} by {}", title_case(&table.columns[value].name), title_case(&table.columns[name].name));
    if c.flag("legend") == Some(true) {
        let names: Vec<(String, usize)> =
            stages.iter().enumerate().map(|(i, (label, _))| (label.clone(), i % palette.len())).collect();
        html.push_str(&super::legend(&names, &palette));
    }
    html.push_str("<div class=\"q-chart-body\">");
    html.push_str(&canvas.finish(&aria));
    html.push_str("</div>\n</figure>");
    html
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelPosition {
    Inside,
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Center,
    Left,
    Right,
}

/// `colorPalette={['#cf0d06', 'teal']}`: the stages' colours in turn; the built-in palette
/// without it.
pub(crate) fn palette(ctx: &mut Ctx<'_>, c: &Component) -> Vec<String> {
    let mut out = Vec::new();
    for colour in c.list("colorPalette").unwrap_or_default() {
        match escape::colour(&colour) {
            Some(ok) => out.push(ok),
            None => ctx.report(
                Problem::new(format!("`{colour}` is not a colour quire can use"), c.span_of("colorPalette"))
                    .help("write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
            ),
        }
    }
    if out.is_empty() {
        out = PALETTE.iter().map(|s| (*s).to_string()).collect();
    }
    out.truncate(255);
    out
}

/// `outlineColor` and `outlineWidth`: a border around each stage (white and 1 wide, as
/// ECharts draws it, for whichever is not given).
pub(crate) fn outline(ctx: &mut Ctx<'_>, c: &Component) -> Option<(String, u32)> {
    if c.prop("outlineColor").is_none() && c.prop("outlineWidth").is_none() {
        return None;
    }
    let colour = match c.text("outlineColor") {
        None => "#ffffff".to_string(),
        Some(t) => match escape::colour(&t) {
            Some(ok) => ok,
            None => {
                ctx.report(
                    Problem::new(format!("`{t}` is not a colour quire can use"), c.span_of("outlineColor"))
                        .help("write a colour as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
                );
                return None;
            }
        },
    };
    let width = match c.prop("outlineWidth").map(|_| c.number("outlineWidth")) {
        None => 1,
        Some(Some(w)) if w.is_finite() && w >= 0.0 => w.round().min(20.0) as u32,
        Some(_) => {
            ctx.report(
                Problem::new("`outlineWidth` must be a number from 0", c.span_of("outlineWidth"))
                    .help("the border's width in pixels: outlineWidth=2"),
            );
            return None;
        }
    };
    (width > 0).then_some((colour, width))
}
