//! A page's JavaScript: its `<script>` blocks and the `{...}` expressions quire's own
//! evaluator does not take, made into one program, [`Program`], that runs the same way at
//! build (in Boa, `quire-js`) and in the browser (in the worker's engine, `quire-site`).
//!
//! Here lives what both engines share: the scan that finds a script's top-level names and
//! its `$:` statements (a small JavaScript lexer), the refusals of Svelte-only syntax, the
//! program text with a map back to the page's offsets, the [`PRELUDE`] every engine runs
//! first, and the values a program hands back ([`JsVal`]), made into tables for components.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Problem;
use crate::span::Span;
use crate::{Cell, Column, ColumnType, Table};

/// One `<script>` block of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// The code between the tags, verbatim.
    pub code: String,
    /// Where `code` starts in the page.
    pub offset: usize,
    /// `<script context="module">` (Svelte's `<script module>`): runs once, before the other.
    pub module: bool,
    /// The whole block, tags included.
    pub span: Span,
}

/// Import sources Evidence pages use for its formatting helpers, which quire provides as
/// globals (`fmt`); an import of one is read as nothing to do.
const EVIDENCE_HELPERS: &[&str] =
    &["@evidence-dev/component-utilities/formatting", "@evidence-dev/component-utilities"];

/// Svelte's lifecycle and store functions: nothing happens on a static page for them to wait on.
const SVELTE_ONLY: &[(&str, &str)] = &[
    ("onMount", "code in `onMount` would run after the page is shown; write it at the top of the script"),
    ("onDestroy", "a static page is never destroyed; remove it"),
    ("beforeUpdate", "write the code at the top of the script, or as a `$:` statement"),
    ("afterUpdate", "write the code at the top of the script, or as a `$:` statement"),
    ("tick", "a static page has no update to wait for; remove it"),
    ("writable", "Svelte stores are not read by quire; use a plain variable, or an input component"),
    ("readable", "Svelte stores are not read by quire; use a plain variable"),
    ("derived", "Svelte stores are not read by quire; use a `$:` statement"),
    ("getContext", "quire pages have no Svelte context; pass values as props"),
    ("setContext", "quire pages have no Svelte context; pass values as props"),
    ("createEventDispatcher", "quire pages have no Svelte events"),
];

/// Most bytes of script one page may hold.
pub const MAX_SCRIPT_BYTES: usize = 256 * 1024;

// ---------------------------------------------------------------------------------------
// The lexer: just enough JavaScript to find top-level statements, names and nesting.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Ident,
    Number,
    Str,
    Template,
    Regex,
    Punct(u8),
    /// `=>`, `==`, `?.`, `...`: operators of several characters, as one token.
    Op,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
    /// Open brackets around it.
    depth: usize,
    /// A line break comes between this token and the one before.
    newline_before: bool,
}

/// Tokens of `code`, or a problem (an unclosed string or comment) at its offset in `code`.
fn lex(code: &str) -> Result<Vec<Token>, (usize, &'static str)> {
    let b = code.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    // Open brackets; `$` for a template literal's `${`.
    let mut stack: Vec<u8> = Vec::new();
    let mut newline = false;
    let regex_allowed = |out: &[Token]| match out.last() {
        None => true,
        Some(t) => match t.kind {
            Tok::Punct(c) => !matches!(c, b')' | b']' | b'}'),
            Tok::Op => true,
            Tok::Ident => matches!(
                &code[t.start..t.end],
                "return" | "typeof" | "case" | "do" | "else" | "in" | "of" | "new" | "delete" | "void" | "throw"
            ),
            _ => false,
        },
    };
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b'\n' => {
                newline = true;
                i += 1;
                continue;
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = code[i..].find('\n').map_or(b.len(), |n| i + n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = code[i + 2..].find("*/").ok_or((i, "this comment is never closed"))?;
                if code[i..i + 2 + end].contains('\n') {
                    newline = true;
                }
                i += end + 4;
                continue;
            }
            b'"' | b'\'' => {
                i += 1;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') => return Err((start, "this string is never closed")),
                        Some(b'\\') => i += 2,
                        Some(&q) if q == c => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                push(&mut out, Tok::Str, start, i, stack.len(), &mut newline);
                continue;
            }
            b'`' => {
                i = template_chunk(b, i + 1, &mut stack).ok_or((start, "this template literal is never closed"))?;
                push(&mut out, Tok::Template, start, i, stack.len(), &mut newline);
                continue;
            }
            b'}' if stack.last() == Some(&b'$') => {
                stack.pop();
                i = template_chunk(b, i + 1, &mut stack).ok_or((start, "this template literal is never closed"))?;
                push(&mut out, Tok::Template, start, i, stack.len(), &mut newline);
                continue;
            }
            b'/' if regex_allowed(&out) => {
                i += 1;
                let mut class = false;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') => return Err((start, "this regular expression is never closed")),
                        Some(b'\\') => i += 2,
                        Some(b'[') => {
                            class = true;
                            i += 1
                        }
                        Some(b']') => {
                            class = false;
                            i += 1
                        }
                        Some(b'/') if !class => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                while b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
                    i += 1;
                }
                push(&mut out, Tok::Regex, start, i, stack.len(), &mut newline);
                continue;
            }
            c if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) => {
                while b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_') {
                    i += 1;
                }
                push(&mut out, Tok::Number, start, i, stack.len(), &mut newline);
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 => {
                while b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$' || *c >= 0x80) {
                    i += 1;
                }
                push(&mut out, Tok::Ident, start, i, stack.len(), &mut newline);
                continue;
            }
            b'(' | b'[' | b'{' => {
                push(&mut out, Tok::Punct(c), start, i + 1, stack.len(), &mut newline);
                stack.push(c);
                i += 1;
                continue;
            }
            b')' | b']' | b'}' => {
                stack.pop();
                push(&mut out, Tok::Punct(c), start, i + 1, stack.len(), &mut newline);
                i += 1;
                continue;
            }
            _ => {
                let ops = [
                    "...", "===", "!==", "**=", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=",
                    "-=", "*=", "/=",
                ];
                if let Some(op) = ops.iter().find(|op| code[i..].starts_with(**op)) {
                    i += op.len();
                    push(&mut out, Tok::Op, start, i, stack.len(), &mut newline);
                } else {
                    i += 1;
                    push(&mut out, Tok::Punct(c), start, i, stack.len(), &mut newline);
                }
                continue;
            }
        }
    }
    Ok(out)
}

