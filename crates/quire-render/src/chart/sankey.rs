//! `SankeyDiagram`: flows from sources to targets, laid out as ECharts lays out Evidence's
//! (`layoutIterations: 0`, so nodes keep the data's order): each node in the column of its
//! longest path from a source, sinks moved to the last column (`nodeAlign=justify`), nodes
//! stacked from the top, links as bands between them.

use std::collections::BTreeMap;

use quire_core::script::JsVal;
use quire_core::{Component, Problem, PropValue};

use super::funnel::{outline, palette};
use super::{LABEL, TICK, WIDTH};
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt::{self, Format};
use crate::text::{component_attrs, title_case};

/// Most nodes a diagram draws: more is not a picture anyone can read.
const MAX_NODES: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Justify,
    Left,
    Right,
}

struct Node {
    name: String,
    value: f64,
    depth: usize,
    /// Position along the breadth (down the column, or across a row when vertical).
    b0: f64,
    b1: f64,
}

struct Link {
    source: usize,
    target: usize,
    value: f64,
    percent: Option<f64>,
    /// Where the band leaves the source and meets the target, along the breadth.
    sb: f64,
    tb: f64,
    width: f64,
}

pub(crate) fn sankey(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let Some((query, table)) = ctx.data(c) else { return String::new() };
    let before = ctx.problems.len();
    // Evidence's defaults: columns named `source`, `target` and `value`.
    let column = |ctx: &mut Ctx<'_>, prop: &str, default: &str| {
        let name = c.text(prop).unwrap_or_else(|| default.to_string());
        ctx.column(query, table, &name, c.span_of(prop))
    };
    let source = column(ctx, "sourceCol", "source");
    let target = column(ctx, "targetCol", "target");
    let value = column(ctx, "valueCol", "value");
    let percent = ctx.column_prop(c, query, table, "percentCol");
    let value_fmt = ctx.format_prop(c, "valueFmt");
    let percent_fmt = ctx.format_prop(c, "percentFmt");
    let word = |ctx: &mut Ctx<'_>, prop: &str, options: &[&'static str]| -> Option<&'static str> {
        let t = c.text(prop)?;
        let found = options.iter().find(|o| **o == t).copied();
        if found.is_none() {
            ctx.report(
                Problem::new(format!("`{t}` is not a choice of `{prop}`"), c.span_of(prop))
                    .help(format!("use {}", options.join(", "))),
            );
        }
        found
    };
    let vertical = word(ctx, "orient", &["horizontal", "vertical"]) == Some("vertical");
    let align = match word(ctx, "nodeAlign", &["justify", "left", "right"]) {
        Some("left") => Align::Left,
        Some("right") => Align::Right,
        _ => Align::Justify,
    };
    let node_labels = word(ctx, "nodeLabels", &["name", "value", "full"]).unwrap_or("name");
    let link_labels = word(ctx, "linkLabels", &["full", "value", "percent"]);
    let link_colour = word(ctx, "linkColor", &["base-content-muted", "source", "target", "gradient"]);
    let number = |ctx: &mut Ctx<'_>, prop: &str, default: f64, (lo, hi): (f64, f64)| {
        let (message, help) = (format!("`{prop}` must be a number from {lo} to {hi}"), format!("{prop}={default}"));
        ctx.number_prop(c, prop, default, |v| (lo..=hi).contains(&v), message, help)
    };
    let node_gap = number(ctx, "nodeGap", 10.0, (0.0, 100.0));
    let node_width = number(ctx, "nodeWidth", 20.0, (1.0, 200.0));
    let height = number(ctx, "chartAreaHeight", 300.0, (60.0, 2000.0));
    let overrides = depth_override(ctx, c);
    let colours = palette(ctx, c);
    let outline = outline(ctx, c);
    let (Some(source), Some(target), Some(value)) = (source, target, value) else { return String::new() };
    if !table.columns[value].ty.is_numeric() {
        ctx.report(
            Problem::new(
                format!("`valueCol` column `{}` is not numeric", table.columns[value].name),
                c.span_of("valueCol"),
            )
            .help("name the column holding each flow's size"),
        );
    }
    if ctx.problems.len() > before {
        return String::new();
    }

    let mut html = format!("<figure {}>\n", component_attrs("SankeyDiagram", Some(query), "q-chart"));
    html.push_str(&super::caption(c));
    // Nodes in the order the data first names them; a link per row with a positive value.
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut links: Vec<Link> = Vec::new();
    for row in &table.rows {
        let Some(v) = row[value].as_f64().filter(|v| *v > 0.0 && v.is_finite()) else { continue };
        let mut node = |cell: &quire_core::Cell| {
            let name = fmt::format_cell(cell, quire_core::ColumnType::Text, None);
            *index.entry(name.clone()).or_insert_with(|| {
                nodes.push(Node { name, value: 0.0, depth: 0, b0: 0.0, b1: 0.0 });
                nodes.len() - 1
            })
        };
        let (s, t) = (node(&row[source]), node(&row[target]));
        links.push(Link {
            source: s,
            target: t,
            value: v,
            percent: percent.and_then(|p| row[p].as_f64()),
            sb: 0.0,
            tb: 0.0,
            width: 0.0,
        });
    }
    if nodes.len() > MAX_NODES {
        ctx.report(
            Problem::new(
                format!("{} nodes are more than a diagram can show ({MAX_NODES})", nodes.len()),
                c.span_of("data"),
            )
            .help("group the smaller flows into an `Other` node in the query"),
        );
        return String::new();
    }
    if links.is_empty() {
        html.push_str(&super::empty_state(c));
        html.push_str("</figure>");
        return html;
    }
    // Depths: the longest path from a source (Kahn's order; what is left is a cycle).
    let n = nodes.len();
    let mut incoming = vec![0usize; n];
    for l in &links {
        incoming[l.target] += 1;
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| incoming[i] == 0).collect();
    let mut k = 0;
    while k < order.len() {
        let at = order[k];
        k += 1;
        for l in links.iter().filter(|l| l.source == at) {
            incoming[l.target] -= 1;
            if incoming[l.target] == 0 {
                order.push(l.target);
            }
        }
    }
    if order.len() < n {
        let stuck: Vec<&str> = (0..n).filter(|i| !order.contains(i)).map(|i| nodes[i].name.as_str()).take(3).collect();
        ctx.report(
            Problem::new(format!("the flows go round in a circle through {}", stuck.join(", ")), c.span_of("data"))
                .help("a Sankey diagram's flows run one way: from sources to targets, never back"),
        );
        return String::new();
    }
    let mut depth = vec![0usize; n];
    let mut height_of = vec![0usize; n];
    for &at in &order {
        for l in links.iter().filter(|l| l.source == at) {
            depth[l.target] = depth[l.target].max(depth[at] + 1);
        }
    }
    for &at in order.iter().rev() {
        for l in links.iter().filter(|l| l.target == at) {
            height_of[l.source] = height_of[l.source].max(height_of[at] + 1);
        }
    }
    let max_depth = depth.iter().copied().max().unwrap_or(0);
    for i in 0..n {
        let sink = !links.iter().any(|l| l.source == i);
        nodes[i].depth = match align {
            Align::Left => depth[i],
            Align::Right => max_depth - height_of[i],
            Align::Justify if sink => max_depth,
            Align::Justify => depth[i],
        };
        if let Some(d) = overrides.get(&nodes[i].name) {
            nodes[i].depth = *d;
        }
        let (into, out) = links.iter().fold((0.0, 0.0), |(a, b), l| {
            (a + if l.target == i { l.value } else { 0.0 }, b + if l.source == i { l.value } else { 0.0 })
        });
        nodes[i].value = f64::max(into, out);
    }
    let columns = nodes.iter().map(|n| n.depth).max().unwrap_or(0) + 1;
    // The drawing: depth runs across (down when vertical), breadth down (across).
    let label_room = if vertical { 0.0 } else { 150.0 };
    let width = f64::from(WIDTH);
    let (depth_len, breadth_len) =
        if vertical { (height - 40.0, width - 16.0) } else { (width - 16.0 - label_room, height) };
    let mut in_column: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for (i, node) in nodes.iter().enumerate() {
        in_column[node.depth].push(i);
    }
    if c.flag("sort") == Some(true) {
        for col in &mut in_column {
            col.sort_by(|a, b| nodes[*b].value.total_cmp(&nodes[*a].value));
        }
    }
    let ky = in_column
        .iter()
        .filter(|col| !col.is_empty())
        .map(|col| {
            let total: f64 = col.iter().map(|&i| nodes[i].value).sum();
            (breadth_len - node_gap * (col.len() as f64 - 1.0)).max(1.0) / total
        })
        .fold(f64::INFINITY, f64::min);
    for col in &in_column {
        let mut b = 0.0;
        for &i in col {
            nodes[i].b0 = b;
            nodes[i].b1 = b + nodes[i].value * ky;
            b = nodes[i].b1 + node_gap;
        }
    }
    // Bands leave a node in the order of their targets, and arrive in that of their sources.
    let mut by_source: Vec<usize> = (0..links.len()).collect();
    by_source.sort_by(|&a, &b| nodes[links[a].target].b0.total_cmp(&nodes[links[b].target].b0));
    let mut next = vec![0.0; n];
    for &li in &by_source {
        let s = links[li].source;
        links[li].width = links[li].value * ky;
        links[li].sb = nodes[s].b0 + next[s];
        next[s] += links[li].width;
    }
    let mut by_target: Vec<usize> = (0..links.len()).collect();
    by_target.sort_by(|&a, &b| nodes[links[a].source].b0.total_cmp(&nodes[links[b].source].b0));
    let mut next = vec![0.0; n];
    for &li in &by_target {
        let t = links[li].target;
        links[li].tb = nodes[t].b0 + next[t];
        next[t] += links[li].width;
    }

    let step = if columns > 1 { (depth_len - node_width) / (columns - 1) as f64 } else { 0.0 };
    let at = |d: usize| 8.0 + d as f64 * step + if vertical { 24.0 } else { 0.0 };
    // (x, y) of a point at `d` along the depth and `b` along the breadth.
    let xy = |d: f64, b: f64| if vertical { (8.0 + b, d) } else { (d, b + 4.0) };
    let svg_h = if vertical { height } else { height + 8.0 };
    let p = |v: f64| crate::map::tenths((v * 10.0).round() as i64);
    let fmt_value = value_fmt.or_else(|| fmt::for_column(table, value));
    let show = |v: f64| match &fmt_value {
        Some(f) => fmt::format_number(v, f),
        None => fmt::auto_number(v),
    };
    let pct_fmt = percent_fmt.unwrap_or(Format::Percent);
    let mut svg = String::new();
    let mut defs = String::new();
    for l in &links {
        let (s, t) = (&nodes[l.source], &nodes[l.target]);
        let (d0, d1) = (at(s.depth) + node_width, at(t.depth));
        let mid = (d0 + d1) / 2.0;
        let (a0, a1) = (xy(d0, l.sb), xy(d1, l.tb));
        let (c0, c1) = (xy(mid, l.sb), xy(mid, l.tb));
        let (b0, b1) = (xy(d0, l.sb + l.width), xy(d1, l.tb + l.width));
        let (e0, e1) = (xy(mid, l.sb + l.width), xy(mid, l.tb + l.width));
        let d = format!(
            "M{} {}C{} {} {} {} {} {}L{} {}C{} {} {} {} {} {}Z",
            p(a0.0),
            p(a0.1),
            p(c0.0),
            p(c0.1),
            p(c1.0),
            p(c1.1),
            p(a1.0),
            p(a1.1),
            p(b1.0),
            p(b1.1),
            p(e1.0),
            p(e1.1),
            p(e0.0),
            p(e0.1),
            p(b0.0),
            p(b0.1)
        );
        let colour_of = |i: usize| colours[i % colours.len()].clone();
        let fill = match link_colour {
            Some("source") => format!(" fill=\"{}\"", escape::attr(&colour_of(l.source))),
            Some("target") => format!(" fill=\"{}\"", escape::attr(&colour_of(l.target))),
            Some("gradient") => {
                // Named by its colours and direction, so equal gradients share one definition.
                let (from, to) = (colour_of(l.source), colour_of(l.target));
                let id: String = format!("q-sg-{}-{}-{}", from, to, u8::from(vertical))
                    .chars()
                    .map(|ch| if ch.is_ascii_alphanumeric() || ch == '-' { ch } else { '_' })
                    .collect();
                if !defs.contains(&format!("id=\"{id}\"")) {
                    let (x2, y2) = if vertical { (0, 1) } else { (1, 0) };
                    defs.push_str(&format!(
                        "<linearGradient id=\"{id}\" x1=\"0\" y1=\"0\" x2=\"{x2}\" y2=\"{y2}\"><stop offset=\"0\" stop-color=\"{}\"/><stop offset=\"1\" stop-color=\"{}\"/></linearGradient>",
                        escape::attr(&from),
                        escape::attr(&to)
                    ));
                }
                format!(" fill=\"url(#{id})\"")
            }
            _ => " class=\"q-sankey-link q-sankey-muted\"".to_string(),
        };
        let fill = if fill.contains("class=") { fill } else { format!("{fill} class=\"q-sankey-link\"") };
        let tip = format!("{} → {}", title_case(&s.name), title_case(&t.name));
        svg.push_str(&format!(
            "<path d=\"{d}\"{fill} fill-opacity=\"0.3\" data-x=\"{}\" data-rows=\"{}\"/>\n",
            escape::attr(&tip),
            escape::attr(&serde_json::json!([["", show(l.value)]]).to_string())
        ));
        if let Some(kind) = link_labels {
            let pct = l.percent.map(|v| fmt::format_number(v, &pct_fmt));
            let text = match kind {
                "value" => Some(show(l.value)),
                "percent" => pct.clone(),
                _ => Some(match &pct {
                    Some(pc) => format!("{} ({pc})", show(l.value)),
                    None => show(l.value),
                }),
            };
            if let Some(text) = text {
                let (x, y) = xy(mid, (l.sb + l.tb) / 2.0 + l.width / 2.0);
                svg.push_str(&format!(
                    "<text class=\"q-label q-sankey-link-label\" x=\"{}\" y=\"{}\" dy=\"0.5ex\" text-anchor=\"middle\" font-size=\"{}\">{}</text>\n",
                    p(x),
                    p(y),
                    LABEL.size,
                    escape::text(&text)
                ));
            }
        }
    }
    for (i, node) in nodes.iter().enumerate() {
        let (x0, y0) = xy(at(node.depth), node.b0);
        let (x1, y1) = xy(at(node.depth) + node_width, node.b1.max(node.b0 + 1.0));
        let colour = &colours[i % colours.len()];
        let border = match &outline {
            Some((o, w)) => format!(" stroke=\"{}\" stroke-width=\"{w}\"", escape::attr(o)),
            None => String::new(),
        };
        svg.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{border} class=\"q-sankey-node\" data-x=\"{}\" data-rows=\"{}\"/>\n",
            p(x0.min(x1)),
            p(y0.min(y1)),
            p((x1 - x0).abs()),
            p((y1 - y0).abs()),
            escape::attr(colour),
            escape::attr(&title_case(&node.name)),
            escape::attr(&serde_json::json!([["", show(node.value)]]).to_string())
        ));
        let label = match node_labels {
            "value" => show(node.value),
            "full" => format!("{} ({})", title_case(&node.name), show(node.value)),
            _ => title_case(&node.name),
        };
        let (x, y, anchor) =
            if vertical { ((x0 + x1) / 2.0, y0 - 6.0, "middle") } else { (x1 + 6.0, (y0 + y1) / 2.0, "start") };
        svg.push_str(&format!(
            "<text class=\"q-tick q-sankey-label\" x=\"{}\" y=\"{}\" dy=\"0.5ex\" text-anchor=\"{anchor}\" font-size=\"{}\">{}</text>\n",
            p(x),
            p(y),
            if vertical { 10 } else { TICK.size },
            escape::text(&label)
        ));
    }
    let aria = format!(
        "Sankey diagram of {} from {} to {}",
        title_case(&table.columns[value].name),
        title_case(&table.columns[source].name),
        title_case(&table.columns[target].name)
    );
    html.push_str("<div class=\"q-chart-body\">");
    html.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {}\" width=\"100%\" role=\"img\" aria-label=\"{}\" class=\"q-svg\">\n",
        p(svg_h),
        escape::attr(&aria)
    ));
    if !defs.is_empty() {
        html.push_str(&format!("<defs>{defs}</defs>\n"));
    }
    html.push_str(&svg);
    html.push_str("</svg></div>\n</figure>");
    html
}

