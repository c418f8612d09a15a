//! What users install: the wheel, the image and the GitHub Action, built by
//! `scripts/release.sh` as CI packages them (the fast `dev` profile, the runtime already in
//! `site/dist`, no Ballista: the plain source build), then installed or unpacked the way a
//! user would and made to build a project. The release itself differs only in the profile
//! (`dist`) and the size-tuned runtime.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::util::{Project, Run, repo};

/// The artifacts, built once for every test here.
fn artifacts() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // In the target folder (one at a time, replaced by the next run), not in /tmp.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-test");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("the last run's artifacts go");
        }
        let status = Command::new(repo().join("scripts/release.sh"))
            .args(["--profile", "dev", "--runtime", "keep", "--no-cluster", "--out"])
            .arg(&dir)
            .status()
            .expect("scripts/release.sh runs");
        assert!(status.success(), "scripts/release.sh failed");
        dir
    })
}

fn artifact(suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(artifacts())
        .expect("the artifacts' folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    assert_eq!(found.len(), 1, "one *{suffix} in {}: {found:?}", artifacts().display());
    found.into_iter().next().expect("one")
}

/// A fresh virtualenv with the wheel installed, as `pipx install` makes one.
fn installed_wheel() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = artifacts().join("venv");
        let ok = |cmd: &mut Command| {
            let out = cmd.output().expect("runs");
            assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        ok(Command::new("python3").args(["-m", "venv", "--clear"]).arg(&venv));
        // No index: the wheel needs nothing else, and nothing is downloaded.
        ok(Command::new(venv.join("bin/pip"))
            .args(["install", "--no-index", "--disable-pip-version-check", "--quiet"])
            .arg(artifact(".whl")));
        venv
    })
}

