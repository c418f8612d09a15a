//! What the server shows: the last site that built, the errors of the build that did not,
//! and which page changed in which version, so that an open page knows when to reload.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use quire_build::{Diagnostic, Incremental, Site};
use tokio::sync::broadcast;

use crate::say;

pub struct Served {
    /// The last site that built; `None` until one has.
    pub site: Option<Arc<Site>>,
    /// Why the latest build failed; empty when it did not.
    pub errors: Vec<Diagnostic>,
    /// Every built file's version: the build that last changed it. Versions start at the
    /// time the server started, so a page left open across restarts still reloads.
    pub versions: HashMap<String, u64>,
    pub version: u64,
}

impl Default for Served {
    fn default() -> Self {
        Self::new()
    }
}

impl Served {
    pub fn new() -> Served {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(1);
        Served { site: None, errors: Vec::new(), versions: HashMap::new(), version: started }
    }

    /// The message a page at `page` (a site path such as `explorer/index.html`), loaded at
    /// version `seen`, needs now: reload if its file changed since, and the current errors.
    pub fn hello(&self, page: &str, seen: u64) -> String {
        let changed = self.versions.get(page).is_some_and(|v| *v > seen)
            || self.versions.get("style.css").is_some_and(|v| *v > seen)
            || (self.site.is_none() && self.version > seen);
        message(if changed { vec![page.to_string()] } else { Vec::new() }, false, &self.errors, self.version)
    }

    /// Take a new site: note which files changed, and say so.
    fn update(&mut self, site: Site) -> String {
        self.version += 1;
        let v = self.version;
        let old = self.site.as_ref();
        let mut changed = Vec::new();
        let mut all = old.is_none();
        for (path, body) in &site.files {
            // Shared bytes (the runtime, kept exports) are the same without comparing them.
            let same = old.and_then(|o| o.files.get(path)).is_some_and(|b| b.same(body));
            if !same {
                self.versions.insert(path.clone(), v);
                if path.ends_with(".html") {
                    changed.push(path.clone());
                } else if path == "style.css" {
                    all = true;
                }
            }
        }
        // A page that is gone changes too: it becomes the 404 page.
        if let Some(o) = old {
            for path in o.files.keys().filter(|p| !site.files.contains_key(*p)) {
                self.versions.insert(path.clone(), v);
                if path.ends_with(".html") {
                    changed.push(path.clone());
                }
            }
        }
        self.site = Some(Arc::new(site));
        self.errors.clear();
        message(changed, all, &[], v)
    }
}

fn message(changed: Vec<String>, all: bool, errors: &[Diagnostic], version: u64) -> String {
    serde_json::json!({ "changed": changed, "all": all, "errors": errors, "version": version }).to_string()
}

/// Rebuild after `changed` (paths relative to the project, for the terminal), publish the
/// result, and tell every open page.
pub fn rebuild(
    site: &mut Incremental,
    served: &RwLock<Served>,
    events: &broadcast::Sender<Arc<str>>,
    changed: &[String],
) {
    if !changed.is_empty() {
        // Editors' and tools' temporary files come and go within one save: name only what
        // is there now, and deletions of files a project has.
        let mut shown: Vec<&str> = changed
            .iter()
            .filter(|p| {
                site.root().join(p).exists()
                    || [".md", ".sql", ".toml", ".yaml", ".yml", ".csv", ".parquet", ".json"]
                        .iter()
                        .any(|e| p.ends_with(e))
            })
            .map(String::as_str)
            .collect();
        shown.sort_unstable();
        shown.dedup();
        let more = shown.len().saturating_sub(3);
        let mut line = shown.iter().take(3).copied().collect::<Vec<_>>().join(", ");
        if more > 0 {
            line.push_str(&format!(" and {more} more"));
        }
        if !line.is_empty() {
            say::status("Changed", &line);
        }
    }
    // The pipeline's models first, when they or the sources they read may have changed:
    // only the stale ones run, through its cache, and the build then reads what it committed.
    let pipeline_touched = changed.is_empty()
        || changed.iter().any(|p| p.starts_with("pipeline") || p.starts_with("sources") || p == "quire.toml");
    if pipeline_touched && quire_pipeline::exists(site.root()) {
        let (_, result) = quire_pipeline::run(site.root(), &quire_pipeline::RunOptions::default(), &Said);
        if let Err(e) = result {
            fail(&e, served, events);
            return;
        }
    }
    match site.rebuild() {
        Ok(r) => {
            let pages = r.site.pages;
            let msg = match served.write() {
                Ok(mut s) => s.update(r.site),
                Err(_) => return,
            };
            let what = match r.compiled.len() {
                0 => {
                    say::status("Unchanged", &format!("no page needed compiling ({} ms)", r.elapsed.as_millis()));
                    let _ = events.send(msg.into());
                    return;
                }
                n if n == pages => format!("{n} page{}", plural(n)),
                n => format!("{n} of {pages} page{}", plural(pages)),
            };
            say::status(
                if changed.is_empty() { "Built" } else { "Rebuilt" },
                &format!(
                    "{what} in {} ms ({}; {} query result{} reused){}",
                    r.elapsed.as_millis(),
                    match r.ran.len() {
                        0 => "no query ran".to_string(),
                        1 => "1 query ran".to_string(),
                        n => format!("{n} queries ran"),
                    },
                    r.reused,
                    plural(r.reused),
                    if r.reason == "pages" || r.reason == "first build" {
                        String::new()
                    } else {
                        format!(", because {} changed", r.reason)
                    }
                ),
            );
            let _ = events.send(msg.into());
        }
        Err(e) => fail(&e, served, events),
    }
}

/// The pipeline's progress, a line per model that ran.
struct Said;

impl quire_pipeline::Progress for Said {
    fn finished(&self, run: &quire_pipeline::ModelRun) {
        if let Some(why) = &run.repaired {
            say::warn(&format!("{}: {why}, so it runs again", run.table));
        }
        match run.status {
            quire_pipeline::Status::Ran | quire_pipeline::Status::Tested => {
                say::status("Ran", &format!("{} ({} rows, {} ms)", run.table, run.rows, run.elapsed.as_millis()))
            }
            quire_pipeline::Status::Failed => say::error(&format!("model {} failed", run.table)),
            _ => {}
        }
    }
}

/// Show a failed build or pipeline run: on the terminal, and over every open page.
fn fail(e: &quire_build::BuildError, served: &RwLock<Served>, events: &broadcast::Sender<Arc<str>>) {
    let diagnostics = e.diagnostics(say::colour());
    for d in &diagnostics {
        if d.location.is_empty() {
            say::error(&d.report);
        } else {
            say::error(&format!("{}\n{}", d.location, d.report));
        }
    }
    let msg = match served.write() {
        Ok(mut s) => {
            s.errors = e.diagnostics(false);
            message(Vec::new(), false, &s.errors, s.version)
        }
        Err(_) => return,
    };
    let (n, them) = (diagnostics.len(), if diagnostics.len() == 1 { "it" } else { "them" });
    say::warn(&format!(
        "the build failed with {n} error{}; the browser shows {them} and the last good pages until you fix {them}",
        plural(n)
    ));
    let _ = events.send(msg.into());
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
