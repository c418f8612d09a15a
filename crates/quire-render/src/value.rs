//! Single values: `{q[0].col}` expressions, `<Value>` in prose, and `<BigValue>` cards.

use quire_core::expr::Expr;
use quire_core::script::JsVal;
use quire_core::{Cell, Component, Problem, Span, Table};

use crate::chart::{Canvas, Ink, PALETTE};
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt::{self, Format};
use crate::table::aggregate;
use crate::text::{component_attrs, title_case};

/// An expression in prose: its HTML and its plain text.
pub(crate) fn expr(ctx: &mut Ctx<'_>, e: &Expr) -> (String, String) {
    let given = match e {
        Expr::Fmt { format, format_span, .. } => ctx.format(format, *format_span),
        _ => None,
    };
    // What the page's JavaScript computed shows as Svelte shows it: `String(value)`, and
    // nothing for null. quire's own expressions show cells in their columns' formats.
    let javascript = matches!(e, Expr::Js { .. })
        || e.roots().first().is_some_and(|(r, _)| ctx.script.is_some_and(|s| s.value(r).is_some()));
    let text = crate::eval::eval(ctx, e)
        .map(|v| match v.to_js() {
            JsVal::Null if javascript && given.is_none() => String::new(),
            js if javascript && given.is_none() && !matches!(js, JsVal::Date(_)) => js.text(),
            _ => v.display(given.as_ref()),
        })
        .unwrap_or_default();
    let query = e.roots().first().map_or("", |r| r.0);
    let html = format!("<span class=\"q-value\" data-query=\"{}\">{}</span>", escape::attr(query), escape::text(&text));
    (html, text)
}

pub(crate) fn row_out_of_range(query: &str, row: usize, len: usize, span: Span) -> Problem {
    let rows = if len == 1 { "1 row".to_string() } else { format!("{len} rows") };
    Problem::new(format!("row {row} is out of range: query `{query}` returned {rows}"), span)
        .help(format!("rows are counted from 0, so the last row is {}", len.saturating_sub(1)))
}

/// `<Value>`: one formatted cell (or an aggregate) inline in a sentence.
pub(crate) fn value(ctx: &mut Ctx<'_>, c: &Component) -> (String, String) {
    let Some((query, table)) = ctx.data(c) else {
        return (String::new(), String::new());
    };
    // `value` is Evidence's other name for `column`; `column` wins when both are given.
    let col = if c.prop("column").is_some() {
        ctx.column_prop(c, query, table, "column")
    } else if c.prop("value").is_some() {
        ctx.column_prop(c, query, table, "value")
    } else {
        (!table.columns.is_empty()).then_some(0)
    };
    let colour = ctx.colour_prop(c, "color");
    let given = ctx.format_prop(c, "fmt");
    let row = row_prop(ctx, c);
    let (Some(col), Some(row)) = (col, row) else {
        return (String::new(), String::new());
    };
    let fmt = fmt::effective(table, col, given.as_ref());
    let ty = table.columns[col].ty;

    let empty = || c.text("placeholder").or_else(|| c.text("emptyMessage")).unwrap_or_else(|| fmt::NULL.to_string());
    let (text, number, is_empty) = if let Some(agg) = c.text("agg") {
        match aggregate(table, col, &agg) {
            Ok(Some(v)) => {
                (fmt.as_ref().map_or_else(|| fmt::auto_number(v), |f| fmt::format_number(v, f)), Some(v), false)
            }
            Ok(None) => (empty(), None, true),
            Err(message) => {
                ctx.report(Problem::new(message, c.span_of("agg")));
                return (String::new(), String::new());
            }
        }
    } else if table.is_empty() {
        (empty(), None, true)
    } else if let Some(r) = table.rows.get(row) {
        let cell = &r[col];
        if cell.is_null() {
            (empty(), None, true)
        } else {
            (fmt::format_cell(cell, ty, fmt.as_ref()), number(cell), false)
        }
    } else {
        ctx.report(row_out_of_range(query, row, table.len(), c.span_of("row")));
        return (String::new(), String::new());
    };
    let mut class = String::new();
    if is_empty {
        class.push_str("q-empty");
    }
    if c.flag("redNegatives") == Some(true) && number.is_some_and(|n| n < 0.0) {
        class.push_str(if class.is_empty() { "q-negative" } else { " q-negative" });
    }
    let negative = class.contains("q-negative");
    // A red negative stays red, as in Evidence; `color` colours the rest.
    let style = match colour {
        Some(colour) if !negative => format!(" style=\"color:{}\"", escape::attr(&colour)),
        _ => String::new(),
    };
    let info = c.text("description").map(|d| info_icon(&d)).unwrap_or_default();
    let html =
        format!("<span {}{style}>{}{info}</span>", component_attrs("Value", Some(query), &class), escape::text(&text));
    (html, text)
}

