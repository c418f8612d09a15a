//! Compiling a project into an in-memory site: parse every page, run its queries, render
//! it, and export the tables the browser will query.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quire_core::{AuthorError, Page, Table};
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
    files: BTreeMap<&'static str, (String, Vec<u8>)>,
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
            out.insert(role, (hashed, bytes));
        }
        (out.len() == 4).then_some(Runtime { files: out })
    }

    fn path(&self, role: &str) -> String {
        self.files.get(role).map(|(n, _)| format!("_quire/{n}")).unwrap_or_default()
    }
}

/// A built site, in memory: path under the output folder → bytes.
#[derive(Debug, Default)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
    pub pages: usize,
    pub tables: usize,
}

/// A result small enough to embed in its page for the runtime to check itself against.
const CHECK_ROWS: usize = 500;

struct Compiled<'a> {
    source: &'a PageFile,
    page: Page,
    title: String,
    body: quire_render::Rendered,
    /// The tables the page's browser-side queries read, and the columns they read of each.
    tables: BTreeMap<TableName, BTreeSet<String>>,
    /// Queries that read an input: the browser re-runs them.
    live: BTreeSet<String>,
    inputs: quire_core::InputState,
    /// Results the runtime needs before it has run anything: the inputs' choices.
    choices: BTreeMap<String, Table>,
    /// Every query's result as CSV, for download.
    csv: BTreeMap<String, Vec<u8>>,
    check: Option<(String, Table)>,
}

pub fn compile(project: &Project, runtime: Option<&Runtime>) -> Result<Site, BuildError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BuildError::Internal(format!("cannot start the query runtime: {e}")))?;
    rt.block_on(compile_async(project, runtime))
}

async fn compile_async(project: &Project, runtime: Option<&Runtime>) -> Result<Site, BuildError> {
    let engine = Engine::new();
    sources::register(&engine, &project.sources, &project.root).await?;
    let source_names: BTreeSet<&TableName> = project.sources.iter().map(|s| &s.name).collect();

    let mut errors: Vec<AuthorError> = Vec::new();
    let mut compiled = Vec::new();
    for pf in &project.pages {
        let page = match Page::parse(&pf.file.text) {
            Ok(p) => p,
            Err(problems) => {
                errors.extend(problems.into_iter().map(|p| p.in_file(&pf.file)));
                continue;
            }
        };
        let run = engine.run_page(&page).await;
        if !run.problems.is_empty() {
            errors.extend(run.problems.into_iter().map(|p| p.in_file(&pf.file)));
            continue;
        }
        let body = match quire_render::render_body(&page.body, &run.results, &run.inputs) {
            Ok(b) => b,
            Err(problems) => {
                errors.extend(problems.into_iter().map(|p| p.in_file(&pf.file)));
                continue;
            }
        };
        let live: BTreeSet<String> =
            run.expanded.iter().filter(|(_, e)| !e.inputs.is_empty()).map(|(q, _)| q.clone()).collect();
        // The tables (and their columns) the browser needs to run the live queries.
        let mut tables: BTreeMap<TableName, BTreeSet<String>> = BTreeMap::new();
        for name in &live {
            let e = &run.expanded[name];
            let reads =
                engine.columns_read(&e.sql, &e.params).await.map_err(|e| BuildError::Internal(e.to_string()))?;
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
        let csv = run.results.iter().map(|(q, t)| (q.clone(), t.to_csv().into_bytes())).collect();
        let title = page.front.title.clone().unwrap_or_else(|| default_title(&pf.url));
        compiled.push(Compiled {
            source: pf,
            page,
            title,
            body,
            tables,
            live,
            inputs: run.inputs,
            choices,
            csv,
            check,
        });
    }
    if !errors.is_empty() {
        return Err(BuildError::Author(errors));
    }

    let mut site = Site { pages: compiled.len(), ..Site::default() };
    site.files.insert("style.css".into(), quire_render::stylesheet().as_bytes().to_vec());
    if let Some(rt) = runtime {
        for (name, bytes) in rt.files.values() {
            site.files.insert(format!("_quire/{name}"), bytes.clone());
        }
    }

    // Each table ships once, named by its content, with the columns any page's browser-side
    // queries read, however many pages read it.
    let mut needed: BTreeMap<&TableName, BTreeSet<&String>> = BTreeMap::new();
    for (name, cols) in compiled.iter().flat_map(|c| c.tables.iter()) {
        needed.entry(name).or_default().extend(cols);
    }
    let mut shipped: BTreeMap<TableName, String> = BTreeMap::new();
    for (name, cols) in needed {
        let list: Vec<String> = cols.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
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
        site.files.insert(path.clone(), bytes);
        shipped.insert(name.clone(), path);
    }
    site.tables = shipped.len();

    let nav_pages: Vec<NavPage<'_>> = compiled
        .iter()
        .map(|c| NavPage { url: &c.source.url, title: c.title.clone(), position: c.page.front.sidebar_position })
        .collect();
    for c in &compiled {
        let root = "../".repeat(c.source.depth());
        // Module URLs must start with `./` or `../`.
        let asset_root = if root.is_empty() { "./" } else { root.as_str() };
        let nav = nav::tree(&nav_pages, &c.source.url);
        let mut csv = BTreeMap::new();
        for (query, bytes) in &c.csv {
            let slug = c.source.url.trim_matches('/').replace('/', "-");
            let slug = if slug.is_empty() { "index".to_string() } else { slug };
            let path = format!("data/{slug}.{query}.{}.csv", hex(&Sha256::digest(bytes)[..5]));
            site.files.insert(path.clone(), bytes.clone());
            csv.insert(query.as_str(), path);
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
        site.files.insert(format!("{}index.html", c.source.url), html.into_bytes());
    }
    Ok(site)
}

/// The JSON the runtime reads: the page's source (the runtime parses it as the build did),
/// where its tables and downloads are, the inputs' defaults and choices, the runtime's
/// files, and one browser-side query with the result the build computed, which the runtime
/// re-runs to check itself.
fn data_island(
    c: &Compiled<'_>,
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BuildError::Internal(format!("cannot start the query runtime: {e}")))?;
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
