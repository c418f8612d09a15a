//! Running a page's queries: chains expanded, inputs bound, results converted, errors
//! pointed at the page.
//!
//! Inputs and queries depend on each other: a dropdown takes its choices from a query, and
//! other queries read the dropdown. A page runs in rounds: each round runs the queries
//! whose inputs are settled, and an input settles (takes its default) once the query it
//! takes its choices from has run.

use std::collections::{BTreeMap, BTreeSet};

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use quire_core::chain::{self, ChainError, Expanded};
use quire_core::inputs::{self, InputState};
use quire_core::{Page, Problem, Span, Table};

use crate::Engine;
use crate::kept::Kept;

/// Most distinct values a binned result may have (see [`Engine::run_page_binned`]).
pub const BINNED_ROWS: usize = 1_000_000;

/// The outcome of running every query of a page.
#[derive(Debug, Default)]
pub struct PageRun {
    pub results: BTreeMap<String, Table>,
    /// Each query's SQL as run, with its chains expanded and its inputs bound.
    pub expanded: BTreeMap<String, Expanded>,
    /// Every input's default value, the value the page is built with.
    pub inputs: InputState,
    pub problems: Vec<Problem>,
    /// The queries that ran, in the order they ran.
    pub ran: Vec<String>,
    /// The queries whose results the engine remembered instead (see [`Engine::remembering`]).
    pub reused: Vec<String>,
    /// The queries run binned (see [`Engine::run_page_binned`]), with the rows they returned.
    pub binned: BTreeMap<String, u64>,
    /// The queries run as a remembered [`crate::Rewrite`] (counted in `ran` too).
    pub rewritten: Vec<String>,
    /// The queries whose rewrite's check disagreed here: they ran as written here (the
    /// rewrite is kept, and checked again at the next values).
    pub unproved: Vec<String>,
}

/// How one query of a page got its result.
enum Answer {
    Binned(Table, u64),
    Remembered(Table),
    Rewritten(Table),
    /// Run as written; `unproved` if a remembered rewrite's check disagreed first; its
    /// batches if asked to keep them (see [`crate::kept`]).
    Ran {
        result: Result<Table, DataFusionError>,
        unproved: bool,
        batches: Option<Vec<RecordBatch>>,
    },
}

impl Engine {
    /// Run every query of `page` with its inputs at their defaults. Problems point into
    /// the page's file.
    pub async fn run_page(&self, page: &Page) -> PageRun {
        self.run_page_with(page, &InputState::new()).await
    }

    /// [`Engine::run_page`] for one instance of a templated page: `params` holds each
    /// parameter as `params.name` → its value, read by `${params.name}` and `{params.name}`.
    /// They are kept in [`PageRun::inputs`], so the browser binds them the same way.
    pub async fn run_page_with(&self, page: &Page, params: &InputState) -> PageRun {
        self.run_page_binned(page, params, &BTreeMap::new(), u64::MAX).await
    }

