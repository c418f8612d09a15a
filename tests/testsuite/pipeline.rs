//! `quire run`: models run in stage order, only what changed runs again, a stage commits
//! whole or not at all, data tests stop a stage, and a run killed at any moment leaves the
//! last committed state readable and the next run correct.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use quire_build::committed::Manifest;
use quire_pipeline::{RunOptions, RunReport, Status};

use crate::util::{Project, Run, quire};

mod durable;

fn run(p: &Project, options: &RunOptions) -> RunReport {
    let (report, result) = quire_pipeline::run(p.path(), options, &quire_pipeline::Quiet);
    if let Err(e) = result {
        panic!("the run failed: {:?}", e.diagnostics(false));
    }
    report
}

fn ran(report: &RunReport) -> BTreeSet<&str> {
    report.models.iter().filter(|m| m.status == Status::Ran).map(|m| m.table.as_str()).collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

fn edit(p: &Project, rel: &str, from: &str, to: &str) {
    let text = p.read(rel);
    assert!(text.contains(from), "{rel} should contain {from:?}");
    std::fs::write(p.path().join(rel), text.replacen(from, to, 1)).expect("write");
}

const ALL: &[&str] =
    &["raw.orders", "raw.customers", "clean.orders", "clean.customers", "marts.revenue", "marts.daily"];

#[test]
fn only_what_changed_runs_again() {
    let p = Project::fixture("pipeline");
    let defaults = RunOptions::default();
    let r = run(&p, &defaults);
    assert_eq!(ran(&r), set(ALL), "{r:?}");
    // Stage order: every raw model before every clean one, before every mart.
    let order: Vec<&str> = r.models.iter().map(|m| m.table.split('.').next().unwrap_or("")).collect();
    assert_eq!(order, ["raw", "raw", "clean", "clean", "marts", "marts"]);
    assert_eq!(r.models.iter().find(|m| m.table == "marts.revenue").map(|m| m.rows), Some(3));

    // Nothing changed: nothing runs.
    let r = run(&p, &defaults);
    assert!(r.nothing_to_do(), "{r:?}");
    assert_eq!(r.count(Status::Cached), 6);

    // Whitespace and comments are not changes.
    edit(&p, "pipeline/clean/orders.sql", "where amount > 0", "-- only real sales\nwhere   amount >   0\n\n");
    edit(&p, "pipeline/raw/customers.sql", "select id,", "SELECT\n  id,");
    assert!(run(&p, &defaults).nothing_to_do(), "a comment, case or whitespace edit runs nothing");

    // A real edit: the model and everything downstream of it, nothing else.
    edit(&p, "pipeline/clean/orders.sql", "amount >   0", "amount > 50");
    let r = run(&p, &defaults);
    assert_eq!(ran(&r), set(&["clean.orders", "marts.revenue", "marts.daily"]));

    // A source file: the models that read it and their downstream.
    let csv = p.read("sources/shop/customers.csv");
    std::fs::write(p.path().join("sources/shop/customers.csv"), csv.replace("Dana,West", "Dana,East")).expect("write");
    let r = run(&p, &defaults);
    assert_eq!(ran(&r), set(&["raw.customers", "clean.customers", "marts.revenue"]));
    // Touching a file without changing it runs nothing.
    let csv = p.read("sources/shop/orders.csv");
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(p.path().join("sources/shop/orders.csv"), csv).expect("write");
    assert!(run(&p, &defaults).nothing_to_do());

    // `version` forces a model and its downstream.
    edit(&p, "pipeline/marts/daily.sql", "select", "-- config: version = 2\nselect");
    assert_eq!(ran(&run(&p, &defaults)), set(&["marts.daily"]));

    // Changed tests run again over the committed output, without running the model.
    edit(&p, "pipeline/clean/customers.toml", "max = 1000", "max = 999");
    let r = run(&p, &defaults);
    assert_eq!(ran(&r), set(&[]));
    assert_eq!(r.models.iter().filter(|m| m.status == Status::Tested).count(), 1);

    // --select model+ and --full-refresh.
    let r = run(&p, &RunOptions { select: vec!["raw.orders+".into()], full_refresh: false });
    assert_eq!(ran(&r), set(&["raw.orders", "clean.orders", "marts.revenue", "marts.daily"]));
    let r = run(&p, &RunOptions { select: vec!["daily".into()], full_refresh: false });
    assert_eq!(ran(&r), set(&["marts.daily"]), "a unique model name needs no stage");
    let r = run(&p, &RunOptions { select: vec![], full_refresh: true });
    assert_eq!(ran(&r), set(ALL));

    // The cache keeps only what the manifest names.
    let manifest = Manifest::load(p.path()).expect("manifest");
    let files: BTreeSet<String> = std::fs::read_dir(p.path().join(".quire/cache"))
        .expect("cache")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let named: BTreeSet<String> = manifest.tables.values().map(|c| c.file.clone()).collect();
    assert_eq!(files, named);
}

/// Models run in DuckDB's dialect, so their graph and cache key are read in it too: the
/// generic dialect does not parse `amount notnull as paid` (alone, `amount notnull` would
/// be a column named `notnull`), and reads `order by all` as a column named `all`.
#[test]
fn a_model_in_duckdbs_spelling_has_a_graph_a_key_and_a_table() {
    let p = Project::fixture("pipeline");
    p.write(
        "pipeline/marts/regions.sql",
        "select c.region, o.amount notnull as paid, {'orders': count(*), 'first': min(o.id)} as summary,\n\
         from clean.orders o join clean.customers c on o.customer_id = c.id\n\
         group by all\n\
         order by all\n",
    );
    let graph = quire_pipeline::graph(p.path()).unwrap_or_else(|e| panic!("{:?}", e.diagnostics(false)));
    let node = graph.node("marts.regions").expect("the model is in the graph");
    assert!(node.normalized.contains("o.amount IS NOT NULL AS paid"), "{}", node.normalized);
    assert!(node.normalized.ends_with("ORDER BY ALL"), "{}", node.normalized);
    assert_eq!(node.models, ["clean.customers", "clean.orders"].map(String::from).into());
    let r = run(&p, &RunOptions::default());
    assert!(ran(&r).contains("marts.regions"), "{r:?}");
    assert_eq!(r.models.iter().find(|m| m.table == "marts.regions").map(|m| m.rows), Some(3));
    assert!(run(&p, &RunOptions::default()).nothing_to_do(), "the key is the same on the next run");
}

#[test]
fn an_ambiguous_select_names_the_candidates() {
    let p = Project::fixture("pipeline");
    let (_, result) = quire_pipeline::run(
        p.path(),
        &RunOptions { select: vec!["customers".into()], full_refresh: false },
        &quire_pipeline::Quiet,
    );
    let err = result.expect_err("ambiguous");
    let text = format!("{:?}", err.diagnostics(false));
    assert!(text.contains("clean.customers") && text.contains("raw.customers"), "{text}");
    let (_, result) = quire_pipeline::run(
        p.path(),
        &RunOptions { select: vec!["clean.revenue+".into()], full_refresh: false },
        &quire_pipeline::Quiet,
    );
    let text = format!("{:?}", result.expect_err("unknown").diagnostics(false));
    assert!(text.contains("did you mean `marts.revenue`"), "{text}");
}

#[test]
fn a_failing_test_keeps_its_stage_uncommitted() {
    let p = Project::fixture("pipeline");
    run(&p, &RunOptions::default());
    let before = Manifest::load(p.path()).expect("manifest");
    // Break a clean model's test and change a raw model: raw commits, clean does not, and
    // marts does not run.
    edit(&p, "pipeline/raw/orders.sql", "select id,", "select id + 0 as id,");
    edit(&p, "pipeline/clean/orders.sql", "\"phone\"]", "\"post\"]");
    let (report, result) = quire_pipeline::run(p.path(), &RunOptions::default(), &quire_pipeline::Quiet);
    let err = result.expect_err("the accepted_values test fails");
    let d = &err.diagnostics(false)[0];
    assert_eq!(d.location, "pipeline/clean/orders.sql:5:24");
    assert!(d.report.contains("1 row of `clean.orders` breaks accepted_values(channel)"), "{}", d.report);
    assert!(d.report.contains("phone"), "the failing rows are shown: {}", d.report);
    let status = |t: &str| report.models.iter().find(|m| m.table == t).map(|m| m.status);
    assert_eq!(status("raw.orders"), Some(Status::Ran));
    assert_eq!(status("clean.orders"), Some(Status::Failed));
    assert_eq!(status("marts.revenue"), Some(Status::Skipped));
    let after = Manifest::load(p.path()).expect("manifest");
    assert_ne!(after.tables["raw.orders"], before.tables["raw.orders"], "raw committed");
    assert_eq!(after.tables["clean.orders"], before.tables["clean.orders"], "clean kept its last commit");
    assert_eq!(
        after.tables["clean.customers"], before.tables["clean.customers"],
        "the whole stage, even its passing model"
    );
    assert_eq!(after.tables["marts.revenue"], before.tables["marts.revenue"]);

    // The CLI: non-zero, the summary, and the build refuses to start over a failed run.
    let run = Run::new(quire().arg("build").arg(p.path()));
    assert_eq!(run.output.status.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains("clean.orders     failed"), "{err}");
    assert!(err.contains("the run stopped with 1 error; the last committed tables were left as they were"), "{err}");
    assert!(!p.path().join("dist").exists(), "no site was written");
    // --no-run builds with what is committed.
    Run::new(quire().arg("build").arg(p.path()).arg("--no-run").arg("--quiet")).ok();
    assert!(p.read("dist/index.html").contains("NORTH"));
}

#[test]
fn pages_read_pipeline_tables_and_the_cli_reports() {
    let p = Project::fixture("pipeline");
    let first = Run::new(quire().arg("run").arg(p.path())).ok();
    let err = first.stderr();
    assert!(err.contains("Ran raw.orders (6 rows"), "{err}");
    assert!(err.contains("Done 6 ran, 0 cached, 0 failed, 0 skipped"), "{err}");
    let again = Run::new(quire().arg("run").arg(p.path())).ok();
    assert!(again.stderr().contains("nothing to run: all 6 models are current"), "{}", again.stderr());

    let dag = Run::new(quire().arg("run").arg(p.path()).arg("--dag")).ok();
    let dag = String::from_utf8_lossy(&dag.output.stdout).into_owned();
    insta::assert_snapshot!("pipeline_dag", dag);

    Run::new(quire().arg("build").arg(p.path()).arg("--quiet")).ok();
    let html = p.read("dist/index.html");
    assert!(html.contains("NORTH") && html.contains("$465.75"), "the page reads marts.revenue");

    // The lineage page: every table the report uses, what made it, who reads it.
    let lineage = p.read("dist/lineage/index.html");
    assert!(html.contains("href=\"./lineage/index.html\""), "the sidebar links the lineage page");
    let article = crate::util::article(&lineage);
    for edge in [
        "shop.orders → raw.orders",
        "raw.orders → clean.orders",
        "clean.customers → marts.revenue",
        "marts.revenue → /",
    ] {
        assert!(article.contains(edge), "lineage edge {edge}:\n{article}");
    }
    insta::assert_snapshot!("pipeline_lineage", article);
}

/// `kill -9` at random moments of a run: the committed state stays readable, and the next
/// run ends where an uninterrupted run ends.
#[test]
fn a_run_killed_at_any_moment_loses_nothing() {
    let p = Project::fixture("pipeline");
    // Enough rows that a run takes a while.
    let mut csv = String::from("id,day,customer_id,channel,amount\n");
    for i in 0..300_000u64 {
        csv.push_str(&format!(
            "{i},2024-{:02}-{:02},{},{},{}.5\n",
            i % 12 + 1,
            i % 28 + 1,
            10 + i % 4,
            ["web", "store", "phone"][(i % 3) as usize],
            i % 500 + 1
        ));
    }
    std::fs::write(p.path().join("sources/shop/orders.csv"), csv).expect("write");
    edit(&p, "pipeline/clean/orders.sql", "unique = [\"id\"]", "unique = [\"id\"]\n-- row_count = { min = 1 }");

    let clean = Project::fixture("pipeline");
    crate::util::copy_dir(&p.path().join("sources"), &clean.path().join("sources"));
    crate::util::copy_dir(&p.path().join("pipeline"), &clean.path().join("pipeline"));
    let timed = std::time::Instant::now();
    run(&clean, &RunOptions::default());
    let full = timed.elapsed();
    let expected = Manifest::load(clean.path()).expect("manifest");

    let check = |when: &str| {
        let m = Manifest::load(p.path()).unwrap_or_else(|e| panic!("{when}: the manifest must parse: {e:?}"));
        for (table, c) in &m.tables {
            let path = Manifest::path(p.path(), c);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{when}: {table}'s file is there: {e}"));
            assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"), "{when}: {table}'s file is whole");
        }
    };
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..8 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Somewhere in the run, including start-up.
        let wait = Duration::from_millis(seed % (full.as_millis() as u64 + 200).max(1));
        let mut child = quire().arg("run").arg(p.path()).arg("--quiet").arg("--full-refresh").spawn().expect("spawn");
        std::thread::sleep(wait);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        check(&format!("after a kill at {wait:?} (round {round})"));
    }
    let r = run(&p, &RunOptions::default());
    assert!(r.count(Status::Failed) == 0);
    let after = Manifest::load(p.path()).expect("manifest");
    let keys = |m: &Manifest| m.tables.iter().map(|(t, c)| (t.clone(), c.key.clone(), c.rows)).collect::<Vec<_>>();
    assert_eq!(keys(&after), keys(&expected), "the interrupted project ends where a clean run ends");
    assert!(run(&p, &RunOptions::default()).nothing_to_do());
    check("at the end");
    let _ = Path::new("");
}

