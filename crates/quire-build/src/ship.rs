//! The tables the browser reads: which columns of each, in what order, and whether it
//! fetches a file whole or a piece at a time.
//!
//! Each table ships once, named by its content, with the columns any page's browser-side
//! queries read. A table that live queries read row by row (not through a rollup) and whose
//! file is large is *ranged*: the browser fetches its footer, then only the row groups a
//! state's filters can match (see `quire_engine::ranged`). For those filters to rule row
//! groups out, the file must hold each filter column's values in row groups whose ranges do
//! not overlap: if the table's own order already does that for one of its filter columns, it
//! ships in that order; otherwise it ships sorted by its filter columns, the one with the
//! most distinct values (the most selective) first.

use std::collections::{BTreeMap, BTreeSet};

use std::path::Path;

use quire_core::grid::ident;
use quire_engine::datafusion::error::DataFusionError;
use quire_engine::{Engine, TableName};

use crate::body::{Body, Spool};
use crate::compile::{Compiled, hex};
use crate::error::BuildError;

/// A file over this many bytes that live queries read row by row is fetched a piece at a
/// time; a smaller one whole, in one request. (`QUIRE_RANGED_ABOVE` lowers it for tests.)
const RANGED_ABOVE: u64 = 4 << 20;

/// What one export is: a table, the columns shipped, and what its row-level readers filter
/// it by.
pub(crate) type ExportKey = (TableName, BTreeSet<String>, Vec<String>);

/// Tables exported for the browser: path in the site, bytes, whether ranged.
pub(crate) type Exports = BTreeMap<ExportKey, Shipped>;

#[derive(Debug, Clone)]
pub(crate) struct Shipped {
    pub path: String,
    /// In memory when fetched whole; a ranged file (as large as its data) is spooled to
    /// disk (see [`crate::body`]).
    pub body: Body,
    pub ranged: bool,
    /// How the file was made, for `--verbose`.
    pub how: String,
}

impl Shipped {
    /// The bytes at the file's end that hold its footer: what the browser fetches first.
    pub fn tail(&self) -> u64 {
        let len = self.body.len();
        // The footer's length is in the file's last 8 bytes.
        self.body.range(len.saturating_sub(8), len).ok().and_then(|b| quire_engine::ranged::tail_len(&b)).unwrap_or(len)
    }
}

/// Export every table `compiled` pages read in the browser (reusing `exports` made by an
/// earlier build), by table.
pub(crate) async fn tables(
    compiled: &[&Compiled],
    engine: &Engine,
    exports: &mut Exports,
    root: &Path,
) -> Result<BTreeMap<TableName, Shipped>, BuildError> {
    let mut needed: BTreeMap<&TableName, (BTreeSet<String>, Vec<String>)> = BTreeMap::new();
    for c in compiled {
        for (name, cols) in &c.tables {
            let (all, filtered) = needed.entry(name).or_default();
            all.extend(cols.iter().cloned());
            for f in c.filtered.get(name).into_iter().flatten() {
                if !filtered.contains(f) {
                    filtered.push(f.clone());
                }
            }
        }
    }
    let above = std::env::var("QUIRE_RANGED_ABOVE").ok().and_then(|v| v.parse().ok()).unwrap_or(RANGED_ABOVE);
    let mut shipped = BTreeMap::new();
    for (name, (cols, mut filtered)) in needed {
        filtered.retain(|f| cols.contains(f));
        let key = (name.clone(), cols, filtered);
        if !exports.contains_key(&key) {
            let export = export(engine, &key, above, root)
                .await
                .map_err(|e| BuildError::Internal(format!("exporting table {name}: {e}")))?;
            exports.insert(key.clone(), export);
        }
        shipped.insert(name.clone(), exports[&key].clone());
    }
    Ok(shipped)
}

async fn export(
    engine: &Engine,
    (name, cols, filtered): &ExportKey,
    above: u64,
    root: &Path,
) -> quire_engine::datafusion::error::Result<Shipped> {
    // In the table's own order, so `select *` in the browser lists them as here.
    let whole = engine.context().sql(&format!("select * from {} limit 0", name.quoted())).await?;
    let list: Vec<String> =
        whole.schema().fields().iter().map(|f| f.name()).filter(|f| cols.contains(*f)).map(|c| ident(c)).collect();
    let select = format!("select {} from {}", list.join(", "), name.quoted());
    let spool = || Spool::new(root, &name.to_string());
    let finish = |spool: Spool| spool.finish(above).map_err(|e| DataFusionError::External(Box::new(e)));
    // A table that is a Parquet file ships its columns' chunks copied as they are (no
    // decoding, no encoding); any other, written from its rows. A file larger than `above`
    // is written to disk as it is made, never held in memory.
    let (mut made, mut how) = match engine.parquet_copy_of(name, cols, spool()).await? {
        Some(copy) => (finish(copy)?, "its Parquet file's column chunks, copied".to_string()),
        None => (finish(engine.parquet_of(&select, spool()).await?)?, "written from its rows".to_string()),
    };
    let ranged = !filtered.is_empty() && made.0.len() > above;
    if ranged {
        let clustered = |c: &String| match &made.0 {
            Body::Memory(b) => quire_engine::ranged::clustered_by(b, c),
            Body::Spooled(s) => s.reopen().is_ok_and(|f| quire_engine::ranged::clustered_by(&f, c)),
        };
        match filtered.iter().find(|c| clustered(c)) {
            Some(c) => how = format!("{how}, in its own order (its row groups keep `{c}` apart)"),
            None => {
                let order = most_distinct_first(engine, name, filtered).await?;
                let by: Vec<String> = order.iter().map(|c| ident(c)).collect();
                made = finish(engine.parquet_of(&format!("{select} order by {}", by.join(", ")), spool()).await?)?;
                let names: Vec<String> = order.iter().map(|c| format!("`{c}`")).collect();
                how = format!("sorted by {}", names.join(", "));
            }
        }
    }
    let (body, sha256) = made;
    let path = format!("data/{}.{}.{}.parquet", name.schema, name.table, hex(&sha256[..5]));
    Ok(Shipped { path, body, ranged, how })
}

/// `columns` of `table`, the one with the most distinct values first (ties in the order
/// given).
async fn most_distinct_first(
    engine: &Engine,
    table: &TableName,
    columns: &[String],
) -> quire_engine::datafusion::error::Result<Vec<String>> {
    let counts: Vec<String> =
        columns.iter().enumerate().map(|(i, c)| format!("approx_distinct({}) as c{i}", ident(c))).collect();
    let batches = engine.run(&format!("select {} from {}", counts.join(", "), table.quoted())).await?;
    let table = quire_engine::to_table(&batches)?;
    let mut order: Vec<(i64, usize)> = (0..columns.len())
        .map(|i| (table.rows.first().and_then(|r| r.get(i)).and_then(|c| c.as_f64()).unwrap_or(0.0) as i64, i))
        .collect();
    order.sort_by_key(|(n, i)| (std::cmp::Reverse(*n), *i));
    Ok(order.into_iter().map(|(_, i)| columns[i].clone()).collect())
}
