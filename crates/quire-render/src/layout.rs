//! Components that arrange or annotate a page rather than show a query: `Details`,
//! `Alert`, `Note`, `Info`, `Tabs` with `Tab`, `Grid` and `Group`, `LinkButton`, `BigLink`,
//! `DownloadData`, `LastRefreshed`, `Accordion` with `AccordionItem`, and `Modal`. Containers render their children as Markdown with
//! components in place, the same way the page body is rendered.
//!
//! Tabs work without script: one radio button per tab, and CSS shows the checked one's
//! panel (and every panel in print).

use quire_core::{Component, Node, Problem};

use crate::ctx::Ctx;
use crate::escape::{attr, href, text};
use crate::text::component_attrs;

pub(crate) fn details(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let title = c.text("title").unwrap_or_else(|| "Details".into());
    let open = if c.flag("open") == Some(true) { " open" } else { "" };
    // Printed open, unless `printShowAll=false`.
    let class = if c.flag("printShowAll") == Some(false) { "q-print-as-is" } else { "" };
    let body = crate::nodes_html(ctx, &dedent(&c.children), false).0;
    format!(
        "<details {}{open}><summary>{}</summary><div class=\"q-details-body\">{body}</div></details>",
        component_attrs("Details", None, class),
        text(&title)
    )
}

/// `Alert` (with `status`) and `Note`: a callout around Markdown.
pub(crate) fn callout(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let status = match c.name.as_str() {
        "Note" => "note".to_string(),
        _ => c.text("status").unwrap_or_else(|| "info".into()),
    };
    let kind = match status.as_str() {
        "info" | "base" | "note" => status.as_str(),
        "positive" | "success" => "positive",
        "warning" => "warning",
        "negative" | "error" | "danger" => "negative",
        other => {
            ctx.report(
                Problem::new(format!("`{other}` is not an alert status"), c.span_of("status"))
                    .help("write status=info, positive, warning or negative"),
            );
            "info"
        }
    };
    let info = c.text("description").map(|d| format!(" {}", info_icon(&d, ""))).unwrap_or_default();
    let title = match (c.text("title"), info.is_empty()) {
        (Some(t), _) => format!("<p class=\"q-callout-title\">{}{info}</p>", text(&t)),
        (None, false) => format!("<p class=\"q-callout-title\">{}</p>", info.trim_start()),
        (None, true) => String::new(),
    };
    let body = crate::nodes_html(ctx, &dedent(&c.children), false).0;
    let role = if matches!(kind, "warning" | "negative") { "alert" } else { "note" };
    format!(
        "<div {} role=\"{role}\">{title}{body}</div>",
        component_attrs(&c.name, None, &format!("q-callout q-callout-{kind}"))
    )
}

/// `Info`: a small ⓘ inline, its description shown on hover and focus.
pub(crate) fn info(ctx: &mut Ctx<'_>, c: &Component) -> (String, String) {
    let description = c.text("description").unwrap_or_default();
    // `color` and `size` (Evidence's icon size: 4 is 1rem).
    let mut style = String::new();
    if let Some(colour) = ctx.colour_prop(c, "color") {
        style.push_str(&format!("color:{};", attr(&colour)));
    }
    match c.prop("size").map(|_| c.number("size")) {
        None => {}
        Some(Some(n)) if n.is_finite() && n > 0.0 => {
            style.push_str(&format!("font-size:{}rem;", crate::fmt::plain(n.min(40.0) / 4.0, 2, false)))
        }
        Some(_) => ctx.report(
            Problem::new("`size` must be a positive number", c.span_of("size"))
                .help("the icon's size as Evidence counts it: 4 is the text's size, 6 half as big again"),
        ),
    }
    (info_icon(&description, &style), String::new())
}

/// An ⓘ its description on hover and focus, as `Info` draws it.
fn info_icon(description: &str, style: &str) -> String {
    let style = if style.is_empty() { String::new() } else { format!(" style=\"{style}\"") };
    format!(
        "<span {}{style} tabindex=\"0\" role=\"img\" aria-label=\"{}\" title=\"{}\">ⓘ</span>",
        component_attrs("Info", None, ""),
        attr(description),
        attr(description)
    )
}

