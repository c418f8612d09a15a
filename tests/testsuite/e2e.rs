//! End to end: build the example, serve it on loopback, open every page in headless
//! Chromium (Debian's), and check what a reader gets: charts drawn, tables filled, the
//! browser runtime's query equal to the build's, no console error, no failed request and
//! no request leaving the site's origin.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use crate::util::{Run, quire, repo};

/// Serve `root` on 127.0.0.1 in a background thread, answering Range requests as static
/// hosts do; returns the base URL.
pub(crate) fn serve(root: PathBuf) -> String {
    serve_with(root, true)
}

/// [`serve`], or (`ranges` false) by a plain host: one that ignores `Range` (it answers every
/// request with the whole file) and knows no type for `.wasm` (`application/octet-stream`,
/// which the browser will not compile as it streams in).
pub(crate) fn serve_with(root: PathBuf, ranges: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let mut range = None;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':')
                        && k.eq_ignore_ascii_case("range")
                    {
                        range = Some(v.trim().to_string());
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/");
                let (mut status, mut body, kind) = match file_for(&root, path) {
                    Some(p) => ("200 OK", std::fs::read(&p).unwrap_or_default(), content_type(&p, ranges)),
                    None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
                };
                let mut extra = String::new();
                let len = body.len() as u64;
                if let Some((start, end)) = range.filter(|_| ranges).and_then(|r| quire_dev::byte_range(&r, len)) {
                    status = "206 Partial Content";
                    extra = format!("Content-Range: bytes {start}-{}/{len}\r\n", end - 1);
                    body = body[start as usize..end as usize].to_vec();
                }
                let mut s = &stream;
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(&body);
            });
        }
    });
    format!("http://{addr}/")
}

fn file_for(root: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = decode(url_path.trim_start_matches('/'));
    let rel = rel.as_str();
    if rel.split('/').any(|s| s == "..") {
        return None;
    }
    let mut p = root.join(rel);
    if p.is_dir() {
        p = p.join("index.html");
    }
    p.is_file().then_some(p)
}

/// `%20` and friends, as every static host reads them.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(p: &Path, knows_wasm: bool) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("wasm") if knows_wasm => "application/wasm",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

