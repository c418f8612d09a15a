//! `quire check`.

use std::path::PathBuf;
use std::process::ExitCode;

use quire_build::BuildError;

use crate::report;

/// Check a project without writing a site: for CI and editors.
///
/// Everything `quire build` checks, nothing it writes: every page parses, every query plans
/// and runs, every `${reference}`, component, prop, column and format resolves. The
/// pipeline's stale models run first (as for `quire build`), unless `--no-run`.
///
/// Exits 0 when the project builds, 1 when it does not. `--format json` prints one JSON
/// object on stdout: `{"ok", "pages", "queries", "errors": [...], "warnings": [...]}`, each
/// problem with `file`, `line`, `column`, `message` and `report` (what the terminal shows).
#[derive(clap::Args)]
pub struct Args {
    /// The project folder (holding `pages/` and `sources/`).
    #[arg(default_value = ".")]
    project: PathBuf,
    /// How to report: `human` on stderr, or `json` on stdout.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Fail on warnings too (a component whose query returns no rows).
    #[arg(long)]
    strict: bool,
    /// Do not run the pipeline first; check against its tables as last committed.
    #[arg(long)]
    no_run: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(args: Args) -> ExitCode {
    let json = args.format == Format::Json;
    if !args.no_run
        && quire_pipeline::exists(&args.project)
        && crate::cmd::run::pipeline(&args.project, &quire_pipeline::RunOptions::default(), true).is_err()
    {
        if json {
            println!(
                "{}",
                serde_json::json!({ "ok": false, "errors": [{ "message": "the pipeline failed; run `quire run` to see why" }] })
            );
        }
        return ExitCode::FAILURE;
    }
    let result = quire_build::check(&args.project);
    let (pages, queries, warnings, error) = match result {
        Ok(site) => (site.pages, site.queries, site.warnings, None),
        Err(e) => (0, 0, Vec::new(), Some(e)),
    };
    let failed = error.is_some() || (args.strict && !warnings.is_empty());
    if json {
        let problems =
            |e: &BuildError| -> Vec<serde_json::Value> { e.diagnostics(false).iter().map(problem_json).collect() };
        let errors = error.as_ref().map(problems).unwrap_or_default();
        let warnings = if warnings.is_empty() { Vec::new() } else { problems(&BuildError::Author(warnings)) };
        println!(
            "{}",
            serde_json::json!({
                "ok": !failed,
                "pages": pages,
                "queries": queries,
                "errors": errors,
                "warnings": warnings,
            })
        );
    } else {
        report::warnings(&warnings);
        match &error {
            Some(e) => report::check_error(e),
            None if failed => eprintln!(
                "{}: {} warning{} with --strict",
                report::red("error"),
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" }
            ),
            None => eprintln!(
                "{:>10} {pages} page{}, {queries} quer{}: all good",
                report::green("Checked"),
                if pages == 1 { "" } else { "s" },
                if queries == 1 { "y" } else { "ies" }
            ),
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// `pages/index.md:12:8` split into file, line and column.
fn problem_json(d: &quire_build::Diagnostic) -> serde_json::Value {
    let mut parts = d.location.rsplitn(3, ':');
    let (col, line, file) = (parts.next(), parts.next(), parts.next());
    let (file, line, column) =
        match (file, line.and_then(|l| l.parse::<u64>().ok()), col.and_then(|c| c.parse::<u64>().ok())) {
            (Some(f), Some(l), Some(c)) => (f.to_string(), Some(l), Some(c)),
            _ => (d.location.clone(), None, None),
        };
    serde_json::json!({ "file": file, "line": line, "column": column, "message": d.message, "report": d.report })
}
