//! A page body as one Markdown document with components in place.
//!
//! Components and expressions sit inside Markdown (`The largest channel is <Value/>.` is
//! one paragraph), so each becomes a private-use token, the whole text is rendered once by
//! pulldown-cmark, and the tokens are swapped for their HTML afterwards. A block
//! component's token stands alone in a paragraph, and that `<p>` is dropped.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::TocEntry;

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
/// Digits of a token's index are written as these private-use characters, so no Markdown
/// rule (ordered lists, emphasis) can read them.
const DIGIT0: u32 = 0xE010;

struct Piece {
    html: String,
    /// The piece as plain text, for heading ids and the table of contents.
    plain: String,
    block: bool,
}

/// The token that stands for piece `index` in the Markdown until it is substituted.
fn push_token(out: &mut String, index: usize) {
    out.push(OPEN);
    for d in index.to_string().bytes() {
        out.push(char::from_u32(DIGIT0 + u32::from(d - b'0')).unwrap_or('\u{FFFD}'));
    }
    out.push(CLOSE);
}

#[derive(Default)]
pub(crate) struct Doc {
    md: String,
    pieces: Vec<Piece>,
    /// A block was just placed: the next text must start a new paragraph.
    after_block: bool,
    /// Where raw HTML being read stands (a tag may span lines, each its own event): inside
    /// a tag, and inside an element that holds text only (`<script>`, ...).
    html_at: std::cell::Cell<(bool, bool)>,
}

impl Doc {
    pub fn text(&mut self, text: &str) {
        // An author's own private-use characters must not pass for tokens.
        let text: String = text.chars().map(|c| if is_token_char(c) { '\u{FFFD}' } else { c }).collect();
        if std::mem::take(&mut self.after_block) && !text.is_empty() {
            let first_line_blank = text.split('\n').nth(1).is_some_and(|l| l.trim().is_empty());
            if !text.starts_with('\n') {
                self.md.push_str("\n\n");
            } else if !first_line_blank {
                self.md.push('\n');
            }
        }
        self.md.push_str(&text);
    }

    pub fn inline(&mut self, html: String, plain: String) {
        self.push(Piece { html, plain, block: false });
    }

    pub fn block(&mut self, html: String) {
        let line_start = self.md.rfind('\n').map_or(0, |i| i + 1);
        let at_line_start = self.md[line_start..].trim().is_empty();
        if !at_line_start {
            self.md.push_str("\n\n");
        } else {
            // Keep the line's indentation (a block inside a list item) but make sure a blank
            // line comes before it, or it would continue the paragraph above.
            let before = &self.md[..line_start];
            let prev_line_blank = before.trim_end_matches('\n').rsplit('\n').next().is_none_or(|l| l.trim().is_empty())
                || before.ends_with("\n\n");
            if !before.is_empty() && !prev_line_blank {
                self.md.insert(line_start, '\n');
            }
        }
        self.push(Piece { html, plain: String::new(), block: true });
        self.after_block = true;
    }

    fn push(&mut self, piece: Piece) {
        push_token(&mut self.md, self.pieces.len());
        self.pieces.push(piece);
    }

    /// The HTML and the table of contents (h2 and h3).
    pub fn finish(self) -> (String, Vec<TocEntry>) {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_TASKLISTS;
        let mut events: Vec<Event<'_>> = Vec::new();
        for event in Parser::new_ext(&self.md, options) {
            // An HTML block comes a line at a time; a tag may span lines, so its lines are
            // checked as one.
            if let (Event::Html(next), Some(Event::Html(prev))) = (&event, events.last_mut()) {
                *prev = CowStr::from(format!("{prev}{next}"));
                continue;
            }
            events.push(event);
        }
        let mut events: Vec<Event<'_>> = events
            .into_iter()
            .map(|e| {
                if !matches!(e, Event::Html(_) | Event::InlineHtml(_)) {
                    self.html_at.set((false, false));
                }
                self.in_attributes(e)
            })
            .collect();
        // An image's text is its `alt` attribute: values go in as text, which the renderer
        // escapes for the attribute, never as markup.
        let mut in_image = 0usize;
        for event in &mut events {
            match event {
                Event::Start(Tag::Image { .. }) => in_image += 1,
                Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
                Event::Text(t) | Event::Code(t) if in_image > 0 && t.contains(OPEN) => {
                    *t = CowStr::from(self.plain(t));
                }
                _ => {}
            }
        }
        let toc = self.heading_ids(&mut events);
        let mut rendered = String::with_capacity(self.md.len() * 2);
        html::push_html(&mut rendered, events.into_iter());
        (self.substitute(&rendered), toc)
    }

