//! The pipeline's committed tables, as `quire run` left them: `.quire/manifest.json` names
//! each model's Parquet file under `.quire/cache/`. `quire run` writes the manifest (by
//! rename, one stage at a time); the build only reads it, and registers every table in it
//! as `stage.model`, beside the sources.
//!
//! `.quire/` is quire's own: it, its cache folder and the files the manifest names must be
//! real files and folders, not links, and a manifest may name only plain file names inside
//! `.quire/cache/`, so that neither a run's writes and deletions nor a build's reads ever
//! reach outside it. A build reads committed tables under a shared lock on `.quire/lock`
//! ([`ReadLock`]); `quire run` deletes old cache files only under the exclusive one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::BuildError;

pub const MANIFEST: &str = ".quire/manifest.json";
pub const CACHE: &str = ".quire/cache";
/// Shared while a build reads committed tables, exclusive while `quire run` deletes old ones.
pub const LOCK: &str = ".quire/lock";

/// What is committed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The quire that wrote it.
    pub quire: String,
    /// `stage.model` → its committed output.
    pub tables: BTreeMap<String, Committed>,
    /// Source files' content hashes, by path, with the size and modification time they had,
    /// so that a run with nothing changed does not read them again.
    #[serde(default)]
    pub files: BTreeMap<String, FileHash>,
}

/// One model's committed output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Committed {
    /// The model's cache key: everything its output depends on, hashed.
    pub key: String,
    /// The Parquet file: a plain file name inside `.quire/cache/`.
    pub file: String,
    /// The file's size in bytes when it was committed (absent in older manifests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    pub rows: u64,
    /// The model's file, relative to the project.
    pub model: String,
    /// The hash of the data tests this output passed.
    pub tests: String,
    /// The tables the model reads: models as `stage.model`, sources as `source.table`.
    #[serde(default)]
    pub reads: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileHash {
    pub size: u64,
    /// Nanoseconds since the epoch.
    pub modified: u128,
    pub sha256: String,
}

impl Manifest {
    /// The manifest of the project at `root`; empty if there is none yet. A `.quire/` that
    /// is a link, or a manifest naming a file outside `.quire/cache/`, is refused.
    pub fn load(root: &Path) -> Result<Manifest, BuildError> {
        refuse_links(root, &[".quire", CACHE, MANIFEST])?;
        let path = root.join(MANIFEST);
        let manifest: Manifest = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| BuildError::File {
                path: PathBuf::from(MANIFEST),
                message: format!("the pipeline's manifest does not parse: {e}"),
                help: Some("run `quire run --full-refresh` to make the pipeline's tables again".into()),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
            Err(e) => return Err(BuildError::file(path, e)),
        };
        for (table, c) in &manifest.tables {
            if !is_plain_name(&c.file) {
                return Err(BuildError::File {
                    path: PathBuf::from(MANIFEST),
                    message: format!(
                        "table `{table}` names the file `{}`, which is not a file name inside {CACHE}/: \
                         quire reads and deletes nothing outside it",
                        c.file.escape_debug()
                    ),
                    help: Some(format!(
                        "this manifest was not written by quire; delete {MANIFEST} and run `quire run` to make the tables again"
                    )),
                });
            }
            refuse_links(root, &[&format!("{CACHE}/{}", c.file)])?;
        }
        Ok(manifest)
    }

    /// The Parquet file of a committed table.
    pub fn path(root: &Path, committed: &Committed) -> PathBuf {
        root.join(CACHE).join(&committed.file)
    }
}

/// A name with no folder in it: not empty, not `.` or `..`, no separator.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0', ':'])
}

/// Refuse any of these paths (relative to `root`) that is a symbolic link: quire writes and
/// deletes inside `.quire/`, and a link would carry that elsewhere.
pub fn refuse_links(root: &Path, paths: &[&str]) -> Result<(), BuildError> {
    for rel in paths {
        let Ok(meta) = std::fs::symlink_metadata(root.join(rel)) else { continue };
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(root.join(rel)).map(|t| t.display().to_string()).unwrap_or_default();
            return Err(BuildError::File {
                path: PathBuf::from(rel),
                message: format!(
                    "is a symbolic link (to `{target}`): quire keeps its cache in a real folder, \
                     and never writes, reads or deletes through a link"
                ),
                help: Some(format!(
                    "remove the link (`rm {rel}`; the folder or file it points to is not quire's and is left alone), \
                     then run `quire run` to make the pipeline's tables again"
                )),
            });
        }
    }
    Ok(())
}

/// Whether `name` is a file `quire run` writes into `.quire/cache/`: `<table>.<key>.parquet`
/// (`<key>` the first 16 hex digits of the table's key) or, since every run writes new
/// names, `<table>.<key>.<run>.parquet` (`<run>` 8 hex digits), or a temporary file of
/// either form, `.<name>.<pid>.tmp`, from quire versions that wrote beside and renamed.
/// `quire run` deletes nothing else there.
pub fn is_cache_name(name: &str) -> bool {
    if let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp"))
        && let Some((file, pid)) = inner.rsplit_once('.')
    {
        return !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && is_cache_name(file);
    }
    let hex =
        |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let Some(stem) = name.strip_suffix(".parquet") else { return false };
    let Some((rest, last)) = stem.rsplit_once('.') else { return false };
    let table = if hex(last, 8) && rest.rsplit_once('.').is_some_and(|(_, key)| hex(key, 16)) {
        rest.rsplit_once('.').map_or("", |(t, _)| t)
    } else if hex(last, 16) {
        rest
    } else {
        return false;
    };
    // `stage.model`, or `source.table` for a database table.
    table.split_once('.').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty()) && is_plain_name(table)
}

/// A shared lock on `.quire/lock`, held while a build reads committed tables: `quire run`
/// deletes cache files only under the exclusive lock, so none a build registered goes away
/// while the build (which reads Parquet lazily, as its queries run) still needs it. Released
/// when dropped. A project without `.quire/` has nothing to lock.
pub struct ReadLock(Option<std::fs::File>);

impl ReadLock {
    /// Wait for any `quire run` that is deleting old cache files, then hold the lock.
    pub fn take(root: &Path) -> Result<ReadLock, BuildError> {
        refuse_links(root, &[".quire", LOCK])?;
        if !root.join(".quire").is_dir() {
            return Ok(ReadLock(None));
        }
        let path = root.join(LOCK);
        let file = match open_lock(&path) {
            Ok(f) => f,
            // A `.quire/` nobody can write to is one no run can delete from either.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                return Ok(ReadLock(None));
            }
            Err(e) => return Err(BuildError::file(LOCK, e)),
        };
        file.lock_shared().map_err(|e| BuildError::file(LOCK, format!("cannot lock it: {e}")))?;
        Ok(ReadLock(Some(file)))
    }

    /// Whether a lock is held (there was a `.quire/` to lock).
    pub fn is_held(&self) -> bool {
        self.0.is_some()
    }
}

/// Open (or make) a lock file without truncating it: the lock is the operating system's,
/// on the open file, so a killed process leaves none behind.
pub fn open_lock(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
}
