//! A PostgreSQL source against a real server: initdb and pg_ctl from Debian's packages,
//! started on a free loopback port for the test, with a password the project never sees
//! (it comes from PGPASSWORD).

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
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|d| d.flatten().map(|e| e.path().join("bin")).filter(|b| b.join("initdb").is_file()).max())
            .expect("PostgreSQL's server is not installed: apt-get install postgresql (scripts/setup.sh --test does)");
        let dir = tempfile::tempdir().expect("tmp");
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        std::fs::write(dir.path().join("pw"), PASSWORD).expect("write");
        let server = Server { dir, bin, port };
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
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c full_page_writes=off",
            server.port,
            server.dir.path().display()
        );
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
