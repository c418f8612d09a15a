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
mod delta;
pub mod escape;
mod eval;
pub mod fmt;
mod grid;
mod input;
mod layout;
mod lineage;
mod map;
mod markdown;
mod media;
mod print;
mod shell;
mod table;
pub use table::{MAX_ROWS_IN_PAGE, ROWS_SCHEME};
mod text;
mod value;

use std::collections::{BTreeMap, BTreeSet};

use quire_core::components::{self, Kind};
use quire_core::inputs::InputState;
use quire_core::script::{JsVal, Runner};
use quire_core::{Component, Node, Problem, PropValue, Table};

pub use escape::{attr as escape_attr, text as escape_text};
pub use lineage::{Lineage, LineageNode, lineage_svg};
pub use shell::{Crumb, NavItem, Shell, page_shell};

/// A rendered page body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// The body's h2 and h3 headings, in order.
    pub toc: Vec<TocEntry>,
    /// Every row of each table too long for the page (JSON), named in the HTML by
    /// `data-rows="quire-rows:N"` for the build to point at the file it writes.
    pub row_files: Vec<String>,
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
    render_body_scripted(nodes, results, inputs, None)
}

/// [`render_body`] for a page with JavaScript: `script` runs its expressions, and `results`
/// holds the tables [`script_tables`] made.
pub fn render_body_scripted(
    nodes: &[Node],
    results: &BTreeMap<String, Table>,
    inputs: &InputState,
    script: Option<&dyn Runner>,
) -> Result<Rendered, Vec<Problem>> {
    let mut ctx = ctx::Ctx::new(results, inputs).with_row_limit(table::MAX_ROWS_IN_PAGE);
    ctx.script = script;
    let rendered = render_nodes(&mut ctx, nodes, None);
    if !ctx.problems.is_empty() {
        return Err(ctx.problems);
    }
    Ok(rendered)
}

/// [`render_body`] that does not stop at a mistake (`on_error = "page"`, as Evidence
/// builds): each piece of the page (a component, a value, an `{#if}` or `{#each}`) with a
/// problem is drawn as an error box saying what failed and where (`locate` names the place,
/// `file:line:col`). `failed` holds the queries that did not run, and why. Returns the page
/// and every problem.
pub fn render_body_keep_going(
    nodes: &[Node],
    results: &BTreeMap<String, Table>,
    inputs: &InputState,
    failed: BTreeMap<String, String>,
    locate: &dyn Fn(&Problem) -> String,
    script: Option<&dyn Runner>,
) -> (Rendered, Vec<Problem>) {
    let mut ctx = ctx::Ctx::new(results, inputs).with_row_limit(table::MAX_ROWS_IN_PAGE);
    ctx.failed = failed;
    ctx.script = script;
    let rendered = render_nodes(&mut ctx, nodes, Some(locate));
    (rendered, ctx.problems)
}

/// An error box in place of what failed: each problem, and where it is.
pub fn error_box(problems: &[Problem], locate: &dyn Fn(&Problem) -> String, block: bool) -> String {
    let items: Vec<String> = problems
        .iter()
        .map(|p| {
            // Inside a sentence, the message only; the help is in the build's output.
            let help = p
                .help
                .as_deref()
                .filter(|_| block)
                .map(|h| format!(" <span class=\"q-error-help\">{}</span>", escape::text(h)));
            format!(
                "<span class=\"q-error-item\"><code>{}</code> {}{}</span>",
                escape::text(&locate(p)),
                escape::text(&p.message),
                help.unwrap_or_default()
            )
        })
        .collect();
    let (tag, role) = if block { ("div", "alert") } else { ("span", "alert") };
    format!("<{tag} class=\"q-error-box\" role=\"{role}\"><strong>Error</strong> {}</{tag}>", items.join(" "))
}