#[test]
fn the_example_works_in_a_real_browser() {
    let root = repo();
    let example = root.join("reports_example");
    assert!(
        example.join("sources/orders/orders.parquet").is_file(),
        "generate the data: quire demo-data (scripts/test.sh does it)"
    );
    let script = root.join("tests/e2e/check-pages.mjs");
    assert!(
        root.join("tests/e2e/node_modules/playwright-core").is_dir(),
        "install the browser driver first: (cd tests/e2e && npm ci), or run scripts/test.sh"
    );
    // Tables that live queries read row by row are fetched a piece at a time, however small.
    let out = tempfile::tempdir().expect("tmp");
    Run::new(quire().arg("build").arg(&example).arg("--out").arg(out.path()).env("QUIRE_RANGED_ABOVE", "0")).ok();
    assert!(
        out.path().join("_quire").is_dir(),
        "this quire was compiled without the browser runtime: run scripts/build-runtime.sh, then rebuild"
    );
    let explorer = std::fs::read_to_string(out.path().join("explorer/index.html")).expect("the explorer");
    assert!(explorer.contains(r#""ranged":{"orders.orders":{"len":"#), "the explorer reads its orders in pieces");
    let first = first_fetches(&crate::util::island(&explorer));
    assert!(first.len() >= 2, "{first:?}");
    // A host that serves Range requests, then a plain one that ignores them (the whole file
    // comes in answer to the first request, and the page works from it) and serves the
    // engine's wasm as bytes of no known type (compiled once it is all here).
    for (ranges, pages) in [(true, &["", "explorer/", "states/"][..]), (false, &["explorer/"][..])] {
        let base = serve_with(out.path().to_path_buf(), ranges);
        let shots = std::env::var_os("QUIRE_SCREENSHOTS").filter(|_| ranges);
        let mut cmd = std::process::Command::new("node");
        cmd.arg(&script).arg("--base").arg(&base);
        for page in pages {
            cmd.arg(format!("--page={page}"));
        }
        if let Some(dir) = &shots {
            cmd.arg("--shots").arg(dir);
        }
        let output = cmd.output().expect("node runs");
        assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
        let found: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
        let found = found.as_array().expect("one result per page");
        assert_eq!(found.len(), pages.len());
        for p in found {
            let name =
                format!("{} (ranges {})", p["page"].as_str().unwrap_or("?"), if ranges { "served" } else { "ignored" });
            assert!(p["charts"].as_u64().unwrap_or(0) >= 2, "{name}: charts drawn: {p}");
            assert!(p["chartMarks"].as_u64().unwrap_or(0) >= 10, "{name}: chart marks: {p}");
            assert!(p["tables"].as_u64().unwrap_or(0) >= 1, "{name}: tables: {p}");
            // Only the explorer has inputs; the other pages need no engine.
            let runtime = if p["page"] == "explorer/" { "match" } else { "static" };
            assert_eq!(p["runtime"], runtime, "{name}: the browser's result should equal the build's: {p}");
            assert_eq!(p["consoleErrors"], serde_json::json!([]), "{name}: console errors");
            assert_eq!(p["pageErrors"], serde_json::json!([]), "{name}: page errors");
            assert_eq!(p["failedRequests"], serde_json::json!([]), "{name}: failed requests");
            assert_eq!(p["offOrigin"], serde_json::json!([]), "{name}: requests off the site's origin");
            // What the engine fetches first is asked for once: the worker asks while the wasm
            // loads (the head names it), and the engine takes that response.
            if p["page"] == "explorer/" {
                let asked: Vec<&str> = p["data"].as_array().into_iter().flatten().filter_map(|d| d.as_str()).collect();
                for f in &first {
                    assert_eq!(asked.iter().filter(|a| *a == f).count(), 1, "{name}: {f} asked for once: {asked:?}");
                }
            }
        }
    }
    // `quire dev` serves the explorer's orders a piece at a time from the file it spooled to
    // disk (`.quire/ship/`), and the page answers as the build does.
    let copy = tempfile::tempdir().expect("tmp");
    crate::util::copy_dir(&example, copy.path());
    let _ = std::fs::remove_dir_all(copy.path().join("dist"));
    let dev = crate::dev::Dev::start_env(copy.path(), &[], &[("QUIRE_RANGED_ABOVE", "0")]);
    let output = std::process::Command::new("node")
        .arg(&script)
        .arg("--base")
        .arg(&dev.base)
        .arg("--page=explorer/")
        .output()
        .expect("node runs");
    assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
    let p = &found[0];
    assert_eq!(p["runtime"], "match", "explorer/ (quire dev): the browser's result should equal the build's: {p}");
    assert_eq!(p["failedRequests"], serde_json::json!([]), "explorer/ (quire dev): failed requests");
    assert_eq!(p["pageErrors"], serde_json::json!([]), "explorer/ (quire dev): page errors");
    let spooled: Vec<String> = std::fs::read_dir(copy.path().join(".quire/ship"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert!(spooled.iter().any(|f| f.ends_with(".orders.orders.parquet")), "served from a spooled file: {spooled:?}");
}

/// The requests a page's engine makes first, as `check-pages.mjs` names them: each table's
/// file, and for a ranged table the last bytes that hold its footer.
fn first_fetches(island: &serde_json::Value) -> Vec<String> {
    let tables = island["tables"].as_object().expect("tables");
    tables
        .iter()
        .map(|(name, path)| {
            let path = format!("/{}", path.as_str().expect("a path"));
            match (island["ranged"][name]["len"].as_u64(), island["ranged"][name]["tail"].as_u64()) {
                (Some(len), Some(tail)) => {
                    let r = quire_engine::ranged::first_read(len, tail);
                    format!("{path} bytes={}-{}", r.start, r.end - 1)
                }
                _ => path,
            }
        })
        .collect()
}

/// The explorer's inputs, driven in Chromium with the network cut off: after each change the
/// chart, table and values show what the native engine renders for the same inputs.
#[test]
fn the_explorer_answers_its_inputs_offline() {
    let root = repo();
    let example = root.join("reports_example");
    let out = tempfile::tempdir().expect("tmp");
    Run::new(quire().arg("build").arg(&example).arg("--out").arg(out.path())).ok();
    assert!(out.path().join("_quire").is_dir(), "this quire was compiled without the browser runtime");

    let project = quire_build::Project::load(&example).expect("the example loads");
    let state = |pairs: &[(&str, &str)]| -> quire_core::InputState {
        pairs.iter().map(|(k, v)| ((*k).to_string(), vec![(*v).to_string()])).collect()
    };
    let category = state(&[("category", "Computers")]);
    let channel = state(&[("category", "Computers"), ("channel", "Web")]);
    let injection = state(&[("category", "Computers"), ("channel", "Web"), ("state_filter", "' or 1=1 --")]);
    let native = |s: &quire_core::InputState| quire_build::page_at(&project, "explorer/", s).expect("native render");
    let step2 = native(&channel);
    let at_category = native(&category);
    let expected = serde_json::json!({
        "early": at_category.slots,
        "category": at_category.slots,
        "channel": step2.slots,
        "injection": native(&injection).slots,
        "back": step2.slots,
        "reload": step2.slots,
    });
    let file = out.path().join("expected.json");
    std::fs::write(&file, expected.to_string()).expect("write");

    let base = serve(out.path().to_path_buf());
    let mut cmd = std::process::Command::new("node");
    cmd.arg(root.join("tests/e2e/interact.mjs")).arg("--base").arg(&base).arg("--expected").arg(&file);
    if let Some(dir) = std::env::var_os("QUIRE_SCREENSHOTS") {
        cmd.arg("--shots").arg(dir);
    }
    let output = cmd.output().expect("node runs");
    assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let r: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
    // Timings for BENCHMARKS.md: QUIRE_E2E_REPORT=file.json keeps the driver's report.
    if let Some(path) = std::env::var_os("QUIRE_E2E_REPORT") {
        std::fs::write(path, &output.stdout).expect("write the report");
    }

    assert_eq!(r["runtime"], "match", "{r}");
    // A change made while the engine warms up is answered after the part in flight, before
    // the rest of the warm-up and the check (which still says `match`).
    let early = &r["early"];
    assert_eq!(early["runtime"], "match", "{early}");
    let replies: Vec<&str> = early["replies"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
    let at = |op: &str| replies.iter().position(|r| *r == op);
    assert!(at("warm 0").is_some() && at("set") == at("warm 0").map(|i| i + 1), "{replies:?}");
    assert!(at("set") < at("warm check"), "{replies:?}");
    // Then, the reader having left the inputs alone, the rehearsal: every live query again,
    // five times, fetching nothing.
    let check = at("warm check").expect("the check");
    let parts = replies[..check].iter().filter(|r| r.starts_with("warm ")).count();
    let rehearsed = replies[check + 1..].iter().filter(|r| r.starts_with("warm ")).count();
    assert!(parts > 0 && rehearsed == 5 * parts, "{replies:?}");
    assert_eq!(early["rehearsalAsked"], 0, "{early}");
    assert_eq!(r["steps"]["early"]["search"], "?category=Computers");
    for step in ["early", "category", "channel", "injection", "back", "reload"] {
        let s = &r["steps"][step];
        assert!(s["slots"].as_u64().unwrap_or(0) >= 3, "{step}: slots compared: {s}");
        assert_eq!(
            s["diffs"],
            serde_json::json!([]),
            "{step}: the browser shows what the native engine renders; console: {}",
            r["consoleErrors"]
        );
    }
    assert_eq!(r["steps"]["category"]["search"], "?category=Computers");
    assert_eq!(r["steps"]["channel"]["search"], "?category=Computers&channel=Web");
    assert_eq!(r["steps"]["back"]["search"], "?category=Computers&channel=Web");
    assert_eq!(r["reloadSelected"], serde_json::json!(["Computers", "Web"]), "a shared URL restores the inputs");
    // While the worker answers, the busy bar moves by `transform` alone: the compositor
    // animates it and the page's thread paints nothing per frame.
    assert_eq!(r["busyAnimated"], serde_json::json!(["transform"]), "what the page animates while busy");
    // Nor is the page laid out again when the bar shows or hides.
    assert_eq!(r["busyLayouts"], 0, "layouts when the busy bar shows and hides");
    // From the keyboard, the input that changed keeps the focus (its slot was drawn again).
    let keys = &r["keyboard"];
    assert_eq!(keys["dropdown"], "q-in-category", "{keys}");
    assert_ne!(keys["category"], "Computers", "the arrow key picked another category: {keys}");
    assert_eq!(keys["button"], "Mobile App", "{keys}");
    assert_eq!(keys["pressed"], "Mobile App", "{keys}");
    // The injection string filtered everything out and changed nothing else.
    let injected = &expected["injection"];
    assert!(
        injected.as_object().is_some_and(|o| o.values().any(|h| h.as_str().is_some_and(|h| h.contains("q-empty"))))
    );

    assert_eq!(r["csvName"], "category_states.csv");
    assert_eq!(
        r["csv"].as_str(),
        Some(step2.results["category_states"].to_csv().as_str()),
        "CSV at the current inputs"
    );
    // The chart saved as a picture: a PNG at twice the page's scale, with colours in it.
    let png = &r["png"];
    assert_eq!(png["signature"], "PNG", "{png}");
    assert!(png["name"].as_str().is_some_and(|n| n.ends_with(".png")), "{png}");
    assert!(png["width"].as_u64().unwrap_or(0) >= 600 && png["height"].as_u64().unwrap_or(0) >= 300, "{png}");
    assert!(png["colours"].as_u64().unwrap_or(0) >= 4, "a picture of the chart, not a blank: {png}");
    // A tooltip: the bar's category, channel and its sales, formatted, as the native render's
    // result has them.
    let tooltip = r["tooltip"].as_str().unwrap_or_default();
    let results = quire_build::page_results(&project, "pages/explorer.md", &[]).expect("the page runs");
    let row = results["channel_mix"]
        .rows
        .iter()
        .find_map(|row| {
            let [quire_core::Cell::Text(cat), quire_core::Cell::Text(chan), quire_core::Cell::Float(sales)] = &row[..]
            else {
                return None;
            };
            tooltip.strip_prefix(&format!("{cat}{chan}")).map(|shown| (shown.replace(',', ""), *sales))
        })
        .unwrap_or_else(|| panic!("a tooltip of a bar of channel_mix: {tooltip:?}"));
    let shown: f64 = row.0.parse().unwrap_or_else(|_| panic!("a number in {tooltip:?}"));
    assert!((shown - row.1).abs() <= 0.05, "{tooltip:?} shows {} as {shown}", row.1);
    assert!(row.1 < 1000.0 || tooltip.contains(','), "{tooltip:?}: thousands grouped");
    assert_ne!(r["sort"]["ascending"], r["sort"]["descending"], "sorting reorders: {}", r["sort"]);
    assert_eq!(r["search"], 1, "searching `phone` leaves the Phones row");

    assert_eq!(r["consoleErrors"], serde_json::json!([]), "console errors");
    assert_eq!(r["pageErrors"], serde_json::json!([]), "page errors");
    assert_eq!(r["failedRequests"], serde_json::json!([]), "failed requests");
    assert_eq!(r["offOrigin"], serde_json::json!([]), "requests off the site's origin");
}

/// A templated page reached by a table link in Chromium: the Evidence fixture's customers
/// table leads to the customer's own page (built from `[customer].md`), whose breadcrumbs
/// lead home; the offline search finds another customer's page.
#[test]
fn a_templated_page_is_reached_by_a_table_link() {
    let r = build_serve_and_drive(&repo().join("tests/fixtures/evidence"), "templates.mjs");
    let clicked = r["clicked"].as_str().expect("a customer was clicked");
    assert_eq!(r["landedAt"], format!("/customers/{clicked}/index.html"), "{r}");
    assert_eq!(r["h1"], serde_json::json!([clicked]), "{r}");
    assert_eq!(r["crumbs"], serde_json::json!(["Retail Overview", "Customers", clicked]), "{r}");
    assert_eq!(r["bigValues"].as_array().map(Vec::len), Some(2), "{r}");
    assert_eq!(r["searchHits"][0], "Globex Corporation", "{r}");
    assert_eq!(r["searchLandedAt"], "/customers/Globex Corporation/index.html", "{r}");
    for key in ["consoleErrors", "pageErrors", "failedRequests", "offOrigin"] {
        assert_eq!(r[key], serde_json::json!([]), "{key}: {r}");
    }
}

/// A table longer than a page may hold, in Chromium: the page has its first ten rows; the
/// pager, sorting and search work over every row, loaded once from the table's row file.
#[test]
fn a_long_table_loads_its_rows_when_the_reader_asks() {
    use std::fmt::Write;
    let mut csv = String::from("id,name,amount\n");
    for i in 0..5000 {
        let _ = writeln!(csv, "{i},row-{i},{}", (i * 7919) % 10007);
    }
    let project = crate::util::Project::with_files(&[
        ("sources/t/connection.yaml", "type: csv\n"),
        ("sources/t/big.csv", &csv),
        (
            "pages/index.md",
            "```sql big\nselect id, name, amount from t.big order by id\n```\n\n<DataTable data={big} search />\n\n\
             ```sql small\nselect id, name from t.big order by id limit 25\n```\n\n<DataTable data={small} />\n",
        ),
    ]);
    let r = build_serve_and_drive(project.path(), "long-table.mjs");
    assert_eq!(r["initial"]["inDocument"], 10, "{r}");
    assert_eq!(r["initial"]["count"], "1–10 of 5,000", "{r}");
    assert_eq!(r["initial"]["rows"][0], serde_json::json!(["0", "row-0", "0"]), "{r}");
    assert_eq!(r["next"]["count"], "11–20 of 5,000", "{r}");
    assert_eq!(r["next"]["inDocument"], 10, "only the page's rows are in the document: {r}");
    assert_eq!(r["next"]["rows"][0][1], "row-10", "{r}");
    // Sorting keeps the page the reader is on (the second): its first row is the eleventh
    // largest amount of all 5,000 rows, not of the ten shown before.
    let mut by_amount: Vec<u64> = (0..5000u64).collect();
    by_amount.sort_by_key(|i| std::cmp::Reverse((i * 7919) % 10007));
    assert_eq!(r["sorted"]["count"], "11–20 of 5,000", "{r}");
    assert_eq!(r["sorted"]["first"][1], format!("row-{}", by_amount[10]), "{r}");
    assert_eq!(r["search"]["count"], "1–1 of 1", "{r}");
    assert_eq!(r["search"]["rows"][0][1], "row-4321", "{r}");
    assert_eq!(r["rowFiles"], 1, "the row file is loaded once: {r}");
    // 25 rows, all in the document: the build's count, then pages turned in place.
    let small = &r["small"];
    assert_eq!(small["count"], "1–10 of 25", "{small}");
    assert_eq!(small["first"], "row-0", "{small}");
    assert_eq!(small["nextEnabled"], true, "{small}");
    assert_eq!(small["next"]["count"], "11–20 of 25", "{small}");
    assert_eq!(small["next"]["rows"][0], "row-10", "{small}");
    assert_eq!(small["next"]["rows"].as_array().map(Vec::len), Some(10), "{small}");
    assert_eq!(small["last"]["count"], "21–25 of 25", "{small}");
    assert_eq!(small["last"]["nextEnabled"], false, "{small}");
    for key in ["consoleErrors", "pageErrors", "failedRequests", "offOrigin"] {
        assert_eq!(r[key], serde_json::json!([]), "{key}: {r}");
    }
}

/// Build `project`, serve the site on loopback, run `tests/e2e/<script>` against it, and
/// return the JSON report it prints.
fn build_serve_and_drive(project: &Path, script: &str) -> serde_json::Value {
    let out = tempfile::tempdir().expect("tmp");
    Run::new(quire().arg("build").arg(project).arg("--out").arg(out.path())).ok();
    let base = serve(out.path().to_path_buf());
    let output = std::process::Command::new("node")
        .arg(repo().join("tests/e2e").join(script))
        .arg("--base")
        .arg(&base)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON from the driver")
}

/// The differential parity test: for every page with inputs in the example, the test
/// fixtures and the documentation, a set of input states made from the page's own inputs
/// (every choice of a select or button group up to a few, everything and nothing of a
/// multiple select, a slider at both ends, a date range whole and one day, text with `%`,
/// `_`, a quote and a non-ASCII letter, a checkbox both ways) is opened in Chromium from its
/// URL, and every slot the native engine renders for that state (`page_at`) must show the
/// same numbers, marks and text in the browser.
#[test]
fn every_page_with_inputs_shows_the_native_numbers_in_every_state() {
    use quire_core::inputs::InputKind;
    let root = repo();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut slots = 0u64;
    for dir in [
        "reports_example",
        "www",
        "tests/fixtures/parity",
        "tests/fixtures/shop",
        "tests/fixtures/evidence",
        "tests/fixtures/grid",
    ] {
        let dir = root.join(dir);
        let project = quire_build::Project::load(&dir).expect("the project loads");
        let mut cases = Vec::new();
        for pf in project.pages.iter().filter(|p| !p.is_template()) {
            let Ok(page) = quire_core::Page::parse(&pf.file.text) else { continue };
            let inputs = quire_core::inputs::inputs(&page);
            if inputs.is_empty() {
                continue;
            }
            let results = quire_build::page_results(&project, &pf.file.path, &[]).expect("the page runs");
            let mut states: Vec<(String, Vec<String>)> = Vec::new();
            for input in &inputs {
                let name = input.name.clone();
                let mut add = |values: Vec<String>| states.push((name.clone(), values));
                match input.kind {
                    InputKind::Dropdown | InputKind::ButtonGroup => {
                        let choices: Vec<String> = input.choices(&results).into_iter().map(|c| c.value).collect();
                        for c in choices.iter().take(3).chain(choices.last()) {
                            add(vec![c.clone()]);
                        }
                        if input.multiple() {
                            add(choices.clone());
                            add(Vec::new());
                        }
                    }
                    InputKind::Slider => {
                        let (lo, hi) = input.slider_bounds(&results);
                        let text = |v: f64| if v.fract() == 0.0 { format!("{}", v as i64) } else { v.to_string() };
                        add(vec![text(lo)]);
                        add(vec![text(hi)]);
                    }
                    InputKind::DateInput => {
                        if let Some((lo, hi)) = input.date_bounds(&results) {
                            let iso = quire_core::time::iso_date;
                            add(vec![iso(hi)]);
                            add(vec![iso(lo + (hi - lo) / 2)]);
                        }
                    }
                    InputKind::DateRange => {
                        if let Some((lo, hi)) = input.date_bounds(&results) {
                            let iso = quire_core::time::iso_date;
                            add(vec![iso(lo), iso(hi)]);
                            add(vec![iso(lo), iso(lo)]);
                        }
                    }
                    InputKind::TextInput => {
                        for t in ["%", "_", "O'B", "Café", ""] {
                            add(vec![t.to_string()]);
                        }
                    }
                    InputKind::Checkbox => {
                        add(vec!["true".into()]);
                        add(vec!["false".into()]);
                    }
                    // A grid: the first value of a column, of two columns, two of one column
                    // (`multiple`), a missing value, and nothing again.
                    InputKind::DimensionGrid => {
                        let cuts = &results[&quire_core::grid::cuts_query(&name)];
                        let mut by_column: Vec<(String, Vec<String>)> = Vec::new();
                        for row in &cuts.rows {
                            let quire_core::Cell::Text(column) = &row[0] else { continue };
                            let token = match &row[1] {
                                quire_core::Cell::Text(v) => format!("{column}={v}"),
                                _ => column.clone(),
                            };
                            match by_column.iter_mut().find(|(c, _)| c == column) {
                                Some((_, tokens)) => tokens.push(token),
                                None => by_column.push((column.clone(), vec![token])),
                            }
                        }
                        let first = |i: usize| by_column.get(i).and_then(|(_, t)| t.first().cloned());
                        add(first(0).into_iter().collect());
                        add(first(0).into_iter().chain(first(1)).collect());
                        if input.component.flag("multiple") == Some(true) {
                            add(by_column
                                .first()
                                .map(|(_, t)| t.iter().take(2).cloned().collect())
                                .unwrap_or_default());
                        }
                        if let Some(missing) =
                            by_column.iter().flat_map(|(c, t)| t.iter().filter(move |t| *t == c)).next()
                        {
                            add(vec![missing.clone()]);
                        }
                        add(Vec::new());
                    }
                    // A named map: its first and last rows picked.
                    InputKind::Map => {
                        if let Some(table) = input.component.data().and_then(|q| results.get(q)) {
                            for row in table.rows.first().into_iter().chain(table.rows.last()) {
                                add(quire_core::inputs::map_row(table, row));
                            }
                        }
                    }
                }
            }
            states.dedup();
            for (name, values) in states {
                let state: quire_core::InputState = [(name.clone(), values.clone())].into();
                let at = quire_build::page_at(&project, &pf.url, &state).expect("the native render");
                let search = if values.is_empty() {
                    format!("?{}=", encode(&name))
                } else {
                    let pairs: Vec<String> =
                        values.iter().map(|v| format!("{}={}", encode(&name), encode(v))).collect();
                    format!("?{}", pairs.join("&"))
                };
                cases.push(serde_json::json!({
                    "page": pf.url,
                    "state": format!("{name}={values:?}"),
                    "search": search,
                    "slots": at.slots.iter().map(|(i, html)| (i.to_string(), serde_json::Value::from(html.clone()))).collect::<serde_json::Map<String, serde_json::Value>>(),
                }));
            }
        }
        if cases.is_empty() {
            continue;
        }
        // A control: a state whose expected slots have every digit changed must differ, or
        // the comparison proves nothing.
        if let Some(mut control) = cases.iter().find(|c| c["slots"].as_object().is_some_and(|s| !s.is_empty())).cloned()
        {
            for html in control["slots"].as_object_mut().expect("slots").values_mut() {
                let bumped: String = html
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .map(|c| c.to_digit(10).map_or(c, |d| char::from_digit((d + 1) % 10, 10).unwrap_or(c)))
                    .collect();
                *html = serde_json::Value::from(bumped);
            }
            control["state"] = serde_json::Value::from("control");
            cases.push(control);
        }
        let out = tempfile::tempdir().expect("tmp");
        // Every table a live query reads row by row is read in pieces, however small.
        Run::new(quire().arg("build").arg(&dir).arg("--out").arg(out.path()).env("QUIRE_RANGED_ABOVE", "0")).ok();
        let expected = out.path().join("states.json");
        std::fs::write(&expected, serde_json::Value::Array(cases).to_string()).expect("write");
        let base = serve(out.path().to_path_buf());
        let output = std::process::Command::new("node")
            .arg(root.join("tests/e2e/states.mjs"))
            .arg("--base")
            .arg(&base)
            .arg("--expected")
            .arg(&expected)
            .output()
            .expect("node runs");
        assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
        let r: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
        for case in r["results"].as_array().expect("results") {
            if case["state"] == "control" {
                assert_ne!(case["diffs"], serde_json::json!([]), "{}: the control state must differ", dir.display());
                continue;
            }
            checked += 1;
            slots += case["slots"].as_u64().unwrap_or(0);
            let clean = case["diffs"] == serde_json::json!([])
                && case["consoleErrors"] == serde_json::json!([])
                && case["pageErrors"] == serde_json::json!([])
                && case["failedRequests"] == serde_json::json!([])
                && case["offOrigin"] == serde_json::json!([]);
            if !clean || case["runtime"] != "match" && case["runtime"] != "ready" {
                failures.push(format!("{} {}: {case}", dir.display(), case["state"]));
            }
        }
    }
    assert!(checked >= 40, "only {checked} states were checked");
    assert!(slots >= 2 * checked as u64, "only {slots} slots were compared over {checked} states");
    eprintln!("parity: {checked} states, {slots} slots compared");
    assert!(failures.is_empty(), "{} of {checked} states differ:\n{}", failures.len(), failures.join("\n"));
}

/// A native render's slots as `clicks.mjs` compares them: `{"3": "<div ...>"}`.
pub(crate) fn slots_json(at: &quire_build::PageAt) -> serde_json::Value {
    at.slots.iter().map(|(i, h)| (i.to_string(), serde_json::Value::from(h.clone()))).collect()
}

/// Build project `dir`, open `page` in Chromium and make the clicks of `steps` (see
/// `tests/e2e/clicks.mjs`), each followed by the native render's slots it must show. The
/// driver's report, once every step shows them, redraws at least two slots, and nothing
/// failed or left the site.
pub(crate) fn clicks(dir: &Path, page: &str, steps: Vec<serde_json::Value>) -> serde_json::Value {
    let out = tempfile::tempdir().expect("tmp");
    Run::new(quire().arg("build").arg(dir).arg("--out").arg(out.path())).ok();
    let expected = out.path().join("clicks.json");
    std::fs::write(&expected, serde_json::Value::Array(steps).to_string()).expect("write");
    let base = serve(out.path().to_path_buf());
    let output = std::process::Command::new("node")
        .arg(repo().join("tests/e2e/clicks.mjs"))
        .args(["--base", &base, "--page", page, "--expected"])
        .arg(&expected)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let r: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
    for key in ["consoleErrors", "pageErrors", "failedRequests", "offOrigin"] {
        assert_eq!(r[key], serde_json::json!([]), "{key}: {r}");
    }
    for s in r["steps"].as_array().expect("steps") {
        assert_eq!(s["diffs"], serde_json::json!([]), "{s}");
        assert!(s["slots"].as_u64().unwrap_or(0) >= 2, "the input and what reads it are redrawn: {s}");
    }
    r
}

/// A URL query's value, as `URLSearchParams` reads it back.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The documentation's layout page: `<Tabs id=view>` (`?view=table` opens the tab whose `id`
/// is `table`; clicking another puts its label in the URL beside what was there), and
/// `<LastRefreshed printShowDate=false>` printed as how long ago, the date again after; and
/// on the charts page a heatmap's `filter`, whose handles dim the cells outside their range.
#[test]
fn tabs_keep_the_open_tab_in_the_url_last_refreshed_prints_how_long_ago_and_legends_filter() {
    let root = repo();
    let out = tempfile::tempdir().expect("tmp");
    Run::new(quire().arg("build").arg(root.join("www")).arg("--out").arg(out.path())).ok();
    let base = serve(out.path().to_path_buf());
    let output = std::process::Command::new("node")
        .arg(root.join("tests/e2e/ui.mjs"))
        .args(["--base", &base, "--page", "authoring/layout/", "--id", "view", "--tab", "table", "--other", "Chart"])
        .args(["--filter-page", "authoring/charts/"])
        .output()
        .expect("node runs");
    assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let r: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
    assert_eq!(r["opened"], "table", "{r}");
    assert_eq!(r["panelShown"], serde_json::json!(["Table"]), "{r}");
    assert_eq!(r["search"], "?keep=1&view=Chart", "{r}");
    let refreshed = &r["refreshed"];
    assert_eq!(refreshed["screen"], refreshed["after"], "{r}");
    assert_eq!(refreshed["print"][0], refreshed["screen"][0], "the date stays on the first: {r}");
    assert!(refreshed["print"][1].as_str().is_some_and(|t| t.ends_with(" ago") || t == "just now"), "{r}");
    let filter = &r["filter"];
    let (cells, lowest) = (filter["cells"].as_u64().unwrap_or(0), filter["lowest"].as_u64().unwrap_or(0));
    assert!(cells >= 8 && lowest >= 1, "{r}");
    assert_eq!(filter["dimmed"].as_u64(), Some(cells - lowest), "every cell above the lowest dimmed: {r}");
    assert_eq!(filter["opacity"], "0.12", "{r}");
    assert_eq!(filter["after"], 0, "{r}");
    for key in ["consoleErrors", "pageErrors", "failedRequests", "offOrigin"] {
        assert_eq!(r[key], serde_json::json!([]), "{key}: {r}");
    }
}

/// A multiple dropdown's "Clear" and "Select all" (the parity fixture's `chans`): each sets
/// the state a reader would pick by hand, and the page shows the native render of it.
#[test]
fn a_multiple_dropdown_clears_and_selects_all() {
    let dir = repo().join("tests/fixtures/parity");
    let project = quire_build::Project::load(&dir).expect("the project loads");
    let results = quire_build::page_results(&project, "pages/index.md", &[]).expect("the page runs");
    let page = quire_core::Page::parse(&project.pages.iter().find(|p| p.url.is_empty()).expect("index").file.text)
        .expect("parses");
    let inputs = quire_core::inputs::inputs(&page);
    let chans = inputs.iter().find(|i| i.name == "chans").expect("chans");
    assert!(chans.choices(&results).len() >= 2);
    let at = quire_build::page_at(&project, "", &[("chans".to_string(), Vec::new())].into()).expect("native");
    let steps = vec![
        serde_json::json!({ "click": "[data-input=\"chans\"] .q-select-none", "slots": slots_json(&at) }),
        // Every channel is the page's default: the slots as they were on load.
        serde_json::json!({ "click": "[data-input=\"chans\"] .q-select-all", "slots": "initial" }),
    ];
    let r = clicks(&dir, "", steps);
    assert_eq!(r["steps"][0]["search"], "?chans=", "{r}");
    assert_eq!(r["steps"][1]["search"], "", "all is the default: {r}");
}

#[test]
fn a_result_too_large_for_a_file_downloads_from_the_engine_or_says_why() {
    let project = crate::build::too_large_to_download();
    let r = build_serve_and_drive(project.path(), "downloads.mjs");
    assert_eq!(
        r["note"],
        "everything has 450,000 rows, too many to download from this page. Ask the report's author for this data.",
        "{r}"
    );
    assert!(!r["url"].as_str().unwrap_or("").contains('#'), "the link goes nowhere: {r}");
    // The oracle: the generator's own arithmetic, not quire.
    let above = |floor: u64| (0..450_000u64).filter(|i| (i * 7919) % 10007 >= floor).count();
    assert_eq!(r["initial"]["name"], "above.csv", "{r}");
    assert_eq!(r["initial"]["first"], "id,name,amount", "{r}");
    assert_eq!(r["initial"]["lines"], above(0) + 1, "{r}");
    assert_eq!(r["initial"]["second"], "0,name-00000000,0", "{r}");
    assert_eq!(r["floor"]["lines"], above(5000) + 1, "{r}");
    for key in ["consoleErrors", "pageErrors", "failedRequests", "offOrigin"] {
        assert_eq!(r[key], serde_json::json!([]), "{key}: {r}");
    }
}

/// A page with inputs starts its engine from its head, after the stylesheet (the wasm
/// loads while the page is parsed; the stylesheet, which first paint waits for, is not
/// slowed by it), and its worker asks for the page's tables meanwhile, each once; a page
/// without inputs starts none; the engine checks one
/// query against the build's result after the inputs answer. The same page saved without
/// that head starts the engine from `quire.js`. A page whose expected result was altered
/// shows `mismatch`, and says what differed on the console: the check can fail. A page
/// whose engine file is gone says the engine did not load.
#[test]
fn the_engine_starts_from_the_head_and_checks_itself_against_the_build() {
    let out = tempfile::tempdir().expect("tmp");
    Run::new(quire().arg("build").arg(repo().join("tests/fixtures/shop")).arg("--out").arg(out.path())).ok();
    let index = out.path().join("index.html");
    let html = std::fs::read_to_string(&index).expect("the index");
    let head = &html[..html.find("</head>").expect("a head")];
    let early = head.find("new Worker(").expect("the engine starts from the head");
    assert!(early > head.find("style.css").expect("the stylesheet"), "after the stylesheet: {head}");
    // The worker, engine and wasm it names are files of the site.
    for role in ["worker.", "quire-site.", "quire-site_bg."] {
        let at = head.find(&format!("\"./_quire/{role}")).unwrap_or_else(|| panic!("{role} in {head}")) + 3;
        let path = &head[at..at + head[at..].find('"').expect("quoted")];
        assert!(out.path().join(path).is_file(), "{path}");
    }
    // The files the engine fetches first, which the worker asks for while its wasm loads.
    let first = first_fetches(&crate::util::island(&html));
    assert!(!first.is_empty());
    for f in &first {
        assert!(head.contains(&format!("[\".{f}\"]")), "{f} in {head}");
    }
    let people = std::fs::read_to_string(out.path().join("people/index.html")).expect("people");
    assert!(!people.contains("new Worker("), "a page without inputs starts no engine");

    let at = crate::util::island_at(&html);
    let mut island = crate::util::island(&html);
    let amount = island["check"]["expected"]["rows"][0][1].as_f64().expect("the expected amount");
    island["check"]["expected"]["rows"][0][1] = serde_json::json!(amount + 1.0);
    let altered = island.to_string().replace('<', "\\u003c");
    std::fs::write(out.path().join("altered.html"), format!("{}{altered}{}", &html[..at.start], &html[at.end..]))
        .expect("write");
    let script_start = html.find("<script>(function(){try{var u=").expect("the head's script");
    let script_end = script_start + html[script_start..].find("</script>\n").expect("closed") + "</script>\n".len();
    std::fs::write(out.path().join("late.html"), format!("{}{}", &html[..script_start], &html[script_end..]))
        .expect("write");

    // A site whose engine is missing (a host that lost the file): the page says so.
    let wasm = head.split('"').find(|p| p.starts_with("./_quire/quire-site_bg.")).expect("the wasm's path");
    std::fs::write(out.path().join("lost.html"), html.replace(&wasm[2..], "_quire/lost.wasm")).expect("write");

    let base = serve(out.path().to_path_buf());
    let output = std::process::Command::new("node")
        .arg(repo().join("tests/e2e/check-pages.mjs"))
        .args(["--base", &base, "--page=", "--page=late.html", "--page=altered.html", "--page=lost.html"])
        .output()
        .expect("node runs");
    assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
    for (i, page) in ["index", "late.html"].iter().enumerate() {
        let p = &found[i];
        assert_eq!(p["runtime"], "match", "{page}: {p}");
        for key in ["consoleErrors", "pageErrors", "failedRequests"] {
            assert_eq!(p[key], serde_json::json!([]), "{page}: {key}: {p}");
        }
        // Asked for once: by the worker from the head's list, taken by the engine; by the
        // engine itself without that head.
        let asked: Vec<&str> = p["data"].as_array().into_iter().flatten().filter_map(|d| d.as_str()).collect();
        for f in &first {
            assert_eq!(asked.iter().filter(|a| *a == f).count(), 1, "{page}: {f}: {asked:?}");
        }
    }
    let lost = &found[3];
    assert_eq!(lost["runtime"], "error", "{lost}");
    assert!(
        lost["runtimeDetail"].as_str().is_some_and(|d| d.starts_with("the engine did not load") && d.contains("404")),
        "{lost}"
    );
    let p = &found[2];
    assert_eq!(p["runtime"], "mismatch", "{p}");
    assert!(
        p["consoleErrors"].as_array().is_some_and(|e| e.iter().any(|e| e
            .as_str()
            .is_some_and(|e| e.contains("query `channel_orders` gave a different result in the browser")))),
        "{p}"
    );
}
