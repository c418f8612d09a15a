//! `quire dev`: what a save rebuilds (natively, through `quire_build::Incremental`), and
//! the server end to end: a page open in headless Chromium follows edits on disk, shows a
//! broken build as an overlay and clears it, and no path outside the site is served.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use quire_build::{BuildError, Incremental, Rebuilt};

use crate::util::{Project, Run, quire, repo};

fn edit(p: &Project, rel: &str, from: &str, to: &str) {
    let text = p.read(rel);
    assert!(text.contains(from), "{rel} should contain {from:?}");
    std::fs::write(p.path().join(rel), text.replacen(from, to, 1)).expect("write");
}

fn ran(r: &Rebuilt) -> Vec<&str> {
    let mut v: Vec<&str> = r.ran.iter().map(String::as_str).collect();
    v.sort_unstable();
    v
}

/// The text of a built page, tags removed.
fn page(r: &Rebuilt, path: &str) -> String {
    let html = String::from_utf8_lossy(
        r.site.files.get(path).and_then(|b| b.in_memory()).unwrap_or_else(|| panic!("{path} is built")),
    )
    .into_owned();
    crate::util::plain_text(&html)
}

#[test]
fn a_save_rebuilds_only_what_it_touches() {
    let p = Project::fixture("dev");
    let mut site = Incremental::new(p.path(), None).expect("start");

    let r = site.rebuild().expect("first build");
    assert_eq!(r.reason, "first build");
    assert_eq!(
        ran(&r),
        ["pages/index.md: base", "pages/index.md: derived", "pages/index.md: lone", "pages/other.md: biggest"]
    );
    assert!(page(&r, "index.html").contains("Intro text: the shop has 3 channels and 6 orders."));

    let r = site.rebuild().expect("again");
    assert!(r.compiled.is_empty() && r.ran.is_empty(), "nothing changed, nothing compiled: {r:?}");

    // Prose: the page is rendered again, and no query runs.
    edit(&p, "pages/index.md", "Intro text:", "Opening text:");
    let r = site.rebuild().expect("prose edit");
    assert_eq!(r.compiled, ["pages/index.md"]);
    assert_eq!(ran(&r), Vec::<&str>::new());
    assert_eq!(r.reused, 3);
    assert!(page(&r, "index.html").contains("Opening text: the shop has 3 channels"));

    // A query: it runs, and so does the query that reads it; the page's other query does not.
    edit(
        &p,
        "pages/index.md",
        "from shop.orders group by channel",
        "from shop.orders where channel <> 'phone' group by channel",
    );
    let r = site.rebuild().expect("query edit");
    assert_eq!(ran(&r), ["pages/index.md: base", "pages/index.md: derived"]);
    assert!(page(&r, "index.html").contains("the shop has 2 channels and 6 orders"));

    // Another page's query: only it.
    edit(&p, "pages/other.md", "max(amount)", "min(amount)");
    let r = site.rebuild().expect("other page");
    assert_eq!(r.compiled, ["pages/other.md"]);
    assert_eq!(ran(&r), ["pages/other.md: biggest"]);
    assert!(page(&r, "other/index.html").contains("$45.25"));

    // A source file: its tables are read again and every query runs.
    let csv = p.read("sources/shop/orders.csv");
    std::fs::write(p.path().join("sources/shop/orders.csv"), format!("{csv}7,2024-04-01,web,10\n")).expect("write");
    let r = site.rebuild().expect("source edit");
    assert_eq!(r.reason, "sources");
    assert_eq!(r.ran.len(), 4, "{r:?}");
    assert!(page(&r, "index.html").contains("and 7 orders"));
    assert!(page(&r, "other/index.html").contains("$10.00"));

    // quire.toml: everything again.
    edit(&p, "quire.toml", "Dev fixture", "Renamed site");
    let r = site.rebuild().expect("config edit");
    assert_eq!(r.reason, "quire.toml");
    assert_eq!(r.compiled.len(), 2);
    assert!(page(&r, "other/index.html").contains("Renamed site"));

    // A broken query is an author error with its place; the next save that fixes it builds.
    edit(&p, "pages/other.md", "min(amount)", "min(amont)");
    let err = site.rebuild().expect_err("a broken query");
    let BuildError::Author(errors) = &err else { panic!("an author error: {err:?}") };
    assert_eq!(errors[0].location(), "pages/other.md:6:12");
    assert!(err.diagnostics(false)[0].report.contains("min(amont)"), "the snippet: {:?}", err.diagnostics(false));
    edit(&p, "pages/other.md", "min(amont)", "min(amount)");
    let r = site.rebuild().expect("fixed");
    assert_eq!(r.compiled, ["pages/other.md"]);

    // A new page, and a deleted one.
    std::fs::write(p.path().join("pages/fresh.md"), "# Fresh\n\nA new page.\n").expect("write");
    std::fs::remove_file(p.path().join("pages/other.md")).expect("rm");
    let r = site.rebuild().expect("pages added and removed");
    assert_eq!(r.compiled, ["pages/fresh.md"]);
    assert!(r.site.files.contains_key("fresh/index.html"));
    assert!(!r.site.files.contains_key("other/index.html"));
    assert!(page(&r, "index.html").contains("Fresh"), "the sidebar follows");

    // A SQL file a page names (`queries:`): editing it compiles the pages again.
    std::fs::create_dir_all(p.path().join("queries")).expect("mkdir");
    std::fs::write(p.path().join("queries/n.sql"), "select count(*) as n from shop.orders\n").expect("write");
    std::fs::write(
        p.path().join("pages/fresh.md"),
        "---\nqueries:\n  - n.sql\n---\n\nOrders: <Value data={n} column=n />.\n",
    )
    .expect("write");
    let r = site.rebuild().expect("a page with a SQL file");
    assert!(page(&r, "fresh/index.html").contains("Orders: 7."), "{}", page(&r, "fresh/index.html"));
    edit(&p, "queries/n.sql", "from shop.orders", "from shop.orders where channel = 'web'");
    let r = site.rebuild().expect("the SQL file edited");
    assert_eq!(r.reason, "queries");
    assert!(page(&r, "fresh/index.html").contains("Orders: 4."), "{}", page(&r, "fresh/index.html"));
}

