//! `quire build` on good projects: what it writes, and that it writes the same twice.

use crate::util::{Project, Run, article, copy_dir, quire, repo, tree};

#[test]
fn shop_builds_a_complete_site() {
    let project = Project::fixture("shop");
    let run = project.build().ok();
    assert!(run.stderr().contains("Built 2 pages, 1 table for the browser"), "{}", run.stderr());
    let files = tree(&project.path().join("dist"));
    let names: Vec<&str> = files.keys().map(String::as_str).filter(|n| !n.starts_with("_quire/")).collect();
    // Every query's result downloads as CSV.
    let csv: Vec<&&str> = names.iter().filter(|n| n.ends_with(".csv")).collect();
    assert_eq!(csv.len(), 5, "{csv:?}");
    assert!(names.iter().any(|n| n.starts_with("data/channel_orders.") && n.ends_with(".csv")), "{names:?}");
    let names: Vec<&str> = names.into_iter().filter(|n| !n.ends_with(".csv")).collect();
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names.contains(&"index.html") && names.contains(&"people/index.html") && names.contains(&"style.css"));
    // The mark of a site quire wrote, and may replace.
    assert!(names.contains(&".quire-dist"));
    // The live query aggregates: its rollup ships, not the orders.
    assert!(names.iter().any(|n| n.starts_with("data/quire_rollups.") && n.ends_with(".parquet")), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("data/shop.orders.")), "{names:?}");
    // Only tables that queries reading inputs use are shipped: the people page has none.
    assert!(!names.iter().any(|n| n.starts_with("data/people.customers.")), "{names:?}");

    let index = project.read("dist/index.html");
    insta::assert_snapshot!("shop_index_article", article(&index));
    // Links are relative, so the site works under any sub-path.
    assert!(index.contains("href=\"./style.css\""));
    let people = project.read("dist/people/index.html");
    assert!(people.contains("href=\"../style.css\""));
    insta::assert_snapshot!("shop_people_article", article(&people));
}

#[test]
fn the_data_island_carries_what_the_runtime_needs() {
    let project = Project::fixture("shop");
    project.build().ok();
    let html = project.read("dist/index.html");
    let island = crate::util::island(&html);
    let tables = island["tables"].as_object().expect("tables");
    let (name, path) = tables.iter().next().expect("a table ships");
    assert!(name.starts_with("quire_rollups.") && tables.len() == 1, "{tables:?}");
    assert!(project.path().join("dist").join(path.as_str().expect("a path")).is_file());
    assert_eq!(island["rolled"], serde_json::json!(["channel_orders"]));
    assert_eq!(island["rollups"][0]["table"].as_str().map(|t| format!("quire_rollups.{t}")).as_ref(), Some(name));
    assert_eq!(island["root"], "./");
    assert_eq!(island["live"], serde_json::json!(["channel_orders"]));
    assert_eq!(island["inputs"]["channel"], serde_json::json!(["phone"]));
    // What `<LastRefreshed>` shows, for a slot the runtime re-renders (inside an `{#if}`).
    let refreshed = quire_build::Project::load(project.path()).expect("loads").refreshed.expect("a time");
    assert_eq!(island["inputs"]["@refreshed"], serde_json::json!([refreshed]));
    assert_eq!(island["choices"]["channels"]["rows"].as_array().map(Vec::len), Some(3));
    assert_eq!(island["check"]["query"], "channel_orders");
    assert_eq!(island["check"]["expected"]["rows"].as_array().map(Vec::len), Some(1));
    assert!(island["source"].as_str().is_some_and(|s| s.contains("${inputs.channel.value}")));
    let csv = island["csv"]["by_month"].as_str().expect("a CSV per query");
    let csv = std::fs::read_to_string(project.path().join("dist").join(csv)).expect("written");
    assert!(csv.starts_with("month,channel,amount\r\n2024-01-01 00:00:00,"), "{csv}");
    // A page without inputs needs no engine: nothing to load, nothing shipped.
    let people = project.read("dist/people/index.html");
    assert!(people.contains("\"live\":[]") && people.contains("\"tables\":{}"), "{people}");
}

