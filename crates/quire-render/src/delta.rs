//! A number with its direction: ▲ above `neutralMax`, ▼ below `neutralMin`, – between (or
//! when there is no number). `<Delta>` in prose and a DataTable's `contentType=delta` column
//! draw it the same way, with the same classes and stylesheet rules.

use quire_core::{Cell, Component, Problem};

use crate::ctx::Ctx;
use crate::escape;
use crate::fmt;
use crate::text::component_attrs;

pub(crate) struct Delta {
    pub down_is_good: bool,
    pub neutral_min: f64,
    pub neutral_max: f64,
    /// Drawn as a chip: a tinted, bordered box.
    pub chip: bool,
    pub symbol: bool,
    pub show_value: bool,
    /// The arrow before the value (`symbolPosition=left`) rather than after it.
    pub symbol_left: bool,
}

/// `v`'s delta, showing `text` (its formatted value) and then `after` (`<Delta text=...>`).
pub(crate) fn draw(d: &Delta, v: Option<f64>, text: &str, after: Option<&str>) -> String {
    let (class, inner) = parts(d, v, text, after);
    format!("<span class=\"q-delta {class}\">{inner}</span>")
}

/// The classes after `q-delta` (direction, mood, chip) and the inside of the span.
fn parts(d: &Delta, v: Option<f64>, text: &str, after: Option<&str>) -> (String, String) {
    let (dir, symbol) = match v {
        Some(v) if v > d.neutral_max => ("up", "▲"),
        Some(v) if v < d.neutral_min => ("down", "▼"),
        _ => ("neutral", "–"),
    };
    let mood = match (dir, d.down_is_good) {
        ("neutral", _) => "",
        ("up", false) | ("down", true) => " q-good",
        _ => " q-bad",
    };
    let chip = if d.chip { " q-chip" } else { "" };
    let value = d.show_value.then(|| escape::text(text));
    let symbol = d.symbol.then(|| format!("<span class=\"q-delta-symbol\" aria-hidden=\"true\">{symbol}</span>"));
    let mut inner: Vec<String> =
        if d.symbol_left { [symbol, value] } else { [value, symbol] }.into_iter().flatten().collect();
    if let Some(t) = after {
        inner.push(format!("<span class=\"q-delta-text\">{}</span>", escape::text(t)));
    }
    (format!("q-delta-{dir}{mood}{chip}"), inner.join(" "))
}

/// `<Delta>`: one number in a sentence with its arrow, from a query (`data`, `column`, `row`)
/// or given (`value`).
pub(crate) fn component(ctx: &mut Ctx<'_>, c: &Component) -> (String, String) {
    let d = Delta {
        down_is_good: c.flag("downIsGood") == Some(true),
        neutral_min: number(ctx, c, "neutralMin").unwrap_or(0.0),
        neutral_max: number(ctx, c, "neutralMax").unwrap_or(0.0),
        chip: c.flag("chip") == Some(true),
        symbol: c.flag("showSymbol") != Some(false),
        show_value: c.flag("showValue") != Some(false),
        symbol_left: match c.text("symbolPosition").as_deref() {
            None | Some("right") => false,
            Some("left") => true,
            Some(other) => {
                ctx.report(
                    Problem::new(format!("`{other}` is not a symbol position"), c.span_of("symbolPosition"))
                        .help("write symbolPosition=left or symbolPosition=right"),
                );
                false
            }
        },
    };
    let given = ctx.format_prop(c, "fmt");
    // From the data when there is `data` (Evidence ignores `value` then), else `value`.
    let (query, shown) = if c.prop("data").is_some() {
        let Some((query, table)) = ctx.data(c) else { return (String::new(), String::new()) };
        let col = match c.prop("column") {
            Some(_) => ctx.column_prop(c, query, table, "column"),
            None => (!table.columns.is_empty()).then_some(0),
        };
        let row = crate::value::row_prop(ctx, c);
        let (Some(col), Some(row)) = (col, row) else { return (String::new(), String::new()) };
        if table.is_empty() {
            let message = c.text("emptyMessage").unwrap_or_else(|| fmt::NULL.to_string());
            let html =
                format!("<span {}>{}</span>", component_attrs("Delta", Some(query), "q-empty"), escape::text(&message));
            return (html, message);
        }
        let Some(r) = table.rows.get(row) else {
            ctx.report(crate::value::row_out_of_range(query, row, table.len(), c.span_of("row")));
            return (String::new(), String::new());
        };
        let cell = &r[col];
        let fmt = fmt::effective(table, col, given.as_ref());
        let text = if cell.is_null() {
            fmt::NULL.to_string()
        } else {
            fmt::format_cell(cell, table.columns[col].ty, fmt.as_ref())
        };
        let v = match cell {
            Cell::Int(_) | Cell::Float(_) => cell.as_f64(),
            _ => None,
        };
        (Some(query), (v, text))
    } else if c.prop("value").is_some() {
        let Some(v) = value_prop(ctx, c) else { return (String::new(), String::new()) };
        let text = match &given {
            Some(f) => fmt::format_number(v, f),
            None => crate::eval::Val::Num(v).display(None),
        };
        (None, (Some(v), text))
    } else {
        ctx.report(
            Problem::new("`<Delta>` needs `data` or `value`", c.name_span)
                .help("name a query (`data={growth} column=change`) or give the number: `value=0.05`"),
        );
        return (String::new(), String::new());
    };
    let (v, text) = shown;
    let after = c.text("text");
    let (class, inner) = parts(&d, v, &text, after.as_deref());
    let html = format!("<span {}>{inner}</span>", component_attrs("Delta", query, &class));
    let mut plain = if d.show_value { text } else { String::new() };
    if let Some(t) = after {
        plain = if plain.is_empty() { t } else { format!("{plain} {t}") };
    }
    (html, plain)
}

/// `value=0.05`, or an expression (`value={growth[0].change}`), as a number.
fn value_prop(ctx: &mut Ctx<'_>, c: &Component) -> Option<f64> {
    let p = c.prop("value")?;
    let found = match &p.value {
        quire_core::PropValue::Number(n) => Some(*n),
        quire_core::PropValue::Query(t) | quire_core::PropValue::Expr(t) => {
            match quire_core::expr::parse(t, p.value_span.start + 1) {
                Ok(e) => {
                    let before = ctx.problems.len();
                    let v = crate::eval::eval(ctx, &e);
                    if ctx.problems.len() > before {
                        return None;
                    }
                    v.and_then(|v| v.number())
                }
                Err(problem) => {
                    ctx.report(problem);
                    return None;
                }
            }
        }
        _ => c.number("value"),
    };
    let found = found.filter(|n| n.is_finite());
    if found.is_none() {
        ctx.report(
            Problem::new("`value` must be a number", c.span_of("value"))
                .help("write `value=0.05`, or take it from a query: `data={growth} column=change`"),
        );
    }
    found
}

fn number(ctx: &mut Ctx<'_>, c: &Component, prop: &str) -> Option<f64> {
    c.prop(prop)?;
    let n = c.number(prop).filter(|n| n.is_finite());
    if n.is_none() {
        ctx.report(
            Problem::new(format!("`{prop}` must be a number"), c.span_of(prop))
                .help("changes from neutralMin to neutralMax show as neither up nor down: neutralMin=-0.02"),
        );
    }
    n
}
