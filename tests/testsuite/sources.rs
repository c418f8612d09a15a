//! Sources as real Evidence projects have them. The CSVs people commit, read as Evidence reads them (DuckDB's `read_csv` with the source's
//! `options`), checked against DuckDB itself: quoted newlines, `;` and tab delimiters set in
//! `connection.yaml`, a byte-order mark, non-ASCII names, no header, another quote.

use std::path::Path;

use serde_json::Value;

use crate::dialect::{agree, block_on, duckdb_answers, duckdb_python, quire_answer};
use crate::util::{Project, Run, plain_text as text, quire};

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
    (
        "quotes",
        "id,txt\n1,'it''s, here'\n2,'x'\n",
        "type: csv\noptions: quote=\"'\",header=true\n",
        ", quote='''', header=true",
    ),
    (
        "dates",
        "id;day;at\n1;31/01/2024;31/01/2024 10:30\n2;01/02/2024;01/02/2024 08:00\n",
        "type: csv\noptions: delim=';',dateformat='%d/%m/%Y',timestampformat='%d/%m/%Y %H:%M'\n",
        ", delim=';', dateformat='%d/%m/%Y', timestampformat='%d/%m/%Y %H:%M'",
    ),
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
        ("sources/s/connection.yaml", "type: csv\noptions: delim=';',decimal_separator=','\n"),
        ("sources/s/t.csv", "a;b\n1;2\n"),
        ("pages/index.md", "```sql t\nselect * from s.t\n```\n\n<Value data={t} column=a />\n"),
    ]);
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    let stderr = run.stderr();
    assert!(stderr.contains("sources/s/connection.yaml:2:1"), "{stderr}");
    assert!(stderr.contains("quire does not read the CSV option `decimal_separator`"), "{stderr}");

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
    assert!(
        run.stderr().contains("table `orders` is in several places: `crm.orders`, `shop.orders`"),
        "{}",
        run.stderr()
    );
    std::fs::remove_dir_all(project.path().join("pipeline")).expect("rm pipeline");
    std::fs::remove_file(project.path().join("pages/big.md")).expect("rm big.md");
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    let stderr = run.stderr();
    assert!(stderr.contains("error: pages/index.md:"), "{stderr}");
    assert!(stderr.contains("table `orders` is in several sources: `crm.orders`, `shop.orders`"), "{stderr}");
}

