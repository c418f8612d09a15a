//! quire-pipeline: `quire run`, the tables made before the site is built.
//!
//! Owns models (`pipeline/<stage>/<model>.sql`, one SELECT each, becoming table
//! `stage.model`) and their config and data tests ([`model`]); the graph of what reads what,
//! from DataFusion's parser, with unknown tables and cycles as author errors ([`graph`]);
//! and running it ([`run`]; one stage's models and tests side by side in `stage`): each
//! model's cache key hashes its normalized SQL, its
//! upstream keys, the content of the source files it reads, its `version` and quire's
//! version; stale models run stage by stage into Parquet files under `.quire/cache/`
//! named by table, key and run (never over a committed file), their tests run, and each
//! stage is committed by renaming a new `.quire/manifest.json` into place once its files
//! are on disk, so that a failed or killed run, or a power cut, leaves the last committed
//! state readable. Old files are deleted by quire's own names only, under the lock builds
//! read by. The build reads the manifest (`quire_build::committed`).
//! Database sources (PostgreSQL) are fetched into the same cache, keyed by their query
//! text and an optional `-- cache:` freshness query, before the first stage.

mod checks;
mod cluster;
mod duckdb;
pub mod graph;
pub mod model;
mod postgres;
mod run;
mod sqlite;
mod stage;

pub use graph::{Graph, Node};
pub use run::{ModelRun, Progress, Quiet, RunOptions, RunReport, Status, graph, run};

/// Whether the project at `root` has a pipeline at all: models, or database sources to
/// fetch.
pub fn exists(root: &std::path::Path) -> bool {
    root.join("pipeline").is_dir()
        || quire_build::sources::discover(root)
            .is_ok_and(|s| s.iter().any(|t| t.format == quire_build::sources::Format::Database))
}
