//! Rollups (issue 16, step 1) and the exact float sums they stand on: each checked against
//! an oracle quire did not write: DuckDB running the author's query over the rows, and
//! Python's `math.fsum`.

use std::collections::BTreeSet;

use quire_engine::rollup::{self, Rollup};
use quire_engine::{Engine, TableName};
use serde_json::Value;

use crate::dialect::{agree, block_on, duckdb_answers, duckdb_python, quire_answer};
use crate::util::{Project, Run, quire};

/// Orders with every kind of column a rollup meets: text dimensions (one with NULLs), a
/// date, a timestamp, a double with NULLs and cents, an integer.
const ORDERS: &str = "select \
    'c' || cast(i % 7 as varchar) as category, \
    case i % 3 when 0 then 'Web' when 1 then 'Store' else 'App' end as channel, \
    case when i % 11 = 0 then null else (case i % 5 when 0 then 'CA' when 1 then 'NY' when 2 then 'TX' \
      when 3 then 'Ohio' else 'Iowa' end) end as state, \
    date '2023-01-01' + cast((i * 37) % 700 as int) as d, \
    to_timestamp(1672531200 + cast((i * 7919) % 1000000 as bigint) * 53) as ts, \
    case when i % 97 = 0 then null else cast((i * 7919) % 10007 as double) / 100 end as sales, \
    cast(i % 9 as bigint) as qty \
  from generate_series(1, 20000) as g(i)";

/// Queries a rollup must answer as the rows do (`{t}` is the table).
const ROLLED: &[&str] = &[
    "select category, sum(sales) as s, count(*) as n, avg(sales) as a, min(sales) as lo, max(sales) as hi, \
     count(sales) as c from {t} group by category order by category",
    "select state, sum(sales) as s from {t} where channel in ('Web', 'Store') and state like 'C%' group by state \
     order by state",
    "select date_trunc('month', d) as m, sum(qty) as q from {t} where d >= date '2023-03-01' \
     and d < date '2024-01-01' group by 1 order by 1",
    "select date_trunc('quarter', ts) as q, date_trunc('year', ts) as y, sum(sales) as s from {t} group by 1, 2 \
     order by 1, 2",
    "select sum(sales) as s, count(*) as n from {t} where category = 'c3'",
    "select count(*) as n, sum(sales) as s, avg(sales) as a from {t} where category = 'none'",
    "select state, sum(sales) as s from {t} group by state having count(*) > 100 order by sum(sales) desc, state \
     limit 3",
    "select count(*) as states, sum(s) as total from (select state, sum(sales) as s from {t} \
     where channel <> 'Web' group by state) x",
    "select channel, sum(qty) as q from {t} where (channel = 'Web' or 'All' = 'All') group by channel \
     order by channel",
    "select state, sum(sales) as sales from {t} group by state order by sales desc, state",
    "select category, sum(sales * qty) as revenue from {t} group by category order by category",
    "select state, count(*) as n from {t} o where o.state ilike '%o%' group by o.state order by 1",
    "select channel, avg(qty) as a, count(qty) as c from {t} group by channel order by channel",
    "select category, max(d) as last, min(ts) as first from {t} where state is null group by category \
     order by category",
];

/// Queries that must read rows, and why.
const NOT_ROLLED: &[(&str, &str)] = &[
    ("select count(distinct state) as n from {t}", "needs every row"),
    ("select category, median(sales) as m from {t} group by category", "needs every row"),
    ("select state, sales from {t} where sales > 90", "it reads rows"),
    ("select category, sum(sales) from {t} group by category", "has no name"),
    ("select state, sum(sales) over (partition by state) as s from {t}", "window"),
    ("select o.state, sum(o.sales) as s from {t} o join {t} p on o.state = p.state group by 1", "other than by one"),
    ("select state, sum(sales) filter (where qty > 2) as s from {t} group by state", "needs every row"),
    ("select * from {t} where state = 'CA'", "it selects `*`"),
];