    /// A value inside a link's address (`[{row.name}](/customers/{row.name})`) or inside raw
    /// HTML (`<a href="/c/{row.id}">`) goes in as its plain text, not as markup; and a link
    /// made with data is kept only if [`crate::escape::url_allowed`] says so (else `#`).
    fn in_attributes<'e>(&self, event: Event<'e>) -> Event<'e> {
        let plain_in = |s: &str| CowStr::from(self.plain(s));
        let safe = |url: CowStr<'e>| if crate::escape::url_allowed(&url) { url } else { CowStr::from("#") };
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id })
                if dest_url.contains(OPEN) || title.contains(OPEN) =>
            {
                let dest_url = if dest_url.contains(OPEN) { safe(plain_in(&dest_url)) } else { dest_url };
                Event::Start(Tag::Link { link_type, dest_url, title: plain_in(&title), id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id })
                if dest_url.contains(OPEN) || title.contains(OPEN) =>
            {
                let dest_url = if dest_url.contains(OPEN) { safe(plain_in(&dest_url)) } else { dest_url };
                Event::Start(Tag::Image { link_type, dest_url, title: plain_in(&title), id })
            }
            // Values pasted into a tag may make a `javascript:` address: checked as links are.
            Event::Html(h) => {
                let with_values = h.contains(OPEN);
                let h = self.in_html(&h);
                Event::Html(if with_values { crate::escape::safe_url_attributes(&h) } else { h }.into())
            }
            Event::InlineHtml(h) => {
                let with_values = h.contains(OPEN);
                let h = self.in_html(&h);
                Event::InlineHtml(if with_values { crate::escape::safe_url_attributes(&h) } else { h }.into())
            }
            other => other,
        }
    }

    /// Raw HTML with values in it: inside a tag (`<a href="/c/{row.id}">`) a value is its
    /// plain text, escaped for the attribute; between tags (`<pre>{inputs.m}</pre>`) an
    /// inline value stays a piece, drawn (and redrawn by the runtime) as anywhere else;
    /// in `<script>`, `<style>`, `<textarea>` and `<title>`, which hold no markup, text.
    fn in_html(&self, h: &str) -> String {
        let mut out = String::new();
        let (mut in_tag, mut raw_text) = self.html_at.get();
        self.each_token(h, |seg| match seg {
            Segment::Text(t) => {
                let mut rest = t;
                while let Some(i) = rest.find(['<', '>']) {
                    if rest.as_bytes()[i] == b'<' {
                        in_tag = true;
                        let name: String = rest[i + 1..]
                            .trim_start_matches('/')
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric())
                            .collect::<String>()
                            .to_ascii_lowercase();
                        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
                            raw_text = !rest[i + 1..].starts_with('/');
                        }
                    } else {
                        in_tag = false;
                    }
                    rest = &rest[i + 1..];
                }
                out.push_str(t);
            }
            Segment::Piece(index, p) if !in_tag && !raw_text && !p.block => push_token(&mut out, index),
            Segment::Piece(_, p) => out.push_str(&crate::escape::attr(&p.plain)),
        });
        self.html_at.set((in_tag, raw_text));
        out
    }

    fn heading_ids(&self, events: &mut [Event<'_>]) -> Vec<TocEntry> {
        let mut used: Vec<String> = Vec::new();
        let mut toc = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let Event::Start(Tag::Heading { level, id, .. }) = &events[i] else {
                i += 1;
                continue;
            };
            let level = *level as u8;
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                match &events[j] {
                    Event::Text(t) | Event::Code(t) => text.push_str(&self.plain(t)),
                    Event::SoftBreak | Event::HardBreak => text.push(' '),
                    _ => {}
                }
                j += 1;
            }
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let base = explicit.unwrap_or_else(|| slug(&text));
            let mut id = base.clone();
            let mut n = 1;
            while used.contains(&id) {
                n += 1;
                id = format!("{base}-{n}");
            }
            used.push(id.clone());
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id.clone()));
            }
            if level == 2 || level == 3 {
                toc.push(TocEntry { level, id, text });
            }
            i = j + 1;
        }
        toc
    }

    /// Text with tokens replaced by their pieces' plain text.
    fn plain(&self, text: &str) -> String {
        let mut out = String::new();
        self.each_token(text, |seg| match seg {
            Segment::Text(t) => out.push_str(t),
            Segment::Piece(_, p) => out.push_str(&p.plain),
        });
        out
    }

    fn substitute(&self, rendered: &str) -> String {
        let mut out = String::with_capacity(rendered.len());
        let mut rest = rendered;
        while let Some(start) = rest.find(OPEN) {
            let (before, tail) = rest.split_at(start);
            out.push_str(before);
            let Some((_, piece, after)) = self.token_at(tail) else {
                out.push(OPEN);
                rest = &tail[OPEN.len_utf8()..];
                continue;
            };
            if piece.block && out.ends_with("<p>") && after.starts_with("</p>") {
                out.truncate(out.len() - "<p>".len());
                out.push_str(&piece.html);
                rest = &after["</p>".len()..];
            } else {
                out.push_str(&piece.html);
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }

    fn each_token<'s>(&self, text: &'s str, mut f: impl FnMut(Segment<'s, '_>)) {
        let mut rest = text;
        while let Some(start) = rest.find(OPEN) {
            let (before, tail) = rest.split_at(start);
            f(Segment::Text(before));
            match self.token_at(tail) {
                Some((index, piece, after)) => {
                    f(Segment::Piece(index, piece));
                    rest = after;
                }
                None => rest = &tail[OPEN.len_utf8()..],
            }
        }
        f(Segment::Text(rest));
    }

    /// The piece whose token starts `s`, and the text after the token.
    /// The piece a token at the start of `s` stands for (its index, itself) and what follows.
    fn token_at<'s>(&self, s: &'s str) -> Option<(usize, &Piece, &'s str)> {
        let body = s.strip_prefix(OPEN)?;
        let end = body.find(CLOSE)?;
        let mut index = 0usize;
        for c in body[..end].chars() {
            let d = (c as u32).checked_sub(DIGIT0).filter(|d| *d < 10)?;
            index = index.checked_mul(10)?.checked_add(d as usize)?;
        }
        Some((index, self.pieces.get(index)?, &body[end + CLOSE.len_utf8()..]))
    }
}

