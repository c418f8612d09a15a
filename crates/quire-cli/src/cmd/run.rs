//! `quire run`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use quire_pipeline::{ModelRun, Progress, RunOptions, RunReport, Status};

use crate::report;

/// Make the pipeline's tables: run the SQL models in `pipeline/` that are out of date.
///
/// Each `pipeline/<stage>/<model>.sql` is one SELECT and becomes table `<stage>.<model>`,
/// which pages and later models read by that name. A model runs again only when something
/// it depends on changed: its SQL (not its whitespace or comments), a model it reads, the
/// content of a source file it reads, or its `version`. A run with nothing changed runs
/// nothing and says so.
///
/// Stages run in dependency order. A stage's tables are committed together, only when
/// every model and data test in it passed; a failed or interrupted run leaves the last
/// committed tables as they were (`.quire/manifest.json`, `.quire/cache/`).
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  quire run                       run what is out of date\n  quire run --select clean.orders+ run a model and everything that reads it\n  quire run --dag                 print which model reads which table"
)]
pub struct Args {
    /// The project folder (holding `pipeline/` and `sources/`).
    #[arg(default_value = ".")]
    project: PathBuf,
    /// Run these models even if they are current: `stage.model`, or `stage.model+` for the
    /// model and everything downstream of it. Repeat or separate with commas.
    #[arg(short, long, value_name = "MODEL", value_delimiter = ',')]
    select: Vec<String>,
    /// Run every model, ignoring the cache.
    #[arg(long)]
    full_refresh: bool,
    /// Print the model graph (what each model reads) and exit.
    #[arg(long)]
    dag: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> ExitCode {
    if args.dag {
        return dag(&args);
    }
    let options = RunOptions { select: args.select.clone(), full_refresh: args.full_refresh };
    match pipeline(&args.project, &options, args.quiet) {
        Ok(()) => ExitCode::SUCCESS,
        Err(()) => ExitCode::FAILURE,
    }
}

/// Run the pipeline with a progress display and a summary; `Err` once the error is printed.
pub fn pipeline(project: &std::path::Path, options: &RunOptions, quiet: bool) -> Result<(), ()> {
    let display = Display::new(quiet);
    let (report, result) = quire_pipeline::run(project, options, &display);
    display.finish();
    // A run that stopped before any model (a model that does not parse, a cycle) has no
    // table to show: its error says it all.
    if (!quiet || result.is_err()) && !(result.is_err() && report.models.is_empty()) {
        summary(&report, quiet);
    }
    match result {
        Ok(()) => Ok(()),
        Err(e) => {
            report::run_error(&e);
            Err(())
        }
    }
}

fn dag(args: &Args) -> ExitCode {
    let graph = match quire_pipeline::graph(&args.project) {
        Ok(g) => g,
        Err(e) => {
            report::run_error(&e);
            return ExitCode::FAILURE;
        }
    };
    if graph.nodes.is_empty() {
        println!("no models: add pipeline/<stage>/<model>.sql");
        return ExitCode::SUCCESS;
    }
    for stage in &graph.stages {
        println!("stage {stage}");
        for n in graph.nodes.iter().filter(|n| &n.model.stage == stage) {
            let mut reads: Vec<String> = n.models.iter().cloned().collect();
            reads.extend(n.sources.iter().map(|s| format!("{s} (source)")));
            let readers: Vec<String> = graph.readers(&n.model.table()).iter().map(|r| r.model.table()).collect();
            println!("  {}", n.model.table());
            if !reads.is_empty() {
                println!("    reads    {}", reads.join(", "));
            }
            if !readers.is_empty() {
                println!("    read by  {}", readers.join(", "));
            }
        }
    }
    ExitCode::SUCCESS
}

/// Progress: a bar on a terminal, a line per model otherwise, nothing with `--quiet`.
struct Display {
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
}

impl Display {
    fn new(quiet: bool) -> Display {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner:.green} [{bar:28.cyan/blue}] {pos}/{len} models  {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
            bar
        });
        Display { bar, quiet }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Display {
    fn planned(&self, total: usize, stale: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
        }
        if !self.quiet && stale > 0 && self.bar.is_none() {
            eprintln!("{} {stale} of {total} model{}", report::green("   Running"), if total == 1 { "" } else { "s" });
        }
    }
    fn started(&self, table: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(table.to_string());
        }
    }
    fn finished(&self, run: &ModelRun) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if run.status != Status::Cached {
                bar.println(line(run));
            }
        } else if !self.quiet && run.status != Status::Cached {
            eprintln!("{}", line(run));
        }
    }
}

fn line(run: &ModelRun) -> String {
    let padded = |s: &str| format!("{s:>10}");
    let label = match run.status {
        Status::Ran => report::green(&padded("Ran")),
        Status::Tested => report::green(&padded("Tested")),
        Status::Failed => report::red(&padded("Failed")),
        Status::Skipped => report::yellow(&padded("Skipped")),
        Status::Cached => padded("Cached"),
    };
    let mut line = match run.status {
        Status::Ran | Status::Tested => format!(
            "{label} {} ({} row{}, {:.2} s)",
            run.table,
            thousands(run.rows),
            if run.rows == 1 { "" } else { "s" },
            run.elapsed.as_secs_f64()
        ),
        _ => format!("{label} {}", run.table),
    };
    if let Some(why) = &run.repaired {
        line.push_str(&format!(": {why}, so it ran again"));
    }
    line
}

fn summary(report: &RunReport, quiet: bool) {
    if report.models.is_empty() {
        if !quiet {
            eprintln!("{} no models: add pipeline/<stage>/<model>.sql", report::green("      Done"));
        }
        return;
    }
    if report.nothing_to_do() {
        eprintln!(
            "{} nothing to run: all {} model{} are current ({} ms)",
            report::green("      Done"),
            report.models.len(),
            if report.models.len() == 1 { "" } else { "s" },
            report.elapsed.as_millis()
        );
        return;
    }
    let width = report.models.iter().map(|m| m.table.len()).max().unwrap_or(5).max(5);
    eprintln!();
    eprintln!("  {:<width$}  {:<7}  {:>12}  {:>8}", "model", "status", "rows", "time");
    for m in &report.models {
        let time = if m.status == Status::Ran || m.status == Status::Tested {
            format!("{:.2} s", m.elapsed.as_secs_f64())
        } else {
            String::new()
        };
        let rows =
            if m.status == Status::Skipped || m.status == Status::Failed { String::new() } else { thousands(m.rows) };
        eprintln!("  {:<width$}  {:<7}  {:>12}  {:>8}", m.table, m.status.as_str(), rows, time);
    }
    eprintln!();
    eprintln!(
        "{} {} ran, {} cached, {} failed, {} skipped in {:.2} s",
        if report.count(Status::Failed) > 0 { report::red("   Stopped") } else { report::green("      Done") },
        report.count(Status::Ran) + report.count(Status::Tested),
        report.count(Status::Cached),
        report.count(Status::Failed),
        report.count(Status::Skipped),
        report.elapsed.as_secs_f64()
    );
}

fn thousands(n: u64) -> String {
    quire_render::fmt::grouped(i64::try_from(n).unwrap_or(i64::MAX))
}
