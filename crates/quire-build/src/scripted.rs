//! A page's JavaScript at build: its program run in Boa (`quire-js`) on the page's results,
//! and the tables it makes added to them for components to read.

use std::borrow::Cow;
use std::collections::BTreeMap;

use quire_core::script::{self, Runner};
use quire_core::{InputState, Page, Problem, Span, Table};
use quire_js::{Budget, PageJs};

/// The page's results with its JavaScript's tables, and the engine that ran it.
pub(crate) struct Scripted<'r> {
    pub js: Option<PageJs>,
    /// Borrowed unless the script made tables: a page's results may be large.
    pub results: Cow<'r, BTreeMap<String, Table>>,
    /// The program's text, for the browser when the page has inputs.
    pub program: Option<String>,
}

impl Scripted<'_> {
    pub fn runner(&self) -> Option<&dyn Runner> {
        self.js.as_ref().map(|j| j as &dyn Runner)
    }
}

/// Run the page's program (if it has one) with `results` and `state`.
pub(crate) fn run<'r>(
    page: &Page,
    results: &'r BTreeMap<String, Table>,
    state: &InputState,
) -> Result<Scripted<'r>, Vec<Problem>> {
    let Some(program) = page.program()? else {
        return Ok(Scripted { js: None, results: Cow::Borrowed(results), program: None });
    };
    let queries: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
    let env = script::env_wire(results, state, &queries);
    let at = page.scripts.first().map_or(Span::new(0, 0), |s| s.span);
    let js = PageJs::run(&program, &env, Budget::default(), at).map_err(|p| vec![p])?;
    let (tables, problems) = quire_render::script_tables(&page.body, &js, &program.names, results);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut all = results.clone();
    all.extend(tables);
    Ok(Scripted { js: Some(js), results: Cow::Owned(all), program: Some(program.text) })
}
