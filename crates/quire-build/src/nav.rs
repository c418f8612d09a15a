//! The sidebar: the pages folder as a tree, titled and ordered for readers.

use quire_render::NavItem;

/// One page as the sidebar needs it.
pub struct NavPage<'a> {
    pub url: &'a str,
    pub title: String,
    pub position: Option<i64>,
}

/// The tree of `pages`, marking `active` (a page's url).
pub fn tree(pages: &[NavPage<'_>], active: &str) -> Vec<NavItem> {
    build_level(pages, "", active)
}

fn build_level(pages: &[NavPage<'_>], prefix: &str, active: &str) -> Vec<NavItem> {
    // Pages directly in this folder, and sub-folders (each with or without an index page).
    let mut items: Vec<(Option<i64>, String, NavItem)> = Vec::new();
    let mut folders: Vec<&str> = Vec::new();
    for p in pages {
        let Some(rest) = p.url.strip_prefix(prefix) else { continue };
        if rest.is_empty() {
            continue; // the folder's own index: shown as the folder itself
        }
        let first = rest.split('/').next().unwrap_or("");
        if !folders.contains(&first) {
            folders.push(first);
        }
    }
    for folder in folders {
        let url = format!("{prefix}{folder}/");
        let index = pages.iter().find(|p| p.url == url);
        let children = build_level(pages, &url, active);
        let title = index.map_or_else(|| title_case(folder), |p| p.title.clone());
        let position = index.and_then(|p| p.position);
        items.push((
            position,
            title.clone(),
            NavItem {
                title,
                href: if index.is_some() { url.clone() } else { String::new() },
                active: url == active,
                children,
            },
        ));
    }
    items.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.to_lowercase().cmp(&b.1.to_lowercase()),
    });
    let mut out: Vec<NavItem> = Vec::new();
    if prefix.is_empty()
        && let Some(home) = pages.iter().find(|p| p.url.is_empty())
    {
        out.push(NavItem {
            title: home.title.clone(),
            href: String::new(),
            active: active.is_empty(),
            children: Vec::new(),
        });
    }
    out.extend(items.into_iter().map(|(_, _, item)| item));
    out
}

/// `sales_by_state` → `Sales By State`.
pub fn title_case(stem: &str) -> String {
    stem.split(['_', '-', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}
