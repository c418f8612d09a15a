//! The DuckDB spellings Evidence pages use, accepted on DataFusion.
//!
//! Three layers, cheapest first:
//! - the parser speaks DuckDB's dialect (`group by all`, `order by all`, a trailing comma
//!   before `FROM`, `{'a': 1}` struct literals, `INTERVAL 7 DAY`);
//! - functions DataFusion lacks under DuckDB's names are registered or renamed: `strftime`,
//!   `strptime`, `year(x)` and its siblings, `first`/`last`/`list`, and a `date_trunc` that
//!   keeps a date a date;
//! - when planning fails, two rewrites that need to know what failed are tried once: a
//!   select-list alias reused later in the same SELECT (in the list, `WHERE`, `HAVING`,
//!   `QUALIFY` or a window's `ORDER BY`), and a number compared with `LIKE`. A real column
//!   always wins over an alias, as in DuckDB, because the rewrite only runs for names the
//!   planner could not find. If the retry fails too, the author sees the first error.

use std::ops::ControlFlow;
use std::sync::Arc;

use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, TimeUnit};
use datafusion::common::{DataFusionError, Result, SchemaError};
use datafusion::execution::SessionState;
use datafusion::logical_expr::{
    ColumnarValue, LogicalPlan, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    TypeSignature, Volatility,
};
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::{
    self, CastKind, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, ObjectName, ObjectNamePart,
    SelectItem,
};

/// The parser dialect: DuckDB's, which Evidence's pages are written in.
pub const DIALECT: datafusion::common::config::Dialect = datafusion::common::config::Dialect::DuckDB;

/// Register the functions that make DuckDB's names work.
pub fn register(ctx: &SessionContext) {
    let state = ctx.state();
    let functions = state.scalar_functions();
    if let Some(inner) = functions.get("date_trunc") {
        ctx.register_udf(ScalarUDF::new_from_impl(DateTrunc::new(Arc::clone(inner))));
    }
    for (ours, theirs) in [("strftime", "to_char"), ("strptime", "to_timestamp")] {
        if let Some(f) = functions.get(theirs) {
            ctx.register_udf(f.as_ref().clone().with_aliases([ours]));
        }
    }
}

/// Plan `sql` the way an Evidence author means it.
pub async fn plan(state: &SessionState, sql: &str) -> Result<LogicalPlan> {
    let mut statement = state.sql_to_statement(sql, &DIALECT)?;
    run(&mut statement, Job::Spellings);
    let first = match state.statement_to_plan(statement.clone()).await {
        // A LIKE over a number plans, and fails at type coercion: check it now.
        Ok(plan) if run(&mut statement, Job::FindLike) => {
            match state.analyzer().execute_and_check(plan.clone(), state.config_options(), |_, _| {}) {
                Ok(_) => return Ok(plan),
                Err(e) => e,
            }
        }
        Ok(plan) => return Ok(plan),
        Err(e) => e,
    };
    let mut changed = false;
    if let Some(name) = missing_column(&first) {
        changed |= run(&mut statement, Job::Aliases(&name));
    }
    if like_error(&first) {
        changed |= run(&mut statement, Job::CastLike);
    }
    if !changed {
        return Err(first);
    }
    // Another alias may be missing once the first is resolved (`a as x, x + 1 as y, y * 2`).
    for _ in 0..8 {
        match state.statement_to_plan(statement.clone()).await {
            Ok(plan) => return Ok(plan),
            Err(e) => match missing_column(&e) {
                Some(name) if run(&mut statement, Job::Aliases(&name)) => {}
                _ => return Err(first),
            },
        }
    }
    Err(first)
}

/// Whether an error may come from comparing a number with LIKE.
fn like_error(error: &DataFusionError) -> bool {
    let message = error.to_string();
    ["like", "Like", "LIKE", "coerc"].iter().any(|w| message.contains(w))
}

