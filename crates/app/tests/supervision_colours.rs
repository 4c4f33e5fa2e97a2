//! Colours of a past cycle are judged on what had been reported by then, not on later
//! reports: recomputing April after a May report of 100% still sees April's 20%.

use chrono::NaiveDate;
use wujin_app::supervision::colours;
use wujin_app::supervision::plans::{self, NewPlan};
use wujin_app::supervision::reports::{self, NewReport};
use wujin_app::supervision::tasks::{self, NewTask};
use wujin_app::{App, AppConfig};
use wujin_testkit::{TestDb, ctx_of, unit_id};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[tokio::test]
async fn a_past_cycle_is_judged_on_the_reports_of_its_time() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dcs_jin").await;
    let jxj = ctx_of(&app, "dept").await;
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
            content: "产业发展".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let task = tasks::add(
        &app,
        &office,
        NewTask {
            plan_id: p.id,
            parent_id: Some(area.id),
            serial: "1".into(),
            content: "完成技改项目".into(),
            lead_unit_id: Some(unit_id(&app, "jxj").await),
            deadline_text: Some("2024年底前".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for (cycle, pc, on) in [
        ("2024-04", 20.0, d(2024, 5, 3)),
        ("2024-05", 100.0, d(2024, 6, 3)),
    ] {
        reports::file(
            &app,
            &jxj,
            NewReport {
                task_id: task.id,
                cycle: Some(cycle.into()),
                progress: "推进中".into(),
                percent_complete: Some(pc),
                ..Default::default()
            },
            on,
        )
        .await
        .unwrap();
    }
    // On 30 April a third of the year has passed: 20% is about 13 points behind → yellow.
    let april = colours::recompute(&app, &office, p.id, d(2024, 4, 30))
        .await
        .unwrap();
    assert_eq!(april.cycle, "2024-04");
    assert_eq!(april.by_colour.get("yellow"), Some(&1), "{april:?}");
    // In May the 100% report counts.
    let may = colours::recompute(&app, &office, p.id, d(2024, 5, 31))
        .await
        .unwrap();
    assert_eq!(may.by_colour.get("green"), Some(&1), "{may:?}");
}
