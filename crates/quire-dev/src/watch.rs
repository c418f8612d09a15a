//! Watching the project: `pages/`, `partials/`, `sources/`, `pipeline/` and `quire.toml`,
//! through the system's notifications or, with `--poll`, by looking every so often.
//! Editors' temporary files and everything else in the project (`dist/`, `.quire/`) are
//! ignored; a watched folder created later is picked up.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use crate::DevError;

const FOLDERS: &[&str] = &["pages", "partials", "queries", "sources", "pipeline", "static"];
const POLL_EVERY: Duration = Duration::from_millis(200);

pub struct Changes {
    root: PathBuf,
    watcher: Box<dyn Watcher + Send>,
    rx: mpsc::Receiver<Vec<PathBuf>>,
    watched: Vec<PathBuf>,
}

pub fn start(root: &Path, poll: bool) -> Result<Changes, DevError> {
    let (tx, rx) = mpsc::channel();
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res
            && !matches!(event.kind, EventKind::Access(_))
        {
            let _ = tx.send(event.paths);
        }
    };
    let fail = |e: notify::Error| DevError::Watch { path: root.to_path_buf(), message: e.to_string() };
    let watcher: Box<dyn Watcher + Send> = if poll {
        Box::new(
            notify::PollWatcher::new(handler, notify::Config::default().with_poll_interval(POLL_EVERY))
                .map_err(fail)?,
        )
    } else {
        Box::new(notify::recommended_watcher(handler).map_err(fail)?)
    };
    let mut changes = Changes { root: root.to_path_buf(), watcher, rx, watched: Vec::new() };
    // The root itself, not recursively: quire.toml, and folders created later.
    changes
        .watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| DevError::Watch { path: root.to_path_buf(), message: e.to_string() })?;
    changes.watch_folders();
    Ok(changes)
}

impl Changes {
    fn watch_folders(&mut self) {
        for name in FOLDERS {
            let dir = self.root.join(name);
            if dir.is_dir()
                && !self.watched.contains(&dir)
                && self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(dir);
            }
        }
    }

    /// Wait for a change that matters, then for the files to be quiet for `settle`, and
    /// return every path that changed meanwhile. `None` when watching has stopped.
    pub fn next_batch(&mut self, settle: Duration) -> Option<Vec<PathBuf>> {
        loop {
            let mut paths = self.rx.recv().ok()?;
            while let Ok(more) = self.rx.recv_timeout(settle) {
                paths.extend(more);
            }
            self.watch_folders();
            paths.retain(|p| self.matters(p));
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                return Some(paths);
            }
        }
    }

    fn matters(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else { return false };
        let mut parts = rel.iter();
        let Some(first) = parts.next() else { return false };
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Editors' swap, backup and probe files.
        if name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name == "4913"
        {
            return false;
        }
        let first = first.to_str().unwrap_or("");
        (first == "quire.toml" && parts.next().is_none()) || FOLDERS.contains(&first)
    }
}