/// The tables' bytes at one thread and at four are the same, though at four the models of
/// a stage run side by side: over 60,000 rows in 2,000 groups, a plan split four ways
/// would give the groups in another order. Split four ways on purpose (`partitions`), a
/// model gives the same rows; and a cluster with `partitions` is refused.
#[test]
fn more_threads_give_the_same_tables() {
    let p = Project::fixture("pipeline");
    let mut csv = String::from("id,key,v\n");
    for i in 0..60_000u64 {
        csv.push_str(&format!("{i},{},{}.{:02}\n", (i * 7919) % 2000, (i * 31) % 997, i % 100));
    }
    std::fs::write(p.path().join("sources/shop/events.csv"), csv).expect("write");
    std::fs::write(p.path().join("pipeline/raw/events.sql"), "select * from shop.events").expect("write");
    std::fs::write(
        p.path().join("pipeline/marts/by_key.sql"),
        "select key, count(*) as n, sum(v) as v, min(id) as first from raw.events group by key",
    )
    .expect("write");
    std::fs::write(p.path().join("pipeline/marts/evens.sql"), "select * from raw.events where id % 2 = 0")
        .expect("write");
    let tables = |threads: usize| {
        std::fs::write(
            p.path().join("quire.toml"),
            format!("title = \"Threads\"\n\n[pipeline]\nthreads = {threads}\n"),
        )
        .expect("write");
        let r = run(&p, &RunOptions { full_refresh: true, ..RunOptions::default() });
        assert_eq!(r.count(Status::Ran), ALL.len() + 3, "{r:?}");
        let order: Vec<String> = r.models.iter().map(|m| m.table.clone()).collect();
        let manifest = Manifest::load(p.path()).expect("manifest");
        let bytes: Vec<(String, Vec<u8>)> = manifest
            .tables
            .iter()
            .map(|(t, c)| (t.clone(), std::fs::read(Manifest::path(p.path(), c)).expect("cache file")))
            .collect();
        (order, bytes)
    };
    let (one_order, one) = tables(1);
    let (four_order, four) = tables(4);
    assert_eq!(four_order, one_order, "the report lists models in the same order");
    assert_eq!(one.len(), ALL.len() + 3);
    for ((table, a), (_, b)) in one.iter().zip(&four) {
        assert!(a == b, "`{table}` has other bytes at four threads");
    }
    // Split four ways (`partitions`), the same groups and sums, in whatever order.
    std::fs::write(p.path().join("quire.toml"), "title = \"Threads\"\n\n[pipeline]\npartitions = 4\n").expect("write");
    run(&p, &RunOptions { select: vec!["marts.by_key".into()], ..RunOptions::default() });
    let sorted = |p: &Project| {
        let engine = quire_engine::Engine::new();
        let manifest = Manifest::load(p.path()).expect("manifest");
        let file = Manifest::path(p.path(), &manifest.tables["marts.by_key"]);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            engine
                .register_file(&quire_engine::TableName::new("m", "k"), &file, quire_engine::FileFormat::Parquet)
                .await
                .expect("register");
            let b = engine.run("select * from m.k order by key").await.expect("run");
            quire_engine::to_table(&b).expect("table").rows.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>()
        })
    };
    let split = sorted(&p);
    std::fs::write(p.path().join("quire.toml"), "title = \"Threads\"\n").expect("write");
    run(&p, &RunOptions { select: vec!["marts.by_key".into()], ..RunOptions::default() });
    assert_eq!(split, sorted(&p), "split four ways, the same rows");
    assert_eq!(split.len(), 2000);
    // Splitting is for models run in the process: with a cluster, quire.toml is wrong.
    std::fs::write(
        p.path().join("quire.toml"),
        "title = \"Threads\"\n\n[pipeline]\npartitions = 2\nengine = \"ballista://127.0.0.1:9\"\n",
    )
    .expect("write");
    let (_, result) = quire_pipeline::run(
        p.path(),
        &RunOptions { full_refresh: true, ..RunOptions::default() },
        &quire_pipeline::Quiet,
    );
    let message = format!("{:?}", result.expect_err("a cluster with partitions is refused").diagnostics(false));
    assert!(message.contains("`partitions` splits models run in the process"), "{message}");
    let cli = quire().arg("run").arg(p.path()).output().expect("quire runs");
    let said = String::from_utf8_lossy(&cli.stderr);
    assert!(!cli.status.success(), "{said}");
    assert!(
        said.contains("`partitions` splits models run in the process, and `engine` names a cluster")
            && said.contains("leave `partitions` out"),
        "{said}"
    );
    std::fs::write(p.path().join("quire.toml"), "title = \"Threads\"\n").expect("write");
    Run::new(quire().arg("build").arg(p.path()).arg("--quiet")).ok();
    assert!(p.read("dist/index.html").contains("$465.75"));
    // Threads are not part of any key: going back to the default runs nothing.
    std::fs::write(p.path().join("quire.toml"), "title = \"Threads\"\n").expect("write");
    assert!(run(&p, &RunOptions::default()).nothing_to_do());
}

