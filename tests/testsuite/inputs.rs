//! Inputs on the real engine: defaults at build, values bound as typed parameters (never
//! pasted into SQL), Evidence's spellings, and which queries an input change reaches.

use std::collections::BTreeSet;

use quire_core::chain;
use quire_core::{Cell, InputState, Page};
use quire_engine::Engine;

/// A page over a small in-SQL table: five orders in three categories.
const PAGE: &str = r#"```sql orders
select * from (values
  (1, 'Books', 12.5, date '2024-01-05'),
  (2, 'Books', 30.0, date '2024-02-10'),
  (3, 'Toys', 100.0, date '2024-02-20'),
  (4, 'Games', 9.0, date '2024-03-01'),
  (5, 'Toy''s', 5.0, date '2024-03-15')
) as t(id, category, sales, day)
```

```sql categories
select distinct category from ${orders} order by category
```

```sql picked
select id from ${orders} where category = '${inputs.category.value}' order by id
```

```sql picked_count
select count(*) as n from ${picked}
```

```sql above
select id from ${orders} where sales > ${inputs.min_sales.value} order by id
```

```sql several
select id from ${orders} where category in ${inputs.cats.value} order by id
```

```sql search
select id from ${orders} where category ilike '%${inputs.q}%' order by id
```

```sql window
select id from ${orders} where day between '${inputs.range.start}' and '${inputs.range.end}' order by id
```

<Dropdown name=category data={categories} value=category />
<Dropdown name=cats data={categories} value=category multiple selectAllByDefault />
<Slider name=min_sales min=0 max=200 defaultValue=20 />
<TextInput name=q defaultValue="oy" />
<DateRange name=range start="2024-02-01" end="2024-02-29" />
"#;

fn page() -> Page {
    Page::parse(PAGE).unwrap_or_else(|p| panic!("{p:#?}"))
}

/// The ids a query returns with `state` (defaults for inputs it leaves out).
fn ids(page: &Page, query: &str, state: &[(&str, &[&str])]) -> Vec<i64> {
    let engine = Engine::new();
    let mut inputs: InputState = block_on(engine.run_page(page)).inputs;
    for (k, v) in state {
        inputs.insert((*k).to_string(), v.iter().map(|s| (*s).to_string()).collect());
    }
    let expanded = chain::expand(page, query, &inputs).unwrap_or_else(|e| panic!("{e:?}"));
    let table = block_on(engine.run_expanded(page, query, &expanded)).unwrap_or_else(|p| panic!("{p:?}"));
    table
        .rows
        .iter()
        .map(|r| match r[0] {
            Cell::Int(i) => i,
            ref other => panic!("not an id: {other:?}"),
        })
        .collect()
}

#[test]
fn the_build_runs_with_every_input_at_its_default() {
    let page = page();
    let run = block_on(Engine::new().run_page(&page));
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    let state = |k: &str| run.inputs[k].clone();
    assert_eq!(state("category"), ["Books"], "a dropdown defaults to its first choice");
    assert_eq!(state("cats"), ["Books", "Games", "Toy's", "Toys"], "selectAllByDefault");
    assert_eq!(state("min_sales"), ["20"]);
    assert_eq!(state("q"), ["oy"]);
    assert_eq!(state("range"), ["2024-02-01", "2024-02-29"]);
    let ids = |q: &str| -> Vec<Cell> { run.results[q].rows.iter().map(|r| r[0].clone()).collect() };
    assert_eq!(ids("picked"), [Cell::Int(1), Cell::Int(2)]);
    assert_eq!(ids("picked_count"), [Cell::Int(2)]);
    assert_eq!(ids("above"), [Cell::Int(2), Cell::Int(3)]);
    assert_eq!(ids("window"), [Cell::Int(2), Cell::Int(3)]);
}

#[test]
fn a_value_is_bound_as_a_parameter_not_pasted_into_the_sql() {
    let page = page();
    let state: InputState = [("category".to_string(), vec!["Books".to_string()])].into();
    let expanded = chain::expand(&page, "picked", &state).expect("expands");
    assert!(expanded.sql.contains("category = $1"), "{}", expanded.sql);
    assert!(expanded.sql.ends_with("where category = $1 order by id"), "{}", expanded.sql);
    assert_eq!(expanded.params, [Some("Books".to_string())]);
    assert_eq!(expanded.inputs, ["category"]);
}

#[test]
fn injection_strings_are_just_strings_that_match_nothing() {
    let page = page();
    for evil in ["' or 1=1 --", "'); drop table x; --", "Books' or '1'='1", "Books\\' --", "$1"] {
        assert_eq!(ids(&page, "picked", &[("category", &[evil])]), Vec::<i64>::new(), "{evil}");
        assert_eq!(ids(&page, "search", &[("q", &[evil])]), Vec::<i64>::new(), "{evil}");
        assert_eq!(ids(&page, "several", &[("cats", &["Books", evil])]), [1, 2], "{evil}");
    }
    // A quote inside a real value is data too.
    assert_eq!(ids(&page, "picked", &[("category", &["Toy's"])]), [5]);
}

#[test]
fn a_typed_placeholder_compares_as_its_column_does() {
    let page = page();
    // As text, '9' > '100'; as numbers it is not.
    assert_eq!(ids(&page, "above", &[("min_sales", &["9"])]), [1, 2, 3]);
    assert_eq!(ids(&page, "above", &[("min_sales", &["99.5"])]), [3]);
    // A value the column's type cannot take is NULL, which matches nothing.
    assert_eq!(ids(&page, "above", &[("min_sales", &["ten"])]), Vec::<i64>::new());
}

#[test]
fn evidence_spellings_keep_working() {
    let page = page();
    // `in ${inputs.x.value}` with a multiple dropdown is a list of placeholders.
    assert_eq!(ids(&page, "several", &[("cats", &["Toys", "Games"])]), [3, 4]);
    assert_eq!(ids(&page, "several", &[("cats", &[])]), Vec::<i64>::new());
    // A reference inside a longer string concatenates.
    assert_eq!(ids(&page, "search", &[("q", &["BOO"])]), [1, 2]);
    assert_eq!(ids(&page, "search", &[("q", &[""])]), [1, 2, 3, 4, 5]);
    // Date ranges read `.start` and `.end`.
    assert_eq!(ids(&page, "window", &[("range", &["2024-03-01", "2024-12-31"])]), [4, 5]);
}

#[test]
fn a_change_reaches_the_queries_that_read_the_input_through_chains() {
    let page = page();
    let state = block_on(Engine::new().run_page(&page)).inputs;
    let changed: BTreeSet<String> = ["category".to_string()].into();
    assert_eq!(quire_engine::queries_reading(&page, &state, &changed), ["picked", "picked_count"]);
    let changed: BTreeSet<String> = ["range".to_string()].into();
    assert_eq!(quire_engine::queries_reading(&page, &state, &changed), ["window"]);
}

#[test]
fn inputs_accept_only_what_they_can_hold() {
    let page = page();
    let run = block_on(Engine::new().run_page(&page));
    let inputs = quire_core::inputs::inputs(&page);
    let get = |n: &str| inputs.iter().find(|i| i.name == n).expect("input");
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
    assert_eq!(get("category").accept(&s(&["Toys"]), &run.results), Some(s(&["Toys"])));
    assert_eq!(get("category").accept(&s(&["Nope"]), &run.results), None, "not a choice");
    assert_eq!(get("category").accept(&s(&["Toys", "Books"]), &run.results), None, "one value");
    assert_eq!(get("cats").accept(&s(&[""]), &run.results), Some(vec![]), "an emptied multiple, from a URL");
    assert_eq!(get("category").accept(&s(&[""]), &run.results), None, "a single dropdown has no empty choice");
    assert_eq!(get("min_sales").accept(&s(&["500"]), &run.results), Some(s(&["200"])), "clamped to max");
    assert_eq!(
        get("range").accept(&s(&["2024-03-01", "2024-01-01"]), &run.results),
        Some(s(&["2024-01-01", "2024-03-01"]))
    );
    assert_eq!(get("range").accept(&s(&["2024-02-30", "2024-03-01"]), &run.results), None, "not a date");
}

#[test]
fn an_input_that_takes_its_choices_from_a_query_reading_it_is_an_error() {
    let text = "```sql a\nselect '${inputs.x.value}' as v\n```\n\n<Dropdown name=x data={a} />\n";
    let page = Page::parse(text).expect("parses");
    let run = block_on(Engine::new().run_page(&page));
    assert_eq!(run.problems.len(), 1, "{:?}", run.problems);
    assert!(run.problems[0].message.contains("depend on `a` itself"), "{}", run.problems[0].message);
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime").block_on(f)
}

/// The columns shipped for a live query are those any input state reads, not those the
/// default state reads: with `All` as the default, Evidence's filter idiom folds to `true`,
/// and a `CASE` on an input reads one column or the other.
#[test]
fn every_column_any_input_state_reads_is_shipped() {
    let project = crate::util::Project::with_files(&[
        ("sources/t/connection.yaml", "type: csv\n"),
        ("sources/t/orders.csv", "id,region,channel,sales,units,note\n1,East,Web,10.5,1,a\n2,West,Phone,20,3,b\n"),
        (
            "pages/index.md",
            "```sql regions\nselect 'All' as region union all select distinct region from t.orders order by region\n```\n\n\
             ```sql filtered\nselect sum(sales) as sales from t.orders\n\
             where ('${inputs.region.value}' = 'All' or region = '${inputs.region.value}')\n```\n\n\
             ```sql measured\nselect case when '${inputs.metric.value}' = 'units' then sum(units) else sum(sales) end as v\n\
             from t.orders where channel like '%${inputs.q}%'\n```\n\n\
             <Dropdown name=region data={regions} value=region defaultValue=All />\n\
             <ButtonGroup name=metric>\n<ButtonGroupItem valueLabel=Sales value=sales default />\n\
             <ButtonGroupItem valueLabel=Units value=units />\n</ButtonGroup>\n\
             <TextInput name=q />\n\n<Value data={filtered} column=sales /> <Value data={measured} column=v />\n",
        ),
    ]);
    project.build().ok();
    let html = project.read("dist/index.html");
    let island = crate::util::island(&html);
    let path = island["tables"]["t.orders"].as_str().expect("t.orders ships");
    let file = std::fs::File::open(project.path().join("dist").join(path)).expect("the Parquet file");
    use quire_engine::parquet::file::reader::FileReader;
    let reader = quire_engine::parquet::file::serialized_reader::SerializedFileReader::new(file).expect("Parquet");
    let mut columns: Vec<String> =
        reader.metadata().file_metadata().schema_descr().columns().iter().map(|c| c.name().to_string()).collect();
    columns.sort();
    assert_eq!(columns, ["channel", "region", "sales", "units"], "every column some state reads, and no other");
}

/// A slider takes its bounds from its data as Evidence's does (`minColumn`/`maxColumn`, or
/// `range`), starts at the lower one, clamps a reader's value to them, and shows its value
/// in its `fmt`.
#[test]
fn a_slider_takes_its_bounds_from_its_data() {
    let text = "```sql stats\nselect 12.5 as lo, 80 as hi union all select 20, 95\n```\n\n\
        ```sql sizes\nselect * from (values (3), (42), (17)) as t(n)\n```\n\n\
        <Slider name=cols data={stats} minColumn=lo maxColumn=hi fmt=usd0 />\n\
        <Slider name=ranged data={sizes} range=n />\n\
        <Slider name=plain />\n";
    let page = Page::parse(text).unwrap_or_else(|p| panic!("{p:#?}"));
    let run = block_on(Engine::new().run_page(&page));
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    let inputs = quire_core::inputs::inputs(&page);
    let get = |n: &str| inputs.iter().find(|i| i.name == n).expect("input");
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
    assert_eq!(get("cols").slider_bounds(&run.results), (12.5, 95.0));
    assert_eq!(get("cols").default_value(&run.results), s(&["12.5"]), "starts at the lower bound");
    assert_eq!(get("cols").accept(&s(&["99"]), &run.results), Some(s(&["95"])));
    assert_eq!(get("cols").accept(&s(&["0"]), &run.results), Some(s(&["12.5"])));
    assert_eq!(get("ranged").slider_bounds(&run.results), (3.0, 42.0));
    assert_eq!(get("ranged").accept(&s(&["100"]), &run.results), Some(s(&["42"])), "not 100: the data's max");
    assert_eq!(get("plain").slider_bounds(&run.results), (0.0, 100.0), "Evidence's defaults");
    let html = quire_render::render_body(&page.body, &run.results, &Default::default()).expect("renders").html;
    assert!(html.contains("min=\"12.5\" max=\"95\""), "{html}");
    assert!(html.contains("data-fmt=\"usd0\">$13</output>"), "{html}");
    assert!(html.contains("min=\"3\" max=\"42\""), "{html}");
}

/// `where` and `order` on a dropdown or button group filter and order its choices as
/// Evidence's do; its default is then the first of those, and the numbers follow. A mistake
/// in `where` points at the prop's own text.
#[test]
fn a_dropdown_filters_and_orders_its_choices() {
    let text = "```sql regions\nselect * from (values ('East', 30), ('West', 10), ('North', 20), ('South', 5)) as t(region, n)\n```\n\n\
        ```sql picked\nselect n from ${regions} where region = '${inputs.region.value}'\n```\n\n\
        <Dropdown name=region data={regions} value=region where=\"n >= 10\" order=\"n desc\" />\n\
        <ButtonGroup name=few data={regions} value=region where=\"n < 20\" />\n";
    let page = Page::parse(text).unwrap_or_else(|p| panic!("{p:#?}"));
    let run = block_on(Engine::new().run_page(&page));
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    let inputs = quire_core::inputs::inputs(&page);
    let get = |n: &str| inputs.iter().find(|i| i.name == n).expect("input");
    let values = |n: &str| get(n).choices(&run.results).into_iter().map(|c| c.value).collect::<Vec<_>>();
    assert_eq!(values("region"), ["East", "North", "West"], "filtered and ordered");
    assert_eq!(values("few"), ["West", "South"]);
    assert_eq!(run.inputs["region"], ["East"], "the default is the first of the filtered choices");
    assert_eq!(run.results["picked"].rows[0][0], Cell::Int(30));
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
    assert_eq!(get("region").accept(&s(&["South"]), &run.results), None, "filtered out, so not a choice");

    let broken = text.replace("n >= 10", "nn >= 10");
    let page = Page::parse(&broken).unwrap_or_else(|p| panic!("{p:#?}"));
    let run = block_on(Engine::new().run_page(&page));
    let problem = run.problems.first().expect("an unknown column");
    let at = broken.find("nn >= 10").expect("in the page");
    assert_eq!(problem.span.start, at, "{problem:?}");
}

/// Evidence's `<DateInput>`: one date by default (its first day, or `defaultValue`), read as
/// `.value`; with `range`, a date range read as `.start` and `.end`, presets and all. A value
/// from a URL is kept within the dates it spans; `presetRanges` without `range` is refused.
#[test]
fn a_date_input_picks_one_date_or_with_range_two() {
    let page = Page::parse(
        "```sql days\nselect * from (values (date '2024-01-05'), (date '2024-03-20')) as t(day)\n```\n\n\
         ```sql after\nselect count(*) as n from ${days} where day >= '${inputs.since.value}'\n```\n\n\
         ```sql between\nselect count(*) as n from ${days} where day between '${inputs.span.start}' and '${inputs.span.end}'\n```\n\n\
         <DateInput name=since data={days} dates=day />\n<DateInput name=later data={days} dates=day defaultValue=\"2024-02-01\" />\n\
         <DateInput name=span data={days} dates=day range defaultValue=\"Last 7 Days\" />\n",
    )
    .unwrap_or_else(|p| panic!("{p:#?}"));
    let run = block_on(Engine::new().run_page(&page));
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    assert_eq!(run.inputs["since"], ["2024-01-05"]);
    assert_eq!(run.inputs["later"], ["2024-02-01"]);
    assert_eq!(run.inputs["span"], ["2024-03-14", "2024-03-20"]);
    assert_eq!(run.results["after"].rows[0][0], Cell::Int(2));
    assert_eq!(run.results["between"].rows[0][0], Cell::Int(1));
    let inputs = quire_core::inputs::inputs(&page);
    let since = inputs.iter().find(|i| i.name == "since").expect("since");
    let accept = |v: &str| since.accept(&[v.to_string()], &run.results);
    assert_eq!(accept("2024-02-10"), Some(vec!["2024-02-10".to_string()]));
    assert_eq!(accept("2030-01-01"), Some(vec!["2024-03-20".to_string()]), "kept within its dates");
    assert_eq!(accept("soon"), None);

    let problems = Page::parse("<DateInput name=d presetRanges=\"Last 7 Days\" />\n").expect_err("refused");
    assert!(problems[0].message.contains("picks one date"), "{problems:?}");
    let problems = Page::parse(
        "```sql q\nselect 1 as x\n```\n\n```sql r\nselect 1 where 1 = '${inputs.d.start}'\n```\n\n<DateInput name=d />\n",
    )
    .map(|p| quire_core::chain::expand(&p, "r", &Default::default()).map(|_| ()))
    .expect("parses");
    assert!(problems.is_err(), "one date has no `.start`");
}