    /// [`Engine::run_page_with`], where each query of `binned` (that reads no input) whose
    /// result has more than `above` rows is kept *binned*: its column (the value) and how
    /// many rows hold each value ([`quire_core::Table::WEIGHT`]), in value order. A histogram
    /// draws the same bars from that; a hundred million order values under $300 are some
    /// thirty thousand rows. A query with more distinct values than [`BINNED_ROWS`] is kept
    /// whole.
    pub async fn run_page_binned(
        &self,
        page: &Page,
        params: &InputState,
        binned: &BTreeMap<String, String>,
        above: u64,
    ) -> PageRun {
        let mut run = PageRun::default();
        run.inputs.extend(params.iter().map(|(k, v)| (k.clone(), v.clone())));
        let inputs = inputs::inputs(page);
        let mut settled: BTreeSet<String> = BTreeSet::new();
        let mut pending: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
        let mut failed: BTreeSet<String> = BTreeSet::new();
        let mut kept = Kept::default();
        loop {
            // Settle the inputs whose choices are known.
            for input in &inputs {
                let ready = input.options_query().is_none_or(|q| run.results.contains_key(q) || failed.contains(q));
                if ready && settled.insert(input.name.clone()) {
                    run.inputs.insert(input.name.clone(), input.default_value(&run.results));
                    if let Some((key, values)) = input.settled_extra(&run.results) {
                        run.inputs.insert(key, values);
                    }
                }
            }
            let mut progressed = false;
            let mut waiting = Vec::new();
            // The queries whose inputs are settled: they do not wait on each other (a chain
            // is expanded into the SQL), so they run side by side.
            let mut ready: Vec<(&str, Expanded)> = Vec::new();
            for name in pending {
                let expanded = match chain::expand(page, name, &run.inputs) {
                    Ok(e) => e,
                    Err(ChainError::Problem(p)) => {
                        push_unique(&mut run.problems, p);
                        failed.insert(name.to_string());
                        progressed = true;
                        continue;
                    }
                    Err(ChainError::ReadsCycle) => {
                        failed.insert(name.to_string());
                        progressed = true;
                        continue;
                    }
                };
                if !expanded.inputs.iter().all(|i| settled.contains(i)) {
                    waiting.push(name);
                    continue;
                }
                progressed = true;
                ready.push((name, expanded));
            }
            // A query that pastes one that reads no input waits for it, and then reads its
            // kept result (see `crate::kept`) instead of running it again.
            let statics: BTreeSet<&str> =
                ready.iter().filter(|(_, e)| e.params.is_empty() && e.inputs.is_empty()).map(|(n, _)| *n).collect();
            let (ready, after): (Vec<_>, Vec<_>) =
                ready.into_iter().partition(|(_, e)| !e.upstream().iter().any(|u| statics.contains(u)));
            waiting.extend(after.into_iter().map(|(name, _)| name));
            let jobs = ready
                .iter()
                .map(|(name, e)| {
                    let column = binned.get(*name).filter(|_| e.inputs.is_empty()).cloned();
                    let keep = statics.contains(name);
                    self.clone().answer(e.clone(), kept.read_in(&e.sql), keep, column, above)
                })
                .collect();
            let answers = self.side_by_side(jobs).await;
            for ((name, expanded), answer) in ready.into_iter().zip(answers) {
                let name = name.to_string();
                let result = match answer {
                    Answer::Binned(table, rows) => {
                        run.binned.insert(name.clone(), rows);
                        run.ran.push(name.clone());
                        Ok(table)
                    }
                    Answer::Remembered(table) => {
                        run.reused.push(name.clone());
                        Ok(table)
                    }
                    Answer::Rewritten(table) => {
                        run.rewritten.push(name.clone());
                        run.ran.push(name.clone());
                        Ok(table)
                    }
                    Answer::Ran { result, unproved, batches } => {
                        if unproved {
                            run.unproved.push(name.clone());
                        }
                        if let Some(batches) = batches {
                            kept.keep(self, &expanded.sql, &batches);
                        }
                        run.ran.push(name.clone());
                        result.map_err(|err| self.expanded_problem(page, &name, &expanded, &err))
                    }
                };
                match result {
                    Ok(table) => {
                        run.results.insert(name.clone(), table);
                    }
                    Err(p) => {
                        push_unique(&mut run.problems, p);
                        failed.insert(name.clone());
                    }
                }
                run.expanded.insert(name, expanded);
            }
            pending = waiting;
            if pending.is_empty() || !progressed {
                break;
            }
        }
        kept.drop_tables(self);
        for name in pending {
            let Some(query) = page.query(name) else { continue };
            let waits_on: Vec<&str> = inputs
                .iter()
                .filter(|i| !settled.contains(&i.name))
                .filter_map(|i| Some((i.name.as_str(), i.options_query()?)))
                .map(|(i, _)| i)
                .collect();
            push_unique(
                &mut run.problems,
                Problem::new(
                    format!("query `{name}` reads an input whose choices depend on `{name}` itself"),
                    query.name_span,
                )
                .help(format!(
                    "inputs waiting for their choices: {}; take the choices from a query that does not read them",
                    waits_on.join(", ")
                )),
            );
        }
        run
    }

    /// One query's result: binned by `column` (if given, see [`Engine::run_page_binned`]),
    /// remembered, by a remembered rewrite, or run as written (as `reading_kept`, if given
    /// and it runs: see [`crate::kept`]; its batches returned too if `keep`).
    async fn answer(
        self,
        expanded: Expanded,
        reading_kept: Option<String>,
        keep: bool,
        column: Option<String>,
        above: u64,
    ) -> Answer {
        if let Some(column) = column
            && let Some((table, rows)) = self.run_binned(&expanded, &column, above).await
        {
            return Answer::Binned(table, rows);
        }
        let memo = self.memo();
        if let Some(table) = memo.and_then(|m| m.get(&expanded.sql, &expanded.params)) {
            return Answer::Remembered(table);
        }
        let rewrite = memo.and_then(|m| m.rewrite(&expanded.sql));
        if let Some(r) = &rewrite {
            if let Some(table) = self.run_rewrite(r, &expanded).await {
                if let Some(memo) = memo {
                    memo.put(&expanded.sql, &expanded.params, &table);
                }
                return Answer::Rewritten(table);
            }
        }
        // On the kept results if it reads any; if that fails, as written, for the error.
        let on_kept = match &reading_kept {
            Some(sql) => self.run_with_params(sql, &expanded.params).await.ok(),
            None => None,
        };
        let ran = match on_kept {
            Some(batches) => Ok(batches),
            None => self.run_with_params(&expanded.sql, &expanded.params).await,
        };
        let (result, batches) = match ran {
            Ok(b) => (crate::to_table(&b), keep.then_some(b)),
            Err(e) => (Err(e), None),
        };
        if let (Some(memo), Ok(table)) = (memo, &result) {
            memo.put(&expanded.sql, &expanded.params, table);
        }
        Answer::Ran { result, unproved: rewrite.is_some(), batches }
    }

