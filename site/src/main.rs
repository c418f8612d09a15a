//! quire's browser runtime: loads after a pre-rendered page is visible, registers the
//! page's Parquet tables in DataFusion (compiled to WebAssembly), and re-runs the page's
//! check query to confirm the browser computes what the build did. Later versions make
//! inputs, tables and charts interactive on this same engine.

mod island;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn main() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let status = match start().await {
            Ok(s) => s,
            Err(e) => {
                web_sys::console::error_1(&format!("quire: {e}").into());
                Status { state: "error", detail: e }
            }
        };
        show(status);
    });
}

struct Status {
    /// `match`, `mismatch`, `ready` (no check query on the page) or `error`.
    state: &'static str,
    detail: String,
}

async fn start() -> Result<Status, String> {
    let island = island::read()?;
    let engine = quire_engine::Engine::new();
    mark("quire-engine-ready");
    for (name, path) in &island.tables {
        let (schema, table) = name.split_once('.').ok_or_else(|| format!("bad table name {name}"))?;
        let bytes = fetch(&format!("{}{path}", island.root)).await?;
        engine
            .register_parquet_bytes(&quire_engine::TableName::new(schema, table), bytes.into())
            .map_err(|e| format!("reading {path}: {e}"))?;
    }
    mark("quire-data-ready");
    let Some(check) = island.check else {
        return Ok(Status { state: "ready", detail: "no query to check on this page".into() });
    };
    let started = now();
    let batches = engine.run(&check.sql).await.map_err(|e| format!("query `{}`: {e}", check.query))?;
    let actual = quire_engine::to_table(&batches).map_err(|e| e.to_string())?;
    let ms = now() - started;
    if actual.same_values(&check.expected) {
        Ok(Status {
            state: "match",
            detail: format!("`{}`: {} rows in {ms:.0} ms, same as the build", check.query, actual.len()),
        })
    } else {
        web_sys::console::error_1(
            &format!(
                "quire: query `{}` gave a different result in the browser\nexpected: {}\nactual: {}",
                check.query,
                serde_json::to_string(&check.expected).unwrap_or_default(),
                serde_json::to_string(&actual).unwrap_or_default()
            )
            .into(),
        );
        Ok(Status { state: "mismatch", detail: format!("`{}` differs from the build", check.query) })
    }
}

/// Record the outcome on `<html data-quire-runtime=...>` for tests, and show a quiet badge.
fn show(status: Status) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(root) = doc.document_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = root.dataset().set("quireRuntime", status.state);
        let _ = root.dataset().set("quireRuntimeDetail", &status.detail);
    }
    mark("quire-runtime-done");
    let live = matches!(status.state, "match" | "ready");
    let label = if live { "Live" } else { "Static" };
    let title = status.detail;
    leptos::mount::mount_to_body(move || {
        view! {
            <div class="q-runtime" class:q-runtime-live=live title=title.clone() role="status">
                <span class="q-runtime-dot"></span>
                {label}
            </div>
        }
    });
}

async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("fetching {url}: {e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "fetch gave no response".to_string())?;
    if !resp.ok() {
        return Err(format!("fetching {url}: HTTP {}", resp.status()));
    }
    let buf = wasm_bindgen_futures::JsFuture::from(resp.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("reading {url}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
