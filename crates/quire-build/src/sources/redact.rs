//! A `connection.yaml` as error messages may show it: every password in it replaced by
//! `********`, so no snippet, location or message ever prints one.
//!
//! Passwords are found in three shapes: a `password:` key at any depth (with its value's
//! continuation lines, for block and multi-line scalars), the password of a URL's
//! `user:password@`, and a `password=` in a keyword/value connection string.

/// What replaces a password.
const MASK: &str = "********";

/// The text with its passwords masked, and where they were.
pub struct Redacted {
    pub text: String,
    /// `(start, end)` in the original text, and the start in the masked one, in order.
    cuts: Vec<(usize, usize, usize)>,
    /// Offsets, in the masked text, of the passwords that are not in a comment (of the key,
    /// for `password:`): the places to point at when refusing them.
    pub found: Vec<usize>,
}

impl Redacted {
    pub fn new(original: &str) -> Redacted {
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        // Where each password that is not in a comment starts (its key, if it has one).
        let mut points = Vec::new();
        let mut lines = Vec::new();
        let mut at = 0;
        for line in original.split_inclusive('\n') {
            lines.push((at, line));
            at += line.len();
        }
        let mut i = 0;
        while i < lines.len() {
            let (start, line) = lines[i];
            let body = line.trim_end_matches(['\n', '\r']);
            let indent = body.len() - body.trim_start().len();
            let comment = body.trim_start().starts_with('#');
            if !comment && let Some((key, value)) = password_value(body) {
                let before = cuts.len();
                if value < body.len() {
                    cuts.push((start + value, start + body.len()));
                }
                // A value that goes on below: block scalars (`|`, `>`), multi-line plain or
                // quoted scalars, a nested map. Every following line indented deeper.
                let mut j = i + 1;
                while j < lines.len() {
                    let (s, l) = lines[j];
                    let b = l.trim_end_matches(['\n', '\r']);
                    let ind = b.len() - b.trim_start().len();
                    if !b.trim().is_empty() && ind <= indent {
                        break;
                    }
                    if !b.trim().is_empty() {
                        cuts.push((s + ind, s + b.len()));
                    }
                    j += 1;
                }
                // `password:` and nothing under it is no password.
                if cuts.len() > before {
                    points.push(start + key);
                }
                i = j;
                continue;
            }
            for (from, to) in url_passwords(body).into_iter().chain(keyword_passwords(body)) {
                cuts.push((start + from, start + to));
                if !comment {
                    points.push(start + from);
                }
            }
            i += 1;
        }
        cuts.sort_unstable();
        let mut text = String::with_capacity(original.len());
        let mut kept = Vec::new();
        let mut last = 0;
        for (from, to) in cuts {
            if from < last || to <= from {
                continue;
            }
            text.push_str(&original[last..from]);
            kept.push((from, to, text.len()));
            text.push_str(MASK);
            last = to;
        }
        text.push_str(&original[last..]);
        let mut redacted = Redacted { text, cuts: kept, found: Vec::new() };
        points.sort_unstable();
        redacted.found = points.into_iter().map(|p| redacted.at(p)).collect();
        redacted
    }

    /// Where a byte offset of the original text is in the masked one; inside a password,
    /// its start.
    pub fn at(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for &(from, to, masked) in &self.cuts {
            if offset < from {
                break;
            }
            if offset < to {
                return masked;
            }
            shift += MASK.len() as isize - (to - from) as isize;
        }
        offset.saturating_add_signed(shift)
    }
}

/// The offsets of the key and of the value in a `password: value` line (any depth, block or
/// flow style, key quoted or not; the value may be empty, then it is below); `None` if the
/// line has no password key.
fn password_value(line: &str) -> Option<(usize, usize)> {
    let lower = line.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower[search..].find("password") {
        let key = search + found;
        search = key + "password".len();
        let quoted = lower[..key].strip_suffix(['"', '\'']).unwrap_or(&lower[..key]);
        let before = quoted.trim_end();
        let spaced = before.len() < quoted.len();
        // At the start of the line, after `{` or `,` of a flow map, or after a list's `- `.
        let starts_key = before.is_empty()
            || before.ends_with(['{', ','])
            || spaced && before.strip_suffix('-').is_some_and(|b| b.is_empty() || b.ends_with([' ', '\t']));
        if !starts_key {
            continue;
        }
        let after = lower[search..].trim_start_matches(['"', '\'']);
        let after = after.trim_start_matches([' ', '\t']);
        let Some(rest) = after.strip_prefix(':') else { continue };
        // `password:value` is a plain scalar, not a key, in YAML; `password:` at the end of
        // the line has its value below.
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            continue;
        }
        let value = line.len() - rest.trim_start_matches([' ', '\t']).len();
        return Some((key, value));
    }
    None
}

/// `(start, end)` of each password in a URL's `user:password@`.
fn url_passwords(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(found) = line[search..].find("://") {
        let authority = search + found + 3;
        let end = line[authority..].find(['/', '?', '#', ' ', '\t', '"', '\'']).map_or(line.len(), |n| authority + n);
        search = end.max(authority);
        let Some(at) = line[authority..end].rfind('@') else { continue };
        let userinfo = &line[authority..authority + at];
        if let Some(colon) = userinfo.find(':') {
            out.push((authority + colon + 1, authority + at));
        }
    }
    out
}

/// `(start, end)` of each value of `password=` in a keyword/value connection string.
fn keyword_passwords(line: &str) -> Vec<(usize, usize)> {
    let lower = line.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(found) = lower[search..].find("password") {
        let key = search + found;
        search = key + "password".len();
        let standalone = key == 0 || lower[..key].ends_with([' ', '\t', '"', '\'', ':', ';', '?', '&']);
        let rest = &lower[search..];
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if !standalone || !trimmed.starts_with('=') {
            continue;
        }
        let start = line.len() - trimmed[1..].trim_start_matches([' ', '\t']).len();
        let end = if line[start..].starts_with('\'') {
            line[start + 1..].find('\'').map_or(line.len(), |n| start + n + 2)
        } else {
            line[start..].find([' ', '\t', '"', ';', '&', '#']).map_or(line.len(), |n| start + n)
        };
        if end > start {
            out.push((start, end));
        }
    }
    out
}
