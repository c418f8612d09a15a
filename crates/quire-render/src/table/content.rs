//! What a `<Column contentType=...>` draws in its cells: links, images, deltas, bars,
//! colour scales and sparklines (of a list cell, `array_agg({'date': d, 'sales': s})`). Every URL from data passes [`escape::url_allowed`], every colour an
//! author gives [`escape::colour`].

use quire_core::{Cell, Component, Problem, Table};

use super::scale::{self, Scale};
use crate::ctx::Ctx;
use crate::delta::Delta;
use crate::escape;

pub(super) enum Content {
    Plain,
    Link(Link),
    Image(Image),
    Delta(Delta),
    Bar(Bar),
    ColorScale(ColorScale),
    Spark(Spark),
}

pub(super) struct Spark {
    /// line, area or bar.
    kind: &'static str,
    /// The fields of each list's items along and up: `sparkX`, `sparkY`.
    x: String,
    y: String,
    colour: String,
    size: (f64, f64),
    y_scale: Option<bool>,
}

pub(super) struct Link {
    /// A column whose value labels the link, or fixed text.
    label: Option<Label>,
    new_tab: bool,
}

enum Label {
    Column(usize),
    Text(String),
}

pub(super) struct Image {
    alt: Option<Label>,
    height: Option<String>,
    width: Option<String>,
}

pub(super) struct Bar {
    colour: String,
    negative: String,
    background: Option<String>,
    hide_labels: bool,
    /// The column's range, zero included: where 0 and the ends sit.
    lo: f64,
    hi: f64,
}

pub(super) struct ColorScale {
    scale: Option<Scale>,
    /// The column whose value picks the colour (the cell's own by default).
    by: usize,
}

/// The content a `<Column>` asks for; problems go to `ctx` at the prop's span.
pub(super) fn content(ctx: &mut Ctx<'_>, ch: &Component, query: &str, table: &Table, index: usize) -> Content {
    let Some(kind) = ch.text("contentType") else { return Content::Plain };
    match kind.as_str() {
        "link" => {
            Content::Link(Link { label: label(ch, table, "linkLabel"), new_tab: ch.flag("openInNewTab") == Some(true) })
        }
        "image" => Content::Image(Image {
            alt: label(ch, table, "alt"),
            height: size(ctx, ch, "height"),
            width: size(ctx, ch, "width"),
        }),
        "delta" => Content::Delta(Delta {
            down_is_good: ch.flag("downIsGood") == Some(true),
            neutral_min: number(ctx, ch, "neutralMin").unwrap_or(0.0),
            neutral_max: number(ctx, ch, "neutralMax").unwrap_or(0.0),
            chip: ch.flag("chip") == Some(true),
            symbol: ch.flag("deltaSymbol") != Some(false),
            show_value: ch.flag("showValue") != Some(false),
            symbol_left: false,
        }),
        "bar" => {
            let (lo, hi) = range(table, index);
            Content::Bar(Bar {
                colour: colour(ctx, ch, "barColor").unwrap_or_else(|| "#a5cdee".into()),
                negative: colour(ctx, ch, "negativeBarColor").unwrap_or_else(|| "#fca5a5".into()),
                background: colour(ctx, ch, "backgroundColor"),
                hide_labels: ch.flag("hideLabels") == Some(true),
                lo: lo.min(0.0),
                hi: hi.max(0.0),
            })
        }
        "colorscale" => color_scale(ctx, ch, query, table, index),
        // `html` is drawn as text: markup from data never reaches the page.
        "html" => Content::Plain,
        "sparkline" | "sparkarea" | "sparkbar" => spark(ctx, ch, table, index, &kind),
        other => {
            ctx.report(
                Problem::new(format!("`{other}` is not a content type"), ch.span_of("contentType"))
                    .help("use link, image, delta, bar, colorscale, sparkline, sparkarea, sparkbar or html"),
            );
            Content::Plain
        }
    }
}

