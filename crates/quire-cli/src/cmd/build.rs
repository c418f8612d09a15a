//! `quire build`.

use std::path::PathBuf;
use std::process::ExitCode;

use quire_build::{BuildOptions, Runtime};

use crate::report;

/// Compile a project into a static site.
///
/// Every page's queries run on DataFusion; every chart, table and value is rendered into
/// the HTML, so the pages are complete without JavaScript. The tables the browser needs are
/// exported as Parquet beside the pages, with the runtime that re-queries them.
///
/// If the project has a `pipeline/`, the models that are out of date run first (as `quire
/// run` does); `--no-run` builds with the tables as last committed.
///
/// The site is written beside the old one and swapped in at the end: if anything fails,
/// the previous `dist/` is left untouched and every error is printed with its
/// `file:line:col`.
#[derive(clap::Args)]
pub struct Args {
    /// The project folder (holding `pages/` and `sources/`).
    #[arg(default_value = ".")]
    project: PathBuf,
    /// Where to write the site [default: PROJECT/dist].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Also say, for each query a reader's input re-runs, whether the browser runs it on a
    /// rollup the build made and proved, or on the source's rows, and why.
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
    /// Do not run the pipeline first; build with its tables as last committed.
    #[arg(long)]
    no_run: bool,
    /// Treat warnings as errors: fail, writing nothing, if a chart, table or value's query
    /// returns no rows (a component with `emptySet=pass` may be empty). For CI.
    #[arg(long)]
    strict: bool,
    /// Build every page even when some have mistakes, with an error box in place of what
    /// failed (as Evidence builds), print every mistake, and exit non-zero. Also
    /// `[build] on_error = "page"` in quire.toml.
    #[arg(long)]
    keep_going: bool,
}

/// The browser runtime compiled into this binary, if it was.
pub fn runtime() -> Option<Runtime> {
    let files: Vec<(String, Vec<u8>)> = crate::runtime::RUNTIME_FILES
        .iter()
        .map(|(n, packed)| {
            // Compressed by build.rs from files it read; unpacking them cannot fail.
            let bytes = zstd::decode_all(*packed).unwrap_or_else(|e| panic!("the embedded runtime's {n}: {e}"));
            ((*n).to_string(), bytes)
        })
        .collect();
    Runtime::from_files(files)
}

pub fn run(args: Args) -> ExitCode {
    // The pipeline's tables first: a page reads them by name.
    if !args.no_run
        && quire_pipeline::exists(&args.project)
        && crate::cmd::run::pipeline(&args.project, &quire_pipeline::RunOptions::default(), args.quiet).is_err()
    {
        eprintln!("{}: the build did not start; the previous site was left as it was", report::red("error"));
        return ExitCode::FAILURE;
    }
    let options = BuildOptions {
        out_dir: args.out.clone(),
        runtime: runtime(),
        strict: args.strict,
        keep_going: args.keep_going,
    };
    match quire_build::build(&args.project, &options) {
        Ok(r) => {
            report::warnings(&r.warnings);
            if args.verbose {
                for line in &r.rollups {
                    eprintln!("{:>10} {line}", report::green("Live"));
                }
                for line in &r.shipped {
                    eprintln!("{:>10} {line}", report::green("Shipped"));
                }
            }
            if !args.quiet {
                eprintln!(
                    "{:>10} {} page{}, {} table{} for the browser, {} files ({}) in {:.2}s",
                    report::green("Built"),
                    r.pages,
                    plural(r.pages),
                    r.tables,
                    plural(r.tables),
                    r.files,
                    report::bytes(r.bytes),
                    r.elapsed.as_secs_f64()
                );
                eprintln!("{:>10} {}", report::green("Wrote"), r.out_dir.display());
                if options.runtime.is_none() {
                    eprintln!(
                        "{:>10} this quire was compiled without the browser runtime; pages are static",
                        report::yellow("Note")
                    );
                }
            }
            if !r.errors.is_empty() {
                let n = r.errors.len();
                report::error_pages(&r.errors, r.errors_fail);
                if r.errors_fail {
                    eprintln!(
                        "{}: {n} mistake{} shown as error boxes on the pages; the site was written",
                        report::red("error"),
                        plural(n)
                    );
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::build_error(&e);
            ExitCode::FAILURE
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
