//! `{@partial "name.md"}`: a file from `partials/` pasted in place of the tag before the
//! page is parsed, as Evidence does. Tags inside code (fences, inline code) are left alone.
//!
//! The spliced text remembers which file every byte came from, so a problem found in it
//! points at the partial's own line.

use crate::diag::Problem;
use crate::span::Span;

/// A page's text with its partials pasted in.
#[derive(Debug, Clone, PartialEq)]
pub struct Spliced {
    pub text: String,
    /// The partials pasted in, by name; file `i + 1` in [`Spliced::locate`].
    pub partials: Vec<String>,
    regions: Vec<Region>,
    /// How many `{@partial}` tags were pasted, nested ones included.
    pastes: usize,
    /// How many SQL files [`Spliced::append_query`] added.
    appended: usize,
}

/// `text[start..end]` is file `file`'s text from byte `origin`.
#[derive(Debug, Clone, PartialEq)]
struct Region {
    start: usize,
    end: usize,
    file: usize,
    origin: usize,
}

impl Spliced {
    /// The file (0 for the page, `i + 1` for `partials[i]`) and offset that byte `at` of the
    /// spliced text came from.
    pub fn locate(&self, at: usize) -> (usize, usize) {
        let r = self.regions.iter().find(|r| r.start <= at && at < r.end).or_else(|| self.regions.last());
        r.map_or((0, at), |r| (r.file, r.origin + at.min(r.end) - r.start))
    }

    /// Add a SQL file a page names (`queries:`) as one more query of the page: a
    /// ```` ```sql name ```` fence at the end holding the file's text. Its file index is the
    /// one after every partial's (and earlier files'); the fence's own lines point at the
    /// file's start.
    pub fn append_query(&mut self, name: &str, sql: &str) -> usize {
        let file = self.partials.len() + 1 + self.appended;
        self.appended += 1;
        let longest = sql.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        let mut add = |text: &str, origin: usize, maps: bool| {
            let start = self.text.len();
            self.text.push_str(text);
            let origin = if maps { origin } else { 0 };
            self.regions.push(Region { start, end: self.text.len(), file, origin });
        };
        add(&format!("\n\n{fence}sql {name}\n"), 0, false);
        add(sql, 0, true);
        let close = if sql.ends_with('\n') { format!("{fence}\n") } else { format!("\n{fence}\n") };
        add(&close, 0, false);
        file
    }

    /// A span of the spliced text in the file it came from: (file, span).
    pub fn locate_span(&self, span: Span) -> (usize, Span) {
        let (file, start) = self.locate(span.start);
        let (end_file, end) = self.locate(span.end.saturating_sub(1).max(span.start));
        let end = if end_file == file && span.end > span.start { end + 1 } else { start + (span.end - span.start) };
        (file, Span::new(start, end.max(start)))
    }
}

/// Bounds on what pasting may make of one page: partials that paste the next one twice
/// would otherwise double the page at every level.
pub const MAX_PAGE_BYTES: usize = 16 << 20;
pub const MAX_PASTES: usize = 10_000;
pub const MAX_PARTIAL_DEPTH: usize = 50;

/// Where a splice failed: the partial it failed in (`None` for the page itself) and the
/// problem there.
pub type SpliceError = (Option<String>, Problem);

/// Paste every `{@partial "name"}` of `text` (recursively). `load` reads `partials/<name>`.
pub fn splice(text: &str, load: &mut dyn FnMut(&str) -> Option<String>) -> Result<Spliced, SpliceError> {
    let mut out = Spliced { text: String::new(), partials: Vec::new(), regions: Vec::new(), pastes: 0, appended: 0 };
    let mut stack = Vec::new();
    match splice_into(0, text, &mut stack, &mut out, load) {
        Ok(()) => Ok(out),
        Err((0, p)) => Err((None, p)),
        Err((i, p)) => Err((out.partials.get(i - 1).cloned(), p)),
    }
}