/// A sparkline of each cell's list: its items' `sparkX` along, `sparkY` up.
fn spark(ctx: &mut Ctx<'_>, ch: &Component, table: &Table, index: usize, kind: &str) -> Content {
    let column = &table.columns[index];
    if column.ty != quire_core::ColumnType::List {
        ctx.report(
            Problem::new(format!("`{}` holds no lists to draw", column.name), ch.span_of("contentType"))
                .help("make a list per row in the query: `array_agg({'date': month, 'sales': sales}) as sales`"),
        );
        return Content::Plain;
    }
    // The items' fields, from the first list there is.
    let fields: Vec<String> = table
        .values(index)
        .find_map(|c| match c {
            Cell::Rows(t) => Some(t.columns.iter().map(|c| c.name.clone()).collect()),
            _ => None,
        })
        .unwrap_or_default();
    let mut field = |prop: &str, default: usize| -> Option<String> {
        let name = match ch.text(prop) {
            Some(n) => n,
            None => fields.get(default)?.clone(),
        };
        if !fields.is_empty() && !fields.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
            let help = match quire_core::components::suggest(&name, fields.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the list's items have: {}", fields.join(", ")),
            };
            ctx.report(Problem::new(format!("the list's items have no field `{name}`"), ch.span_of(prop)).help(help));
            return None;
        }
        Some(name)
    };
    let (Some(x), Some(y)) = (field("sparkX", 0), field("sparkY", 1)) else { return Content::Plain };
    let size = |ctx: &mut Ctx<'_>, prop: &str, default: f64, (lo, hi): (f64, f64)| {
        number(ctx, ch, prop).unwrap_or(default).clamp(lo, hi)
    };
    let h = size(ctx, "sparkHeight", 18.0, (8.0, 200.0));
    let w = size(ctx, "sparkWidth", 90.0, (24.0, 720.0));
    Content::Spark(Spark {
        kind: match kind {
            "sparkarea" => "area",
            "sparkbar" => "bar",
            _ => "line",
        },
        x,
        y,
        colour: colour(ctx, ch, "sparkColor").unwrap_or_else(|| crate::chart::PALETTE[0].to_string()),
        size: (w, h),
        y_scale: ch.flag("sparkYScale"),
    })
}

fn color_scale(ctx: &mut Ctx<'_>, ch: &Component, query: &str, table: &Table, index: usize) -> Content {
    let by = match ch.text("scaleColumn") {
        Some(name) => match ctx.column(query, table, &name, ch.span_of("scaleColumn")) {
            Some(i) => i,
            None => index,
        },
        None => index,
    };
    let prop =
        if ch.prop("colorScale").is_none() && ch.prop("scaleColor").is_some() { "scaleColor" } else { "colorScale" };
    let names = ch.list(prop).unwrap_or_else(|| vec!["default".into()]);
    let colours = match scale::colours(&names) {
        Ok(c) => c,
        Err(message) => {
            ctx.report(
                Problem::new(message, ch.span_of(prop))
                    .help("use default, positive, negative or info, a colour (`#a85ab8`), or a list (`{['#6db678', 'white', '#ce5050']}`)"),
            );
            return Content::ColorScale(ColorScale { scale: None, by });
        }
    };
    let (lo, hi) = range(table, by);
    let min = number(ctx, ch, "colorMin").unwrap_or(lo);
    let max = number(ctx, ch, "colorMax").unwrap_or(hi);
    let mid = number(ctx, ch, "colorMid");
    let domain = match ch.list("colorBreakpoints") {
        Some(list) => {
            // `{[0, 50, 100]}` arrives as the expression's text, split at its commas.
            let parsed: Option<Vec<f64>> = list
                .iter()
                .map(|s| s.trim_matches(|c: char| c.is_whitespace() || "[]'\"".contains(c)).parse::<f64>().ok())
                .collect();
            match parsed {
                Some(d) if d.len() >= 2 && d.windows(2).all(|w| w[0] < w[1]) => d,
                _ => {
                    ctx.report(
                        Problem::new(
                            "`colorBreakpoints` must be two or more numbers, ascending",
                            ch.span_of("colorBreakpoints"),
                        )
                        .help("one per colour of the scale: `colorBreakpoints={[0, 50, 100]}`"),
                    );
                    return Content::ColorScale(ColorScale { scale: None, by });
                }
            }
        }
        None => match mid {
            Some(m) => vec![min, m, max],
            None => vec![min, max],
        },
    };
    Content::ColorScale(ColorScale { scale: Scale::new(colours, &domain), by })
}

