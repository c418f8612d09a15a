//! Input controls: `Dropdown`, `ButtonGroup`, `TextInput`, `DateRange`, `Slider`,
//! `Checkbox`, drawn with their current value. They are plain form controls, so the page
//! shows the state it was built with before the runtime wires them up.

use quire_core::inputs::{Input, InputKind};
use quire_core::{Component, Problem};

use crate::ctx::Ctx;
use crate::escape;
use crate::text::{component_attrs, title_case};

pub(crate) fn input(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some(kind) = InputKind::of_component(c) else { return String::new() };
    let input = Input { name: c.text("name").unwrap_or_default(), kind, component: c };
    if kind == InputKind::DimensionGrid {
        return crate::grid::grid(ctx, &input);
    }
    if let Some(q) = input.options_query() {
        // An unknown query is reported here, like any component's `data`.
        ctx.result(q, c.span_of("data"));
    }
    let value = ctx.input_value(&input);
    let name = escape::attr(&input.name);
    let id = format!("q-in-{name}");
    let title = c.text("title");
    let mut class = format!("q-input q-input-{}", c.name.to_ascii_lowercase());
    if c.flag("hideDuringPrint") == Some(true) {
        class.push_str(" q-hide-print");
    }
    // A slider's width (Evidence's sizes), and its delay before the page updates.
    let mut extra = String::new();
    if kind == InputKind::Slider {
        match c.text("size").map(|s| s.to_ascii_lowercase()).as_deref() {
            None => {}
            Some(size @ ("small" | "medium" | "large" | "full")) => class.push_str(&format!(" q-slider-{size}")),
            Some(other) => ctx.report(
                Problem::new(format!("`{other}` is not a slider size"), c.span_of("size"))
                    .help("use small, medium, large or full"),
            ),
        }
        match c.prop("debounceDelay").map(|_| c.number("debounceDelay")) {
            None => {}
            Some(Some(ms)) if ms.is_finite() && ms >= 0.0 => {
                extra = format!(" data-debounce=\"{}\"", crate::fmt::plain(ms.min(60_000.0), 0, false))
            }
            Some(_) => ctx.report(
                Problem::new("`debounceDelay` must be a number of milliseconds", c.span_of("debounceDelay")).help(
                    "how long the slider waits after the reader stops before the page updates: debounceDelay=300",
                ),
            ),
        }
    }
    let mut html =
        format!("<div {} data-input=\"{name}\"{extra}>", component_attrs(&c.name, input.options_query(), &class));
    let label_text = title.clone().unwrap_or_else(|| title_case(&input.name));
    let label = |html: &mut String, for_id: bool| {
        if for_id {
            html.push_str(&format!(
                "<label class=\"q-input-label\" for=\"{id}\">{}</label>",
                escape::text(&label_text)
            ));
        } else {
            html.push_str(&format!(
                "<span class=\"q-input-label\" id=\"{id}-label\">{}</span>",
                escape::text(&label_text)
            ));
        }
    };
    match kind {
        InputKind::Dropdown => {
            label(&mut html, true);
            let choices = input.choices(ctx.results());
            let multiple = input.multiple();
            let size =
                if multiple { format!(" multiple size=\"{}\"", choices.len().clamp(2, 6)) } else { String::new() };
            html.push_str(&format!("<select id=\"{id}\" name=\"{name}\"{size}>"));
            for choice in &choices {
                let selected = if value.contains(&choice.value) { " selected" } else { "" };
                html.push_str(&format!(
                    "<option value=\"{}\"{selected}>{}</option>",
                    escape::attr(&choice.value),
                    escape::text(&choice.label)
                ));
            }
            html.push_str("</select>");
            // A multiple dropdown: every choice at once, or none (`disableSelectAll` leaves
            // out the first, as Evidence's, for long lists).
            if multiple {
                html.push_str("<div class=\"q-select-tools\">");
                if c.flag("disableSelectAll") != Some(true) {
                    html.push_str("<button type=\"button\" class=\"q-select-all\">Select all</button>");
                }
                html.push_str("<button type=\"button\" class=\"q-select-none\">Clear</button></div>");
            }
        }
        InputKind::ButtonGroup => {
            label(&mut html, false);
            let tabs = match c.text("display").as_deref() {
                None | Some("buttons") => false,
                Some("tabs") => true,
                Some(other) => {
                    ctx.report(
                        Problem::new(format!("`{other}` is not a button group display"), c.span_of("display"))
                            .help("use buttons or tabs"),
                    );
                    false
                }
            };
            // `color`: the chosen button's colour.
            let style = match c.text("color") {
                None => String::new(),
                Some(given) => match escape::colour(&given) {
                    Some(colour) => format!(" style=\"--q-pick:{}\"", escape::attr(&colour)),
                    None => {
                        ctx.report(
                            Problem::new(format!("`{given}` is not a colour quire can use"), c.span_of("color"))
                                .help("write a colour as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
                        );
                        String::new()
                    }
                },
            };
            let class = match (tabs, style.is_empty()) {
                (false, true) => "q-buttons",
                (false, false) => "q-buttons q-picked-colour",
                (true, true) => "q-buttons q-buttons-tabs",
                (true, false) => "q-buttons q-buttons-tabs q-picked-colour",
            };
            html.push_str(&format!("<div class=\"{class}\"{style} role=\"group\" aria-labelledby=\"{id}-label\">"));
            let hidden = hidden_in_print(c);
            for choice in input.choices(ctx.results()) {
                let pressed = value.contains(&choice.value);
                let print = if hidden.contains(&choice.value) { " class=\"q-hide-print\"" } else { "" };
                html.push_str(&format!(
                    "<button type=\"button\"{print} value=\"{}\" aria-pressed=\"{pressed}\">{}</button>",
                    escape::attr(&choice.value),
                    escape::text(&choice.label)
                ));
            }
            html.push_str("</div>");
        }
        InputKind::TextInput => {
            label(&mut html, true);
            let placeholder = c.text("placeholder").map(|p| format!(" placeholder=\"{}\"", escape::attr(&p)));
            html.push_str(&format!(
                "<input type=\"search\" id=\"{id}\" name=\"{name}\" value=\"{}\"{} autocomplete=\"off\">",
                escape::attr(value.first().map_or("", String::as_str)),
                placeholder.unwrap_or_default()
            ));
        }
        InputKind::DateRange => {
            label(&mut html, false);
            let bounds = input.date_bounds(ctx.results());
            let (min, max) = match bounds {
                Some((lo, hi)) => (
                    format!(" min=\"{}\"", quire_core::time::iso_date(lo)),
                    format!(" max=\"{}\"", quire_core::time::iso_date(hi)),
                ),
                None => (String::new(), String::new()),
            };
            html.push_str(&format!("<div class=\"q-dates\" role=\"group\" aria-labelledby=\"{id}-label\">"));
            if let (Some(names), Some(b)) = (c.list("presetRanges"), bounds) {
                html.push_str(&presets(&names, b, &value));
            }
            for (i, (part, aria)) in [("start", "From"), ("end", "To")].into_iter().enumerate() {
                html.push_str(&format!(
                    "<input type=\"date\" name=\"{name}\" data-part=\"{part}\" aria-label=\"{aria}\" value=\"{}\"{min}{max}>",
                    escape::attr(value.get(i).map_or("", String::as_str))
                ));
                if i == 0 {
                    html.push_str("<span class=\"q-dates-sep\" aria-hidden=\"true\">–</span>");
                }
            }
            html.push_str("</div>");
        }
        InputKind::DateInput => {
            label(&mut html, true);
            let (min, max) = match input.date_bounds(ctx.results()) {
                Some((lo, hi)) => (
                    format!(" min=\"{}\"", quire_core::time::iso_date(lo)),
                    format!(" max=\"{}\"", quire_core::time::iso_date(hi)),
                ),
                None => (String::new(), String::new()),
            };
            html.push_str(&format!(
                "<input type=\"date\" id=\"{id}\" name=\"{name}\" data-part=\"value\" value=\"{}\"{min}{max}>",
                escape::attr(value.first().map_or("", String::as_str))
            ));
        }
        InputKind::Slider => {
            label(&mut html, true);
            let (lo, hi) = input.slider_bounds(ctx.results());
            let step = c.number("step").map(|n| format!(" step=\"{n}\"")).unwrap_or_default();
            let v = value.first().map_or("", String::as_str);
            // The value as the author formats it; the runtime reformats it as it moves.
            let fmt = ctx.format_prop(c, "fmt");
            let shown = match (&fmt, v.parse::<f64>()) {
                (Some(f), Ok(n)) => {
                    crate::fmt::format_cell(&quire_core::Cell::Float(n), quire_core::ColumnType::Float, Some(f))
                }
                _ => v.to_string(),
            };
            let fmt_attr = c.text("fmt").map(|f| format!(" data-fmt=\"{}\"", escape::attr(&f))).unwrap_or_default();
            // `showInput`: a number box the reader may type in, in place of the value.
            let shown_html = if c.flag("showInput") == Some(true) {
                format!(
                    "<input type=\"number\" class=\"q-slider-number\" aria-label=\"{}\" value=\"{}\" min=\"{lo}\" max=\"{hi}\"{step}>",
                    escape::attr(&label_text),
                    escape::attr(v)
                )
            } else {
                format!("<output for=\"{id}\"{fmt_attr}>{}</output>", escape::text(&shown))
            };
            html.push_str(&format!(
                "<div class=\"q-slider\"><input type=\"range\" id=\"{id}\" name=\"{name}\" value=\"{}\" min=\"{lo}\" max=\"{hi}\"{step}>{shown_html}</div>",
                escape::attr(v),
            ));
            // `showMaxMin` (`showMinMax` in Evidence's documentation): the ends under it.
            if c.flag("showMaxMin").or(c.flag("showMinMax")) == Some(true) {
                let end = |n: f64| match &fmt {
                    Some(f) => {
                        crate::fmt::format_cell(&quire_core::Cell::Float(n), quire_core::ColumnType::Float, Some(f))
                    }
                    None => crate::fmt::auto_number(n),
                };
                html.push_str(&format!(
                    "<div class=\"q-slider-ends\" aria-hidden=\"true\"><span>{}</span><span>{}</span></div>",
                    escape::text(&end(lo)),
                    escape::text(&end(hi))
                ));
            }
        }
        InputKind::DimensionGrid | InputKind::Map => {}
        InputKind::Checkbox => {
            let checked = if value.first().is_some_and(|v| v == "true") { " checked" } else { "" };
            html.push_str(&format!(
                "<label class=\"q-check\"><input type=\"checkbox\" id=\"{id}\" name=\"{name}\"{checked}> {}</label>",
                escape::text(&label_text)
            ));
        }
    }
    if let Some(d) = c.text("description") {
        html.push_str(&format!("<p class=\"q-input-help\">{}</p>", escape::text(&d)));
    }
    html.push_str("</div>");
    html
}

/// The values of the `<ButtonGroupItem hideDuringPrint>` children.
fn hidden_in_print(c: &Component) -> Vec<String> {
    c.children
        .iter()
        .filter_map(|n| match n {
            quire_core::Node::Component(item) if item.flag("hideDuringPrint") == Some(true) => item.text("value"),
            _ => None,
        })
        .collect()
}

/// `presetRanges`: a menu of ranges, each counted back from the last day of the range; the
/// runtime sets both dates from the one picked.
fn presets(names: &[String], bounds: (i64, i64), value: &[String]) -> String {
    let iso = quire_core::time::iso_date;
    let mut out = String::from(
        "<select class=\"q-date-presets\" aria-label=\"Preset range\"><option value=\"\">Select a range</option>",
    );
    for name in names {
        let Some(label) = quire_core::inputs::date_preset_name(name) else { continue };
        let Some((a, b)) = quire_core::inputs::date_preset(label, bounds) else { continue };
        let (a, b) = (iso(a.clamp(bounds.0, bounds.1)), iso(b.clamp(bounds.0, bounds.1)));
        let selected = if value.first() == Some(&a) && value.get(1) == Some(&b) { " selected" } else { "" };
        out.push_str(&format!(
            "<option value=\"{}\" data-start=\"{a}\" data-end=\"{b}\"{selected}>{}</option>",
            escape::attr(label),
            escape::text(label)
        ));
    }
    out.push_str("</select>");
    out
}
