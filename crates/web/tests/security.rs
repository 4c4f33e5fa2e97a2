//! Sign-in, sessions, CSRF, headers and limits: each bad request gets the right status and
//! changes nothing.

use reqwest::StatusCode;
use wujin_app::{AppConfig, Ctx, PageRequest};
use wujin_testkit::{TEST_PASSWORD, TestApp};
use wujin_web::WebConfig;

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("wujin_session="))
        .map(str::to_string)
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

async fn login_attempts(t: &TestApp) -> u64 {
    wujin_app::login_log::list(
        &t.app,
        &Ctx::cli(),
        &Default::default(),
        PageRequest::default(),
        false,
    )
    .await
    .unwrap()
    .total
}

#[tokio::test]
async fn failed_sign_ins_do_not_reveal_whether_the_user_exists() {
    let t = TestApp::spawn().await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let disabled = t.create_user("li", "cadre", Some("jxj")).await;
    wujin_app::users::set_active(&t.app, &Ctx::cli(), disabled, false)
        .await
        .unwrap();

    let wrong = t.sign_in("zhang", "not-the-password").await;
    let unknown = t.sign_in("nobody", "not-the-password").await;
    let off = t.sign_in("li", TEST_PASSWORD).await;
    for res in [&wrong, &unknown, &off] {
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(
            session_cookie(res).is_none(),
            "no session for a failed sign-in"
        );
    }
    let (a, b, c) = (
        wrong.text().await.unwrap(),
        unknown.text().await.unwrap(),
        off.text().await.unwrap(),
    );
    assert!(a.contains("用户名或密码错误"));
    let strip = |s: &str| {
        s.replace("zhang", "")
            .replace("nobody", "")
            .replace("li", "")
    };
    assert_eq!(
        strip(&a),
        strip(&b),
        "unknown user and wrong password must read the same"
    );
    assert_eq!(
        strip(&a),
        strip(&c),
        "disabled user and wrong password must read the same"
    );
    // All three are in the login log, with their true outcome for the administrators.
    let log = wujin_app::login_log::list(
        &t.app,
        &Ctx::cli(),
        &Default::default(),
        PageRequest::default(),
        false,
    )
    .await
    .unwrap();
    let outcomes: Vec<_> = log
        .items
        .iter()
        .map(|l| (l.username.as_str(), l.outcome.as_str()))
        .collect();
    assert!(outcomes.contains(&("zhang", "bad_credentials")));
    assert!(outcomes.contains(&("nobody", "bad_credentials")));
    assert!(outcomes.contains(&("li", "disabled")));
}