/// A page whose input drives a query over a pipeline table ships exactly that table (the
/// columns its live query reads) for the browser, and no other.
#[test]
fn the_browser_gets_the_pipeline_tables_its_pages_query() {
    let p = Project::fixture("pipeline");
    std::fs::write(
        p.path().join("pages/regions.md"),
        "---\ntitle: Regions\n---\n\n```sql regions\nselect region from marts.revenue order by region\n```\n\n<Dropdown name=region data={regions} value=region />\n\n```sql picked\nselect region, revenue from marts.revenue where region = '${inputs.region.value}'\n```\n\n<Value data={picked} column=revenue fmt=usd2 />\n",
    )
    .expect("write");
    Run::new(quire().arg("build").arg(p.path()).arg("--quiet")).ok();
    let shipped: Vec<String> = std::fs::read_dir(p.path().join("dist/data"))
        .expect("dist/data")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".parquet"))
        .collect();
    assert_eq!(shipped.len(), 1, "{shipped:?}");
    assert!(shipped[0].starts_with("marts.revenue."), "{shipped:?}");
    let html = p.read("dist/regions/index.html");
    assert!(html.contains(&format!("\"marts.revenue\":\"data/{}\"", shipped[0])), "the page's island names it");
}

/// With the pipeline's memory bound far below what its queries hold (2 MB), a `unique`
/// test over 300,000 keys and an aggregate over them still give the right answers (they
/// spill), a join whose hash table cannot spill runs again without the bound, and a
/// duplicate key is still found.
#[test]
fn a_memory_bound_spills_or_runs_unbounded_and_answers_the_same() {
    let page = "```sql counts\nselect \
                (select 'groups ' || cast(count(*) as varchar) || ' of ' || cast(sum(n) as varchar) from marts.groups) as g, \
                (select 'pairs ' || cast(count(*) as varchar) from marts.pairs) as p\n```\n\n\
                <Value data={counts} column=g /> and <Value data={counts} column=p />\n";
    let mut csv = String::from("i\n");
    for i in 0..300_000u64 {
        csv.push_str(&format!("{}\n", (i * 7919) % 300_000));
    }
    let p = Project::with_files(&[
        ("sources/shop/connection.yaml", "type: csv\n"),
        ("sources/shop/keys.csv", &csv),
        (
            "pipeline/raw/keys.sql",
            "-- config:\n-- [tests]\n-- unique = [\"id\"]\n\
             select i as id, i % 1000 as g, cast(i as double) * 1.5 as v from shop.keys\n",
        ),
        ("pipeline/marts/groups.sql", "select g, count(*) as n, sum(v) as v from raw.keys group by g\n"),
        ("pipeline/marts/pairs.sql", "select a.id, b.v from raw.keys a join raw.keys b on a.id = b.id\n"),
        ("pages/index.md", page),
    ]);
    let bounded = |p: &Project| Run::new(quire().arg("run").arg(p.path()).env("QUIRE_MEMORY_LIMIT", "2000000"));
    bounded(&p).ok();
    Run::new(quire().arg("build").arg(p.path()).arg("--no-run").arg("--quiet")).ok();
    let text = crate::util::plain_text(&p.read("dist/index.html"));
    assert!(text.contains("groups 1000 of 300000") && text.contains("pairs 300000"), "{text}");
    // A duplicate key: the bounded test still finds it.
    edit(&p, "pipeline/raw/keys.sql", "from shop.keys", "from shop.keys union all select 7, 7, 1.0");
    let second = bounded(&p);
    assert!(!second.success(), "a duplicate id must fail the run");
    let said = second.stderr();
    assert!(said.contains("unique(id)") && said.contains("1 row"), "{said}");
}

