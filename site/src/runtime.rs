//! The worker's requests. `quire.js` sends one at a time, so a request owns the session
//! while it runs: it is taken out of its cell, used across awaits, and put back.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use quire_core::chain;
use quire_core::inputs;
use quire_core::{InputState, Page, Table};
use quire_engine::ranged::{RangedFile, Tail};
use quire_engine::{Engine, TableName};
use serde_json::{Value, json};
use wasm_bindgen::JsCast;

use crate::island::Island;
use crate::script::BrowserJs;

struct Session {
    engine: Engine,
    page: Page,
    live: BTreeSet<String>,
    /// The live queries that run on rollups, the rollups, and the engine's aggregates.
    rolled: BTreeSet<String>,
    rollups: Vec<quire_engine::rollup::Rollup>,
    aggregates: BTreeSet<String>,
    defaults: InputState,
    state: InputState,
    results: BTreeMap<String, Table>,
    /// The page's JavaScript, when it has some.
    js: Option<BrowserJs>,
    /// The tables read a piece at a time, with their URLs.
    ranged: Vec<(std::sync::Arc<RangedFile>, String)>,
    /// Each query's statement plan (placeholders unbound), by its SQL.
    plans: RefCell<BTreeMap<String, Kept>>,
    /// One live query's result at the build's state, to compare the engine with (`warm`).
    check: Option<crate::island::Check>,
}

/// A query's plan as a page keeps it from one change to the next.
#[derive(Clone)]
enum Kept {
    /// Optimized with its placeholders unbound: a change binds it (and simplifies).
    Optimized(quire_engine::datafusion::logical_expr::LogicalPlan),
    /// Not optimized (the optimizer did not take it unbound): a change binds and optimizes.
    Statement(quire_engine::datafusion::logical_expr::LogicalPlan),
}

/// Statement plans a page keeps at most (a page has a few dozen queries; past this many,
/// the kept ones are dropped and made again).
const KEPT_PLANS: usize = 256;

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
    /// Bytes fetched for ranged tables since the worker started.
    static FETCHED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// What each step of the current request took: (step, ms).
    static STEPS: RefCell<Vec<(String, f64)>> = const { RefCell::new(Vec::new()) };
    /// The benchmark page's engine: tables loaded by URL, SQL run as given.
    static BENCH: RefCell<Option<std::rc::Rc<Engine>>> = const { RefCell::new(None) };
}

pub async fn handle(text: &str) -> String {
    let req: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return json!({ "ok": false, "error": format!("bad request: {e}") }).to_string(),
    };
    let started = now();
    STEPS.with(|s| s.borrow_mut().clear());
    let result = match req["op"].as_str().unwrap_or_default() {
        "init" => init(&req).await,
        op @ ("set" | "restore" | "csv" | "warm") => match SESSION.with(|c| c.borrow_mut().take()) {
            Some(mut s) => {
                let result = match op {
                    "set" => set(&mut s, &req).await,
                    "restore" => restore(&mut s, &req).await,
                    "warm" => warm(&mut s, &req).await,
                    _ => csv(&mut s, &req).await,
                };
                SESSION.with(|c| *c.borrow_mut() = Some(s));
                result
            }
            None => Err("the runtime has not loaded this page yet".to_string()),
        },
        "load" => load(&req).await,
        "sql" => sql(&req).await,
        other => Err(format!("unknown request `{other}`")),
    };
    let mut reply = match result {
        Ok(v) => v,
        Err(e) => json!({ "ok": false, "error": e }),
    };
    reply["id"] = req["id"].clone();
    reply["op"] = req["op"].clone();
    reply["ms"] = json!(now() - started);
    reply["steps"] = json!(STEPS.with(|s| s.take()));
    // Bytes of ranged tables fetched so far (footers and row groups).
    reply["fetched"] = json!(FETCHED.with(|f| f.get()));
    // The engine's memory now (a wasm memory only grows): for the benches.
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    reply["wasm_bytes"] = json!(memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length());
    if reply.get("ok").is_none() {
        reply["ok"] = json!(true);
    }
    reply.to_string()
}