/// The unqualified column a planning error says it could not find.
fn missing_column(e: &DataFusionError) -> Option<String> {
    match e.find_root() {
        DataFusionError::SchemaError(err, _) => match err.as_ref() {
            SchemaError::FieldNotFound { field, .. } if field.relation.is_none() => Some(field.name.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Every rewrite is one walk of the statement ([`walk_query`]) by [`Pass`], whatever its
/// job. The walk is written here, over the parts of a query a page's SQL uses, rather than
/// sqlparser's derived visitor: that one covers every node of every statement and, being
/// generic, compiled into tens of kilobytes of the browser runtime per visitor type.
enum Job<'a> {
    /// Function names and `ORDER BY ALL`, on every statement.
    Spellings,
    /// Reuse the select-list alias `name` where it is read later in its SELECT.
    Aliases(&'a str),
    /// Put `(by)` where the bare column `name` is read.
    Substitute(&'a str, &'a Expr),
    /// Find a LIKE or ILIKE testing something other than a literal.
    FindLike,
    /// Cast that something to text.
    CastLike,
}

struct Pass<'a> {
    job: Job<'a>,
    changed: bool,
}

impl Pass<'_> {
    fn query(&mut self, query: &mut ast::Query) {
        if matches!(self.job, Job::Spellings) {
            order_by_all(query);
        }
    }

    fn select(&mut self, select: &mut ast::Select) {
        if let Job::Aliases(name) = self.job {
            self.changed |= reuse_alias(select, name);
        }
    }

    /// After the expression's children.
    fn expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        match self.job {
            Job::Spellings => spell(e),
            Job::Substitute(name, by) => {
                if let Expr::Identifier(id) = e
                    && same_name(id, name)
                {
                    *e = Expr::Nested(Box::new(by.clone()));
                    self.changed = true;
                }
            }
            Job::FindLike => {
                if like_of_column(e).is_some() {
                    self.changed = true;
                    return ControlFlow::Break(());
                }
            }
            Job::CastLike => {
                if let Some(expr) = like_of_column(e) {
                    let inner = std::mem::replace(expr.as_mut(), Expr::Value(ast::Value::Null.into()));
                    **expr = Expr::Cast {
                        kind: CastKind::Cast,
                        expr: Box::new(inner),
                        data_type: ast::DataType::Varchar(None),
                        array: false,
                        format: None,
                    };
                    self.changed = true;
                }
            }
            Job::Aliases(_) => {}
        }
        ControlFlow::Continue(())
    }
}

/// Run `job` over the statement; whether it changed (or found) anything.
fn run(statement: &mut DfStatement, job: Job<'_>) -> bool {
    let mut pass = Pass { job, changed: false };
    if let DfStatement::Statement(s) = statement
        && let ast::Statement::Query(q) = s.as_mut()
    {
        let _ = walk_query(q, &mut pass);
    }
    pass.changed
}

fn walk_query(q: &mut ast::Query, p: &mut Pass<'_>) -> ControlFlow<()> {
    p.query(q);
    if let Some(with) = &mut q.with {
        for cte in &mut with.cte_tables {
            walk_query(&mut cte.query, p)?;
        }
    }
    walk_set(&mut q.body, p)?;
    if let Some(ast::OrderBy { kind: ast::OrderByKind::Expressions(list), .. }) = &mut q.order_by {
        for o in list {
            walk_expr(&mut o.expr, p)?;
        }
    }
    ControlFlow::Continue(())
}

fn walk_set(body: &mut ast::SetExpr, p: &mut Pass<'_>) -> ControlFlow<()> {
    match body {
        ast::SetExpr::Select(s) => walk_select(s, p),
        ast::SetExpr::Query(q) => walk_query(q, p),
        ast::SetExpr::SetOperation { left, right, .. } => {
            walk_set(left, p)?;
            walk_set(right, p)
        }
        _ => ControlFlow::Continue(()),
    }
}

fn walk_select(s: &mut ast::Select, p: &mut Pass<'_>) -> ControlFlow<()> {
    p.select(s);
    for item in &mut s.projection {
        if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item {
            walk_expr(e, p)?;
        }
    }
    for t in &mut s.from {
        walk_table(&mut t.relation, p)?;
        for j in &mut t.joins {
            walk_table(&mut j.relation, p)?;
            use ast::JoinOperator as J;
            if let J::Join(c)
            | J::Inner(c)
            | J::Left(c)
            | J::LeftOuter(c)
            | J::Right(c)
            | J::RightOuter(c)
            | J::FullOuter(c)
            | J::LeftSemi(c)
            | J::RightSemi(c)
            | J::LeftAnti(c)
            | J::RightAnti(c) = &mut j.join_operator
                && let ast::JoinConstraint::On(e) = c
            {
                walk_expr(e, p)?;
            }
        }
    }
    if let ast::GroupByExpr::Expressions(list, _) = &mut s.group_by {
        for e in list {
            walk_expr(e, p)?;
        }
    }
    for e in [&mut s.selection, &mut s.having, &mut s.qualify].into_iter().flatten() {
        walk_expr(e, p)?;
    }
    ControlFlow::Continue(())
}

fn walk_table(t: &mut ast::TableFactor, p: &mut Pass<'_>) -> ControlFlow<()> {
    match t {
        ast::TableFactor::Derived { subquery, .. } => walk_query(subquery, p),
        ast::TableFactor::NestedJoin { table_with_joins, .. } => {
            walk_table(&mut table_with_joins.relation, p)?;
            for j in &mut table_with_joins.joins {
                walk_table(&mut j.relation, p)?;
            }
            ControlFlow::Continue(())
        }
        _ => ControlFlow::Continue(()),
    }
}

/// The expression's children, then the expression.
fn walk_expr(e: &mut Expr, p: &mut Pass<'_>) -> ControlFlow<()> {
    match e {
        Expr::BinaryOp { left, right, .. } => {
            walk_expr(left, p)?;
            walk_expr(right, p)?;
        }
        Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::Cast { expr, .. }
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr)
        | Expr::IsTrue(expr)
        | Expr::IsFalse(expr)
        | Expr::Extract { expr, .. }
        | Expr::Ceil { expr, .. }
        | Expr::Floor { expr, .. } => walk_expr(expr, p)?,
        Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => {
            walk_expr(expr, p)?;
            walk_expr(pattern, p)?;
        }
        Expr::Between { expr, low, high, .. } => {
            walk_expr(expr, p)?;
            walk_expr(low, p)?;
            walk_expr(high, p)?;
        }
        Expr::InList { expr, list, .. } => {
            walk_expr(expr, p)?;
            for x in list {
                walk_expr(x, p)?;
            }
        }
        Expr::InSubquery { expr, subquery, .. } => {
            walk_expr(expr, p)?;
            walk_query(subquery, p)?;
        }
        Expr::Subquery(q) | Expr::Exists { subquery: q, .. } => walk_query(q, p)?,
        Expr::Case { operand, conditions, else_result, .. } => {
            if let Some(o) = operand {
                walk_expr(o, p)?;
            }
            for w in conditions {
                walk_expr(&mut w.condition, p)?;
                walk_expr(&mut w.result, p)?;
            }
            if let Some(x) = else_result {
                walk_expr(x, p)?;
            }
        }
        Expr::Tuple(list) => {
            for x in list {
                walk_expr(x, p)?;
            }
        }
        Expr::Function(f) => {
            if let FunctionArguments::List(list) = &mut f.args {
                for a in &mut list.args {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(x))
                    | FunctionArg::Named { arg: FunctionArgExpr::Expr(x), .. } = a
                    {
                        walk_expr(x, p)?;
                    }
                }
                for c in &mut list.clauses {
                    if let ast::FunctionArgumentClause::OrderBy(list) = c {
                        for o in list {
                            walk_expr(&mut o.expr, p)?;
                        }
                    }
                }
            }
            if let Some(filter) = &mut f.filter {
                walk_expr(filter, p)?;
            }
            if let Some(ast::WindowType::WindowSpec(w)) = &mut f.over {
                for x in &mut w.partition_by {
                    walk_expr(x, p)?;
                }
                for o in &mut w.order_by {
                    walk_expr(&mut o.expr, p)?;
                }
            }
        }
        _ => {}
    }
    p.expr(e)
}

