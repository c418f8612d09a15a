//! Evaluating expressions against query results, `{#each}` rows, page parameters and
//! inputs, with JavaScript's truthiness and comparisons (Evidence evaluates them in Svelte).

use quire_core::expr::{Expr, Op, Step};
use quire_core::script::{JsVal, Local};
use quire_core::{Cell, ColumnType, Problem, Span, Table};

use crate::ctx::{Binding, Ctx};
use crate::fmt::{self, Format};

/// A value an expression produces.
#[derive(Debug, Clone)]
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Text(String),
    /// One cell of a result, with its column's type and display format.
    Cell {
        cell: &'a Cell,
        ty: ColumnType,
        format: Option<Format>,
    },
    /// A whole result (`q`), or a row of one (`q[0]`, or an `{#each}` row).
    Rows(&'a Table),
    Row(&'a Table, usize),
    /// A date, array or object the page's JavaScript made.
    Js(JsVal),
}

impl Val<'_> {
    /// A value from the page's JavaScript: plain values as quire's own.
    pub fn from_js<'b>(v: JsVal) -> Val<'b> {
        match v {
            JsVal::Null => Val::Null,
            JsVal::Bool(b) => Val::Bool(b),
            JsVal::Num(n) => Val::Num(n),
            JsVal::Text(s) => Val::Text(s),
            other => Val::Js(other),
        }
    }
}

impl Val<'_> {
    pub fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Text(s) => !s.is_empty(),
            Val::Cell { cell, .. } => match cell {
                Cell::Null => false,
                Cell::Bool(b) => *b,
                Cell::Int(i) => *i != 0,
                Cell::Float(f) => *f != 0.0 && !f.is_nan(),
                Cell::Text(s) => !s.is_empty(),
                Cell::Rows(t) => !t.is_empty(),
            },
            Val::Rows(_) | Val::Row(..) | Val::Js(_) => true,
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Bool(b) => Some(f64::from(u8::from(*b))),
            Val::Text(s) => s.trim().parse().ok(),
            Val::Js(JsVal::Date(ms)) => *ms,
            Val::Cell { cell, ty, .. } if !ty.is_temporal() => match cell {
                Cell::Text(s) => s.trim().parse().ok(),
                c => c.as_f64(),
            },
            _ => None,
        }
    }

    /// The value as JavaScript's `String(v)` would have it: dates as ISO text.
    pub fn raw(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Bool(b) => b.to_string(),
            Val::Num(n) => quire_core::script::js_number(*n),
            Val::Text(s) => s.clone(),
            Val::Cell { cell, ty, .. } => quire_core::inputs::raw(cell, *ty),
            Val::Rows(t) => format!("{} rows", t.len()),
            Val::Row(..) => String::new(),
            Val::Js(v) => v.text(),
        }
    }

    /// The value as a reader sees it: a cell in its column's format, a number grouped.
    pub fn display(&self, given: Option<&Format>) -> String {
        match self {
            Val::Cell { cell, ty, format } => fmt::format_cell(cell, *ty, given.or(format.as_ref())),
            Val::Num(n) => match given {
                Some(f) => fmt::format_number(*n, f),
                None if n.fract() == 0.0 && n.abs() < 1e15 => fmt::grouped(*n as i64),
                None => fmt::auto_number(*n),
            },
            Val::Null => fmt::NULL.to_string(),
            Val::Js(JsVal::Date(Some(ms))) => {
                let (cell, ty) = if ms.rem_euclid(86_400_000.0) == 0.0 {
                    (Cell::Int((ms / 86_400_000.0) as i64), ColumnType::Date)
                } else {
                    (Cell::Int((ms * 1000.0) as i64), ColumnType::Timestamp)
                };
                fmt::format_cell(&cell, ty, given)
            }
            other => other.raw(),
        }
    }
}

