//! `quire demo-data`: the example project's generated orders (hidden; for the README's
//! scripts and the benchmarks).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::report;

/// Write the deterministic demo `orders` table as Parquet.
#[derive(clap::Args)]
pub struct Args {
    /// How many orders.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// Where to write it.
    #[arg(long, default_value = "reports_example/sources/orders/orders.parquet")]
    out: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    match quire_build::demo::write_orders(args.rows, &args.out) {
        Ok(()) => {
            eprintln!("{:>10} {} orders to {}", report::green("Wrote"), args.rows, args.out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", report::red("error"));
            ExitCode::FAILURE
        }
    }
}
