//! Links within the site: the folders a page's links point to (which templated pages'
//! instances get built), the folder an instance is written to, and every link and `src`
//! made relative to the page, in its HTML and in its tables' row files.

use sha2::{Digest, Sha256};

use crate::compile::hex;

/// The HTML of each row of a table's row files (`[attributes, cells, ...]`, see
/// `quire_render::MAX_ROWS_IN_PAGE`), for the links in them.
pub(crate) fn row_file_html(files: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        let Ok(serde_json::Value::Object(file)) = serde_json::from_str::<serde_json::Value>(file) else { continue };
        let Some(rows) = file.get("rows").and_then(|r| r.as_array()) else { continue };
        let mut html = String::new();
        for row in rows {
            for part in row.as_array().into_iter().flatten().take(2) {
                html.push_str(part.as_str().unwrap_or(""));
            }
            html.push('\n');
        }
        out.push(html);
    }
    out
}

/// A row file with the links in its rows' HTML made relative to the page at `root`, as the
/// page's own are.
pub(crate) fn row_file_links(json: &str, root: &str) -> String {
    let Ok(mut file) = serde_json::from_str::<serde_json::Value>(json) else { return json.to_string() };
    if let Some(rows) = file.get_mut("rows").and_then(|r| r.as_array_mut()) {
        for row in rows {
            for part in row.as_array_mut().into_iter().flatten().take(2) {
                if let Some(html) = part.as_str().filter(|h| h.contains("href=\"")) {
                    *part = serde_json::Value::from(relative_links(html, root));
                }
            }
        }
    }
    file.to_string()
}

/// The site folders the links of a page at `from` point to, within the site: `/a/b`,
/// `../a/b/index.html` and `a/b/` all give `a/b/`.
pub(crate) fn links(html: &str, from: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        let Some(end) = rest.find('"') else { break };
        let raw = rest[..end].replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'");
        rest = &rest[end..];
        let raw = raw.split(['#', '?']).next().unwrap_or("");
        if raw.is_empty() || raw.starts_with("//") || raw.split('/').next().is_some_and(|first| first.contains(':')) {
            continue;
        }
        let mut parts: Vec<String> = if raw.starts_with('/') {
            Vec::new()
        } else {
            from.trim_end_matches('/').split('/').filter(|p| !p.is_empty()).map(str::to_string).collect()
        };
        for part in raw.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(percent_decode(p)),
            }
        }
        if parts.last().is_some_and(|p| p == "index.html") {
            parts.pop();
        }
        if parts.last().is_some_and(|p| p.contains('.')) {
            continue; // a file, not a page
        }
        let url: String = parts.iter().map(|p| format!("{p}/")).collect();
        out.push(url);
    }
    out
}

/// The folder an instance at `url` (decoded, `a/b/`) is written to: each segment as it is,
/// unless it is long or holds characters some file systems refuse (`:`, `*`, `?`, `"`,
/// `<`, `>`, `|`, `\`, control characters, a trailing dot or space); such a segment
/// becomes a readable prefix and a hash of the whole, the same wherever it is computed, so
/// the links to it are rewritten to match (see [`relative_links`]).
pub(crate) fn folder_url(url: &str) -> String {
    url.split('/').filter(|s| !s.is_empty()).map(|s| format!("{}/", folder_segment(s))).collect()
}

fn folder_segment(segment: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 100;
    let odd = segment.len() > MAX
        || segment.chars().any(|c| c.is_control() || matches!(c, '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        || segment.ends_with(['.', ' ']);
    if !odd {
        return std::borrow::Cow::Borrowed(segment);
    }
    let mut prefix = String::new();
    for c in segment.chars() {
        let c = if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' ') { c } else { '-' };
        if prefix.len() + c.len_utf8() > 40 {
            break;
        }
        if !(c == '-' && prefix.ends_with('-')) {
            prefix.push(c);
        }
    }
    let prefix = prefix.trim_matches(|c| matches!(c, '-' | '.' | ' '));
    let hash = hex(&Sha256::digest(segment.as_bytes())[..6]);
    std::borrow::Cow::Owned(if prefix.is_empty() { hash } else { format!("{prefix}-{hash}") })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Bytes, not `&s[..]`: a `%` before a multi-byte character must not split it.
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Links inside the site written from its root (`/customers/acme`, as Evidence pages do)
/// made relative to the page, so the site works under any sub-path and from `file://`; and
/// in every link within the site, a segment naming an instance folder that [`folder_url`]
/// renames is renamed to match.
pub(crate) fn relative_links(html: &str, root: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let end = rest.find('"').unwrap_or(rest.len());
        let link = &rest[..end];
        rest = &rest[end..];
        let within =
            !link.starts_with("//") && !link.starts_with(['#', '?']) && quire_render::escape::url_allowed(link) && {
                let first = link.split(['/', '?', '#']).next().unwrap_or("");
                !first.contains(':')
            };
        if !within {
            out.push_str(link);
            continue;
        }
        let (path, tail) = link.find(['#', '?']).map_or((link, ""), |j| (&link[..j], &link[j..]));
        let path = renamed_segments(path);
        let mut new = if let Some(from_root) = path.strip_prefix('/') {
            let page = !from_root.rsplit('/').next().unwrap_or("").contains('.');
            let mut new = format!("{root}{from_root}");
            if page {
                if !from_root.is_empty() && !from_root.ends_with('/') {
                    new.push('/');
                }
                new.push_str("index.html");
            }
            new
        } else {
            path.into_owned()
        };
        new.push_str(tail);
        out.push_str(&quire_render::escape::keep_relative(&new));
    }
    out.push_str(rest);
    relative_sources(&out, root)
}

/// `src="/images/x.png"` (a picture from `static/`, written from the site's root) made
/// relative to the page, as links are, so the site works from any folder of a host.
fn relative_sources(html: &str, root: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(" src=\"/") {
        let at = i + " src=\"".len();
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with("//") {
            continue;
        }
        out.push_str(root);
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// `path` (as written in `href`, percent-encoded and HTML-escaped) with each segment that
/// [`folder_segment`] renames replaced by its new name.
fn renamed_segments(path: &str) -> std::borrow::Cow<'_, str> {
    let unescape = |s: &str| s.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'");
    let mut changed = false;
    let parts: Vec<std::borrow::Cow<'_, str>> = path
        .split('/')
        .map(|seg| {
            if seg.is_empty() || seg == "." || seg == ".." {
                return std::borrow::Cow::Borrowed(seg);
            }
            match folder_segment(&percent_decode(&unescape(seg))) {
                std::borrow::Cow::Owned(new) => {
                    changed = true;
                    std::borrow::Cow::Owned(new)
                }
                std::borrow::Cow::Borrowed(_) => std::borrow::Cow::Borrowed(seg),
            }
        })
        .collect();
    if changed { std::borrow::Cow::Owned(parts.join("/")) } else { std::borrow::Cow::Borrowed(path) }
}
