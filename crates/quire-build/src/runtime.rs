//! The browser runtime as the site ships it: its files under `_quire/`, named by content,
//! and the tags a page needs to start it.

use std::collections::BTreeMap;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::compile::hex;

/// The compiled browser runtime (from `site/`), shipped under `_quire/` with content-hashed
/// names: `quire.js` wires up every page; `worker.js` runs the engine (`quire-site.js` and
/// its wasm) off the main thread on pages with inputs.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// Role (`main`, `worker`, `engine`, `wasm`) → file name under `_quire/`, and bytes.
    files: BTreeMap<&'static str, (String, Bytes)>,
}

impl Runtime {
    /// Recognise the runtime's four files by name; `None` if one is missing.
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Option<Runtime> {
        let mut out = BTreeMap::new();
        for (name, bytes) in files {
            let role = match name.as_str() {
                "quire.js" => "main",
                "worker.js" => "worker",
                n if n.ends_with("_bg.wasm") => "wasm",
                n if n.starts_with("quire-site") && n.ends_with(".js") => "engine",
                _ => continue,
            };
            let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
            let hashed = format!("{stem}.{}.{ext}", hex(&Sha256::digest(&bytes)[..5]));
            out.insert(role, (hashed, Bytes::from(bytes)));
        }
        (out.len() == 4).then_some(Runtime { files: out })
    }

    /// For the head of a page with inputs: a script that starts the engine's worker while
    /// the rest of the page is parsed, so that its wasm downloads and compiles meanwhile, and
    /// the worker asks for `first` at once (what the engine's init fetches: paths under the
    /// site's root, with the byte range of a ranged table's footer; resolved against the
    /// page's address, as `quire.js` resolves the tables it hands the engine). What the
    /// worker says before `quire.js` runs is kept for it (`window.quireEngine`,
    /// `quireHeard`). Where workers cannot start, it does nothing and `quire.js` says why.
    pub(crate) fn early_start(&self, root: &str, first: &[FirstFetch]) -> String {
        // Paths quire wrote; quoted as JavaScript strings all the same.
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_default().replace('<', "\\u003c");
        let url = |role: &str| quote(&format!("{root}{}", self.path(role)));
        let first: Vec<String> = first
            .iter()
            .map(|f| {
                let path = quote(&format!("{root}{}", f.path));
                match &f.range {
                    Some(r) => format!("[{path},{},{}]", r.start, r.end),
                    None => format!("[{path}]"),
                }
            })
            .collect();
        format!(
            "<script>(function(){{try{{var u=function(p){{return new URL(p,document.baseURI).href}},w=new URL(u({}));\
             w.searchParams.set('engine',u({}));w.searchParams.set('wasm',u({}));\
             w.searchParams.set('early',JSON.stringify([{}].map(function(f){{f[0]=new URL(f[0],location.href).href;return f}})));\
             var k=new Worker(w,{{type:'module'}}),h=k.quireHeard=[];k.onmessage=k.onerror=function(e){{h.push(e)}};\
             window.quireEngine=k}}catch(e){{}}}})()</script>\n",
            url("worker"),
            url("engine"),
            url("wasm"),
            first.join(","),
        )
    }

    /// Each file's path in the site and its bytes.
    pub(crate) fn files(&self) -> impl Iterator<Item = (String, &Bytes)> {
        self.files.values().map(|(name, bytes)| (format!("_quire/{name}"), bytes))
    }

    pub(crate) fn path(&self, role: &str) -> String {
        self.files.get(role).map(|(n, _)| format!("_quire/{n}")).unwrap_or_default()
    }
}

/// A file the engine's init fetches (a table's, or a map's shapes): its path under the site's
/// root, and for a ranged table the bytes of its footer that it reads first.
#[derive(Debug, Clone)]
pub(crate) struct FirstFetch {
    pub path: String,
    pub range: Option<std::ops::Range<u64>>,
}