/// The smallest and largest number in a column (0, 0 when it has none).
fn range(table: &Table, index: usize) -> (f64, f64) {
    let mut numbers = table.values(index).filter_map(Cell::as_f64);
    let Some(first) = numbers.next() else { return (0.0, 0.0) };
    numbers.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

fn label(ch: &Component, table: &Table, prop: &str) -> Option<Label> {
    let text = ch.text(prop)?;
    Some(match table.column_index(&text) {
        Some(i) => Label::Column(i),
        None => Label::Text(text),
    })
}

fn number(ctx: &mut Ctx<'_>, ch: &Component, prop: &str) -> Option<f64> {
    ch.prop(prop)?;
    let n = ch.number(prop).filter(|n| n.is_finite());
    if n.is_none() {
        ctx.report(
            Problem::new(format!("`{prop}` must be a number"), ch.span_of(prop)).help(format!("write `{prop}=0.02`")),
        );
    }
    n
}

pub(super) fn colour(ctx: &mut Ctx<'_>, c: &Component, prop: &str) -> Option<String> {
    let text = c.text(prop)?;
    let found = escape::colour(&text);
    if found.is_none() {
        ctx.report(
            Problem::new(format!("`{text}` is not a colour"), c.span_of(prop))
                .help("use a hex code (`#1f77b4`), `rgb(...)` or a CSS colour name"),
        );
    }
    found
}

/// An image size: a number of pixels, or a CSS length (`30px`, `2em`, `50%`).
fn size(ctx: &mut Ctx<'_>, ch: &Component, prop: &str) -> Option<String> {
    let text = ch.text(prop)?;
    let t = text.trim();
    if let Ok(n) = t.parse::<f64>()
        && n.is_finite()
        && n > 0.0
    {
        return Some(format!("{n}px"));
    }
    let unit = ["px", "em", "rem", "%"].into_iter().find(|u| t.ends_with(u));
    if let Some(u) = unit
        && t[..t.len() - u.len()].parse::<f64>().is_ok_and(|n| n.is_finite() && n > 0.0)
    {
        return Some(t.to_string());
    }
    ctx.report(
        Problem::new(format!("`{text}` is not an image size"), ch.span_of(prop))
            .help(format!("write `{prop}=30` or `{prop}=30px`")),
    );
    None
}

/// A drawn cell: the inside of its `<td>`, and a `style` for the `<td>` itself.
pub(super) struct Drawn {
    pub body: String,
    pub style: Option<String>,
}

/// Draw `text` (the cell's formatted value) the way `content` asks. `href` is the row's link,
/// already checked, which wins over a link of the cell's own.
pub(super) fn draw(
    content: &Content,
    table: &Table,
    row: &[Cell],
    index: usize,
    text: &str,
    href: Option<&str>,
) -> Drawn {
    let cell = &row[index];
    let plain = |body: String| Drawn { body, style: None };
    if let Some(h) = href {
        return plain(format!("<a href=\"{h}\">{}</a>", escape::text(text)));
    }
    match content {
        Content::Plain => plain(escape::text(text)),
        Content::Link(l) => {
            let Some(h) = cell.as_str().and_then(escape::href) else { return plain(escape::text(text)) };
            let shown = match &l.label {
                None => text.to_string(),
                Some(Label::Text(t)) => t.clone(),
                Some(Label::Column(c)) if row[*c].is_null() => "-".to_string(),
                Some(Label::Column(c)) => {
                    crate::fmt::format_cell(&row[*c], table.columns[*c].ty, crate::fmt::for_display(table, *c).as_ref())
                }
            };
            let target = if l.new_tab { " target=\"_blank\" rel=\"noopener\"" } else { "" };
            plain(format!("<a href=\"{h}\"{target}>{}</a>", escape::text(&shown)))
        }
        Content::Image(img) => {
            let Some(src) = cell.as_str().and_then(escape::href) else { return plain(escape::text(text)) };
            let alt = match &img.alt {
                Some(Label::Column(c)) => crate::fmt::format_cell(&row[*c], table.columns[*c].ty, None),
                Some(Label::Text(t)) => t.clone(),
                None => file_stem(cell.as_str().unwrap_or_default()),
            };
            let mut style = String::new();
            if let Some(h) = &img.height {
                style.push_str(&format!("height:{h};"));
            }
            if let Some(w) = &img.width {
                style.push_str(&format!("width:{w};"));
            }
            let style = if style.is_empty() { String::new() } else { format!(" style=\"{style}\"") };
            plain(format!("<img class=\"q-table-img\" src=\"{src}\" alt=\"{}\"{style}>", escape::attr(&alt)))
        }
        Content::Delta(d) => match cell.as_f64() {
            Some(v) => plain(crate::delta::draw(d, Some(v), text, None)),
            None => plain(escape::text(text)),
        },
        Content::Bar(b) => match cell.as_f64() {
            Some(v) => plain(bar(b, v, text)),
            None => plain(escape::text(text)),
        },
        Content::Spark(s) => match cell {
            Cell::Rows(items) => {
                let (Some(x), Some(y)) = (items.column_index(&s.x), items.column_index(&s.y)) else {
                    return plain(String::new());
                };
                let title = crate::text::title_case(&s.y);
                let look = crate::value::Look::new(s.kind, s.size, &s.colour, &title, s.y_scale);
                let svg = crate::value::spark(items, x, y, &look);
                // Drawn at its own size (`sparkWidth` by `sparkHeight`), as Evidence's are.
                plain(format!(
                    "<span class=\"q-sparkline q-table-spark\" style=\"width:{}px;height:{}px\">{svg}</span>",
                    s.size.0, s.size.1
                ))
            }
            _ => plain(String::new()),
        },
        Content::ColorScale(s) => {
            let fill = s.scale.as_ref().and_then(|scale| row[s.by].as_f64().map(|v| scale.at(v)));
            Drawn {
                body: escape::text(text),
                style: fill.map(|f| format!("background-color:{};color:{}", f.hex(), scale::ink_on(f).hex())),
            }
        }
    }
}

/// `https://x/flags/AT.png` → `AT`: Evidence's alt text when none is given.
fn file_stem(url: &str) -> String {
    let name = url.rsplit('/').next().unwrap_or(url);
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_string(),
        _ => name.to_string(),
    }
}

pub(super) fn is_delta(content: &Content) -> Option<&Delta> {
    match content {
        Content::Delta(d) => Some(d),
        _ => None,
    }
}

/// A bar from zero to the value, over the column's range; the label over it.
fn bar(b: &Bar, v: f64, text: &str) -> String {
    let span = b.hi - b.lo;
    let (left, width) = if span > 0.0 { ((v.min(0.0) - b.lo) / span, v.abs() / span) } else { (0.0, 0.0) };
    let colour = if v < 0.0 { &b.negative } else { &b.colour };
    let background = b.background.as_ref().map(|c| format!(" style=\"background-color:{c}\"")).unwrap_or_default();
    let label = if b.hide_labels { " q-hidden-label" } else { "" };
    format!(
        "<div class=\"q-bar\"{background}><div class=\"q-bar-fill\" style=\"left:{};width:{};background-color:{colour}\"></div><span class=\"q-bar-label{label}\">{}</span></div>",
        percent(left),
        percent(width),
        escape::text(text)
    )
}

/// A share as a CSS percentage, two decimals at most, the same on every target.
fn percent(share: f64) -> String {
    let p = (share.clamp(0.0, 1.0) * 10000.0).round() / 100.0;
    format!("{p}%")
}
