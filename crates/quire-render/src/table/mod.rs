//! `<DataTable>` with its `<Column>` children: every row is rendered (the runtime pages,
//! sorts and searches them in the browser); rows past the first page are hidden by CSS.
//! A table of more than [`MAX_ROWS_IN_PAGE`] rows writes its first page only, and all its
//! rows to a row file the runtime loads on demand, so a page stays small whatever the data.
//! `groupBy` tables ([`groups`]) show every row in their groups instead; [`content`] draws
//! the cells a `contentType` asks for.

mod content;
mod groups;
pub(crate) mod scale;

use std::collections::BTreeMap;

use quire_core::{Cell, Component, Node, Problem, Table};

use self::content::Content;
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
    subtotal_fmt: Option<Format>,
    red_negatives: bool,
    content: Content,
    /// The author's `fmt`, which wins over `fmtColumn`.
    fmt_given: bool,
    /// `fmtColumn`: a column of format codes, one per row, parsed.
    fmt_column: Option<(usize, BTreeMap<String, Format>)>,
    /// `weightCol`, for `totalAgg=weightedMean`.
    weight: Option<usize>,
    col_group: Option<String>,
    wrap: bool,
    wrap_title: bool,
}

impl Col {
    fn plain(index: usize, title: String, fmt: Option<Format>) -> Col {
        Col {
            index,
            title,
            description: None,
            fmt,
            align: None,
            total: Total::None,
            total_fmt: None,
            subtotal_fmt: None,
            red_negatives: false,
            content: Content::Plain,
            fmt_given: false,
            fmt_column: None,
            weight: None,
            col_group: None,
            wrap: false,
            wrap_title: false,
        }
    }

    /// The format of this column's cell in `row`: `fmt`, else the row's `fmtColumn` code,
    /// else the column's own.
    fn format_for<'a>(&'a self, row: &[Cell]) -> Option<&'a Format> {
        if !self.fmt_given
            && let Some((c, codes)) = &self.fmt_column
            && let Some(f) = row[*c].as_str().and_then(|code| codes.get(code))
        {
            return Some(f);
        }
        self.fmt.as_ref()
    }
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
    let mut cols = columns(ctx, c, query, table, link);
    let (sort, sorted_by) = sort_order(ctx, c, query, table);
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
    let grouping = groups::read(ctx, c, query, table);
    if let Some(g) = &grouping
        && let Some(at) = cols.iter().position(|col| col.index == g.col)
    {
        let col = cols.remove(at);
        cols.insert(0, col);
    }
    let head_style = style(ctx, c, "headerColor", "headerFontColor");
    let total_style = style(ctx, c, "totalRowColor", "totalFontColor");
    let background = content::colour(ctx, c, "backgroundColor");
    if ctx.problems.len() > before {
        return String::new();
    }
    // A grouped table shows every row, in its groups.
    let page = if grouping.is_some() { usize::MAX } else { page };

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
    if c.flag("wrapTitles") == Some(true) {
        classes.push("q-wrap-titles");
    }
    let mut extra = String::new();
    if let Some(g) = &grouping {
        extra.push_str(if g.section { " data-grouped=\"section\"" } else { " data-grouped=\"accordion\"" });
    }
    if c.flag("sortable") == Some(false) {
        extra.push_str(" data-sortable=\"false\"");
    }
    if c.flag("downloadable") == Some(false) {
        extra.push_str(" data-download=\"false\"");
    }
    let mut html = format!(
        "<div {} data-page-size=\"{}\"{extra}>\n",
        component_attrs("DataTable", Some(query), &classes.join(" ")),
        if page == usize::MAX { "all".to_string() } else { page.to_string() }
    );
    let head_end = html.len() - 2 - extra.len();
    let head = crate::text::title_block(c, "q-table-head");
    if !head.is_empty() {
        html.push_str(&head);
        html.push('\n');
    }
    if c.flag("search") == Some(true) {
        html.push_str(
            "<div class=\"q-table-tools\"><input type=\"search\" class=\"q-table-search\" placeholder=\"Search…\" aria-label=\"Search this table\" disabled></div>\n",
        );
    }
    if table.is_empty() {
        html.push_str(&crate::chart::empty_state(c));
        html.push_str(&generated_markdown(c, query, table));
        html.push_str("</div>");
        return html;
    }

    // Sections merge the group's cells: a row number would not say which row is which.
    let row_numbers = c.flag("rowNumbers") == Some(true) && !grouping.as_ref().is_some_and(|g| g.section);
    match &background {
        Some(b) => html.push_str(&format!("<div class=\"q-table-scroll\" style=\"background-color:{b}\">")),
        None => html.push_str("<div class=\"q-table-scroll\">"),
    }
    html.push_str("<table class=\"q-table\">\n<thead>");
    html.push_str(&column_groups(&cols, row_numbers, &head_style));
    html.push_str("<tr>");
    if row_numbers {
        html.push_str(&format!(
            "<th class=\"q-rownum\" scope=\"col\"{head_style}><span class=\"q-visually-hidden\">Row</span></th>"
        ));
    }
    for col in &cols {
        let align = cell_class(col, table);
        let wrap = if col.wrap_title { " q-wrap" } else { "" };
        html.push_str(&format!(
            "<th scope=\"col\" class=\"{align}{wrap}\" data-column=\"{}\"",
            escape::attr(&table.columns[col.index].name)
        ));
        if let Some(d) = &col.description {
            html.push_str(&format!(" title=\"{}\"", escape::attr(d)));
        }
        html.push_str(&format!("{head_style}>{}</th>", escape::text(&col.title)));
    }
    html.push_str("</tr></thead>\n");
    let mut file = None;
    if let Some(g) = &grouping {
        let body = groups::Body { cols: &cols, table, link, row_numbers };
        html.push_str(&groups::body(ctx, c, g, &body, &sort, sorted_by));
    } else {
        html.push_str("<tbody>\n");
        // A table too long for the page carries its first page; every row goes to a file of
        // its own that the runtime loads when the reader sorts, searches or turns the page.
        let in_page = match ctx.row_limit() {
            Some(limit) if sort.len() > limit => Some(page.min(limit)),
            _ => None,
        };
        file = in_page.map(|_| String::from("{\"rows\":["));
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
                cells.push(cell(col, table, row, if i == 0 { href.as_deref() } else { None }));
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
    }
    if c.flag("totalRow") == Some(true) {
        html.push_str(&totals(ctx, c, &cols, table, row_numbers, &total_style));
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
    html.push_str(&generated_markdown(c, query, table));
    html.push_str("</div>");
    html
}

