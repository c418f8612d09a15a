//! Running a page's queries: chains expanded, results converted, errors pointed at the page.

use std::collections::BTreeMap;

use quire_core::chain::{self, ChainError, Expanded};
use quire_core::{Page, Problem, Span, Table};

use crate::Engine;

/// The outcome of running every query of a page.
#[derive(Debug, Default)]
pub struct PageRun {
    pub results: BTreeMap<String, Table>,
    /// Each query's SQL as run, with its chains expanded.
    pub expanded: BTreeMap<String, Expanded>,
    pub problems: Vec<Problem>,
}

impl Engine {
    /// Run every query of `page`. Problems point into the page's file.
    pub async fn run_page(&self, page: &Page) -> PageRun {
        let mut run = PageRun::default();
        let tables = self.table_names();
        for query in &page.queries {
            let expanded = match chain::expand(page, &query.name) {
                Ok(e) => e,
                Err(ChainError::Problem(p)) => {
                    push_unique(&mut run.problems, p);
                    continue;
                }
                Err(ChainError::ReadsCycle) => continue,
            };
            match self.run(&expanded.sql).await.and_then(|b| crate::to_table(&b)) {
                Ok(table) => {
                    run.results.insert(query.name.clone(), table);
                }
                Err(err) => {
                    let p = crate::sql_problem(&err, &expanded.sql, &tables);
                    let span = p
                        .range
                        .and_then(|(start, end)| {
                            let (q, s) = expanded.origin(start)?;
                            let (_, e) = expanded.origin(end.saturating_sub(1).max(start))?;
                            let at = page.query(q)?.sql_offset;
                            Some(Span::new(at + s, at + e.max(s) + 1))
                        })
                        .unwrap_or(query.name_span);
                    let problem =
                        Problem::new(p.message, span).label(format!("in query `{}`", query.name)).maybe_help(p.help);
                    push_unique(&mut run.problems, problem);
                }
            }
            run.expanded.insert(query.name.clone(), expanded);
        }
        run
    }
}

/// A chained query that fails repeats its upstream's problem; say it once.
fn push_unique(problems: &mut Vec<Problem>, p: Problem) {
    if !problems.iter().any(|q| q.span == p.span && q.message == p.message) {
        problems.push(p);
    }
}
