//! Embeds the browser runtime (`site/dist`, written by scripts/build-runtime.sh),
//! compressed, into the `quire` binary, so users need neither Node nor a wasm toolchain.
//! Set `QUIRE_SITE_DIST` to use another build.
//! Also writes what `quire --version` says: the version, the commit it was built from
//! (`git`, else `QUIRE_COMMIT`, else `unknown`), the embedded runtime's hash and `cluster`
//! when Ballista is built in.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=QUIRE_SITE_DIST");
    // `QUIRE_NO_RUNTIME=1`: build without the runtime, and say nothing of it (example.sh
    // builds quire's dependencies while the runtime builds, then quire again with it).
    println!("cargo:rerun-if-env-changed=QUIRE_NO_RUNTIME");
    let without_runtime = std::env::var_os("QUIRE_NO_RUNTIME").is_some();
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dist =
        std::env::var_os("QUIRE_SITE_DIST").map(PathBuf::from).unwrap_or_else(|| manifest.join("../../site/dist"));
    println!("cargo:rerun-if-changed={}", dist.display());
    let files: Vec<PathBuf> = if without_runtime {
        Vec::new()
    } else {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dist)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "js" || e == "wasm"));
        files.sort();
        files
    };
    if files.is_empty() && !without_runtime {
        println!(
            "cargo:warning=no browser runtime in {}: pages will be built without it. Build it with `scripts/build-runtime.sh`.",
            dist.display()
        );
    }
    // Compressed with zstd: the runtime is most of what the binary would weigh (21 MB
    // size-tuned, 4.5 MB compressed), and `quire build` unpacks it in milliseconds.
    // `QUIRE_RUNTIME_ZSTD_LEVEL` trades build time for size (scripts/release.sh: 19).
    println!("cargo:rerun-if-env-changed=QUIRE_RUNTIME_ZSTD_LEVEL");
    let level: i32 = std::env::var("QUIRE_RUNTIME_ZSTD_LEVEL").ok().and_then(|l| l.parse().ok()).unwrap_or(3);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut code = String::from(
        "/// The browser runtime's files: name and zstd-compressed bytes.\npub static RUNTIME_FILES: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let raw = std::fs::read(f).unwrap_or_else(|e| panic!("reading {}: {e}", f.display()));
        let packed = zstd::bulk::compress(&raw, level).expect("zstd compresses");
        let dest = out_dir.join(format!("{name}.zst"));
        std::fs::write(&dest, packed).expect("OUT_DIR is writable");
        code.push_str(&format!("    ({name:?}, include_bytes!({:?})),\n", dest.display().to_string()));
    }
    code.push_str("];\n");
    println!("cargo:rustc-env=QUIRE_LONG_VERSION={}", long_version(&files));
    std::fs::write(out_dir.join("runtime.rs"), code).expect("OUT_DIR is writable");
}

/// `0.1.0 (commit 6e58b35e1c2a, runtime 5f0c3a9e2b71d4c8)`: the runtime's hash is FNV-1a
/// over its files' names and bytes in name order (the tests recompute it).
fn long_version(files: &[PathBuf]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in files {
        feed(f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default().as_bytes());
        feed(&std::fs::read(f).unwrap_or_default());
    }
    let runtime = if files.is_empty() { "none".to_string() } else { format!("{hash:016x}") };
    // Cargo tells a build script its package's features.
    let cluster = if std::env::var_os("CARGO_FEATURE_CLUSTER").is_some() { ", cluster" } else { "" };
    format!(
        "{} (commit {}, runtime {runtime}{cluster})",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        commit()
    )
}

/// The commit being built: `git rev-parse` in the checkout (rebuilt when HEAD moves), else
/// `QUIRE_COMMIT` (a build from a source archive), else `unknown`.
fn commit() -> String {
    println!("cargo:rerun-if-env-changed=QUIRE_COMMIT");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let git = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(&manifest)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|c| !c.is_empty());
    if git.is_some() {
        let dir = std::process::Command::new("git")
            .args(["rev-parse", "--absolute-git-dir"])
            .current_dir(&manifest)
            .output()
            .ok()
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        if let Some(dir) = dir {
            println!("cargo:rerun-if-changed={}", dir.join("HEAD").display());
            let head = std::fs::read_to_string(dir.join("HEAD")).unwrap_or_default();
            // A branch's ref, or the packed refs once git has packed it.
            if let Some(r) = head.trim().strip_prefix("ref: ") {
                let loose = dir.join(r);
                let watched = if loose.exists() { loose } else { dir.join("packed-refs") };
                println!("cargo:rerun-if-changed={}", watched.display());
            }
        }
    }
    git.or_else(|| std::env::var("QUIRE_COMMIT").ok().filter(|c| !c.is_empty())).unwrap_or_else(|| "unknown".into())
}
