//! The HTTP side: the built site from memory, the dev client, and its WebSocket.
//!
//! Only files of the built site are ever served, looked up by name in memory: a path with
//! `..` (plain or percent-encoded), a backslash or a NUL is refused before any lookup, and
//! nothing on disk (sources, symlinks, the project's other files) is reachable at all.
//! Every request passes [`crate::audience`] first: a `Host` this preview does not answer to
//! gets 421, a WebSocket upgrade from a page of another origin 403.

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;

use crate::audience::Audience;
use crate::served::Served;

#[derive(Clone)]
pub struct App {
    pub served: Arc<RwLock<Served>>,
    pub events: broadcast::Sender<Arc<str>>,
    pub audience: Arc<Audience>,
}

const CLIENT: &str = include_str!("client.js");
const CLIENT_PATH: &str = "/_quire/dev/client.js";
const SOCKET_PATH: &str = "/_quire/dev/socket";

pub fn router(app: App) -> Router {
    Router::new()
        .route(
            CLIENT_PATH,
            get(|| async {
                ([(header::CONTENT_TYPE, "text/javascript"), (header::CACHE_CONTROL, "no-cache")], CLIENT)
            }),
        )
        .route(SOCKET_PATH, get(socket))
        .fallback(site)
        .layer(axum::middleware::from_fn_with_state(app.clone(), only_the_author))
        .with_state(app)
}

/// Refuse a request whose `Host` this preview does not answer to (DNS rebinding), and a
/// WebSocket upgrade whose `Origin` is not the page's own host and port.
async fn only_the_author(State(app): State<App>, request: Request, next: Next) -> Response {
    let Some(host) = one_host(request.headers()) else {
        return refuse(StatusCode::MISDIRECTED_REQUEST, app.audience.refusal(None));
    };
    // A request in absolute form (`GET http://name/ HTTP/1.1`) names its host twice.
    let target = request.uri().authority().map_or(host, |a| a.as_str());
    for name in [host, target] {
        if !app.audience.allows_host(name) {
            return refuse(StatusCode::MISDIRECTED_REQUEST, app.audience.refusal(Some(name)));
        }
    }
    if request.uri().path() == SOCKET_PATH {
        let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok());
        if !app.audience.allows_origin(origin, host) {
            return refuse(
                StatusCode::FORBIDDEN,
                format!(
                    "quire dev: the live-reload socket is for this preview's own pages, whose `Origin` is http://{host}; \
                     this request's is {}.\n",
                    origin.map_or_else(|| "missing".to_string(), |o| format!("`{}`", o.escape_default()))
                ),
            );
        }
    }
    next.run(request).await
}

/// The request's one `Host` header; `None` if it has none, several, or one that is not text.
fn one_host(headers: &HeaderMap) -> Option<&str> {
    let mut all = headers.get_all(header::HOST).iter();
    let first = all.next()?;
    if all.next().is_some() {
        return None;
    }
    first.to_str().ok()
}

fn refuse(status: StatusCode, why: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")], why)
        .into_response()
}

/// The site's file for a request path: `None` if the path tries to leave the site.
/// `/` and `/a/` are `index.html` and `a/index.html`.
pub fn site_key(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if key.is_empty() || decoded.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

/// The one byte range `[start, end)` a `Range` header asks of a file of `len` bytes
/// (`bytes=a-b`, `bytes=a-`, `bytes=-n`); `None` for no header, several ranges or one the
/// file cannot satisfy, which are answered with the whole file.
pub fn byte_range(header: &str, len: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => (len.saturating_sub(n.parse().ok()?), len),
        (a, "") => (a.parse().ok()?, len),
        (a, b) => (a.parse().ok()?, b.parse::<u64>().ok()?.saturating_add(1).min(len)),
    };
    (start < end).then_some((start, end))
}