fn push(out: &mut Vec<Token>, kind: Tok, start: usize, end: usize, depth: usize, newline: &mut bool) {
    out.push(Token { kind, start, end, depth, newline_before: std::mem::take(newline) });
}

/// From inside a template literal: past its closing backtick, or past a `${` (pushed).
fn template_chunk(b: &[u8], mut i: usize, stack: &mut Vec<u8>) -> Option<usize> {
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'`' => return Some(i + 1),
            b'$' if b.get(i + 1) == Some(&b'{') => {
                stack.push(b'$');
                return Some(i + 2);
            }
            _ => i += 1,
        }
    }
}

/// Whether a statement can end between `prev` and `next` at a line break (automatic
/// semicolon insertion, as far as the scan needs it).
fn ends_between(code: &str, prev: &Token, next: &Token) -> bool {
    let continues_after = match prev.kind {
        Tok::Op => !matches!(&code[prev.start..prev.end], "++" | "--"),
        Tok::Punct(c) => !matches!(c, b')' | b']' | b'}' | b';'),
        _ => false,
    };
    let continues_before = match next.kind {
        Tok::Op => !matches!(&code[next.start..next.end], "++" | "--" | "..."),
        Tok::Punct(c) => matches!(
            c,
            b'.' | b'?'
                | b':'
                | b'+'
                | b'-'
                | b'*'
                | b'/'
                | b'%'
                | b'='
                | b'&'
                | b'|'
                | b','
                | b')'
                | b']'
                | b'}'
                | b'<'
                | b'>'
                | b'('
        ),
        Tok::Template => code[next.start..].starts_with('}'),
        Tok::Ident => matches!(&code[next.start..next.end], "else" | "catch" | "finally" | "in" | "of" | "instanceof"),
        _ => false,
    };
    !continues_after && !continues_before
}

/// Top-level statements as token ranges `[from, to)`.
fn statements(code: &str, toks: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let at_top = t.depth == 0;
        // `;` at the top, or a `}` closing a top-level block that is a statement of its own.
        if at_top && t.kind == Tok::Punct(b';') {
            out.push((from, i + 1));
            from = i + 1;
        } else if i + 1 < toks.len() && toks[i + 1].depth == 0 && toks[i + 1].newline_before && at_top {
            if ends_between(code, t, &toks[i + 1]) {
                out.push((from, i + 1));
                from = i + 1;
            }
        }
        i += 1;
    }
    if from < toks.len() {
        out.push((from, toks.len()));
    }
    out
}

// ---------------------------------------------------------------------------------------
// What the scan finds.

/// A `$:` statement: Svelte runs these after the script, in the order their reads need.
#[derive(Debug, Clone)]
struct Reactive {
    /// The statement after `$:`, as a byte range of the script.
    start: usize,
    end: usize,
    /// Names it assigns at the top (`$: x = ...`, `$: ({a, b} = ...)` is not read).
    assigns: Vec<String>,
    /// Every name it mentions.
    reads: BTreeSet<String>,
    /// The whole statement, `$:` included.
    label_start: usize,
}

#[derive(Debug, Clone, Default)]
struct Scan {
    /// Names declared at the top: `let`, `const`, `var`, `function`, `class`.
    declared: Vec<String>,
    reactive: Vec<Reactive>,
    /// `import` statements from Evidence's helpers: byte ranges to leave out.
    imports: Vec<(usize, usize)>,
}