/// ` style="background-color:…;color:…"` from a fill and an ink prop, or nothing.
fn style(ctx: &mut Ctx<'_>, c: &Component, fill: &str, ink: &str) -> String {
    let mut parts = Vec::new();
    if let Some(f) = content::colour(ctx, c, fill) {
        parts.push(format!("background-color:{f}"));
    }
    if let Some(i) = content::colour(ctx, c, ink) {
        parts.push(format!("color:{i}"));
    }
    if parts.is_empty() { String::new() } else { format!(" style=\"{}\"", parts.join(";")) }
}

/// The header row above the titles that names each run of columns sharing a `colGroup`.
fn column_groups(cols: &[Col], row_numbers: bool, head_style: &str) -> String {
    if cols.iter().all(|c| c.col_group.is_none()) {
        return String::new();
    }
    let mut html = String::from("<tr class=\"q-colgroups\">");
    if row_numbers {
        html.push_str(&format!("<th class=\"q-rownum\"{head_style}></th>"));
    }
    let mut i = 0;
    while i < cols.len() {
        let group = &cols[i].col_group;
        let run = cols[i..].iter().take_while(|c| &c.col_group == group).count();
        match group {
            Some(g) => html.push_str(&format!(
                "<th scope=\"colgroup\" colspan=\"{run}\" class=\"q-colgroup\"{head_style}>{}</th>",
                escape::text(g)
            )),
            None => {
                for _ in 0..run {
                    html.push_str(&format!("<th class=\"q-colgroup-none\"{head_style}></th>"));
                }
            }
        }
        i += run;
    }
    html.push_str("</tr>\n");
    html
}

/// `generateMarkdown`: the `<DataTable>` with a `<Column>` for each of the query's columns,
/// to copy into the page and edit.
fn generated_markdown(c: &Component, query: &str, table: &Table) -> String {
    if c.flag("generateMarkdown") != Some(true) {
        return String::new();
    }
    let mut md = format!("<DataTable data={{{query}}}>\n");
    for col in &table.columns {
        let id = if col.name.contains(char::is_whitespace) { format!("'{}'", col.name) } else { col.name.clone() };
        md.push_str(&format!("   <Column id={id}/>\n"));
    }
    md.push_str("</DataTable>");
    format!("<pre class=\"q-generated-markdown\"><code>{}</code></pre>\n", escape::text(&md))
}

