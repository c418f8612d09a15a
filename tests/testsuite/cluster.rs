//! `[pipeline] engine = "ballista://host:port"`: the pipeline's models run on an Apache
//! Ballista cluster, here a scheduler and an executor started on loopback by the test.

use std::time::Duration;

use ballista_core::serde::BallistaCodec;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use quire_build::committed::Manifest;

use crate::util::{Project, Run, quire};

#[test]
fn the_pipeline_runs_on_a_ballista_cluster() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let addr = rt.block_on(async {
        let addr = ballista_scheduler::standalone::new_standalone_scheduler().await.expect("a scheduler on loopback");
        let url = format!("http://127.0.0.1:{}", addr.port());
        let mut tries = 0;
        let scheduler = loop {
            match SchedulerGrpcClient::connect(url.clone()).await {
                Ok(s) => break s,
                Err(e) => {
                    tries += 1;
                    assert!(tries < 100, "the scheduler does not answer: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        ballista_executor::new_standalone_executor(scheduler, 2, BallistaCodec::default())
            .await
            .expect("an executor on loopback");
        addr
    });

    // The same project, in process and on the cluster: the same tables.
    let local = Project::fixture("pipeline");
    Run::new(quire().arg("run").arg(local.path()).arg("--quiet")).ok();
    let p = Project::fixture("pipeline");
    let toml = p.read("quire.toml");
    std::fs::write(
        p.path().join("quire.toml"),
        format!("{toml}\n[pipeline]\nengine = \"ballista://127.0.0.1:{}\"\n", addr.port()),
    )
    .expect("write");
    let run = Run::new(quire().arg("run").arg(p.path())).ok();
    let err = run.stderr();
    assert!(err.contains("Ran marts.revenue (3 rows"), "{err}");
    assert!(err.contains("Done 6 ran, 0 cached, 0 failed"), "{err}");
    let rows = |m: &Manifest| m.tables.iter().map(|(t, c)| (t.clone(), c.key.clone(), c.rows)).collect::<Vec<_>>();
    assert_eq!(
        rows(&Manifest::load(p.path()).expect("manifest")),
        rows(&Manifest::load(local.path()).expect("manifest")),
        "the cluster made the same tables, under the same keys"
    );
    let again = Run::new(quire().arg("run").arg(p.path())).ok();
    assert!(again.stderr().contains("nothing to run"), "{}", again.stderr());
    Run::new(quire().arg("build").arg(p.path()).arg("--quiet")).ok();
    assert!(p.read("dist/index.html").contains("$465.75"));

    // A cluster that is not there: the setting's file, and what to do.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    std::fs::write(p.path().join("quire.toml"), format!("[pipeline]\nengine = \"ballista://127.0.0.1:{port}\"\n"))
        .expect("write");
    let run = Run::new(quire().arg("run").arg(p.path()).arg("--full-refresh"));
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert!(
        run.stderr().contains(&format!("quire.toml: cannot reach the Ballista scheduler at 127.0.0.1:{port}")),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains("in model"), "one error, not one per model: {}", run.stderr());
    drop(rt);
}
