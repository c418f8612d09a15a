//! Models on disk: `pipeline/<stage>/<model>.sql`, each one `SELECT` that becomes table
//! `<stage>.<model>`, with its settings and data tests from a `-- config:` header or a
//! `<model>.toml` beside it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use quire_core::{AuthorError, Problem, SourceFile, Span};
use serde::Deserialize;

/// One model.
#[derive(Debug, Clone)]
pub struct Model {
    pub stage: String,
    pub name: String,
    /// `pipeline/<stage>/<model>.sql`, and its text (a `-- config:` header is SQL comments,
    /// so the engine reads the whole file).
    pub file: Arc<SourceFile>,
    pub config: ModelConfig,
    /// The file the config came from, when it is a `<model>.toml`.
    pub config_file: Option<Arc<SourceFile>>,
}

impl Model {
    /// `stage.model`.
    pub fn table(&self) -> String {
        format!("{}.{}", self.stage, self.name)
    }
    pub fn sql(&self) -> &str {
        &self.file.text
    }
}

/// A model's settings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Bump to rebuild the model although nothing it reads changed (a non-deterministic
    /// function, an outside effect).
    pub version: Option<toml::Value>,
    #[serde(default)]
    pub tests: Tests,
}

/// Data tests, checked after the model runs and before its stage is committed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tests {
    /// Columns that must have no NULL.
    #[serde(default)]
    pub not_null: Vec<String>,
    /// Columns (or `"a, b"` column sets) whose values must not repeat.
    #[serde(default)]
    pub unique: Vec<String>,
    /// Column → the only values it may hold.
    #[serde(default)]
    pub accepted_values: BTreeMap<String, Vec<toml::Value>>,
    /// Column → `stage.model.column` (or `source.table.column`) every non-NULL value must be in.
    #[serde(default)]
    pub relationships: BTreeMap<String, String>,
    #[serde(default)]
    pub row_count: Option<RowCount>,
    /// SQL that must return no rows; `{{ this }}` (or `this`) is the model's table.
    #[serde(default)]
    pub sql: Vec<SqlTest>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowCount {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlTest {
    pub name: String,
    pub sql: String,
}

impl Tests {
    pub fn count(&self) -> usize {
        self.not_null.len()
            + self.unique.len()
            + self.accepted_values.len()
            + self.relationships.len()
            + usize::from(self.row_count.is_some())
            + self.sql.len()
    }
}

/// Every model under `pipeline/`, in stage then name order. Folders and files whose names
/// are not SQL identifiers are errors, as is a config that does not parse.
pub fn discover(root: &Path) -> Result<Vec<Model>, Vec<AuthorError>> {
    let dir = root.join("pipeline");
    let mut models = Vec::new();
    let mut errors = Vec::new();
    let Ok(stages) = std::fs::read_dir(&dir) else { return Ok(models) };
    let mut stages: Vec<_> = stages.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    stages.sort();
    for stage_dir in stages {
        let stage = stage_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if stage.starts_with('.') {
            continue;
        }
        let Ok(files) = std::fs::read_dir(&stage_dir) else { continue };
        let mut files: Vec<_> = files.flatten().map(|e| e.path()).collect();
        files.sort();
        for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "sql")) {
            let name = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let rel = format!("pipeline/{stage}/{name}.sql");
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    let file = SourceFile::new(rel, "");
                    errors.push(Problem::new(format!("cannot read this model: {e}"), Span::default()).in_file(&file));
                    continue;
                }
            };
            let file = SourceFile::new(rel, text.as_str());
            for (what, id) in [("stage folder", &stage), ("model file", &name)] {
                if !is_identifier(id) {
                    errors.push(
                        Problem::new(format!("`{id}` cannot name a table: rename this {what}"), Span::new(0, 0))
                            .help("use lower-case letters, digits and `_`, starting with a letter: it becomes `stage.model` in SQL")
                            .in_file(&file),
                    );
                }
            }
            let toml_path = path.with_extension("toml");
            let (config, config_file) = if toml_path.is_file() {
                let t = std::fs::read_to_string(&toml_path).unwrap_or_default();
                let cf = SourceFile::new(format!("pipeline/{stage}/{name}.toml"), t.as_str());
                match parse_config(&t) {
                    Ok(c) => (c, Some(cf)),
                    Err(p) => {
                        errors.push(p.in_file(&cf));
                        continue;
                    }
                }
            } else {
                match header_config(&text) {
                    Ok(c) => (c, None),
                    Err(p) => {
                        errors.push(p.in_file(&file));
                        continue;
                    }
                }
            };
            models.push(Model { stage: stage.clone(), name, file, config, config_file });
        }
    }
    if errors.is_empty() { Ok(models) } else { Err(errors) }
}

fn parse_config(text: &str) -> Result<ModelConfig, Problem> {
    toml::from_str(text).map_err(|e| {
        let span = e.span().map_or(Span::new(0, 0), |r| Span::new(r.start, r.end));
        Problem::new(e.message().to_string(), span).help(
            "a model's config takes `version` and `[tests]` with not_null, unique, accepted_values, relationships, row_count and [[tests.sql]]",
        )
    })
}

/// The TOML in a `-- config:` header: the comment lines after it, `-- ` removed, up to the
/// first line that is not a comment. Spans point back into the `.sql`.
fn header_config(text: &str) -> Result<ModelConfig, Problem> {
    let mut offset = 0;
    let mut toml_text = String::new();
    // Each line of the TOML: (offset in the TOML, offset in the file).
    let mut map: Vec<(usize, usize)> = Vec::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        if !inside {
            if let Some(rest) = trimmed.strip_prefix("-- config:").or_else(|| trimmed.strip_prefix("--config:")) {
                inside = true;
                if !rest.trim().is_empty() {
                    map.push((toml_text.len(), offset + lead + line[lead..].find(rest).unwrap_or(0)));
                    toml_text.push_str(rest.trim_start());
                    if !toml_text.ends_with('\n') {
                        toml_text.push('\n');
                    }
                }
            } else if !trimmed.is_empty() && !trimmed.starts_with("--") {
                break;
            }
        } else if let Some(rest) = trimmed.strip_prefix("--") {
            let rest_at = offset + lead + 2 + usize::from(rest.starts_with(' '));
            map.push((toml_text.len(), rest_at));
            toml_text.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            if !toml_text.ends_with('\n') {
                toml_text.push('\n');
            }
        } else {
            break;
        }
        offset += line.len();
    }
    if !inside {
        return Ok(ModelConfig::default());
    }
    parse_config(&toml_text).map_err(|mut p| {
        let to_file = |at: usize| map.iter().rev().find(|(t, _)| *t <= at).map_or(0, |(t, f)| f + (at - t));
        p.span = Span::new(to_file(p.span.start), to_file(p.span.end.max(p.span.start)));
        p
    })
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