enum Segment<'s, 'p> {
    Text(&'s str),
    /// A piece's token: its index and the piece.
    Piece(usize, &'p Piece),
}

fn is_token_char(c: char) -> bool {
    c == OPEN || c == CLOSE || (DIGIT0..DIGIT0 + 10).contains(&(c as u32))
}

/// A heading's id: lowercase words joined by `-`, as GitHub and Evidence do.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() { "section".to_string() } else { trimmed.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_pieces_stay_in_their_paragraph() {
        let mut d = Doc::default();
        d.text("The largest channel is ");
        d.inline("<span>web</span>".into(), "web".into());
        d.text(".\n");
        let (html, _) = d.finish();
        assert_eq!(html, "<p>The largest channel is <span>web</span>.</p>\n");
    }

    #[test]
    fn blocks_replace_their_paragraph() {
        let mut d = Doc::default();
        d.text("Intro\n");
        d.block("<figure>A</figure>".into());
        d.text("\nAfter");
        d.block("<figure>B</figure>".into());
        d.text(" tail\n");
        let (html, _) = d.finish();
        assert_eq!(html, "<p>Intro</p>\n<figure>A</figure>\n<p>After</p>\n<figure>B</figure>\n<p>tail</p>\n");
    }

    #[test]
    fn values_in_link_addresses_go_in_as_text() {
        let mut d = Doc::default();
        d.text("- [");
        d.inline("<span>Acme Corp</span>".into(), "Acme Corp".into());
        d.text("](/customers/");
        d.inline("<span>Acme Corp</span>".into(), "Acme Corp".into());
        d.text(") and <a href=\"/x/");
        d.inline("<span>a&b</span>".into(), "a&b".into());
        d.text("\">x</a>\n");
        let (html, _) = d.finish();
        assert_eq!(
            html,
            "<ul>\n<li><a href=\"/customers/Acme%20Corp\"><span>Acme Corp</span></a> and <a href=\"/x/a&amp;b\">x</a></li>\n</ul>\n"
        );
    }

