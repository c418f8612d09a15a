//! A page: front matter, named SQL fences, and a tree of Markdown, component tags and
//! `{...}` expressions, each with the span it came from.
//!
//! Parsing is a scan over the text that knows just enough Markdown to leave code alone
//! (fenced blocks, inline code spans, HTML comments). Markdown itself is rendered later,
//! with the components in place (see `quire-render`).

use std::collections::BTreeMap;

use crate::components;
use crate::config::FrontMatter;
use crate::diag::Problem;
use crate::expr::{self, Expr};
use crate::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub front: FrontMatter,
    pub queries: Vec<Query>,
    pub body: Vec<Node>,
    /// `<script>` blocks, run with the page's JavaScript expressions (see [`crate::script`]).
    pub scripts: Vec<crate::script::Script>,
    /// What Evidence ignores and quire warns about: props a component does not take,
    /// front-matter keys quire does not read. Errors under `--strict`.
    pub lenient: Vec<Problem>,
}

/// A named SQL fence: ```` ```sql name ```` or the older ```` ```name ````.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub name: String,
    pub name_span: Span,
    pub sql: String,
    /// Where `sql` starts in the file; `sql` is the fence's text verbatim.
    pub sql_offset: usize,
    /// For a `<DimensionGrid>`'s cuts, the grid's name: the chain writes the SQL, and
    /// `sql` is the grid's metric (see [`crate::grid`]).
    pub grid: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Markdown text, verbatim.
    Markdown {
        text: String,
        span: Span,
    },
    Component(Component),
    /// `{q[0].col}`, `{q.length}`, `{fmt(q[0].col, 'usd')}` in prose.
    Expr {
        expr: Expr,
        span: Span,
    },
    /// `{#if cond} ... {:else if cond} ... {:else} ... {/if}`.
    If {
        branches: Vec<Branch>,
        otherwise: Option<Vec<Node>>,
        span: Span,
        /// Written inside a line of text rather than on lines of its own.
        inline: bool,
    },
    /// `{#each query as row, i} ... {/each}`.
    Each {
        query: String,
        query_span: Span,
        alias: String,
        index: Option<String>,
        body: Vec<Node>,
        span: Span,
        inline: bool,
    },
}

/// One `{#if}` or `{:else if}` arm.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub cond: Expr,
    pub body: Vec<Node>,
}

impl Node {
    /// The nodes inside this one: a component's children, every arm of an `{#if}`, the
    /// body of an `{#each}`.
    pub fn children(&self) -> Vec<&[Node]> {
        match self {
            Node::Component(c) => vec![&c.children],
            Node::If { branches, otherwise, .. } => {
                let mut out: Vec<&[Node]> = branches.iter().map(|b| b.body.as_slice()).collect();
                out.extend(otherwise.as_deref());
                out
            }
            Node::Each { body, .. } => vec![body],
            Node::Markdown { .. } | Node::Expr { .. } => Vec::new(),
        }
    }
}

/// What encloses the nodes being scanned.
#[derive(Debug, Clone, Copy)]
enum Parent<'n> {
    Page,
    /// A component tag, closed by `</Name>`.
    Tag(&'n str, Span),
    /// An `{#if}` or `{#each}`, closed by `{/if}` / `{/each}` (or continued by `{:else}`).
    Block,
}

/// A `{:...}` or `{/...}` tag that ended a block's nodes.
#[derive(Debug, Clone)]
struct BlockTag {
    /// `:else`, `/if`, `/each`, ...
    word: String,
    /// The text after the word, and where it starts.
    rest: String,
    rest_offset: usize,
    span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub name: String,
    pub span: Span,
    pub name_span: Span,
    pub props: Vec<Prop>,
    pub children: Vec<Node>,
    /// The query the page made for this component (an input's filtered or ordered choices:
    /// see [`crate::inputs::options_queries`]).
    pub derived_query: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    pub name: String,
    pub name_span: Span,
    pub value: PropValue,
    pub value_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// `x=month`, `title="Sales"`, `fmt='usd0'`.
    Str(String),
    /// A bare prop (`stacked`) or `{true}`.
    Bool(bool),
    Number(f64),
    /// `data={orders}`: a query by name.
    Query(String),
    /// `y={["sales", "profit"]}`.
    List(Vec<String>),
    /// Any other `{...}`, kept as written.
    Expr(String),
}

