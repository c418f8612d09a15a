//! `Heatmap`: one cell per (x, y) pair, shaded by its value.

use std::collections::BTreeMap;

use quire_core::{Cell, Component, Problem, Table};

use super::canvas::TextStyle;
use super::plot::px;
use super::{Anchor, Canvas, Ink, TICK, WIDTH, distinct, key};
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt;
use crate::text::{self, component_attrs, title_case};

/// Light to dark in the accent's hue: readable on either theme, as the cells carry their
/// own colour.
pub(crate) const SHADES: [&str; 9] =
    ["#eef4fa", "#dbe8f4", "#c2d8ec", "#a3c4e2", "#80add6", "#5f95c8", "#4480b9", "#2f6ea9", "#1d5a91"];
const ON_DARK: TextStyle = TextStyle { size: 10, ink: Ink::Label, class: "q-on-dark" };
const ON_LIGHT: TextStyle = TextStyle { size: 10, ink: Ink::Label, class: "q-on-light" };
const ON_DARK_NARROW: TextStyle = TextStyle { size: 10, ink: Ink::Label, class: "q-on-dark q-narrow-only" };
const ON_LIGHT_NARROW: TextStyle = TextStyle { size: 10, ink: Ink::Label, class: "q-on-light q-narrow-only" };

pub(crate) fn heatmap(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some((query, table)) = ctx.data(c) else { return String::new() };
    let x = ctx.column_prop(c, query, table, "x");
    let y = ctx.column_prop(c, query, table, "y");
    let v = ctx.column_prop(c, query, table, "value");
    let value_fmt = ctx.format_prop(c, "valueFmt");
    let x_sort = ctx.column_prop(c, query, table, "xSort");
    let y_sort = ctx.column_prop(c, query, table, "ySort");
    let before = ctx.problems.len();
    let x_desc = descending(ctx, c, "xSortOrder");
    let y_desc = descending(ctx, c, "ySortOrder");
    let scale = colour_scale(ctx, c);
    let top_axis = match c.text("xAxisPosition").as_deref() {
        None | Some("bottom") => false,
        Some("top") => true,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not an x axis position"), c.span_of("xAxisPosition"))
                    .help("use top or bottom"),
            );
            false
        }
    };
    let area_height = match c.prop("chartAreaHeight").map(|_| c.number("chartAreaHeight")) {
        None => None,
        Some(Some(h)) if h.is_finite() && h > 0.0 => Some(h.min(4000.0)),
        Some(_) => {
            ctx.report(
                Problem::new("`chartAreaHeight` must be a positive number", c.span_of("chartAreaHeight"))
                    .help("the height of the cells together, in pixels: chartAreaHeight=300"),
            );
            None
        }
    };
    let (Some(x), Some(y), Some(v)) = (x, y, v) else { return String::new() };
    if ctx.problems.len() > before {
        return String::new();
    }
    if !table.columns[v].ty.is_numeric() {
        ctx.report(
            Problem::new(format!("`value` column `{}` is not numeric", table.columns[v].name), c.span_of("value"))
                .help("the value shades the cells: name a number column"),
        );
        return String::new();
    }
    // Evidence hides the labels on narrow screens unless `mobileValueLabels` is set; quire
    // shows them there too unless the author says `mobileValueLabels=false`.
    let mobile_labels = c.flag("mobileValueLabels");
    let class = if mobile_labels == Some(false) { "q-chart q-narrow-no-labels" } else { "q-chart" };
    // `downloadableData=false`: no CSV button (the runtime adds one to every chart).
    let download = if c.flag("downloadableData") == Some(false) { " data-download=\"false\"" } else { "" };
    let image = super::image_attr(c);
    let mut html = format!("<figure {}{download}{image}>\n", component_attrs("Heatmap", Some(query), class));
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
    let (xs, x_index) = sorted_distinct(table, x, x_sort, x_desc);
    let (ys, y_index) = sorted_distinct(table, y, y_sort, y_desc);
    let x_labels: Vec<String> = xs.iter().map(|&r| label_of(x, r)).collect();
    let y_labels: Vec<String> = ys.iter().map(|&r| label_of(y, r)).collect();
    let nulls_zero = c.flag("nullsZero") == Some(true);
    let mut cells: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for row in &table.rows {
        let (Some(xi), Some(yi)) =
            (key(&row[x]).and_then(|k| x_index.get(&k).copied()), key(&row[y]).and_then(|k| y_index.get(&k).copied()))
        else {
            continue;
        };
        match row[v].as_f64() {
            Some(val) => *cells.entry((xi, yi)).or_default() += val,
            None if nulls_zero => {
                cells.entry((xi, yi)).or_default();
            }
            None => {}
        }
    }
    if nulls_zero {
        // Every pair of an x and a y the data has: a missing one is a zero.
        for xi in 0..x_labels.len() {
            for yi in 0..y_labels.len() {
                cells.entry((xi, yi)).or_default();
            }
        }
    }
    let zero_display = c.text("zeroDisplay");
    let lo = c.number("min").unwrap_or_else(|| cells.values().copied().fold(f64::INFINITY, f64::min));
    let hi = c.number("max").unwrap_or_else(|| cells.values().copied().fold(f64::NEG_INFINITY, f64::max));
    let pad = |prop: &str| c.number(prop).filter(|n| n.is_finite()).map_or(0.0, |n| n.clamp(0.0, 300.0));
    let (left_pad, right_pad) = (pad("leftPadding"), pad("rightPadding"));
    let left = (y_labels.iter().map(|l| text::width(l, 11.0)).fold(0.0, f64::max) + 14.0).ceil() + left_pad;
    let cell_h = match area_height {
        Some(h) => (h / y_labels.len().max(1) as f64).clamp(4.0, 400.0),
        None => c.number("cellHeight").unwrap_or(30.0).clamp(12.0, 80.0),
    };
    // `xLabelRotation`: degrees anticlockwise, as ECharts turns them; the labels need
    // room to hang.
    let rotation = c.number("xLabelRotation").filter(|d| d.is_finite() && *d != 0.0).map(|d| d.clamp(-90.0, 90.0));
    let hang = rotation.map_or(28.0, |d| {
        let widest = x_labels.iter().map(|l| text::width(&text::fit(l, 11.0, 140.0), 11.0)).fold(0.0, f64::max);
        // Rounded, not ceiled: a last-bit difference in `sin` between platforms must not
        // move a pixel (the same page is drawn natively and in wasm).
        let rad = d.to_radians();
        (12.0 + widest * rad.sin().abs() + 11.0 * rad.cos().abs()).round().max(28.0)
    });
    let (top, bottom) = if top_axis { (hang, 6.0) } else { (6.0, hang) };
    let width = f64::from(WIDTH) - left - 8.0 - right_pad;
    let cell_w = width / x_labels.len().max(1) as f64;
    let height = (top + cell_h * y_labels.len() as f64 + bottom).ceil() as u32;
    let shades: Vec<String> = match &scale {
        Some(stops) => gradient(stops, SHADES.len()),
        None => SHADES.iter().map(|s| (*s).to_string()).collect(),
    };
    let mut canvas = Canvas::new(WIDTH, height, &shades);
    let fmt_value = value_fmt.or_else(|| fmt::for_column(table, v));
    // `filter`: handles on the legend (Evidence's needs `legend=true`, and so does quire's).
    let filter = c.flag("filter") == Some(true) && c.flag("legend") == Some(true);
    let labels_on = c.flag("valueLabels").unwrap_or(true);
    // Labels only for narrow screens: `valueLabels=false mobileValueLabels=true`.
    let narrow_only = !labels_on && mobile_labels == Some(true);
    let show_values = (labels_on || narrow_only) && cell_w >= 28.0;
    let inset = if c.flag("borders") == Some(false) { 0.0 } else { 1.0 };
    for ((xi, yi), val) in &cells {
        let share = if hi > lo { ((val - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.5 };
        let shade = (share * (SHADES.len() - 1) as f64).round() as usize;
        let (x0, y0) = (left + cell_w * *xi as f64, top + cell_h * *yi as f64);
        let shown = match (&zero_display, &fmt_value) {
            (Some(z), _) if *val == 0.0 => z.clone(),
            (_, Some(f)) => fmt::format_number(*val, f),
            (_, None) => fmt::auto_number(*val),
        };
        let data = super::xy::point_data(&y_labels[*yi], &x_labels[*xi], &shown) + &filter_value(filter, *val);
        canvas.rect(
            (px(x0 + inset), px(y0 + inset)),
            (px(x0 + cell_w - inset), px(y0 + cell_h - inset)),
            Ink::Series(shade),
            1.0,
            "q-cell",
            &data,
        );
        if show_values {
            let dark = match &scale {
                Some(_) => is_dark(&shades[shade]).unwrap_or(shade >= 5),
                None => shade >= 5,
            };
            let style = match (dark, narrow_only) {
                (true, false) => &ON_DARK,
                (false, false) => &ON_LIGHT,
                (true, true) => &ON_DARK_NARROW,
                (false, true) => &ON_LIGHT_NARROW,
            };
            canvas.text(&shown, (px(x0 + cell_w / 2.0), px(y0 + cell_h / 2.0)), Anchor::Middle, false, style);
        }
    }
    let grid_bottom = top + cell_h * y_labels.len() as f64;
    let y_ticks = c.flag("yTickMarks") == Some(true);
    for (i, l) in y_labels.iter().enumerate() {
        canvas.text(l, (px(left - 8.0), px(top + cell_h * (i as f64 + 0.5))), Anchor::End, false, &TICK);
    }
    if y_ticks {
        for i in 0..=y_labels.len() {
            let at = px(top + cell_h * i as f64);
            canvas.line((px(left - 5.0), at), (px(left), at), Ink::Axis, 1, "");
        }
    }
    if c.flag("xTickMarks") == Some(true) {
        let (from, to) = if top_axis { (top - 5.0, top) } else { (grid_bottom, grid_bottom + 5.0) };
        for i in 0..=x_labels.len() {
            let at = px(left + cell_w * i as f64);
            canvas.line((at, px(from)), (at, px(to)), Ink::Axis, 1, "");
        }
    }
    if let Some(deg) = rotation {
        // Turned labels need only their height between them.
        let every = (13.0 / cell_w).ceil().max(1.0) as usize;
        for (i, l) in x_labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
            let (cx, cy) =
                (px(left + cell_w * (i as f64 + 0.5)), px(if top_axis { top - 8.0 } else { grid_bottom + 8.0 }));
            // The label's end at its column, reading away from the grid.
            let anchor = if (deg > 0.0) != top_axis { Anchor::End } else { Anchor::Start };
            canvas.text(&text::fit(l, 11.0, 140.0), (cx, cy), anchor, false, &TICK);
            canvas.add_to_last(&format!(" transform=\"rotate({} {cx} {cy})\"", fmt::plain(-deg, 1, false)));
        }
    }
    let (every, lines) = super::axis::band_labels(&x_labels, cell_w, 11.0, 140.0);
    for (i, l) in lines.iter().enumerate().filter(|(i, _)| rotation.is_none() && i % every == 0) {
        if let Some(first) = l.first() {
            let cx = px(left + cell_w * (i as f64 + 0.5));
            if top_axis {
                canvas.text(first, (cx, px(top - 12.0)), Anchor::Middle, false, &TICK);
            } else {
                canvas.text(first, (cx, px(grid_bottom + 8.0)), Anchor::Middle, true, &TICK);
            }
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
    html.push_str("</div>\n");
    if c.flag("legend") == Some(true) && lo.is_finite() && hi.is_finite() {
        let shown = |n: f64| match &fmt_value {
            Some(f) => fmt::format_number(n, f),
            None => fmt::auto_number(n),
        };
        html.push_str(&scale_legend(&shades, &shown(lo), &shown(hi), filter.then_some((lo, hi))));
    }
    html.push_str("</figure>");
    html
}

/// `xSortOrder=desc`: true; `asc` or nothing: false.
fn descending(ctx: &mut Ctx<'_>, c: &Component, prop: &str) -> bool {
    match c.text(prop).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            ctx.report(Problem::new(format!("`{other}` is not a sort order"), c.span_of(prop)).help("use asc or desc"));
            false
        }
    }
}

