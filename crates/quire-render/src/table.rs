//! `<DataTable>` with its `<Column>` children: every row is rendered (the runtime pages,
//! sorts and searches them in the browser); rows past the first page are hidden by CSS.
//! A table of more than [`MAX_ROWS_IN_PAGE`] rows writes its first page only, and all its
//! rows to a row file the runtime loads on demand, so a page stays small whatever the data.

use quire_core::{Cell, Component, Node, Problem, Table};

use crate::chart::key;
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt::{self, Format};
use crate::text::{component_attrs, title_case};

const DEFAULT_PAGE: usize = 10;

struct Col {
    index: usize,
    title: String,
    description: Option<String>,
    /// The author's format, else the column's automatic one.
    fmt: Option<Format>,
    align: Option<&'static str>,
    total: Total,
    total_fmt: Option<Format>,
    red_negatives: bool,
    is_link: bool,
}

enum Total {
    /// An aggregate: `sum`, `mean`, `count`, ...
    Agg(String),
    /// Text shown as it is.
    Text(String),
    None,
}

pub(crate) fn data_table(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some((query, table)) = ctx.data(c) else {
        return String::new();
    };
    let before = ctx.problems.len();
    let link = ctx.column_prop(c, query, table, "link");
    let cols = columns(ctx, c, query, table, link);
    let sort = sort_order(ctx, c, query, table);
    let page = match c.text("rows").as_deref() {
        Some("all") => usize::MAX,
        Some(_) => match c.number("rows") {
            Some(n) if n >= 1.0 && n.fract() == 0.0 => n as usize,
            _ => {
                ctx.report(
                    Problem::new("`rows` must be a whole number of rows per page, or `all`", c.span_of("rows"))
                        .help("write `rows=20` or `rows=all`"),
                );
                DEFAULT_PAGE
            }
        },
        None => DEFAULT_PAGE,
    };
    if ctx.problems.len() > before {
        return String::new();
    }

    let mut classes = vec!["q-table-wrap"];
    if c.flag("compact") == Some(true) {
        classes.push("q-compact");
    }
    if c.flag("rowShading") == Some(true) {
        classes.push("q-shaded");
    }
    if c.flag("rowLines") == Some(false) {
        classes.push("q-no-lines");
    }
    let mut html = format!(
        "<div {} data-page-size=\"{}\">\n",
        component_attrs("DataTable", Some(query), &classes.join(" ")),
        if page == usize::MAX { "all".to_string() } else { page.to_string() }
    );
    let head_end = html.len() - 2;
    let title = c.text("title");
    let subtitle = c.text("subtitle");
    if title.is_some() || subtitle.is_some() {
        html.push_str("<div class=\"q-table-head\">");
        if let Some(t) = &title {
            html.push_str(&format!("<p class=\"q-title\">{}</p>", escape::text(t)));
        }
        if let Some(s) = &subtitle {
            html.push_str(&format!("<p class=\"q-subtitle\">{}</p>", escape::text(s)));
        }
        html.push_str("</div>\n");
    }
    if c.flag("search") == Some(true) {
        html.push_str(
            "<div class=\"q-table-tools\"><input type=\"search\" class=\"q-table-search\" placeholder=\"Search…\" aria-label=\"Search this table\" disabled></div>\n",
        );
    }
    if table.is_empty() {
        html.push_str(&crate::chart::empty_state(c));
        html.push_str("</div>");
        return html;
    }

    let row_numbers = c.flag("rowNumbers") == Some(true);
    html.push_str("<div class=\"q-table-scroll\"><table class=\"q-table\">\n<thead><tr>");
    if row_numbers {
        html.push_str("<th class=\"q-rownum\" scope=\"col\"><span class=\"q-visually-hidden\">Row</span></th>");
    }
    for col in &cols {
        let align = cell_class(col, table);
        html.push_str(&format!(
            "<th scope=\"col\" class=\"{align}\" data-column=\"{}\"",
            escape::attr(&table.columns[col.index].name)
        ));
        if let Some(d) = &col.description {
            html.push_str(&format!(" title=\"{}\"", escape::attr(d)));
        }
        html.push_str(&format!(">{}</th>", escape::text(&col.title)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    // A table too long for the page carries its first page; every row goes to a file of
    // its own that the runtime loads when the reader sorts, searches or turns the page.
    let in_page = match ctx.row_limit() {
        Some(limit) if sort.len() > limit => Some(page.min(limit)),
        _ => None,
    };
    let mut file = in_page.map(|_| String::from("{\"rows\":["));
    for (n, &r) in sort.iter().enumerate() {
        let row = &table.rows[r];
        let href = link.and_then(|l| row[l].as_str().and_then(escape::href));
        let mut cells = Vec::with_capacity(cols.len() + 1);
        if row_numbers {
            cells.push(TableCell {
                html: format!("<td class=\"q-rownum\">{}</td>", n + 1),
                text: (n + 1).to_string(),
                value: Some((n + 1) as f64),
            });
        }
        for (i, col) in cols.iter().enumerate() {
            cells.push(cell(col, table, &row[col.index], if i == 0 { href.as_deref() } else { None }));
        }
        let open = match &href {
            Some(h) => format!(" data-href=\"{h}\""),
            None => String::new(),
        };
        if in_page.is_none_or(|shown| n < shown) {
            let hidden = if n >= page { " class=\"q-page-hidden\"" } else { "" };
            html.push_str(&format!("<tr{hidden}{open}>"));
            for c in &cells {
                html.push_str(&c.html);
            }
            html.push_str("</tr>\n");
        }
        if let Some(file) = &mut file {
            if n > 0 {
                file.push(',');
            }
            file.push_str(&row_record(&open, &cells));
        }
    }
    html.push_str("</tbody>\n");
    if c.flag("totalRow") == Some(true) {
        html.push_str(&totals(ctx, c, &cols, table, row_numbers));
    }
    html.push_str("</table></div>\n");
    if let Some(mut file) = file {
        file.push_str("]}");
        let id = ctx.row_file(file);
        html.insert_str(head_end, &format!(" data-rows=\"{ROWS_SCHEME}{id}\" data-row-count=\"{}\"", sort.len()));
    }
    if page < table.len() {
        html.push_str(&format!(
            "<div class=\"q-table-foot\"><span class=\"q-table-count\">1–{} of {}</span><span class=\"q-pager\"><button type=\"button\" class=\"q-page-prev\" aria-label=\"Previous page\" disabled>‹</button><button type=\"button\" class=\"q-page-next\" aria-label=\"Next page\" disabled>›</button></span></div>\n",
            fmt::group(&page.to_string()),
            fmt::group(&table.len().to_string())
        ));
    }
    html.push_str("</div>");
    html
}

/// The displayed columns: the `<Column>` children, or every column but the link column.
fn columns(ctx: &mut Ctx<'_>, c: &Component, query: &str, table: &Table, link: Option<usize>) -> Vec<Col> {
    let titled = c.flag("formatColumnTitles") != Some(false);
    let default_title = |i: usize| {
        if titled { title_case(&table.columns[i].name) } else { table.columns[i].name.clone() }
    };
    let children: Vec<&Component> = c
        .children
        .iter()
        .filter_map(|n| match n {
            Node::Component(ch) if ch.name == "Column" => Some(ch),
            _ => None,
        })
        .collect();
    if children.is_empty() {
        return (0..table.columns.len())
            .filter(|&i| Some(i) != link)
            .map(|index| Col {
                index,
                title: default_title(index),
                description: None,
                fmt: fmt::for_display(table, index),
                align: None,
                total: Total::None,
                total_fmt: None,
                red_negatives: false,
                is_link: false,
            })
            .collect();
    }
    let mut out = Vec::new();
    for ch in children {
        let index = ch.text("id").and_then(|id| ctx.column(query, table, &id, ch.span_of("id")));
        let fmt = ctx.format_prop(ch, "fmt");
        let total_fmt = ctx.format_prop(ch, "totalFmt");
        let align = match ch.text("align").as_deref() {
            None => None,
            Some("left") => Some("q-left"),
            Some("center") => Some("q-center"),
            Some("right") => Some("q-right"),
            Some(other) => {
                ctx.report(
                    Problem::new(format!("`{other}` is not an alignment"), ch.span_of("align"))
                        .help("use left, center or right"),
                );
                None
            }
        };
        let total = match ch.text("totalAgg") {
            None => Total::None,
            Some(a) if is_aggregate(&a) => Total::Agg(a),
            Some(text) => Total::Text(text),
        };
        let Some(index) = index else { continue };
        out.push(Col {
            index,
            title: ch.text("title").unwrap_or_else(|| default_title(index)),
            description: ch.text("description"),
            fmt: fmt.or_else(|| fmt::for_display(table, index)),
            align,
            total,
            total_fmt,
            red_negatives: ch.flag("redNegatives") == Some(true),
            is_link: ch.text("contentType").as_deref() == Some("link"),
        });
    }
    out
}

/// Row order: as the query returned them, or by `sort="column [desc]"`.
fn sort_order(ctx: &mut Ctx<'_>, c: &Component, query: &str, table: &Table) -> Vec<usize> {
    let mut order: Vec<usize> = (0..table.len()).collect();
    let Some(spec) = c.text("sort") else {
        return order;
    };
    let mut words = spec.split_whitespace();
    let Some(name) = words.next() else {
        return order;
    };
    let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a sort direction"), c.span_of("sort"))
                    .help("write `sort=\"column\"` or `sort=\"column desc\"`"),
            );
            return order;
        }
    };
    let Some(col) = ctx.column(query, table, name, c.span_of("sort")) else {
        return order;
    };
    order.sort_by(|&a, &b| {
        let ord = compare(&table.rows[a][col], &table.rows[b][col]);
        if desc { ord.reverse() } else { ord }
    });
    order
}