impl Component {
    pub fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }
    /// A prop as text: strings, numbers and bare words alike.
    pub fn text(&self, name: &str) -> Option<String> {
        self.prop(name).and_then(|p| match &p.value {
            PropValue::Str(s) | PropValue::Query(s) | PropValue::Expr(s) => Some(s.clone()),
            PropValue::Number(n) => Some(n.to_string()),
            PropValue::Bool(b) => Some(b.to_string()),
            PropValue::List(l) => l.first().cloned(),
        })
    }
    /// A prop as a list of names: `y=sales` or `y={["a","b"]}`.
    pub fn list(&self, name: &str) -> Option<Vec<String>> {
        self.prop(name).map(|p| match &p.value {
            PropValue::List(l) => l.clone(),
            PropValue::Str(s) | PropValue::Query(s) | PropValue::Expr(s) => {
                s.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
            }
            PropValue::Number(n) => vec![n.to_string()],
            PropValue::Bool(b) => vec![b.to_string()],
        })
    }
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.prop(name).and_then(|p| match &p.value {
            PropValue::Bool(b) => Some(*b),
            PropValue::Str(s) | PropValue::Expr(s) => match s.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            PropValue::Number(n) => Some(*n != 0.0),
            _ => None,
        })
    }
    pub fn number(&self, name: &str) -> Option<f64> {
        self.prop(name).and_then(|p| match &p.value {
            PropValue::Number(n) => Some(*n),
            PropValue::Str(s) | PropValue::Expr(s) => s.trim().parse().ok(),
            _ => None,
        })
    }
    /// The query a `data=` prop names.
    pub fn data(&self) -> Option<&str> {
        self.prop("data").and_then(|p| match &p.value {
            PropValue::Query(q) | PropValue::Str(q) => Some(q.as_str()),
            _ => None,
        })
    }
    pub fn span_of(&self, prop: &str) -> Span {
        self.prop(prop).map_or(self.name_span, |p| p.value_span)
    }
}

impl Page {
    pub fn query(&self, name: &str) -> Option<&Query> {
        self.queries.iter().find(|q| q.name == name)
    }

