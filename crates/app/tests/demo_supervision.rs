//! The demo's supervision plans: about 120 tasks (and sub-tasks) of the year's work report
//! with history up to the demo's today — every colour in the current cycle, late and missing
//! reports, notices, a pending extension, accepted completions — the quarterly campaign plan
//! beside it; the office sees every task, a town only its own. Checked on two days of the year
//! so the history follows the day it is made on.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use wujin_app::demo_supervision::{self, CAMPAIGN_PLAN, DemoSupervision, LEADERS};
use wujin_app::supervision::{bulletin, plans, tasks};
use wujin_app::{App, AppConfig};
use wujin_storage::entity::{
    progress_report, supervision_notice, supervision_task, task_colour, task_milestone,
    task_request,
};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wujin_testkit::{TestDb, ctx_of, unit_id};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn demo(today: NaiveDate) -> (TestDb, App, DemoSupervision) {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let started = std::time::Instant::now();
    let made = demo_supervision::fill_supervision_on(&app, today)
        .await
        .unwrap()
        .expect("an empty database gets the plans");
    eprintln!(
        "demo supervision up to {today} made in {:?}",
        started.elapsed()
    );
    assert_eq!(made.today, today);
    (t, app, made)
}

/// Tasks of the plan per colour in `cycle`.
async fn colours(app: &App, plan: i64, cycle: &str) -> BTreeMap<String, usize> {
    let ids: Vec<i64> = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan))
        .all(app.db.read())
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let mut out = BTreeMap::new();
    for c in task_colour::Entity::find()
        .filter(task_colour::Column::TaskId.is_in(ids))
        .filter(task_colour::Column::Cycle.eq(cycle))
        .all(app.db.read())
        .await
        .unwrap()
    {
        *out.entry(c.colour).or_default() += 1;
    }
    out
}

fn every_colour(counts: &BTreeMap<String, usize>) {
    for c in ["green", "blue", "yellow", "red", "grey"] {
        assert!(
            counts.get(c).copied().unwrap_or(0) > 0,
            "no {c} in {counts:?}"
        );
    }
}

