//! Rollups: a live query that aggregates a large table runs in the browser against a small
//! table pre-aggregated at the build, instead of against the table's rows.
//!
//! A query qualifies SELECT by SELECT. Each SELECT that reads a source table must read it
//! alone (no join), grouped or aggregated with `sum`, `count`, `min`, `max` or `avg` (no
//! `distinct`, no `filter`, no window), every other column it touches being a dimension:
//! a filtered, grouped or ordered column, or one only seen through `date_trunc`. Such a
//! SELECT [`Need`]s a rollup at the grain of its dimensions (a `date_trunc`'d column at its
//! finest unit) with its measures; [`rewrite`] points it at a rollup that covers the need and
//! re-aggregates: `sum` of sums, `sum` of counts, `min` of minimums, `max` of maximums, and
//! an average as the sum of sums over the sum of counts.
//!
//! The same code decides at the build (which rollups to make) and in the browser (how to
//! run a query the build proved): the build runs both forms natively for a sample of input
//! states before it ships a rollup (`quire-build`'s `rollups`).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    self, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, Ident, ObjectName, ObjectNamePart,
    OrderByKind, Query, SelectItem, SetExpr, Statement, TableFactor, Visit, VisitMut, Visitor, VisitorMut,
};
use datafusion::sql::sqlparser::dialect::DuckDbDialect;
use datafusion::sql::sqlparser::parser::Parser;

/// The schema rollup tables are registered under, in the build's engine and the browser's.
pub const SCHEMA: &str = "quire_rollups";

/// A table a rollup can stand in for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub schema: String,
    pub table: String,
    /// Whether a bare `from table` means this one (no other source has a table so named).
    pub bare: bool,
    /// The table's columns, to tell a column from a select-list alias.
    pub columns: Vec<String>,
}

/// A rollup: `source` grouped by `dims`, with `measures`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rollup {
    /// Its table in [`SCHEMA`].
    pub table: String,
    pub source: Source,
    pub dims: Vec<Dim>,
    pub measures: Vec<Measure>,
    /// How many rows it has: the smallest rollup that covers a need is used.
    pub rows: u64,
}

/// A dimension: a column of the source, as it is or truncated to a unit of time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Dim {
    pub column: String,
    pub trunc: Option<String>,
}

/// A measure: an aggregate of an expression over the source's columns (`*` for `count(*)`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Measure {
    pub agg: Agg,
    pub arg: String,
    /// Its column in the rollup.
    pub column: String,
    /// A sum of doubles: kept exactly, as the sum rounded and the residual in `column_lo`
    /// (see `crate::exact`).
    #[serde(default)]
    pub float: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Agg {
    Sum,
    Count,
    Min,
    Max,
}

impl Agg {
    fn sql(self) -> &'static str {
        match self {
            Agg::Sum => "sum",
            Agg::Count => "count",
            Agg::Min => "min",
            Agg::Max => "max",
        }
    }
}

/// What one SELECT over a source needs of a rollup.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Need {
    pub source: Source,
    /// Each dimension column, with the `date_trunc` units it is read through (`None`: it is
    /// read as it is somewhere).
    pub dims: BTreeMap<String, Option<BTreeSet<String>>>,
    pub measures: BTreeSet<(Agg, String)>,
}

/// Units of `date_trunc`, finest first.
const UNITS: [&str; 10] =
    ["microsecond", "millisecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year"];

/// Whether a value truncated to `fine` and then to `coarse` is the value truncated to
/// `coarse`: days nest in weeks and months, months in quarters and years, weeks in nothing.
fn nests(fine: &str, coarse: &str) -> bool {
    let (Some(f), Some(c)) = (UNITS.iter().position(|u| *u == fine), UNITS.iter().position(|u| *u == coarse)) else {
        return false;
    };
    let week = 6;
    f == c || (f < c && (f < week || (f > week && c > week)))
}

/// The unit to store a column at, read through `units`: the finest, if every other nests
/// in it.
pub fn finest(units: &BTreeSet<String>) -> Option<String> {
    let fine = units.iter().min_by_key(|u| UNITS.iter().position(|x| x == u))?;
    units.iter().all(|u| nests(fine, u)).then(|| fine.clone())
}

