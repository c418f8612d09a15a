//! Errors meant for authors: a message, the span it is about, and what to do.

use std::sync::Arc;

use miette::{LabeledSpan, SourceSpan};

use crate::span::{SourceFile, Span};

/// A problem found in one file, before the file's name is attached.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub span: Span,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        Problem { message: message.into(), span, label: None, help: None }
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }
    pub fn in_file(self, file: &Arc<SourceFile>) -> AuthorError {
        AuthorError { file: Arc::clone(file), problem: self }
    }
}

/// A [`Problem`] in a named file: what `quire build` prints, as `path:line:col` with the
/// offending line underlined.
#[derive(Debug, Clone)]
pub struct AuthorError {
    pub file: Arc<SourceFile>,
    pub problem: Problem,
}

impl AuthorError {
    /// `path:line:col` of the start of the span.
    pub fn location(&self) -> String {
        self.file.location(self.problem.span.start)
    }
}

impl std::fmt::Display for AuthorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.problem.message)
    }
}

impl std::error::Error for AuthorError {}

impl miette::Diagnostic for AuthorError {
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.problem.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.problem.span;
        let len = span.len().max(1).min(self.file.text.len().saturating_sub(span.start).max(1));
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.problem.label.clone(),
            SourceSpan::new(span.start.into(), len),
        ))))
    }
}

impl miette::SourceCode for AuthorError {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.file.text.as_ref().read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.path.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}