    /// Parse a page. Problems are collected rather than stopping at the first, so an author
    /// sees every mistake in one build.
    pub fn parse(text: &str) -> Result<Page, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut lenient = Vec::new();
        let (front, body_start) = match crate::config::split_front_matter(text) {
            Ok((front, body, warnings)) => {
                lenient = warnings;
                (front, body)
            }
            Err(p) => {
                problems.push(p);
                (FrontMatter::default(), 0)
            }
        };
        let mut scanner = Scanner {
            text,
            pos: body_start,
            queries: Vec::new(),
            scripts: Vec::new(),
            problems: Vec::new(),
            block_end: None,
            depth: 0,
            stopped: false,
            closes: Default::default(),
        };
        let mut body = scanner.nodes(Parent::Page);
        problems.append(&mut scanner.problems);
        let mut queries = scanner.queries;
        let scripts = std::mem::take(&mut scanner.scripts);
        crate::inputs::options_queries(&mut body, &mut queries);

        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for q in &queries {
            if let Some(first) = seen.insert(&q.name, q.name_span) {
                let (line, _) = crate::span::line_col(text, first.start);
                problems.push(
                    Problem::new(format!("query `{}` is defined twice", q.name), q.name_span)
                        .label("second definition")
                        .help(format!("the first is on line {line}; rename one of them")),
                );
            }
        }
        let mut page = Page { front, queries, body, scripts, lenient: Vec::new() };
        if let Err(mut p) = page.program() {
            problems.append(&mut p);
        }
        components::check_page(&page, &mut problems, &mut lenient);
        page.lenient = lenient;
        crate::inputs::check_page(&page, &mut problems);
        if problems.len() > MAX_PROBLEMS {
            let more = problems.len() - MAX_PROBLEMS;
            problems.sort_by_key(|p| p.span.start);
            problems.truncate(MAX_PROBLEMS);
            let at = problems.last().map_or(Span::new(0, 0), |p| p.span);
            problems.push(
                Problem::new(format!("and {more} more problems in this page"), at)
                    .help("fix the ones above first: the rest often follow from them"),
            );
        }
        if problems.is_empty() { Ok(page) } else { Err(problems) }
    }

    /// Every component in the page, depth first.
    pub fn components(&self) -> Vec<&Component> {
        fn walk<'a>(nodes: &'a [Node], out: &mut Vec<&'a Component>) {
            for n in nodes {
                if let Node::Component(c) = n {
                    out.push(c);
                }
                for children in n.children() {
                    walk(children, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.body, &mut out);
        out
    }
}

/// Code languages whose fences are shown as code, not run as queries.
const CODE_LANGUAGES: &[&str] = &[
    "sql",
    "text",
    "txt",
    "markdown",
    "md",
    "json",
    "yaml",
    "yml",
    "toml",
    "bash",
    "sh",
    "shell",
    "console",
    "python",
    "py",
    "r",
    "js",
    "javascript",
    "ts",
    "typescript",
    "rust",
    "html",
    "css",
    "svelte",
    "csv",
    "diff",
    "xml",
    "go",
    "java",
    "c",
    "cpp",
];

/// How deep blocks (`{#if}`, `{#each}`) and components may nest in a page: far beyond any
/// real page, and far below what would exhaust a thread's stack here, in the renderer or in
/// the browser's engine.
pub const MAX_NESTING: usize = 100;

/// How many problems of one page are reported; a page of stray braces has one per brace.
pub const MAX_PROBLEMS: usize = 50;

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    queries: Vec<Query>,
    scripts: Vec<crate::script::Script>,
    problems: Vec<Problem>,
    /// Set when [`Scanner::nodes`] stopped at a block's `{:...}` or `{/...}`.
    block_end: Option<BlockTag>,
    /// Blocks and components open around `pos`.
    depth: usize,
    /// Nesting went past [`MAX_NESTING`]: the rest is not read, and what is still open is
    /// not reported as unclosed.
    stopped: bool,
    /// Where each `{` at a byte offset closes, or `None` if it never does: filled a whole
    /// group at a time, so a long run of unclosed braces is scanned once, not once per brace.
    closes: std::collections::HashMap<usize, Option<usize>>,
}

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }
    /// One level deeper, at the tag that opens it; past [`MAX_NESTING`] the problem is
    /// reported there and the rest of the page is not read.
    fn enter(&mut self, open: Span) -> bool {
        self.depth += 1;
        if self.depth <= MAX_NESTING {
            return true;
        }
        self.problems.push(
            Problem::new(format!("blocks and components nest more than {MAX_NESTING} levels deep here"), open)
                .help("close some of the blocks and components above this one; the rest of the page was not read"),
        );
        self.depth -= 1;
        self.pos = self.text.len();
        self.stopped = true;
        false
    }

    /// The length of the `{...}` group at byte `at` (see [`balanced`]), remembered.
    fn balanced_at(&mut self, at: usize) -> Option<usize> {
        if let Some(&known) = self.closes.get(&at) {
            return known.map(|end| end - at);
        }
        balanced(&self.text[at..], at, &mut self.closes)
    }

    fn at_line_start(&self) -> bool {
        self.pos == 0 || self.text.as_bytes()[self.pos - 1] == b'\n'
    }

    /// Nodes until end of input, `</parent>`, or (in a block) its next `{:...}`/`{/...}`.
    fn nodes(&mut self, parent: Parent<'_>) -> Vec<Node> {
        let mut nodes = Vec::new();
        let mut text_start = self.pos;
        let flush = |nodes: &mut Vec<Node>, start: usize, end: usize, text: &str| {
            if end > start {
                nodes.push(Node::Markdown { text: text[start..end].to_string(), span: Span::new(start, end) });
            }
        };
        while self.pos < self.text.len() {
            let rest = self.rest();
            if self.at_line_start()
                && let Some(fence) = fence_open(rest)
            {
                let start = self.pos;
                if let Some(q) = self.fence(fence) {
                    // A query leaves the prose; a code fence stays in it, verbatim.
                    flush(&mut nodes, text_start, start, self.text);
                    text_start = self.pos;
                    self.queries.push(q);
                }
                continue;
            }
            let b = rest.as_bytes()[0];
            match b {
                b'`' => {
                    // An inline code span: skip to the matching run of backticks.
                    let run = rest.bytes().take_while(|&c| c == b'`').count();
                    let ticks = &rest[..run];
                    match rest[run..].find(ticks) {
                        Some(i) if !rest[run..run + i].contains("\n\n") => self.pos += run + i + run,
                        _ => self.pos += run,
                    }
                }
                b'<' if starts_with_ignore_case(rest, "<script")
                    && rest[7..].starts_with(|c: char| c.is_whitespace() || c == '>') =>
                {
                    flush(&mut nodes, text_start, self.pos, self.text);
                    self.script();
                    text_start = self.pos;
                }
                b'<' if rest.starts_with("<!--") => {
                    self.pos += rest.find("-->").map_or(rest.len(), |i| i + 3);
                }
                b'<' if rest.starts_with("</") && rest[2..].starts_with(|c: char| c.is_ascii_uppercase()) => {
                    let start = self.pos;
                    let name_len = rest[2..].find(|c: char| !is_name_char(c)).unwrap_or(rest.len() - 2);
                    let name = &rest[2..2 + name_len];
                    let after = rest[2 + name_len..].trim_start();
                    let end =
                        if after.starts_with('>') { self.text.len() - after.len() + 1 } else { start + 2 + name_len };
                    flush(&mut nodes, text_start, start, self.text);
                    self.pos = end;
                    match parent {
                        Parent::Tag(p, _) if p == name => return nodes,
                        Parent::Tag(p, pspan) => {
                            self.problems.push(
                                Problem::new(
                                    format!("`</{name}>` closes a tag that is not open"),
                                    Span::new(start, end),
                                )
                                .label(format!("expected `</{p}>`"))
                                .help(format!("`<{p}>` opened at byte {} is still open; close it first", pspan.start)),
                            );
                        }
                        Parent::Page | Parent::Block => self.problems.push(
                            Problem::new(format!("`</{name}>` has no opening `<{name}>`"), Span::new(start, end))
                                .help("remove it, or open the component before it"),
                        ),
                    }
                    text_start = self.pos;
                }
                b'<' if rest[1..].starts_with(|c: char| c.is_ascii_uppercase()) => {
                    flush(&mut nodes, text_start, self.pos, self.text);
                    if let Some(c) = self.component() {
                        nodes.push(Node::Component(c));
                    }
                    text_start = self.pos;
                }
                b'\\' if rest[1..].starts_with(['{', '}', '<']) => self.pos += 2,
                b'{' => {
                    let start = self.pos;
                    flush(&mut nodes, text_start, start, self.text);
                    let Some(len) = self.balanced_at(start) else {
                        self.problems.push(
                            Problem::new("`{` is never closed", Span::new(start, start + 1))
                                .help("close the expression with `}`, or write `\\{` for a literal brace"),
                        );
                        self.pos += 1;
                        text_start = self.pos;
                        continue;
                    };
                    let inner = &rest[1..len - 1];
                    let span = Span::new(start, start + len);
                    self.pos += len;
                    text_start = self.pos;
                    let lead = inner.len() - inner.trim_start().len();
                    let trimmed = inner.trim_start();
                    if trimmed.starts_with(['#', ':', '/', '@']) {
                        let word: String = trimmed.chars().take_while(|c| !c.is_whitespace()).collect();
                        let rest_offset = start + 1 + lead + word.len();
                        let tag = BlockTag { rest: trimmed[word.len()..].to_string(), word, rest_offset, span };
                        match tag.word.as_str() {
                            "#if" | "#each" => {
                                let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
                                let inline = !self.text[line_start..start].trim().is_empty();
                                if let Some(node) = self.block(tag, inline) {
                                    nodes.push(node);
                                }
                                text_start = self.pos;
                            }
                            w if (w.starts_with(':') || w.starts_with('/')) && matches!(parent, Parent::Block) => {
                                self.block_end = Some(tag);
                                return nodes;
                            }
                            w if w.starts_with(':') || w.starts_with('/') => {
                                let help = match parent {
                                    Parent::Tag(p, _) => format!("`<{p}>` is still open; close it with `</{p}>` first"),
                                    _ => "remove it, or open the block before it with `{#if ...}` or `{#each ...}`"
                                        .to_string(),
                                };
                                self.problems.push(
                                    Problem::new(format!("`{{{w}}}` has no open block to close"), span).help(help),
                                );
                            }
                            "@partial" => {
                                self.problems.push(Problem::new("`{@partial}` could not be read here", span).help(
                                    "write `{@partial \"name.md\"}` on a line of its own, naming a file in partials/",
                                ))
                            }
                            w => {
                                // Svelte's other tags, and what a quire page writes instead.
                                let help = match w {
                                    "@html" => {
                                        "quire never turns data into markup: write the HTML in the page, or show the value as text with `{value}`"
                                    }
                                    "@const" => {
                                        "declare the value in the page's `<script>` (a `$:` statement), or compute it in SQL"
                                    }
                                    "@debug" => {
                                        "remove it: a page's values are printed by `quire check` and shown by `quire dev`"
                                    }
                                    "#await" => {
                                        "query results are ready before the page is drawn: read the query directly, without `{#await}`"
                                    }
                                    "#key" => "remove it: quire draws the page again whenever what it shows changes",
                                    "#snippet" | "@render" => {
                                        "Svelte's snippets are not read by quire: write the markup in place, or in a partial"
                                    }
                                    _ => "blocks are `{#if ...}`, `{#each ... as row}` and `{@partial \"name.md\"}`",
                                };
                                self.problems.push(
                                    Problem::new(format!("`{{{w}}}` is not a block quire knows"), span).help(help),
                                )
                            }
                        }
                        continue;
                    }
                    match expr::markup_problem(inner, start + 1) {
                        Some(p) => self.problems.push(p),
                        None => nodes.push(Node::Expr { expr: expr::parse_or_js(inner, start + 1), span }),
                    }
                }
                _ => {
                    let step = rest.chars().next().map_or(1, char::len_utf8);
                    self.pos += step;
                }
            }
        }
        flush(&mut nodes, text_start, self.pos, self.text);
        if let Parent::Tag(name, span) = parent
            && !self.stopped
        {
            self.problems.push(
                Problem::new(format!("`<{name}>` is never closed"), span)
                    .help(format!("add `</{name}>` after its children, or write `<{name} ... />`")),
            );
        }
        nodes
    }

    /// After `{#if ...}` or `{#each ...}`: the whole block, through its closing tag.
    fn block(&mut self, open: BlockTag, inline: bool) -> Option<Node> {
        if !self.enter(open.span) {
            return None;
        }
        let node = self.block_inside(open, inline);
        self.depth -= 1;
        node
    }

    fn block_inside(&mut self, open: BlockTag, inline: bool) -> Option<Node> {
        let kind = &open.word[1..];
        let close = format!("/{kind}");
        let unclosed = |s: &mut Self| {
            if s.stopped {
                return;
            }
            s.problems.push(
                Problem::new(format!("`{{#{kind}}}` is never closed"), open.span)
                    .help(format!("end the block with `{{/{kind}}}`")),
            );
        };
        if kind == "each" {
            let head = self.each_head(&open);
            let body = self.nodes(Parent::Block);
            let end = self.block_end.take();
            match &end {
                None => unclosed(self),
                Some(t) if t.word == close => {}
                Some(t) => self.problems.push(
                    Problem::new(format!("`{{{}}}` cannot end an `{{#each}}`", t.word), t.span)
                        .help("end the block with `{/each}`"),
                ),
            }
            let (query, query_span, alias, index) = head?;
            let end = end.map_or(self.pos, |t| t.span.end);
            return Some(Node::Each {
                query,
                query_span,
                alias,
                index,
                body,
                span: Span::new(open.span.start, end),
                inline,
            });
        }
        let mut branches = Vec::new();
        let mut otherwise = None;
        let mut cond = self.condition(&open.rest, open.rest_offset, open.span);
        let end = loop {
            let body = self.nodes(Parent::Block);
            let tag = self.block_end.take();
            if let Some(c) = cond.take() {
                branches.push(Branch { cond: c, body });
            } else if otherwise.is_none() && tag.as_ref().is_none_or(|t| t.word != ":else") {
                otherwise = Some(body);
            }
            let Some(tag) = tag else {
                unclosed(self);
                break self.pos;
            };
            match tag.word.as_str() {
                ":else" if otherwise.is_none() => {
                    let rest = tag.rest.trim_start();
                    if let Some(c) = rest.strip_prefix("if ").or_else(|| (rest == "if").then_some("")) {
                        let off = tag.rest_offset + (tag.rest.len() - rest.len()) + 3;
                        cond = self.condition(c, off, tag.span);
                        if cond.is_none() {
                            cond = Some(Expr::Bool(false));
                        }
                    } else if !rest.is_empty() {
                        self.problems.push(
                            Problem::new(format!("`{{:else {rest}}}` is not a branch quire knows"), tag.span)
                                .help("write `{:else}` or `{:else if condition}`"),
                        );
                    } else {
                        let body = self.nodes(Parent::Block);
                        otherwise = Some(body);
                        match self.block_end.take() {
                            Some(t) if t.word == "/if" => break t.span.end,
                            Some(t) => {
                                self.problems.push(
                                    Problem::new(format!("`{{{}}}` cannot follow `{{:else}}`", t.word), t.span)
                                        .help("`{:else}` is the last branch: end the block with `{/if}`"),
                                );
                                break t.span.end;
                            }
                            None => {
                                unclosed(self);
                                break self.pos;
                            }
                        }
                    }
                }
                w if w == close => break tag.span.end,
                w => {
                    self.problems.push(
                        Problem::new(format!("`{{{w}}}` cannot end an `{{#if}}`"), tag.span)
                            .help("continue it with `{:else if ...}` or `{:else}`, and end it with `{/if}`"),
                    );
                    break tag.span.end;
                }
            }
        };
        (!branches.is_empty()).then(|| Node::If { branches, otherwise, span: Span::new(open.span.start, end), inline })
    }

    fn condition(&mut self, text: &str, offset: usize, tag: Span) -> Option<Expr> {
        if text.trim().is_empty() {
            self.problems.push(
                Problem::new("this `{#if}` has no condition", tag).help("write `{#if query.length > 0}`, for example"),
            );
            return None;
        }
        if let Some(p) = expr::markup_problem(text, offset) {
            self.problems.push(p);
            return None;
        }
        Some(expr::parse_or_js(text, offset))
    }

    /// `{#each query as row, i}`: the query, the row's name and the index's name.
    fn each_head(&mut self, open: &BlockTag) -> Option<(String, Span, String, Option<String>)> {
        let bad = |s: &mut Self, message: &str| {
            s.problems.push(
                Problem::new(message.to_string(), open.span)
                    .help("write `{#each query as row}` or `{#each query as row, i}`"),
            );
            None
        };
        let text = open.rest.as_str();
        let Some(as_at) = text.find(" as ") else { return bad(self, "this `{#each}` has no `as row`") };
        let source = text[..as_at].trim();
        let lead = text[..as_at].len() - text[..as_at].trim_start().len();
        let query_span = Span::new(open.rest_offset + lead, open.rest_offset + lead + source.len());
        if source.is_empty() {
            return bad(self, "this `{#each}` names nothing to walk");
        }
        let names: Vec<&str> = text[as_at + 4..].split(',').map(str::trim).collect();
        match names.as_slice() {
            [alias] if is_identifier(alias) => Some((source.to_string(), query_span, alias.to_string(), None)),
            [alias, index] if is_identifier(alias) && is_identifier(index) => {
                Some((source.to_string(), query_span, alias.to_string(), Some(index.to_string())))
            }
            _ => bad(self, "the names after `as` must be a row name and, optionally, an index name"),
        }
    }

    /// At a fence opening: consume the whole fence; the query, if it names one.
    fn fence(&mut self, fence: Fence) -> Option<Query> {
        let start = self.pos;
        let line_end = self.rest().find('\n').map_or(self.text.len(), |i| self.pos + i + 1);
        let info_start = start + fence.indent + fence.len;
        let info = &self.text[info_start..line_end];
        let body_start = line_end;
        // Find the closing fence.
        let mut p = body_start;
        let mut body_end = self.text.len();
        let mut end = self.text.len();
        while p < self.text.len() {
            let le = self.text[p..].find('\n').map_or(self.text.len(), |i| p + i + 1);
            let line = &self.text[p..le];
            let trimmed = line.trim_start_matches(' ');
            if line.len() - trimmed.len() <= 3 {
                let run = trimmed.bytes().take_while(|&c| c == fence.ch).count();
                if run >= fence.len && trimmed[run..].trim().is_empty() {
                    body_end = p;
                    end = le;
                    break;
                }
            }
            p = le;
        }
        self.pos = end;
        let words: Vec<(usize, &str)> = words(info);
        let name = match words.as_slice() {
            [(_, lang), (off, name), ..] if lang.eq_ignore_ascii_case("sql") => Some((*off, *name)),
            [(off, name)] if !CODE_LANGUAGES.contains(&name.to_ascii_lowercase().as_str()) && fence.ch == b'`' => {
                Some((*off, *name))
            }
            _ => None,
        };
        let (off, name) = name?;
        let name_span = Span::new(info_start + off, info_start + off + name.len());
        if !is_identifier(name) {
            self.problems.push(
                Problem::new(format!("`{name}` is not a valid query name"), name_span)
                    .help("a query name starts with a letter or `_` and has only letters, digits and `_`"),
            );
        }
        if end == self.text.len() && body_end == self.text.len() {
            self.problems.push(
                Problem::new(format!("the SQL fence of query `{name}` is never closed"), name_span)
                    .help("end the query with a line of three backticks"),
            );
        }
        Some(Query {
            name: name.to_string(),
            name_span,
            sql: self.text[body_start..body_end].to_string(),
            sql_offset: body_start,
            grid: None,
        })
    }

    /// At `<Name`: parse the tag, its props and (unless self-closing) its children.
    fn component(&mut self) -> Option<Component> {
        let start = self.pos;
        let name_start = start + 1;
        let name_len = self.text[name_start..].find(|c: char| !is_name_char(c)).unwrap_or(self.text.len() - name_start);
        let name = self.text[name_start..name_start + name_len].to_string();
        let name_span = Span::new(name_start, name_start + name_len);
        self.pos = name_start + name_len;
        let mut props = Vec::new();
        let self_closing;
        loop {
            self.skip_ws();
            let rest = self.rest();
            if rest.is_empty() {
                self.problems.push(
                    Problem::new(format!("the tag `<{name}` is never finished"), name_span)
                        .help("end it with `/>` or `>`"),
                );
                return None;
            }
            if rest.starts_with("/>") {
                self.pos += 2;
                self_closing = true;
                break;
            }
            if rest.starts_with('>') {
                self.pos += 1;
                self_closing = false;
                break;
            }
            match self.prop() {
                Some(p) => props.push(p),
                None => {
                    // Skip the offending character and carry on, to report more.
                    let step = rest.chars().next().map_or(1, char::len_utf8);
                    self.problems.push(
                        Problem::new(
                            format!("unexpected `{}` in the tag `<{name}>`", &rest[..step]),
                            Span::new(self.pos, self.pos + step),
                        )
                        .help("props are written `name=value`, `name=\"text\"` or `name={query}`"),
                    );
                    self.pos += step;
                }
            }
        }
        let open_end = self.pos;
        let children = if self_closing {
            Vec::new()
        } else {
            if !self.enter(Span::new(start, open_end)) {
                return None;
            }
            let children = self.nodes(Parent::Tag(&name, Span::new(start, open_end)));
            self.depth -= 1;
            children
        };
        Some(Component { name, span: Span::new(start, open_end), name_span, props, children, derived_query: None })
    }

    /// At `<script`: the whole block, kept in [`Scanner::scripts`].
    fn script(&mut self) {
        let start = self.pos;
        let rest = self.rest();
        let Some(open_end) = rest.find('>') else {
            self.problems.push(
                Problem::new("this `<script` tag is never finished", Span::new(start, start + 7))
                    .help("end it with `>`"),
            );
            self.pos = self.text.len();
            return;
        };
        let attrs = &rest[7..open_end];
        let code_start = start + open_end + 1;
        let lower = self.text[code_start..].to_ascii_lowercase();
        let Some(close) = lower.find("</script") else {
            self.problems.push(
                Problem::new("this `<script>` is never closed", Span::new(start, code_start))
                    .help("end the script with `</script>`"),
            );
            self.pos = self.text.len();
            return;
        };
        let code_end = code_start + close;
        let end = self.text[code_end..].find('>').map_or(self.text.len(), |i| code_end + i + 1);
        self.pos = end;
        let a = attrs.to_ascii_lowercase();
        let span = Span::new(start, end);
        if a.contains("lang=\"ts\"") || a.contains("lang='ts'") || a.contains("typescript") {
            self.problems.push(
                Problem::new("quire runs a page's script as JavaScript, not TypeScript", Span::new(start, code_start))
                    .help("remove `lang=\"ts\"` and the type annotations"),
            );
            return;
        }
        let module = a.contains("context=\"module\"")
            || a.contains("context='module'")
            || a.split_whitespace().any(|w| w == "module");
        self.scripts.push(crate::script::Script {
            code: self.text[code_start..code_end].to_string(),
            offset: code_start,
            module,
            span,
        });
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn prop(&mut self) -> Option<Prop> {
        let rest = self.rest();
        let name_len =
            rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':')).unwrap_or(rest.len());
        if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let name_span = Span::new(self.pos, self.pos + name_len);
        let name = rest[..name_len].to_string();
        if let Some((directive, _)) = name.split_once(':')
            && let Some(help) = svelte_directive(directive)
        {
            self.problems.push(
                Problem::new(format!("`{name}` is a Svelte directive, and quire pages do not run Svelte"), name_span)
                    .help(help),
            );
        }
        self.pos += name_len;
        let after = self.rest();
        let trimmed = after.trim_start();
        if !trimmed.starts_with('=') {
            return Some(Prop { name, name_span, value: PropValue::Bool(true), value_span: name_span });
        }
        self.pos += after.len() - trimmed.len() + 1;
        self.skip_ws();
        let rest = self.rest();
        let vstart = self.pos;
        let (value, len) = match rest.as_bytes().first() {
            Some(q @ (b'"' | b'\'')) => {
                let close = rest[1..].find(*q as char)?;
                (PropValue::Str(rest[1..1 + close].to_string()), close + 2)
            }
            Some(b'{') => {
                let len = self.balanced_at(vstart)?;
                (brace_value(&rest[1..len - 1]), len)
            }
            Some(_) => {
                let len = rest
                    .char_indices()
                    .find(|&(i, c)| c.is_whitespace() || c == '>' || rest[i..].starts_with("/>"))
                    .map_or(rest.len(), |(i, _)| i);
                let raw = &rest[..len];
                let value = match raw {
                    "true" => PropValue::Bool(true),
                    "false" => PropValue::Bool(false),
                    _ => PropValue::Str(raw.to_string()),
                };
                (value, len)
            }
            None => return None,
        };
        self.pos += len;
        Some(Prop { name, name_span, value, value_span: Span::new(vstart, vstart + len) })
    }
}

