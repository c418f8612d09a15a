//! How the binary prints: errors with their source lines, and a little colour on a terminal.

use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme};
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

/// Print a failed build: each author error with its snippet, then one closing line.
pub fn build_error(e: &BuildError) {
    let theme = if colour() { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    match e {
        BuildError::Author(errors) => {
            for err in errors {
                let mut out = String::new();
                if handler.render_report(&mut out, err).is_ok() {
                    eprintln!("{}: {}\n{out}", red("error"), err.location());
                } else {
                    eprintln!("{}: {err}", red("error"));
                }
            }
            eprintln!(
                "{}: the build failed with {} error{}; the previous site was left as it was",
                red("error"),
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
        }
        other => {
            eprintln!("{}: {other}", red("error"));
            if let Some(help) = other.help() {
                eprintln!("  help: {help}");
            }
            eprintln!("{}: the build failed; the previous site was left as it was", red("error"));
        }
    }
}
