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
