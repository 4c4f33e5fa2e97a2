//! User administration through the JSON API: validation, data scope, grants, audit.

use serde_json::{Value, json};
use wujin_testkit::{TestApp, field_names};

#[tokio::test]
async fn admin_creates_a_user_with_a_temporary_password() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    let jxj = t.unit("jxj").await;
    let admin = t.login("root").await;

    let res = admin
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "wanghua", "display_name": "王华", "role": "department", "department_id": jxj, "phone": "13800000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["username"], "wanghua");
    assert_eq!(body["department_id"], jxj);
    assert_eq!(body["must_change_password"], true);
    let temporary = body["temporary_password"]
        .as_str()
        .expect("generated password")
        .to_string();
    assert!(temporary.len() >= 8);
    let id = body["id"].as_i64().unwrap();

    // It is really there, and the creation is audited.
    let res = admin
        .get(t.url(&format!("/api/v1/users/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let shown: Value = res.json().await.unwrap();
    assert_eq!(shown["display_name"], "王华");
    assert!(shown.get("temporary_password").is_none());
    let history = wujin_app::audit::history_of(&t.app, "user", &id.to_string(), 10)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "create");
    assert_eq!(history[0].actor_name, "root");

    // The new user signs in with it and must change it before anything else.
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "wanghua", "password": temporary}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["must_change_password"], true);
    let res = c.get(t.url("/api/v1/users")).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"], "password_change_required");
    let res = c
        .post(t.url("/api/v1/me/password"))
        .json(&json!({"current_password": temporary, "new_password": "a-better-secret", "confirm_password": "a-better-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = c.get(t.url("/api/v1/users")).send().await.unwrap();
    assert_eq!(res.status(), 200);

    // A password given by the administrator is not echoed back.
    let res = admin
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "lifang", "display_name": "李芳", "role": "leader", "password": "given-secret-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    assert!(body.get("temporary_password").is_none(), "{body}");
}

#[tokio::test]
async fn invalid_input_is_422_naming_the_field_and_creates_nothing() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    let admin = t.login("root").await;
    let before = t.user_total().await;

    let res = admin
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "x", "display_name": "某人", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid");
    assert_eq!(field_names(&body), ["username"]);
    assert_eq!(body["fields"][0]["code"], "error.user.username_invalid");

    // Several problems at once, each named.
    let res = admin
        .post(t.url("/api/v1/users"))
        .json(
            &json!({"username": "ok_name", "display_name": "", "role": "emperor", "email": "nope"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let fields = field_names(&body);
    for f in ["display_name", "role", "email"] {
        assert!(fields.contains(&f.to_string()), "{f} missing in {fields:?}");
    }

    // Department staff need a department.
    let res = admin
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "nodept", "display_name": "无部门", "role": "department"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), ["department_id"]);

    // A body that is not JSON of the right shape.
    let res = admin
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "typed", "department_id": "jxj"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), ["body"]);

    // A weak password chosen by the administrator.
    let res = admin
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "weakpw", "display_name": "弱密码", "role": "leader", "password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), ["password"]);

    assert_eq!(t.user_total().await, before, "nothing was created");
}