/// The displayed columns: the `<Column>` children, or every column (but the link column,
/// unless `showLinkCol`). A `groupBy` column comes first.
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
        let show_link = c.flag("showLinkCol") == Some(true);
        return (0..table.columns.len())
            .filter(|&i| show_link || Some(i) != link)
            .map(|index| Col::plain(index, default_title(index), fmt::for_display(table, index)))
            .collect();
    }
    let mut out = Vec::new();
    for ch in children {
        let index = ch.text("id").and_then(|id| ctx.column(query, table, &id, ch.span_of("id")));
        let given = ctx.format_prop(ch, "fmt");
        let total_fmt = ctx.format_prop(ch, "totalFmt");
        let subtotal_fmt = ctx.format_prop(ch, "subtotalFmt");
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
        let weight = ctx.column_prop(ch, query, table, "weightCol");
        if let Some(w) = weight
            && !table.columns[w].ty.is_numeric()
        {
            ctx.report(
                Problem::new(
                    format!("`weightCol` column `{}` is not numeric", table.columns[w].name),
                    ch.span_of("weightCol"),
                )
                .help("the weights of a weighted mean are numbers: name a number column"),
            );
        }
        let fmt_column = ctx.column_prop(ch, query, table, "fmtColumn").map(|fc| (fc, row_formats(ctx, ch, table, fc)));
        let Some(index) = index else { continue };
        let content = content::content(ctx, ch, query, table, index);
        out.push(Col {
            index,
            title: ch.text("title").unwrap_or_else(|| default_title(index)),
            description: ch.text("description"),
            fmt_given: given.is_some(),
            fmt: given.or_else(|| fmt::for_display(table, index)),
            align,
            total,
            total_fmt,
            subtotal_fmt,
            red_negatives: ch.flag("redNegatives") == Some(true),
            content,
            fmt_column,
            weight,
            col_group: ch.text("colGroup").filter(|g| !g.is_empty()),
            wrap: ch.flag("wrap") == Some(true),
            wrap_title: ch.flag("wrapTitle") == Some(true),
        });
    }
    out
}

/// The format codes in a `fmtColumn`, parsed; a code that does not parse is a problem at
/// the prop, so no row shows a number in a format nobody asked for.
fn row_formats(ctx: &mut Ctx<'_>, ch: &Component, table: &Table, fc: usize) -> BTreeMap<String, Format> {
    let mut out = BTreeMap::new();
    for code in table.values(fc).filter_map(Cell::as_str) {
        if out.contains_key(code) {
            continue;
        }
        match fmt::parse(code) {
            Ok(f) => {
                out.insert(code.to_string(), f);
            }
            Err(message) => {
                ctx.report(
                    Problem::new(
                        format!("`fmtColumn` holds `{code}`, which is not a format: {message}"),
                        ch.span_of("fmtColumn"),
                    )
                    .help("each row of the format column holds a named format (usd, pct1) or an Excel code"),
                );
                return out;
            }
        }
    }
    out
}

/// Row order: as the query returned them, or by `sort="column [desc]"`.
fn sort_order(ctx: &mut Ctx<'_>, c: &Component, query: &str, table: &Table) -> (Vec<usize>, Option<(usize, bool)>) {
    let mut order: Vec<usize> = (0..table.len()).collect();
    let Some(spec) = c.text("sort") else {
        return (order, None);
    };
    let mut words = spec.split_whitespace();
    let Some(name) = words.next() else {
        return (order, None);
    };
    let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a sort direction"), c.span_of("sort"))
                    .help("write `sort=\"column\"` or `sort=\"column desc\"`"),
            );
            return (order, None);
        }
    };
    let Some(col) = ctx.column(query, table, name, c.span_of("sort")) else {
        return (order, None);
    };
    order.sort_by(|&a, &b| {
        let ord = Cell::order(&table.rows[a][col], &table.rows[b][col]);
        if desc { ord.reverse() } else { ord }
    });
    (order, Some((col, desc)))
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
fn cell(col: &Col, table: &Table, row: &[Cell], href: Option<&str>) -> TableCell {
    let cell = &row[col.index];
    let ty = table.columns[col.index].ty;
    let text = fmt::format_cell(cell, ty, col.format_for(row));
    let mut class = cell_class(col, table).to_string();
    if cell.is_null() {
        class.push_str(" q-null");
    }
    if col.red_negatives && cell.as_f64().is_some_and(|v| v < 0.0) {
        class.push_str(" q-negative");
    }
    if col.wrap {
        class.push_str(" q-wrap");
    }
    let drawn = content::draw(&col.content, table, row, col.index, &text, href);
    // Numbers and dates carry their value, so the runtime sorts them as numbers.
    let value = match cell {
        Cell::Int(_) | Cell::Float(_) if ty != quire_core::ColumnType::Text => cell.as_f64(),
        _ => None,
    };
    let attr = value.map(|v| format!(" data-v=\"{v}\"")).unwrap_or_default();
    let style = drawn.style.map(|s| format!(" style=\"{s}\"")).unwrap_or_default();
    TableCell { html: format!("<td class=\"{class}\"{attr}{style}>{}</td>", drawn.body), text, value }
}

