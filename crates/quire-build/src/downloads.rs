//! The CSV behind every chart's and table's download button and every `<DownloadData>` link.
//! A result whose CSV is at most [`LIMIT`] is written at build, named by its content; a
//! larger one is not written: when the query reads an input, the reader's browser makes the
//! CSV from the shipped data, and otherwise its button says the result is too large (and
//! the build warns).

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use quire_core::{Page, Problem, Table};
use sha2::{Digest, Sha256};

/// The largest CSV the build writes for one query's result: 10 MiB.
pub(crate) const LIMIT: usize = 10 << 20;

/// A page's downloads.
#[derive(Debug, Clone, Default)]
pub(crate) struct Downloads {
    /// Query → its CSV's path in the site and bytes.
    pub(crate) files: BTreeMap<String, (String, Bytes)>,
    /// Query → rows, for results whose CSV would pass [`LIMIT`].
    pub(crate) too_large: BTreeMap<String, usize>,
}

/// Every result's CSV (not the map shapes' tables), or its row count when over [`LIMIT`].
/// Named by content: pages (and a template's instances) that show the same result share one
/// file.
/// A result the build kept `binned` (see `quire_engine::Engine::run_page_binned`) has more
/// rows than fit: it is too large, by its rows.
pub(crate) fn write(results: &BTreeMap<String, Table>, binned: &BTreeMap<String, u64>) -> Downloads {
    let mut out = Downloads::default();
    for (q, rows) in binned {
        out.too_large.insert(q.clone(), *rows as usize);
    }
    for (q, t) in
        results.iter().filter(|(q, _)| !q.starts_with(quire_core::shape::KEY_PREFIX) && !binned.contains_key(*q))
    {
        match t.to_csv_within(LIMIT) {
            Some(text) => {
                let bytes = text.into_bytes();
                let path = format!("data/{q}.{}.csv", crate::compile::hex(&Sha256::digest(&bytes)[..8]));
                out.files.insert(q.clone(), (path, Bytes::from(bytes)));
            }
            None => {
                out.too_large.insert(q.clone(), t.len());
            }
        }
    }
    out
}

/// A warning at the first component that offers each too-large result no input reads (the
/// browser makes the others' CSV itself): its readers cannot download it.
pub(crate) fn warnings(page: &Page, too_large: &BTreeMap<String, usize>, live: &BTreeSet<String>) -> Vec<Problem> {
    let mut warned = BTreeSet::new();
    let mut out = Vec::new();
    for c in page.components() {
        let Some(q) = c.data() else { continue };
        let Some(rows) = too_large.get(q) else { continue };
        if live.contains(q) || !warned.insert(q) {
            continue;
        }
        out.push(
            Problem::new(
                format!(
                    "`{q}` has {} rows, over {} MiB as CSV: the build writes no file of it, and a reader who \
                     downloads it is told it is too large",
                    quire_render::fmt::grouped(i64::try_from(*rows).unwrap_or(i64::MAX)),
                    LIMIT >> 20
                ),
                c.span_of("data"),
            )
            .help(
                "aggregate the query, or filter it with an input (the browser then makes the CSV of what the reader \
                 chose), or give readers the data another way",
            ),
        );
    }
    out
}

/// `<DownloadData>` links (`quire-csv:query`) pointed at the CSV the build wrote; a
/// too-large result's link goes nowhere and carries its row count for the runtime.
pub(crate) fn links(
    html: &str,
    root: &str,
    csv: &BTreeMap<&str, String>,
    too_large: &BTreeMap<String, usize>,
) -> String {
    if !html.contains("href=\"quire-csv:") {
        return html.to_string();
    }
    let mut out = html.to_string();
    for (query, path) in csv {
        out = out.replace(&format!("href=\"quire-csv:{query}\""), &format!("href=\"{root}{path}\""));
    }
    for (query, rows) in too_large {
        out = out.replace(&format!("href=\"quire-csv:{query}\""), &format!("href=\"#\" data-too-large=\"{rows}\""));
    }
    out
}