/// The value of `prop={...}`.
fn brace_value(inner: &str) -> PropValue {
    let t = inner.trim();
    if t == "true" || t == "false" {
        return PropValue::Bool(t == "true");
    }
    if let Ok(n) = t.parse::<f64>() {
        return PropValue::Number(n);
    }
    if is_identifier(t) {
        return PropValue::Query(t.to_string());
    }
    if let Some(list) = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let items: Option<Vec<String>> = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .or_else(|| s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                    .map(str::to_string)
            })
            .collect();
        if let Some(items) = items {
            return PropValue::List(items);
        }
    }
    if let Some(s) = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .or_else(|| t.strip_prefix('`').and_then(|s| s.strip_suffix('`')).filter(|s| !s.contains("${")))
    {
        return PropValue::Str(s.to_string());
    }
    PropValue::Expr(t.to_string())
}

/// Length of a `{...}` group at the start of `s` (which is at byte `at` of the page),
/// braces inside quotes ignored; `None` if a blank line or the end comes first. Every
/// other `{` met on the way outside quotes would see the same text from where it stands,
/// so where it closes, or that it never does, goes into `closes` too.
fn balanced(s: &str, at: usize, closes: &mut std::collections::HashMap<usize, Option<usize>>) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '{' => open.push(i),
                '}' => {
                    let start = open.pop()?;
                    closes.insert(at + start, Some(at + i + 1));
                    if open.is_empty() {
                        return Some(i + 1);
                    }
                }
                '\n' if s[..i].ends_with('\n') => break,
                _ => {}
            },
        }
    }
    for start in open {
        closes.insert(at + start, None);
    }
    None
}