/// DuckDB function names DataFusion spells otherwise, and `date_diff`.
fn spell(e: &mut Expr) {
    let Expr::Function(f) = e else { return };
    let [ObjectNamePart::Identifier(id)] = f.name.0.as_slice() else { return };
    if id.quote_style.is_some() {
        return;
    }
    let lower = id.value.to_ascii_lowercase();
    let part = match lower.as_str() {
        "dayofweek" => Some("dow"),
        "dayofyear" => Some("doy"),
        "year" | "month" | "day" | "quarter" | "hour" | "minute" | "second" | "week" | "epoch" => Some(lower.as_str()),
        _ => None,
    };
    if let Some(part) = part
        && let FunctionArguments::List(list) = &mut f.args
        && list.args.len() == 1
    {
        let part = ast::Value::SingleQuotedString(part.to_string());
        list.args.insert(0, FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(part.into()))));
        f.name = ObjectName::from(vec![Ident::new("date_part")]);
        return;
    }
    if (lower == "date_diff" || lower == "datediff")
        && let Some(e2) = date_diff(f)
    {
        *e = e2;
        return;
    }
    let renamed = match lower.as_str() {
        "first" | "any_value" => "first_value",
        "last" => "last_value",
        "list" => "array_agg",
        "ifnull" => "coalesce",
        _ => return,
    };
    f.name = ObjectName::from(vec![Ident::new(renamed)]);
}

