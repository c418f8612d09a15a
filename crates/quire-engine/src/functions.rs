//! Which functions a query may call, where. The build's engine registers DataFusion's array
//! (nested) and hash (crypto) families; the browser's leaves them out, because they would
//! make every page with an input download more (see BENCHMARKS.md). `browser-functions.txt` is the browser's set,
//! checked against the wasm engine by a test in `site/` and against the build's by a test in
//! `tests/testsuite`; a query that reads an input and so re-runs in the browser may call
//! only these, or the build fails at the call ([`Engine::browser_problems`]).

use std::collections::BTreeSet;

use crate::Engine;

/// The functions the browser's engine registers, names and aliases, one a line, sorted.
pub const BROWSER_FUNCTIONS: &str = include_str!("../browser-functions.txt");

/// [`BROWSER_FUNCTIONS`] as a set.
pub fn browser_functions() -> BTreeSet<&'static str> {
    BROWSER_FUNCTIONS.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

impl Engine {
    /// Every name (and alias) SQL may call on this engine: scalar, aggregate, window and
    /// higher-order functions.
    pub fn function_names(&self) -> BTreeSet<String> {
        let state = self.context().state();
        state
            .scalar_functions()
            .keys()
            .chain(state.aggregate_functions().keys())
            .chain(state.window_functions().keys())
            .chain(state.higher_order_functions().keys())
            .cloned()
            .collect()
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::ops::ControlFlow;

    use datafusion::execution::SessionState;
    use datafusion::execution::session_state::SessionStateBuilder;
    use datafusion::sql::parser::Statement as DfStatement;
    use datafusion::sql::sqlparser::ast::{self, Expr, ObjectNamePart, Spanned};
    use quire_core::chain::Expanded;
    use quire_core::span::offset_of;
    use quire_core::{Page, Problem};

    use super::browser_functions;
    use crate::Engine;

    /// Array functions authors reach for, and what the browser can run instead.
    const INSTEAD: &[(&[&str], &str)] = &[
        (
            &["array_has", "array_contains", "list_has", "list_contains", "array_has_any", "list_has_any"],
            "`x in ('a', 'b')`",
        ),
        (&["string_to_array", "string_to_list"], "`split_part(s, ',', n)` for the n-th piece"),
        (&["array_to_string", "list_to_string", "array_join", "list_join"], "`string_agg(x, ', ')` over the rows"),
        (&["array_length", "list_length", "cardinality"], "`count(*)` over the rows"),
        (&["range", "generate_series"], "`generate_series(a, b)` in `FROM`, as a table"),
    ];

    /// The browser's planner lacks these (they plan `[1, 2]`, `a[1]` and `||` on arrays).
    const NESTED_PLANNERS: &[&str] = &["NestedFunctionPlanner", "FieldAccessPlanner"];

    impl Engine {
        /// Why live query `name` (expanded as `expanded`) would fail in the browser when it
        /// runs here: each call of a function the browser's engine lacks, at the call, or
        /// else the error planning it as the browser does. Empty when it runs the same in both.
        pub async fn browser_problems(&self, page: &Page, name: &str, expanded: &Expanded) -> Vec<Problem> {
            let state = self.context().state();
            let Ok(DfStatement::Statement(statement)) = state.sql_to_statement(&expanded.sql, &crate::dialect::DIALECT)
            else {
                return Vec::new();
            };
            let browser = browser_functions();
            let native = self.function_names();
            let mut problems: Vec<Problem> = Vec::new();
            let _ = ast::visit_expressions(statement.as_ref(), |e: &Expr| {
                let syntax = match e {
                    Expr::Array(_) => Some("an array literal `[...]`"),
                    Expr::CompoundFieldAccess { access_chain, .. }
                        if access_chain.iter().any(|a| matches!(a, ast::AccessExpr::Subscript(_))) =>
                    {
                        Some("a subscript `x[...]`")
                    }
                    _ => None,
                };
                if let Some(what) = syntax {
                    let at = e.span();
                    let sql = &expanded.sql;
                    let start = offset_of(sql, at.start.line as usize, at.start.column as usize);
                    let end = offset_of(sql, at.end.line as usize, at.end.column as usize);
                    // An array literal's span is its elements'; take its brackets too.
                    let start = sql[..start].trim_end().strip_suffix('[').map_or(start, str::len);
                    let end = match sql[end..].trim_start().strip_prefix(']') {
                        Some(rest) => sql.len() - rest.len(),
                        None => end,
                    };
                    let span = crate::page::page_span(page, name, expanded, (start, end.max(start + 1)));
                    if !problems.iter().any(|p| p.span == span) {
                        problems.push(
                            Problem::new(format!("{what} works at build time but not in the browser"), span)
                                .label(format!("in query `{name}`, which reads an input and re-runs in the browser"))
                                .help(
                                    "the browser's engine has no array functions or syntax; a query that \
                                     reads no input runs only at build time and may use them",
                                ),
                        );
                    }
                }
                if let Expr::Function(f) = e
                    && let [ObjectNamePart::Identifier(id)] = f.name.0.as_slice()
                {
                    let called = if id.quote_style.is_some() { id.value.clone() } else { id.value.to_lowercase() };
                    if native.contains(&called) && !browser.contains(called.as_str()) {
                        let start =
                            offset_of(&expanded.sql, id.span.start.line as usize, id.span.start.column as usize);
                        let span = crate::page::page_span(page, name, expanded, (start, start + id.value.len()));
                        if !problems.iter().any(|p| p.span == span) {
                            problems.push(not_in_browser(&called, span, name));
                        }
                    }
                }
                ControlFlow::<()>::Continue(())
            });
            if !problems.is_empty() {
                return problems;
            }
            // Anything else only the build's planner knows (array syntax): plan as the browser.
            match crate::dialect::plan(&browser_state(&state, &browser), &expanded.sql).await {
                Ok(_) => Vec::new(),
                Err(err) => {
                    let p = crate::sql_problem(&err, &expanded.sql, &self.table_names());
                    let span = match p.range {
                        Some(range) => crate::page::page_span(page, name, expanded, range),
                        None => page.query(name).map(|q| q.name_span).unwrap_or_default(),
                    };
                    // DataFusion's hint names a cargo feature, which is not the author's to turn on.
                    let message = match p.message.find(" Hint:") {
                        Some(i) => &p.message[..i],
                        None => p.message.as_str(),
                    };
                    vec![
                        Problem::new(format!("in the browser: {message}"), span)
                            .label(format!("in query `{name}`, which reads an input"))
                            .help(
                                "this query re-runs in the browser, whose engine has no array functions or \
                                 syntax (`[1, 2]`, `a[1]`); a query that reads no input runs only at build \
                                 time and may use them",
                            ),
                    ]
                }
            }
        }
    }

    const AT_BUILD: &str = "a query that reads no input runs only at build time and may call it";

    fn not_in_browser(function: &str, span: quire_core::Span, query: &str) -> Problem {
        let instead = INSTEAD.iter().find(|(names, _)| names.contains(&function)).map(|(_, i)| *i);
        let why = if is_array_function(function) {
            "the browser's engine has no array functions"
        } else {
            "the browser's engine leaves it out to stay small"
        };
        let help = match instead {
            Some(i) => format!("{why}; write {i}; {AT_BUILD}"),
            None => format!("{why}; {AT_BUILD}, or compute it in a pipeline model"),
        };
        Problem::new(format!("`{function}` runs at build time but not in the browser"), span)
            .label(format!("in query `{query}`, which reads an input and re-runs in the browser"))
            .help(help)
    }

    fn is_array_function(name: &str) -> bool {
        let named = |n: &str, aliases: &[String]| n == name || aliases.iter().any(|a| a == name);
        datafusion::functions_nested::all_default_nested_functions().iter().any(|f| named(f.name(), f.aliases()))
            || datafusion::functions_nested::all_default_higher_order_functions()
                .iter()
                .any(|f| named(f.name(), f.aliases()))
    }

    /// A session like the browser's: its functions only, and none of the array planners.
    fn browser_state(state: &SessionState, browser: &std::collections::BTreeSet<&str>) -> SessionState {
        let scalar = state.scalar_functions().values().filter(|f| browser.contains(f.name())).cloned().collect();
        let aggregate = state.aggregate_functions().values().filter(|f| browser.contains(f.name())).cloned().collect();
        let window = state.window_functions().values().filter(|f| browser.contains(f.name())).cloned().collect();
        let planners = state
            .expr_planners()
            .iter()
            .filter(|p| {
                let debug = format!("{p:?}");
                !NESTED_PLANNERS.iter().any(|n| debug.starts_with(n))
            })
            .cloned()
            .collect();
        SessionStateBuilder::new_from_existing(state.clone())
            .with_scalar_functions(scalar)
            .with_aggregate_functions(aggregate)
            .with_window_functions(window)
            .with_higher_order_functions(Vec::new())
            .with_expr_planners(planners)
            .build()
    }
}
