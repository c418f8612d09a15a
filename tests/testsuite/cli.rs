//! `quire init`, `quire check` and `quire build --strict`, as a user types them.

use crate::util::{Run, quire, repo};

#[test]
fn init_scaffolds_a_project_that_builds_and_checks() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let project = dir.path().join("reports");
    Run::new(quire().arg("init").arg(&project)).ok();
    let check = Run::new(quire().args(["check", "--format", "json"]).arg(&project)).ok();
    let report: serde_json::Value = serde_json::from_slice(&check.output.stdout).expect("JSON on stdout");
    // The index, and one page per channel its table links to.
    assert_eq!(report["ok"], true);
    assert_eq!(report["pages"], 4);
    assert!(!project.join("dist").exists(), "check writes nothing");
    let build = Run::new(quire().arg("build").arg(&project)).ok();
    assert!(build.stderr().contains("Built 4 pages"), "{}", build.stderr());
    let online = std::fs::read_to_string(project.join("dist/channels/Online/index.html")).expect("an instance");
    assert!(online.contains("<h1 id=\"online\">"), "the page's own heading is its title");
    // A second init refuses to overwrite.
    let again = Run::new(quire().arg("init").arg(&project));
    assert!(!again.success());
    assert!(again.stderr().contains("already has quire.toml"), "{}", again.stderr());
}

/// A fresh `quire init` project whose index has `from` replaced by `to`.
fn init_with(from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Run::new(quire().arg("init").arg(dir.path())).ok();
    let index = dir.path().join("pages/index.md");
    let text = std::fs::read_to_string(&index).expect("index");
    assert!(text.contains(from), "the scaffold has `{from}`");
    std::fs::write(&index, text.replace(from, to)).expect("write");
    dir
}

#[test]
fn check_reports_errors_as_json_with_their_place() {
    let dir = init_with("<LineChart data={monthly}", "<LineChart data={montly}");
    let project = dir.path();
    let check = Run::new(quire().args(["check", "--format", "json"]).arg(project));
    assert!(!check.success());
    let report: serde_json::Value = serde_json::from_slice(&check.output.stdout).expect("JSON on stdout");
    assert_eq!(report["ok"], false);
    let e = &report["errors"][0];
    assert_eq!(
        (e["file"].as_str(), e["line"].as_u64(), e["column"].as_u64()),
        (Some("pages/index.md"), Some(35), Some(17))
    );
    assert_eq!(e["message"], "unknown query `montly`");
}

#[test]
fn strict_builds_fail_on_empty_components() {
    let dir =
        init_with("from sales.orders\norder by month", "from sales.orders\nwhere channel = 'Fax'\norder by month");
    let project = dir.path();
    let build = Run::new(quire().arg("build").arg(project)).ok();
    assert!(build.stderr().contains("warning: pages/index.md:36:17"), "{}", build.stderr());
    assert!(build.stderr().contains("query `monthly` returned no rows, so `<LineChart>` shows nothing"));
    std::fs::remove_dir_all(project.join("dist")).expect("remove dist");
    let strict = Run::new(quire().args(["build", "--strict"]).arg(project));
    assert!(!strict.success());
    assert!(strict.stderr().contains("error: pages/index.md:36:17"), "{}", strict.stderr());
    assert!(!project.join("dist").exists(), "nothing written");
}

/// A prop quire accepts from Evidence but does not draw is a warning at its place, saying
/// what the reader sees instead; `--strict` and `quire check --strict` make it an error.
#[test]
fn props_quire_does_not_draw_are_warned_at_their_place() {
    let project = crate::util::Project::with_files(&[
        ("sources/t/connection.yaml", "type: csv\n"),
        ("sources/t/m.csv", "month,sales\n2024-01-01,1\n2024-02-01,1000\n"),
        (
            "pages/index.md",
            "```sql m\nselect * from t.m\n```\n\n<Histogram data={m} x=sales xLabelWrap=true echartsOptions={{}} />\n",
        ),
    ]);
    let build = project.build().ok();
    let stderr = build.stderr();
    assert!(stderr.contains("warning: pages/index.md:5:29"), "{stderr}");
    assert!(stderr.contains("`<Histogram>` does not draw `xLabelWrap` yet"), "{stderr}");
    assert!(stderr.contains("quire draws the component as if this prop were not set"), "{stderr}");
    assert!(stderr.contains("`echartsOptions` configures ECharts, which quire does not use"), "{stderr}");
    let strict = Run::new(quire().args(["build", "--strict"]).arg(project.path()));
    assert_eq!(strict.output.status.code(), Some(1), "{}", strict.stderr());
    assert!(strict.stderr().contains("error: pages/index.md:5:29"), "{}", strict.stderr());
    let check = Run::new(quire().args(["check", "--strict", "--format", "json"]).arg(project.path()));
    assert!(!check.success());
    let report: serde_json::Value = serde_json::from_slice(&check.output.stdout).expect("JSON on stdout");
    let warned: Vec<&str> =
        report["warnings"].as_array().expect("warnings").iter().filter_map(|w| w["message"].as_str()).collect();
    assert!(warned.contains(&"`<Histogram>` does not draw `xLabelWrap` yet"), "{report}");
}