/// `ORDER BY ALL`: DataFusion takes it for plain columns only; positions work for any.
fn order_by_all(query: &mut ast::Query) {
    if let Some(order) = &mut query.order_by
        && let ast::OrderByKind::All(options) = &order.kind
        && let ast::SetExpr::Select(select) = query.body.as_ref()
        && select.projection.iter().all(|p| matches!(p, SelectItem::UnnamedExpr(_) | SelectItem::ExprWithAlias { .. }))
    {
        let options = options.clone();
        let positions = (1..=select.projection.len())
            .map(|i| ast::OrderByExpr {
                expr: Expr::value(ast::Value::Number(i.to_string(), false)),
                options: options.clone(),
                with_fill: None,
            })
            .collect();
        order.kind = ast::OrderByKind::Expressions(positions);
    }
}

/// `date_diff('month', a, b)`: how many boundaries of the part lie between `a` and `b`, as
/// DuckDB counts them (weeks: whole days over seven), for day, week, month, quarter and year. Other parts keep the call
/// (and its error, with a hint).
fn date_diff(f: &ast::Function) -> Option<Expr> {
    let FunctionArguments::List(list) = &f.args else { return None };
    let [part, a, b] = list.args.as_slice() else { return None };
    let arg = |x: &FunctionArg| match x {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e.to_string()),
        _ => None,
    };
    let part = match part {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v))) => match &v.value {
            ast::Value::SingleQuotedString(p) => p.to_ascii_lowercase(),
            _ => return None,
        },
        _ => return None,
    };
    let (a, b) = (arg(a)?, arg(b)?);
    let sql = match part.trim_end_matches('s') {
        "day" => format!("(CAST({b} AS DATE) - CAST({a} AS DATE))"),
        // DuckDB's weeks are whole days divided by seven, toward zero.
        "week" => format!("((CAST({b} AS DATE) - CAST({a} AS DATE)) / 7)"),
        "month" => format!(
            "((date_part('year', {b}) * 12 + date_part('month', {b})) - (date_part('year', {a}) * 12 + date_part('month', {a})))"
        ),
        "quarter" => format!(
            "((date_part('year', {b}) * 4 + date_part('quarter', {b})) - (date_part('year', {a}) * 4 + date_part('quarter', {a})))"
        ),
        "year" => format!("(date_part('year', {b}) - date_part('year', {a}))"),
        _ => return None,
    };
    let dialect = datafusion::sql::sqlparser::dialect::DuckDbDialect {};
    datafusion::sql::sqlparser::parser::Parser::new(&dialect).try_with_sql(&sql).ok()?.parse_expr().ok()
}