/// Distinct values of `col` as Evidence orders them: as they come; with a sort column,
/// sorted by their own value (when it is `col`) or in the order of the rows sorted by it.
fn sorted_distinct(
    table: &Table,
    col: usize,
    sort_by: Option<usize>,
    desc: bool,
) -> (Vec<usize>, BTreeMap<String, usize>) {
    let Some(by) = sort_by else { return distinct(table, col) };
    let ordered = |a: &Cell, b: &Cell| {
        let ord = Cell::order(a, b);
        if desc && !(a.is_null() || b.is_null()) { ord.reverse() } else { ord }
    };
    let mut rows: Vec<usize> = (0..table.rows.len()).collect();
    if by != col {
        rows.sort_by(|&a, &b| ordered(&table.rows[a][by], &table.rows[b][by]));
    }
    let mut firsts: Vec<usize> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in rows {
        if let Some(k) = key(&table.rows[r][col])
            && seen.insert(k)
        {
            firsts.push(r);
        }
    }
    if by == col {
        firsts.sort_by(|&a, &b| ordered(&table.rows[a][col], &table.rows[b][col]));
    }
    let index = firsts.iter().enumerate().filter_map(|(i, &r)| Some((key(&table.rows[r][col])?, i))).collect();
    (firsts, index)
}

