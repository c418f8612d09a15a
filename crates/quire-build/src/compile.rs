//! Compiling a project into an in-memory site: parse every page, run its queries, render
//! it, and export the tables the browser will query.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use bytes::Bytes;
use quire_core::{Page, Table};
use quire_engine::{Engine, TableName};
use sha2::{Digest, Sha256};

use crate::error::BuildError;
use crate::nav::{self, NavPage};
use crate::project::{PageFile, Project};
use crate::sources;

/// The compiled browser runtime (from `site/`), shipped under `_quire/` with content-hashed
/// names: `quire.js` wires up every page; `worker.js` runs the engine (`quire-site.js` and
/// its wasm) off the main thread on pages with inputs.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// Role (`main`, `worker`, `engine`, `wasm`) → file name under `_quire/`, and bytes.
    files: BTreeMap<&'static str, (String, Bytes)>,
}

impl Runtime {
    /// Recognise the runtime's four files by name; `None` if one is missing.
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Option<Runtime> {
        let mut out = BTreeMap::new();
        for (name, bytes) in files {
            let role = match name.as_str() {
                "quire.js" => "main",
                "worker.js" => "worker",
                n if n.ends_with("_bg.wasm") => "wasm",
                n if n.starts_with("quire-site") && n.ends_with(".js") => "engine",
                _ => continue,
            };
            let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
            let hashed = format!("{stem}.{}.{ext}", hex(&Sha256::digest(&bytes)[..5]));
            out.insert(role, (hashed, Bytes::from(bytes)));
        }
        (out.len() == 4).then_some(Runtime { files: out })
    }

    fn path(&self, role: &str) -> String {
        self.files.get(role).map(|(n, _)| format!("_quire/{n}")).unwrap_or_default()
    }
}

/// A built site, in memory: path under the output folder → bytes (shared: a rebuild that
/// keeps a file does not copy it).
#[derive(Debug, Default)]
pub struct Site {
    pub files: BTreeMap<String, Bytes>,
    pub pages: usize,
    pub tables: usize,
}

/// A result small enough to embed in its page for the runtime to check itself against.
const CHECK_ROWS: usize = 500;

/// One page, compiled: everything the site needs from it. Owned, so that `quire dev` can
/// keep it and reuse it while its file does not change.
pub(crate) struct Compiled {
    pub(crate) source: PageFile,
    page: Page,
    pub(crate) title: String,
    body: quire_render::Rendered,
    /// The tables the page's browser-side queries read, and the columns they read of each.
    tables: BTreeMap<TableName, BTreeSet<String>>,
    /// Queries that read an input: the browser re-runs them.
    live: BTreeSet<String>,
    inputs: quire_core::InputState,
    /// Results the runtime needs before it has run anything: the inputs' choices.
    choices: BTreeMap<String, Table>,
    /// Every query's result as CSV, for download: query → (path in the site, bytes).
    csv: BTreeMap<String, (String, Bytes)>,
    check: Option<(String, Table)>,
    /// Every table the page's queries read, as `schema.table`.
    pub(crate) reads: BTreeSet<String>,
    /// The queries the engine ran, and those whose results it remembered.
    pub(crate) ran: Vec<String>,
    pub(crate) reused: Vec<String>,
}

/// Tables exported for the browser, by name and columns: path in the site and bytes.
pub(crate) type Exports = BTreeMap<(TableName, BTreeSet<String>), (String, Bytes)>;

pub fn compile(project: &Project, runtime: Option<&Runtime>) -> Result<Site, BuildError> {
    let rt = query_runtime()?;
    rt.block_on(async {
        let engine = Engine::new();
        sources::register(&engine, &project.sources, &project.root).await?;
        let mut compiled = Vec::new();
        let mut errors = Vec::new();
        for pf in &project.pages {
            match compile_page(&engine, project, pf).await {
                Ok(c) => compiled.push(c),
                Err(BuildError::Author(e)) => errors.extend(e),
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            return Err(BuildError::Author(errors));
        }
        let compiled: Vec<&Compiled> = compiled.iter().collect();
        assemble(project, &compiled, runtime, &engine, &mut Exports::new()).await
    })
}

pub(crate) fn query_runtime() -> Result<tokio::runtime::Runtime, BuildError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BuildError::Internal(format!("cannot start the query runtime: {e}")))
}