#[derive(Debug, Clone, Copy)]
struct Fence {
    indent: usize,
    ch: u8,
    len: usize,
}

fn fence_open(line: &str) -> Option<Fence> {
    let trimmed = line.trim_start_matches(' ');
    let indent = line.len() - trimmed.len();
    if indent > 3 {
        return None;
    }
    let ch = *trimmed.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = trimmed.bytes().take_while(|&c| c == ch).count();
    if len < 3 {
        return None;
    }
    let info_line = trimmed[len..].split('\n').next().unwrap_or("");
    if ch == b'`' && info_line.contains('`') {
        return None;
    }
    Some(Fence { indent, ch, len })
}

fn words(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Svelte's directives (`on:click`, `bind:value`, ...), and what to write instead.
fn svelte_directive(word: &str) -> Option<&'static str> {
    Some(match word {
        "on" => "a quire page has no event handlers; inputs re-run the queries that read them",
        "bind" => "read an input's value as `${inputs.name}` in SQL or `{inputs.name.value}` in the page",
        "use" | "transition" | "in" | "out" | "animate" => {
            "remove it; quire draws components without Svelte actions or transitions"
        }
        "class" | "style" => "write the class or style as a plain attribute of HTML around the component",
        "let" => "slot props are Svelte's; read the data through a query instead",
        _ => return None,
    })
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_an_error_at_the_line_that_crosses_the_limit() {
        let n = 100_000;
        for (open, close) in
            [("{#if true}\n", "{/if}\n"), ("<Group>\n", "</Group>\n"), ("{#each q as r}\n", "{/each}\n")]
        {
            let text = format!("```sql q\nselect 1\n```\n{}x\n{}", open.repeat(n), close.repeat(n));
            let problems = Page::parse(&text).expect_err("too deep");
            let first = &problems[0];
            assert!(first.message.contains("nest more than 100 levels"), "{}", first.message);
            // Three lines of query, then the 101st opening line.
            assert_eq!(crate::span::line_col(&text, first.span.start).0, 3 + MAX_NESTING + 1);
        }
    }

    #[test]
    fn unclosed_braces_are_scanned_once_and_reported_in_bounds() {
        let text = format!("{}\n", "{".repeat(200_000));
        let problems = Page::parse(&text).expect_err("unclosed");
        assert_eq!(problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(problems[0].message, "`{` is never closed");
        assert!(problems[MAX_PROBLEMS].message.starts_with("and 199950 more problems"));
        // Groups that do close, inside a run that does not, still parse.
        let page = Page::parse("{ {1} {2}\n").expect_err("the first brace is open");
        assert_eq!(page.len(), 1);
    }
}
