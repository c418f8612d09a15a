//! Maps as an author sees them: the SVG and legend of a region map, points, bubbles and
//! layers (snapshots), and their mistakes at the prop.

use std::collections::BTreeMap;

use quire_core::{Cell, ColumnType, Page, Table, shape};

mod common;
use common::{col, render_problems};

/// Three zones with sales, places inside them, and the zones' shapes (no country outlines,
/// so the snapshots hold only what the map's own props draw).
fn results() -> BTreeMap<String, Table> {
    let mut r = BTreeMap::new();
    r.insert(
        "zones".to_string(),
        Table {
            columns: vec![
                col("zone", ColumnType::Text),
                col("sales", ColumnType::Float),
                col("kind", ColumnType::Text),
            ],
            rows: [("A", 120.0, "Retail"), ("B", 480.0, "Online"), ("C", 300.0, "Retail")]
                .iter()
                .map(|(z, s, k)| vec![Cell::Text((*z).into()), Cell::Float(*s), Cell::Text((*k).into())])
                .collect(),
        },
    );
    r.insert(
        "places".to_string(),
        Table {
            columns: vec![
                col("name", ColumnType::Text),
                col("lat", ColumnType::Float),
                col("long", ColumnType::Float),
                col("sales", ColumnType::Float),
            ],
            rows: [("North", 10.5, 0.5, 900.0), ("South", 0.5, 1.5, 100.0), ("Far", 45.0, 60.0, 400.0)]
                .iter()
                .map(|(n, la, lo, s)| {
                    vec![Cell::Text((*n).into()), Cell::Float(*la), Cell::Float(*lo), Cell::Float(*s)]
                })
                .collect(),
        },
    );
    let geo = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
      {"type":"Feature","properties":{"id":"B"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]],[[1.4,0.4],[1.6,0.4],[1.6,0.6],[1.4,0.4]]]}},
      {"type":"Feature","properties":{"id":"C"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,1],[2,1],[2,2],[0,1]]],[[[3,3],[4,3],[4,4],[3,3]]]]}},
      {"type":"Feature","properties":{"id":"D"},"geometry":{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,5]]]}}]}"#;
    r.insert(shape::key("/geo/zones.geojson"), shape::read_geojson(geo).expect("valid in this test"));
    r
}

const QUERIES: &str = "```sql zones\nselect 1\n```\n\n```sql places\nselect 1\n```\n\n";

fn html(body: &str) -> String {
    let page = Page::parse(&format!("{QUERIES}{body}\n")).unwrap_or_else(|p| panic!("{p:?}"));
    quire_render::render_body(&page.body, &results(), &Default::default()).unwrap_or_else(|p| panic!("{p:?}")).html
}

#[test]
fn a_region_map_colours_each_region_by_its_value() {
    insta::assert_snapshot!(html(
        "<AreaMap data={zones} geoJsonUrl=/geo/zones.geojson geoId=id areaCol=zone value=sales valueFmt=usd0 title=\"Sales by zone\" link=zone height=200 />"
    ));
}

#[test]
fn categories_get_the_palette_and_a_legend_of_swatches() {
    insta::assert_snapshot!(html(
        "<AreaMap data={zones} geoJsonUrl=/geo/zones.geojson geoId=id areaCol=zone value=kind legendPosition=topRight borderColor=#333 borderWidth=2 opacity=0.5 height=120 />"
    ));
}

#[test]
fn points_and_bubbles_in_layers() {
    insta::assert_snapshot!(html(
        "<BaseMap height=160>\n<Bubbles data={places} lat=lat long=long size=sales maxSize=12 pointName=name z=2 ignoreZoom=true />\n<Areas data={zones} geoJsonUrl=/geo/zones.geojson geoId=id areaCol=zone color=#cccccc tooltip={[{id: 'zone', showColumnName: false}, {id: 'sales', fmt: 'usd0'}]} />\n</BaseMap>"
    ));
}

#[test]
fn map_mistakes_name_the_prop() {
    let r = results();
    let page = |b: &str| format!("{QUERIES}{b}\n");
    insta::assert_snapshot!(
        [
            "<AreaMap data={zones} geoJsonUrl=/geo/zones.geojson geoId=name areaCol=zone />",
            "<AreaMap data={zones} geoJsonUrl=/geo/other.geojson geoId=id areaCol=zone />",
            "<PointMap data={places} lat=lat long=long legendPosition=middle startingLat=91 />",
            "<AreaMap data={zones} geoJsonUrl=/geo/zones.geojson geoId=id areaCol=zone value=kind legendType=scalar />",
            "<AreaMap data={zones} geoJsonUrl=/geo/zones.geojson geoId=id areaCol=zone tooltip={[{fmt: 'usd'}]} />",
            "<BubbleMap data={places} lat=lat long=long size=sales maxSize=-3 opacity=2 tooltipType=always />",
        ]
        .map(|b| render_problems(&page(b), &r).join("\n"))
        .join("\n")
    );
}

/// A prop a map does not take is warned about as drawn as if not set: so it is not drawn.
#[test]
fn props_a_map_does_not_take_change_nothing() {
    let plain = html("<AreaMap data={zones} geoJsonUrl=/geo/zones.geojson geoId=id areaCol=zone value=sales />");
    let with = html(
        "<AreaMap data={zones} geoJsonUrl=/geo/zones.geojson geoId=id areaCol=zone value=sales colorScale=negative fmt=usd />",
    );
    assert_eq!(plain, with);
}
