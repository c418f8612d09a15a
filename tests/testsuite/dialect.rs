//! The DuckDB spellings Evidence pages use, checked against DuckDB itself.
//!
//! Every spelling quire accepts (each rewrite in `crates/quire-engine/src/dialect.rs`, each
//! renamed function) and every replacement a hint suggests is run in DuckDB (its Python
//! package, through `tests/duckdb_oracle.py`, installed by `scripts/setup.sh --test`) and
//! in quire's engine, over the same Parquet files, and the answers are compared: values
//! only (column names differ between the engines for unnamed expressions), rows in order,
//! numbers within 1e-9 (relative), and dates and timestamps as text, a midnight timestamp
//! equal to its date (DuckDB's `date_trunc` and `date + interval` give timestamps where
//! quire keeps dates). The few places quire still answers otherwise are listed, and
//! checked to still differ, in [`KNOWN_DIFFERENCES`]. When DuckDB is missing the test says
//! so and passes, except in CI (`CI` set), where it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use quire_engine::datafusion::arrow::array::{Array, AsArray, RecordBatch};
use quire_engine::datafusion::arrow::compute::cast;
use quire_engine::datafusion::arrow::datatypes::{DataType, Float64Type};
use quire_engine::datafusion::arrow::util::display::array_value_to_string;
use quire_engine::{Engine, TableName};
use serde_json::{Value, json};

/// The shared data: `t` has a date on a month's last day and a Sunday, ISO weeks that
/// belong to the next and the previous year, fractional seconds, times either side of an
/// hour, and a row of NULLs; `u` has a real column named like an alias in `t`'s queries.
const DATA: &[(&str, &str)] = &[
    (
        "t",
        "select * from (values \
         (date '2024-03-31', timestamp '2024-03-31 10:59:30', 'Acme', 10.5, 3), \
         (date '2024-04-02', timestamp '2024-04-02 11:01:15.5', 'Bolt', 20.0, 4), \
         (date '2024-04-20', timestamp '2024-04-20 23:00:00', 'acme', 5.0, 13), \
         (date '2024-12-30', timestamp '2024-12-31 00:00:01', 'Crux', 7.25, 21), \
         (date '2021-01-01', timestamp '2021-01-01 00:00:00', NULL, NULL, 8)\
         ) as v(d, ts, name, sales, qty)",
    ),
    ("u", "select * from (values (100, 1), (200, 2)) as v(s2, qty)"),
];

