//! 三服务 over JSON on the demo city: a cadre records a visit with two problems; each caller
//! reaches exactly their cases (a department those it handles, a firm its own, a cadre those of
//! the firms in their care, a town those of its firms); the office assigns, the lead department
//! answers and closes, the firm's 不满意 reopens the case one level up; a step that is not the
//! caller's is 403, one the state does not allow 409 with nothing changed; the daily check run
//! by an administrator urges a late case and escalates it to the unit's head and leader in
//! charge, once; personal tokens work on these routes.

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};
use wujin_app::attachments::NewFile;
use wujin_app::demo::DEMO_PASSWORD;
use wujin_app::service::problems::{self, CaseStep, NewProblem};
use wujin_domain::service::case::CaseAction;
use wujin_storage::entity::enterprise;
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use wujin_testkit::{TestApp, ctx_of, field_names, get_json};

async fn send(req: reqwest::RequestBuilder, body: Value) -> (u16, Value) {
    let res = req.json(&body).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The ids of every item of a list, sorted.
async fn ids(t: &TestApp, c: &reqwest::Client, path: &str) -> Vec<i64> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let (s, b) = get_json(c, t.url(&format!("{path}{sep}page_size=200"))).await;
    assert_eq!(s, 200, "{path}: {b}");
    let mut v: Vec<i64> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    v.sort_unstable();
    v
}

async fn act(t: &TestApp, c: &reqwest::Client, id: i64, body: Value) -> (u16, Value) {
    send(
        c.post(t.url(&format!("/api/v1/problems/{id}/actions"))),
        body,
    )
    .await
}