/// `colorScale={['white', 'navy']}` (or `colorPalette`, its older name): the colours the
/// cells shade through, lowest value first.
fn colour_scale(ctx: &mut Ctx<'_>, c: &Component) -> Option<Vec<String>> {
    let prop = if c.prop("colorScale").is_some() { "colorScale" } else { "colorPalette" };
    let list = c.list(prop)?;
    shades(ctx, c, prop, &list)
}

/// The shades of a colour scale `prop` gives: each colour checked (a problem at the prop
/// for one quire cannot use), one colour fading in from the lightest shade.
pub(super) fn shades(ctx: &mut Ctx<'_>, c: &Component, prop: &str, list: &[String]) -> Option<Vec<String>> {
    let mut stops = Vec::new();
    for colour in list {
        match escape::colour(colour) {
            Some(ok) => stops.push(ok),
            None => {
                ctx.report(
                    Problem::new(format!("`{colour}` is not a colour quire can use"), c.span_of(prop))
                        .help("write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
                );
                return None;
            }
        }
    }
    match stops.len() {
        0 => None,
        1 => Some(vec![SHADES[0].to_string(), stops.remove(0)]),
        _ => Some(stops),
    }
}

/// `n` colours evenly through `stops`: exact hex where both neighbours are hex or `rgb()`,
/// else a CSS `color-mix()` the browser works out.
pub(crate) fn gradient(stops: &[String], n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let t = if n > 1 { i as f64 / (n - 1) as f64 } else { 0.0 };
            let pos = t * (stops.len() - 1) as f64;
            let a = (pos.floor() as usize).min(stops.len() - 1);
            let b = (a + 1).min(stops.len() - 1);
            let f = pos - a as f64;
            if f < 1e-9 || a == b {
                return stops[a].clone();
            }
            match (rgb(&stops[a]), rgb(&stops[b])) {
                (Some(ca), Some(cb)) => {
                    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
                    format!("#{:02x}{:02x}{:02x}", mix(ca.0, cb.0), mix(ca.1, cb.1), mix(ca.2, cb.2))
                }
                _ => format!("color-mix(in srgb, {} {}%, {})", stops[b], fmt::plain(f * 100.0, 0, false), stops[a]),
            }
        })
        .collect()
}

