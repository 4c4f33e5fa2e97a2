//! A unit's head (负责人) and leader in charge (分管领导), told in turn when its service cases run
//! late: set over the API and on the unit's form, checked (the head an active user of the unit,
//! the leader an active leader), audited, and shown on the unit's page.

use serde_json::{Value, json};
use wujin_testkit::{TestApp, field_names, get_json, get_text};

async fn put(c: &reqwest::Client, url: String, body: &Value) -> (u16, Value) {
    let res = c.put(url).json(body).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn head_and_leader_are_checked_saved_and_audited() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let zhang = t.create_user("zhang", "department", Some("jxj")).await;
    let other = t.create_user("other", "department", Some("fgj")).await;
    let mayor = t.create_user("mayor", "leader", Some("yongkang")).await;
    let gone = t.create_user("gone", "leader", Some("yongkang")).await;
    t.sql(&format!(
        "UPDATE app_user SET active = false WHERE id = {gone}"
    ))
    .await
    .unwrap();
    let c = t.login("boss").await;
    let jxj = t.unit("jxj").await;
    let url = t.url(&format!("/api/v1/departments/{jxj}"));
    let (s, unit) = get_json(&c, url.clone()).await;
    assert_eq!(s, 200);
    assert_eq!(unit["head_user_id"], Value::Null);

    let body = |head: Value, leader: Value| {
        json!({"parent_id": unit["parent_id"], "kind": unit["kind"], "code": unit["code"],
            "name": unit["name"], "short_name": unit["short_name"], "sort_order": unit["sort_order"],
            "head_user_id": head, "leader_user_id": leader})
    };
    // Someone of another unit cannot head it; a department user or a disabled leader cannot
    // be its leader in charge. Nothing is written.
    let audits = t.audit_total().await;
    let (s, b) = put(&c, url.clone(), &body(json!(other), json!(zhang))).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(
        field_names(&b),
        vec!["head_user_id".to_string(), "leader_user_id".to_string()]
    );
    assert_eq!(
        b["fields"][0]["code"],
        "error.department_escalation.head_invalid"
    );
    assert!(!b.to_string().contains('⟦'), "{b}");
    let (s, b) = put(&c, url.clone(), &body(Value::Null, json!(gone))).await;
    assert_eq!(
        (s, field_names(&b)),
        (422, vec!["leader_user_id".to_string()])
    );
    assert_eq!(t.audit_total().await, audits);

    let (s, b) = put(&c, url.clone(), &body(json!(zhang), json!(mayor))).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["head_user_id"].as_i64(), b["leader_user_id"].as_i64()),
        (Some(zhang), Some(mayor))
    );
    assert_eq!(t.audit_total().await, audits + 1);
    let (_, history) = get_json(
        &c,
        t.url(&format!("/api/v1/audit?entity=department&entity_id={jxj}")),
    )
    .await;
    let last = &history["items"][0];
    assert_eq!(last["action"], "update", "{history}");
    let (_, event) = get_json(&c, t.url(&format!("/api/v1/audit/{}", last["id"]))).await;
    assert_eq!(event["after"]["head_user_id"], zhang, "{event}");
    assert_eq!(event["after"]["leader_user_id"], mayor, "{event}");

    // A new unit has no users yet, so no head.
    let city = t.unit("yongkang").await;
    let res = c
        .post(t.url("/api/v1/departments"))
        .json(
            &json!({"parent_id": city, "kind": "department", "code": "xfj", "name": "市信访局",
            "head_user_id": zhang, "leader_user_id": mayor}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let b: Value = res.json().await.unwrap();
    assert_eq!(field_names(&b), vec!["head_user_id".to_string()]);
}

#[tokio::test]
async fn the_unit_form_offers_its_people_and_the_leaders() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let zhang = t.create_user("zhang", "department", Some("jxj")).await;
    let other = t.create_user("other", "department", Some("fgj")).await;
    let mayor = t.create_user("mayor", "leader", Some("yongkang")).await;
    let c = t.login("boss").await;
    let jxj = t.unit("jxj").await;
    let unit = wujin_app::departments::get(&t.app, &wujin_app::Ctx::cli(), jxj)
        .await
        .unwrap();

    let (s, form) = get_text(&c, &t, &format!("/admin/departments/{jxj}/edit")).await;
    assert_eq!(s, 200);
    assert!(!form.contains('⟦'), "untranslated key");
    assert!(form.contains("name=\"head_user_id\"") && form.contains("name=\"leader_user_id\""));
    let select = |name: &str| {
        let start = form.find(&format!("name=\"{name}\"")).expect("the select");
        let end = start + form[start..].find("</select>").expect("its end");
        form[start..end].to_string()
    };
    let (heads, leaders) = (select("head_user_id"), select("leader_user_id"));
    assert!(
        heads.contains(&format!("value=\"{zhang}\"")),
        "the unit's own user: {heads}"
    );
    assert!(
        !heads.contains(&format!("value=\"{other}\"")),
        "not another unit's user"
    );
    assert!(
        !heads.contains(&format!("value=\"{mayor}\"")),
        "not a leader of the city"
    );
    assert!(
        leaders.contains(&format!("value=\"{mayor}\"")),
        "the leader: {leaders}"
    );
    assert!(
        !leaders.contains(&format!("value=\"{zhang}\"")),
        "not a department user"
    );
    assert!(form.contains("负责人") && form.contains("分管领导"));

    let fields = |head: String| {
        vec![
            ("parent_id", unit.parent_id.unwrap().to_string()),
            ("kind", unit.kind.clone()),
            ("code", unit.code.clone()),
            ("name", unit.name.clone()),
            ("short_name", unit.short_name.clone().unwrap_or_default()),
            ("sort_order", unit.sort_order.to_string()),
            ("head_user_id", head),
            ("leader_user_id", mayor.to_string()),
        ]
    };
    let res = c
        .post(t.url(&format!("/admin/departments/{jxj}")))
        .form(&fields(other.to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("负责人须为本单位的在用账号"), "{page}");

    let res = c
        .post(t.url(&format!("/admin/departments/{jxj}")))
        .form(&fields(zhang.to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let d = wujin_app::departments::get(&t.app, &wujin_app::Ctx::cli(), jxj)
        .await
        .unwrap();
    assert_eq!(
        (d.head_user_id, d.leader_user_id),
        (Some(zhang), Some(mayor))
    );
    let (s, page) = get_text(&c, &t, &format!("/admin/departments/{jxj}?lang=en")).await;
    assert_eq!(s, 200);
    assert!(!page.contains('⟦'), "untranslated key");
    assert!(
        page.contains("Leader in charge")
            && page.contains("测试zhang")
            && page.contains("测试mayor"),
        "{page}"
    );
}
