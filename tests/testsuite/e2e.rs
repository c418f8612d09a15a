//! End to end: build the example, serve it on loopback, open every page in headless
//! Chromium (Debian's), and check what a reader gets: charts drawn, tables filled, the
//! browser runtime's query equal to the build's, no console error, no failed request and
//! no request leaving the site's origin.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use crate::util::{Run, quire, repo};

/// Serve `root` on 127.0.0.1 in a background thread; returns the base URL.
fn serve(root: PathBuf) -> String {
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
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/");
                let (status, body, kind) = match file_for(&root, path) {
                    Some(p) => ("200 OK", std::fs::read(&p).unwrap_or_default(), content_type(&p)),
                    None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
                };
                let mut s = &stream;
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(&body);
            });
        }
    });
    format!("http://{addr}/")
}

fn file_for(root: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.trim_start_matches('/');
    if rel.split('/').any(|s| s == "..") {
        return None;
    }
    let mut p = root.join(rel);
    if p.is_dir() {
        p = p.join("index.html");
    }
    p.is_file().then_some(p)
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
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
    let out = tempfile::tempdir().expect("tmp");
    Run::new(quire().arg("build").arg(&example).arg("--out").arg(out.path())).ok();
    assert!(
        out.path().join("_quire").is_dir(),
        "this quire was compiled without the browser runtime: run scripts/build-runtime.sh, then rebuild"
    );
    let base = serve(out.path().to_path_buf());
    let shots = std::env::var_os("QUIRE_SCREENSHOTS");
    let mut cmd = std::process::Command::new("node");
    cmd.arg(&script).arg("--base").arg(&base);
    for page in ["", "explorer/", "states/"] {
        cmd.arg(format!("--page={page}"));
    }
    if let Some(dir) = &shots {
        cmd.arg("--shots").arg(dir);
    }
    let output = cmd.output().expect("node runs");
    assert!(output.status.success(), "the browser driver failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let pages: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
    let pages = pages.as_array().expect("one result per page");
    assert_eq!(pages.len(), 3);
    for p in pages {
        let name = p["page"].as_str().unwrap_or("?");
        assert!(p["charts"].as_u64().unwrap_or(0) >= 2, "{name}: charts drawn: {p}");
        assert!(p["chartMarks"].as_u64().unwrap_or(0) >= 10, "{name}: chart marks: {p}");
        assert!(p["tables"].as_u64().unwrap_or(0) >= 1, "{name}: tables: {p}");
        assert_eq!(p["runtime"], "match", "{name}: the browser's result should equal the build's: {p}");
        assert_eq!(p["consoleErrors"], serde_json::json!([]), "{name}: console errors");
        assert_eq!(p["pageErrors"], serde_json::json!([]), "{name}: page errors");
        assert_eq!(p["failedRequests"], serde_json::json!([]), "{name}: failed requests");
        assert_eq!(p["offOrigin"], serde_json::json!([]), "{name}: requests off the site's origin");
    }
}
