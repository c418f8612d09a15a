//! The build and the browser agree: the same functions (or a build error where they do
//! not), and `page_at`, the native oracle of the browser tests, starts where a build does.

use std::collections::BTreeSet;

use quire_engine::Engine;

use crate::util::Project;

/// The build's engine registers every function the browser's does (the list the wasm test
/// in `site/` checks against the browser's engine), and besides only DataFusion's array
/// and hash families: exactly what a live query may not call.
#[test]
fn the_build_registers_the_browsers_functions_and_only_the_array_and_hash_families_besides() {
    let native = Engine::new().function_names();
    let browser: BTreeSet<String> = quire_engine::browser_functions().into_iter().map(str::to_string).collect();
    let missing: Vec<&String> = browser.difference(&native).collect();
    assert!(missing.is_empty(), "in browser-functions.txt but not registered by the build: {missing:?}");

    use datafusion::functions_nested;
    let mut left_out: BTreeSet<String> = BTreeSet::new();
    for f in functions_nested::all_default_nested_functions() {
        left_out.insert(f.name().to_string());
        left_out.extend(f.aliases().iter().cloned());
    }
    for f in functions_nested::all_default_higher_order_functions() {
        left_out.insert(f.name().to_string());
        left_out.extend(f.aliases().iter().cloned());
    }
    for f in datafusion::functions::crypto::functions() {
        left_out.insert(f.name().to_string());
        left_out.extend(f.aliases().iter().cloned());
    }
    let only_native: BTreeSet<String> = native.difference(&browser).cloned().collect();
    let expected: BTreeSet<String> = native.difference(&left_out).cloned().collect();
    assert!(
        only_native == left_out,
        "the build's functions outside browser-functions.txt should be the array and hash families; if the browser's \
         engine changed, crates/quire-engine/browser-functions.txt (checked in the browser by site/src/tests.rs) \
         would be:\n{}",
        expected.into_iter().collect::<Vec<_>>().join("\n")
    );
    // The regex family is in both: a live query may match a pattern.
    for f in ["regexp_like", "regexp_replace", "regexp_match", "regexp_count"] {
        assert!(browser.contains(f), "{f}");
    }
}

/// A live query calling a function only the build has fails the build at the call, in the
/// query (or the query it reads) that wrote it, saying what to write instead. The same
/// call in a query that reads no input is fine: it runs only at build time.
#[test]
fn a_live_query_calling_a_build_only_function_is_an_error_at_the_call() {
    let page = "```sql tags\nselect * from (values ('a,b', 'East'), ('c', 'West')) as t(tags, region)\n```\n\n\
                ```sql split\nselect region, string_to_array(tags, ',') as parts from ${tags}\n```\n\n\
                ```sql picked\nselect region, array_length(parts) as n from ${split}\n\
                where region = '${inputs.region.value}'\n```\n\n\
                ```sql matched\nselect count(*) as n from ${tags} where regexp_like(tags, '${inputs.pattern}')\n```\n\n\
                <Dropdown name=region>\n<DropdownOption value=East />\n<DropdownOption value=West />\n</Dropdown>\n\
                <TextInput name=pattern defaultValue=\"^a\" />\n\n\
                <DataTable data={split} />\n<DataTable data={picked} />\n<Value data={matched} column=n />\n";
    let project = Project::with_files(&[("pages/index.md", page)]);
    let run = project.build();
    assert!(!run.success(), "{}", run.stderr());
    let err = run.stderr();
    // `string_to_array` at its line and column in `split`, which `picked` reads; then
    // `array_length` in `picked` itself. `regexp_like` is in both engines.
    assert!(err.contains("pages/index.md:6:16"), "{err}");
    assert!(err.contains("`string_to_array` runs at build time but not in the browser"), "{err}");
    assert!(err.contains("split_part(s, ',', n)"), "what to write instead: {err}");
    assert!(err.contains("pages/index.md:10:16"), "{err}");
    assert!(err.contains("`array_length` runs at build time but not in the browser"), "{err}");
    assert!(!err.contains("regexp_like"), "{err}");
    assert!(err.contains("the browser's engine has no array functions"), "{err}");
    assert!(err.contains("failed with 2 errors"), "{err}");

    // Read by no input, the same functions are fine; and a live regex builds.
    let fine = page.replace("where region = '${inputs.region.value}'", "where region = 'East'");
    project.write("pages/index.md", &fine);
    project.build().ok();
}

