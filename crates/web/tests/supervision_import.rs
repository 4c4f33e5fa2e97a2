//! 任务分解表导入 over HTTP: the office uploads the sample table, sees the rows and the two
//! unknown unit names, is refused until both are mapped, confirms, and lands on the plan; the
//! marked workbook and the template download; a second commit is refused; units cannot reach
//! the pages; the JSON API does the same in two calls.

use serde_json::{Value, json};
use wujin_app::supervision::import::sample_decomposition_xlsx;
use wujin_app::supervision::plans::{self, NewPlan};
use wujin_testkit::{TestApp, create_leaders, ctx_of, get_text, location, post_multipart};

const UNKNOWN: [&str; 2] = ["市数据局", "市城市大脑运营中心"];

/// A test server with the office's user, a unit's, the demo's leaders and a plan; returns the
/// plan id.
async fn setup() -> (TestApp, i64) {
    let t = TestApp::spawn().await;
    t.create_user("office", "department", Some("dcs")).await;
    t.create_user("dept", "department", Some("jxj")).await;
    create_leaders(&t.app).await;
    let office = ctx_of(&t.app, "office").await;
    let plan = plans::create(
        &t.app,
        &office,
        NewPlan {
            name: "2022年政府工作报告重点工作任务分解".into(),
            year: 2022,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (t, plan.id)
}

fn no_missing_keys(body: &str) {
    assert!(!body.contains('⟦'), "untranslated key in {body}");
}

async fn task_count(t: &TestApp, plan_id: i64) -> usize {
    let office = ctx_of(&t.app, "office").await;
    wujin_app::supervision::tasks::of_plan(&t.app, &office, plan_id)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn upload_preview_map_confirm_and_commit() {
    let (t, plan_id) = setup().await;
    let c = t.login("office").await;
    let form = format!("/supervision/plans/{plan_id}/import");
    let (status, body) = get_text(&c, &t, &form).await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(body.contains("enctype=\"multipart/form-data\""));
    assert!(body.contains("href=\"/supervision/import-template.xlsx\""));

    // A file that is no spreadsheet: the form again, the file named, nothing kept.
    let res = post_multipart(&c, t.url(&form), &[], &[("x.xlsx", b"not a zip")]).await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    no_missing_keys(&body);
    assert!(body.contains("id=\"error-file\""), "{body}");

    let xlsx = sample_decomposition_xlsx(30, &UNKNOWN);
    let res = post_multipart(&c, t.url(&form), &[], &[("分解表.xlsx", &xlsx)]).await;
    assert_eq!(res.status(), 303);
    let preview = location(&res);
    assert!(preview.starts_with("/supervision/imports/"), "{preview}");
    let batch = preview.rsplit('/').next().unwrap().to_string();

    let (status, body) = get_text(&c, &t, &preview).await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(body.contains("id=\"count-unknown\">2<"), "{body}");
    for name in UNKNOWN {
        assert!(body.contains(name), "{name} not listed");
    }
    assert!(body.contains("name=\"target_0\"") && body.contains("name=\"target_1\""));
    assert!(body.contains("value=\"create\""));
    assert!(body.contains("class=\"depth-2\""), "sub-tasks are indented");

    // The workbook with the unknown names marked.
    let res = c
        .get(t.url(&format!("/supervision/imports/{batch}/errors.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));

    let commit = t.url(&format!("/supervision/imports/{batch}/commit"));
    // One name left without a choice: refused, the choice made is kept.
    let fgj = t.unit("fgj").await.to_string();
    let unit_fgj = format!("unit:{fgj}");
    let res = c
        .post(&commit)
        .form(&[("target_0", unit_fgj.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    no_missing_keys(&body);
    assert!(body.contains(UNKNOWN[1]));
    assert!(body.contains(&format!("value=\"{unit_fgj}\" selected")));
    assert_eq!(task_count(&t, plan_id).await, 0);

    // Both chosen: the confirmation page lists the decisions, writes nothing yet.
    let choices = [("target_0", unit_fgj.as_str()), ("target_1", "create")];
    let res = c.post(&commit).form(&choices).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    no_missing_keys(&body);
    assert!(body.contains("id=\"import-confirm\""));
    assert!(body.contains("name=\"confirm\""));
    assert_eq!(task_count(&t, plan_id).await, 0);

    // Confirmed: written, and on to the plan.
    let mut confirmed = choices.to_vec();
    confirmed.push(("confirm", "1"));
    let res = c.post(&commit).form(&confirmed).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/supervision/plans/{plan_id}?msg=tasks_imported")
    );
    let written = task_count(&t, plan_id).await;
    assert!(written > 30, "{written} rows written");

    // Again: refused, nothing more written.
    let res = c.post(&commit).form(&confirmed).send().await.unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(task_count(&t, plan_id).await, written);
    let (status, body) = get_text(&c, &t, &preview).await;
    assert_eq!(status, 200);
    assert!(body.contains("id=\"import-done\""));

    let res = c
        .get(t.url("/supervision/import-template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));

    // Another upload, discarded: its file is dropped, it cannot be committed.
    let res = post_multipart(&c, t.url(&form), &[], &[("又一份.xlsx", &xlsx)]).await;
    let other = location(&res);
    let res = c
        .post(t.url(&format!("{other}/discard")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/supervision/plans/{plan_id}?msg=import_discarded")
    );
    let res = c
        .post(t.url(&format!("{other}/commit")))
        .form(&confirmed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(task_count(&t, plan_id).await, written);

    // A unit's staff reach neither the upload nor the office's batch.
    let d = t.login("dept").await;
    assert_eq!(get_text(&d, &t, &form).await.0, 403);
    assert_eq!(get_text(&d, &t, &preview).await.0, 403);
}

#[tokio::test]
async fn the_api_validates_then_commits_with_mappings() {
    let (t, plan_id) = setup().await;
    let c = t.login("office").await;
    let xlsx = sample_decomposition_xlsx(20, &UNKNOWN);
    let res = post_multipart(
        &c,
        t.url(&format!("/api/v1/plans/{plan_id}/imports")),
        &[],
        &[("分解表.xlsx", &xlsx)],
    )
    .await;
    assert_eq!(res.status(), 201);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], "validated");
    let unknown: Vec<&str> = p["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(unknown, UNKNOWN);
    assert_eq!(p["unknown"][0]["kind"], "unit");
    assert!(p["rows"][1]["deadline_kind"].is_string());
    assert!(
        p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["target_value"].is_number())
    );
    let batch = p["batch_id"].as_i64().unwrap();
    let commit = t.url(&format!("/api/v1/task-imports/{batch}/commit"));

    let res = c
        .post(&commit)
        .json(&json!({"mappings": [{"action": "create_unit", "name": UNKNOWN[0]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["fields"][0]["code"], "error.task_import.unit_unmapped");
    assert_eq!(e["fields"][0]["detail"], UNKNOWN[1]);

    let fgj = t.unit("fgj").await;
    let res = c
        .post(&commit)
        .json(&json!({"mappings": [
            {"action": "create_unit", "name": UNKNOWN[0]},
            {"action": "map_unit", "name": UNKNOWN[1], "department_id": fgj},
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["units_created"][0]["name"], UNKNOWN[0]);
    let rows = out["tasks"].as_u64().unwrap() + out["sub_tasks"].as_u64().unwrap();
    assert_eq!(rows, 20);
    let res = c
        .get(t.url(&format!("/api/v1/task-imports/{batch}")))
        .send()
        .await
        .unwrap();
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], "committed");
}