fn number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Int(_) | Cell::Float(_) => cell.as_f64(),
        _ => None,
    }
}

/// ` ⓘ`, its title the description.
fn info_icon(description: &str) -> String {
    format!(" <span class=\"q-info\" title=\"{}\" aria-label=\"{0}\">ⓘ</span>", escape::attr(description))
}

pub(crate) fn row_prop(ctx: &mut Ctx<'_>, c: &Component) -> Option<usize> {
    // `row={i}` inside `{#each q as r, i}`, or any expression.
    let computed = match c.prop("row").map(|p| (&p.value, p.value_span)) {
        Some((quire_core::PropValue::Query(t) | quire_core::PropValue::Expr(t), span)) => {
            match quire_core::expr::parse(t, span.start + 1) {
                Ok(e) => crate::eval::eval(ctx, &e).map(|v| v.display(None).replace(',', "")),
                Err(p) => {
                    ctx.report(p);
                    return None;
                }
            }
        }
        _ => None,
    };
    if let Some(n) = computed {
        return match n.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => {
                ctx.report(
                    Problem::new("`row` must be a whole number from 0", c.span_of("row"))
                        .help("write `row=0` for the first row"),
                );
                None
            }
        };
    }
    match c.prop("row") {
        None => Some(0),
        Some(_) => match c.number("row") {
            Some(n) if n >= 0.0 && n.fract() == 0.0 => Some(n as usize),
            _ => {
                ctx.report(
                    Problem::new("`row` must be a whole number from 0", c.span_of("row"))
                        .help("write `row=0` for the first row"),
                );
                None
            }
        },
    }
}

