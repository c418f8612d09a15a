//! Writing `dist/`: beside the old one first, then swapped in, so a failed or killed
//! build leaves the last good site readable; and only ever over a folder quire wrote.
//!
//! Every site quire writes carries [`MARKER`]. An output folder that exists without it is
//! refused unless it is empty, and so is the project itself or any folder holding it:
//! `quire build --out .` must never put an author's work aside and delete it. Where Linux
//! offers `renameat2(RENAME_EXCHANGE)` the new site and the old one trade places in one
//! step, so there is no moment without a site; elsewhere two renames follow each other.
//! Temporary folders of builds that were killed are removed by the next build.

use std::path::{Path, PathBuf};

use crate::compile::Site;
use crate::error::BuildError;

/// The file that says a folder is a site quire wrote, and may replace.
pub const MARKER: &str = ".quire-dist";
const MARKER_TEXT: &str = "This folder was written by `quire build`, which replaces it on every build.\n";
const NEW: &str = ".quire-new-";
const OLD: &str = ".quire-old-";

/// What of the old output folder a build keeps: `[build]` in `quire.toml`.
#[derive(Debug, Clone, Default)]
pub struct Keep {
    /// Top-level dotfiles and dot-folders (`.git`, `.nojekyll`), as Zola's
    /// `preserve_dotfiles_in_output`.
    pub dotfiles: bool,
    /// Other top-level names (`CNAME`).
    pub names: Vec<String>,
}

impl Keep {
    fn keeps(&self, name: &str) -> bool {
        name != MARKER && ((self.dotfiles && name.starts_with('.')) || self.names.iter().any(|n| n == name))
    }
}

/// Whether `out` may receive a site built from the project at `project`: not the project,
/// not a folder holding it, and, if it exists, a site quire wrote or an empty folder.
/// Checked before anything is compiled, and again before the swap.
pub fn check_out_dir(project: &Path, out: &Path) -> Result<(), BuildError> {
    let refuse = |message: String, help: &str| BuildError::File {
        path: out.to_path_buf(),
        message,
        help: Some(help.to_string()),
    };
    let project = std::fs::canonicalize(project).map_err(|e| BuildError::file(project, e))?;
    let out_abs = absolute(out)?;
    if project.starts_with(&out_abs) {
        return Err(refuse(
            if project == out_abs {
                "is the project itself: quire will not write its site over the project".into()
            } else {
                format!("holds the project ({}): quire will not write its site over it", project.display())
            },
            "write the site to a folder of its own, such as the default `dist/` (leave out --out)",
        ));
    }
    let meta = match std::fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(BuildError::file(out, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(
            "is a symbolic link: quire replaces its output folder whole and will not replace a link".into(),
            "pass the folder the link points to with --out",
        ));
    }
    if !meta.is_dir() {
        return Err(refuse("is a file, not a folder: quire will not replace it".into(), "choose another --out"));
    }
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(out).map_err(|e| BuildError::file(out, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(refuse(
        format!("exists and was not written by quire (it has no `{MARKER}` file): quire will not replace it"),
        &format!(
            "choose a new or empty folder with --out, or, if everything in it may be replaced by the site, \
             delete it or create an empty `{MARKER}` file in it"
        ),
    ))
}

/// `path` made absolute and free of `.` and `..`, whether or not it exists; symbolic links
/// in the part that exists are resolved, as the OS would.
fn absolute(path: &Path) -> Result<PathBuf, BuildError> {
    let mut existing = std::path::absolute(path).map_err(|e| BuildError::file(path, e))?;
    let mut rest = Vec::new();
    loop {
        match std::fs::canonicalize(&existing) {
            Ok(real) => {
                let mut out = real;
                for part in rest.iter().rev() {
                    if part == ".." {
                        out.pop();
                    } else if part != "." {
                        out.push(part);
                    }
                }
                return Ok(out);
            }
            Err(_) => match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    existing = parent.to_path_buf();
                }
                _ => return Ok(existing),
            },
        }
    }
}