fn wheel_quire() -> Command {
    let mut cmd = Command::new(installed_wheel().join("bin/quire"));
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn the_wheel_installs_in_a_fresh_virtualenv_and_builds_a_new_project() {
    let wheel = artifact(".whl");
    let name = wheel.file_name().expect("a name").to_string_lossy().into_owned();
    assert!(name.starts_with(&format!("quire_bi-{}-", env!("CARGO_PKG_VERSION"))), "{name}");
    assert!(name.ends_with("x86_64.whl") || name.ends_with("aarch64.whl"), "{name}");

    let version = Run::new(wheel_quire().arg("--version")).ok().stdout();
    assert!(version.starts_with(&format!("quire {} (commit ", env!("CARGO_PKG_VERSION"))), "{version}");
    // The plain build leaves Ballista out, and says so by not naming it.
    assert!(!version.contains("cluster"), "{version}");

    let dir = tempfile::tempdir().expect("a folder");
    let project = dir.path().join("reports");
    Run::new(wheel_quire().arg("init").arg(&project)).ok();
    Run::new(wheel_quire().arg("build").arg(&project)).ok();
    let index = std::fs::read_to_string(project.join("dist/index.html")).expect("the site's first page");
    assert!(index.contains("<svg"), "the new project's first page has its chart");
    let runtime: Vec<String> = std::fs::read_dir(project.join("dist/_quire"))
        .expect("the runtime")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(runtime.iter().any(|n| n.ends_with(".wasm")), "{runtime:?}");
}

#[test]
fn without_ballista_an_engine_url_says_how_to_get_it() {
    let p = Project::with_files(&[
        ("quire.toml", "title = \"t\"\n[pipeline]\nengine = \"ballista://127.0.0.1:9\"\n"),
        ("sources/raw/connection.yaml", "type: csv\n"),
        ("sources/raw/items.csv", "id,amount\n1,10\n2,20\n"),
        ("pipeline/marts/totals.sql", "select sum(amount) as total from raw.items\n"),
        ("pages/index.md", "# t\n"),
    ]);
    let run = Run::new(wheel_quire().arg("run").arg(p.path()));
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    let stderr = run.stderr();
    assert!(stderr.contains("quire.toml"), "{stderr}");
    assert!(stderr.contains("built without Ballista"), "{stderr}");
    assert!(stderr.contains("--features cluster"), "{stderr}");
}

#[test]
fn a_plain_build_reads_parquet_in_every_codec() {
    // Written by DataFusion (in this test's own, full-featured build), read by the plain
    // `quire`, whose DataFusion has only the features quire asks for.
    let p = Project::with_files(&[
        ("quire.toml", "title = \"Codecs\"\n"),
        ("sources/files/connection.yaml", "type: parquet\n"),
    ]);
    let codecs = ["snappy", "zstd(3)", "gzip(6)", "brotli(4)", "lz4_raw", "uncompressed"];
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    for (i, codec) in codecs.iter().enumerate() {
        let ctx = datafusion::prelude::SessionContext::new();
        let file = p.path().join(format!("sources/files/t{i}.parquet"));
        let sql = format!(
            "copy (select v, v * 2 as w from unnest(range(1, 1001)) as t(v)) to '{}' \
             stored as parquet options (compression '{codec}')",
            file.display()
        );
        runtime.block_on(async { ctx.sql(&sql).await?.collect().await }).expect("DataFusion writes the file");
    }
    let mut page = String::from("# Codecs\n\n");
    for i in 0..codecs.len() {
        page.push_str(&format!("```sql t{i}\nselect sum(w) as s from files.t{i}\n```\n\nt{i}: {{t{i}[0].s}}\n\n"));
    }
    p.write("pages/index.md", &page);
    Run::new(wheel_quire().arg("build").arg(p.path())).ok();
    let text = page_text(&p.read("dist/index.html"));
    for (i, codec) in codecs.iter().enumerate() {
        // sum(2v) for v in 1..=1000
        assert!(text.contains(&format!("t{i}: 1,001,000")), "{codec}: {text}");
    }
}

/// A project whose page says `Total: 42`, from a CSV source, for the packaged quires.
const TOTAL_42: &[(&str, &str)] = &[
    ("quire.toml", "title = \"Total\"\n"),
    ("sources/raw/connection.yaml", "type: csv\n"),
    ("sources/raw/items.csv", "id,amount\n1,10\n2,32\n"),
    ("pages/index.md", "# Total\n\n```sql total\nselect sum(amount) as s from raw.items\n```\n\nTotal: {total[0].s}\n"),
];

/// The image's layers, unpacked into a folder, and its config.
fn unpacked_image() -> (tempfile::TempDir, Value) {
    let archive = artifact(".oci.tar");
    let dir = tempfile::tempdir().expect("a folder");
    let oci = dir.path().join("oci");
    std::fs::create_dir_all(&oci).expect("mkdir");
    let status = Command::new("tar").arg("-xf").arg(&archive).arg("-C").arg(&oci).status().expect("tar");
    assert!(status.success());
    let blob = |digest: &str| oci.join("blobs/sha256").join(digest.trim_start_matches("sha256:"));
    let json = |path: PathBuf| -> Value {
        serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
            .expect("JSON")
    };
    let index = json(oci.join("index.json"));
    // `docker load` and `podman load` name it from here.
    assert_eq!(
        index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
        format!("quire:{}", env!("CARGO_PKG_VERSION")),
        "{index}"
    );
    let manifest = json(blob(index["manifests"][0]["digest"].as_str().expect("a manifest")));
    let config = json(blob(manifest["config"]["digest"].as_str().expect("a config")));
    let rootfs = dir.path().join("rootfs");
    std::fs::create_dir_all(&rootfs).expect("mkdir");
    for layer in manifest["layers"].as_array().expect("layers") {
        let media = layer["mediaType"].as_str().unwrap_or_default();
        let flags = if media.ends_with("+gzip") { "-xzf" } else { "-xf" };
        let status = Command::new("tar")
            .arg(flags)
            .arg(blob(layer["digest"].as_str().expect("a digest")))
            .arg("-C")
            .arg(&rootfs)
            .status()
            .expect("tar");
        assert!(status.success(), "unpacking a layer ({media})");
    }
    (dir, config)
}

#[test]
fn the_image_runs_quire_from_scratch_and_builds_a_project() {
    let (dir, config) = unpacked_image();
    assert_eq!(config["config"]["Entrypoint"], serde_json::json!(["/usr/local/bin/quire"]), "{config}");
    assert_eq!(config["config"]["WorkingDir"], "/project", "{config}");
    assert_eq!(config["os"], "linux");
    let rootfs = dir.path().join("rootfs");
    // Nothing but quire, what it loads, and certificates: no shell, no package manager.
    assert!(!rootfs.join("bin/sh").exists());
    let mut files = Vec::new();
    walk(&rootfs, &mut files);
    let big: u64 = files.iter().map(|f| f.metadata().map(|m| m.len()).unwrap_or(0)).sum();
    let quire_size = rootfs.join("usr/local/bin/quire").metadata().expect("quire is in the image").len();
    assert!(big - quire_size < 20 << 20, "the image holds {} bytes besides quire: {files:?}", big - quire_size);

    // Run it as the image would (its root as `/`), on a project mounted at /project.
    let project = rootfs.join("project");
    for (rel, text) in TOTAL_42 {
        let path = project.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    // Found on this PATH: the child's environment is the image's, whose PATH has only quire.
    let chroot_bin = on_path("chroot");
    let mut chroot = Command::new(&chroot_bin);
    if !is_root() {
        // Without root, a user namespace in which this user is root.
        chroot = Command::new(on_path("unshare"));
        chroot.arg("--map-root-user").arg(&chroot_bin);
    }
    let env: Vec<(String, String)> = config["config"]["Env"]
        .as_array()
        .map(|a| {
            a.iter().filter_map(|v| v.as_str()?.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect()
        })
        .unwrap_or_default();
    let out = chroot
        .env_clear()
        .envs(env)
        .env("NO_COLOR", "1")
        .arg(&rootfs)
        .args(["/usr/local/bin/quire", "build", "/project"])
        .output()
        .expect("chroot runs");
    assert!(out.status.success(), "quire build in the image: {}", String::from_utf8_lossy(&out.stderr));
    let text = page_text(&std::fs::read_to_string(project.join("dist/index.html")).expect("the site"));
    assert!(text.contains("Total: 42"), "{text}");
}

/// A page's article as the reader sees its text.
fn page_text(html: &str) -> String {
    crate::util::plain_text(crate::util::article(html))
}

fn on_path(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("`{name}` is not on the PATH"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() && !p.is_symlink() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

#[test]
fn the_github_action_installs_quire_and_builds_the_project() {
    // What the runner runs: the one step's script, with the inputs in its environment.
    let action: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("action.yml")).expect("action.yml"))
            .expect("action.yml is YAML");
    assert_eq!(action["runs"]["using"], "composite");
    let step = &action["runs"]["steps"][0];
    assert_eq!(step["run"].as_str(), Some("\"$GITHUB_ACTION_PATH/scripts/action.sh\""));
    let inputs = action["inputs"].as_mapping().expect("inputs");
    let env = step["env"].as_mapping().expect("the step's environment");
    for (name, _) in inputs {
        let name = name.as_str().expect("a name");
        let var = format!("QUIRE_{}", name.to_uppercase());
        assert_eq!(
            env.get(var.as_str()).and_then(|v| v.as_str()),
            Some(format!("${{{{ inputs.{name} }}}}").as_str()),
            "input `{name}` reaches the script as {var}"
        );
    }
    assert_eq!(inputs.len(), env.len(), "every variable the script reads is an input");

    let work = tempfile::tempdir().expect("a folder");
    let p = Project::with_files(TOTAL_42);
    let (output, path) = (work.path().join("output"), work.path().join("path"));
    let site = work.path().join("site");
    let run = Run::new(
        Command::new(repo().join("scripts/action.sh"))
            .current_dir(work.path())
            .env("GITHUB_ACTION_PATH", repo())
            .env("RUNNER_TEMP", work.path())
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_PATH", &path)
            .env("QUIRE_VERSION", "latest")
            .env("QUIRE_PACKAGE", artifact(".whl"))
            .env("QUIRE_PROJECT", p.path())
            .env("QUIRE_OUT", &site)
            // Split as flags; a `;` stays a word, never a command.
            .env("QUIRE_ARGS", "--strict"),
    )
    .ok();
    let said = run.stdout();
    assert!(
        said.contains(&format!("\nquire {} (commit ", env!("CARGO_PKG_VERSION"))),
        "the action says which quire: {said}"
    );
    let text = page_text(&std::fs::read_to_string(site.join("index.html")).expect("the site is where `out` says"));
    assert!(text.contains("Total: 42"), "{text}");
    assert_eq!(std::fs::read_to_string(&output).expect("outputs"), format!("dist={}\n", site.display()));
    let on_path = std::fs::read_to_string(&path).expect("the PATH file");
    assert!(Path::new(on_path.trim()).join("quire").exists(), "{on_path}");

    // A flag that is not quire's fails the step, with quire's message.
    let bad = Run::new(
        Command::new(repo().join("scripts/action.sh"))
            .env("RUNNER_TEMP", work.path())
            .env("QUIRE_PACKAGE", artifact(".whl"))
            .env("QUIRE_PROJECT", p.path())
            .env("QUIRE_ARGS", "--strict; touch /tmp/quire-action-injected"),
    );
    assert!(!bad.output.status.success());
    assert!(!Path::new("/tmp/quire-action-injected").exists());
}
