use wujin_testkit::{TestApp, get_text};

#[tokio::test]
async fn admin_signs_in_and_sees_the_workbench() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let c = t.login("boss").await;
    let res = c.get(t.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("工作台"), "{body}");
    assert!(!body.contains('⟦'), "untranslated key in {body}");
    let res = c.get(t.url("/?lang=en")).send().await.unwrap();
    let body = res.text().await.unwrap();
    assert!(body.contains("Workbench"), "{body}");
    assert!(!body.contains('⟦'), "untranslated key in {body}");
}

#[tokio::test]
async fn the_header_badge_refreshes_and_the_admin_sees_the_sign_in_chart() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    t.create_user("cadre", "cadre", Some("jxj")).await;
    let c = t.login("boss").await;
    // create_user sends a welcome message.
    let badge = get_text(&c, &t, "/notifications/badge").await.1;
    assert!(badge.contains(r#"<span class="badge">1</span>"#), "{badge}");
    let home = get_text(&c, &t, "/").await.1;
    assert!(home.contains("data-echarts="), "admin home has the chart");
    assert!(home.contains("/assets/vendor/echarts.min.js"));
    // One successful sign-in today: the last bar of the success series is 1.
    assert!(home.contains("[0,0,0,0,0,0,0,0,0,0,0,0,0,1]"), "{home}");
    let cadre = t.login("cadre").await;
    let home = get_text(&cadre, &t, "/").await.1;
    assert!(
        !home.contains("data-echarts="),
        "a cadre may not read the login log"
    );
    assert!(!home.contains("echarts.min.js"));
    c.post(t.url("/notifications/read-all"))
        .send()
        .await
        .unwrap();
    let badge = get_text(&c, &t, "/notifications/badge").await.1;
    assert!(!badge.contains("badge\">"), "{badge}");
}

#[tokio::test]
async fn the_header_language_switch_is_remembered() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let c = t.login("boss").await;
    let page = get_text(&c, &t, "/admin/users").await.1;
    assert!(
        page.contains(r#"name="back" value="/admin/users""#),
        "the switcher returns to this page"
    );
    let res = c
        .post(t.url("/account/locale"))
        .form(&[("locale", "en"), ("back", "/admin/users")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(wujin_testkit::location(&res), "/admin/users");
    // Every later page speaks English without ?lang=.
    let later = get_text(&c, &t, "/notifications").await.1;
    assert!(
        later.contains("Notifications") && !later.contains("消息中心"),
        "{later}"
    );
    // A foreign return address is not followed.
    let res = c
        .post(t.url("/account/locale"))
        .form(&[("locale", "zh-CN"), ("back", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(wujin_testkit::location(&res), "/");
}
