//! The 三服务 loop end to end at the use-case level: a cadre's visit raises two problems; one is
//! assigned, answered and rated 满意; the other is answered, rated 不满意, reopens one level up,
//! is escalated by the daily check and closed on the second try. Each step is allowed only to
//! its actors, the firm sees every step, the clocks follow the working-day calendar, and the
//! statistics and the 落实清单 show exactly this history.

use chrono::NaiveDate;
use wujin_app::service::problems::{self, CaseStep, NewProblem};
use wujin_app::service::queue::{self, ProblemFilter};
use wujin_app::service::visits::{self, NewVisit};
use wujin_app::service::{export, reminders, stats, view};
use wujin_app::{App, AppConfig, AppError, PageRequest};
use wujin_domain::service::case::CaseAction;
use wujin_domain::service::problem::Complexity;
use wujin_storage::entity::{audit_event, department, notification, problem_event};
use wujin_storage::sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use wujin_testkit::{TestDb, ctx_of, unit_id};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn step(action: CaseAction, text: &str) -> CaseStep {
    CaseStep::new(action, text)
}

fn problem(category: &str, title: &str) -> NewProblem {
    NewProblem {
        category: category.into(),
        title: title.into(),
        description: format!("{title}：企业反映情况属实，需协调解决。"),
        ..Default::default()
    }
}