impl Rollup {
    /// Whether this rollup answers `need`.
    pub fn covers(&self, need: &Need) -> bool {
        self.source.schema == need.source.schema
            && self.source.table == need.source.table
            && need.dims.iter().all(|(column, units)| {
                self.dims.iter().any(|d| {
                    &d.column == column
                        && match (&d.trunc, units) {
                            (None, _) => true,
                            (Some(t), Some(units)) => units.iter().all(|u| nests(t, u)),
                            (Some(_), None) => false,
                        }
                })
            })
            && need.measures.iter().all(|m| self.measure(m).is_some())
    }

    /// The rollup of `rollups` that answers `need`: the smallest that covers it (the first
    /// of those, so the build and the browser, given the same list, pick the same).
    pub fn choose<'r>(rollups: &'r [Rollup], need: &Need) -> Option<&'r Rollup> {
        rollups.iter().filter(|r| r.covers(need)).min_by_key(|r| r.rows)
    }

    fn measure(&self, (agg, arg): &(Agg, String)) -> Option<&Measure> {
        self.measures.iter().find(|m| m.agg == *agg && &m.arg == arg)
    }

    /// The SQL that makes this rollup from its source.
    pub fn sql(&self) -> String {
        let mut items: Vec<String> = self
            .dims
            .iter()
            .map(|d| match &d.trunc {
                None => quote(&d.column),
                Some(unit) => format!("date_trunc('{unit}', {}) as {}", quote(&d.column), quote(&d.column)),
            })
            .collect();
        for m in &self.measures {
            items.push(format!("{}({}) as {}", m.agg.sql(), m.arg, quote(&m.column)));
            if m.float {
                items.push(format!("quire_sum_residual({}) as {}", m.arg, quote(&format!("{}_lo", m.column))));
            }
        }
        let from = format!("{}.{}", quote(&self.source.schema), quote(&self.source.table));
        let mut sql = format!("select {} from {from}", items.join(", "));
        if !self.dims.is_empty() {
            let by: Vec<String> = (1..=self.dims.len()).map(|i| i.to_string()).collect();
            // In order: the same bytes every build, and runs of equal values that compress.
            sql.push_str(&format!(" group by {0} order by {0}", by.join(", ")));
        }
        sql
    }

    /// A rollup for `needs` (all of one source, at one grain), named by its definition;
    /// `floats` are the arguments whose sums are of doubles.
    pub fn define(needs: &[&Need], floats: &BTreeSet<String>) -> Option<Rollup> {
        let source = needs.first()?.source.clone();
        let mut dims: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
        let mut measures: BTreeSet<(Agg, String)> = BTreeSet::new();
        for need in needs {
            for (column, units) in &need.dims {
                let merged = match (dims.get(column), units) {
                    (None, u) => u.clone(),
                    (Some(Some(a)), Some(b)) => Some(a.union(b).cloned().collect()),
                    _ => None,
                };
                dims.insert(column.clone(), merged);
            }
            measures.extend(need.measures.iter().cloned());
        }
        let dims: Vec<Dim> =
            dims.into_iter().map(|(column, units)| Dim { trunc: units.as_ref().and_then(finest), column }).collect();
        let measures: Vec<Measure> = measures
            .into_iter()
            .enumerate()
            .map(|(i, (agg, arg))| Measure {
                float: agg == Agg::Sum && floats.contains(&arg),
                agg,
                arg,
                column: format!("__m{i}"),
            })
            .collect();
        let mut rollup = Rollup { table: String::new(), source, dims, measures, rows: 0 };
        rollup.table = format!("r{:016x}", fnv(&rollup.sql()));
        Some(rollup)
    }

    /// The grain of a need as a rollup would store it: the key needs are grouped by.
    pub fn grain(need: &Need) -> Vec<Dim> {
        need.dims
            .iter()
            .map(|(column, units)| Dim { column: column.clone(), trunc: units.as_ref().and_then(finest) })
            .collect()
    }
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What each SELECT of `sql` that reads one of `sources` needs, or why it cannot run on a
/// rollup. `aggregates` names every aggregate function the engine has.
pub fn needs(sql: &str, sources: &[Source], aggregates: &BTreeSet<String>) -> Result<Vec<Need>, String> {
    let mut statement = parse(sql)?;
    let mut walk = Walk { sources, aggregates, rollups: None, needs: Vec::new(), why: None };
    let _ = VisitMut::visit(&mut statement, &mut walk);
    match walk.why {
        Some(why) => Err(why),
        None => Ok(walk.needs),
    }
}