/// `Tabs` holding `Tab label=...` children.
pub(crate) fn tabs(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let tabs: Vec<&Component> = c
        .children
        .iter()
        .filter_map(|n| match n {
            Node::Component(t) if t.name == "Tab" => Some(t),
            _ => None,
        })
        .collect();
    // Ids from the component's place in the page, so the same page gives the same bytes.
    let group = format!("q-tabs-{}", ctx.id_for(c.span.start));
    let mut bar = String::new();
    let mut panels = String::new();
    // `<Tab selected>`: that tab open first; else the first.
    let first = tabs.iter().position(|t| t.flag("selected") == Some(true)).unwrap_or(0);
    for (i, t) in tabs.iter().enumerate() {
        let label = t.text("label").unwrap_or_else(|| format!("Tab {}", i + 1));
        let id = format!("{group}-{i}");
        let checked = if i == first { " checked" } else { "" };
        let info = t.text("description").map(|d| format!(" {}", info_icon(&d, ""))).unwrap_or_default();
        // What the URL names the tab by (with the tabs' `id`): its own `id`, else its label.
        let value = t.text("id").unwrap_or_else(|| label.clone());
        bar.push_str(&format!(
            "<input type=\"radio\" class=\"q-tab-radio\" name=\"{group}\" id=\"{id}\" value=\"{}\"{checked}><label class=\"q-tab\" for=\"{id}\">{}{info}</label>",
            attr(&value),
            text(&label)
        ));
        let body = crate::nodes_html(ctx, &dedent(&t.children), false).0;
        panels.push_str(&format!(
            "<section class=\"q-tab-panel\" data-tab=\"{i}\" aria-label=\"{}\"><h3 class=\"q-tab-print-title\">{}</h3>{body}</section>",
            attr(&label),
            text(&label)
        ));
    }
    let mut class = String::new();
    if c.flag("fullWidth") == Some(true) {
        class.push_str(" q-tabs-full");
    }
    if c.flag("background") == Some(true) {
        class.push_str(" q-tabs-background");
    }
    // Evidence's documentation puts `printShowAll` on `Tab`, its code on `Tabs`: either
    // keeps the tabs as they are in print.
    if c.flag("printShowAll") == Some(false) || tabs.iter().any(|t| t.flag("printShowAll") == Some(false)) {
        class.push_str(" q-print-as-is");
    }
    let style = match ctx.colour_prop(c, "color") {
        Some(colour) => {
            class.push_str(" q-picked-colour");
            format!(" style=\"--q-pick:{}\"", attr(&colour))
        }
        None => String::new(),
    };
    // `id`: the open tab is kept in the URL (`?<id>=<tab>`), so a view can be shared.
    let url = c.text("id").map(|id| format!(" data-tabs-id=\"{}\"", attr(&id))).unwrap_or_default();
    format!(
        "<div {}{style}{url}>{bar}<div class=\"q-tab-panels\">{panels}</div></div>",
        component_attrs("Tabs", None, class.trim_start())
    )
}

/// `Accordion` holding `AccordionItem title=...` children: one `<details>` each, every one
/// closed at first. `single`: opening one closes the others (the browser does it for
/// `<details>` sharing a `name`).
pub(crate) fn accordion(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let name = match c.flag("single") {
        Some(true) => format!(" name=\"q-accordion-{}\"", ctx.id_for(c.span.start)),
        _ => String::new(),
    };
    let mut items = String::new();
    for item in c.children.iter().filter_map(|n| match n {
        Node::Component(t) if t.name == "AccordionItem" => Some(t),
        _ => None,
    }) {
        let title = item.text("title").unwrap_or_default();
        let info = item.text("description").map(|d| format!(" {}", info_icon(&d, ""))).unwrap_or_default();
        let body = crate::nodes_html(ctx, &dedent(&item.children), false).0;
        items.push_str(&format!(
            "<details class=\"q-accordion-item\"{name}><summary><span>{}{info}</span></summary><div class=\"q-accordion-body\">{body}</div></details>",
            text(&title)
        ));
    }
    format!("<div {}>{items}</div>", component_attrs("Accordion", None, ""))
}

/// `Modal`: a button that opens its content over the page, without script. It is a
/// `<details>`: the button is its `<summary>`, and while open the summary's `::before`
/// covers the page (a click anywhere outside the box closes it) and its `::after` is the ×
/// in the corner. Printed, the content stands in the page under its title.
pub(crate) fn modal(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let button = c.text("buttonText").unwrap_or_default();
    let title = c.text("title").filter(|t| !t.trim().is_empty());
    let open = if c.flag("open") == Some(true) { " open" } else { "" };
    let heading = title.as_ref().map(|t| format!("<p class=\"q-modal-title\">{}</p>", text(t))).unwrap_or_default();
    let body = crate::nodes_html(ctx, &dedent(&c.children), false).0;
    format!(
        "<details {}{open}><summary class=\"q-button\">{}</summary>\
         <div class=\"q-modal-box\" role=\"dialog\"{}>{heading}<div class=\"q-modal-body\">{body}</div></div></details>",
        component_attrs("Modal", None, ""),
        text(&button),
        title.map(|t| format!(" aria-label=\"{}\"", attr(&t))).unwrap_or_default()
    )
}

