//! Expressions in prose and in `{#if}` / `{#each}`: the JavaScript subset Evidence pages
//! use. `{q[0].col}`, `{q.length}`, `{q.col}` (first row), `{row.col}` in an `{#each}`,
//! `{params.customer}`, `{inputs.region.value}`, `{fmt(q[0].col, 'usd0')}`, and conditions
//! such as `q.length > 0 && q[0].sales >= 100 || !flag`.
//!
//! Parsing lives here; evaluation needs query results and lives in `quire-render`.

use crate::diag::Problem;
use crate::page::is_identifier;
use crate::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    /// `name`, `name.field`, `name[index].field`, ...: a query, a loop variable, `params`
    /// or `inputs`, then the steps into it.
    Path {
        root: String,
        root_span: Span,
        steps: Vec<Step>,
    },
    Not(Box<Expr>),
    Negate(Box<Expr>),
    Binary {
        op: Op,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `cond ? then : otherwise`.
    Choose {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `fmt(value, 'format')`.
    Fmt {
        value: Box<Expr>,
        format: String,
        format_span: Span,
    },
    /// Any other JavaScript (`{items.map(d => d.name).join(', ')}`): run by the page's
    /// program (see [`crate::script`]), keyed by `span`, the inside of the braces.
    Js {
        source: String,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name`.
    Field { name: String, span: Span },
    /// `[expr]`.
    Index { index: Box<Expr>, span: Span },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Or,
    And,
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl Expr {
    /// Every path in the expression: its root name and where it is written, in order.
    pub fn roots(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Path { root, root_span, .. } = e {
                out.push((root.as_str(), *root_span));
            }
        });
        out
    }

    fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Path { steps, .. } => {
                for s in steps {
                    if let Step::Index { index, .. } = s {
                        index.walk(f);
                    }
                }
            }
            Expr::Not(e) | Expr::Negate(e) => e.walk(f),
            Expr::Binary { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            Expr::Choose { cond, then, otherwise } => {
                cond.walk(f);
                then.walk(f);
                otherwise.walk(f);
            }
            Expr::Fmt { value, .. } => value.walk(f),
            Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::Text(_) | Expr::Js { .. } => {}
        }
    }
}

/// The inside of `{...}` as quire's own expressions read it, or else as JavaScript for the
/// page's program to run (a template literal with `${...}` always is).
pub fn parse_or_js(inner: &str, offset: usize) -> Expr {
    // Template literals, and Evidence's `$page.params`, are JavaScript's alone.
    let template = (inner.contains('`') && inner.contains("${")) || inner.contains("$page");
    match parse(inner, offset) {
        Ok(e) if !template => e,
        _ => Expr::Js { source: inner.to_string(), span: Span::new(offset, offset + inner.len()) },
    }
}

/// How deep JavaScript may nest its brackets in a page (an expression, or a script): far
/// beyond any real page, and well within what the engine's parser can take on a thread's stack.
pub const MAX_JS_DEPTH: i32 = 64;

/// What quire refuses in an expression before any engine reads it: brackets nested past
/// [`MAX_JS_DEPTH`], and an assignment (`{#if q.length = 1}`: legal JavaScript, and nearly
/// always a comparison mistyped). The problem at its place, if there is one.
pub fn markup_problem(inner: &str, offset: usize) -> Option<Problem> {
    let b = inner.as_bytes();
    let mut depth = 0i32;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_JS_DEPTH {
                        return Some(
                            Problem::new(
                                format!("this expression nests more than {MAX_JS_DEPTH} levels deep"),
                                Span::new(offset + i, offset + i + 1),
                            )
                            .help("split it: compute parts in the page's script, or in SQL"),
                        );
                    }
                }
                b')' | b']' | b'}' => depth -= 1,
                b'=' if depth == 0 => {
                    let prev = if i > 0 { b[i - 1] } else { b' ' };
                    let next = b.get(i + 1).copied().unwrap_or(b' ');
                    if !matches!(
                        prev,
                        b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'?' | b'^'
                    ) && !matches!(next, b'=' | b'>')
                    {
                        return Some(
                            Problem::new("`=` has no meaning in an expression", Span::new(offset + i, offset + i + 1))
                                .help("compare with `==` or `===`; a page's markup does not assign"),
                        );
                    }
                    if next == b'=' {
                        i += 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Parse the inside of `{...}`; `offset` is where `inner` starts in the file.
pub fn parse(inner: &str, offset: usize) -> Result<Expr, Problem> {
    let tokens = lex(inner, offset)?;
    let mut p = Parser { tokens, pos: 0, text: inner, offset, depth: 0 };
    let e = p.expr(0)?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(Problem::new(format!("unexpected `{}` in the expression", t.text(inner, offset)), t.span)
            .help("an expression reads `{query[0].column}`, `{query.length}`, `{a > b && c}` ..."));
    }
    Ok(e)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Punct(&'static str),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

impl Token {
    fn text<'a>(&self, src: &'a str, offset: usize) -> &'a str {
        &src[self.span.start - offset..self.span.end - offset]
    }
}

const PUNCT: &[&str] = &[
    "===", "!==", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "!", "(", ")", "[", "]", ".",
    ",", "?", ":",
];

fn lex(src: &str, offset: usize) -> Result<Vec<Token>, Problem> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < src.len() {
        let c = src[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < src.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b'_') {
                // `q[0].col`: a `.` followed by a letter ends the number.
                if bytes[i] == b'.' && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    break;
                }
                i += 1;
            }
            let text = src[start..i].replace('_', "");
            let n = text.parse().map_err(|_| {
                Problem::new(format!("`{text}` is not a number"), Span::new(offset + start, offset + i))
            })?;
            out.push(Token { tok: Tok::Num(n), span: Span::new(offset + start, offset + i) });
            continue;
        }
        if c == '\'' || c == '"' || c == '`' {
            let close = src[i + 1..].find(c).ok_or_else(|| {
                Problem::new("this text is never closed", Span::new(offset + i, offset + src.len()))
                    .help(format!("end it with {c}"))
            })?;
            let s = src[i + 1..i + 1 + close].to_string();
            i += close + 2;
            out.push(Token { tok: Tok::Str(s), span: Span::new(offset + start, offset + i) });
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' || c == '$' {
            while i < src.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                i += 1;
            }
            out.push(Token { tok: Tok::Ident(src[start..i].to_string()), span: Span::new(offset + start, offset + i) });
            continue;
        }
        let Some(p) = PUNCT.iter().find(|p| src[i..].starts_with(**p)) else {
            return Err(Problem::new(
                format!("`{c}` has no meaning in an expression"),
                Span::new(offset + i, offset + i + c.len_utf8()),
            )
            .help("expressions use `.`, `[ ]`, comparisons (`==`, `<`, ...), `&&`, `||`, `!` and arithmetic"));
        };
        i += p.len();
        out.push(Token { tok: Tok::Punct(p), span: Span::new(offset + start, offset + i) });
    }
    Ok(out)
}

