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
    SelectItem, Statement, VisitMut, VisitorMut,
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
    rename_functions(&mut statement);
    order_by_all(&mut statement);
    let first = match state.statement_to_plan(statement.clone()).await {
        // A LIKE over a number plans, and fails at type coercion: check it now.
        Ok(plan) if likes_a_column(&mut statement) => {
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
        changed |= reuse_aliases(&mut statement, &name);
    }
    changed |= cast_like_operands(&mut statement, &first);
    if !changed {
        return Err(first);
    }
    // Another alias may be missing once the first is resolved (`a as x, x + 1 as y, y * 2`).
    for _ in 0..8 {
        match state.statement_to_plan(statement.clone()).await {
            Ok(plan) => return Ok(plan),
            Err(e) => match missing_column(&e) {
                Some(name) if reuse_aliases(&mut statement, &name) => {}
                _ => return Err(first),
            },
        }
    }
    Err(first)
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

fn statements(statement: &mut DfStatement) -> Option<&mut Statement> {
    match statement {
        DfStatement::Statement(s) => Some(s.as_mut()),
        _ => None,
    }
}

/// DuckDB function names DataFusion spells otherwise.
fn rename_functions(statement: &mut DfStatement) {
    let Some(s) = statements(statement) else { return };
    let _ = ast::visit_expressions_mut(s, |e| {
        if let Expr::Function(f) = e
            && let [ObjectNamePart::Identifier(id)] = f.name.0.as_slice()
            && id.quote_style.is_none()
        {
            let lower = id.value.to_ascii_lowercase();
            let part = match lower.as_str() {
                "year" | "month" | "day" | "quarter" | "hour" | "minute" | "second" | "week" | "dayofweek"
                | "dayofyear" | "epoch" => Some(if lower == "dayofweek" {
                    "dow"
                } else if lower == "dayofyear" {
                    "doy"
                } else {
                    lower.as_str()
                }),
                _ => None,
            };
            if let Some(part) = part
                && let FunctionArguments::List(list) = &mut f.args
                && list.args.len() == 1
            {
                let part = part.to_string();
                list.args.insert(
                    0,
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(
                        ast::Value::SingleQuotedString(part).into(),
                    ))),
                );
                f.name = ObjectName::from(vec![Ident::new("date_part")]);
                return ControlFlow::<()>::Continue(());
            }
            if (lower == "date_diff" || lower == "datediff")
                && let Some(e2) = date_diff(f)
            {
                *e = e2;
                return ControlFlow::<()>::Continue(());
            }
            let renamed = match lower.as_str() {
                "first" | "any_value" => Some("first_value"),
                "last" => Some("last_value"),
                "list" => Some("array_agg"),
                "ifnull" => Some("coalesce"),
                _ => None,
            };
            if let Some(to) = renamed {
                f.name = ObjectName::from(vec![Ident::new(to)]);
            }
        }
        ControlFlow::Continue(())
    });
}

/// `ORDER BY ALL`: DataFusion takes it for plain columns only; positions work for any.
fn order_by_all(statement: &mut DfStatement) {
    struct All;
    impl VisitorMut for All {
        type Break = ();
        fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
            if let Some(order) = &mut query.order_by
                && let ast::OrderByKind::All(options) = &order.kind
                && let ast::SetExpr::Select(select) = query.body.as_ref()
                && select
                    .projection
                    .iter()
                    .all(|p| matches!(p, SelectItem::UnnamedExpr(_) | SelectItem::ExprWithAlias { .. }))
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
            ControlFlow::Continue(())
        }
    }
    if let Some(s) = statements(statement) {
        let _ = s.visit(&mut All);
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

/// Replace `name`, where a SELECT defines it as an alias, by the aliased expression in the
/// parts of that SELECT that come after the definition. Whether anything changed.
fn reuse_aliases(statement: &mut DfStatement, name: &str) -> bool {
    struct Aliases<'a> {
        name: &'a str,
        changed: bool,
    }
    impl VisitorMut for Aliases<'_> {
        type Break = ();
        fn pre_visit_select(&mut self, select: &mut ast::Select) -> ControlFlow<()> {
            let mut defined: Option<Expr> = None;
            for item in select.projection.iter_mut() {
                let (expr, alias) = match item {
                    SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.clone())),
                    SelectItem::UnnamedExpr(expr) => (expr, None),
                    _ => continue,
                };
                if let Some(d) = &defined {
                    self.changed |= substitute(expr, self.name, d);
                }
                if defined.is_none() && alias.is_some_and(|a| same_name(&a, self.name)) {
                    defined = Some(expr.clone());
                }
            }
            if let Some(d) = defined {
                for e in [&mut select.selection, &mut select.having, &mut select.qualify].into_iter().flatten() {
                    self.changed |= substitute(e, self.name, &d);
                }
            }
            ControlFlow::Continue(())
        }
    }
    let Some(s) = statements(statement) else { return false };
    let mut v = Aliases { name, changed: false };
    let _ = s.visit(&mut v);
    v.changed
}

fn same_name(ident: &Ident, name: &str) -> bool {
    if ident.quote_style.is_some() { ident.value == name } else { ident.value.eq_ignore_ascii_case(name) }
}

/// Put `(by)` wherever `expr` names the bare column `name`.
fn substitute(expr: &mut Expr, name: &str, by: &Expr) -> bool {
    let mut changed = false;
    let _ = ast::visit_expressions_mut(expr, |e| {
        if let Expr::Identifier(id) = e
            && same_name(id, name)
        {
            *e = Expr::Nested(Box::new(by.clone()));
            changed = true;
        }
        ControlFlow::<()>::Continue(())
    });
    changed
}

/// Whether a LIKE or ILIKE tests something other than a literal.
fn likes_a_column(statement: &mut DfStatement) -> bool {
    let Some(s) = statements(statement) else { return false };
    let mut found = false;
    let _ = ast::visit_expressions_mut(s, |e| {
        if let Expr::Like { expr, .. } | Expr::ILike { expr, .. } = e
            && !matches!(expr.as_ref(), Expr::Value(_) | Expr::Cast { .. })
        {
            found = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    found
}

/// `qty LIKE '3%'`: DuckDB compares the number's text; DataFusion needs the cast written.
/// Only after an error, so a text column keeps its plan (and its Parquet pruning).
fn cast_like_operands(statement: &mut DfStatement, error: &DataFusionError) -> bool {
    let message = error.to_string();
    if !(message.contains("like") || message.contains("Like") || message.contains("LIKE") || message.contains("coerc"))
    {
        return false;
    }
    let Some(s) = statements(statement) else { return false };
    let mut changed = false;
    let _ = ast::visit_expressions_mut(s, |e| {
        if let Expr::Like { expr, .. } | Expr::ILike { expr, .. } = e
            && !matches!(expr.as_ref(), Expr::Value(_) | Expr::Cast { .. })
        {
            let inner = std::mem::replace(expr.as_mut(), Expr::Value(ast::Value::Null.into()));
            **expr = Expr::Cast {
                kind: CastKind::Cast,
                expr: Box::new(inner),
                data_type: ast::DataType::Varchar(None),
                array: false,
                format: None,
            };
            changed = true;
        }
        ControlFlow::<()>::Continue(())
    });
    changed
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