/// DuckDB spellings quire accepts: the same SQL in both engines.
const SPELLINGS: &[(&str, &str)] = &[
    ("group by all, order by all", "select lower(name) as n, sum(sales) as s from t group by all order by all"),
    ("order by all desc", "select name, qty from t order by all desc"),
    ("order by all over expressions", "select qty % 2 as odd, qty * 2 as q from t order by all"),
    ("trailing comma", "select name, qty, from t order by qty"),
    // A moving frame: each value added, then taken out again as the frame moves on (quire's
    // exact sums retract).
    (
        "a moving window's sum and average",
        "select qty, sum(sales) over (order by qty rows between 1 preceding and current row) as s, \
         avg(sales) over (order by qty rows between 2 preceding and current row) as a from t order by qty",
    ),
    // Alias reuse, in every place a SELECT may read its own list.
    ("alias in the list", "select sales * 2 as s2, s2 + 1 as s3, s3 * 10 as s4 from t order by qty"),
    ("alias in where", "select name, qty * 10 as q10 from t where q10 > 35 order by name"),
    ("alias in having", "select lower(name) as n, sum(qty) as total from t group by all having total > 5 order by n"),
    (
        "alias in a window's order by",
        "select lower(name) as n, sum(sales) as total, rank() over (order by total desc) as r \
         from t where name is not null group by all order by r",
    ),
    (
        "alias in qualify",
        "select name, qty * 2 as q2, row_number() over (order by q2 desc) as rn from t qualify rn <= 2 order by rn",
    ),
    (
        "alias in a named window",
        "select name, qty * 2 as q2, sum(qty) over w as running from t window w as (order by q2) order by q2",
    ),
    ("a column wins over an alias", "select qty * 100 as sales from t where sales > 15 order by 1"),
    (
        "an alias is reused only in its own SELECT",
        "select qty * 2 as s2, s2 + 1 as s3 from t union all select qty as s2, s2 * 1 as s3 from u order by 1, 2",
    ),
    (
        "an alias in a query read twice through ${}",
        "select name, q3, q3::double / (select sum(q3) from (select name, qty * 2 as q2, q2 + 1 as q3 from t)) \
         as share from (select name, qty * 2 as q2, q2 + 1 as q3 from t) order by q3",
    ),
    // A chain (`${top}`) is a subquery: what reads it in order reads it in its order.
    ("a subquery's order, read by a limit", "select * from (select name, qty from t order by qty desc) limit 2"),
    ("a subquery's order, read as it is", "select name from (select name, qty from t order by qty desc)"),
    ("alias in a struct literal", "select qty * 2 as q2, {'q': q2, 'n': name} as s from t order by qty"),
    ("alias in is distinct from", "select qty * 2 as q2, q2 is distinct from 8 as x from t order by qty"),
    (
        "alias in a CASE",
        "select qty * 2 as q2, case when q2 > 10 then 'big' else 'small' end as size from t order by qty",
    ),
    // Expressions the rewrites must reach wherever they are.
    ("year() in a struct in array_agg", "select array_agg({'y': year(d), 'n': name} order by d) as a from t"),
    ("year() in a list literal", "select [year(d), month(d)] as ym from t order by d"),
    ("month() in is distinct from", "select name from t where month(d) is distinct from 4 order by qty"),
    ("month() in any", "select name from t where month(d) = any([3, 12]) order by qty"),
    ("hour() in at time zone", "select hour(ts at time zone 'UTC') as h from t order by qty"),
    ("year() in unnest", "select unnest([year(d), month(d)]) as x from t where qty < 5 order by 1"),
    (
        "year() in a subquery",
        "select name from t where year(d) = (select max(year(d)) from t where qty < 10) order by 1",
    ),
    (
        "month() in a CTE and a join",
        "with m as (select month(d) as m, qty from t) select t.name, m.m from t join m on month(t.d) = m.m and t.qty = m.qty order by t.qty",
    ),
    ("ilike", "select name from t where name ilike 'ac%' order by qty"),
    // Dates.
    (
        "date_trunc keeps dates",
        "select date_trunc('month', d) as m, date_trunc('quarter', d) as q, date_trunc('week', d) as w from t order by d",
    ),
    ("datetrunc", "select datetrunc('year', d) as y from t order by d"),
    ("date_trunc on timestamps", "select date_trunc('hour', ts) as h, date_trunc('day', ts) as d from t order by ts"),
    ("date_part with a capital part", "select date_part('YEAR', d) as y from t order by d"),
    (
        "year() and its siblings on dates",
        "select year(d), quarter(d), month(d), week(d), day(d), dayofweek(d), dayofyear(d) from t order by d",
    ),
    ("hour() and its siblings on timestamps", "select hour(ts), minute(ts), second(ts), epoch(ts) from t order by ts"),
    (
        "strftime",
        "select strftime(d, '%Y-%m') as ym, strftime(d, '%b %d, %Y') as p, strftime(d, '%A %B %j') as l, \
         strftime(ts, '%H:%M:%S') as hms, strftime(ts, '%d/%m/%y %I %p') as short from t order by d",
    ),
    ("strptime", "select strptime('2024-01-02 10:30', '%Y-%m-%d %H:%M') as a, strptime('03/15/2024', '%m/%d/%Y') as b"),
    (
        "interval 7 day",
        "select d + interval 7 day as w, d - interval 1 month as m, d + interval '2 weeks' as f, \
         ts + interval 90 minute as later from t order by d",
    ),
    // Casts.
    (
        ":: casts",
        "select qty::varchar as q, round(sales)::int as r, '2024-01-05'::date as d2, qty::double / 8 as h, \
         d::varchar as dt from t order by qty",
    ),
    // Aggregates and DuckDB's names for them.
    (
        "count distinct, median, quantile_cont",
        "select count(distinct lower(name)) as n, median(sales) as m, quantile_cont(sales, 0.9) as q from t",
    ),
    (
        "first, last, list",
        "select first(name order by d) as f, last(name order by d) as l, list(qty order by d) as li from t",
    ),
    ("list distinct", "select list(distinct lower(name) order by lower(name)) as names from t where name is not null"),
    ("any_value", "select lower(name) as n, any_value(lower(name)) as a from t where name ilike 'acme' group by all"),
    ("ifnull", "select ifnull(name, 'none') as n from t order by qty"),
    // date_diff, for every part quire counts, both spellings, both orders.
    (
        "date_diff on dates",
        "select date_diff('day', d, date '2024-04-01') as day, date_diff('days', d, date '2024-04-01') as days, \
         date_diff('week', d, date '2024-04-01') as week, date_diff('month', d, date '2024-04-01') as month, \
         date_diff('quarter', d, date '2024-04-01') as quarter, date_diff('year', d, date '2024-04-01') as year \
         from t order by d",
    ),
    (
        "datediff on timestamps",
        "select datediff('day', ts, timestamp '2024-04-02 12:00:00') as day, \
         datediff('hour', ts, timestamp '2024-04-02 12:00:00') as hour, \
         datediff('minute', ts, timestamp '2024-04-02 12:00:00') as minute, \
         datediff('second', ts, timestamp '2024-04-02 12:00:00') as second, \
         datediff('month', ts, timestamp '2024-04-02 12:00:00') as month from t order by ts",
    ),
    (
        "date_diff across boundaries",
        "select date_diff('day', date '2024-03-30', date '2024-04-01') as d, \
         date_diff('week', date '2024-03-30', date '2024-03-31') as w, \
         date_diff('month', date '2024-03-31', date '2024-04-01') as m, \
         date_diff('quarter', date '2024-03-31', date '2024-04-01') as q, \
         date_diff('year', date '2023-12-31', date '2024-01-01') as y, \
         date_diff('hour', timestamp '2024-01-01 10:59:59', timestamp '2024-01-01 11:00:01') as h, \
         date_diff('hour', date '2024-01-01', date '2024-01-03') as hd",
    ),
];

