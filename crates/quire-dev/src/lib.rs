//! quire-dev: `quire dev`, the author's preview server.
//!
//! Owns watching a project's files ([`watch`]), rebuilding on each save through
//! [`quire_build::Incremental`] (only what the save touches), keeping the last good site in
//! memory with the current errors beside it ([`served`]), serving it over HTTP on loopback
//! with nothing outside the built site reachable ([`http`]) and to nobody but the author
//! ([`audience`]: no other `Host`, no WebSocket from another origin), and telling open pages over a
//! WebSocket to reload (keeping their scroll) or to show the build's errors as an overlay
//! (`client.js`).

mod audience;
mod http;
mod served;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use quire_build::{Incremental, Runtime};

pub use http::byte_range;
pub use served::Served;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    pub project: PathBuf,
    pub host: IpAddr,
    /// More names to answer to in `Host` (a LAN name, a tunnel), beyond loopback's and,
    /// when bound beyond loopback, IP addresses and this machine's name.
    pub allow_hosts: Vec<String>,
    /// 0 picks a free port.
    pub port: u16,
    /// Poll the files instead of asking the OS for notifications (network drives, some
    /// containers and VMs).
    pub poll: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    pub runtime: Option<Runtime>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    #[error("{}: no such project folder", .0.display())]
    NoProject(PathBuf),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot watch {path}: {message}")]
    Watch { path: PathBuf, message: String },
    #[error("{0}")]
    Other(String),
}

impl DevError {
    pub fn help(&self) -> Option<String> {
        match self {
            DevError::Bind { addr, source } if source.kind() == std::io::ErrorKind::AddrInUse => Some(format!(
                "another program serves port {}; pass `--port` with another number (or 0 for any free port)",
                addr.port()
            )),
            DevError::NoProject(_) => Some("pass the folder that holds quire.toml and pages/".into()),
            DevError::Watch { .. } => {
                Some("pass `--poll` to check the files for changes instead of asking the system".into())
            }
            _ => None,
        }
    }
}

/// How long the files must be quiet before a rebuild: an editor's save is often several
/// writes and a rename.
const SETTLE: Duration = Duration::from_millis(25);

/// Build the project, serve it, and rebuild on every change until Ctrl-C.
pub fn serve(options: Options) -> Result<(), DevError> {
    let root = match options.project.canonicalize() {
        Ok(root) if root.is_dir() => root,
        _ => return Err(DevError::NoProject(options.project.clone())),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| DevError::Other(format!("cannot start the server: {e}")))?;
    let addr = SocketAddr::new(options.host, options.port);
    let listener =
        rt.block_on(tokio::net::TcpListener::bind(addr)).map_err(|source| DevError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(|source| DevError::Bind { addr, source })?;

    let served = Arc::new(RwLock::new(Served::new()));
    let (events, _) = tokio::sync::broadcast::channel::<Arc<str>>(64);
    let mut site = Incremental::new(&root, options.runtime.clone()).map_err(|e| DevError::Other(e.to_string()))?;
    let changes = watch::start(&root, options.poll)?;

    say::status("Building", &root.display().to_string());
    served::rebuild(&mut site, &served, &events, &[]);

    let url = format!("http://{}/", display_addr(local));
    say::status("Serving", &format!("{url}  (Ctrl-C to stop)"));
    if !options.host.is_loopback() {
        say::warn(&format!(
            "listening on {}: anyone who can reach this machine can read these reports and their data",
            options.host
        ));
    }
    say::status("Watching", "pages/, partials/, sources/, pipeline/ and quire.toml");

    {
        let served = served.clone();
        let events = events.clone();
        std::thread::Builder::new()
            .name("quire-dev-build".into())
            .spawn(move || {
                let mut changes = changes;
                while let Some(paths) = changes.next_batch(SETTLE) {
                    let rel: Vec<String> =
                        paths.iter().map(|p| p.strip_prefix(site.root()).unwrap_or(p).display().to_string()).collect();
                    served::rebuild(&mut site, &served, &events, &rel);
                }
            })
            .map_err(|e| DevError::Other(format!("cannot start the builder: {e}")))?;
    }
    if options.open {
        open_browser(&url);
    }
    let machine = if options.host.is_loopback() { None } else { audience::machine_name() };
    let audience = Arc::new(audience::Audience::new(local, &options.allow_hosts, machine));
    let app = http::router(http::App { served, events, audience });
    // Ctrl-C stops at once: open pages hold WebSockets that a graceful shutdown would wait
    // for, and there is nothing on disk to finish (the tables spooled to disk are removed).
    let stopped = rt.block_on(async {
        tokio::select! {
            served = axum::serve(listener, app) => served.map_err(|e| DevError::Other(format!("the server stopped: {e}"))),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    });
    // The large tables it spooled to disk go with it.
    quire_build::body::remove_own(&root);
    stopped
}

fn display_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("[::1]:{}", addr.port()),
        _ => addr.to_string(),
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = opener {
        say::warn(&format!("could not open a browser ({e}); open {url} yourself"));
    }
}

/// Lines on stderr, as `quire build` prints them.
mod say {
    use std::io::IsTerminal;

    fn paint(code: &str, s: &str) -> String {
        if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn colour() -> bool {
        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
    }

    pub fn status(label: &str, message: &str) {
        eprintln!("{:>10} {message}", paint("1;32", label));
    }

    pub fn warn(message: &str) {
        eprintln!("{:>10} {message}", paint("1;33", "Warning"));
    }

    pub fn error(message: &str) {
        eprintln!("{}: {message}", paint("1;31", "error"));
    }
}