/// `quire dev` running in the background; killed when dropped.
pub(crate) struct Dev {
    child: Child,
    pub(crate) base: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Dev {
    fn start(project: &std::path::Path) -> Dev {
        Dev::start_with(project, &[])
    }

    fn start_with(project: &std::path::Path, args: &[&str]) -> Dev {
        Dev::start_env(project, args, &[])
    }

    pub(crate) fn start_env(project: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Dev {
        let mut child = quire()
            .envs(env.iter().copied())
            .arg("dev")
            .arg(project)
            .args(["--port", "0"])
            .args(args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("quire dev starts");
        let stderr = child.stderr.take().expect("stderr");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                        let _ = tx.send(url.to_string());
                    }
                    if let Ok(mut l) = log.lock() {
                        l.push_str(&line);
                        l.push('\n');
                    }
                }
            });
        }
        let mut dev = Dev { child, base: String::new(), log };
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(base) => dev.base = base,
            Err(_) => panic!("quire dev did not say where it serves:\n{}", dev.log()),
        }
        dev
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The status and `Location` of a request sent byte for byte as given.
    fn raw_get(&self, path: &str) -> (u16, String) {
        let response = self.raw(path);
        let status = response.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let location = response
            .lines()
            .find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
            .unwrap_or("")
            .to_string();
        (status, location)
    }

    /// The whole response to a request sent byte for byte as given.
    fn raw(&self, path: &str) -> String {
        let addr = self.addr();
        self.send(&format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"))
    }

    /// `127.0.0.1:PORT`, where it serves.
    fn addr(&self) -> &str {
        self.base.trim_start_matches("http://").trim_end_matches('/')
    }

    fn port(&self) -> u16 {
        self.addr().rsplit_once(':').and_then(|(_, p)| p.parse().ok()).expect("a port")
    }

    /// The response to `request`, written on a TCP connection exactly as given (no client
    /// library to fix its headers up): up to the end of its body as `Content-Length` says, or
    /// of its head for a `101 Switching Protocols`, or else until the server closes.
    fn send(&self, request: &str) -> String {
        let mut s = TcpStream::connect(self.addr()).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        s.write_all(request.as_bytes()).expect("send");
        let mut response = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buf[..n]),
            }
            let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
            let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
            let length =
                head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|n| n.trim().parse().ok());
            if head.starts_with("http/1.1 101") || length.is_some_and(|n: usize| response.len() >= end + 4 + n) {
                break;
            }
        }
        String::from_utf8_lossy(&response).into_owned()
    }

    /// The status of a `GET /` with exactly these header lines.
    fn status_with(&self, headers: &[&str]) -> (u16, String) {
        let mut request = String::from("GET / HTTP/1.1\r\n");
        for h in headers {
            request.push_str(h);
            request.push_str("\r\n");
        }
        request.push_str("Connection: close\r\n\r\n");
        let response = self.send(&request);
        (status(&response), response)
    }

    /// The status of a WebSocket upgrade to the live-reload socket with these header lines.
    fn upgrade_with(&self, headers: &[&str]) -> (u16, String) {
        let mut request = String::from(
            "GET /_quire/dev/socket?page=index.html&version=0 HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
        );
        for h in headers {
            request.push_str(h);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        let response = self.send(&request);
        (status(&response), response)
    }
}