/// Each hint's replacement: DuckDB's function (left) and what the hint says to write in
/// quire instead (right). Every entry of the hint table is here, or in [`NOT_SQL`].
const HINTS: &[(&str, &str, &str)] = &[
    (
        "date_sub",
        "select date_sub('day', d, date '2024-04-01') from t order by qty",
        "select date '2024-04-01' - d from t order by qty",
    ),
    (
        "date_sub",
        "select date_sub('hour', ts, timestamp '2024-04-02 12:00:00') from t order by qty",
        "select CAST(date_part('epoch', timestamp '2024-04-02 12:00:00' - ts) / 3600 AS BIGINT) from t order by qty",
    ),
    (
        "date_add",
        "select date_add(d, interval 7 day) from t order by qty",
        "select d + interval 7 day from t order by qty",
    ),
    ("monthname", "select monthname(d) from t order by qty", "select to_char(d, '%B') from t order by qty"),
    ("monthname", "select monthname(d) from t order by qty", "select strftime(d, '%B') from t order by qty"),
    ("dayname", "select dayname(d) from t order by qty", "select to_char(d, '%A') from t order by qty"),
    (
        "last_day",
        "select last_day(d) from t order by qty",
        "select date_trunc('month', d) + interval 1 month - interval 1 day from t order by qty",
    ),
    ("arg_max", "select arg_max(name, sales) from t", "select first_value(name order by sales desc nulls last) from t"),
    ("max_by", "select max_by(qty, sales) from t", "select first_value(qty order by sales desc nulls last) from t"),
    ("arg_min", "select arg_min(name, sales) from t", "select first_value(name order by sales nulls last) from t"),
    ("min_by", "select min_by(qty, sales) from t", "select first_value(qty order by sales nulls last) from t"),
    (
        "regexp_matches",
        "select regexp_matches(name, '^[A-Z]') from t order by qty",
        "select regexp_like(name, '^[A-Z]') from t order by qty",
    ),
    ("epoch_ms", "select epoch_ms(ts) from t order by qty", "select date_part('epoch', ts) * 1000 from t order by qty"),
    (
        "make_timestamp",
        "select make_timestamp(2024, 3, 9, 10, 30, 5.5)",
        "select to_timestamp(date_part('epoch', make_date(2024, 3, 9)) + 10 * 3600 + 30 * 60 + 5.5)",
    ),
];

/// What quire accepts and DuckDB (since 0.10) refuses, against DuckDB's explicit spelling
/// (left): quire's more lenient reading must still be the one DuckDB's users would write.
const LENIENT: &[(&str, &str, &str)] = &[(
    "like on a number",
    "select name from t where qty::varchar like '1%' order by name",
    "select name from t where qty like '1%' order by name",
)];

/// Where quire still gives another answer than DuckDB, without an error (each is in
/// www/pages/authoring/sql.md). The test checks they still differ: when one is fixed, move
/// it to [`SPELLINGS`].
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    // DuckDB's `/` divides integers as floats (`//` is integer division); DataFusion's truncates.
    ("integer division", "select qty / 8 as q from t order by qty"),
    // DuckDB rounds a float cast to an integer (half to even); DataFusion truncates.
    ("a float cast to an integer", "select (sales + 0.25)::int as s from t order by qty"),
    // In a subquery, DuckDB reads a lateral alias before an outer query's column of that
    // name; DataFusion binds the outer column, and the alias retry never runs.
    (
        "an alias over an outer query's column",
        "select s2, (select max(q) from (select qty as s2, s2 + 1 as q from t)) as m from u order by s2",
    ),
];

