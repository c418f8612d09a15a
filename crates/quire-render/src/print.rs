//! Evidence's print format components: `PageBreak` (what follows starts a new printed page),
//! `PrintGroup` (kept on one printed page if it fits, or left out of print with `hidden`)
//! and `LineBreak` (line breaks on screen and in print). All of it is the stylesheet's
//! `@media print` rules; on screen the first two are plain blocks.

use quire_core::{Component, Problem};

use crate::ctx::Ctx;
use crate::layout::dedent;
use crate::text::component_attrs;

pub(crate) fn page_break(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let body = crate::nodes_html(ctx, &dedent(&c.children), false).0;
    format!("<div {}>{body}</div>", component_attrs("PageBreak", None, ""))
}

pub(crate) fn print_group(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let hidden = if c.flag("hidden") == Some(true) { "q-hide-print" } else { "" };
    let body = crate::nodes_html(ctx, &dedent(&c.children), false).0;
    format!("<div {}>{body}</div>", component_attrs("PrintGroup", None, hidden))
}

/// `<LineBreak lines=2/>`: that many `<br>` in the sentence.
pub(crate) fn line_break(ctx: &mut Ctx<'_>, c: &Component) -> (String, String) {
    let lines = match c.prop("lines").map(|_| c.number("lines")) {
        None => 1,
        Some(Some(n)) if n.fract() == 0.0 && (1.0..=20.0).contains(&n) => n as usize,
        Some(_) => {
            ctx.report(
                Problem::new("`lines` must be a whole number from 1 to 20", c.span_of("lines"))
                    .help("the number of line breaks: `lines=2`"),
            );
            1
        }
    };
    let br = "<br class=\"q-linebreak\">".repeat(lines);
    (format!("<span class=\"q-component q-linebreak\" data-component=\"LineBreak\">{br}</span>"), "\n".repeat(lines))
}