/// Tables registered at the same moment in a schema that does not exist yet (a stage's
/// models side by side, a page's rollups) are all kept: the schema is made once. Eight
/// threads released together, forty times.
#[test]
fn tables_registered_at_once_in_a_new_schema_are_all_kept() {
    use quire_engine::datafusion::arrow::array::Int64Array;
    use quire_engine::datafusion::arrow::record_batch::RecordBatch;
    let batch =
        RecordBatch::try_from_iter([("x", std::sync::Arc::new(Int64Array::from(vec![1i64])) as _)]).expect("a batch");
    for round in 0..40 {
        let engine = quire_engine::Engine::new();
        let gate = std::sync::Barrier::new(8);
        std::thread::scope(|s| {
            for i in 0..8 {
                let (engine, gate, batch) = (&engine, &gate, batch.clone());
                s.spawn(move || {
                    gate.wait();
                    let name = quire_engine::TableName::new(format!("s{round}"), format!("t{i}"));
                    engine.register_new(&name, vec![batch]).expect("registered");
                });
            }
        });
        let kept: Vec<String> = (0..8)
            .filter(|i| engine.context().table_exist(format!("s{round}.t{i}").as_str()).unwrap_or(false))
            .map(|i| format!("t{i}"))
            .collect();
        assert_eq!(kept.len(), 8, "round {round}: only {kept:?} kept");
    }
}
