//! DuckDB sources: each `sources/<name>/<table>.sql` runs in DuckDB itself (loaded by
//! `quire-duckdb`), on the source's database file opened read-only or on an in-memory
//! database reading the project's files, and its result comes back as Parquet DuckDB wrote.

use std::path::Path;

use quire_core::{Problem, Span};
use quire_engine::datafusion::arrow::datatypes::SchemaRef;
use quire_engine::datafusion::arrow::record_batch::RecordBatch;

use crate::postgres::FetchError;

/// Run `sql` in DuckDB on `file` (or in memory), relative paths read from `root`.
pub fn fetch(file: Option<&Path>, root: &Path, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>), FetchError> {
    let lib =
        quire_duckdb::library().map_err(|e| FetchError::Connect(format!("{e}. {}", quire_duckdb::INSTALL_HELP)))?;
    let db = lib.open_database(file, root).map_err(|e| {
        let what = file.map_or_else(|| "an in-memory database".to_string(), |f| f.display().to_string());
        FetchError::Connect(format!("DuckDB {} cannot open {what}: {e}", lib.version()))
    })?;
    let scratch = tempfile::Builder::new()
        .prefix(".quire-duckdb-")
        .suffix(".parquet")
        .tempfile()
        .map_err(|e| FetchError::Connect(format!("cannot make a scratch file: {e}")))?;
    db.copy_to_parquet(sql, scratch.path()).map_err(|e| FetchError::Query(problem(&e.to_string(), sql)))?;
    let bytes = std::fs::read(scratch.path()).map_err(|e| FetchError::Connect(e.to_string()))?;
    let batches = quire_engine::decode_parquet(bytes.into())
        .map_err(|e| FetchError::Connect(format!("reading DuckDB's result: {e}")))?;
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => std::sync::Arc::new(quire_engine::datafusion::arrow::datatypes::Schema::empty()),
    };
    Ok((schema, batches))
}

/// DuckDB's message at the line it names (the whole first line when it names none).
fn problem(message: &str, sql: &str) -> Problem {
    let line = quire_duckdb::error_line(message).unwrap_or(1);
    let mut start = 0;
    for (i, l) in sql.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let text = l.trim_end_matches(['\n', '\r']);
            let indent = text.len() - text.trim_start().len();
            let span = Span::new(start + indent, start + text.len().max(indent + 1));
            let first = message.lines().next().unwrap_or(message).to_string();
            return Problem::new(first, span).help("DuckDB runs this query as it is; fix it in the .sql file");
        }
        start += l.len();
    }
    Problem::new(message.lines().next().unwrap_or(message).to_string(), Span::new(0, 0))
}