fn status(response: &str) -> u16 {
    response.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

/// DNS rebinding: a page at `evil.example` whose name now points at 127.0.0.1 sends
/// `Host: evil.example:PORT`; it must get nothing. Nor may any page but the preview's own
/// open its WebSocket, which carries build errors with source lines and rows.
#[test]
fn quire_dev_answers_only_to_its_own_address() {
    let p = Project::fixture("dev");
    let dev = Dev::start(p.path());
    let port = dev.port();
    let other = if port == 65535 { 65534 } else { port + 1 };

    for good in [
        format!("Host: 127.0.0.1:{port}"),
        format!("Host: localhost:{port}"),
        format!("Host: LocalHost:{port}"),
        format!("Host: [::1]:{port}"),
    ] {
        let (code, response) = dev.status_with(&[&good]);
        assert_eq!(code, 200, "{good} is the author's own address:\n{response}");
    }
    for evil in [
        format!("Host: evil.example:{port}"),
        "Host: evil.example".to_string(),
        format!("Host: localhost.evil.example:{port}"),
        format!("Host: 127.0.0.1.evil.example:{port}"),
        format!("Host: evil.localhost:{port}"),
        format!("Host: localhost:{other}"),
        format!("Host: 127.0.0.1:{other}"),
        // Without a port a browser means port 80, which this is not.
        "Host: localhost".to_string(),
        "Host: 127.0.0.1".to_string(),
        format!("Host: 192.168.1.20:{port}"),
        format!("Host: [::2]:{port}"),
        format!("Host: localhost:{port}@evil.example"),
        "Host: ".to_string(),
    ] {
        let (code, response) = dev.status_with(&[&evil]);
        assert_eq!(code, 421, "{evil} must be refused:\n{response}");
        assert!(!response.contains("<h1>") && !response.contains("quireDev"), "nothing of the site: {response}");
        let flat = response.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("--host 0.0.0.0") && flat.contains("--allow-host NAME"), "it says how: {response}");
    }
    // No Host at all, in HTTP/1.0 and 1.1; two of them; a request target naming another host.
    let (code, response) = dev.status_with(&[]);
    assert_eq!(code, 421, "a request without Host:\n{response}");
    assert!(response.contains("without a `Host` header"), "{response}");
    assert_eq!(status(&dev.send("GET / HTTP/1.0\r\n\r\n")), 421);
    let (code, _) = dev.status_with(&[&format!("Host: 127.0.0.1:{port}"), &format!("Host: evil.example:{port}")]);
    assert!(code == 421 || code == 400, "two Hosts: {code}");
    let absolute =
        format!("GET http://evil.example:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    assert_eq!(status(&dev.send(&absolute)), 421, "a request target naming another host");
    // Every path is guarded, the client script and the socket too.
    for path in ["/_quire/dev/client.js", "/style.css", "/_quire/dev/socket?page=index.html&version=0"] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n");
        assert_eq!(status(&dev.send(&request)), 421, "{path}");
    }

    // The WebSocket: only from the preview's own pages.
    for (host, origin) in [
        (format!("127.0.0.1:{port}"), format!("http://127.0.0.1:{port}")),
        (format!("localhost:{port}"), format!("http://localhost:{port}")),
    ] {
        let (code, response) = dev.upgrade_with(&[&format!("Host: {host}"), &format!("Origin: {origin}")]);
        assert_eq!(code, 101, "a page of {origin} opens its socket:\n{response}");
    }
    let host = format!("Host: 127.0.0.1:{port}");
    for origin in [
        None,
        Some("Origin: null".to_string()),
        Some("Origin: http://evil.example".to_string()),
        Some(format!("Origin: http://evil.example:{port}")),
        Some(format!("Origin: http://127.0.0.1:{other}")),
        Some("Origin: http://127.0.0.1".to_string()),
        Some(format!("Origin: http://localhost:{port}")),
        Some(format!("Origin: http://127.0.0.1:{port}.evil.example")),
        Some(format!("Origin: file://127.0.0.1:{port}")),
        Some(String::from("Origin: ")),
    ] {
        let mut headers = vec![host.as_str()];
        headers.extend(origin.as_deref());
        let (code, response) = dev.upgrade_with(&headers);
        assert_eq!(code, 403, "{origin:?} must not open the socket:\n{response}");
        assert!(!response.contains("\"errors\""), "{response}");
    }
    let (code, _) =
        dev.upgrade_with(&[&format!("Host: evil.example:{port}"), &format!("Origin: http://evil.example:{port}")]);
    assert_eq!(code, 421, "a rebound name is refused before its origin is looked at");
}