fn orders_engine() -> (Engine, Vec<u8>) {
    block_on(async {
        let batches = Engine::new().run(ORDERS).await.expect("the orders");
        let bytes = quire_engine::encode_parquet(batches[0].schema(), &batches).expect("parquet");
        let engine = Engine::new();
        engine.register_parquet_bytes(&TableName::new("shop", "orders"), bytes.clone().into()).expect("register");
        (engine, bytes)
    })
}

fn source(engine: &Engine) -> rollup::Source {
    let batches = block_on(engine.run("select * from shop.orders limit 0")).expect("schema");
    rollup::Source {
        schema: "shop".into(),
        table: "orders".into(),
        bare: true,
        columns: batches[0].schema().fields().iter().map(|f| f.name().clone()).collect(),
    }
}

/// A rollup for each query as the build makes it, on the query rewritten to read it, gives
/// DuckDB's answer over the rows; and the rewritten query reads no row.
#[test]
fn a_query_on_its_rollup_gives_duckdbs_answer_over_the_rows() {
    let Some(python) = duckdb_python() else { return };
    let (engine, bytes) = orders_engine();
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("orders.parquet"), &bytes).expect("write");
    let source = source(&engine);
    let aggregates = engine.aggregate_names();
    let theirs: Vec<String> = ROLLED.iter().map(|q| q.replace("{t}", "orders")).collect();
    let answers = duckdb_answers(&python, dir.path(), &theirs.iter().map(String::as_str).collect::<Vec<_>>());
    let mut failures = Vec::new();
    for (q, want) in ROLLED.iter().zip(&answers) {
        let sql = q.replace("{t}", "shop.orders");
        let needs = rollup::needs(&sql, std::slice::from_ref(&source), &aggregates)
            .unwrap_or_else(|why| panic!("{sql}\nshould roll up, but: {why}"));
        assert!(!needs.is_empty(), "{sql}: no need");
        let floats: BTreeSet<String> = ["\"sales\"".to_string(), "\"sales\" * \"qty\"".to_string()].into();
        let mut r = Rollup::define(&needs.iter().collect::<Vec<_>>(), &floats).expect("a rollup");
        let batches = block_on(engine.run(&r.sql())).unwrap_or_else(|e| panic!("{}: {e}", r.sql()));
        r.rows = batches.iter().map(|b| b.num_rows() as u64).sum();
        // Two queries may need the same rollup.
        let _ = engine.register_new(&TableName::new(rollup::SCHEMA, &r.table), batches);
        let rewritten = rollup::rewrite(&sql, std::slice::from_ref(&r), &aggregates).expect("rewritten");
        assert!(!rewritten.contains("shop"), "{rewritten} still reads the rows");
        let ours = block_on(quire_answer(&engine, &rewritten));
        if let Err(why) = agree(&ours, want) {
            failures
                .push(format!("{why}\n    {sql}\n    on the rollup: {rewritten}\n    quire {ours}\n    DuckDB {want}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), ROLLED.len(), failures.join("\n"));
}

#[test]
fn a_query_that_needs_rows_says_why() {
    let (engine, _) = orders_engine();
    let source = source(&engine);
    let aggregates = engine.aggregate_names();
    for (q, why) in NOT_ROLLED {
        let sql = q.replace("{t}", "shop.orders");
        match rollup::needs(&sql, std::slice::from_ref(&source), &aggregates) {
            Ok(needs) => panic!("{sql}\nshould read rows, but needs {needs:?}"),
            Err(e) => assert!(e.contains(why), "{sql}: `{e}` does not say `{why}`"),
        }
    }
}

/// Python's answer: `script` run with `input` (JSON) on its stdin, its stdout read as JSON.
fn python_json(python: &std::path::Path, script: &str, input: &[u8]) -> Value {
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), input).expect("write");
    let out = child.wait_with_output().expect("python finishes");
    serde_json::from_slice(&out.stdout).expect("Python's JSON")
}

/// Values whose float sum in arrival order is wrong in its last bits, in an order and in
/// groups: quire's `sum` and `avg` equal `math.fsum` (over the count) exactly, with one
/// partition or four, in any row order.
#[test]
fn float_sums_are_exact_in_any_order_and_any_number_of_threads() {
    let Some(python) = duckdb_python() else { return };
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut values = Vec::new();
    for i in 0..60_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let cents = (x % 1_000_000) as f64 / 100.0;
        let scale = [1.0, 1e-3, 1e6, 1e12][(i % 4) as usize];
        let sign = if x % 3 == 0 { -1.0 } else { 1.0 };
        values.push((i % 5, sign * cents * scale));
    }
    let expected = {
        let script = "import json, math, sys\n\
            rows = json.load(sys.stdin)\n\
            groups = {}\n\
            for g, v in rows: groups.setdefault(g, []).append(v)\n\
            print(json.dumps({str(g): [math.fsum(v), math.fsum(v) / len(v)] for g, v in groups.items()}))";
        python_json(&python, script, &serde_json::to_vec(&values).expect("json"))
    };
    let table = |rows: &[(u64, f64)]| {
        use datafusion::arrow::array::{Float64Array, Int64Array};
        use datafusion::arrow::datatypes::{DataType, Field, Schema};
        let schema = std::sync::Arc::new(Schema::new(vec![
            Field::new("g", DataType::Int64, false),
            Field::new("v", DataType::Float64, false),
        ]));
        // Batches of 1,000 rows, so that four partitions share them.
        rows.chunks(1000)
            .map(|c| {
                datafusion::arrow::record_batch::RecordBatch::try_new(
                    schema.clone(),
                    vec![
                        std::sync::Arc::new(c.iter().map(|r| r.0 as i64).collect::<Int64Array>()),
                        std::sync::Arc::new(c.iter().map(|r| r.1).collect::<Float64Array>()),
                    ],
                )
                .expect("batch")
            })
            .collect::<Vec<_>>()
    };
    let mut reversed = values.clone();
    reversed.reverse();
    for (engine, rows, what) in [
        (Engine::new(), &values, "one partition"),
        (Engine::with_partitions(4), &values, "four partitions"),
        (Engine::new(), &reversed, "rows reversed"),
    ] {
        engine.register_batches(&TableName::new("t", "v"), table(rows)).expect("register");
        let got = block_on(engine.run("select g, sum(v) as s, avg(v) as a from t.v group by g order by g"))
            .expect("the sums");
        let got = quire_engine::to_table(&got).expect("table");
        for row in &got.rows {
            let (quire_core::Cell::Int(g), quire_core::Cell::Float(s), quire_core::Cell::Float(a)) =
                (&row[0], &row[1], &row[2])
            else {
                panic!("{what}: {row:?}")
            };
            let want = &expected[g.to_string()];
            assert_eq!(s.to_bits(), want[0].as_f64().expect("sum").to_bits(), "{what}: group {g}: sum {s} vs {want}");
            assert_eq!(a.to_bits(), want[1].as_f64().expect("avg").to_bits(), "{what}: group {g}: avg {a} vs {want}");
        }
        // And over the whole table, without `group by`.
        let all = block_on(engine.run("select sum(v) as s from t.v")).expect("the sum");
        let all = quire_engine::to_table(&all).expect("table");
        let fsum: f64 = {
            let mut e = quire_engine::exact::ExactSum::default();
            values.iter().for_each(|(_, v)| e.add(*v));
            e.value()
        };
        assert_eq!(all.rows[0][0], quire_core::Cell::Float(fsum), "{what}");
    }
}

