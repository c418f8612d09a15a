//! What the renderer's test files share: a column, and problems as one line each.
//! (Each file is its own test binary and uses some of these.)
#![allow(dead_code)]

use std::collections::BTreeMap;

use quire_core::{Column, ColumnType, Page, Problem, Table};

pub fn col(name: &str, ty: ColumnType) -> Column {
    Column { name: name.into(), ty }
}

/// Problems as `message | help | at `text``, with the text of `page` each span covers.
pub fn described(page: &str, ps: &[Problem]) -> Vec<String> {
    ps.iter()
        .map(|p| {
            format!("{} | {} | at `{}`", p.message, p.help.as_deref().unwrap_or(""), &page[p.span.start..p.span.end])
        })
        .collect()
}

/// The problems rendering `page` over `results` finds (the page parses, and fails to render).
pub fn render_problems(page: &str, results: &BTreeMap<String, Table>) -> Vec<String> {
    let parsed = Page::parse(page).unwrap_or_else(|p| panic!("page does not parse: {p:?}"));
    match quire_render::render_body(&parsed.body, results, &Default::default()) {
        Ok(_) => panic!("expected problems"),
        Err(ps) => described(page, &ps),
    }
}

/// The problems parsing `page` finds, before anything runs.
pub fn parse_problems(page: &str) -> Vec<String> {
    match Page::parse(page) {
        Ok(_) => panic!("expected problems"),
        Err(ps) => described(page, &ps),
    }
}

/// This crate's folder in the checkout the tests run in: cargo's `CARGO_MANIFEST_DIR` at run
/// time, not the one compiled in (a shared target directory may hold a binary built in
/// another checkout).
pub fn crate_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), std::path::PathBuf::from)
}
