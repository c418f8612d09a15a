//! A careless or hostile author, reader or data set: quire replaces only what it wrote, no
//! value from data becomes a script or an unusable path, and no input makes it overflow its
//! stack, loop or write a huge page.

use std::path::Path;

use crate::util::{Project, Run, quire, tree};

const CONNECTION: &str = "type: csv\n";

fn build_to(project: &Project, out: &Path) -> Run {
    Run::new(quire().arg("build").arg(project.path()).arg("--out").arg(out))
}

fn small_project() -> Project {
    Project::with_files(&[
        ("sources/t/connection.yaml", CONNECTION),
        ("sources/t/n.csv", "n\n1\n2\n"),
        ("pages/index.md", "```sql n\nselect * from t.n\n```\n\nThere are {n.length} rows.\n"),
    ])
}

#[test]
fn out_at_the_project_or_a_folder_holding_it_is_refused() {
    let project = small_project();
    let before = tree(project.path());
    for out in [project.path().to_path_buf(), project.path().join(".."), project.path().join("pages/..")] {
        let run = build_to(&project, &out);
        assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
        assert!(
            run.stderr().contains("is the project itself") || run.stderr().contains("holds the project"),
            "{}",
            run.stderr()
        );
        assert!(run.stderr().contains("help:"), "{}", run.stderr());
    }
    assert_eq!(tree(project.path()), before, "nothing in the project changed");
}

#[test]
fn a_folder_quire_did_not_write_is_never_replaced() {
    let project = small_project();
    // A folder holding someone's site: not quire's, so not quire's to replace.
    let theirs = project.path().join("public");
    std::fs::create_dir_all(theirs.join("assets")).expect("mkdir");
    std::fs::write(theirs.join("CNAME"), "reports.example.com\n").expect("write");
    std::fs::write(theirs.join("assets/logo.svg"), "<svg/>").expect("write");
    let run = build_to(&project, &theirs);
    assert_eq!(run.output.status.code(), Some(1));
    insta::assert_snapshot!(run.stderr().replace(&theirs.display().to_string(), "[public]"), @r"
    error: [public]: exists and was not written by quire (it has no `.quire-dist` file): quire will not replace it
      help: choose a new or empty folder with --out, or, if everything in it may be replaced by the site, delete it or create an empty `.quire-dist` file in it
    error: the build failed; the previous site was left as it was
    ");
    assert_eq!(std::fs::read_to_string(theirs.join("CNAME")).expect("kept"), "reports.example.com\n");
    assert!(theirs.join("assets/logo.svg").is_file());
    // A file is no folder to replace either.
    let file = project.path().join("notes.txt");
    std::fs::write(&file, "mine").expect("write");
    assert!(!build_to(&project, &file).success());
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "mine");

    // An empty folder is fine, and the site then carries quire's marker, so the next build
    // may replace it.
    let empty = project.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    build_to(&project, &empty).ok();
    assert!(empty.join(".quire-dist").is_file() && empty.join("index.html").is_file());
    build_to(&project, &empty).ok();
    // The marker is the author's way to hand a folder over.
    std::fs::write(theirs.join(".quire-dist"), "").expect("write");
    build_to(&project, &theirs).ok();
    assert!(!theirs.join("CNAME").exists() && theirs.join("index.html").is_file());
}

