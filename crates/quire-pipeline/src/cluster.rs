//! Running models on an Apache Ballista cluster: `[pipeline] engine =
//! "ballista://host:port"` names its scheduler. The models, their keys, the cache and the
//! commits are the same as in process; the queries run on the cluster's executors, which
//! read the sources and the cache's Parquet files by path.
//!
//! Ballista is the `cluster` cargo feature: release artifacts have it, a plain source build
//! does not, and there an engine URL is an error that says how to get it.

use quire_build::BuildError;
use quire_engine::Engine;

fn bad(message: String, help: &str) -> BuildError {
    BuildError::File { path: "quire.toml".into(), message, help: Some(help.into()) }
}

const ENGINES: &str =
    "`[pipeline] engine` is \"datafusion\" (in process, the default) or \"ballista://host:port\", a Ballista scheduler";

/// The scheduler's `host:port` in `ballista://host:port`.
fn address(url: &str) -> Result<&str, BuildError> {
    url.strip_prefix("ballista://").ok_or_else(|| bad(format!("unknown pipeline engine `{url}`"), ENGINES))
}

#[cfg(not(feature = "cluster"))]
pub async fn connect(url: &str) -> Result<Engine, BuildError> {
    let address = address(url)?;
    Err(bad(
        format!("this quire was built without Ballista, so it cannot run models on the cluster at {address}"),
        "quire's releases (`pipx install quire-bi`, the image, the binaries) have it; from source, build \
         with `cargo build --release -p quire --features cluster`. Or remove `engine` from `[pipeline]` \
         to run the models in process",
    ))
}

#[cfg(feature = "cluster")]
pub async fn connect(url: &str) -> Result<Engine, BuildError> {
    use ballista::prelude::SessionContextExt;
    use quire_engine::datafusion::prelude::SessionContext;

    let address = address(url)?;
    let bad = |message: String| bad(message, ENGINES);
    // The client connects lazily; ask once here, so that a cluster that is not there is one
    // clear error rather than one per model.
    let reach = tokio::time::timeout(std::time::Duration::from_secs(10), tokio::net::TcpStream::connect(address)).await;
    match reach {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(bad(format!("cannot reach the Ballista scheduler at {address}: {e}"))),
        Err(_) => return Err(bad(format!("the Ballista scheduler at {address} did not answer in 10 s"))),
    }
    let ctx = SessionContext::remote(&format!("df://{address}"))
        .await
        .map_err(|e| bad(format!("cannot reach the Ballista scheduler at {address}: {e}")))?;
    Ok(Engine::from_context(ctx))
}