/// `sql` with each SELECT over a source of `rollups` reading the smallest rollup that covers
/// it instead; an error if one is left reading its source.
pub fn rewrite(sql: &str, rollups: &[Rollup], aggregates: &BTreeSet<String>) -> Result<String, String> {
    let mut statement = parse(sql)?;
    let mut sources: Vec<Source> = rollups.iter().map(|r| r.source.clone()).collect();
    sources.sort();
    sources.dedup();
    let mut walk = Walk { sources: &sources, aggregates, rollups: Some(rollups), needs: Vec::new(), why: None };
    let _ = VisitMut::visit(&mut statement, &mut walk);
    match walk.why {
        Some(why) => Err(why),
        None => Ok(statement.to_string()),
    }
}

/// `sql` reading table `schema.table` wherever it reads `source`: the build proves a
/// rewrite in many input states on a sample of a large source's rows.
pub fn reading(sql: &str, source: &Source, schema: &str, table: &str) -> Result<String, String> {
    struct Rename<'a> {
        source: &'a Source,
        to: ObjectName,
    }
    impl VisitorMut for Rename<'_> {
        type Break = ();
        fn pre_visit_relation(&mut self, name: &mut ObjectName) -> ControlFlow<()> {
            if self.source.is_named(name) {
                *name = self.to.clone();
            }
            ControlFlow::Continue(())
        }
    }
    let mut statement = parse(sql)?;
    let _ = VisitMut::visit(&mut statement, &mut Rename { source, to: qualified(schema, table) });
    Ok(statement.to_string())
}

/// `"schema"."table"`.
fn qualified(schema: &str, table: &str) -> ObjectName {
    ObjectName(vec![
        ObjectNamePart::Identifier(Ident::with_quote('"', schema)),
        ObjectNamePart::Identifier(Ident::with_quote('"', table)),
    ])
}

fn parse(sql: &str) -> Result<Statement, String> {
    let mut statements = Parser::parse_sql(&DuckDbDialect {}, sql).map_err(|e| e.to_string())?;
    match (statements.pop(), statements.is_empty()) {
        (Some(s @ Statement::Query(_)), true) => Ok(s),
        _ => Err("not one SELECT statement".into()),
    }
}

struct Walk<'a> {
    sources: &'a [Source],
    aggregates: &'a BTreeSet<String>,
    /// Rewriting with these; collecting needs without.
    rollups: Option<&'a [Rollup]>,
    needs: Vec<Need>,
    why: Option<String>,
}

/// An identifier as the planner reads it: unquoted ones in lower case.
fn norm(id: &Ident) -> String {
    if id.quote_style.is_some() { id.value.clone() } else { id.value.to_lowercase() }
}

fn idents(name: &ObjectName) -> Option<Vec<String>> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => Some(norm(id)),
            ObjectNamePart::Function(_) => None,
        })
        .collect()
}

impl Source {
    /// Whether a FROM's `name` reads this table, as the planner resolves it.
    fn is_named(&self, name: &ObjectName) -> bool {
        let Some(parts) = idents(name) else { return false };
        match parts.as_slice() {
            [t] => self.bare && *t == self.table,
            [schema, t] => *schema == self.schema && *t == self.table,
            [catalog, schema, t] => catalog == "datafusion" && *schema == self.schema && *t == self.table,
            _ => false,
        }
    }
}

impl Walk<'_> {
    fn source_named(&self, name: &ObjectName) -> Option<&Source> {
        self.sources.iter().find(|s| s.is_named(name))
    }

    fn stop(&mut self, why: String) -> ControlFlow<()> {
        self.why.get_or_insert(why);
        ControlFlow::Break(())
    }
}