/// `depthOverride={{'services revenue': 1}}`: nodes placed in a column of the author's.
fn depth_override(ctx: &mut Ctx<'_>, c: &Component) -> BTreeMap<String, usize> {
    let Some(p) = c.prop("depthOverride") else { return BTreeMap::new() };
    let text = match &p.value {
        PropValue::Expr(t) | PropValue::Str(t) => t.trim(),
        _ => "",
    };
    // `{{...}}` is Svelte's braces around an object literal.
    let inner = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).filter(|t| t.trim_start().starts_with('{'));
    let parsed = JsVal::parse_literal(inner.unwrap_or(text));
    let mut out = BTreeMap::new();
    match parsed {
        Some(JsVal::Object(kv)) => {
            for (k, v) in kv {
                match v {
                    JsVal::Num(d) if d >= 0.0 && d.fract() == 0.0 && d < 1000.0 => {
                        out.insert(k, d as usize);
                    }
                    _ => {
                        ctx.report(
                            Problem::new(format!("`{k}`'s depth must be a whole number from 0"), p.value_span)
                                .help("depthOverride={{'services revenue': 1}}: 0 is the first column"),
                        );
                    }
                }
            }
        }
        _ => ctx.report(
            Problem::new("`depthOverride` must map node names to columns", p.value_span)
                .help("depthOverride={{'services revenue': 1}}: 0 is the first column"),
        ),
    }
    out
}