/// Parse, run and render one page. Author mistakes come back as [`BuildError::Author`].
pub(crate) async fn compile_page(engine: &Engine, project: &Project, pf: &PageFile) -> Result<Compiled, BuildError> {
    let author = |problems: Vec<quire_core::Problem>| {
        BuildError::Author(problems.into_iter().map(|p| p.in_file(&pf.file)).collect())
    };
    let page = Page::parse(&pf.file.text).map_err(author)?;
    let run = engine.run_page(&page).await;
    if !run.problems.is_empty() {
        return Err(author(run.problems));
    }
    let body = quire_render::render_body(&page.body, &run.results, &run.inputs).map_err(author)?;
    let source_names: BTreeSet<&TableName> = project.sources.iter().map(|s| &s.name).collect();
    let live: BTreeSet<String> =
        run.expanded.iter().filter(|(_, e)| !e.inputs.is_empty()).map(|(q, _)| q.clone()).collect();
    // The tables (and their columns) the browser needs to run the live queries.
    let mut tables: BTreeMap<TableName, BTreeSet<String>> = BTreeMap::new();
    for name in &live {
        let e = &run.expanded[name];
        let reads = engine.columns_read(&e.sql, &e.params).await.map_err(|e| BuildError::Internal(e.to_string()))?;
        for (r, cols) in reads {
            if let Some(schema) = r.schema() {
                let name = TableName::new(schema, r.table());
                if source_names.contains(&name) {
                    tables.entry(name).or_default().extend(cols);
                }
            }
        }
    }
    let choices: BTreeMap<String, Table> = quire_core::inputs::inputs(&page)
        .iter()
        .filter_map(|i| i.options_query())
        .filter_map(|q| Some((q.to_string(), run.results.get(q)?.clone())))
        .collect();
    let check = live.iter().find_map(|q| {
        let result = run.results.get(q)?;
        (result.len() <= CHECK_ROWS && !result.columns.is_empty()).then(|| (q.clone(), result.clone()))
    });
    let slug = pf.url.trim_matches('/').replace('/', "-");
    let slug = if slug.is_empty() { "index".to_string() } else { slug };
    let csv = run
        .results
        .iter()
        .map(|(q, t)| {
            let bytes = t.to_csv().into_bytes();
            let path = format!("data/{slug}.{q}.{}.csv", hex(&Sha256::digest(&bytes)[..5]));
            (q.clone(), (path, Bytes::from(bytes)))
        })
        .collect();
    let title = page.front.title.clone().unwrap_or_else(|| default_title(&pf.url));
    let mut reads = BTreeSet::new();
    for e in run.expanded.values() {
        for r in engine.tables_read(&e.sql).unwrap_or_default() {
            if let Some(schema) = r.schema() {
                reads.insert(format!("{schema}.{}", r.table()));
            }
        }
    }
    Ok(Compiled {
        reads,
        source: pf.clone(),
        page,
        title,
        body,
        tables,
        live,
        inputs: run.inputs,
        choices,
        csv,
        check,
        ran: run.ran,
        reused: run.reused,
    })
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
    site.files.insert("style.css".into(), Bytes::from_static(quire_render::stylesheet().as_bytes()));
    if let Some(rt) = runtime {
        for (name, bytes) in rt.files.values() {
            site.files.insert(format!("_quire/{name}"), bytes.clone());
        }
    }

    // Each table ships once, named by its content, with the columns any page's browser-side
    // queries read, however many pages read it.
    let mut needed: BTreeMap<&TableName, BTreeSet<String>> = BTreeMap::new();
    for (name, cols) in compiled.iter().flat_map(|c| c.tables.iter()) {
        needed.entry(name).or_default().extend(cols.iter().cloned());
    }
    let mut shipped: BTreeMap<TableName, String> = BTreeMap::new();
    for (name, cols) in needed {
        let key = (name.clone(), cols);
        if !exports.contains_key(&key) {
            let list: Vec<String> = key.1.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            let sql = format!("select {} from {}", list.join(", "), sources::quoted(name));
            let export = async {
                let df = engine.context().sql(&sql).await?;
                let schema = std::sync::Arc::new(df.schema().as_arrow().clone());
                let batches = df.collect().await?;
                quire_engine::encode_parquet(schema, &batches)
            };
            let bytes = export.await.map_err(|e| BuildError::Internal(format!("exporting table {name}: {e}")))?;
            let hash = hex(&Sha256::digest(&bytes)[..5]);
            let path = format!("data/{}.{}.{hash}.parquet", name.schema, name.table);
            exports.insert(key.clone(), (path, Bytes::from(bytes)));
        }
        let (path, bytes) = &exports[&key];
        site.files.insert(path.clone(), bytes.clone());
        shipped.insert(name.clone(), path.clone());
    }
    site.tables = shipped.len();

    let mut nav_pages: Vec<NavPage<'_>> = compiled
        .iter()
        .map(|c| NavPage { url: &c.source.url, title: c.title.clone(), position: c.page.front.sidebar_position })
        .collect();
    // The pipeline's lineage, when there is one, at `lineage/` (or `_lineage/` if a page
    // has that address).
    let lineage_url = if compiled.iter().any(|c| c.source.url == "lineage/") { "_lineage/" } else { "lineage/" };
    if !project.committed.tables.is_empty() {
        nav_pages.push(NavPage { url: lineage_url, title: "Lineage".into(), position: Some(i64::MAX) });
        let nav = nav::tree(&nav_pages, lineage_url);
        let body = crate::lineage::body(project, compiled, "../");
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
        });
        site.files.insert(format!("{lineage_url}index.html"), Bytes::from(html));
    }
    for c in compiled {
        let root = "../".repeat(c.source.depth());
        // Module URLs must start with `./` or `../`.
        let asset_root = if root.is_empty() { "./" } else { root.as_str() };
        let nav = nav::tree(&nav_pages, &c.source.url);
        let mut csv = BTreeMap::new();
        for (query, (path, bytes)) in &c.csv {
            site.files.insert(path.clone(), bytes.clone());
            csv.insert(query.as_str(), path.clone());
        }
        let island = data_island(c, &root, &shipped, &csv, runtime);
        let mut tail = String::new();
        let _ = write!(tail, "<script type=\"application/json\" id=\"quire-data\">{island}</script>");
        let head = String::new();
        if let Some(rt) = runtime {
            let _ = write!(tail, "<script type=\"module\" src=\"{asset_root}{}\"></script>", rt.path("main"));
        }
        let html = quire_render::page_shell(&quire_render::Shell {
            site_title: project.title(),
            page_title: &c.title,
            description: c.page.front.description.as_deref(),
            root: &root,
            nav: &nav,
            toc: if c.page.front.hide_toc == Some(true) { &[] } else { &c.body.toc },
            body_html: &c.body.html,
            tail_html: &tail,
            head_html: &head,
        });
        site.files.insert(format!("{}index.html", c.source.url), Bytes::from(html));
    }
    Ok(site)
}