fn actions(d: &Value) -> Vec<&str> {
    d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

/// An xlsx download with the headers every workbook of the API carries.
async fn assert_xlsx(t: &TestApp, c: &reqwest::Client, path: &str, stem: &str) {
    let res = c.get(t.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let h = res.headers().clone();
    assert_eq!(
        h["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{stem}-")),
        "{disposition}"
    );
    assert!(res.bytes().await.unwrap().starts_with(b"PK"), "{path}");
}

/// The first firm of the town with this code (not the demo firm's town).
async fn firm_of_town(t: &TestApp, code: &str) -> i64 {
    let town = t.unit(code).await;
    enterprise::Entity::find()
        .filter(enterprise::Column::TownId.eq(town))
        .order_by_asc(enterprise::Column::Id)
        .one(t.app.db.read())
        .await
        .unwrap()
        .expect("a firm there")
        .id
}

#[tokio::test]
async fn each_caller_reaches_their_cases_and_a_dissatisfied_firm_reopens_one() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let login = |name: &'static str| t.login_with(name, DEMO_PASSWORD);
    let office = login("dept").await; // 经信局: the service office
    let power = login("gd_yu").await; // 供电公司
    let land = login("zrzy_lou").await; // 自然资源和规划局
    let fgj = login("fgj_zhu").await; // 发改局
    let town = login("town").await; // 古山镇, the demo firm's town
    let other_town = login("zy_ying").await; // 芝英镇
    let cadre = login("cadre").await; // in charge of the demo firm
    let firm = login("firm").await;
    let leader = login("leader").await;
    let firm_id = ctx_of(&t.app, "firm").await.actor.enterprise_id.unwrap();
    let elsewhere = firm_of_town(&t, "zhiying").await;
    let (gdgs, fgj_unit) = (t.unit("gdgs").await, t.unit("fgj").await);
    let today = wujin_app::china_today();

    // A cadre records a visit with two problems; a wrong problem is named and nothing written.
    let visit = json!({"enterprise_id": firm_id, "visited_on": today, "form": "on_site",
    "attendees": "总经理 周先生", "summary": "了解订单和用电用地需求",
    "problems": [
        {"category": "utilities", "title": "新厂房专变增容", "description": "新厂房需要增容至2000千伏安"},
        {"category": "land", "tags": "产业链", "title": "扩产用地指标", "description": "扩产需新增用地30亩"}
    ]});
    let mut bad = visit.clone();
    bad["problems"][1]["title"] = json!(" ");
    let (s, b) = send(cadre.post(t.url("/api/v1/visits")), bad).await;
    assert_eq!(
        (s, field_names(&b)),
        (422, vec!["problems[1].title".to_string()]),
        "{b}"
    );
    assert!(ids(&t, &cadre, "/api/v1/visits").await.is_empty());
    let (s, _) = send(firm.post(t.url("/api/v1/visits")), visit.clone()).await;
    assert_eq!(s, 403, "a firm records no visits");
    let (s, b) = send(cadre.post(t.url("/api/v1/visits")), visit).await;
    assert_eq!(s, 201, "{b}");
    let visit_id = b["id"].as_i64().unwrap();
    let (p1, p2) = (
        b["problem_ids"][0].as_i64().unwrap(),
        b["problem_ids"][1].as_i64().unwrap(),
    );
    let (s, v) = get_json(&cadre, t.url(&format!("/api/v1/visits/{visit_id}"))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["visit"]["cadres"][0]["name"], "赵驻企",
        "the recorder was there"
    );
    assert_eq!(v["visit"]["problem_count"], 2);
    assert_eq!(v["problems"][0]["source"], "visit");
    assert_eq!(v["problems"][1]["level"], "city");
    assert_eq!(ids(&t, &town, "/api/v1/visits").await, vec![visit_id]);
    assert!(ids(&t, &other_town, "/api/v1/visits").await.is_empty());
    let (s, _) = get_json(&other_town, t.url(&format!("/api/v1/visits/{visit_id}"))).await;
    assert_eq!(s, 404);

    // The office registers a hotline case of a firm in another town; the firm files its own
    // whatever firm it names.
    let (s, b) = send(
        office.post(t.url("/api/v1/problems")),
        json!({"enterprise_id": elsewhere, "source": "hotline", "category": "financing",
            "title": "贷款续贷困难", "description": "银行抽贷，需协调续贷"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let p3 = b["id"].as_i64().unwrap();
    let (s, b) = send(
        firm.post(t.url("/api/v1/problems")),
        json!({"enterprise_id": elsewhere, "category": "approval",
            "title": "环评审批进度", "description": "技改项目环评尚未批复"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let p4 = b["id"].as_i64().unwrap();
    let (_, d) = get_json(&firm, t.url(&format!("/api/v1/problems/{p4}"))).await;
    assert_eq!(d["problem"]["enterprise"]["id"], firm_id, "{d}");
    assert_eq!(d["problem"]["source"], "enterprise");
    let (s, b) = send(
        office.post(t.url("/api/v1/problems")),
        json!({"enterprise_id": firm_id, "source": "hotline", "category": "weather",
            "title": "x", "description": ""}),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        field_names(&b),
        vec!["category".to_string(), "description".to_string()]
    );

    // Who reaches what.
    assert_eq!(
        ids(&t, &office, "/api/v1/problems").await,
        vec![p1, p2, p3, p4]
    );
    assert_eq!(
        ids(&t, &leader, "/api/v1/problems").await,
        vec![p1, p2, p3, p4]
    );
    assert_eq!(ids(&t, &firm, "/api/v1/problems").await, vec![p1, p2, p4]);
    assert_eq!(ids(&t, &cadre, "/api/v1/problems").await, vec![p1, p2, p4]);
    assert_eq!(ids(&t, &town, "/api/v1/problems").await, vec![p1, p2, p4]);
    assert_eq!(ids(&t, &other_town, "/api/v1/problems").await, vec![p3]);
    assert!(ids(&t, &power, "/api/v1/problems").await.is_empty());
    for c in [&firm, &cadre, &town, &power] {
        let (s, _) = get_json(c, t.url(&format!("/api/v1/problems/{p3}"))).await;
        assert_eq!(s, 404);
    }

    // The office assigns the first to 供电公司 with 发改局 and promises a measure.
    let due = today + Days::new(20);
    let (s, d) = act(
        &t,
        &office,
        p1,
        json!({"action": "assign", "lead_department_id": gdgs, "co_department_ids": [fgj_unit],
            "complexity": "complex", "measure": "供电公司现场勘查，制定增容方案", "measure_due": due}),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["problem"]["state"], "assigned");
    assert_eq!(d["problem"]["lead_department"]["id"], gdgs);
    assert_eq!(d["problem"]["complexity"], "complex");
    assert_eq!(d["co_departments"][0]["id"], fgj_unit);
    assert_eq!(d["problem"]["due_kind"], "reply");
    assert_eq!(d["assignments"][0]["department"]["id"], gdgs);
    assert_eq!(
        d["events"].as_array().unwrap().last().unwrap()["action"],
        "assign"
    );
    // A department reaches the cases it handles only.
    assert_eq!(ids(&t, &power, "/api/v1/problems").await, vec![p1]);
    assert_eq!(ids(&t, &fgj, "/api/v1/problems").await, vec![p1]);
    assert!(ids(&t, &land, "/api/v1/problems").await.is_empty());
    let (s, _) = get_json(&power, t.url(&format!("/api/v1/problems/{p2}"))).await;
    assert_eq!(s, 404);
    let (s, _) = get_json(&land, t.url(&format!("/api/v1/problems/{p1}"))).await;
    assert_eq!(s, 404);
    let (s, _) = act(&t, &power, p2, json!({"action": "note", "text": "x"})).await;
    assert_eq!(s, 404, "another's case");
    // Not the caller's step: 403.
    let (s, _) = act(
        &t,
        &power,
        p1,
        json!({"action": "assign", "lead_department_id": fgj_unit}),
    )
    .await;
    assert_eq!(s, 403, "only the dispatcher assigns");
    let (s, _) = act(&t, &fgj, p1, json!({"action": "answer", "text": "x"})).await;
    assert_eq!(s, 403, "a co-department does not answer");
    let (s, b) = act(&t, &office, p1, json!({"action": "shout"})).await;
    assert_eq!((s, field_names(&b)), (422, vec!["action".to_string()]));

    // 供电公司 notes its survey with a file; who reaches the case reaches the file.
    let pdf = b"%PDF-1.7 survey".to_vec();
    problems::act(
        &t.app,
        &ctx_of(&t.app, "gd_yu").await,
        p1,
        &CaseStep::new(CaseAction::Note, "已现场勘查"),
        vec![NewFile {
            filename: "勘查记录.pdf".into(),
            bytes: pdf.clone(),
        }],
        today,
    )
    .await
    .unwrap();
    let (_, d) = get_json(&firm, t.url(&format!("/api/v1/problems/{p1}"))).await;
    assert_eq!(d["problem"]["state"], "handling");
    let file = d["attachments"][0]["id"]
        .as_i64()
        .expect("the file is listed");
    let res = firm
        .get(t.url(&format!("/api/v1/problems/{p1}/attachments/{file}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    for (c, path) in [
        (&land, format!("/api/v1/problems/{p1}/attachments/{file}")),
        (&office, format!("/api/v1/problems/{p2}/attachments/{file}")),
    ] {
        assert_eq!(c.get(t.url(&path)).send().await.unwrap().status(), 404);
    }

    // The 落实清单 holds the promised measure.
    let (s, c) = get_json(&office, t.url("/api/v1/commitments")).await;
    assert_eq!(s, 200);
    assert_eq!(
        (c["total"].as_u64(), c["items"][0]["id"].as_i64()),
        (Some(1), Some(p1))
    );
    assert_eq!(c["items"][0]["measure_due"], json!(due));
    assert_xlsx(&t, &office, "/api/v1/commitments.xlsx", "commitments").await;
    assert_xlsx(&t, &office, "/api/v1/problems.xlsx?state=open", "problems").await;
    assert_xlsx(&t, &cadre, "/api/v1/visits.xlsx", "visits").await;

    // 供电公司 answers and closes; the firm, dissatisfied, reopens it one level up.
    let (s, d) = act(
        &t,
        &power,
        p1,
        json!({"action": "answer", "text": "已完成现场勘查"}),
    )
    .await;
    assert_eq!(
        (s, d["problem"]["state"].as_str()),
        (200, Some("answered")),
        "{d}"
    );
    assert!(actions(&d).contains(&"close_resolved"), "{d}");
    let (s, d) = act(
        &t,
        &power,
        p1,
        json!({"action": "close_resolved", "text": "增容完成"}),
    )
    .await;
    assert_eq!(
        (s, d["problem"]["state"].as_str()),
        (200, Some("closed")),
        "{d}"
    );
    let (_, d) = get_json(&firm, t.url(&format!("/api/v1/problems/{p1}"))).await;
    assert!(actions(&d).contains(&"rate_dissatisfied") && actions(&d).contains(&"reopen"));
    assert_eq!(d["reopen_until"], json!(today + Days::new(15)));
    let audits = t.audit_total().await;
    let (s, d) = act(
        &t,
        &firm,
        p1,
        json!({"action": "rate_dissatisfied", "text": "没有解决实际问题"}),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["problem"]["state"], "reopened");
    assert_eq!(
        (
            d["problem"]["level"].as_str(),
            d["problem"]["round"].as_i64()
        ),
        (Some("leader"), Some(2)),
        "city → leader"
    );
    assert_eq!(d["problem"]["lead_department"], Value::Null);
    assert_eq!(d["co_departments"], json!([]));
    assert_eq!(d["assignments"][0]["satisfaction"], "dissatisfied");
    assert_eq!(t.audit_total().await, audits + 1);
    let steps = d["events"].as_array().unwrap().len();
    // A rating on a reopened case is no step at all: 409, nothing changed.
    let (s, b) = act(&t, &firm, p1, json!({"action": "rate_satisfied"})).await;
    assert_eq!((s, b["error"].as_str()), (409, Some("conflict")), "{b}");
    assert_eq!(t.audit_total().await, audits + 1);
    let (_, d) = get_json(&firm, t.url(&format!("/api/v1/problems/{p1}"))).await;
    assert_eq!(d["events"].as_array().unwrap().len(), steps);
    assert_eq!(d["problem"]["state"], "reopened");
    assert!(
        ids(&t, &office, "/api/v1/problems?state=awaiting")
            .await
            .contains(&p1)
    );
    let (s, b) = get_json(
        &office,
        t.url("/api/v1/problems?state=lost&from=2026-13-01"),
    )
    .await;
    assert_eq!(
        (s, field_names(&b)),
        (422, vec!["state".to_string(), "from".to_string()])
    );

    // The statistics count the hand-over: closed, rated, not satisfied — below the floor.
    let (s, st) = get_json(&leader, t.url("/api/v1/service/stats")).await;
    assert_eq!(s, 200, "{st}");
    let line = st["by_department"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["unit"]["id"] == gdgs)
        .expect("供电公司's line")
        .clone();
    assert_eq!(
        (
            line["counts"]["received"].as_u64(),
            line["counts"]["closed"].as_u64(),
            line["counts"]["reopened"].as_u64(),
            line["counts"]["rated"].as_u64(),
            line["counts"]["satisfied"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(1), Some(0))
    );
    assert_eq!(line["rates"]["below_floor"], true);
    assert_eq!(st["floor"], 0.85);
    assert_xlsx(&t, &leader, "/api/v1/service/stats.xlsx", "service-stats").await;
    for c in [&cadre, &firm] {
        assert_eq!(get_json(c, t.url("/api/v1/service/stats")).await.0, 403);
    }

    // The units to assign to; coverage and the unvisited firms, not for firms.
    let (s, units) = get_json(&office, t.url("/api/v1/service/departments")).await;
    assert_eq!(s, 200);
    assert!(units.as_array().unwrap().iter().any(|u| u["id"] == gdgs));
    assert_eq!(
        get_json(&firm, t.url("/api/v1/service/departments"))
            .await
            .0,
        403
    );
    let (s, cov) = get_json(&cadre, t.url("/api/v1/visits/coverage?months=3")).await;
    assert_eq!(s, 200, "{cov}");
    assert_eq!(cov["by_cadre"][0]["cadre"]["name"], "赵驻企");
    assert_eq!(cov["by_cadre"][0]["visits"], 1);
    assert_eq!(cov["by_cadre"][0]["visited"], 1);
    assert_eq!(
        get_json(&firm, t.url("/api/v1/visits/coverage")).await.0,
        403
    );
    let (s, b) = get_json(&office, t.url("/api/v1/visits/coverage?months=99")).await;
    assert_eq!((s, field_names(&b)), (422, vec!["months".to_string()]));
    // Every operating firm of 古山镇 but the visited one is unvisited within six months.
    let gushan = t.unit("gushan").await;
    let (_, cov) = get_json(&town, t.url("/api/v1/visits/coverage?months=6")).await;
    let line = cov["by_town"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["town"]["id"] == gushan)
        .expect("古山镇's line")
        .clone();
    assert_eq!(line["visited"], 1, "{line}");
    let mut unvisited = Vec::new();
    for page in 1.. {
        let (s, u) = get_json(
            &town,
            t.url(&format!(
                "/api/v1/visits/unvisited?months=6&town_id={gushan}&page={page}&page_size=200"
            )),
        )
        .await;
        assert_eq!(s, 200, "{u}");
        assert_eq!(u["total"], line["firms"].as_u64().unwrap() - 1, "{u}");
        let items = u["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        unvisited.extend(
            items
                .iter()
                .map(|i| i["enterprise"]["id"].as_i64().unwrap()),
        );
    }
    assert_eq!(unvisited.len() as u64, line["firms"].as_u64().unwrap() - 1);
    assert!(!unvisited.contains(&firm_id));

    // A personal token reaches what its owner reaches.
    let (s, tok) = send(
        power.post(t.url("/api/v1/tokens")),
        json!({"name": "工单系统对接"}),
    )
    .await;
    assert_eq!(s, 201, "{tok}");
    let bearer = format!("Bearer {}", tok["token"].as_str().unwrap());
    let plain = reqwest::Client::new();
    let res = plain
        .get(t.url("/api/v1/problems"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let b: Value = res.json().await.unwrap();
    assert_eq!(
        (b["total"].as_u64(), b["items"][0]["id"].as_i64()),
        (Some(1), Some(p1))
    );
    let res = plain
        .get(t.url(&format!("/api/v1/problems/{p2}")))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = plain.get(t.url("/api/v1/problems")).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn the_daily_check_urges_a_late_case_and_escalates_it_once() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let login = |name: &'static str| t.login_with(name, DEMO_PASSWORD);
    let admin = login("admin").await;
    let office = login("dept").await;
    let power = login("gd_yu").await;
    let leader = login("leader").await;
    let gdgs = t.unit("gdgs").await;
    let head_id = ctx_of(&t.app, "gd_yu").await.actor.id.unwrap();
    let leader_id = ctx_of(&t.app, "leader").await.actor.id.unwrap();

    // 供电公司's head and leader in charge, named over the departments API.
    let url = t.url(&format!("/api/v1/departments/{gdgs}"));
    let (_, mut unit) = get_json(&admin, url.clone()).await;
    unit["head_user_id"] = json!(head_id);
    unit["leader_user_id"] = json!(leader_id);
    let res = admin.put(url).json(&unit).send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // A hotline case received 40 days ago and assigned the day after, never answered.
    let today = wujin_app::china_today();
    let received: NaiveDate = today - Days::new(40);
    let office_ctx = ctx_of(&t.app, "dept").await;
    let firm_id = ctx_of(&t.app, "firm").await.actor.enterprise_id;
    let id = problems::create(
        &t.app,
        &office_ctx,
        &NewProblem {
            enterprise_id: firm_id,
            source: "hotline".into(),
            category: "utilities".into(),
            title: "厂区频繁停电".into(),
            description: "近一个月停电三次，影响生产".into(),
            ..Default::default()
        },
        Vec::new(),
        received,
    )
    .await
    .unwrap();
    let mut assign = CaseStep::new(CaseAction::Assign, "");
    assign.lead_department_id = Some(gdgs);
    problems::act(
        &t.app,
        &office_ctx,
        id,
        &assign,
        Vec::new(),
        received + Days::new(1),
    )
    .await
    .unwrap();
    let (_, d) = get_json(&office, t.url(&format!("/api/v1/problems/{id}"))).await;
    assert_eq!(d["problem"]["overdue"], true, "{d}");

    // Administrators only.
    let (s, _) = send(office.post(t.url("/api/v1/service/check")), json!({})).await;
    assert_eq!(s, 403);
    let (s, sum) = send(admin.post(t.url("/api/v1/service/check")), json!({})).await;
    assert_eq!(s, 200, "{sum}");
    assert_eq!(sum["date"], json!(today));
    assert_eq!(
        sum["cases"],
        json!({"urged": 1, "escalated_head": 1, "escalated_leader": 1}),
        "{sum}"
    );
    assert!(sum["messages"].as_u64().unwrap() >= 3, "{sum}");

    // The timeline shows each step; the head and the leader in charge were told.
    let (_, d) = get_json(&leader, t.url(&format!("/api/v1/problems/{id}"))).await;
    let logged: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        logged,
        [
            "create",
            "assign",
            "urged",
            "escalated_head",
            "escalated_leader"
        ]
    );
    for (c, kind) in [
        (&power, "service_escalated_head"),
        (&leader, "service_escalated_leader"),
    ] {
        let (_, n) = get_json(c, t.url("/api/v1/notifications?page_size=200")).await;
        let kinds: Vec<&str> = n["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.iter().filter(|k| **k == kind).count(), 1, "{kinds:?}");
    }

    // Once per deadline, however often it runs.
    let (s, sum) = send(admin.post(t.url("/api/v1/service/check")), json!({})).await;
    assert_eq!((s, &sum["cases"]), (200, &json!({})), "{sum}");
}
