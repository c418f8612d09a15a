//! The runtime inside a real browser: `wasm-bindgen-test` runs these in a dedicated worker
//! of headless Chromium, where the runtime lives (see `scripts/test.sh`).

use quire_core::Page;
use quire_core::inputs;
use serde_json::{Value, json};
use wasm_bindgen_test::*;

use crate::runtime::handle;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const PAGE: &str = r#"```sql orders
select * from (values (1, 'Books', 12.5), (2, 'Books', 30.0), (3, 'Toys', 100.0), (4, 'Toy''s', 5.0))
  as t(id, category, sales)
```

```sql picked
select id, sales from ${orders} where category = '${inputs.category.value}' order by id
```

```sql picked_total
select sum(sales) as total from ${picked}
```

```sql everything
select count(*) as n from ${orders}
```

<Dropdown name=category>
  <DropdownOption value="Books" />
  <DropdownOption value="Toys" />
  <DropdownOption value="Toy's" />
</Dropdown>

Total: <Value data={picked_total} column=total fmt=usd2 />, of <Value data={everything} column=n /> orders.

<DataTable data={picked} />
"#;

async fn call(req: Value) -> Value {
    let reply: Value = serde_json::from_str(&handle(&req.to_string()).await).expect("JSON reply");
    assert_eq!(reply["ok"], true, "{reply}");
    reply
}

async fn init(url: Value) -> Value {
    init_page(PAGE, &["picked", "picked_total"], url).await
}

async fn init_page(source: &str, live: &[&str], url: Value) -> Value {
    let page = Page::parse(source).expect("parses");
    let defaults: quire_core::InputState =
        inputs::inputs(&page).iter().map(|i| (i.name.clone(), i.default_value(&Default::default()))).collect();
    let island = json!({
        "source": source, "tables": {}, "live": live, "inputs": defaults,
        "choices": {}, "check": null,
    });
    call(json!({ "id": 1, "op": "init", "island": island, "url": url })).await
}

/// The slots a reply re-rendered: index → HTML.
fn slots(reply: &Value) -> Vec<(u64, String)> {
    reply["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .map(|s| (s[0].as_u64().expect("index"), s[1].as_str().expect("html").to_string()))
        .collect()
}

#[wasm_bindgen_test]
async fn a_change_re_runs_and_re_renders_only_what_reads_the_input() {
    let r = init(json!({})).await;
    assert_eq!(slots(&r), [], "the defaults are what the page was built with");
    let r = call(json!({ "id": 2, "op": "set", "name": "category", "value": ["Toys"] })).await;
    assert_eq!(r["queries"], json!(["picked", "picked_total"]));
    let s = slots(&r);
    let indices: Vec<u64> = s.iter().map(|(i, _)| *i).collect();
    // The dropdown (changed), the total (reads picked_total) and the table; not `everything`.
    assert_eq!(indices.len(), 3, "{indices:?}");
    let all = s.iter().map(|(_, h)| h.as_str()).collect::<String>();
    assert!(all.contains("$100.00"), "{all}");
    assert!(all.contains("<option value=\"Toys\" selected>"), "{all}");
    assert_eq!(r["search"], json!([["category", "Toys"]]));

    // The same slot, rendered here directly, is byte-identical to what the reply carried.
    let page = Page::parse(PAGE).expect("parses");
    let table = s.iter().find(|(_, h)| h.contains("q-datatable")).expect("the table slot");
    assert!(table.1.starts_with(&format!("<div class=\"q-slot\" data-q=\"{}\">", table.0)));
    assert!(page.body.len() > table.0 as usize);
}

#[wasm_bindgen_test]
async fn injection_strings_match_nothing_in_the_browser() {
    init(json!({})).await;
    // A dropdown accepts only its own choices.
    let reply: Value = serde_json::from_str(
        &handle(&json!({ "id": 3, "op": "set", "name": "category", "value": ["' or 1=1 --"] }).to_string()).await,
    )
    .expect("JSON");
    assert_eq!(reply["ok"], false, "{reply}");
    // A choice with a quote in it is data, bound as a parameter.
    let r = call(json!({ "id": 4, "op": "set", "name": "category", "value": ["Toy's"] })).await;
    let all = slots(&r).into_iter().map(|(_, h)| h).collect::<String>();
    assert!(all.contains("$5.00"), "{all}");
}

#[wasm_bindgen_test]
async fn a_shared_url_restores_the_view_and_ignores_what_inputs_cannot_hold() {
    let r = init(json!({ "category": ["Toys"] })).await;
    assert_eq!(r["state"]["category"], json!(["Toys"]));
    assert!(slots(&r).iter().any(|(_, h)| h.contains("$100.00")));
    let r = call(json!({ "id": 5, "op": "restore", "url": { "category": ["'); drop table x; --"] } })).await;
    assert_eq!(r["state"]["category"], json!(["Books"]), "back to the default");
    assert_eq!(r["search"], json!([]));
}

#[wasm_bindgen_test]
async fn a_live_query_downloads_as_csv_at_the_current_inputs() {
    init(json!({ "category": ["Books"] })).await;
    let r = call(json!({ "id": 6, "op": "csv", "query": "picked" })).await;
    assert_eq!(r["csv"], "id,sales\r\n1,12.5\r\n2,30\r\n");
}

/// `n` orders: `id` in order, `state` CA for every fifth and NY otherwise, `sales` a
/// quarter of the id.
fn orders_batch(n: i64) -> quire_engine::datafusion::arrow::record_batch::RecordBatch {
    use quire_engine::datafusion::arrow::array::{Float64Array, Int64Array, StringArray};
    use quire_engine::datafusion::arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("state", DataType::Utf8, false),
        Field::new("sales", DataType::Float64, false),
    ]));
    quire_engine::datafusion::arrow::record_batch::RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from_iter_values(0..n)),
            Arc::new(StringArray::from_iter_values((0..n).map(|i| if i % 5 == 0 { "CA" } else { "NY" }))),
            Arc::new(Float64Array::from_iter_values((0..n).map(|i| i as f64 / 4.0))),
        ],
    )
    .expect("batch")
}

#[wasm_bindgen_test]
async fn parquet_that_quire_writes_reads_back_in_the_browser() {
    let batch = orders_batch(50_000);
    let bytes = quire_engine::encode_parquet(batch.schema(), &[batch]).expect("encodes");
    let engine = quire_engine::Engine::new();
    engine.register_parquet_bytes(&quire_engine::TableName::new("t", "orders"), bytes.into()).expect("registers");
    let batches = engine
        .run_with_params("select count(*) as n from t.orders where state = $1", &[Some("CA".into())])
        .await
        .expect("runs");
    let table = quire_engine::to_table(&batches).expect("converts");
    assert_eq!(table.rows, vec![vec![quire_core::Cell::Int(10_000)]]);
}

/// A ranged table in the browser's engine: the row groups a query's filters can match are
/// all it fetches, and the answer is the whole file's.
#[wasm_bindgen_test]
async fn a_ranged_table_fetches_only_the_row_groups_a_query_can_match() {
    use quire_engine::parquet::arrow::ArrowWriter;
    use quire_engine::parquet::file::properties::WriterProperties;
    use quire_engine::ranged::{RangedFile, Tail};
    use std::sync::Arc;
    let batch = orders_batch(60_000);
    let props = WriterProperties::builder().set_max_row_group_row_count(Some(2000)).build();
    let mut file = Vec::new();
    let mut w = ArrowWriter::try_new(&mut file, batch.schema(), Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    let file = bytes::Bytes::from(file);
    let sql = "select count(*) as n, sum(sales) as s from t.orders where id between $1 and 30999 and state = 'CA'";
    let params = [Some("30000".to_string())];

    let whole = quire_engine::Engine::new();
    whole.register_parquet_bytes(&quire_engine::TableName::new("t", "orders"), file.clone()).expect("registers");
    let expected = quire_engine::to_table(&whole.run_with_params(sql, &params).await.expect("runs")).expect("table");

    let len = file.len();
    let footer = quire_engine::ranged::tail_len(&file).expect("a footer") as usize;
    let Tail::Read(ranged) = RangedFile::from_tail(len as u64, file.slice(len - footer..)).expect("footer") else {
        panic!("the whole footer was given")
    };
    let ranged = Arc::new(ranged);
    let engine = quire_engine::Engine::new();
    engine.register_ranged(&quire_engine::TableName::new("t", "orders"), ranged.clone()).expect("registers");
    let mut fetched = 0;
    for (f, ranges) in engine.ranges_wanted(sql, &params).await.expect("planned") {
        for r in ranges {
            fetched += r.end - r.start;
            f.add(r.start, file.slice(r.start as usize..r.end as usize));
        }
    }
    let actual = quire_engine::to_table(&engine.run_with_params(sql, &params).await.expect("runs")).expect("table");
    assert_eq!(actual.rows, expected.rows);
    assert_eq!(actual.rows[0][0], quire_core::Cell::Int(200));
    assert!(fetched * 10 < len as u64, "fetched {fetched} of {len} bytes for one thousand rows of sixty thousand");
}

/// The browser's engine registers exactly the functions `browser-functions.txt` lists; the
/// build checks every live query against that list (tests/testsuite/parity.rs).
#[wasm_bindgen_test]
fn the_browser_registers_exactly_the_listed_functions() {
    let have = quire_engine::Engine::new().function_names();
    let listed: std::collections::BTreeSet<String> =
        quire_engine::browser_functions().into_iter().map(str::to_string).collect();
    let unlisted: Vec<&String> = have.difference(&listed).collect();
    let missing: Vec<&String> = listed.difference(&have).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "crates/quire-engine/browser-functions.txt is out of date: registered but not listed {unlisted:?}, \
         listed but not registered {missing:?}"
    );
}

/// A live query with regular expressions re-runs in the browser.
#[wasm_bindgen_test]
async fn a_live_query_matches_a_regular_expression() {
    const REGEX: &str = r#"```sql orders
