//! Writing `dist/`: beside the old one first, then swapped in, so a failed or killed
//! build leaves the last good site readable.

use std::path::{Path, PathBuf};

use crate::compile::Site;
use crate::error::BuildError;

pub fn write_site(site: &Site, out_dir: &Path) -> Result<(), BuildError> {
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| BuildError::file(&parent, e))?;
    let name = out_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dist".into());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let write = || -> Result<(), BuildError> {
        for (rel, bytes) in &site.files {
            let path = staging.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| BuildError::file(dir, e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| BuildError::file(&path, e))?;
        }
        Ok(())
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    // Swap: the old site stays whole until the new one is complete on disk.
    if out_dir.exists() {
        std::fs::rename(out_dir, &retired).map_err(|e| BuildError::file(out_dir, e))?;
    }
    if let Err(e) = std::fs::rename(&staging, out_dir) {
        let _ = std::fs::rename(&retired, out_dir);
        return Err(BuildError::file(out_dir, e));
    }
    let _ = std::fs::remove_dir_all(&retired);
    Ok(())
}
