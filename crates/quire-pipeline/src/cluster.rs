//! Running models on an Apache Ballista cluster: `[pipeline] engine =
//! "ballista://host:port"` names its scheduler. The models, their keys, the cache and the
//! commits are the same as in process; the queries run on the cluster's executors, which
//! read the sources and the cache's Parquet files by path.

use ballista::prelude::SessionContextExt;
use quire_build::BuildError;
use quire_engine::Engine;
use quire_engine::datafusion::prelude::SessionContext;

pub async fn connect(url: &str) -> Result<Engine, BuildError> {
    let bad = |message: String| {
        BuildError::File {
        path: "quire.toml".into(),
        message,
        help: Some("`[pipeline] engine` is \"datafusion\" (in process, the default) or \"ballista://host:port\", a Ballista scheduler".into()),
    }
    };
    let Some(address) = url.strip_prefix("ballista://") else {
        return Err(bad(format!("unknown pipeline engine `{url}`")));
    };
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
