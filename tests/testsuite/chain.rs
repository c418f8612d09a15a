//! `${query}` chaining, run on the real engine.

use quire_core::Page;
use quire_engine::Engine;

const PAGE: &str = "```sql base\nselect * from (values (1, 'a'), (2, 'b'), (3, 'c')) as t(n, s)\n```\n\n\
```sql big\nselect n, s from ${base} where n > 1\n```\n\n\
```sql count_big\nselect count(*) as c from ${big};\n```\n";

#[test]
fn chained_queries_read_their_upstream_results() {
    let page = Page::parse(PAGE).expect("parses");
    let run = block_on(Engine::new().run_page(&page));
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    assert_eq!(run.results["big"].len(), 2);
    assert_eq!(run.results["count_big"].rows, vec![vec![quire_core::Cell::Int(2)]]);
    assert_eq!(run.expanded["count_big"].upstream(), ["big", "base"]);
}

#[test]
fn an_error_inside_an_upstream_query_points_at_its_own_line() {
    let text = PAGE.replace("where n > 1", "where m > 1");
    let page = Page::parse(&text).expect("parses");
    let run = block_on(Engine::new().run_page(&page));
    assert_eq!(run.problems.len(), 1, "{:?}", run.problems);
    let p = &run.problems[0];
    assert_eq!(&text[p.span.start..p.span.end], "m");
}

/// Tests drive async code on the same runtime the build uses (no extra tokio features, so
/// the test build shares every compiled crate with `cargo build`).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime").block_on(f)
}
