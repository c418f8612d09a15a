//! One layer of a map: its rows placed (a region's shape, or a point), coloured by `value`
//! (a scale for numbers, a palette for categories), with tooltips, links and a legend.

use quire_core::inputs::{Input, InputKind, raw};
use quire_core::script::JsVal;
use quire_core::shape::{self, Polygons};
use quire_core::{Cell, ColumnType, Component, Problem, PropValue, Table};

use super::project::{Projection, Region};
use crate::chart::PALETTE;
use crate::ctx::Ctx;
use crate::escape;
use crate::fmt::{self, Format};
use crate::table::scale::{self, Rgb, Scale};
use crate::text::title_case;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Areas,
    Points,
    Bubbles,
}

pub(crate) enum Shape {
    Area(Polygons, Region),
    /// Longitude, latitude, radius in drawing units.
    Point(f64, f64, f64),
}

pub(crate) struct Mark {
    row: usize,
    pub shape: Shape,
    /// `None`: a region on `<USMap>` the data does not name.
    has_row: bool,
}

enum Fill {
    One(String),
    Scale { scale: Scale, lo: f64, hi: f64, colours: Vec<Rgb> },
    Categories(Vec<(String, String)>),
}

/// A field of the `tooltip` prop.
struct TipField {
    column: usize,
    title: String,
    format: Option<Format>,
    link_label: Option<String>,
}

pub(crate) struct Layer<'a> {
    pub query: &'a str,
    pub table: &'a Table,
    pub marks: Vec<Mark>,
    pub ignore_zoom: bool,
    pub z: f64,
    /// `paneType`: layers in one pane are drawn together.
    pub pane: Option<String>,
    pub click_tooltips: bool,
    value: Option<usize>,
    value_fmt: Option<Format>,
    /// The column naming each mark in its tooltip.
    label: Option<usize>,
    size: Option<(usize, Option<Format>)>,
    link: Option<usize>,
    fill: Fill,
    border: Option<String>,
    border_width: f64,
    opacity: f64,
    legend: Option<&'static str>,
    show_tooltip: bool,
    tooltip: Option<Vec<TipField>>,
    /// `filter` (a US map's, with its legend): handles on the scale dim the states outside.
    filter: bool,
    /// With a `name`, the layer is an input: a click picks a row.
    pick: Option<Pick>,
}

/// A named layer: its input, the row picked now (as the state holds it), and how the
/// picked mark is drawn (`selected...`; without a colour, the theme's accent).
struct Pick {
    input: String,
    state: Vec<String>,
    colour: Option<String>,
    border: Option<String>,
    width: f64,
    opacity: f64,
}