/// Bound beyond loopback, the preview also answers to IP addresses, this machine's name and
/// the names given with `--allow-host`; a rebound name is still refused, and the warning stays.
#[test]
fn quire_dev_on_all_interfaces_answers_to_ip_addresses_and_allowed_names() {
    let p = Project::fixture("dev");
    let dev = Dev::start_with(p.path(), &["--host", "0.0.0.0", "--allow-host", "Preview.Tunnel.example"]);
    let port = dev.port();
    let until = Instant::now() + Duration::from_secs(10);
    while !dev.log().contains("anyone who can reach this machine") {
        assert!(Instant::now() < until, "the warning stays:\n{}", dev.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    let machine = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim().to_string();
    let mut good = vec![
        format!("Host: 127.0.0.1:{port}"),
        format!("Host: localhost:{port}"),
        format!("Host: 192.168.1.20:{port}"),
        format!("Host: [fe80::1]:{port}"),
        format!("Host: 0.0.0.0:{port}"),
        "Host: preview.tunnel.example".to_string(),
        "Host: preview.tunnel.example:443".to_string(),
    ];
    if !machine.is_empty() {
        good.push(format!("Host: {machine}:{port}"));
    }
    for good in good {
        let (code, response) = dev.status_with(&[&good]);
        assert_eq!(code, 200, "{good}:\n{response}");
    }
    for evil in [
        format!("Host: evil.example:{port}"),
        format!("Host: 192.168.1.20:{}", port.wrapping_add(1)),
        "Host: 10.0.0.1".into(),
    ] {
        let (code, response) = dev.status_with(&[&evil]);
        assert_eq!(code, 421, "{evil}:\n{response}");
    }
    let (code, response) =
        dev.upgrade_with(&[&format!("Host: 192.168.1.20:{port}"), &format!("Origin: http://192.168.1.20:{port}")]);
    assert_eq!(code, 101, "{response}");
    let (code, response) = dev.upgrade_with(&[&format!("Host: 192.168.1.20:{port}"), "Origin: http://evil.example"]);
    assert_eq!(code, 403, "{response}");
}

#[test]
fn quire_dev_serves_nothing_outside_the_site() {
    let p = Project::fixture("dev");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", p.path().join("leak")).expect("symlink");
    let dev = Dev::start(p.path());
    assert_eq!(dev.raw_get("/").0, 200);
    assert_eq!(dev.raw_get("/other/").0, 200);
    assert_eq!(dev.raw_get("/other"), (308, "/other/".to_string()), "a folder without its slash is redirected");
    assert_eq!(dev.raw_get("/style.css").0, 200);
    for path in [
        "/../quire.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/.%2e/quire.toml",
        "/other/..%5c..%5cquire.toml",
        "/index.html%00.css",
        "/quire.toml",
        "/pages/index.md",
        "/sources/shop/orders.csv",
        "/leak/passwd",
        "/leak/hostname",
        "/nothing-here/",
    ] {
        assert_eq!(dev.raw_get(path).0, 404, "{path} must not be served");
    }
    // The 404 page says what happened, in the site's style.
    let body = dev.raw("/nothing-here/");
    assert!(body.contains("<h1>Not found</h1>") && body.contains("nothing-here/index.html"), "{body}");
}

/// The author's loop in a real browser: edit prose, break a query, fix it, add a page.
#[test]
fn quire_dev_follows_edits_in_a_real_browser() {
    let root = repo();
    assert!(
        root.join("tests/e2e/node_modules/playwright-core").is_dir(),
        "install the browser driver first: (cd tests/e2e && npm ci), or run scripts/test.sh"
    );
    let p = Project::fixture("dev");
    let dev = Dev::start(p.path());
    let started = Instant::now();
    let output = std::process::Command::new("node")
        .arg(root.join("tests/e2e/dev.mjs"))
        .arg("--base")
        .arg(&dev.base)
        .arg("--project")
        .arg(p.path())
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "the browser driver failed:\n{}\nquire dev said:\n{}",
        String::from_utf8_lossy(&output.stderr),
        dev.log()
    );
    let r: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");
    let log = dev.log();
    let s = &r["steps"];

    assert_eq!(s["prose"]["shown"], true, "the edited prose appears without a manual reload: {r}\n{log}");
    let (before, after) =
        (s["prose"]["scrollBefore"].as_f64().unwrap_or(0.0), s["prose"]["scrollAfter"].as_f64().unwrap_or(0.0));
    assert!(before > 1000.0, "the driver scrolled down: {r}");
    assert!((after - before).abs() < 2.0, "the scroll position survives the reload: {before} then {after}");

    assert_eq!(s["broken"]["overlay"], true, "a broken query shows the overlay: {r}\n{log}");
    let text = s["broken"]["text"].as_str().unwrap_or("");
    assert!(text.contains("pages/index.md:6:"), "the overlay names file:line:col: {text}");
    assert!(text.contains("shop.nope") && text.contains("The build failed"), "and shows the snippet: {text}");
    assert_eq!(s["broken"]["lastGood"], true, "the last good page stays under the overlay: {r}");

    assert_eq!(s["fixed"]["overlay"], false, "fixing the file clears the overlay: {r}\n{log}");
    assert_eq!(s["fixed"]["shown"], true, "and shows the new version: {r}");

    assert_eq!(s["fresh"]["status"], 404);
    assert_eq!(s["fresh"]["shown"], true, "a page created where a 404 was open appears: {r}\n{log}");

    assert!(log.contains("Rebuilt 1 of 2 pages") && log.contains("no query ran"), "a prose edit runs no query:\n{log}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "console errors");
    assert_eq!(r["pageErrors"], serde_json::json!([]), "page errors");
    assert_eq!(r["offOrigin"], serde_json::json!([]), "requests off the site's origin");
    assert!(started.elapsed() < Duration::from_secs(120));
}

#[test]
fn quire_dev_explains_itself_and_its_mistakes() {
    let run = crate::util::Run::new(quire().args(["dev", "--help"])).ok();
    let help = String::from_utf8_lossy(&run.output.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in ["--port", "--host", "--open", "--poll", "prose edit", "scroll position", "file, line"] {
        assert!(help.contains(needle), "`quire dev --help` should mention {needle:?}:\n{help}");
    }

    let run = crate::util::Run::new(quire().args(["dev", "/no/such/project", "--port", "0"]));
    assert!(!run.success());
    assert!(run.stderr().contains("/no/such/project: no such project folder"), "{}", run.stderr());
    assert!(run.stderr().contains("help: pass the folder"), "{}", run.stderr());

    // A port another program holds.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let p = Project::fixture("dev");
    let run = crate::util::Run::new(quire().arg("dev").arg(p.path()).args(["--port", &port]));
    assert!(!run.success());
    assert!(run.stderr().contains("cannot listen on 127.0.0.1:"), "{}", run.stderr());
    assert!(run.stderr().contains("pass `--port`"), "{}", run.stderr());
}

/// A model edit runs that model and its downstream through the pipeline's cache, and the
/// page that reads them follows; a broken model keeps the last good page.
#[test]
fn quire_dev_runs_an_edited_model_and_its_downstream() {
    let p = Project::fixture("pipeline");
    let dev = Dev::start(p.path());
    let wait_for = |what: &dyn Fn() -> bool, why: &str| {
        let until = Instant::now() + Duration::from_secs(60);
        while !what() {
            assert!(Instant::now() < until, "{why}:\n{}", dev.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    assert!(dev.raw("/").contains("NORTH"), "the first build ran the pipeline:\n{}", dev.log());
    let ran_before = dev.log().matches("Ran ").count();

    edit(&p, "pipeline/clean/customers.sql", "upper(region)", "lower(region)");
    wait_for(&|| dev.raw("/").contains("north"), "the page shows the model's new output");
    let log = dev.log();
    let ran: Vec<&str> = log.lines().filter(|l| l.contains("Ran ")).skip(ran_before).collect();
    let models: BTreeSet<&str> = ran.iter().filter_map(|l| l.split_whitespace().nth(1)).collect();
    assert_eq!(
        models,
        BTreeSet::from(["clean.customers", "marts.revenue"]),
        "exactly the model and its downstream:\n{log}"
    );

    edit(&p, "pipeline/clean/customers.sql", "lower(region)", "lower(regio)");
    wait_for(&|| dev.log().contains("column 'regio' not found"), "the broken model is reported");
    assert!(dev.log().contains("pipeline/clean/customers.sql:1:"), "with its place:\n{}", dev.log());
    assert!(dev.raw("/").contains("north"), "the last good page is still served");
}

/// `--poll`, for file systems that send no notifications: a save still shows.
#[test]
fn quire_dev_polls_when_asked() {
    let p = Project::fixture("dev");
    let dev = Dev::start_with(p.path(), &["--poll"]);
    assert!(dev.raw("/").contains("Intro text"));
    edit(&p, "pages/index.md", "Intro text:", "Polled text:");
    let until = Instant::now() + Duration::from_secs(30);
    while !dev.raw("/").contains("Polled text") {
        assert!(Instant::now() < until, "the edit never showed:\n{}", dev.log());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(dev.log().contains("Rebuilt 1 of 2 pages"), "{}", dev.log());
}

/// Tables read a piece at a time are fetched with Range requests: `quire dev` answers one
/// range with `206 Partial Content` and those bytes, and anything else with the whole file.
#[test]
fn quire_dev_answers_range_requests() {
    let p = Project::fixture("dev");
    let dev = Dev::start(p.path());
    let whole = dev.raw("/style.css");
    assert_eq!(status(&whole), 200);
    assert!(whole.to_ascii_lowercase().contains("accept-ranges: bytes"), "{}", &whole[..300.min(whole.len())]);
    let body = whole.split_once("\r\n\r\n").expect("a body").1.to_string();
    let ranged = |range: &str| {
        let addr = dev.addr();
        let r = dev
            .send(&format!("GET /style.css HTTP/1.1\r\nHost: {addr}\r\nRange: {range}\r\nConnection: close\r\n\r\n"));
        let (head, body) = r.split_once("\r\n\r\n").expect("a body");
        (status(&r), head.to_ascii_lowercase(), body.to_string())
    };
    let n = body.len();
    let (code, head, part) = ranged("bytes=0-9");
    assert_eq!((code, part.as_str()), (206, &body[..10]));
    assert!(head.contains(&format!("content-range: bytes 0-9/{n}")), "{head}");
    let (code, _, part) = ranged("bytes=-5");
    assert_eq!((code, part.as_str()), (206, &body[n - 5..]));
    let (code, _, part) = ranged(&format!("bytes={}-", n - 3));
    assert_eq!((code, part.as_str()), (206, &body[n - 3..]));
    for whole_file in ["bytes=0-1, 5-6", &format!("bytes={n}-"), "items=0-1", "bytes=9-2"] {
        let (code, _, part) = ranged(whole_file);
        assert_eq!((code, part.len()), (200, n), "{whole_file}");
    }
}

/// A table shipped to be read a piece at a time is as large as its data, so the build
/// writes it to disk as it makes it (`.quire/ship/`) instead of holding it: `quire build`
/// links it into `dist/` under the hash of its bytes and leaves nothing behind; `quire dev`
/// serves its ranges and the whole file from disk, the same bytes, and removes it at Ctrl-C;
/// and a file a killed process left there is removed by the next build, while one that is
/// not quire's stays.
#[test]
fn a_large_shipped_table_is_spooled_to_disk_and_served_from_it() {
    let mut csv = String::from("id,kind,amount\n");
    for i in 0..50_000u64 {
        csv.push_str(&format!("{},{},{}\n", (i * 7919) % 50_000, ["a", "b", "c"][(i % 3) as usize], i % 997));
    }
    let page = "```sql few\nselect id, amount from shop.t where kind = '${inputs.kind.value}' and id < 30 order by id\n```\n\n\
                <Dropdown name=kind>\n<DropdownOption value=a />\n<DropdownOption value=b />\n</Dropdown>\n\n\
                <DataTable data={few} />\n";
    let p = Project::with_files(&[
        ("sources/shop/connection.yaml", "type: csv\n"),
        ("sources/shop/t.csv", &csv),
        ("pages/index.md", page),
    ]);
    let ship = p.path().join(".quire/ship");
    std::fs::create_dir_all(&ship).expect("mkdir");
    // A process id no system gives out (above Linux's largest, 2^22).
    std::fs::write(ship.join("4000000000.1.shop.t.parquet"), "left by a killed build").expect("write");
    std::fs::write(ship.join("notes.txt"), "the author's").expect("write");
    let listing = || -> BTreeSet<String> {
        std::fs::read_dir(&ship)
            .expect("ship")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    };
    Run::new(quire().arg("build").arg(p.path()).arg("--quiet").env("QUIRE_RANGED_ABOVE", "0")).ok();
    assert_eq!(listing(), BTreeSet::from(["notes.txt".to_string()]), "the build leaves only what is not its own");
    let html = p.read("dist/index.html");
    let island = crate::util::island(&html);
    let path = island["tables"]["shop.t"].as_str().expect("shop.t ships").to_string();
    assert!(island["ranged"]["shop.t"]["len"].is_u64(), "shop.t is ranged: {island}");
    let built = std::fs::read(p.path().join("dist").join(&path)).expect("the shipped file");
    assert_eq!(&built[..4], b"PAR1");
    // Named by its bytes' SHA-256, as sha256sum computes it.
    let sum =
        std::process::Command::new("sha256sum").arg(p.path().join("dist").join(&path)).output().expect("sha256sum");
    let sum = String::from_utf8_lossy(&sum.stdout).chars().take(10).collect::<String>();
    assert!(path.ends_with(&format!(".{sum}.parquet")), "{path} is named by {sum}");

    let dev = Dev::start_env(p.path(), &[], &[("QUIRE_RANGED_ABOVE", "0")]);
    let get = |range: Option<&str>| -> (String, Vec<u8>) {
        let mut s = TcpStream::connect(dev.addr()).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        let range = range.map(|r| format!("Range: {r}\r\n")).unwrap_or_default();
        let addr = dev.addr();
        s.write_all(format!("GET /{path} HTTP/1.1\r\nHost: {addr}\r\n{range}Connection: close\r\n\r\n").as_bytes())
            .expect("send");
        let mut response = Vec::new();
        let _ = s.read_to_end(&mut response);
        let end = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
        let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
        let mut body = response[end + 4..].to_vec();
        // A streamed body comes in chunks.
        if head.contains("transfer-encoding: chunked") {
            let mut out = Vec::new();
            let mut rest = &body[..];
            while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
                let n = usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).expect("size").trim(), 16)
                    .expect("hex");
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&rest[line_end + 2..line_end + 2 + n]);
                rest = &rest[line_end + 2 + n + 2..];
            }
            body = out;
        }
        (head, body)
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while !get(None).0.starts_with("http/1.1 200") {
        assert!(Instant::now() < deadline, "quire dev never served {path}:\n{}", dev.log());
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(listing().len(), 2, "the server's table is spooled: {:?}", listing());
    let (head, whole) = get(None);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(whole == built, "the whole file as quire build wrote it ({} bytes of {})", whole.len(), built.len());
    let (head, tail) = get(Some("bytes=-8"));
    assert!(head.starts_with("http/1.1 206"), "{head}");
    assert_eq!(tail, built[built.len() - 8..]);
    let (head, part) = get(Some("bytes=4-1003"));
    assert!(head.contains(&format!("content-range: bytes 4-1003/{}", built.len())), "{head}");
    assert_eq!(part, built[4..1004]);
    // Stopped with Ctrl-C, the server removes what it spooled.
    let pid = dev.child.id().to_string();
    let sent = std::process::Command::new("kill").args(["-INT", &pid]).status().expect("kill");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    while listing().len() > 1 {
        assert!(Instant::now() < deadline, "Ctrl-C left {:?}", listing());
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(dev);
    // Killed, a server cannot clean up; the next build does.
    let dev = Dev::start_env(p.path(), &[], &[("QUIRE_RANGED_ABOVE", "0")]);
    while listing().len() < 2 {
        assert!(Instant::now() < deadline + Duration::from_secs(100), "quire dev spooled nothing: {:?}", listing());
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(dev);
    Run::new(quire().arg("build").arg(p.path()).arg("--quiet").env("QUIRE_RANGED_ABOVE", "0")).ok();
    assert_eq!(listing(), BTreeSet::from(["notes.txt".to_string()]));
    // `.quire/ship` a link to a folder elsewhere: nothing there is written or removed, and
    // the table ships from memory, the same bytes.
    let elsewhere = tempfile::tempdir().expect("tmp");
    std::fs::write(elsewhere.path().join("4000000000.1.shop.t.parquet"), "not quire's").expect("write");
    std::fs::remove_dir_all(&ship).expect("rm");
    std::os::unix::fs::symlink(elsewhere.path(), &ship).expect("symlink");
    Run::new(quire().arg("build").arg(p.path()).arg("--quiet").env("QUIRE_RANGED_ABOVE", "0")).ok();
    let there: Vec<_> = std::fs::read_dir(elsewhere.path()).expect("dir").flatten().map(|e| e.file_name()).collect();
    assert_eq!(there.len(), 1, "{there:?}");
    assert!(std::fs::read(p.path().join("dist").join(&path)).expect("shipped") == built);
}