#[tokio::test]
async fn session_cookie_is_http_only_lax_and_rotated_at_sign_in() {
    let t = TestApp::spawn().await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let c = t.client();
    let first = c
        .post(t.url("/login"))
        .form(&[("username", "zhang"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let cookie = session_cookie(&first).expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP by default: {cookie}"
    );
    // Signing in again on the same browser gets a new id; the old one stops working.
    let second = c
        .post(t.url("/login"))
        .form(&[("username", "zhang"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie2 = session_cookie(&second).expect("new session cookie");
    assert_ne!(cookie_pair(&cookie), cookie_pair(&cookie2));
    let old = t
        .client()
        .get(t.url("/"))
        .header("cookie", cookie_pair(&cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.status(),
        StatusCode::SEE_OTHER,
        "old session id must be dead"
    );
    let new = t
        .client()
        .get(t.url("/"))
        .header("cookie", cookie_pair(&cookie2))
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), StatusCode::OK);
}

#[tokio::test]
async fn secure_cookie_behind_https() {
    let web = WebConfig {
        secure_cookies: true,
        ..Default::default()
    };
    let t = TestApp::spawn_with(AppConfig::default(), web).await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let res = t.sign_in("zhang", TEST_PASSWORD).await;
    assert!(session_cookie(&res).unwrap().contains("Secure"));
}

#[tokio::test]
async fn a_session_replayed_after_logout_is_refused() {
    let t = TestApp::spawn().await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let res = t.sign_in("zhang", TEST_PASSWORD).await;
    let cookie = cookie_pair(&session_cookie(&res).unwrap());
    let c = t.client();
    assert_eq!(
        c.get(t.url("/"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let out = c
        .post(t.url("/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let replay = t
        .client()
        .get(t.url("/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert!(
        replay.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    let api = t
        .client()
        .get(t.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_survive_a_restart_of_the_server() {
    let t = TestApp::spawn().await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let res = t.sign_in("zhang", TEST_PASSWORD).await;
    let cookie = cookie_pair(&session_cookie(&res).unwrap());
    // A second server on the same database (another instance, or the same one restarted).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(wujin_web::serve(
        listener,
        t.state.clone(),
        std::future::pending(),
    ));
    let res = t
        .client()
        .get(format!("http://{addr}/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let t = TestApp::spawn().await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let c = t.login("zhang").await;
    assert_eq!(
        c.get(t.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Thirty idle minutes pass.
    t.sql("UPDATE session SET expires_at = '2000-01-01T00:00:00+00:00'")
        .await
        .unwrap();
    let res = c.get(t.url("/account")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}

#[tokio::test]
async fn absolute_timeout_ends_a_busy_session() {
    let config = AppConfig {
        session_absolute_hours: 0,
        ..Default::default()
    };
    let t = TestApp::spawn_with(config, WebConfig::default()).await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let c = t.login("zhang").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = c.get(t.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?expired=1")
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let t = TestApp::spawn().await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let c = t.login("zhang").await;
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "http://evil.example"),
    ] {
        let res = c
            .post(t.url("/account/locale"))
            .header(name, value)
            .form(&[("locale", "en")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}: {value}");
    }
    let me = c
        .get(t.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(
        me["locale"], "zh-CN",
        "the cross-site request must not have changed the language"
    );
    // The same request from the page itself goes through.
    let ok = c
        .post(t.url("/account/locale"))
        .header("origin", &t.base)
        .header("sec-fetch-site", "same-origin")
        .form(&[("locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let web = WebConfig {
        max_body_bytes: 64 * 1024,
        ..Default::default()
    };
    let t = TestApp::spawn_with(AppConfig::default(), web).await;
    let before = login_attempts(&t).await;
    let big = "x".repeat(200 * 1024);
    let res = t
        .client()
        .post(t.url("/login"))
        .form(&[("username", "zhang"), ("password", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(login_attempts(&t).await, before, "nothing was processed");
}

#[tokio::test]
async fn security_headers_and_request_ids() {
    let t = TestApp::spawn().await;
    for path in ["/login", "/no-such-page", "/api/v1/me"] {
        let res = t.client().get(t.url(path)).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h.contains_key("referrer-policy"));
        let rid = h["x-request-id"].to_str().unwrap().to_string();
        assert!(rid.len() >= 32, "{rid}");
        if path == "/no-such-page" {
            assert_eq!(res.status(), StatusCode::NOT_FOUND);
            let body = res.text().await.unwrap();
            assert!(body.contains(&rid), "the error page shows the request id");
            assert!(body.contains("页面不存在"));
        }
    }
}

#[tokio::test]
async fn too_many_failures_pause_the_account_with_a_clear_message() {
    let t = TestApp::spawn().await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    for _ in 0..5 {
        assert_eq!(
            t.sign_in("zhang", "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused now.
    let res = t.sign_in("zhang", TEST_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(session_cookie(&res).is_none());
    assert!(res.text().await.unwrap().contains("15 分钟"));
    // Another account from the same address is not affected yet.
    t.create_user("wang", "cadre", Some("jxj")).await;
    assert_eq!(
        t.sign_in("wang", TEST_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn too_many_failures_from_one_address_pause_it() {
    let config = AppConfig {
        login_max_failures_per_ip: 3,
        ..Default::default()
    };
    let t = TestApp::spawn_with(config, WebConfig::default()).await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    for name in ["a1", "a2", "a3"] {
        assert_eq!(
            t.sign_in(name, "whatever1").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = t.sign_in("zhang", TEST_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let api = t
        .client()
        .post(t.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "zhang", "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(api.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_first() {
    let t = TestApp::spawn().await;
    let input = wujin_app::users::UserInput {
        username: "newbie".into(),
        display_name: "新同事".into(),
        role: "cadre".into(),
        department_id: Some(t.unit("jxj").await),
        ..Default::default()
    };
    wujin_app::users::create(&t.app, &Ctx::cli(), &input, "temporary-1")
        .await
        .unwrap();
    let c = t.client();
    let res = c
        .post(t.url("/login"))
        .form(&[("username", "newbie"), ("password", "temporary-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/account/password");
    let home = c.get(t.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["location"], "/account/password");
    let api = c.get(t.url("/api/v1/notifications")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    // The policy holds: too short, same as the username, confirmation mismatch.
    for (new, confirm, field_msg) in [
        ("short", "short", "至少需要 8 个字符"),
        ("newbie", "newbie", "不能与用户名相同"),
        ("long-enough-1", "long-enough-2", "不一致"),
    ] {
        let res = c
            .post(t.url("/account/password"))
            .form(&[
                ("current_password", "temporary-1"),
                ("new_password", new),
                ("confirm_password", confirm),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains(field_msg));
    }
    let res = c
        .post(t.url("/account/password"))
        .form(&[
            ("current_password", "temporary-1"),
            ("new_password", "a-good-password"),
            ("confirm_password", "a-good-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(t.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        t.sign_in("newbie", "temporary-1").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.sign_in("newbie", "a-good-password").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn login_redirect_target_stays_on_site() {
    let t = TestApp::spawn().await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let res = t
        .client()
        .post(t.url("/login"))
        .form(&[
            ("username", "zhang"),
            ("password", TEST_PASSWORD),
            ("next", "//evil.example/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/");
    let anon = t.client().get(t.url("/account?x=1")).send().await.unwrap();
    assert_eq!(anon.headers()["location"], "/login?next=/account%3Fx%3D1");
}