fn splice_into(
    file: usize,
    text: &str,
    stack: &mut Vec<String>,
    out: &mut Spliced,
    load: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<(), (usize, Problem)> {
    let mut copied = 0;
    let push = |out: &mut Spliced, from: usize, to: usize| {
        if to > from {
            let start = out.text.len();
            out.text.push_str(&text[from..to]);
            out.regions.push(Region { start, end: out.text.len(), file, origin: from });
        }
    };
    for (start, end, name) in tags(text) {
        let span = Span::new(start, end);
        let Some(name) = name else {
            return Err((
                file,
                Problem::new("`{@partial}` needs a file name in quotes", span).help("write `{@partial \"footer.md\"}`"),
            ));
        };
        if let Some(pos) = stack.iter().position(|s| *s == name) {
            let mut cycle: Vec<&str> = stack[pos..].iter().map(String::as_str).collect();
            cycle.push(&name);
            return Err((
                file,
                Problem::new(format!("partials include each other in a cycle: {}", cycle.join(" → ")), span)
                    .label("this closes the cycle")
                    .help("a partial cannot include itself, directly or through another partial"),
            ));
        }
        let Some(body) = load(&name) else {
            return Err((
                file,
                Problem::new(format!("there is no partial `{name}`"), span)
                    .label("not found in partials/")
                    .help(format!("create partials/{name}, or fix the name")),
            ));
        };
        out.pastes += 1;
        let too_much = if stack.len() >= MAX_PARTIAL_DEPTH {
            Some(format!("partials nest more than {MAX_PARTIAL_DEPTH} deep"))
        } else if out.pastes > MAX_PASTES {
            Some(format!("this page pastes partials more than {MAX_PASTES} times"))
        } else if out.text.len() + body.len() > MAX_PAGE_BYTES {
            Some(format!("pasting partials makes this page larger than {} MiB", MAX_PAGE_BYTES >> 20))
        } else {
            None
        };
        if let Some(what) = too_much {
            let mut chain: Vec<&str> = stack.iter().map(String::as_str).collect();
            chain.push(&name);
            return Err((
                file,
                Problem::new(format!("{what}: {}", chain.join(" → ")), span)
                    .label("pasted here")
                    .help("a partial that pastes another several times multiplies at every level; paste each once"),
            ));
        }
        push(out, copied, start);
        copied = end;
        let index = match out.partials.iter().position(|p| *p == name) {
            Some(i) => i + 1,
            None => {
                out.partials.push(name.clone());
                out.partials.len()
            }
        };
        stack.push(name);
        splice_into(index, &body, stack, out, load)?;
        stack.pop();
    }
    push(out, copied, text.len());
    Ok(())
}

/// Every `{@partial ...}` outside code: (start, end, the quoted name if there is one).
fn tags(text: &str) -> Vec<(usize, usize, Option<String>)> {
    let mut out = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    // Front matter is YAML, not Markdown: nothing in it is pasted.
    let mut line_start = crate::config::split_front_matter(text).map_or(0, |(_, body, _)| body);
    while line_start < text.len() {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i + 1);
        let line = &text[line_start..line_end];
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let run_of = |c: u8| trimmed.bytes().take_while(|&b| b == c).count();
        match fence {
            Some((c, len)) => {
                if indent <= 3 && run_of(c) >= len && trimmed[run_of(c)..].trim().is_empty() {
                    fence = None;
                }
            }
            None => {
                let (b, t) = (run_of(b'`'), run_of(b'~'));
                if indent <= 3 && (b >= 3 || t >= 3) {
                    fence = Some(if b >= 3 { (b'`', b) } else { (b'~', t) });
                } else {
                    let mut from = 0;
                    while let Some(i) = line[from..].find("{@partial") {
                        let at = from + i;
                        // Inside an inline code span: an odd number of backticks before it.
                        if line[..at].matches('`').count() % 2 == 1 {
                            from = at + 1;
                            continue;
                        }
                        let Some(close) = line[at..].find('}') else { break };
                        let inner = line[at + "{@partial".len()..at + close].trim();
                        let name = inner
                            .strip_prefix('"')
                            .and_then(|s| s.strip_suffix('"'))
                            .or_else(|| inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                            .filter(|n| !n.is_empty())
                            .map(str::to_string);
                        out.push((line_start + at, line_start + at + close + 1, name));
                        from = at + close + 1;
                    }
                }
            }
        }
        line_start = line_end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str) -> Option<String> {
        match name {
            "a.md" => Some("A1 {@partial \"b.md\"} A2".into()),
            "b.md" => Some("B".into()),
            "loop.md" => Some("{@partial \"loop2.md\"}".into()),
            "loop2.md" => Some("x {@partial \"loop.md\"}".into()),
            _ => None,
        }
    }

    #[test]
    fn pastes_recursively_and_locates_bytes() {
        let s = splice("x\n{@partial \"a.md\"}\n`{@partial \"no.md\"}`\n```\n{@partial \"no.md\"}\n```\n", &mut load)
            .unwrap();
        assert_eq!(s.text, "x\nA1 B A2\n`{@partial \"no.md\"}`\n```\n{@partial \"no.md\"}\n```\n");
        assert_eq!(s.partials, ["a.md", "b.md"]);
        assert_eq!(s.locate(2), (1, 0)); // "A1"
        assert_eq!(s.locate(5), (2, 0)); // "B"
        assert_eq!(s.locate(7), (1, 21)); // "A2"
        assert_eq!(s.locate(10), (0, 20)); // the line after the tag
    }

    #[test]
    fn front_matter_is_left_alone() {
        let s = splice("---\ndescription: use {@partial \"x.md\"}\n---\n{@partial \"b.md\"}\n", &mut load).unwrap();
        assert_eq!(s.text, "---\ndescription: use {@partial \"x.md\"}\n---\nB\n");
    }

    #[test]
    fn a_partial_bomb_stops_with_its_chain() {
        // Each level pastes the next twice: 2^40 copies of the last one.
        let mut load = |name: &str| {
            let n: usize = name.trim_end_matches(".md").parse().ok()?;
            Some(if n == 40 {
                "x".repeat(1000)
            } else {
                format!("{{@partial \"{}.md\"}}\n{{@partial \"{}.md\"}}\n", n + 1, n + 1)
            })
        };
        let (file, problem) = splice("{@partial \"0.md\"}\n", &mut load).expect_err("too large");
        assert!(file.is_some());
        assert!(
            problem.message.starts_with("this page pastes partials more than 10000 times: 0.md → 1.md")
                || problem.message.starts_with("pasting partials makes this page larger"),
            "{}",
            problem.message
        );
        let mut deep = |name: &str| {
            let n: usize = name.trim_end_matches(".md").parse().ok()?;
            Some(format!("{{@partial \"{}.md\"}}\n", n + 1))
        };
        let (_, problem) = splice("{@partial \"0.md\"}\n", &mut deep).expect_err("too deep");
        assert!(problem.message.starts_with("partials nest more than 50 deep: 0.md → 1.md"), "{}", problem.message);
    }

    #[test]
    fn cycles_and_missing_files_are_errors() {
        let (file, p) = splice("{@partial \"loop.md\"}", &mut load).unwrap_err();
        assert_eq!(file.as_deref(), Some("loop2.md"));
        assert_eq!(p.message, "partials include each other in a cycle: loop.md → loop2.md → loop.md");
        let (file, p) = splice("ok\n{@partial \"gone.md\"}", &mut load).unwrap_err();
        assert_eq!((file, p.span.start), (None, 3));
        assert_eq!(p.message, "there is no partial `gone.md`");
    }
}
