//! 字典管理: administrators edit, others read.

use super::fixtures::*;

#[tokio::test]
async fn dictionaries_are_edited_by_administrators_only() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    t.create_user("gs", "town", Some("gushan")).await;
    three_firms(&t).await;
    let admin = t.login("boss").await;
    let body = get_text(&admin, &t, "/admin/dictionaries").await.1;
    no_missing_keys(&body);
    assert!(body.contains("电动工具/园林工具") && body.contains("高新技术企业"));

    let res = admin
        .post(t.url("/admin/dictionaries/tag"))
        .form(&[
            ("code", "Bad Code"),
            ("name", "链主企业"),
            ("sort_order", "60"),
            ("active", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("value=\"链主企业\"") && body.contains("编码须为"));
    let res = admin
        .post(t.url("/admin/dictionaries/tag"))
        .form(&[
            ("code", "chain_leader"),
            ("name", "链主企业"),
            ("sort_order", "60"),
            ("active", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let id = entry(&t, Dictionary::Tag, "chain_leader").await;
    let body = get_text(&admin, &t, &format!("/admin/dictionaries/tag/{id}/edit"))
        .await
        .1;
    assert!(body.contains("value=\"链主企业\""));
    let res = admin
        .post(t.url(&format!("/admin/dictionaries/tag/{id}")))
        .form(&[
            ("code", "chain_leader"),
            ("name", "产业链链主企业"),
            ("sort_order", "60"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let body = get_text(&admin, &t, "/admin/dictionaries").await.1;
    assert!(
        body.contains("产业链链主企业") && body.contains("已停用"),
        "renamed and deactivated"
    );
    // The count of firms per entry: 甲 has the hi_tech tag.
    let hi_tech = body.find("高新技术企业").unwrap();
    assert!(
        body[hi_tech..]
            .split("</tr>")
            .next()
            .unwrap()
            .contains(">1<")
    );

    let town = t.login("gs").await;
    let (status, body) = get_text(&town, &t, "/admin/dictionaries").await;
    assert_eq!(status, 200, "readable by those who read the registry");
    assert!(!body.contains("/edit\"") && !body.contains("action=\"/admin/dictionaries/tag\""));
    assert_eq!(
        get_text(&town, &t, &format!("/admin/dictionaries/tag/{id}/edit"))
            .await
            .0,
        403
    );
    let res = town
        .post(t.url("/admin/dictionaries/tag"))
        .form(&[
            ("code", "x_tag"),
            ("name", "某标签"),
            ("sort_order", "1"),
            ("active", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
