//! What can stop a build.

use std::path::PathBuf;

use quire_core::AuthorError;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Mistakes in the author's files, each with its place.
    #[error("{} error{} in the project", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Author(Vec<AuthorError>),
    /// A file the project needs could not be read or written.
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String, help: Option<String> },
    #[error("{0}")]
    Internal(String),
}

impl BuildError {
    pub fn file(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Self {
        BuildError::File { path: path.into(), message: message.to_string(), help: None }
    }
    pub fn help(&self) -> Option<&str> {
        match self {
            BuildError::File { help, .. } => help.as_deref(),
            _ => None,
        }
    }
}

/// One error as an author reads it: `file:line:col`, the message, the source lines with the
/// span marked, and what to do. `colour` adds terminal colours.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostic {
    /// `pages/index.md:12:8`, or the file's path.
    pub location: String,
    pub message: String,
    /// The message with its source snippet and help, drawn as on the terminal.
    pub report: String,
}

impl BuildError {
    /// Each error of this build, drawn for a reader (see [`Diagnostic`]).
    pub fn diagnostics(&self, colour: bool) -> Vec<Diagnostic> {
        use miette::{GraphicalReportHandler, GraphicalTheme};
        let theme = if colour { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
        match self {
            BuildError::Author(errors) => errors
                .iter()
                .map(|err| {
                    let mut report = String::new();
                    if handler.render_report(&mut report, err).is_err() {
                        report = err.to_string();
                    }
                    Diagnostic { location: err.location(), message: err.to_string(), report }
                })
                .collect(),
            BuildError::File { path, message, help } => {
                let mut report = message.clone();
                if let Some(help) = help {
                    report.push_str(&format!("\n  help: {help}"));
                }
                vec![Diagnostic { location: path.display().to_string(), message: message.clone(), report }]
            }
            BuildError::Internal(message) => {
                vec![Diagnostic { location: String::new(), message: message.clone(), report: message.clone() }]
            }
        }
    }
}
