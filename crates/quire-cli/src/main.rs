//! The `quire` binary: argument parsing and glue, nothing else. The work happens in the
//! library crates (`quire-build` and friends).

mod cmd;
mod report;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod runtime {
    include!(concat!(env!("OUT_DIR"), "/runtime.rs"));
}

/// BI as code: Markdown reports with SQL, compiled to a static site.
///
/// A quire project is a folder with `pages/*.md` (Markdown with named ```sql fences and
/// chart components), `sources/<name>/` (CSV, Parquet or JSON files, each a table
/// `<name>.<file>`), and an optional `quire.toml`. `quire dev` previews it while you write,
/// reloading the browser on every save; `quire build` runs every query, renders every chart
/// and table into plain HTML, and writes a site that any static host can serve.
#[derive(Parser)]
#[command(name = "quire", version = env!("QUIRE_LONG_VERSION"), about, long_about, propagate_version = true)]
#[command(
    after_help = "Start with `quire init my-reports` and `quire dev my-reports --open`; publish with `quire build my-reports`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Init(cmd::init::Args),
    Dev(cmd::dev::Args),
    Build(cmd::build::Args),
    Check(cmd::check::Args),
    Run(cmd::run::Args),
    #[command(hide = true)]
    DemoData(cmd::demo_data::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Init(args) => cmd::init::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::Dev(args) => cmd::dev::run(args),
        Command::Run(args) => cmd::run::run(args),
        Command::DemoData(args) => cmd::demo_data::run(args),
    }
}
