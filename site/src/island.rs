//! The JSON a page carries for the runtime (`<script id="quire-data">`), written by
//! `quire-build`.

use std::collections::BTreeMap;

use quire_core::Table;

#[derive(serde::Deserialize)]
pub struct Island {
    /// From this page to the site's root: `""`, `"../"`.
    pub root: String,
    /// `schema.table` → Parquet path from the site's root.
    pub tables: BTreeMap<String, String>,
    pub check: Option<Check>,
}

/// A query the build ran, with its result, for the runtime to re-run and compare.
#[derive(serde::Deserialize)]
pub struct Check {
    pub query: String,
    pub sql: String,
    pub expected: Table,
}

pub fn read() -> Result<Island, String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let el = doc.get_element_by_id("quire-data").ok_or("the page has no #quire-data")?;
    let text = el.text_content().unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| format!("#quire-data: {e}"))
}
