//! Compiling a project into an in-memory site: parse every page, run its queries, render
//! it, and export the tables the browser will query.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use bytes::Bytes;
use quire_core::partials::Spliced;
use quire_core::{InputState, Page, Problem, SourceFile, Table};
use quire_engine::{Engine, TableName};
use sha2::{Digest, Sha256};

use crate::error::BuildError;
use crate::nav::{self, NavPage};
use crate::project::{PageFile, Project};
pub use crate::runtime::Runtime;
use crate::sources;

/// A built site, in memory: path under the output folder → bytes (shared: a rebuild that
/// keeps a file does not copy it).
#[derive(Debug, Default)]
pub struct Site {
    pub files: BTreeMap<String, crate::body::Body>,
    pub pages: usize,
    pub tables: usize,
    /// What an author should know but that does not stop a build (`--strict` makes them
    /// errors): a component whose query returned no rows.
    pub warnings: Vec<quire_core::AuthorError>,
    /// How many queries the pages ran.
    pub queries: usize,
    /// With `on_error = "page"`: the mistakes the pages show as error boxes.
    pub errors: Vec<quire_core::AuthorError>,
    /// What became of each live query: on a rollup, or reading rows and why (`--verbose`).
    pub rollups: Vec<String>,
    /// Each table shipped for the browser: how large, fetched whole or a piece at a time,
    /// and how its file was made (`--verbose`).
    pub shipped: Vec<String>,
}

/// A result small enough to embed in its page for the runtime to check itself against.
const CHECK_ROWS: usize = 500;

/// One page, compiled: everything the site needs from it. Owned, so that `quire dev` can
/// keep it and reuse it while its file does not change.
pub(crate) struct Compiled {
    pub(crate) source: PageFile,
    /// For an instance of a templated page: its parameters (`params.name` → value).
    pub(crate) params: InputState,
    /// The page's text with its partials pasted in: what the browser parses.
    text: String,
    page: Page,
    pub(crate) title: String,
    /// The body starts with its own `# Heading`, which is the page's title.
    own_heading: bool,
    pub(crate) body: quire_render::Rendered,
    /// The tables the page's browser-side queries read, and the columns they read of each.
    pub(crate) tables: BTreeMap<TableName, BTreeSet<String>>,
    /// The columns the live queries that read rows filter each table by.
    pub(crate) filtered: BTreeMap<TableName, Vec<String>>,
    /// Queries that read an input: the browser re-runs them.
    live: BTreeSet<String>,
    /// The rollups the browser runs the `rolled` live queries on (see `rollups`).
    rollups: Vec<quire_engine::rollup::Rollup>,
    rolled: BTreeSet<String>,
    /// What became of each live query, for `--verbose`.
    decisions: Vec<crate::rollups::Decision>,
    /// The state the page was rendered with (see [`Prepared::shown`]): the browser starts there.
    inputs: quire_core::InputState,
    /// Results the runtime needs before it has run anything: the inputs' choices.
    choices: BTreeMap<String, Table>,
    /// Every query's result as CSV, for download, or its rows when too large.
    downloads: crate::downloads::Downloads,
    check: Option<(String, Table)>,
    /// The page's JavaScript as one program (see `quire_core::script`), for the browser.
    program: Option<String>,
    /// Every table the page's queries read, as `schema.table`.
    pub(crate) reads: BTreeSet<String>,
    /// Components whose query returned no rows.
    warnings: Vec<quire_core::AuthorError>,
    /// With `on_error = "page"`: the mistakes drawn as error boxes on this page.
    pub(crate) errors: Vec<quire_core::AuthorError>,
    /// The queries the engine ran, and those whose results it remembered.
    pub(crate) ran: Vec<String>,
    pub(crate) reused: Vec<String>,
    /// Queries whose shared rollup's check disagreed here (see `instances`).
    pub(crate) unproved: Vec<String>,
}

pub(crate) use crate::ship::Exports;

pub fn compile(project: &Project, runtime: Option<&Runtime>) -> Result<Site, BuildError> {
    let rt = query_runtime(quire_core::config::BuildConfig::threads(&project.config))?;
    rt.block_on(async {
        let engine = engine_for(project, &tokio::runtime::Handle::current());
        sources::register(&engine, &project.sources, &project.root).await?;
        let fresh: Vec<&PageFile> = project.pages.iter().filter(|p| !p.is_template()).collect();
        let pages = crate::pages::compile(&engine, project, &fresh, &[], true).await;
        let mut compiled = Vec::new();
        let mut errors = Vec::new();
        for result in pages.statics {
            match result {
                Ok(c) => compiled.push(c),
                Err(BuildError::Author(e)) => errors.extend(e),
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            return Err(BuildError::Author(errors));
        }
        let instances = pages.instances?;
        let all: Vec<&Compiled> = compiled.iter().chain(instances.iter()).collect();
        let mut site = assemble(project, &all, runtime, &engine, &mut Exports::new()).await?;
        site.rollups.extend(pages.shared);
        Ok(site)
    })
}

/// The runtime a build's queries run on, with `threads` workers.
pub(crate) fn query_runtime(threads: usize) -> Result<tokio::runtime::Runtime, BuildError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .map_err(|e| BuildError::Internal(format!("cannot start the query runtime: {e}")))
}

