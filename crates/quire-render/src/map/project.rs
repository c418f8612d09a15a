//! Projections: Web Mercator fitted to what a map shows (as Leaflet fits its bounds), and
//! Albers USA for `<USMap>` (the lower 48 on a conic equal-area projection, Alaska and
//! Hawaii moved beside them, as d3's `geoAlbersUsa` draws them).
//!
//! `libm` does the trigonometry, so the build and the browser compute the same bits.

use std::f64::consts::PI;

/// Where a point lands on the drawing, in SVG units.
pub(crate) trait Projection {
    fn point(&self, lon: f64, lat: f64, region: Region) -> (f64, f64);
}

/// Which part of Albers USA a shape belongs to (Mercator ignores it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Region {
    Main,
    Alaska,
    Hawaii,
}

impl Region {
    /// The region of a US state by its two-letter abbreviation.
    pub fn of_state(abbreviation: &str) -> Region {
        match abbreviation {
            "AK" => Region::Alaska,
            "HI" => Region::Hawaii,
            _ => Region::Main,
        }
    }
}

/// Mercator's latitude limit: the square world of web maps.
const MAX_LAT: f64 = 85.051_128_78;

/// Web Mercator in units of the world's width (x from 0 to 1 west to east, y from 0 to 1
/// north to south).
pub(crate) fn mercator_unit(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = 0.5 - libm::log(libm::tan(PI / 4.0 + lat / 2.0)) / (2.0 * PI);
    (x, y)
}

/// Web Mercator scaled and moved onto the drawing.
pub(crate) struct Mercator {
    /// The world's width in SVG units (256 × 2^zoom, as tiles would show it).
    pub world: f64,
    pub dx: f64,
    pub dy: f64,
}

/// Leaflet's largest zoom when it fits bounds (`maxZoom: 12` in Evidence's maps).
const MAX_FIT_ZOOM: f64 = 12.0;

impl Mercator {
    /// The view that shows `bounds` (unit coordinates: west, north, east, south) in a
    /// `width` × `height` drawing with `pad` units to spare; `center` (lon, lat) and
    /// `zoom` override what fitting chose, as `startingLat`/`startingLong`/`startingZoom` do.
    pub fn fit(
        bounds: Option<(f64, f64, f64, f64)>,
        width: f64,
        height: f64,
        pad: f64,
        center: Option<(f64, f64)>,
        zoom: Option<f64>,
    ) -> Mercator {
        let max_world = 256.0 * libm::exp2(MAX_FIT_ZOOM);
        let (mut world, mut cx, mut cy) = match bounds {
            Some((x0, y0, x1, y1)) => {
                let (w, h) = ((x1 - x0).max(1e-12), (y1 - y0).max(1e-12));
                let world = ((width - 2.0 * pad) / w).min((height - 2.0 * pad) / h).min(max_world);
                (world, (x0 + x1) / 2.0, (y0 + y1) / 2.0)
            }
            // Nothing to fit: the whole world, or Evidence's starting zoom 5 at a given centre.
            None => (width, 0.5, 0.5),
        };
        if let Some((lon, lat)) = center {
            (cx, cy) = mercator_unit(lon, lat);
            if bounds.is_none() && zoom.is_none() {
                world = 256.0 * 32.0;
            }
        }
        if let Some(z) = zoom {
            world = 256.0 * libm::exp2(z.clamp(0.0, 18.0));
        }
        Mercator { world, dx: width / 2.0 - cx * world, dy: height / 2.0 - cy * world }
    }
}

impl Projection for Mercator {
    fn point(&self, lon: f64, lat: f64, _: Region) -> (f64, f64) {
        let (x, y) = mercator_unit(lon, lat);
        (x * self.world + self.dx, y * self.world + self.dy)
    }
}

/// A conic equal-area projection, as d3's `geoConicEqualArea()` with `rotate([-lon0, 0])`,
/// `center([clon, clat])`, `parallels([phi1, phi2])`, `scale` and `translate`.
struct Albers {
    n: f64,
    c: f64,
    rho0: f64,
    lon0: f64,
    scale: f64,
    tx: f64,
    ty: f64,
    /// The centre, projected: it lands on the translation.
    cx: f64,
    cy: f64,
}

impl Albers {
    #[allow(clippy::too_many_arguments)]
    fn new(parallels: (f64, f64), lon0: f64, center: (f64, f64), scale: f64, tx: f64, ty: f64) -> Albers {
        let sy0 = libm::sin(parallels.0.to_radians());
        let n = (sy0 + libm::sin(parallels.1.to_radians())) / 2.0;
        let c = 1.0 + sy0 * (2.0 * n - sy0);
        let rho0 = c.sqrt() / n;
        let mut a = Albers { n, c, rho0, lon0, scale, tx, ty, cx: 0.0, cy: 0.0 };
        (a.cx, a.cy) = a.raw(center.0.to_radians(), center.1.to_radians());
        a
    }

