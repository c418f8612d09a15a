//! quire-engine: one DataFusion session recipe for the build and the browser.
//!
//! Owns the session configuration (one partition on both targets, no disk in wasm32),
//! registering tables (files natively, Parquet bytes anywhere), running a page's queries
//! with their `${query}` chains expanded and input values bound as typed parameters,
//! which queries an input change reaches, turning Arrow results into [`quire_core::Table`]s, and
//! mapping DataFusion's errors back to the author's Markdown. Compiles for wasm32: no
//! file access outside `#[cfg(not(target_arch = "wasm32"))]`, no spawned tasks.

mod convert;
mod dialect;
mod errors;
pub mod exact;
mod functions;
mod in_order;
mod kept;
mod memo;
mod page;
mod parquet_io;
pub mod ranged;
pub mod rollup;
mod session;

pub use convert::to_table;
pub use dialect::parse;
pub use errors::{DUCKDB_ONLY, SqlProblem, sql_problem};
pub use functions::{BROWSER_FUNCTIONS, browser_functions};
pub use memo::{Memo, Rewrite};
pub use page::{PageRun, queries_reading};
pub use parquet_io::{check_parquet_frame, decode_parquet, encode_parquet, parquet_writer};
#[cfg(not(target_arch = "wasm32"))]
pub use session::{CsvOptions, FileFormat};
pub use session::{Engine, TableName};

pub use ::parquet;
pub use datafusion;