/// `Grid cols=2` (and `Group`): children side by side.
pub(crate) fn grid(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let cols = c.number("cols").unwrap_or(2.0).clamp(1.0, 6.0) as usize;
    let gap = match c.text("gapSize").as_deref() {
        Some("none") => "0",
        Some("sm") => "0.5rem",
        Some("lg") => "2rem",
        _ => "1rem",
    };
    // Each child component is a cell; Markdown between them joins the next cell.
    let mut cells = Vec::new();
    let mut pending: Vec<Node> = Vec::new();
    for n in &dedent(&c.children) {
        let is_cell = matches!(n, Node::Component(_) | Node::If { .. } | Node::Each { .. });
        match n {
            Node::Markdown { text, .. } if text.trim().is_empty() => continue,
            _ => pending.push(n.clone()),
        }
        if is_cell {
            cells.push(crate::nodes_html(ctx, &pending, false).0);
            pending.clear();
        }
    }
    if !pending.is_empty() {
        cells.push(crate::nodes_html(ctx, &pending, false).0);
    }
    let style = if c.name == "Grid" { format!(" style=\"--q-cols:{cols};--q-gap:{gap}\"") } else { String::new() };
    let inner: String = cells.iter().map(|h| format!("<div class=\"q-grid-cell\">{h}</div>")).collect();
    format!("<div {}{style}>{inner}</div>", component_attrs(&c.name, None, ""))
}

/// A container's children without the indentation they share, so that content indented
/// under its tag (as Evidence's examples write it) is not read as a Markdown code block.
pub(crate) fn dedent(nodes: &[Node]) -> Vec<Node> {
    // The smallest indentation of a line with text, over lines that start in Markdown.
    let mut at_line_start = true;
    let mut indent: Option<usize> = None;
    for n in nodes {
        if let Node::Markdown { text, .. } = n {
            for (i, line) in text.split('\n').enumerate() {
                if (i > 0 || at_line_start) && !line.trim().is_empty() {
                    let w = line.len() - line.trim_start_matches([' ', '\t']).len();
                    indent = Some(indent.map_or(w, |m| m.min(w)));
                }
            }
            at_line_start = text.ends_with('\n');
        } else {
            // A component or block starts mid-line or on its own line; its own indentation
            // counts as that of the line it is on.
            at_line_start = false;
        }
    }
    let Some(indent) = indent.filter(|w| *w > 0) else { return nodes.to_vec() };
    let mut at_line_start = true;
    nodes
        .iter()
        .map(|n| match n {
            Node::Markdown { text, span } => {
                let mut out = String::with_capacity(text.len());
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    if i > 0 || at_line_start {
                        let w = (line.len() - line.trim_start_matches([' ', '\t']).len()).min(indent);
                        out.push_str(&line[w..]);
                    } else {
                        out.push_str(line);
                    }
                }
                at_line_start = text.ends_with('\n');
                Node::Markdown { text: out, span: *span }
            }
            other => {
                at_line_start = false;
                other.clone()
            }
        })
        .collect()
}

pub(crate) fn link_button(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let label = crate::nodes_html(ctx, &c.children, true).0;
    let label = if label.trim().is_empty() { text(&c.text("url").unwrap_or_default()) } else { label };
    match c.text("url").as_deref().and_then(href) {
        Some(url) => format!("<a {} href=\"{url}\">{label} →</a>", component_attrs("LinkButton", None, "")),
        None => {
            ctx.report(
                Problem::new("`url` is not a link quire can follow", c.span_of("url"))
                    .help("write a page path (`/customers`) or an http(s) address"),
            );
            String::new()
        }
    }
}

