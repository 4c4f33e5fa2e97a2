//! Signing in to the JSON API with a session cookie or a personal access token.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use serde_json::{Value, json};
use wujin_testkit::{TEST_PASSWORD, TestApp};

/// A client without a cookie jar: cookies are sent only when a test adds them by hand.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn api_login(
    t: &TestApp,
    c: &reqwest::Client,
    username: &str,
    password: &str,
) -> reqwest::Response {
    c.post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

/// `GET /api/v1/me` with a bearer token (and whatever cookies `c` holds).
async fn bearer_me(t: &TestApp, c: &reqwest::Client, token: &str) -> reqwest::Response {
    c.get(t.url("/api/v1/me"))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn json_login_sets_a_protected_cookie_and_logout_ends_the_session() {
    let t = TestApp::spawn().await;
    t.create_user("alice", "admin", None).await;
    let c = bare_client();

    let res = api_login(&t, &c, "alice", TEST_PASSWORD).await;
    assert_eq!(res.status(), 200);
    let set_cookie = res
        .headers()
        .get(SET_COOKIE)
        .expect("Set-Cookie")
        .to_str()
        .unwrap()
        .to_string();
    let lower = set_cookie.to_ascii_lowercase();
    assert!(set_cookie.starts_with("wujin_session="), "{set_cookie}");
    assert!(lower.contains("httponly"), "{set_cookie}");
    assert!(lower.contains("samesite=lax"), "{set_cookie}");
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["role"], "admin");
    let cookie = set_cookie.split(';').next().unwrap().to_string();

    let res = c
        .get(t.url("/api/v1/me"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["scope"], "all");

    // Without the cookie the same client is nobody.
    let res = c.get(t.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), 401);

    let res = c
        .post(t.url("/api/v1/auth/logout"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);

    // Replaying the old cookie after logout does not work.
    let res = c
        .get(t.url("/api/v1/me"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unauthenticated");
    let res = c
        .get(t.url("/api/v1/users"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn failed_login_does_not_tell_whether_the_user_exists() {
    let t = TestApp::spawn().await;
    t.create_user("alice", "admin", None).await;
    let c = bare_client();

    let wrong_password = api_login(&t, &c, "alice", "not-her-password").await;
    assert_eq!(wrong_password.status(), 401);
    assert!(
        wrong_password.headers().get(SET_COOKIE).is_none(),
        "no session for a failed login"
    );
    let wrong_password = wrong_password.text().await.unwrap();

    let unknown_user = api_login(&t, &c, "nobody-here", "not-her-password").await;
    assert_eq!(unknown_user.status(), 401);
    let unknown_user = unknown_user.text().await.unwrap();

    assert_eq!(
        wrong_password, unknown_user,
        "the two failures must look the same"
    );
    let body: Value = serde_json::from_str(&wrong_password).unwrap();
    assert_eq!(body["error"], "unauthenticated");
    assert!(!wrong_password.contains("alice"));

    // Both attempts are in the login log; neither signed anyone in.
    let log = wujin_app::login_log::list(
        &t.app,
        &wujin_app::Ctx::cli(),
        &Default::default(),
        wujin_app::PageRequest::default(),
        false,
    )
    .await
    .unwrap();
    assert_eq!(log.total, 2);
    assert!(log.items.iter().all(|l| !l.success));
}

#[tokio::test]
async fn anonymous_calls_get_401_json() {
    let t = TestApp::spawn().await;
    let c = bare_client();
    for path in [
        "/api/v1/users",
        "/api/v1/me",
        "/api/v1/tokens",
        "/api/v1/notifications",
        "/api/v1/calendar/years",
        "/api/v1/audit",
    ] {
        let res = c.get(t.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 401, "{path}");
        let ct = res
            .headers()
            .get(CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "unauthenticated", "{path}");
        assert!(body["message_zh"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Writing anonymously is refused too, and nothing is created.
    let res = c
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "sneaky", "display_name": "x", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let users = wujin_app::users::list(
        &t.app,
        &wujin_app::Ctx::cli(),
        &Default::default(),
        wujin_app::PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(users.total, 0);
}

async fn create_token(t: &TestApp, c: &reqwest::Client, name: &str) -> (i64, String) {
    let res = c
        .post(t.url("/api/v1/tokens"))
        .json(&json!({"name": name, "valid_days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("wjt_"), "{token}");
    assert_eq!(body["name"], name);
    assert!(token.starts_with(body["prefix"].as_str().unwrap()));
    (body["id"].as_i64().unwrap(), token)
}

#[tokio::test]
async fn bearer_token_works_until_revoked() {
    let t = TestApp::spawn().await;
    t.create_user("bob", "department", Some("jxj")).await;
    let c = t.login("bob").await;
    let (id, token) = create_token(&t, &c, "reporting script").await;

    // The token is listed without its secret.
    let res = c.get(t.url("/api/v1/tokens")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let list = res.text().await.unwrap();
    assert!(!list.contains(&token), "the secret is shown only once");
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["page"], 1);
    assert_eq!(list["page_size"], 20);
    assert_eq!(list["items"][0]["name"], "reporting script");
    assert_eq!(list["items"][0]["id"], id);

    // A new client, no cookies at all.
    let other = bare_client();
    let res = bearer_me(&t, &other, &token).await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["username"], "bob");
    let res = other
        .get(t.url("/api/v1/users"))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Someone else cannot revoke it.
    t.create_user("eve", "department", Some("jxj")).await;
    let eve = t.login("eve").await;
    let res = eve
        .delete(t.url(&format!("/api/v1/tokens/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = bearer_me(&t, &other, &token).await;
    assert_eq!(res.status(), 200);

    let res = c
        .delete(t.url(&format!("/api/v1/tokens/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = bearer_me(&t, &other, &token).await;
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unauthenticated");

    // Creating and revoking are audited.
    let history = wujin_app::audit::history_of(&t.app, "api_token", &id.to_string(), 10)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["revoke", "create"]);
}

#[tokio::test]
async fn garbage_tokens_are_refused() {
    let t = TestApp::spawn().await;
    let c = bare_client();
    for value in [
        "Bearer wjt_0000000000000000000000000000000000000000000000000000000000000000",
        "Bearer garbage",
        "Bearer ",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
    ] {
        let res = c
            .get(t.url("/api/v1/me"))
            .header(AUTHORIZATION, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{value}");
    }
}

#[tokio::test]
async fn token_of_a_disabled_user_stops_working() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    let carol_id = t.create_user("carol", "cadre", Some("jxj")).await;
    let carol = t.login("carol").await;
    let (_, token) = create_token(&t, &carol, "sync").await;
    let other = bare_client();
    let res = bearer_me(&t, &other, &token).await;
    assert_eq!(res.status(), 200);

    let admin = t.login("root").await;
    let res = admin
        .post(t.url(&format!("/api/v1/users/{carol_id}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["active"], false);

    let res = bearer_me(&t, &other, &token).await;
    assert_eq!(res.status(), 401);

    // Re-enabled, the (unrevoked) token works again.
    let res = admin
        .post(t.url(&format!("/api/v1/users/{carol_id}/enable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = bearer_me(&t, &other, &token).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn token_input_is_validated() {
    let t = TestApp::spawn().await;
    t.create_user("dora", "town", Some("gushan")).await;
    let c = t.login("dora").await;
    let res = c
        .post(t.url("/api/v1/tokens"))
        .json(&json!({"name": "  ", "valid_days": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid");
    assert_eq!(body["fields"][0]["field"], "name");
    let res = c.get(t.url("/api/v1/tokens")).send().await.unwrap();
    let list: Value = res.json().await.unwrap();
    assert_eq!(list["total"], 0);
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}
