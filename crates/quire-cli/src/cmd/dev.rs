//! `quire dev`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::report;

/// Preview a project while you write it: build it in memory, serve it, and rebuild on
/// every save.
///
/// Watches `pages/`, `partials/`, `sources/`, `pipeline/` and `quire.toml`. A save
/// rebuilds only what it touches: a prose edit re-renders its page without running a
/// query; a query edit runs that query and the queries that read it; a changed source
/// file registers the tables again; a `quire.toml` edit rebuilds everything. Open pages
/// reload by themselves and keep their scroll position. When a save breaks the build, the
/// browser keeps the last good page and shows the error over it, with its file, line and
/// source lines; saving a fix clears it.
///
/// Nothing is written to disk: `dist/` is left alone (that is `quire build`'s).
#[derive(clap::Args)]
#[command(after_help = "Example: `quire dev reports_example --open`, then edit reports_example/pages/index.md.")]
pub struct Args {
    /// The project folder (holding `pages/` and `sources/`).
    #[arg(default_value = ".")]
    project: PathBuf,
    /// The port to serve on; 0 picks a free one.
    #[arg(short, long, default_value_t = 3000)]
    port: u16,
    /// The address to listen on. Anything but loopback lets other machines read the
    /// reports and their data.
    ///
    /// The preview answers only to requests addressed to it: a `Host` of `localhost`,
    /// `127.0.0.1`, `[::1]` or this address, with the port (a web page elsewhere cannot
    /// read it by pointing a name of its own here). Bound beyond loopback (`0.0.0.0`, a
    /// LAN address), it also answers to any IP address and to this machine's host name.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Also answer to this host name, on any port (a LAN name, a tunnel's). Repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_host: Vec<String>,
    /// Open the site in your browser.
    #[arg(long)]
    open: bool,
    /// Look for changes every 200 ms instead of relying on file-system notifications
    /// (for network drives, and containers or VMs with mounted folders).
    #[arg(long)]
    poll: bool,
}

pub fn run(args: Args) -> ExitCode {
    let options = quire_dev::Options {
        project: args.project,
        host: args.host,
        allow_hosts: args.allow_host,
        port: args.port,
        poll: args.poll,
        open: args.open,
        runtime: crate::cmd::build::runtime(),
    };
    match quire_dev::serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e}", report::red("error"));
            if let Some(help) = e.help() {
                eprintln!("  help: {help}");
            }
            ExitCode::FAILURE
        }
    }
}