    /// `expanded` binned by `column`, with the rows it stands for; `None` (run it whole) if
    /// it has at most `above` rows, more than [`BINNED_ROWS`] distinct values, or fails.
    async fn run_binned(&self, expanded: &Expanded, column: &str, above: u64) -> Option<(Table, u64)> {
        let c = quire_core::grid::ident(column);
        let sql = format!(
            "select {c}, count(*) as \"{}\" from ({}) as q where {c} is not null group by {c} order by {c} limit {}",
            Table::WEIGHT,
            expanded.sql,
            BINNED_ROWS + 1
        );
        let batches = self.run_with_params(&sql, &expanded.params).await.ok()?;
        let table = crate::to_table(&batches).ok()?;
        let rows: u64 = table.rows.iter().filter_map(|r| r.get(1)?.as_f64()).map(|w| w as u64).sum();
        (table.len() <= BINNED_ROWS && rows > above).then_some((table, rows))
    }

    /// Run one expanded query, mapping an error back to the author's text.
    pub async fn run_expanded(&self, page: &Page, name: &str, expanded: &Expanded) -> Result<Table, Problem> {
        let result = self.run_with_params(&expanded.sql, &expanded.params).await.and_then(|b| crate::to_table(&b));
        result.map_err(|err| self.expanded_problem(page, name, expanded, &err))
    }

    /// `rewrite` at `expanded`'s values, if its check agrees there and it runs; `None`: run
    /// the query as written.
    async fn run_rewrite(&self, rewrite: &crate::Rewrite, expanded: &Expanded) -> Option<Table> {
        if let Some((original, rewritten)) = &rewrite.check
            && !self.table_at(original, expanded).await?.same_rows(&self.table_at(rewritten, expanded).await?)
        {
            return None;
        }
        self.table_at(&rewrite.sql, expanded).await
    }

    async fn table_at(&self, sql: &str, expanded: &Expanded) -> Option<Table> {
        self.run_with_params(sql, &expanded.params).await.ok().and_then(|b| crate::to_table(&b).ok())
    }

    /// `err` from query `name` (expanded as `expanded`), at the place in the page its SQL
    /// came from.
    pub fn expanded_problem(&self, page: &Page, name: &str, expanded: &Expanded, err: &DataFusionError) -> Problem {
        let tables = self.table_names();
        let p = crate::sql_problem(err, &expanded.sql, &tables);
        let span = match p.range {
            Some(range) => page_span(page, name, expanded, range),
            None => page.query(name).map(|q| q.name_span).unwrap_or_default(),
        };
        Problem::new(p.message, span).label(format!("in query `{name}`")).maybe_help(p.help)
    }
}

/// Where in the page bytes `range` of query `name`'s expanded SQL came from (the fence of
/// the query that wrote them, for a chained query); the query's name if nowhere.
pub(crate) fn page_span(page: &Page, name: &str, expanded: &Expanded, (start, end): (usize, usize)) -> Span {
    let located = || {
        let (q, s) = expanded.origin(start)?;
        let (_, e) = expanded.origin(end.saturating_sub(1).max(start))?;
        let at = page.query(q)?.sql_offset;
        Some(Span::new(at + s, at + e.max(s) + 1))
    };
    located().unwrap_or_else(|| page.query(name).map(|q| q.name_span).unwrap_or_default())
}

/// The queries of `page` that read any of `changed` inputs, directly or through the
/// queries they read, in page order.
pub fn queries_reading(page: &Page, state: &InputState, changed: &BTreeSet<String>) -> Vec<String> {
    page.queries
        .iter()
        .filter(|q| chain::expand(page, &q.name, state).is_ok_and(|e| e.inputs.iter().any(|i| changed.contains(i))))
        .map(|q| q.name.clone())
        .collect()
}

/// A chained query that fails repeats its upstream's problem; say it once.
fn push_unique(problems: &mut Vec<Problem>, p: Problem) {
    if !problems.iter().any(|q| q.span == p.span && q.message == p.message) {
        problems.push(p);
    }
}
