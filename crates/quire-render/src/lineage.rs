//! The lineage page's graph: sources, each pipeline stage and the pages, as columns of
//! boxes, with a curve for every read. Laid out on a grid, no font metrics, so the same
//! input draws the same picture.

use crate::escape::{attr, text};

/// One box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageNode {
    /// Unique across the graph: `orders.orders`, `marts.state_sales`, `page:states/`.
    pub id: String,
    pub label: String,
    /// Where the box links to, relative to the site root (pages), if anywhere.
    pub href: Option<String>,
    /// A second line: rows, a file.
    pub note: Option<String>,
}

/// Columns left to right; `edges` go from a node to a node that reads it.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    pub columns: Vec<(String, Vec<LineageNode>)>,
    pub edges: Vec<(String, String)>,
}

const COL_W: usize = 250;
const BOX_W: usize = 196;
const BOX_H: usize = 40;
const ROW_H: usize = 56;
const TOP: usize = 44;

/// The graph as inline SVG. `root` is the relative prefix from the lineage page to the
/// site root, for links to pages.
pub fn lineage_svg(l: &Lineage, root: &str) -> String {
    let l = &ordered(l);
    let rows = l.columns.iter().map(|(_, n)| n.len()).max().unwrap_or(0);
    let width = l.columns.len() * COL_W;
    let height = TOP + rows * ROW_H + 8;
    let mut at = std::collections::BTreeMap::new();
    for (c, (_, nodes)) in l.columns.iter().enumerate() {
        for (r, n) in nodes.iter().enumerate() {
            at.insert(n.id.as_str(), (c * COL_W + 8, TOP + r * ROW_H));
        }
    }
    let mut out = format!(
        "<svg class=\"q-lineage\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" style=\"max-width:100%;height:auto\" role=\"img\" aria-label=\"Lineage: which table is made from which\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    out.push_str("<style>.q-lineage text{font:12px system-ui,sans-serif;fill:currentColor}.q-lineage .h{font-weight:600;opacity:.7;text-transform:uppercase;letter-spacing:.04em;font-size:11px}.q-lineage .n{opacity:.65;font-size:11px}.q-lineage rect{fill:var(--card,#fff);stroke:var(--border-strong,#999)}.q-lineage path{fill:none;stroke:var(--accent,#3b82f6);stroke-opacity:.55;stroke-width:1.5}.q-lineage a text{fill:var(--accent,#3b82f6)}.q-lineage a:hover rect{stroke:var(--accent,#3b82f6)}</style>");
    for (c, (title, _)) in l.columns.iter().enumerate() {
        out.push_str(&format!("<text class=\"h\" x=\"{}\" y=\"20\">{}</text>", c * COL_W + 8, text(title)));
    }
    for (from, to) in &l.edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (at.get(from.as_str()), at.get(to.as_str())) else { continue };
        let (x1, y1, x2, y2) = (x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2);
        let bend = (x2.saturating_sub(x1) / 2).max(20);
        out.push_str(&format!(
            "<path d=\"M{x1} {y1} C{} {y1} {} {y2} {x2} {y2}\"><title>{} → {}</title></path>",
            x1 + bend,
            x2.saturating_sub(bend),
            text(from.trim_start_matches("page:")),
            text(to.trim_start_matches("page:"))
        ));
    }
    for (_, nodes) in &l.columns {
        for n in nodes {
            let (x, y) = at[n.id.as_str()];
            let mut node = format!("<rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\"/>");
            let label_y = if n.note.is_some() { y + 17 } else { y + 25 };
            node.push_str(&format!("<text x=\"{}\" y=\"{label_y}\">{}</text>", x + 10, text(&clip(&n.label, 28))));
            if let Some(note) = &n.note {
                node.push_str(&format!(
                    "<text class=\"n\" x=\"{}\" y=\"{}\">{}</text>",
                    x + 10,
                    y + 32,
                    text(&clip(note, 32))
                ));
            }
            match &n.href {
                Some(h) => out.push_str(&format!("<a href=\"{}\">{node}</a>", attr(&format!("{root}{h}")))),
                None => out.push_str(&format!("<g>{node}</g>")),
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// Each column after the first in the order of its nodes' upstream positions (the mean row
/// of what they read), so that curves cross less.
fn ordered(l: &Lineage) -> Lineage {
    let mut out = l.clone();
    let mut row: std::collections::BTreeMap<String, f64> = std::collections::BTreeMap::new();
    for (c, (_, nodes)) in out.columns.iter_mut().enumerate() {
        if c > 0 {
            let key = |n: &LineageNode| {
                let ups: Vec<f64> = l
                    .edges
                    .iter()
                    .filter(|(_, to)| *to == n.id)
                    .filter_map(|(from, _)| row.get(from).copied())
                    .collect();
                if ups.is_empty() { f64::MAX } else { ups.iter().sum::<f64>() / ups.len() as f64 }
            };
            nodes.sort_by(|a, b| key(a).total_cmp(&key(b)).then_with(|| a.label.cmp(&b.label)));
        }
        for (r, n) in nodes.iter().enumerate() {
            row.insert(n.id.clone(), r as f64);
        }
    }
    out
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_string() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}