impl VisitorMut for Walk<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let name = norm(&cte.alias.name);
                if self.sources.iter().any(|s| s.table == name) {
                    return self.stop(format!("a CTE is named `{name}`, like a table"));
                }
            }
        }
        let SetExpr::Select(select) = query.body.as_mut() else { return ControlFlow::Continue(()) };
        let [from] = select.from.as_slice() else { return ControlFlow::Continue(()) };
        if !from.joins.is_empty() {
            return ControlFlow::Continue(());
        }
        let TableFactor::Table { name, alias, args: None, .. } = &from.relation else {
            return ControlFlow::Continue(());
        };
        let Some(source) = self.source_named(name).cloned() else { return ControlFlow::Continue(()) };
        let mut qualifiers: Vec<Vec<String>> = Vec::new();
        match alias {
            Some(a) => qualifiers.push(vec![norm(&a.name)]),
            None => {
                let parts = idents(name).unwrap_or_default();
                for i in 0..parts.len() {
                    qualifiers.push(parts[i..].to_vec());
                }
                qualifiers.push(vec!["datafusion".into(), source.schema.clone(), source.table.clone()]);
                qualifiers.push(vec![source.schema.clone(), source.table.clone()]);
            }
        }
        let order_by: Vec<&Expr> = match query.order_by.as_ref().map(|o| &o.kind) {
            Some(OrderByKind::Expressions(list)) => list.iter().map(|o| &o.expr).collect(),
            _ => Vec::new(),
        };
        let scope = Scope { source: &source, qualifiers: &qualifiers, aggregates: self.aggregates };
        let need = match scope.need(select, &order_by) {
            Ok(need) => need,
            Err(why) => return self.stop(format!("reading `{}.{}`: {why}", source.schema, source.table)),
        };
        let table = match self.rollups {
            None => "pending".to_string(),
            Some(rollups) => {
                let Some(rollup) = Rollup::choose(rollups, &need) else {
                    return self.stop(format!("no rollup covers a read of `{}.{}`", source.schema, source.table));
                };
                if let Err(why) = scope.rewrite(select, query.order_by.as_mut(), rollup) {
                    return self.stop(why);
                }
                rollup.table.clone()
            }
        };
        if let TableFactor::Table { name, .. } = &mut select.from[0].relation {
            *name = qualified(SCHEMA, &table);
        }
        self.needs.push(need);
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &mut ObjectName) -> ControlFlow<()> {
        if let Some(s) = self.source_named(name) {
            let why = format!("`{}.{}` is read other than by one grouped SELECT of it alone", s.schema, s.table);
            return self.stop(why);
        }
        ControlFlow::Continue(())
    }
}

/// One SELECT over a source.
struct Scope<'a> {
    source: &'a Source,
    /// The prefixes a column of the source may be written with (`o`, `orders`, ...).
    qualifiers: &'a [Vec<String>],
    aggregates: &'a BTreeSet<String>,
}

/// Where an identifier is: the planner resolves it differently in each.
#[derive(Clone, Copy, PartialEq)]
enum Clause {
    /// The select list, `where`, `having`: a column first, else an alias.
    Plain,
    /// `group by`: the same.
    GroupBy,
    /// `order by`: an alias first.
    OrderBy,
}

