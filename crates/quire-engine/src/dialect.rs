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
//!   `QUALIFY`, a window's `ORDER BY` or a named window), only in the SELECT the error
//!   points into, and a number compared with `LIKE`. A real column always wins over an
//!   alias, as in DuckDB, because the rewrite only runs for names the planner could not
//!   find. If the retry fails too, the author sees the first error.
//!
//! `tests/testsuite/dialect.rs` runs every spelling here in DuckDB and in quire and
//! compares the answers: a new rewrite gets a case there.

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
    SelectItem, VisitMut, VisitorMut,
};
use datafusion::sql::sqlparser::dialect::DuckDbDialect;

/// The parser dialect: DuckDB's, which Evidence's pages are written in.
pub const DIALECT: datafusion::common::config::Dialect = datafusion::common::config::Dialect::DuckDB;

/// Parse `sql` in [`DIALECT`], for whoever reads SQL without running it (the pipeline's
/// model graph and cache keys): a statement that runs also parses there.
pub fn parse(sql: &str) -> Result<std::collections::VecDeque<DfStatement>> {
    datafusion::sql::parser::DFParser::parse_sql_with_dialect(sql, &DuckDbDialect {})
}

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
    let mut changed = qualify_missing_table(state, &mut statement, &first)?;
    if let Some((name, at)) = missing_column(&first) {
        changed |= reuse_alias_for(&mut statement, &name, at);
    }
    if like_error(&first) {
        changed |= run(&mut statement, Job::CastLike);
    }
    if !changed {
        return Err(first);
    }
    // Another alias (or table) may be missing once the first is resolved
    // (`a as x, x + 1 as y, y * 2`).
    for _ in 0..8 {
        match state.statement_to_plan(statement.clone()).await {
            Ok(plan) => return Ok(plan),
            Err(e) => {
                let fixed = qualify_missing_table(state, &mut statement, &e)?
                    || missing_column(&e).is_some_and(|(name, at)| reuse_alias_for(&mut statement, &name, at));
                if !fixed {
                    return Err(first);
                }
            }
        }
    }
    Err(first)
}