async fn ids(app: &App, who: &wujin_app::Ctx, today: NaiveDate) -> Vec<i64> {
    let mut v: Vec<i64> = queue::list(
        app,
        who,
        &ProblemFilter::default(),
        PageRequest::new(None, Some(200)),
        today,
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .map(|r| r.id)
    .collect();
    v.sort_unstable();
    v
}

#[tokio::test]
async fn a_visit_two_problems_one_satisfied_one_reopened_and_escalated() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let cadre = ctx_of(&app, "cadre").await;
    let firm = ctx_of(&app, "firm").await;
    let office = ctx_of(&app, "dept").await; // 经信局, the service office
    let power = ctx_of(&app, "gd_yu").await; // 供电公司
    let land = ctx_of(&app, "zrzy_lou").await; // 自然资源和规划局
    let fgj = ctx_of(&app, "fgj_zhu").await; // 发改局, co-department
    let town = ctx_of(&app, "town").await; // 古山镇
    let other_town = ctx_of(&app, "zy_ying").await; // 芝英镇
    let leader = ctx_of(&app, "leader").await;
    let firm_id = firm.actor.enterprise_id.expect("the demo firm");
    let zrzyj = unit_id(&app, "zrzyj").await;
    let gdgs = unit_id(&app, "gdgs").await;
    let fgj_unit = unit_id(&app, "fgj").await;
    // 自然资源局's leader in charge is 王市长; its head is 楼国庆.
    let mut z = department::Entity::find_by_id(zrzyj)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    z.leader_user_id = Set(leader.actor.id);
    z.head_user_id = Set(land.actor.id);
    z.update(app.db.write()).await.unwrap();

    // Monday 2 March 2026: the cadre visits the firm and records two problems.
    let monday = d("2026-03-02");
    let (visit, raised) = visits::create(
        &app,
        &cadre,
        &NewVisit {
            enterprise_id: firm_id,
            visited_on: Some(monday),
            form: "on_site".into(),
            attendees: "总经理 周先生".into(),
            summary: "了解一季度订单和用电用地需求".into(),
            cadre_ids: vec![],
            problems: vec![
                problem("utilities", "新厂房专变增容"),
                NewProblem {
                    tags: "产业链".into(),
                    ..problem("land", "扩产用地指标")
                },
            ],
        },
        monday,
    )
    .await
    .unwrap();
    let (p1, p2) = (raised[0], raised[1]);
    let v = visits::get(&app, &cadre, visit, monday).await.unwrap();
    assert_eq!(v.problems.len(), 2);
    assert_eq!(
        v.visit.cadres[0].name, "赵驻企",
        "the recording cadre is on the visit"
    );

    // Only the dispatcher assigns; a department cannot.
    let mut assign = step(CaseAction::Assign, "");
    assign.lead_department_id = Some(gdgs);
    assign.measure = Some("供电公司3个工作日内现场勘查，制定增容方案".into());
    assign.measure_due = Some(d("2026-03-20"));
    assert!(matches!(
        problems::act(&app, &power, p1, &assign, vec![], monday).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        problems::act(&app, &cadre, p1, &assign, vec![], monday).await,
        Err(AppError::Forbidden)
    ));
    problems::act(&app, &office, p1, &assign, vec![], d("2026-03-03"))
        .await
        .unwrap();
    // The firm cannot rate an open case: an illegal step is refused and changes nothing.
    let before = audit_event::Entity::find()
        .count(app.db.read())
        .await
        .unwrap();
    assert!(matches!(
        problems::act(&app, &firm, p1, &step(CaseAction::RateSatisfied, ""), vec![], monday).await,
        Err(AppError::Conflict(k)) if k == "error.problem.transition"
    ));
    assert_eq!(
        audit_event::Entity::find()
            .count(app.db.read())
            .await
            .unwrap(),
        before
    );
    problems::act(
        &app,
        &power,
        p1,
        &step(CaseAction::Answer, "已完成勘查，3月18日前完成增容"),
        vec![],
        d("2026-03-05"),
    )
    .await
    .unwrap();
    problems::act(
        &app,
        &power,
        p1,
        &step(CaseAction::CloseResolved, "增容完成，已送电"),
        vec![],
        d("2026-03-16"),
    )
    .await
    .unwrap();
    // The office did not handle it but its staff member noted nothing; a handler may not rate.
    assert!(matches!(
        problems::act(
            &app,
            &power,
            p1,
            &step(CaseAction::RateSatisfied, ""),
            vec![],
            d("2026-03-17")
        )
        .await,
        Err(AppError::Forbidden)
    ));
    problems::act(
        &app,
        &firm,
        p1,
        &step(CaseAction::RateSatisfied, "响应很快"),
        vec![],
        d("2026-03-17"),
    )
    .await
    .unwrap();

    // The second problem: 产业链 proposes the industry-chain team; the office gives it to
    // 自然资源局 with 发改局 co-operating.
    let detail = view::detail(&app, &office, p2, monday).await.unwrap();
    assert_eq!(detail.suggested_lead, Some(unit_id(&app, "jxj").await));
    assert_eq!(detail.row.level, "city");
    let mut assign2 = step(CaseAction::Assign, "");
    assign2.lead_department_id = Some(zrzyj);
    assign2.co_department_ids = vec![fgj_unit, zrzyj];
    assign2.complexity = Some(Complexity::General);
    assign2.measure = Some("纳入年度用地计划统筹安排".into());
    assign2.measure_due = Some(d("2026-03-31"));
    problems::act(&app, &office, p2, &assign2, vec![], monday)
        .await
        .unwrap();
    problems::act(
        &app,
        &fgj,
        p2,
        &step(CaseAction::Note, "已将项目列入重点项目库"),
        vec![],
        d("2026-03-04"),
    )
    .await
    .unwrap();
    assert!(
        matches!(
            problems::act(
                &app,
                &fgj,
                p2,
                &step(CaseAction::Answer, "x"),
                vec![],
                d("2026-03-04")
            )
            .await,
            Err(AppError::Forbidden)
        ),
        "a co-department does not answer"
    );
    problems::act(
        &app,
        &land,
        p2,
        &step(CaseAction::Answer, "今年指标已用完，明年优先安排"),
        vec![],
        d("2026-03-05"),
    )
    .await
    .unwrap();
    problems::act(
        &app,
        &land,
        p2,
        &step(CaseAction::CloseResolved, "已答复企业"),
        vec![],
        d("2026-03-09"),
    )
    .await
    .unwrap();
    problems::act(
        &app,
        &firm,
        p2,
        &step(CaseAction::RateDissatisfied, "没有解决实际问题"),
        vec![],
        d("2026-03-10"),
    )
    .await
    .unwrap();
    let reopened = view::detail(&app, &firm, p2, d("2026-03-10"))
        .await
        .unwrap();
    assert_eq!(reopened.row.state, "reopened");
    assert_eq!(
        (reopened.row.level.as_str(), reopened.row.round),
        ("leader", 2)
    );
    assert!(reopened.co_departments.is_empty());
    // Reassigned on 11 March; the department lets it run late.
    let mut again = step(CaseAction::Assign, "");
    again.lead_department_id = Some(zrzyj);
    problems::act(&app, &office, p2, &again, vec![], d("2026-03-11"))
        .await
        .unwrap();
    let r = view::detail(&app, &office, p2, d("2026-03-11"))
        .await
        .unwrap();
    // First reply due three working days after 11 March: Monday 16 March.
    assert_eq!(
        (r.row.due_kind.as_deref(), r.row.due_on),
        (Some("reply"), Some(d("2026-03-16")))
    );
    // The daily check on 23 March (5 working days late) urges, then tells the head and the
    // leader in charge — once each, however often it runs.
    let s = reminders::run(&app, d("2026-03-23"), "a").await.unwrap();
    assert_eq!(s.cases.get("urged"), Some(&1));
    assert_eq!(s.cases.get("escalated_head"), Some(&1));
    assert_eq!(s.cases.get("escalated_leader"), Some(&1));
    let again_run = reminders::run(&app, d("2026-03-23"), "b").await.unwrap();
    assert!(again_run.cases.is_empty(), "{again_run:?}");
    let leader_msgs = notification::Entity::find()
        .filter(notification::Column::UserId.eq(leader.actor.id.unwrap()))
        .filter(notification::Column::Kind.eq("service_escalated_leader"))
        .count(app.db.read())
        .await
        .unwrap();
    assert_eq!(leader_msgs, 1);
    problems::act(
        &app,
        &land,
        p2,
        &step(CaseAction::Answer, "协调开发区腾退用地15亩"),
        vec![],
        d("2026-03-24"),
    )
    .await
    .unwrap();
    problems::act(
        &app,
        &land,
        p2,
        &step(CaseAction::CloseResolved, "用地已落实"),
        vec![],
        d("2026-03-25"),
    )
    .await
    .unwrap();
    problems::act(
        &app,
        &firm,
        p2,
        &step(CaseAction::RateSatisfied, ""),
        vec![],
        d("2026-03-26"),
    )
    .await
    .unwrap();
    // Past the fifteen days the firm can no longer reopen.
    assert!(matches!(
        problems::act(&app, &firm, p2, &step(CaseAction::Reopen, "再议"), vec![], d("2026-04-10")).await,
        Err(AppError::Conflict(k)) if k == "error.problem.reopen_window"
    ));

    // Who sees what.
    let today = d("2026-03-31");
    assert_eq!(ids(&app, &firm, today).await, vec![p1, p2]);
    assert_eq!(ids(&app, &cadre, today).await, vec![p1, p2]);
    assert_eq!(ids(&app, &town, today).await, vec![p1, p2]);
    assert_eq!(ids(&app, &office, today).await, vec![p1, p2]);
    assert_eq!(ids(&app, &power, today).await, vec![p1]);
    assert_eq!(ids(&app, &land, today).await, vec![p2]);
    assert_eq!(
        ids(&app, &fgj, today).await,
        vec![p2],
        "a past co-department keeps it"
    );
    assert_eq!(ids(&app, &other_town, today).await, Vec::<i64>::new());
    assert!(matches!(
        view::detail(&app, &other_town, p1, today).await,
        Err(AppError::NotFound)
    ));

    // The firm saw every step, with the answers.
    let seen = view::detail(&app, &firm, p2, today).await.unwrap();
    let logged = problem_event::Entity::find()
        .filter(problem_event::Column::ProblemId.eq(p2))
        .count(app.db.read())
        .await
        .unwrap();
    assert_eq!(seen.events.len() as u64, logged);
    let actions: Vec<&str> = seen.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "assign",
            "note",
            "answer",
            "close_resolved",
            "rate_dissatisfied",
            "assign",
            "urged",
            "escalated_head",
            "escalated_leader",
            "answer",
            "close_resolved",
            "rate_satisfied"
        ]
    );
    assert_eq!(seen.row.state, "rated");
    assert_eq!(seen.assignments.len(), 2);
    assert_eq!(
        seen.assignments[0].satisfaction.as_deref(),
        Some("dissatisfied")
    );
    assert_eq!(seen.assignments[1].replied_on_time, Some(false));

    // Statistics: 自然资源局 had two hand-overs, both closed, one reopened, one of two ratings
    // satisfied — below the 85% floor; 供电公司 one, satisfied, all on time.
    let st = stats::stats(
        &app,
        &leader,
        &stats::StatsFilter {
            from: Some(d("2026-03-01")),
            to: Some(d("2026-03-31")),
            category: None,
        },
        today,
    )
    .await
    .unwrap();
    let line = |id: i64| {
        st.by_department
            .iter()
            .find(|l| l.unit.id == id)
            .unwrap()
            .clone()
    };
    let z = line(zrzyj);
    assert_eq!(
        (
            z.counts.received,
            z.counts.closed,
            z.counts.reopened,
            z.counts.rated,
            z.counts.satisfied
        ),
        (2, 2, 1, 2, 1)
    );
    assert_eq!(z.rates.satisfaction, Some(0.5));
    assert!(z.rates.below_floor);
    assert_eq!(z.counts.replied_on_time, 1, "the second round replied late");
    let g = line(gdgs);
    assert_eq!(
        (
            g.counts.received,
            g.counts.closed_on_time,
            g.counts.satisfied
        ),
        (1, 1, 1)
    );
    assert!(!g.rates.below_floor);
    assert_eq!(st.total.counts.received, 3);
    let gushan = unit_id(&app, "gushan").await;
    assert_eq!(
        st.by_town
            .iter()
            .find(|l| l.unit.id == gushan)
            .unwrap()
            .counts
            .received,
        3
    );
    assert_eq!(
        st.by_month
            .iter()
            .find(|m| m.month == "2026-03")
            .unwrap()
            .counts
            .received,
        3
    );
    assert!(matches!(
        stats::stats(&app, &cadre, &Default::default(), today).await,
        Err(AppError::Forbidden)
    ));

    // The 落实清单 lists both promised measures.
    let commitments = queue::list(
        &app,
        &office,
        &ProblemFilter {
            commitments: true,
            ..Default::default()
        },
        PageRequest::default(),
        today,
    )
    .await
    .unwrap();
    assert_eq!(commitments.total, 2);
    let xlsx = export::commitments_xlsx(&app, &office, &ProblemFilter::default(), today)
        .await
        .unwrap();
    let book = wujin_xlsx::read_workbook(&xlsx, "c.xlsx", &Default::default()).unwrap();
    let text: Vec<String> = book.sheets[0]
        .rows
        .iter()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            wujin_xlsx::Cell::Text(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(
        text.iter().any(|c| c.contains("纳入年度用地计划统筹安排")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|c| c.contains("供电公司3个工作日内现场勘查"))
    );
}
