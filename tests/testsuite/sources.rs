//! Sources as real Evidence projects have them. The CSVs people commit, read as Evidence reads them (DuckDB's `read_csv` with the source's
//! `options`), checked against DuckDB itself: quoted newlines, `;` and tab delimiters set in
//! `connection.yaml`, a byte-order mark, non-ASCII names, no header, another quote.

use std::path::Path;

use serde_json::Value;

use crate::dialect::{agree, block_on, duckdb_answers, duckdb_python, quire_answer};
use crate::util::{Project, Run, quire};

/// (file, its bytes, `connection.yaml`, DuckDB's `read_csv` options for the same reading).
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "newlines",
        "id,note,amount\n1,\"two\nlines\",3.5\n2,\"plain, with a comma\",4\n3,\"a \"\"quoted\"\" word\",5\n",
        "type: csv\n",
        "",
    ),
    (
        "semicolons",
        "id;region;sales\n1;Île-de-France;10.5\n2;Nord;7\n",
        // As Evidence's settings page writes it: the read_csv string under `options:`.
        "name: semicolons\ntype: csv\noptions:\n  options: delim=\";\"\n",
        ", delim=';'",
    ),
    ("tabs", "id\tname\n1\ta b\n2\tc\n", "type: csv\noptions: delim='\\t'\n", ", delim='\\t'"),
    ("bom", "\u{feff}id,name\n1,a\n2,b\n", "type: csv\n", ""),
    ("names", "région,montant,日付\nÎle,1.5,2024-01-01\nNord,2,2024-02-01\n", "type: csv\n", ""),
    ("noheader", "1,a,2024-01-01\n2,b,2024-01-02\n", "type: csv\noptions:\n  header: false\n", ", header=false"),
    ("quotes", "id,txt\n1,'it''s, here'\n2,'x'\n", "type: csv\noptions: quote=\"'\",header=true\n", ", quote='''', header=true"),
];

#[test]
fn csv_quirks_read_as_duckdb_reads_them() {
    let Some(python) = duckdb_python() else { return };
    let mut files = Vec::new();
    for (name, body, conn, _) in CASES {
        files.push((format!("sources/{name}/connection.yaml"), conn.to_string()));
        files.push((format!("sources/{name}/data.csv"), body.to_string()));
    }
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, b)| (p.as_str(), b.as_str())).collect();
    let project = Project::with_files(&borrowed);
    let root = project.path();
    let tables = quire_build::sources::discover(root).expect("the sources are read");
    let engine = quire_engine::Engine::new();
    block_on(quire_build::sources::register(&engine, &tables, root)).expect("registered");
    let duck: Vec<String> = CASES
        .iter()
        .map(|(name, _, _, options)| {
            let path = root.join(format!("sources/{name}/data.csv"));
            format!("select * from read_csv('{}'{options}) order by 1", path.display())
        })
        .collect();
    let duck_refs: Vec<&str> = duck.iter().map(String::as_str).collect();
    let theirs = duckdb_answers(&python, Path::new("/nonexistent"), &duck_refs);
    let mut failures = Vec::new();
    for ((name, ..), want) in CASES.iter().zip(&theirs) {
        let ours = block_on(quire_answer(&engine, &format!("select * from {name}.data order by 1")));
        if let Err(why) = agree(&ours, want) {
            failures.push(format!("{name}: {why}\n    quire has  {ours}\n    DuckDB has {want}"));
        } else if ours["columns"] != want["columns"] {
            failures.push(format!("{name}: columns {} where DuckDB has {}", ours["columns"], want["columns"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Not vacuous: the quoted newline is inside a value.
    let ours = block_on(quire_answer(&engine, "select note from newlines.data where id = 1"));
    assert_eq!(ours["rows"][0][0], Value::String("two\nlines".into()));
}

/// An option quire does not honour is an error at `options:`, not ignored; a malformed row
/// names the file and its line.
#[test]
fn csv_options_quire_does_not_read_and_malformed_rows_fail_clearly() {
    let project = Project::with_files(&[
        ("sources/s/connection.yaml", "type: csv\noptions: delim=';',dateformat='%d/%m/%Y'\n"),
        ("sources/s/t.csv", "a;b\n1;2\n"),
        ("pages/index.md", "```sql t\nselect * from s.t\n```\n\n<Value data={t} column=a />\n"),
    ]);
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    let stderr = run.stderr();
    assert!(stderr.contains("sources/s/connection.yaml:2:1"), "{stderr}");
    assert!(stderr.contains("quire does not read the CSV option `dateformat`"), "{stderr}");

    let project = Project::with_files(&[
        ("sources/s/connection.yaml", "type: csv\n"),
        ("sources/s/t.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n"),
        ("pages/index.md", "```sql t\nselect * from s.t\n```\n\n<Value data={t} column=a />\n"),
    ]);
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    let stderr = run.stderr();
    assert!(stderr.contains("sources/s/t.csv"), "{stderr}");
    assert!(stderr.contains("line 3 has 2 fields where the first line has 3"), "{stderr}");
}

/// `from orders` where exactly one source has a table `orders` reads that one, in pages, in
/// the pipeline's models and in lineage; where several have it, the error names them.
#[test]
fn unqualified_table_names_resolve_when_one_source_has_them() {
    let project = Project::with_files(&[
        ("sources/shop/connection.yaml", "type: csv\n"),
        ("sources/shop/orders.csv", "id,sales\n1,10\n2,32\n"),
        ("sources/crm/connection.yaml", "type: csv\n"),
        ("sources/crm/customers.csv", "id,name\n1,Ada\n"),
        ("pipeline/staging/big.sql", "select * from orders where sales > 20\n"),
        (
            "pages/index.md",
            "```sql total\nselect sum(sales) as s, (select count(*) from customers) as c from orders\n```\n\nTotal <Value data={total} column=s />, customers <Value data={total} column=c />.\n",
        ),
    ]);
    let run = Run::new(quire().arg("run").arg(project.path())).ok();
    assert!(run.stderr().contains("staging.big"), "{}", run.stderr());
    project.write(
        "pages/big.md",
        "```sql big\nselect count(*) as n from big\n```\n\nBig orders: <Value data={big} column=n />.\n",
    );
    project.build().ok();
    let page = std::fs::read_to_string(project.path().join("dist/index.html")).expect("the page");
    assert!(text(&page).contains("Total 42, customers 1."), "{}", text(&page));
    let big = std::fs::read_to_string(project.path().join("dist/big/index.html")).expect("the page");
    assert!(text(&big).contains("Big orders: 1."), "{}", text(&big));

    project.write("sources/crm/orders.csv", "id,sales\n9,1\n");
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert!(run.stderr().contains("error: pipeline/staging/big.sql:1:15"), "{}", run.stderr());
    assert!(run.stderr().contains("table `orders` is in several places: `crm.orders`, `shop.orders`"), "{}", run.stderr());
    std::fs::remove_dir_all(project.path().join("pipeline")).expect("rm pipeline");
    std::fs::remove_file(project.path().join("pages/big.md")).expect("rm big.md");
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    let stderr = run.stderr();
    assert!(stderr.contains("error: pages/index.md:"), "{stderr}");
    assert!(stderr.contains("table `orders` is in several sources: `crm.orders`, `shop.orders`"), "{stderr}");
}

/// A page's text without its tags.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
