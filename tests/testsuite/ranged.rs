//! Tables read a piece at a time (`quire_engine::ranged`): a query planned on the row groups
//! its filters cannot rule out gives DuckDB's answer over the whole file, fetching only a
//! part of it; bytes it did not fetch are an error, never a wrong answer.

use std::sync::Arc;

use bytes::Bytes;
use quire_engine::ranged::{RangedFile, Tail};
use quire_engine::{Engine, TableName};
use serde_json::Value;

use crate::dialect::{agree, answer_of, block_on, duckdb_answers, duckdb_python, quire_answer};
use crate::util::Project;

/// 60,000 orders, a minute apart (so sorted by `ordered` and `id`), in row groups of 2,000.
const ROWS: &str = "select i as id, \
    to_timestamp_micros((1704067200 + i * 60) * 1000000) as ordered, \
    case i % 4 when 0 then 'Books' when 1 then 'Games' when 2 then 'Music' else 'Tools' end as category, \
    chr(65 + cast((i * 7) % 26 as int)) || chr(65 + cast((i * 3) % 26 as int)) as state, \
    case when i % 10 = 0 then null else 'n' || cast(i % 7 as varchar) end as note, \
    cast((i * 37) % 1000 as double) / 10.0 as sales \
    from range(60000) as r(i)";

fn orders_file() -> Bytes {
    use quire_engine::parquet::arrow::ArrowWriter;
    use quire_engine::parquet::file::properties::{EnabledStatistics, WriterProperties};
    let batches = block_on(Engine::new().run(ROWS)).expect("the orders");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(2000))
        .set_statistics_enabled(EnabledStatistics::Page)
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batches[0].schema(), Some(props)).expect("writer");
    for b in &batches {
        w.write(b).expect("write");
    }
    w.close().expect("close");
    Bytes::from(out)
}

/// `file` opened from its footer alone, as the browser opens it.
fn open(file: &Bytes) -> Arc<RangedFile> {
    let n = file.len();
    let footer = quire_engine::ranged::tail_len(file).expect("a footer") as usize;
    match RangedFile::from_tail(n as u64, file.slice(n - footer..)).expect("the footer reads") {
        Tail::Read(f) => Arc::new(f),
        Tail::Needs(_) => panic!("the whole footer was given"),
    }
}

