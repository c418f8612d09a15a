//! quire-render: components and query results to HTML.
//!
//! Owns a page body's HTML (Markdown with values, tables and SVG charts in place), the
//! formats behind `fmt=`, the page shell and the site stylesheet. The same code renders at
//! build time and in the browser, so it does no I/O and reads no clock, randomness or
//! environment: identical input gives byte-identical output, and it compiles for wasm32.
//! Charts are drawn with plotters' SVG backend primitives and laid out here, never with
//! font metrics, so both targets draw the same picture.

mod chart;
mod ctx;
mod escape;
pub mod fmt;
mod markdown;
mod shell;
mod table;
mod text;
mod value;

use std::collections::BTreeMap;

use quire_core::components::{self, Kind};
use quire_core::{Component, Node, Problem, Table};

pub use shell::{NavItem, Shell, page_shell};

/// A rendered page body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// The body's h2 and h3 headings, in order.
    pub toc: Vec<TocEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    /// The heading's `id`, unique in the page.
    pub id: String,
    pub text: String,
}

/// Render a page body. `results` maps query name -> its result. Every problem is collected,
/// not just the first.
pub fn render_body(nodes: &[Node], results: &BTreeMap<String, Table>) -> Result<Rendered, Vec<Problem>> {
    let mut ctx = ctx::Ctx::new(results);
    let mut doc = markdown::Doc::default();
    for node in nodes {
        match node {
            Node::Markdown { text, .. } => doc.text(text),
            Node::Expr { expr, .. } => {
                let (html, plain) = value::expr(&mut ctx, expr);
                doc.inline(html, plain);
            }
            Node::Component(c) => match components::spec(&c.name).map(|s| s.kind) {
                Some(Kind::Inline) => {
                    let (html, plain) = value::value(&mut ctx, c);
                    doc.inline(html, plain);
                }
                Some(Kind::Block) => doc.block(block(&mut ctx, c)),
                Some(Kind::Child(parent)) => ctx.report(
                    Problem::new(format!("`<{}>` must be inside `<{parent}>`", c.name), c.name_span)
                        .help(format!("move it between `<{parent} ...>` and `</{parent}>`")),
                ),
                None => ctx.report(Problem::new(format!("unknown component `<{}>`", c.name), c.name_span)),
            },
        }
    }
    if !ctx.problems.is_empty() {
        return Err(ctx.problems);
    }
    let (html, toc) = doc.finish();
    Ok(Rendered { html, toc })
}

fn block(ctx: &mut ctx::Ctx<'_>, c: &Component) -> String {
    match c.name.as_str() {
        "BigValue" => value::big_value(ctx, c),
        "DataTable" => table::data_table(ctx, c),
        _ => chart::chart(ctx, c),
    }
}

/// The whole site's stylesheet, served at `{root}style.css`.
pub fn stylesheet() -> &'static str {
    include_str!("style.css")
}