/// The JSON the runtime reads: the page's source (the runtime parses it as the build did),
/// where its tables and downloads are, the inputs' defaults and choices, the runtime's
/// files, and one browser-side query with the result the build computed, which the runtime
/// re-runs to check itself.
fn data_island(
    c: &Compiled,
    root: &str,
    shipped: &BTreeMap<TableName, String>,
    csv: &BTreeMap<&str, String>,
    runtime: Option<&Runtime>,
) -> String {
    let tables: BTreeMap<String, &String> =
        c.tables.keys().filter_map(|t| Some((t.to_string(), shipped.get(t)?))).collect();
    let check = c.check.as_ref().map(|(name, expected)| serde_json::json!({ "query": name, "expected": expected }));
    let runtime = runtime.map(
        |rt| serde_json::json!({ "worker": rt.path("worker"), "engine": rt.path("engine"), "wasm": rt.path("wasm") }),
    );
    let json = serde_json::json!({
        "page": c.source.file.path,
        "root": root,
        "source": if c.live.is_empty() { "" } else { &*c.source.file.text },
        "tables": tables,
        "live": c.live,
        "inputs": c.inputs,
        "choices": c.choices,
        "csv": csv,
        "runtime": runtime,
        "check": check,
    });
    // `<` escaped so that no value can close the script element.
    json.to_string().replace('<', "\\u003c")
}

fn default_title(url: &str) -> String {
    match url.trim_end_matches('/').rsplit('/').next() {
        Some("") | None => "Home".into(),
        Some(last) => nav::title_case(last),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A page as the browser shows it after a reader sets inputs: see [`page_at`].
#[derive(Debug, Default)]
pub struct PageAt {
    /// The slots that changed, by index: what the runtime swaps in.
    pub slots: BTreeMap<usize, String>,
    /// The results of the queries that ran again.
    pub results: BTreeMap<String, Table>,
}

/// A page as the browser shows it after a reader sets `state`: every query that reads a
/// changed input re-run natively, and the slots that show them (and the changed inputs)
/// rendered, by slot index. The same work the runtime does, on the build's engine; tests
/// compare the two.
pub fn page_at(project: &Project, url: &str, state: &quire_core::InputState) -> Result<PageAt, BuildError> {
    let rt = query_runtime()?;
    rt.block_on(async {
        let pf = project
            .pages
            .iter()
            .find(|p| p.url == url)
            .ok_or_else(|| BuildError::Internal(format!("no page at `{url}`")))?;
        let page = Page::parse(&pf.file.text)
            .map_err(|p| BuildError::Author(p.into_iter().map(|p| p.in_file(&pf.file)).collect()))?;
        let engine = Engine::new();
        sources::register(&engine, &project.sources, &project.root).await?;
        let mut run = engine.run_page(&page).await;
        let changed: BTreeSet<String> =
            state.iter().filter(|(k, v)| run.inputs.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
        let mut full = run.inputs.clone();
        full.extend(state.clone());
        let queries = quire_engine::queries_reading(&page, &full, &changed);
        for q in &queries {
            let expanded = quire_core::chain::expand(&page, q, &full)
                .map_err(|e| BuildError::Internal(format!("expanding `{q}`: {e:?}")))?;
            let table = engine
                .run_expanded(&page, q, &expanded)
                .await
                .map_err(|p| BuildError::Author(vec![p.in_file(&pf.file)]))?;
            run.results.insert(q.clone(), table);
        }
        let mut slots = BTreeMap::new();
        for i in quire_render::slots_showing(&page.body, &queries, &changed) {
            let html = quire_render::render_slot(&page.body, i, &run.results, &full)
                .map_err(|p| BuildError::Author(p.into_iter().map(|p| p.in_file(&pf.file)).collect()))?;
            slots.insert(i, html);
        }
        let results = queries.iter().filter_map(|q| Some((q.clone(), run.results.get(q)?.clone()))).collect();
        Ok(PageAt { slots, results })
    })
}
