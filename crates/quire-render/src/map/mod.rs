//! Maps: regions (`<AreaMap>`, `<USMap>`, `<Areas>`), points (`<PointMap>`, `<Points>`) and
//! bubbles (`<BubbleMap>`, `<Bubbles>`), drawn as SVG like every chart, over the country
//! outlines quire ships. No tiles and nothing fetched: shapes come from the page's results
//! (the build reads each GeoJSON file into a table, [`quire_core::shape`]), so the browser
//! redraws a live map from the same table with the same code.

mod layer;
mod project;

use quire_core::shape::{self, Polygons};
use quire_core::{Component, Node, Problem, Table};

use crate::ctx::Ctx;
use crate::escape;
use crate::text::component_attrs;

use layer::{Layer, Shape};
use project::{AlbersUsa, Mercator, Projection, Region};

/// The drawing's width (it scales to the page) and Evidence's default height.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
/// The widest world (256 × 2^zoom units) the 1:110m countries are drawn under: zoom 6,
/// where a unit is about 2.4 km at the equator, the outlines' own precision.
const MAX_LAND_WORLD: f64 = 256.0 * 64.0;
/// `<USMap>`'s proportions: the 960 × 500 of Albers USA.
const US_HEIGHT: f64 = 375.0;

pub(crate) fn map(ctx: &mut Ctx<'_>, c: &Component) -> String {
    let c = &taken(c);
    let before = ctx.problems.len();
    let us = c.name == "USMap";
    // The layers, lowest first: the map's own, or `<BaseMap>`'s children ordered by `z`.
    let mut layers: Vec<Layer<'_>> = Vec::new();
    if c.name == "BaseMap" {
        let children: Vec<&Component> = c
            .children
            .iter()
            .filter_map(|n| match n {
                Node::Component(k) if matches!(k.name.as_str(), "Areas" | "Points" | "Bubbles") => Some(k),
                _ => None,
            })
            .collect();
        for k in children {
            layers.extend(Layer::of(ctx, &taken(k)));
        }
        // `z` orders the layers; layers in one `paneType` are drawn together, where the
        // pane's first layer is (as Leaflet stacks a pane's layers in its own element).
        let ranks: Vec<usize> = (0..layers.len())
            .map(|i| match &layers[i].pane {
                Some(pane) => layers.iter().position(|l| l.pane.as_ref() == Some(pane)).unwrap_or(i),
                None => i,
            })
            .collect();
        let mut order: Vec<usize> = (0..layers.len()).collect();
        order.sort_by(|&a, &b| layers[a].z.total_cmp(&layers[b].z).then(ranks[a].cmp(&ranks[b])).then(a.cmp(&b)));
        let mut taken: Vec<Option<Layer<'_>>> = layers.into_iter().map(Some).collect();
        layers = order.into_iter().filter_map(|i| taken[i].take()).collect();
    } else {
        layers.extend(Layer::of(ctx, c));
    }
    let height = ctx.number_prop(
        c,
        "height",
        if us { US_HEIGHT } else { HEIGHT },
        |h| (40.0..=2000.0).contains(&h),
        "`height` must be a number of pixels from 40 to 2000".into(),
        "the map's height: height=400".into(),
    );
    let center = match (c.number("startingLat"), c.number("startingLong")) {
        (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => Some((lon, lat)),
        (None, None) => None,
        _ => {
            ctx.report(
                Problem::new(
                    "`startingLat` and `startingLong` must both be given, as degrees",
                    c.span_of(if c.prop("startingLat").is_some() { "startingLat" } else { "startingLong" }),
                )
                .help("the map's centre: startingLat=34.05 startingLong=-118.24"),
            );
            None
        }
    };
    let zoom = match c.prop("startingZoom").map(|_| c.number("startingZoom")) {
        None => None,
        Some(Some(z)) if (0.0..=18.0).contains(&z) => Some(z),
        Some(_) => {
            ctx.report(
                Problem::new("`startingZoom` must be a number from 0 to 18", c.span_of("startingZoom"))
                    .help("tile zoom levels: 1 shows the world, 10 a city"),
            );
            None
        }
    };
    if ctx.problems.len() > before {
        return String::new();
    }
    let query = layers.first().map(|l| l.query);
    let class = if us { "q-chart q-map q-map-us" } else { "q-chart q-map" };
    let mut html = format!("<figure {}{}", component_attrs(&c.name, query, class), crate::chart::image_attr(c));
    if c.flag("downloadableData") == Some(false) || layers.is_empty() {
        html.push_str(" data-downloadable=\"false\"");
    }
    if layers.iter().any(|l| l.click_tooltips) {
        html.push_str(" data-tooltip=\"click\"");
    }
    html.push_str(">\n");
    html.push_str(&crate::chart::caption(c));
    if !layers.is_empty() && layers.iter().all(|l| l.table.rows.is_empty()) {
        html.push_str(&crate::chart::empty_state(c));
        html.push_str("</figure>");
        return html;
    }

    let mut svg = String::new();
    if us {
        let projection = AlbersUsa::new(WIDTH, height);
        for l in &layers {
            l.draw(&projection, (WIDTH, height), &mut svg);
        }
    } else {
        let bounds = fit_bounds(&layers);
        // Room for the largest point or bubble at the edges.
        let radius = layers.iter().flat_map(|l| &l.marks).fold(0.0_f64, |r, m| match m.shape {
            Shape::Point(_, _, mr) => r.max(mr),
            Shape::Area(..) => r,
        });
        let projection = Mercator::fit(bounds, WIDTH, height, 16.0 + radius, center, zoom);
        // Country outlines at 1:110m only where they are faithful: zoomed out to a region
        // (a city-scale map shows its data alone; quire ships no street maps).
        if projection.world <= MAX_LAND_WORLD {
            land(ctx.results().get(&shape::key(shape::WORLD_COUNTRIES)), &projection, height, &mut svg);
        }
        for l in &layers {
            l.draw(&projection, (WIDTH, height), &mut svg);
        }
    }
    if let Some(a) = c.text("attribution") {
        svg.push_str(&format!(
            "<text class=\"q-map-attribution\" x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"9\">{}</text>\n",
            WIDTH - 4.0,
            height - 4.0,
            escape::text(&plain(&a))
        ));
    }
    let aria = match c.text("title") {
        Some(t) => format!("Map: {t}"),
        None => "Map".to_string(),
    };
    html.push_str("<div class=\"q-chart-body q-map-body\">");
    html.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" class=\"q-svg\">\n{svg}</svg>",
        escape::attr(&aria)
    ));
    for l in &layers {
        html.push_str(&l.legend_html());
    }
    html.push_str("</div>\n</figure>");
    html
}