#[tokio::test]
async fn the_work_report_demo_has_every_colour_and_a_history() {
    let today = d(2026, 11, 30);
    let (_t, app, made) = demo(today).await;
    let office = ctx_of(&app, "dcs_jin").await;
    let plan = plans::get(&app, &office, made.work_report).await.unwrap();
    assert_eq!(plan.name, "2026年政府工作报告重点工作任务分解");
    assert_eq!(plan.year, 2026);
    let all = tasks::of_plan(&app, &office, made.work_report)
        .await
        .unwrap();
    let (areas, top, subs) = (
        all.iter().filter(|t| t.level == 0).count(),
        all.iter().filter(|t| t.level == 1).count(),
        all.iter().filter(|t| t.level == 2).count(),
    );
    assert_eq!((areas, top), (8, 120));
    assert!((5..=20).contains(&subs), "{subs} sub-tasks");
    assert_eq!(
        plan.tasks as usize,
        top + subs,
        "the office sees every task"
    );

    // Leaders: the demo leader and the vice-mayors lead the areas.
    let mut leaders: Vec<i64> = all.iter().filter_map(|t| t.lead_leader_id).collect();
    leaders.sort_unstable();
    leaders.dedup();
    assert_eq!(leaders.len(), LEADERS.len());

    // Every colour in the current cycle, and colours kept for every month of the year so far.
    let now = colours(&app, made.work_report, "2026-11").await;
    every_colour(&now);
    assert_eq!(now.values().sum::<usize>(), top + subs);
    assert!(now["red"] >= 3 && now["green"] > now["red"], "{now:?}");
    for m in 1..=10 {
        let past = colours(&app, made.work_report, &format!("2026-{m:02}")).await;
        assert_eq!(past.values().sum::<usize>(), top + subs, "month {m}");
    }

    // Reports: months of them, some late, and some missing in the bulletin.
    let reports = progress_report::Entity::find()
        .all(app.db.read())
        .await
        .unwrap();
    assert!(reports.len() > 1_000, "{} reports", reports.len());
    assert!(reports.iter().any(|r| r.late));
    assert!(reports.iter().any(|r| !r.is_lead), "co-units contribute");
    let monthly = |r: &&progress_report::Model| !r.cycle.contains('Q');
    assert!(
        reports
            .iter()
            .filter(monthly)
            .all(|r| r.cycle.as_str() <= "2026-10")
    );
    assert!(reports.iter().any(|r| r.cycle == "2026-10"));
    assert!(
        reports.iter().any(|r| r.cycle == "2026-Q3"),
        "the campaign reports by quarter"
    );
    let b = bulletin::bulletin(&app, &office, made.work_report, "2026-10", today)
        .await
        .unwrap();
    let (late, missing): (u32, u32) = b
        .reporting
        .iter()
        .fold((0, 0), |(l, m), u| (l + u.late, m + u.missing));
    assert!(late > 0 && missing > 0, "late {late}, missing {missing}");
    let current = bulletin::bulletin(&app, &office, made.work_report, "2026-11", today)
        .await
        .unwrap();
    assert!(current.colours.iter().all(|c| c.this_cycle > 0));
    assert!(!current.flagged.is_empty());
    assert_eq!(current.notices.len(), 3, "three notices this month");

    // Supervision: three notices, one answered; an extension pending; completions accepted.
    let notices = supervision_notice::Entity::find()
        .all(app.db.read())
        .await
        .unwrap();
    assert_eq!(notices.len(), 3);
    let statuses: Vec<(&str, bool)> = notices
        .iter()
        .map(|n| (n.status.as_str(), n.answer.is_some()))
        .collect();
    assert_eq!(
        notices.iter().filter(|n| n.status == "answered").count(),
        1,
        "{statuses:?}"
    );
    let requests = task_request::Entity::find()
        .all(app.db.read())
        .await
        .unwrap();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.kind == "extension" && r.status == "requested")
            .count(),
        1
    );
    assert!(
        requests
            .iter()
            .any(|r| r.kind == "completion" && r.status == "accepted")
    );
    // Milestones: reached and missed; quantitative targets with values reported.
    let nodes = task_milestone::Entity::find()
        .all(app.db.read())
        .await
        .unwrap();
    assert!(nodes.iter().any(|m| m.done_at.is_some()));
    assert!(
        nodes
            .iter()
            .any(|m| m.done_at.is_none() && m.due_on < today)
    );
    assert!(
        all.iter()
            .any(|t| t.deadline_text.as_deref() == Some("12月4日前"))
    );
    assert!(reports.iter().any(|r| r.target_value.is_some()));

    // A town sees only the tasks it leads or co-operates on.
    let gushan = unit_id(&app, "gushan").await;
    let town = ctx_of(&app, "town").await;
    let mine = tasks::of_plan(&app, &town, made.work_report).await.unwrap();
    let own: Vec<_> = mine
        .iter()
        .filter(|t| t.lead_unit_id == Some(gushan) || t.co_unit_ids.contains(&gushan))
        .collect();
    assert!(!own.is_empty());
    assert!(own.len() < top / 4, "{} tasks", own.len());
    for t in mine.iter().filter(|t| t.level > 0) {
        let parent_is_own = own.iter().any(|o| Some(o.id) == t.parent_id);
        let child_is_own = own.iter().any(|o| o.parent_id == Some(t.id));
        assert!(
            t.lead_unit_id == Some(gushan)
                || t.co_unit_ids.contains(&gushan)
                || parent_is_own
                || child_is_own,
            "{} {}",
            t.serial,
            t.content
        );
    }
    let tb = bulletin::bulletin(&app, &town, made.work_report, "2026-11", today)
        .await
        .unwrap();
    assert!(
        tb.total > 0 && (tb.total as usize) < top / 4,
        "{}",
        tb.total
    );

    // The campaign plan, reported quarterly; and the demo is not made twice.
    let campaign = plans::get(&app, &office, made.campaign).await.unwrap();
    assert_eq!(campaign.name, CAMPAIGN_PLAN);
    assert_eq!(campaign.tasks, 20);
    assert!(!colours(&app, made.campaign, "2026-Q4").await.is_empty());
    assert!(!colours(&app, made.campaign, "2026-Q3").await.is_empty());
    assert_eq!(
        demo_supervision::fill_supervision_on(&app, today)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_mid_year_demo_is_current_too() {
    let today = d(2026, 6, 15);
    let (_t, app, made) = demo(today).await;
    every_colour(&colours(&app, made.work_report, "2026-06").await);
    let reports = progress_report::Entity::find()
        .all(app.db.read())
        .await
        .unwrap();
    let monthly = |r: &&progress_report::Model| !r.cycle.contains('Q');
    assert!(
        reports
            .iter()
            .filter(monthly)
            .all(|r| r.cycle.as_str() <= "2026-05")
    );
    assert!(reports.iter().any(|r| r.cycle == "2026-05"));
    assert!(
        reports
            .iter()
            .filter(|r| r.cycle.contains('Q'))
            .all(|r| r.cycle == "2026-Q1")
    );
    assert!(reports.iter().all(|r| r.submitted_at.date_naive() <= today));
    assert!(colours(&app, made.work_report, "2026-07").await.is_empty());
}