impl Scope<'_> {
    fn need(&self, select: &ast::Select, order_by: &[&Expr]) -> Result<Need, String> {
        if select.distinct.as_ref().is_some_and(|d| matches!(d, ast::Distinct::On(_)))
            || select.into.is_some()
            || !select.lateral_views.is_empty()
            || select.prewhere.is_some()
            || !select.connect_by.is_empty()
            || !select.cluster_by.is_empty()
            || !select.distribute_by.is_empty()
            || !select.sort_by.is_empty()
            || select.qualify.is_some()
            || !select.named_window.is_empty()
            || select.exclude.is_some()
        {
            return Err("it uses a clause rollups do not take".into());
        }
        let mut aliases = BTreeSet::new();
        for item in &select.projection {
            match item {
                SelectItem::ExprWithAlias { alias, .. } => {
                    aliases.insert(norm(alias));
                }
                SelectItem::UnnamedExpr(Expr::Identifier(_) | Expr::CompoundIdentifier(_)) => {}
                SelectItem::UnnamedExpr(e) => {
                    return Err(format!("`{e}` has no name (write `{e} as name`)"));
                }
                _ => return Err("it selects `*`".into()),
            }
        }
        let mut scan = Scan {
            scope: self,
            aliases: &aliases,
            clause: Clause::Plain,
            in_agg: Vec::new(),
            truncated: BTreeMap::new(),
            dims: Vec::new(),
            measures: BTreeSet::new(),
            why: None,
        };
        for item in &select.projection {
            if let SelectItem::ExprWithAlias { expr, .. } | SelectItem::UnnamedExpr(expr) = item {
                let _ = Visit::visit(expr, &mut scan);
            }
        }
        for e in select.selection.iter().chain(&select.having) {
            let _ = Visit::visit(e, &mut scan);
        }
        let grouped = match &select.group_by {
            GroupByExpr::All(modifiers) if modifiers.is_empty() => true,
            GroupByExpr::Expressions(list, modifiers) if modifiers.is_empty() => {
                scan.clause = Clause::GroupBy;
                for e in list {
                    if !matches!(e, Expr::Value(v) if matches!(v.value, ast::Value::Number(..))) {
                        let _ = Visit::visit(e, &mut scan);
                    }
                }
                !list.is_empty()
            }
            _ => return Err("it groups by rollup, cube or grouping sets".into()),
        };
        scan.clause = Clause::OrderBy;
        for e in order_by {
            if !matches!(e, Expr::Value(v) if matches!(v.value, ast::Value::Number(..))) {
                let _ = Visit::visit(*e, &mut scan);
            }
        }
        if let Some(why) = scan.why {
            return Err(why);
        }
        if !grouped && scan.measures.is_empty() {
            return Err("it reads rows, not aggregates".into());
        }
        let mut dims: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
        for (column, unit) in scan.dims {
            let entry = dims.entry(column).or_insert_with(|| Some(BTreeSet::new()));
            match (entry.as_mut(), unit) {
                (Some(units), Some(unit)) => {
                    units.insert(unit);
                }
                _ => *entry = None,
            }
        }
        Ok(Need { source: self.source.clone(), dims, measures: scan.measures.into_iter().collect() })
    }

    /// A column of the source `parts` name, if they do.
    fn column(&self, parts: &[Ident]) -> Option<String> {
        let (last, prefix) = parts.split_last()?;
        let prefix: Vec<String> = prefix.iter().map(norm).collect();
        let name = norm(last);
        (prefix.is_empty() || self.qualifiers.contains(&prefix)).then_some(())?;
        self.source.columns.contains(&name).then_some(name)
    }

    /// Point `select` (and its query's `order by`) at `rollup`: aggregates re-aggregated,
    /// columns unqualified.
    fn rewrite(
        &self,
        select: &mut ast::Select,
        order_by: Option<&mut ast::OrderBy>,
        rollup: &Rollup,
    ) -> Result<(), String> {
        let mut fix = Fix { scope: self, rollup, why: None };
        for item in &mut select.projection {
            if let SelectItem::ExprWithAlias { expr, .. } | SelectItem::UnnamedExpr(expr) = item {
                let _ = VisitMut::visit(expr, &mut fix);
            }
        }
        if let Some(e) = select.selection.as_mut() {
            let _ = VisitMut::visit(e, &mut fix);
        }
        if let Some(e) = select.having.as_mut() {
            let _ = VisitMut::visit(e, &mut fix);
        }
        if let GroupByExpr::Expressions(list, _) = &mut select.group_by {
            for e in list {
                let _ = VisitMut::visit(e, &mut fix);
            }
        }
        if let Some(ast::OrderBy { kind: OrderByKind::Expressions(list), .. }) = order_by {
            for o in list {
                let _ = VisitMut::visit(&mut o.expr, &mut fix);
            }
        }
        match fix.why {
            Some(why) => Err(why),
            None => Ok(()),
        }
    }

    /// The measure an aggregate call computes: its function and its argument as the
    /// rollup computes it, or why it cannot.
    fn aggregate(&self, f: &ast::Function) -> Result<(String, String), String> {
        let name = f.name.to_string().to_lowercase();
        if f.over.is_some() {
            return Err(format!("`{f}` is a window"));
        }
        let name = match name.as_str() {
            "sum" | "count" | "min" | "max" | "avg" => name,
            "mean" => "avg".into(),
            _ => return Err(format!("`{name}` needs every row")),
        };
        let FunctionArguments::List(list) = &f.args else { return Err(format!("`{f}` has no argument list")) };
        if f.filter.is_some()
            || f.null_treatment.is_some()
            || !list.clauses.is_empty()
            || !matches!(list.duplicate_treatment, None | Some(ast::DuplicateTreatment::All))
            || !matches!(f.parameters, FunctionArguments::None)
        {
            return Err(format!("`{f}` needs every row"));
        }
        let [FunctionArg::Unnamed(arg)] = list.args.as_slice() else { return Err(format!("`{f}` takes one argument")) };
        let arg = match arg {
            FunctionArgExpr::Wildcard if name == "count" => "*".to_string(),
            FunctionArgExpr::Expr(Expr::Value(v)) if name == "count" && matches!(v.value, ast::Value::Number(..)) => {
                "*".to_string()
            }
            FunctionArgExpr::Expr(e) => self.canonical(e)?,
            _ => return Err(format!("`{f}` takes one argument")),
        };
        Ok((name, arg))
    }

    /// An aggregate's argument with its columns unqualified; only columns of the source,
    /// literals and scalar functions.
    fn canonical(&self, e: &Expr) -> Result<String, String> {
        let mut e = e.clone();
        let mut why = None;
        let _ = ast::visit_expressions_mut(&mut e, |x: &mut Expr| {
            match x {
                Expr::Identifier(id) => match self.column(std::slice::from_ref(id)) {
                    Some(_) => {}
                    None => why = Some(format!("`{id}` is not a column of `{}`", self.source.table)),
                },
                Expr::CompoundIdentifier(parts) => match self.column(parts) {
                    Some(c) => *x = Expr::Identifier(Ident::with_quote('"', c)),
                    None => why = Some(format!("`{x}` is not a column of `{}`", self.source.table)),
                },
                Expr::Value(v) if matches!(v.value, ast::Value::Placeholder(_)) => {
                    why = Some("an aggregate reads an input".into());
                }
                Expr::Subquery(_) | Expr::InSubquery { .. } | Expr::Exists { .. } => {
                    why = Some("an aggregate reads a subquery".into());
                }
                Expr::Function(f)
                    if self.aggregates.contains(&f.name.to_string().to_lowercase()) || f.over.is_some() =>
                {
                    why = Some(format!("`{f}` is inside an aggregate"));
                }
                _ => {}
            }
            ControlFlow::<()>::Continue(())
        });
        // Bare names quoted too, so the rollup and the query spell them alike.
        let _ = ast::visit_expressions_mut(&mut e, |x: &mut Expr| {
            if let Expr::Identifier(id) = x
                && id.quote_style.is_none()
            {
                *id = Ident::with_quote('"', norm(id));
            }
            ControlFlow::<()>::Continue(())
        });
        match why {
            Some(why) => Err(why),
            None => Ok(e.to_string()),
        }
    }
}

