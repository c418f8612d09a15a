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

/// The compiled browser runtime (from `site/`, built by trunk), shipped under `_quire/`.
#[derive(Debug, Clone)]
pub struct Runtime {
    pub files: Vec<(String, Vec<u8>)>,
    /// The JavaScript module that loads the wasm.
    pub js: String,
    pub wasm: String,
}

impl Runtime {
    /// Recognise trunk's output: one `.js` module and its `_bg.wasm`.
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Option<Runtime> {
        let js = files.iter().find(|(n, _)| n.ends_with(".js"))?.0.clone();
        let wasm = files.iter().find(|(n, _)| n.ends_with(".wasm"))?.0.clone();
        Some(Runtime { files, js, wasm })
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
    tables: BTreeSet<TableName>,
    check: Option<(String, String, Table)>,
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
        let body = match quire_render::render_body(&page.body, &run.results) {
            Ok(b) => b,
            Err(problems) => {
                errors.extend(problems.into_iter().map(|p| p.in_file(&pf.file)));
                continue;
            }
        };
        let mut tables = BTreeSet::new();
        for expanded in run.expanded.values() {
            let refs = engine.tables_read(&expanded.sql).map_err(|e| BuildError::Internal(e.to_string()))?;
            for r in refs {
                if let Some(schema) = r.schema() {
                    let name = TableName::new(schema, r.table());
                    if source_names.contains(&name) {
                        tables.insert(name);
                    }
                }
            }
        }
        let check = page.queries.iter().find_map(|q| {
            let result = run.results.get(&q.name)?;
            (result.len() <= CHECK_ROWS && !result.columns.is_empty())
                .then(|| (q.name.clone(), run.expanded[&q.name].sql.clone(), result.clone()))
        });
        let title = page.front.title.clone().unwrap_or_else(|| default_title(&pf.url));
        compiled.push(Compiled { source: pf, page, title, body, tables, check });
    }
    if !errors.is_empty() {
        return Err(BuildError::Author(errors));
    }

    let mut site = Site { pages: compiled.len(), ..Site::default() };
    site.files.insert("style.css".into(), quire_render::stylesheet().as_bytes().to_vec());
    if let Some(rt) = runtime {
        for (name, bytes) in &rt.files {
            site.files.insert(format!("_quire/{name}"), bytes.clone());
        }
    }

    // Each table ships once, named by its content, however many pages read it.
    let mut shipped: BTreeMap<TableName, String> = BTreeMap::new();
    for name in compiled.iter().flat_map(|c| c.tables.iter()) {
        if shipped.contains_key(name) {
            continue;
        }
        let sql = format!("select * from {}", sources::quoted(name));
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
        let island = data_island(c, &root, &shipped);
        let mut tail = String::new();
        let _ = write!(tail, "<script type=\"application/json\" id=\"quire-data\">{island}</script>");
        let mut head = String::new();
        if let Some(rt) = runtime {
            let _ = write!(head, "<link rel=\"modulepreload\" href=\"{asset_root}_quire/{}\">", rt.js);
            let _ = write!(
                tail,
                "<script type=\"module\">import init from \"{asset_root}_quire/{js}\";init({{module_or_path:\"{asset_root}_quire/{wasm}\"}});</script>",
                js = rt.js,
                wasm = rt.wasm
            );
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

/// The JSON the runtime reads: where the page's tables are, and one query with the
/// result the build computed, which the runtime re-runs to check itself.
fn data_island(c: &Compiled<'_>, root: &str, shipped: &BTreeMap<TableName, String>) -> String {
    let tables: BTreeMap<String, &String> =
        c.tables.iter().filter_map(|t| Some((t.to_string(), shipped.get(t)?))).collect();
    let check = c
        .check
        .as_ref()
        .map(|(name, sql, expected)| serde_json::json!({ "query": name, "sql": sql, "expected": expected }));
    let json = serde_json::json!({ "page": c.source.file.path, "root": root, "tables": tables, "check": check });
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