/// An Evidence page with stray props and front-matter keys builds, with a warning at each;
/// `--strict` fails on them. `quire.toml` stays strict.
#[test]
fn stray_props_and_front_matter_keys_warn_and_strict_fails() {
    let project = crate::util::Project::with_files(&[
        ("sources/t/connection.yaml", "type: csv\n"),
        ("sources/t/m.csv", "month,sales\n2024-01-01,1\n2024-02-01,1000\n"),
        (
            "pages/index.md",
            "---\ntitle: Sales\nsidebar: never\n---\n\n```sql m\nselect * from t.m\n```\n\n<LineChart data={m} x=month y=sales yGridLines=false />\n",
        ),
    ]);
    let build = project.build().ok();
    let stderr = build.stderr();
    let warnings = stderr.split("     Built").next().unwrap_or_default();
    insta::assert_snapshot!(warnings);
    let strict = Run::new(quire().args(["build", "--strict"]).arg(project.path()));
    assert_eq!(strict.output.status.code(), Some(1), "{}", strict.stderr());
    assert!(strict.stderr().contains("error: pages/index.md:10:37"), "{}", strict.stderr());
    std::fs::write(project.path().join("quire.toml"), "[build]\ntitel = \"x\"\n").expect("write quire.toml");
    let toml = Run::new(quire().args(["build"]).arg(project.path()));
    assert_eq!(toml.output.status.code(), Some(1), "quire.toml stays strict: {}", toml.stderr());
}

/// `on_error = "page"` (or `--keep-going`) builds every page as Evidence does: what works is
/// drawn, each piece that failed is an error box saying what and where, every mistake is
/// printed, and the build fails at the end unless `fail_on_error_pages = false`; the default
/// still stops and writes nothing. `quire check` lists every mistake in both modes.
#[test]
fn error_pages_build_every_page_with_error_boxes() {
    let project = crate::util::Project::with_files(&[
        ("sources/t/connection.yaml", "type: csv\n"),
        ("sources/t/m.csv", "a,b\n1,x\n2,y\n"),
        (
            "pages/index.md",
            "```sql good\nselect sum(a) as s from t.m\n```\n\n```sql bad\nselect \"<img src=x onerror=alert(1)>\" from t.m\n```\n\nGood: <Value data={good} column=s />. Bad: <Value data={bad} column=x />.\n\n<BarChart data={good} x=s y=missing />\n\nStill here.\n",
        ),
        ("pages/broken.md", "# Broken\n\n<LineChrat data={x} />\n"),
        ("pages/fine.md", "# Fine\n\nAll good.\n"),
    ]);
    let dist = project.path().join("dist");
    let strict = project.build();
    assert_eq!(strict.output.status.code(), Some(1));
    assert!(!dist.exists(), "the default writes nothing");

    let run = Run::new(quire().args(["build", "--keep-going"]).arg(project.path()));
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    let stderr = run.stderr();
    for at in ["pages/broken.md:3:2", "pages/index.md:6:8", "pages/index.md:9:56", "pages/index.md:11:29"] {
        assert!(stderr.contains(&format!("error: {at}")), "{at}: {stderr}");
    }
    assert!(stderr.contains("4 mistakes shown as error boxes on the pages; the site was written"), "{stderr}");
    let index = std::fs::read_to_string(dist.join("index.html")).expect("the page is written");
    assert!(index.contains("Good: <span class=\"q-slot\""), "what works is drawn");
    assert!(index.contains(">3</span>"), "the good value: {index}");
    assert!(index.contains("Still here."));
    let boxes: Vec<&str> = index.match_indices("class=\"q-error-box\"").map(|(i, _)| &index[i..]).collect();
    assert_eq!(boxes.len(), 2, "{index}");
    assert!(index.contains("<code>pages/index.md:11:29</code> query `good` has no column `missing`"), "{index}");
    assert!(!index.contains("<img src=x"), "a message quoting data stays text: {index}");
    let broken = std::fs::read_to_string(dist.join("broken/index.html")).expect("the broken page is written");
    assert!(broken.contains("<code>pages/broken.md:3:2</code> unknown component `&lt;LineChrat&gt;`"), "{broken}");
    assert!(dist.join("fine/index.html").exists());

    std::fs::write(project.path().join("quire.toml"), "[build]\non_error = \"page\"\nfail_on_error_pages = false\n")
        .expect("write quire.toml");
    let lenient = project.build();
    assert_eq!(lenient.output.status.code(), Some(0), "{}", lenient.stderr());
    assert!(lenient.stderr().contains("warning: pages/broken.md:3:2"), "{}", lenient.stderr());

    let check = Run::new(quire().args(["check", "--format", "json"]).arg(project.path()));
    assert!(!check.success());
    let report: serde_json::Value = serde_json::from_slice(&check.output.stdout).expect("JSON on stdout");
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(4), "{report}");
}