/// Load the page: parse it, register its tables, then apply the state in the URL. The
/// inputs answer from here; the check against the build comes with the warm-up.
async fn init(req: &Value) -> Result<Value, String> {
    let island: Island = serde_json::from_value(req["island"].clone()).map_err(|e| format!("#quire-data: {e}"))?;
    let page = Page::parse(&island.source).map_err(|p| format!("the page does not parse: {}", p[0].message))?;
    let t0 = now();
    let engine = Engine::new();
    let engine_ms = now() - t0;
    // Every table's bytes asked for at once (a ranged table's footer), registered in order.
    let fetched = futures::future::try_join_all(island.tables.iter().map(|(name, url)| async {
        Ok::<_, String>(match island.ranged.get(name) {
            Some(r) => Fetched::Ranged(std::sync::Arc::new(open_ranged(url, r.len, r.tail).await?)),
            None => Fetched::Whole(fetch(url).await?),
        })
    }))
    .await?;
    let mut bytes = 0;
    let mut ranged = Vec::new();
    for ((name, url), fetched) in island.tables.iter().zip(fetched) {
        let (schema, table) = name.split_once('.').ok_or_else(|| format!("bad table name {name}"))?;
        let table = TableName::new(schema, table);
        match fetched {
            Fetched::Ranged(file) => {
                bytes += file.bytes_held() as usize;
                engine.register_ranged(&table, file.clone()).map_err(|e| format!("reading {url}: {e}"))?;
                ranged.push((file, url.clone()));
            }
            Fetched::Whole(data) => {
                bytes += data.len();
                engine.register_parquet_bytes(&table, data.into()).map_err(|e| format!("reading {url}: {e}"))?;
            }
        }
    }
    let mut results = island.choices;
    for (key, url) in &island.shapes {
        let data = fetch(url).await?;
        bytes += data.len();
        let table: quire_core::Table = serde_json::from_slice(&data).map_err(|e| format!("reading {url}: {e}"))?;
        results.insert(key.clone(), table);
    }
    let data_ms = now() - t0;
    let js = match (&island.script, page.program()) {
        (Some(url), Ok(Some(program))) => Some(BrowserJs::load(url, program).await?),
        _ => None,
    };
    let aggregates = engine.aggregate_names();
    let mut session = Session {
        js,
        engine,
        page,
        live: island.live,
        rolled: island.rolled,
        rollups: island.rollups,
        aggregates,
        defaults: island.inputs.clone(),
        state: island.inputs,
        results,
        ranged,
        plans: RefCell::default(),
        check: island.check,
    };
    let next = from_url(&session, &req["url"]);
    let update = update(&mut session, next).await;
    SESSION.with(|c| *c.borrow_mut() = Some(session));
    let mut reply = update?;
    reply["engine_ms"] = json!(engine_ms);
    reply["data_ms"] = json!(data_ms);
    reply["bytes"] = json!(bytes);
    Ok(reply)
}

/// The reader changed one input.
async fn set(s: &mut Session, req: &Value) -> Result<Value, String> {
    let name = req["name"].as_str().ok_or("`set` needs a name")?;
    let values = strings(&req["value"]);
    let page_inputs = inputs::inputs(&s.page);
    let input = page_inputs.iter().find(|i| i.name == name).ok_or_else(|| format!("no input `{name}`"))?;
    let mut next = s.state.clone();
    match input.accept(&values, &s.results) {
        Some(v) => {
            next.insert(name.to_string(), v);
        }
        None => return Err(format!("`{name}` cannot take {values:?}")),
    }
    update(s, next).await
}