fn render_nodes(ctx: &mut ctx::Ctx<'_>, nodes: &[Node], keep_going: Option<&dyn Fn(&Problem) -> String>) -> Rendered {
    let mut doc = markdown::Doc::default();
    for (index, node) in nodes.iter().enumerate() {
        if let Node::Markdown { text, .. } = node {
            doc.text(text);
            continue;
        }
        let before = ctx.problems.len();
        let drawn = piece(ctx, node);
        let drawn = match (keep_going, drawn) {
            (Some(locate), Some((block, _))) if ctx.problems.len() > before => {
                Some((block, (error_box(&ctx.problems[before..], locate, block), String::new())))
            }
            (_, drawn) => drawn,
        };
        match drawn {
            Some((true, (html, _))) => doc.block(slot(index, true, &html)),
            Some((false, (html, plain))) => doc.inline(slot(index, false, &html), plain),
            None => {}
        }
    }
    let (html, toc) = doc.finish();
    Rendered { html, toc, row_files: std::mem::take(&mut ctx.row_files) }
}

/// Nodes inside a block (an `{#if}` arm, an `{#each}` body, a container component) as one
/// Markdown document: `(html, plain text)`. Inline blocks lose their paragraph.
fn nodes_html(ctx: &mut ctx::Ctx<'_>, nodes: &[Node], inline: bool) -> (String, String) {
    let mut doc = markdown::Doc::default();
    let mut plain = String::new();
    feed(ctx, &mut doc, nodes, &mut plain);
    let (html, plain_text) = finish_nested(doc, plain.clone(), inline);
    if !inline {
        return (html, plain_text);
    }
    // Inside a sentence, the spaces around a branch's text are part of the sentence
    // (`{#if i > 0}, {/if}`), though Markdown would trim them.
    let lead = if plain.starts_with(char::is_whitespace) { " " } else { "" };
    let trail = if plain.ends_with(char::is_whitespace) && !plain.trim().is_empty() { " " } else { "" };
    (format!("{lead}{html}{trail}"), plain_text)
}

fn feed(ctx: &mut ctx::Ctx<'_>, doc: &mut markdown::Doc, nodes: &[Node], plain: &mut String) {
    for node in nodes {
        if let Node::Markdown { text, .. } = node {
            doc.text(text);
            plain.push_str(text);
            continue;
        }
        match piece(ctx, node) {
            Some((true, (html, _))) => doc.block(html),
            Some((false, (html, p))) => {
                plain.push_str(&p);
                doc.inline(html, p);
            }
            None => {}
        }
    }
}

fn finish_nested(doc: markdown::Doc, plain: String, inline: bool) -> (String, String) {
    let (html, _) = doc.finish();
    if !inline {
        return (html, plain);
    }
    let t = html.trim_end();
    let html = t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")).unwrap_or(t).to_string();
    (html, plain.trim().to_string())
}

/// Whether a component (or one inside it) has a prop to work out before it is drawn: a
/// quoted prop with `{...}` in it, JavaScript, or a name the page's script declares.
fn needs_resolving(ctx: &ctx::Ctx<'_>, c: &Component) -> bool {
    c.props.iter().any(|p| match &p.value {
        PropValue::Str(s) => s.contains('{'),
        // Without a program (a page that has none), a prop is read as written, by its component.
        PropValue::Expr(t) if p.name != "data" && ctx.script.is_some() => {
            matches!(quire_core::expr::parse_or_js(t, p.value_span.start + 1), quire_core::expr::Expr::Js { .. })
        }
        PropValue::Query(n) if p.name != "data" => {
            !ctx.results().contains_key(n) && ctx.script.is_some_and(|s| s.value(n).is_some())
        }
        _ => false,
    }) || c.children.iter().any(|n| matches!(n, Node::Component(k) if needs_resolving(ctx, k)))
}

/// A value of the page's JavaScript as a prop's value.
fn prop_value(v: JsVal) -> PropValue {
    match v {
        JsVal::Bool(b) => PropValue::Bool(b),
        JsVal::Num(n) => PropValue::Number(n),
        JsVal::Array(items) if items.iter().all(|i| !matches!(i, JsVal::Array(_) | JsVal::Object(_))) => {
            PropValue::List(items.iter().map(JsVal::text).collect())
        }
        JsVal::Date(Some(ms)) if ms.rem_euclid(86_400_000.0) == 0.0 => {
            PropValue::Str(quire_core::time::iso_date((ms / 86_400_000.0) as i64))
        }
        // Arrays of arrays or objects (`colorScale={[['#fff', '#000'], ...]}`): as literal
        // text, which the components that take them read.
        v @ (JsVal::Array(_) | JsVal::Object(_)) => PropValue::Expr(v.literal()),
        other => PropValue::Str(other.text()),
    }
}