/// How deep an expression may nest (parentheses, operators, `? :`, `!`): far beyond any
/// real expression, and far below what would exhaust a thread's stack when it is parsed,
/// evaluated or dropped, natively or in the browser.
pub const MAX_DEPTH: usize = 200;

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    text: &'a str,
    offset: usize,
    /// How deep the expression being built is at `pos`.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }
    fn eat(&mut self, p: &'static str) -> bool {
        let hit = self.peek() == Some(&Tok::Punct(p));
        if hit {
            self.pos += 1;
        }
        hit
    }
    fn end_span(&self) -> Span {
        let end = self.offset + self.text.len();
        Span::new(end, end)
    }
    fn expect(&mut self, p: &'static str) -> Result<Span, Problem> {
        let span = self.tokens.get(self.pos).map_or_else(|| self.end_span(), |t| t.span);
        if self.eat(p) { Ok(span) } else { Err(Problem::new(format!("expected `{p}` here"), span)) }
    }

    /// One level deeper; an error at the current token past [`MAX_DEPTH`].
    fn deeper(&mut self) -> Result<(), Problem> {
        self.depth += 1;
        if self.depth <= MAX_DEPTH {
            return Ok(());
        }
        let span = self.tokens.get(self.pos).map_or_else(|| self.end_span(), |t| t.span);
        Err(Problem::new(format!("this expression nests more than {MAX_DEPTH} levels deep"), span)
            .help("split it: compute parts of it in a query, or use fewer parentheses and operators"))
    }

    /// Precedence climbing: `?:` < `||` < `&&` < equality < comparison < `+ -` < `* / %`.
    fn expr(&mut self, min: u8) -> Result<Expr, Problem> {
        let depth = self.depth;
        let e = self.deeper().and_then(|()| self.expr_inside(min));
        self.depth = depth;
        e
    }

    fn expr_inside(&mut self, min: u8) -> Result<Expr, Problem> {
        let mut left = self.unary()?;
        while let Some(Tok::Punct(p)) = self.peek() {
            let (prec, op) = match *p {
                "?" => (1, None),
                "||" => (2, Some(Op::Or)),
                "&&" => (3, Some(Op::And)),
                "==" | "===" => (4, Some(Op::Eq)),
                "!=" | "!==" => (4, Some(Op::NotEq)),
                "<" => (5, Some(Op::Less)),
                "<=" => (5, Some(Op::LessEq)),
                ">" => (5, Some(Op::Greater)),
                ">=" => (5, Some(Op::GreaterEq)),
                "+" => (6, Some(Op::Add)),
                "-" => (6, Some(Op::Sub)),
                "*" => (7, Some(Op::Mul)),
                "/" => (7, Some(Op::Div)),
                "%" => (7, Some(Op::Rem)),
                _ => break,
            };
            if prec < min {
                break;
            }
            self.pos += 1;
            // Each operator in a chain (`a + b + c`) puts the tree one level deeper.
            self.deeper()?;
            match op {
                None => {
                    let then = self.expr(1)?;
                    self.expect(":")?;
                    let otherwise = self.expr(1)?;
                    left = Expr::Choose { cond: Box::new(left), then: Box::new(then), otherwise: Box::new(otherwise) };
                }
                Some(op) => {
                    let right = self.expr(prec + 1)?;
                    left = Expr::Binary { op, left: Box::new(left), right: Box::new(right) };
                }
            }
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, Problem> {
        let depth = self.depth;
        let e = self.deeper().and_then(|()| self.unary_inside());
        self.depth = depth;
        e
    }

    fn unary_inside(&mut self) -> Result<Expr, Problem> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("-") {
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, Problem> {
        let Some(t) = self.tokens.get(self.pos).cloned() else {
            return Err(Problem::new("an expression is missing here", self.end_span())
                .help("write `{query[0].column}`, `{query.length}` or a comparison"));
        };
        self.pos += 1;
        match t.tok {
            Tok::Num(n) => Ok(Expr::Number(n)),
            Tok::Str(s) => Ok(Expr::Text(s)),
            Tok::Punct("(") => {
                let e = self.expr(0)?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Ident(name) => match name.as_str() {
                "true" => Ok(Expr::Bool(true)),
                "false" => Ok(Expr::Bool(false)),
                "null" | "undefined" => Ok(Expr::Null),
                "fmt" if self.peek() == Some(&Tok::Punct("(")) => {
                    self.pos += 1;
                    let value = self.expr(0)?;
                    self.expect(",")?;
                    let f = self.tokens.get(self.pos).cloned();
                    let Some(Token { tok: Tok::Str(format), span }) = f else {
                        let span = f.map_or_else(|| self.end_span(), |t| t.span);
                        return Err(Problem::new("`fmt` takes a format in quotes", span)
                            .help("write `fmt(query[0].column, 'usd0')`"));
                    };
                    self.pos += 1;
                    self.expect(")")?;
                    Ok(Expr::Fmt { value: Box::new(value), format, format_span: span })
                }
                _ => {
                    if !is_identifier(&name) {
                        return Err(Problem::new(format!("`{name}` is not a name quire knows"), t.span));
                    }
                    let mut steps = Vec::new();
                    loop {
                        if self.eat(".") {
                            match self.tokens.get(self.pos).cloned() {
                                Some(Token { tok: Tok::Ident(field), span }) => {
                                    self.pos += 1;
                                    steps.push(Step::Field { name: field, span });
                                }
                                other => {
                                    let span = other.map_or_else(|| self.end_span(), |t| t.span);
                                    return Err(Problem::new("a column name is missing after `.`", span));
                                }
                            }
                        } else if self.peek() == Some(&Tok::Punct("[")) {
                            let open = self.tokens[self.pos].span;
                            self.pos += 1;
                            let index = self.expr(0)?;
                            let close = self.expect("]")?;
                            steps.push(Step::Index { index: Box::new(index), span: Span::new(open.start, close.end) });
                        } else if self.peek() == Some(&Tok::Punct("(")) {
                            return Err(Problem::new(format!("`{name}(...)` is not a function quire knows"), t.span)
                                .help("expressions may call `fmt(value, 'format')` only"));
                        } else {
                            break;
                        }
                    }
                    Ok(Expr::Path { root: name, root_span: t.span, steps })
                }
            },
            Tok::Punct(p) => Err(Problem::new(format!("unexpected `{p}` in the expression"), t.span)
                .help("an expression reads `{query[0].column}`, `{query.length}`, `{a > b && c}` ...")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(e: &Expr) -> String {
        match e {
            Expr::Path { root, steps, .. } => {
                let mut s = root.clone();
                for st in steps {
                    match st {
                        Step::Field { name, .. } => s.push_str(&format!(".{name}")),
                        Step::Index { index, .. } => s.push_str(&format!("[{}]", path(index))),
                    }
                }
                s
            }
            Expr::Number(n) => n.to_string(),
            Expr::Binary { op, left, right } => format!("({} {op:?} {})", path(left), path(right)),
            Expr::Not(e) => format!("!{}", path(e)),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn precedence_and_paths() {
        let e = parse(" q.length > 0 && q[0].sales >= 100 || !flag ", 10).unwrap();
        assert_eq!(path(&e), "(((q.length Greater 0) And (q[0].sales GreaterEq 100)) Or !flag)");
        let roots: Vec<_> = e.roots().into_iter().map(|(r, s)| (r, s.start)).collect();
        assert_eq!(roots, [("q", 11), ("q", 27), ("flag", 49)]);
        assert_eq!(path(&parse("a[i + 1].b", 0).unwrap()), "a[(i Add 1)].b");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for text in [
            format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)),
            format!("{}x", "!".repeat(100_000)),
            format!("1{}", " + 1".repeat(100_000)),
            format!("{}1", "a ? b : ".repeat(100_000)),
        ] {
            let e = parse(&text, 10).expect_err("too deep");
            assert!(e.message.contains("nests more than 200 levels"), "{}", e.message);
            assert!(e.span.start >= 10 && e.span.start < 10 + text.len());
        }
        assert!(parse(&format!("{}1{}", "(".repeat(40), ")".repeat(40)), 0).is_ok());
        assert!(parse(&format!("1{}", " + 1".repeat(150)), 0).is_ok());
    }

    #[test]
    fn errors_point_at_the_token() {
        let p = parse("q.length >", 5).unwrap_err();
        assert_eq!(p.message, "an expression is missing here");
        let p = parse("q.length = 1", 0).unwrap_err();
        assert_eq!((p.span.start, p.span.end), (9, 10));
        let p = parse("sum(q)", 0).unwrap_err();
        assert!(p.message.contains("not a function"), "{}", p.message);
    }
}
