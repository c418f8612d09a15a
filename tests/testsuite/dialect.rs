//! The DuckDB spellings Evidence pages use, on the real engine: each gives DuckDB's answer.
//! (DuckDB 2.0's answers to the same statements, checked by hand, are in the comments.)

use quire_engine::Engine;

const SETUP: &str = "create table t as select * from (values \
    (date '2024-03-15', 'Acme', 10.5, 3), (date '2024-04-02', 'Bolt', 20.0, 4), (date '2024-04-20', 'acme', 5.0, 13)\
    ) as v(d, name, sales, qty)";

/// The result of `sql` as CSV, on a fresh engine holding table `t`.
fn csv(sql: &str) -> String {
    block_on(async {
        let engine = Engine::new();
        engine.run(SETUP).await.expect("setup");
        let batches = engine.run(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        quire_engine::to_table(&batches).expect("a table").to_csv().replace("\r\n", "\n")
    })
}

fn error(sql: &str) -> quire_engine::SqlProblem {
    block_on(async {
        let engine = Engine::new();
        engine.run(SETUP).await.expect("setup");
        let e = engine.run(sql).await.expect_err("fails");
        quire_engine::sql_problem(&e, sql, &engine.table_names())
    })
}

#[test]
fn group_by_all_and_order_by_all() {
    assert_eq!(
        csv("select lower(name) as n, sum(sales) as s from t group by all order by all"),
        "n,s\nacme,15.5\nbolt,20\n"
    );
}

#[test]
fn an_alias_is_reused_in_the_same_select_in_where_and_in_a_window() {
    assert_eq!(
        csv("select sales * 2 as s2, s2 + 1 as s3, s3 * 10 as s4 from t order by 1"),
        "s2,s3,s4\n10,11,110\n21,22,220\n40,41,410\n"
    );
    assert_eq!(
        csv("select name, qty * 10 as q10 from t where q10 > 35 order by name"),
        "name,q10\nBolt,40\nacme,130\n"
    );
    assert_eq!(
        csv(
            "select lower(name) as n, sum(sales) as total, rank() over (order by total desc) as r from t group by all order by r"
        ),
        "n,total,r\nbolt,20,1\nacme,15.5,2\n"
    );
    // A real column wins over an alias of the same name, as in DuckDB.
    assert_eq!(csv("select qty * 100 as sales from t where sales > 15"), "sales\n400\n");
}

#[test]
fn date_functions_keep_dates_dates() {
    assert_eq!(csv("select date_trunc('month', d) as m from t order by m"), "m\n2024-03-01\n2024-04-01\n2024-04-01\n");
    assert_eq!(csv("select datetrunc('year', d) as y from t limit 1"), "y\n2024-01-01\n");
    assert_eq!(
        csv("select date_part('YEAR', d) as y, year(d) as y2, month(d) as m from t limit 1"),
        "y,y2,m\n2024,2024,3\n"
    );
    assert_eq!(csv("select strftime(d, '%Y-%m') as ym from t limit 1"), "ym\n2024-03\n");
    assert_eq!(csv("select strptime('2024-01-02 10:30', '%Y-%m-%d %H:%M') as ts"), "ts\n2024-01-02 10:30:00\n");
    assert_eq!(
        csv("select d + INTERVAL 7 DAY as w, d - interval 1 month as m from t limit 1"),
        "w,m\n2024-03-22,2024-02-15\n"
    );
    // A timestamp stays a timestamp.
    assert_eq!(csv("select date_trunc('day', timestamp '2024-01-02 10:30:00') as t"), "t\n2024-01-02 00:00:00\n");
}

#[test]
fn date_diff_counts_boundaries_as_duckdb_does() {
    // DuckDB 2.0: 2, 0, 1, 1, 1, 0 (boundaries crossed; for weeks, whole days over seven).
    assert_eq!(
        csv("select date_diff('day', date '2024-03-30', date '2024-04-01') as d, \
             datediff('week', date '2024-03-30', date '2024-03-31') as w, \
             date_diff('month', date '2024-03-31', date '2024-04-01') as m, \
             date_diff('quarter', date '2024-03-31', date '2024-04-01') as q, \
             date_diff('year', date '2023-12-31', date '2024-01-01') as y, \
             date_diff('week', date '2024-03-31', date '2024-04-01') as w2"),
        "d,w,m,q,y,w2\n2,0,1,1,1,0\n"
    );
}

#[test]
fn casts_like_on_numbers_trailing_commas_and_aggregates() {
    // DuckDB rounds a fraction cast to an integer (11); DataFusion truncates (10). The
    // dialect page says to write `round(x)::int`.
    assert_eq!(
        csv(
            "select qty::varchar as q, sales::int as s, round(sales)::int as r, '2024-01-05'::date as d from t limit 1"
        ),
        "q,s,r,d\n3,10,11,2024-01-05\n"
    );
    assert_eq!(csv("select name from t where qty like '1%'"), "name\nacme\n");
    assert_eq!(csv("select name, qty, from t where name ilike 'ac%' order by qty"), "name,qty\nAcme,3\nacme,13\n");
    assert_eq!(
        csv("select count(distinct lower(name)) as n, median(sales) as m, quantile_cont(sales, 0.5) as q from t"),
        "n,m,q\n2,10.5,10.5\n"
    );
    assert_eq!(
        csv("select first(name order by d) as f, list(qty order by d) as l from t"),
        "f,l\nAcme,\"[3, 4, 13]\"\n"
    );
    let structs = csv("select array_agg({'n': name, 's': sales} order by d) as a from t");
    assert!(structs.contains("{n: Acme, s: 10.5}"), "{structs}");
}

#[test]
fn duckdb_functions_quire_lacks_say_what_to_write_instead() {
    let p = error("select date_diff('hour', d, d) from t");
    assert!(p.help.as_deref().is_some_and(|h| h.contains("date_part('epoch', b - a)")), "{p:?}");
    let p = error("select monthname(d) from t");
    assert!(p.help.as_deref().is_some_and(|h| h.contains("to_char(d, '%B')")), "{p:?}");
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime").block_on(f)
}

/// What the hints (and www/pages/authoring/sql.md) say to write instead runs, and gives
/// DuckDB's answer.
#[test]
fn the_suggested_replacements_work() {
    assert_eq!(csv("select date '2024-03-15' - date '2024-03-01' as days"), "days\n14\n");
    assert_eq!(
        csv("select to_char(date '2024-03-15', '%B') as m, to_char(date '2024-03-15', '%A') as d"),
        "m,d\nMarch,Friday\n"
    );
    assert_eq!(
        csv("select date_trunc('month', date '2024-02-10') + interval 1 month - interval 1 day as last"),
        "last\n2024-02-29\n"
    );
    assert_eq!(csv("select first_value(name order by sales desc) as top from t"), "top\nBolt\n");
    assert_eq!(
        csv("select date_part('epoch', timestamp '2024-01-01 10:00:00' - timestamp '2024-01-01 07:00:00') / 3600 as h"),
        "h\n3\n"
    );
    assert_eq!(csv("select date_trunc('month', d) + interval 7 day as w from t order by w limit 1"), "w\n2024-03-08\n");
}