    /// d3's raw projection of a rotated point, in radians (y up).
    fn raw(&self, lambda: f64, phi: f64) -> (f64, f64) {
        let rho = (self.c - 2.0 * self.n * libm::sin(phi)).max(0.0).sqrt() / self.n;
        let theta = lambda * self.n;
        (rho * libm::sin(theta), self.rho0 - rho * libm::cos(theta))
    }

    fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        let mut l = lon - self.lon0;
        if l > 180.0 {
            l -= 360.0;
        } else if l < -180.0 {
            l += 360.0;
        }
        let (x, y) = self.raw(l.to_radians(), lat.to_radians());
        (self.tx + (x - self.cx) * self.scale, self.ty - (y - self.cy) * self.scale)
    }
}

/// Albers USA: d3's parameters at scale 1070 on a 960 × 500 canvas, fitted into the drawing.
pub(crate) struct AlbersUsa {
    lower48: Albers,
    alaska: Albers,
    hawaii: Albers,
    k: f64,
    dx: f64,
    dy: f64,
}

impl AlbersUsa {
    pub fn new(width: f64, height: f64) -> AlbersUsa {
        let (s, tx, ty) = (1070.0, 480.0, 250.0);
        let lower48 = Albers::new((29.5, 45.5), -96.0, (-0.6, 38.7), s, tx, ty);
        let alaska = Albers::new((55.0, 65.0), -154.0, (-2.0, 58.5), s * 0.35, tx - 0.307 * s, ty + 0.201 * s);
        let hawaii = Albers::new((8.0, 18.0), -157.0, (-3.0, 19.9), s, tx - 0.205 * s, ty + 0.212 * s);
        // The 960 × 500 extent the states fill, fitted in the drawing, centred.
        let k = (width / 960.0).min(height / 500.0);
        AlbersUsa { lower48, alaska, hawaii, k, dx: (width - 960.0 * k) / 2.0, dy: (height - 500.0 * k) / 2.0 }
    }
}

impl Projection for AlbersUsa {
    fn point(&self, lon: f64, lat: f64, region: Region) -> (f64, f64) {
        let (x, y) = match region {
            Region::Main => self.lower48.point(lon, lat),
            Region::Alaska => self.alaska.point(lon, lat),
            Region::Hawaii => self.hawaii.point(lon, lat),
        };
        (x * self.k + self.dx, y * self.k + self.dy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_fits_its_bounds() {
        // Null Island sits at the middle of the world.
        assert_eq!(mercator_unit(0.0, 0.0), (0.5, 0.5));
        let (x0, y0) = mercator_unit(-118.5, 34.3);
        let (x1, y1) = mercator_unit(-118.1, 33.7);
        let m = Mercator::fit(Some((x0, y0, x1, y1)), 720.0, 300.0, 10.0, None, None);
        let (a, b) = (m.point(-118.5, 34.3, Region::Main), m.point(-118.1, 33.7, Region::Main));
        // The taller side fills the height less the padding; the box is centred.
        assert!((b.1 - a.1 - 280.0).abs() < 1e-6, "{a:?} {b:?}");
        assert!(((a.0 + b.0) / 2.0 - 360.0).abs() < 1e-6);
    }

    #[test]
    fn albers_usa_matches_d3() {
        // d3-geo 3.1.1, `geoAlbersUsa().scale(1070).translate([480, 250])`, on these places;
        // a 960 × 500 drawing is that canvas.
        let p = AlbersUsa::new(960.0, 500.0);
        let d3 = [
            ("Kansas City", -94.58, 39.1, Region::Main, 509.0432246385021, 242.33275056207617),
            ("New York", -74.0, 40.7, Region::Main, 794.7327189942821, 176.74793294269512),
            ("Seattle", -122.3, 47.6, Region::Main, 159.4628710491836, 37.30722390259177),
            ("Miami", -80.19, 25.76, Region::Main, 755.9622778761034, 470.2325823020949),
            ("Honolulu", -157.86, 21.31, Region::Hawaii, 298.44898072875196, 450.9298708116952),
            ("Hilo", -155.08, 19.72, Region::Hawaii, 347.37610951829333, 480.37324779597594),
            ("Anchorage", -149.9, 61.2, Region::Alaska, 171.17122462409534, 447.062592258631),
            ("Juneau", -134.42, 58.3, Region::Alaska, 224.38541765713904, 456.6734896286138),
        ];
        for (place, lon, lat, region, x, y) in d3 {
            let (px, py) = p.point(lon, lat, region);
            assert!((px - x).abs() < 1e-6 && (py - y).abs() < 1e-6, "{place}: ({px}, {py}) against d3's ({x}, {y})");
        }
    }
}
