//! Who may read the preview: the `Host` names it answers to and the pages that may open its
//! WebSocket.
//!
//! A web page elsewhere can point a name it controls at 127.0.0.1 (DNS rebinding) and then
//! read the preview as its own site, CSVs included; its requests carry its own name in
//! `Host`. So only names that cannot be rebound are answered:
//!
//! - always: `localhost`, `127.0.0.1`, `[::1]` and the bound address, each with the port;
//! - bound to an address other than loopback (`--host 0.0.0.0`, a LAN address): also any IP
//!   address (a page at an IP address was served by that address) and this machine's host
//!   name (`name` and `name.local`), each with the port;
//! - and the names given with `--allow-host` (a LAN name, a tunnel), with the port or not.
//!
//! A `Host` without a port is what browsers send for port 80 only, so it is answered only
//! there. The WebSocket carries build errors (source lines, failing rows): its upgrade needs
//! an `Origin` that is this very host and port, which a page of another site cannot send.

use std::net::{IpAddr, SocketAddr};

/// The names a running preview answers to.
#[derive(Debug, Clone)]
pub struct Audience {
    port: u16,
    /// Host names and IP literals as they appear in `Host` (IPv6 in brackets), lowercase.
    names: Vec<String>,
    /// Names the author allowed by hand: with any port, or none.
    allowed: Vec<String>,
    /// Any IP literal with the port (bound beyond loopback).
    any_ip: bool,
}

impl Audience {
    pub fn new(bound: SocketAddr, allowed: &[String], machine: Option<String>) -> Audience {
        let mut names: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into(), literal(bound.ip())];
        let wide = !bound.ip().is_loopback();
        let machine = machine.map(|m| m.trim().trim_end_matches('.').to_ascii_lowercase()).filter(|m| !m.is_empty());
        if wide && let Some(machine) = machine {
            names.push(format!("{machine}.local"));
            names.push(machine);
        }
        let allowed = allowed.iter().map(|a| a.trim().trim_end_matches('.').to_ascii_lowercase()).collect();
        Audience { port: bound.port(), names, allowed, any_ip: wide }
    }

    /// Whether a request with this `Host` header is answered.
    pub fn allows_host(&self, host: &str) -> bool {
        let Some((name, port)) = split(host) else { return false };
        let name = name.to_ascii_lowercase();
        if self.allowed.contains(&name) {
            return true;
        }
        let port_ok = match port {
            Some(p) => p == self.port,
            None => self.port == 80,
        };
        port_ok && (self.names.contains(&name) || (self.any_ip && is_ip_literal(&name)))
    }

    /// Whether a WebSocket upgrade with this `Origin` is let through: the page must come
    /// from the host and port it connects to (`Host`, already allowed).
    pub fn allows_origin(&self, origin: Option<&str>, host: &str) -> bool {
        let Some(origin) = origin else { return false };
        let Some(authority) = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) else {
            return false;
        };
        self.allows_host(host) && authority.eq_ignore_ascii_case(host)
    }

    /// How a refused `Host` is told what would work.
    pub fn refusal(&self, host: Option<&str>) -> String {
        let asked = match host {
            Some(h) => format!("`Host: {}`", h.escape_default()),
            None => "a request without a `Host` header".into(),
        };
        let port = self.port;
        format!(
            "quire dev: this preview answers only to its own address (localhost:{port}, 127.0.0.1:{port}, [::1]:{port}), not to {asked}.\n\
             It checks this so that a web page elsewhere cannot read your reports by pointing a name of its own at this machine.\n\
             To open it from another machine, start it with `--host 0.0.0.0` (then any IP address of this machine and its host name work, \
             and anyone who can reach it can read the reports); for another name, such as a tunnel's, add `--allow-host NAME`.\n"
        )
    }
}

/// The host part of `Host` and its port, if any; `None` if it is not a host at all.
fn split(host: &str) -> Option<(&str, Option<u16>)> {
    let host = host.trim();
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let end = rest.find(']')?;
        let name = &host[..end + 2];
        match &rest[end + 1..] {
            "" => (name, None),
            p => (name, Some(p.strip_prefix(':')?)),
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    if name.is_empty()
        || name.contains(|c: char| c.is_whitespace() || c == '@' || c == '/' || c == ':' && !name.starts_with('['))
    {
        return None;
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    Some((name, port))
}

fn literal(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

fn is_ip_literal(name: &str) -> bool {
    match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => name.parse::<std::net::Ipv4Addr>().is_ok(),
    }
}

/// This machine's host name, for a preview bound beyond loopback.
pub fn machine_name() -> Option<String> {
    let from_file = std::fs::read_to_string("/proc/sys/kernel/hostname").ok();
    let name = from_file.or_else(|| {
        std::process::Command::new("hostname")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    })?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}