#[test]
fn builds_are_byte_identical() {
    let project = Project::fixture("shop");
    let a = project.path().join("a");
    let b = project.path().join("b");
    Run::new(quire().arg("build").arg(project.path()).arg("--out").arg(&a)).ok();
    Run::new(quire().arg("build").arg(project.path()).arg("--out").arg(&b)).ok();
    assert_eq!(tree(&a), tree(&b));
}

/// The example built on one thread and on four: on four, each page's independent queries,
/// its rollups and their sample are made side by side (the bars for rollups and samples
/// lowered, so that the explorer proves its rollups on a sample and the state pages share
/// one); on one, one after another. The same site, byte for byte, and the same report.
#[test]
fn a_build_on_one_thread_and_on_four_writes_the_same_site() {
    let example = repo().join("reports_example");
    let dir = tempfile::tempdir().expect("tmp");
    for part in ["pages", "pipeline", "sources"] {
        copy_dir(&example.join(part), &dir.path().join(part));
    }
    Run::new(quire().arg("run").arg(dir.path())).ok();
    let build = |threads: usize| {
        std::fs::write(dir.path().join("quire.toml"), format!("title = \"Acme\"\n\n[build]\nthreads = {threads}\n"))
            .expect("write");
        let out = dir.path().join(format!("at-{threads}"));
        let run = Run::new(
            quire()
                .env("QUIRE_SAMPLE_ABOVE", "20000")
                .env("QUIRE_BINNED_ABOVE", "1000")
                .arg("build")
                .arg(dir.path())
                .arg("--verbose")
                .arg("--no-run")
                .arg("--out")
                .arg(&out),
        )
        .ok();
        // What it says, less the timing and the folder it wrote.
        let said: Vec<String> = run
            .stderr()
            .lines()
            .filter(|l| !l.trim_start().starts_with("Built") && !l.trim_start().starts_with("Wrote"))
            .map(str::to_string)
            .collect();
        (tree(&out), said)
    };
    let (one, one_said) = build(1);
    let (four, four_said) = build(4);
    let said = one_said.join("\n");
    assert!(said.contains("runs at every instance on one rollup"), "{said}");
    assert!(said.contains("on a sample of"), "{said}");
    assert_eq!(one_said, four_said);
    assert_eq!(one.keys().collect::<Vec<_>>(), four.keys().collect::<Vec<_>>());
    for (name, bytes) in &one {
        assert!(four[name] == *bytes, "{name} has other bytes at four threads");
    }
}

#[test]
fn the_example_builds() {
    let example = repo().join("reports_example");
    assert!(
        example.join("sources/orders/orders.parquet").is_file(),
        "generate the example's data first: quire demo-data (scripts/test.sh does it)"
    );
    let out = tempfile::tempdir().expect("tmp");
    let run = Run::new(quire().arg("build").arg(&example).arg("--out").arg(out.path())).ok();
    // Three pages, and one per state the States table links to.
    assert!(run.stderr().contains("Built 53 pages"), "{}", run.stderr());
    let ca = std::fs::read_to_string(out.path().join("states/CA/index.html")).expect("a state's page");
    assert!(ca.contains("<h1 id=\"california\">"), "the state's page is titled by its name");
    for page in ["index.html", "explorer/index.html", "states/index.html"] {
        let html = std::fs::read_to_string(out.path().join(page)).expect("page written");
        assert!(html.contains("<svg"), "{page} has a chart");
        assert!(html.contains("<table"), "{page} has a table");
    }

    // "In this selection: N orders" is the number of orders in the selection, counted here
    // from the source Parquet by DataFusion alone: at the defaults (the best-selling
    // category, every channel, no state filter) in the built page, and for another
    // selection in what the browser's oracle renders.
    let parquet = example.join("sources/orders/orders.parquet");
    let count = |filter: &str| -> i64 {
        use datafusion::arrow::array::{Array, Int64Array};
        let sql = format!(
            "select count(*) from o where category = (select category from o group by category \
             order by sum(sales) desc limit 1 offset 0) and {filter}"
        );
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
        let batches = rt.block_on(async {
            let ctx = datafusion::prelude::SessionContext::new();
            let path = parquet.to_str().expect("UTF-8 path");
            ctx.register_parquet("o", path, datafusion::prelude::ParquetReadOptions::default()).await?;
            ctx.sql(&sql).await?.collect().await
        });
        let batches = batches.unwrap_or_else(|e| panic!("{sql}: {e}"));
        let n = batches[0].column(0).as_any().downcast_ref::<Int64Array>().expect("a count");
        assert_eq!(n.len(), 1);
        n.value(0)
    };
    let all = count("true");
    let explorer = std::fs::read_to_string(out.path().join("explorer/index.html")).expect("the explorer");
    let shown = explorer
        .split("In this selection: ")
        .nth(1)
        .and_then(|rest| rest.split(" orders").next())
        .expect("the sentence is on the page");
    assert!(shown.contains(&format!(">{}</span>", thousands(all))), "{all} orders, but the page says {shown}");
    assert!(all > 1_000, "a category of the 100,000 orders, not the 50 states: {all}");

    let project = quire_build::Project::load(&example).expect("the example loads");
    let state: quire_core::InputState =
        [("channel".to_string(), vec!["Web".to_string()]), ("state_filter".to_string(), vec!["C".to_string()])].into();
    let at = quire_build::page_at(&project, "explorer/", &state).expect("page_at");
    let web_c = count("channel = 'Web' and state ilike '%C%'");
    assert_eq!(
        at.results["category_total"].rows[0][0],
        quire_core::Cell::Int(web_c),
        "orders through the web in states with a C"
    );
    assert!(
        at.slots.values().any(|h| h.contains(&format!(">{}</span>", thousands(web_c)))),
        "the re-rendered sentence shows {web_c}"
    );
}