impl<'a> Layer<'a> {
    pub fn of(ctx: &mut Ctx<'a>, c: &Component) -> Option<Layer<'a>> {
        let kind = match c.name.as_str() {
            "AreaMap" | "Areas" | "USMap" => Kind::Areas,
            "PointMap" | "Points" => Kind::Points,
            _ => Kind::Bubbles,
        };
        let us = c.name == "USMap";
        let (query, table) = ctx.data(c)?;
        let before = ctx.problems.len();
        let value = ctx.column_prop(c, query, table, "value");
        let value_fmt = ctx.format_prop(c, if us { "fmt" } else { "valueFmt" });
        let link = ctx.column_prop(c, query, table, "link");
        let mut marks = Vec::new();
        let label;
        let mut size = None;
        match kind {
            Kind::Areas => {
                let (source, area_prop, id) = if us {
                    let id = if c.flag("abbreviations") == Some(true) { "abbreviation" } else { "name" };
                    (shape::US_STATES.to_string(), "state", id.to_string())
                } else {
                    (c.text("geoJsonUrl").unwrap_or_default(), "areaCol", c.text("geoId").unwrap_or_default())
                };
                let area = ctx.column_prop(c, query, table, area_prop)?;
                label = Some(area);
                let Some(shapes) = ctx.results().get(&shape::key(&source)) else {
                    ctx.report(
                        Problem::new(format!("no shapes were read from `{source}`"), c.span_of("geoJsonUrl"))
                            .help("name a GeoJSON file in the project: geoJsonUrl=/geo/regions.geojson"),
                    );
                    return None;
                };
                let Some(id_col) = shapes.column_index(&id) else {
                    let props: Vec<&str> =
                        shapes.columns.iter().map(|c| c.name.as_str()).filter(|n| *n != shape::SHAPE_COLUMN).collect();
                    ctx.report(
                        Problem::new(format!("the shapes in `{source}` have no property `{id}`"), c.span_of("geoId"))
                            .help(format!("their properties: {}", props.join(", "))),
                    );
                    return None;
                };
                let shape_col = shapes.column_index(shape::SHAPE_COLUMN)?;
                let abbreviations = shapes.column_index("abbreviation");
                // Each row's region, matched by text (`90001` and "90001" alike).
                let mut by_id: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
                for (i, row) in table.rows.iter().enumerate() {
                    by_id.entry(key_text(&row[area], table.columns[area].ty, us)).or_insert(i);
                }
                for srow in &shapes.rows {
                    let Cell::Text(outline) = &srow[shape_col] else { continue };
                    let id = key_text(&srow[id_col], shapes.columns[id_col].ty, us);
                    let region = match (us, abbreviations.map(|a| &srow[a])) {
                        (true, Some(Cell::Text(a))) => Region::of_state(a),
                        _ => Region::Main,
                    };
                    let row = by_id.get(&id).copied();
                    // Evidence draws only the regions its data names; a US map shows every state.
                    if row.is_none() && !us {
                        continue;
                    }
                    marks.push(Mark {
                        row: row.unwrap_or(0),
                        shape: Shape::Area(across_antimeridian(shape::decode(outline)), region),
                        has_row: row.is_some(),
                    });
                }
            }
            Kind::Points | Kind::Bubbles => {
                let lat = ctx.column_prop(c, query, table, "lat");
                let long = ctx.column_prop(c, query, table, "long");
                label = ctx.column_prop(c, query, table, "pointName");
                let size_col = if kind == Kind::Bubbles { ctx.column_prop(c, query, table, "size") } else { None };
                if kind == Kind::Bubbles {
                    size = size_col.map(|s| (s, ctx.format_prop(c, "sizeFmt")));
                }
                let (lat, long) = (lat?, long?);
                // A point's radius; a bubble's `size` is a column.
                let point_size = if kind == Kind::Points { positive(ctx, c, "size", 5.0) } else { 0.0 };
                let max_size = if kind == Kind::Bubbles { positive(ctx, c, "maxSize", 20.0) } else { 0.0 };
                let biggest = size_col
                    .map(|s| table.rows.iter().filter_map(|r| r[s].as_f64()).fold(0.0_f64, |m, v| m.max(v.abs())))
                    .unwrap_or(0.0);
                for (i, row) in table.rows.iter().enumerate() {
                    let (Some(la), Some(lo)) = (row[lat].as_f64(), row[long].as_f64()) else { continue };
                    if la.abs() > 90.0 || lo.abs() > 180.0 {
                        continue;
                    }
                    let r = match size_col {
                        // Area in proportion to the value, as Evidence sizes bubbles.
                        Some(s) => match row[s].as_f64() {
                            Some(v) if biggest > 0.0 => (v.abs() / biggest).sqrt() * max_size,
                            _ => 0.0,
                        },
                        None => point_size,
                    };
                    marks.push(Mark { row: i, shape: Shape::Point(lo, la, r), has_row: true });
                }
            }
        }
        let fill = fill(ctx, c, table, value);
        // Without `borderColor`, the page's background (white, or dark in a dark theme).
        let border = ctx.colour_prop(c, "borderColor");
        let border_width = non_negative(ctx, c, "borderWidth", if kind == Kind::Areas { 0.75 } else { 1.0 });
        let opacity = ctx.number_prop(
            c,
            "opacity",
            0.8,
            |o| (0.0..=1.0).contains(&o),
            "`opacity` must be a number from 0 to 1".into(),
            "opacity=0.6".into(),
        );
        let legend_on = c.flag("legend").unwrap_or(!us);
        let legend = match c.text("legendPosition").as_deref() {
            None | Some("bottomLeft") => "bottom-left",
            Some("topLeft") => "top-left",
            Some("bottomRight") => "bottom-right",
            Some("topRight") => "top-right",
            Some(other) => {
                ctx.report(
                    Problem::new(format!("`{other}` is not a legend position"), c.span_of("legendPosition"))
                        .help("use bottomLeft, topLeft, bottomRight or topRight"),
                );
                "bottom-left"
            }
        };
        let legend = (legend_on && value.is_some() && !matches!(fill, Fill::One(_))).then_some(if us {
            "bottom-right"
        } else {
            legend
        });
        let click_tooltips = match c.text("tooltipType").as_deref() {
            None | Some("hover") => false,
            Some("click") => true,
            Some(other) => {
                ctx.report(
                    Problem::new(format!("`{other}` is not a tooltip type"), c.span_of("tooltipType"))
                        .help("use hover or click"),
                );
                false
            }
        };
        let tooltip = tooltip_fields(ctx, c, query, table);
        let filter = c.flag("filter") == Some(true) && legend.is_some() && matches!(fill, Fill::Scale { .. });
        let pick = match InputKind::of_component(c) {
            Some(InputKind::Map) => {
                let input = Input { name: c.text("name").unwrap_or_default(), kind: InputKind::Map, component: c };
                let state = ctx.input_value(&input);
                let opacity = ctx.number_prop(
                    c,
                    "selectedOpacity",
                    1.0,
                    |o| (0.0..=1.0).contains(&o),
                    "`selectedOpacity` must be a number from 0 to 1".into(),
                    "selectedOpacity=0.8".into(),
                );
                Some(Pick {
                    input: input.name,
                    state,
                    colour: ctx.colour_prop(c, "selectedColor"),
                    border: ctx.colour_prop(c, "selectedBorderColor"),
                    width: non_negative(ctx, c, "selectedBorderWidth", if kind == Kind::Areas { 1.0 } else { 0.75 }),
                    opacity,
                })
            }
            _ => None,
        };
        let ignore_zoom = c.flag("ignoreZoom") == Some(true);
        let z = c.number("z").unwrap_or(0.0);
        if ctx.problems.len() > before {
            return None;
        }
        Some(Layer {
            query,
            table,
            marks,
            ignore_zoom,
            z,
            pane: c.text("paneType"),
            click_tooltips,
            value,
            value_fmt,
            label,
            size,
            link,
            fill,
            border,
            border_width,
            opacity,
            legend,
            show_tooltip: c.flag("showTooltip") != Some(false),
            tooltip,
            filter,
            pick,
        })
    }

    fn colour_of(&self, row: usize) -> Option<String> {
        match &self.fill {
            Fill::One(c) => Some(c.clone()),
            Fill::Scale { scale, .. } => {
                self.value.and_then(|v| self.table.rows[row][v].as_f64()).map(|x| scale.at(x).hex())
            }
            Fill::Categories(cats) => {
                let v = self.value.map(|v| text_at(self.table, row, v))?;
                cats.iter().find(|(name, _)| *name == v).map(|(_, c)| c.clone())
            }
        }
    }

    /// The `data-*` attributes the page's script shows a tooltip from.
    fn tip(&self, row: usize) -> String {
        if !self.show_tooltip {
            return String::new();
        }
        let t = self.table;
        let shown = |col: usize, f: Option<&Format>| {
            let f = f.cloned().or_else(|| fmt::for_column(t, col));
            fmt::format_cell(&t.rows[row][col], t.columns[col].ty, f.as_ref())
        };
        let mut rows: Vec<serde_json::Value> = Vec::new();
        let head = match &self.tooltip {
            Some(fields) => {
                for f in fields {
                    let value = shown(f.column, f.format.as_ref());
                    match &f.link_label {
                        Some(label) => {
                            let Some(href) = escape::href(&text_at(t, row, f.column)) else { continue };
                            rows.push(serde_json::json!([f.title, label, href]));
                        }
                        None => rows.push(serde_json::json!([f.title, value])),
                    }
                }
                String::new()
            }
            None => {
                if let Some(v) = self.value {
                    rows.push(serde_json::json!([title_case(&t.columns[v].name), shown(v, self.value_fmt.as_ref())]));
                }
                if let Some((s, f)) = &self.size {
                    rows.push(serde_json::json!([title_case(&t.columns[*s].name), shown(*s, f.as_ref())]));
                }
                // A name as written (a zip code is not a quantity: `90001`, not `90,001`).
                self.label.map(|l| text_at(t, row, l)).unwrap_or_default()
            }
        };
        format!(
            " data-x=\"{}\" data-rows=\"{}\"",
            escape::attr(&head),
            escape::attr(&serde_json::Value::from(rows).to_string())
        )
    }

    /// The layer's marks, drawn into a `view` (width, height) of the drawing.
    pub fn draw(&self, p: &dyn Projection, view: (f64, f64), out: &mut String) {
        let opacity = fmt_num(self.opacity);
        let width = fmt_num(self.border_width);
        let border = match &self.border {
            Some(b) => format!(" stroke=\"{}\"", escape::attr(b)),
            None => " class=\"q-map-edge\"".to_string(),
        };
        for m in &self.marks {
            let colour = if m.has_row { self.colour_of(m.row) } else { None };
            // A named layer's marks are buttons that pick their row; the picked one is drawn
            // in the `selected...` looks (the theme's accent unless a colour is given).
            let (pick, picked) = match (&self.pick, m.has_row) {
                (Some(p), true) => {
                    let tokens = quire_core::inputs::map_row(self.table, &self.table.rows[m.row]);
                    let picked = tokens == p.state;
                    let attrs = format!(
                        " role=\"button\" tabindex=\"0\" data-pick-input=\"{}\" data-pick=\"{}\" aria-pressed=\"{picked}\"",
                        escape::attr(&p.input),
                        escape::attr(&serde_json::Value::from(tokens).to_string())
                    );
                    (attrs, picked.then_some(p))
                }
                _ => (String::new(), None),
            };
            let fill = match (&colour, picked) {
                (Some(c), Some(p)) => {
                    let mut classes = Vec::new();
                    let fill = match &p.colour {
                        Some(s) => escape::attr(s),
                        None => {
                            classes.push("q-map-picked");
                            escape::attr(c)
                        }
                    };
                    let stroke = match &p.border {
                        Some(b) => format!(" stroke=\"{}\"", escape::attr(b)),
                        None => {
                            classes.push("q-map-picked-edge");
                            String::new()
                        }
                    };
                    let class =
                        if classes.is_empty() { String::new() } else { format!(" class=\"{}\"", classes.join(" ")) };
                    format!(" fill=\"{fill}\" fill-opacity=\"{}\"{stroke}{class}", fmt_num(p.opacity))
                }
                _ => match &colour {
                    Some(c) => format!(" fill=\"{}\" fill-opacity=\"{opacity}\"{border}", escape::attr(c)),
                    // A region the data does not name: the page's quiet grey, its edge as the others'.
                    None => match &self.border {
                        Some(b) => format!(" class=\"q-map-empty\" stroke=\"{}\"", escape::attr(b)),
                        None => " class=\"q-map-empty q-map-edge\"".to_string(),
                    },
                },
            };
            let width = picked.map_or_else(|| width.clone(), |p| fmt_num(p.width));
            let value =
                self.value.and_then(|v| self.table.rows[m.row][v].as_f64()).filter(|_| self.filter && m.has_row);
            let filter = value.map(|v| crate::chart::filter_value(true, v)).unwrap_or_default();
            let tip = if m.has_row { format!("{}{pick}{filter}", self.tip(m.row)) } else { String::new() };
            let element = match &m.shape {
                Shape::Area(polygons, region) => {
                    let mut d = String::new();
                    // Half a unit between points: finer than a screen shows.
                    super::path_data(polygons, p, *region, view, 0.5, &mut d);
                    if d.is_empty() {
                        continue;
                    }
                    format!("<path d=\"{d}\"{fill} stroke-width=\"{width}\" stroke-linejoin=\"round\"{tip}/>")
                }
                Shape::Point(lon, lat, r) => {
                    if *r <= 0.0 {
                        continue;
                    }
                    let (x, y) = p.point(*lon, *lat, Region::Main);
                    // Outside the view (`ignoreZoom`, a starting view): not drawn.
                    if x + r < 0.0 || y + r < 0.0 || x - r > view.0 || y - r > view.1 {
                        continue;
                    }
                    let q = |v: f64| super::tenths((v * 10.0).round() as i64);
                    format!(
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{fill} stroke-width=\"{width}\"{tip}/>",
                        q(x),
                        q(y),
                        q(*r)
                    )
                }
            };
            let href = self.link.filter(|_| m.has_row).and_then(|l| escape::href(&text_at(self.table, m.row, l)));
            match href {
                Some(h) => {
                    out.push_str(&format!("<a href=\"{}\" class=\"q-map-link\">{element}</a>\n", escape::attr(&h)))
                }
                None => {
                    out.push_str(&element);
                    out.push('\n');
                }
            }
        }
    }

    /// The legend, over the map's corner: swatches for categories, a ramp for a scale.
    pub fn legend_html(&self) -> String {
        let Some(position) = self.legend else { return String::new() };
        let Some(v) = self.value else { return String::new() };
        let name = escape::text(&title_case(&self.table.columns[v].name));
        let mut out =
            format!("<div class=\"q-map-legend q-map-{position}\"><span class=\"q-map-legend-title\">{name}</span>");
        match &self.fill {
            Fill::Categories(cats) => {
                for (label, colour) in cats {
                    out.push_str(&format!(
                        "<span class=\"q-legend-item\"><span class=\"q-swatch\" style=\"background:{}\"></span>{}</span>",
                        escape::attr(colour),
                        escape::text(label)
                    ));
                }
            }
            Fill::Scale { lo, hi, colours, .. } => {
                let f = self.value_fmt.clone().or_else(|| fmt::for_column(self.table, v));
                let show = |x: f64| match &f {
                    Some(f) => fmt::format_number(x, f),
                    None => fmt::auto_number(x),
                };
                let stops: Vec<String> = colours.iter().map(|c| c.hex()).collect();
                out.push_str(&format!(
                    "<span class=\"q-map-ramp\"><span class=\"q-map-gradient\" style=\"background:linear-gradient(90deg,{})\">{}</span><span class=\"q-map-ends\"><span>{}</span><span>{}</span></span></span>",
                    stops.join(","),
                    if self.filter { crate::chart::range_filter(*lo, *hi) } else { String::new() },
                    escape::text(&show(*lo)),
                    escape::text(&show(*hi))
                ));
            }
            Fill::One(_) => return String::new(),
        }
        out.push_str("</div>");
        out
    }
}

/// A region with parts on both sides of the 180th meridian (Alaska's Aleutians, Fiji) kept
/// whole: its eastern parts moved a turn west, so the map fits it as one place.
fn across_antimeridian(mut polygons: Polygons) -> Polygons {
    let lons = || polygons.iter().flatten().flatten().map(|p| p.0);
    let (west, east) = (lons().fold(f64::INFINITY, f64::min), lons().fold(f64::NEG_INFINITY, f64::max));
    if west < -150.0 && east > 150.0 {
        for p in polygons.iter_mut() {
            if p.iter().flatten().all(|pt| pt.0 > 0.0) {
                p.iter_mut().flatten().for_each(|pt| pt.0 -= 360.0);
            }
        }
    }
    polygons
}

/// How `value` colours the marks: one colour (`color`, or no `value`), a scale over numbers
/// (`colorPalette`, `min`, `max`; `<USMap>`'s `colorScale`), or a colour per category.
fn fill(ctx: &mut Ctx<'_>, c: &Component, table: &Table, value: Option<usize>) -> Fill {
    if c.prop("color").is_some() {
        return Fill::One(ctx.colour_prop(c, "color").unwrap_or_else(|| PALETTE[0].to_string()));
    }
    let Some(v) = value else { return Fill::One(PALETTE[0].to_string()) };
    let numeric = table.columns[v].ty.is_numeric();
    let categorical = match c.text("legendType").as_deref() {
        None => !numeric,
        Some("categorical") => true,
        Some("scalar") if numeric => false,
        Some("scalar") => {
            ctx.report(
                Problem::new(
                    format!("a scalar legend needs numbers; `{}` is not numeric", table.columns[v].name),
                    c.span_of("legendType"),
                )
                .help("use legendType=categorical, or a numeric value column"),
            );
            true
        }
        Some(other) => {
            ctx.report(
                Problem::new(format!("`{other}` is not a legend type"), c.span_of("legendType"))
                    .help("use categorical or scalar"),
            );
            !numeric
        }
    };
    let palette = colour_list(ctx, c, "colorPalette");
    if categorical {
        let palette: Vec<String> = palette.unwrap_or_else(|| PALETTE.iter().map(|s| s.to_string()).collect());
        let mut cats: Vec<(String, String)> = Vec::new();
        for row in &table.rows {
            let name = raw(&row[v], table.columns[v].ty);
            if !row[v].is_null() && !cats.iter().any(|(n, _)| *n == name) && cats.len() < 1000 {
                let colour = palette[cats.len() % palette.len()].clone();
                cats.push((name, colour));
            }
        }
        return Fill::Categories(cats);
    }
    let colours = match palette {
        Some(list) => scale::colours(&list),
        None => scale::colours(&[c.text("colorScale").unwrap_or_else(|| "default".into())])
            .or_else(|_| scale::colours(&c.list("colorScale").unwrap_or_default())),
    };
    let colours = match colours {
        Ok(cs) if cs.len() >= 2 => cs,
        Ok(cs) => cs.into_iter().chain([Rgb(0.0, 0.0, 139.0)]).collect(),
        Err(e) => {
            let prop = if c.prop("colorPalette").is_some() { "colorPalette" } else { "colorScale" };
            ctx.report(
                Problem::new(e, c.span_of(prop))
                    .help("write colours as #236aa4, rgb(35,106,164) or a CSS name such as teal"),
            );
            return Fill::One(PALETTE[0].to_string());
        }
    };
    let values: Vec<f64> = table.rows.iter().filter_map(|r| r[v].as_f64()).collect();
    let lo = c.number("min").unwrap_or_else(|| values.iter().copied().fold(f64::INFINITY, f64::min));
    let hi = c.number("max").unwrap_or_else(|| values.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let (lo, hi) = if lo.is_finite() && hi.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    // One value (or `min` = `max`): the scale's middle, as chroma shows a domain of one.
    let (dlo, dhi) = if hi > lo { (lo, hi) } else { (lo - 1.0, lo + 1.0) };
    match Scale::new(colours.clone(), &[dlo, dhi]) {
        Some(scale) => Fill::Scale { scale, lo, hi, colours },
        None => Fill::One(PALETTE[0].to_string()),
    }
}

/// A list of colours: `colorPalette={['#cc0000', 'teal']}`, or Evidence's light and dark pairs
/// (`{[['yellow', 'gold'], ...]}`, the light one used).
fn colour_list(ctx: &mut Ctx<'_>, c: &Component, prop: &str) -> Option<Vec<String>> {
    let p = c.prop(prop)?;
    let items: Option<Vec<String>> = match &p.value {
        PropValue::List(l) => Some(l.clone()),
        PropValue::Expr(t) | PropValue::Str(t) => match JsVal::parse_literal(t) {
            Some(JsVal::Array(items)) => items
                .iter()
                .map(|i| match i {
                    JsVal::Text(s) => Some(s.clone()),
                    JsVal::Array(pair) => match pair.first() {
                        Some(JsVal::Text(s)) => Some(s.clone()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            _ => c.list(prop),
        },
        _ => None,
    };
    let mut out = Vec::new();
    for item in items.unwrap_or_default() {
        out.push(ctx.colour(c, prop, &item)?);
    }
    if out.is_empty() {
        ctx.report(
            Problem::new(format!("`{prop}` must be a list of colours"), c.span_of(prop))
                .help(format!("{prop}={{['#236aa4', 'teal']}}")),
        );
        return None;
    }
    Some(out)
}

/// `tooltip={[{id: 'zip_code', fmt: 'id', showColumnName: false}, ...]}`: the fields shown.
fn tooltip_fields(ctx: &mut Ctx<'_>, c: &Component, query: &str, table: &Table) -> Option<Vec<TipField>> {
    let p = c.prop("tooltip")?;
    let text = match &p.value {
        PropValue::Expr(t) | PropValue::Str(t) => t.as_str(),
        _ => "",
    };
    let help = "write tooltip={[{id: 'sales', fmt: 'usd'}, {id: 'link', contentType: 'link', linkLabel: 'Open'}]}";
    let Some(JsVal::Array(items)) = JsVal::parse_literal(text) else {
        ctx.report(Problem::new("`tooltip` must be a list of fields", p.value_span).help(help));
        return None;
    };
    let mut out = Vec::new();
    for item in &items {
        let text = |k: &str| match item.field(k) {
            Some(JsVal::Text(s)) => Some(s.clone()),
            _ => None,
        };
        let flag = |k: &str| match item.field(k) {
            Some(JsVal::Bool(b)) => Some(*b),
            _ => None,
        };
        let Some(id) = text("id") else {
            ctx.report(Problem::new("each `tooltip` field needs an `id`: a column", p.value_span).help(help));
            return None;
        };
        let column = ctx.column(query, table, &id, p.value_span)?;
        let format = match text("fmt") {
            Some(code) => Some(ctx.format(&code, p.value_span)?),
            None => None,
        };
        let title = if flag("showColumnName") == Some(false) {
            String::new()
        } else {
            text("title")
                .unwrap_or_else(|| if flag("formatColumnTitle") == Some(false) { id.clone() } else { title_case(&id) })
        };
        let link_label = match text("contentType").as_deref() {
            None => None,
            Some("link") => Some(text("linkLabel").unwrap_or_else(|| id.clone())),
            Some(other) => {
                ctx.report(
                    Problem::new(format!("`{other}` is not a tooltip content type"), p.value_span)
                        .help("quire's map tooltips show values, or links with contentType: 'link'"),
                );
                return None;
            }
        };
        out.push(TipField { column, title, format, link_label });
    }
    Some(out)
}

fn positive(ctx: &mut Ctx<'_>, c: &Component, prop: &str, default: f64) -> f64 {
    let (message, help) = (format!("`{prop}` must be a number of pixels above 0"), format!("{prop}=10"));
    ctx.number_prop(c, prop, default, |v| v > 0.0 && v <= 500.0, message, help)
}

fn non_negative(ctx: &mut Ctx<'_>, c: &Component, prop: &str, default: f64) -> f64 {
    let (message, help) = (format!("`{prop}` must be a number of pixels from 0"), format!("{prop}=1"));
    ctx.number_prop(c, prop, default, |v| (0.0..=50.0).contains(&v), message, help)
}

/// A cell as the text regions are matched by (an input's text: `90001`, dates as
/// `YYYY-MM-DD`); US state names without regard to case.
fn key_text(cell: &Cell, ty: ColumnType, fold: bool) -> String {
    let t = raw(cell, ty);
    if fold { t.trim().to_ascii_lowercase() } else { t }
}

/// Row `row`'s cell in column `col`, as plain text.
fn text_at(table: &Table, row: usize, col: usize) -> String {
    raw(&table.rows[row][col], table.columns[col].ty)
}

fn fmt_num(v: f64) -> String {
    quire_core::script::js_number((v * 1000.0).round() / 1000.0)
}