fn scan(script: &Script, problems: &mut Vec<Problem>) -> Scan {
    let code = script.code.as_str();
    let at = |start: usize, end: usize| Span::new(script.offset + start, script.offset + end);
    let toks = match lex(code) {
        Ok(t) => t,
        Err((i, message)) => {
            problems.push(Problem::new(message.to_string(), at(i, i + 1)).help("close it; the script was not run"));
            return Scan::default();
        }
    };
    let text = |t: &Token| &code[t.start..t.end];
    let mut found = Scan::default();
    if let Some(t) = toks.iter().find(|t| t.depth as i32 >= crate::expr::MAX_JS_DEPTH) {
        problems.push(
            Problem::new(
                format!("this script nests more than {} levels deep", crate::expr::MAX_JS_DEPTH),
                at(t.start, t.end),
            )
            .help("split it into functions or smaller statements"),
        );
        return found;
    }
    for (from, to) in statements(code, &toks) {
        let st = &toks[from..to];
        let Some(first) = st.first() else { continue };
        let word = text(first);
        match word {
            "import" => {
                let source = st.iter().rev().find(|t| t.kind == Tok::Str).map(|t| text(t).trim_matches(['"', '\'']));
                let span = at(first.start, st[st.len() - 1].end);
                match source {
                    Some(s) if EVIDENCE_HELPERS.contains(&s) => found.imports.push((first.start, st[st.len() - 1].end)),
                    Some(s) if s == "svelte" || s.starts_with("svelte/") => problems.push(
                        Problem::new(format!("quire pages do not run Svelte, so `{s}` cannot be imported"), span)
                            .help("write the code at the top of the script; it runs once with the page's data"),
                    ),
                    _ => problems.push(
                        Problem::new("quire pages cannot import modules", span).help(
                            "quire provides Evidence's formatting helper `fmt(value, 'usd0')`; write other helpers in the script",
                        ),
                    ),
                }
            }
            "export" => problems.push(
                Problem::new("a page's script cannot export", at(first.start, first.end))
                    .help("a quire page has no props; declare the value with `let` or `const`"),
            ),
            "let" | "const" | "var" => found.declared.extend(pattern_names(code, &st[1..])),
            "function" | "class" => {
                if let Some(n) = st.get(1).filter(|t| t.kind == Tok::Ident) {
                    found.declared.push(text(n).to_string());
                }
            }
            "async" if st.get(1).is_some_and(|t| text(t) == "function") => {
                if let Some(n) = st.get(2).filter(|t| t.kind == Tok::Ident) {
                    found.declared.push(text(n).to_string());
                }
            }
            "$" if st.get(1).is_some_and(|t| t.kind == Tok::Punct(b':')) && st.len() > 2 => {
                let body = &st[2..];
                let mut assigns = Vec::new();
                if let [name, eq, ..] = body
                    && name.kind == Tok::Ident
                    && eq.kind == Tok::Punct(b'=')
                {
                    assigns.push(text(name).to_string());
                }
                let reads = body.iter().filter(|t| t.kind == Tok::Ident).map(|t| text(t).to_string()).collect();
                found.reactive.push(Reactive {
                    start: body[0].start,
                    end: body[body.len() - 1].end,
                    assigns,
                    reads,
                    label_start: first.start,
                });
            }
            _ => {}
        }
    }
    // Svelte-only names, and `$store` reads.
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Tok::Ident {
            continue;
        }
        let w = text(t);
        let after_dot = i > 0 && matches!(text(&toks[i - 1]), "." | "?.");
        let called = toks.get(i + 1).is_some_and(|n| n.kind == Tok::Punct(b'('));
        if !after_dot
            && called
            && let Some((name, help)) = SVELTE_ONLY.iter().find(|(n, _)| *n == w)
            && !found.declared.iter().any(|d| d == name)
        {
            problems.push(
                Problem::new(format!("`{name}` is Svelte's, and quire pages do not run Svelte"), at(t.start, t.end))
                    .help(*help),
            );
        }
        if w.len() > 1
            && w != "$page"
            && w.starts_with('$')
            && !after_dot
            && w[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            problems.push(
                Problem::new(format!("`{w}` reads a Svelte store, which quire pages do not have"), at(t.start, t.end))
                    .help(format!("use a plain variable `{}` (a `$:` statement keeps it up to date)", &w[1..])),
            );
        }
    }
    found
}