/// Nulls last; numbers by value; text by text.
fn compare(a: &Cell, b: &Cell) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Cell::Null, Cell::Null) => Ordering::Equal,
        (Cell::Null, _) => Ordering::Greater,
        (_, Cell::Null) => Ordering::Less,
        (Cell::Text(x), Cell::Text(y)) => x.cmp(y),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => Ordering::Equal,
        },
    }
}

fn cell_class(col: &Col, table: &Table) -> &'static str {
    col.align.unwrap_or(if table.columns[col.index].ty.is_numeric() { "q-num" } else { "q-text" })
}

/// How many rows a table may write into its page; a longer one writes its first page and
/// leaves the rest to a file (see [`crate::Rendered::row_files`]).
pub const MAX_ROWS_IN_PAGE: usize = 1000;

/// `data-rows="quire-rows:N"`: the build points it at row file `N`.
pub const ROWS_SCHEME: &str = "quire-rows:";

/// A rendered cell: its HTML, its text (for search) and its number (for sorting).
struct TableCell {
    html: String,
    text: String,
    value: Option<f64>,
}

/// One row of a row file: `[attributes of <tr>, its cells' HTML, text to search, then a
/// sort key per cell]`, the keys being what `quire.js` reads from a `<td>` in the page.
fn row_record(open: &str, cells: &[TableCell]) -> String {
    let mut html = String::new();
    let mut text = String::new();
    let mut keys = Vec::with_capacity(cells.len());
    for c in cells {
        html.push_str(&c.html);
        text.push_str(&c.text);
        keys.push(match c.value {
            Some(v) if v.is_finite() => serde_json::Value::from(v),
            _ => serde_json::Value::from(c.text.trim().to_lowercase()),
        });
    }
    let mut record = vec![serde_json::Value::from(open), html.into(), text.to_lowercase().into()];
    record.extend(keys);
    serde_json::Value::Array(record).to_string()
}

