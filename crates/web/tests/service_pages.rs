//! 三服务 over HTTP on the demo city, the story of the issue: a cadre records a visit with two
//! problems; one is assigned, answered and rated 满意; the other is answered, rated 不满意,
//! reopens one level up, is escalated by the daily check and closed on the second try. The
//! firm follows every step from its own login; the statistics and the 落实清单 show exactly
//! this history; other units and firms cannot reach the cases; an illegal step is refused
//! and changes nothing.

use wujin_app::demo::DEMO_PASSWORD;
use wujin_storage::entity::{audit_event, problem, problem_event};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use wujin_testkit::{TestApp, get_text, location, post_multipart};

fn no_missing_keys(body: &str) {
    assert!(!body.contains('⟦'), "untranslated key in {body}");
}

async fn step(c: &reqwest::Client, t: &TestApp, id: i64, fields: &[(&str, &str)]) -> (u16, String) {
    let res = post_multipart(
        c,
        t.url(&format!("/service/problems/{id}/act")),
        fields,
        &[],
    )
    .await;
    let status = res.status().as_u16();
    let loc = location(&res);
    let body = res.text().await.unwrap();
    (status, if status == 303 { loc } else { body })
}

#[tokio::test]
async fn a_visit_its_two_problems_and_their_whole_history_over_http() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let login = |name: &'static str| t.login_with(name, DEMO_PASSWORD);
    let cadre = login("cadre").await;
    let firm = login("firm").await;
    let office = login("dept").await;
    let power = login("gd_yu").await;
    let land = login("zrzy_lou").await;
    let fgj = login("fgj_zhu").await;
    let leader = login("leader").await;
    let firm_id = wujin_testkit::ctx_of(&t.app, "firm")
        .await
        .actor
        .enterprise_id
        .unwrap();
    let gdgs = t.unit("gdgs").await;
    let zrzyj = t.unit("zrzyj").await;

    // Every page renders for an official, translated.
    for p in [
        "/service",
        "/service/commitments",
        "/service/visits",
        "/service/visits/new",
        "/service/coverage",
        "/service/problems/new",
    ] {
        let (s, body) = get_text(&cadre, &t, p).await;
        assert_eq!(s, 200, "{p}");
        no_missing_keys(&body);
    }
    assert_eq!(get_text(&cadre, &t, "/service/stats").await.0, 403);
    assert_eq!(get_text(&firm, &t, "/service/visits").await.0, 403);

    // The cadre records the visit with two problems; a blank summary is refused first.
    let visit = |summary: &'static str| {
        vec![
            ("enterprise", firm_id.to_string()),
            ("visited_on", wujin_app::china_today().to_string()),
            ("form", "on_site".to_string()),
            ("attendees", "总经理 周先生".to_string()),
            ("summary", summary.to_string()),
            ("p0_category", "utilities".to_string()),
            ("p0_title", "新厂房专变增容".to_string()),
            ("p0_description", "新上压铸线，变压器容量不足".to_string()),
            ("p1_category", "land".to_string()),
            ("p1_title", "扩产用地指标".to_string()),
            ("p1_description", "拟新建厂房，需新增用地20亩".to_string()),
            ("p1_tags", "产业链".to_string()),
        ]
    };
    let res = cadre
        .post(t.url("/service/visits/new"))
        .form(&visit(""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(
        problem::Entity::find()
            .count(t.app.db.read())
            .await
            .unwrap(),
        0
    );
    let res = cadre
        .post(t.url("/service/visits/new"))
        .form(&visit("了解用电用地需求"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let visit_page = location(&res);
    let (s, body) = get_text(&cadre, &t, &visit_page).await;
    assert_eq!(s, 200);
    assert!(body.contains("新厂房专变增容") && body.contains("扩产用地指标"));
    let ids: Vec<i64> = problem::Entity::find()
        .order_by_asc(problem::Column::Id)
        .all(t.app.db.read())
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let (p1, p2) = (ids[0], ids[1]);

    // An illegal step is refused with the reason and writes nothing.
    let audit_before = audit_event::Entity::find()
        .count(t.app.db.read())
        .await
        .unwrap();
    let (s, body) = step(&firm, &t, p1, &[("step", "rate"), ("rating", "satisfied")]).await;
    assert_eq!(s, 422);
    assert!(body.contains("不允许此操作"), "{body}");
    assert_eq!(
        audit_event::Entity::find()
            .count(t.app.db.read())
            .await
            .unwrap(),
        audit_before
    );
    // A problem for a firm nobody knows, without a title, is refused with both reasons.
    let res = post_multipart(
        &office,
        t.url("/service/problems/new"),
        &[
            ("enterprise", "不存在的五金公司"),
            ("source", "hotline"),
            ("category", "land"),
            ("title", ""),
            ("description", "用地"),
        ],
        &[],
    )
    .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("找不到该企业"), "{body}");
    assert!(body.contains("此项必填"), "{body}");
    assert_eq!(
        problem::Entity::find()
            .count(t.app.db.read())
            .await
            .unwrap(),
        2
    );
    // A department cannot assign.
    assert_eq!(step(&power, &t, p1, &[("step", "assign")]).await.0, 404);

    // Problem 1: assigned to 供电公司 with a promised measure, answered, closed, rated 满意.
    let (s, loc) = step(
        &office,
        &t,
        p1,
        &[
            ("step", "assign"),
            ("lead_department_id", &gdgs.to_string()),
            ("complexity", "general"),
            ("measure", "供电公司3个工作日内现场勘查，制定增容方案"),
        ],
    )
    .await;
    assert_eq!(
        (s, loc.as_str()),
        (
            303,
            format!("/service/problems/{p1}?msg=problem_assign").as_str()
        )
    );
    assert_eq!(
        step(
            &power,
            &t,
            p1,
            &[("step", "answer"), ("text", "已完成勘查，下周送电")]
        )
        .await
        .0,
        303
    );
    assert_eq!(
        step(
            &power,
            &t,
            p1,
            &[
                ("step", "close"),
                ("outcome", "resolved"),
                ("text", "已送电")
            ]
        )
        .await
        .0,
        303
    );
    // The handler cannot rate; the firm can.
    assert_eq!(
        step(&power, &t, p1, &[("step", "rate"), ("rating", "satisfied")])
            .await
            .0,
        403
    );
    assert_eq!(
        step(
            &firm,
            &t,
            p1,
            &[
                ("step", "rate"),
                ("rating", "satisfied"),
                ("text", "很满意")
            ]
        )
        .await
        .0,
        303
    );

    // Problem 2: 产业链 proposes the industry-chain team; assigned to 自然资源局 with 发改局.
    let (_, body) = get_text(&office, &t, &format!("/service/problems/{p2}")).await;
    assert!(
        body.contains("产业链专班") || body.contains("已预选产业链专班"),
        "the chain hint shows"
    );
    assert_eq!(
        step(
            &office,
            &t,
            p2,
            &[
                ("step", "assign"),
                ("lead_department_id", &zrzyj.to_string()),
                ("co_department_ids", &t.unit("fgj").await.to_string()),
                ("measure", "纳入年度用地计划统筹安排"),
            ],
        )
        .await
        .0,
        303
    );
    assert_eq!(
        step(
            &fgj,
            &t,
            p2,
            &[("step", "note"), ("text", "已列入重点项目库")]
        )
        .await
        .0,
        303
    );
    assert_eq!(
        step(
            &land,
            &t,
            p2,
            &[("step", "answer"), ("text", "今年指标已用完")]
        )
        .await
        .0,
        303
    );
    assert_eq!(
        step(
            &land,
            &t,
            p2,
            &[
                ("step", "close"),
                ("outcome", "resolved"),
                ("text", "已答复")
            ]
        )
        .await
        .0,
        303
    );
    // A 不满意 without a reason is refused; with one it reopens the case one level up.
    assert_eq!(
        step(
            &firm,
            &t,
            p2,
            &[("step", "rate"), ("rating", "dissatisfied")]
        )
        .await
        .0,
        422
    );
    assert_eq!(
        step(
            &firm,
            &t,
            p2,
            &[
                ("step", "rate"),
                ("rating", "dissatisfied"),
                ("text", "没有解决实际问题")
            ]
        )
        .await
        .0,
        303
    );
    let p = problem::Entity::find_by_id(p2)
        .one(t.app.db.read())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.state.as_str(), p.level.as_str(), p.round),
        ("reopened", "leader", 2)
    );
    assert_eq!(
        step(
            &office,
            &t,
            p2,
            &[
                ("step", "assign"),
                ("lead_department_id", &zrzyj.to_string())
            ]
        )
        .await
        .0,
        303
    );
    // Nobody answers: ten days on, the daily check urges and escalates.
    let later = wujin_app::china_today() + chrono::Days::new(12);
    let s = wujin_app::service::reminders::run(&t.app, later, "test")
        .await
        .unwrap();
    assert_eq!(s.cases.get("urged"), Some(&1), "{s:?}");
    assert_eq!(
        step(
            &land,
            &t,
            p2,
            &[("step", "answer"), ("text", "协调开发区腾退用地15亩")]
        )
        .await
        .0,
        303
    );
    assert_eq!(
        step(
            &land,
            &t,
            p2,
            &[
                ("step", "close"),
                ("outcome", "resolved"),
                ("text", "用地已落实")
            ]
        )
        .await
        .0,
        303
    );
    assert_eq!(
        step(&firm, &t, p2, &[("step", "rate"), ("rating", "satisfied")])
            .await
            .0,
        303
    );

    // The firm saw every step, 催办 included, from its own login.
    let (s, body) = get_text(&firm, &t, &format!("/service/problems/{p2}")).await;
    assert_eq!(s, 200);
    no_missing_keys(&body);
    let logged = problem_event::Entity::find()
        .filter(problem_event::Column::ProblemId.eq(p2))
        .count(t.app.db.read())
        .await
        .unwrap();
    assert_eq!(body.matches("data-action=").count() as u64, logged);
    for words in [
        "催办",
        "评价：不满意",
        "协调开发区腾退用地15亩",
        "没有解决实际问题",
    ] {
        assert!(body.contains(words), "{words}");
    }
    let (_, mine) = get_text(&firm, &t, "/service").await;
    assert!(
        mine.contains(&format!(r#"data-id="{p1}""#))
            && mine.contains(&format!(r#"data-id="{p2}""#))
    );

    // Who reaches what.
    let (_, list) = get_text(&power, &t, "/service").await;
    assert!(list.contains(&format!(r#"data-id="{p1}""#)));
    assert!(!list.contains(&format!(r#"data-id="{p2}""#)));
    assert_eq!(
        get_text(&power, &t, &format!("/service/problems/{p2}"))
            .await
            .0,
        404
    );
    assert_eq!(
        get_text(&fgj, &t, &format!("/service/problems/{p1}"))
            .await
            .0,
        404
    );
    let other_firm = {
        t.create_user("other_firm", "enterprise", None).await;
        t.login("other_firm").await
    };
    assert_eq!(
        get_text(&other_firm, &t, &format!("/service/problems/{p1}"))
            .await
            .0,
        404
    );

    // The statistics: 自然资源局 two hand-overs, one of two ratings satisfied — below the
    // floor; 供电公司 one, satisfied.
    let (s, stats) = get_text(&leader, &t, "/service/stats").await;
    assert_eq!(s, 200);
    no_missing_keys(&stats);
    let row = |name: &str| -> String {
        let start = stats
            .find(&format!(r#"data-unit="{name}""#))
            .unwrap_or_else(|| panic!("{name}"));
        stats[start..start + stats[start..].find("</tr>").unwrap()].to_string()
    };
    let z = row("自然资源和规划局");
    assert!(z.contains("50.0%") && z.contains("below-floor"), "{z}");
    let g = row("供电公司");
    assert!(g.contains("100.0%") && !g.contains("below-floor"), "{g}");

    // The 落实清单 export holds both promised measures.
    let res = office
        .get(t.url("/service/commitments.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let book = wujin_xlsx::read_workbook(&bytes, "c.xlsx", &Default::default()).unwrap();
    let cells: Vec<String> = book.sheets[0]
        .rows
        .iter()
        .flatten()
        .filter_map(|c| match c {
            wujin_xlsx::Cell::Text(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(cells.iter().any(|c| c == "纳入年度用地计划统筹安排"));
    assert!(
        cells
            .iter()
            .any(|c| c == "供电公司3个工作日内现场勘查，制定增容方案")
    );
    let (_, commitments) = get_text(&office, &t, "/service/commitments").await;
    assert!(commitments.contains("纳入年度用地计划统筹安排"));
}
