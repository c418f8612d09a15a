//! Evidence pages with JavaScript (`tests/fixtures/evidence-js`): `<script>` data and
//! helpers, `$:` statements, array methods in expressions, SQL files and a templated page
//! build unchanged and show the values DuckDB computes for the same questions
//! (`expected.py`); their mistakes are errors at the page's line and column, or error boxes
//! in Evidence's build mode; Svelte-only syntax is refused with what to write instead.

use std::process::Command;

use serde_json::Value;

use crate::util::{Project, Run, article, plain_text, quire, repo};

/// Each `label: value` list item of a page, as plain text.
fn items(html: &str) -> Vec<(String, String)> {
    let body = article(html);
    let mut out = Vec::new();
    for li in body.split("<li>").skip(1) {
        let end = li.find("</li>").unwrap_or(li.len());
        let text = strip(&li[..end]);
        if let Some((k, v)) = text.split_once(": ") {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

fn strip(html: &str) -> String {
    plain_text(html).replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", "\"")
}

#[test]
fn evidence_pages_with_javascript_build_unchanged_with_duckdbs_values() {
    let Some(python) = crate::dialect::duckdb_python() else { return };
    let p = Project::fixture("evidence-js");
    // The page of deliberate mistakes stops the default build, at each mistake.
    let failed = p.build();
    assert_eq!(failed.output.status.code(), Some(1));
    let stderr = failed.stderr();
    assert!(stderr.contains("error: pages/errors.md:15:38"), "{stderr}");
    assert!(stderr.contains("query `by_cat` has no column `profit`"), "{stderr}");
    assert!(stderr.contains("error: pages/errors.md:17:24"), "{stderr}");
    assert!(stderr.contains("TypeError"), "{stderr}");
    assert!(!p.path().join("dist").exists());

    std::fs::remove_file(p.path().join("pages/errors.md")).expect("remove");
    let run = p.build().ok();
    assert!(run.stderr().contains("Built 5 pages"), "{}", run.stderr());

    let out = Command::new(&python)
        .arg(repo().join("tests/fixtures/evidence-js/expected.py"))
        .output()
        .expect("the oracle runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected: serde_json::Map<String, Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut compared = 0;
    for (page, labels) in &expected {
        let shown = items(&p.read(&format!("dist/{page}")));
        for (label, want) in labels.as_object().expect("labels") {
            let got = shown
                .iter()
                .find(|(k, _)| k == label)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("{page}: no `{label}` in {shown:?}"));
            let tol = want["tol"].as_f64().unwrap_or(0.0);
            match &want["value"] {
                Value::String(s) => assert_eq!(&got, s, "{page} {label}"),
                v => {
                    let want = v.as_f64().expect("a number");
                    let have: f64 = got.replace(',', "").parse().unwrap_or_else(|_| panic!("{page} {label}: {got}"));
                    let tol = tol.max(1e-9 * want.abs());
                    assert!((have - want).abs() <= tol, "{page} {label}: quire shows {got}, DuckDB computes {want}");
                }
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 28);

    // What the page draws from its script: data written inline and filtered, a title made
    // by a template literal, the `{#if}` that reads a `$:` value.
    let index = p.read("dist/index.html");
    let text = strip(article(&index));
    assert!(text.contains("Office Supplies leads with 32.1% of all sales."), "{text}");
    assert!(text.contains("There were 14 days above $1,500."), "{text}");
    assert!(!text.contains("No day passed"), "{text}");
    assert!(text.contains("place 1: Office Supplies (OFFICE SUPPLIES)"), "an array of names, walked: {text}");
    assert!(text.contains("place 3: Furniture (FURNITURE)"), "{text}");
    assert!(text.contains("Sales by category (4)"), "{text}");
    assert!(text.contains("North72.5"), "the script's own rows: {text}");
    assert!(text.contains("Days with orders"), "{text}");
    // No page here has inputs, so none ships its script.
    assert!(
        !p.path()
            .join("dist/_quire")
            .read_dir()
            .is_ok_and(|mut d| d.any(|e| { e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("page.")) }))
    );
}

#[test]
fn a_pages_javascript_mistakes_are_error_boxes_in_evidences_build_mode() {
    let p = Project::fixture("evidence-js");
    let run = Run::new(quire().args(["build", "--keep-going"]).arg(p.path()));
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    let errors = p.read("dist/errors/index.html");
    let body = article(&errors);
    assert!(body.contains("This page has <span"), "what works is drawn: {body}");
    assert!(body.contains(">4</span></span> categories"), "{body}");
    assert_eq!(body.matches("class=\"q-error-box\"").count(), 2, "{body}");
    assert!(body.contains("<code>pages/errors.md:15:38</code> query `by_cat` has no column `profit`"), "{body}");
    assert!(body.contains("<code>pages/errors.md:17:24</code> TypeError"), "{body}");
    assert!(body.contains(">ok<"), "the table from the script: {body}");
    // The other pages are whole.
    assert!(p.read("dist/index.html").contains("leads with"));
}

/// What has no meaning on a static page is an error at its place, saying what to write.
#[test]
fn svelte_only_syntax_is_refused_with_what_to_write_instead() {
    let p = Project::with_files(&[
        ("sources/t/connection.yaml", "type: csv\n"),
        ("sources/t/m.csv", "a\n1\n"),
        (
            "pages/index.md",
            "<script>\n  import { onMount } from 'svelte';\n  import { writable } from 'svelte/store';\n  export let name;\n  const count = writable(0);\n  onMount(() => {});\n  $: doubled = $count * 2;\n</script>\n\n```sql q\nselect a from t.m\n```\n\n<Dropdown name=pick data={q} value=a bind:value={name} on:change={() => {}} />\n",
        ),
    ]);
    let run = p.build();
    assert_eq!(run.output.status.code(), Some(1));
    let stderr = run.stderr();
    for (at, what) in [
        ("2:3", "`svelte` cannot be imported"),
        ("3:3", "`svelte/store` cannot be imported"),
        ("4:3", "a page's script cannot export"),
        ("5:17", "`writable` is Svelte's"),
        ("6:3", "`onMount` is Svelte's"),
        ("7:16", "`$count` reads a Svelte store"),
        ("14:38", "`bind:value` is a Svelte directive"),
        ("14:56", "`on:change` is a Svelte directive"),
    ] {
        assert!(stderr.contains(&format!("error: pages/index.md:{at}")), "{at}: {stderr}");
        assert!(stderr.contains(what), "{what}: {stderr}");
    }
    assert!(!p.path().join("dist").exists());
}

/// A script that never ends, recurses without end, or throws stops the build with the
/// page's line and column; nothing is written.
#[test]
fn a_script_that_runs_away_is_stopped_at_its_line() {
    // Page lines: 3 is `<script>` (where a time-out is reported: the engine was stopped
    // between instructions), 4 and 5 the script's.
    for (script, lines, what) in [
        ("let n = 0;\nwhile (true) { n++; }", &[3, 5][..], "loop"),
        ("function f(x) { return f(x + 1); }\nlet y = f(0);", &[4][..], "recursi"),
        ("let rows = [];\nrows.at(0).x.y;", &[5][..], "typeerror"),
    ] {
        let page = format!("# Runaway\n\n<script>\n{script}\n</script>\n");
        let p = Project::with_files(&[("pages/index.md", page.as_str())]);
        let run = p.build();
        assert_eq!(run.output.status.code(), Some(1), "{script}");
        let stderr = run.stderr();
        assert!(lines.iter().any(|l| stderr.contains(&format!("error: pages/index.md:{l}:"))), "{script}: {stderr}");
        assert!(stderr.to_lowercase().contains(what), "{script}: {stderr}");
        assert!(!p.path().join("dist").exists());
    }
}

/// A prop written as JavaScript that throws is an error at the prop (and the page's other
/// JavaScript props are still worked out once each, not retried).
#[test]
fn a_prop_written_as_javascript_that_throws_is_an_error_at_the_prop() {
    let p = Project::with_files(&[(
        "pages/index.md",
        "# Props\n\n<BigValue data={[{ v: 1 }]} value=v title={[1].at(5).here} />\n\n<BigValue data={[{ v: 2 }]} value=v title={`Two`} />\n",
    )]);
    let run = p.build();
    assert_eq!(run.output.status.code(), Some(1));
    let stderr = run.stderr();
    assert!(stderr.contains("error: pages/index.md:3:44"), "{stderr}");
    assert_eq!(stderr.matches("TypeError").count(), 1, "{stderr}");
    // A name nothing defines is found before anything runs.
    p.write("pages/index.md", "# Props\n\n<BigValue data={[{ v: 1 }]} value=v title={nothing.here} />\n");
    let stderr = p.build().stderr();
    assert!(stderr.contains("error: pages/index.md:3:44"), "{stderr}");
    assert!(stderr.contains("unknown query `nothing`"), "{stderr}");
}

/// Svelte's template tags with no meaning on a static page say what to write instead.
#[test]
fn svelte_template_tags_say_what_to_write_instead() {
    for (tag, help) in [
        ("{@html orders[0].note}", "never turns data into markup"),
        ("{@const total = 1}", "declare the value in the page's `<script>`"),
        ("{#key orders}x{/key}", "quire draws the page again"),
        ("{#await orders}waiting{/await}", "query results are ready before the page is drawn"),
    ] {
        let problems =
            quire_core::Page::parse(&format!("```sql orders\nselect 1 as note\n```\n\n{tag}\n")).expect_err("refused");
        let first = &problems[0];
        assert!(first.message.ends_with("is not a block quire knows"), "{tag}: {problems:?}");
        assert!(first.help.as_deref().unwrap_or("").contains(help), "{tag}: {problems:?}");
    }
}