/// `href`, the row's link, is already checked and escaped.
fn cell(col: &Col, table: &Table, cell: &Cell, href: Option<&str>) -> TableCell {
    let ty = table.columns[col.index].ty;
    let text = fmt::format_cell(cell, ty, col.fmt.as_ref());
    let mut class = cell_class(col, table).to_string();
    if cell.is_null() {
        class.push_str(" q-null");
    }
    if col.red_negatives && cell.as_f64().is_some_and(|v| v < 0.0) {
        class.push_str(" q-negative");
    }
    let own_link = if col.is_link { cell.as_str().and_then(escape::href) } else { None };
    let body = match href.map(str::to_string).or(own_link) {
        Some(h) => format!("<a href=\"{h}\">{}</a>", escape::text(&text)),
        None => escape::text(&text),
    };
    // Numbers and dates carry their value, so the runtime sorts them as numbers.
    let value = match cell {
        Cell::Int(_) | Cell::Float(_) if ty != quire_core::ColumnType::Text => cell.as_f64(),
        _ => None,
    };
    let attr = value.map(|v| format!(" data-v=\"{v}\"")).unwrap_or_default();
    TableCell { html: format!("<td class=\"{class}\"{attr}>{body}</td>"), text, value }
}

fn totals(ctx: &mut Ctx<'_>, c: &Component, cols: &[Col], table: &Table, row_numbers: bool) -> String {
    let mut html = String::from("<tfoot><tr>");
    if row_numbers {
        html.push_str("<td class=\"q-rownum\"></td>");
    }
    for (i, col) in cols.iter().enumerate() {
        let ty = table.columns[col.index].ty;
        let class = cell_class(col, table);
        let agg = match &col.total {
            Total::Text(t) => {
                html.push_str(&format!("<td class=\"{class}\">{}</td>", escape::text(t)));
                continue;
            }
            Total::Agg(a) => Some(a.clone()),
            Total::None if ty.is_numeric() => Some("sum".to_string()),
            Total::None => None,
        };
        let text = match agg {
            Some(a) => match aggregate(table, col.index, &a) {
                Ok(Some(v)) if is_count(&a) => fmt::group(&fmt::plain(v, 0, false)),
                Ok(Some(v)) => {
                    let f = col.total_fmt.as_ref().or(col.fmt.as_ref());
                    fmt::format_cell(
                        &if ty == quire_core::ColumnType::Int && v.fract() == 0.0 {
                            Cell::Int(v as i64)
                        } else {
                            Cell::Float(v)
                        },
                        ty,
                        f,
                    )
                }
                Ok(None) => String::new(),
                Err(message) => {
                    ctx.report(Problem::new(message, c.span_of("totalRow")));
                    String::new()
                }
            },
            None if i == 0 => "Total".to_string(),
            None => String::new(),
        };
        html.push_str(&format!("<td class=\"{class}\">{}</td>", escape::text(&text)));
    }
    html.push_str("</tr></tfoot>\n");
    html
}

