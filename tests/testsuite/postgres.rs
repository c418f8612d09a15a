//! A PostgreSQL source against a real server: initdb and pg_ctl from Debian's packages,
//! started on a free loopback port for the test, with a password the project never sees
//! (it comes from PGPASSWORD). For TLS, the test makes its own CA and server certificate
//! with the `openssl` tool and starts a server that accepts TLS connections only.

use std::path::PathBuf;
use std::process::Command;

use quire_build::committed::Manifest;

use crate::util::{Project, Run, quire};

const PASSWORD: &str = "s3cret-from-the-environment";

/// A PostgreSQL server in a temporary folder; stopped when dropped.
struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl Server {
    fn start() -> Server {
        Server::start_with(None)
    }

    /// A server that accepts TLS connections only (`hostssl` in pg_hba.conf), with `certs`.
    fn start_tls(certs: &Certs) -> Server {
        Server::start_with(Some(certs))
    }

    fn start_with(certs: Option<&Certs>) -> Server {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|d| d.flatten().map(|e| e.path().join("bin")).filter(|b| b.join("initdb").is_file()).max())
            .expect("PostgreSQL's server is not installed: apt-get install postgresql (scripts/setup.sh --test does)");
        let dir = tempfile::tempdir().expect("tmp");
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        std::fs::write(dir.path().join("pw"), PASSWORD).expect("write");
        let server = Server { dir, bin, port };
        if let Some(certs) = certs {
            for f in ["server.pem", "server.key"] {
                std::fs::copy(certs.dir.path().join(f), server.dir.path().join(f)).expect("copy");
            }
            // PostgreSQL refuses a key that others can read.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(server.dir.path().join("server.key"), std::fs::Permissions::from_mode(0o600))
                .expect("chmod");
        }
        // PostgreSQL refuses to run as root: as root, run it as the `postgres` user.
        if is_root() {
            let status =
                Command::new("chown").arg("-R").arg("postgres").arg(server.dir.path()).status().expect("chown");
            assert!(status.success());
        }
        let data = server.dir.path().join("data");
        server.pg(&[
            "initdb",
            "-D",
            &data.to_string_lossy(),
            "-U",
            "quire",
            "--pwfile",
            &server.dir.path().join("pw").to_string_lossy(),
            "-A",
            "scram-sha-256",
            "--no-sync",
            "-E",
            "UTF8",
            "--no-locale",
        ]);
        let mut opts = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c full_page_writes=off",
            server.port,
            server.dir.path().display()
        );
        if certs.is_some() {
            let d = server.dir.path().display();
            opts.push_str(&format!(" -c ssl=on -c ssl_cert_file={d}/server.pem -c ssl_key_file={d}/server.key"));
            // TLS or nothing: a connection in the clear finds no line that lets it in.
            std::fs::write(
                data.join("pg_hba.conf"),
                "hostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n",
            )
            .expect("write pg_hba.conf");
        }
        server.pg(&[
            "pg_ctl",
            "-D",
            &data.to_string_lossy(),
            "-o",
            &opts,
            "-w",
            "-l",
            &server.dir.path().join("log").to_string_lossy(),
            "start",
        ]);
        server
    }

    fn pg(&self, args: &[&str]) {
        let program = self.bin.join(args[0]);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = cmd.args(&args[1..]).current_dir(self.dir.path()).output().expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{} failed:\n{}{}",
            args[0],
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn sql(&self, sql: &str) {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "quire",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-q",
                "-c",
                sql,
            ])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .expect("psql");
        assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let program = self.bin.join("pg_ctl");
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let _ = cmd.args(["-D", &data.to_string_lossy(), "-m", "immediate", "stop"]).output();
    }
}

/// A CA of the test's own, a server certificate it signed for `localhost` (and no IP
/// address), and a second CA that signed nothing of the server's.
struct Certs {
    dir: tempfile::TempDir,
}

