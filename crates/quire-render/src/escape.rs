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
    // Parentheses only as a colour function's: `url(x)` would make the page fetch `x`.
    let function = s.find('(').map(|i| s[..i].trim().to_ascii_lowercase());
    let known = function
        .as_deref()
        .is_none_or(|f| matches!(f, "rgb" | "rgba" | "hsl" | "hsla" | "hwb" | "lab" | "lch" | "oklab" | "oklch"));
    (ok && known).then(|| s.to_string())
}

/// Whether a URL may become an `href` or `src`: relative (`a/b`, `/a`, `?x`, `#y`), or
/// `http:`, `https:` or `mailto:`. Nothing else: data can come from anyone, and a
/// `javascript:` or `data:` link must never run. Read the way a browser reads it: tabs and
/// newlines anywhere and leading spaces or control characters do not hide a scheme. This is
/// the one place that decides; everything that writes a link from data asks it.
pub fn url_allowed(url: &str) -> bool {
    let s: String =
        url.trim_start_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    match s.find([':', '/', '\\', '?', '#']) {
        Some(i) if s[i..].starts_with(':') => {
            let scheme = s[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// A relative URL whose first segment holds a `:` (`javascript:x/`, a page named after
/// data) would be read as a scheme; `./` keeps it a path. Applied wherever a page's
/// relative prefix may be empty.
pub fn keep_relative(url: &str) -> std::borrow::Cow<'_, str> {
    let first = url.split(['/', '?', '#']).next().unwrap_or("");
    if first.contains(':') && !url_allowed(url) {
        std::borrow::Cow::Owned(format!("./{url}"))
    } else {
        std::borrow::Cow::Borrowed(url)
    }
}

/// A link target from a query result or a prop, escaped for `href`, if [`url_allowed`].
pub fn href(s: &str) -> Option<String> {
    let s = s.trim();
    (url_allowed(s) && !s.is_empty()).then(|| attr(s))
}

/// Raw HTML in which data was placed: every URL attribute (`href`, `src`, `action`, ...)
/// whose value [`url_allowed`] refuses becomes `#`. Entities are decoded before the check, as
/// the browser would. The HTML is otherwise kept byte for byte.
pub fn safe_url_attributes(html: &str) -> String {
    const URL_ATTRS: [&str; 10] =
        ["href", "src", "action", "formaction", "poster", "background", "cite", "xlink:href", "data", "srcset"];
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        // A tag opens: `<` and a letter. Comments and declarations are left as they are.
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        // Attributes until `>`.
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let name = html[name_start..i].to_ascii_lowercase();
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= b.len() || b[j] != b'=' {
                continue;
            }
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let (start, end, next) = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                    (j + 1, end, (end + 1).min(b.len()))
                }
                _ => {
                    let end = html[j..].find(|c: char| c.is_ascii_whitespace() || c == '>').map_or(b.len(), |e| j + e);
                    (j, end, end)
                }
            };
            i = next;
            if URL_ATTRS.contains(&name.as_str()) && !url_allowed(&decode_entities(&html[start..end])) {
                out.push_str(&html[copied..start]);
                out.push('#');
                copied = end;
            }
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// `&amp;`, `&colon;`, `&#58;`, `&#x3a;` and the like, as far as a scheme check needs.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let end = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '#').unwrap_or(rest.len());
        let entity = &rest[..end];
        let decoded = if let Some(n) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
            u32::from_str_radix(n, 16).ok().and_then(char::from_u32)
        } else if let Some(n) = entity.strip_prefix('#') {
            n.parse::<u32>().ok().and_then(char::from_u32)
        } else {
            match entity.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                "sol" => Some('/'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::text("a < b & c"), "a &lt; b &amp; c");
        assert_eq!(super::attr("say \"hi\" <'x'>"), "say &quot;hi&quot; &lt;&#39;x&#39;&gt;");
        assert_eq!(super::colour("#236aa4").as_deref(), Some("#236aa4"));
        assert_eq!(super::colour("red;background:url(x)"), None);
        assert_eq!(super::colour("url(x)"), None);
        assert_eq!(super::colour("image-set(x)"), None);
        assert_eq!(super::colour("rgb(35, 106, 164)").as_deref(), Some("rgb(35, 106, 164)"));
        assert_eq!(super::colour("teal").as_deref(), Some("teal"));
        assert_eq!(super::href("customers/acme/").as_deref(), Some("customers/acme/"));
        assert_eq!(super::href("https://example.com/?a=1&b=2").as_deref(), Some("https://example.com/?a=1&amp;b=2"));
        assert_eq!(super::href("javascript:alert(1)"), None);
        assert_eq!(super::href(" JavaScript:alert(1)"), None);
    }

    #[test]
    fn only_relative_http_and_mailto_urls_are_allowed() {
        for ok in ["a/b", "/c/x", "?q=1", "#top", "https://x.org", "HTTP://x", "mailto:a@b.c", "//x.org/a", "a/b:c", ""]
        {
            assert!(super::url_allowed(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "JAVA\nSCRIPT:x",
            "data:text/html,<script>",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!super::url_allowed(bad), "{bad:?}");
        }
        assert_eq!(super::keep_relative("javascript:alert(1)/index.html"), "./javascript:alert(1)/index.html");
        assert_eq!(super::keep_relative("customers/a:b/"), "customers/a:b/");
        assert_eq!(super::keep_relative("https://x.org"), "https://x.org");
    }

    #[test]
    fn url_attributes_from_data_are_checked_in_raw_html() {
        let f = super::safe_url_attributes;
        assert_eq!(f("<a href=\"javascript:alert(1)\">x</a>"), "<a href=\"#\">x</a>");
        assert_eq!(f("<a class=q HREF='java&#x09;script:x'>x</a>"), "<a class=q HREF='#'>x</a>");
        assert_eq!(f("<img src=javascript&colon;x alt=\"a\">"), "<img src=# alt=\"a\">");
        assert_eq!(f("<a title=\"javascript:x\" href=\"/c/1\">x</a>"), "<a title=\"javascript:x\" href=\"/c/1\">x</a>");
        assert_eq!(f("<form action=\"data:x\"><p>javascript:x</p>"), "<form action=\"#\"><p>javascript:x</p>");
        assert_eq!(f("a < b <!-- href=javascript:x -->"), "a < b <!-- href=javascript:x -->");
    }
}