/// A component with its props worked out (and those of the components inside it): each
/// expression in a quoted prop (`title="Sales in {params.region}"`) in place, as Svelte
/// fills attributes in; JavaScript props and script names as their values.
fn interpolate(ctx: &mut ctx::Ctx<'_>, c: &quire_core::Component) -> quire_core::Component {
    let mut c = c.clone();
    for child in &mut c.children {
        if let Node::Component(k) = child
            && needs_resolving(ctx, k)
        {
            *k = interpolate(ctx, k);
        }
    }
    for p in &mut c.props {
        if p.name != "data" {
            match &p.value {
                PropValue::Expr(t) => {
                    if let e @ quire_core::expr::Expr::Js { .. } =
                        quire_core::expr::parse_or_js(t, p.value_span.start + 1)
                    {
                        // A failure is reported by `eval`; the prop is then empty.
                        p.value = match eval::eval(ctx, &e) {
                            Some(eval::Val::Js(j)) => prop_value(j),
                            Some(eval::Val::Num(n)) => PropValue::Number(n),
                            Some(eval::Val::Bool(b)) => PropValue::Bool(b),
                            Some(eval::Val::Null) | None => PropValue::Str(String::new()),
                            Some(other) => PropValue::Str(other.raw()),
                        };
                    }
                    continue;
                }
                PropValue::Query(n) if !ctx.results().contains_key(n) => {
                    if let Some(v) = ctx.script.and_then(|s| s.value(n)) {
                        p.value = prop_value(v);
                    }
                    continue;
                }
                _ => {}
            }
        }
        let quire_core::PropValue::Str(s) = &p.value else { continue };
        if !s.contains('{') {
            continue;
        }
        let mut out = String::new();
        let mut rest = s.as_str();
        // Where the string's text starts in the file: after the opening quote.
        let mut offset = p.value_span.start + 1;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let Some(close) = rest[i..].find('}') else { break };
            let inner = &rest[i + 1..i + close];
            let e = quire_core::expr::parse_or_js(inner, offset + i + 1);
            if let Some(v) = eval::eval(ctx, &e) {
                out.push_str(&v.display(None));
            }
            offset += i + close + 1;
            rest = &rest[i + close + 1..];
        }
        out.push_str(rest);
        p.value = quire_core::PropValue::Str(out);
    }
    c
}

/// `{#if}`: the first arm whose condition holds, else `{:else}`.
fn if_block(
    ctx: &mut ctx::Ctx<'_>,
    branches: &[quire_core::Branch],
    otherwise: Option<&[Node]>,
    inline: bool,
) -> String {
    for b in branches {
        match eval::eval(ctx, &b.cond) {
            Some(v) if v.truthy() => return nodes_html(ctx, &b.body, inline).0,
            Some(_) => {}
            None => return String::new(),
        }
    }
    otherwise.map(|o| nodes_html(ctx, o, inline).0).unwrap_or_default()
}

/// `{#each}`: the body once per row, as one document (so list items make one list).
fn each_block(ctx: &mut ctx::Ctx<'_>, node: &Node) -> String {
    let Node::Each { query, query_span, alias, index, body, inline, .. } = node else { return String::new() };
    // `{#each items.filter(...) as x}`: the table made before the render.
    let key = if quire_core::page::is_identifier(query) { query.clone() } else { script_key(query_span.start) };
    if !ctx.results().contains_key(&key) && key != *query {
        ctx.report(
            Problem::new("quire walks JavaScript values only outside other `{#each}` blocks", *query_span)
                .help("make the list in the page's script, then walk it by name"),
        );
        return String::new();
    }
    let query = &key;
    let Some(table) = ctx.result(query, *query_span) else { return String::new() };
    let Some((query, _)) = ctx.results().get_key_value(query.as_str()) else { return String::new() };
    // A script's array of plain values: each name stands for the value itself.
    let values = ctx.script.is_some()
        && quire_core::script::is_values_table(table)
        && (query.starts_with('@') || ctx.script.and_then(|s| s.value(query)).is_some());
    let mut doc = markdown::Doc::default();
    let mut plain = String::new();
    for row in 0..table.len() {
        let binding = if values { ctx::Binding::Value(table, row) } else { ctx::Binding::Row(query, table, row) };
        let mut names = vec![(alias.clone(), binding)];
        if let Some(i) = index {
            names.push((i.clone(), ctx::Binding::Index(row)));
        }
        let depth = ctx.bind(names);
        // Iterations after the first: one newline between them, so `- item` lines stay one list.
        match body.first() {
            Some(Node::Markdown { text, .. }) if row > 0 && text.starts_with('\n') && plain.ends_with('\n') => {
                doc.text(&text[1..]);
                plain.push_str(&text[1..]);
                feed(ctx, &mut doc, &body[1..], &mut plain);
            }
            _ => feed(ctx, &mut doc, body, &mut plain),
        }
        ctx.unbind(depth);
        if !ctx.problems.is_empty() {
            break;
        }
    }
    finish_nested(doc, plain, *inline).0
}