impl Certs {
    fn make() -> Certs {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(
            dir.path().join("x509.cnf"),
            "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = quire test CA\n\
             [ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n\
             [server]\nsubjectAltName = DNS:localhost\nbasicConstraints = critical,CA:FALSE\n\
             keyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n",
        )
        .expect("write");
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("the openssl tool is installed (Debian's openssl, which PostgreSQL's packages bring)");
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        for ca in ["ca", "other-ca"] {
            let (k, c) = (format!("{ca}.key"), format!("{ca}.pem"));
            let mut args = vec!["req", "-x509", "-config", "x509.cnf", "-extensions", "ca", "-days", "2"];
            args.extend(key);
            args.extend(["-keyout", &k, "-out", &c]);
            openssl(&args);
        }
        let mut args = vec!["req", "-new", "-config", "x509.cnf", "-subj", "/CN=localhost"];
        args.extend(key);
        args.extend(["-keyout", "server.key", "-out", "server.csr"]);
        openssl(&args);
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "x509.cnf",
            "-extensions",
            "server",
            "-out",
            "server.pem",
        ]);
        Certs { dir }
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn project(server: &Server) -> Project {
    let p = Project::fixture("pipeline");
    let pg = p.path().join("sources/crm");
    std::fs::create_dir_all(&pg).expect("mkdir");
    std::fs::write(
        pg.join("connection.yaml"),
        format!("type: postgres\nhost: 127.0.0.1\nport: {}\ndatabase: postgres\nuser: quire\n", server.port),
    )
    .expect("write");
    std::fs::write(
        pg.join("accounts.sql"),
        "-- cache: select max(updated_at) from accounts\n-- PostgreSQL's dialect, run on the server.\nselect id, name, tier, credit::numeric(10, 2) as credit, since, updated_at, tags\nfrom accounts\nwhere not archived\n",
    )
    .expect("write");
    std::fs::write(
        p.path().join("pipeline/marts/tiers.sql"),
        "select tier, count(*) as accounts, sum(credit) as credit, min(since) as first_since\nfrom crm.accounts\ngroup by tier\n",
    )
    .expect("write");
    std::fs::write(
        p.path().join("pages/crm.md"),
        "---\ntitle: CRM\n---\n\n```sql tiers\nselect * from marts.tiers order by tier\n```\n\n```sql people\nselect name from crm.accounts order by id\n```\n\nGold credit: <Value data={tiers} column=credit row=0 fmt=usd2 />. First: {people[0].name}.\n",
    )
    .expect("write");
    p
}

#[test]
fn a_postgres_source_is_fetched_once_and_again_when_it_changes() {
    let server = Server::start();
    server.sql(
        "create table accounts (id int primary key, name text, tier text, credit numeric(10,2), since date, updated_at timestamptz, tags text[], archived boolean default false);
         insert into accounts values
           (1, 'Ada', 'gold', 1200.50, '2019-03-01', '2024-01-01 10:00:00+00', '{a,b}', false),
           (2, 'Brian', 'silver', 300.25, '2020-06-15', '2024-01-02 10:00:00+00', '{}', false),
           (3, 'Chen', 'gold', 99.95, '2021-01-10', '2024-01-03 10:00:00+00', null, false),
           (4, 'Old', 'gold', 5.00, '2010-01-01', '2020-01-01 10:00:00+00', null, true);",
    );
    let p = project(&server);

    // Through the CLI: the password is in this process's environment only.
    let first = Run::new(quire().arg("run").arg(p.path()).env("PGPASSWORD", PASSWORD)).ok();
    let err = first.stderr();
    assert!(err.contains("Ran crm.accounts (3 rows"), "{err}");
    assert!(err.contains("Ran marts.tiers (2 rows"), "{err}");
    let again = Run::new(quire().arg("run").arg(p.path()).env("PGPASSWORD", PASSWORD)).ok();
    assert!(again.stderr().contains("nothing to run"), "the freshness query answers the same: {}", again.stderr());

    // A change on the server that moves the freshness answer: fetched again, and what reads it.
    server.sql("update accounts set credit = 1000, updated_at = '2024-02-01 00:00:00+00' where id = 1;");
    let third = Run::new(quire().arg("run").arg(p.path()).env("PGPASSWORD", PASSWORD)).ok();
    let err = third.stderr();
    assert!(err.contains("Ran crm.accounts") && err.contains("Ran marts.tiers"), "{err}");
    assert!(!err.contains("Ran clean.orders"), "models that do not read it stay cached: {err}");

    // The page reads both the fetched table and the model over it.
    Run::new(quire().arg("build").arg(p.path()).arg("--quiet").env("PGPASSWORD", PASSWORD)).ok();
    let html = p.read("dist/crm/index.html");
    assert!(html.contains("$1,099.95"), "gold credit after the update: {html}");
    assert!(html.contains(">Ada<"), "{html}");
    let manifest = Manifest::load(p.path()).expect("manifest");
    assert_eq!(manifest.tables["crm.accounts"].rows, 3);
    assert!(!std::fs::read_to_string(p.path().join(".quire/manifest.json")).expect("read").contains(PASSWORD));
}

