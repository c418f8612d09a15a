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
    /// What a page with a mistake does: `"fail"` (the default) stops the build and writes
    /// nothing; `"page"` builds every page, with an error box in place of what failed, as
    /// Evidence does, and fails at the end.
    pub on_error: Option<OnError>,
    /// With `on_error = "page"`: `false` lets a build with error boxes succeed (exit 0), as
    /// Evidence's `npm run build` does.
    pub fail_on_error_pages: Option<bool>,
    /// How many threads compile pages and run their queries (default: the machine's cores,
    /// at most 8). A page's independent queries run side by side, each on one thread, so
    /// the site is the same bytes at any count; `threads = 1` runs one at a time.
    pub threads: Option<std::num::NonZeroUsize>,
}

impl BuildConfig {
    /// The build's threads: [`BuildConfig::threads`], or the machine's cores (at most 8).
    pub fn threads(config: &Config) -> usize {
        match config.build.as_ref().and_then(|b| b.threads) {
            Some(n) => n.get(),
            None => std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(8),
        }
    }
}

/// `[build] on_error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    Fail,
    Page,
}

/// `[pipeline]` in `quire.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct PipelineConfig {
    /// How many models may run at once (default: the machine's cores). Models that do not
    /// read each other run side by side, each on one thread, so a model's rows and bytes
    /// are the same at any count.
    pub threads: Option<std::num::NonZeroUsize>,
    /// Into how many parts one model's query is split (default 1). More is faster on a
    /// large model; its rows may then come out in another order from run to run (its sums
    /// do not change: they are exact), so its file is no longer the same bytes every run.
    pub partitions: Option<usize>,
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
                "quire.toml takes `title = \"...\"`, a `[pipeline]` table with `threads = N`, `partitions = N` and `engine = \"ballista://host:port\"`, \
                 and a `[build]` table with `preserve_dotfiles_in_output = true`, `preserve_in_output = [\"CNAME\"]`, \
                 `on_error = \"fail\"` or `\"page\"`, `fail_on_error_pages = false` and `threads = N`",
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

/// The front-matter keys quire reads. Evidence's pages carry others (`sidebar`, its layout
/// options, keys of their own); those are warnings, as Evidence ignores them too.
pub const FRONT_MATTER_KEYS: &[&str] =
    &["title", "description", "sidebar_position", "sidebar_link", "hide_toc", "og", "queries"];

/// Front matter, the offset where the body starts, and warnings for keys quire does not
/// read (each at its key, with a did-you-mean).
pub fn split_front_matter(text: &str) -> Result<(FrontMatter, usize, Vec<Problem>), Problem> {
    let Some(after) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Ok((FrontMatter::default(), 0, Vec::new()));
    };
    let start = text.len() - after.len();
    let mut pos = start;
    for line in after.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &text[start..pos];
            let body = pos + line.len();
            if yaml.trim().is_empty() {
                return Ok((FrontMatter::default(), body, Vec::new()));
            }
            let bad = |e: serde_yaml::Error| {
                let at = e.location().map_or(start, |l| start + l.index());
                Problem::new(format!("front matter: {e}"), Span::new(at, at + 1))
                    .help(format!("front matter takes {}", FRONT_MATTER_KEYS.join(", ")))
            };
            let mut value: serde_yaml::Value = serde_yaml::from_str(yaml).map_err(bad)?;
            let mut warnings = Vec::new();
            if let serde_yaml::Value::Mapping(map) = &mut value {
                let unknown: Vec<String> = map
                    .keys()
                    .filter_map(|k| k.as_str())
                    .filter(|k| !FRONT_MATTER_KEYS.contains(k))
                    .map(str::to_string)
                    .collect();
                for key in unknown {
                    map.remove(key.as_str());
                    let help = match crate::components::suggest(&key, FRONT_MATTER_KEYS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`? (quire reads {})", FRONT_MATTER_KEYS.join(", ")),
                        None => {
                            format!("quire reads {}; remove it, or keep it for Evidence", FRONT_MATTER_KEYS.join(", "))
                        }
                    };
                    warnings.push(
                        Problem::new(format!("front matter: quire does not read `{key}`"), key_span(yaml, start, &key))
                            .label("ignored")
                            .help(help),
                    );
                }
            }
            return serde_yaml::from_value(value).map(|f| (f, body, warnings)).map_err(|e| {
                Problem::new(format!("front matter: {e}"), Span::new(start, start + 1))
                    .help(format!("front matter takes {}", FRONT_MATTER_KEYS.join(", ")))
            });
        }
        pos += line.len();
    }
    Err(Problem::new("the front matter is never closed", Span::new(0, 3)).help("end it with a line holding only `---`"))
}

/// Where `key:` starts in a front-matter block that begins at `start` (the block's start
/// when it is written some other way).
pub(crate) fn key_span(yaml: &str, start: usize, key: &str) -> Span {
    let mut at = 0;
    for line in yaml.split_inclusive('\n') {
        let bare = line.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':'));
        let quoted = ['"', '\'']
            .iter()
            .any(|q| line.strip_prefix(*q).and_then(|r| r.strip_prefix(key)).is_some_and(|r| r.starts_with(*q)));
        if bare || quoted {
            let len = key.len() + if quoted { 2 } else { 0 };
            return Span::new(start + at, start + at + len);
        }
        at += line.len();
    }
    Span::new(start, start + 1)
}
