//! Shapes for maps: a GeoJSON FeatureCollection read as a table of its features (a column
//! per property, and the outline in a `@shape` column), so a map's regions travel with the
//! page's other results: the build reads the file once, the renderer draws from the table
//! natively and in the browser alike.
//!
//! An outline is written as text: points `lon,lat` separated by spaces, rings by `;`,
//! polygons by `|`. Numbers print the shortest way that reads back the same, so both
//! targets draw from the same values.

use crate::data::{Cell, Column, ColumnType, Table};

/// The column holding each feature's outline.
pub const SHAPE_COLUMN: &str = "@shape";

/// Most points a shape file may hold (the world at 1:10m has about 550k): a file beyond
/// it would make pages nobody can open.
pub const MAX_POINTS: usize = 2_000_000;

/// The shapes quire ships: US states and world countries.
pub const US_STATES: &str = "us-states";
pub const WORLD_COUNTRIES: &str = "world-countries";

/// The name a shape table is found under among a page's results: never a query's name
/// (those are identifiers).
pub fn key(source: &str) -> String {
    format!("{KEY_PREFIX}{}", source.trim())
}

pub const KEY_PREFIX: &str = "shapes:";

/// Polygons, each an outer ring and its holes, each ring `(lon, lat)` points.
pub type Polygons = Vec<Vec<Vec<(f64, f64)>>>;

/// A FeatureCollection as a table: one row per feature with a polygon or multipolygon
/// (points and lines are skipped), a text column per property (numbers as written,
/// nested values as JSON), and [`SHAPE_COLUMN`] last.
pub fn read_geojson(text: &str) -> Result<Table, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if doc.get("type").and_then(|t| t.as_str()) != Some("FeatureCollection") {
        return Err("not a GeoJSON FeatureCollection (its `type` must be \"FeatureCollection\")".into());
    }
    let features = doc.get("features").and_then(|f| f.as_array()).ok_or("a FeatureCollection needs `features`")?;
    let mut names: Vec<String> = Vec::new();
    let mut rows: Vec<(Vec<(usize, String)>, String)> = Vec::new();
    let mut points = 0usize;
    for f in features {
        let Some(polygons) = f.get("geometry").and_then(|g| polygons(g, &mut points)) else {
            continue;
        };
        let polygons = polygons?;
        if points > MAX_POINTS {
            return Err(format!("more than {MAX_POINTS} points; simplify the shapes (mapshaper, QGIS) first"));
        }
        let mut props = Vec::new();
        if let Some(map) = f.get("properties").and_then(|p| p.as_object()) {
            for (k, v) in map {
                let text = match v {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let i = match names.iter().position(|n| n == k) {
                    Some(i) => i,
                    None => {
                        names.push(k.clone());
                        names.len() - 1
                    }
                };
                props.push((i, text));
            }
        }
        rows.push((props, encode(&polygons)));
    }
    let mut columns: Vec<Column> = names.iter().map(|n| Column { name: n.clone(), ty: ColumnType::Text }).collect();
    columns.push(Column { name: SHAPE_COLUMN.into(), ty: ColumnType::Text });
    let width = columns.len();
    let rows = rows
        .into_iter()
        .map(|(props, shape)| {
            let mut row = vec![Cell::Null; width];
            for (i, v) in props {
                row[i] = Cell::Text(v);
            }
            row[width - 1] = Cell::Text(shape);
            row
        })
        .collect();
    Ok(Table { columns, rows })
}

/// A geometry's polygons; `None` for points and lines.
fn polygons(g: &serde_json::Value, points: &mut usize) -> Option<Result<Polygons, String>> {
    let coords = g.get("coordinates")?;
    let ring = |r: &serde_json::Value, points: &mut usize| -> Result<Vec<(f64, f64)>, String> {
        let r = r.as_array().ok_or("a ring must be a list of points")?;
        *points += r.len();
        r.iter()
            .map(|p| match p.as_array().map(|p| p.as_slice()) {
                Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
                    (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok((x, y)),
                    _ => Err("a point's coordinates must be numbers".to_string()),
                },
                _ => Err("a point must be [longitude, latitude]".to_string()),
            })
            .collect()
    };
    let polygon = |p: &serde_json::Value, points: &mut usize| -> Result<Vec<Vec<(f64, f64)>>, String> {
        p.as_array().ok_or("a polygon must be a list of rings")?.iter().map(|r| ring(r, points)).collect()
    };
    Some(match g.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => polygon(coords, points).map(|p| vec![p]),
        Some("MultiPolygon") => match coords.as_array() {
            Some(list) => list.iter().map(|p| polygon(p, points)).collect(),
            None => Err("a MultiPolygon's coordinates must be a list of polygons".into()),
        },
        _ => return None,
    })
}

pub fn encode(polygons: &Polygons) -> String {
    let mut out = String::new();
    for (i, poly) in polygons.iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        for (j, ring) in poly.iter().enumerate() {
            if j > 0 {
                out.push(';');
            }
            for (k, (x, y)) in ring.iter().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                out.push_str(&format!("{x},{y}"));
            }
        }
    }
    out
}

/// The polygons of an outline [`encode`] wrote; points that do not read are skipped.
pub fn decode(text: &str) -> Polygons {
    text.split('|')
        .map(|poly| {
            poly.split(';')
                .map(|ring| {
                    ring.split(' ')
                        .filter_map(|p| {
                            let (x, y) = p.split_once(',')?;
                            Some((x.parse().ok()?, y.parse().ok()?))
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_become_rows() {
        let t = read_geojson(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"zip":"90001","pop":12},"geometry":{"type":"Polygon","coordinates":[[[-118.25,33.97],[-118.23,33.97],[-118.23,33.99],[-118.25,33.97]]]}},
            {"type":"Feature","properties":{"zip":"90002"},"geometry":{"type":"Point","coordinates":[1,2]}},
            {"type":"Feature","properties":{"zip":"90003","name":"x"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]],[[2.1,2.1],[2.2,2.1],[2.2,2.2],[2.1,2.1]]]]}}]}"#,
        )
        .expect("valid in this test");
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["pop", "zip", "name", "@shape"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0][0], Cell::Text("12".into()));
        let Cell::Text(shape) = &t.rows[1][3] else { panic!("a shape") };
        assert_eq!(shape, "0,0 1,0 1,1 0,0|2,2 3,2 3,3 2,2;2.1,2.1 2.2,2.1 2.2,2.2 2.1,2.1");
        assert_eq!(decode(shape).len(), 2);
        assert_eq!(decode(shape)[1][1][1], (2.2, 2.1));
        assert!(read_geojson("[1]").is_err());
        assert!(
            read_geojson(
                r#"{"type":"FeatureCollection","features":[{"geometry":{"type":"Polygon","coordinates":[[["a",1]]]}}]}"#
            )
            .is_err()
        );
    }
}
