//! `groupBy`: rows gathered by a column's value, under a row that opens and closes them
//! (`groupType=accordion`) or beside one cell that spans them (`groupType=section`), each
//! group with its subtotals if asked. A grouped table shows every row: it is not paged.

use std::collections::BTreeMap;

use quire_core::{Cell, Component, Problem, Table};

use super::{Col, Total, cell, cell_class, content, summary};
use crate::chart::key;
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt::{self, Format};

pub(super) struct Grouping {
    pub col: usize,
    pub section: bool,
    open: bool,
    subtotals: bool,
    /// `top`, `middle` or `bottom`: where a section's name sits in its cell.
    position: &'static str,
    accordion_style: String,
    subtotal_style: String,
    subtotal_fmt: Option<Format>,
}

pub(super) fn read(ctx: &mut Ctx<'_>, c: &Component, query: &str, table: &Table) -> Option<Grouping> {
    let col = ctx.column_prop(c, query, table, "groupBy")?;
    let section = match c.text("groupType").as_deref() {
        None | Some("accordion") => false,
        Some("section") => true,
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a group type"), c.span_of("groupType"))
                    .help("use accordion (rows open and close under their group) or section"),
            );
            false
        }
    };
    let position = match c.text("groupNamePosition").as_deref() {
        None | Some("middle") => "middle",
        Some("top") => "top",
        Some("bottom") => "bottom",
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a position"), c.span_of("groupNamePosition"))
                    .help("use top, middle or bottom"),
            );
            "middle"
        }
    };
    let style = |ctx: &mut Ctx<'_>, fill: &str, ink: Option<&str>| {
        let mut s = String::new();
        if let Some(f) = content::colour(ctx, c, fill) {
            s.push_str(&format!("background-color:{f};"));
        }
        if let Some(i) = ink.and_then(|i| content::colour(ctx, c, i)) {
            s.push_str(&format!("color:{i};"));
        }
        if s.is_empty() { s } else { format!(" style=\"{}\"", s.trim_end_matches(';')) }
    };
    Some(Grouping {
        col,
        section,
        open: c.flag("groupsOpen") != Some(false),
        subtotals: c.flag("subtotals") == Some(true),
        position,
        accordion_style: style(ctx, "accordionRowColor", None),
        subtotal_style: style(ctx, "subtotalRowColor", Some("subtotalFontColor")),
        subtotal_fmt: ctx.format_prop(c, "subtotalFmt"),
    })
}

/// The groups, each its rows in `order`: by group value, or with `sort` by the group's
/// summary of the sort column (its `totalAgg`, a sum for numbers), so the biggest group
/// comes first under `sort="sales desc"`.
fn groups(table: &Table, g: &Grouping, order: &[usize], sort: Option<(usize, bool)>, cols: &[Col]) -> Vec<Vec<usize>> {
    let mut at: BTreeMap<Option<String>, usize> = BTreeMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &r in order {
        let k = key(&table.rows[r][g.col]);
        let i = *at.entry(k).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[i].push(r);
    }
    let name = |rows: &Vec<usize>| &table.rows[rows[0]][g.col];
    match sort {
        Some((s, desc)) if s != g.col => {
            let agg = match cols.iter().find(|c| c.index == s).map(|c| &c.total) {
                Some(Total::Agg(a)) => a.clone(),
                _ => "sum".to_string(),
            };
            let weight = cols.iter().find(|c| c.index == s).and_then(|c| c.weight);
            let value = |rows: &Vec<usize>| super::aggregate_rows(table, rows, s, &agg, weight).ok().flatten();
            out.sort_by(|a, b| {
                let ord = match (value(a), value(b)) {
                    (Some(x), Some(y)) => {
                        let o = x.total_cmp(&y);
                        if desc { o.reverse() } else { o }
                    }
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                };
                ord.then_with(|| Cell::order(name(a), name(b)))
            });
        }
        Some((_, true)) => out.sort_by(|a, b| Cell::order(name(b), name(a))),
        _ => out.sort_by(|a, b| Cell::order(name(a), name(b))),
    }
    out
}

pub(super) struct Body<'a> {
    pub cols: &'a [Col],
    pub table: &'a Table,
    pub link: Option<usize>,
    pub row_numbers: bool,
}