/// Names a `let`/`const`/`var` binds: `a = 1, b`, `{a, b: c, ...d} = x`, `[a, , b] = x`.
fn pattern_names(code: &str, toks: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    let base = toks.first().map_or(0, |t| t.depth);
    let mut i = 0;
    // At the top level of the declaration: a name, then `=` and an initialiser to skip.
    let mut expect_name = true;
    while i < toks.len() {
        let t = &toks[i];
        let w = &code[t.start..t.end];
        if t.depth == base {
            match t.kind {
                Tok::Ident if expect_name => {
                    out.push(w.to_string());
                    expect_name = false;
                }
                Tok::Punct(b'{') | Tok::Punct(b'[') if expect_name => {
                    // A destructuring pattern: names not followed by `:`, and the targets after `:`.
                    let mut j = i + 1;
                    while j < toks.len() && toks[j].depth > base {
                        let u = &toks[j];
                        let next = toks.get(j + 1).map(|n| &code[n.start..n.end]);
                        let prev = if j > 0 { &code[toks[j - 1].start..toks[j - 1].end] } else { "" };
                        if u.kind == Tok::Ident && next != Some(":") && prev != "=" {
                            out.push(code[u.start..u.end].to_string());
                        }
                        j += 1;
                    }
                    i = j;
                    expect_name = false;
                    continue;
                }
                Tok::Punct(b',') => expect_name = true,
                _ => {}
            }
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------
// The program.

/// A page's program: [`PRELUDE`] is run first, then `text`, which evaluates to a function
/// of the page's data (`__quire.page`), in both engines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    pub text: String,
    /// `(offset in text, offset in the page, length)` for each piece copied from the page.
    pub pieces: Vec<(usize, usize, usize)>,
    /// The expressions it can evaluate, by key, with the names each takes (the `{#each}`
    /// rows and indexes around it).
    pub exprs: BTreeMap<String, Vec<String>>,
    /// Names the scripts declare, in order: each is handed back after the run.
    pub names: Vec<String>,
}

impl Program {
    /// The page offset of an offset in the program text, if it is inside a piece of the page.
    pub fn page_offset(&self, at: usize) -> Option<usize> {
        self.pieces.iter().find(|(t, _, len)| at >= *t && at <= t + len).map(|(t, p, _)| p + (at - t))
    }
    /// The page offset of a 1-based line and column of the program text.
    pub fn page_offset_at(&self, line: usize, col: usize) -> Option<usize> {
        let start = self.text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
        self.page_offset(start + col.saturating_sub(1))
    }
}

/// A JavaScript expression of the page: its key in the program, its source and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct JsExpr {
    pub source: String,
    pub span: Span,
    /// The names `{#each}` blocks around it bind.
    pub locals: Vec<String>,
}

/// The key of the expression at `span` in [`Program::exprs`].
pub fn key(span: Span) -> String {
    span.start.to_string()
}

/// The page's scripts and JavaScript expressions as one program; problems (Svelte-only
/// syntax, a script too long) at their spans. `queries` are the page's query names.
pub fn program(scripts: &[Script], exprs: &[JsExpr], queries: &[&str]) -> Result<Program, Vec<Problem>> {
    let mut problems = Vec::new();
    let total: usize = scripts.iter().map(|s| s.code.len()).sum();
    if total > MAX_SCRIPT_BYTES {
        problems.push(
            Problem::new(
                format!("this page's scripts hold {total} bytes, more than quire runs ({MAX_SCRIPT_BYTES})"),
                scripts[0].span,
            )
            .help("move data into a query or a source file"),
        );
        return Err(problems);
    }
    let mut ordered: Vec<&Script> = scripts.iter().filter(|s| s.module).collect();
    ordered.extend(scripts.iter().filter(|s| !s.module));
    let scans: Vec<Scan> = ordered.iter().map(|s| scan(s, &mut problems)).collect();
    for e in exprs {
        // Props and `{#each}` heads: `{...}` text and conditions were checked when parsed.
        if let Some(p) = crate::expr::markup_problem(&e.source, e.span.start) {
            problems.push(p);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let declared: Vec<String> = scans.iter().flat_map(|s| s.declared.iter().cloned()).collect();
    let mut p = Program::default();
    // Strict, as Svelte's compiled modules are, in both engines.
    let mut t = String::from("(function (__env) {\n'use strict';\nvar inputs = __env.inputs, params = __env.params;\n");
    if !declared.iter().any(|d| d == "$page") {
        // Evidence's templated pages read their parameters as `$page.params.name`.
        t.push_str("var $page = { params: params };\n");
    }
    for q in queries {
        if !declared.iter().any(|d| d == q) && crate::page::is_identifier(q) && !is_reserved(q) {
            t.push_str(&format!("var {q} = __env.data[{}];\n", js_string(q)));
        }
    }
    // Names `$:` statements assign without declaring: declared here, as Svelte does.
    let mut hoisted: Vec<String> = Vec::new();
    for s in &scans {
        for r in &s.reactive {
            for a in &r.assigns {
                if !declared.contains(a) && !hoisted.contains(a) && !queries.contains(&a.as_str()) {
                    hoisted.push(a.clone());
                }
            }
        }
    }
    if !hoisted.is_empty() {
        t.push_str(&format!("var {};\n", hoisted.join(", ")));
    }
    // Each script, with its `$:` statements and helper imports blanked (lines kept).
    for (script, s) in ordered.iter().zip(&scans) {
        let mut code = script.code.clone();
        let mut blank = |from: usize, to: usize| {
            let cut: String = code[from..to].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
            code.replace_range(from..to, &cut);
        };
        for r in &s.reactive {
            blank(r.label_start, r.end);
        }
        for &(from, to) in &s.imports {
            blank(from, to);
        }
        p.pieces.push((t.len(), script.offset, code.len()));
        t.push_str(&code);
        t.push_str("\n;\n");
    }
    // `$:` statements, each after those assigning what it reads (else in the order written).
    let all: Vec<(&Script, &Reactive)> =
        ordered.iter().zip(&scans).flat_map(|(sc, s)| s.reactive.iter().map(move |r| (*sc, r))).collect();
    for i in reactive_order(&all.iter().map(|(_, r)| *r).collect::<Vec<_>>()) {
        let (script, r) = all[i];
        p.pieces.push((t.len(), script.offset + r.start, r.end - r.start));
        t.push_str(&script.code[r.start..r.end]);
        t.push_str("\n;\n");
    }
    // The names handed back, and the expressions.
    p.names = declared.iter().chain(&hoisted).cloned().collect::<Vec<_>>();
    p.names.dedup();
    t.push_str("return {\nnames: function () { var __n = {};\n");
    for n in &p.names {
        t.push_str(&format!("try {{ __n[{}] = {n}; }} catch (__e) {{}}\n", js_string(n)));
    }
    t.push_str("return __n; },\nexprs: {\n");
    for e in exprs {
        let k = key(e.span);
        t.push_str(&format!("{}: function ({}) {{ return (\n", js_string(&k), e.locals.join(", ")));
        p.pieces.push((t.len(), e.span.start + 1, e.source.len()));
        t.push_str(&e.source);
        t.push_str("\n); },\n");
        p.exprs.insert(k, e.locals.clone());
    }
    t.push_str("}\n};\n})");
    p.text = t;
    Ok(p)
}

/// An order of `$:` statements in which each runs after every earlier-written statement
/// that assigns a name it reads (Svelte's topological order); a cycle keeps written order.
fn reactive_order(rs: &[&Reactive]) -> Vec<usize> {
    let mut done = vec![false; rs.len()];
    let mut out = Vec::new();
    fn visit(i: usize, rs: &[&Reactive], done: &mut Vec<bool>, on: &mut Vec<bool>, out: &mut Vec<usize>) {
        if done[i] || on[i] {
            return;
        }
        on[i] = true;
        for (j, r) in rs.iter().enumerate() {
            if j != i && r.assigns.iter().any(|a| rs[i].reads.contains(a) && !rs[i].assigns.contains(a)) {
                visit(j, rs, done, on, out);
            }
        }
        on[i] = false;
        done[i] = true;
        out.push(i);
    }
    let mut on = vec![false; rs.len()];
    for i in 0..rs.len() {
        visit(i, rs, &mut done, &mut on, &mut out);
    }
    out
}

fn is_reserved(w: &str) -> bool {
    matches!(
        w,
        "break"
            | "case"
            | "catch"
            | "class"
            | "const"
            | "continue"
            | "debugger"
            | "default"
            | "delete"
            | "do"
            | "else"
            | "export"
            | "extends"
            | "finally"
            | "for"
            | "function"
            | "if"
            | "import"
            | "in"
            | "instanceof"
            | "new"
            | "return"
            | "super"
            | "switch"
            | "this"
            | "throw"
            | "try"
            | "typeof"
            | "var"
            | "void"
            | "while"
            | "with"
            | "yield"
            | "let"
            | "static"
            | "enum"
            | "await"
            | "null"
            | "true"
            | "false"
            | "inputs"
            | "params"
            | "fmt"
    )
}

/// `s` as a JavaScript string literal.
pub fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default().replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}

/// Names the page's scripts declare (`let`, `const`, `var`, `function`, `$:`), for the
/// checks that would otherwise call them unknown queries.
pub fn declared_names(scripts: &[Script]) -> Vec<String> {
    let mut sink = Vec::new();
    let mut out = Vec::new();
    for s in scripts {
        let found = scan(s, &mut sink);
        out.extend(found.declared);
        out.extend(found.reactive.into_iter().flat_map(|r| r.assigns));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Values.

/// What every engine runs before a page's program: how query results become arrays of
/// objects (dates as `Date`s, as Evidence gives them), how values come back
/// ([`JsVal::from_wire`]), `fmt`, and the locale functions quire defines for en-US so both
/// engines print the same text. Needs a host function `__quire_fmt(valueJson, format)`.
pub const PRELUDE: &str = include_str!("prelude.js");

/// A value a page's JavaScript produced.
#[derive(Debug, Clone, PartialEq)]
pub enum JsVal {
    Null,
    Bool(bool),
    Num(f64),
    Text(String),
    /// Milliseconds since 1970-01-01T00:00:00Z; `None` for an invalid date.
    Date(Option<f64>),
    Array(Vec<JsVal>),
    /// Keys in their order.
    Object(Vec<(String, JsVal)>),
}

impl JsVal {
    /// A literal as an author writes it in a prop (`[{id: 'sales', fmt: 'usd'}]`,
    /// `[['yellow', 'yellow'], 'red']`): arrays, objects with bare or quoted keys, strings in
    /// either quotes, numbers, `true`, `false`, `null`. `None` for anything else (a name,
    /// a call): such a value comes from the page's program instead, already a literal.
    pub fn parse_literal(text: &str) -> Option<JsVal> {
        let mut p = Literal { s: text.as_bytes(), at: 0, depth: 0 };
        let v = p.value()?;
        p.space();
        (p.at == p.s.len()).then_some(v)
    }

    /// From the JSON the prelude's `encode` writes.
    pub fn from_wire(text: &str) -> Result<JsVal, String> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(Self::from_json(&v))
    }

    fn from_json(v: &serde_json::Value) -> JsVal {
        use serde_json::Value as J;
        match v {
            J::Null => JsVal::Null,
            J::Bool(b) => JsVal::Bool(*b),
            J::Number(n) => JsVal::Num(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => JsVal::Text(s.clone()),
            J::Array(a) => JsVal::Array(a.iter().map(Self::from_json).collect()),
            J::Object(o) => {
                if let Some(d) = o.get("$date") {
                    return JsVal::Date(d.as_f64());
                }
                if let Some(n) = o.get("$num").and_then(|n| n.as_str()) {
                    return JsVal::Num(match n {
                        "Infinity" => f64::INFINITY,
                        "-Infinity" => f64::NEG_INFINITY,
                        _ => f64::NAN,
                    });
                }
                match o.get("$o") {
                    Some(J::Array(pairs)) => JsVal::Object(
                        pairs
                            .iter()
                            .filter_map(|p| match p {
                                J::Array(kv) if kv.len() == 2 => {
                                    Some((kv[0].as_str()?.to_string(), Self::from_json(&kv[1])))
                                }
                                _ => None,
                            })
                            .collect(),
                    ),
                    _ => JsVal::Object(o.iter().map(|(k, v)| (k.clone(), Self::from_json(v))).collect()),
                }
            }
        }
    }

    /// As JavaScript's `String(v)` would print it (dates in ISO form).
    pub fn text(&self) -> String {
        match self {
            JsVal::Null => "null".into(),
            JsVal::Bool(b) => b.to_string(),
            JsVal::Num(n) => js_number(*n),
            JsVal::Text(s) => s.clone(),
            JsVal::Date(Some(ms)) => crate::time::iso_timestamp((*ms * 1000.0) as i64),
            JsVal::Date(None) => "Invalid Date".into(),
            JsVal::Array(a) => {
                a.iter().map(|v| if *v == JsVal::Null { String::new() } else { v.text() }).collect::<Vec<_>>().join(",")
            }
            JsVal::Object(_) => "[object Object]".into(),
        }
    }

    /// The value as a JavaScript literal (strings double-quoted, dates as ISO strings).
    pub fn literal(&self) -> String {
        match self {
            JsVal::Text(s) => js_string(s),
            JsVal::Date(Some(_)) => js_string(&self.text()),
            JsVal::Array(a) => format!("[{}]", a.iter().map(JsVal::literal).collect::<Vec<_>>().join(", ")),
            JsVal::Object(kv) => format!(
                "{{{}}}",
                kv.iter().map(|(k, v)| format!("{}: {}", js_string(k), v.literal())).collect::<Vec<_>>().join(", ")
            ),
            other => other.text(),
        }
    }

    pub fn field(&self, name: &str) -> Option<&JsVal> {
        match self {
            JsVal::Object(kv) => kv.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// An array of objects (or of plain values) as a table, as components read `data`:
    /// columns from the keys in the order first met, typed from their values.
    pub fn to_table(&self) -> Option<Table> {
        // One object (`data={q.at(0)}`): a table of one row.
        if let JsVal::Object(_) = self {
            return JsVal::Array(vec![self.clone()]).to_table();
        }
        let JsVal::Array(items) = self else { return None };
        let mut names: Vec<String> = Vec::new();
        let objects = items.iter().all(|v| matches!(v, JsVal::Object(_) | JsVal::Null));
        if objects {
            for v in items {
                if let JsVal::Object(kv) = v {
                    for (k, _) in kv {
                        if !names.contains(k) {
                            names.push(k.clone());
                        }
                    }
                }
            }
        } else {
            names.push(VALUES_COLUMN.into());
        }
        let cell_of = |v: &JsVal, name: &str| -> JsVal {
            if objects { v.field(name).cloned().unwrap_or(JsVal::Null) } else { v.clone() }
        };
        let mut columns = Vec::new();
        for name in &names {
            let values: Vec<JsVal> = items.iter().map(|v| cell_of(v, name)).collect();
            columns.push(Column { name: name.clone(), ty: column_type(&values) });
        }
        let rows = items.iter().map(|v| columns.iter().map(|c| cell(&cell_of(v, &c.name), c.ty)).collect()).collect();
        Some(Table { columns, rows })
    }
}

fn column_type(values: &[JsVal]) -> ColumnType {
    let present: Vec<&JsVal> = values.iter().filter(|v| **v != JsVal::Null).collect();
    if present.is_empty() {
        return ColumnType::Text;
    }
    if present.iter().all(|v| matches!(v, JsVal::Bool(_))) {
        ColumnType::Bool
    } else if present.iter().all(|v| matches!(v, JsVal::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15)) {
        ColumnType::Int
    } else if present.iter().all(|v| matches!(v, JsVal::Num(_))) {
        ColumnType::Float
    } else if present.iter().all(|v| matches!(v, JsVal::Date(_))) {
        // Midnight UTC every time: a date; otherwise a timestamp.
        if present.iter().all(|v| matches!(v, JsVal::Date(Some(ms)) if ms.rem_euclid(86_400_000.0) == 0.0)) {
            ColumnType::Date
        } else {
            ColumnType::Timestamp
        }
    } else {
        ColumnType::Text
    }
}

fn cell(v: &JsVal, ty: ColumnType) -> Cell {
    match (v, ty) {
        (JsVal::Null, _) | (JsVal::Date(None), _) => Cell::Null,
        (JsVal::Bool(b), ColumnType::Bool) => Cell::Bool(*b),
        (JsVal::Num(n), ColumnType::Int) => Cell::Int(*n as i64),
        (JsVal::Num(n), ColumnType::Float) => Cell::Float(*n),
        (JsVal::Date(Some(ms)), ColumnType::Date) => Cell::Int((ms / 86_400_000.0).floor() as i64),
        (JsVal::Date(Some(ms)), ColumnType::Timestamp) => Cell::Int((ms * 1000.0) as i64),
        (JsVal::Array(_), _) => v.to_table().map_or(Cell::Text(v.text()), |t| Cell::Rows(Box::new(t))),
        (v, _) => Cell::Text(v.text()),
    }
}

/// The one column of the table an array of plain values makes (`['a', 'b']`).
pub const VALUES_COLUMN: &str = "value";

/// Whether a table is what an array of plain values makes: one column, [`VALUES_COLUMN`].
pub fn is_values_table(t: &Table) -> bool {
    t.columns.len() == 1 && t.columns[0].name == VALUES_COLUMN
}

/// A number as JavaScript prints it (`Number.prototype.toString`).
pub fn js_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if n == 0.0 {
        return "0".into();
    }
    let abs = n.abs();
    if (1e-6..1e21).contains(&abs) {
        // Rust's shortest round-trip digits, in plain notation, are JavaScript's here.
        let s = format!("{n}");
        return s;
    }
    // Exponent form: shortest digits, `d.ddde+x`.
    let e = format!("{n:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!("{mant}e{}{}", if exp >= 0 { "+" } else { "-" }, exp.abs())
}

/// A query's result in the form the prelude reads (`__quire.rows`).
pub fn table_wire(t: &Table) -> String {
    serde_json::to_string(t).unwrap_or_else(|_| "{\"columns\":[],\"rows\":[]}".into())
}

// ---------------------------------------------------------------------------------------
// The page's expressions.

impl crate::Page {
    /// The page's program, if it has scripts or JavaScript expressions; problems
    /// (Svelte-only syntax, a script too long) at their spans.
    pub fn program(&self) -> Result<Option<Program>, Vec<Problem>> {
        let exprs = js_exprs(&self.body);
        if self.scripts.is_empty() && exprs.is_empty() {
            return Ok(None);
        }
        let queries: Vec<&str> = self.queries.iter().map(|q| q.name.as_str()).collect();
        program(&self.scripts, &exprs, &queries).map(Some)
    }
}

/// Every expression of these nodes the page's program runs: `{...}` and `{#if}` conditions
/// quire's own evaluator does not take, `{#each}` over anything but a name, props written
/// as JavaScript (`data={[...]}`, `title={`...`}`) and `{...}` inside quoted props.
pub fn js_exprs(nodes: &[crate::Node]) -> Vec<JsExpr> {
    let mut out = Vec::new();
    walk(nodes, &mut Vec::new(), &mut out);
    out
}

fn walk(nodes: &[crate::Node], locals: &mut Vec<String>, out: &mut Vec<JsExpr>) {
    use crate::Node;
    use crate::expr::Expr;
    let js = |e: &Expr, locals: &[String], out: &mut Vec<JsExpr>| {
        if let Expr::Js { source, span } = e {
            out.push(JsExpr { source: source.clone(), span: *span, locals: locals.to_vec() });
        }
    };
    for node in nodes {
        match node {
            Node::Expr { expr, .. } => js(expr, locals, out),
            Node::If { branches, otherwise, .. } => {
                for b in branches {
                    js(&b.cond, locals, out);
                    walk(&b.body, locals, out);
                }
                if let Some(o) = otherwise {
                    walk(o, locals, out);
                }
            }
            Node::Each { query, query_span, alias, index, body, .. } => {
                if !crate::page::is_identifier(query) {
                    out.push(JsExpr { source: query.clone(), span: *query_span, locals: locals.clone() });
                }
                let depth = locals.len();
                locals.push(alias.clone());
                locals.extend(index.clone());
                walk(body, locals, out);
                locals.truncate(depth);
            }
            Node::Component(c) => {
                for p in &c.props {
                    for e in prop_exprs(p) {
                        js(&e, locals, out);
                    }
                }
                walk(&c.children, locals, out);
            }
            Node::Markdown { .. } => {}
        }
    }
}

/// The expressions a prop holds: `prop={...}` written as JavaScript, and each `{...}`
/// inside a quoted `prop="... {x} ..."`.
pub fn prop_exprs(p: &crate::Prop) -> Vec<crate::expr::Expr> {
    use crate::PropValue;
    match &p.value {
        PropValue::Expr(text) => {
            // The text between the braces (trimmed), keyed by where the braces' inside starts.
            vec![crate::expr::parse_or_js(text, p.value_span.start + 1)]
        }
        PropValue::Str(s) if s.contains('{') => {
            let mut out = Vec::new();
            let mut offset = p.value_span.start + 1;
            let mut rest = s.as_str();
            while let Some(i) = rest.find('{') {
                let Some(close) = rest[i..].find('}') else { break };
                let inner = &rest[i + 1..i + close];
                out.push(crate::expr::parse_or_js(inner, offset + i + 1));
                offset += i + close + 1;
                rest = &rest[i + close + 1..];
            }
            out
        }
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Running it.

/// What runs a page's program after [`PRELUDE`]: Boa at build (`quire-js`), the browser's
/// engine in the worker (`quire-site`). Made with the page's data ([`env_wire`]).
pub trait Runner {
    /// A name the scripts declare, as the run left it (`None`: not declared, or a function).
    fn value(&self, name: &str) -> Option<JsVal>;
    /// The expression at `key` ([`key`]), given the values of its locals ([`locals_wire`]),
    /// or the message of what it threw.
    fn eval(&self, key: &str, locals: &str) -> Result<JsVal, String>;
    /// The names the expression at `key` takes, in order.
    fn locals(&self, key: &str) -> Option<&[String]>;
}

/// A value an `{#each}` name stands for, handed to an expression.
pub enum Local<'a> {
    Row(&'a Table, usize),
    /// The only cell of a row: an item of an array of plain values.
    Value(&'a Table, usize),
    Index(usize),
}

/// Locals as the prelude's `eval` reads them: a row as a table of that row alone.
pub fn locals_wire(locals: &[Local<'_>]) -> String {
    let items: Vec<String> = locals
        .iter()
        .map(|l| match l {
            Local::Row(t, r) => {
                let one = Table { columns: t.columns.clone(), rows: t.rows.get(*r).cloned().into_iter().collect() };
                table_wire(&one)
            }
            Local::Value(t, r) => {
                let one = Table { columns: t.columns.clone(), rows: t.rows.get(*r).cloned().into_iter().collect() };
                format!("{{\"value\":true,{}", &table_wire(&one)[1..])
            }
            Local::Index(i) => i.to_string(),
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// The page's data as the prelude's `run` reads it: each query's result (of those in
/// `queries` that ran), each input's values and the page's parameters.
pub fn env_wire(results: &BTreeMap<String, Table>, state: &crate::InputState, queries: &[&str]) -> String {
    let mut data = Vec::new();
    for q in queries {
        if let Some(t) = results.get(*q) {
            data.push(format!("{}:{}", js_string(q), table_wire(t)));
        }
    }
    let mut inputs = Vec::new();
    let mut params = Vec::new();
    for (k, v) in state {
        match k.strip_prefix("params.") {
            Some(p) => params.push(format!("{}:{}", js_string(p), js_string(&v.join(",")))),
            None => inputs.push(format!(
                "{}:[{}]",
                js_string(k),
                v.iter().map(|s| js_string(s)).collect::<Vec<_>>().join(",")
            )),
        }
    }
    format!(
        "{{\"data\":{{{}}},\"inputs\":{{{}}},\"params\":{{{}}}}}",
        data.join(","),
        inputs.join(","),
        params.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(code: &str) -> Script {
        Script { code: code.to_string(), offset: 0, module: false, span: Span::new(0, code.len()) }
    }

    #[test]
    fn top_level_names_and_reactive_statements() {
        let code = "let a = 1, b = [1, 2];\nconst { c, d: e, ...f } = g;\nfunction h() { let inner = 1; return inner }\n\
                    $: total = a + b.length\n$: share = total / 2;\nvar re = /[;}]/g, t = `x ${a + `y`} }`;\n\
                    class K {}\nasync function load() {}\n";
        let names = declared_names(&[script(code)]);
        assert_eq!(names, ["a", "b", "c", "e", "f", "h", "re", "t", "K", "load", "total", "share"]);
    }

    #[test]
    fn statements_end_where_javascript_ends_them() {
        let code = "let a = rows\n  .filter(r => r.x)\n  .map(r => r.y)\nlet b = a\n+ 1\nlet c = 2";
        let toks = lex(code).expect("lexes");
        let st: Vec<&str> =
            statements(code, &toks).iter().map(|&(f, t)| &code[toks[f].start..toks[t - 1].end]).collect();
        assert_eq!(st, ["let a = rows\n  .filter(r => r.x)\n  .map(r => r.y)", "let b = a\n+ 1", "let c = 2"]);
    }

    #[test]
    fn reactive_statements_run_after_what_they_read() {
        let code = "$: b = a * 2;\n$: a = base + 1;\n$: c = b + a;\nlet base = 1;";
        let p = program(&[script(code)], &[], &[]).expect("a program");
        let at = |s: &str| p.text.find(s).unwrap_or_else(|| panic!("{s} in {}", p.text));
        assert!(at("a = base + 1") < at("b = a * 2"), "{}", p.text);
        assert!(at("b = a * 2") < at("c = b + a"), "{}", p.text);
        assert!(p.text.contains("var b, a, c;"), "{}", p.text);
        // The script's own lines keep their places: `let base` maps back to line 4.
        let off = p.text.find("let base").expect("copied");
        assert_eq!(p.page_offset(off), Some(code.find("let base").expect("in the page")));
    }

    #[test]
    fn unclosed_strings_and_templates_are_problems() {
        let mut problems = Vec::new();
        scan(&script("let a = 'open\nlet b = 1"), &mut problems);
        assert_eq!(problems[0].message, "this string is never closed");
        let mut problems = Vec::new();
        scan(&script("let a = `open ${1}"), &mut problems);
        assert_eq!(problems[0].message, "this template literal is never closed");
    }

    #[test]
    fn values_become_tables_typed_by_what_they_hold() {
        let v = JsVal::from_wire(
            r#"[{"$o":[["name","a"],["n",1],["x",1.5],["d",{"$date":86400000}]]},{"$o":[["n",2],["name","b"]]}]"#,
        )
        .expect("wire");
        let t = v.to_table().expect("a table");
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["name", "n", "x", "d"]);
        let types: Vec<ColumnType> = t.columns.iter().map(|c| c.ty).collect();
        assert_eq!(types, [ColumnType::Text, ColumnType::Int, ColumnType::Float, ColumnType::Date]);
        assert_eq!(t.rows[1], [Cell::Text("b".into()), Cell::Int(2), Cell::Null, Cell::Null]);
        let one = JsVal::Object(vec![("v".into(), JsVal::Num(3.0))]).to_table().expect("one row");
        assert_eq!(one.rows, [[Cell::Int(3)]]);
        assert_eq!(JsVal::Array(vec![JsVal::Text("x".into())]).to_table().expect("values").columns[0].name, "value");
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        for (n, s) in [
            (1.0, "1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1.5e-7, "1.5e-7"),
            (-0.0, "0"),
            (123456789012.5, "123456789012.5"),
        ] {
            assert_eq!(js_number(n), s);
        }
    }
}

/// [`JsVal::parse_literal`]'s reader; nesting is bounded by [`crate::expr::MAX_JS_DEPTH`].
struct Literal<'a> {
    s: &'a [u8],
    at: usize,
    depth: i32,
}

impl Literal<'_> {
    fn space(&mut self) {
        while self.at < self.s.len() && self.s[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.space();
        let ok = self.s.get(self.at) == Some(&b);
        if ok {
            self.at += 1;
        }
        ok
    }

    fn value(&mut self) -> Option<JsVal> {
        self.space();
        let b = *self.s.get(self.at)?;
        match b {
            b'[' | b'{' => {
                self.depth += 1;
                if self.depth > crate::expr::MAX_JS_DEPTH {
                    return None;
                }
                self.at += 1;
                let close = if b == b'[' { b']' } else { b'}' };
                let (mut items, mut fields) = (Vec::new(), Vec::new());
                while !self.eat(close) {
                    if b == b'[' {
                        items.push(self.value()?);
                    } else {
                        let key = match self.value()? {
                            JsVal::Text(k) => k,
                            JsVal::Num(n) => js_number(n),
                            _ => return None,
                        };
                        if !self.eat(b':') {
                            return None;
                        }
                        fields.push((key, self.value()?));
                    }
                    if !self.eat(b',') {
                        if !self.eat(close) {
                            return None;
                        }
                        break;
                    }
                }
                self.depth -= 1;
                Some(if b == b'[' { JsVal::Array(items) } else { JsVal::Object(fields) })
            }
            b'\'' | b'"' | b'`' => {
                self.at += 1;
                let mut out = Vec::new();
                loop {
                    let c = *self.s.get(self.at)?;
                    self.at += 1;
                    match c {
                        _ if c == b => break,
                        b'\\' => {
                            let e = *self.s.get(self.at)?;
                            self.at += 1;
                            out.push(match e {
                                b'n' => b'\n',
                                b't' => b'\t',
                                other => other,
                            });
                        }
                        b'$' if b == b'`' && self.s.get(self.at) == Some(&b'{') => return None,
                        _ => out.push(c),
                    }
                }
                String::from_utf8(out).ok().map(JsVal::Text)
            }
            _ => {
                let start = self.at;
                while self.at < self.s.len()
                    && (self.s[self.at].is_ascii_alphanumeric()
                        || matches!(self.s[self.at], b'_' | b'$' | b'.' | b'-' | b'+'))
                {
                    self.at += 1;
                }
                let word = std::str::from_utf8(&self.s[start..self.at]).ok()?;
                match word {
                    "true" => Some(JsVal::Bool(true)),
                    "false" => Some(JsVal::Bool(false)),
                    "null" | "undefined" => Some(JsVal::Null),
                    // A bare key (`{id: ...}`) reads as its name; a bare value is refused by
                    // the caller (a key must be followed by `:`).
                    _ if word.parse::<f64>().is_ok() && !word.starts_with(['.', '+']) => {
                        word.parse().ok().map(JsVal::Num)
                    }
                    _ if !word.is_empty()
                        && self
                            .s
                            .get(self.at..)
                            .is_some_and(|r| r.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':')) =>
                    {
                        Some(JsVal::Text(word.to_string()))
                    }
                    _ => None,
                }
            }
        }
    }
}

#[cfg(test)]
mod literal_tests {
    use super::JsVal;

    #[test]
    fn literals_read_as_authors_write_them() {
        let v = JsVal::parse_literal("[{id: 'zip', fmt: \"usd\", showColumnName: false}, {'id': 'sales', n: -1.5,}]")
            .expect("a literal");
        assert_eq!(
            v.literal(),
            "[{\"id\": \"zip\", \"fmt\": \"usd\", \"showColumnName\": false}, {\"id\": \"sales\", \"n\": -1.5}]"
        );
        assert_eq!(JsVal::parse_literal(&v.literal()), Some(v));
        assert_eq!(
            JsVal::parse_literal("[['yellow', 'yellow'], 'red']").map(|v| v.literal()).as_deref(),
            Some("[[\"yellow\", \"yellow\"], \"red\"]")
        );
        for bad in ["[rows]", "{a}", "[1, 2", "f(x)", "`${x}`", &"[".repeat(100)] {
            assert_eq!(JsVal::parse_literal(bad), None, "{bad}");
        }
    }
}