/// `<BigValue>`: a headline number card, with an optional comparison and sparkline.
pub(crate) fn big_value(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some((query, table)) = ctx.data(c) else {
        return String::new();
    };
    let value_col = ctx.column_prop(c, query, table, "value");
    let comparison = ctx.column_prop(c, query, table, "comparison");
    let spark_date = ctx.column_prop(c, query, table, "sparkline");
    let given = ctx.format_prop(c, "fmt");
    let comparison_fmt = ctx.format_prop(c, "comparisonFmt");
    let Some(col) = value_col else {
        return String::new();
    };
    if let Some(d) = spark_date {
        let dcol = &table.columns[d];
        if !(dcol.ty.is_temporal() || dcol.ty.is_numeric()) {
            ctx.report(
                Problem::new(format!("the sparkline needs dates; `{}` holds text", dcol.name), c.span_of("sparkline"))
                    .help("name the date column the value changes over: `sparkline=month`"),
            );
            return String::new();
        }
    }
    for prop in ["neutralMin", "neutralMax"] {
        if c.prop(prop).is_some() && !c.number(prop).is_some_and(f64::is_finite) {
            ctx.report(
                Problem::new(format!("`{prop}` must be a number"), c.span_of(prop))
                    .help("changes from neutralMin to neutralMax show as neither good nor bad: neutralMin=-0.01"),
            );
            return String::new();
        }
    }
    let column = &table.columns[col];
    let title = c.text("title").unwrap_or_else(|| title_case(&column.name));
    let fmt = fmt::effective(table, col, given.as_ref());

    let mut style = String::new();
    for (prop, css) in [("minWidth", "min-width"), ("maxWidth", "max-width")] {
        if let Some(n) = c.number(prop).filter(|n| n.is_finite() && *n > 0.0) {
            style.push_str(&format!("{css}:{}px;", fmt::plain(n, 0, false)));
        }
    }
    let style = if style.is_empty() { String::new() } else { format!(" style=\"{style}\"") };
    let mut html = format!("<div {}{style}>\n", component_attrs("BigValue", Some(query), ""));
    html.push_str(&format!("<p class=\"q-bigvalue-title\">{}", escape::text(&title)));
    if let Some(d) = c.text("description") {
        html.push_str(&info_icon(&d));
    }
    html.push_str("</p>\n");

    let first = table.rows.first();
    let shown = match first.map(|r| &r[col]) {
        None | Some(Cell::Null) => None,
        Some(cell) => Some(big_text(cell, column.ty, fmt.as_ref())),
    };
    let value_html = match &shown {
        Some(t) => escape::text(t),
        None => escape::text(&c.text("emptyMessage").unwrap_or_else(|| fmt::NULL.to_string())),
    };
    let value_html = match c.text("link").as_deref().and_then(escape::href) {
        Some(href) => format!("<a href=\"{href}\">{value_html}</a>"),
        None => value_html,
    };
    html.push_str(&format!(
        "<div class=\"q-bigvalue-main\"><span class=\"q-bigvalue-value{}\">{value_html}</span>",
        if shown.is_none() { " q-empty" } else { "" }
    ));
    if let Some(d) = spark_date {
        html.push_str(&sparkline(ctx, c, table, (d, col), &title));
    }
    html.push_str("</div>\n");

    if let (Some(cmp), Some(row)) = (comparison, first) {
        let cmp_col = &table.columns[cmp];
        if let Some(delta) = number(&row[cmp]) {
            let cmp_fmt = fmt::effective(table, cmp, comparison_fmt.as_ref());
            let down_is_good = c.flag("downIsGood").unwrap_or(false);
            // Between `neutralMin` and `neutralMax` (both 0 unless given) a change is neither
            // good nor bad; Evidence tests above the top first.
            let neutral = |prop: &str| c.number(prop).filter(|n| n.is_finite()).unwrap_or(0.0);
            let (neutral_min, neutral_max) = (neutral("neutralMin"), neutral("neutralMax"));
            let (arrow, direction) = if delta > neutral_max {
                ("▲ ", "up")
            } else if delta < neutral_min {
                ("▼ ", "down")
            } else {
                ("", "flat")
            };
            let good = match direction {
                "up" => {
                    if down_is_good {
                        " q-bad"
                    } else {
                        " q-good"
                    }
                }
                "down" => {
                    if down_is_good {
                        " q-good"
                    } else {
                        " q-bad"
                    }
                }
                _ => "",
            };
            let arrow = if c.flag("comparisonDelta") == Some(false) { "" } else { arrow };
            let amount = fmt::format_cell(&Cell::Float(delta.abs()), cmp_col.ty, cmp_fmt.as_ref());
            let amount =
                if arrow.is_empty() { fmt::format_cell(&row[cmp], cmp_col.ty, cmp_fmt.as_ref()) } else { amount };
            let label = c.text("comparisonTitle").unwrap_or_else(|| title_case(&cmp_col.name));
            html.push_str(&format!(
                "<p class=\"q-bigvalue-delta q-{direction}{good}\">{}{} <span class=\"q-bigvalue-comparison\">{}</span></p>\n",
                arrow,
                escape::text(&amount),
                escape::text(&label)
            ));
        }
    }
    html.push_str("</div>");
    html
}

/// A headline number: exact when short, compact (`$1.23M`) when long.
fn big_text(cell: &Cell, ty: quire_core::ColumnType, fmt: Option<&Format>) -> String {
    match (number(cell), fmt) {
        (Some(v), None) if v.abs() >= 1e6 => fmt::compact(v, ""),
        (Some(v), Some(Format::Currency(sym))) if v.abs() >= 1e6 => fmt::compact(v, sym),
        _ => fmt::format_cell(cell, ty, fmt),
    }
}