/// The `<tbody>` of every group.
pub(super) fn body(
    ctx: &mut Ctx<'_>,
    c: &Component,
    g: &Grouping,
    b: &Body<'_>,
    order: &[usize],
    sort: Option<(usize, bool)>,
) -> String {
    let table = b.table;
    let mut html = String::new();
    for rows in groups(table, g, order, sort, b.cols) {
        let first = &table.rows[rows[0]];
        let name = group_name(b.cols, table, g.col, first);
        let open = g.open || g.section;
        html.push_str(&format!(
            "<tbody class=\"q-group{}\" data-open=\"{open}\">\n",
            if g.section { " q-section" } else { "" }
        ));
        if !g.section {
            html.push_str(&format!(
                "<tr class=\"q-group-row\" tabindex=\"0\" aria-expanded=\"{open}\"{}>",
                g.accordion_style
            ));
            let span = if b.row_numbers { " colspan=\"2\"" } else { "" };
            html.push_str(&format!(
                "<td class=\"q-group-name\"{span}><span class=\"q-group-chevron\" aria-hidden=\"true\"></span>{}</td>",
                escape::text(&name)
            ));
            for col in b.cols.iter().skip(1) {
                html.push_str(&subtotal(ctx, c, g, col, table, &rows));
            }
            html.push_str("</tr>\n");
        }
        for (n, &r) in rows.iter().enumerate() {
            let row = &table.rows[r];
            let href = b.link.and_then(|l| row[l].as_str().and_then(escape::href));
            let hidden = if open { "" } else { " q-group-hidden" };
            let attrs = match &href {
                Some(h) => format!(" data-href=\"{h}\""),
                None => String::new(),
            };
            html.push_str(&format!("<tr class=\"q-grouped{hidden}\"{attrs}>"));
            if b.row_numbers && !g.section {
                html.push_str(&format!("<td class=\"q-rownum\">{}</td>", n + 1));
            }
            for (i, col) in b.cols.iter().enumerate() {
                if g.section && col.index == g.col {
                    if n == 0 {
                        html.push_str(&format!(
                            "<td class=\"{} q-group-name q-v{}\" rowspan=\"{}\">{}</td>",
                            cell_class(col, table),
                            g.position,
                            rows.len(),
                            escape::text(&name)
                        ));
                    }
                    continue;
                }
                html.push_str(&cell(col, table, row, if i == 0 { href.as_deref() } else { None }).html);
            }
            html.push_str("</tr>\n");
        }
        if g.section && g.subtotals {
            html.push_str(&format!("<tr class=\"q-subtotal\"{}>", g.subtotal_style));
            for col in b.cols {
                if col.index == g.col {
                    html.push_str(&format!("<td class=\"{}\">{}</td>", cell_class(col, table), escape::text(&name)));
                } else {
                    html.push_str(&subtotal(ctx, c, g, col, table, &rows));
                }
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n");
    }
    html
}

/// A group's name: its value in the group column, formatted as that column shows it.
fn group_name(cols: &[Col], table: &Table, col: usize, row: &[Cell]) -> String {
    let f = cols.iter().find(|c| c.index == col).and_then(|c| c.format_for(row).cloned());
    fmt::format_cell(&row[col], table.columns[col].ty, f.or_else(|| fmt::for_display(table, col)).as_ref())
}

fn subtotal(ctx: &mut Ctx<'_>, c: &Component, g: &Grouping, col: &Col, table: &Table, rows: &[usize]) -> String {
    let class = cell_class(col, table);
    if !g.subtotals {
        return format!("<td class=\"{class}\"></td>");
    }
    let explicit = col.subtotal_fmt.as_ref().or(g.subtotal_fmt.as_ref()).or(col.total_fmt.as_ref());
    let inner = match summary(col, table, rows, explicit, explicit.or(col.fmt.as_ref())) {
        Ok(h) => h.unwrap_or_default(),
        Err(message) => {
            ctx.report(Problem::new(message, c.span_of("subtotals")));
            String::new()
        }
    };
    format!("<td class=\"{class}\">{inner}</td>")
}
