//! Test helpers: fixture projects in temporary folders, and the `quire` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The checkout the tests run in: cargo's `CARGO_MANIFEST_DIR` at run time, not the one
/// compiled in (a shared target directory may hold a binary built in another checkout).
pub fn repo() -> PathBuf {
    let crate_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from);
    crate_dir.join("../..").canonicalize().expect("the repository exists")
}

pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

/// A project in its own temporary folder.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Project {
        let dir = tempfile::tempdir().expect("a temporary folder");
        copy_dir(&fixtures().join(name), dir.path());
        Project { dir }
    }

    /// A copy of another project, its built `dist/` hard-linked (a build never writes into
    /// an existing `dist/`: it renames a new one into place), so copying is cheap.
    pub fn copy_of(other: &Project) -> Project {
        let dir = tempfile::tempdir().expect("a temporary folder");
        link_dir(other.path(), dir.path());
        Project { dir }
    }

    /// A project made of the given files (path → text), in its own temporary folder.
    pub fn with_files(files: &[(&str, &str)]) -> Project {
        let project = Project { dir: tempfile::tempdir().expect("a temporary folder") };
        for (rel, text) in files {
            project.write(rel, text);
        }
        project
    }

    /// Write `text` to `rel`, making its folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {rel}: {e}"));
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// `quire build` in this project.
    pub fn build(&self) -> Run {
        Run::new(quire().arg("build").arg(self.path()))
    }
}

pub fn quire() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quire"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// What a command did.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn new(cmd: &mut Command) -> Run {
        Run { output: cmd.output().expect("quire runs") }
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn success(&self) -> bool {
        self.output.status.success()
    }
    /// Panic with the output unless the command succeeded.
    pub fn ok(self) -> Run {
        assert!(self.success(), "quire failed:\n{}", self.stderr());
        self
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display())) {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `copy_dir`, but `dist/` (at any depth) is hard-linked.
fn link_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display())) {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() == "dist" {
                hard_link_dir(&entry.path(), &target);
            } else {
                link_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn hard_link_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dist") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            hard_link_dir(&entry.path(), &target);
        } else {
            std::fs::hard_link(entry.path(), &target).expect("hard link");
        }
    }
}

/// Every file under `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// HTML's text, its tags removed (entities left as written).
pub fn plain_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Where a built page's data island (the JSON in `<script id="quire-data">`) is in its HTML.
pub fn island_at(html: &str) -> std::ops::Range<usize> {
    let start = html.find("id=\"quire-data\">").expect("a data island") + "id=\"quire-data\">".len();
    start..start + html[start..].find("</script>").expect("the island is closed")
}

/// A built page's data island, parsed.
pub fn island(html: &str) -> serde_json::Value {
    serde_json::from_str(&html[island_at(html)]).expect("the island is JSON")
}

/// The `<article>` of a built page: what the author's Markdown became.
pub fn article(html: &str) -> &str {
    let start = html.find("<article").expect("the page has an <article>");
    let end = html.find("</article>").expect("the article is closed") + "</article>".len();
    &html[start..end]
}