async fn site(State(app): State<App>, uri: Uri, headers: HeaderMap) -> Response {
    let Some(key) = site_key(uri.path()) else { return not_found(&app, "") };
    let Ok(served) = app.served.read() else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    let version = served.version;
    let Some(site) = served.site.clone() else {
        drop(served);
        return waiting(&key, version);
    };
    drop(served);
    if let Some(body) = site.files.get(&key) {
        let kind = content_type(&key);
        if let (true, Some(bytes)) = (key.ends_with(".html"), body.in_memory()) {
            let html = String::from_utf8_lossy(bytes);
            return (
                [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")],
                with_client(&html, &key, version),
            )
                .into_response();
        }
        // Data and runtime files are named by their content: the browser may keep them.
        let cache = if key.starts_with("_quire/") || key.starts_with("data/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        let len = body.len();
        // Ranged tables are read a piece at a time (see `quire_engine::ranged`).
        let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok()).and_then(|v| byte_range(v, len));
        if let Some((start, end)) = range {
            let Ok(piece) = body.range(start, end) else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
            let content_range = format!("bytes {start}-{}/{len}", end - 1);
            return (
                StatusCode::PARTIAL_CONTENT,
                [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, cache)],
                [(header::CONTENT_RANGE, content_range)],
                piece,
            )
                .into_response();
        }
        let whole = match body {
            quire_build::body::Body::Memory(bytes) => axum::body::Body::from(bytes.clone()),
            // A table spooled to disk (as large as its data) streams from its file.
            quire_build::body::Body::Spooled(s) => match s.reopen() {
                Ok(f) => axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(f))),
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            },
        };
        return (
            [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, cache), (header::ACCEPT_RANGES, "bytes")],
            whole,
        )
            .into_response();
    }
    // `/explorer` → `/explorer/`: pages link relatively, so the slash matters.
    if !key.ends_with("index.html") && site.files.contains_key(&format!("{key}/index.html")) {
        let mut to = format!("{}/", uri.path());
        if let Some(q) = uri.query() {
            to.push('?');
            to.push_str(q);
        }
        let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
        if let Ok(v) = HeaderValue::from_str(&to) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    not_found(&app, &key)
}

/// The 404 page. It carries the dev client, so a page created at this address appears
/// by itself.
fn not_found(app: &App, key: &str) -> Response {
    let version = app.served.read().map(|s| s.version).unwrap_or(0);
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found · quire dev</title>\
         <meta name=\"color-scheme\" content=\"light dark\"><link rel=\"stylesheet\" href=\"/style.css\"></head>\
         <body><main style=\"max-width:40rem;margin:4rem auto;padding:0 1.5rem\"><h1>Not found</h1><p>No page of this site is at <code>{}</code>.</p>\
         <p>Pages come from <code>pages/</code>: <code>pages/a/b.md</code> is served at <code>/a/b/</code>. \
         <a href=\"/\">Back to the first page</a>.</p></main></body></html>",
        escape(key),
    );
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], with_client(&html, key, version))
        .into_response()
}

/// Before the first build succeeds: a page that shows the errors and waits.
fn waiting(key: &str, version: u64) -> Response {
    let html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Building · quire dev</title>\
                <meta name=\"color-scheme\" content=\"light dark\"></head><body style=\"font-family:system-ui,sans-serif;padding:2rem\">\
                <h1>quire dev</h1><p>The site has not built yet; this page reloads when it does.</p></body></html>";
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        with_client(html, key, version),
    )
        .into_response()
}

/// `html` with the dev client before `</body>`, told which page it is and its version.
fn with_client(html: &str, key: &str, version: u64) -> String {
    let me = serde_json::json!({ "page": key, "version": version }).to_string().replace('<', "\\u003c");
    let tag = format!("<script>window.quireDev={me}</script><script src=\"{CLIENT_PATH}\"></script>");
    match html.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{html}{tag}"),
    }
}

#[derive(serde::Deserialize)]
struct Hello {
    page: String,
    version: u64,
}

async fn socket(ws: WebSocketUpgrade, State(app): State<App>, Query(hello): Query<Hello>) -> Response {
    ws.on_upgrade(move |socket| talk(socket, app, hello))
}

async fn talk(mut socket: WebSocket, app: App, hello: Hello) {
    // Subscribe before reading the state, so no change falls between the two.
    let mut rx = app.events.subscribe();
    let first = match app.served.read() {
        Ok(s) => s.hello(&hello.page, hello.version),
        Err(_) => return,
    };
    if socket.send(Message::Text(first.into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Ok(msg) => {
                    if socket.send(Message::Text(msg.as_ref().into())).await.is_err() {
                        return;
                    }
                }
                // Too far behind: say hello again, with the state as it is now.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let now = match app.served.read() { Ok(s) => s.hello(&hello.page, hello.version), Err(_) => return };
                    if socket.send(Message::Text(now.into())).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
