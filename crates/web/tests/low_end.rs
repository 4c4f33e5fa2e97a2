//! The 低散乱污 ledger over HTTP on the demo city: the office screens a year (API and page),
//! the ledger and its totals within each role's scope (enterprise and cadre users refused),
//! a town verifies, plans and closes its own case with evidence (API and pages), the export.

use serde_json::{Value, json};
use wujin_app::demo::DEMO_PASSWORD;
use wujin_testkit::{TestApp, field_names, get_json, get_text, location, post_multipart};

async fn send_json(req: reqwest::RequestBuilder, body: Value) -> (u16, Value) {
    let res = req.json(&body).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn no_missing_keys(body: &str) {
    assert!(!body.contains('⟦'), "untranslated key in {body}");
}

const API: &str = "/api/v1/evaluation/low-end";

#[tokio::test]
async fn the_ledger_over_http_respects_roles_and_scope() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let login = |name: &'static str| t.login_with(name, DEMO_PASSWORD);
    let office = login("dept").await;
    let town = login("town").await;
    let firm = login("firm").await;
    let cadre = login("cadre").await;
    let leader = login("leader").await;
    let gushan = t.unit("gushan").await;
    let sthjj = t.unit("sthjj").await;

    // Only the office screens.
    let (s, body) = send_json(
        town.post(t.url(&format!("{API}/generate"))),
        json!({"year": 2024}),
    )
    .await;
    assert_eq!(s, 403, "{body}");
    let (s, body) = send_json(
        office.post(t.url(&format!("{API}/generate"))),
        json!({"year": 1800}),
    )
    .await;
    assert_eq!((s, field_names(&body)), (422, vec!["year".to_string()]));
    let (s, first) = send_json(
        office.post(t.url(&format!("{API}/generate"))),
        json!({"year": 2024}),
    )
    .await;
    assert_eq!(s, 200, "{first}");
    let created = first["created"].as_u64().unwrap();
    assert!(created > 0, "{first}");
    assert_eq!(
        first["run_id"],
        Value::Null,
        "no published run: the default rules"
    );
    // The page's screening form adds nothing the second time and says so.
    let res = office
        .post(t.url("/low-end/generate"))
        .form(&[("year", "2024"), ("run_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/low-end?year=2024&created=0&present={created}")
    );
    let (s, page) = get_text(&office, &t, &location(&res)).await;
    assert_eq!(s, 200);
    no_missing_keys(&page);
    assert!(page.contains(r#"id="generated""#) && page.contains(r#"id="screening""#));

    // Enterprise users and cadres have no access; the leader reads everything.
    for c in [&firm, &cadre] {
        assert_eq!(get_json(c, t.url(API)).await.0, 403);
        assert_eq!(get_text(c, &t, "/low-end").await.0, 403);
        assert_eq!(get_json(c, t.url(&format!("{API}/totals"))).await.0, 403);
    }
    let (s, all) = get_json(&leader, t.url(&format!("{API}?page_size=1"))).await;
    assert_eq!((s, all["total"].as_u64()), (200, Some(created)));
    let (_, page) = get_text(&leader, &t, "/low-end").await;
    assert!(
        !page.contains(r#"id="screening""#),
        "only the office screens"
    );

    // The town sees its own cases only.
    let (s, mine) = get_json(&town, t.url(&format!("{API}?page_size=200"))).await;
    assert_eq!(s, 200);
    let items = mine["items"].as_array().unwrap();
    assert!(items.len() >= 3);
    assert!(items.iter().all(|c| c["town"]["id"] == gushan));
    let (_, others) = get_json(
        &leader,
        t.url(&format!("{API}?page_size=200&status=candidate")),
    )
    .await;
    let other = others["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["town"]["id"] != gushan)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        get_json(&town, t.url(&format!("{API}/{other}"))).await.0,
        404
    );
    let (s, _) = send_json(
        town.post(t.url(&format!("{API}/{other}/verify"))),
        json!({"confirm": true}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, body) = get_json(&town, t.url(&format!("{API}?status=open"))).await;
    assert_eq!((s, field_names(&body)), (422, vec!["status".to_string()]));

    // API: verify, plan, progress, close.
    let a = items[0]["id"].as_i64().unwrap();
    let (s, body) = send_json(
        town.post(t.url(&format!("{API}/{a}/verify"))),
        json!({"confirm": false}),
    )
    .await;
    assert_eq!(
        (s, field_names(&body)),
        (422, vec!["reason".to_string()]),
        "{body}"
    );
    let (s, d) = send_json(
        town.post(t.url(&format!("{API}/{a}/verify"))),
        json!({"confirm": true, "reason": "现场核实属实"}),
    )
    .await;
    assert_eq!((s, d["status"].as_str()), (200, Some("confirmed")), "{d}");
    assert_eq!(d["actions"]["plan"], true);
    let (s, _) = send_json(
        town.post(t.url(&format!("{API}/{a}/verify"))),
        json!({"confirm": true}),
    )
    .await;
    assert_eq!(s, 409);
    let deadline = (wujin_app::low_end::today() + chrono::Duration::days(90)).to_string();
    let (s, d) = send_json(
        town.put(t.url(&format!("{API}/{a}/plan"))),
        json!({"disposal_type": "shutdown", "responsible_unit_id": sthjj, "deadline": deadline,
               "steps": [{"content": "断电断水", "due_on": deadline}]}),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["steps"].as_array().unwrap().len(), 1);
    let step = d["steps"][0]["id"].as_i64().unwrap();
    let (s, p) = send_json(
        town.post(t.url(&format!("{API}/{a}/progress"))),
        json!({"content": "已断电"}),
    )
    .await;
    assert_eq!((s, p["kind"].as_str()), (201, Some("progress")));
    let res = town
        .post(t.url(&format!("{API}/{a}/steps/{step}/done")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = post_multipart(
        &town,
        t.url(&format!("{API}/{a}/close")),
        &[("note", "已关停")],
        &[],
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let fields = field_names(&body);
    assert!(
        fields.contains(&"files".to_string()) && fields.contains(&"power_cut".to_string()),
        "{body}"
    );
    let res = post_multipart(
        &town,
        t.url(&format!("{API}/{a}/close")),
        &[
            ("note", "两断三清完成"),
            ("power_cut", "1"),
            ("water_cut", "1"),
            ("raw_materials_cleared", "1"),
            ("products_cleared", "1"),
            ("equipment_cleared", "1"),
            ("land_mu_freed", "2.5"),
        ],
        &[("验收照片.png", b"\x89PNG\r\n\x1a\nimage")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let d: Value = res.json().await.unwrap();
    assert_eq!(
        (d["status"].as_str(), d["land_mu_freed"].as_f64()),
        (Some("closed"), Some(2.5))
    );
    let aid = d["attachments"][0]["id"].as_i64().unwrap();
    let res = town
        .get(t.url(&format!("{API}/{a}/attachments/{aid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.bytes().await.unwrap().starts_with(b"\x89PNG"));
    assert_eq!(get_json(&firm, t.url(&format!("{API}/{a}"))).await.0, 403);
    let (_, totals) = get_json(&town, t.url(&format!("{API}/totals?year=2024"))).await;
    assert_eq!(totals["by_status"]["closed"], 1);
    assert_eq!(totals["land_mu_freed"].as_f64(), Some(2.5));
    assert_eq!(totals["by_disposal"][0]["key"], "shutdown");

    // Pages: the case, a refused rejection, confirmation, the plan form, the closure form.
    let b = items[1]["id"].as_i64().unwrap();
    let (s, page) = get_text(&town, &t, &format!("/low-end/{b}")).await;
    assert_eq!(s, 200);
    no_missing_keys(&page);
    assert!(page.contains(r#"id="reject-form""#) && page.contains("data-confirm"));
    let res = town
        .post(t.url(&format!("/low-end/{b}/verify")))
        .form(&[("decision", "reject"), ("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"id="error-reason""#), "{page}");
    let res = town
        .post(t.url(&format!("/low-end/{b}/verify")))
        .form(&[("decision", "confirm"), ("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/low-end/{b}?msg=low_end_confirmed")
    );
    let sthjj_s = sthjj.to_string();
    let res = town
        .post(t.url(&format!("/low-end/{b}/plan")))
        .form(&[
            ("disposal_type", "upgrade"),
            ("responsible_unit_id", sthjj_s.as_str()),
            ("deadline", deadline.as_str()),
            ("step_0_id", ""),
            ("step_0_content", "加装废气处理设施"),
            ("step_0_due", "2000-13-01"),
            ("step_1_id", ""),
            ("step_1_content", ""),
            ("step_1_due", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "a bad date is refused on its row");
    let res = town
        .post(t.url(&format!("/low-end/{b}/plan")))
        .form(&[
            ("disposal_type", "upgrade"),
            ("responsible_unit_id", sthjj_s.as_str()),
            ("deadline", deadline.as_str()),
            ("step_0_id", ""),
            ("step_0_content", "加装废气处理设施"),
            ("step_0_due", deadline.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (_, page) = get_text(&town, &t, &format!("/low-end/{b}")).await;
    no_missing_keys(&page);
    assert!(page.contains(r#"id="close-form""#) && page.contains("加装废气处理设施"));
    assert!(
        !page.contains(r#"id="checklist-form""#),
        "an upgrade needs no checklist"
    );
    let res = post_multipart(
        &town,
        t.url(&format!("/low-end/{b}/close")),
        &[("note", "整改完成")],
        &[],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains(r#"id="error-files""#));
    let res = post_multipart(
        &town,
        t.url(&format!("/low-end/{b}/close")),
        &[
            ("note", "整改完成"),
            ("land_mu_freed", "0"),
            ("energy_tce_freed", ""),
        ],
        &[("验收报告.pdf", b"%PDF-1.4 report")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, page) = get_text(&town, &t, &format!("/low-end/{b}")).await;
    assert!(page.contains("验收报告.pdf") && !page.contains(r#"id="close-form""#));
    let (s, list) = get_text(&town, &t, "/low-end?status=closed").await;
    assert_eq!(s, 200);
    no_missing_keys(&list);
    assert!(list.contains(&format!("/low-end/{a}")) && list.contains(&format!("/low-end/{b}")));

    // English pages have every key too.
    for path in [
        format!("/low-end/{a}?lang=en"),
        "/low-end?lang=en".to_string(),
    ] {
        let (s, page) = get_text(&office, &t, &path).await;
        assert_eq!(s, 200);
        no_missing_keys(&page);
    }

    // The export: the same filters, as xlsx.
    for (c, path) in [
        (&town, "/low-end/export.xlsx?status=closed"),
        (&office, "/api/v1/evaluation/low-end.xlsx?status=closed"),
    ] {
        let res = c.get(t.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    }
}
