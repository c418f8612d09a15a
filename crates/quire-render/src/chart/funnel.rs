//! `FunnelChart`: stages narrowing from the first, each with its share of the first.

use quire_core::{Component, Problem};

use super::plot::px;
use super::{Anchor, Canvas, Ink, LABEL, PALETTE, TICK, WIDTH};
use crate::ctx::Ctx;
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
    let (row_h, gap, label_w) = (34.0, 4.0, 170.0);
    let plot_w = f64::from(WIDTH) - label_w - 8.0;
    let height = (stages.len() as f64 * (row_h + gap) + 4.0).ceil() as u32;
    let palette: Vec<String> = PALETTE.iter().map(|s| (*s).to_string()).collect();
    let mut canvas = Canvas::new(WIDTH, height, &palette);
    let fmt_value = value_fmt.or_else(|| fmt::for_column(table, value));
    let show_percent = c.flag("showPercent").unwrap_or(true);
    for (i, (label, v)) in stages.iter().enumerate() {
        let w = if biggest > 0.0 { (v / biggest).max(0.0) * plot_w } else { 0.0 };
        let y0 = 2.0 + i as f64 * (row_h + gap);
        let cx = label_w + plot_w / 2.0;
        let shown = match &fmt_value {
            Some(f) => fmt::format_number(*v, f),
            None => fmt::auto_number(*v).trim_end_matches(".00").to_string(),
        };
        let pct = if first != 0.0 { format!(" · {:.0}%", v / first * 100.0) } else { String::new() };
        let data = super::xy::point_data(label, label, &shown);
        canvas.rect(
            (px(cx - w / 2.0), px(y0)),
            (px(cx + w / 2.0).max(px(cx - w / 2.0) + 1), px(y0 + row_h)),
            Ink::Series(i % PALETTE.len()),
            1.0,
            "q-bar",
            &data,
        );
        canvas.text(label, (px(label_w - 10.0), px(y0 + row_h / 2.0)), Anchor::End, false, &TICK);
        let text = if show_percent && i > 0 { format!("{shown}{pct}") } else { shown };
        canvas.text(&text, (px(cx), px(y0 + row_h / 2.0)), Anchor::Middle, false, &LABEL);
    }
    let aria =
        format!("Funnel of {} by {}", title_case(&table.columns[value].name), title_case(&table.columns[name].name));
    html.push_str("<div class=\"q-chart-body\">");
    html.push_str(&canvas.finish(&aria));
    html.push_str("</div>\n</figure>");
    html
}
