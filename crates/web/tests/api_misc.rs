//! Departments, audit log, login log, notifications and the caller's own account through the
//! JSON API.

use serde_json::{Value, json};
use wujin_testkit::{TEST_PASSWORD, TestApp, field_names, get_json};

#[tokio::test]
async fn departments_are_browsed_by_staff_and_changed_by_administrators() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    t.create_user("jx", "department", Some("jxj")).await;
    let admin = t.login("root").await;
    let staff = t.login("jx").await;
    let yongkang = t.unit("yongkang").await;

    let (status, towns) = get_json(&staff, t.url("/api/v1/departments?kind=town")).await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = towns
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"gushan"));
    assert!(!codes.contains(&"jxj"));
    let jxj = t.unit("jxj").await;
    let (_, listed) = get_json(&staff, t.url("/api/v1/departments?q=jxj")).await;
    assert_eq!(listed[0]["user_count"], 1);

    // Staff may not change the tree.
    let new_unit =
        json!({"parent_id": yongkang, "kind": "department", "code": "sjj", "name": "审计局"});
    let res = staff
        .post(t.url("/api/v1/departments"))
        .json(&new_unit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let (_, all) = get_json(&admin, t.url("/api/v1/departments")).await;
    let count = all.as_array().unwrap().len();

    // Invalid input names the fields; nothing is created.
    let res = admin
        .post(t.url("/api/v1/departments"))
        .json(&json!({"parent_id": yongkang, "kind": "palace", "code": "J", "name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let fields = field_names(&res.json().await.unwrap());
    for f in ["kind", "code", "name"] {
        assert!(fields.contains(&f.to_string()), "{f} missing in {fields:?}");
    }
    let res = admin
        .post(t.url("/api/v1/departments"))
        .json(&json!({"parent_id": yongkang, "kind": "department", "code": "jxj", "name": "重复"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), ["code"]);
    let (_, all) = get_json(&admin, t.url("/api/v1/departments")).await;
    assert_eq!(all.as_array().unwrap().len(), count);

    let res = admin
        .post(t.url("/api/v1/departments"))
        .json(&new_unit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["name"], "审计局");

    let res = admin
        .put(t.url(&format!("/api/v1/departments/{id}")))
        .json(&json!({"parent_id": yongkang, "kind": "department", "code": "sjj", "name": "永康市审计局", "short_name": "审计局"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, shown) = get_json(&staff, t.url(&format!("/api/v1/departments/{id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(shown["name"], "永康市审计局");

    // A unit with active users cannot be disabled; an empty one can.
    let res = admin
        .post(t.url(&format!("/api/v1/departments/{jxj}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "conflict");
    let res = admin
        .post(t.url(&format!("/api/v1/departments/{id}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (_, disabled) = get_json(&admin, t.url("/api/v1/departments?active=false")).await;
    assert_eq!(disabled.as_array().unwrap().len(), 1);
    let res = admin
        .post(t.url(&format!("/api/v1/departments/{id}/enable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let actions: Vec<String> =
        wujin_app::audit::history_of(&t.app, "department", &id.to_string(), 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
    assert_eq!(actions, ["enable", "disable", "update", "create"]);
    let (status, _) = get_json(&admin, t.url("/api/v1/departments/999999")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_audit_log_is_for_administrators_and_leaders() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    t.create_user("leader", "leader", Some("yongkang")).await;
    let jx = t.create_user("jx", "department", Some("jxj")).await;
    let admin = t.login("root").await;

    let (status, page) = get_json(
        &admin,
        t.url(&format!("/api/v1/audit?entity=user&entity_id={jx}")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1);
    let event = &page["items"][0];
    assert_eq!(event["action"], "create");
    assert_eq!(event["after"]["username"], "jx");
    let event_id = event["id"].as_i64().unwrap();

    let (status, detail) = get_json(&admin, t.url(&format!("/api/v1/audit/{event_id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(detail["hash"].as_str().unwrap().len(), 64);
    assert_eq!(detail["entity_id"], jx.to_string());

    let (status, entities) = get_json(&admin, t.url("/api/v1/audit/entities")).await;
    assert_eq!(status, 200);
    assert!(entities.as_array().unwrap().contains(&json!("user")));

    // Time filters: RFC 3339 or a date; nothing is in the future.
    let (status, page) = get_json(&admin, t.url("/api/v1/audit?from=2999-01-01T00:00:00Z")).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 0);
    let (_, page) = get_json(&admin, t.url("/api/v1/audit?from=2000-01-01&to=2999-01-01")).await;
    assert!(page["total"].as_u64().unwrap() >= 3);
    let (status, body) = get_json(&admin, t.url("/api/v1/audit?from=yesterday")).await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["from"]);

    let leader = t.login("leader").await;
    let (status, _) = get_json(&leader, t.url("/api/v1/audit")).await;
    assert_eq!(status, 200);
    let staff = t.login("jx").await;
    let (status, body) = get_json(&staff, t.url("/api/v1/audit")).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "forbidden");
    let (status, _) = get_json(&staff, t.url(&format!("/api/v1/audit/{event_id}"))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_login_log_shows_everyone_to_administrators_and_oneself_to_everyone() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    t.create_user("jx", "department", Some("jxj")).await;
    let anon = reqwest::Client::new();
    let res = anon
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "jx", "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let admin = t.login("root").await;
    let staff = t.login("jx").await;

    let (status, page) =
        get_json(&admin, t.url("/api/v1/login-log?username=jx&success=false")).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["outcome"], "bad_credentials");
    let (_, page) = get_json(&admin, t.url("/api/v1/login-log?success=true")).await;
    assert_eq!(page["total"], 2);

    let (status, _) = get_json(&staff, t.url("/api/v1/login-log")).await;
    assert_eq!(status, 403);
    let (status, own) = get_json(&staff, t.url("/api/v1/me/logins")).await;
    assert_eq!(status, 200);
    assert_eq!(own["total"], 2, "their failure and their success");
    assert!(
        own["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["username"] == "jx")
    );
}

#[tokio::test]
async fn notifications_come_in_the_callers_language() {
    let t = TestApp::spawn().await;
    t.create_user("ann", "cadre", Some("jxj")).await;
    t.create_user("bo", "cadre", Some("jxj")).await;
    let c = t.login("ann").await;

    // Every new user gets a welcome message.
    let (status, count) = get_json(&c, t.url("/api/v1/notifications/unread-count")).await;
    assert_eq!(status, 200);
    assert_eq!(count["unread"], 1);
    let (status, page) = get_json(&c, t.url("/api/v1/notifications?unread=true")).await;
    assert_eq!(status, 200);
    let n = &page["items"][0];
    assert_eq!(n["title_key"], "notify.welcome.title");
    let zh_title = n["title"].as_str().unwrap().to_string();
    assert!(
        !zh_title.contains('⟦') && zh_title != "notify.welcome.title",
        "{zh_title}"
    );
    assert!(
        zh_title
            .chars()
            .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
        "Chinese by default: {zh_title}"
    );
    let id = n["id"].as_i64().unwrap();

    let res = c
        .put(t.url("/api/v1/me/locale"))
        .json(&json!({"locale": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (_, page) = get_json(&c, t.url("/api/v1/notifications")).await;
    let en_title = page["items"][0]["title"].as_str().unwrap();
    assert_ne!(en_title, zh_title);
    assert!(en_title.is_ascii(), "{en_title}");
    let res = c
        .put(t.url("/api/v1/me/locale"))
        .json(&json!({"locale": "fr"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    // Someone else's message is not theirs to read.
    let other = t.login("bo").await;
    let res = other
        .post(t.url(&format!("/api/v1/notifications/{id}/read")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let (_, count) = get_json(&c, t.url("/api/v1/notifications/unread-count")).await;
    assert_eq!(count["unread"], 1);

    let res = c
        .post(t.url(&format!("/api/v1/notifications/{id}/read")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (_, count) = get_json(&c, t.url("/api/v1/notifications/unread-count")).await;
    assert_eq!(count["unread"], 0);
    let (_, page) = get_json(&c, t.url("/api/v1/notifications?unread=true")).await;
    assert_eq!(page["total"], 0);

    let (status, done) = get_json(&other, t.url("/api/v1/notifications/unread-count")).await;
    assert_eq!(status, 200);
    assert_eq!(done["unread"], 1);
    let res = other
        .post(t.url("/api/v1/notifications/read-all"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["marked"], 1);
}

#[tokio::test]
async fn changing_ones_own_password() {
    let t = TestApp::spawn().await;
    let id = t.create_user("cheng", "town", Some("gushan")).await;
    let c = t.login("cheng").await;
    let other_session = t.login("cheng").await;

    let res = c
        .post(t.url("/api/v1/me/password"))
        .json(&json!({"current_password": "not-it-at-all", "new_password": "new-secret-9", "confirm_password": "different-9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let fields = field_names(&res.json().await.unwrap());
    assert_eq!(fields, ["current_password", "confirm_password"]);

    let res = c
        .post(t.url("/api/v1/me/password"))
        .json(&json!({"current_password": TEST_PASSWORD, "new_password": "new-secret-9", "confirm_password": "new-secret-9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);

    // This session stays, the other one ends, the old password no longer works.
    assert_eq!(
        c.get(t.url("/api/v1/me")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        other_session
            .get(t.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let anon = reqwest::Client::new();
    let res = anon
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "cheng", "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = anon
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "cheng", "password": "new-secret-9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let actions: Vec<String> = wujin_app::audit::history_of(&t.app, "user", &id.to_string(), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions[0], "change_password");
}
