//! A file of the site: its bytes in memory, or, for a table shipped to be read a piece at a
//! time (as large as the data), a file the build wrote to disk, so that the build's memory
//! does not grow with the data.
//!
//! Such a file is *spooled* into `.quire/ship/` (quire's own folder) while the build runs,
//! under a name with the process's id, hashed as it is written. Writing `dist/` links it
//! there (or copies it, across file systems); `quire dev` serves its ranges from it. It is
//! removed when the last site holding it is dropped (or, by `quire dev`, at Ctrl-C), and a
//! later build removes those of processes that no longer run.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// Where spooled files go, under the project.
pub const SHIP: &str = ".quire/ship";

#[derive(Debug, Clone)]
pub enum Body {
    Memory(Bytes),
    Spooled(Arc<Spooled>),
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Body {
        Body::Memory(bytes)
    }
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Memory(b) => b.len() as u64,
            Body::Spooled(s) => s.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, when they are in memory (pages, scripts, small tables).
    pub fn in_memory(&self) -> Option<&Bytes> {
        match self {
            Body::Memory(b) => Some(b),
            Body::Spooled(_) => None,
        }
    }

    /// Bytes `start..end` (within the file).
    pub fn range(&self, start: u64, end: u64) -> std::io::Result<Bytes> {
        match self {
            Body::Memory(b) => Ok(b.slice(start as usize..end as usize)),
            Body::Spooled(s) => s.read(start, end),
        }
    }

    /// Whether two bodies are the same bytes: shared, or equal.
    pub fn same(&self, other: &Body) -> bool {
        match (self, other) {
            (Body::Memory(a), Body::Memory(b)) => (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b,
            (Body::Spooled(a), Body::Spooled(b)) => Arc::ptr_eq(a, b) || a.sha256 == b.sha256,
            _ => false,
        }
    }

    /// Write the file at `path` (a new name): bytes written out, or a spooled file linked
    /// there, or copied where it cannot be linked.
    pub fn write_to(&self, path: &Path) -> std::io::Result<()> {
        match self {
            Body::Memory(b) => std::fs::write(path, b),
            Body::Spooled(s) => std::fs::hard_link(&s.path, path).or_else(|_| std::fs::copy(&s.path, path).map(drop)),
        }
    }
}

/// A file written to `.quire/ship/` by this build.
#[derive(Debug)]
pub struct Spooled {
    path: PathBuf,
    file: Mutex<std::fs::File>,
    len: u64,
    sha256: [u8; 32],
}

impl Spooled {
    fn read(&self, start: u64, end: u64) -> std::io::Result<Bytes> {
        let mut out = vec![0; end.saturating_sub(start) as usize];
        let mut file = self.file.lock().map_err(|_| std::io::Error::other("a read of the file failed"))?;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut out)?;
        Ok(Bytes::from(out))
    }

    /// The file, to read (its footer, say) as Parquet.
    pub fn reopen(&self) -> std::io::Result<std::fs::File> {
        std::fs::File::open(&self.path)
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A file being written: into `.quire/ship/` when the project has room for it, else (a
/// project that cannot be written to, or whose `.quire` or `.quire/ship` is a symbolic
/// link) into memory. Hashed as it is written.
pub struct Spool {
    /// `None` once finished.
    sink: Option<Sink>,
    hash: Sha256,
    len: u64,
}

enum Sink {
    Memory(Vec<u8>),
    File(std::io::BufWriter<std::fs::File>, PathBuf),
}

impl Spool {
    /// A new file for `name` (a table's name) under `root`'s `.quire/ship/`.
    pub fn new(root: &Path, name: &str) -> Spool {
        let file = (|| {
            std::fs::create_dir_all(root.join(SHIP)).ok()?;
            let dir = ship_dir(root)?;
            remove_spooled(&dir, |pid| !crate::output::running(pid));
            let path = dir.join(format!("{}.{}.{}.parquet", std::process::id(), crate::output::nanos(), safe(name)));
            let f = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path).ok()?;
            Some(Sink::File(std::io::BufWriter::with_capacity(1 << 20, f), path))
        })();
        Spool { sink: Some(file.unwrap_or(Sink::Memory(Vec::new()))), hash: Sha256::new(), len: 0 }
    }

    /// The file written: in memory if it is at most `keep_in_memory` bytes, else spooled.
    /// Its SHA-256 beside it.
    pub fn finish(mut self, keep_in_memory: u64) -> std::io::Result<(Body, [u8; 32])> {
        let sha256: [u8; 32] = std::mem::take(&mut self.hash).finalize().into();
        let len = self.len;
        let body = match self.sink.take() {
            None => return Err(std::io::Error::other("the file was finished twice")),
            Some(Sink::Memory(v)) => Body::Memory(Bytes::from(v)),
            Some(Sink::File(w, path)) => {
                let read = |w: std::io::BufWriter<std::fs::File>| -> std::io::Result<Body> {
                    let mut file = w.into_inner().map_err(|e| e.into_error())?;
                    if len <= keep_in_memory {
                        let mut v = Vec::with_capacity(len as usize);
                        file.seek(SeekFrom::Start(0))?;
                        file.read_to_end(&mut v)?;
                        let _ = std::fs::remove_file(&path);
                        return Ok(Body::Memory(Bytes::from(v)));
                    }
                    Ok(Body::Spooled(Arc::new(Spooled { path: path.clone(), file: Mutex::new(file), len, sha256 })))
                };
                read(w).inspect_err(|_| {
                    let _ = std::fs::remove_file(&path);
                })?
            }
        };
        Ok((body, sha256))
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = match &mut self.sink {
            Some(Sink::Memory(v)) => v.write(buf)?,
            Some(Sink::File(w, _)) => w.write(buf)?,
            None => return Err(std::io::Error::other("the file is finished")),
        };
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.sink {
            Some(Sink::File(w, _)) => w.flush(),
            _ => Ok(()),
        }
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        // A spool dropped unfinished (its table failed) leaves nothing.
        if let Some(Sink::File(_, path)) = &self.sink {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A table's name as part of a file name: letters, digits, `.`, `_` and `-` only.
fn safe(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
        .take(80)
        .collect()
}

/// `root`'s `.quire/ship/`; `None` if it is missing, or if it or `.quire` is a symbolic
/// link (`.quire/` is quire's: a link could send writes and removals elsewhere).
fn ship_dir(root: &Path) -> Option<PathBuf> {
    let dir = root.join(SHIP);
    let real = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    (real(&root.join(".quire")) && real(&dir)).then_some(dir)
}

/// Remove this process's spooled files under `root`: for a process about to exit without
/// dropping its site (`quire dev` at Ctrl-C).
pub fn remove_own(root: &Path) {
    if let Some(dir) = ship_dir(root) {
        remove_spooled(&dir, |pid| pid == std::process::id());
    }
}

/// Remove the spooled files in `dir` (quire's names only) of the processes `whose` picks:
/// files of processes that no longer run (killed builds), or this process's own.
fn remove_spooled(dir: &Path, whose: impl Fn(u32) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.split('.').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        let ours = name.ends_with(".parquet") && entry.file_type().is_ok_and(|t| t.is_file());
        if ours && whose(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