/// Hints that name no SQL to run instead.
const NOT_SQL: &[&str] = &["read_csv", "read_csv_auto", "read_parquet", "date_diff", "datediff"];

#[test]
fn duckdb_spellings_and_hinted_replacements_give_duckdbs_answers() {
    let Some(python) = duckdb_python() else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let engine = Engine::new();
    block_on(async {
        for (name, sql) in DATA {
            let batches = Engine::new().run(sql).await.unwrap_or_else(|e| panic!("{name}: {e}"));
            let bytes = quire_engine::encode_parquet(batches[0].schema(), &batches).expect("parquet");
            std::fs::write(dir.path().join(format!("{name}.parquet")), &bytes).expect("write");
            engine.register_parquet_bytes(&TableName::new("public", *name), bytes.into()).expect("register");
        }
    });
    let cases: Vec<(String, &str, &str)> = SPELLINGS
        .iter()
        .map(|(what, sql)| (what.to_string(), *sql, *sql))
        .chain(HINTS.iter().map(|(f, duck, ours)| (format!("the hint for {f}"), *duck, *ours)))
        .chain(LENIENT.iter().map(|(what, duck, ours)| (what.to_string(), *duck, *ours)))
        .collect();
    let known = cases.len();
    let cases: Vec<(String, &str, &str)> =
        cases.into_iter().chain(KNOWN_DIFFERENCES.iter().map(|(what, sql)| (what.to_string(), *sql, *sql))).collect();
    let duckdb: Vec<&str> = cases.iter().map(|c| c.1).collect();
    let theirs = duckdb_answers(&python, dir.path(), &duckdb);
    let mut failures = Vec::new();
    for (i, ((what, duck, ours), want)) in cases.iter().zip(&theirs).enumerate() {
        let got = block_on(quire_answer(&engine, ours));
        if i >= known {
            if agree(&got, want).is_ok() {
                failures.push(format!("{what}: now gives DuckDB's answer: move it to SPELLINGS\n    {ours}"));
            }
            continue;
        }
        if let Err(why) = agree(&got, want) {
            let sql = if duck == ours { ours.to_string() } else { format!("{ours}\n    DuckDB: {duck}") };
            failures.push(format!("{what}: {why}\n    quire:  {sql}\n    quire has  {got}\n    DuckDB has {want}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from DuckDB:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_hint_names_a_replacement_the_differential_test_runs() {
    for (name, help) in quire_engine::DUCKDB_ONLY {
        assert!(
            HINTS.iter().any(|(f, ..)| f == name) || NOT_SQL.contains(name),
            "the hint for `{name}` ({help}) has no case in HINTS"
        );
    }
}

/// quire's answer in the oracle's shape.
pub(crate) async fn quire_answer(engine: &Engine, sql: &str) -> Value {
    answer_of(engine.run(sql).await)
}

/// A query's result (or error) as the JSON [`quire_answer`] gives.
pub(crate) fn answer_of(result: quire_engine::datafusion::error::Result<Vec<RecordBatch>>) -> Value {
    match result {
        Ok(batches) => {
            let columns: Vec<String> = batches[0].schema().fields().iter().map(|f| f.name().clone()).collect();
            json!({ "columns": columns, "rows": rows(&batches) })
        }
        Err(e) => json!({ "error": e.to_string() }),
    }
}

fn rows(batches: &[RecordBatch]) -> Vec<Value> {
    let mut out = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            out.push(Value::Array(b.columns().iter().map(|c| cell(c.as_ref(), r)).collect()));
        }
    }
    out
}

fn cell(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    let one = array.slice(row, 1);
    match array.data_type() {
        DataType::Boolean => Value::Bool(array.as_boolean().value(row)),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            Value::String(cast(&one, &DataType::Utf8).expect("text").as_string::<i32>().value(0).to_string())
        }
        t if t.is_numeric() => {
            json!(cast(&one, &DataType::Float64).expect("a number").as_primitive::<Float64Type>().value(0))
        }
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) | DataType::Time32(_) | DataType::Time64(_) => {
            Value::String(array_value_to_string(array, row).expect("a date"))
        }
        DataType::List(_) => list(&array.as_list::<i32>().value(row)),
        DataType::LargeList(_) => list(&array.as_list::<i64>().value(row)),
        DataType::FixedSizeList(..) => list(&array.as_fixed_size_list().value(row)),
        DataType::Struct(fields) => Value::Object(
            fields
                .iter()
                .zip(array.as_struct().columns())
                .map(|(f, c)| (f.name().clone(), cell(c.as_ref(), row)))
                .collect(),
        ),
        DataType::Dictionary(_, values) => cell(cast(&one, values).expect("a dictionary's value").as_ref(), 0),
        other => Value::String(format!("<{other}: {}>", array_value_to_string(array, row).unwrap_or_default())),
    }
}

