//! quire-build: a project folder in, a static site out.
//!
//! Owns loading a project (`quire.toml`, `sources/`, `pages/`, and the pipeline's committed
//! tables from `.quire/manifest.json`), compiling each page (parse,
//! run its queries on the engine, render), choosing and exporting the tables the browser
//! needs as Parquet, and writing `dist/` so that a failed build leaves the previous one in
//! place. Native only. Compiling writes only the large tables it ships, into `.quire/ship/`
//! ([`body`]): [`compile`] returns the site (in memory but for those),
//! [`build`] writes it, and [`Incremental`] keeps it compiled between changes, redoing
//! only what each change touches (what `quire dev` serves).

pub mod body;
pub mod committed;
mod compile;
pub mod demo;
mod downloads;
mod error;
mod incremental;
mod instances;
mod lineage;
mod links;
mod nav;
mod output;
mod pages;
mod project;
pub mod rollups;
mod runtime;
mod scripted;
mod shapes;
mod ship;
pub mod sources;

pub use compile::{PageAt, Runtime, Site, compile, page_at, page_results};
pub use error::{BuildError, Diagnostic};
pub use incremental::{Incremental, Rebuilt};
pub use output::{Keep, MARKER, check_out_dir, write_site};
pub use project::{Project, load_config};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Where to write the site; `<project>/dist` by default.
    pub out_dir: Option<PathBuf>,
    /// The browser runtime to ship with every page; pages are complete without it.
    pub runtime: Option<Runtime>,
    /// Warnings are errors: nothing is written if a component's query returns no rows.
    pub strict: bool,
    /// Build every page, with error boxes in place of what failed (`--keep-going`; as
    /// `[build] on_error = "page"`).
    pub keep_going: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    /// See [`Site::warnings`].
    pub warnings: Vec<quire_core::AuthorError>,
    /// The mistakes drawn as error boxes (`on_error = "page"`), and whether they fail the
    /// build (they do unless `[build] fail_on_error_pages = false`).
    pub errors: Vec<quire_core::AuthorError>,
    pub errors_fail: bool,
    pub pages: usize,
    pub tables: usize,
    pub files: usize,
    pub bytes: u64,
    pub out_dir: PathBuf,
    pub elapsed: Duration,
    /// What became of each live query (see [`Site::rollups`]).
    pub rollups: Vec<String>,
    /// Each table shipped, and how (see [`Site::shipped`]).
    pub shipped: Vec<String>,
}

/// Compile the project at `dir` and write it to its output folder.
/// Everything a build checks, without writing anything: parse every page, plan and run
/// every query, render every component. For `quire check`.
pub fn check(dir: &Path) -> Result<Site, BuildError> {
    let (project, _reading) = load_reading(dir)?;
    let site = compile(&project, None)?;
    // In either mode, every mistake is listed.
    if !site.errors.is_empty() {
        return Err(BuildError::Author(site.errors));
    }
    Ok(site)
}

pub fn build(dir: &Path, options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let out_dir = options.out_dir.clone().unwrap_or_else(|| dir.join("dist"));
    let (mut project, reading) = load_reading(dir)?;
    project.keep_going |= options.keep_going;
    // Before any work: a folder quire may not replace is refused at once.
    output::check_out_dir(dir, &out_dir)?;
    let site = compile(&project, options.runtime.as_ref())?;
    // Compiled: every table the site needs is in memory now.
    drop(reading);
    if options.strict && !site.warnings.is_empty() {
        return Err(BuildError::Author(site.warnings));
    }
    let settings = project.config.build.clone().unwrap_or_default();
    let keep = output::Keep {
        dotfiles: settings.preserve_dotfiles_in_output == Some(true),
        names: settings.preserve_in_output.unwrap_or_default(),
    };
    write_site(&site, dir, &out_dir, &keep)?;
    Ok(BuildReport {
        warnings: site.warnings.clone(),
        errors: site.errors.clone(),
        errors_fail: settings_fail(&project),
        pages: site.pages,
        tables: site.tables,
        files: site.files.len(),
        bytes: site.files.values().map(body::Body::len).sum(),
        out_dir,
        elapsed: started.elapsed(),
        rollups: site.rollups.clone(),
        shipped: site.shipped.clone(),
    })
}

/// Whether error boxes fail the build: unless `[build] fail_on_error_pages = false`.
fn settings_fail(project: &Project) -> bool {
    project.config.build.as_ref().and_then(|b| b.fail_on_error_pages) != Some(false)
}

/// The project, loaded under the shared lock on its committed tables, to be held until the
/// build has read them (DataFusion reads a registered Parquet file when a query runs).
pub(crate) fn load_reading(dir: &Path) -> Result<(Project, committed::ReadLock), BuildError> {
    let lock = committed::ReadLock::take(dir)?;
    let project = Project::load(dir)?;
    if lock.is_held() || project.committed.tables.is_empty() {
        return Ok((project, lock));
    }
    // `quire run` made `.quire/` meanwhile: read its manifest again, under the lock.
    let lock = committed::ReadLock::take(dir)?;
    Ok((Project::load(dir)?, lock))
}
