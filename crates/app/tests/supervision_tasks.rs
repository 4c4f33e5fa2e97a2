//! 督查督办 plans and tasks: only the supervision office creates them; deadline phrases are read
//! in the plan's year or refused with the phrase; a unit reads only the tasks it leads or
//! co-operates on (with the areas above them), leaders read all, cadres and firms nothing; a
//! unit reports only on its own tasks (the lead unit with its percent, a co-unit its
//! contribution), a second report of a cycle replaces the first, a late one is marked; the
//! colours of a cycle follow the plan's rules and are recomputed by the office only.

use wujin_app::supervision::colours;
use wujin_app::supervision::notices;
use wujin_app::supervision::plans::{self, NewPlan};
use wujin_app::supervision::reports::{self, NewReport};
use wujin_app::supervision::requests;
use wujin_app::supervision::tasks::{self, NewTask};
use wujin_app::{App, AppConfig, AppError};
use wujin_domain::supervision::deadline::{Deadline, Recurrence};
use wujin_domain::supervision::escalation::{NoticeAction, NoticeLevel, NoticeState};
use wujin_storage::entity::audit_event;
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wujin_testkit::{TestDb, ctx_of, unit_id};

fn fields(r: Result<impl std::fmt::Debug, AppError>) -> Vec<(String, String)> {
    match r {
        Err(AppError::Validation(errors)) => errors
            .into_iter()
            .map(|e| (e.field.to_string(), e.key.to_string()))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_office_decomposes_a_plan_units_report_and_colours_follow_the_rules() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let admin = ctx_of(&app, "admin").await;
    let office = ctx_of(&app, "dcs_jin").await;
    let jxj = ctx_of(&app, "dept").await;
    let fgj = ctx_of(&app, "fgj_zhu").await;
    let town = ctx_of(&app, "town").await;
    let leader = ctx_of(&app, "leader").await;
    let leader_id = leader.actor.id.unwrap();

    // Only the office (and the administrator) creates plans.
    let plan = NewPlan {
        name: "2022年政府工作报告重点工作任务分解".into(),
        year: 2022,
        ..Default::default()
    };
    for who in [&jxj, &town, &leader] {
        assert!(matches!(
            plans::create(&app, who, plan.clone()).await,
            Err(AppError::Forbidden)
        ));
    }
    let p = plans::create(&app, &office, plan.clone()).await.unwrap();
    assert_eq!((p.report_due_day, p.tasks), (5, 0));
    assert_eq!(
        fields(plans::create(&app, &admin, plan.clone()).await),
        [("name".into(), "error.plan.name_taken".into())]
    );
    assert_eq!(
        fields(
            plans::create(
                &app,
                &office,
                NewPlan {
                    name: " ".into(),
                    year: 1900,
                    report_period: Some("weekly".into()),
                    report_due_day: Some(31),
                    ..Default::default()
                }
            )
            .await
        )
        .len(),
        4
    );

    let (jxj_unit, fgj_unit, gushan) = (
        unit_id(&app, "jxj").await,
        unit_id(&app, "fgj").await,
        unit_id(&app, "gushan").await,
    );
    let area = tasks::add(
        &app,
        &office,
        NewTask {
            plan_id: p.id,
            serial: "一、".into(),
            content: "推动五金产业转型升级".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(area.level, 0);
    let task = |serial: &str, content: &str, lead: i64, co: Vec<i64>, deadline: &str| NewTask {
        plan_id: p.id,
        parent_id: Some(area.id),
        serial: serial.into(),
        content: content.into(),
        lead_leader_id: Some(leader_id),
        lead_unit_id: Some(lead),
        co_unit_ids: co,
        deadline_text: Some(deadline.into()),
        ..Default::default()
    };
    let a = tasks::add(
        &app,
        &office,
        task(
            "1",
            "规上工业增加值增长8%",
            jxj_unit,
            vec![fgj_unit],
            "2022年底前",
        ),
    )
    .await
    .unwrap();
    assert_eq!(a.level, 1);
    assert_eq!(
        a.deadline,
        Some(Deadline::On(
            chrono::NaiveDate::from_ymd_opt(2022, 12, 31).unwrap()
        ))
    );
    assert_eq!(a.co_unit_ids, [fgj_unit]);
    let b = tasks::add(
        &app,
        &office,
        task("2", "整治提升低散乱污企业", gushan, vec![], "每季度"),
    )
    .await
    .unwrap();
    assert_eq!(b.deadline, Some(Deadline::Recurring(Recurrence::Quarterly)));
    let c = tasks::add(
        &app,
        &office,
        task("3", "优化营商环境", fgj_unit, vec![], "长期坚持"),
    )
    .await
    .unwrap();
    assert_eq!(c.deadline, Some(Deadline::Ongoing));

    // Refused: an unreadable deadline (with the phrase), a leader who is not one, an unknown
    // unit, a fourth level.
    let mut bad = task("4", "某项任务", jxj_unit, vec![999_999], "尽快");
    bad.lead_leader_id = jxj.actor.id;
    assert_eq!(
        fields(tasks::add(&app, &office, bad).await),
        [
            ("lead_leader_id".into(), "error.task.leader_unknown".into()),
            ("co_unit_ids".into(), "error.task.unit_unknown".into()),
            (
                "deadline_text".into(),
                "error.task.deadline_unreadable".into()
            ),
        ]
    );
    let sub = tasks::add(
        &app,
        &office,
        NewTask {
            parent_id: Some(a.id),
            serial: "1.1".into(),
            ..task("1.1", "新增规上企业100家", jxj_unit, vec![], "6月底前")
        },
    )
    .await
    .unwrap();
    assert_eq!(sub.level, 2);
    assert_eq!(
        fields(
            tasks::add(
                &app,
                &office,
                NewTask {
                    parent_id: Some(sub.id),
                    ..task("1.1.1", "再下一级", jxj_unit, vec![], "6月底前")
                }
            )
            .await
        ),
        [("parent_id".into(), "error.task.too_deep".into())]
    );

    // Who sees what.
    let ids = |v: Vec<tasks::TaskView>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
    let everything = vec![area.id, a.id, b.id, c.id, sub.id];
    assert_eq!(
        ids(tasks::of_plan(&app, &leader, p.id).await.unwrap()),
        everything
    );
    assert_eq!(
        ids(tasks::of_plan(&app, &office, p.id).await.unwrap()),
        everything
    );
    assert_eq!(
        ids(tasks::of_plan(&app, &jxj, p.id).await.unwrap()),
        [area.id, a.id, sub.id],
        "the lead unit sees its task, its sub-task and the area above"
    );
    assert_eq!(
        ids(tasks::of_plan(&app, &fgj, p.id).await.unwrap()),
        [area.id, a.id, c.id, sub.id],
        "a co-unit sees the task it helps with"
    );
    assert_eq!(
        ids(tasks::of_plan(&app, &town, p.id).await.unwrap()),
        [area.id, b.id]
    );
    for who in ["cadre", "firm"] {
        let ctx = ctx_of(&app, who).await;
        assert!(matches!(
            plans::list(&app, &ctx).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            tasks::of_plan(&app, &ctx, p.id).await,
            Err(AppError::Forbidden)
        ));
    }
    assert_eq!(plans::get(&app, &leader, p.id).await.unwrap().tasks, 4);
    assert_eq!(plans::get(&app, &jxj, p.id).await.unwrap().tasks, 2);
    assert_eq!(plans::list(&app, &town).await.unwrap()[0].tasks, 1);

    // Every write audited.
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("supervision_task"))
        .count(app.db.read())
        .await
        .unwrap();
    assert_eq!(events, 5);

    // Reports: on 3 July the June report is due (by 5 July).
    let today = chrono::NaiveDate::from_ymd_opt(2022, 7, 3).unwrap();
    let report = |task: i64, percent: Option<f64>| NewReport {
        task_id: task,
        progress: "新增规上企业42家，增加值增速7.1%".into(),
        percent_complete: percent,
        ..Default::default()
    };
    let r = reports::file(&app, &jxj, report(a.id, Some(20.0)), today)
        .await
        .unwrap();
    assert_eq!(
        (r.cycle.as_str(), r.is_lead, r.late),
        ("2022-06", true, false)
    );
    assert_eq!(
        r.due_on,
        chrono::NaiveDate::from_ymd_opt(2022, 7, 5).unwrap()
    );
    let contribution = reports::file(&app, &fgj, report(a.id, None), today)
        .await
        .unwrap();
    assert!(!contribution.is_lead, "a co-unit contributes");
    assert!(matches!(
        reports::file(&app, &town, report(a.id, Some(50.0)), today).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        reports::file(&app, &leader, report(a.id, Some(50.0)), today).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(
        fields(
            reports::file(
                &app,
                &jxj,
                NewReport {
                    cycle: Some("2022-09".into()),
                    progress: " ".into(),
                    percent_complete: Some(120.0),
                    ..report(a.id, None)
                },
                today
            )
            .await
        ),
        [
            ("cycle".into(), "error.report.cycle_future".into()),
            ("progress".into(), "error.report.progress_required".into()),
            (
                "percent_complete".into(),
                "error.report.percent_invalid".into()
            ),
        ]
    );

    // Colours on 3 July: half the year gone. Task 1 at 20 % is 30.4 points behind (red);
    // task 2, quarterly to the year's end, reported nothing (red); task 3 is ongoing (green);
    // sub-task 1.1 was due on 30 June (red, overdue).
    assert!(matches!(
        colours::recompute(&app, &jxj, p.id, today).await,
        Err(AppError::Forbidden)
    ));
    let s = colours::recompute(&app, &office, p.id, today)
        .await
        .unwrap();
    assert_eq!(s.cycle, "2022-07");
    assert_eq!(
        s.by_colour,
        [("green".to_string(), 1), ("red".to_string(), 3)].into()
    );
    // Reporting 45 % again replaces the June report; task 1 is then on track.
    let again = reports::file(&app, &jxj, report(a.id, Some(45.0)), today)
        .await
        .unwrap();
    assert_eq!(again.id, r.id);
    let s = colours::recompute(&app, &office, p.id, today)
        .await
        .unwrap();
    assert_eq!(
        s.by_colour,
        [("green".to_string(), 2), ("red".to_string(), 2)].into()
    );
    // A June report sent on 8 July is late.
    let late = reports::file(
        &app,
        &town,
        NewReport {
            cycle: Some("2022-06".into()),
            ..report(b.id, Some(40.0))
        },
        chrono::NaiveDate::from_ymd_opt(2022, 7, 8).unwrap(),
    )
    .await
    .unwrap();
    assert!(late.late);

    // Red tasks are suggested for a 督办单; the office issues one, the lead unit's staff and
    // the lead leader are told; the unit answers, the office returns it, then escalates.
    let suggested = notices::suggested(&app, &office, p.id).await.unwrap();
    assert!(
        suggested.contains(&(b.id, NoticeLevel::Notice)),
        "{suggested:?}"
    );
    assert!(!suggested.iter().any(|(t, _)| *t == a.id), "{suggested:?}");
    let due = chrono::NaiveDate::from_ymd_opt(2022, 7, 15).unwrap();
    assert!(matches!(
        notices::issue(&app, &town, b.id, "请加快进度", due, today).await,
        Err(AppError::Forbidden)
    ));
    let n = notices::issue(&app, &office, b.id, "请于7月15日前报送整改措施", due, today)
        .await
        .unwrap();
    assert_eq!(
        (n.level, n.state),
        (NoticeLevel::Notice, NoticeState::Issued)
    );
    let told = wujin_storage::entity::notification::Entity::find()
        .filter(wujin_storage::entity::notification::Column::Kind.eq("supervision_notice"))
        .all(app.db.read())
        .await
        .unwrap();
    assert!(
        told.iter().any(|m| Some(m.user_id) == leader.actor.id),
        "the leader is copied"
    );
    assert!(
        told.iter().any(|m| Some(m.user_id) == town.actor.id),
        "the lead unit is told"
    );
    assert!(
        !notices::suggested(&app, &office, p.id)
            .await
            .unwrap()
            .iter()
            .any(|(t, _)| *t == b.id)
    );
    // Another unit cannot see it; the office cannot answer for the unit; closing before an
    // answer is an illegal step.
    assert!(matches!(
        notices::act(&app, &jxj, n.id, NoticeAction::Answer, "x", None).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        notices::act(&app, &office, n.id, NoticeAction::Answer, "x", None).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        notices::act(&app, &office, n.id, NoticeAction::Close, "", None).await,
        Err(AppError::Conflict(k)) if k == "error.notice.transition"
    ));
    let answered = notices::act(
        &app,
        &town,
        n.id,
        NoticeAction::Answer,
        "已制定整改方案",
        None,
    )
    .await
    .unwrap();
    assert_eq!(answered.state, NoticeState::Answered);
    let returned = notices::act(&app, &office, n.id, NoticeAction::ReturnAnswer, "", None)
        .await
        .unwrap();
    assert_eq!(returned.state, NoticeState::Issued);
    let letter = notices::act(
        &app,
        &office,
        n.id,
        NoticeAction::Escalate,
        "专函督办：请主要负责人说明原因",
        Some(chrono::NaiveDate::from_ymd_opt(2022, 7, 22).unwrap()),
    )
    .await
    .unwrap();
    assert_eq!(
        (letter.level, letter.state, letter.previous_id),
        (NoticeLevel::Letter, NoticeState::Issued, Some(n.id))
    );
    let history = notices::of_task(&app, &town, b.id).await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.state).collect::<Vec<_>>(),
        [NoticeState::Escalated, NoticeState::Issued]
    );

    // Extensions: asked by the lead unit before the deadline, with a reason; decided by the
    // office.
    let date = |m, d| chrono::NaiveDate::from_ymd_opt(2022, m, d).unwrap();
    let later = chrono::NaiveDate::from_ymd_opt(2023, 3, 31).unwrap();
    assert!(matches!(
        requests::request_extension(&app, &fgj, a.id, later, "配合单位", today).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(
        fields(requests::request_extension(&app, &jxj, sub.id, later, "来不及", today).await),
        [(
            "proposed_deadline".into(),
            "error.request.after_deadline".into()
        )]
    );
    assert_eq!(
        fields(requests::request_extension(&app, &jxj, a.id, date(12, 1), "提前", today).await),
        [("proposed_deadline".into(), "error.request.not_later".into())]
    );
    let ext = requests::request_extension(&app, &jxj, a.id, later, "受疫情影响项目延期开工", today)
        .await
        .unwrap();
    assert!(matches!(
        requests::request_extension(&app, &jxj, a.id, later, "再申请", today).await,
        Err(AppError::Conflict(k)) if k == "error.request.pending"
    ));
    assert_eq!(
        fields(requests::decide_extension(&app, &office, ext.id, false, None, " ").await),
        [("reason".into(), "error.request.reason_required".into())]
    );
    assert!(matches!(
        requests::decide_extension(&app, &jxj, ext.id, true, None, "").await,
        Err(AppError::Forbidden)
    ));
    let approved = requests::decide_extension(&app, &office, ext.id, true, None, "")
        .await
        .unwrap();
    assert_eq!(approved.status, "approved");
    let moved = tasks::visible(&app, &jxj, a.id).await.unwrap();
    assert_eq!(moved.deadline_on, Some(later));

    // Completion (审结): requested, returned with a reason, requested again, accepted; the
    // task is then grey.
    let done = requests::request_completion(&app, &jxj, sub.id, "已新增规上企业103家")
        .await
        .unwrap();
    assert_eq!(
        fields(requests::review_completion(&app, &office, done.id, false, "").await),
        [("reason".into(), "error.request.reason_required".into())]
    );
    requests::review_completion(&app, &office, done.id, false, "请附统计局认定名单")
        .await
        .unwrap();
    assert_eq!(
        tasks::visible(&app, &jxj, sub.id).await.unwrap().status,
        "open"
    );
    let again = requests::request_completion(&app, &jxj, sub.id, "已附认定名单")
        .await
        .unwrap();
    assert!(matches!(
        requests::request_completion(&app, &jxj, sub.id, "重复").await,
        Err(AppError::Conflict(k)) if k == "error.request.transition"
    ));
    requests::review_completion(&app, &office, again.id, true, "")
        .await
        .unwrap();
    assert_eq!(
        tasks::visible(&app, &jxj, sub.id).await.unwrap().status,
        "done"
    );
    let s = colours::recompute(&app, &office, p.id, today)
        .await
        .unwrap();
    assert_eq!(s.by_colour.get("grey"), Some(&1), "{s:?}");
}
