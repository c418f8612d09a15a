//! The pipeline's committed tables, as `quire run` left them: `.quire/manifest.json` names
//! each model's Parquet file under `.quire/cache/`. `quire run` writes the manifest (by
//! rename, one stage at a time); the build only reads it, and registers every table in it
//! as `stage.model`, beside the sources.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::BuildError;

pub const MANIFEST: &str = ".quire/manifest.json";
pub const CACHE: &str = ".quire/cache";

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
    /// The Parquet file, relative to `.quire/cache/`.
    pub file: String,
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
    /// The manifest of the project at `root`; empty if there is none yet.
    pub fn load(root: &Path) -> Result<Manifest, BuildError> {
        let path = root.join(MANIFEST);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| BuildError::File {
                path: PathBuf::from(MANIFEST),
                message: format!("the pipeline's manifest does not parse: {e}"),
                help: Some("run `quire run --full-refresh` to make the pipeline's tables again".into()),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(BuildError::file(path, e)),
        }
    }

    /// The Parquet file of a committed table.
    pub fn path(root: &Path, committed: &Committed) -> PathBuf {
        root.join(CACHE).join(&committed.file)
    }
}
