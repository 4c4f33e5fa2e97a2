use wujin_testkit::TestApp;

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