/// A colour's red, green and blue, when written as `#rgb`, `#rrggbb` or `rgb(r, g, b)`.
fn rgb(colour: &str) -> Option<(u8, u8, u8)> {
    let s = colour.trim().to_ascii_lowercase();
    if let Some(hex) = s.strip_prefix('#') {
        let digit = |i: usize, len: usize| u8::from_str_radix(hex.get(i..i + len)?, 16).ok();
        return match hex.len() {
            3 => Some((digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            6 => Some((digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            _ => None,
        };
    }
    let inner = s.strip_prefix("rgb(")?.strip_suffix(')')?;
    let parts: Vec<u8> = inner.split(',').map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
    match parts[..] {
        [r, g, b] => Some((r, g, b)),
        _ => None,
    }
}

/// Whether white text reads better than dark on this colour; `None` when quire cannot tell.
fn is_dark(colour: &str) -> Option<bool> {
    let (r, g, b) = rgb(colour)?;
    let luma = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    Some(luma < 150.0)
}

/// The colour scale with its ends' values, under the cells; with `filter` (the scale's
/// numbers), two handles that dim the marks outside the range they set.
pub(crate) fn scale_legend(shades: &[String], lo: &str, hi: &str, filter: Option<(f64, f64)>) -> String {
    let stops: Vec<String> = shades.iter().map(|s| escape::attr(s)).collect();
    format!(
        "<div class=\"q-legend q-scale-legend\"><span>{}</span><span class=\"q-scale\" style=\"background:linear-gradient(90deg, {})\">{}</span><span>{}</span></div>\n",
        escape::text(lo),
        stops.join(", "),
        filter.map(|(a, b)| range_filter(a, b)).unwrap_or_default(),
        escape::text(hi)
    )
}

/// `filter=true`: two range handles over a scale from `lo` to `hi`; `quire.js` dims every
/// mark of the figure whose `data-v` falls outside them.
pub(crate) fn range_filter(lo: f64, hi: f64) -> String {
    let n = |v: f64| quire_core::script::js_number(v);
    let step = if hi > lo { n((hi - lo) / 100.0) } else { "1".to_string() };
    format!(
        "<span class=\"q-range-filter\"><input type=\"range\" class=\"q-filter-lo\" min=\"{lo}\" max=\"{hi}\" step=\"{step}\" value=\"{lo}\" aria-label=\"Lowest value shown\"><input type=\"range\" class=\"q-filter-hi\" min=\"{lo}\" max=\"{hi}\" step=\"{step}\" value=\"{hi}\" aria-label=\"Highest value shown\"></span>",
        lo = n(lo),
        hi = n(hi)
    )
}

/// `filter=true`: the value a mark is kept or dimmed by.
pub(crate) fn filter_value(filter: bool, v: f64) -> String {
    if filter { format!(" data-v=\"{}\"", quire_core::script::js_number(v)) } else { String::new() }
}
