//! Small text helpers shared by components: titles from column names, the attributes every
//! component's outer element carries, and text widths estimated without fonts.

use crate::escape;

/// Words shown in capitals in titles made from column names.
const ACRONYMS: &[&str] = &[
    "id", "usd", "eur", "gbp", "kpi", "sku", "url", "roi", "ytd", "mtd", "qtd", "yoy", "mom", "aov", "ltv", "cac",
    "arr", "mrr", "us", "uk", "eu",
];

/// Unit suffixes of column names, and how a title shows them (as Evidence does).
const UNITS: &[(&str, &str)] = &[("_usd", " ($)"), ("_eur", " (€)"), ("_gbp", " (£)"), ("_pct", " %")];

/// `order_count` → `Order Count`, `sales_usd` → `Sales ($)`; a name that is already
/// written for people stays as is.
pub(crate) fn title_case(name: &str) -> String {
    if !name.contains(['_', '-']) && name.chars().any(|c| c.is_uppercase()) {
        return name.to_string();
    }
    let lower = name.to_ascii_lowercase();
    for (suffix, shown) in UNITS {
        if lower.ends_with(suffix) && lower.len() > suffix.len() {
            return format!("{}{shown}", words(&name[..name.len() - suffix.len()]));
        }
    }
    words(name)
}

fn words(name: &str) -> String {
    name.split(['_', '-', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            if ACRONYMS.contains(&w.to_ascii_lowercase().as_str()) {
                return w.to_uppercase();
            }
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A component's `title` and `subtitle` as paragraphs in a `<div class="{class}">`, or
/// nothing without either.
pub(crate) fn title_block(c: &quire_core::Component, class: &str) -> String {
    titles(c, "div", class, "p")
}

/// `title` and `subtitle` as `<{inner}>`s inside `<{outer} class="{class}">`, or nothing
/// without either: the one place a component's heading is written.
pub(crate) fn titles(c: &quire_core::Component, outer: &str, class: &str, inner: &str) -> String {
    let (title, subtitle) = (c.text("title"), c.text("subtitle"));
    if title.is_none() && subtitle.is_none() {
        return String::new();
    }
    let mut html = format!("<{outer} class=\"{class}\">");
    for (text, role) in [(title, "q-title"), (subtitle, "q-subtitle")] {
        if let Some(t) = text {
            html.push_str(&format!("<{inner} class=\"{role}\">{}</{inner}>", escape::text(&t)));
        }
    }
    html.push_str(&format!("</{outer}>"));
    html
}

/// `class="q-component q-linechart" data-component="LineChart" data-query="q"`.
pub(crate) fn component_attrs(component: &str, query: Option<&str>, extra_class: &str) -> String {
    let mut s = format!("class=\"q-component q-{}", component.to_ascii_lowercase());
    if !extra_class.is_empty() {
        s.push(' ');
        s.push_str(extra_class);
    }
    s.push_str(&format!("\" data-component=\"{}\"", escape::attr(component)));
    if let Some(q) = query {
        s.push_str(&format!(" data-query=\"{}\"", escape::attr(q)));
    }
    s
}

/// The width of `s` at `size` px in a system sans-serif font, estimated from its characters.
/// Layout depends on this and not on the fonts of the machine, so every target agrees.
pub(crate) fn width(s: &str, size: f64) -> f64 {
    // Per-character advances in em, on the wide side of common system fonts (DejaVu Sans,
    // Segoe UI, SF): over-estimating costs a little space, under-estimating clips text.
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' => 0.3,
            ' ' | '(' | ')' | '[' | ']' | '/' | '-' => 0.36,
            'f' | 't' | 'r' => 0.42,
            '%' => 0.9,
            '0'..='9' | '$' | '€' | '£' => 0.63,
            'm' | 'w' | 'M' | 'W' => 0.92,
            c if c.is_ascii_uppercase() => 0.7,
            c if c.is_ascii_lowercase() => 0.59,
            _ => 0.65,
        })
        .sum();
    em * size
}

/// `s` cut to fit `max` px at `size`, with an ellipsis when cut.
pub(crate) fn fit(s: &str, size: f64, max: f64) -> String {
    if width(s, size) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}…");
        if width(&next, size) > max {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// `s` on at most two lines of `max` px: broken between words, the second line cut to fit.
pub(crate) fn wrap2(s: &str, size: f64, max: f64) -> Vec<String> {
    if width(s, size) <= max {
        return vec![s.to_string()];
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut first = String::new();
    let mut used = 0;
    for w in &words {
        let next = if first.is_empty() { (*w).to_string() } else { format!("{first} {w}") };
        if width(&next, size) > max {
            break;
        }
        first = next;
        used += 1;
    }
    if used == 0 {
        return vec![fit(s, size, max)];
    }
    let rest = words[used..].join(" ");
    if rest.is_empty() { vec![first] } else { vec![first, fit(&rest, size, max)] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(title_case("order_count"), "Order Count");
        assert_eq!(title_case("revenue_usd"), "Revenue ($)");
        assert_eq!(title_case("margin_pct"), "Margin %");
        assert_eq!(title_case("Revenue"), "Revenue");
        assert_eq!(title_case("month"), "Month");
    }

    #[test]
    fn fitting() {
        assert_eq!(fit("Short", 11.0, 100.0), "Short");
        assert!(fit("A rather long category name", 11.0, 60.0).ends_with('…'));
        assert_eq!(wrap2("Kitchen appliances", 11.0, 70.0), ["Kitchen", "appliances"]);
        assert_eq!(wrap2("Garden tools and watering equipment", 11.0, 80.0), ["Garden tools", "and watering…"]);
    }
}
