//! Escaping author text into HTML. Everything an author or a query wrote goes through here.

/// Text content: safe between tags.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

pub fn push_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// An attribute value, for use inside double quotes.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A colour an author gave, if it is plainly a colour. It lands in `style` and `fill`
/// attributes, so anything that could close them or smuggle in other CSS is refused.
pub fn colour(s: &str) -> Option<String> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '#' | '(' | ')' | ',' | '.' | '%' | ' ' | '-'));
    ok.then(|| s.to_string())
}

/// A link target from a query result or a prop, if it is safe to put in `href`: relative,
/// or http(s) or mailto. Data can come from anyone, and `javascript:` must not run.
pub fn href(s: &str) -> Option<String> {
    let s = s.trim();
    let scheme_end = s.find(':');
    let path_start = s.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, path_start) {
        (Some(c), Some(p)) => c < p,
        (Some(_), None) => true,
        _ => false,
    };
    let lower = s.to_ascii_lowercase();
    let allowed = !has_scheme || ["http:", "https:", "mailto:"].iter().any(|p| lower.starts_with(p));
    (allowed && !s.is_empty()).then(|| attr(s))
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::text("a < b & c"), "a &lt; b &amp; c");
        assert_eq!(super::attr("say \"hi\" <'x'>"), "say &quot;hi&quot; &lt;&#39;x&#39;&gt;");
        assert_eq!(super::colour("#236aa4").as_deref(), Some("#236aa4"));
        assert_eq!(super::colour("red;background:url(x)"), None);
        assert_eq!(super::href("customers/acme/").as_deref(), Some("customers/acme/"));
        assert_eq!(super::href("https://example.com/?a=1&b=2").as_deref(), Some("https://example.com/?a=1&amp;b=2"));
        assert_eq!(super::href("javascript:alert(1)"), None);
        assert_eq!(super::href(" JavaScript:alert(1)"), None);
    }
}