#[tokio::test]
async fn department_staff_work_only_inside_their_scope() {
    let t = TestApp::spawn().await;
    t.create_user("leader", "leader", Some("yongkang")).await;
    let jx = t.create_user("jx", "department", Some("jxj")).await;
    let fg = t.create_user("fg", "department", Some("fgj")).await;
    let jxj = t.unit("jxj").await;
    let c = t.login("jx").await;

    // Outside the scope looks exactly like missing.
    let res = c
        .get(t.url(&format!("/api/v1/users/{fg}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let outside: Value = res.json().await.unwrap();
    let res = c.get(t.url("/api/v1/users/999999")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let missing: Value = res.json().await.unwrap();
    assert_eq!(outside, missing);
    let res = c.put(t.url(&format!("/api/v1/users/{fg}"))).json(&json!({"username": "fg", "display_name": "改名", "role": "department", "department_id": jxj})).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res = c
        .get(t.url(&format!("/api/v1/users/{fg}/history")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // The list holds only their department's people.
    let res = c
        .get(t.url("/api/v1/users?page_size=200"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&jx));
    assert!(!ids.contains(&fg));
    assert_eq!(page["total"], ids.len());

    // They may not grant the admin role.
    let before = t.user_total().await;
    let res = c
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "newboss", "display_name": "新管理员", "role": "admin", "department_id": jxj}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert!(field_names(&body).contains(&"role".to_string()), "{body}");
    // Nor a unit outside their tree.
    let fgj = t.unit("fgj").await;
    let res = c
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "elsewhere", "display_name": "外单位", "role": "department", "department_id": fgj}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(field_names(&res.json().await.unwrap()).contains(&"department_id".to_string()));
    assert_eq!(t.user_total().await, before);

    // Within their scope they may.
    let res = c
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "colleague", "display_name": "同事", "role": "department", "department_id": jxj}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    // City leaders read but do not write.
    let leader = t.login("leader").await;
    let res = leader
        .get(t.url(&format!("/api/v1/users/{fg}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let before = t.user_total().await;
    let res = leader
        .post(t.url("/api/v1/users"))
        .json(&json!({"username": "byleader", "display_name": "领导建", "role": "cadre", "department_id": jxj}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
    assert_eq!(t.user_total().await, before);
    let res = leader
        .post(t.url(&format!("/api/v1/users/{jx}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn changes_are_audited_with_old_and_new_values() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    let id = t.create_user("zhao", "cadre", Some("jxj")).await;
    let jxj = t.unit("jxj").await;
    let admin = t.login("root").await;

    let res = admin
        .put(t.url(&format!("/api/v1/users/{id}")))
        .json(&json!({"username": "zhao", "display_name": "赵新名", "role": "cadre", "department_id": jxj, "phone": "0579-1234567"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["display_name"], "赵新名");

    let res = admin
        .get(t.url(&format!("/api/v1/users/{id}/history")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let history: Value = res.json().await.unwrap();
    let latest = &history[0];
    assert_eq!(latest["action"], "update");
    assert_eq!(latest["actor_name"], "root");
    assert_eq!(latest["before"]["display_name"], "测试zhao");
    assert_eq!(latest["after"]["display_name"], "赵新名");
    assert_eq!(latest["before"]["phone"], Value::Null);
    assert_eq!(latest["after"]["phone"], "0579-1234567");
    let changed: Vec<&str> = latest["changed_fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(changed, ["display_name", "phone"]);
    assert_eq!(history[1]["action"], "create");

    // The same rows as the use-case sees.
    let events = wujin_app::audit::history_of(&t.app, "user", &id.to_string(), 10)
        .await
        .unwrap();
    assert_eq!(events.len(), 2);

    // An invalid change writes nothing.
    let res = admin
        .put(t.url(&format!("/api/v1/users/{id}")))
        .json(
            &json!({"username": "zhao", "display_name": "", "role": "cadre", "department_id": jxj}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let events = wujin_app::audit::history_of(&t.app, "user", &id.to_string(), 10)
        .await
        .unwrap();
    assert_eq!(events.len(), 2);
    let shown: Value = admin
        .get(t.url(&format!("/api/v1/users/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["display_name"], "赵新名");
}

#[tokio::test]
async fn reset_disable_and_enable() {
    let t = TestApp::spawn().await;
    let root = t.create_user("root", "admin", None).await;
    let id = t.create_user("qian", "town", Some("gushan")).await;
    let admin = t.login("root").await;

    // Reset with an empty body generates a password; the old one stops working.
    let res = admin
        .post(t.url(&format!("/api/v1/users/{id}/reset-password")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let temporary = body["temporary_password"].as_str().unwrap().to_string();
    let c = reqwest::Client::new();
    let res = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "qian", "password": wujin_testkit::TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "qian", "password": temporary}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Reset to a chosen password.
    let res = admin
        .post(t.url(&format!("/api/v1/users/{id}/reset-password")))
        .json(&json!({"password": "chosen-temp-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["temporary_password"], "chosen-temp-1");

    let res = admin
        .post(t.url(&format!("/api/v1/users/{id}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "qian", "password": "chosen-temp-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = admin
        .get(t.url("/api/v1/users?active=false"))
        .send()
        .await
        .unwrap();
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["username"], "qian");

    // Nobody disables themselves.
    let res = admin
        .post(t.url(&format!("/api/v1/users/{root}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "conflict");

    let res = admin
        .post(t.url(&format!("/api/v1/users/{id}/enable")))
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
    assert_eq!(
        actions,
        [
            "enable",
            "disable",
            "reset_password",
            "reset_password",
            "create"
        ]
    );
}

#[tokio::test]
async fn list_filters_sorts_and_pages() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    for name in ["amy", "ben", "cat"] {
        t.create_user(name, "cadre", Some("jxj")).await;
    }
    t.create_user("dan", "town", Some("gushan")).await;
    let admin = t.login("root").await;

    let page: Value = admin
        .get(t.url("/api/v1/users?role=cadre&sort=username&dir=desc&page_size=2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(page["page"], 1);
    assert_eq!(page["page_size"], 2);
    assert!(page.get("per_page").is_none(), "{page}");
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cat", "ben"]);
    let page: Value = admin
        .get(t.url("/api/v1/users?role=cadre&sort=username&dir=desc&page_size=2&page=2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["username"], "amy");
    assert_eq!(page["page"], 2);
    // The older name of the page size is still understood.
    let page: Value = admin
        .get(t.url("/api/v1/users?role=cadre&sort=username&dir=desc&per_page=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["page_size"], 1);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["username"], "cat");

    let gushan = t.unit("gushan").await;
    let page: Value = admin
        .get(t.url(&format!("/api/v1/users?department_id={gushan}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["username"], "dan");
    assert_eq!(page["items"][0]["department_name"], "古山镇");

    let res = admin
        .get(t.url("/api/v1/users?active=perhaps"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "query");
}