/// Array syntax the browser's planner lacks is caught as well, by planning the query as
/// the browser would.
#[test]
fn array_syntax_in_a_live_query_is_an_error_too() {
    let page = "```sql picked\nselect [1, 2, 3] as xs where '${inputs.region.value}' = 'East'\n```\n\n\
                <Dropdown name=region>\n<DropdownOption value=East />\n</Dropdown>\n\n\
                <DataTable data={picked} />\n";
    let project = Project::with_files(&[("pages/index.md", page)]);
    let run = project.build();
    assert!(!run.success(), "{}", run.stderr());
    let err = run.stderr();
    assert!(err.contains("pages/index.md:2:8"), "{err}");
    assert!(err.contains("an array literal `[...]` works at build time but not in the browser"), "{err}");
    assert!(err.contains("no array functions or syntax"), "{err}");
}

/// `page_at` starts where the build does: a templated page's instance (its parameters), a
/// partial pasted in, and `<LastRefreshed>`. The slot it renders for another input state
/// is, byte for byte, the one the build writes when that state is the default.
#[test]
fn page_at_renders_a_slot_as_the_build_does() {
    let page = |default: &str| {
        format!(
            "```sql customer\nselect name from t.customers where id = '${{params.id}}'\n```\n\n\
             # {{customer[0].name}}\n\n\
             <ButtonGroup name=mode>\n<ButtonGroupItem value=short{}/>\n<ButtonGroupItem value=detail{}/>\n</ButtonGroup>\n\n\
             {{@partial \"detail.md\"}}\n",
            if default == "short" { " default " } else { " " },
            if default == "detail" { " default " } else { " " },
        )
    };
    let project = Project::with_files(&[
        ("sources/t/connection.yaml", "type: csv\n"),
        ("sources/t/customers.csv", "id,name\nc1,Acme\nc2,Globex\n"),
        ("pages/index.md", "# Customers\n\n[Acme](customers/c1/)\n"),
        ("pages/customers/[id].md", &page("short")),
        (
            "partials/detail.md",
            "{#if inputs.mode.value == 'detail'}\nCustomer {params.id}, from the partial. <LastRefreshed/>\n{/if}\n",
        ),
    ]);
    project.build().ok();
    let loaded = quire_build::Project::load(project.path()).expect("loads");
    let state: quire_core::InputState = [("mode".to_string(), vec!["detail".to_string()])].into();
    let at = quire_build::page_at(&loaded, "customers/c1/", &state).expect("page_at");
    let detail = at.slots.values().find(|h| h.contains("from the partial")).expect("the partial's {#if} re-renders");
    assert!(detail.contains(">c1</span>, from the partial"), "the parameter: {detail}");
    let refreshed = loaded.refreshed.clone().expect("the source's time");
    assert!(detail.contains(&format!("datetime=\"{refreshed}\"")), "when the data was refreshed: {detail}");
    // At the defaults, page_at's page is the build's.
    let built = project.read("dist/customers/c1/index.html");
    assert!(built.contains(&at.built), "page_at's body at the defaults is the built page's");

    // Built with `detail` as the default, the page has that same slot.
    project.write("pages/customers/[id].md", &page("detail"));
    project.build().ok();
    let built = project.read("dist/customers/c1/index.html");
    assert!(built.contains(detail.as_str()), "slot {detail}\nnot in the built page:\n{built}");
}