/// `from orders` where exactly one source has a table `orders`: read that one, as Evidence
/// (one DuckDB database) does. Whether the statement changed; an error naming the
/// candidates when several sources have it.
fn qualify_missing_table(state: &SessionState, statement: &mut DfStatement, e: &DataFusionError) -> Result<bool> {
    let message = e.find_root().to_string();
    let Some(missing) = message.split("table '").nth(1).and_then(|r| r.split("' not found").next()) else {
        return Ok(false);
    };
    let Some(bare) = missing.strip_prefix("datafusion.public.").filter(|b| !b.contains('.')) else {
        return Ok(false);
    };
    let schemas = schemas_with_table(state, bare);
    match schemas.as_slice() {
        [] => Ok(false),
        [schema] => Ok(run(statement, Job::Qualify(bare, schema))),
        several => Err(DataFusionError::Plan(format!(
            "table `{bare}` is in several sources: {}; write which one",
            several.iter().map(|s| format!("`{s}.{bare}`")).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The schemas (sources, stages) holding a table `name`, in name order.
pub fn schemas_with_table(state: &SessionState, name: &str) -> Vec<String> {
    let Some(catalog) = state.catalog_list().catalog("datafusion") else { return Vec::new() };
    let mut out: Vec<String> = catalog
        .schema_names()
        .into_iter()
        .filter(|s| s != "information_schema" && s != "public")
        .filter(|s| catalog.schema(s).is_some_and(|schema| schema.table_exist(name)))
        .collect();
    out.sort();
    out
}

/// Whether an error may come from comparing a number with LIKE.
fn like_error(error: &DataFusionError) -> bool {
    let message = error.to_string();
    ["like", "Like", "LIKE", "coerc"].iter().any(|w| message.contains(w))
}

/// The unqualified column a planning error says it could not find, and where the SQL
/// reads it: the column's span or the error's diagnostic (the engine collects spans). Only
/// an identifier of that name at that place counts (see [`Job::Locate`]), so a diagnostic
/// about something else only costs the precision.
fn missing_column(e: &DataFusionError) -> Option<(String, Option<Location>)> {
    match e.find_root() {
        DataFusionError::SchemaError(err, _) => match err.as_ref() {
            SchemaError::FieldNotFound { field, .. } if field.relation.is_none() => {
                let span = field.spans().first().or_else(|| e.diagnostic().and_then(|d| d.span));
                let at = span.map(|s| Location { line: s.start.line, column: s.start.column });
                Some((field.name.clone(), at))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Every rewrite is one walk of the statement by [`Pass`], whatever its job, with
/// sqlparser's derived `VisitorMut`: it reaches every expression kind (struct and array
/// literals, `IS DISTINCT FROM`, `AT TIME ZONE`, `ANY`/`ALL`, named windows, table-function
/// arguments, ...) and keeps up when sqlparser adds one. The walk is generic over the
/// visitor, and each visitor type compiles into a copy of it in the browser runtime (about
/// 100 KB; one copy cost 18 KB more than the hand walk it replaces, BENCHMARKS.md), so
/// there is exactly one: `Pass`, and every job is a value of [`Job`].
enum Job<'a> {
    /// Function names and `ORDER BY ALL`, on every statement.
    Spellings,
    /// Which SELECT reads the unresolved column `name` at `at`: its text.
    Locate(&'a str, Location),
    /// Reuse the select-list alias `name` where it is read later in its SELECT: only in the
    /// SELECT whose text is `.1` (and its copies: a query read twice through `${}`) when
    /// the error said where, else in every SELECT defining it.
    Aliases(&'a str, Option<&'a str>),
    /// Put `(by)` where the bare column `name` is read, outside subqueries.
    Substitute(&'a str, &'a Expr),
    /// Find a LIKE or ILIKE testing something other than a literal.
    FindLike,
    /// Cast that something to text.
    CastLike,
    /// Read the bare table `.0` as `.1.0`.
    Qualify(&'a str, &'a str),
}

/// A line and column in the SQL, as the parser and DataFusion's spans count them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Location {
    line: u64,
    column: u64,
}

struct Pass<'a> {
    job: Job<'a>,
    changed: bool,
    /// For [`Job::Locate`]: the text of the SELECTs open around the current node, and the
    /// one found.
    open_selects: Vec<String>,
    found: Option<String>,
    /// How many queries deep the walk is, from where it started.
    depth: usize,
}

impl<'a> Pass<'a> {
    fn new(job: Job<'a>) -> Self {
        Pass { job, changed: false, open_selects: Vec::new(), found: None, depth: 0 }
    }
}

impl VisitorMut for Pass<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        self.depth += 1;
        if matches!(self.job, Job::Spellings) {
            order_by_all(query);
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &mut ast::Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &mut ObjectName) -> ControlFlow<()> {
        if let Job::Qualify(table, schema) = self.job
            && let [ObjectNamePart::Identifier(id)] = name.0.as_slice()
            && same_name(id, table)
        {
            let id = id.clone();
            name.0 = vec![ObjectNamePart::Identifier(Ident::with_quote('"', schema)), ObjectNamePart::Identifier(id)];
            self.changed = true;
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &mut ast::Select) -> ControlFlow<()> {
        match self.job {
            Job::Locate(..) => self.open_selects.push(select.to_string()),
            Job::Aliases(name, None) => self.changed |= reuse_alias(select, name),
            // The copies too: DataFusion would bind a copy read in a subquery to the outer
            // query's column of that name, where DuckDB reads the alias.
            Job::Aliases(name, Some(text)) if select.to_string() == text => {
                self.changed |= reuse_alias(select, name);
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_select(&mut self, _: &mut ast::Select) -> ControlFlow<()> {
        if let Job::Locate(..) = self.job {
            self.open_selects.pop();
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if let Job::Locate(name, at) = self.job
            && let Expr::Identifier(id) = e
            && same_name(id, name)
            && (Location { line: id.span.start.line, column: id.span.start.column }) == at
        {
            self.found = self.open_selects.pop();
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// After the expression's children.
    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        match self.job {
            Job::Spellings => spell(e),
            Job::Substitute(name, by) => {
                if self.depth == 0
                    && let Expr::Identifier(id) = e
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
            Job::Locate(..) | Job::Aliases(..) | Job::Qualify(..) => {}
        }
        ControlFlow::Continue(())
    }
}

/// Run `job` over the statement; whether it changed (or found) anything.
fn run(statement: &mut DfStatement, job: Job<'_>) -> bool {
    walk(statement, job).changed
}

fn walk<'a>(statement: &mut DfStatement, job: Job<'a>) -> Pass<'a> {
    let mut pass = Pass::new(job);
    if let DfStatement::Statement(s) = statement {
        let _ = s.visit(&mut pass);
    }
    pass
}

/// Reuse the alias `name` the planner could not find at `at`: in the SELECT the error
/// points into (and its identical copies), or, when it does not say where (or points
/// outside every SELECT), in each SELECT that defines the alias and reads it.
fn reuse_alias_for(statement: &mut DfStatement, name: &str, at: Option<Location>) -> bool {
    let only = at.and_then(|at| walk(statement, Job::Locate(name, at)).found);
    run(statement, Job::Aliases(name, only.as_deref()))
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
        let options = *options;
        let positions = (1..=select.projection.len())
            .map(|i| ast::OrderByExpr {
                expr: Expr::value(ast::Value::Number(i.to_string(), false)),
                options,
                with_fill: None,
            })
            .collect();
        order.kind = ast::OrderByKind::Expressions(positions);
    }
}

/// `date_diff('month', a, b)`: how many boundaries of the part lie between `a` and `b`, as
/// DuckDB counts them (weeks: whole days over seven), for year, quarter, month, week, day,
/// hour, minute and second. Other parts keep the call (and its error, with a hint).
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
        // Boundaries, not elapsed time: 10:59 to 11:01 is one hour. Truncated to the part,
        // both epochs are whole multiples of it, so the division is exact.
        "hour" | "minute" | "second" => {
            let p = part.trim_end_matches('s');
            let size = match p {
                "hour" => 3600,
                "minute" => 60,
                _ => 1,
            };
            let epoch = |x: &str| format!("date_part('epoch', date_trunc('{p}', CAST({x} AS TIMESTAMP)))");
            format!("CAST(({} - {}) / {size} AS BIGINT)", epoch(&b), epoch(&a))
        }
        _ => return None,
    };
    datafusion::sql::sqlparser::parser::Parser::new(&DuckDbDialect {}).try_with_sql(&sql).ok()?.parse_expr().ok()
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
        // `window w as (order by total)`: a named window reads the list's aliases too.
        for ast::NamedWindowDefinition(_, window) in &mut select.named_window {
            if let ast::NamedWindowExpr::WindowSpec(spec) = window {
                for e in spec.partition_by.iter_mut().chain(spec.order_by.iter_mut().map(|o| &mut o.expr)) {
                    changed |= substitute(e, name, &d);
                }
            }
        }
    }
    changed
}

fn same_name(ident: &Ident, name: &str) -> bool {
    if ident.quote_style.is_some() { ident.value == name } else { ident.value.eq_ignore_ascii_case(name) }
}

fn substitute(expr: &mut Expr, name: &str, by: &Expr) -> bool {
    let mut pass = Pass::new(Job::Substitute(name, by));
    let _ = expr.visit(&mut pass);
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