/// `<Sparkline>`: a small trend inline in prose or a table cell.
pub(crate) fn sparkline_component(ctx: &mut Ctx<'_>, c: &Component) -> (String, String) {
    let Some((query, table)) = ctx.data(c) else { return (String::new(), String::new()) };
    let date = ctx.column_prop(c, query, table, "dateCol");
    let value = ctx.column_prop(c, query, table, "valueCol");
    let value_fmt = ctx.format_prop(c, "valueFmt");
    let date_fmt = ctx.format_prop(c, "dateFmt");
    let (Some(date), Some(value)) = (date, value) else { return (String::new(), String::new()) };
    if !table.columns[date].ty.is_temporal() && !table.columns[date].ty.is_numeric() {
        ctx.report(
            Problem::new(
                format!("the sparkline needs dates; `{}` holds text", table.columns[date].name),
                c.span_of("dateCol"),
            )
            .help("name the date column the value changes over: `dateCol=month`"),
        );
        return (String::new(), String::new());
    }
    if table.is_empty()
        && let Some(message) = c.text("emptyMessage")
    {
        let html =
            format!("<span {}>{}</span>", component_attrs("Sparkline", Some(query), "q-empty"), escape::text(&message));
        return (html, message);
    }
    let colour = c.text("color").and_then(|s| escape::colour(&s)).unwrap_or_else(|| PALETTE[0].to_string());
    let kind = c.text("type").unwrap_or_else(|| "line".into());
    let w = c.number("width").unwrap_or(120.0).clamp(24.0, 720.0);
    let h = c.number("height").unwrap_or(24.0).clamp(8.0, 200.0);
    let title = crate::text::title_case(&table.columns[value].name);
    // Evidence's sparklines answer the pointer; quire's do when asked (`interactive=true`)
    // or when given the formats of what they would say.
    let wants_tips = value_fmt.is_some() || date_fmt.is_some();
    let tips = c.flag("interactive").unwrap_or(wants_tips).then_some(Tips { value_fmt, date_fmt });
    let look = Look { kind: &kind, size: (w, h), colour: &colour, title: &title, y_scale: c.flag("yScale"), tips };
    let svg = spark(table, date, value, &look);
    let html = format!("<span {}>{svg}</span>", component_attrs("Sparkline", Some(query), ""));
    (html, String::new())
}

/// A BigValue's sparkline: `sparklineType`, `sparklineColor`, `sparklineYScale`, and the
/// tooltip formats (`fmt`, else `sparklineValueFmt`; `sparklineDateFmt`).
fn sparkline(ctx: &mut Ctx<'_>, c: &Component, table: &Table, (date, value): (usize, usize), title: &str) -> String {
    let kind = c.text("sparklineType").unwrap_or_else(|| "line".to_string());
    let colour = ctx.colour_prop(c, "sparklineColor").unwrap_or_else(|| PALETTE[0].to_string());
    let value_fmt = ctx.format_prop(c, "sparklineValueFmt");
    let date_fmt = ctx.format_prop(c, "sparklineDateFmt");
    let tips = (value_fmt.is_some() || date_fmt.is_some())
        .then(|| Tips { value_fmt: ctx.format_prop(c, "fmt").or(value_fmt), date_fmt });
    let look =
        Look { kind: &kind, size: (120.0, 32.0), colour: &colour, title, y_scale: c.flag("sparklineYScale"), tips };
    let svg = spark(table, date, value, &look);
    if svg.is_empty() {
        return svg;
    }
    format!("<span class=\"q-sparkline\">{svg}</span>")
}

/// How a sparkline is drawn.
pub(crate) struct Look<'a> {
    /// line, area or bar.
    kind: &'a str,
    size: (f64, f64),
    colour: &'a str,
    title: &'a str,
    /// `yScale`: `true` fits the value range to the data, `false` starts it at zero;
    /// unset, a line fits and areas and bars start at zero.
    y_scale: Option<bool>,
    /// Tooltips for each point, in these formats.
    tips: Option<Tips>,
}

struct Tips {
    value_fmt: Option<Format>,
    date_fmt: Option<Format>,
}

