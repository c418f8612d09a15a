//! `<DimensionGrid>`: a table per text column of its `data`, each row a value of the column,
//! its metric and a bar as long as the metric is of the column's largest, drawn from the
//! grid's cuts query (see `quire_core::grid`). Each row is a button whose value is the
//! selection it makes; `quire.js` sends the grid's new selections when one is clicked.

use quire_core::grid::{self, Selection};
use quire_core::inputs::Input;
use quire_core::{Cell, Problem};

use crate::ctx::Ctx;
use crate::escape;
use crate::fmt;
use crate::text::{component_attrs, title_case};

pub(crate) fn grid(ctx: &mut Ctx<'_>, input: &Input<'_>) -> String {
    let c = input.component;
    let name = escape::attr(&input.name);
    let multiple = c.flag("multiple") == Some(true);
    let class = "q-input";
    let cuts_name = grid::cuts_query(&input.name);
    let mut html = format!(
        "<div {} data-input=\"{name}\"{}>",
        component_attrs(&c.name, None, class),
        if multiple { " data-multiple" } else { "" }
    );
    html.push_str(&crate::text::title_block(c, "q-dims-head"));
    // The cuts query keeps the first `limit` rows of each column; here it is checked.
    ctx.number_prop(
        c,
        "limit",
        grid::DEFAULT_LIMIT as f64,
        |n| n.fract() == 0.0 && (1.0..=grid::MAX_LIMIT as f64).contains(&n),
        "`limit` must be a whole number of rows from 1 to 1000".into(),
        "the most values each column shows: limit=10".into(),
    );
    let fmt = ctx.format_prop(c, "fmt");
    let columns_table = input.options_query().and_then(|q| ctx.result(q, c.span_of("data")));
    let cuts = ctx.result(&cuts_name, c.span_of("metric"));
    let (Some(columns_table), Some(cuts)) = (columns_table, cuts) else {
        html.push_str("</div>");
        return html;
    };
    let columns = grid::text_columns(columns_table);
    if columns.is_empty() {
        ctx.report(
            Problem::new(format!("`{}` has no text columns for the grid to show", c.data().unwrap_or_default()), c.span_of("data"))
                .help("a grid shows one table per text column; cast others to text in the query: `cast(year as varchar) as year`"),
        );
        html.push_str("</div>");
        return html;
    }
    let state = ctx.input_value(input);
    let picked = grid::selections(&state, &columns);
    let (dimension, value, metric) =
        (cuts.column_index("dimension"), cuts.column_index("value"), cuts.column_index("metric"));
    let (Some(dimension), Some(value), Some(metric)) = (dimension, value, metric) else {
        html.push_str("</div>");
        return html;
    };
    let fmt = fmt.or_else(|| fmt::for_display(cuts, metric));
    let metric_ty = cuts.columns[metric].ty;
    let label = c.text("metricLabel");
    html.push_str("<div class=\"q-dims\">");
    for column in &columns {
        let rows: Vec<&Vec<Cell>> =
            cuts.rows.iter().filter(|r| matches!(&r[dimension], Cell::Text(d) if d == column)).collect();
        let top = rows.iter().filter_map(|r| r[metric].as_f64()).filter(|v| v.is_finite()).fold(0.0_f64, f64::max);
        let heading = title_case(column);
        html.push_str(&format!(
            "<div class=\"q-dims-cut\" role=\"group\" aria-label=\"{}\"><div class=\"q-dims-colhead\"><span>{}</span>",
            escape::attr(&heading),
            escape::text(&heading)
        ));
        if let Some(l) = &label {
            html.push_str(&format!("<span>{}</span>", escape::text(l)));
        }
        html.push_str("</div>");
        if rows.is_empty() {
            html.push_str("<p class=\"q-dims-empty\">No records</p>");
        }
        for row in rows {
            let v = match &row[value] {
                Cell::Text(s) => Some(s.clone()),
                Cell::Null => None,
                other => Some(quire_core::inputs::raw(other, cuts.columns[value].ty)),
            };
            let selection = Selection { column: column.clone(), value: v.clone() };
            let pressed = picked.contains(&selection);
            let m = &row[metric];
            // Evidence shows `-` for a metric of zero or none, with no bar.
            let shown = m.as_f64().filter(|x| *x != 0.0);
            let bar = match shown {
                Some(x) if top > 0.0 && x.is_finite() => {
                    format!(" style=\"--q-bar:{}%\"", fmt::plain((x / top * 100.0).clamp(0.0, 100.0), 2, false))
                }
                _ => String::new(),
            };
            let value_html = match &v {
                Some(s) => format!("<span class=\"q-dims-value\">{}</span>", escape::text(s)),
                None => "<span class=\"q-dims-value q-dims-missing\">Missing</span>".to_string(),
            };
            let metric_text = match shown {
                Some(_) => fmt::format_cell(m, metric_ty, fmt.as_ref()),
                None => "-".to_string(),
            };
            html.push_str(&format!(
                "<button type=\"button\" class=\"q-dims-row\" value=\"{}\" aria-pressed=\"{pressed}\"{bar}>{value_html}<span class=\"q-dims-metric\">{}</span></button>",
                escape::attr(&selection.token()),
                escape::text(&metric_text)
            ));
        }
        html.push_str("</div>");
    }
    html.push_str("</div></div>");
    html
}