/// Collects a SELECT's dimensions and measures.
struct Scan<'s, 'a> {
    scope: &'s Scope<'a>,
    aliases: &'s BTreeSet<String>,
    clause: Clause,
    /// The aggregate calls the walk is inside.
    in_agg: Vec<*const Expr>,
    /// Columns read directly by a `date_trunc` with a literal unit, by address.
    truncated: BTreeMap<*const Expr, String>,
    /// Each column use outside aggregates, with its unit if truncated.
    dims: Vec<(String, Option<String>)>,
    measures: BTreeSet<(Agg, String)>,
    why: Option<String>,
}

impl Scan<'_, '_> {
    fn stop(&mut self, why: String) -> ControlFlow<()> {
        self.why.get_or_insert(why);
        ControlFlow::Break(())
    }

    fn reference(&mut self, e: &Expr, parts: &[Ident]) -> ControlFlow<()> {
        let alias = (parts.len() == 1).then(|| norm(&parts[0])).filter(|a| self.aliases.contains(a));
        let column = self.scope.column(parts);
        let column = match (self.clause, alias, column) {
            (Clause::OrderBy, Some(_), _) => return ControlFlow::Continue(()),
            (_, _, Some(c)) => c,
            (_, Some(_), None) => return ControlFlow::Continue(()),
            (_, None, None) => {
                let name = parts.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(".");
                return self.stop(format!("`{name}` is not a column of `{}`", self.scope.source.table));
            }
        };
        let unit = self.truncated.get(&(e as *const Expr)).cloned();
        self.dims.push((column, unit));
        ControlFlow::Continue(())
    }
}

