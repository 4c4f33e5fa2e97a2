//! The demo's service loop: a year of visits and a few hundred problems in every state, made
//! through the use-cases, with overdue cases escalated and ratings that reopened cases.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use wujin_app::service::stats::{StatsFilter, stats};
use wujin_app::{App, AppConfig};
use wujin_domain::service::case::CaseState;
use wujin_storage::entity::{problem, problem_event, service_visit};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wujin_testkit::{TestDb, ctx_of};

#[tokio::test]
async fn the_demo_holds_a_year_of_visits_and_problems_in_every_state() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    wujin_app::demo_supervision::fill_supervision_on(&app, today)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let d = wujin_app::demo_service::fill_service_on(&app, today)
        .await
        .unwrap()
        .expect("a fresh database gets the demo");
    eprintln!("service demo: {d:?} in {:?}", started.elapsed());
    assert!(d.visits >= 200, "{d:?}");
    assert!((200..=600).contains(&d.problems), "{d:?}");
    assert!(
        wujin_app::demo_service::fill_service_on(&app, today)
            .await
            .unwrap()
            .is_none(),
        "a second run adds nothing"
    );
    let db = app.db.read();
    let all = problem::Entity::find().all(db).await.unwrap();
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    for p in &all {
        *by_state.entry(p.state.clone()).or_default() += 1;
    }
    eprintln!("{by_state:?}");
    for s in CaseState::ALL {
        assert!(
            by_state.get(s.as_str()).copied().unwrap_or(0) > 0,
            "no {s:?}: {by_state:?}"
        );
    }
    assert!(
        all.iter().any(|p| p.due_on.is_some_and(|d| d < today)),
        "some are overdue"
    );
    assert!(all.iter().any(|p| p.reopen_count > 0 && p.state == "rated"));
    assert!(all.iter().any(|p| p.outcome.as_deref() == Some("deferred")));
    assert!(
        all.iter()
            .any(|p| p.outcome.as_deref() == Some("not_permitted"))
    );
    for source in ["visit", "enterprise", "town", "hotline"] {
        assert!(all.iter().any(|p| p.source == source), "{source}");
    }
    let escalated = problem_event::Entity::find()
        .filter(problem_event::Column::Action.eq("escalated_head"))
        .count(db)
        .await
        .unwrap();
    assert!(escalated > 0);
    let first = service_visit::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.visited_on)
        .min()
        .unwrap();
    assert!(
        (today - first).num_days() > 300,
        "a year of visits, from {first}"
    );
    let leader = ctx_of(&app, "leader").await;
    let s = stats(&app, &leader, &StatsFilter::default(), today)
        .await
        .unwrap();
    assert!(s.by_department.len() >= 6);
    assert!(
        s.total
            .rates
            .satisfaction
            .is_some_and(|r| r > 0.7 && r < 1.0),
        "{:?}",
        s.total.rates
    );
}
