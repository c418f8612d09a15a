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
    let hex = match s.as_str() {
        "white" => "#ffffff",
        "black" => "#000000",
        "red" => "#ff0000",
        "green" => "#008000",
        "blue" => "#0000ff",
        "yellow" => "#ffff00",
        "orange" => "#ffa500",
        "purple" => "#800080",
        "gray" | "grey" => "#808080",
        "silver" => "#c0c0c0",
        "maroon" => "#800000",
        "olive" => "#808000",
        "lime" => "#00ff00",
        "aqua" | "cyan" => "#00ffff",
        "teal" => "#008080",
        "navy" => "#000080",
        "fuchsia" | "magenta" => "#ff00ff",
        "pink" => "#ffc0cb",
        "brown" => "#a52a2a",
        "lightblue" => "#add8e6",
        "darkblue" => "#00008b",
        _ => return None,
    };
    parse(hex)
}

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