const AGGREGATES: &[&str] =
    &["sum", "mean", "avg", "average", "median", "min", "max", "count", "countDistinct", "count_distinct"];

fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name)
}

fn is_count(name: &str) -> bool {
    matches!(name, "count" | "countDistinct" | "count_distinct")
}

/// An aggregate of a column's non-null values; `Ok(None)` when there are none to aggregate.
pub(crate) fn aggregate(table: &Table, col: usize, agg: &str) -> Result<Option<f64>, String> {
    let numbers = || -> Vec<f64> {
        table.values(col).filter(|c| matches!(c, Cell::Int(_) | Cell::Float(_))).filter_map(Cell::as_f64).collect()
    };
    let v = match agg {
        "sum" => {
            let n = numbers();
            (!n.is_empty()).then(|| n.iter().sum())
        }
        "mean" | "avg" | "average" => {
            let n = numbers();
            (!n.is_empty()).then(|| n.iter().sum::<f64>() / n.len() as f64)
        }
        "median" => {
            let mut n = numbers();
            n.sort_by(f64::total_cmp);
            match n.len() {
                0 => None,
                len if len % 2 == 1 => Some(n[len / 2]),
                len => Some((n[len / 2 - 1] + n[len / 2]) / 2.0),
            }
        }
        "min" => numbers().into_iter().reduce(f64::min),
        "max" => numbers().into_iter().reduce(f64::max),
        "count" => Some(table.values(col).filter(|c| !c.is_null()).count() as f64),
        "countDistinct" | "count_distinct" => {
            let keys: std::collections::BTreeSet<String> = table.values(col).filter_map(key).collect();
            Some(keys.len() as f64)
        }
        other => {
            return Err(format!(
                "`{other}` is not an aggregate; use sum, mean, median, min, max, count or countDistinct"
            ));
        }
    };
    Ok(v)
}