    #[test]
    fn values_between_tags_are_drawn_as_anywhere_else_and_text_inside_tags() {
        let mut d = Doc::default();
        d.text("<pre class=\"x\">");
        d.inline("<span class=\"q-slot\">a<b</span>".into(), "a<b".into());
        d.text("</pre>\n\n<div title=\"");
        d.inline("<span>\"q\"</span>".into(), "\"q\"".into());
        d.text("\">\n<style>");
        d.inline("<span>s</span>".into(), "p{}</style><script>".into());
        d.text("</style>\n</div>\n");
        let (html, _) = d.finish();
        assert_eq!(
            html,
            "<pre class=\"x\"><span class=\"q-slot\">a<b</span></pre>\n<div title=\"&quot;q&quot;\">\n<style>p{}&lt;/style&gt;&lt;script&gt;</style>\n</div>\n"
        );
    }

    #[test]
    fn links_made_from_data_never_run_script() {
        let evil = "javascript:alert(1)";
        let mut d = Doc::default();
        d.text("[a](");
        d.inline(format!("<span>{evil}</span>"), evil.into());
        d.text(") ![b](");
        d.inline(format!("<span>{evil}</span>"), evil.into());
        d.text(") [c][r] <a href=\"");
        d.inline(format!("<span>{evil}</span>"), evil.into());
        d.text("\">d</a>\n\n<div>\n<a title=\"t\"\n   href=\"java");
        d.inline("<span>script:x</span>".into(), "script:x".into());
        d.text("\">e</a>\n</div>\n\n[r]: ");
        d.inline(format!("<span>{evil}</span>"), evil.into());
        d.text("\n");
        let (html, _) = d.finish();
        assert!(!html.contains("javascript:"), "{html}");
        assert_eq!(html.matches("href=\"#\"").count(), 4, "{html}");
        assert!(html.contains("src=\"#\""), "{html}");
    }

    #[test]
    fn values_in_an_images_text_or_a_title_stay_inside_their_attribute() {
        let evil = "x\" onerror=\"alert(1)";
        let mut d = Doc::default();
        d.text("![");
        d.inline(format!("<span>{}</span>", crate::escape::text(evil)), evil.into());
        d.text("](a.png \"");
        d.inline(format!("<span>{}</span>", crate::escape::text(evil)), evil.into());
        d.text("\") [b](c/ \"");
        d.inline(format!("<span>{}</span>", crate::escape::text(evil)), evil.into());
        d.text("\")\n");
        let (html, _) = d.finish();
        assert!(!html.contains("<span>"), "{html}");
        assert!(!html.contains("\" onerror"), "{html}");
        assert!(html.contains("alt=\"x&quot; onerror=&quot;alert(1)\""), "{html}");
    }

    #[test]
    fn headings_get_ids_and_toc() {
        let mut d = Doc::default();
        d.text("# Title\n\n## Sales by ");
        d.inline("<span>web</span>".into(), "web".into());
        d.text("\n\n## Sales by web\n\n### Détails & more\n");
        let (html, toc) = d.finish();
        assert!(html.contains("<h2 id=\"sales-by-web\">Sales by <span>web</span></h2>"), "{html}");
        assert!(html.contains("<h2 id=\"sales-by-web-2\">"), "{html}");
        let ids: Vec<_> = toc.iter().map(|t| (t.level, t.id.as_str(), t.text.as_str())).collect();
        assert_eq!(
            ids,
            [
                (2, "sales-by-web", "Sales by web"),
                (2, "sales-by-web-2", "Sales by web"),
                (3, "détails-more", "Détails & more")
            ]
        );
    }
}
