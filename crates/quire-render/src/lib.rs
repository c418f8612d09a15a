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
mod input;
mod lineage;
mod markdown;
mod shell;
mod table;
mod text;
mod value;

use std::collections::{BTreeMap, BTreeSet};

use quire_core::components::{self, Kind};
use quire_core::inputs::InputState;
use quire_core::{Component, Node, Problem, Table};

pub use escape::{attr as escape_attr, text as escape_text};
pub use lineage::{Lineage, LineageNode, lineage_svg};
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

/// Render a page body. `results` maps query name -> its result; `inputs` holds each
/// input's value (an input missing from it shows its default). Every problem is collected,
/// not just the first.
///
/// Each component and `{...}` expression at the top of the page sits in a slot,
/// `<div class="q-slot" data-q="N">` (a `<span>` inside text), where `N` is its index in
/// `nodes`; the runtime re-renders slot `N` with [`render_slot`] when its data changes.
pub fn render_body(
    nodes: &[Node],
    results: &BTreeMap<String, Table>,
    inputs: &InputState,
) -> Result<Rendered, Vec<Problem>> {
    let mut ctx = ctx::Ctx::new(results, inputs);
    let mut doc = markdown::Doc::default();
    for (index, node) in nodes.iter().enumerate() {
        if let Node::Markdown { text, .. } = node {
            doc.text(text);
            continue;
        }
        match piece(&mut ctx, node) {
            Some((true, (html, _))) => doc.block(slot(index, true, &html)),
            Some((false, (html, plain))) => doc.inline(slot(index, false, &html), plain),
            None => {}
        }
    }
    if !ctx.problems.is_empty() {
        return Err(ctx.problems);
    }
    let (html, toc) = doc.finish();
    Ok(Rendered { html, toc })
}

/// The HTML of slot `index` alone, the same as [`render_body`] gives for it.
pub fn render_slot(
    nodes: &[Node],
    index: usize,
    results: &BTreeMap<String, Table>,
    inputs: &InputState,
) -> Result<String, Vec<Problem>> {
    let mut ctx = ctx::Ctx::new(results, inputs);
    let html = nodes.get(index).and_then(|n| piece(&mut ctx, n));
    if !ctx.problems.is_empty() {
        return Err(ctx.problems);
    }
    Ok(match html {
        Some((block, (html, _))) => slot(index, block, &html),
        None => String::new(),
    })
}

/// The slots to re-render after `queries` ran again and the inputs in `changed` took new
/// values: those that show one of the queries (its `data`, an expression's query, an
/// input's choices) and the changed inputs themselves. The runtime and the build's
/// [`render_slot`] callers share this, so both re-render the same set.
pub fn slots_showing(nodes: &[Node], queries: &[String], changed: &BTreeSet<String>) -> Vec<usize> {
    let shows = |q: &str| queries.iter().any(|r| r == q);
    nodes
        .iter()
        .enumerate()
        .filter(|(_, node)| match node {
            Node::Component(c) => {
                c.data().is_some_and(shows)
                    || (components::spec(&c.name).is_some_and(|s| s.kind == Kind::Input)
                        && c.text("name").is_some_and(|n| changed.contains(&n)))
            }
            Node::Expr { expr, .. } => shows(expr.query().0),
            Node::Markdown { .. } => false,
        })
        .map(|(i, _)| i)
        .collect()
}

fn slot(index: usize, block: bool, html: &str) -> String {
    if block {
        format!("<div class=\"q-slot\" data-q=\"{index}\">{html}</div>")
    } else {
        format!("<span class=\"q-slot\" data-q=\"{index}\">{html}</span>")
    }
}

/// One node's HTML: `(is a block, (html, plain text))`.
fn piece(ctx: &mut ctx::Ctx<'_>, node: &Node) -> Option<(bool, (String, String))> {
    match node {
        Node::Markdown { .. } => None,
        Node::Expr { expr, .. } => Some((false, value::expr(ctx, expr))),
        Node::Component(c) => match components::spec(&c.name).map(|s| s.kind) {
            Some(Kind::Inline) => Some((false, value::value(ctx, c))),
            Some(Kind::Block) => Some((true, (block(ctx, c), String::new()))),
            Some(Kind::Input) => Some((true, (input::input(ctx, c), String::new()))),
            Some(Kind::Child(parent)) => {
                ctx.report(
                    Problem::new(format!("`<{}>` must be inside `<{parent}>`", c.name), c.name_span)
                        .help(format!("move it between `<{parent} ...>` and `</{parent}>`")),
                );
                None
            }
            None => {
                ctx.report(Problem::new(format!("unknown component `<{}>`", c.name), c.name_span));
                None
            }
        },
    }
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