/// The HTML of slot `index` alone, the same as [`render_body`] gives for it.
pub fn render_slot(
    nodes: &[Node],
    index: usize,
    results: &BTreeMap<String, Table>,
    inputs: &InputState,
    script: Option<&dyn Runner>,
) -> Result<String, Vec<Problem>> {
    let mut ctx = ctx::Ctx::new(results, inputs);
    ctx.script = script;
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
/// input's choices, anything inside an `{#if}`, `{#each}` or container) or read a changed
/// input, and the changed inputs themselves. The runtime and the build's [`render_slot`]
/// callers share this, so both re-render the same set.
pub fn slots_showing(nodes: &[Node], queries: &[String], changed: &BTreeSet<String>) -> Vec<usize> {
    nodes.iter().enumerate().filter(|(_, node)| shows(node, queries, changed)).map(|(i, _)| i).collect()
}

/// [`slots_showing`] for a page whose JavaScript may read anything: every slot with
/// something drawn in it, when the page has a script.
pub fn slots_showing_scripted(
    nodes: &[Node],
    queries: &[String],
    changed: &BTreeSet<String>,
    scripted: bool,
) -> Vec<usize> {
    if !scripted {
        return slots_showing(nodes, queries, changed);
    }
    if queries.is_empty() && changed.is_empty() {
        return Vec::new();
    }
    // Everything drawn, but the inputs that kept their values.
    let unchanged_input = |n: &Node| match n {
        Node::Component(c) => {
            components::spec(&c.name).is_some_and(|s| s.kind == Kind::Input)
                && !c.text("name").is_some_and(|n| changed.contains(&n))
                && !quire_core::grid::queries_of(c).iter().any(|q| queries.contains(q))
        }
        _ => false,
    };
    nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| !matches!(n, Node::Markdown { .. }) && !unchanged_input(n))
        .map(|(i, _)| i)
        .collect()
}

/// The queries of `page` that only `<Histogram>`s read, each with the one column they bin:
/// the build may run such a query *binned*, a row per distinct value with its count
/// ([`quire_core::Table::WEIGHT`]), and the histogram draws the same bars from it. Not on a
/// page with a script (it may read any query), nor for a query an input, another component,
/// an expression or a loop reads.
pub fn histogram_only(page: &quire_core::Page) -> BTreeMap<String, String> {
    fn walk(nodes: &[Node], hist: &mut BTreeMap<String, BTreeSet<String>>, other: &mut BTreeSet<String>) {
        for node in nodes {
            match node {
                Node::Component(c) if c.name == "Histogram" => match (c.data(), c.text("x")) {
                    (Some(q), Some(x)) => {
                        hist.entry(q.to_string()).or_default().insert(x);
                    }
                    (q, _) => other.extend(q.map(str::to_string)),
                },
                _ => own_reads(node, other),
            }
            for children in node.children() {
                walk(children, hist, other);
            }
        }
    }
    if page.program().ok().flatten().is_some() {
        return BTreeMap::new();
    }
    let mut hist = BTreeMap::new();
    let mut other: BTreeSet<String> =
        quire_core::inputs::inputs(page).iter().filter_map(|i| i.options_query().map(str::to_string)).collect();
    walk(&page.body, &mut hist, &mut other);
    hist.into_iter()
        .filter(|(q, xs)| xs.len() == 1 && !other.contains(q))
        .filter_map(|(q, xs)| Some((q, xs.into_iter().next()?)))
        .collect()
}

