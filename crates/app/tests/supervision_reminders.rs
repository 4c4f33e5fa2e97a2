//! The daily supervision check: "report due in 3 working days" goes out on the right working
//! day (the September 2024 report is due 5 October, a holiday, so 8 October; three working
//! days before that, counting the make-up Sunday 29 September, is Friday 27 September), once
//! per unit and cycle however often and from however many instances it runs; units that
//! filed are not reminded; an overdue report, a milestone and a deadline near are reminded;
//! the lead leader is copied once on each red task; a unit's webhook receives its reminders.

use std::sync::{Arc, Mutex};

use axum::routing::post;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde_json::Value;
use wujin_app::supervision::plans::{self, NewPlan};
use wujin_app::supervision::reminders::{self, ReminderSummary};
use wujin_app::supervision::reports::{self, NewReport};
use wujin_app::supervision::targets::{self, NewMilestone};
use wujin_app::supervision::tasks::{self, NewTask};
use wujin_app::{App, AppConfig};
use wujin_storage::entity::{department, notification};
use wujin_storage::sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use wujin_testkit::{TestDb, ctx_of, unit_id};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn sent(s: &ReminderSummary, kind: &str) -> usize {
    s.sent.get(kind).copied().unwrap_or(0)
}

async fn inbox(app: &App, user_id: i64, kind: &str) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(kind))
        .count(app.db.read())
        .await
        .unwrap()
}

