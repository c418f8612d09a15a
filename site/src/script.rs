//! The page's JavaScript in the browser: the module the build wrote (`_quire/page.*.js`:
//! quire's prelude and the page's program, the same text Boa ran at build), imported by the
//! worker and run again on each new state, so expressions and script values follow inputs.

use std::collections::BTreeMap;

use js_sys::{Function, Reflect};
use quire_core::script::{JsVal, Program, Runner};
use wasm_bindgen::{JsCast, JsValue};

pub struct BrowserJs {
    /// The module's `quire` (the prelude's `run`/`eval`) and `program`.
    quire: JsValue,
    program_fn: JsValue,
    program: Program,
    values: BTreeMap<String, JsVal>,
}

impl BrowserJs {
    /// Import the page's module (`url`, of this site's origin).
    pub async fn load(url: &str, program: Program) -> Result<BrowserJs, String> {
        let global = js_sys::global();
        let import: Function = Reflect::get(&global, &"__quire_import".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or("the worker cannot import the page's script")?;
        let promise: js_sys::Promise = import
            .call1(&JsValue::NULL, &url.into())
            .map_err(|e| format!("{e:?}"))?
            .dyn_into()
            .map_err(|_| "no promise")?;
        let module = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| format!("the page's script did not load: {e:?}"))?;
        let quire = Reflect::get(&module, &"quire".into()).map_err(|e| format!("{e:?}"))?;
        let program_fn = Reflect::get(&module, &"program".into()).map_err(|e| format!("{e:?}"))?;
        Ok(BrowserJs { quire, program_fn, program, values: BTreeMap::new() })
    }

    /// Run the program on a state's data (`script::env_wire`).
    pub fn run(&mut self, env: &str) -> Result<(), String> {
        let text = self.call("run", &self.program_fn.clone(), &env.into())?;
        self.values = match JsVal::from_wire(&text)? {
            JsVal::Object(kv) => kv.into_iter().collect(),
            _ => BTreeMap::new(),
        };
        Ok(())
    }

    pub fn names(&self) -> &[String] {
        &self.program.names
    }

    fn call(&self, method: &str, a: &JsValue, b: &JsValue) -> Result<String, String> {
        let f: Function = Reflect::get(&self.quire, &method.into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| format!("the page's script has no `{method}`"))?;
        let out = f.call2(&self.quire, a, b).map_err(|e| {
            let message = Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string());
            message.map_or_else(|| format!("{e:?}"), |m| format!("{}: {m}", error_name(&e)))
        })?;
        out.as_string().ok_or_else(|| "the page's script gave back no text".to_string())
    }
}

fn error_name(e: &JsValue) -> String {
    Reflect::get(e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_else(|| "Error".into())
}

impl Runner for BrowserJs {
    fn value(&self, name: &str) -> Option<JsVal> {
        self.values.get(name).cloned()
    }

    fn eval(&self, key: &str, locals: &str) -> Result<JsVal, String> {
        let text = self.call("eval", &key.into(), &locals.into())?;
        JsVal::from_wire(&text)
    }

    fn locals(&self, key: &str) -> Option<&[String]> {
        self.program.exprs.get(key).map(Vec::as_slice)
    }
}

/// `__quire_fmt(valueJson, format)` for the prelude's `fmt`: quire's formats, as at build.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn quire_fmt(value: &str, format: &str) -> String {
    let v = JsVal::from_wire(value).unwrap_or(JsVal::Null);
    quire_render::fmt::format_js(&v, format)
}
