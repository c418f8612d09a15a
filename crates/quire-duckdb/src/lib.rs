//! DuckDB sources: DuckDB's own library, loaded when a project has a `type: duckdb` source,
//! so that Evidence's DuckDB files and source queries give DuckDB's answers.
//!
//! quire does not link DuckDB (a C++ build of half an hour on two cores, and tens of MB in
//! every binary, for the projects that have no DuckDB source). It loads DuckDB's C API from
//! `libduckdb` at run time: `QUIRE_LIBDUCKDB` names the file, else quire looks in
//! `~/.cache/quire/libduckdb/` (where `scripts/setup.sh --duckdb` puts the library from the
//! `@duckdb/node-bindings-*` npm package) and then asks the system's loader.
//!
//! Everything DuckDB hands over goes through a Parquet file DuckDB writes itself (`COPY ...
//! TO ... (FORMAT parquet)`): no DuckDB types cross into quire, and quire reads the file as it
//! reads any Parquet. The only `unsafe` in quire is here, in [`Library`] and [`Database`].

use std::ffi::{CStr, CString, c_char, c_void};
use std::path::{Path, PathBuf};

/// Why DuckDB could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// No DuckDB library was found (or it is not DuckDB's).
    Missing(String),
    /// The database file could not be opened.
    Open(String),
    /// DuckDB refused the query; its message (with `LINE n:` when it says where).
    Query(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Missing(m) | Error::Open(m) | Error::Query(m) => f.write_str(m),
        }
    }
}

/// DuckDB's library, loaded once per process (see [`Library::load`]).
pub fn library() -> Result<&'static Library, Error> {
    static LIBRARY: std::sync::OnceLock<Result<Library, Error>> = std::sync::OnceLock::new();
    LIBRARY.get_or_init(Library::load).as_ref().map_err(Clone::clone)
}

/// How to get DuckDB's library, for messages.
#[cfg(not(target_feature = "crt-static"))]
pub const INSTALL_HELP: &str = "DuckDB sources run in DuckDB itself: run `scripts/setup.sh --duckdb` in quire's repository, \
or put DuckDB's libduckdb.so (from https://duckdb.org or the npm package @duckdb/node-bindings-linux-x64) in \
~/.cache/quire/libduckdb/, or set QUIRE_LIBDUCKDB to its path";

/// A static binary (`scripts/release.sh --target x86_64-unknown-linux-musl`) loads no
/// libraries at all.
#[cfg(target_feature = "crt-static")]
pub const INSTALL_HELP: &str = "DuckDB sources run in DuckDB itself, which this quire cannot load: it is a static \
binary (musl), and a static binary loads no libraries. Use the wheel or the glibc build \
of quire for projects with DuckDB sources";

type State = i32;
type Handle = *mut c_void;

/// `duckdb_result` as DuckDB 1.x lays it out; only read through the API's functions.
#[repr(C)]
struct RawResult {
    column_count: u64,
    row_count: u64,
    rows_changed: u64,
    columns: *mut c_void,
    error_message: *mut c_char,
    internal_data: *mut c_void,
}

impl RawResult {
    fn empty() -> Self {
        RawResult {
            column_count: 0,
            row_count: 0,
            rows_changed: 0,
            columns: std::ptr::null_mut(),
            error_message: std::ptr::null_mut(),
            internal_data: std::ptr::null_mut(),
        }
    }
}

struct Api {
    create_config: unsafe extern "C" fn(*mut Handle) -> State,
    set_config: unsafe extern "C" fn(Handle, *const c_char, *const c_char) -> State,
    destroy_config: unsafe extern "C" fn(*mut Handle),
    open_ext: unsafe extern "C" fn(*const c_char, *mut Handle, Handle, *mut *mut c_char) -> State,
    free: unsafe extern "C" fn(*mut c_void),
    connect: unsafe extern "C" fn(Handle, *mut Handle) -> State,
    query: unsafe extern "C" fn(Handle, *const c_char, *mut RawResult) -> State,
    result_error: unsafe extern "C" fn(*mut RawResult) -> *const c_char,
    destroy_result: unsafe extern "C" fn(*mut RawResult),
    disconnect: unsafe extern "C" fn(*mut Handle),
    close: unsafe extern "C" fn(*mut Handle),
    library_version: unsafe extern "C" fn() -> *const c_char,
}

/// DuckDB's library, loaded.
pub struct Library {
    api: Api,
    // Kept loaded while `api` points into it.
    _lib: libloading::Library,
    path: String,
}

impl Library {
    /// Find and load DuckDB's library (see the crate's documentation for where).
    pub fn load() -> Result<Library, Error> {
        let mut tried = Vec::new();
        for candidate in candidates() {
            match Library::open(&candidate) {
                Ok(lib) => return Ok(lib),
                Err(e) => tried.push(format!("{}: {e}", candidate.display())),
            }
        }
        Err(Error::Missing(format!("DuckDB's library was not found ({})", tried.join("; "))))
    }

