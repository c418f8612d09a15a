//! What every component renderer shares: the query results and the problems found so far.
//! Lookups report a problem and return `None`, so one page shows every mistake at once.

use std::collections::BTreeMap;

use quire_core::components::suggest;
use quire_core::inputs::{Input, InputState};
use quire_core::{Component, Problem, Span, Table};

use crate::fmt::{self, Format};

pub(crate) struct Ctx<'a> {
    results: &'a BTreeMap<String, Table>,
    /// The page's JavaScript, run (`None`: the page has none).
    pub script: Option<&'a dyn quire_core::script::Runner>,
    inputs: &'a InputState,
    pub problems: Vec<Problem>,
    /// Queries that failed (with `on_error = "page"`), and why in a line: a component
    /// reading one says so instead of "unknown query".
    pub failed: BTreeMap<String, String>,
    /// The names the `{#each}` blocks being rendered bind, innermost last.
    scope: Vec<(String, Binding<'a>)>,
    /// How many times each component (by its place in the file) was rendered, so one
    /// inside an `{#each}` gets ids of its own each time.
    renders: BTreeMap<usize, usize>,
    /// Most rows a table writes into the page (at build); `None`: all (in the browser).
    row_limit: Option<usize>,
    /// Row files of tables longer than `row_limit`, in the order their `data-rows` name them.
    pub row_files: Vec<String>,
}

/// What a name an `{#each}` binds stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Binding<'a> {
    /// `row` in `{#each q as row}`: row `usize` of query `q`'s result.
    Row(&'a str, &'a Table, usize),
    /// `i` in `{#each q as row, i}`.
    Index(usize),
    /// `name` in `{#each names as name}` over a script's array of plain values: the only
    /// cell of row `usize` (see `JsVal::to_table`).
    Value(&'a Table, usize),
}

impl<'a> Ctx<'a> {
    pub fn new(results: &'a BTreeMap<String, Table>, inputs: &'a InputState) -> Self {
        Ctx {
            results,
            script: None,
            inputs,
            problems: Vec::new(),
            failed: BTreeMap::new(),
            scope: Vec::new(),
            renders: BTreeMap::new(),
            row_limit: None,
            row_files: Vec::new(),
        }
    }

    /// Tables write at most `limit` rows into the page, and the rest to row files.
    pub fn with_row_limit(mut self, limit: usize) -> Self {
        self.row_limit = Some(limit);
        self
    }

    pub fn row_limit(&self) -> Option<usize> {
        self.row_limit
    }

    /// Keep a row file; its number, for `data-rows`.
    pub fn row_file(&mut self, json: String) -> usize {
        self.row_files.push(json);
        self.row_files.len() - 1
    }

    /// An id for the component at `place`, unique in the page and the same on every render
    /// of its slot.
    pub fn id_for(&mut self, place: usize) -> String {
        let n = self.renders.entry(place).or_default();
        *n += 1;
        if *n == 1 { place.to_string() } else { format!("{place}-{n}") }
    }

