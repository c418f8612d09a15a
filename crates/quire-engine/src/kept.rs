//! A page's results kept for the queries that read them through `${query}`.
//!
//! A chain pastes the other query's SQL into the reader's (see `quire_core::chain`), so a
//! query that three others read runs four times: `categories` over a hundred million rows,
//! then again inside `top_categories`, `top_quarterly` and `channel_mix`. While a page runs,
//! the result of a query that reads no input (the same in every reader's SQL) is kept as a
//! table, and the readers that run after it read the table in its place: the pasted text
//! `(select ...)` becomes `(select <its columns> from <the table> order by <its row>)`, the
//! same rows in the same order. Only the build's run changes: the SQL each query keeps (for
//! the browser, the rollups and the errors) is the pasted one, and a reader that fails on
//! the table runs again as written, so its error points where it always did.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::arrow::array::{ArrayRef, UInt64Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;

use crate::{Engine, TableName};

/// Where kept results are registered, each under a name of its own for one page's run.
const SCHEMA: &str = "quire_kept";

/// Results larger than this in memory are pasted as before: a table held for the length of
/// a page's run should be small beside what the query read.
const MOST_BYTES: usize = 16 << 20;

/// The column that holds a kept row's place.
const ROW: &str = "__quire_row";

/// One page run's kept results: each query's SQL as pasted, and the text read in its place.
#[derive(Default)]
pub(crate) struct Kept {
    /// Longest SQL first, so that a kept query pasted inside another kept query is replaced
    /// by the outer one's table.
    pasted: Vec<(String, String)>,
    tables: Vec<TableName>,
}

impl Kept {
    /// Keep `batches`, the result of `sql` (which reads no input), if small enough.
    pub(crate) fn keep(&mut self, engine: &Engine, sql: &str, batches: &[RecordBatch]) {
        let bytes: usize = batches.iter().map(RecordBatch::get_array_memory_size).sum();
        let Some(first) = batches.first() else { return };
        let schema = first.schema();
        if bytes > MOST_BYTES || schema.fields().iter().any(|f| f.name() == ROW) {
            return;
        }
        let names: Vec<&String> = schema.fields().iter().map(|f| f.name()).collect();
        if names.iter().enumerate().any(|(i, n)| names[..i].contains(n)) {
            return;
        }
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = TableName::new(SCHEMA, format!("r{}", NEXT.fetch_add(1, Ordering::Relaxed)));
        let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
        fields.push(Arc::new(Field::new(ROW, DataType::UInt64, false)));
        let numbered = Arc::new(Schema::new(fields));
        let mut at = 0u64;
        let mut rows = Vec::with_capacity(batches.len());
        for b in batches {
            let n = b.num_rows() as u64;
            let mut columns: Vec<ArrayRef> = b.columns().to_vec();
            columns.push(Arc::new(UInt64Array::from_iter_values(at..at + n)));
            at += n;
            match RecordBatch::try_new(Arc::clone(&numbered), columns) {
                Ok(b) => rows.push(b),
                Err(_) => return,
            }
        }
        if engine.register_new(&name, rows).is_err() {
            return;
        }
        let columns: Vec<String> = names.iter().map(|n| quire_core::grid::ident(n)).collect();
        let read = format!("(select {} from {} order by \"{ROW}\")", columns.join(", "), name.quoted());
        self.tables.push(name);
        // As `chain::paste` pastes it: in parentheses, a last `--` comment's line closed.
        for pasted in [format!("({sql})"), format!("({sql}\n)")] {
            self.pasted.push((pasted, read.clone()));
        }
        self.pasted.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    }

    /// `sql` reading the kept results it pastes, or `None` if it pastes none.
    pub(crate) fn read_in(&self, sql: &str) -> Option<String> {
        let mut out = None::<String>;
        for (pasted, read) in &self.pasted {
            let now = out.as_deref().unwrap_or(sql);
            if now.contains(pasted.as_str()) {
                out = Some(now.replace(pasted.as_str(), read));
            }
        }
        out
    }

    /// Drop the kept tables: the run is over.
    pub(crate) fn drop_tables(self, engine: &Engine) {
        for t in self.tables {
            let _ = engine.context().deregister_table(t.reference());
        }
    }
}
