//! The registry through the JSON API: the list convention, filters, data scope per role
//! (lists, profiles and exports), and registering and changing firms.

mod registry_support;

use registry_support::*;
use serde_json::{Value, json};
use wujin_app::Ctx;
use wujin_app::registry::dictionaries::Dictionary;
use wujin_testkit::{TestApp, field_names, get_json};

#[tokio::test]
async fn the_list_follows_the_convention_and_filters_sorts_and_pages() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    let (a, _, c) = three_firms(&t).await;
    let admin = t.login("root").await;

    let (status, page) = get_json(&admin, t.url("/api/v1/enterprises")).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 3);
    assert_eq!(page["page"], 1);
    assert_eq!(page["page_size"], 20);
    assert!(page.get("per_page").is_none());
    assert_eq!(
        names(&page),
        [
            "永康市丙杯业有限公司",
            "永康市乙工具有限公司",
            "永康市甲门业有限公司"
        ]
    );
    let first = &page["items"][2];
    assert_eq!(first["id"], a);
    assert_eq!(first["credit_code"], code(1));
    assert_eq!(first["town_name"], "古山镇");
    assert_eq!(first["industry_group_name"], "门业/锁具/安防");
    assert_eq!(first["tags"][0]["name"], "高新技术企业");
    assert_eq!(first["status"], "operating");
    assert_eq!(
        first["contact_phone"], "13957912345",
        "admins see phones in full"
    );

    // Paging: page_size is clamped to 1..=200.
    let (_, p) = get_json(&admin, t.url("/api/v1/enterprises?page_size=2&page=2")).await;
    assert_eq!(
        (
            p["total"].as_u64(),
            p["page"].as_u64(),
            p["page_size"].as_u64()
        ),
        (Some(3), Some(2), Some(2))
    );
    assert_eq!(names(&p), ["永康市甲门业有限公司"]);
    let (_, p) = get_json(&admin, t.url("/api/v1/enterprises?page_size=5000")).await;
    assert_eq!(p["page_size"], 200);

    // Filters, alone and together.
    let gushan = t.unit("gushan").await;
    let doors = dict_id(&t, Dictionary::IndustryGroup, "doors_locks").await;
    let hi_tech = dict_id(&t, Dictionary::Tag, "hi_tech").await;
    for (query, expected) in [
        (
            format!("town={gushan}"),
            vec!["永康市乙工具有限公司", "永康市甲门业有限公司"],
        ),
        (format!("group={doors}"), vec!["永康市甲门业有限公司"]),
        (format!("tag={hi_tech}"), vec!["永康市甲门业有限公司"]),
        ("status=suspended".into(), vec!["永康市乙工具有限公司"]),
        ("q=杯业".into(), vec!["永康市丙杯业有限公司"]),
        (format!("q={}", code(3)), vec!["永康市丙杯业有限公司"]),
        (
            format!("town={gushan}&status=operating"),
            vec!["永康市甲门业有限公司"],
        ),
        ("scale=above".into(), vec![]),
        (
            "scale=unknown&sort=name&dir=desc".into(),
            vec![
                "永康市甲门业有限公司",
                "永康市乙工具有限公司",
                "永康市丙杯业有限公司",
            ],
        ),
    ] {
        let (status, p) = get_json(&admin, t.url(&format!("/api/v1/enterprises?{query}"))).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(names(&p), expected, "{query}");
        assert_eq!(p["total"], expected.len(), "{query}");
    }

    // A filter of the wrong type is a 422 naming the query.
    let (status, body) = get_json(&admin, t.url("/api/v1/enterprises?town=gushan")).await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["query"]);

    // One firm's profile, with its cadres.
    let (status, detail) = get_json(&admin, t.url(&format!("/api/v1/enterprises/{c}"))).await;
    assert_eq!(status, 200);
    assert_eq!(detail["name"], "永康市丙杯业有限公司");
    assert_eq!(detail["town_name"], "芝英镇");
    assert_eq!(detail["cadres"], json!([]));
    let (status, _) = get_json(&admin, t.url("/api/v1/enterprises/999999")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_role_sees_only_its_scope_in_lists_profiles_and_exports() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let (a, b, c) = three_firms(&t).await;
    link(&t, "firm", b).await;
    // The cadre looks after 芝英's firm.
    let cadre = t.create_user("cadre2", "cadre", Some("jxj")).await;
    let mut input = wujin_app::registry::edit::input_of(&t.app, &Ctx::cli(), c)
        .await
        .unwrap();
    input.cadre_ids = vec![cadre];
    wujin_app::registry::edit::update(&t.app, &Ctx::cli(), c, &input)
        .await
        .unwrap();

    for (user, visible) in [
        ("admin", vec![a, b, c]),
        ("leader", vec![a, b, c]),
        ("dept", vec![a, b, c]),
        ("town", vec![a, b]),
        ("cadre2", vec![c]),
        ("cadre", vec![]),
        ("firm", vec![b]),
    ] {
        let client = t.login(user).await;
        let (status, page) = get_json(&client, t.url("/api/v1/enterprises")).await;
        assert_eq!(status, 200, "{user}");
        assert_eq!(page["total"], visible.len(), "{user}");
        let mut ids: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, visible, "{user}");
        for id in [a, b, c] {
            let expected = if visible.contains(&id) { 200 } else { 404 };
            for suffix in ["", "/figures", "/land"] {
                let (status, _) =
                    get_json(&client, t.url(&format!("/api/v1/enterprises/{id}{suffix}"))).await;
                assert_eq!(status, expected, "{user} {id}{suffix}");
            }
        }
        // The export holds exactly the firms the list shows.
        let (status, ct, bytes) = download(&client, t.url("/api/v1/enterprises/export.xlsx")).await;
        assert_eq!(status, 200, "{user}");
        assert!(ct.starts_with("application/vnd.openxmlformats"), "{ct}");
        let mut expected_codes: Vec<String> = visible
            .iter()
            .map(|id| code([a, b, c].iter().position(|x| x == id).unwrap() as u32 + 1))
            .collect();
        expected_codes.sort();
        let mut got = exported_codes(&bytes);
        got.sort();
        assert_eq!(got, expected_codes, "{user}");
    }

    // Phone numbers are masked for roles that do not need them.
    let leader = t.login("leader").await;
    let (_, p) = get_json(&leader, t.url(&format!("/api/v1/enterprises/{a}"))).await;
    assert_eq!(p["contact_phone"], "139****2345");

    // Filters narrow the export as they narrow the list.
    let admin = t.login("admin").await;
    let gushan = t.unit("gushan").await;
    let (_, _, bytes) = download(
        &admin,
        t.url(&format!(
            "/api/v1/enterprises/export.xlsx?town={gushan}&status=suspended"
        )),
    )
    .await;
    assert_eq!(exported_codes(&bytes), [code(2)]);
}

