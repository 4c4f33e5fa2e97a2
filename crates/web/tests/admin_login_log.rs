//! 登录日志 page: attempts appear with their outcome, filters, export, who may read it.

use wujin_testkit::{TestApp, get_text};

fn row_of(username: &str) -> String {
    format!("<td class=\"mono\">{username}</td>")
}

#[tokio::test]
async fn sign_ins_appear_with_their_outcome_and_filter() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let res = t
        .client()
        .post(t.url("/login"))
        .form(&[("username", "dept"), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = t
        .client()
        .post(t.url("/login"))
        .form(&[("username", "ghost"), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    t.login("town").await;
    let c = t.login("admin").await;

    let (s, body) = get_text(&c, &t, "/admin/login-log").await;
    assert_eq!(s, 200);
    assert!(!body.contains('⟦'), "untranslated key");
    for u in ["dept", "ghost", "town", "admin"] {
        assert!(body.contains(&row_of(u)), "{u} missing: {body}");
    }
    assert!(body.contains("用户名或密码错误"), "failure outcome label");
    assert!(body.contains("登录成功"), "success outcome label");
    assert!(
        body.contains("<span class=\"tag status-disabled\">失败</span>"),
        "failures are tagged"
    );

    let (s, failures) = get_text(&c, &t, "/admin/login-log?outcome=failure").await;
    assert_eq!(s, 200);
    assert!(failures.contains(&row_of("dept")) && failures.contains(&row_of("ghost")));
    assert!(
        !failures.contains(&row_of("town")) && !failures.contains(&row_of("admin")),
        "{failures}"
    );

    let (_, successes) = get_text(&c, &t, "/admin/login-log?outcome=success").await;
    assert!(successes.contains(&row_of("town")) && successes.contains(&row_of("admin")));
    assert!(!successes.contains(&row_of("dept")) && !successes.contains(&row_of("ghost")));

    let (_, one) = get_text(&c, &t, "/admin/login-log?username=dept").await;
    assert!(one.contains(&row_of("dept")) && !one.contains(&row_of("town")));

    let (_, by_ip) = get_text(&c, &t, "/admin/login-log?ip=10.9.9.9").await;
    assert!(by_ip.contains("暂无登录记录。"), "{by_ip}");
    let (_, local) = get_text(&c, &t, "/admin/login-log?ip=127.0.0.1&outcome=failure").await;
    assert!(local.contains(&row_of("dept")));

    let (_, future) = get_text(&c, &t, "/admin/login-log?from=2099-01-01").await;
    assert!(future.contains("暂无登录记录。"));
    let day = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string();
    let (_, today) = get_text(
        &c,
        &t,
        &format!("/admin/login-log?from={day}&to={day}&outcome=failure"),
    )
    .await;
    assert!(today.contains(&row_of("dept")), "the to-date is inclusive");

    let (_, en) = get_text(&c, &t, "/admin/login-log?lang=en").await;
    assert!(!en.contains('⟦') && en.contains("Wrong username or password"));
}

#[tokio::test]
async fn export_has_a_bom_and_the_filtered_rows() {
    let t = TestApp::spawn().await;
    t.create_user("admin", "admin", None).await;
    t.create_user("zhang", "cadre", Some("jxj")).await;
    let res = t
        .client()
        .post(t.url("/login"))
        .form(&[("username", "zhang"), ("password", "nope-nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let c = t.login("admin").await;

    let res = c
        .get(t.url("/admin/login-log/export.csv?outcome=failure"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = res.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'));
    let lines: Vec<&str> = body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "header and zhang's failure: {body}");
    assert!(lines[1].contains(",zhang,失败,用户名或密码错误,"), "{body}");

    let res = c
        .get(t.url("/admin/login-log/export.csv"))
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert_eq!(
        body.trim_start_matches('\u{feff}').lines().count(),
        3,
        "header, zhang, admin: {body}"
    );
}

#[tokio::test]
async fn only_admin_and_leader_may_read_the_log() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    for (name, allowed) in [
        ("admin", true),
        ("leader", true),
        ("dept", false),
        ("town", false),
        ("cadre", false),
        ("firm", false),
    ] {
        let c = t.login(name).await;
        for path in ["/admin/login-log", "/admin/login-log/export.csv"] {
            let (s, _) = get_text(&c, &t, path).await;
            assert_eq!(s, if allowed { 200 } else { 403 }, "{name} {path}");
        }
    }
    let anon = t
        .client()
        .get(t.url("/admin/login-log"))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 303);
}