impl<'a> Look<'a> {
    /// A sparkline without tooltips (a table's sparkline column).
    pub(crate) fn new(kind: &'a str, size: (f64, f64), colour: &'a str, title: &'a str, y_scale: Option<bool>) -> Self {
        Look { kind, size, colour, title, y_scale, tips: None }
    }
}

/// A trend drawn small, without axes.
pub(crate) fn spark(table: &Table, date: usize, value: usize, look: &Look<'_>) -> String {
    let Look { kind, size: (w, h), colour, title, .. } = *look;
    let date_ty = table.columns[date].ty;
    let mut points: Vec<(f64, f64, usize)> = table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((crate::chart::x_position(&r[date], date_ty)?, number(&r[value])?, i)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if points.len() < 2 {
        return String::new();
    }
    let pad = 3.0;
    let (x0, x1) = (points[0].0, points[points.len() - 1].0);
    let (lo, hi) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let fit = look.y_scale.unwrap_or(kind == "line");
    let lo = if fit { lo } else { lo.min(0.0) };
    let hi = if look.y_scale == Some(false) { hi.max(0.0) } else { hi };
    let sx = |x: f64| {
        if x1 > x0 { pad + (x - x0) / (x1 - x0) * (w - 2.0 * pad) } else { w / 2.0 }
    };
    let sy = |y: f64| {
        if hi > lo { h - pad - (y - lo) / (hi - lo) * (h - 2.0 * pad) } else { h / 2.0 }
    };
    let palette = [colour.to_string()];
    let mut canvas = Canvas::new(w as u32, h as u32, &palette);
    let coords: Vec<(i32, i32)> = points.iter().map(|p| (sx(p.0).round() as i32, sy(p.1).round() as i32)).collect();
    // Bars and areas stand on the lowest value, or on zero with `yScale=false`.
    let base = sy(if look.y_scale == Some(false) { 0.0 } else { lo }).round() as i32;
    match kind {
        "bar" => {
            let bw = ((w - 2.0 * pad) / points.len() as f64 * 0.7).max(1.0);
            for (x, y) in &coords {
                let left = (*x as f64 - bw / 2.0).round() as i32;
                canvas.rect(
                    (left, *y.min(&base)),
                    (left + bw.round().max(1.0) as i32, *y.max(&base)),
                    Ink::Series(0),
                    1.0,
                    "",
                    "",
                );
            }
        }
        _ => {
            if kind == "area" {
                let mut outline = coords.clone();
                outline.push((coords[coords.len() - 1].0, base));
                outline.push((coords[0].0, base));
                canvas.polygon(&outline, Ink::Series(0), 0.25, "", "");
            }
            canvas.path(&coords, Ink::Series(0), 2, "q-line", "");
            if let Some(&last) = coords.last() {
                canvas.circle(last, 2, Ink::Series(0), 1.0, "", "");
            }
        }
    }
    if let Some(tips) = &look.tips {
        // An invisible band per point, its tooltip the date and the value.
        let date_fmt = tips.date_fmt.clone().or_else(|| fmt::for_column(table, date));
        let value_fmt = tips.value_fmt.clone().or_else(|| fmt::for_column(table, value));
        for (k, (x, _)) in coords.iter().enumerate() {
            let left = if k == 0 { 0 } else { (coords[k - 1].0 + x) / 2 };
            let right = if k + 1 == coords.len() { w as i32 } else { (x + coords[k + 1].0) / 2 };
            let row = &table.rows[points[k].2];
            let when = fmt::format_cell(&row[date], date_ty, date_fmt.as_ref());
            let shown = match &value_fmt {
                Some(f) => fmt::format_number(points[k].1, f),
                None => fmt::auto_number(points[k].1),
            };
            let data = format!(
                " data-series=\"{}\" data-x=\"{}\" data-y=\"{}\"",
                escape::attr(title),
                escape::attr(&when),
                escape::attr(&shown)
            );
            canvas.rect((left, 0), (right.max(left + 1), h as i32), Ink::Series(0), 0.01, "q-spark-hit", &data);
        }
    }
    canvas.finish(&format!("Trend of {title}"))
}