pub(crate) fn eval<'a>(ctx: &mut Ctx<'a>, e: &Expr) -> Option<Val<'a>> {
    Some(match e {
        Expr::Null => Val::Null,
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Number(n) => Val::Num(*n),
        Expr::Text(s) => Val::Text(s.clone()),
        Expr::Not(e) => Val::Bool(!eval(ctx, e)?.truthy()),
        Expr::Negate(e) => Val::Num(-eval(ctx, e)?.number().unwrap_or(f64::NAN)),
        Expr::Choose { cond, then, otherwise } => {
            if eval(ctx, cond)?.truthy() {
                eval(ctx, then)?
            } else {
                eval(ctx, otherwise)?
            }
        }
        Expr::Fmt { value, .. } => eval(ctx, value)?,
        Expr::Binary { op: Op::And, left, right } => {
            let l = eval(ctx, left)?;
            if l.truthy() { eval(ctx, right)? } else { l }
        }
        Expr::Binary { op: Op::Or, left, right } => {
            let l = eval(ctx, left)?;
            if l.truthy() { l } else { eval(ctx, right)? }
        }
        Expr::Binary { op, left, right } => {
            let (l, r) = (eval(ctx, left)?, eval(ctx, right)?);
            binary(*op, &l, &r)
        }
        Expr::Path { root, root_span, steps } => path(ctx, root, *root_span, steps)?,
        Expr::Js { span, .. } => js(ctx, *span)?,
    })
}

/// An expression the page's program runs, with the `{#each}` names around it.
pub(crate) fn js<'a>(ctx: &mut Ctx<'a>, span: Span) -> Option<Val<'a>> {
    let Some(runner) = ctx.script else {
        ctx.report(
            Problem::new("this expression is JavaScript, and nothing runs it here", span)
                .help("quire runs a page's JavaScript at build; this is a bug if you see it there"),
        );
        return None;
    };
    let key = quire_core::script::key(span);
    let names = runner.locals(&key).unwrap_or_default();
    let mut locals = Vec::new();
    for n in names {
        locals.push(match ctx.binding(n) {
            Some(Binding::Row(_, t, r)) => Local::Row(t, r),
            Some(Binding::Value(t, r)) => Local::Value(t, r),
            Some(Binding::Index(i)) => Local::Index(i),
            None => Local::Index(0),
        });
    }
    match runner.eval(&key, &quire_core::script::locals_wire(&locals)) {
        Ok(v) => Some(Val::from_js(v)),
        Err(message) => {
            ctx.report(
                Problem::new(message, span)
                    .help("quire runs this expression as JavaScript with the page's data, as a browser would"),
            );
            None
        }
    }
}

fn binary<'a>(op: Op, l: &Val<'_>, r: &Val<'_>) -> Val<'a> {
    let numbers = l.number().zip(r.number());
    let is_null = |v: &Val<'_>| matches!(v, Val::Null | Val::Cell { cell: Cell::Null, .. });
    match op {
        Op::Eq | Op::NotEq => {
            let same = match (is_null(l), is_null(r)) {
                (true, true) => true,
                (true, false) | (false, true) => false,
                _ => match numbers {
                    Some((a, b)) => a == b,
                    None => l.raw() == r.raw(),
                },
            };
            Val::Bool(same == (op == Op::Eq))
        }
        Op::Less | Op::LessEq | Op::Greater | Op::GreaterEq => {
            let ord = match numbers {
                Some((a, b)) => a.partial_cmp(&b),
                None if is_null(l) || is_null(r) => None,
                None => Some(l.raw().cmp(&r.raw())),
            };
            Val::Bool(ord.is_some_and(|o| match op {
                Op::Less => o.is_lt(),
                Op::LessEq => o.is_le(),
                Op::Greater => o.is_gt(),
                _ => o.is_ge(),
            }))
        }
        Op::Add if numbers.is_none() => Val::Text(l.raw() + &r.raw()),
        _ => {
            let (a, b) = numbers.unwrap_or((f64::NAN, f64::NAN));
            Val::Num(match op {
                Op::Add => a + b,
                Op::Sub => a - b,
                Op::Mul => a * b,
                Op::Div => a / b,
                _ => a % b,
            })
        }
    }
}

