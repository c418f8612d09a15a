//! Evidence's SQL files: front matter `queries:` names files under the project's `queries/`
//! folder (sub-folders too), in either of Evidence's spellings:
//!
//! ```yaml
//! queries:
//!   - orders_by_month.sql          # the query `orders_by_month`
//!   - top: customers/top_ten.sql   # the query `top`
//! ```
//!
//! (or a mapping, `queries: {top: customers/top_ten.sql}`). Each becomes a query of the page,
//! as if written in a ```` ```sql name ```` fence: it chains with the page's queries both ways,
//! and a problem in it points at the `.sql` file's own line.

use crate::diag::Problem;
use crate::span::Span;

/// One SQL file a page names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryFile {
    /// The query's name on the page.
    pub name: String,
    /// The file, relative to `queries/`.
    pub path: String,
    /// Where the page names it (in the page's text).
    pub span: Span,
}

/// The SQL files the front matter of `text` names; problems at the front matter's words.
pub fn named(text: &str) -> Result<Vec<QueryFile>, Vec<Problem>> {
    let Ok((front, body, _)) = crate::config::split_front_matter(text) else { return Ok(Vec::new()) };
    let Some(value) = &front.queries else { return Ok(Vec::new()) };
    let yaml = &text[..body];
    let key = crate::config::key_span(yaml, 0, "queries");
    // The place an entry is written: its path's first occurrence after `queries:`.
    let at = |word: &str| -> Span {
        match yaml[key.start..].find(word) {
            Some(i) if !word.is_empty() => Span::new(key.start + i, key.start + i + word.len()),
            _ => key,
        }
    };
    let mut pairs: Vec<(Option<String>, String)> = Vec::new();
    let mut problems = Vec::new();
    let shape = || {
        Problem::new("`queries:` lists SQL files", key)
            .help("write `queries:` then lines `- orders.sql` or `- name: path/to/file.sql` (files under queries/)")
    };
    match value {
        serde_yaml::Value::Null => {}
        serde_yaml::Value::Sequence(items) => {
            for item in items {
                match item {
                    serde_yaml::Value::String(path) => pairs.push((None, path.clone())),
                    serde_yaml::Value::Mapping(m) if m.len() == 1 => match m.iter().next() {
                        Some((serde_yaml::Value::String(name), serde_yaml::Value::String(path))) => {
                            pairs.push((Some(name.clone()), path.clone()))
                        }
                        _ => problems.push(shape()),
                    },
                    _ => problems.push(shape()),
                }
            }
        }
        serde_yaml::Value::Mapping(m) => {
            for (name, path) in m {
                match (name, path) {
                    (serde_yaml::Value::String(name), serde_yaml::Value::String(path)) => {
                        pairs.push((Some(name.clone()), path.clone()))
                    }
                    _ => problems.push(shape()),
                }
            }
        }
        _ => problems.push(shape()),
    }
    let mut out = Vec::new();
    for (name, path) in pairs {
        let span = at(&path);
        let safe = !path.is_empty()
            && !path.contains(['\\', ':', '\0'])
            && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
        if !safe {
            problems.push(Problem::new(format!("`{path}` is not a file under queries/"), span).help(
                "name a file inside the project's queries/ folder, such as `orders.sql` or `sales/by_month.sql`",
            ));
            continue;
        }
        let name = name.unwrap_or_else(|| {
            let file = path.rsplit('/').next().unwrap_or(&path);
            file.strip_suffix(".sql").unwrap_or(file).to_string()
        });
        let identifier = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !identifier {
            problems.push(
                Problem::new(format!("`{name}` cannot name a query"), span)
                    .help("a query's name is letters, digits and `_`: write `- my_name: file.sql`"),
            );
            continue;
        }
        out.push(QueryFile { name, path, span });
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_of_evidences_spellings_name_files() {
        let text = "---\ntitle: x\nqueries:\n  - orders_by_month.sql\n  - top: customers/top_ten.sql\n---\n# Hi\n";
        let files = named(text).expect("named");
        let got: Vec<(&str, &str, &str)> =
            files.iter().map(|f| (f.name.as_str(), f.path.as_str(), &text[f.span.start..f.span.end])).collect();
        assert_eq!(
            got,
            [
                ("orders_by_month", "orders_by_month.sql", "orders_by_month.sql"),
                ("top", "customers/top_ten.sql", "customers/top_ten.sql")
            ]
        );
        let files = named("---\nqueries:\n  a: x.sql\n---\n").expect("named");
        assert_eq!(files[0].name, "a");
        assert!(named("---\nqueries:\n  - ../secrets.sql\n---\n").is_err());
        assert!(named("---\nqueries:\n  - my-file.sql\n---\n").is_err());
        assert!(named("---\nqueries: 3\n---\n").is_err());
        assert_eq!(named("# no front matter\n"), Ok(Vec::new()));
    }
}
