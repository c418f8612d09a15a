//! `.quire/` is quire's and nothing else's: links and foreign names are refused or left
//! alone; a re-run replaces a committed file only through the manifest, after its tests
//! pass, whatever kills it; damaged committed files run again; and a run deletes old files
//! only while no build is reading committed tables.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use quire_build::committed::Manifest;
use quire_pipeline::{RunOptions, Status};

use super::{edit, run};
use crate::util::{Project, Run, article, quire};

fn committed_file(p: &Project, table: &str) -> PathBuf {
    let m = Manifest::load(p.path()).expect("manifest");
    Manifest::path(p.path(), &m.tables[table])
}

fn cache_names(p: &Project) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(p.path().join(".quire/cache"))
        .expect("cache")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn named(p: &Project) -> Vec<String> {
    let mut names: Vec<String> =
        Manifest::load(p.path()).expect("manifest").tables.values().map(|c| c.file.clone()).collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn links_in_quires_folder_are_refused_and_nothing_is_deleted() {
    use std::os::unix::fs::symlink;
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let precious = ["notes.txt", "raw.orders.0123456789abcdef.parquet"];
    for name in precious {
        std::fs::write(elsewhere.path().join(name), "the author's").expect("write");
    }
    let untouched = |when: &str| {
        let mut there: Vec<String> = std::fs::read_dir(elsewhere.path())
            .expect("read")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        there.sort();
        assert_eq!(there, precious, "{when}: nothing deleted or written through the link");
    };

    // `.quire/cache` a link to a folder of the author's.
    let p = Project::fixture("pipeline");
    std::fs::create_dir(p.path().join(".quire")).expect("mkdir");
    symlink(elsewhere.path(), p.path().join(".quire/cache")).expect("symlink");
    let r = Run::new(quire().arg("run").arg(p.path()));
    assert_eq!(r.output.status.code(), Some(1), "{}", r.stderr());
    let err = r.stderr();
    assert!(err.contains(".quire/cache") && err.contains("is a symbolic link"), "{err}");
    assert!(err.contains("rm .quire/cache"), "it says what to do: {err}");
    untouched("a linked .quire/cache");
    // The build refuses to read through it too.
    let r = Run::new(quire().arg("build").arg(p.path()).arg("--no-run"));
    assert!(!r.success() && r.stderr().contains("is a symbolic link"), "{}", r.stderr());

    // `.quire` itself a link.
    let p = Project::fixture("pipeline");
    symlink(elsewhere.path(), p.path().join(".quire")).expect("symlink");
    let r = Run::new(quire().arg("run").arg(p.path()));
    assert_eq!(r.output.status.code(), Some(1));
    assert!(r.stderr().contains(".quire: is a symbolic link"), "{}", r.stderr());
    untouched("a linked .quire");

    // A committed file a link: the run refuses before it sweeps anything.
    let p = Project::fixture("pipeline");
    run(&p, &RunOptions::default());
    let file = committed_file(&p, "raw.orders");
    std::fs::remove_file(&file).expect("rm");
    symlink(elsewhere.path().join("notes.txt"), &file).expect("symlink");
    edit(&p, "pipeline/marts/daily.sql", "select", "-- config: version = 2\nselect");
    let before = cache_names(&p);
    let r = Run::new(quire().arg("run").arg(p.path()));
    assert_eq!(r.output.status.code(), Some(1));
    assert!(r.stderr().contains("is a symbolic link"), "{}", r.stderr());
    assert_eq!(cache_names(&p), before, "nothing deleted");
    untouched("a linked cache file");
}

#[test]
fn a_manifest_naming_a_file_outside_the_cache_is_refused() {
    let p = Project::fixture("pipeline");
    run(&p, &RunOptions::default());
    // `.quire/cache/../../x` is the project's `x`.
    std::fs::write(p.path().join("x"), "the author's").expect("write");
    let manifest = p.read(".quire/manifest.json");
    let file = Manifest::load(p.path()).expect("manifest").tables["raw.orders"].file.clone();
    for bad in ["../../x", "/etc/hostname", "sub/x.parquet"] {
        std::fs::write(p.path().join(".quire/manifest.json"), manifest.replace(&file, bad)).expect("write");
        let r = Run::new(quire().arg("run").arg(p.path()));
        assert_eq!(r.output.status.code(), Some(1), "{bad}: {}", r.stderr());
        let err = r.stderr();
        assert!(err.contains(".quire/manifest.json") && err.contains(&format!("`{bad}`")), "{bad}: {err}");
        assert!(err.contains("not a file name inside .quire/cache/"), "{err}");
        let r = Run::new(quire().arg("build").arg(p.path()).arg("--no-run"));
        assert!(!r.success() && r.stderr().contains("not a file name inside"), "{}", r.stderr());
    }
    assert_eq!(p.read("x"), "the author's");
}

#[test]
fn the_sweep_deletes_only_names_quire_makes() {
    let p = Project::fixture("pipeline");
    run(&p, &RunOptions::default());
    let old = committed_file(&p, "marts.daily");
    let cache = p.path().join(".quire/cache");
    let foreign = ["notes.txt", "orders.parquet", "backup.0123456789abcdef.parquet", "raw.orders.parquet.bak"];
    for name in foreign {
        std::fs::write(cache.join(name), "the author's").expect("write");
    }
    std::fs::write(p.path().join(".quire/notes.tmp"), "the author's").expect("write");
    // What killed runs leave: an output no manifest named, a manifest never renamed.
    let leftover = "raw.orders.0123456789abcdef.deadbeef.parquet";
    std::fs::write(cache.join(leftover), "half a file").expect("write");
    std::fs::write(p.path().join(".quire/manifest.json.deadbeef.tmp"), "{").expect("write");

    edit(&p, "pipeline/marts/daily.sql", "select", "-- config: version = 2\nselect");
    run(&p, &RunOptions::default());
    assert!(!old.exists(), "the old output of marts.daily is swept");
    assert!(!cache.join(leftover).exists() && !p.path().join(".quire/manifest.json.deadbeef.tmp").exists());
    for name in foreign {
        assert_eq!(p.read(&format!(".quire/cache/{name}")), "the author's", "{name} is left alone");
    }
    assert_eq!(p.read(".quire/notes.tmp"), "the author's");
}

/// The fixture, with a model whose output differs on every run while its key does not
/// (it stamps the time it ran), and a page that shows the stamp.
fn stamped(orders: Option<u64>) -> Project {
    let p = Project::fixture("pipeline");
    if let Some(n) = orders {
        let mut csv = String::from("id,day,customer_id,channel,amount\n");
        for i in 0..n {
            csv.push_str(&format!("{i},2024-{:02}-{:02},{},web,{}.5\n", i % 12 + 1, i % 28 + 1, 10 + i % 4, i % 500));
        }
        std::fs::write(p.path().join("sources/shop/orders.csv"), csv).expect("write");
    }
    std::fs::write(
        p.path().join("pipeline/clean/stamped.sql"),
        "-- config:\n-- [tests]\n-- row_count = { min = 1 }\n\nselect id, cast(now() as varchar) as made_at from raw.orders\n",
    )
    .expect("write");
    std::fs::write(
        p.path().join("pages/stamp.md"),
        "---\ntitle: Stamp\n---\n\n```sql stamp\nselect min(made_at) as made_at, count(*) as n from clean.stamped\n```\n\nMade at {stamp[0].made_at}, {stamp[0].n} rows.\n",
    )
    .expect("write");
    p
}

/// The stamp page, as a build with the committed tables shows it.
fn stamp_page(p: &Project) -> String {
    Run::new(quire().arg("build").arg(p.path()).arg("--no-run").arg("--quiet")).ok();
    article(&p.read("dist/stamp/index.html")).to_string()
}

/// Its test now fails; its key is what it was (a test is not part of the key).
fn break_the_test(p: &Project) {
    edit(p, "pipeline/clean/stamped.sql", "min = 1", "max = 1");
}

#[test]
fn a_failing_rerun_leaves_the_committed_table_as_it_was() {
    let p = stamped(None);
    run(&p, &RunOptions::default());
    let before = Manifest::load(p.path()).expect("manifest").tables["clean.stamped"].clone();
    let file = committed_file(&p, "clean.stamped");
    let bytes = std::fs::read(&file).expect("read");
    let page = stamp_page(&p);
    assert!(page.contains("data-query=\"stamp\">20"), "the stamp shows: {page}");

    break_the_test(&p);
    let full = RunOptions { select: vec![], full_refresh: true };
    for options in [full, RunOptions { select: vec!["stamped".into()], full_refresh: false }] {
        let (report, result) = quire_pipeline::run(p.path(), &options, &quire_pipeline::Quiet);
        let err = format!("{:?}", result.expect_err("the row_count test fails").diagnostics(false));
        assert!(err.contains("row_count"), "{err}");
        let status = report.models.iter().find(|m| m.table == "clean.stamped").map(|m| m.status);
        assert_eq!(status, Some(Status::Failed));
        let after = Manifest::load(p.path()).expect("manifest").tables["clean.stamped"].clone();
        assert_eq!(after, before, "{options:?}: the manifest keeps the committed output");
        assert!(std::fs::read(&file).expect("read") == bytes, "{options:?}: its bytes are as committed");
        assert_eq!(stamp_page(&p), page, "{options:?}: a build reads the committed rows");
        let stray: Vec<String> = cache_names(&p).into_iter().filter(|n| n.starts_with("clean.")).collect();
        let kept: Vec<String> = named(&p).into_iter().filter(|n| n.starts_with("clean.")).collect();
        assert_eq!(stray, kept, "the failed run's own outputs are gone");
    }
}

/// `kill -9` at moments spread over a `--full-refresh` whose tests fail: whenever it
/// lands, the committed file is the one that passed its tests, byte for byte.
#[test]
fn a_kill_during_a_failing_full_refresh_leaves_the_committed_table_as_it_was() {
    let p = stamped(Some(60_000));
    let timed = Instant::now();
    Run::new(quire().arg("run").arg(p.path()).arg("--quiet")).ok();
    let full = timed.elapsed();
    let before = Manifest::load(p.path()).expect("manifest").tables["clean.stamped"].clone();
    let file = committed_file(&p, "clean.stamped");
    let bytes = std::fs::read(&file).expect("read");
    let page = stamp_page(&p);
    break_the_test(&p);

    // From start-up to past the time a whole run takes.
    for round in 0..6u32 {
        let wait = full * round / 4;
        let mut child = quire()
            .arg("run")
            .arg(p.path())
            .arg("--quiet")
            .arg("--full-refresh")
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(wait);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let m = Manifest::load(p.path()).expect("the manifest parses");
        assert_eq!(m.tables["clean.stamped"], before, "killed at {wait:?}");
        assert!(std::fs::read(&file).expect("read") == bytes, "killed at {wait:?}: the committed bytes");
        for (table, c) in &m.tables {
            let b = std::fs::read(Manifest::path(p.path(), c)).expect("a committed file is there");
            assert!(b.starts_with(b"PAR1") && b.ends_with(b"PAR1"), "killed at {wait:?}: {table} is whole");
        }
    }
    // The test as it was: the committed output passed it, nothing runs, and the leftovers
    // of the killed runs are swept.
    edit(&p, "pipeline/clean/stamped.sql", "max = 1", "min = 1");
    assert_eq!(stamp_page(&p), page);
    let r = run(&p, &RunOptions::default());
    assert!(r.nothing_to_do(), "{r:?}");
    assert_eq!(cache_names(&p), named(&p));
}

#[test]
fn a_damaged_committed_file_runs_again_and_the_run_says_why() {
    let p = Project::fixture("pipeline");
    Run::new(quire().arg("run").arg(p.path()).arg("--quiet")).ok();
    let raw = committed_file(&p, "raw.orders");
    let size = std::fs::metadata(&raw).expect("meta").len();

    // Zero-length, as a power cut can leave a file whose name reached the disk.
    std::fs::File::create(&raw).expect("truncate");
    let r = Run::new(quire().arg("run").arg(p.path())).ok();
    let err = r.stderr();
    let why = format!(
        "Ran raw.orders (6 rows, 0.00 s): its committed file .quire/cache/{} has 0 bytes where {size} were committed, so it ran again",
        raw.file_name().expect("name").to_string_lossy()
    );
    let timeless = |s: &str| s.lines().map(|l| l.replace(|c: char| c.is_ascii_digit(), "0")).collect::<String>();
    assert!(err.lines().any(|l| timeless(l).trim() == timeless(&why)), "{err}\nexpected: {why}");
    assert!(err.contains("Done 1 ran, 5 cached"), "only the damaged model runs: {err}");

    // Cut short.
    let customers = committed_file(&p, "clean.customers");
    let bytes = std::fs::read(&customers).expect("read");
    std::fs::write(&customers, &bytes[..bytes.len() / 2]).expect("write");
    let r = run(&p, &RunOptions::default());
    let m = r.models.iter().find(|m| m.table == "clean.customers").expect("clean.customers");
    assert_eq!(m.status, Status::Ran);
    assert!(m.repaired.as_deref().is_some_and(|w| w.contains("bytes where")), "{m:?}");

    // Whole size, broken footer (a manifest from before sizes were recorded checks this only).
    let revenue = committed_file(&p, "marts.revenue");
    let mut bytes = std::fs::read(&revenue).expect("read");
    let n = bytes.len();
    bytes[n - 4..].copy_from_slice(b"XXXX");
    std::fs::write(&revenue, &bytes).expect("write");
    let r = run(&p, &RunOptions::default());
    let m = r.models.iter().find(|m| m.table == "marts.revenue").expect("marts.revenue");
    assert_eq!(m.status, Status::Ran);
    assert!(m.repaired.as_deref().is_some_and(|w| w.contains("not a whole Parquet file")), "{m:?}");

    Run::new(quire().arg("build").arg(p.path()).arg("--no-run").arg("--quiet")).ok();
    assert!(p.read("dist/index.html").contains("$465.75"));
}

/// A build holds `.quire/lock` shared while it reads committed tables; a run commits
/// meanwhile, but deletes old files only once the build is done.
#[test]
fn a_run_deletes_old_files_only_once_no_build_is_reading() {
    let p = Project::fixture("pipeline");
    run(&p, &RunOptions::default());
    let old = committed_file(&p, "marts.daily");
    edit(&p, "pipeline/marts/daily.sql", "select", "-- config: version = 2\nselect");

    let reading = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(p.path().join(".quire/lock"))
        .expect("open .quire/lock");
    reading.lock_shared().expect("lock");
    let mut child = quire().arg("run").arg(p.path()).arg("--quiet").stderr(Stdio::null()).spawn().expect("spawn");
    let until = |what: &str, done: &mut dyn FnMut() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting: {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let ended = |c: &mut std::process::Child| c.try_wait().expect("try_wait").is_some();
    let committed =
        |p: &Path| Manifest::load(p).ok().is_some_and(|m| Manifest::path(p, &m.tables["marts.daily"]) != old);
    until("the run commits marts.daily while a build reads", &mut || {
        if ended(&mut child) {
            return true;
        }
        committed(p.path())
    });
    if ended(&mut child) {
        panic!("the run ended while a build held the lock");
    }
    std::thread::sleep(Duration::from_millis(500));
    let waited = !ended(&mut child);
    let kept = old.exists();
    drop(reading); // the build is done
    until("the run ends once the build is done", &mut || ended(&mut child));
    assert!(waited, "the run waits for the build before sweeping");
    assert!(kept, "the file the build registered is still there while it reads");
    assert!(child.wait().expect("wait").success());
    assert!(!old.exists(), "then the old file is swept");
}