    /// Load DuckDB's library from `path`.
    pub fn open(path: &Path) -> Result<Library, Error> {
        // SAFETY: loading a shared library runs its initialisers; DuckDB's are DuckDB's own.
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| Error::Missing(e.to_string()))?;
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: the symbol has the C signature DuckDB's header gives it (the field's
                // type); a library without it is refused here.
                *unsafe { lib.get($name) }.map_err(|e| Error::Missing(format!("not DuckDB's library: {e}")))?
            };
        }
        let api = Api {
            create_config: sym!(b"duckdb_create_config\0"),
            set_config: sym!(b"duckdb_set_config\0"),
            destroy_config: sym!(b"duckdb_destroy_config\0"),
            open_ext: sym!(b"duckdb_open_ext\0"),
            free: sym!(b"duckdb_free\0"),
            connect: sym!(b"duckdb_connect\0"),
            query: sym!(b"duckdb_query\0"),
            result_error: sym!(b"duckdb_result_error\0"),
            destroy_result: sym!(b"duckdb_destroy_result\0"),
            disconnect: sym!(b"duckdb_disconnect\0"),
            close: sym!(b"duckdb_close\0"),
            library_version: sym!(b"duckdb_library_version\0"),
        };
        Ok(Library { api, _lib: lib, path: path.display().to_string() })
    }

    /// DuckDB's version, as `v1.5.6`.
    pub fn version(&self) -> String {
        // SAFETY: DuckDB returns a static, NUL-terminated string.
        unsafe { CStr::from_ptr((self.api.library_version)()) }.to_string_lossy().into_owned()
    }

    /// Where the library was loaded from.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Open `file` read-only (`None`: an in-memory database). Relative paths in queries
    /// (`read_csv('sources/x/data.csv')`) are read from `search_path`, as Evidence reads them
    /// from the project's folder.
    pub fn open_database(&self, file: Option<&Path>, search_path: &Path) -> Result<Database<'_>, Error> {
        let api = &self.api;
        let mut config: Handle = std::ptr::null_mut();
        // SAFETY: DuckDB writes a config handle into `config`.
        if unsafe { (api.create_config)(&mut config) } != 0 {
            return Err(Error::Open("DuckDB could not make a configuration".into()));
        }
        let set = |name: &str, value: &str| -> Result<(), Error> {
            let (n, v) = (cstring(name)?, cstring(value)?);
            // SAFETY: a live config, and NUL-terminated strings DuckDB copies.
            if unsafe { (api.set_config)(config, n.as_ptr(), v.as_ptr()) } != 0 {
                return Err(Error::Open(format!("DuckDB refused the setting {name}={value}")));
            }
            Ok(())
        };
        let settings = (|| {
            if file.is_some() {
                set("access_mode", "READ_ONLY")?;
            }
            // Nothing fetched from the network: no extension is installed or loaded on the fly.
            set("autoinstall_known_extensions", "false")?;
            set("autoload_known_extensions", "false")?;
            Ok(())
        })();
        let path = match file {
            Some(f) => cstring(&f.to_string_lossy()),
            None => cstring(":memory:"),
        };
        let (settings, path) = match (settings, path) {
            (Ok(()), Ok(p)) => ((), p),
            (Err(e), _) | (_, Err(e)) => {
                // SAFETY: the config this function created.
                unsafe { (api.destroy_config)(&mut config) };
                return Err(e);
            }
        };
        let () = settings;
        let mut db: Handle = std::ptr::null_mut();
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: a NUL-terminated path, a live config; DuckDB writes the database handle or an
        // error string we free with its allocator.
        let state = unsafe { (api.open_ext)(path.as_ptr(), &mut db, config, &mut error) };
        // SAFETY: DuckDB copied what it needed from the config.
        unsafe { (api.destroy_config)(&mut config) };
        if state != 0 {
            let message = if error.is_null() {
                "DuckDB could not open the database".to_string()
            } else {
                // SAFETY: a NUL-terminated string DuckDB allocated; freed right after.
                let m = unsafe { CStr::from_ptr(error) }.to_string_lossy().into_owned();
                unsafe { (api.free)(error.cast()) };
                m
            };
            return Err(Error::Open(message));
        }
        let mut conn: Handle = std::ptr::null_mut();
        // SAFETY: an open database.
        if unsafe { (api.connect)(db, &mut conn) } != 0 {
            // SAFETY: the database this function opened.
            unsafe { (api.close)(&mut db) };
            return Err(Error::Open("DuckDB could not connect to the database".into()));
        }
        let database = Database { api, db, conn };
        let dir = search_path.to_string_lossy().replace('\'', "''");
        database.execute(&format!("SET file_search_path = '{dir}'"))?;
        Ok(database)
    }
}