/// Sums over every range of magnitudes (subnormals to 2^900, cancelling, halfway cases)
/// equal `math.fsum`'s bit for bit, whether a value adds to quire's fixed-point part or to
/// its partials, and whatever order the values come in (a zero's sign aside: Python
/// versions differ on it); infinities and NaNs add as floats do.
#[test]
fn exact_sums_equal_fsum_over_every_magnitude() {
    let Some(python) = duckdb_python() else { return };
    let tiny = f64::from_bits(1);
    let mut cases: Vec<Vec<f64>> = vec![
        vec![],
        vec![0.1, 0.2, 0.3],
        vec![1e16, 1.0, -1e16],
        vec![1e300, 1e-300, -1e300],
        vec![tiny, tiny, 3.0 * tiny, -tiny],
        vec![-0.0, -0.0],
        vec![0.0, -0.0],
        vec![2f64.powi(800), 2f64.powi(801), -2f64.powi(800), 1.0],
        vec![2f64.powi(900), 1.0, -2f64.powi(900)],
        vec![1.0, 2f64.powi(-60), 2f64.powi(60), -1.0, 2f64.powi(70), -2f64.powi(60)],
        // Halfway between two doubles: what lies below decides.
        vec![1.0, 2f64.powi(-53), 2f64.powi(-110)],
        vec![1.0, 2f64.powi(-53), -2f64.powi(-110)],
        vec![1.0 + 2f64.powi(-52), 2f64.powi(-53)],
        vec![f64::MAX, -f64::MAX, 1.0],
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..300 {
        let n = 1 + next() % 300;
        let spread = [4u64, 40, 120, 600, 2000][round % 5];
        let values: Vec<f64> = (0..n)
            .map(|_| {
                let r = next();
                let mantissa = (r >> 11) as f64 / (1u64 << 53) as f64;
                let exp = (next() % spread) as i32 - (spread / 2) as i32;
                let sign = if r & 1 == 0 { 1.0 } else { -1.0 };
                sign * mantissa * 2f64.powi(exp.clamp(-1070, 1000))
            })
            .collect();
        // And with their negations: exactly zero.
        let mut both = values.clone();
        both.extend(values.iter().rev().map(|v| -v));
        cases.push(values);
        cases.push(both);
    }
    let bits: Vec<Vec<u64>> = cases.iter().map(|c| c.iter().map(|v| v.to_bits()).collect()).collect();
    let script = "import json, math, struct, sys\n\
        f = lambda b: struct.unpack('<d', struct.pack('<Q', b))[0]\n\
        b = lambda x: struct.unpack('<Q', struct.pack('<d', x))[0]\n\
        print(json.dumps([b(math.fsum([f(v) for v in c])) for c in json.load(sys.stdin)]))";
    let want: Vec<u64> =
        serde_json::from_value(python_json(&python, script, &serde_json::to_vec(&bits).expect("json"))).expect("bits");
    let sum = |values: &[f64]| {
        let mut s = quire_engine::exact::ExactSum::default();
        values.iter().for_each(|v| s.add(*v));
        s
    };
    for (values, want) in cases.iter().zip(want) {
        // `-0` and `0` alike.
        let want = if f64::from_bits(want) == 0.0 { 0 } else { want };
        let sum = |values: &[f64]| {
            let s = sum(values);
            let v = s.value();
            (s, if v == 0.0 { 0.0 } else { v })
        };
        let (s, value) = sum(values);
        assert_eq!(value.to_bits(), want, "{values:?}: {value} against fsum's {}", f64::from_bits(want));
        // Any order: reversed, and odd ones first.
        let mut other: Vec<f64> = values.iter().rev().copied().collect();
        other.sort_by_key(|v| v.to_bits() % 2);
        assert_eq!(sum(&other).1.to_bits(), want, "{values:?} in another order");
        // What the rollup keeps besides: the sum and its residual add back exactly.
        if value.is_finite() {
            let mut rest = sum(values).0;
            rest.add(-value);
            assert!(rest.value() == s.residual(), "{values:?}: residual {} against {}", s.residual(), rest.value());
        }
    }
    // Infinities and NaNs add as floats do.
    assert_eq!(sum(&[f64::INFINITY, 1.0, -2.0]).value(), f64::INFINITY);
    assert!(sum(&[f64::INFINITY, f64::NEG_INFINITY]).value().is_nan());
    assert!(sum(&[f64::NAN, 1.0]).value().is_nan());
    assert_eq!(sum(&[f64::MAX, f64::MAX]).value(), f64::INFINITY);
}

const PAGE: &str = r#"---
title: Shop
---

```sql regions
select distinct region from shop.orders order by 1
```

```sql by_month
select date_trunc('month', day) as month, sum(amount) as amount, count(*) as orders
from shop.orders
where region = '${inputs.region.value}'
group by 1 order by 1
```

```sql distinct_buyers
select count(distinct buyer) as buyers from shop.orders where region = '${inputs.region.value}'
```

```sql mean_amount
select region, avg(cast(amount as decimal(10, 2))) as mean from shop.orders
where region = '${inputs.region.value}' group by region
```

```sql big
select buyer, amount from shop.orders where amount > ${inputs.least} order by amount desc, buyer limit 5
```

<Dropdown name=region data={regions} value=region />
<TextInput name=least defaultValue="90" />

<LineChart data={by_month} x=month y=amount />
<Value data={distinct_buyers} column=buyers />
<DataTable data={big} />
<DataTable data={mean_amount} />
"#;

/// The build ships the rollup a live aggregate reads, not the rows, and says with
/// `--verbose` what became of each live query; a query that needs rows still gets them. (An
/// average of decimals is a decimal and a rollup's a double: it ships only because the
/// proof found the same bits in every state it ran.)
#[test]
fn a_live_aggregate_ships_its_proved_rollup_and_verbose_says_why_others_ship_rows() {
    let mut csv = String::from("day,region,buyer,amount\n");
    for i in 0..3000u32 {
        let region = ["North", "South", "East"][(i % 3) as usize];
        let _ = std::fmt::Write::write_fmt(
            &mut csv,
            format_args!("2024-{:02}-{:02},{region},b{},{}.{:02}\n", 1 + i % 12, 1 + i % 28, i % 41, i % 97, i % 100),
        );
    }
    let p = Project::with_files(&[
        ("sources/shop/connection.yaml", "type: csv\n"),
        ("sources/shop/orders.csv", &csv),
        ("pages/index.md", PAGE),
    ]);
    let out = p.path().join("dist");
    let run = Run::new(quire().arg("build").arg(p.path()).arg("--verbose")).ok();
    let live: Vec<String> = run.stderr().lines().filter(|l| l.contains("Live")).map(|l| l.trim().to_string()).collect();
    insta::assert_snapshot!("verbose_live_queries", live.join("\n"));
    let data: Vec<String> = std::fs::read_dir(out.join("data"))
        .expect("data/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".parquet"))
        .collect();
    assert!(data.iter().any(|n| n.starts_with("quire_rollups.")), "{data:?}");
    // `distinct_buyers` and `big` need rows; the buyer and amount columns ship, for them.
    let html = std::fs::read_to_string(out.join("index.html")).expect("the page");
    let island = crate::util::island(&html);
    assert_eq!(island["rolled"], serde_json::json!(["by_month", "mean_amount"]));
    assert_eq!(island["rollups"].as_array().map(Vec::len), Some(2));
    assert!(data.iter().any(|n| n.starts_with("shop.orders.")), "{data:?}");

    // Over a large table, the states besides the defaults are proved on a sample of it.
    let run = Run::new(quire().env("QUIRE_SAMPLE_ABOVE", "1000").arg("build").arg(p.path()).arg("--verbose")).ok();
    let stderr = run.stderr();
    let sampled: Vec<&str> = stderr.lines().filter(|l| l.contains("on a sample of")).collect();
    assert!(sampled.iter().any(|l| l.contains("`by_month`") && l.contains("a sample of 200)")), "{stderr}");
}

/// A templated page's instances share one rollup of a large table instead of scanning it
/// each (`quire-build`'s `instances`): each instance shows DuckDB's numbers over the rows
/// for its state (one with no rows among them), where the `order by` leaves ties in an
/// order it allows; the results are those of a build that scans the table at each instance;
/// and `--verbose` says which queries shared and why the others did not.
#[test]
fn a_templated_pages_instances_share_one_rollup_and_show_duckdbs_numbers() {
    let Some(python) = duckdb_python() else { return };
    let (_, bytes) = orders_engine();
    let states = ["CA", "NY", "TX", "Ohio", "Iowa", "ZZ"];
    let links: Vec<String> = states.iter().map(|s| format!("- [{s}](/states/{s})\n")).collect();
    // Ordered in full, and with ties (three channels a month).
    let monthly = "select date_trunc('month', d) as month, channel, sum(sales) as sales, count(*) as n, \
                   avg(sales) as mean, max(qty) as most from {t} where state = '{state}' group by all \
                   order by month, channel";
    let tied = "select date_trunc('month', d) as month, channel, sum(qty) as q from {t} \
                where state = '{state}' group by all order by month";
    let page_sql = |sql: &str| sql.replace("{t}", "shop.orders").replace("{state}", "${params.state}");
    let template = format!(
        "```sql monthly\n{}\n```\n\n```sql tied\n{}\n```\n\n\
         ```sql total\nselect count(*) as n, sum(sales) as s from shop.orders\n\
         where state = '${{params.state}}' and channel <> 'Web'\n```\n\n\
         ```sql kinds\nselect count(distinct category) as n from shop.orders where state = '${{params.state}}'\n```\n\n\
         # {{params.state}}\n\n<DataTable data={{monthly}} />\n\n<DataTable data={{tied}} />\n\n\
         <DataTable data={{total}} />\n\n<Value data={{kinds}} column=n />\n",
        page_sql(monthly),
        page_sql(tied)
    );
    let p = Project::with_files(&[
        ("sources/shop/connection.yaml", "type: parquet\n"),
        ("pages/index.md", &format!("# States\n\n{}", links.concat())),
        ("pages/states/[state].md", &template),
    ]);
    std::fs::write(p.path().join("sources/shop/orders.parquet"), &bytes).expect("write the orders");

    let shared = Run::new(quire().env("QUIRE_SAMPLE_ABOVE", "1000").arg("build").arg(p.path()).arg("--verbose")).ok();
    let stderr = shared.stderr();
    let said = |q: &str, what: &str| stderr.lines().any(|l| l.contains(&format!("`{q}` {what}")));
    for q in ["monthly", "tied", "total"] {
        assert!(said(q, "runs at every instance on one rollup"), "{q}: {stderr}");
    }
    assert!(said("kinds", "scans its table at each instance: ") && stderr.contains("every row"), "{stderr}");
    assert!(!stderr.contains("disagreed"), "{stderr}");

    // Each instance's numbers, from the CSV its download button offers, are DuckDB's.
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("orders.parquet"), &bytes).expect("write");
    let sql_at = |sql: &str, s: &str| sql.replace("{t}", "orders").replace("{state}", s);
    let theirs: Vec<String> = states.iter().flat_map(|s| [sql_at(monthly, s), sql_at(tied, s)]).collect();
    let answers = duckdb_answers(&python, dir.path(), &theirs.iter().map(String::as_str).collect::<Vec<_>>());
    let dist = p.path().join("dist");
    let csv_of = |dist: &std::path::Path, state: &str, q: &str| -> String {
        let html = std::fs::read_to_string(dist.join(format!("states/{state}/index.html"))).expect("the instance");
        let name = html
            .split(&format!("data/{q}."))
            .nth(1)
            .and_then(|s| s.split(".csv").next())
            .unwrap_or_else(|| panic!("no CSV of `{q}` on /states/{state}"));
        std::fs::read_to_string(dist.join(format!("data/{q}.{name}.csv"))).expect("the CSV")
    };
    let rows_of = |csv: &str| -> Vec<Value> {
        csv.lines()
            .skip(1)
            .map(|line| {
                let cells = line.split(',').map(|c| match c.parse::<f64>() {
                    _ if c.is_empty() => Value::Null,
                    Ok(x) => serde_json::json!(x),
                    Err(_) => Value::String(c.to_string()),
                });
                Value::Array(cells.collect())
            })
            .collect()
    };
    let sorted = |mut rows: Vec<Value>| {
        rows.sort_by_key(|r| r.to_string());
        rows
    };
    for (state, answers) in states.iter().zip(answers.chunks(2)) {
        let csv = csv_of(&dist, state, "monthly");
        let rows = rows_of(&csv);
        assert_eq!(rows.is_empty(), *state == "ZZ", "/states/{state}: {csv}");
        let ours = serde_json::json!({ "rows": rows });
        agree(&ours, &answers[0]).unwrap_or_else(|why| panic!("/states/{state}: {why}\n{csv}\nDuckDB: {}", answers[0]));
        // Ties in any order, months in order.
        let csv = csv_of(&dist, state, "tied");
        let rows = rows_of(&csv);
        let months: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
        assert!(months.windows(2).all(|w| w[0] <= w[1]), "/states/{state}: {csv}");
        let theirs = answers[1]["rows"].as_array().expect("rows").clone();
        let (ours, theirs) =
            (serde_json::json!({ "rows": sorted(rows) }), serde_json::json!({ "rows": sorted(theirs) }));
        agree(&ours, &theirs).unwrap_or_else(|why| panic!("/states/{state}: {why}\n{csv}\nDuckDB: {theirs}"));
    }

    // A build that scans the table at each instance gives the same results.
    let out = p.path().join("scanned");
    let scanned = Run::new(quire().arg("build").arg(p.path()).arg("--verbose").arg("--out").arg(&out)).ok();
    assert!(!scanned.stderr().contains("at every instance"), "{}", scanned.stderr());
    for state in states {
        for q in ["monthly", "total", "kinds"] {
            assert_eq!(csv_of(&dist, state, q), csv_of(&out, state, q), "`{q}` on /states/{state}");
        }
        let (a, b) = (rows_of(&csv_of(&dist, state, "tied")), rows_of(&csv_of(&out, state, "tied")));
        assert_eq!(sorted(a), sorted(b), "`tied` on /states/{state}");
    }
}

/// The engine checks a remembered rewrite at each set of values before it trusts it: where
/// its check disagrees the query runs as written there, and the next values are checked in
/// their turn (what one instance shows does not depend on which ran before it); where it
/// agrees, the rewrite's answer is the one given (here a different one, to tell them apart).
#[test]
fn a_rewrite_is_trusted_only_where_its_check_agrees() {
    use quire_engine::Rewrite;
    let page = quire_core::Page::parse("```sql q\nselect $1 as x\n```\n".replace("$1", "'${params.v}'").as_str())
        .expect("the page");
    let engine = Engine::remembering();
    let memo = engine.memo().expect("a memo").clone();
    let params: quire_core::InputState = [("params.v".to_string(), vec!["a".to_string()])].into_iter().collect();
    let sql = block_on(engine.run_page_with(&page, &params)).expanded["q"].sql.clone();
    let run_with = |v: &str| {
        let params: quire_core::InputState = [("params.v".to_string(), vec![v.to_string()])].into_iter().collect();
        block_on(engine.run_page_with(&page, &params))
    };
    let cell = |run: &quire_engine::PageRun| run.results["q"].rows[0][0].clone();
    // Agreeing: the check's two queries give the same at the values.
    let rewrite = |check: (&str, &str)| Rewrite {
        sql: "select 'rewritten ' || cast($1 as varchar) as x".into(),
        check: Some((check.0.into(), check.1.into())),
    };
    memo.put_rewrite(&sql, rewrite(("select cast($1 as varchar) as v", "select cast($1 as varchar) as v")));
    let run = run_with("b");
    assert_eq!(cell(&run), quire_core::Cell::Text("rewritten b".into()));
    assert_eq!(run.rewritten, vec!["q".to_string()]);
    // Disagreeing at `c` alone: run as written there, and trusted again at `d`.
    let at_c_only = "select case when cast($1 as varchar) = 'c' then 'no' else cast($1 as varchar) end as v";
    memo.put_rewrite(&sql, rewrite(("select cast($1 as varchar) as v", at_c_only)));
    let run = run_with("c");
    assert_eq!(cell(&run), quire_core::Cell::Text("c".into()));
    assert_eq!(run.unproved, vec!["q".to_string()]);
    let run = run_with("d");
    assert_eq!((cell(&run), run.unproved.len()), (quire_core::Cell::Text("rewritten d".into()), 0));
    assert_eq!(run.rewritten, vec!["q".to_string()]);
}