/// Python with DuckDB makes a database file as Evidence's starter template has one (in the
/// storage format DuckDB 1.x reads, which the library quire loads in CI is).
fn make_duckdb_file(python: &Path, path: &Path, sql: &str) {
    let script = format!(
        "import duckdb\ncon = duckdb.connect()\ncon.execute(\"attach '{}' as db (storage_version 'v1.0.0')\")\ncon.execute('use db')\nfor s in {:?}.split(';'):\n    s = s.strip()\n    if s: con.execute(s)\ncon.close()\n",
        path.display(),
        sql
    );
    let out = std::process::Command::new(python).args(["-c", &script]).output().expect("python runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// DuckDB's library is there (CI installs it with `scripts/setup.sh --test`), or the test
/// is skipped with a note outside CI.
fn duckdb_library() -> bool {
    match quire_duckdb::library() {
        Ok(_) => true,
        Err(e) => {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
            assert!(!ci, "{e}");
            eprintln!("skipping the DuckDB source test: {e}");
            false
        }
    }
}

/// A project laid out like Evidence's starter template: a DuckDB file with source queries
/// that use DuckDB's own functions, an in-memory DuckDB source reading a committed CSV, and a
/// DuckDB file without queries whose tables become the source's. The page shows the values
/// DuckDB gives for the same queries.
#[test]
fn duckdb_sources_run_in_duckdb_and_show_duckdbs_values() {
    let Some(python) = duckdb_python() else { return };
    if !duckdb_library() {
        return;
    }
    let project = Project::with_files(&[
        (
            "sources/needful_things/connection.yaml",
            "name: needful_things\ntype: duckdb\noptions:\n  filename: needful_things.duckdb\n",
        ),
        // DuckDB's monthname and strftime(ts, fmt): not quire's spellings, DuckDB's answers.
        (
            "sources/needful_things/orders.sql",
            "select id, monthname(order_datetime) as month_name, strftime(order_datetime, '%Y-%m') as ym, sales\nfrom orders\n",
        ),
        ("sources/mem/connection.yaml", "name: mem\ntype: duckdb\n"),
        ("sources/mem/visits.sql", "select * from read_csv_auto('sources/mem/visits.csv')\n"),
        ("sources/mem/visits.csv", "day,visits\n2024-01-01,3\n2024-01-02,4\n"),
        ("sources/plain/connection.yaml", "type: duckdb\noptions:\n  filename: plain.duckdb\n"),
        (
            "pages/index.md",
            "```sql o\nselect count(*) as n, sum(sales) as s, max(month_name) as m, min(ym) as ym from needful_things.orders\n```\n\n```sql v\nselect sum(visits) as v from mem.visits\n```\n\n```sql p\nselect sum(x) as x from plain.things\n```\n\nOrders <Value data={o} column=n />, sales <Value data={o} column=s />, last month <Value data={o} column=m />, first <Value data={o} column=ym />; visits <Value data={v} column=v />; things <Value data={p} column=x />.\n",
        ),
    ]);
    let root = project.path();
    let nt = root.join("sources/needful_things/needful_things.duckdb");
    make_duckdb_file(
        &python,
        &nt,
        "create table orders as select range as id, timestamp '2024-01-15 10:00:00' + to_months(range % 5) as order_datetime, (range * 7) % 100 as sales from range(50)",
    );
    make_duckdb_file(
        &python,
        &root.join("sources/plain/plain.duckdb"),
        "create table things as select range as x from range(10)",
    );
    let duck = [
        format!("attach '{}' as nt (read_only)", nt.display()),
        "select count(*), sum(sales), max(monthname(order_datetime)), min(strftime(order_datetime, '%Y-%m')) from nt.orders".to_string(),
    ];
    let refs: Vec<&str> = duck.iter().map(String::as_str).collect();
    let theirs = duckdb_answers(&python, Path::new("/nonexistent"), &refs);
    let row = &theirs[1]["rows"][0];
    let want = format!(
        "Orders {}, sales {}, last month {}, first {}; visits 7; things 45.",
        row[0],
        group(row[1].as_f64().expect("a sum")),
        row[2].as_str().expect("a month"),
        row[3].as_str().expect("a month")
    );
    let build = project.build().ok();
    let page = text(&std::fs::read_to_string(root.join("dist/index.html")).expect("the page"));
    assert!(page.contains(&want), "want {want}\n{page}\n{}", build.stderr());

    // A mistake in a source query is an error at its line, in DuckDB's words.
    project.write("sources/needful_things/orders.sql", "select id,\n  sales\nfrom orderz\n");
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert!(run.stderr().contains("sources/needful_things/orders.sql:3:1"), "{}", run.stderr());
    assert!(run.stderr().contains("orderz"), "{}", run.stderr());
}

/// Without DuckDB's library, a DuckDB source says how to get it.
#[test]
fn duckdb_sources_without_duckdbs_library_say_how_to_get_it() {
    let project = Project::with_files(&[
        ("sources/m/connection.yaml", "type: duckdb\n"),
        ("sources/m/t.sql", "select 1 as x\n"),
        ("pages/index.md", "```sql t\nselect * from m.t\n```\n\n<Value data={t} column=x />\n"),
    ]);
    let run = Run::new(quire().arg("build").arg(project.path()).env("QUIRE_LIBDUCKDB", "/nonexistent/libduckdb.so"));
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert!(run.stderr().contains("DuckDB's library was not found"), "{}", run.stderr());
    assert!(run.stderr().contains("scripts/setup.sh --duckdb"), "{}", run.stderr());
}

/// 1234.0 as quire's Value shows a number: `1,234`.
fn group(v: f64) -> String {
    let digits = format!("{}", v.round() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A SQLite source (`type: sqlite`, a committed `.db`): its `.sql` files run in SQLite, read
/// only, and the page shows SQLite's values (Python's `sqlite3` is the reference); dates
/// declared `DATE` arrive as dates. A mistake names the `.sql` file.
#[test]
fn sqlite_sources_run_in_sqlite_and_show_sqlites_values() {
    let Some(python) = duckdb_python() else { return };
    let project = Project::with_files(&[
        ("sources/sq/connection.yaml", "name: sq\ntype: sqlite\noptions:\n  filename: shop.db\n"),
        ("sources/sq/orders.sql", "select id, region, amount, day, amount * 2 as twice\nfrom orders\n"),
        (
            "pages/index.md",
            "```sql o\nselect count(*) as n, sum(amount) as s, max(region) as r, min(day) as d, sum(twice) as t, max(day) - min(day) as span from sq.orders\n```\n\nOrders <Value data={o} column=n />, sales <Value data={o} column=s fmt=num2 />, last region <Value data={o} column=r />, first day <Value data={o} column=d fmt=\"yyyy-mm-dd\" />, twice <Value data={o} column=t fmt=num2 />.\n",
        ),
    ]);
    let db = project.path().join("sources/sq/shop.db");
    let script = format!(
        "import sqlite3\nc = sqlite3.connect('{}')\nc.execute('create table orders (id integer primary key, region text, amount real, day date)')\nc.executemany('insert into orders values (?,?,?,?)', [(i, ['North','South','Île'][i % 3], i * 1.25, '2024-01-%02d' % (i % 28 + 1)) for i in range(1, 41)])\nc.commit()\nprint(*c.execute('select count(*), printf(\"%.2f\", sum(amount)), max(region), min(day), printf(\"%.2f\", sum(amount*2)) from orders').fetchone(), sep='|')\n",
        db.display()
    );
    let out = std::process::Command::new(&python).args(["-c", &script]).output().expect("python runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let v: Vec<&str> = answer.split('|').collect();
    let num = |s: &str| group(s.parse::<f64>().expect("a number").trunc()) + &s[s.find('.').unwrap_or(s.len())..];
    let want =
        format!("Orders {}, sales {}, last region {}, first day {}, twice {}.", v[0], num(v[1]), v[2], v[3], num(v[4]));
    let build = project.build().ok();
    let page = text(&std::fs::read_to_string(project.path().join("dist/index.html")).expect("the page"));
    assert!(page.contains(&want), "want {want}\n{page}\n{}", build.stderr());

    project.write("sources/sq/orders.sql", "select id,\n  amout\nfrom orders\n");
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert!(run.stderr().contains("sources/sq/orders.sql:2:3"), "{}", run.stderr());
    assert!(run.stderr().contains("no such column: amout"), "{}", run.stderr());
}