/// The component with only the props it takes: one it does not take is warned about
/// ("drawn as if not set"), so the drawing must not read it either (`colorScale` is
/// `<USMap>`'s, `tooltip` is not).
fn taken(c: &Component) -> Component {
    let mut c = c.clone();
    if let Some(spec) = quire_core::components::spec(&c.name) {
        c.props.retain(|p| spec.props.contains(&p.name.as_str()));
    }
    c
}

/// The shape tables a map component draws from (so the browser is handed them with a
/// live map), under their [`shape::key`]s.
pub(crate) fn shapes_read(c: &Component) -> Vec<String> {
    match c.name.as_str() {
        "USMap" => vec![shape::key(shape::US_STATES)],
        "AreaMap" | "PointMap" | "BubbleMap" | "BaseMap" => {
            let mut out = vec![shape::key(shape::WORLD_COUNTRIES)];
            out.extend(c.text("geoJsonUrl").map(|u| shape::key(&u)));
            out
        }
        "Areas" => c.text("geoJsonUrl").map(|u| shape::key(&u)).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The unit-Mercator box around every layer that does not `ignoreZoom`.
fn fit_bounds(layers: &[Layer<'_>]) -> Option<(f64, f64, f64, f64)> {
    let mut b: Option<(f64, f64, f64, f64)> = None;
    let mut add = |lon: f64, lat: f64| {
        let (x, y) = project::mercator_unit(lon, lat);
        b = Some(match b {
            None => (x, y, x, y),
            Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
        });
    };
    for l in layers.iter().filter(|l| !l.ignore_zoom) {
        for m in &l.marks {
            match &m.shape {
                Shape::Area(polygons, _) => polygons.iter().flatten().flatten().for_each(|&(x, y)| add(x, y)),
                Shape::Point(lon, lat, _) => add(*lon, *lat),
            }
        }
    }
    b
}

/// The countries under a Mercator map, as one quiet shape: where the data sits, not tiles.
fn land(world: Option<&Table>, p: &Mercator, height: f64, out: &mut String) {
    let Some(world) = world else { return };
    let Some(col) = world.column_index(shape::SHAPE_COLUMN) else { return };
    let mut d = String::new();
    for row in &world.rows {
        if let quire_core::Cell::Text(t) = &row[col] {
            // A background: a unit between points is plenty.
            path_data(&shape::decode(t), p, Region::Main, (WIDTH, height), 1.0, &mut d);
        }
    }
    if !d.is_empty() {
        out.push_str(&format!("<path class=\"q-map-land\" d=\"{d}\"/>\n"));
    }
}

/// SVG path data for polygons: each ring a closed subpath, its points at least `step`
/// units apart (a zoomed-out map carries no points it cannot show), and polygons wholly
/// outside the `view` (width, height) left out.
pub(crate) fn path_data(
    polygons: &Polygons,
    p: &dyn Projection,
    region: Region,
    view: (f64, f64),
    step: f64,
    d: &mut String,
) {
    let min = (step * 10.0).round().max(1.0) as i64;
    for polygon in polygons {
        let rings: Vec<Vec<(i64, i64)>> = polygon
            .iter()
            .map(|ring| {
                let mut pts: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
                for (k, &(lon, lat)) in ring.iter().enumerate() {
                    let (x, y) = p.point(lon, lat, region);
                    if !(x.is_finite() && y.is_finite()) {
                        continue;
                    }
                    let q = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
                    let far = pts.last().is_none_or(|l: &(i64, i64)| (q.0 - l.0).abs().max((q.1 - l.1).abs()) >= min);
                    if far || (k + 1 == ring.len() && pts.last() != Some(&q)) {
                        pts.push(q);
                    }
                }
                pts
            })
            .collect();
        let Some(outer) = rings.first() else { continue };
        let (mut x0, mut y0, mut x1, mut y1) = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        for &(x, y) in outer {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let (w, h) = ((view.0 * 10.0) as i64, (view.1 * 10.0) as i64);
        if x1 < 0 || y1 < 0 || x0 > w || y0 > h {
            continue;
        }
        for pts in rings.iter().filter(|r| r.len() >= 3) {
            ring_data(pts, d);
        }
    }
}

/// One closed subpath: the first point absolute, the others as steps from the one before.
fn ring_data(pts: &[(i64, i64)], d: &mut String) {
    let (mut px, mut py) = pts[0];
    d.push('M');
    d.push_str(&tenths(px));
    d.push(' ');
    d.push_str(&tenths(py));
    d.push('l');
    for (i, &(x, y)) in pts.iter().enumerate().skip(1) {
        let (dx, dy) = (x - px, y - py);
        if i > 1 && dx >= 0 {
            d.push(' ');
        }
        d.push_str(&tenths(dx));
        if dy >= 0 {
            d.push(' ');
        }
        d.push_str(&tenths(dy));
        (px, py) = (x, y);
    }
    d.push('z');
}

/// A number held in tenths, printed shortest (`125` → `12.5`, `120` → `12`).
pub(crate) fn tenths(v: i64) -> String {
    let (sign, v) = if v < 0 { ("-", -v) } else { ("", v) };
    match (v / 10, v % 10) {
        (whole, 0) => format!("{sign}{whole}"),
        // `.5`, not `0.5`: path data reads it alike, a byte shorter.
        (0, tenth) => format!("{sign}.{tenth}"),
        (whole, tenth) => format!("{sign}{whole}.{tenth}"),
    }
}

/// Text without markup (`attribution='&copy; <a href=...>OpenStreetMap</a>'`): the words only.
fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out.replace("&copy;", "©").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    struct Identity;
    impl super::Projection for Identity {
        fn point(&self, lon: f64, lat: f64, _: super::Region) -> (f64, f64) {
            (lon, lat)
        }
    }

    #[test]
    fn tenths_print_short() {
        assert_eq!(super::tenths(125), "12.5");
        assert_eq!(super::tenths(120), "12");
        assert_eq!(super::tenths(-5), "-.5");
        let square = vec![vec![vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.25), (0.0, 0.0)]]];
        let mut d = String::new();
        super::path_data(&square, &Identity, super::Region::Main, (10.0, 10.0), 0.1, &mut d);
        assert_eq!(d, "M0 0l1 0 0 1.3-1-1.3z");
        assert_eq!(super::plain("&copy; <a href=\"x\">OpenStreetMap</a> contributors"), "© OpenStreetMap contributors");
    }
}