select * from (values (1, 'Books'), (2, 'Toys'), (3, 'Toy''s'), (4, 'Games')) as t(id, category)
```

```sql matched
select count(*) as n, max(regexp_replace(category, '[^a-z]', '', 'g')) as tail from ${orders}
where regexp_like(category, '${inputs.pattern}')
```

<TextInput name=pattern defaultValue="^B" />

Matched: <Value data={matched} column=n />, <Value data={matched} column=tail />.
"#;
    init_page(REGEX, &["matched"], json!({})).await;
    let r = call(json!({ "id": 7, "op": "set", "name": "pattern", "value": ["^Toy"] })).await;
    assert_eq!(r["errors"], json!([]), "{r}");
    let all = slots(&r).into_iter().map(|(_, h)| h).collect::<String>();
    assert!(all.contains(">2</span>"), "Toys and Toy's: {all}");
    assert!(all.contains(">oys</span>"), "regexp_replace: {all}");
}

/// The prelude's en-US locale functions (which Boa, without Intl, runs at build) print what
/// the browser's own Intl prints.
#[wasm_bindgen_test]
fn the_preludes_locale_functions_print_what_the_browsers_intl_prints() {
    let body = format!(
        r#"
        const nativeNum = Number.prototype.toLocaleString;
        const nativeDate = Date.prototype.toLocaleDateString;
        const nativeTime = Date.prototype.toLocaleTimeString;
        const nums = [0, 1, -1, 12, 999, 1000, -1234.5, 1234567.891, 0.1 + 0.2, 1e21, 123.4567, 2.5, -0.0004,
          99999.9995, 1/3, NaN, Infinity, -Infinity, 5e-7, 1234.5678];
        const opts = [undefined, {{ maximumFractionDigits: 0 }}, {{ maximumFractionDigits: 2 }}, {{ minimumFractionDigits: 2 }},
          {{ minimumFractionDigits: 1, maximumFractionDigits: 1 }}];
        const dates = [0, 86400000 * 19723, 86400000 * 19723 + 3600000 * 13 + 60000 * 5 + 9000, -86400000 * 400, 951782400000];
        const expected = [], got = [];
        for (const n of nums) for (const o of opts) expected.push(nativeNum.call(n, 'en-US', o));
        for (const d of dates) {{
          expected.push(nativeDate.call(new Date(d), 'en-US', {{ timeZone: 'UTC' }}));
          expected.push(nativeTime.call(new Date(d), 'en-US', {{ timeZone: 'UTC' }}));
        }}
        {prelude}
        for (const n of nums) for (const o of opts) got.push(n.toLocaleString('en-US', o));
        for (const d of dates) {{ got.push(new Date(d).toLocaleDateString()); got.push(new Date(d).toLocaleTimeString()); }}
        Number.prototype.toLocaleString = nativeNum;
        Date.prototype.toLocaleDateString = nativeDate;
        Date.prototype.toLocaleTimeString = nativeTime;
        return JSON.stringify({{ expected, got }});
        "#,
        prelude = quire_core::script::PRELUDE
    );
    let f = js_sys::Function::new_no_args(&body);
    let out: Value =
        serde_json::from_str(&f.call0(&wasm_bindgen::JsValue::NULL).expect("runs").as_string().expect("text"))
            .expect("JSON");
    assert_eq!(out["got"], out["expected"]);
}
