//! What an author places on a page from an address: `Image` (a picture) and `Embed` (another
//! site's page in a frame, the one component that loads a page from another origin, and so
//! only from an http(s) address the author wrote).

use quire_core::{Component, Problem};

use crate::ctx::Ctx;
use crate::escape::{attr, href};
use crate::text::component_attrs;

/// `<Image url=... description=...>`: a picture, centred unless `align` says otherwise.
pub(crate) fn image(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let given = c.text("url").unwrap_or_default();
    let Some(src) = href(&given) else {
        ctx.report(
            Problem::new("`url` is not an image address quire can use", c.span_of("url"))
                .help("write a path in the site (`/images/logo.png`) or an http(s) address"),
        );
        return String::new();
    };
    let align = align(ctx, c, "center");
    let style = size_style(ctx, c);
    let border = if c.flag("border") == Some(true) { " class=\"q-image-border\"" } else { "" };
    format!(
        "<div {}><img src=\"{src}\" alt=\"{}\"{border}{style} loading=\"lazy\"></div>",
        component_attrs("Image", None, &format!("q-align-{align}")),
        attr(&c.text("description").unwrap_or_default())
    )
}

/// `<Embed url=...>`: another site's page in a frame, bordered unless `border=false`.
pub(crate) fn embed(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let given = c.text("url").unwrap_or_default();
    // Another site's page (http or https), or a page of this site by its path.
    let lower = given.trim().to_ascii_lowercase();
    let allowed = lower.starts_with("https://") || lower.starts_with("http://") || !lower.contains(':');
    let Some(src) = href(&given).filter(|_| allowed && !lower.is_empty()) else {
        ctx.report(
            Problem::new("`url` must be an http(s) address or a path in the site", c.span_of("url")).help(
                "write the address the other site gives for embedding: `url=\"https://www.youtube.com/embed/...\"`",
            ),
        );
        return String::new();
    };
    let align = align(ctx, c, "left");
    let width = dimension(ctx, c, "width").unwrap_or_else(|| "100%".into());
    let height = dimension(ctx, c, "height").unwrap_or_else(|| "400px".into());
    let border = if c.flag("border") == Some(false) { "" } else { " q-embed-border" };
    // The frame may run its own scripts and go full screen, never reach this page.
    format!(
        "<div {} style=\"width:{width};height:{height}\"><iframe src=\"{src}\" title=\"{}\" loading=\"lazy\" \
         allowfullscreen referrerpolicy=\"strict-origin-when-cross-origin\" \
         sandbox=\"allow-scripts allow-same-origin allow-popups allow-forms allow-presentation\"></iframe></div>",
        component_attrs("Embed", None, &format!("q-align-{align}{border}")),
        attr(&c.text("title").unwrap_or_default())
    )
}

fn align(ctx: &mut Ctx<'_>, c: &Component, default: &'static str) -> &'static str {
    match c.text("align").as_deref() {
        None => default,
        Some("center") => "center",
        Some("left") => "left",
        Some("right") => "right",
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not an alignment"), c.span_of("align"))
                    .help("write align=left, center or right"),
            );
            default
        }
    }
}

/// ` style="width:..;height:.."` from `width` and `height`, or nothing.
fn size_style(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let mut style = String::new();
    for prop in ["width", "height"] {
        if let Some(d) = dimension(ctx, c, prop) {
            style.push_str(&format!("{prop}:{d};"));
        }
    }
    if style.is_empty() { style } else { format!(" style=\"{style}\"") }
}

/// A size: a number of pixels, or a CSS length (`30px`, `2em`, `50%`).
fn dimension(ctx: &mut Ctx<'_>, c: &Component, prop: &str) -> Option<String> {
    let text = c.text(prop)?;
    let t = text.trim();
    if let Ok(n) = t.parse::<f64>()
        && n.is_finite()
        && n > 0.0
    {
        return Some(format!("{}px", crate::fmt::plain(n, 2, false)));
    }
    let unit = ["px", "em", "rem", "%", "vh", "vw"].into_iter().find(|u| t.ends_with(u));
    if let Some(u) = unit
        && t[..t.len() - u.len()].parse::<f64>().is_ok_and(|n| n.is_finite() && n > 0.0)
    {
        return Some(t.to_string());
    }
    ctx.report(
        Problem::new(format!("`{text}` is not a size"), c.span_of(prop))
            .help(format!("write pixels (`{prop}=400`) or a CSS length (`{prop}=50%`)")),
    );
    None
}