/// Every query the nodes read: `data=` props, expressions, `{#each}` sources.
pub fn queries_read(nodes: &[Node]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for node in nodes {
        own_reads(node, &mut out);
        for children in node.children() {
            out.extend(queries_read(children));
        }
    }
    out
}

/// The queries `node` itself reads (not its children).
fn own_reads(node: &Node, out: &mut BTreeSet<String>) {
    match node {
        Node::Component(c) => {
            // A grid draws from the queries made for it, never from its data's rows.
            let grid = quire_core::grid::queries_of(c);
            if grid.is_empty() {
                out.extend(c.data().map(str::to_string));
            }
            out.extend(grid);
            out.extend(map::shapes_read(c));
        }
        Node::Expr { expr, .. } => out.extend(expr.roots().into_iter().map(|(r, _)| r.to_string())),
        Node::If { branches, .. } => {
            out.extend(branches.iter().flat_map(|b| b.cond.roots()).map(|(r, _)| r.to_string()))
        }
        Node::Each { query, .. } => {
            out.insert(query.clone());
        }
        Node::Markdown { .. } => {}
    }
}

fn shows(node: &Node, queries: &[String], changed: &BTreeSet<String>) -> bool {
    let query = |q: &str| queries.iter().any(|r| r == q);
    let expr = |e: &quire_core::expr::Expr| {
        let roots = e.roots();
        roots.iter().any(|(r, _)| query(r)) || (roots.iter().any(|(r, _)| *r == "inputs") && !changed.is_empty())
    };
    let own = match node {
        Node::Component(c) => {
            c.data().is_some_and(query)
                || quire_core::grid::queries_of(c).iter().any(|q| query(q))
                || (quire_core::inputs::InputKind::of_component(c) == Some(quire_core::inputs::InputKind::Map)
                    && c.text("name").is_some_and(|n| changed.contains(&n)))
                || (components::spec(&c.name).is_some_and(|s| s.kind == Kind::Input)
                    && c.text("name").is_some_and(|n| changed.contains(&n)))
        }
        Node::Expr { expr: e, .. } => expr(e),
        Node::If { branches, .. } => branches.iter().any(|b| expr(&b.cond)),
        Node::Each { query: q, .. } => query(q),
        Node::Markdown { .. } => false,
    };
    own || node.children().iter().any(|nodes| nodes.iter().any(|n| shows(n, queries, changed)))
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
        Node::If { branches, otherwise, inline, .. } => {
            Some((!*inline, (if_block(ctx, branches, otherwise.as_deref(), *inline), String::new())))
        }
        Node::Each { inline, .. } => Some((!*inline, (each_block(ctx, node), String::new()))),
        // Worked out once: a prop that fails to is reported and left empty, never retried.
        Node::Component(c) if needs_resolving(ctx, c) => {
            let c = interpolate(ctx, c);
            component(ctx, &c)
        }
        Node::Component(c) => component(ctx, c),
    }
}

/// A component's HTML, its props worked out.
fn component(ctx: &mut ctx::Ctx<'_>, c: &Component) -> Option<(bool, (String, String))> {
    match components::spec(&c.name).map(|s| s.kind) {
        Some(Kind::Inline) => Some((
            false,
            match c.name.as_str() {
                "Info" => layout::info(ctx, c),
                "Link" => layout::link(ctx, c),
                "LastRefreshed" => layout::last_refreshed(ctx, c),
                "Sparkline" => value::sparkline_component(ctx, c),
                "Delta" => delta::component(ctx, c),
                "LineBreak" => print::line_break(ctx, c),
                _ => value::value(ctx, c),
            },
        )),
        Some(Kind::Block) => Some((true, (block(ctx, c), String::new()))),
        Some(Kind::Input) => Some((true, (input::input(ctx, c), String::new()))),
        Some(Kind::Annotation) => {
            ctx.report(
                Problem::new(format!("`<{}>` must be inside a chart", c.name), c.name_span)
                    .help("write it between `<LineChart ...>` and `</LineChart>`"),
            );
            None
        }
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
    }
}