#[test]
fn dotfiles_and_named_files_are_kept_when_the_author_asks() {
    let project = small_project();
    project.build().ok();
    let dist = project.path().join("dist");
    let plant = |dist: &Path| {
        std::fs::create_dir_all(dist.join(".git")).expect("mkdir");
        std::fs::write(dist.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").expect("write");
        std::fs::write(dist.join(".nojekyll"), "").expect("write");
        std::fs::write(dist.join("CNAME"), "reports.example.com\n").expect("write");
        std::fs::write(dist.join("stale.html"), "old").expect("write");
    };
    plant(&dist);
    // By default a build replaces its whole folder.
    project.build().ok();
    assert!(!dist.join(".git").exists() && !dist.join("CNAME").exists() && !dist.join("stale.html").exists());

    project.write("quire.toml", "[build]\npreserve_dotfiles_in_output = true\npreserve_in_output = [\"CNAME\"]\n");
    plant(&dist);
    project.build().ok();
    assert_eq!(std::fs::read_to_string(dist.join(".git/HEAD")).expect("kept"), "ref: refs/heads/gh-pages\n");
    assert!(dist.join(".nojekyll").is_file());
    assert_eq!(std::fs::read_to_string(dist.join("CNAME")).expect("kept"), "reports.example.com\n");
    assert!(!dist.join("stale.html").exists(), "only what was asked for is kept");
    assert!(dist.join("index.html").is_file() && dist.join(".quire-dist").is_file());
}

#[test]
fn folders_of_killed_builds_are_removed_and_no_one_elses() {
    let project = small_project();
    project.build().ok();
    // A build killed mid-write leaves its staging folder, marked as quire's; its process
    // (a pid no process has) is gone.
    let killed = project.path().join(".dist.quire-new-4194999-1");
    std::fs::create_dir_all(killed.join("data")).expect("mkdir");
    std::fs::write(killed.join(".quire-dist"), "").expect("write");
    std::fs::write(killed.join("data/x.csv"), "a\n").expect("write");
    // The same name without quire's marker is somebody else's.
    let other = project.path().join(".dist.quire-old-4194999-2");
    std::fs::create_dir_all(&other).expect("mkdir");
    std::fs::write(other.join("keep.txt"), "mine").expect("write");
    project.build().ok();
    assert!(!killed.exists(), "a killed build's folder is removed");
    assert!(other.join("keep.txt").is_file(), "a folder without the marker is left alone");
    let leftovers: Vec<String> = std::fs::read_dir(project.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".dist.quire-new-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Every URL in an attribute of the site's HTML, and in its search index, that a browser
/// would follow: none may have a scheme but http(s) or mailto.
fn assert_no_script_urls(dist: &Path) {
    for (name, bytes) in tree(dist) {
        if !(name.ends_with(".html") || name == "search.js") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes).replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&");
        for attr in ["href=\"", "src=\"", "href='", "src='", "action=\""] {
            let mut rest = text.as_str();
            while let Some(i) = rest.find(attr) {
                rest = &rest[i + attr.len()..];
                let end = rest.find(['"', '\'']).unwrap_or(rest.len());
                let url: String = rest[..end].chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
                let scheme = url.split(['/', '?', '#']).next().unwrap_or("");
                assert!(
                    !scheme.contains(':')
                        || ["http:", "https:", "mailto:"].iter().any(|s| url.to_lowercase().starts_with(s)),
                    "{name}: {attr}{url}"
                );
            }
        }
    }
}

#[test]
fn links_from_data_never_run_script() {
    let long = "a".repeat(300);
    let csv = format!(
        "name,url,n\nevil,javascript:alert(1),1\nrooted,/javascript:alert(1),2\ntabbed,\"java\tscript:alert(1)\",3\n\
         data,\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\",4\nfine,https://example.com/a?b=1,5\n\
         long,/{long},6\npercent,/x%aé,7\n"
    );
    let index = "---\ntitle: Links\n---\n\n```sql links\nselect * from t.links order by name\n```\n\n\
        {#each links as r}\n\
        - [{r.name}]({r.url}) ![{r.name}]({r.url}) <a href=\"{r.url}\">raw</a> [as a page](/{r.name})\n\
        {/each}\n\n\
        <div>\n{#each links as r}\n<a title=\"x\"\n   href=\"{r.url}\">{r.name}</a>\n{/each}\n</div>\n\n\
        <DataTable data={links} link=url />\n\n<BigValue data={links} value=n link=\"{links[0].url}\" />\n\n\
        <LinkButton url=\"{links[5].url}\">Rooted</LinkButton>\n";
    let project = Project::with_files(&[
        ("sources/t/connection.yaml", CONNECTION),
        ("sources/t/links.csv", &csv),
        ("pages/index.md", index),
        // One page per value a link reaches: `/javascript:alert(1)` is such a value.
        (
            "pages/[name].md",
            "```sql row\nselect * from t.links where name = '${params.name}'\n```\n\n# Page {params.name}\n\nRows: {row.length}.\n",
        ),
    ]);
    let run = project.build().ok();
    let dist = project.path().join("dist");
    if let Ok(keep) = std::env::var("QUIRE_KEEP") {
        crate::util::copy_dir(&dist, Path::new(&keep));
    }
    assert_no_script_urls(&dist);
    let html = project.read("dist/index.html");
    // A root-relative value stays a path inside the site, even on the root page.
    assert!(html.contains("href=\"./javascript-alert-1-"), "{html}");
    // The safe link stays a link.
    assert!(html.contains("href=\"https://example.com/a?b=1\""), "{html}");
    // A page named after data is reached by a path, not a scheme.
    let files = tree(&dist);
    let pages: Vec<&String> = files.keys().filter(|k| k.ends_with("index.html")).collect();
    assert!(pages.iter().any(|p| p.starts_with("javascript-alert-1-")), "{pages:?}");
    // A 300-byte value and `x%aé` each get a page at a name the OS accepts, and the links
    // that reach them point at those names.
    let long_page = pages.iter().find(|p| p.starts_with("aaaaaaaa") && p.len() < 80).expect("the long value's page");
    assert!(html.contains(&format!("href=\"./{long_page}\"")), "{long_page}");
    assert!(files.contains_key("x%aé/index.html"), "{pages:?}");
    assert!(run.stderr().contains("Built"), "{}", run.stderr());
}

#[test]
fn csv_downloads_do_not_carry_formulas() {
    let project = Project::with_files(&[
        ("sources/t/connection.yaml", CONNECTION),
        ("sources/t/cells.csv", "name,amount\n\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3\n@SUM(A1),2\n+1,4\n"),
        ("pages/index.md", "```sql cells\nselect name, amount from t.cells\n```\n\n<DataTable data={cells} />\n"),
    ]);
    project.build().ok();
    let (_, csv) = tree(&project.path().join("dist"))
        .into_iter()
        .find(|(n, _)| n.starts_with("data/cells.") && n.ends_with(".csv"))
        .expect("the CSV");
    assert_eq!(
        String::from_utf8(csv).expect("UTF-8"),
        "name,amount\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3\r\n'@SUM(A1),2\r\n+1,4\r\n"
    );
}

#[test]
fn deep_nesting_is_an_author_error_not_a_crash() {
    let n = 100_000;
    let ifs = format!("{}deep\n{}", "{#if true}\n".repeat(n), "{/if}\n".repeat(n));
    let parens = format!("Value: {{{}1{}}}\n", "(".repeat(n), ")".repeat(n));
    let script = format!("<script>\nlet x = {}1{};\n</script>\n", "[".repeat(n), "]".repeat(n));
    for (name, page) in [("ifs", ifs), ("parens", parens), ("script", script)] {
        let project = Project::with_files(&[
            ("sources/t/connection.yaml", CONNECTION),
            ("sources/t/n.csv", "n\n1\n"),
            ("pages/index.md", &page),
        ]);
        let run = project.build();
        assert_eq!(run.output.status.code(), Some(1), "{name}: {}", run.stderr());
        let stderr = run.stderr();
        let head: Vec<&str> = stderr.lines().take(2).collect();
        insta::assert_snapshot!(format!("deep_{name}"), head.join("\n"));
    }
}

#[test]
fn a_partial_bomb_stops_with_the_chain_that_made_it() {
    let mut files = vec![
        ("sources/t/connection.yaml".to_string(), CONNECTION.to_string()),
        ("sources/t/n.csv".into(), "n\n1\n".into()),
        ("pages/index.md".into(), "# Bomb\n\n{@partial \"p0.md\"}\n".into()),
        ("partials/p30.md".into(), "boom ".repeat(100)),
    ];
    for i in 0..30 {
        files.push((
            format!("partials/p{i}.md"),
            format!("{{@partial \"p{0}.md\"}}\n{{@partial \"p{0}.md\"}}\n", i + 1),
        ));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let project = Project::with_files(&files);
    let run = project.build();
    assert_eq!(run.output.status.code(), Some(1));
    let stderr = run.stderr();
    assert!(stderr.starts_with("error: partials/p28.md:2:1"), "the partial's own file is named: {stderr}");
    assert!(stderr.contains("more than 10000 times: p0.md → p1.md → p2.md"), "{stderr}");
}

#[test]
fn a_table_of_a_million_rows_makes_a_small_page() {
    use std::fmt::Write;
    let rows = 1_000_000;
    let mut csv = String::with_capacity(rows * 12);
    csv.push_str("id,amount\n");
    for i in 0..rows {
        let _ = writeln!(csv, "{i},{}", i % 997);
    }
    let project = Project::with_files(&[
        ("sources/t/connection.yaml", CONNECTION),
        ("sources/t/big.csv", &csv),
        (
            "pages/index.md",
            "```sql big\nselect id, amount from t.big order by id\n```\n\n<DataTable data={big} search />\n",
        ),
    ]);
    project.build().ok();
    let dist = project.path().join("dist");
    let page = std::fs::metadata(dist.join("index.html")).expect("the page").len();
    assert!(page < 2 << 20, "the page is {page} bytes");
    let html = project.read("dist/index.html");
    assert!(html.contains("data-row-count=\"1000000\""));
    assert!(html.contains("1–10 of 1,000,000"));
    let start = html.find("data-rows=\"").expect("a row file") + "data-rows=\"".len();
    let path = &html[start..start + html[start..].find('"').expect("closed")];
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join(path.trim_start_matches("./"))).expect("the row file"))
            .expect("JSON");
    let all = file["rows"].as_array().expect("rows");
    assert_eq!(all.len(), rows);
    assert_eq!(all[999_999][3], serde_json::json!(999_999.0));
}
