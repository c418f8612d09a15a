//! Rebuilding a site again and again in one process, redoing only what a change touches
//! (what `quire dev` runs on every save).
//!
//! Each rebuild reloads the project's files (cheap) and compares them with the last:
//! - `quire.toml` changed: everything starts over;
//! - a file under `sources/` changed, or `quire run` committed new tables: the tables are
//!   registered again on a new engine and every page is compiled again;
//! - a file under `partials/` or `queries/` changed: every page is compiled again;
//! - a page changed: that page is compiled again.
//!
//! Compiling a page asks the engine for its queries' results, and the engine remembers
//! them by their expanded SQL and bound values: a prose edit runs no query, and a query
//! edit runs that query and the queries that read it, nothing else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use quire_core::config::Config;
use quire_engine::Engine;

use crate::compile::{self, Compiled, Exports, Runtime, Site};
use crate::error::BuildError;

/// A site kept compiled between changes.
pub struct Incremental {
    root: PathBuf,
    runtime: Option<Runtime>,
    rt: tokio::runtime::Runtime,
    tables: Option<Tables>,
    config: Option<Config>,
    partials: Fingerprint,
    queries: Fingerprint,
    statics: Fingerprint,
    /// Compiled pages by file path, with the text they were compiled from.
    pages: BTreeMap<String, (Arc<str>, Compiled)>,
}

/// The engine with the project's tables registered, valid while `sources/` is unchanged.
struct Tables {
    engine: Engine,
    fingerprint: Fingerprint,
    exports: Exports,
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    pub site: Site,
    /// Why pages were compiled: "first build", "quire.toml", "sources", "partials", "queries"
    /// or "pages".
    pub reason: &'static str,
    /// The pages compiled again (their files), in path order.
    pub compiled: Vec<String>,
    /// The queries that ran, as `file: query`.
    pub ran: Vec<String>,
    /// How many queries' results were remembered instead of run.
    pub reused: usize,
    pub elapsed: Duration,
}

impl Incremental {
    pub fn new(root: &Path, runtime: Option<Runtime>) -> Result<Incremental, BuildError> {
        Ok(Incremental {
            root: root.to_path_buf(),
            runtime,
            // (As many workers as a default build; `[build] threads` may use fewer.)
            rt: compile::query_runtime(quire_core::config::BuildConfig::threads(&Default::default()))?,
            tables: None,
            config: None,
            partials: Fingerprint::default(),
            queries: Fingerprint::default(),
            statics: Fingerprint::default(),
            pages: BTreeMap::new(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Compile what changed since the last call and put the whole site together. On an
    /// error, what compiled is kept for next time.
    pub fn rebuild(&mut self) -> Result<Rebuilt, BuildError> {
        let started = Instant::now();
        // Held until the site is assembled: the engine reads committed tables lazily, and
        // `quire run` must not delete one meanwhile. Between rebuilds a run may commit and
        // delete; the manifest's fingerprint then registers the tables again.
        let (project, _reading) = crate::load_reading(&self.root)?;
        let mut reason = "pages";
        if self.config.as_ref() != Some(&project.config) {
            reason = if self.config.is_none() { "first build" } else { "quire.toml" };
            self.tables = None;
            self.pages.clear();
            self.config = Some(project.config.clone());
        }
        let fingerprint = Fingerprint::of(&self.root, &["sources", crate::committed::MANIFEST]);
        if self.tables.as_ref().is_none_or(|t| t.fingerprint != fingerprint) {
            if self.tables.is_some() {
                reason = "sources";
            }
            // Forget the old engine first: a failed registration must not leave it behind.
            self.tables = None;
            self.pages.clear();
            let engine = compile::engine_for(&project, self.rt.handle());
            self.rt.block_on(crate::sources::register(&engine, &project.sources, &project.root))?;
            self.tables = Some(Tables { engine, fingerprint, exports: Exports::new() });
        }
        // Partials and SQL files (`queries:`) are read into pages, and maps' GeoJSON files
        // (from `static/`) into their results.
        for (folder, known) in
            [("partials", &mut self.partials), ("queries", &mut self.queries), ("static", &mut self.statics)]
        {
            let now = Fingerprint::of(&self.root, &[folder]);
            if now != *known {
                if !self.pages.is_empty() {
                    reason = folder;
                }
                self.pages.clear();
                *known = now;
            }
        }
        let Some(tables) = self.tables.as_mut() else {
            return Err(BuildError::Internal("the project's tables are not registered".into()));
        };
        // Pages that are gone, or whose text changed, compile again.
        self.pages.retain(|path, (text, _)| project.pages.iter().any(|p| p.file.path == *path && p.file.text == *text));
        let everything = self.pages.is_empty();
        let memo = tables.engine.memo().cloned();
        if everything && let Some(m) = &memo {
            m.begin();
        }
        let (mut compiled, mut ran, mut reused, mut errors) = (Vec::new(), Vec::new(), 0, Vec::new());
        let changed: Vec<&crate::project::PageFile> =
            project.pages.iter().filter(|p| !p.is_template() && !self.pages.contains_key(&p.file.path)).collect();
        let results = self.rt.block_on(crate::pages::compile(&tables.engine, &project, &changed, &[], false)).statics;
        for (pf, result) in changed.iter().zip(results) {
            match result {
                Ok(c) => {
                    compiled.push(pf.file.path.clone());
                    ran.extend(c.ran.iter().map(|q| format!("{}: {q}", pf.file.path)));
                    reused += c.reused.len();
                    self.pages.insert(pf.file.path.clone(), (pf.file.text.clone(), c));
                }
                Err(BuildError::Author(e)) => errors.extend(e),
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            return Err(BuildError::Author(errors));
        }
        if everything && let Some(m) = &memo {
            m.sweep();
        }
        let statics: Vec<&Compiled> =
            project.pages.iter().filter_map(|p| Some(&self.pages.get(&p.file.path)?.1)).collect();
        // Templated pages' instances: built again each time, their queries mostly remembered.
        let followed = self.rt.block_on(crate::pages::compile(&tables.engine, &project, &[], &statics, true));
        let instances = followed.instances?;
        let pages: Vec<&Compiled> = statics.iter().copied().chain(instances.iter()).collect();
        let mut site = self.rt.block_on(compile::assemble(
            &project,
            &pages,
            self.runtime.as_ref(),
            &tables.engine,
            &mut tables.exports,
        ))?;
        site.rollups.extend(followed.shared);
        // Exports no page needs any more are dropped.
        let shipped: std::collections::BTreeSet<&String> = site.files.keys().collect();
        tables.exports.retain(|_, t| shipped.contains(&t.path));
        Ok(Rebuilt { site, reason, compiled, ran, reused, elapsed: started.elapsed() })
    }
}

/// Every file under some folders of the project: path, size and modification time.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fingerprint(Vec<(PathBuf, u64, Option<SystemTime>)>);

impl Fingerprint {
    fn of(root: &Path, dirs: &[&str]) -> Fingerprint {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(meta) = std::fs::metadata(&path) else { continue };
                if meta.is_dir() {
                    walk(&path, out);
                } else {
                    out.push((path, meta.len(), meta.modified().ok()));
                }
            }
        }
        let mut out = Vec::new();
        for d in dirs {
            let path = root.join(d);
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_file() => out.push((path, meta.len(), meta.modified().ok())),
                _ => walk(&path, &mut out),
            }
        }
        out.sort();
        Fingerprint(out)
    }
}