/// An open DuckDB database and its one connection.
pub struct Database<'l> {
    api: &'l Api,
    db: Handle,
    conn: Handle,
}

impl Database<'_> {
    /// Run one statement; DuckDB's message if it fails.
    pub fn execute(&self, sql: &str) -> Result<(), Error> {
        let text = cstring(sql)?;
        let mut result = RawResult::empty();
        // SAFETY: a live connection and a NUL-terminated query; DuckDB fills `result`, which
        // is destroyed whatever the outcome.
        let state = unsafe { (self.api.query)(self.conn, text.as_ptr(), &mut result) };
        let outcome = if state == 0 {
            Ok(())
        } else {
            // SAFETY: the result of a failed query; the message lives until it is destroyed.
            let e = unsafe { (self.api.result_error)(&mut result) };
            let message = if e.is_null() {
                "DuckDB failed without saying why".to_string()
            } else {
                // SAFETY: NUL-terminated, owned by `result`, copied before it is destroyed.
                unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
            };
            Err(Error::Query(message))
        };
        // SAFETY: `result` was filled by `duckdb_query`.
        unsafe { (self.api.destroy_result)(&mut result) };
        outcome
    }

    /// Run `query` (one SELECT, as a source `.sql` file holds it) and write its result to
    /// `out` as Parquet. DuckDB's line numbers in errors are the query's own.
    pub fn copy_to_parquet(&self, query: &str, out: &Path) -> Result<(), Error> {
        let query = query.trim().trim_end_matches(';').trim_end();
        let out = out.to_string_lossy().replace('\'', "''");
        // `COPY (` on the query's first line, so DuckDB's `LINE n` is the file's line n.
        self.execute(&format!("COPY ({query}\n) TO '{out}' (FORMAT parquet)"))
    }

    /// A query for the tables and views of the database, as `(schema, name)`.
    pub const TABLES: &'static str = "select table_schema, table_name from information_schema.tables \
         where table_catalog = current_database() order by table_schema, table_name";
}

impl Drop for Database<'_> {
    fn drop(&mut self) {
        // SAFETY: the connection and database this value opened, closed once.
        unsafe {
            (self.api.disconnect)(&mut self.conn);
            (self.api.close)(&mut self.db);
        }
    }
}

fn cstring(s: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| Error::Query("a NUL byte in text sent to DuckDB".into()))
}

/// Where DuckDB's library may be, in the order tried.
fn candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os("QUIRE_LIBDUCKDB").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let name = if cfg!(target_os = "macos") { "libduckdb.dylib" } else { "libduckdb.so" };
    if let Some(home) = std::env::var_os("HOME") {
        out.push(PathBuf::from(home).join(".cache/quire/libduckdb").join(name));
    }
    // The system's loader: LD_LIBRARY_PATH, /usr/lib, ...
    out.push(PathBuf::from(name));
    out
}

/// The line DuckDB's message points at (`LINE 3:`), if it says.
pub fn error_line(message: &str) -> Option<usize> {
    let rest = message.split("LINE ").nth(1)?;
    rest.split(':').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_are_read_from_duckdbs_messages() {
        assert_eq!(error_line("Parser Error: syntax error at or near \"form\"\n\nLINE 2: select * form t\n"), Some(2));
        assert_eq!(error_line("Catalog Error: Table with name x does not exist!"), None);
    }

    /// With DuckDB's library present (CI installs it), a query's result arrives as Parquet
    /// and a read-only file refuses writes.
    #[test]
    fn duckdb_runs_queries_into_parquet_when_its_library_is_here() {
        let lib = match Library::load() {
            Ok(l) => l,
            Err(e) => {
                let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
                assert!(!ci, "{e}");
                eprintln!("skipping: {e}");
                return;
            }
        };
        assert!(lib.version().starts_with('v'), "{}", lib.version());
        let dir = tempfile::tempdir().expect("a folder");
        let file = dir.path().join("x.duckdb");
        {
            let db = lib.open_database(None, dir.path()).expect("in memory");
            db.execute(&format!("attach '{}' as x", file.display())).expect("attach");
            db.execute("create table x.t as select range as i from range(5)").expect("create");
        }
        let db = lib.open_database(Some(&file), dir.path()).expect("read-only");
        let out = dir.path().join("t.parquet");
        db.copy_to_parquet("select sum(i) as s from t;", &out).expect("copy");
        let bytes = std::fs::read(&out).expect("written");
        assert_eq!(&bytes[..4], b"PAR1");
        let e = db.execute("create table u (i int)").expect_err("read-only");
        assert!(e.to_string().contains("read-only"), "{e}");
        let e = db.copy_to_parquet("select 1\nfrom nowhere", &out).expect_err("no table");
        assert_eq!(error_line(&e.to_string()), Some(2), "{e}");
    }
}
