//! `Heatmap`: one cell per (x, y) pair, shaded by its value.

use std::collections::BTreeMap;

use quire_core::{Component, Problem};

use super::canvas::TextStyle;
use super::plot::px;
use super::{Anchor, Canvas, Ink, TICK, WIDTH, distinct, key};
use crate::ctx::Ctx;
use crate::fmt;
use crate::text::{self, component_attrs, title_case};

/// Light to dark in the accent's hue: readable on either theme, as the cells carry their
/// own colour.
const SHADES: [&str; 9] =
    ["#eef4fa", "#dbe8f4", "#c2d8ec", "#a3c4e2", "#80add6", "#5f95c8", "#4480b9", "#2f6ea9", "#1d5a91"];
const ON_DARK: TextStyle = TextStyle { size: 10, ink: Ink::Label, class: "q-on-dark" };
const ON_LIGHT: TextStyle = TextStyle { size: 10, ink: Ink::Label, class: "q-on-light" };

pub(crate) fn heatmap(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some((query, table)) = ctx.data(c) else { return String::new() };
    let x = ctx.column_prop(c, query, table, "x");
    let y = ctx.column_prop(c, query, table, "y");
    let v = ctx.column_prop(c, query, table, "value");
    let value_fmt = ctx.format_prop(c, "valueFmt");
    let (Some(x), Some(y), Some(v)) = (x, y, v) else { return String::new() };
    if !table.columns[v].ty.is_numeric() {
        ctx.report(
            Problem::new(format!("`value` column `{}` is not numeric", table.columns[v].name), c.span_of("value"))
                .help("the value shades the cells: name a number column"),
        );
        return String::new();
    }
    let mut html = format!("<figure {}>\n", component_attrs("Heatmap", Some(query), "q-chart"));
    html.push_str(&super::caption(c));
    if table.is_empty() {
        html.push_str(&super::empty_state(c));
        html.push_str("</figure>");
        return html;
    }
    let label_of = |col: usize, row: usize| {
        let f = fmt::for_column(table, col);
        fmt::format_cell(&table.rows[row][col], table.columns[col].ty, f.as_ref())
    };
    let (xs, x_index) = distinct(table, x);
    let (ys, y_index) = distinct(table, y);
    let x_labels: Vec<String> = xs.iter().map(|&r| label_of(x, r)).collect();
    let y_labels: Vec<String> = ys.iter().map(|&r| label_of(y, r)).collect();
    let mut cells: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for row in &table.rows {
        let (Some(xi), Some(yi)) =
            (key(&row[x]).and_then(|k| x_index.get(&k).copied()), key(&row[y]).and_then(|k| y_index.get(&k).copied()))
        else {
            continue;
        };
        if let Some(val) = row[v].as_f64() {
            *cells.entry((xi, yi)).or_default() += val;
        }
    }
    let lo = c.number("min").unwrap_or_else(|| cells.values().copied().fold(f64::INFINITY, f64::min));
    let hi = c.number("max").unwrap_or_else(|| cells.values().copied().fold(f64::NEG_INFINITY, f64::max));
    let left = (y_labels.iter().map(|l| text::width(l, 11.0)).fold(0.0, f64::max) + 14.0).ceil();
    let cell_h = c.number("cellHeight").unwrap_or(30.0).clamp(12.0, 80.0);
    let (top, bottom) = (6.0, 28.0);
    let width = f64::from(WIDTH) - left - 8.0;
    let cell_w = width / x_labels.len().max(1) as f64;
    let height = (top + cell_h * y_labels.len() as f64 + bottom).ceil() as u32;
    let palette: Vec<String> = SHADES.iter().map(|s| (*s).to_string()).collect();
    let mut canvas = Canvas::new(WIDTH, height, &palette);
    let fmt_value = value_fmt.or_else(|| fmt::for_column(table, v));
    let show_values = c.flag("valueLabels").unwrap_or(true) && cell_w >= 28.0;
    for ((xi, yi), val) in &cells {
        let share = if hi > lo { ((val - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.5 };
        let shade = (share * (SHADES.len() - 1) as f64).round() as usize;
        let (x0, y0) = (left + cell_w * *xi as f64, top + cell_h * *yi as f64);
        let shown = match &fmt_value {
            Some(f) => fmt::format_number(*val, f),
            None => fmt::auto_number(*val),
        };
        let data = super::xy::point_data(&y_labels[*yi], &x_labels[*xi], &shown);
        canvas.rect(
            (px(x0 + 1.0), px(y0 + 1.0)),
            (px(x0 + cell_w - 1.0), px(y0 + cell_h - 1.0)),
            Ink::Series(shade),
            1.0,
            "q-cell",
            &data,
        );
        if show_values {
            let style = if shade >= 5 { &ON_DARK } else { &ON_LIGHT };
            canvas.text(&shown, (px(x0 + cell_w / 2.0), px(y0 + cell_h / 2.0)), Anchor::Middle, false, style);
        }
    }
    for (i, l) in y_labels.iter().enumerate() {
        canvas.text(l, (px(left - 8.0), px(top + cell_h * (i as f64 + 0.5))), Anchor::End, false, &TICK);
    }
    let (every, lines) = super::axis::band_labels(&x_labels, cell_w, 11.0, 140.0);
    for (i, l) in lines.iter().enumerate().filter(|(i, _)| i % every == 0) {
        if let Some(first) = l.first() {
            canvas.text(
                first,
                (px(left + cell_w * (i as f64 + 0.5)), px(top + cell_h * y_labels.len() as f64 + 8.0)),
                Anchor::Middle,
                true,
                &TICK,
            );
        }
    }
    let label = format!(
        "Heatmap of {} by {} and {}",
        title_case(&table.columns[v].name),
        title_case(&table.columns[x].name),
        title_case(&table.columns[y].name)
    );
    html.push_str("<div class=\"q-chart-body\">");
    html.push_str(&canvas.finish(&label));
    html.push_str("</div>\n</figure>");
    html
}