/// Once the page is ready, while the reader reads: run the live queries and draw their
/// slots at the current state as if every input had changed (the answers are the ones on
/// the page; the slots are not sent), so that the row groups they read are fetched and the
/// engine's code is compiled for speed before the first change. A query that fails here
/// fails again, and says so, when a change runs it.
///
/// Then the check: one live query run again at the build's state (its code warm by now),
/// its result compared with the build's.
///
/// In parts, when the request names one (`"part": n`): part `n` runs the `n`-th query an
/// input reaches, at the current state, and says how many there are (`"parts"`); the part
/// after the last draws the slots and checks (`"check"`). A reader's change sent meanwhile
/// then waits for one part, not for the whole warm-up: `quire.js` asks for each part once
/// the one before has answered, behind any change made since.
async fn warm(s: &mut Session, req: &Value) -> Result<Value, String> {
    let every: BTreeSet<String> = inputs::inputs(&s.page).iter().map(|i| i.name.clone()).collect();
    if let Some(part) = req["part"].as_u64() {
        let queries = quire_engine::queries_reading(&s.page, &s.state, &every);
        if let Some(query) = queries.get(part as usize).filter(|q| s.live.contains(*q)) {
            // Its result is the one at the current state; a failure says so again when a
            // change runs it.
            if let Ok(t) = run(s, query).await {
                s.results.insert(query.clone(), t);
            }
        }
        if (part as usize) < queries.len() {
            return Ok(json!({ "part": part, "parts": queries.len() }));
        }
    }
    let warmed = redraw(s, every).await;
    let check = check(s).await?;
    warmed?;
    Ok(json!({ "check": check }))
}

/// Run the page's check query at the build's state and compare its result with the build's:
/// `match` or `mismatch` (and the difference on the console).
async fn check(s: &mut Session) -> Result<Value, String> {
    let Some(query) = s.check.as_ref().map(|c| c.query.clone()) else { return Ok(Value::Null) };
    let t = now();
    let shown = std::mem::replace(&mut s.state, s.defaults.clone());
    let actual = run(s, &query).await;
    s.state = shown;
    let actual = actual?;
    let expected = s.check.as_ref().map(|c| &c.expected);
    let same = expected.is_some_and(|e| actual.same_values(e));
    if !same {
        web_sys::console::error_1(
            &format!(
                "quire: query `{query}` gave a different result in the browser\nexpected: {}\nactual: {}",
                serde_json::to_string(&expected).unwrap_or_default(),
                serde_json::to_string(&actual).unwrap_or_default()
            )
            .into(),
        );
    }
    Ok(
        json!({ "query": query, "state": if same { "match" } else { "mismatch" }, "rows": actual.len(), "ms": now() - t }),
    )
}

/// Back, forward, or a shared URL: take the whole state from the URL.
async fn restore(s: &mut Session, req: &Value) -> Result<Value, String> {
    let next = from_url(s, &req["url"]);
    update(s, next).await
}

/// The inputs as the URL sets them; defaults for the rest and for values they cannot take.
fn from_url(s: &Session, url: &Value) -> InputState {
    let mut next = s.defaults.clone();
    for input in inputs::inputs(&s.page) {
        let values = &url[input.name.as_str()];
        if values.is_null() {
            continue;
        }
        if let Some(v) = input.accept(&strings(values), &s.results) {
            next.insert(input.name.clone(), v);
        }
    }
    next
}

