//! `contentType=colorscale`: a cell's colour from its value, the way Evidence's chroma.js
//! scale picks it (linear in RGB between the colours, clamped at the ends), so a page moved
//! from Evidence shades the same cells the same colours.

/// An RGB colour with channels in 0..=255.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rgb(pub f64, pub f64, pub f64);

impl Rgb {
    pub(crate) fn hex(self) -> String {
        let c = |v: f64| v.round().clamp(0.0, 255.0) as u8;
        format!("#{:02x}{:02x}{:02x}", c(self.0), c(self.1), c(self.2))
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let lin = |v: f64| {
            let s = v / 255.0;
            if s <= 0.03928 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

const WHITE: Rgb = Rgb(255.0, 255.0, 255.0);
/// The text colour of a light theme, for cells too light for white text.
const INK: Rgb = Rgb(31.0, 41.0, 55.0);

/// The text colour readable on `fill`: white unless dark text reads clearly better (the
/// rule Evidence uses, with its half-point bias towards white).
pub(crate) fn ink_on(fill: Rgb) -> Rgb {
    // Decided on the colour as written (whole channels), so every target decides alike.
    let fill = Rgb(fill.0.round(), fill.1.round(), fill.2.round());
    if fill.contrast(INK) < fill.contrast(WHITE) + 0.5 { WHITE } else { INK }
}

/// Evidence's named scales: `default`, and its theme's colours running from white.
fn named_scale(name: &str) -> Option<Vec<Rgb>> {
    let theme = |hex: &str| parse(hex).map(|c| vec![WHITE, c]);
    match name {
        "default" => Some(vec![parse("#ADD8E6")?, parse("#00008B")?]),
        "positive" => theme("#16a34a"),
        "negative" => theme("#dc2626"),
        "info" => theme("#0284c7"),
        "primary" => theme("#2563eb"),
        "accent" => theme("#c2410c"),
        "warning" => theme("#f8c900"),
        _ => None,
    }
}

/// The colours of a `colorScale` value: a named scale, one colour (white to it), or a list.
pub(crate) fn colours(list: &[String]) -> Result<Vec<Rgb>, String> {
    if let [one] = list {
        let one = one.trim();
        if let Some(scale) = named_scale(one) {
            return Ok(scale);
        }
        return parse(one).map(|c| vec![WHITE, c]).ok_or_else(|| not_a_colour(one));
    }
    let out: Vec<Rgb> =
        list.iter().map(|s| parse(s.trim()).ok_or_else(|| not_a_colour(s))).collect::<Result<_, _>>()?;
    if out.len() < 2 {
        return Err("`colorScale` needs a colour, a named scale, or a list of two or more colours".into());
    }
    Ok(out)
}

fn not_a_colour(s: &str) -> String {
    format!("`{s}` is not a colour a scale can blend")
}

/// `#rgb`, `#rrggbb`, `rgb(r, g, b)` or a CSS colour name from the common set.
pub(crate) fn parse(s: &str) -> Option<Rgb> {
    let s = s.trim().to_ascii_lowercase();
    if let Some(hex) = s.strip_prefix('#') {
        let digits: Vec<u8> = hex.chars().map(|c| c.to_digit(16).map(|d| d as u8)).collect::<Option<_>>()?;
        return match digits.as_slice() {
            [r, g, b] => Some(Rgb(f64::from(r * 17), f64::from(g * 17), f64::from(b * 17))),
            [r1, r2, g1, g2, b1, b2] => {
                Some(Rgb(f64::from(r1 * 16 + r2), f64::from(g1 * 16 + g2), f64::from(b1 * 16 + b2)))
            }
            _ => None,
        };
    }
    if let Some(body) = s.strip_prefix("rgb(").or_else(|| s.strip_prefix("rgba(")) {
        let parts: Vec<f64> =
            body.strip_suffix(')')?.split(',').map(|p| p.trim().parse::<f64>().ok()).collect::<Option<_>>()?;
        return match parts.as_slice() {
            [r, g, b] | [r, g, b, _] if [r, g, b].iter().all(|v| (0.0..=255.0).contains(*v)) => Some(Rgb(*r, *g, *b)),
            _ => None,
        };
    }
    let i = NAMED.binary_search_by(|(name, _)| (*name).cmp(s.as_str())).ok()?;
    let [r, g, b] = NAMED[i].1;
    Some(Rgb(f64::from(r), f64::from(g), f64::from(b)))
}

/// CSS's named colours (the list of the `color-name` package, MIT), sorted for searching.
const NAMED: &[(&str, [u8; 3])] = &[
    ("aliceblue", [240, 248, 255]),
    ("antiquewhite", [250, 235, 215]),
    ("aqua", [0, 255, 255]),
    ("aquamarine", [127, 255, 212]),
    ("azure", [240, 255, 255]),
    ("beige", [245, 245, 220]),
    ("bisque", [255, 228, 196]),
    ("black", [0, 0, 0]),
    ("blanchedalmond", [255, 235, 205]),
    ("blue", [0, 0, 255]),
    ("blueviolet", [138, 43, 226]),
    ("brown", [165, 42, 42]),
    ("burlywood", [222, 184, 135]),
    ("cadetblue", [95, 158, 160]),
    ("chartreuse", [127, 255, 0]),
    ("chocolate", [210, 105, 30]),
    ("coral", [255, 127, 80]),
    ("cornflowerblue", [100, 149, 237]),
    ("cornsilk", [255, 248, 220]),
    ("crimson", [220, 20, 60]),
    ("cyan", [0, 255, 255]),
    ("darkblue", [0, 0, 139]),
    ("darkcyan", [0, 139, 139]),
    ("darkgoldenrod", [184, 134, 11]),
    ("darkgray", [169, 169, 169]),
    ("darkgreen", [0, 100, 0]),
    ("darkgrey", [169, 169, 169]),
    ("darkkhaki", [189, 183, 107]),
    ("darkmagenta", [139, 0, 139]),
    ("darkolivegreen", [85, 107, 47]),
    ("darkorange", [255, 140, 0]),
    ("darkorchid", [153, 50, 204]),
    ("darkred", [139, 0, 0]),
    ("darksalmon", [233, 150, 122]),
    ("darkseagreen", [143, 188, 143]),
    ("darkslateblue", [72, 61, 139]),
    ("darkslategray", [47, 79, 79]),
    ("darkslategrey", [47, 79, 79]),
    ("darkturquoise", [0, 206, 209]),
    ("darkviolet", [148, 0, 211]),
    ("deeppink", [255, 20, 147]),
    ("deepskyblue", [0, 191, 255]),
    ("dimgray", [105, 105, 105]),
    ("dimgrey", [105, 105, 105]),
    ("dodgerblue", [30, 144, 255]),
    ("firebrick", [178, 34, 34]),
    ("floralwhite", [255, 250, 240]),
    ("forestgreen", [34, 139, 34]),
    ("fuchsia", [255, 0, 255]),
    ("gainsboro", [220, 220, 220]),
    ("ghostwhite", [248, 248, 255]),
    ("gold", [255, 215, 0]),
    ("goldenrod", [218, 165, 32]),
    ("gray", [128, 128, 128]),
    ("green", [0, 128, 0]),
    ("greenyellow", [173, 255, 47]),
    ("grey", [128, 128, 128]),
    ("honeydew", [240, 255, 240]),
    ("hotpink", [255, 105, 180]),
    ("indianred", [205, 92, 92]),
    ("indigo", [75, 0, 130]),
    ("ivory", [255, 255, 240]),
    ("khaki", [240, 230, 140]),
    ("lavender", [230, 230, 250]),
    ("lavenderblush", [255, 240, 245]),
    ("lawngreen", [124, 252, 0]),
    ("lemonchiffon", [255, 250, 205]),
    ("lightblue", [173, 216, 230]),
    ("lightcoral", [240, 128, 128]),
    ("lightcyan", [224, 255, 255]),
    ("lightgoldenrodyellow", [250, 250, 210]),
    ("lightgray", [211, 211, 211]),
    ("lightgreen", [144, 238, 144]),
    ("lightgrey", [211, 211, 211]),
    ("lightpink", [255, 182, 193]),
    ("lightsalmon", [255, 160, 122]),
    ("lightseagreen", [32, 178, 170]),
    ("lightskyblue", [135, 206, 250]),
    ("lightslategray", [119, 136, 153]),
    ("lightslategrey", [119, 136, 153]),
    ("lightsteelblue", [176, 196, 222]),
    ("lightyellow", [255, 255, 224]),
    ("lime", [0, 255, 0]),
    ("limegreen", [50, 205, 50]),
    ("linen", [250, 240, 230]),
    ("magenta", [255, 0, 255]),
    ("maroon", [128, 0, 0]),
    ("mediumaquamarine", [102, 205, 170]),
    ("mediumblue", [0, 0, 205]),
    ("mediumorchid", [186, 85, 211]),
    ("mediumpurple", [147, 112, 219]),
    ("mediumseagreen", [60, 179, 113]),
    ("mediumslateblue", [123, 104, 238]),
    ("mediumspringgreen", [0, 250, 154]),
    ("mediumturquoise", [72, 209, 204]),
    ("mediumvioletred", [199, 21, 133]),
    ("midnightblue", [25, 25, 112]),
    ("mintcream", [245, 255, 250]),
    ("mistyrose", [255, 228, 225]),
    ("moccasin", [255, 228, 181]),
    ("navajowhite", [255, 222, 173]),
    ("navy", [0, 0, 128]),
    ("oldlace", [253, 245, 230]),
    ("olive", [128, 128, 0]),
    ("olivedrab", [107, 142, 35]),
    ("orange", [255, 165, 0]),
    ("orangered", [255, 69, 0]),
    ("orchid", [218, 112, 214]),
    ("palegoldenrod", [238, 232, 170]),
    ("palegreen", [152, 251, 152]),
    ("paleturquoise", [175, 238, 238]),
    ("palevioletred", [219, 112, 147]),
    ("papayawhip", [255, 239, 213]),
    ("peachpuff", [255, 218, 185]),
    ("peru", [205, 133, 63]),
    ("pink", [255, 192, 203]),
    ("plum", [221, 160, 221]),
    ("powderblue", [176, 224, 230]),
    ("purple", [128, 0, 128]),
    ("rebeccapurple", [102, 51, 153]),
    ("red", [255, 0, 0]),
    ("rosybrown", [188, 143, 143]),
    ("royalblue", [65, 105, 225]),
    ("saddlebrown", [139, 69, 19]),
    ("salmon", [250, 128, 114]),
    ("sandybrown", [244, 164, 96]),
    ("seagreen", [46, 139, 87]),
    ("seashell", [255, 245, 238]),
    ("sienna", [160, 82, 45]),
    ("silver", [192, 192, 192]),
    ("skyblue", [135, 206, 235]),
    ("slateblue", [106, 90, 205]),
    ("slategray", [112, 128, 144]),
    ("slategrey", [112, 128, 144]),
    ("snow", [255, 250, 250]),
    ("springgreen", [0, 255, 127]),
    ("steelblue", [70, 130, 180]),
    ("tan", [210, 180, 140]),
    ("teal", [0, 128, 128]),
    ("thistle", [216, 191, 216]),
    ("tomato", [255, 99, 71]),
    ("turquoise", [64, 224, 208]),
    ("violet", [238, 130, 238]),
    ("wheat", [245, 222, 179]),
    ("white", [255, 255, 255]),
    ("whitesmoke", [245, 245, 245]),
    ("yellow", [255, 255, 0]),
    ("yellowgreen", [154, 205, 50]),
];

/// A scale from `domain` (two values, or one per colour, ascending) onto `colours`.
pub(crate) struct Scale {
    colours: Vec<Rgb>,
    /// Where each colour sits, 0 to 1.
    positions: Vec<f64>,
    min: f64,
    max: f64,
    /// Breaks of a domain of more than two values that do not line up with the colours:
    /// chroma maps them onto evenly spaced points first.
    breaks: Option<Vec<f64>>,
}

impl Scale {
    pub(crate) fn new(colours: Vec<Rgb>, domain: &[f64]) -> Option<Scale> {
        let (&min, &max) = (domain.first()?, domain.last()?);
        if !(max - min).is_finite() || max == min || colours.len() < 2 {
            return None;
        }
        let k = colours.len();
        let mut breaks = None;
        let positions = if domain.len() == k {
            domain.iter().map(|d| (d - min) / (max - min)).collect()
        } else {
            if domain.len() > 2 {
                breaks = Some(domain.iter().map(|d| (d - min) / (max - min)).collect());
            }
            (0..k).map(|c| c as f64 / (k - 1) as f64).collect()
        };
        Some(Scale { colours, positions, min, max, breaks })
    }

    pub(crate) fn at(&self, v: f64) -> Rgb {
        let mut t = ((v - self.min) / (self.max - self.min)).clamp(0.0, 1.0);
        if let Some(breaks) = &self.breaks {
            let n = breaks.len() - 1;
            let i = (0..n).find(|&i| t <= breaks[i + 1]).unwrap_or(n - 1);
            let span = breaks[i + 1] - breaks[i];
            let within = if span > 0.0 { (t - breaks[i]) / span } else { 0.0 };
            t = (i as f64 + within) / n as f64;
        }
        let p = &self.positions;
        let last = p.len() - 1;
        if t <= p[0] {
            return self.colours[0];
        }
        if t >= p[last] {
            return self.colours[last];
        }
        let i = (0..last).find(|&i| t < p[i + 1]).unwrap_or(last - 1);
        let f = (t - p[i]) / (p[i + 1] - p[i]);
        let (a, b) = (self.colours[i], self.colours[i + 1]);
        Rgb(a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blends_like_chroma() {
        let s = Scale::new(colours(&["#ffffff".into(), "#000000".into()]).expect("valid in this test"), &[0.0, 10.0])
            .expect("valid in this test");
        assert_eq!(s.at(5.0).hex(), "#808080");
        assert_eq!(s.at(-3.0).hex(), "#ffffff");
        assert_eq!(s.at(30.0).hex(), "#000000");
        // Three colours over a domain of three: the middle colour at the middle value.
        let c = colours(&["red".into(), "white".into(), "green".into()]).expect("valid in this test");
        let s = Scale::new(c.clone(), &[-5.0, 0.0, 20.0]).expect("valid in this test");
        assert_eq!(s.at(0.0).hex(), "#ffffff");
        assert_eq!(s.at(10.0).hex(), "#80c080");
        // Two colours with a middle value: the middle value gets the halfway blend.
        let s =
            Scale::new(colours(&["#ffffff".into(), "#000000".into()]).expect("valid in this test"), &[0.0, 2.0, 10.0])
                .expect("valid in this test");
        assert_eq!(s.at(2.0).hex(), "#808080");
        assert_eq!(s.at(6.0).hex(), "#404040");
        assert!(Scale::new(c, &[1.0, 1.0]).is_none());
    }

    #[test]
    fn names_and_bad_colours() {
        assert_eq!(colours(&["default".into()]).expect("valid in this test")[1].hex(), "#00008b");
        assert_eq!(colours(&["positive".into()]).expect("valid in this test")[0].hex(), "#ffffff");
        assert!(colours(&["url(x)".into()]).is_err());
        assert!(colours(&["#12".into()]).is_err());
        assert_eq!(ink_on(Rgb(0.0, 0.0, 139.0)), WHITE);
        assert_eq!(ink_on(WHITE), INK);
    }
}
