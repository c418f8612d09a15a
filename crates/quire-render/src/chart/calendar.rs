//! `CalendarHeatmap`: every day of each year the data touches, a column per week (Sunday
//! on top, as ECharts' calendar draws it) and a block of rows per year, shaded by value.

use std::collections::BTreeMap;

use quire_core::{Component, Problem, PropValue};

use super::canvas::TextStyle;
use super::heatmap::{SHADES, gradient, scale_legend, shades};
use super::plot::px;
use super::{Anchor, Canvas, Ink, TICK, WIDTH};
use crate::ctx::Ctx;
use crate::fmt::{self, MONTHS, civil, days_from_civil, weekday_of};
use crate::text::{component_attrs, title_case};

const DAYS: [&str; 7] = ["S", "M", "T", "W", "T", "F", "S"];
const YEAR: TextStyle = TextStyle { size: 16, ink: Ink::Tick, class: "q-calendar-year" };
/// A day's cell, in SVG units, at most.
const CELL: f64 = 13.0;

pub(crate) fn calendar(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some((query, table)) = ctx.data(c) else { return String::new() };
    let date = ctx.column_prop(c, query, table, "date");
    let value = ctx.column_prop(c, query, table, "value");
    let value_fmt = ctx.format_prop(c, "valueFmt");
    let before = ctx.problems.len();
    let scale = colour_scale(ctx, c);
    let number = |ctx: &mut Ctx<'_>, prop: &str| {
        c.prop(prop)?;
        let n = c.number(prop).filter(|n| n.is_finite());
        if n.is_none() {
            ctx.report(Problem::new(format!("`{prop}` must be a number"), c.span_of(prop)).help(format!(
                "the value of the {} shade: {prop}=100",
                if prop == "min" { "lightest" } else { "darkest" }
            )));
        }
        n
    };
    let (min, max) = (number(ctx, "min"), number(ctx, "max"));
    let height = number(ctx, "chartAreaHeight");
    let (Some(date), Some(value)) = (date, value) else { return String::new() };
    let (date_ty, value_ty) = (table.columns[date].ty, table.columns[value].ty);
    if !date_ty.is_temporal() {
        ctx.report(
            Problem::new(
                format!("`date` column `{}` does not hold dates", table.columns[date].name),
                c.span_of("date"),
            )
            .help("name a date or timestamp column: the calendar has a cell per day"),
        );
    }
    if !value_ty.is_numeric() {
        ctx.report(
            Problem::new(format!("`value` column `{}` is not numeric", table.columns[value].name), c.span_of("value"))
                .help("the value shades each day: name a number column"),
        );
    }
    if ctx.problems.len() > before {
        return String::new();
    }
    let download = if c.flag("downloadableData") == Some(false) { " data-download=\"false\"" } else { "" };
    let image = super::image_attr(c);
    let mut html =
        format!("<figure {}{download}{image}>\n", component_attrs("CalendarHeatmap", Some(query), "q-chart"));
    html.push_str(&super::caption(c));
    // Each day's value, rows of the same day added up.
    let mut by_day: BTreeMap<i64, f64> = BTreeMap::new();
    for row in &table.rows {
        let (Some(day), Some(v)) = (super::x_position(&row[date], date_ty), row[value].as_f64()) else { continue };
        *by_day.entry(day.floor() as i64).or_default() += v;
    }
    if by_day.is_empty() {
        html.push_str(&super::empty_state(c));
        html.push_str("</figure>");
        return html;
    }
    let lo = min.unwrap_or_else(|| by_day.values().copied().fold(f64::INFINITY, f64::min));
    let hi = max.unwrap_or_else(|| by_day.values().copied().fold(f64::NEG_INFINITY, f64::max));
    let years: Vec<i64> = {
        let mut y: Vec<i64> = by_day.keys().map(|&d| civil(d).0).collect();
        y.dedup();
        y
    };
    let flag = |prop: &str| c.flag(prop).unwrap_or(true);
    let (year_label, month_label, day_label) = (flag("yearLabel"), flag("monthLabel"), flag("dayLabel"));
    let left = if year_label { 40.0 } else { 20.0 } + if day_label { 8.0 } else { 0.0 };
    let cell = ((f64::from(WIDTH) - left - 5.0) / 54.0).min(CELL);
    // Room above each year for its month names; `chartAreaHeight` spreads the years out.
    let top_gap = if month_label { 22.0 } else { 8.0 };
    let block = (top_gap + cell * 7.0 + 10.0).max(height.map_or(0.0, |h| h / years.len() as f64)).min(600.0);
    let total = (block * years.len() as f64).ceil() as u32;
    let shades: Vec<String> = match &scale {
        Some(stops) => gradient(stops, SHADES.len()),
        None => SHADES.iter().map(|s| (*s).to_string()).collect(),
    };
    let mut canvas = Canvas::new(WIDTH, total, &shades);
    let fmt_value = value_fmt.or_else(|| fmt::for_column(table, value));
    let shown = |v: f64| match &fmt_value {
        Some(f) => fmt::format_number(v, f),
        None => fmt::auto_number(v),
    };
    // `filter`: handles on the legend, which the calendar shows unless `legend=false`.
    let filter = c.flag("filter") == Some(true) && c.flag("legend") != Some(false);
    let value_name = title_case(&table.columns[value].name);
    for (yi, &year) in years.iter().enumerate() {
        let first = days_from_civil(year, 1, 1);
        let last = days_from_civil(year + 1, 1, 1) - 1;
        let y0 = block * yi as f64 + top_gap;
        // Day `d`'s week column and weekday row, Sunday first.
        let place = |d: i64| {
            let week = (d - first + weekday_of(first) as i64) / 7;
            (left + cell * week as f64, y0 + cell * weekday_of(d) as f64)
        };
        for d in first..=last {
            let (x, y) = place(d);
            let (tl, br) = ((px(x), px(y)), (px(x + cell), px(y + cell)));
            match by_day.get(&d) {
                Some(&v) => {
                    let share = if hi > lo { ((v - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.5 };
                    let shade = (share * (SHADES.len() - 1) as f64).round() as usize;
                    let data = super::xy::point_data(&value_name, &fmt::iso_date(d), &shown(v))
                        + &super::heatmap::filter_value(filter, v);
                    canvas.rect(tl, br, Ink::Series(shade), 1.0, "q-day", &data);
                }
                None => canvas.rect(tl, br, Ink::Grid, 1.0, "q-day q-day-empty", ""),
            }
        }
        // A line around each month, as ECharts draws it: down the week a month starts in,
        // stepping round its first day.
        for m in 1..=12u32 {
            let start = days_from_civil(year, m, 1);
            let (x, y) = place(start);
            let (bottom, top) = (y0 + cell * 7.0, y0);
            let pts = if y == top {
                vec![(px(x), px(bottom)), (px(x), px(top))]
            } else {
                vec![(px(x), px(bottom)), (px(x), px(y)), (px(x + cell), px(y)), (px(x + cell), px(top))]
            };
            if m > 1 {
                canvas.path(&pts, Ink::Axis, 1, "q-month-edge", "");
            }
            if month_label {
                let label_x = if y == top { x } else { x + cell };
                canvas.text(&MONTHS[m as usize - 1][..3], (px(label_x), px(top - 8.0)), Anchor::Start, false, &TICK);
            }
        }
        let (x_end, _) = place(last);
        canvas.path(&[(px(left), px(y0)), (px(x_end + cell), px(y0))], Ink::Axis, 1, "q-month-edge", "");
        canvas.path(
            &[(px(left), px(y0 + cell * 7.0)), (px(x_end + cell), px(y0 + cell * 7.0))],
            Ink::Axis,
            1,
            "q-month-edge",
            "",
        );
        if day_label {
            for (i, name) in DAYS.iter().enumerate() {
                let at = (px(left - 4.0), px(y0 + cell * (i as f64 + 0.5)));
                canvas.text(name, at, Anchor::End, false, &TextStyle { size: 9, ..TICK });
            }
        }
        if year_label {
            let (cx, cy) = (px(14.0), px(y0 + cell * 3.5));
            canvas.text(&year.to_string(), (cx, cy), Anchor::Middle, false, &YEAR);
            canvas.add_to_last(&format!(" transform=\"rotate(-90 {cx} {cy})\""));
        }
    }
    let label = format!("Calendar of {} by {}", value_name, title_case(&table.columns[date].name));
    html.push_str("<div class=\"q-chart-body\">");
    html.push_str(&canvas.finish(&label));
    html.push_str("</div>\n");
    if c.flag("legend") != Some(false) && lo.is_finite() && hi.is_finite() {
        html.push_str(&scale_legend(&shades, &shown(lo), &shown(hi), filter.then_some((lo, hi))));
    }
    html.push_str("</figure>");
    html
}

/// `colorScale={['white', 'navy']}` (or `colorPalette`, its older name), also written as
/// Evidence's pairs (`{[['rgb(254,234,159)', 'rgb(254,234,159)'], [...]]}`): the colours
/// the days shade through, lowest first.
fn colour_scale(ctx: &mut Ctx<'_>, c: &Component) -> Option<Vec<String>> {
    let prop = if c.prop("colorScale").is_some() { "colorScale" } else { "colorPalette" };
    let p = c.prop(prop)?;
    let given: Vec<String> = match &p.value {
        PropValue::Expr(t) | PropValue::Str(t) if t.contains(['\'', '"']) => quoted(t),
        _ => c.list(prop).unwrap_or_default(),
    };
    shades(ctx, c, prop, &given)
}

/// Every quoted string in `t`, in order.
fn quoted(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for (i, ch) in t.char_indices() {
        match open {
            Some((q, from)) if ch == q => {
                out.push(t[from..i].to_string());
                open = None;
            }
            None if ch == '\'' || ch == '"' => open = Some((ch, i + 1)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_strings() {
        assert_eq!(super::quoted("[['rgb(1,2,3)', \"red\"], ['x']]"), ["rgb(1,2,3)", "red", "x"]);
    }
}