#[test]
fn postgres_mistakes_name_their_place() {
    let server = Server::start();
    server.sql("create table accounts (id int, name text, tier text, credit numeric, since date, updated_at timestamptz, tags text[], archived boolean);");
    let p = project(&server);

    // A wrong password: the connection's file and what to do.
    let run = Run::new(quire().arg("run").arg(p.path()).env("PGPASSWORD", "wrong"));
    assert_eq!(run.output.status.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains("sources/crm/connection.yaml") && err.contains("cannot connect to PostgreSQL"), "{err}");
    assert!(err.contains("password"), "{err}");

    // A query the server rejects: its line and column in the .sql.
    std::fs::write(p.path().join("sources/crm/accounts.sql"), "select id, nmae\nfrom accounts\n").expect("write");
    let run = Run::new(quire().arg("run").arg(p.path()).env("PGPASSWORD", PASSWORD));
    assert_eq!(run.output.status.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains("sources/crm/accounts.sql:1:12"), "{err}");
    assert!(err.contains("PostgreSQL: column \"nmae\" does not exist"), "{err}");

    // A password in the repository is refused.
    std::fs::write(
        p.path().join("sources/crm/connection.yaml"),
        format!("type: postgres\nport: {}\nuser: quire\npassword: hunter2\n", server.port),
    )
    .expect("write");
    let run = Run::new(quire().arg("run").arg(p.path()));
    assert_eq!(run.output.status.code(), Some(1));
    assert!(run.stderr().contains("a password does not belong in a file of the project"), "{}", run.stderr());
    assert!(run.stderr().contains("sources/crm/connection.yaml:4:1"), "{}", run.stderr());
}

/// The `dev` fixture with a source `secure` on `server`, whose one table says how this very
/// connection is made, and a page that shows it.
fn tls_project(certs: &Certs) -> Project {
    let p = Project::fixture("dev");
    let dir = p.path().join("sources/secure");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for f in ["ca.pem", "other-ca.pem"] {
        std::fs::copy(certs.dir.path().join(f), dir.join(f)).expect("copy");
    }
    std::fs::write(
        dir.join("session.sql"),
        "select case when ssl then 'over-tls' else 'in-the-clear' end as how, version\nfrom pg_stat_ssl where pid = pg_backend_pid()\n",
    )
    .expect("write");
    std::fs::write(
        p.path().join("pages/tls.md"),
        "# TLS\n\n```sql session\nselect * from secure.session\n```\n\nThis connection: {session[0].how}, {session[0].version}.\n",
    )
    .expect("write");
    p
}