fn block(ctx: &mut ctx::Ctx<'_>, c: &Component) -> String {
    match c.name.as_str() {
        "BigValue" => value::big_value(ctx, c),
        "DataTable" => table::data_table(ctx, c),
        "Details" => layout::details(ctx, c),
        "Alert" | "Note" => layout::callout(ctx, c),
        "Tabs" => layout::tabs(ctx, c),
        "Accordion" => layout::accordion(ctx, c),
        "Modal" => layout::modal(ctx, c),
        "PageBreak" => print::page_break(ctx, c),
        "PrintGroup" => print::print_group(ctx, c),
        "Grid" | "Group" => layout::grid(ctx, c),
        "LinkButton" => layout::link_button(ctx, c),
        "BigLink" => layout::big_link(ctx, c),
        "Image" => media::image(ctx, c),
        "Embed" => media::embed(ctx, c),
        "DownloadData" => layout::download_data(ctx, c),
        "AreaMap" | "PointMap" | "BubbleMap" | "BaseMap" | "USMap" => map::map(ctx, c),
        _ => chart::chart(ctx, c),
    }
}

/// What quire's own evaluator makes of an expression (one it parses, not JavaScript), as
/// the page's JavaScript would hold the value: for the test that both agree.
pub fn evaluate(
    e: &quire_core::expr::Expr,
    results: &BTreeMap<String, Table>,
    inputs: &InputState,
) -> Result<JsVal, Vec<Problem>> {
    let mut ctx = ctx::Ctx::new(results, inputs);
    let v = eval::eval(&mut ctx, e).map(|v| v.to_js());
    match v {
        Some(v) if ctx.problems.is_empty() => Ok(v),
        _ => Err(ctx.problems),
    }
}

/// The key under which [`script_tables`] keeps the table of the JavaScript at `at`.
pub(crate) fn script_key(at: usize) -> String {
    format!("@{at}")
}

/// The tables a page's JavaScript makes, for components to read like query results: each
/// array its scripts declare (by its name, unless a query has it), and each `data={...}`
/// and `{#each ... as x}` written as JavaScript outside `{#each}` blocks. Problems (an
/// expression that throws, a value that is not a list) at their spans.
pub fn script_tables(
    nodes: &[Node],
    script: &dyn Runner,
    names: &[String],
    results: &BTreeMap<String, Table>,
) -> (BTreeMap<String, Table>, Vec<Problem>) {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for n in names {
        if results.contains_key(n) {
            continue;
        }
        if let Some(t) = script.value(n).and_then(|v| v.to_table()) {
            out.insert(n.clone(), t);
        }
    }
    let mut heads = Vec::new();
    fn walk(nodes: &[Node], inside_each: bool, out: &mut Vec<(quire_core::Span, bool)>) {
        for n in nodes {
            match n {
                Node::Each { query, query_span, body, .. } => {
                    if !quire_core::page::is_identifier(query) {
                        out.push((*query_span, inside_each));
                    }
                    walk(body, true, out);
                }
                Node::Component(c) => {
                    if let Some(p) = c.prop("data")
                        && let PropValue::Expr(t) = &p.value
                        && let quire_core::expr::Expr::Js { .. } =
                            quire_core::expr::parse_or_js(t, p.value_span.start + 1)
                    {
                        let at = p.value_span.start + 1;
                        out.push((quire_core::Span::new(at, p.value_span.end.saturating_sub(1)), inside_each));
                    }
                    walk(&c.children, inside_each, out);
                }
                other => {
                    for children in other.children() {
                        walk(children, inside_each, out);
                    }
                }
            }
        }
    }
    walk(nodes, false, &mut heads);
    for (span, inside_each) in heads {
        if inside_each {
            continue;
        }
        let key = quire_core::script::key(span);
        match script.eval(&key, "[]") {
            Ok(v) => match v.to_table() {
                Some(t) => {
                    out.insert(script_key(span.start), t);
                }
                None => problems.push(
                    Problem::new(format!("this is not a list of rows: it is {}", v.text()), span)
                        .help("give an array of objects, such as `[{x: 1, y: 2}]`"),
                ),
            },
            Err(message) => problems.push(
                Problem::new(message, span)
                    .help("quire runs this expression as JavaScript with the page's data, as a browser would"),
            ),
        }
    }
    (out, problems)
}

/// The whole site's stylesheet, served at `{root}style.css`.
pub fn stylesheet() -> &'static str {
    include_str!("style.css")
}
