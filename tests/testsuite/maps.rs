//! Maps (`tests/fixtures/maps`): Evidence's documented map examples build unchanged over a
//! project's GeoJSON, coloured as Evidence colours them (its map code's formula, run with
//! the library it uses, chroma-js, in `expected.mjs`); what quire does not draw is a
//! warning; bad shapes and bad URLs are errors at the prop; hostile shapes stay text.

use std::process::Command;

use crate::util::{Project, article, repo};

/// Each map figure of a page: its component name and its markup.
fn figures(html: &str) -> Vec<(String, String)> {
    let body = article(html);
    let mut out = Vec::new();
    for part in body.split("<figure ").skip(1) {
        let Some(name) = part.split("data-component=\"").nth(1).and_then(|r| r.split('"').next()) else { continue };
        let end = part.find("</figure>").unwrap_or(part.len());
        out.push((name.to_string(), part[..end].to_string()));
    }
    out
}

/// The fills of a map's regions, in drawing order.
fn fills(figure: &str) -> Vec<String> {
    figure
        .split("<path d=")
        .skip(1)
        .filter_map(|p| p.split(" fill=\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_string))
        .collect()
}

#[test]
fn evidences_map_examples_build_with_the_colours_evidence_gives_them() {
    let p = Project::fixture("maps");
    let run = p.build().ok();
    let stderr = run.stderr();
    assert!(stderr.contains("Built 5 pages"), "{stderr}");
    // Tailwind classes in a tooltip's fields are not applied: said, at the prop.
    assert!(stderr.contains("pages/index.md:35:13"), "{stderr}");
    assert!(stderr.contains("tooltip fields' `valueClass` has no effect"), "{stderr}");

    let out = Command::new("node")
        .arg(repo().join("tests/fixtures/maps/expected.mjs"))
        .arg(p.path())
        .arg(repo().join("tests/e2e"))
        .output()
        .expect("node runs the oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let html = p.read("dist/index.html");
    let maps: Vec<(String, String)> = figures(&html).into_iter().filter(|(n, _)| n == "AreaMap").collect();
    let want = expected["index.md"].as_array().expect("a list per map");
    assert_eq!(maps.len(), want.len());
    for (i, ((_, figure), want)) in maps.iter().zip(want).enumerate() {
        let want: Vec<String> =
            want.as_array().expect("fills").iter().map(|v| v.as_str().unwrap_or("").into()).collect();
        let got: Vec<String> = fills(figure).iter().map(|f| f.to_ascii_lowercase()).collect();
        assert_eq!(got, want, "AreaMap {} of index.md", i + 1);
    }
    // The zone no row names is not drawn: five regions of six.
    assert_eq!(fills(&maps[0].1).len(), 5);
    // Tooltips: the name and the formatted value; the configured fields, a link among them,
    // shown on a click.
    assert!(
        maps[0].1.contains("data-x=\"90003\" data-rows=\"[[&quot;Sales&quot;,&quot;$2,410&quot;]]\""),
        "{}",
        maps[0].1
    );
    assert!(maps[1].1.contains("data-tooltip=\"click\""));
    assert!(maps[1].1.contains("[&quot;&quot;,&quot;90001&quot;],[&quot;Sales&quot;,&quot;€1,201&quot;],[&quot;&quot;,&quot;Click here&quot;,&quot;https://www.google.com/search?q=90001&quot;]"), "{}", maps[1].1);
    // A link column makes each region a link; the custom styling's border and width.
    assert_eq!(maps[4].1.matches("<a href=\"https://www.google.com/search?q=").count(), 5);
    assert!(maps[2].1.contains("stroke=\"#737373\" stroke-width=\"0.5\""));
    // Legends: a ramp from the scale's ends, swatches for categories, where asked.
    assert!(maps[0].1.contains("q-map-bottom-left") && maps[0].1.contains("<span>$150</span><span>$2,410</span>"));
    assert!(maps[5].1.contains(">Hotels</span>") && maps[5].1.contains(">Bars</span>"));
    assert!(maps[6].1.contains("q-map-top-right") && maps[6].1.contains("<span>$0</span>"));

    // Points and bubbles: one mark a row, bubbles by area, the link on each.
    let points = p.read("dist/points/index.html");
    let maps = figures(&points);
    assert_eq!(maps.len(), 5);
    assert_eq!(maps[0].1.matches("<circle").count(), 5);
    assert!(maps[0].1.contains("r=\"5\"") && maps[1].1.contains("r=\"8\""));
    let radii: Vec<f64> = maps[3].1.split(" r=\"").skip(1).filter_map(|r| r.split('"').next()?.parse().ok()).collect();
    // LAX has the most sales (9,800): the largest bubble, `maxSize` 30; Griffith's 1,800 is
    // sqrt(1800 / 9800) of it.
    assert_eq!(radii.iter().copied().fold(0.0, f64::max), 30.0);
    assert!(radii.iter().any(|r| (r - 30.0 * (1800.0f64 / 9800.0).sqrt()).abs() < 0.06), "{radii:?}");
    assert_eq!(maps[3].1.matches("<a href=\"https://www.google.com/search?q=").count(), 5);
    assert!(maps[4].1.contains("Points: quire&#39;s test data") || maps[4].1.contains("Points: quire's test data"));

    // Layers: the areas under the points, the base map's countries under both.
    let base = p.read("dist/base/index.html");
    let maps = figures(&base);
    let first = &maps[0].1;
    assert!(first.find("<path d=").expect("areas") < first.find("<circle").expect("points"));
    // z=1 areas before z=2 bubbles, though written after them.
    let second = &maps[1].1;
    assert!(second.find("fill=\"#dddddd\"").expect("areas") < second.find("<circle").expect("bubbles"));

    // The US map: every state drawn, those the data names coloured, by name or abbreviation.
    let us = p.read("dist/us/index.html");
    let maps = figures(&us);
    assert_eq!(maps.len(), 4);
    for (_, m) in &maps {
        assert_eq!(m.matches("<path d=").count(), 51, "50 states and DC");
        assert_eq!(m.matches("class=\"q-map-empty").count(), 43, "8 states have data");
    }
    assert!(maps[0].1.contains("data-x=\"California\""));
    assert!(maps[3].1.contains("data-x=\"CA\" data-rows=\"[[&quot;Population&quot;,&quot;39,029,342&quot;]]\""));
    // Nothing on any page points off the site but the data's own links.
    for page in [&html, &points, &base, &us] {
        assert!(!page.contains("tile.openstreetmap") && !page.contains("cloudfront"));
    }
}

#[test]
fn map_mistakes_are_errors_at_the_prop() {
    let data = "zone,sales\nA,1\nB,2\n";
    let geo = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
    let page = |map: &str| format!("```sql z\nselect * from s.zones\n```\n\n{map}\n");
    let cases = [
        (
            "<AreaMap data={z} areaCol=zone geoId=id geoJsonUrl=https://example.com/zones.geojson />",
            "pages/index.md:5:52",
            "quire does not fetch `https://example.com/zones.geojson`",
        ),
        (
            "<AreaMap data={z} areaCol=zone geoId=id geoJsonUrl=/geo/none.geojson />",
            "pages/index.md:5:52",
            "no GeoJSON file `/geo/none.geojson`",
        ),
        (
            "<AreaMap data={z} areaCol=zone geoId=id geoJsonUrl=../secret.geojson />",
            "pages/index.md:5:52",
            "is not a path inside the project",
        ),
        (
            "<AreaMap data={z} areaCol=zone geoId=id geoJsonUrl=/geo/broken.geojson />",
            "pages/index.md:5:52",
            "cannot be drawn: not JSON",
        ),
        (
            "<AreaMap data={z} areaCol=zone geoId=name geoJsonUrl=/geo/zones.geojson />",
            "pages/index.md:5:38",
            "the shapes in `/geo/zones.geojson` have no property `name`",
        ),
        (
            "<AreaMap data={z} areaCol=region geoId=id geoJsonUrl=/geo/zones.geojson />",
            "pages/index.md:5:27",
            "has no column `region`",
        ),
        ("<PointMap data={z} lat=lat long=zone />", "pages/index.md:5:24", "has no column `lat`"),
        (
            "<USMap data={z} state=zone value=sales colorScale=fuchsia-ish />",
            "pages/index.md:5:51",
            "is not a colour a scale can blend",
        ),
    ];
    for (map, at, message) in cases {
        let p = Project::with_files(&[
            ("quire.toml", "title = \"T\"\n"),
            ("sources/s/connection.yaml", "name: s\ntype: csv\n"),
            ("sources/s/zones.csv", data),
            ("static/geo/zones.geojson", geo),
            ("static/geo/broken.geojson", "{\"type\": \"FeatureCollection\", \"features\": [}"),
            ("pages/index.md", &page(map)),
        ]);
        let run = p.build();
        assert_eq!(run.output.status.code(), Some(1), "{map}");
        let stderr = run.stderr();
        assert!(stderr.contains(&format!("error: {at}")), "{map}:\n{stderr}");
        assert!(stderr.contains(message), "{map}:\n{stderr}");
        assert!(!p.path().join("dist").exists());
    }
}

#[test]
fn hostile_shapes_and_data_stay_text() {
    let geo = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"<img src=x onerror=alert(1)>"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}]}"#;
    let p = Project::with_files(&[
        ("quire.toml", "title = \"T\"\n"),
        ("sources/s/connection.yaml", "name: s\ntype: csv\n"),
        ("sources/s/zones.csv", "zone,sales,url\n<img src=x onerror=alert(1)>,5,javascript:alert(1)\n"),
        ("static/geo/zones.geojson", geo),
        (
            "pages/index.md",
            "```sql z\nselect * from s.zones\n```\n\n<AreaMap data={z} areaCol=zone geoId=id geoJsonUrl=/geo/zones.geojson value=sales link=url attribution='<script>alert(1)</script>' />\n",
        ),
    ]);
    p.build().ok();
    let html = p.read("dist/index.html");
    let body = article(&html);
    assert!(!body.contains("<img") && !body.contains("<script>"), "{body}");
    assert!(body.contains("data-x=\"&lt;img src=x onerror=alert(1)&gt;\""), "{body}");
    assert!(!body.contains("javascript:"), "a script URL is never a link");
    assert_eq!(body.matches("<path d=").count(), 1);
}