pub fn write_site(site: &Site, project: &Path, out_dir: &Path, keep: &Keep) -> Result<(), BuildError> {
    check_out_dir(project, out_dir)?;
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| BuildError::file(&parent, e))?;
    let name = out_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dist".into());
    remove_stale(&parent, &name);
    let run = format!("{}-{}", std::process::id(), nanos());
    let staging = parent.join(format!(".{name}{NEW}{run}"));
    let write = || -> Result<(), BuildError> {
        std::fs::create_dir(&staging).map_err(|e| BuildError::file(&staging, e))?;
        // First, so that a killed build's folder is known for quire's own.
        let marker = staging.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(|e| BuildError::file(&marker, e))?;
        for (rel, body) in &site.files {
            // Named as it would be in the output folder: the author knows no staging folder.
            let failed = |e: std::io::Error| BuildError::File {
                path: out_dir.join(rel),
                message: format!("could not be written: {e}"),
                help: Some("check the folder's permissions and free space".into()),
            };
            let path = staging.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(failed)?;
            }
            body.write_to(&path).map_err(failed)?;
        }
        Ok(())
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    // What the author keeps moves across last, and back if the swap fails: it is theirs.
    let mut kept = Vec::new();
    let swapped = carry_over(out_dir, &staging, site, keep, &mut kept)
        .and_then(|()| swap(&staging, out_dir, &parent.join(format!(".{name}{OLD}{run}"))));
    if let Err(e) = swapped {
        for name in kept {
            let _ = std::fs::rename(staging.join(&name), out_dir.join(&name));
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    Ok(())
}

/// What the author asked to keep moves from the old site into the new one; `kept` lists
/// what has moved.
fn carry_over(
    out_dir: &Path,
    staging: &Path,
    site: &Site,
    keep: &Keep,
    kept: &mut Vec<String>,
) -> Result<(), BuildError> {
    let Ok(entries) = std::fs::read_dir(out_dir) else { return Ok(()) };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !keep.keeps(&name) || site.files.keys().any(|f| f == &name || f.starts_with(&format!("{name}/"))) {
            continue;
        }
        std::fs::rename(entry.path(), staging.join(&name)).map_err(|e| BuildError::file(entry.path(), e))?;
        kept.push(name);
    }
    Ok(())
}

/// The new site in place of the old, which is then removed.
fn swap(staging: &Path, out_dir: &Path, retired: &Path) -> Result<(), BuildError> {
    if out_dir.exists() {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{CWD, RenameFlags, renameat_with};
            if renameat_with(CWD, staging, CWD, out_dir, RenameFlags::EXCHANGE).is_ok() {
                // `staging` now holds the old site.
                let _ = std::fs::remove_dir_all(staging);
                return Ok(());
            }
        }
        std::fs::rename(out_dir, retired).map_err(|e| BuildError::file(out_dir, e))?;
    }
    if let Err(e) = std::fs::rename(staging, out_dir) {
        let _ = std::fs::rename(retired, out_dir);
        return Err(BuildError::file(out_dir, e));
    }
    let _ = std::fs::remove_dir_all(retired);
    Ok(())
}

/// Folders of builds that were killed before they could clean up: quire's names, quire's
/// marker, and a process that no longer runs.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefix = format!(".{name}");
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(run) = file.strip_prefix(&prefix).and_then(|r| r.strip_prefix(NEW).or_else(|| r.strip_prefix(OLD)))
        else {
            continue;
        };
        let Some(pid) = run.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        let path = entry.path();
        let ours = path.join(MARKER).is_file() || std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        let symlink = std::fs::symlink_metadata(&path).map(|m| m.file_type().is_symlink()).unwrap_or(true);
        if ours && !symlink && !running(pid) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

pub(crate) fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // No cheap portable check: a folder whose build may still run is left alone.
        true
    }
}

pub(crate) fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}