fn path<'a>(ctx: &mut Ctx<'a>, root: &str, root_span: Span, steps: &[Step]) -> Option<Val<'a>> {
    let mut query = root;
    let mut value = match ctx.binding(root) {
        Some(Binding::Row(q, table, row)) => {
            query = q;
            Val::Row(table, row)
        }
        Some(Binding::Index(i)) => Val::Num(i as f64),
        Some(Binding::Value(t, r)) => {
            let v = Val::Cell { cell: &t.rows[r][0], ty: t.columns[0].ty, format: None };
            return js_steps(ctx, Val::from_js(v.to_js()), root, steps);
        }
        None if root == "params" || root == "inputs" => return state(ctx, root, root_span, steps),
        // A name the page's script declares: its value (a query of that name is shadowed by
        // the script's own, as in JavaScript).
        None if ctx.script.is_some_and(|s| s.value(root).is_some()) => {
            let v = ctx.script.and_then(|s| s.value(root)).unwrap_or(JsVal::Null);
            return js_steps(ctx, Val::from_js(v), root, steps);
        }
        None => Val::Rows(ctx.result(root, root_span)?),
    };
    let whole = Span::new(
        root_span.start,
        steps.last().map_or(root_span.end, |s| match s {
            Step::Field { span, .. } | Step::Index { span, .. } => span.end,
        }),
    );
    for step in steps {
        value = match (value, step) {
            (Val::Rows(t), Step::Field { name, .. }) if name == "length" => Val::Num(t.len() as f64),
            (Val::Rows(t), Step::Index { index, span }) => {
                let i = eval(ctx, index)?.number();
                match i.filter(|i| *i >= 0.0 && i.fract() == 0.0) {
                    Some(i) if (i as usize) < t.len() => Val::Row(t, i as usize),
                    // An empty result shows as an empty value.
                    Some(_) if t.is_empty() => Val::Null,
                    Some(i) => {
                        ctx.report(crate::value::row_out_of_range(root, i as usize, t.len(), whole));
                        return None;
                    }
                    None => {
                        ctx.report(
                            Problem::new("a row number must be a whole number from 0", *span)
                                .help("rows are counted from 0: `{q[0].column}`"),
                        );
                        return None;
                    }
                }
            }
            // `q.column`: the first row's.
            (Val::Rows(t), Step::Field { name, span }) => cell(ctx, query, t, 0, name, *span)?,
            (Val::Row(t, r), Step::Field { name, span }) => cell(ctx, query, t, r, name, *span)?,
            (Val::Null, _) => Val::Null,
            (_, Step::Field { name, span }) if name == "length" => {
                ctx.report(Problem::new(format!("`{root}` has no length"), *span));
                return None;
            }
            (_, step) => {
                let help = "a query's rows are read as `query[0].column`, an `{#each}` row as `row.column`";
                ctx.report(cannot_look_inside(root, step, help));
                return None;
            }
        };
    }
    Some(value)
}

/// `name.field`, `name[0]`, `name.length` into a script's value.
fn js_steps<'a>(ctx: &mut Ctx<'a>, mut value: Val<'a>, root: &str, steps: &[Step]) -> Option<Val<'a>> {
    for step in steps {
        value = match (value, step) {
            (Val::Js(JsVal::Array(a)), Step::Field { name, .. }) if name == "length" => Val::Num(a.len() as f64),
            (Val::Text(s), Step::Field { name, .. }) if name == "length" => Val::Num(s.encode_utf16().count() as f64),
            (Val::Js(JsVal::Object(kv)), Step::Field { name, .. }) => {
                Val::from_js(kv.into_iter().find(|(k, _)| k == name).map_or(JsVal::Null, |(_, v)| v))
            }
            (Val::Js(JsVal::Array(a)), Step::Index { index, .. }) => {
                let i = eval(ctx, index)?.number().unwrap_or(f64::NAN);
                let found = (i >= 0.0 && i.fract() == 0.0).then(|| a.get(i as usize).cloned()).flatten();
                Val::from_js(found.unwrap_or(JsVal::Null))
            }
            (_, step) => {
                ctx.report(cannot_look_inside(root, step, "it is not an object or an array here"));
                return None;
            }
        };
    }
    Some(value)
}

fn cannot_look_inside(root: &str, step: &Step, help: &str) -> Problem {
    let span = match step {
        Step::Field { span, .. } | Step::Index { span, .. } => *span,
    };
    Problem::new(format!("cannot look inside this value of `{root}`"), span).help(help)
}

