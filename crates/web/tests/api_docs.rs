//! The OpenAPI document and its offline viewer.

use serde_json::Value;
use wujin_testkit::TestApp;

/// Every route the API registers, as (method, path).
const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/me/password"),
    ("put", "/api/v1/me/locale"),
    ("get", "/api/v1/me/logins"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("put", "/api/v1/users/{id}"),
    ("post", "/api/v1/users/{id}/disable"),
    ("post", "/api/v1/users/{id}/enable"),
    ("post", "/api/v1/users/{id}/reset-password"),
    ("get", "/api/v1/users/{id}/history"),
    ("get", "/api/v1/departments"),
    ("post", "/api/v1/departments"),
    ("get", "/api/v1/departments/{id}"),
    ("put", "/api/v1/departments/{id}"),
    ("post", "/api/v1/departments/{id}/disable"),
    ("post", "/api/v1/departments/{id}/enable"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/audit/entities"),
    ("get", "/api/v1/audit/{id}"),
    ("get", "/api/v1/login-log"),
    ("get", "/api/v1/notifications"),
    ("get", "/api/v1/notifications/unread-count"),
    ("post", "/api/v1/notifications/{id}/read"),
    ("post", "/api/v1/notifications/read-all"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
    ("get", "/api/v1/calendar/years"),
    ("post", "/api/v1/calendar/years"),
    ("get", "/api/v1/calendar/years/{year}"),
    ("get", "/api/v1/calendar/working-day"),
    ("get", "/api/v1/calendar/add"),
    ("get", "/api/v1/calendar/between"),
    ("get", "/api/v1/enterprises"),
    ("post", "/api/v1/enterprises"),
    ("get", "/api/v1/enterprises/{id}"),
    ("put", "/api/v1/enterprises/{id}"),
    ("get", "/api/v1/enterprises/{id}/figures"),
    ("put", "/api/v1/enterprises/{id}/figures/{year}"),
    ("get", "/api/v1/enterprises/{id}/land"),
    ("get", "/api/v1/industry-groups"),
    ("post", "/api/v1/industry-groups"),
    ("put", "/api/v1/industry-groups/{id}"),
    ("get", "/api/v1/tags"),
    ("post", "/api/v1/tags"),
    ("put", "/api/v1/tags/{id}"),
    ("get", "/api/v1/imports"),
    ("post", "/api/v1/imports/{kind}"),
    ("get", "/api/v1/imports/{id}"),
    ("post", "/api/v1/imports/{id}/commit"),
    ("post", "/api/v1/imports/{id}/discard"),
    ("get", "/api/v1/imports/{id}/errors.xlsx"),
    ("get", "/api/v1/imports/templates/{kind}.xlsx"),
    ("get", "/api/v1/enterprises/export.xlsx"),
    ("get", "/api/v1/figures/export.xlsx"),
    ("post", "/api/v1/evaluation/low-end/generate"),
    ("get", "/api/v1/evaluation/low-end"),
    ("get", "/api/v1/evaluation/low-end.xlsx"),
    ("get", "/api/v1/evaluation/low-end/totals"),
    ("get", "/api/v1/evaluation/low-end/{id}"),
    ("post", "/api/v1/evaluation/low-end/{id}/verify"),
    ("put", "/api/v1/evaluation/low-end/{id}/plan"),
    ("post", "/api/v1/evaluation/low-end/{id}/progress"),
    (
        "post",
        "/api/v1/evaluation/low-end/{id}/steps/{step_id}/done",
    ),
    ("post", "/api/v1/evaluation/low-end/{id}/close"),
    (
        "get",
        "/api/v1/evaluation/low-end/{id}/attachments/{attachment_id}",
    ),
    ("get", "/api/v1/evaluation/runs/{id}/measures"),
    ("get", "/api/v1/evaluation/runs/{id}/measures.xlsx"),
    ("post", "/api/v1/evaluation/runs/{id}/recompute"),
    ("post", "/api/v1/evaluation/runs/{id}/publish"),
    ("post", "/api/v1/evaluation/runs/{id}/finalise"),
    ("get", "/api/v1/evaluation/runs/{id}/diff"),
    ("get", "/api/v1/evaluation/objections"),
    ("post", "/api/v1/evaluation/objections"),
    ("get", "/api/v1/evaluation/objections/{id}"),
    ("post", "/api/v1/evaluation/objections/{id}/accept"),
    ("post", "/api/v1/evaluation/objections/{id}/reject"),
    (
        "get",
        "/api/v1/evaluation/objections/{id}/attachments/{attachment_id}",
    ),
    ("get", "/api/v1/evaluation/runs"),
    ("post", "/api/v1/evaluation/runs"),
    ("get", "/api/v1/evaluation/runs/{id}"),
    ("get", "/api/v1/evaluation/runs/{id}/results"),
    ("get", "/api/v1/evaluation/runs/{id}/results.xlsx"),
    (
        "get",
        "/api/v1/evaluation/runs/{id}/results/{enterprise_id}",
    ),
    ("get", "/api/v1/evaluation/runs/{id}/distribution"),
    ("get", "/api/v1/evaluation/migration"),
    ("get", "/api/v1/evaluation/schemes"),
    ("post", "/api/v1/evaluation/schemes"),
    ("get", "/api/v1/evaluation/schemes/{id}"),
    ("put", "/api/v1/evaluation/schemes/{id}"),
    ("post", "/api/v1/evaluation/schemes/{id}/copy"),
    ("get", "/api/v1/evaluation/schemes/{id}/toml"),
    ("post", "/api/v1/evaluation/schemes/import"),
    ("post", "/api/v1/evaluation/schemes/{id}/benchmarks"),
    ("post", "/api/v1/plans/{id}/imports"),
    ("get", "/api/v1/task-imports/{batch}"),
    ("post", "/api/v1/task-imports/{batch}/commit"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/plans"),
    ("post", "/api/v1/plans"),
    ("get", "/api/v1/plans/{id}"),
    ("get", "/api/v1/plans/{id}/tasks"),
    ("get", "/api/v1/plans/{id}/leaders"),
    ("get", "/api/v1/plans/{id}/units"),
    ("post", "/api/v1/plans/{id}/recompute"),
    ("get", "/api/v1/plans/{id}/bulletin"),
    ("get", "/api/v1/plans/{id}/bulletin.xlsx"),
    ("get", "/api/v1/plans/{id}/tasks.xlsx"),
    ("post", "/api/v1/tasks"),
    ("get", "/api/v1/tasks/{id}"),
    ("post", "/api/v1/tasks/{id}/reports"),
    ("put", "/api/v1/tasks/{id}/target"),
    ("post", "/api/v1/tasks/{id}/milestones"),
    ("post", "/api/v1/tasks/{id}/notices"),
    ("post", "/api/v1/tasks/{id}/extension"),
    ("post", "/api/v1/tasks/{id}/completion"),
    ("post", "/api/v1/notices/{id}/actions"),
    ("post", "/api/v1/requests/{id}/decision"),
    ("post", "/api/v1/milestones/{id}/done"),
    (
        "get",
        "/api/v1/tasks/{id}/reports/{report_id}/attachments/{attachment_id}",
    ),
    ("get", "/api/v1/visits"),
    ("post", "/api/v1/visits"),
    ("get", "/api/v1/visits/{id}"),
    ("get", "/api/v1/visits.xlsx"),
    ("get", "/api/v1/visits/coverage"),
    ("get", "/api/v1/visits/unvisited"),
    ("get", "/api/v1/problems"),
    ("post", "/api/v1/problems"),
    ("get", "/api/v1/problems/{id}"),
    ("post", "/api/v1/problems/{id}/actions"),
    ("get", "/api/v1/problems/{id}/attachments/{file_id}"),
    ("get", "/api/v1/problems.xlsx"),
    ("get", "/api/v1/commitments"),
    ("get", "/api/v1/commitments.xlsx"),
    ("get", "/api/v1/service/stats"),
    ("get", "/api/v1/service/stats.xlsx"),
    ("get", "/api/v1/service/departments"),
    ("post", "/api/v1/service/check"),
];

#[tokio::test]
async fn the_document_is_public_json_listing_every_route() {
    let t = TestApp::spawn().await;
    let res = reqwest::Client::new()
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc: Value = serde_json::from_str(&res.text().await.unwrap()).expect("valid JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    for (method, path) in ROUTES {
        assert!(
            paths.get(*path).is_some_and(|p| p[*method].is_object()),
            "{} {path} is not documented",
            method.to_uppercase()
        );
    }
    // Nothing documented that is not in the list above (so the list stays complete).
    let documented: usize = paths
        .values()
        .map(|p| {
            ["get", "post", "put", "patch", "delete"]
                .iter()
                .filter(|m| p[**m].is_object())
                .count()
        })
        .sum();
    assert_eq!(documented, ROUTES.len());

    // Every documented route exists (anonymous: 401, or what signing in and out answer; never 404 or 405).
    let c = reqwest::Client::new();
    for (method, path) in ROUTES {
        let url = t.url(
            &path
                .replace("{id}", "1")
                .replace("{year}", "2024")
                .replace("{kind}", "enterprises")
                .replace("{enterprise_id}", "1")
                .replace("{step_id}", "1")
                .replace("{batch}", "1")
                .replace("{attachment_id}", "1")
                .replace("{file_id}", "1"),
        );
        let req = match *method {
            "get" => c.get(&url),
            "post" => c.post(&url),
            "put" => c.put(&url),
            _ => c.delete(&url),
        };
        let status = req.send().await.unwrap().status().as_u16();
        assert!(
            matches!(status, 200 | 204 | 401 | 415 | 422),
            "{method} {path} answered {status}"
        );
    }

    // Both ways of signing in are described.
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    assert_eq!(schemes["session_cookie"]["name"], "wujin_session");
    assert_eq!(
        doc["paths"]["/api/v1/users"]["get"]["security"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        doc["paths"]["/api/v1/auth/login"]["post"]["security"][0],
        serde_json::json!({})
    );
    // Request bodies point at their schemas.
    assert_eq!(
        doc["paths"]["/api/v1/users"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/UserCreate"
    );
    assert!(doc["components"]["schemas"]["UserCreate"]["properties"]["username"].is_object());
}

#[tokio::test]
async fn signed_in_users_read_the_docs_page_in_their_language() {
    let t = TestApp::spawn().await;
    t.create_user("firm", "enterprise", None).await;

    // Anonymous readers are sent to sign in.
    let res = t.client().get(t.url("/api/docs")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );

    let c = t.login("firm").await;
    let res = c.get(t.url("/api/docs")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains('⟦'), "untranslated key");
    assert!(body.contains("接口文档"));
    assert!(body.contains("href=\"/api/v1/openapi.json\""));
    assert!(body.contains("/api/v1/users/{id}/reset-password"));
    assert!(body.contains("id=\"schema-UserCreate\""));
    assert!(body.contains("Authorization: Bearer"));
    assert!(!body.contains("<script>"), "no inline script");
    for (method, path) in ROUTES {
        assert!(
            body.contains(&format!("{} {path}", method.to_uppercase())),
            "{method} {path} missing from the page"
        );
    }

    let res = c.get(t.url("/api/docs?lang=en")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains('⟦'), "untranslated key");
    assert!(body.contains("API documentation"));
    assert!(body.contains("Personal access token"));
}