impl Visitor for Scan<'_, '_> {
    type Break = ();

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if !self.in_agg.is_empty() {
            return ControlFlow::Continue(());
        }
        match e {
            Expr::Function(f) => {
                let name = f.name.to_string().to_lowercase();
                if self.scope.aggregates.contains(&name) {
                    let (agg, arg) = match self.scope.aggregate(f) {
                        Ok(m) => m,
                        Err(why) => return self.stop(why),
                    };
                    let kinds: &[Agg] = match agg.as_str() {
                        "sum" => &[Agg::Sum],
                        "count" => &[Agg::Count],
                        "min" => &[Agg::Min],
                        "max" => &[Agg::Max],
                        _ => &[Agg::Sum, Agg::Count],
                    };
                    for k in kinds {
                        self.measures.insert((*k, arg.clone()));
                    }
                    self.in_agg.push(e as *const Expr);
                } else if f.over.is_some() {
                    return self.stop(format!("`{f}` is a window"));
                } else if name == "date_trunc"
                    && let FunctionArguments::List(list) = &f.args
                    && let [
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(unit)),
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(col)),
                    ] = list.args.as_slice()
                    && let Expr::Value(v) = unit
                    && let ast::Value::SingleQuotedString(unit) = &v.value
                    && matches!(col, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
                    && UNITS.contains(&unit.to_lowercase().as_str())
                {
                    self.truncated.insert(col as *const Expr, unit.to_lowercase());
                }
            }
            Expr::Identifier(id) => return self.reference(e, std::slice::from_ref(id)),
            Expr::CompoundIdentifier(parts) => return self.reference(e, parts),
            Expr::Subquery(_) | Expr::InSubquery { .. } | Expr::Exists { .. } => {
                return self.stop("it has a subquery".into());
            }
            Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_) => {
                return self.stop("it groups by rollup, cube or grouping sets".into());
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if self.in_agg.last() == Some(&(e as *const Expr)) {
            self.in_agg.pop();
        }
        ControlFlow::Continue(())
    }
}

/// Rewrites a SELECT's expressions for a rollup.
struct Fix<'s, 'a> {
    scope: &'s Scope<'a>,
    rollup: &'s Rollup,
    why: Option<String>,
}

impl VisitorMut for Fix<'_, '_> {
    type Break = ();

    /// After the children: columns inside an aggregate are unqualified first, and the
    /// re-aggregation put in its place is not walked again.
    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = e
            && let Some(column) = self.scope.column(parts)
        {
            *e = Expr::Identifier(Ident::with_quote('"', column));
            return ControlFlow::Continue(());
        }
        let Expr::Function(f) = e else { return ControlFlow::Continue(()) };
        if !self.scope.aggregates.contains(&f.name.to_string().to_lowercase()) {
            return ControlFlow::Continue(());
        }
        let (agg, arg) = match self.scope.aggregate(f) {
            Ok(m) => m,
            Err(why) => {
                self.why.get_or_insert(why);
                return ControlFlow::Break(());
            }
        };
        let col = |a: Agg| self.rollup.measure(&(a, arg.clone()));
        // A sum of doubles adds the rounded sums and their residuals exactly.
        let sum = |m: &Measure| match m.float {
            true => format!("quire_sum_exact({}, {})", quote(&m.column), quote(&format!("{}_lo", m.column))),
            false => format!("sum({})", quote(&m.column)),
        };
        let text = match agg.as_str() {
            "sum" => col(Agg::Sum).map(sum),
            "count" => col(Agg::Count).map(|m| format!("coalesce(sum({}), 0)", quote(&m.column))),
            "min" => col(Agg::Min).map(|m| format!("min({})", quote(&m.column))),
            "max" => col(Agg::Max).map(|m| format!("max({})", quote(&m.column))),
            _ => col(Agg::Sum).zip(col(Agg::Count)).map(|(s, c)| {
                format!("cast({} as double) / nullif(cast(sum({}) as double), 0)", sum(s), quote(&c.column))
            }),
        };
        let parsed = text.ok_or_else(|| format!("the rollup has no measure for `{f}`")).and_then(|t| {
            Parser::new(&DuckDbDialect {}).try_with_sql(&t).and_then(|mut p| p.parse_expr()).map_err(|e| e.to_string())
        });
        match parsed {
            Ok(x) => {
                *e = Expr::Nested(Box::new(x));
                ControlFlow::Continue(())
            }
            Err(why) => {
                self.why.get_or_insert(why);
                ControlFlow::Break(())
            }
        }
    }
}