/// A build's engine: it remembers (a templated page's instances share the queries that do
/// not read their parameters) and, with more than one thread, runs a page's independent
/// queries side by side on `workers` (its [`query_runtime`]'s).
pub(crate) fn engine_for(project: &Project, workers: &tokio::runtime::Handle) -> Engine {
    let engine = Engine::remembering();
    if quire_core::config::BuildConfig::threads(&project.config) > 1 {
        engine.side_by_side_on(workers.clone())
    } else {
        engine
    }
}

/// A page's text with its partials pasted in, and the files its bytes came from (the
/// page's first), to point problems at the right one.
pub(crate) struct Source {
    pub(crate) spliced: Spliced,
    files: Vec<std::sync::Arc<SourceFile>>,
}

impl Source {
    pub(crate) fn read(project: &Project, pf: &PageFile) -> Result<Source, BuildError> {
        let dir = project.root.join("partials");
        let mut loaded: BTreeMap<String, String> = BTreeMap::new();
        let mut load = |name: &str| {
            let safe = !name.is_empty()
                && !name.contains(['\\', ':', '\0'])
                && name.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
            if !safe {
                return None;
            }
            let path = dir.join(name);
            let path = if path.is_file() { path } else { dir.join(format!("{name}.md")) };
            let text = std::fs::read_to_string(path).ok()?;
            loaded.insert(name.to_string(), text.clone());
            Some(text)
        };
        match quire_core::partials::splice(&pf.file.text, &mut load) {
            Ok(mut spliced) => {
                let mut files = vec![pf.file.clone()];
                for name in &spliced.partials {
                    files.push(SourceFile::new(format!("partials/{name}"), loaded.remove(name).unwrap_or_default()));
                }
                // Evidence's `queries:` SQL files, as queries of the page.
                let named = quire_core::query_files::named(&pf.file.text)
                    .map_err(|ps| BuildError::Author(ps.into_iter().map(|p| p.in_file(&pf.file)).collect()))?;
                let mut missing = Vec::new();
                for q in named {
                    let path = project.root.join("queries").join(&q.path);
                    match std::fs::read_to_string(&path) {
                        Ok(sql) => {
                            spliced.append_query(&q.name, &sql);
                            files.push(SourceFile::new(format!("queries/{}", q.path), sql));
                        }
                        Err(e) => missing.push(
                            Problem::new(format!("cannot read queries/{}: {e}", q.path), q.span)
                                .help("SQL files a page names live in the project's queries/ folder")
                                .in_file(&pf.file),
                        ),
                    }
                }
                if !missing.is_empty() {
                    return Err(BuildError::Author(missing));
                }
                Ok(Source { spliced, files })
            }
            Err((file, problem)) => {
                let sf = match file {
                    None => pf.file.clone(),
                    Some(name) => SourceFile::new(format!("partials/{name}"), loaded.remove(&name).unwrap_or_default()),
                };
                Err(BuildError::Author(vec![problem.in_file(&sf)]))
            }
        }
    }

    /// Problems found in the spliced text, each in the file it came from.
    pub(crate) fn author(&self, problems: Vec<Problem>) -> BuildError {
        BuildError::Author(
            problems
                .into_iter()
                .map(|mut p| {
                    let (file, span) = self.spliced.locate_span(p.span);
                    p.span = span;
                    p.in_file(&self.files[file.min(self.files.len() - 1)])
                })
                .collect(),
        )
    }
}

/// A page as the build reads and runs it, before rendering: its partials spliced, its
/// queries run with its parameters (an instance of a templated page), and the state its
/// components render with. [`compile_page`] and the oracles [`page_results`] and
/// [`page_at`] all start here, so that they cannot drift apart.
pub(crate) struct Prepared {
    source: Source,
    page: Page,
    run: quire_engine::PageRun,
    /// The queries that read an input: the browser re-runs them.
    live: BTreeSet<String>,
    /// What components render with: the inputs at their defaults, the parameters, and
    /// `@refreshed` (for `<LastRefreshed>`). The browser is handed the same.
    shown: InputState,
}

/// Run `page`'s queries; one that only histograms read, with a result too large for its
/// CSV (more rows than half [`crate::downloads::LIMIT`] in bytes), is kept binned: a row per
/// value and its count, not millions of rows.
pub(crate) async fn run_page(engine: &Engine, page: &Page, params: &InputState) -> quire_engine::PageRun {
    let binned = quire_render::histogram_only(page);
    // (`QUIRE_BINNED_ABOVE` lowers the bar for tests.)
    let above = std::env::var("QUIRE_BINNED_ABOVE").ok().and_then(|v| v.parse().ok());
    engine.run_page_binned(page, params, &binned, above.unwrap_or(crate::downloads::LIMIT as u64 / 2)).await
}