fn list(items: &dyn Array) -> Value {
    Value::Array((0..items.len()).map(|i| cell(items, i)).collect())
}

/// Whether quire's answer is DuckDB's, or why not.
pub(crate) fn agree(ours: &Value, theirs: &Value) -> Result<(), String> {
    if let Some(e) = theirs.get("error") {
        return Err(format!("DuckDB fails: {e}"));
    }
    if let Some(e) = ours.get("error") {
        return Err(format!("quire fails: {e}"));
    }
    let (a, b) = (ours["rows"].as_array().expect("rows"), theirs["rows"].as_array().expect("rows"));
    if a.len() != b.len() {
        return Err(format!("{} rows, DuckDB {}", a.len(), b.len()));
    }
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x.as_array().map(Vec::len) != y.as_array().map(Vec::len) {
            return Err(format!("row {i} has another number of columns"));
        }
        if !same(x, y) {
            return Err(format!("row {i} differs"));
        }
    }
    Ok(())
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::String(x), Value::String(y)) => temporal(x) == temporal(y),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A date or timestamp in one spelling: `T` or a space, no trailing zeros in the fraction,
/// and a midnight timestamp as its date. Other text is left as it is.
fn temporal(s: &str) -> String {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let is_timestamp = b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b' ')
        && digits(11..13)
        && b[13] == b':';
    if !is_timestamp {
        return s.to_string();
    }
    let mut out = s.replacen('T', " ", 1);
    if out.contains('.') {
        out = out.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    match out.strip_suffix(" 00:00:00") {
        Some(date) => date.to_string(),
        None => out,
    }
}

/// Python with DuckDB: `QUIRE_PYTHON`, else the virtualenv `scripts/setup.sh --test` makes.
/// Missing, it fails the test in CI and skips it (with a note) elsewhere.
pub(crate) fn duckdb_python() -> Option<PathBuf> {
    let python = std::env::var_os("QUIRE_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        home.join(".cache/quire/duckdb-venv/bin/python")
    });
    let found = Command::new(&python).args(["-c", "import duckdb"]).stderr(Stdio::null()).status();
    if found.is_ok_and(|s| s.success()) {
        return Some(python);
    }
    let why = format!("no DuckDB for {}: run scripts/setup.sh --test (or set QUIRE_PYTHON)", python.display());
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!ci, "{why}");
    eprintln!("skipping the DuckDB differential test: {why}");
    None
}

pub(crate) fn duckdb_answers(python: &Path, data: &Path, sql: &[&str]) -> Vec<Value> {
    let script = crate::util::repo().join("tests/duckdb_oracle.py");
    let mut child = Command::new(python)
        .arg(&script)
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let input = serde_json::to_vec(sql).expect("json");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &input).expect("write the cases");
    let out = child.wait_with_output().expect("the oracle finishes");
    assert!(out.status.success(), "the DuckDB oracle failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let answers: Vec<Value> = serde_json::from_slice(&out.stdout).expect("the oracle's JSON");
    assert_eq!(answers.len(), sql.len());
    answers
}

// Behaviour DuckDB cannot check: what quire says when it fails.

fn error(sql: &str) -> quire_engine::SqlProblem {
    block_on(async {
        let engine = Engine::new();
        engine.run(DATA[0].1.replacen("select", "create table t as select", 1).as_str()).await.expect("setup");
        let e = engine.run(sql).await.expect_err("fails");
        quire_engine::sql_problem(&e, sql, &engine.table_names())
    })
}

#[test]
fn duckdb_functions_quire_lacks_say_what_to_write_instead() {
    let p = error("select date_diff('millisecond', d, d) from t");
    assert!(p.help.as_deref().is_some_and(|h| h.contains("hour, minute or second")), "{p:?}");
    let p = error("select monthname(d) from t");
    assert!(p.help.as_deref().is_some_and(|h| h.contains("to_char(d, '%B')")), "{p:?}");
}

pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime").block_on(f)
}