/// `quire dev`: editing a map's GeoJSON in `static/` redraws the map (its page compiles
/// again) without a restart.
#[test]
fn an_edited_geojson_redraws_its_map() {
    let p = Project::fixture("maps");
    let mut site = quire_build::Incremental::new(p.path(), None).expect("start");
    let page = |r: &quire_build::Rebuilt| {
        String::from_utf8_lossy(r.site.files["index.html"].in_memory().expect("in memory")).into_owned()
    };
    let r = site.rebuild().expect("first build");
    let before = page(&r);
    assert_eq!(figures(&before).iter().filter(|(n, _)| n == "AreaMap").map(|(_, f)| fills(f).len()).next(), Some(5));
    // The sixth zone takes the id of a zip that has sales: one region more on every map.
    let geo = p.read("static/geo/la_zips.geojson").replace("\"90006\"", "\"90005\"");
    std::fs::write(p.path().join("static/geo/la_zips.geojson"), geo).expect("write");
    let r = site.rebuild().expect("after the edit");
    assert_eq!(r.reason, "static");
    let after = page(&r);
    assert_eq!(figures(&after).iter().filter(|(n, _)| n == "AreaMap").map(|(_, f)| fills(f).len()).next(), Some(6));
}

/// Evidence's "Use Map as Input": a click on a region picks its row; queries read its
/// columns (`true` until a row is picked, so Evidence's `x = ${inputs.m.x} or ${inputs.m.x}
/// = true` is every row, then the picked one); the picked mark is drawn in the `selected...`
/// looks; the browser agrees with the native render after each click.
#[test]
fn a_named_map_picks_a_row_that_queries_read() {
    let dir = crate::util::fixtures().join("maps");
    let project = quire_build::Project::load(&dir).expect("the project loads");
    let built = quire_build::page_results(&project, "pages/input.md", &[]).expect("the page runs");
    assert_eq!(built["filtered_areas"].len(), 5, "no row picked: every row");
    assert_eq!(built["near_picked"].rows[0][0], quire_core::Cell::Int(5));
    let zips = &built["la_zip_sales"];
    let row =
        zips.rows.iter().position(|r| quire_core::inputs::raw(&r[0], zips.columns[0].ty) == "90003").expect("90003");
    let tokens = quire_core::inputs::map_row(zips, &zips.rows[row]);
    let state: quire_core::InputState = [("my_area_map".to_string(), tokens.clone())].into();
    let at = quire_build::page_at(&project, "input/", &state).expect("the native render");
    let filtered = &at.results["filtered_areas"];
    assert_eq!(filtered.len(), 1);
    assert_eq!(quire_core::inputs::raw(&filtered.rows[0][0], filtered.columns[0].ty), "90003");
    let html: String = at.slots.values().cloned().collect();
    // The picked region in the theme's accent, the others as they were; the value shown.
    assert_eq!(html.matches("aria-pressed=\"true\"").count(), 1, "{html}");
    assert!(html.contains("class=\"q-map-picked q-map-picked-edge\" stroke-width=\"1\""), "{html}");
    assert!(html.contains("data-query=\"inputs\">90003</span>"), "{html}");

    // In Chromium: pick a zip, a point, and unpick the zip.
    let pick = |input: &str, tokens: &[String]| {
        let json = serde_json::Value::from(tokens.to_vec()).to_string();
        format!("[data-pick-input=\"{input}\"][data-pick=\"{}\"]", json.replace('\\', "\\\\").replace('"', "\\\""))
    };
    let places = &built["la_locations"];
    let point = quire_core::inputs::map_row(places, &places.rows[1]);
    let mut state = quire_core::InputState::new();
    let mut steps = Vec::new();
    for (input, picked, click) in [
        ("my_area_map", tokens.clone(), tokens.clone()),
        ("picked_point", point.clone(), point.clone()),
        ("my_area_map", Vec::new(), tokens.clone()),
    ] {
        state.insert(input.to_string(), picked);
        let at = quire_build::page_at(&project, "input/", &state).expect("the native render");
        steps.push(serde_json::json!({
            "click": pick(input, &click),
            "slots": crate::e2e::slots_json(&at),
        }));
    }
    let r = crate::e2e::clicks(&dir, "input/", steps);
    assert!(r["steps"][0]["search"].as_str().is_some_and(|s| s.contains("my_area_map=zip_code%3D90003")), "{r}");
    assert_eq!(r["steps"][2]["search"].as_str().map(|s| s.contains("my_area_map")), Some(false), "{r}");

    // Reading a column the data lacks, or the row as a whole, is an error at the reference.
    for (sql, message) in [
        (
            "select * from la.zip_sales where zip_code = ${inputs.m.zipcode}",
            "the data of map `m` has no column `zipcode`",
        ),
        ("select * from la.zip_sales where zip_code = ${inputs.m}", "input `m` is a row of the map's data"),
    ] {
        let p = Project::with_files(&[
            ("sources/la/connection.yaml", "type: csv\n"),
            ("sources/la/zip_sales.csv", "zip_code,sales\n90001,3\n"),
            ("static/geo/z.geojson", r#"{"type":"FeatureCollection","features":[]}"#),
            (
                "pages/index.md",
                &format!(
                    "```sql z\nselect * from la.zip_sales\n```\n\n```sql picked\n{sql}\n```\n\n<AreaMap data={{z}} areaCol=zip_code geoId=id geoJsonUrl=/geo/z.geojson name=m />\n"
                ),
            ),
        ]);
        let run = p.build();
        assert!(!run.success(), "{sql}");
        assert!(run.stderr().contains(message) && run.stderr().contains("pages/index.md:6:"), "{}", run.stderr());
    }
}