fn totals(ctx: &mut Ctx<'_>, c: &Component, cols: &[Col], table: &Table, row_numbers: bool, style: &str) -> String {
    let mut html = format!("<tfoot><tr{style}>");
    if row_numbers {
        html.push_str("<td class=\"q-rownum\"></td>");
    }
    let all: Vec<usize> = (0..table.len()).collect();
    for (i, col) in cols.iter().enumerate() {
        let class = cell_class(col, table);
        let explicit = col.total_fmt.as_ref();
        let inner = match summary(col, table, &all, explicit, explicit.or(col.fmt.as_ref())) {
            Ok(Some(h)) => h,
            Ok(None) if i == 0 => "Total".to_string(),
            Ok(None) => String::new(),
            Err(message) => {
                ctx.report(Problem::new(message, c.span_of("totalRow")));
                String::new()
            }
        };
        html.push_str(&format!("<td class=\"{class}\">{inner}</td>"));
    }
    html.push_str("</tr></tfoot>\n");
    html
}

/// A total or subtotal of `col` over `rows`, as HTML: its `totalAgg` (sum for a number
/// column), formatted with `fmt`; `explicit` is the summary format the author gave, which
/// counts use too. `None` for a column without a summary.
fn summary(
    col: &Col,
    table: &Table,
    rows: &[usize],
    explicit: Option<&Format>,
    fmt: Option<&Format>,
) -> Result<Option<String>, String> {
    let ty = table.columns[col.index].ty;
    let agg = match &col.total {
        Total::Text(t) => return Ok(Some(escape::text(t))),
        Total::Agg(a) => a.as_str(),
        Total::None if ty.is_numeric() => "sum",
        Total::None => return Ok(None),
    };
    let Some(v) = aggregate_rows(table, rows, col.index, agg, col.weight)? else {
        return Ok(Some(String::new()));
    };
    let text = if is_count(agg) {
        match explicit {
            Some(f) => fmt::format_cell(&Cell::Int(v as i64), quire_core::ColumnType::Int, Some(f)),
            None => fmt::group(&fmt::plain(v, 0, false)),
        }
    } else {
        let cell =
            if ty == quire_core::ColumnType::Int && v.fract() == 0.0 { Cell::Int(v as i64) } else { Cell::Float(v) };
        fmt::format_cell(&cell, ty, fmt)
    };
    Ok(Some(match content::is_delta(&col.content) {
        Some(d) if !is_count(agg) => crate::delta::draw(d, Some(v), &text, None),
        _ => escape::text(&text),
    }))
}

const AGGREGATES: &[&str] = &[
    "sum",
    "mean",
    "avg",
    "average",
    "weightedMean",
    "median",
    "min",
    "max",
    "count",
    "countDistinct",
    "count_distinct",
];

fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name)
}

fn is_count(name: &str) -> bool {
    matches!(name, "count" | "countDistinct" | "count_distinct")
}

/// An aggregate of a column's non-null values; `Ok(None)` when there are none to aggregate.
pub(crate) fn aggregate(table: &Table, col: usize, agg: &str) -> Result<Option<f64>, String> {
    if agg == "weightedMean" {
        return Err(unknown_aggregate(agg));
    }
    let all: Vec<usize> = (0..table.len()).collect();
    aggregate_rows(table, &all, col, agg, None)
}

fn unknown_aggregate(agg: &str) -> String {
    format!("`{agg}` is not an aggregate; use sum, mean, median, min, max, count or countDistinct")
}

/// An aggregate of a column's non-null values in `rows`; `Ok(None)` when there are none to
/// aggregate. `weightedMean` weighs each value by `weight`'s value in its row (rows where
/// either is null count for nothing), and is the plain mean without a weight column.
pub(crate) fn aggregate_rows(
    table: &Table,
    rows: &[usize],
    col: usize,
    agg: &str,
    weight: Option<usize>,
) -> Result<Option<f64>, String> {
    let cells = || rows.iter().map(|&r| &table.rows[r][col]);
    let numbers = || -> Vec<f64> {
        cells().filter(|c| matches!(c, Cell::Int(_) | Cell::Float(_))).filter_map(Cell::as_f64).collect()
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
        "weightedMean" => match weight {
            None => aggregate_rows(table, rows, col, "mean", None)?,
            Some(w) => {
                let (mut sum, mut total) = (0.0, 0.0);
                for &r in rows {
                    let row = &table.rows[r];
                    if let (Some(v), Some(weight)) = (number(&row[col]), number(&row[w])) {
                        sum += v * weight;
                        total += weight;
                    }
                }
                (total != 0.0).then(|| sum / total)
            }
        },
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
        "count" => Some(cells().filter(|c| !c.is_null()).count() as f64),
        "countDistinct" | "count_distinct" => {
            let keys: std::collections::BTreeSet<String> = cells().filter_map(key).collect();
            Some(keys.len() as f64)
        }
        other => return Err(unknown_aggregate(other)),
    };
    Ok(v)
}

fn number(c: &Cell) -> Option<f64> {
    match c {
        Cell::Int(_) | Cell::Float(_) => c.as_f64(),
        _ => None,
    }
}
