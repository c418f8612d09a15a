//! `<Chart>` with `<Bar>`, `<Line>`, `<Area>` and `<Scatter>` inside (Evidence's mixed-type
//! charts): drawn as the chart of its first child's kind, with the second kind's series on
//! the same axis (the `y2` machinery, sharing the left scale). `<Bubble>` and `<Hist>` draw
//! alone, as a bubble chart and a histogram.

use quire_core::components::{SERIES_COLOUR, SERIES_STYLES};
use quire_core::{Component, Node, Problem, Prop, PropValue};

use crate::ctx::Ctx;
use crate::text::title_case;

/// The series kinds a `<Chart>` holds, and the chart each is drawn as.
const KINDS: &[(&str, &str, Option<&str>)] = &[
    ("Bar", "BarChart", Some("bar")),
    ("Line", "LineChart", Some("line")),
    ("Scatter", "ScatterPlot", Some("scatter")),
    ("Area", "AreaChart", None),
    ("Bubble", "BubbleChart", None),
    ("Hist", "Histogram", None),
];

pub(crate) fn chart(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let children: Vec<&Component> = c
        .children
        .iter()
        .filter_map(|n| match n {
            Node::Component(k)
                if matches!(k.name.as_str(), "Bar" | "Line" | "Area" | "Scatter" | "Bubble" | "Hist") =>
            {
                Some(k)
            }
            _ => None,
        })
        .collect();
    let Some(first) = children.first() else {
        ctx.report(
            Problem::new("a `<Chart>` draws the series written inside it", c.name_span)
                .help("add them: `<Chart data={q} x=month>` `<Bar y=sales/>` `<Line y=orders/>` `</Chart>`"),
        );
        return String::new();
    };
    let mut kinds: Vec<&str> = Vec::new();
    for k in &children {
        if !kinds.contains(&k.name.as_str()) {
            kinds.push(&k.name);
        }
    }
    // Bubbles and histograms have axes of their own: alone in a `<Chart>`, or not at all.
    if kinds.len() > 1
        && let Some(k) = children.iter().find(|k| matches!(k.name.as_str(), "Bubble" | "Hist"))
    {
        let own = if k.name == "Bubble" { "BubbleChart" } else { "Histogram" };
        ctx.report(
            Problem::new(
                format!("quire draws `<{}>` alone in a `<Chart>`, not with other series", k.name),
                k.name_span,
            )
            .help(format!("give it a `<Chart>` of its own, or write `<{own} data={{...}}>`")),
        );
        return String::new();
    }
    if kinds.len() > 2 {
        let third = children.iter().find(|k| k.name == kinds[2]).map_or(c.name_span, |k| k.name_span);
        ctx.report(
            Problem::new(format!("a `<Chart>` draws two kinds of series; this is a third, `<{}>`", kinds[2]), third)
                .help("keep two kinds (e.g. `<Bar>` and `<Line>`), or draw the rest in a chart of their own"),
        );
        return String::new();
    }
    let (_, base, _) = KINDS.iter().find(|(k, _, _)| *k == first.name).copied().unwrap_or(KINDS[0]);
    let second = kinds.get(1).and_then(|k| KINDS.iter().find(|(n, _, _)| n == k));
    if let Some((name, _, None)) = second {
        let at = children.iter().find(|k| k.name == *name).map_or(c.name_span, |k| k.name_span);
        ctx.report(
            Problem::new(format!("an `<{name}>` is drawn first in a `<Chart>`, under the other series"), at)
                .help(format!("move `<{name}>` above the `<{}>`", first.name)),
        );
        return String::new();
    }
    if base != "BarChart" && c.flag("swapXY") == Some(true) {
        ctx.report(
            Problem::new("only bars turn sideways", c.span_of("swapXY"))
                .help("write the `<Bar>` first, or leave out swapXY"),
        );
        return String::new();
    }
    // Each child's columns (its own `y`, else the chart's; a histogram's `x`), the names
    // it gives them, and its colour.
    let mut ys: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let mut renamed = Vec::new();
    let mut coloured = Vec::new();
    let axis = if first.name == "Hist" { "x" } else { "y" };
    for k in &children {
        let cols = k.list(axis).or_else(|| c.list(axis)).unwrap_or_default();
        if cols.is_empty() {
            ctx.report(
                Problem::new(format!("`<{}>` needs a `{axis}` column", k.name), k.name_span)
                    .help(format!("name the number column it draws: {axis}=sales (or give the `<Chart>` one)")),
            );
            return String::new();
        }
        let named = match (k.text("name"), cols.as_slice()) {
            (Some(name), [col]) => {
                renamed.push((title_case(col), name.clone()));
                vec![name]
            }
            _ => cols.iter().map(|c| title_case(c)).collect(),
        };
        let colour_prop = SERIES_COLOUR.iter().find(|(kind, _)| *kind == k.name).map(|(_, p)| *p);
        if let Some(prop) = colour_prop
            && k.prop(prop).is_some()
        {
            let colour = ctx.colour_prop(k, prop);
            coloured.extend(colour.into_iter().flat_map(|c| named.iter().map(move |n| (n.clone(), c.clone()))));
        }
        ys[usize::from(k.name != first.name)].extend(cols);
    }
    let list = |name: &str, values: Vec<String>, at: &Component| Prop {
        name: name.into(),
        name_span: at.name_span,
        value: PropValue::List(values),
        value_span: at.name_span,
    };
    let word = |name: &str, value: &str| Prop {
        name: name.into(),
        name_span: c.name_span,
        value: PropValue::Str(value.into()),
        value_span: c.name_span,
    };
    let mut props: Vec<Prop> = c.props.iter().filter(|p| p.name != axis).cloned().collect();
    props.push(list(axis, ys[0].clone(), first));
    // A bubble's `size` column.
    if let Some(p) = children.iter().find_map(|k| k.prop("size")) {
        props.push(p.clone());
    }
    if let Some((_, _, Some(kind))) = second {
        props.push(list("y2", ys[1].clone(), first));
        props.push(word("y2SeriesType", kind));
        props.push(Prop {
            name: "@mixed".into(),
            name_span: c.name_span,
            value: PropValue::Bool(true),
            value_span: c.name_span,
        });
    }
    // The first kind's looks (`<Line lineWidth=3>`), as the chart's: the first series of
    // that kind to set one gives it (the others are warned about while parsing).
    let styles = SERIES_STYLES.iter().find(|(kind, _)| *kind == first.name).map_or(&[][..], |(_, p)| *p);
    for style in styles.iter().filter(|s| **s != "series" || kinds.len() == 1) {
        if let Some(p) = children.iter().filter(|k| k.name == first.name).find_map(|k| k.prop(style)) {
            props.retain(|q| q.name != *style);
            props.push(p.clone());
        }
    }
    // `<Bar stackName=...>`: each bar column's stack, in the order the names first appear
    // (bars without one stack together); several stacks stand side by side.
    if first.name == "Bar" {
        let mut names: Vec<Option<String>> = Vec::new();
        let mut groups: Vec<String> = Vec::new();
        for k in children.iter().filter(|k| k.name == "Bar") {
            let name = k.text("stackName");
            let g = match names.iter().position(|n| *n == name) {
                Some(g) => g,
                None => {
                    names.push(name);
                    names.len() - 1
                }
            };
            let n = k.list("y").or_else(|| c.list("y")).map_or(1, |l| l.len());
            groups.extend(std::iter::repeat_n(g.to_string(), n));
        }
        if names.len() > 1 {
            props.push(list("@stacks", groups, first));
        }
    }
    // `<Bar type=grouped>`: the bars' arrangement, as `BarChart`'s `type`.
    if let Some(p) = children.iter().filter(|k| k.name == "Bar").find_map(|k| k.prop("type")) {
        props.push(p.clone());
    }
    let synth = Component {
        name: base.into(),
        span: c.span,
        name_span: c.name_span,
        props,
        // Annotations (`<ReferenceLine>`) stay; the series are in the props now.
        children: c
            .children
            .iter()
            .filter(|n| !matches!(n, Node::Component(k) if KINDS.iter().any(|(kind, _, _)| *kind == k.name)))
            .cloned()
            .collect(),
        derived_query: c.derived_query.clone(),
    };
    super::draw(ctx, &synth, &renamed, &coloured).replacen(
        "data-component=\"",
        "data-component=\"Chart\" data-drawn-as=\"",
        1,
    )
}