/// `quire run --full-refresh` with this `connection.yaml` (after the common lines), the
/// password in the environment and no CA of the user's own (`HOME` is empty).
fn run_with(p: &Project, server: &Server, settings: &str) -> Run {
    std::fs::write(
        p.path().join("sources/secure/connection.yaml"),
        format!("type: postgres\nport: {}\ndatabase: postgres\nuser: quire\n{settings}", server.port),
    )
    .expect("write");
    let home = p.path().join("home");
    std::fs::create_dir_all(&home).expect("mkdir");
    Run::new(
        quire()
            .arg("run")
            .arg(p.path())
            .arg("--full-refresh")
            .env("PGPASSWORD", PASSWORD)
            .env("HOME", &home)
            .env_remove("PGSSLMODE")
            .env_remove("PGSSLROOTCERT")
            .env_remove("PGHOST"),
    )
}

#[test]
fn postgres_over_tls_checks_what_sslmode_says() {
    let certs = Certs::make();
    let server = Server::start_tls(&certs);
    let p = tls_project(&certs);
    let ok = |settings: &str| {
        let run = run_with(&p, &server, settings);
        assert!(run.success(), "{settings}\n{}", run.stderr());
        assert!(run.stderr().contains("Ran secure.session (1 row"), "{settings}\n{}", run.stderr());
        assert!(!run.stderr().contains(PASSWORD));
    };
    let fails = |settings: &str, needles: &[&str]| {
        let run = run_with(&p, &server, settings);
        assert_eq!(run.output.status.code(), Some(1), "{settings} must fail:\n{}", run.stderr());
        let err = run.stderr().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(err.contains("sources/secure/connection.yaml"), "{settings}: {err}");
        for needle in needles {
            assert!(err.contains(needle), "{settings}: should say {needle:?}:\n{err}");
        }
        assert!(!err.contains(PASSWORD), "{settings}: the password is in the message:\n{err}");
    };

    // `require`: TLS without checking the certificate, as libpq; the server sees TLS.
    ok("host: 127.0.0.1\nsslmode: require\n");
    Run::new(quire().arg("build").arg(p.path()).arg("--no-run").arg("--quiet")).ok();
    let html = p.read("dist/tls/index.html");
    assert!(html.contains(">over-tls<") && html.contains(">TLSv1."), "pg_stat_ssl says TLS: {html}");

    // No sslmode is libpq's `prefer`: TLS when the server offers it.
    ok("host: 127.0.0.1\n");

    // `verify-full`: the chain to the CA given (relative to the source's folder) and the name.
    ok("host: localhost\nsslmode: verify-full\nsslrootcert: ca.pem\n");
    fails(
        "host: 127.0.0.1\nsslmode: verify-full\nsslrootcert: ca.pem\n",
        &["sslmode verify-full", "127.0.0.1", "name"],
    );
    // `verify-ca`: the chain only, so an address the certificate does not name is fine.
    ok("host: 127.0.0.1\nsslmode: verify-ca\nsslrootcert: ca.pem\n");
    // libpq's `require` with a CA given checks the chain, as `verify-ca`.
    fails("host: localhost\nsslmode: require\nsslrootcert: other-ca.pem\n", &["sslrootcert"]);

    // A CA that did not sign the server's certificate, or none at all.
    fails(
        "host: localhost\nsslmode: verify-full\nsslrootcert: other-ca.pem\n",
        &["not signed by a CA in", "other-ca.pem"],
    );
    fails("host: localhost\nsslmode: verify-full\n", &["no CA certificate was given", "sslrootcert:"]);
    fails("host: localhost\nsslmode: verify-full\nsslrootcert: missing.pem\n", &["missing.pem", "sslrootcert"]);

    // `disable` against a server that accepts TLS only: the server's refusal, and what to try.
    fails("host: 127.0.0.1\nsslmode: disable\n", &["sslmode disable", "no encryption", "sslmode: require"]);

    // An sslmode libpq does not have (or quire does not take) names the ones there are.
    let run = run_with(&p, &server, "host: 127.0.0.1\nsslmode: verify_full\n");
    assert_eq!(run.output.status.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains("unknown sslmode `verify_full`"), "{err}");
    assert!(err.contains("sources/secure/connection.yaml:6:1"), "{err}");
    assert!(err.contains("disable, prefer, require, verify-ca, verify-full"), "{err}");
}

