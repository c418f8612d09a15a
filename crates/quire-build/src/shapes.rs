//! The shapes a page's maps draw, read into its results (see [`quire_core::shape`]): the
//! GeoJSON files a project names with `geoJsonUrl`, the US states `<USMap>` draws, and the
//! world's countries under every other map. The last two ship inside quire
//! (`shapes/`, made by `scripts/geo.py`): nothing is fetched, at build or by readers.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component as PathPart, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use quire_core::shape;
use quire_core::{Component, Page, Problem, PropValue, Table};

const US_STATES: &str = include_str!("../shapes/us-states.geojson");
const WORLD_COUNTRIES: &str = include_str!("../shapes/world-countries.geojson");

/// Largest GeoJSON file a map may name.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// Natural Earth files Evidence's documentation names by URL (at geojson.xyz), and the
/// shapes of quire's that hold the same regions under the same `name`s.
const KNOWN_URLS: &[(&str, &str)] = &[
    ("ne_110m_admin_1_states_provinces", shape::US_STATES),
    ("ne_50m_admin_1_states_provinces", shape::US_STATES),
    ("ne_110m_admin_0_countries", shape::WORLD_COUNTRIES),
    ("ne_50m_admin_0_countries", shape::WORLD_COUNTRIES),
];

/// Add the shapes `page`'s maps draw to `results`, each under [`shape::key`] of the
/// `geoJsonUrl` as written.
pub(crate) fn add(root: &Path, page: &Page, results: &mut BTreeMap<String, Table>) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    for c in page.components() {
        let mercator = matches!(c.name.as_str(), "AreaMap" | "PointMap" | "BubbleMap" | "BaseMap");
        if mercator {
            insert(results, shape::WORLD_COUNTRIES, builtin(shape::WORLD_COUNTRIES));
        }
        match c.name.as_str() {
            "USMap" => insert(results, shape::US_STATES, builtin(shape::US_STATES)),
            "AreaMap" | "Areas" => match read(root, c) {
                Ok(Some((written, table))) => insert(results, &written, table),
                Ok(None) => {}
                Err(p) => problems.push(p),
            },
            _ => {}
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn insert(results: &mut BTreeMap<String, Table>, written: &str, table: Arc<Table>) {
    results.entry(shape::key(written)).or_insert_with(|| (*table).clone());
}

fn builtin(name: &str) -> Arc<Table> {
    static US: OnceLock<Arc<Table>> = OnceLock::new();
    static WORLD: OnceLock<Arc<Table>> = OnceLock::new();
    let (cell, text) = if name == shape::US_STATES { (&US, US_STATES) } else { (&WORLD, WORLD_COUNTRIES) };
    cell.get_or_init(|| Arc::new(shape::read_geojson(text).expect("quire's own shapes are valid GeoJSON"))).clone()
}

/// The shapes `geoJsonUrl` names: a file in the project's `static/` (`/geo/x.geojson`, as
/// Evidence serves it; `quire dev` redraws the maps when it changes), one of quire's own by name
/// (`us-states`, `world-countries`) or by the Natural Earth URL Evidence's docs use.
fn read(root: &Path, c: &Component) -> Result<Option<(String, Arc<Table>)>, Problem> {
    let Some(p) = c.prop("geoJsonUrl") else { return Ok(None) };
    let written = match &p.value {
        PropValue::Str(s) | PropValue::Query(s) => s.trim().to_string(),
        // Worked out by the page's JavaScript: read when the build renders the map.
        _ => return Ok(None),
    };
    let at = |message: String, help: &str| Problem::new(message, p.value_span).help(help.to_string());
    if written.starts_with("http://") || written.starts_with("https://") || written.starts_with("//") {
        let file = written.rsplit('/').next().unwrap_or("");
        if let Some((_, name)) = KNOWN_URLS.iter().find(|(stem, _)| file.starts_with(stem)) {
            return Ok(Some((written.clone(), builtin(name))));
        }
        return Err(at(
            format!("quire does not fetch `{written}`"),
            "a quire site loads nothing from other sites, at build or in the reader's browser: save the file in the project's `static/` folder and write geoJsonUrl=/its-name.geojson (or use quire's own `us-states` or `world-countries`)",
        ));
    }
    let relative = written.trim_start_matches('/');
    let path = Path::new(relative);
    if relative.is_empty() || path.components().any(|part| !matches!(part, PathPart::Normal(_))) {
        return Err(at(
            format!("`{written}` is not a path inside the project"),
            "write a path from the project's `static/` folder: geoJsonUrl=/geo/regions.geojson",
        ));
    }
    let file = root.join("static").join(path);
    if !file.is_file() {
        if relative == shape::US_STATES || relative == shape::WORLD_COUNTRIES {
            return Ok(Some((written.clone(), builtin(relative))));
        }
        return Err(at(
            format!("no GeoJSON file `{written}`"),
            &format!(
                "looked for {}; put the file in the project's `static/` folder, or use quire's own `us-states` or `world-countries`",
                file.display()
            ),
        ));
    }
    let file = &file;
    let table = cached(file).map_err(|e| {
        at(format!("`{}` cannot be drawn: {e}", file.display()), "give a GeoJSON FeatureCollection of polygons")
    })?;
    Ok(Some((written, table)))
}

/// A file's table, read again only when the file changed (the dev server rebuilds often).
fn cached(file: &Path) -> Result<Arc<Table>, String> {
    type Cache = Mutex<HashMap<PathBuf, (Option<SystemTime>, u64, Arc<Table>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let meta = std::fs::metadata(file).map_err(|e| e.to_string())?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} bytes, more than the {} MiB quire reads; simplify it first",
            meta.len(),
            MAX_FILE_BYTES >> 20
        ));
    }
    let stamp = (meta.modified().ok(), meta.len());
    let cache = CACHE.get_or_init(Default::default);
    if let Some((m, l, t)) = cache.lock().map_err(|_| "a build thread failed")?.get(file)
        && (*m, *l) == stamp
    {
        return Ok(t.clone());
    }
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let table = Arc::new(shape::read_geojson(&text)?);
    cache.lock().map_err(|_| "a build thread failed")?.insert(file.to_path_buf(), (stamp.0, stamp.1, table.clone()));
    Ok(table)
}