pub(crate) async fn prepare(
    engine: &Engine,
    project: &Project,
    pf: &PageFile,
    params: &InputState,
) -> Result<Prepared, BuildError> {
    let source = Source::read(project, pf)?;
    let page = Page::parse(&source.spliced.text).map_err(|p| source.author(p))?;
    let mut run = run_page(engine, &page, params).await;
    if !run.problems.is_empty() {
        return Err(source.author(run.problems));
    }
    crate::shapes::add(&project.root, &page, &mut run.results).map_err(|p| source.author(p))?;
    let live: BTreeSet<String> =
        run.expanded.iter().filter(|(_, e)| !e.inputs.is_empty()).map(|(q, _)| q.clone()).collect();
    // A live query must run in the browser as it ran here.
    let mut problems = Vec::new();
    for name in &live {
        problems.extend(engine.browser_problems(&page, name, &run.expanded[name]).await);
    }
    if !problems.is_empty() {
        return Err(source.author(problems));
    }
    let mut shown = run.inputs.clone();
    if let Some(when) = project.refreshed.clone() {
        shown.insert(REFRESHED.into(), vec![when]);
    }
    Ok(Prepared { source, page, run, live, shown })
}

/// The state value `<LastRefreshed>` shows.
const REFRESHED: &str = "@refreshed";

/// Parse, run and render one page (with `params` for an instance of a templated page).
/// Author mistakes come back as [`BuildError::Author`].
pub(crate) async fn compile_page(
    engine: &Engine,
    project: &Project,
    pf: &PageFile,
    params: &InputState,
) -> Result<Compiled, BuildError> {
    match compile_checked(engine, project, pf, params).await {
        Err(BuildError::Author(errors)) if project.keep_going => {
            Ok(compile_with_errors(engine, project, pf, params, errors).await)
        }
        other => other,
    }
}

/// A page that has mistakes, built the way Evidence builds one (`on_error = "page"`): what
/// works is drawn, and each piece that failed is an error box saying what and where; a page
/// that does not parse is one box listing its mistakes. It runs nothing in the browser.
async fn compile_with_errors(
    engine: &Engine,
    project: &Project,
    pf: &PageFile,
    params: &InputState,
    errors: Vec<quire_core::AuthorError>,
) -> Compiled {
    let locate_error = |e: &quire_core::AuthorError| e.location();
    let parsed = match Source::read(project, pf) {
        Ok(source) => match Page::parse(&source.spliced.text) {
            Ok(page) => Some((source, page)),
            Err(_) => None,
        },
        Err(_) => None,
    };
    let Some((source, page)) = parsed else {
        // Nothing of the page can be drawn: one box with every mistake.
        let problems: Vec<Problem> = errors.iter().map(|e| e.problem.clone()).collect();
        let places: Vec<String> = errors.iter().map(locate_error).collect();
        let locate = |p: &Problem| {
            let i = problems.iter().position(|q| std::ptr::eq(q, p)).unwrap_or(0);
            places.get(i).cloned().unwrap_or_default()
        };
        let html = quire_render::error_box(&problems, &locate, true);
        let body = quire_render::Rendered { html, toc: Vec::new(), row_files: Vec::new() };
        let page = Page::parse("").unwrap_or_else(|_| unreachable!("an empty page parses"));
        return error_compiled(pf, params, pf.file.text.to_string(), page, default_title(&pf.url), body, errors);
    };
    let mut run = run_page(engine, &page, params).await;
    // A map whose shapes cannot be read shows that in its box, as a failed query would.
    let shape_problems = crate::shapes::add(&project.root, &page, &mut run.results).err().unwrap_or_default();
    // The queries that failed, and why, for the components that read them.
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    for q in &page.queries {
        if !run.results.contains_key(&q.name) {
            let why = run
                .problems
                .iter()
                .find(|p| p.label.as_deref() == Some(&format!("in query `{}`", q.name)))
                .or_else(|| run.problems.first())
                .map_or_else(|| "it did not run".to_string(), |p| p.message.clone());
            failed.insert(q.name.clone(), why);
        }
    }
    let locate = |p: &Problem| {
        let (file, span) = source.spliced.locate_span(p.span);
        let f = &source.files[file.min(source.files.len() - 1)];
        let (line, col) = quire_core::span::line_col(&f.text, span.start);
        format!("{}:{line}:{col}", f.path)
    };
    let (scripted, mut script_problems) = match crate::scripted::run(&page, &run.results, &run.inputs) {
        Ok(s) => (s, Vec::new()),
        Err(p) => (
            crate::scripted::Scripted { js: None, results: std::borrow::Cow::Borrowed(&run.results), program: None },
            p,
        ),
    };
    let (body, mut problems) = quire_render::render_body_keep_going(
        &page.body,
        &scripted.results,
        &run.inputs,
        failed,
        &locate,
        scripted.runner(),
    );
    problems.append(&mut script_problems);
    // Every mistake, once: the queries' own, and the pieces that showed a box.
    let mut all: Vec<Problem> = run.problems.clone();
    all.extend(shape_problems);
    all.append(&mut problems);
    let mut located = match source.author(all) {
        BuildError::Author(e) => e,
        _ => Vec::new(),
    };
    for e in errors {
        if !located.iter().any(|l| l.location() == e.location() && l.problem.message == e.problem.message) {
            located.push(e);
        }
    }
    let title = page.front.title.clone().unwrap_or_else(|| default_title(&pf.url));
    error_compiled(pf, params, source.spliced.text.clone(), page, title, body, located)
}