/// `12,345`: how `fmt=num0` writes a count.
fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn help_teaches_the_project_layout() {
    let run = Run::new(quire().arg("build").arg("--help")).ok();
    let help = String::from_utf8_lossy(&run.output.stdout).into_owned();
    assert!(help.contains("file:line:col"), "{help}");
    let run = Run::new(quire().arg("--help")).ok();
    let help = String::from_utf8_lossy(&run.output.stdout).into_owned();
    assert!(help.contains("pages/*.md") && help.contains("sources/<name>/"), "{help}");
}

#[test]
fn a_missing_project_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = Run::new(quire().arg("build").arg(dir.path().join("nope")));
    assert_eq!(run.output.status.code(), Some(1));
    assert!(run.stderr().contains("no such project folder"), "{}", run.stderr());
}

/// A templated page reached by 2,000 table links builds 2,000 pages; a query its instances
/// share runs once and ships once. (Build time: `benches/templates.sh`, in BENCHMARKS.md.)
#[test]
fn a_templated_page_builds_once_per_linked_value() {
    let p = Project::fixture("templates");
    let run = p.build().ok();
    assert!(run.stderr().contains("Built 2001 pages"), "{}", run.stderr());
    let c1234 = p.read("dist/customers/c1234/index.html");
    let body = crate::util::article(&c1234);
    assert!(body.contains(">Customer 1234</span>") && body.contains(">East</span>"), "{body}");
    let data: Vec<String> = std::fs::read_dir(p.path().join("dist/data"))
        .expect("data/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(data.iter().filter(|f| f.starts_with("region_total.")).count(), 1, "shared, not copied per page");
    assert_eq!(data.iter().filter(|f| f.starts_with("customer.")).count(), 2000);
    // The table's links are relative to the page, so the site works under any path.
    assert!(p.read("dist/index.html").contains("href=\"./customers/c0000/index.html\""));
    // A value no link reaches has no page.
    assert!(!p.path().join("dist/customers/c2000").exists());
}

/// The documentation (`www/`) is a quire project: it builds with `--strict`, and every
/// component in the catalogue appears live in it (rendered, not only in a code sample).
#[test]
fn the_documentation_builds_and_shows_every_component() {
    let out = tempfile::tempdir().expect("tmp");
    let run = Run::new(quire().args(["build", "--strict"]).arg(repo().join("www")).arg("--out").arg(out.path())).ok();
    assert!(run.stderr().contains("Built"), "{}", run.stderr());
    let html: String = tree(out.path())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let mut sources = String::new();
    for entry in walk(&repo().join("www/pages")) {
        sources.push_str(&std::fs::read_to_string(entry).expect("a page"));
    }
    for spec in quire_core::components::all() {
        let shown = match spec.kind {
            // Drawn inside their parent: written live at least once besides the sample.
            quire_core::components::Kind::Child(_) | quire_core::components::Kind::Annotation => {
                sources.matches(&format!("<{}", spec.name)).count() >= 2
            }
            _ => html.contains(&format!("data-component=\"{}\"", spec.name)),
        };
        assert!(shown, "www/ has no live example of <{}>", spec.name);
    }
    // The migration guide's list of components is the catalogue.
    let guide = std::fs::read_to_string(repo().join("www/pages/migrating-from-evidence.md")).expect("the guide");
    for spec in quire_core::components::all() {
        assert!(
            guide.contains(&format!("`{}`", spec.name)),
            "migrating-from-evidence.md does not list <{}>",
            spec.name
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("a folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `static/` (Evidence's folder of pictures and files) is copied to the site's root as it
/// is; dot-files stay out; a name quire writes itself is an error, not a silent winner.
#[test]
fn static_files_are_copied_to_the_sites_root() {
    let p = Project::with_files(&[
        ("pages/index.md", "# Home\n\n<Image url=\"img/logo.svg\" description=\"Logo\" />\n"),
        ("static/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("static/report.pdf", "%PDF-1.4"),
        ("static/.secret", "x"),
    ]);
    p.build().ok();
    assert_eq!(p.read("dist/img/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    assert_eq!(p.read("dist/report.pdf"), "%PDF-1.4");
    assert!(!p.path().join("dist/.secret").exists());
    assert!(p.read("dist/index.html").contains("src=\"img/logo.svg\""));
    // From the site's root, a picture is found from a page in a folder too.
    p.write(
        "pages/about/team.md",
        "# Team\n\n![Logo](/img/logo.svg)\n\n<Image url=\"/img/logo.svg\" description=\"Logo\" />\n",
    );
    p.build().ok();
    let team = p.read("dist/about/team/index.html");
    assert_eq!(team.matches("src=\"../../img/logo.svg\"").count(), 2, "{team}");
    p.write("static/style.css", "body{}");
    let run = p.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert!(run.stderr().contains("static/style.css: quire writes `style.css` itself"), "{}", run.stderr());
}

/// A project whose two results are over the download limit (10 MiB of CSV): `everything`
/// reads no input, `above` reads one.
pub(crate) fn too_large_to_download() -> Project {
    use std::fmt::Write;
    let mut csv = String::from("id,name,amount\n");
    for i in 0..450_000u64 {
        let _ = writeln!(csv, "{i},name-{i:08},{}", (i * 7919) % 10007);
    }
    Project::with_files(&[
        ("sources/t/connection.yaml", "type: csv\n"),
        ("sources/t/big.csv", &csv),
        (
            "pages/index.md",
            "```sql everything\nselect id, name, amount from t.big order by id\n```\n\n\
             <DownloadData data={everything} />\n\n\
             ```sql floors\nselect 0 as floor union all select 5000 order by floor\n```\n\n\
             <Dropdown name=floor data={floors} value=floor />\n\n\
             ```sql above\nselect id, name, amount from t.big where amount >= ${inputs.floor.value} order by id\n```\n\n\
             <DownloadData data={above} />\n",
        ),
    ])
}

#[test]
fn a_result_over_the_download_limit_is_not_written_and_the_author_hears_why() {
    let project = too_large_to_download();
    let run = project.build().ok();
    let files = tree(&project.path().join("dist"));
    let csv: Vec<&String> = files.keys().filter(|n| n.ends_with(".csv")).collect();
    // Only the dropdown's choices: the two 12 MB results have no file.
    assert_eq!(csv.len(), 1, "{csv:?}");
    assert!(csv[0].starts_with("data/floors."), "{csv:?}");
    // The warnings, up to the summary's timing line.
    let stderr = run.stderr();
    let warnings = &stderr[..stderr.find("     Built").unwrap_or(stderr.len())];
    insta::assert_snapshot!("too_large_to_download_warnings", warnings);
    let html = project.read("dist/index.html");
    assert_eq!(html.matches("href=\"#\" data-too-large=\"450000\"").count(), 2, "{html}");
    let island = crate::util::island(&html);
    assert_eq!(island["tooLarge"], serde_json::json!({ "above": 450000, "everything": 450000 }));
    assert_eq!(island["live"], serde_json::json!(["above"]));
}

/// A query only a histogram reads, with more rows than its CSV could hold, is run binned (a
/// row per value and its count): the histogram is the same, byte for byte, and its download
/// says the result is too large, as it would for the rows.
#[test]
fn a_histogram_of_many_rows_is_drawn_the_same_from_its_values_counted() {
    let mut csv = String::from("id,sales\n");
    for i in 0..5000u32 {
        let _ = std::fmt::Write::write_fmt(&mut csv, format_args!("{i},{}.{:02}\n", (i * 37) % 310, (i * 13) % 100));
    }
    let page = "```sql sizes\nselect sales from shop.orders where sales < 300\n```\n\n\
                ```sql count\nselect count(*) as n from shop.orders\n```\n\n\
                <Histogram data={sizes} x=sales xFmt=usd0 title=\"Order values\" />\n\n\
                <BarChart data={count} x=n y=n />\n";
    let p = Project::with_files(&[
        ("sources/shop/connection.yaml", "type: csv\n"),
        ("sources/shop/orders.csv", &csv),
        ("pages/index.md", page),
    ]);
    let svg =
        |html: &str| html.split("<svg").nth(1).and_then(|s| s.split("</svg>").next()).expect("a chart").to_string();
    let rows = Run::new(quire().arg("build").arg(p.path()).arg("--out").arg(p.path().join("rows"))).ok();
    let binned = Run::new(
        quire().arg("build").arg(p.path()).arg("--out").arg(p.path().join("binned")).env("QUIRE_BINNED_ABOVE", "1000"),
    )
    .ok();
    let (a, b) = (p.read("rows/index.html"), p.read("binned/index.html"));
    assert!(svg(&a).contains("q-bar"), "bars drawn");
    assert_eq!(svg(&a), svg(&b), "the same histogram from the rows and from the values counted");
    let csvs = |dir: &str| -> Vec<String> {
        std::fs::read_dir(p.path().join(dir).join("data"))
            .expect("data/")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("sizes."))
            .collect()
    };
    assert_eq!(csvs("rows").len(), 1, "the rows' CSV is written");
    assert!(csvs("binned").is_empty(), "no CSV of the binned result");
    assert!(!rows.stderr().contains("`sizes` has"), "{}", rows.stderr());
    let under: usize = (0..5000u32).filter(|i| (i * 37) % 310 < 300).count();
    let under = format!("{},{:03}", under / 1000, under % 1000);
    assert!(binned.stderr().contains(&format!("`sizes` has {under} rows")), "{}", binned.stderr());
}

/// A `union all`'s rows come in the order written, the first input's then the second's, on
/// a runtime of several threads too: DataFusion alone merges a plan's partitions as they
/// arrive, and a slow first input (a filtered count over two million rows) would come after
/// a constant. Twenty runs, the same rows each time.
#[test]
fn a_union_alls_rows_come_in_the_order_written_on_any_runtime() {
    use quire_engine::{Engine, TableName};
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("a runtime");
    let engine = Engine::new();
    let rows = rt.block_on(async {
        let big = engine.run("select value from generate_series(1, 2000000)").await.expect("numbers");
        engine.register_new(&TableName::new("t", "big"), big).expect("register");
        let mut seen = Vec::new();
        for _ in 0..20 {
            let sql = "select count(*) as n from t.big where value % 7 = 3 union all select -1 \
                       union all select max(value) from t.big where value % 2 = 0";
            let batches = engine.run(sql).await.expect("runs");
            seen.push(quire_engine::to_table(&batches).expect("a table").rows);
        }
        seen
    });
    use quire_core::Cell::Int;
    let expected = vec![vec![Int(285714)], vec![Int(-1)], vec![Int(2000000)]];
    for r in rows {
        assert_eq!(r, expected);
    }
}

/// `threads = 0` in `[build]` or `[pipeline]` is refused at its place, not run as one thread.
#[test]
fn zero_threads_is_refused_at_its_place() {
    for table in ["build", "pipeline"] {
        let p =
            Project::with_files(&[("quire.toml", &format!("[{table}]\nthreads = 0\n")), ("pages/index.md", "# Hi\n")]);
        let run = p.build();
        assert!(!run.success(), "{table}: {}", run.stderr());
        let stderr = run.stderr();
        assert!(stderr.contains("error: quire.toml:2:11"), "{table}: {stderr}");
        assert!(stderr.contains("× invalid value: integer `0`, expected a nonzero usize"), "{table}: {stderr}");
    }
}