/// Replace `name`, where this SELECT defines it as an alias, by the aliased expression in
/// the parts of the SELECT that come after the definition. Whether anything changed.
fn reuse_alias(select: &mut ast::Select, name: &str) -> bool {
    let mut changed = false;
    let mut defined: Option<Expr> = None;
    for item in select.projection.iter_mut() {
        let (expr, alias) = match item {
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.clone())),
            SelectItem::UnnamedExpr(expr) => (expr, None),
            _ => continue,
        };
        if let Some(d) = &defined {
            changed |= substitute(expr, name, d);
        }
        if defined.is_none() && alias.is_some_and(|a| same_name(&a, name)) {
            defined = Some(expr.clone());
        }
    }
    if let Some(d) = defined {
        for e in [&mut select.selection, &mut select.having, &mut select.qualify].into_iter().flatten() {
            changed |= substitute(e, name, &d);
        }
    }
    changed
}

fn same_name(ident: &Ident, name: &str) -> bool {
    if ident.quote_style.is_some() { ident.value == name } else { ident.value.eq_ignore_ascii_case(name) }
}

fn substitute(expr: &mut Expr, name: &str, by: &Expr) -> bool {
    let mut pass = Pass { job: Job::Substitute(name, by), changed: false };
    let _ = walk_expr(expr, &mut pass);
    pass.changed
}

/// The tested side of a LIKE or ILIKE, when it is not a literal (or already cast).
fn like_of_column(e: &mut Expr) -> Option<&mut Box<Expr>> {
    match e {
        Expr::Like { expr, .. } | Expr::ILike { expr, .. }
            if !matches!(expr.as_ref(), Expr::Value(_) | Expr::Cast { .. }) =>
        {
            Some(expr)
        }
        _ => None,
    }
}

/// DuckDB's `date_trunc`: a date truncated is a date; anything else as DataFusion does it.
#[derive(Debug, PartialEq, Eq, Hash)]
struct DateTrunc {
    inner: Arc<ScalarUDF>,
    signature: Signature,
}

impl DateTrunc {
    fn new(inner: Arc<ScalarUDF>) -> Self {
        let mut variants: Vec<TypeSignature> = [DataType::Utf8, DataType::Utf8View, DataType::LargeUtf8]
            .into_iter()
            .flat_map(|s| [DataType::Date32, DataType::Date64].map(|d| TypeSignature::Exact(vec![s.clone(), d])))
            .collect();
        match &inner.signature().type_signature {
            TypeSignature::OneOf(more) => variants.extend(more.iter().cloned()),
            other => variants.push(other.clone()),
        }
        DateTrunc { signature: Signature::one_of(variants, Volatility::Immutable), inner }
    }
}

fn is_date(t: &DataType) -> bool {
    matches!(t, DataType::Date32 | DataType::Date64)
}

impl ScalarUDFImpl for DateTrunc {
    fn name(&self) -> &str {
        "date_trunc"
    }
    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        datafusion::common::internal_err!("return_field_from_args should be called instead")
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let field = &args.arg_fields[1];
        if is_date(field.data_type()) {
            return Ok(Arc::new(Field::new(self.name(), DataType::Date32, field.is_nullable())));
        }
        self.inner.return_field_from_args(args)
    }
    fn invoke_with_args(&self, mut args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        if !is_date(args.arg_fields[1].data_type()) {
            return self.inner.invoke_with_args(args);
        }
        let ts = DataType::Timestamp(TimeUnit::Nanosecond, None);
        let field = &args.arg_fields[1];
        args.arg_fields[1] = Arc::new(Field::new(field.name(), ts.clone(), field.is_nullable()));
        args.args[1] = args.args[1].cast_to(&ts, None)?;
        args.return_field = Arc::new(Field::new(self.name(), ts, args.return_field.is_nullable()));
        let out = self.inner.invoke_with_args(args)?;
        Ok(match out {
            ColumnarValue::Array(a) => ColumnarValue::Array(cast(&a, &DataType::Date32)?),
            ColumnarValue::Scalar(s) => ColumnarValue::Scalar(s.cast_to(&DataType::Date32)?),
        })
    }
}
