//! A project on disk: its config, its sources and its pages.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use quire_core::config::Config;
use quire_core::{AuthorError, SourceFile};

use crate::error::BuildError;
use crate::sources::{self, SourceTable};

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub sources: Vec<SourceTable>,
    pub pages: Vec<PageFile>,
    /// The pipeline's committed tables (`quire run`); empty without a pipeline.
    pub committed: crate::committed::Manifest,
    /// When the data was last refreshed, for `<LastRefreshed>`: the newest modification
    /// time of the sources and the committed pipeline tables, in UTC.
    pub refreshed: Option<String>,
    /// Build every page, with an error box in place of what failed (`[build] on_error =
    /// "page"`, or `quire build --keep-going`), instead of stopping at the first mistake.
    pub keep_going: bool,
}

/// One `pages/**/*.md`.
#[derive(Debug, Clone)]
pub struct PageFile {
    pub file: Arc<SourceFile>,
    /// The page's folder in the site, relative to its root: `""`, `"explorer/"`.
    pub url: String,
}

impl PageFile {
    /// How many folders down from the site's root the page sits.
    pub fn depth(&self) -> usize {
        self.url.matches('/').count()
    }

    /// A templated page (`customers/[customer].md`): built once per value a link reaches.
    pub fn is_template(&self) -> bool {
        self.url.split('/').any(|part| part.starts_with('[') && part.ends_with(']'))
    }

    /// The parameters a link to `url` (a site folder such as `customers/Acme/`) gives this
    /// templated page, if it matches: `params.customer` → `Acme`.
    pub fn match_url(&self, url: &str) -> Option<quire_core::InputState> {
        let pattern: Vec<&str> = self.url.trim_end_matches('/').split('/').collect();
        let parts: Vec<&str> = url.trim_end_matches('/').split('/').collect();
        if pattern.len() != parts.len() {
            return None;
        }
        let mut params = quire_core::InputState::new();
        for (p, v) in pattern.iter().zip(&parts) {
            match p.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
                Some(name) => {
                    if v.is_empty() || *v == "." || *v == ".." || v.contains(['\\', '\0']) {
                        return None;
                    }
                    params.insert(format!("params.{name}"), vec![v.to_string()]);
                }
                None if p == v => {}
                None => return None,
            }
        }
        Some(params)
    }
}

impl Project {
    pub fn load(root: &Path) -> Result<Project, BuildError> {
        if !root.is_dir() {
            return Err(BuildError::File {
                path: root.to_path_buf(),
                message: "no such project folder".into(),
                help: Some("pass the folder that holds quire.toml and pages/".into()),
            });
        }
        let config = load_config(root)?;
        let pages_dir = root.join("pages");
        if !pages_dir.is_dir() {
            return Err(BuildError::File {
                path: pages_dir,
                message: "the project has no pages/ folder".into(),
                help: Some("a quire project keeps its reports in pages/*.md; is this the right folder?".into()),
            });
        }
        let mut paths = Vec::new();
        collect_markdown(&pages_dir, &mut paths)?;
        paths.sort();
        let mut pages = Vec::new();
        for path in paths {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&path).map_err(|e| BuildError::file(&path, e))?;
            let url = page_url(path.strip_prefix(&pages_dir).unwrap_or(&path));
            pages.push(PageFile { file: SourceFile::new(rel, text), url });
        }
        let mut sources = sources::discover(root)?;
        let committed = crate::committed::Manifest::load(root)?;
        // Database tables are read from what `quire run` fetched.
        sources.retain(|s| s.format != sources::Format::Database);
        sources.extend(sources::committed(root, &committed));
        let refreshed = refreshed(root, &sources);
        let keep_going = config.build.as_ref().and_then(|b| b.on_error) == Some(quire_core::config::OnError::Page);
        Ok(Project { root: root.to_path_buf(), config, sources, pages, committed, refreshed, keep_going })
    }

    pub fn title(&self) -> &str {
        self.config.title.as_deref().unwrap_or("Reports")
    }
}

fn refreshed(root: &Path, sources: &[SourceTable]) -> Option<String> {
    let newest = sources
        .iter()
        .filter_map(|s| std::fs::metadata(root.join(&s.path)).ok()?.modified().ok())
        .chain(std::fs::metadata(root.join(crate::committed::MANIFEST)).ok().and_then(|m| m.modified().ok()))
        .max()?;
    let secs = newest.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
    Some(quire_core::time::iso_timestamp(secs * 1_000_000))
}

/// `quire.toml` of the project at `root`; the defaults if there is none.
pub fn load_config(root: &Path) -> Result<Config, BuildError> {
    let path = root.join("quire.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => Config::parse(&text).map_err(|p| {
            let file = SourceFile::new("quire.toml", text.as_str());
            BuildError::Author(vec![AuthorError { file, problem: p }])
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(BuildError::file(path, e)),
    }
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), BuildError> {
    let entries = std::fs::read_dir(dir).map_err(|e| BuildError::file(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| BuildError::file(dir, e))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        if path.is_dir() {
            collect_markdown(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// `index.md` → `""`, `explorer.md` → `"explorer/"`, `a/index.md` → `"a/"`, `a/b.md` → `"a/b/"`.
fn page_url(rel: &Path) -> String {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.pop() {
        let stem = last.strip_suffix(".md").unwrap_or(&last).to_string();
        if stem != "index" {
            parts.push(stem);
        }
    }
    parts.iter().map(|p| format!("{p}/")).collect()
}
