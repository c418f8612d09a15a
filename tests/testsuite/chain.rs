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

/// A query that reads no input runs once while the page runs: the queries that paste it
/// read its rows, in its order (a `random()` drawn once shows it), and a mistake of their
/// own still points at their own text.
#[test]
fn a_query_others_read_runs_once_and_they_read_its_rows_in_its_order() {
    let text = "```sql draw\nselect random() as r, n from (values (3), (1), (2)) as t(n) order by n desc\n```\n\n\
```sql first_two\nselect n, r from ${draw} limit 2\n```\n\n\
```sql again\nselect r from ${draw} where n = 1\n```\n\n\
```sql wrong\nselect n from ${draw} where nope > 1\n```\n";
    let page = Page::parse(text).expect("parses");
    let run = block_on(Engine::new().run_page(&page));
    let draw = &run.results["draw"].rows;
    let n = |row: &[quire_core::Cell]| row[1].clone();
    assert_eq!(draw.iter().map(|r| n(r)).collect::<Vec<_>>(), [3, 2, 1].map(quire_core::Cell::Int));
    let first_two = &run.results["first_two"].rows;
    assert_eq!(
        first_two,
        &[vec![draw[0][1].clone(), draw[0][0].clone()], vec![draw[1][1].clone(), draw[1][0].clone()]]
    );
    assert_eq!(run.results["again"].rows, [vec![draw[2][0].clone()]]);
    // The SQL each query keeps is the pasted one, for the browser and the rollups.
    assert!(run.expanded["again"].sql.contains("random()"), "{}", run.expanded["again"].sql);
    assert_eq!(run.problems.len(), 1, "{:?}", run.problems);
    let p = &run.problems[0];
    assert_eq!(&text[p.span.start..p.span.end], "nope");
}

/// Tests drive async code on the same runtime the build uses (no extra tokio features, so
/// the test build shares every compiled crate with `cargo build`).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime").block_on(f)
}
