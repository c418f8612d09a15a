//! `quire.toml` and page front matter. Unknown keys are errors, not silent defaults.

use serde::Deserialize;

use crate::diag::Problem;
use crate::span::Span;

/// `quire.toml` at the project's root. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Config {
    /// The site's name, shown in the header and in page titles.
    pub title: Option<String>,
    /// `quire run`'s settings.
    pub pipeline: Option<PipelineConfig>,
    /// `quire build`'s settings.
    pub build: Option<BuildConfig>,
}

/// `[build]` in `quire.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct BuildConfig {
    /// Keep the output folder's top-level dotfiles and dot-folders (`.git`, `.nojekyll`)
    /// from one build to the next, as Zola's setting of the same name does.
    pub preserve_dotfiles_in_output: Option<bool>,
    /// Other top-level names in the output folder to keep from one build to the next
    /// (`["CNAME"]`).
    pub preserve_in_output: Option<Vec<String>>,
}

/// `[pipeline]` in `quire.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct PipelineConfig {
    /// How many threads a model may use (default 1). More is faster on large models; sums
    /// of floating-point columns may then differ in their last bits from run to run, so a
    /// full refresh is no longer byte-identical.
    pub threads: Option<usize>,
    /// Where models run: DataFusion in the process (the default), or an Apache Ballista
    /// cluster, `"ballista://host:port"` (its scheduler).
    pub engine: Option<String>,
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, Problem> {
        toml::from_str(text).map_err(|e| {
            let span = e.span().map_or(Span::new(0, 0), |r| Span::new(r.start, r.end));
            Problem::new(e.message().to_string(), span)
                .help(
                "quire.toml takes `title = \"...\"`, a `[pipeline]` table with `threads = N` and `engine = \"ballista://host:port\"`, \
                 and a `[build]` table with `preserve_dotfiles_in_output = true` and `preserve_in_output = [\"CNAME\"]`",
            )
        })
    }
}

/// The YAML block between `---` lines at the top of a page.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub sidebar_position: Option<i64>,
    pub sidebar_link: Option<bool>,
    pub hide_toc: Option<bool>,
    pub og: Option<serde_yaml::Value>,
    pub queries: Option<serde_yaml::Value>,
}

/// Front matter and the offset where the body starts.
pub fn split_front_matter(text: &str) -> Result<(FrontMatter, usize), Problem> {
    let Some(after) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Ok((FrontMatter::default(), 0));
    };
    let start = text.len() - after.len();
    let mut pos = start;
    for line in after.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &text[start..pos];
            let body = pos + line.len();
            if yaml.trim().is_empty() {
                return Ok((FrontMatter::default(), body));
            }
            return serde_yaml::from_str(yaml).map(|f| (f, body)).map_err(|e| {
                let at = e.location().map_or(start, |l| start + l.index());
                Problem::new(format!("front matter: {e}"), Span::new(at, at + 1)).help(
                    "front matter takes title, description, sidebar_position, sidebar_link, hide_toc, og, queries",
                )
            });
        }
        pos += line.len();
    }
    Err(Problem::new("the front matter is never closed", Span::new(0, 3)).help("end it with a line holding only `---`"))
}
