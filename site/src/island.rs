//! The JSON a page carries for the runtime (`<script id="quire-data">`), written by
//! `quire-build` and handed to the worker by `quire.js`.

use std::collections::{BTreeMap, BTreeSet};

use quire_core::{InputState, Table};

#[derive(serde::Deserialize)]
pub struct Island {
    /// The page's Markdown, parsed here exactly as the build parsed it.
    pub source: String,
    /// `schema.table` → absolute URL of its Parquet file (`quire.js` resolves them).
    pub tables: BTreeMap<String, String>,
    /// The tables read a piece at a time: the runtime fetches the footer (the file's last
    /// `tail` bytes), then only the row groups a query can match.
    #[serde(default)]
    pub ranged: BTreeMap<String, Ranged>,
    /// The queries that read inputs.
    pub live: BTreeSet<String>,
    /// The rollups the build made and proved for some of them (see `quire_engine::rollup`).
    #[serde(default)]
    pub rollups: Vec<quire_engine::rollup::Rollup>,
    /// The live queries that run on `rollups`.
    #[serde(default)]
    pub rolled: BTreeSet<String>,
    /// Each input's default: the state the page was built with.
    pub inputs: InputState,
    /// The results inputs take their choices from.
    pub choices: BTreeMap<String, Table>,
    /// Shape tables for maps (`shapes:...` → absolute URL of their JSON, `quire.js` resolves
    /// them), fetched into the results before anything renders.
    #[serde(default)]
    pub shapes: BTreeMap<String, String>,
    pub check: Option<Check>,
    /// The page's JavaScript module (absolute URL), when the page has a script.
    #[serde(default)]
    pub script: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct Ranged {
    pub len: u64,
    pub tail: u64,
}

/// A browser-side query the build ran at the defaults, with its result.
#[derive(serde::Deserialize)]
pub struct Check {
    pub query: String,
    pub expected: Table,
}
