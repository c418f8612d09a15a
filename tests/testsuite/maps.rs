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
    assert!(stderr.contains("Built 4 pages"), "{stderr}");
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
    let page = |r: &quire_build::Rebuilt| String::from_utf8_lossy(&r.site.files["index.html"]).into_owned();
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
