//! Liveness and readiness probes.

use wujin_testkit::{TestApp, get_json};

#[tokio::test]
async fn liveness_and_readiness() {
    let t = TestApp::spawn().await;
    let c = t.client();
    let (status, body) = get_json(&c, t.url("/healthz")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = get_json(&c, t.url("/readyz")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["pending_migrations"], 0);
    // The schema falls behind the binary (the newest migration is not recorded as applied):
    // not ready.
    t.sql(
        "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
    )
    .await
    .unwrap();
    let (status, body) = get_json(&c, t.url("/readyz")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["pending_migrations"], 1);
    // Liveness does not depend on the database.
    assert_eq!(get_json(&c, t.url("/healthz")).await.0, 200);
}