/// A password in `connection.yaml`, in any shape, is refused, and no message shows it: not
/// the refusal, not its snippet, not a syntax error elsewhere in the file.
#[test]
fn a_password_in_connection_yaml_is_refused_and_never_shown() {
    let p = Project::fixture("dev");
    let dir = p.path().join("sources/crm");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("accounts.sql"), "select 1 as one\n").expect("write");
    let secret = "hunter2-Zq9";
    let cases = [
        (format!("type: postgres\nuser: quire\npassword: {secret}\n"), "connection.yaml:3:1"),
        (format!("type: postgres\nuser: quire\n\"password\": \"{secret}\" # quoted\n"), "connection.yaml:3:2"),
        (format!("type: postgres\noptions:\n  user: quire\n  password: {secret}\n"), "connection.yaml:4:3"),
        (format!("type: postgres\noptions: {{user: quire, password: {secret}}}\n"), "connection.yaml:2:"),
        (format!("type: postgres\npassword: |\n  {secret}\n  more-{secret}\nport: 5432\n"), "connection.yaml:2:1"),
        (format!("type: postgres\nhost: postgres://quire:{secret}@db.example/crm\n"), "connection.yaml:2:"),
        (format!("type: postgres\nhost: \"host=db user=quire password={secret} dbname=crm\"\n"), "connection.yaml:2:"),
        (
            format!("type: postgres\nhost: postgresql://db.example/crm?user=quire&password={secret}\n"),
            "connection.yaml:2:",
        ),
        // A syntax error below the password: the refusal comes first, and shows no password.
        (format!("type: postgres\npassword: {secret}\nport: [5432\n"), "connection.yaml:2:1"),
    ];
    for (yaml, place) in cases {
        std::fs::write(dir.join("connection.yaml"), &yaml).expect("write");
        for command in ["run", "build", "check"] {
            let run = Run::new(quire().arg(command).arg(p.path()));
            assert_eq!(run.output.status.code(), Some(1), "{yaml}");
            let out = format!("{}{}", run.stderr(), String::from_utf8_lossy(&run.output.stdout));
            assert!(out.contains("a password does not belong in a file of the project"), "{yaml}\n{out}");
            assert!(out.contains(&format!("sources/crm/{place}")), "{yaml}\n{out}");
            assert!(out.contains("********"), "the snippet shows where, masked: {yaml}\n{out}");
            assert!(!out.contains(secret) && !out.contains("hunter2"), "the password is shown:\n{yaml}\n{out}");
        }
    }

    // Not a password: `password_env` names a variable; an empty `password:` holds nothing; a
    // URL without one.
    std::fs::write(
        dir.join("connection.yaml"),
        "type: postgres\nport: 1\npassword_env: CRM_PASSWORD\npassword:\n# postgres://user@db.example/crm\n",
    )
    .expect("write");
    let run = Run::new(quire().arg("check").arg(p.path()));
    assert!(!run.stderr().contains("does not belong"), "{}", run.stderr());

    // A syntax error in a file that holds a password in a comment: its snippet masks it.
    std::fs::write(
        dir.join("connection.yaml"),
        format!("type: postgres\n# was postgres://quire:{secret}@db.example/crm\nport: [1\n"),
    )
    .expect("write");
    let run = Run::new(quire().arg("check").arg(p.path()));
    assert_eq!(run.output.status.code(), Some(1));
    assert!(run.stderr().contains("sources/crm/connection.yaml"), "{}", run.stderr());
    assert!(!run.stderr().contains(secret), "{}", run.stderr());
}
