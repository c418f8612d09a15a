//! The lineage page: every table the reports use, what it is made from (the pipeline's
//! models and their sources) and which pages read it, as an SVG graph and a table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quire_render::{Lineage, LineageNode, escape_attr as attr, escape_text as text};

use crate::compile::Compiled;
use crate::project::Project;

pub fn body(project: &Project, pages: &[&Compiled], root: &str) -> String {
    // Database tables are in the manifest too (fetched by `quire run`), but they are sources.
    let models: BTreeMap<String, crate::committed::Committed> = project
        .committed
        .tables
        .iter()
        .filter(|(_, c)| !c.model.starts_with("sources/"))
        .map(|(t, c)| (t.clone(), c.clone()))
        .collect();
    let models = &models;
    let sources: BTreeSet<String> =
        project.sources.iter().map(|s| s.name.to_string()).filter(|n| !models.contains_key(n)).collect();

    // Stages left to right: a stage comes after every stage it reads from.
    let stage_of = |t: &str| t.split('.').next().unwrap_or("").to_string();
    let mut rank: BTreeMap<String, usize> = models.keys().map(|t| (stage_of(t), 0)).collect();
    for _ in 0..=rank.len() {
        for (t, c) in models {
            let s = stage_of(t);
            let need = c
                .reads
                .iter()
                .filter(|r| models.contains_key(*r) && stage_of(r) != s)
                .map(|r| rank[&stage_of(r)] + 1)
                .max()
                .unwrap_or(0);
            if let Some(v) = rank.get_mut(&s) {
                *v = (*v).max(need);
            }
        }
    }
    let mut stages: Vec<(usize, String)> = rank.iter().map(|(s, r)| (*r, s.clone())).collect();
    stages.sort();

    let used_sources: BTreeSet<&String> = models
        .values()
        .flat_map(|c| c.reads.iter())
        .chain(pages.iter().flat_map(|p| p.reads.iter()))
        .filter(|r| sources.contains(*r))
        .collect();
    let reading_pages: Vec<&&Compiled> =
        pages.iter().filter(|p| p.reads.iter().any(|r| models.contains_key(r) || sources.contains(r))).collect();

    let mut l = Lineage::default();
    l.columns.push((
        "Sources".into(),
        used_sources
            .iter()
            .map(|s| LineageNode { id: (*s).clone(), label: (*s).clone(), href: None, note: None })
            .collect(),
    ));
    for (_, stage) in &stages {
        let nodes = models
            .iter()
            .filter(|(t, _)| stage_of(t) == *stage)
            .map(|(t, c)| LineageNode {
                id: t.clone(),
                label: t.clone(),
                href: None,
                note: Some(format!("{} rows", thousands(c.rows))),
            })
            .collect();
        l.columns.push((format!("Stage {stage}"), nodes));
    }
    l.columns.push((
        "Pages".into(),
        reading_pages
            .iter()
            .map(|p| LineageNode {
                id: format!("page:/{}", p.source.url),
                label: p.title.clone(),
                href: Some(format!("{}index.html", p.source.url)),
                note: Some(p.source.file.path.clone()),
            })
            .collect(),
    ));
    for (t, c) in models {
        for r in &c.reads {
            l.edges.push((r.clone(), t.clone()));
        }
    }
    for p in &reading_pages {
        for r in p.reads.iter().filter(|r| models.contains_key(*r) || sources.contains(*r)) {
            l.edges.push((r.clone(), format!("page:/{}", p.source.url)));
        }
    }

    let mut out = String::new();
    out.push_str("<p>Sources on the left, then the pipeline's stages (<code>quire run</code>) in the order they run, then the pages that read them. Each curve is a read.</p>\n");
    let _ = writeln!(
        out,
        "<div class=\"q-lineage-wrap\" style=\"overflow-x:auto\">{}</div>",
        quire_render::lineage_svg(&l, root)
    );
    out.push_str("<h2 id=\"tables\">Pipeline tables</h2>\n<table class=\"q-table\"><thead><tr><th>Table</th><th>Model</th><th>Rows</th><th>Reads</th><th>Read by pages</th></tr></thead><tbody>\n");
    for (t, c) in models {
        let readers: Vec<String> = pages
            .iter()
            .filter(|p| p.reads.contains(t))
            .map(|p| {
                format!("<a href=\"{}\">{}</a>", attr(&format!("{root}{}index.html", p.source.url)), text(&p.title))
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td style=\"text-align:right\">{}</td><td>{}</td><td>{}</td></tr>",
            text(t),
            text(&c.model),
            thousands(c.rows),
            c.reads.iter().map(|r| format!("<code>{}</code>", text(r))).collect::<Vec<_>>().join(", "),
            readers.join(", ")
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

fn thousands(n: u64) -> String {
    quire_render::fmt::grouped(i64::try_from(n).unwrap_or(i64::MAX))
}