/// `quire --version` says the version, the commit it was built from, and a hash of the
/// browser runtime inside it (FNV-1a over `site/dist`'s files, as `build.rs` computes it).
#[test]
fn the_version_names_the_commit_and_the_runtime() {
    let run = Run::new(quire().arg("--version")).ok();
    let out = String::from_utf8_lossy(&run.output.stdout).to_string();
    assert!(out.starts_with(&format!("quire {} (commit ", env!("CARGO_PKG_VERSION"))), "{out}");
    let git = std::process::Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).current_dir(repo()).output();
    if let Some(g) = git.ok().filter(|g| g.status.success()) {
        let commit = String::from_utf8_lossy(&g.stdout).trim().to_string();
        assert!(out.contains(&format!("(commit {commit}, ")), "{out} (HEAD is {commit})");
    }
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(repo().join("site/dist"))
        .expect("the runtime is built")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "wasm"))
        .collect();
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for f in &files {
        let name = f.file_name().expect("a name").to_string_lossy().into_owned();
        for b in name.as_bytes().iter().chain(std::fs::read(f).expect("read").iter()) {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // The test suite is built with the `cluster` feature, and the version says so.
    assert!(out.trim_end().ends_with(&format!("runtime {hash:016x}, cluster)")), "{out}");
}

#[test]
fn demo_data_streams_its_orders_in_time_order_and_the_same_every_time() {
    use datafusion::prelude::{ParquetReadOptions, SessionContext};
    // Two batches of the generator's, the second partial.
    let rows = 1_200_000usize;
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = (dir.path().join("a.parquet"), dir.path().join("b.parquet"));
    for out in [&a, &b] {
        Run::new(quire().arg("demo-data").arg("--rows").arg(rows.to_string()).arg("--out").arg(out)).ok();
    }
    assert_eq!(std::fs::read(&a).expect("written"), std::fs::read(&b).expect("written"), "the same bytes");
    assert!(!dir.path().join("a.parquet.tmp").exists());
    // Read back by DataFusion, not by quire.
    let rt = tokio::runtime::Runtime::new().expect("tokio");
    let checks = rt.block_on(async {
        let ctx = SessionContext::new();
        ctx.register_parquet("o", a.to_str().expect("utf-8"), ParquetReadOptions::default()).await.expect("reads");
        let sql = "select count(*), min(order_id), max(order_id), count(distinct order_id), \
                   min(order_datetime) >= timestamp '2021-01-01', max(order_datetime) < timestamp '2025-01-01', \
                   count(distinct state), count(distinct channel), count(distinct category), \
                   sum(case when order_datetime < timestamp '2023-01-01' then 1 else 0 end) from o";
        let batches = ctx.sql(sql).await.expect("plans").collect().await.expect("runs");
        let back = "select count(*) from (select order_datetime < lag(order_datetime) over (order by order_id) as back from o) where back";
        let backwards = ctx.sql(back).await.expect("plans").collect().await.expect("runs");
        (datafusion::arrow::util::pretty::pretty_format_batches(&batches).expect("prints").to_string(),
         datafusion::arrow::util::pretty::pretty_format_batches(&backwards).expect("prints").to_string())
    });
    let (summary, backwards) = checks;
    let line = summary.lines().nth(3).expect("a row").to_string();
    let cells: Vec<&str> = line.split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
    assert_eq!(&cells[..9], ["1200000", "1", "1200000", "1200000", "true", "true", "50", "6", "20"], "{summary}");
    // Later years a little more likely: fewer than half the orders in the first two years.
    let early: f64 = cells[9].parse().expect("a count");
    assert!((0.40..0.49).contains(&(early / rows as f64)), "{summary}");
    assert!(backwards.contains("| 0 "), "every order's time is at or after the one before: {backwards}");
}