/// Run `sql` as the runtime does: fetch what it wants (from `file`'s bytes), then run it.
/// Returns the answer and the bytes fetched.
async fn ranged_answer(engine: &Engine, file: &Bytes, sql: &str) -> (Value, u64) {
    let statement = engine.statement_plan(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    bound_answer(engine, file, &statement, &[]).await
}

/// A statement plan with `params` bound and optimized, the bytes that plan reads fetched
/// (from `file`'s bytes), then the same plan run.
async fn bound_answer(
    engine: &Engine,
    file: &Bytes,
    statement: &quire_engine::datafusion::logical_expr::LogicalPlan,
    params: &[Option<String>],
) -> (Value, u64) {
    let planned = engine.planned_from(statement, params).unwrap_or_else(|e| panic!("{params:?}: {e}"));
    fetch_and_run(file, planned, params).await
}

/// [`bound_answer`] as a page runs it: the statement optimized once with its placeholders
/// unbound, then bound (and simplified) at each value.
async fn optimized_answer(
    engine: &Engine,
    file: &Bytes,
    optimized: &quire_engine::datafusion::logical_expr::LogicalPlan,
    params: &[Option<String>],
) -> (Value, u64) {
    let planned = engine.planned_bound(optimized, params).unwrap_or_else(|e| panic!("{params:?}: {e}"));
    fetch_and_run(file, planned, params).await
}

async fn fetch_and_run(
    file: &Bytes,
    planned: quire_engine::ranged::Planned,
    params: &[Option<String>],
) -> (Value, u64) {
    let mut fetched = 0;
    for (f, ranges) in planned.ranges_wanted().unwrap_or_else(|e| panic!("{params:?}: {e}")) {
        for r in ranges {
            fetched += r.end - r.start;
            f.add(r.start, file.slice(r.start as usize..r.end as usize));
        }
    }
    (answer_of(planned.run().await), fetched)
}

/// (query, at most this share of the file fetched)
const QUERIES: &[(&str, f64)] = &[
    ("select count(*) as n, sum(sales) as s from {t} where ordered >= '2024-01-10' and ordered < '2024-01-11'", 0.15),
    ("select id, state, sales from {t} where id between 30000 and 30010 order by id", 0.1),
    ("select category, count(*) as n from {t} where id in (5, 40000, 59999) group by 1 order by 1", 0.15),
    ("select * from {t} where id = 12345", 0.1),
    ("select count(*) as n from {t} where id < 100 or id > 59900", 0.15),
    ("select count(*) as n from {t} where note is null and id < 3000", 0.15),
    ("select max(sales) as m from {t} where id >= 59000 and category = 'Books'", 0.1),
    ("select count(*) as n from {t} where id > 1000000", 0.0),
    ("select count(*) as n from {t} where state like 'A%'", 1.0),
    ("select count(*) as n, min(ordered) as first_at from {t}", 1.0),
    ("select a.id, b.state from {t} a join {t} b on a.id + 1 = b.id where a.id < 4 order by 1", 1.0),
    ("select count(*) as n from {t} where id > (select max(id) - 10 from {t})", 1.0),
    (
        "select state, count(*) as n from {t} where ordered < '2024-01-02' and note <> 'n3' group by 1 order by 2 desc, 1 limit 3",
        0.15,
    ),
];

/// Each query, on the row groups its filters keep, gives DuckDB's answer over the whole
/// file; the selective ones fetch a small part of it.
#[test]
fn a_ranged_table_gives_duckdbs_answers_from_the_row_groups_a_query_can_match() {
    let Some(python) = duckdb_python() else { return };
    let file = orders_file();
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("orders.parquet"), &file).expect("write");
    let theirs: Vec<String> = QUERIES.iter().map(|(q, _)| q.replace("{t}", "orders")).collect();
    let answers = duckdb_answers(&python, dir.path(), &theirs.iter().map(String::as_str).collect::<Vec<_>>());
    let mut failures = Vec::new();
    for ((q, share), want) in QUERIES.iter().zip(&answers) {
        let sql = q.replace("{t}", "shop.orders");
        let engine = Engine::new();
        let ranged = open(&file);
        engine.register_ranged(&TableName::new("shop", "orders"), ranged.clone()).expect("register");
        let (ours, fetched) = block_on(ranged_answer(&engine, &file, &sql));
        if let Err(why) = agree(&ours, want) {
            failures.push(format!("{why}\n    {sql}\n    quire {ours}\n    DuckDB {want}"));
        }
        let most = (file.len() as f64 * share) as u64;
        if fetched > most {
            failures.push(format!("{sql}\n    fetched {fetched} of {} bytes; expected at most {most}", file.len()));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

/// A page keeps a query's statement plan from one change to the next, optimized once with
/// its placeholders unbound: bound to each value a reader picks, it gives DuckDB's answer
/// for the query with that value written in, and fetches only the row groups that value can
/// match; so does the plan bound first and optimized after (as the build runs a query).
#[test]
fn one_statement_plan_answers_every_value_of_its_inputs() {
    let Some(python) = duckdb_python() else { return };
    let file = orders_file();
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("orders.parquet"), &file).expect("write");
    // (the query with placeholders as a page's inputs make them, one for each place an
    // input is read; the values picked in turn)
    let cases: &[(&str, &[&[&str]])] = &[
        (
            "select count(*) as n, sum(sales) as s from {t} \
             where ordered >= cast($1 as timestamp) and ordered < cast($2 as timestamp) + interval '1 day' \
             and category = $3",
            &[
                &["2024-01-03", "2024-01-03", "Books"],
                &["2024-01-20", "2024-01-20", "Games"],
                &["2024-02-10", "2024-02-10", "Tools"],
                &["2030-01-01", "2030-01-01", "Books"],
            ],
        ),
        (
            "select state, count(*) as n from {t} where id between $1 and $2 + 500 \
             and (category = $3 or $4 = 'All') group by 1 order by 2 desc, 1 limit 5",
            &[
                &["100", "100", "All", "All"],
                &["31000", "31000", "Music", "Music"],
                &["59800", "59800", "All", "All"],
                &["x", "x", "Books", "Books"],
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (template, values) in cases {
        let engine = Engine::new();
        engine.register_ranged(&TableName::new("shop", "orders"), open(&file)).expect("register");
        let statement = block_on(engine.statement_plan(&template.replace("{t}", "shop.orders"))).expect("planned");
        let optimized = engine.optimized_statement(&statement).expect("the optimizer takes the plan unbound");
        let theirs: Vec<String> = values
            .iter()
            .map(|v| {
                let mut sql = template.replace("{t}", "orders");
                // The last first: `$1`'s replacement would touch `$10`.
                for (i, value) in v.iter().enumerate().rev() {
                    let literal = if value.parse::<f64>().is_ok() { value.to_string() } else { format!("'{value}'") };
                    sql = sql.replace(&format!("${}", i + 1), &literal);
                }
                sql
            })
            .collect();
        let answers = duckdb_answers(&python, dir.path(), &theirs.iter().map(String::as_str).collect::<Vec<_>>());
        for ((v, want), sql) in values.iter().zip(&answers).zip(&theirs) {
            let params: Vec<Option<String>> = v.iter().map(|s| Some(s.to_string())).collect();
            // The page's way first: the bytes it fetches are counted before the other way
            // finds them here.
            let (ours, fetched) = block_on(optimized_answer(&engine, &file, &optimized, &params));
            let (bound_first, _) = block_on(bound_answer(&engine, &file, &statement, &params));
            if ours != bound_first {
                failures.push(format!("{sql}\n    optimized once {ours}\n    bound first {bound_first}"));
            }
            // `id between 'x' and ...`: DuckDB refuses the text; quire binds it as NULL,
            // which matches nothing (see `Engine::run_with_params`).
            if v[0] == "x" {
                if ours["rows"] != serde_json::json!([]) {
                    failures.push(format!("{sql}\n    a value the column cannot take matched rows: {ours}"));
                }
                continue;
            }
            if let Err(why) = agree(&ours, want) {
                failures.push(format!("{why}\n    {sql}\n    quire {ours}\n    DuckDB {want}"));
            }
            if fetched * 5 > file.len() as u64 {
                failures.push(format!("{sql}\n    fetched {fetched} of {} bytes", file.len()));
            }
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

/// A query that reads a few row groups, then one that reads them all: the second's fetch,
/// its ranges merged across the gaps, spans the pieces fetched for the first, and both
/// read from what was fetched.
#[test]
fn a_wider_fetch_over_pieces_fetched_before_reads_them_all() {
    let file = orders_file();
    let engine = Engine::new();
    engine.register_ranged(&TableName::new("shop", "orders"), open(&file)).expect("register");
    let (few, fetched) = block_on(ranged_answer(
        &engine,
        &file,
        "select count(*) as n from shop.orders where id between 30000 and 30010",
    ));
    assert_eq!(few["rows"][0][0].as_f64(), Some(11.0), "{few}");
    assert!(fetched > 0 && fetched * 5 < file.len() as u64, "{fetched}");
    let (all, _) =
        block_on(ranged_answer(&engine, &file, "select count(*) as n, count(distinct state) as s from shop.orders"));
    assert_eq!(all["rows"][0][0].as_f64(), Some(60000.0), "{all}");
    let (again, fetched) = block_on(ranged_answer(
        &engine,
        &file,
        "select count(*) as n from shop.orders where id between 30000 and 30010",
    ));
    assert_eq!((again, fetched), (few, 0));
}

/// `now()` is fixed when a plan is optimized: a query that reads the clock is not optimized
/// once for every change, but at each.
#[test]
fn a_query_that_reads_the_clock_is_optimized_at_each_change() {
    let engine = Engine::new();
    engine.register_ranged(&TableName::new("shop", "orders"), open(&orders_file())).expect("register");
    for (sql, once) in [
        ("select count(*) as n from shop.orders where id < $1", true),
        ("select now() as at, count(*) as n from shop.orders where id < $1", false),
        ("select count(*) as n from shop.orders where ordered < current_date - interval '1 day' and id < $1", false),
    ] {
        let statement = block_on(engine.statement_plan(sql)).expect("planned");
        assert_eq!(engine.optimized_statement(&statement).is_some(), once, "{sql}");
    }
}

/// Bytes a query needs but nobody fetched are an error that says so; a whole file (from
/// a host that ignores Range requests) needs no fetch at all.
#[test]
fn a_ranged_table_without_its_bytes_fails_and_a_whole_file_needs_none() {
    let file = orders_file();
    let engine = Engine::new();
    let name = TableName::new("shop", "orders");
    engine.register_ranged(&name, open(&file)).expect("register");
    let err = block_on(engine.run("select sum(sales) from shop.orders where id < 10")).expect_err("nothing fetched");
    assert!(err.to_string().contains("were not fetched before the query ran"), "{err}");

    let whole = Arc::new(RangedFile::whole(file.clone()).expect("the file reads"));
    engine.register_ranged(&name, whole).expect("register");
    let wanted = block_on(engine.ranges_wanted("select * from shop.orders where id < 10", &[])).expect("planned");
    assert!(wanted.is_empty(), "a whole file wants nothing: {wanted:?}");
    let batches = block_on(engine.run("select count(*) as n from shop.orders where state like 'A%'")).expect("runs");
    let n = quire_engine::to_table(&batches).expect("table").rows[0][0].clone();
    let all =
        block_on(Engine::new().run(&format!("select count(*) from ({ROWS}) where state like 'A%'"))).expect("runs");
    assert_eq!(n, quire_engine::to_table(&all).expect("table").rows[0][0]);

    // Row groups decoded for one query serve the next (other columns, the same again).
    let plain = Engine::new();
    plain.register_parquet_bytes(&name, file.clone()).expect("register");
    for sql in [
        "select count(*) as n, sum(sales) as s from shop.orders where id between 10000 and 20000",
        "select category, max(note) as m from shop.orders where id between 10000 and 20000 group by 1 order by 1",
        "select count(*) as n, sum(sales) as s from shop.orders where id between 10000 and 20000",
        "select * from shop.orders where id between 19990 and 20010 order by id",
    ] {
        assert_eq!(block_on(quire_answer(&engine, sql)), block_on(quire_answer(&plain, sql)), "{sql}");
    }
}

/// Which files keep a filter column's values in row groups that do not overlap.
#[test]
fn a_file_sorted_by_a_column_is_clustered_by_it_and_not_by_the_others() {
    let file = orders_file();
    assert!(quire_engine::ranged::clustered_by(&file, "id"));
    assert!(quire_engine::ranged::clustered_by(&file, "ordered"));
    assert!(!quire_engine::ranged::clustered_by(&file, "category"));
    assert!(!quire_engine::ranged::clustered_by(&file, "state"));
    assert!(!quire_engine::ranged::clustered_by(&file, "no_such_column"));
}

/// A large table that a live query reads row by row ships ranged; in an order that does
/// not keep its filter columns apart by row group, it ships sorted by them, the column
/// with the most distinct values first, so a state's filters rule most row groups out.
#[test]
fn a_table_read_row_by_row_ships_ranged_and_sorted_by_what_it_is_filtered_by() {
    // 300,000 rows in a scrambled order: `id` is a permutation, `kind` one of three.
    let mut csv = String::from("id,kind,amount\n");
    for i in 0..300_000u64 {
        let id = (i * 7919) % 300_000;
        let _ = std::fmt::Write::write_fmt(
            &mut csv,
            format_args!("{id},{},{}\n", ["a", "b", "c"][(i % 3) as usize], i % 997),
        );
    }
    let page = "```sql few\nselect id, amount from shop.t\nwhere kind = '${inputs.kind.value}'\n  \
                and id >= ${inputs.from.value} and id < ${inputs.from.value} + 30\norder by id\n```\n\n\
                <Dropdown name=kind>\n<DropdownOption value=a />\n<DropdownOption value=b />\n</Dropdown>\n\n\
                <Slider name=from min=0 max=299970 step=10 defaultValue=150000 />\n\n<DataTable data={few} />\n";
    let p = Project::with_files(&[
        ("sources/shop/connection.yaml", "type: csv\n"),
        ("sources/shop/t.csv", &csv),
        ("pages/index.md", page),
    ]);
    crate::util::Run::new(crate::util::quire().arg("build").arg(p.path()).env("QUIRE_RANGED_ABOVE", "0")).ok();
    let html = p.read("dist/index.html");
    let island = crate::util::island(&html);
    let path = island["tables"]["shop.t"].as_str().expect("shop.t ships");
    let len = island["ranged"]["shop.t"]["len"].as_u64().expect("shop.t is ranged");
    let file = Bytes::from(std::fs::read(p.path().join("dist").join(path)).expect("the shipped file"));
    assert_eq!(file.len() as u64, len);
    let shipped = open(&file);
    assert!(shipped.row_groups() > 1, "{} row groups", shipped.row_groups());
    assert!(quire_engine::ranged::clustered_by(&file, "id"), "shipped sorted by id, the most distinct filter column");
    assert!(!quire_engine::ranged::clustered_by(&file, "kind"));

    // A state's query fetches one row group of the file.
    let engine = Engine::new();
    engine.register_ranged(&TableName::new("shop", "t"), shipped).expect("register");
    let sql = "select id, amount from shop.t where kind = 'a' and id >= 150000 and id < 150030 order by id";
    let (answer, fetched) = block_on(ranged_answer(&engine, &file, sql));
    let whole = Engine::new();
    whole
        .register_ranged(&TableName::new("shop", "t"), Arc::new(RangedFile::whole(file.clone()).expect("reads")))
        .expect("register");
    assert_eq!(answer, block_on(quire_answer(&whole, sql)));
    assert!(answer["rows"].as_array().is_some_and(|r| !r.is_empty()), "{answer}");
    assert!(fetched * 2 < file.len() as u64, "fetched {fetched} of {} bytes", file.len());
}

/// A table that is a Parquet file ships its columns' chunks copied byte for byte (nothing
/// decoded or encoded: the 100M-row build's export went from 21 s to under 2): the copy
/// reads, in DuckDB, as the source's columns do. A file the browser could not read as it is
/// (zstd: the runtime has Snappy only) ships written from its rows instead, in Snappy.
#[test]
fn a_parquet_table_ships_its_column_chunks_copied() {
    use quire_engine::parquet::basic::{Compression, ZstdLevel};
    use quire_engine::parquet::file::metadata::ParquetMetaDataReader;
    let Some(python) = duckdb_python() else { return };
    let page = "```sql few\nselect id, sales from shop.orders\n\
                where id >= ${inputs.from.value} and id < ${inputs.from.value} + 30\norder by id\n```\n\n\
                <Slider name=from min=0 max=59970 step=10 defaultValue=30000 />\n\n<DataTable data={few} />\n";
    let shipped_of = |source: &Bytes| -> (Bytes, String) {
        let p = Project::with_files(&[("sources/shop/connection.yaml", "type: parquet\n"), ("pages/index.md", page)]);
        std::fs::write(p.path().join("sources/shop/orders.parquet"), source).expect("write the source");
        let run = crate::util::Run::new(
            crate::util::quire().args(["build", "--verbose"]).arg(p.path()).env("QUIRE_RANGED_ABOVE", "0"),
        )
        .ok();
        let html = p.read("dist/index.html");
        let island = crate::util::island(&html);
        assert!(island["ranged"]["shop.orders"]["len"].is_u64(), "shop.orders ships ranged: {island}");
        let path = island["tables"]["shop.orders"].as_str().expect("shop.orders ships");
        (Bytes::from(std::fs::read(p.path().join("dist").join(path)).expect("the shipped file")), run.stderr())
    };
    let source = orders_file();
    let (copy, said) = shipped_of(&source);
    assert!(said.contains("column chunks, copied") && said.contains("in its own order"), "{said}");
    // Chunk by chunk, the source's bytes.
    let meta = |f: &Bytes| ParquetMetaDataReader::new().parse_and_finish(f).expect("a footer");
    let (from, to) = (meta(&source), meta(&copy));
    assert_eq!(from.num_row_groups(), to.num_row_groups());
    let chunk = |f: &Bytes, c: &quire_engine::parquet::file::metadata::ColumnChunkMetaData| {
        let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset()) as usize;
        f.slice(start..start + c.compressed_size() as usize)
    };
    for (a, b) in from.row_groups().iter().zip(to.row_groups()) {
        let names: Vec<&str> = b.columns().iter().map(|c| c.column_descr().name()).collect();
        assert_eq!(names, ["id", "sales"]);
        for c in b.columns() {
            let original =
                a.columns().iter().find(|o| o.column_descr().name() == c.column_descr().name()).expect("there");
            assert_eq!(chunk(&copy, c), chunk(&source, original), "{}", c.column_descr().name());
        }
    }
    // DuckDB reads the copy as the source's columns.
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("source.parquet"), &source).expect("write");
    std::fs::write(dir.path().join("copy.parquet"), &copy).expect("write");
    let answers = duckdb_answers(
        &python,
        dir.path(),
        &["select id, sales from source order by id", "select * from copy order by id"],
    );
    assert!(answers[0].get("error").is_none(), "{}", answers[0]);
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1]["rows"].as_array().map(Vec::len), Some(60_000));

    // The same rows in zstd: written from its rows, in Snappy.
    let batches = quire_engine::decode_parquet(source.clone()).expect("decodes");
    let props = quire_engine::parquet::file::properties::WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(2000))
        .build();
    let mut zstd = Vec::new();
    let mut w = quire_engine::parquet::arrow::ArrowWriter::try_new(&mut zstd, batches[0].schema(), Some(props))
        .expect("writer");
    for b in &batches {
        w.write(b).expect("write");
    }
    w.close().expect("close");
    let (written, said) = shipped_of(&Bytes::from(zstd));
    assert!(said.contains("written from its rows"), "{said}");
    let m = meta(&written);
    assert!(m.row_groups().iter().flat_map(|g| g.columns()).all(|c| c.compression() == Compression::SNAPPY));
    std::fs::write(dir.path().join("written.parquet"), &written).expect("write");
    let again = duckdb_answers(&python, dir.path(), &["select * from written order by id"]);
    assert_eq!(again[0], answers[0]);
}