/// Move to `next`: re-run the queries that read a changed input, re-render the slots that
/// show them (and the inputs that changed), and give the URL for the new state.
async fn update(s: &mut Session, next: InputState) -> Result<Value, String> {
    let changed: BTreeSet<String> =
        next.iter().filter(|(k, v)| s.state.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
    s.state = next;
    redraw(s, changed).await
}

/// Re-run the queries that read any of the `changed` inputs, re-render the slots that show
/// them (and those inputs), and give the URL for the current state.
async fn redraw(s: &mut Session, changed: BTreeSet<String>) -> Result<Value, String> {
    let mut queries = quire_engine::queries_reading(&s.page, &s.state, &changed);
    // The page's JavaScript reads every query: the live ones not run yet run now, once.
    if s.js.is_some() && !(queries.is_empty() && changed.is_empty()) {
        let missing: Vec<String> =
            s.live.iter().filter(|q| !s.results.contains_key(*q) && !queries.contains(*q)).cloned().collect();
        let mut all: Vec<String> = s.page.queries.iter().map(|q| q.name.clone()).collect();
        all.retain(|q| queries.contains(q) || missing.contains(q));
        queries = all;
    }
    let mut errors = Vec::new();
    for q in &queries {
        match run(s, q).await {
            Ok(t) => {
                s.results.insert(q.clone(), t);
            }
            Err(e) => errors.push(e),
        }
    }
    // A slot drawn again may read a live query that no change has run yet (a block that
    // reads `inputs.channel` and a query of other inputs, when only a date changed): run
    // it once, at the current state.
    let redrawn = quire_render::slots_showing_scripted(&s.page.body, &queries, &changed, s.js.is_some());
    let unrun: BTreeSet<String> = redrawn
        .iter()
        .flat_map(|i| quire_render::queries_read(std::slice::from_ref(&s.page.body[*i])))
        .filter(|q| s.live.contains(q) && !s.results.contains_key(q))
        .collect();
    for q in unrun {
        match run(s, &q).await {
            Ok(t) => {
                s.results.insert(q.clone(), t);
            }
            Err(e) => errors.push(e),
        }
    }
    // The page's JavaScript runs again on the new state, and makes its tables again.
    let mut results = std::borrow::Cow::Borrowed(&s.results);
    if let Some(js) = s.js.as_mut().filter(|_| !(queries.is_empty() && changed.is_empty())) {
        let names: Vec<&str> = s.page.queries.iter().map(|q| q.name.as_str()).collect();
        match js.run(&quire_core::script::env_wire(&s.results, &s.state, &names)) {
            Ok(()) => {
                let (tables, problems) = quire_render::script_tables(&s.page.body, js, js.names(), &s.results);
                errors.extend(problems.into_iter().map(|p| p.message));
                results.to_mut().extend(tables);
            }
            Err(e) => errors.push(format!("the page's script: {e}")),
        }
    }
    let t = now();
    let runner = s.js.as_ref().map(|j| j as &dyn quire_core::script::Runner);
    let mut slots = Vec::new();
    for i in redrawn {
        match quire_render::render_slot(&s.page.body, i, &results, &s.state, runner) {
            Ok(html) => slots.push(json!([i, html])),
            Err(p) => errors.extend(p.into_iter().map(|p| p.message)),
        }
    }
    step("render".to_string(), t);
    let search: Vec<(String, String)> = inputs::inputs(&s.page)
        .iter()
        .filter(|i| s.state.get(&i.name) != s.defaults.get(&i.name))
        .flat_map(|i| {
            let values = s.state.get(&i.name).cloned().unwrap_or_default();
            // An emptied list still differs from its default: say so with one empty value.
            let values = if values.is_empty() { vec![String::new()] } else { values };
            values.into_iter().map(|v| (i.name.clone(), v)).collect::<Vec<_>>()
        })
        .collect();
    Ok(json!({ "state": s.state, "search": search, "slots": slots, "queries": queries, "errors": errors }))
}

/// One query of the page, with the current inputs: planned once, the bytes it reads from
/// ranged tables fetched, then run.
async fn run(s: &Session, query: &str) -> Result<Table, String> {
    let mut expanded = chain::expand(&s.page, query, &s.state).map_err(|e| match e {
        chain::ChainError::Problem(p) => p.message,
        chain::ChainError::ReadsCycle => format!("`{query}` reads a cycle"),
    })?;
    // Proved at the build: the same answer from the rollup as from the rows.
    if s.rolled.contains(query) {
        expanded.sql = quire_engine::rollup::rewrite(&expanded.sql, &s.rollups, &s.aggregates)
            .map_err(|e| format!("query `{query}` on its rollup: {e}"))?;
    }
    let failed = |e: quire_engine::datafusion::error::DataFusionError| {
        format!("query `{query}`: {}", s.engine.expanded_problem(&s.page, query, &expanded, &e).message)
    };
    // Its statement's plan is the same at every state: made once, kept for the next change.
    let kept = s.plans.borrow().get(&expanded.sql).cloned();
    let statement = match kept {
        Some(plan) => plan,
        None => {
            let t = now();
            let plan = s.engine.statement_plan(&expanded.sql).await.map_err(failed)?;
            let plan = match s.engine.optimized_statement(&plan) {
                Some(optimized) => Kept::Optimized(optimized),
                None => Kept::Statement(plan),
            };
            step(format!("parse {query}"), t);
            let mut plans = s.plans.borrow_mut();
            if plans.len() >= KEPT_PLANS {
                plans.clear();
            }
            plans.insert(expanded.sql.clone(), plan.clone());
            plan
        }
    };
    let t = now();
    let planned = match &statement {
        Kept::Optimized(plan) => s.engine.planned_bound(plan, &expanded.params),
        Kept::Statement(plan) => s.engine.planned_from(plan, &expanded.params),
    }
    .map_err(failed)?;
    step(format!("plan {query}"), t);
    let t = now();
    prefetch(s, &planned).await.map_err(|e| format!("query `{query}`: {e}"))?;
    step(format!("fetch {query}"), t);
    let t = now();
    let table = planned.run().await.and_then(|b| quire_engine::to_table(&b)).map_err(failed);
    step(format!("run {query}"), t);
    table
}

/// Fetch the pieces of ranged tables that `planned` will read and that are not here yet:
/// the row groups its filters can match, the columns it reads.
async fn prefetch(s: &Session, planned: &quire_engine::ranged::Planned) -> Result<(), String> {
    if s.ranged.is_empty() {
        return Ok(());
    }
    for (file, ranges) in planned.ranges_wanted().map_err(|e| e.to_string())? {
        let url = &s.ranged.iter().find(|(f, _)| std::sync::Arc::ptr_eq(f, &file)).ok_or("an unknown ranged table")?.1;
        let pieces = futures::future::try_join_all(ranges.iter().map(|r| fetch_range(url, r.start, r.end))).await?;
        for (r, piece) in ranges.iter().zip(pieces) {
            match piece {
                Piece::Range(bytes) => file.add(r.start, bytes.into()),
                // The host ignored the Range header: the whole file came; keep all of it.
                Piece::Whole(bytes) => {
                    file.add(0, bytes.into());
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Record what one step of a request took since `since`, for the reply's `steps` (the
/// benches read them).
fn step(what: String, since: f64) {
    STEPS.with(|s| s.borrow_mut().push((what, now() - since)));
}

/// A ranged table's footer: the file's last bytes, more if its footer is longer; the whole
/// file if the host ignores ranges.
async fn open_ranged(url: &str, len: u64, tail: u64) -> Result<RangedFile, String> {
    let mut want = len - quire_engine::ranged::first_read(len, tail).start;
    loop {
        let read = match fetch_range(url, len - want, len).await? {
            Piece::Range(tail) => RangedFile::from_tail(len, tail.into()),
            Piece::Whole(all) => RangedFile::whole(all.into()).map(Tail::Read),
        };
        match read.map_err(|e| format!("reading {url}: {e}"))? {
            Tail::Read(file) => return Ok(file),
            Tail::Needs(n) if n > want && n <= len => want = n,
            Tail::Needs(_) => return Err(format!("reading {url}: its footer is longer than the file")),
        }
    }
}

/// A table's bytes as `init` fetched them.
enum Fetched {
    /// A table read a piece at a time: its footer so far.
    Ranged(std::sync::Arc<RangedFile>),
    Whole(Vec<u8>),
}

/// What a Range request brought.
enum Piece {
    Range(Vec<u8>),
    Whole(Vec<u8>),
}

/// Bytes `[start, end)` of `url`: `206 Partial Content`, or the whole file from a host that
/// answers `200` to a Range request.
async fn fetch_range(url: &str, start: u64, end: u64) -> Result<Piece, String> {
    let range = format!("bytes={start}-{}", end - 1);
    let asked = match early(&format!("{url}#{range}")) {
        Some(asked) => asked,
        None => {
            let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
            let init = web_sys::RequestInit::new();
            let headers = web_sys::Headers::new().map_err(|e| format!("{e:?}"))?;
            headers.set("Range", &range).map_err(|e| format!("{e:?}"))?;
            init.set_headers(&headers);
            scope.fetch_with_str_and_init(url, &init)
        }
    };
    let resp = wasm_bindgen_futures::JsFuture::from(asked).await.map_err(|e| format!("fetching {url}: {e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "fetch gave no response".to_string())?;
    if !resp.ok() {
        return Err(format!("fetching {url} (bytes {start}-{}): HTTP {}", end - 1, resp.status()));
    }
    let buf = wasm_bindgen_futures::JsFuture::from(resp.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("reading {url}: {e:?}"))?;
    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
    FETCHED.with(|f| f.set(f.get() + bytes.len()));
    match resp.status() {
        206 if bytes.len() as u64 == end - start => Ok(Piece::Range(bytes)),
        206 => Err(format!("fetching {url}: asked for {} bytes, got {}", end - start, bytes.len())),
        _ => Ok(Piece::Whole(bytes)),
    }
}

/// A live query's result at the current inputs, as CSV.
async fn csv(s: &mut Session, req: &Value) -> Result<Value, String> {
    let query = req["query"].as_str().ok_or("`csv` needs a query")?;
    if !s.live.contains(query) {
        return Err(format!("`{query}` does not change in the browser; download the build's file"));
    }
    let table = run(s, query).await?;
    Ok(json!({ "csv": table.to_csv() }))
}

/// Benchmark page: load a Parquet file as table `name`.
async fn load(req: &Value) -> Result<Value, String> {
    let engine = Engine::new();
    let ready = now();
    let name = req["name"].as_str().unwrap_or("orders");
    let url = req["url"].as_str().ok_or("`load` needs a url")?;
    let data = fetch(url).await?;
    let fetched = now();
    engine
        .register_parquet_bytes(&TableName::new("public", name), data.into())
        .map_err(|e| format!("reading {url}: {e}"))?;
    BENCH.with(|b| *b.borrow_mut() = Some(std::rc::Rc::new(engine)));
    Ok(json!({ "fetch_ms": fetched - ready, "decode_ms": now() - fetched }))
}

/// Benchmark page: run SQL and return the whole result.
async fn sql(req: &Value) -> Result<Value, String> {
    let engine = BENCH.with(|b| b.borrow().clone()).ok_or("load a table first")?;
    let sql = req["sql"].as_str().ok_or("`sql` needs sql")?;
    let batches = engine.run(sql).await.map_err(|e| e.to_string())?;
    let table = quire_engine::to_table(&batches).map_err(|e| e.to_string())?;
    Ok(json!({ "rows": table.len(), "table": table }))
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string)).collect(),
        Value::Null => Vec::new(),
        Value::String(s) => vec![s.clone()],
        other => vec![other.to_string()],
    }
}

async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let asked = early(url).unwrap_or_else(|| scope.fetch_with_str(url));
    let resp = wasm_bindgen_futures::JsFuture::from(asked).await.map_err(|e| format!("fetching {url}: {e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "fetch gave no response".to_string())?;
    if !resp.ok() {
        return Err(format!("fetching {url}: HTTP {}", resp.status()));
    }
    let buf = wasm_bindgen_futures::JsFuture::from(resp.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("reading {url}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// The response to a request the worker made while the engine loaded (`worker.js` asks for
/// what the page's head names: its tables, a ranged table's footer), taken once; `None` if it
/// made none under `key` (a URL, with `#bytes=a-b` for a range).
fn early(key: &str) -> Option<js_sys::Promise> {
    let take = js_sys::Reflect::get(&js_sys::global(), &"__quire_early".into()).ok()?;
    let take: js_sys::Function = take.dyn_into().ok()?;
    take.call1(&wasm_bindgen::JsValue::NULL, &key.into()).ok()?.dyn_into().ok()
}

fn now() -> f64 {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    scope.performance().map_or(0.0, |p| p.now())
}