    pub fn binding(&self, name: &str) -> Option<Binding<'a>> {
        self.scope.iter().rev().find(|(n, _)| n == name).map(|(_, b)| *b)
    }

    /// Bind names for an `{#each}` body; [`Ctx::unbind`] restores the scope.
    pub fn bind(&mut self, names: Vec<(String, Binding<'a>)>) -> usize {
        let depth = self.scope.len();
        self.scope.extend(names);
        depth
    }

    pub fn unbind(&mut self, depth: usize) {
        self.scope.truncate(depth);
    }

    pub fn state(&self) -> &'a InputState {
        self.inputs
    }

    /// A value in the input state: an input's (`region`) or a page parameter's
    /// (`params.customer`).
    pub fn state_value(&self, key: &str) -> Option<Vec<String>> {
        self.inputs.get(key).cloned()
    }

    pub fn results(&self) -> &'a BTreeMap<String, Table> {
        self.results
    }

    /// An input's current value: as the reader set it, else its default.
    pub fn input_value(&self, input: &Input<'_>) -> Vec<String> {
        self.inputs.get(&input.name).cloned().unwrap_or_else(|| input.default_value(self.results))
    }

    pub fn report(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// A query's result by name.
    pub fn result(&mut self, query: &str, span: Span) -> Option<&'a Table> {
        let found = self.results.get(query);
        if found.is_none()
            && let Some(why) = self.failed.get(query)
        {
            let p = Problem::new(format!("query `{query}` failed: {why}"), span)
                .help("fix the query; its error is reported where it is written");
            self.report(p);
            return None;
        }
        if found.is_none() {
            let names: Vec<&str> = self.results.keys().map(String::as_str).collect();
            self.report(quire_core::components::unknown_query(query, span, &names));
        }
        found
    }

    /// The query a component's `data=` names, and its result.
    pub fn data(&mut self, c: &Component) -> Option<(&'a str, &'a Table)> {
        // `data={[...]}` or any JavaScript: its table, made before the render.
        if let Some(p) = c.prop("data")
            && let quire_core::PropValue::Expr(_) = &p.value
        {
            let key = crate::script_key(p.value_span.start + 1);
            return match self.results.get_key_value(&key) {
                Some((name, table)) => Some((name.as_str(), table)),
                None => {
                    self.report(
                        Problem::new("this `data` is not a list of rows", p.value_span)
                            .help("give a query's name, or an array of objects: `data={[{x: 1, y: 2}]}`"),
                    );
                    None
                }
            };
        }
        let Some(q) = c.data() else {
            self.report(
                Problem::new(format!("`<{}>` needs a `data` prop", c.name), c.name_span)
                    .help("name a query: `data={my_query}`"),
            );
            return None;
        };
        match self.results.get_key_value(q) {
            Some((name, table)) => Some((name.as_str(), table)),
            None => {
                self.result(q, c.span_of("data"));
                None
            }
        }
    }

    /// The index of column `name` in `query`'s result, or a problem at `span`.
    pub fn column(&mut self, query: &str, table: &Table, name: &str, span: Span) -> Option<usize> {
        let found = table.column_index(name);
        if found.is_none() {
            self.report(unknown_column(query, table, name, span));
        }
        found
    }

    /// The column a prop names, if the prop is given (`None` if absent or unknown).
    pub fn column_prop(&mut self, c: &Component, query: &str, table: &Table, prop: &str) -> Option<usize> {
        let name = c.text(prop)?;
        self.column(query, table, &name, c.span_of(prop))
    }

    /// Every column a list prop names (`y=a` or `y={["a","b"]}`); `None` if the prop is absent.
    pub fn columns_prop(&mut self, c: &Component, query: &str, table: &Table, prop: &str) -> Option<Vec<usize>> {
        let names = c.list(prop)?;
        let span = c.span_of(prop);
        Some(names.iter().filter_map(|n| self.column(query, table, n, span)).collect())
    }

    /// A colour prop, checked: `None` when it is not given or not a colour (then a problem).
    pub fn colour_prop(&mut self, c: &Component, prop: &str) -> Option<String> {
        let given = c.text(prop)?;
        self.colour(c, prop, &given)
    }

    /// `given` (prop `prop`'s value, or an item of its list) as a colour quire can write, or
    /// a problem at the prop.
    pub fn colour(&mut self, c: &Component, prop: &str, given: &str) -> Option<String> {
        let ok = crate::escape::colour(given);
        if ok.is_none() {
            self.report(
                Problem::new(format!("`{given}` is not a colour quire can use"), c.span_of(prop))
                    .help("write a colour as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
            );
        }
        ok
    }

    /// A number prop `ok` accepts, or `default` when it is not given; anything else is a
    /// problem at the prop (`message`, `help`), and `default`.
    pub fn number_prop(
        &mut self,
        c: &Component,
        prop: &str,
        default: f64,
        ok: impl Fn(f64) -> bool,
        message: String,
        help: String,
    ) -> f64 {
        match c.prop(prop).map(|_| c.number(prop)) {
            None => default,
            Some(Some(v)) if ok(v) => v,
            Some(_) => {
                self.report(Problem::new(message, c.span_of(prop)).help(help));
                default
            }
        }
    }

    /// A format prop, parsed; a problem if it does not parse.
    pub fn format_prop(&mut self, c: &Component, prop: &str) -> Option<Format> {
        let code = c.text(prop)?;
        self.format(&code, c.span_of(prop))
    }

    pub fn format(&mut self, code: &str, span: Span) -> Option<Format> {
        match fmt::parse(code) {
            Ok(f) => Some(f),
            Err(message) => {
                self.report(bad_format(code, message, span));
                None
            }
        }
    }
}

pub(crate) fn unknown_column(query: &str, table: &Table, name: &str, span: Span) -> Problem {
    let names = table.columns.iter().map(|c| c.name.as_str());
    let help = match suggest(name, names.clone()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if table.columns.is_empty() => format!("query `{query}` returns no columns"),
        None => format!("its columns are: {}", names.collect::<Vec<_>>().join(", ")),
    };
    Problem::new(format!("query `{query}` has no column `{name}`"), span).label("not a column of this query").help(help)
}

fn bad_format(code: &str, message: String, span: Span) -> Problem {
    let presets = fmt::preset_names();
    let help = match suggest(code.trim(), presets.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "use a named format (usd, usd0k, num1, pct1, longdate, mmm yyyy) or an Excel code such as '#,##0.00'"
            .to_string(),
    };
    Problem::new(message, span).label("not a format").help(help)
}