fn error_compiled(
    pf: &PageFile,
    params: &InputState,
    text: String,
    page: Page,
    title: String,
    body: quire_render::Rendered,
    errors: Vec<quire_core::AuthorError>,
) -> Compiled {
    Compiled {
        warnings: Vec::new(),
        errors,
        reads: BTreeSet::new(),
        source: pf.clone(),
        params: params.clone(),
        own_heading: false,
        text,
        page,
        title,
        body,
        tables: BTreeMap::new(),
        filtered: BTreeMap::new(),
        live: BTreeSet::new(),
        rollups: Vec::new(),
        rolled: BTreeSet::new(),
        decisions: Vec::new(),
        inputs: InputState::new(),
        choices: BTreeMap::new(),
        downloads: Default::default(),
        check: None,
        program: None,
        ran: Vec::new(),
        reused: Vec::new(),
        unproved: Vec::new(),
    }
}

async fn compile_checked(
    engine: &Engine,
    project: &Project,
    pf: &PageFile,
    params: &InputState,
) -> Result<Compiled, BuildError> {
    let Prepared { source, page, run, live, shown } = prepare(engine, project, pf, params).await?;
    let author = |problems: Vec<Problem>| source.author(problems);
    let scripted = crate::scripted::run(&page, &run.results, &shown).map_err(author)?;
    let body =
        quire_render::render_body_scripted(&page.body, &scripted.results, &shown, scripted.runner()).map_err(author)?;
    let seed = format!("{}{params:?}", pf.url);
    let planned = crate::rollups::plan(engine, project, &page, &run, &live, &seed).await;
    let mut shippable: BTreeSet<TableName> = project.sources.iter().map(|s| s.name.clone()).collect();
    shippable.extend(planned.rollups.iter().map(|r| TableName::new(quire_engine::rollup::SCHEMA, &r.table)));
    // The tables (and their columns) the browser needs to run the live queries: a proved
    // query reads its rollups, any other its sources.
    let mut tables: BTreeMap<TableName, BTreeSet<String>> = BTreeMap::new();
    for name in &live {
        let e = &run.expanded[name];
        let sql = planned.rolled.get(name).unwrap_or(&e.sql);
        let reads = engine.columns_read(sql, &e.params).await.map_err(|e| BuildError::Internal(e.to_string()))?;
        for (r, cols) in reads {
            if let Some(schema) = r.schema() {
                let name = TableName::new(schema, r.table());
                if shippable.contains(&name) {
                    tables.entry(name).or_default().extend(cols);
                }
            }
        }
    }
    // What the live queries that read rows (not a rollup) filter each table by: a large
    // table ships sorted so that a state's filters rule out most of its row groups.
    let mut filtered: BTreeMap<TableName, Vec<String>> = BTreeMap::new();
    for name in live.iter().filter(|q| !planned.rolled.contains_key(*q)) {
        let e = &run.expanded[name];
        let by = engine.filter_columns(&e.sql, &e.params).await.map_err(|e| BuildError::Internal(e.to_string()))?;
        for (r, cols) in by {
            let Some(schema) = r.schema() else { continue };
            let name = TableName::new(schema, r.table());
            if tables.contains_key(&name) {
                let list = filtered.entry(name).or_default();
                for c in cols {
                    if !list.contains(&c) {
                        list.push(c);
                    }
                }
            }
        }
    }
    // Results the runtime needs before it has run anything: the inputs' choices, and what
    // the slots it re-renders read besides the live queries.
    let all_inputs: BTreeSet<String> = run.inputs.keys().cloned().collect();
    let live_list: Vec<String> = live.iter().cloned().collect();
    let mut needed: BTreeSet<String> =
        quire_core::inputs::inputs(&page).iter().filter_map(|i| i.options_query().map(str::to_string)).collect();
    if !live.is_empty() {
        for i in quire_render::slots_showing(&page.body, &live_list, &all_inputs) {
            needed.extend(quire_render::queries_read(std::slice::from_ref(&page.body[i])));
        }
        // The page's JavaScript runs again in the browser, and may read any query.
        // (and its slots are all redrawn, maps with the shapes they read).
        if scripted.program.is_some() {
            needed.extend(page.queries.iter().map(|q| q.name.clone()));
            needed.extend(quire_render::queries_read(&page.body));
        }
    }
    let choices: BTreeMap<String, Table> = needed
        .iter()
        .filter(|q| !live.contains(*q))
        .filter_map(|q| Some((q.clone(), run.results.get(q)?.clone())))
        .collect();
    let check = live.iter().find_map(|q| {
        let result = run.results.get(q)?;
        (result.len() <= CHECK_ROWS && !result.columns.is_empty()).then(|| (q.clone(), result.clone()))
    });
    let downloads = crate::downloads::write(&run.results, &run.binned);
    // Without a title in the front matter, a page's own `# Heading` is its title; else an
    // instance of a templated page is titled by its value, as written.
    let own_heading = page.front.title.is_none() && body.html.starts_with("<h1");
    let title = match &page.front.title {
        Some(t) => t.clone(),
        None if own_heading => {
            let end = body.html.find("</h1>").unwrap_or(0);
            plain_text(&body.html[..end])
        }
        None => match params.values().last().and_then(|v| v.first()) {
            Some(value) => value.clone(),
            None => default_title(&pf.url),
        },
    };
    let mut reads = BTreeSet::new();
    for e in run.expanded.values() {
        for r in engine.tables_read(&e.sql).unwrap_or_default() {
            match r.schema() {
                Some(schema) => {
                    reads.insert(format!("{schema}.{}", r.table()));
                }
                // An unqualified name reads the one source that has it (the engine said so
                // when it ran the query).
                None => {
                    if let [schema] = engine.schemas_with_table(r.table()).as_slice() {
                        reads.insert(format!("{schema}.{}", r.table()));
                    }
                }
            }
        }
    }
    // A component with no rows to show (unless it says `emptySet=pass`).
    let empty: Vec<Problem> = page
        .components()
        .into_iter()
        .filter(|c| c.text("emptySet").as_deref() != Some("pass"))
        .filter_map(|c| {
            let q = c.data()?;
            run.results.get(q).is_some_and(Table::is_empty).then(|| {
                Problem::new(
                    format!("query `{q}` returned no rows, so `<{}>` shows nothing", c.name),
                    c.span_of("data"),
                )
                .help("check the query's filters, or write `emptySet=pass` on the component if empty is expected")
            })
        })
        .collect();
    let mut empty = empty;
    empty.extend(quire_core::components::prop_warnings(&page));
    empty.extend(crate::downloads::warnings(&page, &downloads.too_large, &live));
    let warnings = match source.author(empty) {
        BuildError::Author(w) => w,
        _ => Vec::new(),
    };
    let program = scripted.program.filter(|_| !live.is_empty());
    Ok(Compiled {
        warnings,
        errors: Vec::new(),
        reads,
        source: pf.clone(),
        params: params.clone(),
        own_heading,
        text: source.spliced.text.clone(),
        page,
        title,
        body,
        tables,
        filtered,
        live,
        rollups: planned.rollups,
        rolled: planned.rolled.into_keys().collect(),
        decisions: planned.decisions,
        inputs: shown,
        choices,
        downloads,
        check,
        program,
        ran: run.ran,
        reused: run.reused,
        unproved: run.unproved,
    })
}