#[tokio::test]
async fn firms_are_created_and_changed_with_validation_permissions_and_audit() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let gushan = t.unit("gushan").await;
    let zhiying = t.unit("zhiying").await;
    let group = dict_id(&t, Dictionary::IndustryGroup, "cups_cookware").await;
    let town = t.login("town").await;

    let body = json!({"credit_code": code(7), "name": "永康市丁杯业有限公司", "town_id": gushan,
        "industry_group_id": group, "founded_on": "2015年3月1日", "contact_phone": "0579-87654321"});
    let res = town
        .post(t.url("/api/v1/enterprises"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["founded_on"], "2015-03-01");
    assert_eq!(created["town_name"], "古山镇");
    assert_eq!(created["cadres"], json!([]));
    let history = wujin_app::audit::history_of(&t.app, "enterprise", &id.to_string(), 10)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "create");
    assert_eq!(history[0].actor_name, "town");

    // The same credit code again, a bad phone and a missing name: each field named, nothing created.
    let res = town
        .post(t.url("/api/v1/enterprises"))
        .json(&json!({"credit_code": code(7), "name": "", "town_id": gushan, "industry_group_id": group, "contact_phone": "电话"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let fields = field_names(&res.json().await.unwrap());
    for f in ["name", "contact_phone"] {
        assert!(fields.contains(&f.to_string()), "{f} not in {fields:?}");
    }
    // A town's staff cannot register a firm in another town.
    let res = town
        .post(t.url("/api/v1/enterprises"))
        .json(&json!({"credit_code": code(8), "name": "永康市外镇公司", "town_id": zhiying, "industry_group_id": group}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), ["town_id"]);
    let admin = t.login("admin").await;
    let (_, all) = get_json(&admin, t.url("/api/v1/enterprises")).await;
    assert_eq!(all["total"], 1, "nothing else was created");

    // Roles that only read get 403.
    for user in ["leader", "dept", "cadre", "firm"] {
        let c = t.login(user).await;
        let res = c
            .post(t.url("/api/v1/enterprises"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{user}");
    }

    // Update: every field replaced; the change is audited with what changed.
    let mut changed = body.clone();
    changed["name"] = json!("永康市丁杯业股份有限公司");
    changed["status"] = json!("停产");
    let res = town
        .put(t.url(&format!("/api/v1/enterprises/{id}")))
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["name"], "永康市丁杯业股份有限公司");
    assert_eq!(after["status"], "suspended");
    let history = wujin_app::audit::history_of(&t.app, "enterprise", &id.to_string(), 10)
        .await
        .unwrap();
    assert_eq!(history[0].action, "update");
    assert!(history[0].changed_fields.contains(&"status".to_string()));
    let dept = t.login("dept").await;
    let res = dept
        .put(t.url(&format!("/api/v1/enterprises/{id}")))
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = admin
        .put(t.url("/api/v1/enterprises/999999"))
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