fn cell<'a>(ctx: &mut Ctx<'a>, query: &str, t: &'a Table, row: usize, name: &str, span: Span) -> Option<Val<'a>> {
    let col = ctx.column(query, t, name, span)?;
    let Some(r) = t.rows.get(row) else { return Some(Val::Null) };
    Some(Val::Cell { cell: &r[col], ty: t.columns[col].ty, format: fmt::effective(t, col, None) })
}

/// `params.name` and `inputs.name.value` (or `.start`/`.end`).
fn state<'a>(ctx: &mut Ctx<'a>, root: &str, root_span: Span, steps: &[Step]) -> Option<Val<'a>> {
    let Some(Step::Field { name, span }) = steps.first() else {
        ctx.report(Problem::new(format!("`{root}` needs a name after it"), root_span).help(if root == "params" {
            "write `{params.customer}`"
        } else {
            "write `{inputs.region.value}`"
        }));
        return None;
    };
    if root == "params" {
        let Some(values) = ctx.state_value(&format!("params.{name}")) else {
            let help = quire_core::inputs::params_help(ctx.state(), name);
            ctx.report(
                Problem::new(format!("this page has no parameter `{name}`"), Span::new(root_span.start, span.end))
                    .help(help),
            );
            return None;
        };
        return Some(Val::Text(values.join(",")));
    }
    let values = ctx.state_value(name).unwrap_or_default();
    // A named map: `{inputs.my_map.zip_code}` is the picked row's value, `true` until a
    // row is picked (as Evidence's).
    if let Some(columns) = ctx.state_value(&quire_core::inputs::map_columns_key(name)) {
        let Some(Step::Field { name: column, span: at }) = steps.get(1) else {
            return Some(if values.is_empty() { Val::Bool(true) } else { Val::Text(values.join(", ")) });
        };
        if !columns.contains(column) {
            ctx.report(
                Problem::new(format!("the data of map `{name}` has no column `{column}`"), *at)
                    .help(format!("its columns: {}", columns.join(", "))),
            );
            return None;
        }
        if values.is_empty() {
            return Some(Val::Bool(true));
        }
        return Some(match quire_core::grid::selections(&values, std::slice::from_ref(column)).into_iter().next() {
            Some(quire_core::grid::Selection { value: Some(v), .. }) => Val::Text(v),
            _ => Val::Null,
        });
    }
    Some(match values.as_slice() {
        [] => Val::Null,
        [one] => Val::Text(one.clone()),
        many => Val::Text(many.join(",")),
    })
}

/// A cell as the page's JavaScript sees it (dates as `Date`s, lists as arrays of rows).
fn cell_js(cell: &Cell, ty: ColumnType) -> JsVal {
    match (cell, ty) {
        (Cell::Null, _) => JsVal::Null,
        (Cell::Int(d), ColumnType::Date) => JsVal::Date(Some(*d as f64 * 86_400_000.0)),
        (Cell::Int(us), ColumnType::Timestamp) => JsVal::Date(Some(*us as f64 / 1000.0)),
        (Cell::Int(i), _) => JsVal::Num(*i as f64),
        (Cell::Float(f), _) => JsVal::Num(*f),
        (Cell::Bool(b), _) => JsVal::Bool(*b),
        (Cell::Text(s), _) => JsVal::Text(s.clone()),
        (Cell::Rows(t), _) => rows_js(t),
    }
}

fn row_js(t: &Table, r: usize) -> JsVal {
    JsVal::Object(t.columns.iter().zip(&t.rows[r]).map(|(c, v)| (c.name.clone(), cell_js(v, c.ty))).collect())
}

fn rows_js(t: &Table) -> JsVal {
    JsVal::Array((0..t.len()).map(|r| row_js(t, r)).collect())
}

impl Val<'_> {
    /// The value as the page's JavaScript would hold it.
    pub fn to_js(&self) -> JsVal {
        match self {
            Val::Null => JsVal::Null,
            Val::Bool(b) => JsVal::Bool(*b),
            Val::Num(n) => JsVal::Num(*n),
            Val::Text(s) => JsVal::Text(s.clone()),
            Val::Cell { cell, ty, .. } => cell_js(cell, *ty),
            Val::Rows(t) => rows_js(t),
            Val::Row(t, r) => row_js(t, *r),
            Val::Js(v) => v.clone(),
        }
    }
}