fn crumbs(c: &Compiled, titles: &BTreeMap<&str, &str>) -> Vec<quire_render::Crumb> {
    let mut out = vec![quire_render::Crumb {
        title: titles.get("").map_or("Home", |t| *t).to_string(),
        href: titles.contains_key("").then(String::new),
    }];
    let mut url = String::new();
    for part in c.source.url.split('/').filter(|p| !p.is_empty()) {
        url.push_str(part);
        url.push('/');
        let title = if url == c.source.url {
            c.title.clone()
        } else {
            titles.get(url.as_str()).map_or_else(|| nav::title_case(part), |t| t.to_string())
        };
        out.push(quire_render::Crumb { title, href: titles.contains_key(url.as_str()).then(|| url.clone()) });
    }
    out
}

/// The text a reader sees in some HTML: tags, scripts and drawings left out, entities read.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let skip_to = ["<svg", "<script", "<style"]
            .iter()
            .zip(["</svg>", "</script>", "</style>"])
            .find_map(|(o, c)| rest.starts_with(o).then(|| rest.find(c).map_or(rest.len(), |j| j + c.len())));
        let end = skip_to.unwrap_or_else(|| rest.find('>').map_or(rest.len(), |j| j + 1));
        if rest[..end].starts_with("</p") || rest[..end].starts_with("<br") || rest[..end].starts_with("</h") {
            out.push(' ');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `search.js`: every page's title, address, headings and text, and the code that searches
/// them. A script rather than JSON, so that search works from `file://` too; loaded the
/// first time a reader focuses the search box.
fn search_index(compiled: &[&Compiled]) -> String {
    let pages: Vec<serde_json::Value> = compiled
        .iter()
        .map(|c| {
            let text = plain_text(&c.body.html);
            let text: String = text.chars().take(4000).collect();
            let headings: Vec<&str> = c.body.toc.iter().map(|t| t.text.as_str()).collect();
            serde_json::json!({ "t": c.title, "u": c.source.url, "h": headings, "x": text })
        })
        .collect();
    let data = serde_json::Value::Array(pages).to_string().replace('<', "\\u003c");
    format!("window.quireSearchIndex={data};\n{}", include_str!("search.js"))
}

/// Put compiled pages together into a site: the stylesheet, the runtime, each table the
/// browser needs (exported once, or taken from `exports`), and every page in its shell
/// with the site's navigation.
pub(crate) async fn assemble(
    project: &Project,
    compiled: &[&Compiled],
    runtime: Option<&Runtime>,
    engine: &Engine,
    exports: &mut Exports,
) -> Result<Site, BuildError> {
    let mut site = Site { pages: compiled.len(), ..Site::default() };
    site.queries = compiled.iter().map(|c| c.page.queries.len()).sum();
    for c in compiled {
        for e in &c.errors {
            if !site.errors.iter().any(|x| x.location() == e.location() && x.problem.message == e.problem.message) {
                site.errors.push(e.clone());
            }
        }
        for w in &c.warnings {
            if !site.warnings.iter().any(|x| x.location() == w.location() && x.problem.message == w.problem.message) {
                site.warnings.push(w.clone());
            }
        }
    }
    for c in compiled {
        site.rollups.extend(crate::rollups::describe_decisions(&c.source.file.path, &c.decisions));
    }
    site.files.insert("style.css".into(), Bytes::from_static(quire_render::stylesheet().as_bytes()).into());
    if let Some(rt) = runtime {
        for (path, bytes) in rt.files() {
            site.files.insert(path, bytes.clone().into());
        }
    }

    let tables = crate::ship::tables(compiled, engine, exports, &project.root).await?;
    let mut shipped: BTreeMap<TableName, String> = BTreeMap::new();
    let mut ranged: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for (name, t) in &tables {
        site.files.insert(t.path.clone(), t.body.clone());
        shipped.insert(name.clone(), t.path.clone());
        if t.ranged {
            ranged.insert(name.to_string(), serde_json::json!({ "len": t.body.len(), "tail": t.tail() }));
        }
        let fetched = if t.ranged { "read a piece at a time" } else { "fetched whole" };
        let mb = t.body.len() as f64 / 1e6;
        site.shipped.push(format!("`{name}` as {} ({mb:.1} MB), {fetched}: {}", t.path, t.how));
    }
    site.tables = shipped.len();

    let mut nav_pages: Vec<NavPage<'_>> = compiled
        .iter()
        .filter(|c| c.params.is_empty() && c.page.front.sidebar_link != Some(false))
        .map(|c| NavPage { url: &c.source.url, title: c.title.clone(), position: c.page.front.sidebar_position })
        .collect();
    // The pipeline's lineage, when there is one, at `lineage/` (or `_lineage/` if a page
    // has that address).
    let lineage_url = if compiled.iter().any(|c| c.source.url == "lineage/") { "_lineage/" } else { "lineage/" };
    if !project.committed.tables.is_empty() {
        nav_pages.push(NavPage { url: lineage_url, title: "Lineage".into(), position: Some(i64::MAX) });
        let nav = nav::tree(&nav_pages, lineage_url);
        // A templated page's instances read the same tables: one of them stands for all.
        let mut templates_seen = BTreeSet::new();
        let readers: Vec<&Compiled> = compiled
            .iter()
            .copied()
            .filter(|c| c.params.is_empty() || templates_seen.insert(c.source.file.path.clone()))
            .collect();
        let body = crate::lineage::body(project, &readers, "../");
        let html = quire_render::page_shell(&quire_render::Shell {
            site_title: project.title(),
            page_title: "Lineage",
            description: Some("Which table each report reads, and what each table is made from."),
            root: "../",
            nav: &nav,
            toc: &[],
            body_html: &body,
            tail_html: "",
            head_html: "",
            crumbs: &[],
            own_heading: false,
            og_image: None,
            search: true,
        });
        site.files.insert(format!("{lineage_url}index.html"), Bytes::from(html).into());
    }
    site.files.insert("search.js".into(), Bytes::from(search_index(compiled)).into());
    let titles: BTreeMap<&str, &str> = compiled.iter().map(|c| (c.source.url.as_str(), c.title.as_str())).collect();
    let mut shape_files: BTreeMap<String, String> = BTreeMap::new();
    for c in compiled {
        // Never empty: module URLs must start with `./` or `../`, and a link to a page named
        // after data (`javascript:x/`) must stay a path.
        let root = if c.source.depth() == 0 { "./".to_string() } else { "../".repeat(c.source.depth()) };
        let asset_root = root.as_str();
        // An instance of a templated page shows the page above it as the current one.
        let active = if c.params.is_empty() {
            c.source.url.as_str()
        } else {
            nav_pages
                .iter()
                .map(|p| p.url)
                .filter(|u| c.source.url.starts_with(u))
                .max_by_key(|u| u.len())
                .unwrap_or("")
        };
        let nav = nav::tree(&nav_pages, active);
        let mut csv = BTreeMap::new();
        for (query, (path, bytes)) in &c.downloads.files {
            site.files.insert(path.clone(), bytes.clone().into());
            csv.insert(query.as_str(), path.clone());
        }
        let mut body_html = crate::downloads::links(
            &crate::links::relative_links(&c.body.html, &root),
            &root,
            &csv,
            &c.downloads.too_large,
        );
        for (i, json) in c.body.row_files.iter().enumerate() {
            let json = crate::links::row_file_links(json, &root);
            let path = format!("data/rows.{}.json", hex(&Sha256::digest(json.as_bytes())[..8]));
            body_html = body_html.replace(
                &format!("data-rows=\"{}{i}\"", quire_render::ROWS_SCHEME),
                &format!("data-rows=\"{root}{path}\""),
            );
            site.files.entry(path).or_insert_with(|| Bytes::from(json).into());
        }
        // The page's JavaScript, for the browser to run when inputs change: a module of the
        // site's own origin (no `eval`), named by content.
        let script = match (&c.program, runtime) {
            (Some(program), Some(_)) => {
                let module = format!(
                    "// quire: this page's JavaScript, run again when a reader changes an input.\n{}\nexport const program = {};\nexport const quire = __quire;\n",
                    quire_core::script::PRELUDE,
                    program
                );
                let path = format!("_quire/page.{}.js", hex(&Sha256::digest(module.as_bytes())[..8]));
                site.files.entry(path.clone()).or_insert_with(|| Bytes::from(module).into());
                Some(path)
            }
            _ => None,
        };
        // The shapes a live map is redrawn from: files of their own, named by content, so
        // every page with the same map shares one download.
        // Written once a build: a key names the same file on every page.
        let mut shapes: BTreeMap<&str, String> = BTreeMap::new();
        for (key, table) in c.choices.iter().filter(|(k, _)| k.starts_with(quire_core::shape::KEY_PREFIX)) {
            if !shape_files.contains_key(key) {
                let json = serde_json::to_string(table).map_err(|e| BuildError::Internal(e.to_string()))?;
                let path = format!("data/shapes.{}.json", hex(&Sha256::digest(json.as_bytes())[..8]));
                site.files.entry(path.clone()).or_insert_with(|| Bytes::from(json).into());
                shape_files.insert(key.clone(), path);
            }
            shapes.insert(key, shape_files[key].clone());
        }
        let island = data_island(c, &root, &shipped, &ranged, &csv, &shapes, runtime, script.as_deref());
        let mut tail = String::new();
        let _ = write!(tail, "<script type=\"application/json\" id=\"quire-data\">{island}</script>");
        let mut head = String::new();
        if let Some(rt) = runtime {
            if !c.live.is_empty() {
                head.push_str(&rt.early_start(asset_root, &first_fetches(c, &shipped, &ranged, &shapes)));
            }
            let _ = write!(tail, "<script type=\"module\" src=\"{asset_root}{}\"></script>", rt.path("main"));
        }
        let html = quire_render::page_shell(&quire_render::Shell {
            site_title: project.title(),
            page_title: &c.title,
            description: c.page.front.description.as_deref(),
            root: &root,
            nav: &nav,
            toc: if c.page.front.hide_toc == Some(true) { &[] } else { &c.body.toc },
            crumbs: &crumbs(c, &titles),
            own_heading: c.own_heading,
            og_image: c.page.front.og.as_ref().and_then(|og| og.get("image")).and_then(|i| i.as_str()),
            search: true,
            body_html: &body_html,
            tail_html: &tail,
            head_html: &head,
        });
        site.files.insert(format!("{}index.html", c.source.url), Bytes::from(html).into());
    }
    static_files(&project.root, &mut site)?;
    Ok(site)
}

/// The project's `static/` folder (Evidence's: pictures, fonts, files to download), copied
/// to the site's root as it is. Links and dot-files are skipped; a name quire writes itself
/// is an error rather than either file winning.
fn static_files(root: &std::path::Path, site: &mut Site) -> Result<(), BuildError> {
    let dir = root.join("static");
    if !dir.is_dir() {
        return Ok(());
    }
    let mut stack = vec![dir.clone()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| BuildError::file(&folder, e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if name.starts_with('.') || kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if site.files.contains_key(&rel) || rel == crate::MARKER {
                return Err(BuildError::File {
                    path: std::path::Path::new("static").join(&rel),
                    message: format!("quire writes `{rel}` itself"),
                    help: Some("rename the file in static/".into()),
                });
            }
            let bytes = std::fs::read(&path).map_err(|e| BuildError::file(&path, e))?;
            site.files.insert(rel, Bytes::from(bytes).into());
        }
    }
    Ok(())
}

/// The JSON the runtime reads: the page's source (the runtime parses it as the build did),
/// where its tables and downloads are, the inputs' defaults and choices, the runtime's
/// files, and one browser-side query with the result the build computed, which the runtime
/// re-runs to check itself.
fn data_island(
    c: &Compiled,
    root: &str,
    shipped: &BTreeMap<TableName, String>,
    ranged: &BTreeMap<String, serde_json::Value>,
    csv: &BTreeMap<&str, String>,
    shapes: &BTreeMap<&str, String>,
    runtime: Option<&Runtime>,
    script: Option<&str>,
) -> String {
    let choices: BTreeMap<&String, &Table> =
        c.choices.iter().filter(|(k, _)| !shapes.contains_key(k.as_str())).collect();
    let tables = page_tables(c, shipped);
    let ranged: BTreeMap<&String, &serde_json::Value> =
        tables.keys().filter_map(|t| Some((t, ranged.get(t)?))).collect();
    let check = c.check.as_ref().map(|(name, expected)| serde_json::json!({ "query": name, "expected": expected }));
    let runtime = runtime.map(
        |rt| serde_json::json!({ "worker": rt.path("worker"), "engine": rt.path("engine"), "wasm": rt.path("wasm") }),
    );
    let json = serde_json::json!({
        "page": c.source.file.path,
        "root": root,
        "source": if c.live.is_empty() { "" } else { c.text.as_str() },
        "tables": tables,
        "ranged": ranged,
        "live": c.live,
        "rollups": c.rollups,
        "rolled": c.rolled,
        "inputs": c.inputs,
        "choices": choices,
        "shapes": shapes,
        "csv": csv,
        "tooLarge": c.downloads.too_large,
        "runtime": runtime,
        "script": script,
        "check": check,
    });
    // `<` escaped so that no value can close the script element.
    json.to_string().replace('<', "\\u003c")
}

/// The page's tables that ship to the browser, by name, with their paths in the site.
fn page_tables<'a>(c: &Compiled, shipped: &'a BTreeMap<TableName, String>) -> BTreeMap<String, &'a String> {
    c.tables.keys().filter_map(|t| Some((t.to_string(), shipped.get(t)?))).collect()
}

