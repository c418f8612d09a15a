//! Remembered results, for a long-lived engine (`quire dev`, and a build's pages): a query
//! whose expanded SQL and bound values are the same as last time is not run again; and
//! remembered [`Rewrite`]s, a cheaper query proved to answer the same. Valid as long as the
//! engine's tables do not change; whoever changes them makes a new engine.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use quire_core::Table;

type Key = (String, Vec<Option<String>>);

/// The most rows a remembered result has.
const REMEMBERED_ROWS: usize = 100_000;

#[derive(Default)]
struct Inner {
    results: HashMap<Key, Table>,
    /// Keys asked for since the last [`Memo::sweep`].
    used: HashSet<Key>,
    /// By the expanded SQL they stand for.
    rewrites: HashMap<String, Rewrite>,
}

/// A query that gives the same result as an expanded SQL whatever values its placeholders
/// are bound to, reading less: a templated page's instances read one rollup, made once,
/// instead of each scanning the table it rolls up (`quire-build`'s `instances`). Proved
/// by whoever remembers it, and again at each set of values by `check`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewrite {
    /// The rewritten query, with the same placeholders.
    pub sql: String,
    /// Run with the same values, these two must give the same rows (in an order the
    /// query allows: see [`Table::same_rows`]) before `sql` is trusted: the original on a
    /// sample of its table's rows, and the rewrite on the sample's rollup.
    pub check: Option<(String, String)>,
}

/// Results by expanded SQL and parameter values. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Memo(Arc<Mutex<Inner>>);

impl Memo {
    pub fn get(&self, sql: &str, params: &[Option<String>]) -> Option<Table> {
        let mut inner = self.0.lock().ok()?;
        let key = (sql.to_string(), params.to_vec());
        let hit = inner.results.get(&key).cloned();
        inner.used.insert(key);
        hit
    }

    /// Remember `table`, unless it is large: a result of many rows is a copy held for as
    /// long as the engine lives, and costs less to run again than to keep.
    pub fn put(&self, sql: &str, params: &[Option<String>], table: &Table) {
        if table.len() > REMEMBERED_ROWS {
            return;
        }
        if let Ok(mut inner) = self.0.lock() {
            let key = (sql.to_string(), params.to_vec());
            inner.used.insert(key.clone());
            inner.results.insert(key, table.clone());
        }
    }

    /// Remember `rewrite` for queries whose expanded SQL is `sql`.
    pub fn put_rewrite(&self, sql: &str, rewrite: Rewrite) {
        if let Ok(mut inner) = self.0.lock() {
            inner.rewrites.insert(sql.to_string(), rewrite);
        }
    }

    /// The rewrite remembered for `sql`, if any.
    pub fn rewrite(&self, sql: &str) -> Option<Rewrite> {
        self.0.lock().ok()?.rewrites.get(sql).cloned()
    }

    /// Start counting which results are asked for, for the next [`Memo::sweep`].
    pub fn begin(&self) {
        if let Ok(mut inner) = self.0.lock() {
            inner.used.clear();
        }
    }

    /// Forget every result not asked for since [`Memo::begin`], so that the memo holds
    /// what the project reads now and not every version of every query.
    pub fn sweep(&self) {
        if let Ok(mut inner) = self.0.lock() {
            let used = std::mem::take(&mut inner.used);
            inner.results.retain(|k, _| used.contains(k));
        }
    }

    pub fn len(&self) -> usize {
        self.0.lock().map(|i| i.results.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
