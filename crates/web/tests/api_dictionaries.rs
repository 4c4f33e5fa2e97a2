//! The registry's dictionaries (industry groups, tags) through the JSON API.

use serde_json::{Value, json};
use wujin_testkit::{TestApp, field_names, get_json};

#[tokio::test]
async fn dictionaries_are_read_by_all_and_edited_by_administrators() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let firm = t.login("firm").await;
    let (status, groups) = get_json(&firm, t.url("/api/v1/industry-groups")).await;
    assert_eq!(status, 200);
    assert_eq!(
        groups["total"],
        wujin_domain::enterprise::DEFAULT_INDUSTRY_GROUPS.len()
    );
    assert_eq!(groups["page_size"], 20);
    assert_eq!(groups["items"][0]["name"], "电动工具/园林工具");
    let (_, tags) = get_json(&firm, t.url("/api/v1/tags?page_size=2&page=2")).await;
    assert_eq!(tags["total"], wujin_domain::enterprise::DEFAULT_TAGS.len());
    assert_eq!(tags["items"].as_array().unwrap().len(), 2);
    assert_eq!(tags["items"][0]["name"], "上市企业");

    let admin = t.login("admin").await;
    let res = admin
        .post(t.url("/api/v1/tags"))
        .json(&json!({"code": "green_factory", "name": "绿色工厂"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let tag: Value = res.json().await.unwrap();
    assert_eq!(tag["active"], true);
    assert_eq!(tag["enterprises"], 0);
    let id = tag["id"].as_i64().unwrap();
    let res = admin
        .put(t.url(&format!("/api/v1/tags/{id}")))
        .json(&json!({"code": "green_factory", "name": "绿色工厂（省级）", "active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let tag: Value = res.json().await.unwrap();
    assert_eq!(tag["name"], "绿色工厂（省级）");
    assert_eq!(tag["active"], false);
    let history = wujin_app::audit::history_of(&t.app, "tag", &id.to_string(), 10)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);

    let res = admin
        .post(t.url("/api/v1/industry-groups"))
        .json(&json!({"code": "Bad Code", "name": "电动工具/园林工具"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let mut fields = field_names(&res.json().await.unwrap());
    fields.sort();
    assert_eq!(fields, ["code"]);
    let res = admin
        .post(t.url("/api/v1/industry-groups"))
        .json(&json!({"code": "tools", "name": "电动工具/园林工具"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), ["name"]);

    for user in ["leader", "dept", "town", "firm"] {
        let c = t.login(user).await;
        let res = c
            .post(t.url("/api/v1/tags"))
            .json(&json!({"code": "x_tag", "name": "某标签"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{user}");
        let res = c
            .put(t.url(&format!("/api/v1/industry-groups/{id}")))
            .json(&json!({"code": "x", "name": "某"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{user}");
    }
    let res = admin
        .put(t.url("/api/v1/industry-groups/999999"))
        .json(&json!({"code": "x_group", "name": "某分组"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