/// What the engine's init fetches on this page, in the island's order: each table's file (a
/// ranged table's footer only) and each map's shapes.
fn first_fetches(
    c: &Compiled,
    shipped: &BTreeMap<TableName, String>,
    ranged: &BTreeMap<String, serde_json::Value>,
    shapes: &BTreeMap<&str, String>,
) -> Vec<crate::runtime::FirstFetch> {
    let footer = |name: &str| {
        let r = ranged.get(name)?;
        Some(quire_engine::ranged::first_read(r["len"].as_u64()?, r["tail"].as_u64()?))
    };
    let mut first: Vec<crate::runtime::FirstFetch> = page_tables(c, shipped)
        .into_iter()
        .map(|(name, path)| crate::runtime::FirstFetch { range: footer(&name), path: path.clone() })
        .collect();
    first.extend(shapes.values().map(|path| crate::runtime::FirstFetch { path: path.clone(), range: None }));
    first
}

fn default_title(url: &str) -> String {
    match url.trim_end_matches('/').rsplit('/').next() {
        Some("") | None => "Home".into(),
        Some(last) => nav::title_case(last),
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What each query of the page at `path` (`pages/...md`) returns, as the build computes it,
/// with `params` for a templated page (`customer` → `Acme`). For tests and `quire check`.
pub fn page_results(
    project: &Project,
    path: &str,
    params: &[(&str, &str)],
) -> Result<BTreeMap<String, Table>, BuildError> {
    let rt = query_runtime(quire_core::config::BuildConfig::threads(&project.config))?;
    rt.block_on(async {
        let pf = project
            .pages
            .iter()
            .find(|p| p.file.path == path)
            .ok_or_else(|| BuildError::Internal(format!("no page `{path}`")))?;
        let params: InputState = params.iter().map(|(k, v)| (format!("params.{k}"), vec![v.to_string()])).collect();
        let engine = Engine::new();
        sources::register(&engine, &project.sources, &project.root).await?;
        Ok(prepare(&engine, project, pf, &params).await?.run.results)
    })
}

/// A page as the browser shows it after a reader sets inputs: see [`page_at`].
#[derive(Debug, Default)]
pub struct PageAt {
    /// The slots that changed, by index: what the runtime swaps in.
    pub slots: BTreeMap<usize, String>,
    /// The results of the queries that ran again.
    pub results: BTreeMap<String, Table>,
    /// The whole body as the build renders it at the page's defaults, for comparing
    /// with a built page.
    pub built: String,
}

/// A page as the browser shows it after a reader sets `state`: every query that reads a
/// changed input re-run natively, and the slots that show them (and the changed inputs)
/// rendered, by slot index. The same work the runtime does, from the same start as a build
/// ([`prepare`]: partials, parameters, `@refreshed`); tests compare the two. `url` is a
/// page's address (`explorer/`), or an instance's of a templated page (`states/CA/`).
pub fn page_at(project: &Project, url: &str, state: &quire_core::InputState) -> Result<PageAt, BuildError> {
    let rt = query_runtime(quire_core::config::BuildConfig::threads(&project.config))?;
    rt.block_on(async {
        let (pf, params) = match project.pages.iter().find(|p| p.url == url && !p.is_template()) {
            Some(pf) => (pf.clone(), InputState::new()),
            None => project
                .pages
                .iter()
                .filter(|p| p.is_template())
                .filter_map(|t| Some((t, t.match_url(url)?)))
                .min_by_key(|(_, params)| params.len())
                .map(|(t, params)| (PageFile { file: t.file.clone(), url: crate::links::folder_url(url) }, params))
                .ok_or_else(|| BuildError::Internal(format!("no page at `{url}`")))?,
        };
        let engine = Engine::new();
        sources::register(&engine, &project.sources, &project.root).await?;
        let Prepared { source, page, mut run, shown, .. } = prepare(&engine, project, &pf, &params).await?;
        let author = |problems: Vec<Problem>| source.author(problems);
        let scripted = crate::scripted::run(&page, &run.results, &shown).map_err(author)?;
        let built = quire_render::render_body_scripted(&page.body, &scripted.results, &shown, scripted.runner())
            .map_err(author)?
            .html;
        // As the runtime does: only what the page's inputs accept changes the state.
        let changed: BTreeSet<String> =
            state.iter().filter(|(k, v)| shown.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
        let mut full = shown.clone();
        full.extend(state.clone());
        let queries = quire_engine::queries_reading(&page, &full, &changed);
        for q in &queries {
            let expanded = match quire_core::chain::expand(&page, q, &full) {
                Ok(e) => e,
                Err(quire_core::chain::ChainError::Problem(p)) => return Err(author(vec![p])),
                Err(quire_core::chain::ChainError::ReadsCycle) => {
                    return Err(BuildError::Internal(format!("`{q}` reads a cycle")));
                }
            };
            let table = engine.run_expanded(&page, q, &expanded).await.map_err(|p| author(vec![p]))?;
            run.results.insert(q.clone(), table);
        }
        let scripted = crate::scripted::run(&page, &run.results, &full).map_err(author)?;
        let mut slots = BTreeMap::new();
        for i in quire_render::slots_showing_scripted(&page.body, &queries, &changed, scripted.js.is_some()) {
            let html = quire_render::render_slot(&page.body, i, &scripted.results, &full, scripted.runner())
                .map_err(author)?;
            slots.insert(i, html);
        }
        let results = queries.iter().filter_map(|q| Some((q.clone(), run.results.get(q)?.clone()))).collect();
        Ok(PageAt { slots, results, built })
    })
}
