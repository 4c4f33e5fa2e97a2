//! 督查督办 over JSON on the demo city: cadres and firms are refused; a unit's board holds
//! only its tasks; a unit reports on its own task only; only the office issues a 督办单 and
//! decides requests; the lead unit answers, an illegal step answers 409; an extension moves
//! the deadline; an accepted completion makes the task grey at the next computation.

use serde_json::{Value, json};
use supervision_support::fixture;
use wujin_app::demo::DEMO_PASSWORD;
use wujin_testkit::{TestApp, field_names, get_json};

mod supervision_support;

async fn send(req: reqwest::RequestBuilder, body: Value) -> (u16, Value) {
    let res = req.json(&body).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn supervision_api_follows_roles_and_the_rules() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let f = fixture(&t).await;
    let login = |name: &'static str| t.login_with(name, DEMO_PASSWORD);
    let office = login("dcs_jin").await;
    let dept = login("dept").await;
    let fgj = login("fgj_zhu").await;
    let leader = login("leader").await;
    let firm = login("firm").await;
    let cadre = login("cadre").await;
    let plan = format!("/api/v1/plans/{}", f.plan);
    let task = format!("/api/v1/tasks/{}", f.jxj_task);

    for c in [&firm, &cadre] {
        for p in [
            "/api/v1/plans".to_string(),
            format!("{plan}/tasks"),
            task.clone(),
        ] {
            assert_eq!(get_json(c, t.url(&p)).await.0, 403, "{p}");
        }
    }
    // Leaders see both tasks, 经信局 its own, 发改局 the one it co-operates on.
    let (s, b) = get_json(&leader, t.url(&format!("{plan}/tasks"))).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["tasks"]["total"], 2);
    assert_eq!(b["counts"]["none"], 2, "no colour computed yet: {b}");
    for c in [&dept, &fgj] {
        let (_, b) = get_json(c, t.url(&format!("{plan}/tasks"))).await;
        assert_eq!(b["tasks"]["total"], 1);
        assert_eq!(b["tasks"]["items"][0]["id"], f.jxj_task);
    }
    let (s, b) = get_json(&office, t.url(&format!("{plan}/tasks?colour=purple"))).await;
    assert_eq!((s, field_names(&b)), (422, vec!["colour".to_string()]));
    assert_eq!(
        get_json(&dept, t.url(&format!("/api/v1/tasks/{}", f.town_task)))
            .await
            .0,
        404
    );

    // Reports: the lead unit needs a percent; the co-unit adds its contribution; not on
    // another unit's task.
    let (s, b) = send(
        dept.post(t.url(&format!("{task}/reports"))),
        json!({"progress": "推进中"}),
    )
    .await;
    assert_eq!(
        (s, field_names(&b)),
        (422, vec!["percent_complete".to_string()])
    );
    let (s, b) = send(
        dept.post(t.url(&format!("{task}/reports"))),
        json!({"progress": "规上工业增加值增长7.9%", "percent_complete": 40}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["is_lead"], true);
    let (s, b) = send(
        fgj.post(t.url(&format!("{task}/reports"))),
        json!({"progress": "配合做好项目审批"}),
    )
    .await;
    assert_eq!((s, b["is_lead"].clone()), (201, json!(false)), "{b}");
    let (s, _) = send(
        dept.post(t.url(&format!("/api/v1/tasks/{}/reports", f.town_task))),
        json!({"progress": "x", "percent_complete": 10}),
    )
    .await;
    assert_eq!(s, 404);
    let (_, d) = get_json(&leader, t.url(&task)).await;
    assert_eq!(d["reports"].as_array().unwrap().len(), 2, "{d}");
    assert_eq!(d["report"]["kind"], "on_time");

    // Notices: only the office issues; the lead unit answers once; an illegal step is 409.
    let by = (wujin_app::china_today() + chrono::Duration::days(7)).to_string();
    let body = json!({"content": "请说明进度滞后原因", "answer_by": by});
    let (s, _) = send(dept.post(t.url(&format!("{task}/notices"))), body.clone()).await;
    assert_eq!(s, 403);
    let (s, n) = send(office.post(t.url(&format!("{task}/notices"))), body).await;
    assert_eq!(s, 201, "{n}");
    assert_eq!(
        (n["level"].as_str(), n["state"].as_str()),
        (Some("notice"), Some("issued"))
    );
    let act = format!("/api/v1/notices/{}/actions", n["id"]);
    let (s, _) = send(
        fgj.post(t.url(&act)),
        json!({"action": "answer", "text": "x"}),
    )
    .await;
    assert_eq!(s, 404, "a co-unit does not answer");
    let (s, a) = send(
        dept.post(t.url(&act)),
        json!({"action": "answer", "text": "已召开专题会"}),
    )
    .await;
    assert_eq!((s, a["state"].as_str()), (200, Some("answered")), "{a}");
    let (s, _) = send(
        dept.post(t.url(&act)),
        json!({"action": "answer", "text": "again"}),
    )
    .await;
    assert_eq!(s, 409);
    let (s, b) = send(office.post(t.url(&act)), json!({"action": "shout"})).await;
    assert_eq!((s, field_names(&b)), (422, vec!["action".to_string()]));
    let (s, e) = send(
        office.post(t.url(&act)),
        json!({"action": "escalate", "text": "专函督办：限期整改", "answer_by": by}),
    )
    .await;
    assert_eq!((s, e["level"].as_str()), (200, Some("letter")), "{e}");

    // An extension before the deadline, approved by the office, moves the deadline.
    let (_, d) = get_json(&office, t.url(&task)).await;
    let deadline = d["task"]["deadline_on"].as_str().unwrap().to_string();
    let later = (chrono::NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(30))
    .to_string();
    let (s, r) = send(
        dept.post(t.url(&format!("{task}/extension"))),
        json!({"proposed_deadline": later, "reason": "受原材料供应影响"}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let decide = format!("/api/v1/requests/{}/decision", r["id"]);
    let (s, _) = send(dept.post(t.url(&decide)), json!({"accept": true})).await;
    assert_eq!(s, 403);
    let (s, r) = send(office.post(t.url(&decide)), json!({"accept": true})).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("approved")), "{r}");
    let (_, d) = get_json(&office, t.url(&task)).await;
    assert_eq!(d["task"]["deadline_on"].as_str(), Some(later.as_str()));

    // Only the office adds tasks; an unreadable deadline is refused with the phrase.
    let jxj = t.unit("jxj").await;
    let new = json!({"plan_id": f.plan, "parent_id": f.area, "serial": "9", "content": "培育专精特新企业",
        "lead_unit_id": jxj, "deadline_text": "尽快"});
    let (s, _) = send(dept.post(t.url("/api/v1/tasks")), new.clone()).await;
    assert_eq!(s, 403);
    let (s, b) = send(office.post(t.url("/api/v1/tasks")), new.clone()).await;
    assert_eq!(
        (s, field_names(&b)),
        (422, vec!["deadline_text".to_string()])
    );
    let mut good = new;
    good["deadline_text"] = json!("每季度");
    let (s, b) = send(office.post(t.url("/api/v1/tasks")), good).await;
    assert_eq!(
        (s, b["recurrence"].as_str(), b["level"].as_i64()),
        (201, Some("quarterly"), Some(1)),
        "{b}"
    );

    // Completion accepted → grey at the next computation.
    let (s, r) = send(
        dept.post(t.url(&format!("{task}/completion"))),
        json!({"note": "全年目标已完成"}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let decide = format!("/api/v1/requests/{}/decision", r["id"]);
    let (s, r) = send(office.post(t.url(&decide)), json!({"accept": true})).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("accepted")), "{r}");
    let (s, _) = send(dept.post(t.url(&format!("{plan}/recompute"))), json!({})).await;
    assert_eq!(s, 403);
    let (s, c) = send(office.post(t.url(&format!("{plan}/recompute"))), json!({})).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["by_colour"]["grey"], 1, "{c}");
    let (_, b) = get_json(&office, t.url(&format!("{plan}/tasks?colour=grey"))).await;
    assert_eq!(b["tasks"]["total"], 1, "{b}");
    assert_eq!(b["tasks"]["items"][0]["id"], f.jxj_task);
    // The leaders' view counts it under the leader.
    let (_, l) = get_json(&leader, t.url(&format!("{plan}/leaders"))).await;
    assert_eq!(l[0]["by_colour"]["grey"], 1, "{l}");
}
