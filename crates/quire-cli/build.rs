//! Embeds the browser runtime (trunk's output for `site/`) into the `quire` binary, so
//! users need neither Node nor a wasm toolchain. Set `QUIRE_SITE_DIST` to use another build.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=QUIRE_SITE_DIST");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dist =
        std::env::var_os("QUIRE_SITE_DIST").map(PathBuf::from).unwrap_or_else(|| manifest.join("../../site/dist"));
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dist).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "js" || e == "wasm"));
    files.sort();
    if files.is_empty() {
        println!(
            "cargo:warning=no browser runtime in {}: pages will be built without it. Build it with `scripts/build-runtime.sh`.",
            dist.display()
        );
    }
    let mut code = String::from(
        "/// The browser runtime's files: name and bytes.\npub static RUNTIME_FILES: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let abs = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        code.push_str(&format!("    ({name:?}, include_bytes!({:?})),\n", abs.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("runtime.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
