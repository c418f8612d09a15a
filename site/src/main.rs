//! quire's browser runtime, the engine half. It runs in a Web Worker that `quire.js`
//! starts on pages with inputs, so queries never block the page: it registers the page's
//! Parquet in DataFusion (compiled to WebAssembly), re-runs the queries an input change
//! reaches, and re-renders the affected components with the build's own renderer.
//!
//! Messages are JSON strings, one request at a time: `init`, `set`, `restore`, `csv`, and
//! `load`/`sql` for the benchmark page. Each reply carries the request's `id`.

mod island;
mod runtime;
mod script;
#[cfg(test)]
mod tests;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    let scope: web_sys::DedicatedWorkerGlobalScope = match js_sys::global().dyn_into() {
        Ok(s) => s,
        Err(_) => {
            web_sys::console::error_1(&"quire: the engine runs in a Web Worker; load it through quire.js".into());
            return;
        }
    };
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        let scope = reply_to.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let reply = runtime::handle(&text).await;
            let _ = scope.post_message(&JsValue::from_str(&reply));
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(r#"{"id":0,"ok":true,"op":"ready"}"#));
}