/// `Link`: a link inside a sentence, its text `label` ("Click here" by default), opened in
/// a new tab with `newTab` (and then told nothing of this page).
pub(crate) fn link(ctx: &mut Ctx<'_>, c: &Component) -> (String, String) {
    let label = c.text("label").unwrap_or_else(|| "Click here".to_string());
    match c.text("url").as_deref().and_then(href) {
        Some(url) => {
            let target =
                if c.flag("newTab") == Some(true) { " target=\"_blank\" rel=\"noopener noreferrer\"" } else { "" };
            let html = format!("<a {} href=\"{url}\"{target}>{}</a>", component_attrs("Link", None, ""), text(&label));
            (html, label)
        }
        None => {
            ctx.report(
                Problem::new("`url` is not a link quire can follow", c.span_of("url"))
                    .help("write a page path (`/customers`) or an http(s) address"),
            );
            (String::new(), String::new())
        }
    }
}

/// `BigLink`: a link in a box the width of the page, its text the children (the address
/// if there are none). `href` is Evidence's old name for `url`.
pub(crate) fn big_link(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let prop = if c.prop("url").is_none() && c.prop("href").is_some() { "href" } else { "url" };
    let Some(given) = c.text(prop) else {
        ctx.report(
            Problem::new("`<BigLink>` needs a `url`", c.name_span)
                .help("write the page or address it goes to: `<BigLink url=\"/sales\">Sales</BigLink>`"),
        );
        return String::new();
    };
    let label = crate::nodes_html(ctx, &c.children, true).0;
    let label = if label.trim().is_empty() { text(&given) } else { label };
    match href(&given) {
        Some(url) => format!(
            "<a {} href=\"{url}\"><span class=\"q-biglink-text\">{label}</span></a>",
            component_attrs("BigLink", None, "")
        ),
        None => {
            ctx.report(
                Problem::new(format!("`{prop}` is not a link quire can follow"), c.span_of(prop))
                    .help("write a page path (`/customers`) or an http(s) address"),
            );
            String::new()
        }
    }
}

/// A link to the query's CSV; the build points `quire-csv:` at the file it wrote.
pub(crate) fn download_data(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some((query, _)) = ctx.data(c) else { return String::new() };
    let name = c.text("queryID").unwrap_or_else(|| query.to_string());
    let label = c.text("text").unwrap_or_else(|| "Download".into());
    // `display=false`: the link is there (for a custom component to show) but hidden.
    let hidden = if c.flag("display") == Some(false) { " hidden" } else { "" };
    format!(
        "<a {}{hidden} href=\"quire-csv:{}\" download=\"{}.csv\">{}</a>",
        component_attrs("DownloadData", Some(query), "q-button"),
        attr(query),
        attr(&name),
        text(&label)
    )
}

/// When the data was last refreshed: the newest source the build read (the build passes
/// it as the state value `@refreshed`, so the same data gives the same page).
pub(crate) fn last_refreshed(ctx: &mut Ctx<'_>, c: &Component) -> (String, String) {
    let prefix = c.text("prefix").unwrap_or_else(|| "Last refreshed".into());
    let when = ctx.state_value("@refreshed").and_then(|v| v.first().cloned()).unwrap_or_default();
    let date_fmt = ctx.format_prop(c, "dateFmt");
    let shown = match (when.is_empty(), date_fmt.as_ref().and_then(|f| Some((f, micros_of(&when)?)))) {
        (true, _) => "never".to_string(),
        // `dateFmt`: the moment in that format.
        (false, Some((f, micros))) => {
            crate::fmt::format_cell(&quire_core::Cell::Int(micros), quire_core::ColumnType::Timestamp, Some(f))
        }
        (false, None) => when.replace('T', " ").trim_end_matches('Z').to_string(),
    };
    let plain = format!("{prefix} {shown}");
    // `printShowDate=false`: printed as how long ago (the page shows the date, which does
    // not go stale on a static site).
    let ago = if c.flag("printShowDate") == Some(false) { " data-print-ago" } else { "" };
    let html = format!(
        "<span {}{ago}>{} <time datetime=\"{}\">{}</time></span>",
        component_attrs("LastRefreshed", None, ""),
        text(&prefix),
        attr(&when),
        text(&shown)
    );
    (html, plain)
}

/// Microseconds since 1970 of `YYYY-MM-DD HH:MM:SS` (or with a `T`, and a `Z`).
fn micros_of(when: &str) -> Option<i64> {
    let days = quire_core::time::parse_iso_date(when.get(..10)?)?;
    let time = when.get(11..)?.trim_end_matches('Z');
    let mut parts = time.split(':').map(|p| p.split('.').next().unwrap_or(p).parse::<i64>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0));
    Some(days * quire_core::time::MICROS_PER_DAY + ((h * 60 + m) * 60 + s) * 1_000_000)
}
