//! Input controls: `Dropdown`, `ButtonGroup`, `TextInput`, `DateRange`, `Slider`,
//! `Checkbox`, drawn with their current value. They are plain form controls, so the page
//! shows the state it was built with before the runtime wires them up.

use quire_core::Component;
use quire_core::inputs::{Input, InputKind};

use crate::ctx::Ctx;
use crate::escape;
use crate::text::{component_attrs, title_case};

pub(crate) fn input(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some(kind) = InputKind::of(&c.name) else { return String::new() };
    let input = Input { name: c.text("name").unwrap_or_default(), kind, component: c };
    if let Some(q) = input.options_query() {
        // An unknown query is reported here, like any component's `data`.
        ctx.result(q, c.span_of("data"));
    }
    let value = ctx.input_value(&input);
    let name = escape::attr(&input.name);
    let id = format!("q-in-{name}");
    let title = c.text("title");
    let mut html = format!(
        "<div {} data-input=\"{name}\">",
        component_attrs(&c.name, input.options_query(), &format!("q-input q-input-{}", c.name.to_ascii_lowercase()))
    );
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
        }
        InputKind::ButtonGroup => {
            label(&mut html, false);
            html.push_str(&format!("<div class=\"q-buttons\" role=\"group\" aria-labelledby=\"{id}-label\">"));
            for choice in input.choices(ctx.results()) {
                let pressed = value.contains(&choice.value);
                html.push_str(&format!(
                    "<button type=\"button\" value=\"{}\" aria-pressed=\"{pressed}\">{}</button>",
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
            html.push_str(&format!(
                "<div class=\"q-slider\"><input type=\"range\" id=\"{id}\" name=\"{name}\" value=\"{}\" min=\"{lo}\" max=\"{hi}\"{step}><output for=\"{id}\"{fmt_attr}>{}</output></div>",
                escape::attr(v),
                escape::text(&shown)
            ));
        }
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