/// A loopback server that keeps every JSON body POSTed to it.
async fn webhook_server() -> (String, Arc<Mutex<Vec<Value>>>) {
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let keep = got.clone();
    let router = Router::new().route(
        "/hook",
        post(move |Json(v): Json<Value>| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push(v);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

#[tokio::test]
async fn reminders_go_out_once_on_the_right_working_day() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dcs_jin").await;
    let jxj_staff = ctx_of(&app, "dept").await;
    let town_staff = ctx_of(&app, "town").await;
    let leader = ctx_of(&app, "leader").await;
    let jxj = unit_id(&app, "jxj").await;
    let gushan = unit_id(&app, "gushan").await;
    let (hook, got) = webhook_server().await;
    let mut am = department::Entity::find_by_id(jxj)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    am.webhook_url = Set(Some(hook));
    am.update(app.db.write()).await.unwrap();

    let p = plans::create(
        &app,
        &office,
        NewPlan {
            name: "2024年重点工作".into(),
            year: 2024,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let area = tasks::add(
        &app,
        &office,
        NewTask {
            plan_id: p.id,
            serial: "一".into(),
            content: "产业发展".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let task = |serial: &str, lead: i64, deadline: &str| NewTask {
        plan_id: p.id,
        parent_id: Some(area.id),
        serial: serial.into(),
        content: format!("任务{serial}"),
        lead_leader_id: leader.actor.id,
        lead_unit_id: Some(lead),
        deadline_text: Some(deadline.into()),
        ..Default::default()
    };
    let by_year_end = tasks::add(&app, &office, task("1", jxj, "2024年底前"))
        .await
        .unwrap();
    let overdue_task = tasks::add(&app, &office, task("2", gushan, "2024年6月底前"))
        .await
        .unwrap();
    let near = tasks::add(&app, &office, task("3", jxj, "2024-10-15"))
        .await
        .unwrap();
    targets::add_milestone(
        &app,
        &office,
        by_year_end.id,
        NewMilestone {
            kind: "monthly".into(),
            title: "完成技改项目验收".into(),
            due_on: d(2024, 10, 10),
        },
    )
    .await
    .unwrap();

    // 26 September: too early for the September report.
    // Nothing is reported and three quarters of the year have passed: every task is red (the
    // June one overdue), and the leader is copied once on each.
    let s = reminders::run(&app, d(2024, 9, 26), "a").await.unwrap();
    assert_eq!(sent(&s, reminders::REPORT_DUE), 0, "{s:?}");
    assert_eq!(sent(&s, reminders::TURNED_RED), 3, "{s:?}");
    // Nothing was reported for August either (due 5 September): both units hear of it.
    assert_eq!(sent(&s, reminders::REPORT_OVERDUE), 2, "{s:?}");
    // 27 September: both lead units are reminded, once.
    let s = reminders::run(&app, d(2024, 9, 27), "a").await.unwrap();
    assert_eq!(sent(&s, reminders::REPORT_DUE), 2, "{s:?}");
    let again = reminders::run(&app, d(2024, 9, 27), "b").await.unwrap();
    assert_eq!(sent(&again, reminders::REPORT_DUE), 0, "{again:?}");
    let later = reminders::run(&app, d(2024, 9, 30), "a").await.unwrap();
    assert_eq!(sent(&later, reminders::REPORT_DUE), 0, "{later:?}");
    // 30 September is three working days before the milestone of 10 October (the National
    // Day holiday in between) and seven before the deadline of 15 October.
    assert_eq!(sent(&later, reminders::NODE_DUE), 1, "{later:?}");
    assert_eq!(sent(&later, reminders::DEADLINE_NEAR), 1, "{later:?}");
    let jxj_user = jxj_staff.actor.id.unwrap();
    let town_user = town_staff.actor.id.unwrap();
    assert_eq!(inbox(&app, jxj_user, "supervision_report_due").await, 1);
    assert_eq!(inbox(&app, town_user, "supervision_report_due").await, 1);
    assert_eq!(sent(&s, reminders::TURNED_RED), 0, "{s:?}");
    let leader_id = leader.actor.id.unwrap();
    assert_eq!(inbox(&app, leader_id, "supervision_turned_red").await, 3);

    // 经信局 reports its tasks; after the due date only 古山镇 is overdue.
    for id in [by_year_end.id, near.id] {
        reports::file(
            &app,
            &jxj_staff,
            NewReport {
                task_id: id,
                cycle: Some("2024-09".into()),
                progress: "按计划推进".into(),
                percent_complete: Some(75.0),
                ..Default::default()
            },
            d(2024, 10, 8),
        )
        .await
        .unwrap();
    }
    let s = reminders::run(&app, d(2024, 10, 9), "a").await.unwrap();
    assert_eq!(sent(&s, reminders::REPORT_OVERDUE), 1, "{s:?}");
    assert_eq!(
        inbox(&app, town_user, "supervision_report_overdue").await,
        2
    );
    assert_eq!(inbox(&app, jxj_user, "supervision_report_overdue").await, 1);
    // The milestone and the deadline were reminded once.
    assert_eq!(
        (
            sent(&s, reminders::NODE_DUE),
            sent(&s, reminders::DEADLINE_NEAR)
        ),
        (0, 0),
        "{s:?}"
    );

    // A red (overdue) task is suggested for a 督办单, to the office only; a green one is not.
    use wujin_domain::supervision::escalation::NoticeLevel;
    assert_eq!(
        wujin_app::supervision::notices::suggested_for(&app, &office, overdue_task.id)
            .await
            .unwrap(),
        Some(NoticeLevel::Notice)
    );
    assert_eq!(
        wujin_app::supervision::notices::suggested_for(&app, &office, by_year_end.id)
            .await
            .unwrap(),
        None
    );
    assert!(matches!(
        wujin_app::supervision::notices::suggested_for(&app, &jxj_staff, overdue_task.id).await,
        Err(wujin_app::AppError::Forbidden)
    ));

    // The webhook got 经信局's reminders: the report due, the milestone, the deadline.
    let bodies = got.lock().unwrap().clone();
    let kinds: Vec<&str> = bodies.iter().filter_map(|b| b["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["report_overdue", "report_due", "node_due", "deadline_near"],
        "{bodies:?}"
    );
    assert_eq!(bodies[1]["tasks"].as_array().unwrap().len(), 2);
}
