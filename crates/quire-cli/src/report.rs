//! How the binary prints: errors with their source lines, and a little colour on a terminal.

use std::io::IsTerminal;

use quire_build::BuildError;

fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn paint(code: &str, s: &str) -> String {
    if colour() { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
}

pub fn green(s: &str) -> String {
    paint("1;32", s)
}
pub fn yellow(s: &str) -> String {
    paint("1;33", s)
}
pub fn red(s: &str) -> String {
    paint("1;31", s)
}

pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// Print a failed build: each error with its snippet, then one closing line.
pub fn build_error(e: &BuildError) {
    error(e, "the build failed", "the previous site was left as it was");
}

/// Print a failed pipeline run, as a failed build.
pub fn run_error(e: &BuildError) {
    error(e, "the run stopped", "the last committed tables were left as they were");
}

fn error(e: &BuildError, what: &str, kept: &str) {
    let diagnostics = e.diagnostics(colour());
    for d in &diagnostics {
        match e {
            BuildError::Author(_) => eprintln!("{}: {}\n{}", red("error"), d.location, d.report),
            _ => eprintln!(
                "{}: {}",
                red("error"),
                if d.location.is_empty() { d.report.clone() } else { format!("{}: {}", d.location, d.report) }
            ),
        }
    }
    let n = diagnostics.len();
    match e {
        BuildError::Author(_) => {
            eprintln!("{}: {what} with {n} error{}; {kept}", red("error"), if n == 1 { "" } else { "s" })
        }
        _ => eprintln!("{}: {what}; {kept}", red("error")),
    }
}

/// Print warnings (things a build survives), each with its snippet.
pub fn warnings(w: &[quire_core::AuthorError]) {
    if w.is_empty() {
        return;
    }
    for d in BuildError::Author(w.to_vec()).diagnostics(colour()) {
        eprintln!("{}: {}\n{}", yellow("warning"), d.location, d.report);
    }
}

/// The mistakes a build drew as error boxes (`on_error = "page"`): errors when they fail
/// the build, warnings when `fail_on_error_pages = false` lets it pass.
pub fn error_pages(e: &[quire_core::AuthorError], fail: bool) {
    for d in BuildError::Author(e.to_vec()).diagnostics(colour()) {
        let kind = if fail { red("error") } else { yellow("warning") };
        eprintln!("{kind}: {}\n{}", d.location, d.report);
    }
}

/// Print a failed check.
pub fn check_error(e: &BuildError) {
    error(e, "the check failed", "nothing was written");
}
